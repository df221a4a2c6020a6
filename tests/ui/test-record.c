/* test-record.c — recording a voice prompt in the studio window, under Xvfb.
 *
 * Without a microphone (as on CI) the record button is insensitive and its
 * tooltip says why, while loading a file still works; with one it is
 * sensitive. $ATELIER_RECORD_SOURCE puts a GStreamer source in the
 * microphone's place: a WAV spoken by espeak-ng (record → live captions
 * while it plays → the clip becomes the voice prompt → the voice panel
 * transcribes it), an endless test tone (a user stop, the level meter and
 * the time), the same tone cut at the longest recording the settings
 * allow, and an element that does not exist (a toast, no recording). While
 * it records the card says "Recording…" and the waveform grows from the
 * recorder's samples.
 *
 * The windows have no application, so no model loads: recording needs none.
 */
#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "audio/narration.h"
#include "audio/recorder.h"
#include "ui/settings.h"
#include "ui/window-private.h"
#include "ui-test-util.h"

#define NO_MICROPHONE_TIP "No microphone found: connect one, or load or drop an audio file"

static char *tmp_dir;

static AtWindow *
open_window (const char *source)
{
  if (source != NULL)
    g_setenv ("ATELIER_RECORD_SOURCE", source, TRUE);
  else
    g_unsetenv ("ATELIER_RECORD_SOURCE");
  return ui_test_open_window (NULL);
}

static GtkWidget *
record_button (AtWindow *window)
{
  return GTK_WIDGET (window->record_button);
}

static gboolean
button_sensitive (gpointer window)
{
  return gtk_widget_is_sensitive (record_button (window));
}

static gboolean
voice_loaded (gpointer window)
{
  return ((AtWindow *) window)->voice != NULL;
}

static void
test_no_microphone (void)
{
  gboolean present = at_recorder_has_input_device ();
  g_test_message ("input device present: %s", present ? "yes" : "no");
  AtWindow *window = open_window (NULL);
  if (present)
    {
      g_assert_true (ui_test_wait_until (button_sensitive, window, 20));
      g_assert_cmpstr (gtk_widget_get_tooltip_text (record_button (window)), ==, "Record from the Microphone (Ctrl+R)");
    }
  else
    {
      /* also once the device probe has answered */
      for (int i = 0; i < 2; i++)
        {
          g_assert_false (gtk_widget_is_sensitive (record_button (window)));
          g_assert_cmpstr (gtk_widget_get_tooltip_text (record_button (window)), ==, NO_MICROPHONE_TIP);
          ui_test_wait_until (button_sensitive, window, 1.5);
        }
      /* Ctrl+R does nothing then */
      gtk_widget_activate_action (GTK_WIDGET (window), "win.record", NULL);
      g_assert_false (at_window_is_recording (window));
    }
  /* loading a file works either way */
  g_autofree char *path = g_build_filename (tmp_dir, "tone.wav", NULL);
  g_autoptr (AtAudio) tone = at_audio_new (8000, 16000);
  for (gsize i = 0; i < tone->n; i++)
    tone->samples[i] = 0.3f * sinf (i * 0.1f);
  g_assert_true (at_audio_save (tone, path, NULL));
  g_autoptr (GFile) file = g_file_new_for_path (path);
  at_window_load_voice (window, file);
  g_assert_true (ui_test_wait_until (voice_loaded, window, 20));
  g_assert_nonnull (strstr (at_window_get_voice_label (window), "tone.wav"));
  ui_test_close_window (window);
}

static gboolean
has_caption (gpointer window)
{
  const char *caption = at_window_get_caption (window);
  return !at_window_is_recording (window) ||
         (*caption != '\0' && g_strcmp0 (caption, "Listening…") != 0);
}

static gboolean
not_recording (gpointer window)
{
  return !at_window_is_recording (window);
}

static gboolean
transcribed (gpointer window)
{
  return !at_voice_panel_is_transcribing (at_window_get_voice_panel (window));
}

static gboolean
waveform_has_samples (gpointer window)
{
  return at_waveform_get_n_samples (((AtWindow *) window)->waveform) > 0;
}

typedef struct {
  AtWindow *window;
  gsize before;
} Growth;

static gboolean
waveform_grew (gpointer data)
{
  Growth *g = data;
  return at_waveform_get_n_samples (g->window->waveform) > g->before;
}

static void
test_record_spoken_file (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AtAudio) said = at_narrate ("a red apple on a wooden table", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  /* Record pressed, a second before the first word and six after it, so
   * that the captions' recogniser (loading for a second or more on a busy
   * machine) catches up while the recording runs. Around the words a
   * microphone's noise floor rather than digital silence. */
  gsize lead = said->rate, tail = 6 * said->rate;
  g_autoptr (AtAudio) speech = at_audio_new (lead + said->n + tail, said->rate);
  memcpy (speech->samples + lead, said->samples, said->n * sizeof (float));
  g_autoptr (GRand) rand = g_rand_new_with_seed (3);
  for (gsize i = 0; i < speech->n; i++)
    speech->samples[i] += 0.001f * (float) g_rand_double_range (rand, -1, 1);
  g_autofree char *path = g_build_filename (tmp_dir, "spoken.wav", NULL);
  g_assert_true (at_audio_save (speech, path, &error));
  g_autofree char *source = g_strdup_printf ("filesrc location=\"%s\" ! decodebin", path);

  AtWindow *window = open_window (source);
  g_assert_true (gtk_widget_is_sensitive (record_button (window)));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (record_button (window)), ==, "Record from the Microphone (Ctrl+R)");
  g_assert_false (gtk_revealer_get_reveal_child (window->record_revealer));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.record", NULL));
  g_assert_true (at_window_is_recording (window));
  g_assert_true (gtk_revealer_get_reveal_child (window->record_revealer));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (record_button (window)), ==, "Stop Recording (Ctrl+R)");
  g_assert_cmpstr (at_window_get_caption (window), ==, "Listening…");
  /* the card says what is going on, and the waveform grows as samples arrive */
  g_assert_cmpstr (at_window_get_voice_label (window), ==, "Recording…");
  g_assert_true (at_waveform_is_live (window->waveform));
  g_assert_true (ui_test_wait_until (waveform_has_samples, window, 10));
  gsize early = at_waveform_get_n_samples (window->waveform);
  g_assert_true (ui_test_wait_until (waveform_grew, &(Growth) { window, early }, 10));
  g_test_message ("waveform: %zu samples, then %zu", early, at_waveform_get_n_samples (window->waveform));

  /* words show while the file still plays */
  g_assert_true (ui_test_wait_until (has_caption, window, 30));
  g_test_message ("live caption: “%s”", at_window_get_caption (window));
  g_assert_true (at_window_is_recording (window));

  /* the source ends: the recording is the voice prompt */
  g_assert_true (ui_test_wait_until (not_recording, window, 30));
  g_assert_false (gtk_revealer_get_reveal_child (window->record_revealer));
  g_assert_true (g_str_has_prefix (at_window_get_voice_label (window), "Recording · "));
  /* the whole clip now, drawn to fit */
  g_assert_false (at_waveform_is_live (window->waveform));
  g_assert_cmpuint (at_waveform_get_n_samples (window->waveform), ==, window->voice->n);
  g_assert_null (at_window_get_last_toast (window));
  g_autoptr (AtRequest) r = at_window_build_request (window);
  g_assert_cmpint (r->voice_rate, ==, AT_RECORDER_RATE);
  g_assert_cmpfloat (fabs ((double) r->voice_len / r->voice_rate - at_audio_get_duration (speech)), <,
                     0.01 * at_audio_get_duration (speech));
  g_assert_true (at_window_get_dirty (window));

  /* and goes through the voice panel's transcription like a loaded clip */
  g_assert_true (ui_test_wait_until (transcribed, window, 120));
  AtVoicePanel *panel = at_window_get_voice_panel (window);
  g_autofree char *transcript = at_voice_panel_get_transcript (panel);
  g_test_message ("transcript: “%s”; %s", transcript, at_voice_panel_get_status (panel));
  g_assert_true (g_str_has_prefix (at_voice_panel_get_status (panel), "Transcribed") ||
                 g_str_has_prefix (at_voice_panel_get_status (panel), "No words"));
  ui_test_close_window (window);
}

static void
test_stop_by_user (void)
{
  AtWindow *window = open_window ("audiotestsrc volume=0.3");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.record", NULL));
  g_assert_true (at_window_is_recording (window));
  g_assert_cmpstr (gtk_label_get_text (window->record_time_label), ==, "0:00 / 1:00");
  ui_test_wait_until (not_recording, window, 0.6);
  /* a 0.3 sine: -13.5 dBFS RMS, well into the meter */
  g_assert_cmpfloat (gtk_level_bar_get_value (window->level_bar), >, 0.5);
  g_assert_cmpfloat (gtk_level_bar_get_value (window->level_bar), <, 1.0);
  /* Ctrl+R again stops */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.record", NULL));
  g_assert_false (at_window_is_recording (window));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (record_button (window)), ==, "Record from the Microphone (Ctrl+R)");
  g_assert_null (at_window_get_last_toast (window));
  g_autoptr (AtRequest) r = at_window_build_request (window);
  double seconds = (double) r->voice_len / AT_RECORDER_RATE;
  g_test_message ("recorded %.2f s", seconds);
  g_assert_cmpfloat (seconds, >, 0.3);
  g_assert_cmpfloat (seconds, <, 5);
  ui_test_close_window (window);
}

static gboolean
has_toast (gpointer window)
{
  return at_window_get_last_toast (window) != NULL;
}

/* The longest recording is the GSettings key Preferences offers. */
static void
test_max_length (void)
{
  g_autoptr (GSettings) settings = at_settings_new ();
  g_settings_set_int (settings, "record-max-seconds", 5);
  AtWindow *window = open_window ("audiotestsrc volume=0.3");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.record", NULL));
  g_assert_cmpstr (gtk_label_get_text (window->record_time_label), ==, "0:00 / 0:05");
  g_assert_true (ui_test_wait_until (not_recording, window, 20));
  g_assert_true (ui_test_wait_until (has_toast, window, 5));
  g_assert_cmpstr (at_window_get_last_toast (window), ==, "Recording stopped at its maximum length, 0:05");
  g_assert_nonnull (window->voice);
  g_assert_cmpfloat_with_epsilon (at_audio_get_duration (window->voice), 5.0, 0.05);
  g_settings_reset (settings, "record-max-seconds");
  ui_test_close_window (window);
}

static void
test_broken_source (void)
{
  AtWindow *window = open_window ("nosuchaudiosrc");
  /* an explicit source counts as a device */
  g_assert_true (gtk_widget_is_sensitive (record_button (window)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.record", NULL));
  g_assert_false (at_window_is_recording (window));
  const char *toast = at_window_get_last_toast (window);
  g_assert_nonnull (toast);
  g_test_message ("%s", toast);
  g_assert_nonnull (strstr (toast, "nosuchaudiosrc"));
  g_assert_nonnull (strstr (toast, "audio file"));
  g_assert_false (gtk_revealer_get_reveal_child (window->record_revealer));
  g_assert_null (window->voice);
  ui_test_close_window (window);
}

int
main (int argc, char **argv)
{
  ui_test_init (&argc, &argv);
  tmp_dir = g_dir_make_tmp ("atelier-record-XXXXXX", NULL);
  g_test_add_func ("/ui/record/no-microphone", test_no_microphone);
  g_test_add_func ("/ui/record/spoken-file", test_record_spoken_file);
  g_test_add_func ("/ui/record/stop-by-user", test_stop_by_user);
  g_test_add_func ("/ui/record/max-length", test_max_length);
  g_test_add_func ("/ui/record/broken-source", test_broken_source);
  int status = g_test_run ();
  const char *names[] = { "tone.wav", "spoken.wav" };
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (tmp_dir, names[i], NULL);
      g_unlink (path);
    }
  g_rmdir (tmp_dir);
  g_free (tmp_dir);
  return status;
}
