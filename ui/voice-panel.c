/* voice-panel.c — transcript and voice cues of the voice clip; the
 * narration section's content is AtNarrationPanel (narration-panel.c).
 *
 * Every computation (loading the recogniser, recognising, measuring cues)
 * runs on a worker; results come back to the main loop and are dropped
 * when the job they belong to was cancelled or the panel went away.
 */
#define G_LOG_DOMAIN "atelier-voice-panel"

#include "ui/voice-panel.h"
#include "context-call.h"

#include <math.h>

#include "audio/transcribe.h"
#include "audio/voice-tone.h"
#include "ui/settings.h"
#include "ui/text-util.h"
#include "ui/widget-job.h"

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
  GtkExpander *narration_expander;
  AtNarrationPanel *narration_panel;

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

  gboolean quiet;                 /* the panel itself is changing a control */
  gboolean disposed;              /* late results find no widgets */
};

G_DEFINE_FINAL_TYPE (AtVoicePanel, at_voice_panel, GTK_TYPE_BOX)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The transcript's status line. */
static void
set_status (AtVoicePanel *self, const char *text)
{
  gtk_label_set_text (self->status_label, text);
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
  return at_text_buffer_dup_text (gtk_text_view_get_buffer (view));
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
  AtWidgetJob *job = user_data;
  AtVoicePanel *self = job->self;
  g_autoptr (GError) error = NULL;
  g_autoptr (AtVoiceCues) cues = g_task_propagate_pointer (G_TASK (result), &error);
  if (!at_widget_job_is_stale (job))
    {
      g_clear_object (&self->cues_cancellable);
      g_clear_pointer (&self->cues, at_voice_cues_free);
      self->cues = g_steal_pointer (&cues);
      g_autofree char *described = self->cues != NULL ? at_voice_cues_describe (self->cues) : NULL;
      /* the tone label's rule: docs/VOICE_CUES.md, "Tone" */
      g_autofree char *text = self->cues != NULL
                                ? g_strconcat ("Measured: ", described, " · Tone: ",
                                               at_voice_tone_to_string (at_voice_tone_from_cues (self->cues)), NULL)
                                : g_strdup_printf ("No voice cues: %s", error->message);
      show_cues (self, text);
    }
  at_widget_job_release (job);
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
  GTask *task = g_task_new (self, self->cues_cancellable, measured,
                            at_widget_job_new (self, &self->disposed, self->cues_cancellable));
  g_task_set_source_tag (task, start_measuring);
  g_task_set_task_data (task, d, (GDestroyNotify) measure_data_free);
  at_task_run_in_thread (task, measure_thread);
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
  AtWidgetJob *job = user_data;
  AtVoicePanel *self = job->self;
  if (at_widget_job_is_stale (job) || self->keep_transcript)
    return;
  set_text (self, self->transcript_view, hypothesis);
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
  AtWidgetJob *job = user_data;
  AtVoicePanel *self = job->self;
  g_autoptr (GError) error = NULL;
  g_autoptr (AtTranscript) transcript = at_transcriber_run_finish (result, &error);
  if (!at_widget_job_is_stale (job))
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
  at_widget_job_release (job);
}

static void
transcriber_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AtWidgetJob *job = user_data;
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
  at_widget_job_release (job);
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
          at_transcriber_new_async (NULL, NULL, transcriber_loaded, at_widget_job_new (self, &self->disposed, NULL));
        }
      return;
    }
  g_autoptr (AtAudio) audio = g_steal_pointer (&self->pending);
  set_status (self, "Transcribing…");
  AtWidgetJob *job = at_widget_job_new (self, &self->disposed, self->transcribe_cancellable);
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

AtTranscriber *
at_voice_panel_get_idle_transcriber (AtVoicePanel *self)
{
  g_return_val_if_fail (AT_IS_VOICE_PANEL (self), NULL);
  return at_voice_panel_is_transcribing (self) ? NULL : self->transcriber;
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

const char *
at_voice_panel_get_status (AtVoicePanel *self)
{
  g_return_val_if_fail (AT_IS_VOICE_PANEL (self), NULL);
  return gtk_label_get_text (self->status_label);
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
  at_narration_panel_get_settings (self->narration_panel, v);
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
  at_narration_panel_set_settings (self->narration_panel, v);
  gtk_switch_set_active (self->cues_switch, v->voice_cues);
  self->quiet = FALSE;
}

/* --- setup ----------------------------------------------------------------- */

AtNarrationPanel *
at_voice_panel_get_narration_panel (AtVoicePanel *self)
{
  g_return_val_if_fail (AT_IS_VOICE_PANEL (self), NULL);
  return self->narration_panel;
}

static void
on_edited (AtVoicePanel *self)
{
  if (!self->quiet)
    g_signal_emit (self, signals[CHANGED], 0);
}

/* Everything a project saves tells the window it changed, the narration
 * section's fields included. */
static void
connect_edits (AtVoicePanel *self)
{
  g_signal_connect_swapped (gtk_text_view_get_buffer (self->transcript_view), "changed", G_CALLBACK (on_edited), self);
  g_signal_connect_swapped (self->join_dropdown, "notify::selected", G_CALLBACK (on_edited), self);
  g_signal_connect_swapped (self->cues_switch, "notify::active", G_CALLBACK (on_edited), self);
  g_signal_connect_swapped (self->narration_panel, "changed", G_CALLBACK (on_edited), self);
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
  cancel_measuring (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), AT_TYPE_VOICE_PANEL);
  G_OBJECT_CLASS (at_voice_panel_parent_class)->dispose (object);
}

static void
at_voice_panel_finalize (GObject *object)
{
  AtVoicePanel *self = AT_VOICE_PANEL (object);
  g_clear_pointer (&self->transcriber, at_transcriber_free);
  g_clear_error (&self->transcriber_error);
  g_clear_pointer (&self->pending, at_audio_free);
  g_clear_object (&self->transcribe_cancellable);
  g_clear_pointer (&self->clip, at_audio_free);
  g_clear_pointer (&self->cues, at_voice_cues_free);
  g_clear_object (&self->guidance);
  g_clear_object (&self->steps);
  g_clear_object (&self->settings);
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

  g_type_ensure (AT_TYPE_NARRATION_PANEL);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/atelier/Studio/ui/voice-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, AtVoicePanel, transcribe_spinner);
  gtk_widget_class_bind_template_child (widget_class, AtVoicePanel, join_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AtVoicePanel, transcript_view);
  gtk_widget_class_bind_template_child (widget_class, AtVoicePanel, status_label);
  gtk_widget_class_bind_template_child (widget_class, AtVoicePanel, cues_switch);
  gtk_widget_class_bind_template_child (widget_class, AtVoicePanel, cues_label);
  gtk_widget_class_bind_template_child (widget_class, AtVoicePanel, cues_effect_label);
  gtk_widget_class_bind_template_child (widget_class, AtVoicePanel, narration_expander);
  gtk_widget_class_bind_template_child (widget_class, AtVoicePanel, narration_panel);
}

static void
at_voice_panel_init (AtVoicePanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->settings = at_settings_new ();
  if (self->settings != NULL)
    {
      gtk_switch_set_active (self->cues_switch, g_settings_get_boolean (self->settings, "voice-cues"));
      g_settings_bind (self->settings, "show-narration", self->narration_expander, "expanded", G_SETTINGS_BIND_DEFAULT);
    }
  at_narration_panel_set_transcript_buffer (self->narration_panel, gtk_text_view_get_buffer (self->transcript_view));
  set_clip (self, NULL);
  connect_edits (self);
  g_signal_connect_swapped (self->cues_switch, "notify::active", G_CALLBACK (on_use_cues), self);
}
