/* window-recording.c — recording a voice prompt in the voice card.
 *
 * The card records from the default microphone through an AtRecorder
 * (GStreamer; $ATELIER_RECORD_SOURCE replaces the microphone with any
 * gst-launch source description, e.g. "filesrc location=x.wav ! decodebin",
 * which is how the tests record). While it records, the waveform grows
 * from the recorder's samples, and a level meter, the time and live
 * captions (AtLiveCaptions, decoding on its own thread) show in the card;
 * the finished clip becomes the voice prompt like a loaded one. The window
 * owns the recorder and the captions.
 */
#define G_LOG_DOMAIN "atelier-ui"

#include <math.h>
#include <string.h>

#include "ui/window-private.h"

#define NO_MICROPHONE_TIP "No microphone found: connect one, or load or drop an audio file"
/* Captions keep the newest words: about two lines of the voice card. */
#define CAPTION_CHARS 90
/* The level meter spans -60 to 0 dBFS: quieter is silence for speech. */
#define LEVEL_RANGE_DB 60.0

static char *
format_minutes (double seconds)
{
  int s = (int) MAX (0, floor (seconds));
  return g_strdup_printf ("%d:%02d", s / 60, s % 60);
}

static void
update_record_time (AtWindow *self)
{
  g_autofree char *done = format_minutes (at_recorder_get_seconds (self->recorder));
  g_autofree char *most = format_minutes (at_recorder_get_max_seconds (self->recorder));
  g_autofree char *text = g_strdup_printf ("%s / %s", done, most);
  gtk_label_set_text (self->record_time_label, text);
}

static void
update_record_ui (AtWindow *self)
{
  gboolean recording = at_recorder_is_recording (self->recorder);
  gboolean available = at_recorder_get_available (self->recorder);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.record", recording || available);
  gtk_button_set_icon_name (self->record_button, recording ? "media-playback-stop-symbolic" : "media-record-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->record_button),
                               recording   ? "Stop Recording (Ctrl+R)"
                               : available ? "Record from the Microphone (Ctrl+R)"
                                           : NO_MICROPHONE_TIP);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->record_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  recording ? "Stop recording" : "Record voice prompt", -1);
  gtk_revealer_set_reveal_child (self->record_revealer, recording);
}

static void
on_caption (const char *hypothesis, double seconds_done, gpointer user_data)
{
  AtWindow *self = user_data;
  gsize len = strlen (hypothesis);
  const char *tail = hypothesis;
  if (len > CAPTION_CHARS)
    {
      /* from the first word boundary within the last CAPTION_CHARS */
      tail = strchr (hypothesis + len - CAPTION_CHARS, ' ');
      tail = tail != NULL ? tail + 1 : hypothesis + len - CAPTION_CHARS;
    }
  g_autofree char *text = tail != hypothesis ? g_strconcat ("…", tail, NULL) : g_strdup (tail);
  gtk_label_set_text (self->caption_label, *text != '\0' ? text : "Listening…");
}

static void
on_record_level (AtRecorder *recorder, double rms_db, double peak_db, AtWindow *self)
{
  gtk_level_bar_set_value (self->level_bar, CLAMP ((rms_db + LEVEL_RANGE_DB) / LEVEL_RANGE_DB, 0, 1));
  update_record_time (self);
}

static void
on_record_samples (AtRecorder *recorder, const float *samples, guint n, AtWindow *self)
{
  at_waveform_append (self->waveform, samples, n);
  if (self->captions != NULL)
    at_live_captions_feed (self->captions, samples, n);
}

static void
on_record_stopped (AtRecorder *recorder, AtRecorderStopReason reason, const GError *error, AtWindow *self)
{
  /* the voice panel transcribes the whole clip next, as any voice clip */
  g_clear_pointer (&self->captions, at_live_captions_free);
  update_record_ui (self);
  AtAudio *audio = at_recorder_take_audio (recorder);
  if (audio != NULL)
    {
      _at_window_set_voice (self, audio, "Recording");
      _at_window_on_edit (self);
    }
  else
    _at_window_show_voice (self);   /* the clip from before stays */
  g_autofree char *most = format_minutes (at_recorder_get_max_seconds (recorder));
  g_autofree char *msg = NULL;
  if (reason == AT_RECORDER_STOPPED_ERROR)
    msg = g_strdup_printf ("%s%s", error != NULL ? error->message : "Recording failed",
                           audio != NULL ? "; what was recorded until then is kept" : "");
  else if (reason == AT_RECORDER_STOPPED_MAX_LENGTH)
    msg = g_strdup_printf ("Recording stopped at its maximum length, %s", most);
  else if (audio == NULL)
    msg = g_strdup ("Nothing was recorded: the microphone sent no sound");
  if (msg != NULL)
    _at_window_show_toast (self, msg);
}

static void
start_recording (AtWindow *self)
{
  if (self->settings != NULL)
    at_recorder_set_max_seconds (self->recorder, g_settings_get_int (self->settings, "record-max-seconds"));
  g_autoptr (GError) error = NULL;
  if (!at_recorder_start (self->recorder, &error))
    {
      g_autofree char *msg = g_strdup_printf ("%s. Load or drop an audio file instead.", error->message);
      _at_window_show_toast (self, msg);
      update_record_ui (self);
      return;
    }
  /* the voice panel's recogniser when it is free, else one loaded on the
   * captions' own thread while the first words queue: the same model
   * either way */
  AtTranscriber *t = at_voice_panel_get_idle_transcriber (self->voice_panel);
  self->captions = t != NULL ? at_live_captions_new_for (t, on_caption, self)
                             : at_live_captions_new (NULL, on_caption, self);
  gtk_label_set_text (self->caption_label, "Listening…");
  /* the waveform grows as the samples arrive; the clip from before comes
   * back only if nothing is recorded */
  at_clip_player_set_audio (self->voice_player, NULL);
  at_waveform_start_live (self->waveform, AT_RECORDER_RATE);
  gtk_label_set_text (self->voice_label, "Recording…");
  gtk_level_bar_set_value (self->level_bar, 0);
  update_record_time (self);
  update_record_ui (self);
}

void
_at_window_toggle_recording (AtWindow *self)
{
  if (at_recorder_is_recording (self->recorder))
    at_recorder_stop (self->recorder);
  else
    start_recording (self);
}

void
_at_window_recording_init (AtWindow *self)
{
  self->recorder = at_recorder_new (g_getenv ("ATELIER_RECORD_SOURCE"));
  g_signal_connect (self->recorder, "level", G_CALLBACK (on_record_level), self);
  g_signal_connect (self->recorder, "samples", G_CALLBACK (on_record_samples), self);
  g_signal_connect (self->recorder, "stopped", G_CALLBACK (on_record_stopped), self);
  g_signal_connect_swapped (self->recorder, "notify::available", G_CALLBACK (update_record_ui), self);
  /* a level meter, not a battery: no warning colour for quiet */
  gtk_level_bar_remove_offset_value (self->level_bar, GTK_LEVEL_BAR_OFFSET_LOW);
  gtk_level_bar_remove_offset_value (self->level_bar, GTK_LEVEL_BAR_OFFSET_HIGH);
  update_record_ui (self);
}

void
_at_window_recording_dispose (AtWindow *self)
{
  if (self->recorder != NULL)
    {
      /* a recording in progress ends with the window, unsaved */
      g_signal_handlers_disconnect_by_data (self->recorder, self);
      at_recorder_stop (self->recorder);
      g_clear_object (&self->recorder);
    }
  g_clear_pointer (&self->captions, at_live_captions_free);
}

gboolean
at_window_is_recording (AtWindow *self)
{
  return at_recorder_is_recording (self->recorder);
}

const char *
at_window_get_caption (AtWindow *self)
{
  return gtk_label_get_text (self->caption_label);
}
