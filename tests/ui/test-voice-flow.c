/* test-voice-flow.c — the whole voice workflow in one studio window, under
 * Xvfb, with the built-in model:
 *
 *   record a spoken prompt ($ATELIER_RECORD_SOURCE plays a WAV that flite
 *   spoke in the microphone's place) → its transcript and measured cues
 *   show → Generate makes an image conditioned on the recording, with the
 *   transcript as the prompt and the cues' steps → the narration speaks the
 *   transcript → export as WAV, FLAC and Ogg with SRT and VTT beside it,
 *   each read back → record again, the captions now using the voice
 *   panel's recogniser.
 *
 * Each step's own details are tested in test-record.c, test-voice-panel.c
 * and test-narration-panel.c; this one checks that they hold together.
 */
#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "audio/narration.h"
#include "media/subtitles.h"
#include "ui/window-private.h"
#include "ui-test-util.h"

#define SPOKEN "a red apple on a wooden table"

static AtApplication *app;
static char *tmp_dir;

/* SPOKEN by flite, between half a second and a second of a microphone's
 * noise floor. */
static char *
spoken_wav (void)
{
  g_autoptr (GError) error = NULL;
  AtNarrationOptions o = { "flite/slt", 0, -1 };
  g_autoptr (AtAudio) said = at_narrate (SPOKEN, &o, NULL, NULL, &error);
  g_assert_no_error (error);
  gsize lead = said->rate / 2, tail = said->rate;
  g_autoptr (AtAudio) clip = at_audio_new (lead + said->n + tail, said->rate);
  memcpy (clip->samples + lead, said->samples, said->n * sizeof (float));
  g_autoptr (GRand) rand = g_rand_new_with_seed (5);
  for (gsize i = 0; i < clip->n; i++)
    clip->samples[i] += 0.001f * (float) g_rand_double_range (rand, -1, 1);
  char *path = g_build_filename (tmp_dir, "spoken.wav", NULL);
  g_assert_true (at_audio_save (clip, path, &error));
  return path;
}

static gboolean
voice_ready (gpointer window)
{
  AtVoicePanel *panel = at_window_get_voice_panel (window);
  return !at_window_is_recording (window) && ((AtWindow *) window)->voice != NULL &&
         !at_voice_panel_is_transcribing (panel) && !at_voice_panel_is_measuring (panel) &&
         at_voice_panel_get_cues (panel) != NULL;
}

static gboolean
not_generating (gpointer window)
{
  return !at_window_is_generating (window);
}

static gboolean
spoken (gpointer panel)
{
  return !at_narration_panel_is_speaking (panel);
}

static gboolean
exported (gpointer panel)
{
  return !at_narration_panel_is_exporting (panel);
}

static void
record (AtWindow *window)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.record", NULL));
  g_assert_true (at_window_is_recording (window));
  g_assert_true (ui_test_wait_until (voice_ready, window, 120));
  AtVoicePanel *panel = at_window_get_voice_panel (window);
  g_autofree char *transcript = at_voice_panel_get_transcript (panel);
  g_test_message ("heard “%s”; %s", transcript, at_voice_panel_get_cues_text (panel));
  g_assert_nonnull (strstr (transcript, "apple"));
  g_assert_nonnull (strstr (at_voice_panel_get_cues_text (panel), "Pitch"));
}

/* The image: conditioned on the recording, the transcript as its prompt,
 * made with the steps the cues chose. */
static void
generate (AtWindow *window)
{
  g_autoptr (AtRequest) planned = at_window_build_request (window);
  g_assert_nonnull (planned->voice);
  g_assert_nonnull (strstr (planned->prompt, "apple"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.generate", NULL));
  g_assert_true (ui_test_wait_until (not_generating, window, 200));
  g_assert_cmpuint (at_window_get_history_length (window), ==, 1);
  const char *params = at_window_get_current_parameters (window);
  g_test_message ("%s", params);
  g_assert_true (g_str_has_prefix (params, planned->prompt));
  g_assert_nonnull (strstr (params, "Voice prompt: yes"));
  g_autofree char *steps = g_strdup_printf ("Steps: %d,", planned->steps);
  g_assert_nonnull (strstr (params, steps));
}

/* The narration of the transcript, exported in every container, with its
 * subtitles beside it. */
static void
narrate_and_export (AtWindow *window)
{
  AtNarrationPanel *panel = at_window_get_narration_panel (window);
  g_auto (AtVoiceSettings) v = { 0 };
  at_voice_settings_reset (&v);
  g_free (v.narration_source);
  v.narration_source = g_strdup ("transcript");
  at_narration_panel_set_settings (panel, &v);
  at_narration_panel_speak (panel);
  g_assert_true (ui_test_wait_until (spoken, panel, 60));
  const AtAudio *narration = at_narration_panel_get_narration (panel);
  g_assert_nonnull (narration);
  GPtrArray *lines = at_narration_panel_get_subtitles (panel);
  g_assert_nonnull (strstr (((AtCue *) lines->pdata[0])->text, "apple"));

  const char *names[] = { "narration.wav", "narration.flac", "narration.ogg" };
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (tmp_dir, names[i], NULL);
      g_autoptr (GFile) file = g_file_new_for_path (path);
      at_narration_panel_export (panel, file, AT_AUDIO_ENCODING_PCM_24);
      g_assert_true (ui_test_wait_until (exported, panel, 60));
      g_test_message ("%s", at_narration_panel_get_status (panel));
      g_autoptr (GError) error = NULL;
      g_autoptr (AtAudio) back = at_audio_load (path, &error);
      g_assert_no_error (error);
      g_assert_cmpfloat_with_epsilon (at_audio_get_duration (back), at_audio_get_duration (narration), 0.01);
      g_unlink (path);
    }
  const char *subtitles[] = { "narration.srt", "narration.vtt" };
  for (guint i = 0; i < G_N_ELEMENTS (subtitles); i++)
    {
      g_autofree char *path = g_build_filename (tmp_dir, subtitles[i], NULL);
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) cues = at_subtitles_load (path, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (cues->len, ==, lines->len);
      g_unlink (path);
    }
}

static void
test_voice_flow (void)
{
  AtWindow *window = ui_test_open_window (app);
  ui_test_wait_for_engine (window);
  at_window_set_params (window, 3, 11, 1);
  record (window);
  generate (window);
  narrate_and_export (window);
  /* again: the live captions now stream through the voice panel's
   * recogniser instead of loading their own */
  g_assert_nonnull (at_voice_panel_get_idle_transcriber (at_window_get_voice_panel (window)));
  record (window);
  ui_test_close_window (window);
}

int
main (int argc, char **argv)
{
  /* the environment is set before any thread starts */
  tmp_dir = g_dir_make_tmp ("atelier-voice-flow-XXXXXX", NULL);
  g_autofree char *wav = spoken_wav ();
  g_autofree char *source = g_strdup_printf ("filesrc location=\"%s\" ! decodebin", wav);
  g_setenv ("ATELIER_RECORD_SOURCE", source, TRUE);
  ui_test_init (&argc, &argv);
  app = ui_test_application_new ();
  g_test_add_func ("/ui/voice-flow", test_voice_flow);
  int status = g_test_run ();
  g_unlink (wav);
  g_rmdir (tmp_dir);
  g_free (tmp_dir);
  return ui_test_application_finish (app, status);
}
