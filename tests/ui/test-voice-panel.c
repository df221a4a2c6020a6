/* test-voice-panel.c — the studio's transcript and narration under Xvfb:
 * a clip espeak-ng speaks in the test is transcribed on a worker into the
 * transcript field, which joins the request's prompt as the join choice
 * says; Speak narrates the prompt exactly as at_narrate() does and shows
 * the first subtitle line; export writes audio, SRT and VTT that load back. */
#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "audio/audio-file.h"
#include "audio/narration.h"
#include "media/subtitles.h"
#include "ui/application.h"
#include "ui/voice-panel.h"
#include "ui/window-private.h"
#include "ui-test-util.h"

#define SPOKEN "a red apple on a wooden table"

static AtApplication *app;

static AtWindow *
open_window (void)
{
  AtWindow *window = at_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (ui_test_wait_until (ui_test_is_mapped, window, 20));
  return window;
}

static void
close_window (AtWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_flush ();
}

static char *
speak_to_file (const char *dir, const char *name)
{
  char *path = g_build_filename (dir, name, NULL);
  const char *argv[] = { "espeak-ng", "-w", path, SPOKEN, NULL };
  g_autoptr (GError) error = NULL;
  int status = 0;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
                               NULL, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return path;
}

static gboolean
transcribed (gpointer panel)
{
  if (at_voice_panel_is_transcribing (panel))
    return FALSE;
  g_autofree char *t = at_voice_panel_get_transcript (panel);
  return *t != '\0';
}

static gboolean
second_loaded (gpointer window)
{
  return strstr (at_window_get_voice_label (window), "spoken.wav") != NULL;
}

static char *
request_prompt (AtWindow *window)
{
  g_autoptr (AtRequest) r = at_window_build_request (window);
  return g_strdup (r->prompt);
}

static void
test_transcript_joins_prompt (void)
{
  AtWindow *window = open_window ();
  AtVoicePanel *panel = at_window_get_voice_panel (window);
  g_autofree char *dir = g_dir_make_tmp ("atelier-vp-XXXXXX", NULL);
  g_autofree char *first = speak_to_file (dir, "first.wav");
  g_autofree char *path = speak_to_file (dir, "spoken.wav");
  g_autoptr (GFile) first_file = g_file_new_for_path (first);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  /* a second clip cancels the transcription the first one started */
  at_window_load_voice (window, first_file);
  g_assert_true (ui_test_wait_until ((UiTestCondition) at_voice_panel_is_transcribing, panel, 20));
  at_window_load_voice (window, file);
  g_assert_true (ui_test_wait_until (second_loaded, window, 20));
  g_assert_true (ui_test_wait_until (transcribed, panel, 180));
  g_autofree char *transcript = at_voice_panel_get_transcript (panel);
  g_test_message ("heard \"%s\" for \"%s\"", transcript, SPOKEN);

  /* default: the transcript is the prompt only when none was typed */
  g_assert_cmpint (at_voice_panel_get_join (panel), ==, AT_TRANSCRIPT_JOIN_IF_EMPTY);
  at_window_set_prompt (window, "");
  g_autofree char *p0 = request_prompt (window);
  g_assert_cmpstr (p0, ==, transcript);
  at_window_set_prompt (window, "a still life");
  g_autofree char *p1 = request_prompt (window);
  g_assert_cmpstr (p1, ==, "a still life");
  at_voice_panel_set_join (panel, AT_TRANSCRIPT_JOIN_APPEND);
  g_autofree char *p2 = request_prompt (window);
  g_autofree char *appended = g_strconcat ("a still life ", transcript, NULL);
  g_assert_cmpstr (p2, ==, appended);
  at_voice_panel_set_join (panel, AT_TRANSCRIPT_JOIN_REPLACE);
  g_autofree char *p3 = request_prompt (window);
  g_assert_cmpstr (p3, ==, transcript);
  at_voice_panel_set_join (panel, AT_TRANSCRIPT_JOIN_IGNORE);
  g_autofree char *p4 = request_prompt (window);
  g_assert_cmpstr (p4, ==, "a still life");

  g_unlink (first);
  g_unlink (path);
  g_rmdir (dir);
  close_window (window);
}

static gboolean
spoken (gpointer panel)
{
  return !at_voice_panel_is_speaking (panel);
}

static gboolean
export_done (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

static void
got_result (GObject *source, GAsyncResult *result, gpointer data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

static void
test_narration (void)
{
  AtWindow *window = open_window ();
  AtVoicePanel *panel = at_window_get_voice_panel (window);
  at_window_set_prompt (window, SPOKEN);
  at_voice_panel_speak (panel);
  g_assert_true (at_voice_panel_is_speaking (panel));
  g_assert_true (ui_test_wait_until (spoken, panel, 60));
  const AtAudio *audio = at_voice_panel_get_narration (panel);
  g_assert_nonnull (audio);

  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) words = NULL;
  g_autoptr (AtAudio) expected = at_narrate (SPOKEN, NULL, &words, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (at_audio_get_duration (audio), at_audio_get_duration (expected), 0.05);
  g_autoptr (GPtrArray) lines = at_subtitles_group (words, AT_SUBTITLE_MAX_CHARS, AT_SUBTITLE_MAX_MS,
                                                    (gint64) (at_audio_get_duration (expected) * 1000.0));
  GPtrArray *subtitles = at_voice_panel_get_subtitles (panel);
  g_assert_nonnull (subtitles);
  g_assert_cmpuint (subtitles->len, ==, lines->len);
  const AtCue *first = g_ptr_array_index (subtitles, 0);
  g_assert_cmpstr (first->text, ==, ((AtCue *) g_ptr_array_index (lines, 0))->text);
  g_assert_cmpstr (at_voice_panel_get_subtitle_text (panel), ==, first->text);
  /* as the preview plays, the line of the current time */
  const AtCue *last = g_ptr_array_index (subtitles, subtitles->len - 1);
  at_voice_panel_show_time (panel, (last->start_ms + last->end_ms) / 2);
  g_assert_cmpstr (at_voice_panel_get_subtitle_text (panel), ==, last->text);

  /* export: the audio and both subtitle files, loadable again */
  g_autofree char *dir = g_dir_make_tmp ("atelier-vp-XXXXXX", NULL);
  g_autofree char *wav = g_build_filename (dir, "narration.wav", NULL);
  g_autofree char *srt = g_build_filename (dir, "narration.srt", NULL);
  g_autofree char *vtt = g_build_filename (dir, "narration.vtt", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (wav);
  GAsyncResult *result = NULL;
  at_voice_panel_export_async (panel, file, NULL, got_result, &result);
  g_assert_true (ui_test_wait_until (export_done, &result, 60));
  g_assert_true (at_voice_panel_export_finish (panel, result, &error));
  g_assert_no_error (error);
  g_object_unref (result);
  g_autoptr (AtAudio) back = at_audio_load (wav, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->n, ==, audio->n);
  g_assert_cmpint (back->rate, ==, audio->rate);
  const char *subs[] = { srt, vtt };
  for (guint i = 0; i < G_N_ELEMENTS (subs); i++)
    {
      g_autoptr (GPtrArray) cues = at_subtitles_load (subs[i], &error);
      g_assert_no_error (error);
      g_assert_cmpuint (cues->len, ==, subtitles->len);
      g_assert_cmpstr (((AtCue *) g_ptr_array_index (cues, 0))->text, ==, first->text);
    }
  g_unlink (wav);
  g_unlink (srt);
  g_unlink (vtt);
  g_rmdir (dir);
  close_window (window);
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  app = at_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  g_test_add_func ("/ui/voice-panel/transcript", test_transcript_joins_prompt);
  g_test_add_func ("/ui/voice-panel/narration", test_narration);
  int status = g_test_run ();
  g_object_unref (app);
  return status;
}
