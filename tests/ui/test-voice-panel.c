/* test-voice-panel.c — the studio's transcript and voice cues under Xvfb
 * (narration: test-narration-panel.c): a clip espeak-ng speaks in the test
 * is transcribed on a worker into the transcript field, which joins the
 * request's prompt as the join choice says.
 * Voice cues: a loud, wide glide is measured on a worker and shown; with the
 * switch on the request's guidance rises by the full step the line names,
 * with it off the controls' values go out unchanged. The panel's settings
 * survive a project saved and opened again (the typed prompt saved without
 * the transcript); a project from before them opens with cues off. */
#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "audio/audio-file.h"
#include "ui/application.h"
#include "ui/settings.h"
#include "ui/voice-panel.h"
#include "ui/window-private.h"
#include "ui-test-util.h"

#define SPOKEN "a red apple on a wooden table"

static AtApplication *app;

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

static gboolean
cues_settled (gpointer panel)
{
  return !at_voice_panel_is_measuring (panel) && at_voice_panel_get_cues (panel) != NULL;
}

static gboolean
transcription_over (gpointer panel)
{
  return !at_voice_panel_is_transcribing (panel);
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
  AtWindow *window = ui_test_open_window (app);
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
  /* two or more recognised words time the speaking rate */
  g_assert_true (ui_test_wait_until (cues_settled, panel, 60));
  g_test_message ("%s; %s", at_voice_panel_get_cues_text (panel), at_voice_panel_get_cues_effect (panel));
  g_auto (GStrv) heard = g_strsplit (transcript, " ", -1);
  if (g_strv_length (heard) >= 2)
    g_assert_nonnull (strstr (at_voice_panel_get_cues_text (panel), "(from transcript)"));

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
  ui_test_close_window (window);
}

/* --- voice cues ------------------------------------------------------------ */

/* Three seconds rising evenly from 100 to 300 Hz near full scale: a pitch
 * range of 0.8 × 19 st and a loudness far above neutral, no syllables. */
static AtAudio *
loud_glide (void)
{
  const int rate = 16000;
  const double seconds = 3.0, f1 = 100, f2 = 300;
  AtAudio *a = at_audio_new ((gsize) (rate * seconds), rate);
  double k = log (f2 / f1) / seconds, phase = 0.0;
  for (gsize i = 0; i < a->n; i++)
    {
      a->samples[i] = (float) (0.6 * sin (phase) + 0.2 * sin (2 * phase));
      phase += 2 * G_PI * f1 * exp (k * i / rate) / rate;
    }
  return a;
}

static void
assert_request (AtWindow *window, float guidance, int steps)
{
  g_autoptr (AtRequest) r = at_window_build_request (window);
  g_assert_cmpfloat_with_epsilon (r->guidance, guidance, 1e-5);
  g_assert_cmpint (r->steps, ==, steps);
}

static void
test_cues (void)
{
  AtWindow *window = ui_test_open_window (app);
  AtVoicePanel *panel = at_window_get_voice_panel (window);
  /* opt-in: a new project uses guidance and steps as set */
  g_assert_false (at_voice_panel_get_use_cues (panel));
  at_voice_panel_set_use_cues (panel, TRUE);
  g_assert_cmpstr (at_voice_panel_get_cues_effect (panel), ==, "Nothing to adjust until a voice clip is measured");
  /* the model's defaults arrive with the engine; what is set after stays */
  ui_test_wait_for_engine (window);
  at_window_set_params (window, 12, 1, 1);
  gtk_spin_button_set_value (window->guidance_spin, 3.0);

  _at_window_set_voice (window, loud_glide (), "glide.wav");
  g_assert_true (at_voice_panel_is_measuring (panel));
  g_assert_cmpstr (at_voice_panel_get_cues_text (panel), ==, "Measuring voice cues…");
  /* recognition, which could time a rate, hears no words in a glide */
  g_assert_true (ui_test_wait_until (transcription_over, panel, 120));
  g_assert_true (ui_test_wait_until (cues_settled, panel, 60));
  const AtVoiceCues *cues = at_voice_panel_get_cues (panel);
  const char *text = at_voice_panel_get_cues_text (panel);
  g_test_message ("%s; %s", text, at_voice_panel_get_cues_effect (panel));
  g_assert_true (g_str_has_prefix (text, "Measured: Pitch "));
  g_assert_nonnull (strstr (text, "LUFS"));
  g_assert_nonnull (strstr (text, "Rate unknown"));
  g_assert_true (g_str_has_suffix (text, " · Tone: energetic"));   /* loud, wide range */
  g_assert_cmpfloat (cues->pitch_range_st, >, 14.0);
  g_assert_cmpfloat (cues->loudness_lufs, >, -13.0);

  /* on: the full guidance step, as the line says; no rate, so steps stay */
  g_assert_cmpstr (at_voice_panel_get_cues_effect (panel), ==, "Loud voice, wide pitch range: guidance 3.0 → 4.0");
  assert_request (window, 4.0f, 12);
  /* the line follows the controls */
  gtk_spin_button_set_value (window->guidance_spin, 5.0);
  g_assert_cmpstr (at_voice_panel_get_cues_effect (panel), ==, "Loud voice, wide pitch range: guidance 5.0 → 6.0");
  assert_request (window, 6.0f, 12);

  /* off: what the controls say, and new projects start off too */
  at_voice_panel_set_use_cues (panel, FALSE);
  g_assert_cmpstr (at_voice_panel_get_cues_effect (panel), ==, "Off: guidance and steps are used as set");
  assert_request (window, 5.0f, 12);
  g_autoptr (GSettings) settings = at_settings_new ();
  g_assert_false (g_settings_get_boolean (settings, "voice-cues"));
  at_voice_panel_set_use_cues (panel, TRUE);
  g_assert_true (g_settings_get_boolean (settings, "voice-cues"));

  /* no clip, no cues */
  _at_window_set_voice (window, NULL, NULL);
  g_assert_null (at_voice_panel_get_cues (panel));
  assert_request (window, 5.0f, 12);
  ui_test_close_window (window);
}

/* --- projects -------------------------------------------------------------- */

static void
assert_settings_equal (const AtVoiceSettings *a, const AtVoiceSettings *b)
{
  g_assert_cmpstr (a->transcript_join, ==, b->transcript_join);
  g_assert_cmpstr (a->transcript, ==, b->transcript);
  g_assert_cmpstr (a->narration_text, ==, b->narration_text);
  g_assert_cmpstr (a->narration_voice, ==, b->narration_voice);
  g_assert_cmpint (a->narration_rate, ==, b->narration_rate);
  g_assert_cmpint (a->narration_pitch, ==, b->narration_pitch);
  g_assert_cmpint (a->voice_cues, ==, b->voice_cues);
}

/* Written by Atelier before the voice panel settings existed. */
static const char old_project[] =
  "{\"format\": \"atelier-project\", \"version\": 1, \"sketch\": {\"strokes\": []},"
  " \"parameters\": {\"prompt\": \"a fox\", \"steps\": 9, \"guidance\": 2.5, \"seed\": \"7\"},"
  " \"seed_locked\": false, \"voice\": null, \"history\": []}";

static void
test_project_settings (void)
{
  AtWindow *window = ui_test_open_window (app);
  AtVoicePanel *panel = at_window_get_voice_panel (window);
  at_window_set_prompt (window, "a still life");
  _at_window_set_voice (window, loud_glide (), "glide.wav");
  g_assert_true (ui_test_wait_until (transcription_over, panel, 120));
  g_auto (AtVoiceSettings) chosen = { 0 };
  at_voice_settings_reset (&chosen);
  g_free (chosen.transcript_join);
  chosen.transcript_join = g_strdup ("append");
  chosen.transcript = g_strdup ("a glide, typed by hand");
  chosen.narration_text = g_strdup ("Once upon a time");
  chosen.narration_rate = 220;
  chosen.narration_pitch = 30;
  chosen.voice_cues = FALSE;
  at_voice_panel_set_settings (panel, &chosen);
  g_auto (AtVoiceSettings) shown = { 0 };
  at_voice_panel_get_settings (panel, &shown);
  chosen.narration_voice = g_strdup (shown.narration_voice);   /* the default voice's identifier */
  assert_settings_equal (&shown, &chosen);

  g_autofree char *dir = g_dir_make_tmp ("atelier-vp-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "glide.atelier", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;
  g_assert_true (ui_test_save (window, file, &error));
  g_assert_no_error (error);
  g_autofree char *joined = request_prompt (window);
  g_assert_cmpstr (joined, ==, "a still life a glide, typed by hand");
  /* the file holds what was typed; the transcript joins it again on opening */
  g_autoptr (AtProject) saved = at_project_load (file, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (saved->params->prompt, ==, "a still life");
  assert_settings_equal (&saved->voice_settings, &chosen);
  ui_test_close_window (window);

  AtWindow *second = ui_test_open_window (app);
  AtVoicePanel *panel2 = at_window_get_voice_panel (second);
  g_assert_true (ui_test_open (second, file, &error));
  g_assert_no_error (error);
  g_assert_false (at_window_get_dirty (second));
  /* recognition runs again for the rate, but the typed transcript stays */
  g_assert_true (ui_test_wait_until (transcription_over, panel2, 120));
  g_auto (AtVoiceSettings) opened = { 0 };
  at_voice_panel_get_settings (panel2, &opened);
  assert_settings_equal (&opened, &chosen);
  g_autofree char *joined2 = request_prompt (second);
  g_assert_cmpstr (joined2, ==, joined);
  /* an edit in the panel is an edit of the project */
  at_voice_panel_set_join (panel2, AT_TRANSCRIPT_JOIN_IGNORE);
  g_assert_true (at_window_get_dirty (second));

  /* a project from before the panel's settings: defaults, cues off */
  g_assert_true (g_file_set_contents (path, old_project, -1, NULL));
  g_assert_true (ui_test_open (second, file, &error));
  g_assert_no_error (error);
  g_auto (AtVoiceSettings) old = { 0 };
  at_voice_panel_get_settings (panel2, &old);
  g_assert_cmpstr (old.transcript_join, ==, "if-empty");
  g_assert_cmpstr (old.transcript, ==, "");
  g_assert_cmpstr (old.narration_text, ==, "");
  g_assert_cmpint (old.narration_rate, ==, 175);
  g_assert_false (old.voice_cues);
  assert_request (second, 2.5f, 9);

  g_unlink (path);
  g_rmdir (dir);
  ui_test_close_window (second);
}

int
main (int argc, char **argv)
{
  ui_test_init (&argc, &argv);
  app = ui_test_application_new ();
  g_test_add_func ("/ui/voice-panel/transcript", test_transcript_joins_prompt);
  g_test_add_func ("/ui/voice-panel/cues", test_cues);
  g_test_add_func ("/ui/voice-panel/project", test_project_settings);
  int status = g_test_run ();
  return ui_test_application_finish (app, status);
}
