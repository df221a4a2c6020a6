/* voice-panel.c — transcript and voice cues of the voice clip, narration
 * preview/export.
 *
 * Every computation (loading the recogniser, recognising, measuring cues,
 * speaking, writing files) runs on a worker; results come back to the main
 * loop and are dropped when the job they belong to was cancelled or the
 * panel went away.
 */
#define G_LOG_DOMAIN "atelier-voice-panel"

#include "ui/voice-panel.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "audio/narration.h"
#include "audio/transcribe.h"
#include "media/subtitles.h"
#include "ui/settings.h"

struct _AtVoicePanel {
  GtkBox parent_instance;

  /* template children */
  GtkSpinner *transcribe_spinner;
  GtkDropDown *join_dropdown;
  GtkTextView *transcript_view;
  GtkLabel *status_label;
  GtkSwitch *cues_switch;
  GtkLabel *cues_label;
  GtkLabel *cues_effect_label;
  GtkTextView *narration_view;
  GtkDropDown *voice_dropdown;
  GtkSpinButton *rate_spin;
  GtkSpinButton *pitch_spin;
  GtkButton *speak_button;
  GtkButton *play_button;
  GtkLabel *position_label;
  GtkButton *export_button;
  GtkLabel *narration_status_label;
  GtkLabel *subtitle_label;
  GtkExpander *narration_expander;

  GtkTextBuffer *prompt;
  GPtrArray *voice_ids;           /* char*: espeak-ng identifiers, as the dropdown */
  guint default_voice;            /* index of AT_NARRATION_DEFAULT_VOICE's */

  AtTranscriber *transcriber;
  gboolean transcriber_loading;
  GError *transcriber_error;
  AtAudio *pending;               /* the clip waiting for the transcriber */
  GCancellable *transcribe_cancellable;   /* the transcription in flight */
  gboolean keep_transcript;       /* a project's transcript wins over recognition */

  AtAudio *clip;                  /* measured again when its transcript arrives */
  AtVoiceCues *cues;              /* NULL until measured */
  GCancellable *cues_cancellable; /* the measurement in flight */
  GtkAdjustment *guidance;        /* the window's controls the effect line quotes */
  GtkAdjustment *steps;
  GSettings *settings;            /* NULL without a schema */

  GCancellable *speak_cancellable;
  GCancellable *export_cancellable;   /* the export the dialog started */
  AtAudio *narration;
  GPtrArray *subtitles;           /* AtCue lines of the narration */
  char *tmp_dir;                  /* holds the preview WAV */
  GtkMediaStream *stream;
  gboolean quiet;                 /* the panel itself is changing a control */
  gboolean disposed;              /* late results find no widgets */
};

G_DEFINE_FINAL_TYPE (AtVoicePanel, at_voice_panel, GTK_TYPE_BOX)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* A job remembers its panel and cancellable; partial results can still be
 * queued when the job's callback runs, so the job (and its panel reference)
 * is released at low priority, after them. */
typedef struct {
  AtVoicePanel *self;
  GCancellable *cancellable;
} Job;

static Job *
job_new (AtVoicePanel *self, GCancellable *cancellable)
{
  Job *job = g_new0 (Job, 1);
  job->self = g_object_ref (self);
  job->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  return job;
}

static gboolean
job_free_idle (gpointer data)
{
  Job *job = data;
  g_clear_object (&job->cancellable);
  g_clear_object (&job->self);
  g_free (job);
  return G_SOURCE_REMOVE;
}

static void
job_release (Job *job)
{
  g_idle_add_full (G_PRIORITY_LOW, job_free_idle, job, NULL);
}

static gboolean
job_stale (Job *job)
{
  return job->self->disposed || (job->cancellable != NULL && g_cancellable_is_cancelled (job->cancellable));
}

/* The transcript's status line. */
static void
set_status (AtVoicePanel *self, const char *text)
{
  gtk_label_set_text (self->status_label, text);
}

/* The narration's, under its buttons. */
static void
set_narration_status (AtVoicePanel *self, const char *text)
{
  gtk_label_set_text (self->narration_status_label, text);
}

/* Text the panel puts in a field is not the user's edit. */
static void
set_text (AtVoicePanel *self, GtkTextView *view, const char *text)
{
  gboolean was_quiet = self->quiet;
  self->quiet = TRUE;
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (view), text, -1);
  self->quiet = was_quiet;
}

static char *
get_text (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  char *text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  return g_strstrip (text);
}

/* --- voice cues ------------------------------------------------------------ */

typedef struct {
  AtAudio *audio;
  AtTranscript *transcript;   /* NULL: the rate from onsets */
} MeasureData;

static void
measure_data_free (MeasureData *d)
{
  g_clear_pointer (&d->audio, at_audio_free);
  g_clear_pointer (&d->transcript, at_transcript_free);
  g_free (d);
}

static void
measure_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  MeasureData *d = task_data;
  GError *error = NULL;
  AtVoiceCues *cues = at_voice_cues_measure (d->audio, d->transcript, &error);
  if (cues == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, cues, (GDestroyNotify) at_voice_cues_free);
}

/* Guidance and steps as the window's controls hold them, or a new request's. */
static void
base_parameters (AtVoicePanel *self, float *guidance, int *steps)
{
  g_autoptr (AtRequest) defaults = at_request_new ();
  *guidance = self->guidance != NULL ? (float) gtk_adjustment_get_value (self->guidance) : defaults->guidance;
  *steps = self->steps != NULL ? (int) lround (gtk_adjustment_get_value (self->steps)) : defaults->steps;
}

static char *
effect_text (AtVoicePanel *self)
{
  if (!gtk_switch_get_active (self->cues_switch))
    return g_strdup ("Off: guidance and steps are used as set");
  if (self->cues == NULL)
    return g_strdup ("Nothing to adjust until a voice clip is measured");
  float guidance;
  int steps;
  base_parameters (self, &guidance, &steps);
  g_autoptr (AtVoiceCueParams) p = at_voice_cues_to_params (self->cues, guidance, steps);
  if (p->explanations->len == 0)
    return g_strdup ("The voice is close to neutral: guidance and steps stay as set");
  g_ptr_array_add (p->explanations, NULL);
  return g_strjoinv ("; ", (char **) p->explanations->pdata);
}

static void
update_cues_effect (AtVoicePanel *self)
{
  g_autofree char *text = effect_text (self);
  gtk_label_set_text (self->cues_effect_label, text);
}

static void
show_cues (AtVoicePanel *self, const char *text)
{
  gtk_label_set_text (self->cues_label, text);
  update_cues_effect (self);
}

static void
measured (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Job *job = user_data;
  AtVoicePanel *self = job->self;
  g_autoptr (GError) error = NULL;
  g_autoptr (AtVoiceCues) cues = g_task_propagate_pointer (G_TASK (result), &error);
  if (!job_stale (job))
    {
      g_clear_object (&self->cues_cancellable);
      g_clear_pointer (&self->cues, at_voice_cues_free);
      self->cues = g_steal_pointer (&cues);
      g_autofree char *described = self->cues != NULL ? at_voice_cues_describe (self->cues) : NULL;
      g_autofree char *text = self->cues != NULL ? g_strconcat ("Measured: ", described, NULL)
                                                 : g_strdup_printf ("No voice cues: %s", error->message);
      show_cues (self, text);
    }
  job_release (job);
}

static void
cancel_measuring (AtVoicePanel *self)
{
  if (self->cues_cancellable != NULL)
    g_cancellable_cancel (self->cues_cancellable);
  g_clear_object (&self->cues_cancellable);
}

/* Measures the clip on a worker; transcript (taken; may be NULL) times the
 * speaking rate. The cues shown stay until the new ones arrive. */
static void
start_measuring (AtVoicePanel *self, AtTranscript *transcript)
{
  cancel_measuring (self);
  if (self->clip == NULL)
    {
      g_clear_pointer (&transcript, at_transcript_free);
      return;
    }
  self->cues_cancellable = g_cancellable_new ();
  MeasureData *d = g_new0 (MeasureData, 1);
  d->audio = at_audio_new_from (self->clip->samples, self->clip->n, self->clip->rate);
  d->transcript = transcript;
  GTask *task = g_task_new (self, self->cues_cancellable, measured, job_new (self, self->cues_cancellable));
  g_task_set_source_tag (task, start_measuring);
  g_task_set_task_data (task, d, (GDestroyNotify) measure_data_free);
  g_task_run_in_thread (task, measure_thread);
  g_object_unref (task);
}

/* A new clip (NULL: none): its cues are measured from scratch. */
static void
set_clip (AtVoicePanel *self, const AtAudio *voice)
{
  cancel_measuring (self);
  g_clear_pointer (&self->cues, at_voice_cues_free);
  g_clear_pointer (&self->clip, at_audio_free);
  if (voice == NULL || voice->n == 0)
    {
      show_cues (self, "Voice cues: record or load a voice clip to measure its pitch, loudness and rate");
      return;
    }
  self->clip = at_audio_new_from (voice->samples, voice->n, voice->rate);
  show_cues (self, "Measuring voice cues…");
  start_measuring (self, NULL);
}

const AtVoiceCues *
at_voice_panel_get_cues (AtVoicePanel *self)
{
  g_return_val_if_fail (AT_IS_VOICE_PANEL (self), NULL);
  return self->cues;
}

gboolean
at_voice_panel_is_measuring (AtVoicePanel *self)
{
  g_return_val_if_fail (AT_IS_VOICE_PANEL (self), FALSE);
  return self->cues_cancellable != NULL;
}

const char *
at_voice_panel_get_cues_text (AtVoicePanel *self)
{
  g_return_val_if_fail (AT_IS_VOICE_PANEL (self), NULL);
  return gtk_label_get_text (self->cues_label);
}

const char *
at_voice_panel_get_cues_effect (AtVoicePanel *self)
{
  g_return_val_if_fail (AT_IS_VOICE_PANEL (self), NULL);
  return gtk_label_get_text (self->cues_effect_label);
}

gboolean
at_voice_panel_get_use_cues (AtVoicePanel *self)
{
  g_return_val_if_fail (AT_IS_VOICE_PANEL (self), FALSE);
  return gtk_switch_get_active (self->cues_switch);
}

void
at_voice_panel_set_use_cues (AtVoicePanel *self, gboolean use)
{
  g_return_if_fail (AT_IS_VOICE_PANEL (self));
  gtk_switch_set_active (self->cues_switch, use);
}

static void
on_use_cues (AtVoicePanel *self)
{
  update_cues_effect (self);
  /* the last choice is what new projects start with */
  if (!self->quiet && self->settings != NULL)
    g_settings_set_boolean (self->settings, "voice-cues", gtk_switch_get_active (self->cues_switch));
}

void
at_voice_panel_set_parameters (AtVoicePanel *self, GtkAdjustment *guidance, GtkAdjustment *steps)
{
  g_return_if_fail (AT_IS_VOICE_PANEL (self));
  g_return_if_fail (GTK_IS_ADJUSTMENT (guidance) && GTK_IS_ADJUSTMENT (steps));
  g_set_object (&self->guidance, guidance);
  g_set_object (&self->steps, steps);
  g_signal_connect_object (guidance, "value-changed", G_CALLBACK (update_cues_effect), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (steps, "value-changed", G_CALLBACK (update_cues_effect), self, G_CONNECT_SWAPPED);
  update_cues_effect (self);
}

void
at_voice_panel_apply_to_request (AtVoicePanel *self, AtRequest *r)
{
  g_return_if_fail (AT_IS_VOICE_PANEL (self));
  g_return_if_fail (r != NULL);
  g_autofree char *typed = g_steal_pointer (&r->prompt);
  r->prompt = at_voice_panel_join_prompt (self, typed);
  if (!gtk_switch_get_active (self->cues_switch) || self->cues == NULL)
    return;
  g_autoptr (AtVoiceCueParams) p = at_voice_cues_to_params (self->cues, r->guidance, r->steps);
  r->guidance = p->guidance;
  r->steps = p->steps;
}

/* --- transcription --------------------------------------------------------- */

static void start_transcription (AtVoicePanel *self);

static void
on_partial (const char *hypothesis, double seconds_done, gpointer user_data)
{
  Job *job = user_data;
  if (job_stale (job) || job->self->keep_transcript)
    return;
  set_text (job->self, job->self->transcript_view, hypothesis);
}

/* The final text, unless a project's transcript is kept, and a status line. */
static void
show_transcript (AtVoicePanel *self, const AtTranscript *transcript)
{
  g_autofree char *msg = NULL;
  if (self->keep_transcript)
    msg = g_strdup ("The project’s transcript is kept; the recognised words timed the speaking rate");
  else if (*transcript->text == '\0')
    msg = g_strdup ("No words were recognised; type the transcript if you like");
  else
    msg = g_strdup_printf ("Transcribed %.1f s of speech in %.1f s; the text is editable",
                           transcript->audio_seconds, transcript->decode_seconds);
  if (!self->keep_transcript)
    set_text (self, self->transcript_view, transcript->text);
  set_status (self, msg);
}

static void
transcribed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Job *job = user_data;
  AtVoicePanel *self = job->self;
  g_autoptr (GError) error = NULL;
  g_autoptr (AtTranscript) transcript = at_transcriber_run_finish (result, &error);
  if (!job_stale (job))
    {
      g_clear_object (&self->transcribe_cancellable);
      gtk_spinner_stop (self->transcribe_spinner);
      gtk_text_view_set_editable (self->transcript_view, TRUE);
      if (transcript != NULL)
        show_transcript (self, transcript);
      else if (!g_error_matches (error, AT_TRANSCRIBE_ERROR, AT_TRANSCRIBE_ERROR_CANCELLED))
        {
          g_autofree char *msg = g_strdup_printf ("Could not transcribe the clip: %s", error->message);
          set_status (self, msg);
        }
      /* word times give the speaking rate that onsets only estimated */
      if (transcript != NULL && transcript->words->len >= 2)
        start_measuring (self, g_steal_pointer (&transcript));
    }
  job_release (job);
}

static void
transcriber_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Job *job = user_data;
  AtVoicePanel *self = job->self;
  g_autoptr (GError) error = NULL;
  AtTranscriber *t = at_transcriber_new_finish (result, &error);
  self->transcriber_loading = FALSE;
  if (t != NULL)
    self->transcriber = t;
  else
    self->transcriber_error = g_steal_pointer (&error);
  if (!self->disposed)
    start_transcription (self);
  job_release (job);
}

static void
start_transcription (AtVoicePanel *self)
{
  if (self->pending == NULL)
    return;
  if (self->transcriber_error != NULL)
    {
      g_autofree char *msg = g_strdup_printf ("Speech recognition is unavailable: %s",
                                              self->transcriber_error->message);
      set_status (self, msg);
      gtk_spinner_stop (self->transcribe_spinner);
      gtk_text_view_set_editable (self->transcript_view, TRUE);
      g_clear_pointer (&self->pending, at_audio_free);
      g_clear_object (&self->transcribe_cancellable);
      return;
    }
  if (self->transcriber == NULL)
    {
      if (!self->transcriber_loading)
        {
          self->transcriber_loading = TRUE;
          set_status (self, "Loading speech recognition…");
          at_transcriber_new_async (NULL, NULL, transcriber_loaded, job_new (self, NULL));
        }
      return;
    }
  g_autoptr (AtAudio) audio = g_steal_pointer (&self->pending);
  set_status (self, "Transcribing…");
  Job *job = job_new (self, self->transcribe_cancellable);
  at_transcriber_run_async (self->transcriber, audio, on_partial, job, NULL, self->transcribe_cancellable, transcribed, job);
}

void
at_voice_panel_set_voice (AtVoicePanel *self, const AtAudio *voice)
{
  g_return_if_fail (AT_IS_VOICE_PANEL (self));
  if (self->transcribe_cancellable != NULL)
    g_cancellable_cancel (self->transcribe_cancellable);
  g_clear_object (&self->transcribe_cancellable);
  g_clear_pointer (&self->pending, at_audio_free);
  self->keep_transcript = FALSE;
  set_text (self, self->transcript_view, "");
  set_clip (self, voice);
  if (voice == NULL || voice->n == 0)
    {
      gtk_spinner_stop (self->transcribe_spinner);
      gtk_text_view_set_editable (self->transcript_view, TRUE);
      set_status (self, "Record or load a voice clip to transcribe it");
      return;
    }
  self->pending = at_audio_new_from (voice->samples, voice->n, voice->rate);
  self->transcribe_cancellable = g_cancellable_new ();
  gtk_spinner_start (self->transcribe_spinner);
  /* words arrive as they are recognised; edits wait for the final text */
  gtk_text_view_set_editable (self->transcript_view, FALSE);
  start_transcription (self);
}

gboolean
at_voice_panel_is_transcribing (AtVoicePanel *self)
{
  g_return_val_if_fail (AT_IS_VOICE_PANEL (self), FALSE);
  return self->transcribe_cancellable != NULL;
}

char *
at_voice_panel_get_transcript (AtVoicePanel *self)
{
  g_return_val_if_fail (AT_IS_VOICE_PANEL (self), NULL);
  return get_text (self->transcript_view);
}

AtTranscriptJoin
at_voice_panel_get_join (AtVoicePanel *self)
{
  g_return_val_if_fail (AT_IS_VOICE_PANEL (self), AT_TRANSCRIPT_JOIN_IF_EMPTY);
  return (AtTranscriptJoin) MIN (gtk_drop_down_get_selected (self->join_dropdown), AT_TRANSCRIPT_JOIN_IGNORE);
}

void
at_voice_panel_set_join (AtVoicePanel *self, AtTranscriptJoin join)
{
  g_return_if_fail (AT_IS_VOICE_PANEL (self));
  gtk_drop_down_set_selected (self->join_dropdown, join);
}

char *
at_voice_panel_join_prompt (AtVoicePanel *self, const char *prompt)
{
  g_return_val_if_fail (AT_IS_VOICE_PANEL (self), NULL);
  g_autofree char *transcript = get_text (self->transcript_view);
  const char *p = prompt != NULL ? prompt : "";
  if (*transcript == '\0')
    return g_strdup (p);
  switch (at_voice_panel_get_join (self))
    {
    case AT_TRANSCRIPT_JOIN_IF_EMPTY:
      return g_strdup (*p == '\0' ? transcript : p);
    case AT_TRANSCRIPT_JOIN_APPEND:
      return *p == '\0' ? g_strdup (transcript) : g_strconcat (p, " ", transcript, NULL);
    case AT_TRANSCRIPT_JOIN_REPLACE:
      return g_strdup (transcript);
    case AT_TRANSCRIPT_JOIN_IGNORE:
    default:
      return g_strdup (p);
    }
}

/* --- narration ------------------------------------------------------------- */

/* The espeak-ng identifier chosen, or NULL. */
static const char *
selected_voice (AtVoicePanel *self)
{
  guint sel = gtk_drop_down_get_selected (self->voice_dropdown);
  return self->voice_ids != NULL && sel < self->voice_ids->len ? g_ptr_array_index (self->voice_ids, sel) : NULL;
}

static const char *
cue_at (GPtrArray *cues, gint64 ms)
{
  if (cues == NULL)
    return "";
  for (guint i = 0; i < cues->len; i++)
    {
      const AtCue *c = g_ptr_array_index (cues, i);
      if (ms >= c->start_ms && ms < c->end_ms)
        return c->text;
    }
  return "";
}

void
at_voice_panel_show_time (AtVoicePanel *self, gint64 ms)
{
  g_return_if_fail (AT_IS_VOICE_PANEL (self));
  const char *text = cue_at (self->subtitles, ms);
  if (g_strcmp0 (text, gtk_label_get_text (self->subtitle_label)) != 0)
    gtk_label_set_text (self->subtitle_label, text);
}

static void
on_timestamp (GtkMediaStream *stream, GParamSpec *pspec, AtVoicePanel *self)
{
  gint64 ms = gtk_media_stream_get_timestamp (stream) / 1000;
  double total = self->narration != NULL ? at_audio_get_duration (self->narration) : 0;
  g_autofree char *pos = g_strdup_printf ("%.1f / %.1f s", ms / 1000.0, total);
  gtk_label_set_text (self->position_label, pos);
  at_voice_panel_show_time (self, ms);
}

static void
on_playing (GtkMediaStream *stream, GParamSpec *pspec, AtVoicePanel *self)
{
  gboolean playing = gtk_media_stream_get_playing (stream);
  gtk_button_set_icon_name (self->play_button, playing ? "media-playback-pause-symbolic"
                                                       : "media-playback-start-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->play_button), playing ? "Pause Narration" : "Play Narration");
}

static void
on_stream_ready (GtkMediaStream *stream, GParamSpec *pspec, AtVoicePanel *self)
{
  const GError *error = gtk_media_stream_get_error (stream);
  if (error != NULL)
    {
      g_autofree char *msg = g_strdup_printf ("The preview cannot play here: %s", error->message);
      set_narration_status (self, msg);
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->play_button),
                            error == NULL && gtk_media_stream_is_prepared (stream));
}

gboolean
at_voice_panel_toggle_playback (AtVoicePanel *self)
{
  g_return_val_if_fail (AT_IS_VOICE_PANEL (self), FALSE);
  if (self->stream == NULL || !gtk_media_stream_is_prepared (self->stream))
    return FALSE;
  if (gtk_media_stream_get_playing (self->stream))
    gtk_media_stream_pause (self->stream);
  else
    {
      if (gtk_media_stream_get_ended (self->stream))
        gtk_media_stream_seek (self->stream, 0);
      gtk_media_stream_play (self->stream);
    }
  return TRUE;
}

GtkMediaStream *
at_voice_panel_get_player (AtVoicePanel *self)
{
  g_return_val_if_fail (AT_IS_VOICE_PANEL (self), NULL);
  return self->stream;
}

static void
on_play_clicked (AtVoicePanel *self)
{
  at_voice_panel_toggle_playback (self);
}

static void
preview_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  AtVoicePanel *self = source;
  const AtAudio *audio = task_data;
  GError *error = NULL;
  /* a fresh name each time: the previous stream may still hold its file open */
  if (self->tmp_dir == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, "no temporary folder for the preview");
      return;
    }
  g_autofree char *name = g_strdup_printf ("narration-%u.wav", g_random_int ());
  g_autofree char *path = g_build_filename (self->tmp_dir, name, NULL);
  if (!at_audio_save (audio, path, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&path), g_free);
}

static void
preview_written (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Job *job = user_data;
  AtVoicePanel *self = job->self;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_task_propagate_pointer (G_TASK (result), &error);
  if (!job_stale (job))
    {
      if (path == NULL)
        {
          g_autofree char *msg = g_strdup_printf ("Could not prepare the preview: %s", error->message);
          set_narration_status (self, msg);
        }
      else
        {
          if (self->stream != NULL)
            {
              g_signal_handlers_disconnect_by_data (self->stream, self);
              gtk_media_stream_pause (self->stream);
            }
          g_clear_object (&self->stream);
          self->stream = gtk_media_file_new_for_filename (path);
          g_signal_connect (self->stream, "notify::timestamp", G_CALLBACK (on_timestamp), self);
          g_signal_connect (self->stream, "notify::playing", G_CALLBACK (on_playing), self);
          g_signal_connect (self->stream, "notify::prepared", G_CALLBACK (on_stream_ready), self);
          g_signal_connect (self->stream, "notify::error", G_CALLBACK (on_stream_ready), self);
          on_stream_ready (self->stream, NULL, self);
        }
    }
  job_release (job);
}

static void
spoken (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Job *job = user_data;
  AtVoicePanel *self = job->self;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) words = NULL;
  AtAudio *audio = at_narrate_finish (result, &words, &error);
  if (job_stale (job))
    {
      g_clear_pointer (&audio, at_audio_free);
      job_release (job);
      return;
    }
  g_clear_object (&self->speak_cancellable);
  gtk_widget_set_sensitive (GTK_WIDGET (self->speak_button), TRUE);
  if (audio == NULL)
    {
      g_autofree char *msg = g_strdup_printf ("Could not speak: %s", error->message);
      set_narration_status (self, msg);
      job_release (job);
      return;
    }
  g_clear_pointer (&self->narration, at_audio_free);
  g_clear_pointer (&self->subtitles, g_ptr_array_unref);
  self->narration = audio;
  gint64 audio_ms = (gint64) (at_audio_get_duration (audio) * 1000.0);
  self->subtitles = at_subtitles_group (words, AT_SUBTITLE_MAX_CHARS, AT_SUBTITLE_MAX_MS, audio_ms);
  at_voice_panel_show_time (self, 0);
  g_autofree char *pos = g_strdup_printf ("0.0 / %.1f s", at_audio_get_duration (audio));
  gtk_label_set_text (self->position_label, pos);
  gtk_widget_set_sensitive (GTK_WIDGET (self->export_button), TRUE);
  g_autofree char *msg = g_strdup_printf ("Narration: %.1f s, %u subtitle lines", at_audio_get_duration (audio),
                                          self->subtitles != NULL ? self->subtitles->len : 0);
  set_narration_status (self, msg);

  GTask *task = g_task_new (self, job->cancellable, preview_written, job_new (self, job->cancellable));
  g_task_set_source_tag (task, spoken);
  g_task_set_task_data (task, at_audio_new_from (audio->samples, audio->n, audio->rate), (GDestroyNotify) at_audio_free);
  g_task_run_in_thread (task, preview_thread);
  g_object_unref (task);
  job_release (job);
}

void
at_voice_panel_speak (AtVoicePanel *self)
{
  g_return_if_fail (AT_IS_VOICE_PANEL (self));
  g_autofree char *text = get_text (self->narration_view);
  if (*text == '\0' && self->prompt != NULL)
    {
      GtkTextIter start, end;
      gtk_text_buffer_get_bounds (self->prompt, &start, &end);
      g_free (text);
      text = g_strstrip (gtk_text_buffer_get_text (self->prompt, &start, &end, FALSE));
    }
  if (*text == '\0')
    {
      set_narration_status (self, "Nothing to speak: type a narration text or a prompt");
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
  set_narration_status (self, "Speaking…");
  at_narrate_async (text, &options, self->speak_cancellable, spoken, job_new (self, self->speak_cancellable));
}

gboolean
at_voice_panel_is_speaking (AtVoicePanel *self)
{
  g_return_val_if_fail (AT_IS_VOICE_PANEL (self), FALSE);
  return self->speak_cancellable != NULL;
}

const AtAudio *
at_voice_panel_get_narration (AtVoicePanel *self)
{
  g_return_val_if_fail (AT_IS_VOICE_PANEL (self), NULL);
  return self->narration;
}

GPtrArray *
at_voice_panel_get_subtitles (AtVoicePanel *self)
{
  g_return_val_if_fail (AT_IS_VOICE_PANEL (self), NULL);
  return self->subtitles;
}

const char *
at_voice_panel_get_subtitle_text (AtVoicePanel *self)
{
  g_return_val_if_fail (AT_IS_VOICE_PANEL (self), NULL);
  return gtk_label_get_text (self->subtitle_label);
}

const char *
at_voice_panel_get_status (AtVoicePanel *self)
{
  g_return_val_if_fail (AT_IS_VOICE_PANEL (self), NULL);
  return gtk_label_get_text (self->status_label);
}

const char *
at_voice_panel_get_narration_status (AtVoicePanel *self)
{
  g_return_val_if_fail (AT_IS_VOICE_PANEL (self), NULL);
  return gtk_label_get_text (self->narration_status_label);
}

/* --- export ---------------------------------------------------------------- */

typedef struct {
  AtAudio *audio;
  GPtrArray *subtitles;
  char *path;
  AtAudioEncoding asked;      /* what the caller chose */
  AtAudioEncoding encoding;   /* what the container holds of it */
} ExportData;

static void
export_data_free (ExportData *d)
{
  g_clear_pointer (&d->audio, at_audio_free);
  g_clear_pointer (&d->subtitles, g_ptr_array_unref);
  g_free (d->path);
  g_free (d);
}

/* The subtitle file beside path: its name with the audio extension replaced. */
static char *
beside (const char *path, const char *ext)
{
  const char *base = strrchr (path, '/');
  const char *dot = strrchr (base != NULL ? base : path, '.');
  gsize stem = dot != NULL ? (gsize) (dot - path) : strlen (path);
  return g_strdup_printf ("%.*s.%s", (int) stem, path, ext);
}

static gboolean
has_extension (const char *path, const char *ext)
{
  const char *dot = strrchr (path, '.');
  return dot != NULL && g_ascii_strcasecmp (dot + 1, ext) == 0;
}

/* What a container can hold of the encoding asked for: Ogg is always
 * Vorbis (no bit depth), FLAC has no float and takes the closest lossless
 * one, 24-bit. *note (may be NULL) says what changed, or NULL. */
static AtAudioEncoding
encoding_for (const char *path, AtAudioEncoding asked, const char **note)
{
  const char *why = NULL;
  AtAudioEncoding encoding = asked;
  if (has_extension (path, "ogg") || has_extension (path, "oga"))
    {
      if (asked != AT_AUDIO_ENCODING_DEFAULT && asked != AT_AUDIO_ENCODING_PCM_16)
        why = "compressed, so the sample format chosen does not apply";
      encoding = AT_AUDIO_ENCODING_DEFAULT;
    }
  else if (has_extension (path, "flac") && asked == AT_AUDIO_ENCODING_FLOAT)
    {
      why = "FLAC has no float samples";
      encoding = AT_AUDIO_ENCODING_PCM_24;
    }
  if (note != NULL)
    *note = why;
  return encoding;
}

static const char *
encoding_label (const char *path, AtAudioEncoding encoding)
{
  switch (encoding)
    {
    case AT_AUDIO_ENCODING_PCM_24:
      return "24-bit";
    case AT_AUDIO_ENCODING_FLOAT:
      return "32-bit float";
    case AT_AUDIO_ENCODING_PCM_16:
      return "16-bit";
    case AT_AUDIO_ENCODING_DEFAULT:
    default:
      return has_extension (path, "ogg") || has_extension (path, "oga") ? "Ogg Vorbis" : "16-bit";
    }
}

static void
export_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  ExportData *d = task_data;
  GError *error = NULL;
  g_autofree char *srt = beside (d->path, "srt");
  g_autofree char *vtt = beside (d->path, "vtt");
  /* each file is written atomically by its writer */
  if (!at_audio_save_full (d->audio, d->path, d->encoding, &error)
      || !at_subtitles_save (d->subtitles, srt, AT_SUBTITLE_SRT, &error)
      || !at_subtitles_save (d->subtitles, vtt, AT_SUBTITLE_VTT, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
at_voice_panel_export_async (AtVoicePanel *self, GFile *file, AtAudioEncoding encoding,
                             GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (AT_IS_VOICE_PANEL (self));
  g_return_if_fail (G_IS_FILE (file));
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, at_voice_panel_export_async);
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
  ExportData *d = g_new0 (ExportData, 1);
  d->audio = at_audio_new_from (self->narration->samples, self->narration->n, self->narration->rate);
  d->subtitles = g_ptr_array_ref (self->subtitles);
  d->asked = encoding;
  d->encoding = encoding_for (path, encoding, NULL);
  d->path = g_steal_pointer (&path);
  g_task_set_task_data (task, d, (GDestroyNotify) export_data_free);
  g_task_run_in_thread (task, export_thread);
}

gboolean
at_voice_panel_export_finish (AtVoicePanel *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* "Exported narration.flac (24-bit: FLAC has no float samples),
 * narration.srt and narration.vtt to /folder" */
static char *
export_summary (const char *path, AtAudioEncoding asked)
{
  const char *note = NULL;
  AtAudioEncoding encoding = encoding_for (path, asked, &note);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *folder = g_filename_display_name (dir);
  g_autofree char *audio = g_filename_display_basename (path);
  g_autofree char *srt_path = beside (path, "srt");
  g_autofree char *vtt_path = beside (path, "vtt");
  g_autofree char *srt = g_filename_display_basename (srt_path);
  g_autofree char *vtt = g_filename_display_basename (vtt_path);
  return g_strdup_printf ("Exported %s (%s%s%s), %s and %s to %s", audio, encoding_label (path, encoding),
                          note != NULL ? ": " : "", note != NULL ? note : "", srt, vtt, folder);
}

static void
exported (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Job *job = user_data;
  AtVoicePanel *self = job->self;
  g_autoptr (GError) error = NULL;
  gboolean ok = at_voice_panel_export_finish (self, result, &error);
  if (!job_stale (job))
    {
      g_clear_object (&self->export_cancellable);
      if (ok)
        {
          ExportData *d = g_task_get_task_data (G_TASK (result));
          g_autofree char *msg = export_summary (d->path, d->asked);
          set_narration_status (self, msg);
        }
      else
        {
          g_autofree char *msg = g_strdup_printf ("Could not export the narration: %s", error->message);
          set_narration_status (self, msg);
        }
    }
  job_release (job);
}

void
at_voice_panel_export (AtVoicePanel *self, GFile *file, AtAudioEncoding encoding)
{
  g_return_if_fail (AT_IS_VOICE_PANEL (self));
  g_return_if_fail (G_IS_FILE (file));
  if (self->export_cancellable != NULL)
    g_cancellable_cancel (self->export_cancellable);
  g_clear_object (&self->export_cancellable);
  self->export_cancellable = g_cancellable_new ();
  set_narration_status (self, "Exporting…");
  at_voice_panel_export_async (self, file, encoding, self->export_cancellable, exported,
                               job_new (self, self->export_cancellable));
}

gboolean
at_voice_panel_is_exporting (AtVoicePanel *self)
{
  g_return_val_if_fail (AT_IS_VOICE_PANEL (self), FALSE);
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
export_chosen (GtkNativeDialog *dialog, int response, AtVoicePanel *self)
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
        at_voice_panel_export (self, file, encoding);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
  g_object_unref (self);
}

static void
on_export_clicked (AtVoicePanel *self)
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

static const char *const join_names[] = { "if-empty", "append", "replace", "ignore" };
G_STATIC_ASSERT (G_N_ELEMENTS (join_names) == AT_TRANSCRIPT_JOIN_IGNORE + 1);

static AtTranscriptJoin
join_from_name (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (join_names); i++)
    if (g_strcmp0 (name, join_names[i]) == 0)
      return (AtTranscriptJoin) i;
  return AT_TRANSCRIPT_JOIN_IF_EMPTY;
}

/* NULL selects the default voice; an identifier not installed here changes nothing. */
static void
select_voice (AtVoicePanel *self, const char *id)
{
  guint i = self->default_voice;
  if (id == NULL || g_ptr_array_find_with_equal_func (self->voice_ids, id, g_str_equal, &i))
    gtk_drop_down_set_selected (self->voice_dropdown, i);
}

void
at_voice_panel_get_settings (AtVoicePanel *self, AtVoiceSettings *v)
{
  g_return_if_fail (AT_IS_VOICE_PANEL (self));
  g_return_if_fail (v != NULL);
  at_voice_settings_clear (v);
  v->transcript_join = g_strdup (join_names[at_voice_panel_get_join (self)]);
  /* words still arriving are recognised again when the project opens */
  if (self->keep_transcript || !at_voice_panel_is_transcribing (self))
    v->transcript = get_text (self->transcript_view);
  v->narration_text = get_text (self->narration_view);
  v->narration_voice = g_strdup (selected_voice (self));
  v->narration_rate = gtk_spin_button_get_value_as_int (self->rate_spin);
  v->narration_pitch = gtk_spin_button_get_value_as_int (self->pitch_spin);
  v->voice_cues = gtk_switch_get_active (self->cues_switch);
}

void
at_voice_panel_set_settings (AtVoicePanel *self, const AtVoiceSettings *v)
{
  g_return_if_fail (AT_IS_VOICE_PANEL (self));
  g_return_if_fail (v != NULL);
  self->quiet = TRUE;
  at_voice_panel_set_join (self, join_from_name (v->transcript_join));
  if (v->transcript != NULL && *v->transcript != '\0')
    {
      self->keep_transcript = TRUE;
      set_text (self, self->transcript_view, v->transcript);
      gtk_text_view_set_editable (self->transcript_view, TRUE);
    }
  set_text (self, self->narration_view, v->narration_text != NULL ? v->narration_text : "");
  select_voice (self, v->narration_voice);
  gtk_spin_button_set_value (self->rate_spin, v->narration_rate);
  gtk_spin_button_set_value (self->pitch_spin, v->narration_pitch);
  gtk_switch_set_active (self->cues_switch, v->voice_cues);
  self->quiet = FALSE;
}

/* --- setup ----------------------------------------------------------------- */

void
at_voice_panel_set_prompt_buffer (AtVoicePanel *self, GtkTextBuffer *prompt)
{
  g_return_if_fail (AT_IS_VOICE_PANEL (self));
  g_set_object (&self->prompt, prompt);
}

static void
fill_voices (AtVoicePanel *self)
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
        if (g_strcmp0 (v->language, AT_NARRATION_DEFAULT_VOICE) == 0 && chosen == 0)
          chosen = i;
      }
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
on_edited (AtVoicePanel *self)
{
  if (!self->quiet)
    g_signal_emit (self, signals[CHANGED], 0);
}

/* Everything a project saves tells the window it changed. */
static void
connect_edits (AtVoicePanel *self)
{
  g_signal_connect_swapped (gtk_text_view_get_buffer (self->transcript_view), "changed", G_CALLBACK (on_edited), self);
  g_signal_connect_swapped (gtk_text_view_get_buffer (self->narration_view), "changed", G_CALLBACK (on_edited), self);
  g_signal_connect_swapped (self->join_dropdown, "notify::selected", G_CALLBACK (on_edited), self);
  g_signal_connect_swapped (self->voice_dropdown, "notify::selected", G_CALLBACK (on_edited), self);
  g_signal_connect_swapped (self->rate_spin, "value-changed", G_CALLBACK (on_edited), self);
  g_signal_connect_swapped (self->pitch_spin, "value-changed", G_CALLBACK (on_edited), self);
  g_signal_connect_swapped (self->cues_switch, "notify::active", G_CALLBACK (on_edited), self);
}

GtkWidget *
at_voice_panel_new (void)
{
  return g_object_new (AT_TYPE_VOICE_PANEL, NULL);
}

static void
at_voice_panel_dispose (GObject *object)
{
  AtVoicePanel *self = AT_VOICE_PANEL (object);
  self->disposed = TRUE;
  g_clear_pointer (&self->pending, at_audio_free);
  if (self->transcribe_cancellable != NULL)
    g_cancellable_cancel (self->transcribe_cancellable);
  if (self->speak_cancellable != NULL)
    g_cancellable_cancel (self->speak_cancellable);
  if (self->export_cancellable != NULL)
    g_cancellable_cancel (self->export_cancellable);
  cancel_measuring (self);
  if (self->stream != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->stream, self);
      gtk_media_stream_pause (self->stream);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), AT_TYPE_VOICE_PANEL);
  G_OBJECT_CLASS (at_voice_panel_parent_class)->dispose (object);
}

static void
remove_tmp_dir (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

static void
at_voice_panel_finalize (GObject *object)
{
  AtVoicePanel *self = AT_VOICE_PANEL (object);
  g_clear_object (&self->stream);
  g_clear_object (&self->prompt);
  g_clear_pointer (&self->voice_ids, g_ptr_array_unref);
  g_clear_pointer (&self->transcriber, at_transcriber_free);
  g_clear_error (&self->transcriber_error);
  g_clear_pointer (&self->pending, at_audio_free);
  g_clear_object (&self->transcribe_cancellable);
  g_clear_object (&self->speak_cancellable);
  g_clear_object (&self->export_cancellable);
  g_clear_pointer (&self->clip, at_audio_free);
  g_clear_pointer (&self->cues, at_voice_cues_free);
  g_clear_object (&self->guidance);
  g_clear_object (&self->steps);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->narration, at_audio_free);
  g_clear_pointer (&self->subtitles, g_ptr_array_unref);
  if (self->tmp_dir != NULL)
    remove_tmp_dir (self->tmp_dir);
  g_free (self->tmp_dir);
  G_OBJECT_CLASS (at_voice_panel_parent_class)->finalize (object);
}

static void
at_voice_panel_class_init (AtVoicePanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = at_voice_panel_dispose;
  object_class->finalize = at_voice_panel_finalize;

  /* the user edited something a project saves */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/atelier/Studio/ui/voice-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, AtVoicePanel, transcribe_spinner);
  gtk_widget_class_bind_template_child (widget_class, AtVoicePanel, join_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AtVoicePanel, transcript_view);
  gtk_widget_class_bind_template_child (widget_class, AtVoicePanel, status_label);
  gtk_widget_class_bind_template_child (widget_class, AtVoicePanel, cues_switch);
  gtk_widget_class_bind_template_child (widget_class, AtVoicePanel, cues_label);
  gtk_widget_class_bind_template_child (widget_class, AtVoicePanel, cues_effect_label);
  gtk_widget_class_bind_template_child (widget_class, AtVoicePanel, narration_view);
  gtk_widget_class_bind_template_child (widget_class, AtVoicePanel, voice_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AtVoicePanel, rate_spin);
  gtk_widget_class_bind_template_child (widget_class, AtVoicePanel, pitch_spin);
  gtk_widget_class_bind_template_child (widget_class, AtVoicePanel, speak_button);
  gtk_widget_class_bind_template_child (widget_class, AtVoicePanel, play_button);
  gtk_widget_class_bind_template_child (widget_class, AtVoicePanel, position_label);
  gtk_widget_class_bind_template_child (widget_class, AtVoicePanel, export_button);
  gtk_widget_class_bind_template_child (widget_class, AtVoicePanel, narration_status_label);
  gtk_widget_class_bind_template_child (widget_class, AtVoicePanel, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, AtVoicePanel, narration_expander);
}

static void
at_voice_panel_init (AtVoicePanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* NULL when no temporary folder can be made: Speak then says so */
  self->tmp_dir = g_dir_make_tmp ("atelier-narration-XXXXXX", NULL);
  fill_voices (self);
  self->settings = at_settings_new ();
  if (self->settings != NULL)
    {
      gtk_switch_set_active (self->cues_switch, g_settings_get_boolean (self->settings, "voice-cues"));
      g_settings_bind (self->settings, "show-narration", self->narration_expander, "expanded", G_SETTINGS_BIND_DEFAULT);
    }
  set_clip (self, NULL);
  connect_edits (self);
  g_signal_connect_swapped (self->cues_switch, "notify::active", G_CALLBACK (on_use_cues), self);
  g_signal_connect_swapped (self->speak_button, "clicked", G_CALLBACK (at_voice_panel_speak), self);
  g_signal_connect_swapped (self->export_button, "clicked", G_CALLBACK (on_export_clicked), self);
  g_signal_connect_swapped (self->play_button, "clicked", G_CALLBACK (on_play_clicked), self);
}
