/* narration-panel.c — speaking a text, its preview player with subtitles,
 * and its export with the export dialog.
 *
 * Speaking and writing files run on a worker; results come back to the
 * main loop and are dropped when the job they belong to was cancelled or
 * the panel went away.
 */
#define G_LOG_DOMAIN "atelier-narration-panel"

#include "ui/narration-panel.h"
#include "context-call.h"

#include <glib/gstdio.h>
#include <string.h>

#include "audio/narration.h"
#include "media/subtitles.h"
#include "ui/clip-player.h"
#include "ui/narration-files.h"
#include "ui/text-util.h"
#include "ui/waveform.h"
#include "ui/widget-job.h"

struct _AtNarrationPanel {
  GtkBox parent_instance;

  /* template children */
  GtkDropDown *source_dropdown;
  GtkTextView *narration_view;
  GtkDropDown *voice_dropdown;
  GtkSpinButton *rate_spin;
  GtkSpinButton *pitch_spin;
  GtkButton *speak_button;
  AtWaveform *waveform;
  GtkButton *play_button;
  GtkLabel *position_label;
  GtkButton *export_button;
  GtkLabel *status_label;
  GtkLabel *subtitle_label;

  GtkTextBuffer *prompt;
  GtkTextBuffer *transcript;
  GPtrArray *voice_ids;           /* char*: espeak-ng identifiers, as the dropdown */
  guint default_voice;            /* index of STUDIO_VOICE, else of AT_NARRATION_DEFAULT_VOICE */

  GCancellable *speak_cancellable;
  GCancellable *export_cancellable;   /* the export the dialog started */
  AtAudio *narration;
  GPtrArray *subtitles;           /* AtCue lines of the narration */
  AtClipPlayer *player;           /* plays the narration on show */
  gboolean quiet;                 /* the panel itself is changing a control */
  gboolean disposed;              /* late results find no widgets */
};

G_DEFINE_FINAL_TYPE (AtNarrationPanel, at_narration_panel, GTK_TYPE_BOX)

enum {
  CHANGED,
  NARRATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The status line with no narration yet. */
#define HINT "Speak reads the text above, or the prompt when it is empty"

/* The status line, under the buttons. */
static void
set_status (AtNarrationPanel *self, const char *text)
{
  gtk_label_set_text (self->status_label, text);
}

/* --- speaking and the preview player --------------------------------------- */

/* The espeak-ng identifier chosen, or NULL. */
static const char *
selected_voice (AtNarrationPanel *self)
{
  guint sel = gtk_drop_down_get_selected (self->voice_dropdown);
  return self->voice_ids != NULL && sel < self->voice_ids->len ? g_ptr_array_index (self->voice_ids, sel) : NULL;
}

/* The line spoken at ms; before the first word, the first line, so that
 * a narration ready to play shows how it begins. */
static const char *
cue_at (GPtrArray *cues, gint64 ms)
{
  if (cues == NULL || cues->len == 0)
    return "";
  if (ms < ((const AtCue *) g_ptr_array_index (cues, 0))->start_ms)
    return ((const AtCue *) g_ptr_array_index (cues, 0))->text;
  for (guint i = 0; i < cues->len; i++)
    {
      const AtCue *c = g_ptr_array_index (cues, i);
      if (ms >= c->start_ms && ms < c->end_ms)
        return c->text;
    }
  return "";
}

void
at_narration_panel_show_time (AtNarrationPanel *self, gint64 ms)
{
  g_return_if_fail (AT_IS_NARRATION_PANEL (self));
  const char *text = cue_at (self->subtitles, ms);
  if (g_strcmp0 (text, gtk_label_get_text (self->subtitle_label)) != 0)
    gtk_label_set_text (self->subtitle_label, text);
}

/* The player moved: the position line, the subtitle line. */
static void
on_position (AtClipPlayer *player, gint64 ms, AtNarrationPanel *self)
{
  double total = self->narration != NULL ? at_audio_get_duration (self->narration) : 0;
  g_autofree char *pos = g_strdup_printf ("%.1f / %.1f s", MAX (ms, 0) / 1000.0, total);
  if (self->narration != NULL)
    gtk_label_set_text (self->position_label, pos);
  at_narration_panel_show_time (self, ms);
}

static void
on_player_problem (AtClipPlayer *player, const char *message, AtNarrationPanel *self)
{
  set_status (self, message);
}

AtWaveform *
at_narration_panel_get_waveform (AtNarrationPanel *self)
{
  g_return_val_if_fail (AT_IS_NARRATION_PANEL (self), NULL);
  return self->waveform;
}

void
at_narration_panel_seek (AtNarrationPanel *self, gint64 ms)
{
  g_return_if_fail (AT_IS_NARRATION_PANEL (self));
  at_clip_player_seek (self->player, ms);
}

gboolean
at_narration_panel_toggle_playback (AtNarrationPanel *self)
{
  g_return_val_if_fail (AT_IS_NARRATION_PANEL (self), FALSE);
  return at_clip_player_toggle (self->player);
}

GtkMediaStream *
at_narration_panel_get_player (AtNarrationPanel *self)
{
  g_return_val_if_fail (AT_IS_NARRATION_PANEL (self), NULL);
  return at_clip_player_get_stream (self->player);
}

/* audio (taken) and its subtitle lines (a reference taken) become the
 * narration on show, ready to play and export; NULL: none. */
static void
show_narration (AtNarrationPanel *self, AtAudio *audio, GPtrArray *subtitles)
{
  g_clear_pointer (&self->narration, at_audio_free);
  g_clear_pointer (&self->subtitles, g_ptr_array_unref);
  self->narration = audio;
  self->subtitles = subtitles != NULL ? g_ptr_array_ref (subtitles) : NULL;
  at_waveform_set_audio (self->waveform, audio);
  at_clip_player_set_audio (self->player, audio);
  gtk_widget_set_sensitive (GTK_WIDGET (self->export_button), audio != NULL);
  if (audio == NULL)
    {
      gtk_label_set_text (self->position_label, "");
      gtk_label_set_text (self->subtitle_label, "");
      set_status (self, HINT);
      return;
    }
  at_narration_panel_show_time (self, 0);
  g_autofree char *pos = g_strdup_printf ("0.0 / %.1f s", at_audio_get_duration (audio));
  gtk_label_set_text (self->position_label, pos);
  g_autofree char *msg = g_strdup_printf ("Narration: %.1f s, %u subtitle lines", at_audio_get_duration (audio),
                                          self->subtitles != NULL ? self->subtitles->len : 0);
  set_status (self, msg);
}

static void
spoken (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AtWidgetJob *job = user_data;
  AtNarrationPanel *self = job->self;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) words = NULL;
  AtAudio *audio = at_narrate_finish (result, &words, &error);
  if (at_widget_job_is_stale (job))
    {
      g_clear_pointer (&audio, at_audio_free);
      at_widget_job_release (job);
      return;
    }
  g_clear_object (&self->speak_cancellable);
  gtk_widget_set_sensitive (GTK_WIDGET (self->speak_button), TRUE);
  if (audio == NULL)
    {
      g_autofree char *msg = g_strdup_printf ("Could not speak: %s", error->message);
      set_status (self, msg);
      at_widget_job_release (job);
      return;
    }
  gint64 audio_ms = (gint64) (at_audio_get_duration (audio) * 1000.0);
  g_autoptr (GPtrArray) lines = at_subtitles_group (words, AT_SUBTITLE_MAX_CHARS, AT_SUBTITLE_MAX_MS, audio_ms);
  show_narration (self, audio, lines);
  g_signal_emit (self, signals[NARRATED], 0);
  at_widget_job_release (job);
}

void
at_narration_panel_set_narration (AtNarrationPanel *self, const AtAudio *audio, GPtrArray *subtitles)
{
  g_return_if_fail (AT_IS_NARRATION_PANEL (self));
  /* a Speak still under way would replace it */
  if (self->speak_cancellable != NULL)
    g_cancellable_cancel (self->speak_cancellable);
  g_clear_object (&self->speak_cancellable);
  gtk_widget_set_sensitive (GTK_WIDGET (self->speak_button), TRUE);
  show_narration (self, audio != NULL ? at_audio_new_from (audio->samples, audio->n, audio->rate) : NULL,
                  audio != NULL ? subtitles : NULL);
}

/* The dropdown's order; the names are the project file's. */
static const char *const source_names[] = { "text", "prompt", "transcript" };

static char *
dup_buffer_text (GtkTextBuffer *buffer)
{
  return buffer != NULL ? at_text_buffer_dup_text (buffer) : g_strdup ("");
}

/* What Speak says: the narration text (the prompt when it is empty), the
 * prompt or the transcript. */
static char *
text_to_speak (AtNarrationPanel *self, const char **empty_message)
{
  switch (gtk_drop_down_get_selected (self->source_dropdown))
    {
    case 1:
      *empty_message = "Nothing to speak: the prompt is empty";
      return dup_buffer_text (self->prompt);
    case 2:
      *empty_message = "Nothing to speak: there is no transcript; record or load a voice clip";
      return dup_buffer_text (self->transcript);
    default:
      {
        *empty_message = "Nothing to speak: type a narration text or a prompt";
        char *text = at_text_buffer_dup_text (gtk_text_view_get_buffer (self->narration_view));
        if (*text != '\0')
          return text;
        g_free (text);
        return dup_buffer_text (self->prompt);
      }
    }
}

void
at_narration_panel_speak (AtNarrationPanel *self)
{
  g_return_if_fail (AT_IS_NARRATION_PANEL (self));
  const char *empty_message = NULL;
  g_autofree char *text = text_to_speak (self, &empty_message);
  if (*text == '\0')
    {
      set_status (self, empty_message);
      return;
    }
  if (self->speak_cancellable != NULL)
    g_cancellable_cancel (self->speak_cancellable);
  g_clear_object (&self->speak_cancellable);
  self->speak_cancellable = g_cancellable_new ();

  AtNarrationOptions options = AT_NARRATION_OPTIONS_INIT;
  options.voice = selected_voice (self);
  options.rate = gtk_spin_button_get_value_as_int (self->rate_spin);
  options.pitch = gtk_spin_button_get_value_as_int (self->pitch_spin);
  gtk_widget_set_sensitive (GTK_WIDGET (self->speak_button), FALSE);
  set_status (self, "Speaking…");
  at_narrate_async (text, &options, self->speak_cancellable, spoken,
                    at_widget_job_new (self, &self->disposed, self->speak_cancellable));
}

gboolean
at_narration_panel_is_speaking (AtNarrationPanel *self)
{
  g_return_val_if_fail (AT_IS_NARRATION_PANEL (self), FALSE);
  return self->speak_cancellable != NULL;
}

const AtAudio *
at_narration_panel_get_narration (AtNarrationPanel *self)
{
  g_return_val_if_fail (AT_IS_NARRATION_PANEL (self), NULL);
  return self->narration;
}

GPtrArray *
at_narration_panel_get_subtitles (AtNarrationPanel *self)
{
  g_return_val_if_fail (AT_IS_NARRATION_PANEL (self), NULL);
  return self->subtitles;
}

const char *
at_narration_panel_get_subtitle_text (AtNarrationPanel *self)
{
  g_return_val_if_fail (AT_IS_NARRATION_PANEL (self), NULL);
  return gtk_label_get_text (self->subtitle_label);
}

const char *
at_narration_panel_get_status (AtNarrationPanel *self)
{
  g_return_val_if_fail (AT_IS_NARRATION_PANEL (self), NULL);
  return gtk_label_get_text (self->status_label);
}

/* --- export ---------------------------------------------------------------- */

static void
export_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;
  if (!at_narration_files_save (task_data, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
at_narration_panel_export_async (AtNarrationPanel *self, GFile *file, AtAudioEncoding encoding,
                                 GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (AT_IS_NARRATION_PANEL (self));
  g_return_if_fail (G_IS_FILE (file));
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, at_narration_panel_export_async);
  g_autofree char *path = g_file_get_path (file);
  if (self->narration == NULL || self->subtitles == NULL || self->subtitles->len == 0)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, "Nothing to export: press Speak first");
      return;
    }
  if (path == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "Export needs a local file");
      return;
    }
  /* the worker writes copies: the panel may speak again meanwhile */
  g_task_set_task_data (task, at_narration_files_new (self->narration, self->subtitles, path, encoding),
                        (GDestroyNotify) at_narration_files_free);
  at_task_run_in_thread (task, export_thread);
}

gboolean
at_narration_panel_export_finish (AtNarrationPanel *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
exported (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AtWidgetJob *job = user_data;
  AtNarrationPanel *self = job->self;
  g_autoptr (GError) error = NULL;
  gboolean ok = at_narration_panel_export_finish (self, result, &error);
  if (!at_widget_job_is_stale (job))
    {
      g_clear_object (&self->export_cancellable);
      if (ok)
        {
          g_autofree char *msg = at_narration_files_describe (g_task_get_task_data (G_TASK (result)));
          set_status (self, msg);
        }
      else
        {
          g_autofree char *msg = g_strdup_printf ("Could not export the narration: %s", error->message);
          set_status (self, msg);
        }
    }
  at_widget_job_release (job);
}

void
at_narration_panel_export (AtNarrationPanel *self, GFile *file, AtAudioEncoding encoding)
{
  g_return_if_fail (AT_IS_NARRATION_PANEL (self));
  g_return_if_fail (G_IS_FILE (file));
  if (self->export_cancellable != NULL)
    g_cancellable_cancel (self->export_cancellable);
  g_clear_object (&self->export_cancellable);
  self->export_cancellable = g_cancellable_new ();
  set_status (self, "Exporting…");
  at_narration_panel_export_async (self, file, encoding, self->export_cancellable, exported,
                                   at_widget_job_new (self, &self->disposed, self->export_cancellable));
}

gboolean
at_narration_panel_is_exporting (AtNarrationPanel *self)
{
  g_return_val_if_fail (AT_IS_NARRATION_PANEL (self), FALSE);
  return self->export_cancellable != NULL;
}

/* The export dialog's sample format choice: ids at_audio_encoding_parse() reads. */
#define ENCODING_CHOICE "encoding"

static const struct {
  const char *name, *extension;
} export_kinds[] = {
  { "WAV audio", "wav" }, { "FLAC audio", "flac" }, { "Ogg Vorbis audio", "ogg" },
};

/* A name typed without an extension takes the one of the filter shown. */
static GFile *
file_with_extension (GtkFileChooser *chooser)
{
  g_autoptr (GFile) file = gtk_file_chooser_get_file (chooser);
  g_autofree char *base = file != NULL ? g_file_get_basename (file) : NULL;
  if (base == NULL || strchr (base, '.') != NULL)
    return g_steal_pointer (&file);
  GtkFileFilter *filter = gtk_file_chooser_get_filter (chooser);
  const char *ext = export_kinds[0].extension;
  for (guint i = 0; filter != NULL && i < G_N_ELEMENTS (export_kinds); i++)
    if (g_strcmp0 (gtk_file_filter_get_name (filter), export_kinds[i].name) == 0)
      ext = export_kinds[i].extension;
  g_autoptr (GFile) parent = g_file_get_parent (file);
  g_autofree char *name = g_strconcat (base, ".", ext, NULL);
  return g_file_get_child (parent, name);
}

static void
export_chosen (GtkNativeDialog *dialog, int response, AtNarrationPanel *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = file_with_extension (GTK_FILE_CHOOSER (dialog));
      const char *choice = gtk_file_chooser_get_choice (GTK_FILE_CHOOSER (dialog), ENCODING_CHOICE);
      AtAudioEncoding encoding = AT_AUDIO_ENCODING_DEFAULT;
      /* the ids are ours; a portal that drops choices leaves the default */
      if (choice != NULL)
        at_audio_encoding_parse (choice, &encoding, NULL);
      if (file != NULL)
        at_narration_panel_export (self, file, encoding);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
  g_object_unref (self);
}

static void
on_export_clicked (AtNarrationPanel *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new ("Export Narration",
                                                              GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                              GTK_FILE_CHOOSER_ACTION_SAVE, "_Export", "_Cancel");
  GtkFileChooser *chooser = GTK_FILE_CHOOSER (dialog);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  gtk_file_chooser_set_current_name (chooser, "narration.wav");
  for (guint i = 0; i < G_N_ELEMENTS (export_kinds); i++)
    {
      g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();
      g_autofree char *pattern = g_strconcat ("*.", export_kinds[i].extension, NULL);
      gtk_file_filter_set_name (filter, export_kinds[i].name);
      gtk_file_filter_add_pattern (filter, pattern);
      gtk_file_chooser_add_filter (chooser, filter);
    }
  /* WAV takes all three; FLAC falls back to 24-bit for float and Ogg is
   * always Vorbis: the status line says so after the export */
  const char *ids[] = { "16", "24", "float", NULL };
  const char *labels[] = { "16-bit", "24-bit", "32-bit float", NULL };
  gtk_file_chooser_add_choice (chooser, ENCODING_CHOICE, "Samples", ids, labels);
  gtk_file_chooser_set_choice (chooser, ENCODING_CHOICE, "16");
  g_signal_connect (dialog, "response", G_CALLBACK (export_chosen), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}


/* --- project settings ------------------------------------------------------ */

/* NULL selects the default voice; an identifier not installed here changes nothing. */
static void
select_voice (AtNarrationPanel *self, const char *id)
{
  guint i = self->default_voice;
  if (id == NULL || g_ptr_array_find_with_equal_func (self->voice_ids, id, g_str_equal, &i))
    gtk_drop_down_set_selected (self->voice_dropdown, i);
}

void
at_narration_panel_get_settings (AtNarrationPanel *self, AtVoiceSettings *v)
{
  g_return_if_fail (AT_IS_NARRATION_PANEL (self));
  g_return_if_fail (v != NULL);
  g_free (v->narration_source);
  v->narration_source = g_strdup (source_names[MIN (gtk_drop_down_get_selected (self->source_dropdown),
                                                    G_N_ELEMENTS (source_names) - 1)]);
  g_free (v->narration_text);
  v->narration_text = at_text_buffer_dup_text (gtk_text_view_get_buffer (self->narration_view));
  g_free (v->narration_voice);
  v->narration_voice = g_strdup (selected_voice (self));
  v->narration_rate = gtk_spin_button_get_value_as_int (self->rate_spin);
  v->narration_pitch = gtk_spin_button_get_value_as_int (self->pitch_spin);
}

void
at_narration_panel_set_settings (AtNarrationPanel *self, const AtVoiceSettings *v)
{
  g_return_if_fail (AT_IS_NARRATION_PANEL (self));
  g_return_if_fail (v != NULL);
  self->quiet = TRUE;
  guint source = 0;
  for (guint i = 0; i < G_N_ELEMENTS (source_names); i++)
    if (g_strcmp0 (v->narration_source, source_names[i]) == 0)
      source = i;
  gtk_drop_down_set_selected (self->source_dropdown, source);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->narration_view),
                            v->narration_text != NULL ? v->narration_text : "", -1);
  select_voice (self, v->narration_voice);
  gtk_spin_button_set_value (self->rate_spin, v->narration_rate);
  gtk_spin_button_set_value (self->pitch_spin, v->narration_pitch);
  self->quiet = FALSE;
}

/* --- setup ----------------------------------------------------------------- */

static void on_edited (AtNarrationPanel *self);

void
at_narration_panel_set_prompt_buffer (AtNarrationPanel *self, GtkTextBuffer *prompt)
{
  g_return_if_fail (AT_IS_NARRATION_PANEL (self));
  g_set_object (&self->prompt, prompt);
}

void
at_narration_panel_set_transcript_buffer (AtNarrationPanel *self, GtkTextBuffer *transcript)
{
  g_return_if_fail (AT_IS_NARRATION_PANEL (self));
  g_set_object (&self->transcript, transcript);
}

/* The narration text is only used with its own source. */
static void
on_source_changed (AtNarrationPanel *self)
{
  gboolean own_text = gtk_drop_down_get_selected (self->source_dropdown) == 0;
  gtk_widget_set_sensitive (gtk_widget_get_parent (GTK_WIDGET (self->narration_view)), own_text);
  on_edited (self);
}

/* The studio's narration voice unless a project chose another: flite's SLT,
 * the most natural of Debian's voices, else espeak-ng's default. */
#define STUDIO_VOICE "flite/slt"

static guint
studio_voice_index (GPtrArray *voices)
{
  guint by_language = G_MAXUINT;
  for (guint i = 0; i < voices->len; i++)
    {
      const AtVoiceInfo *v = g_ptr_array_index (voices, i);
      if (g_strcmp0 (v->identifier, STUDIO_VOICE) == 0)
        return i;
      if (by_language == G_MAXUINT && g_strcmp0 (v->language, AT_NARRATION_DEFAULT_VOICE) == 0)
        by_language = i;
    }
  return by_language != G_MAXUINT ? by_language : 0;
}

static void
fill_voices (AtNarrationPanel *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) voices = at_narration_list_voices (&error);
  g_autoptr (GtkStringList) names = gtk_string_list_new (NULL);
  self->voice_ids = g_ptr_array_new_with_free_func (g_free);
  guint chosen = 0;
  if (voices != NULL)
    for (guint i = 0; i < voices->len; i++)
      {
        const AtVoiceInfo *v = g_ptr_array_index (voices, i);
        g_autofree char *label = g_strdup_printf ("%s (%s)", v->name, v->language);
        gtk_string_list_append (names, label);
        g_ptr_array_add (self->voice_ids, g_strdup (v->identifier));
      }
  if (voices != NULL && voices->len > 0)
    chosen = studio_voice_index (voices);
  self->default_voice = chosen;
  if (self->voice_ids->len == 0)
    {
      gtk_string_list_append (names, "Default voice");
      g_ptr_array_add (self->voice_ids, g_strdup (AT_NARRATION_DEFAULT_VOICE));
    }
  gtk_drop_down_set_model (self->voice_dropdown, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->voice_dropdown, chosen);
}

static void
on_edited (AtNarrationPanel *self)
{
  if (!self->quiet)
    g_signal_emit (self, signals[CHANGED], 0);
}

/* Everything a project saves tells the voice panel it changed. */
static void
connect_edits (AtNarrationPanel *self)
{
  g_signal_connect_swapped (gtk_text_view_get_buffer (self->narration_view), "changed", G_CALLBACK (on_edited), self);
  g_signal_connect_swapped (self->voice_dropdown, "notify::selected", G_CALLBACK (on_edited), self);
  g_signal_connect_swapped (self->source_dropdown, "notify::selected", G_CALLBACK (on_source_changed), self);
  g_signal_connect_swapped (self->rate_spin, "value-changed", G_CALLBACK (on_edited), self);
  g_signal_connect_swapped (self->pitch_spin, "value-changed", G_CALLBACK (on_edited), self);
}

GtkWidget *
at_narration_panel_new (void)
{
  return g_object_new (AT_TYPE_NARRATION_PANEL, NULL);
}

static void
at_narration_panel_dispose (GObject *object)
{
  AtNarrationPanel *self = AT_NARRATION_PANEL (object);
  self->disposed = TRUE;
  if (self->speak_cancellable != NULL)
    g_cancellable_cancel (self->speak_cancellable);
  if (self->export_cancellable != NULL)
    g_cancellable_cancel (self->export_cancellable);
  if (self->player != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->player, self);
      at_clip_player_detach (self->player);
    }
  g_clear_object (&self->player);
  gtk_widget_dispose_template (GTK_WIDGET (self), AT_TYPE_NARRATION_PANEL);
  G_OBJECT_CLASS (at_narration_panel_parent_class)->dispose (object);
}

static void
at_narration_panel_finalize (GObject *object)
{
  AtNarrationPanel *self = AT_NARRATION_PANEL (object);
  g_clear_object (&self->prompt);
  g_clear_object (&self->transcript);
  g_clear_pointer (&self->voice_ids, g_ptr_array_unref);
  g_clear_object (&self->speak_cancellable);
  g_clear_object (&self->export_cancellable);
  g_clear_pointer (&self->narration, at_audio_free);
  g_clear_pointer (&self->subtitles, g_ptr_array_unref);
  G_OBJECT_CLASS (at_narration_panel_parent_class)->finalize (object);
}

static void
at_narration_panel_class_init (AtNarrationPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = at_narration_panel_dispose;
  object_class->finalize = at_narration_panel_finalize;

  /* the user edited something a project saves */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);
  /* Speak made a new narration (a project saves it) */
  signals[NARRATED] = g_signal_new ("narrated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                    G_TYPE_NONE, 0);

  g_type_ensure (AT_TYPE_WAVEFORM);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/atelier/Studio/ui/narration-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, AtNarrationPanel, source_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AtNarrationPanel, narration_view);
  gtk_widget_class_bind_template_child (widget_class, AtNarrationPanel, voice_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AtNarrationPanel, rate_spin);
  gtk_widget_class_bind_template_child (widget_class, AtNarrationPanel, pitch_spin);
  gtk_widget_class_bind_template_child (widget_class, AtNarrationPanel, speak_button);
  gtk_widget_class_bind_template_child (widget_class, AtNarrationPanel, waveform);
  gtk_widget_class_bind_template_child (widget_class, AtNarrationPanel, play_button);
  gtk_widget_class_bind_template_child (widget_class, AtNarrationPanel, position_label);
  gtk_widget_class_bind_template_child (widget_class, AtNarrationPanel, export_button);
  gtk_widget_class_bind_template_child (widget_class, AtNarrationPanel, status_label);
  gtk_widget_class_bind_template_child (widget_class, AtNarrationPanel, subtitle_label);
}

static void
at_narration_panel_init (AtNarrationPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  set_status (self, HINT);
  fill_voices (self);
  connect_edits (self);
  g_signal_connect_swapped (self->speak_button, "clicked", G_CALLBACK (at_narration_panel_speak), self);
  g_signal_connect_swapped (self->export_button, "clicked", G_CALLBACK (on_export_clicked), self);
  self->player = at_clip_player_new (self->play_button, self->waveform, "Narration");
  g_signal_connect (self->player, "position", G_CALLBACK (on_position), self);
  g_signal_connect (self->player, "problem", G_CALLBACK (on_player_problem), self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->waveform), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Narration waveform", -1);
}
