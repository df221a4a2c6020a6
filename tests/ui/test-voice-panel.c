/* test-voice-panel.c — the studio's transcript and narration under Xvfb:
 * a clip espeak-ng speaks in the test is transcribed on a worker into the
 * transcript field, which joins the request's prompt as the join choice
 * says; Speak narrates the prompt exactly as at_narrate() does and shows
 * the first subtitle line; export writes audio, SRT and VTT that load back,
 * with the sample format asked for where the container holds it (read back
 * with libsndfile) and a status line naming the files written.
 * Voice cues: a loud, wide glide is measured on a worker and shown; with the
 * switch on the request's guidance rises by the full step the line names,
 * with it off the controls' values go out unchanged. The panel's settings
 * survive a project saved and opened again (the typed prompt saved without
 * the transcript); a project from before them opens with cues off. */
#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>
#include <sndfile.h>
#include <string.h>

#include "audio/audio-file.h"
#include "audio/narration.h"
#include "media/subtitles.h"
#include "ui/application.h"
#include "ui/settings.h"
#include "ui/voice-panel.h"
#include "ui/window-private.h"
#include "ui-test-util.h"

#define SPOKEN "a red apple on a wooden table"
/* Long enough for several subtitle lines. */
#define NARRATED "A red apple on a wooden table, in soft evening light. A blue house by the sea, under a quiet sky."

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

static gboolean
player_ready (gpointer data)
{
  GtkMediaStream *player = at_voice_panel_get_player (data);
  return player != NULL && (gtk_media_stream_is_prepared (player) || gtk_media_stream_get_error (player) != NULL);
}

typedef struct {
  AtVoicePanel *panel;
  gint64 until_us;
} PlayWait;

static gboolean
played_past (gpointer data)
{
  PlayWait *w = data;
  return gtk_media_stream_get_timestamp (at_voice_panel_get_player (w->panel)) >= w->until_us;
}

/* The player (GTK's GStreamer media backend) plays the narration, and the
 * subtitle line follows the time it reports. */
static void
check_playback (AtVoicePanel *panel, GPtrArray *subtitles)
{
  g_assert_true (ui_test_wait_until (player_ready, panel, 30));
  GtkMediaStream *player = at_voice_panel_get_player (panel);
  g_assert_no_error (gtk_media_stream_get_error (player));
  const AtCue *second = g_ptr_array_index (subtitles, 1);
  PlayWait w = { panel, second->start_ms * 1000 + 200000 };
  g_assert_true (at_voice_panel_toggle_playback (panel));
  g_assert_true (ui_test_wait_until (played_past, &w, 30));
  g_assert_true (gtk_media_stream_get_playing (player));
  gint64 ms = gtk_media_stream_get_timestamp (player) / 1000;
  const AtCue *now = NULL;
  for (guint i = 0; i < subtitles->len; i++)
    if (((AtCue *) subtitles->pdata[i])->start_ms <= ms)
      now = subtitles->pdata[i];
  g_assert_cmpstr (at_voice_panel_get_subtitle_text (panel), ==, now->text);
  g_assert_true (at_voice_panel_toggle_playback (panel));
  g_assert_false (gtk_media_stream_get_playing (player));
}

static void
test_narration (void)
{
  AtWindow *window = ui_test_open_window (app);
  AtVoicePanel *panel = at_window_get_voice_panel (window);
  at_window_set_prompt (window, NARRATED);
  at_voice_panel_speak (panel);
  g_assert_true (at_voice_panel_is_speaking (panel));
  g_assert_true (ui_test_wait_until (spoken, panel, 60));
  const AtAudio *audio = at_voice_panel_get_narration (panel);
  g_assert_nonnull (audio);

  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) words = NULL;
  g_autoptr (AtAudio) expected = at_narrate (NARRATED, NULL, &words, NULL, &error);
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
  g_assert_cmpuint (subtitles->len, >=, 2);
  check_playback (panel, subtitles);
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
  at_voice_panel_export_async (panel, file, AT_AUDIO_ENCODING_DEFAULT, NULL, got_result, &result);
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
  ui_test_close_window (window);
}

/* --- export sample formats ------------------------------------------------- */

static gboolean
export_over (gpointer panel)
{
  return !at_voice_panel_is_exporting (panel);
}

/* libsndfile's container and sample format of path. */
static void
read_format (const char *path, int *major, int *sub)
{
  SF_INFO info = { 0 };
  SNDFILE *sf = sf_open (path, SFM_READ, &info);
  g_assert_nonnull (sf);
  sf_close (sf);
  *major = info.format & SF_FORMAT_TYPEMASK;
  *sub = info.format & SF_FORMAT_SUBMASK;
}

/* As the export dialog does it: each sample format asked for, written as
 * the container allows, and the status line names the files written. */
static void
test_export_encodings (void)
{
  static const struct {
    const char *name;
    AtAudioEncoding asked;
    int major, sub;
    const char *said;   /* in the status line */
  } cases[] = {
    { "n16.wav", AT_AUDIO_ENCODING_PCM_16, SF_FORMAT_WAV, SF_FORMAT_PCM_16, "n16.wav (16-bit)" },
    { "n24.wav", AT_AUDIO_ENCODING_PCM_24, SF_FORMAT_WAV, SF_FORMAT_PCM_24, "n24.wav (24-bit)" },
    { "nf.wav", AT_AUDIO_ENCODING_FLOAT, SF_FORMAT_WAV, SF_FORMAT_FLOAT, "nf.wav (32-bit float)" },
    { "n16.flac", AT_AUDIO_ENCODING_PCM_16, SF_FORMAT_FLAC, SF_FORMAT_PCM_16, "n16.flac (16-bit)" },
    { "n24.flac", AT_AUDIO_ENCODING_PCM_24, SF_FORMAT_FLAC, SF_FORMAT_PCM_24, "n24.flac (24-bit)" },
    /* FLAC has no float: the closest lossless format, and the line says so */
    { "nf.flac", AT_AUDIO_ENCODING_FLOAT, SF_FORMAT_FLAC, SF_FORMAT_PCM_24,
      "nf.flac (24-bit: FLAC has no float samples)" },
    /* Ogg is Vorbis whatever was asked; only a choice that cannot apply is explained */
    { "n16.ogg", AT_AUDIO_ENCODING_PCM_16, SF_FORMAT_OGG, SF_FORMAT_VORBIS, "n16.ogg (Ogg Vorbis)," },
    { "nf.ogg", AT_AUDIO_ENCODING_FLOAT, SF_FORMAT_OGG, SF_FORMAT_VORBIS,
      "nf.ogg (Ogg Vorbis: compressed, so the sample format chosen does not apply)" },
  };
  AtWindow *window = ui_test_open_window (app);
  AtVoicePanel *panel = at_window_get_voice_panel (window);
  at_window_set_prompt (window, SPOKEN);
  at_voice_panel_speak (panel);
  g_assert_true (ui_test_wait_until (spoken, panel, 60));
  const AtAudio *narration = at_voice_panel_get_narration (panel);
  g_assert_nonnull (narration);
  g_autofree char *dir = g_dir_make_tmp ("atelier-vp-XXXXXX", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_build_filename (dir, cases[i].name, NULL);
      g_autoptr (GFile) file = g_file_new_for_path (path);
      at_voice_panel_export (panel, file, cases[i].asked);
      g_assert_true (at_voice_panel_is_exporting (panel));
      g_assert_true (ui_test_wait_until (export_over, panel, 60));
      const char *status = at_voice_panel_get_narration_status (panel);
      g_test_message ("%s", status);
      g_assert_true (g_str_has_prefix (status, "Exported "));
      g_assert_nonnull (strstr (status, cases[i].said));
      g_autofree char *stem = g_strndup (cases[i].name, strcspn (cases[i].name, "."));
      g_autofree char *subtitles = g_strdup_printf ("%s.srt and %s.vtt to %s", stem, stem, dir);
      g_assert_nonnull (strstr (status, subtitles));
      int major, sub;
      read_format (path, &major, &sub);
      g_assert_cmphex (major, ==, cases[i].major);
      g_assert_cmphex (sub, ==, cases[i].sub);
      g_autoptr (GError) error = NULL;
      g_autoptr (AtAudio) back = at_audio_load (path, &error);
      g_assert_no_error (error);
      g_assert_cmpint (back->rate, ==, narration->rate);
      g_assert_cmpfloat (fabs (at_audio_get_duration (back) - at_audio_get_duration (narration)), <, 0.01);
      const char *exts[] = { "srt", "vtt" };
      for (guint e = 0; e < G_N_ELEMENTS (exts); e++)
        {
          g_autofree char *name = g_strdup_printf ("%s.%s", stem, exts[e]);
          g_autofree char *sub_path = g_build_filename (dir, name, NULL);
          g_assert_true (g_file_test (sub_path, G_FILE_TEST_IS_REGULAR));
          g_unlink (sub_path);
        }
      g_unlink (path);
    }
  /* a name without a container says what to do */
  g_autofree char *bare = g_build_filename (dir, "narration", NULL);
  g_autoptr (GFile) bare_file = g_file_new_for_path (bare);
  at_voice_panel_export (panel, bare_file, AT_AUDIO_ENCODING_PCM_16);
  g_assert_true (ui_test_wait_until (export_over, panel, 60));
  g_test_message ("%s", at_voice_panel_get_narration_status (panel));
  g_assert_true (g_str_has_prefix (at_voice_panel_get_narration_status (panel), "Could not export the narration: "));
  g_assert_nonnull (strstr (at_voice_panel_get_narration_status (panel), ".wav"));
  g_assert_cmpint (g_rmdir (dir), ==, 0);
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
  g_assert_true (at_voice_panel_get_use_cues (panel));   /* the schema's default */
  g_assert_cmpstr (at_voice_panel_get_cues_effect (panel), ==, "Nothing to adjust until a voice clip is measured");
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
  g_assert_true (at_window_save_to (window, file, &error));
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
  g_assert_true (at_window_open_file (second, file, &error));
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
  g_assert_true (at_window_open_file (second, file, &error));
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
  g_test_add_func ("/ui/voice-panel/narration", test_narration);
  g_test_add_func ("/ui/voice-panel/export-encodings", test_export_encodings);
  g_test_add_func ("/ui/voice-panel/cues", test_cues);
  g_test_add_func ("/ui/voice-panel/project", test_project_settings);
  int status = g_test_run ();
  g_object_unref (app);
  return status;
}
