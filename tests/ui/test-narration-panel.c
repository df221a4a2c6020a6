/* test-narration-panel.c — the studio's narration under Xvfb: Speak
 * narrates the prompt exactly as at_narrate() does with the studio's voice (flite SLT) and shows the first
 * subtitle line; the player plays it and the subtitle line follows; export
 * writes audio, SRT and VTT that load back, with the sample format asked
 * for where the container holds it (read back with libsndfile) and a
 * status line naming the files written; Speak says the source chosen; a
 * project keeps the narration, so that it plays and exports once opened
 * again. */
#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdlib.h>
#include <sndfile.h>
#include <string.h>

#include "audio/audio-file.h"
#include "audio/narration.h"
#include "media/subtitles.h"
#include "ui/application.h"
#include "ui/narration-panel.h"
#include "ui/window-private.h"
#include "ui-test-util.h"

#define SPOKEN "a red apple on a wooden table"
/* Long enough for several subtitle lines. */
#define NARRATED "A red apple on a wooden table, in soft evening light. A blue house by the sea, under a quiet sky."

static AtApplication *app;
/* what the studio narrates with unless told otherwise */
static const AtNarrationOptions studio_voice = { "flite/slt", 0, -1 };

static gboolean
spoken (gpointer panel)
{
  return !at_narration_panel_is_speaking (panel);
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

/* at_narration_panel_export_async() to path, waited for; it must work. */
static void
export_and_wait (AtNarrationPanel *panel, const char *path, AtAudioEncoding encoding)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  GAsyncResult *result = NULL;
  g_autoptr (GError) error = NULL;
  at_narration_panel_export_async (panel, file, encoding, NULL, got_result, &result);
  g_assert_true (ui_test_wait_until (export_done, &result, 60));
  g_assert_true (at_narration_panel_export_finish (panel, result, &error));
  g_assert_no_error (error);
  g_object_unref (result);
}

static gboolean
player_ready (gpointer data)
{
  GtkMediaStream *player = at_narration_panel_get_player (data);
  return player != NULL && (gtk_media_stream_is_prepared (player) || gtk_media_stream_get_error (player) != NULL);
}

typedef struct {
  AtNarrationPanel *panel;
  gint64 until_us;
} PlayWait;

static gboolean
played_past (gpointer data)
{
  PlayWait *w = data;
  return gtk_media_stream_get_timestamp (at_narration_panel_get_player (w->panel)) >= w->until_us;
}

typedef struct {
  GtkMediaStream *player;
  gint64 us;
} SeekWait;

static gboolean
player_at (gpointer data)
{
  SeekWait *s = data;
  return llabs (gtk_media_stream_get_timestamp (s->player) - s->us) < 250000;
}

/* The player (GTK's GStreamer media backend) plays the narration, and the
 * subtitle line follows the time it reports. */
static void
check_playback (AtNarrationPanel *panel, GPtrArray *subtitles)
{
  g_assert_true (ui_test_wait_until (player_ready, panel, 30));
  GtkMediaStream *player = at_narration_panel_get_player (panel);
  g_assert_no_error (gtk_media_stream_get_error (player));
  const AtCue *second = g_ptr_array_index (subtitles, 1);
  PlayWait w = { panel, second->start_ms * 1000 + 200000 };
  g_assert_true (at_narration_panel_toggle_playback (panel));
  g_assert_true (ui_test_wait_until (played_past, &w, 30));
  g_assert_true (gtk_media_stream_get_playing (player));
  gint64 ms = gtk_media_stream_get_timestamp (player) / 1000;
  const AtCue *now = NULL;
  for (guint i = 0; i < subtitles->len; i++)
    if (((AtCue *) subtitles->pdata[i])->start_ms <= ms)
      now = subtitles->pdata[i];
  g_assert_cmpstr (at_narration_panel_get_subtitle_text (panel), ==, now->text);
  g_assert_true (at_narration_panel_toggle_playback (panel));
  g_assert_false (gtk_media_stream_get_playing (player));
  g_assert_cmpint (at_waveform_get_position (at_narration_panel_get_waveform (panel)), ==,
                   gtk_media_stream_get_timestamp (player) / 1000);

  /* a click on the waveform: the last line at once, the player there soon */
  const AtCue *last = g_ptr_array_index (subtitles, subtitles->len - 1);
  gint64 target = (last->start_ms + last->end_ms) / 2;
  at_narration_panel_seek (panel, target);
  g_assert_cmpstr (at_narration_panel_get_subtitle_text (panel), ==, last->text);
  g_assert_cmpint (at_waveform_get_position (at_narration_panel_get_waveform (panel)), ==, target);
  SeekWait s = { player, target * 1000 };
  g_assert_true (ui_test_wait_until (player_at, &s, 10));
}

static void
test_narration (void)
{
  AtWindow *window = ui_test_open_window (app);
  AtNarrationPanel *panel = at_window_get_narration_panel (window);
  at_window_set_prompt (window, NARRATED);
  at_narration_panel_speak (panel);
  g_assert_true (at_narration_panel_is_speaking (panel));
  g_assert_true (ui_test_wait_until (spoken, panel, 60));
  const AtAudio *audio = at_narration_panel_get_narration (panel);
  g_assert_nonnull (audio);
  g_assert_cmpuint (at_waveform_get_n_samples (at_narration_panel_get_waveform (panel)), ==, audio->n);

  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) words = NULL;
  g_autoptr (AtAudio) expected = at_narrate (NARRATED, &studio_voice, &words, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (at_audio_get_duration (audio), at_audio_get_duration (expected), 0.05);
  g_autoptr (GPtrArray) lines = at_subtitles_group (words, AT_SUBTITLE_MAX_CHARS, AT_SUBTITLE_MAX_MS,
                                                    (gint64) (at_audio_get_duration (expected) * 1000.0));
  GPtrArray *subtitles = at_narration_panel_get_subtitles (panel);
  g_assert_nonnull (subtitles);
  g_assert_cmpuint (subtitles->len, ==, lines->len);
  const AtCue *first = g_ptr_array_index (subtitles, 0);
  g_assert_cmpstr (first->text, ==, ((AtCue *) g_ptr_array_index (lines, 0))->text);
  g_assert_cmpstr (at_narration_panel_get_subtitle_text (panel), ==, first->text);
  g_assert_cmpuint (subtitles->len, >=, 2);
  check_playback (panel, subtitles);
  /* as the preview plays, the line of the current time */
  const AtCue *last = g_ptr_array_index (subtitles, subtitles->len - 1);
  at_narration_panel_show_time (panel, (last->start_ms + last->end_ms) / 2);
  g_assert_cmpstr (at_narration_panel_get_subtitle_text (panel), ==, last->text);

  /* export: the audio and both subtitle files, loadable again */
  g_autofree char *dir = g_dir_make_tmp ("atelier-np-XXXXXX", NULL);
  g_autofree char *wav = g_build_filename (dir, "narration.wav", NULL);
  g_autofree char *srt = g_build_filename (dir, "narration.srt", NULL);
  g_autofree char *vtt = g_build_filename (dir, "narration.vtt", NULL);
  export_and_wait (panel, wav, AT_AUDIO_ENCODING_DEFAULT);
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
  return !at_narration_panel_is_exporting (panel);
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
  AtNarrationPanel *panel = at_window_get_narration_panel (window);
  at_window_set_prompt (window, SPOKEN);
  at_narration_panel_speak (panel);
  g_assert_true (ui_test_wait_until (spoken, panel, 60));
  const AtAudio *narration = at_narration_panel_get_narration (panel);
  g_assert_nonnull (narration);
  g_autofree char *dir = g_dir_make_tmp ("atelier-np-XXXXXX", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_build_filename (dir, cases[i].name, NULL);
      g_autoptr (GFile) file = g_file_new_for_path (path);
      at_narration_panel_export (panel, file, cases[i].asked);
      g_assert_true (at_narration_panel_is_exporting (panel));
      g_assert_true (ui_test_wait_until (export_over, panel, 60));
      const char *status = at_narration_panel_get_status (panel);
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
  at_narration_panel_export (panel, bare_file, AT_AUDIO_ENCODING_PCM_16);
  g_assert_true (ui_test_wait_until (export_over, panel, 60));
  g_test_message ("%s", at_narration_panel_get_status (panel));
  g_assert_true (g_str_has_prefix (at_narration_panel_get_status (panel), "Could not export the narration: "));
  g_assert_nonnull (strstr (at_narration_panel_get_status (panel), ".wav"));
  g_assert_cmpint (g_rmdir (dir), ==, 0);
  ui_test_close_window (window);
}

static AtVoiceSettings
settings_with_source (const char *source, const char *text)
{
  AtVoiceSettings v = { 0 };
  at_voice_settings_reset (&v);
  g_free (v.narration_source);
  v.narration_source = g_strdup (source);
  v.narration_text = g_strdup (text);
  return v;
}

/* Speak says the narration text, the prompt or the transcript as chosen:
 * each time the same sound as at_narrate() of that text. */
static void
test_sources (void)
{
  AtNarrationPanel *panel = g_object_ref_sink (AT_NARRATION_PANEL (at_narration_panel_new ()));
  g_autoptr (GtkTextBuffer) prompt = gtk_text_buffer_new (NULL);
  g_autoptr (GtkTextBuffer) transcript = gtk_text_buffer_new (NULL);
  at_narration_panel_set_prompt_buffer (panel, prompt);
  at_narration_panel_set_transcript_buffer (panel, transcript);
  gtk_text_buffer_set_text (prompt, "a blue house", -1);
  const struct { const char *source, *text, *expected; } cases[] = {
    { "text", "a green frog on a stone by the quiet pond in the evening", NULL },
    { "text", "", "a blue house" },
    { "prompt", "ignored words", "a blue house" },
    { "transcript", "ignored words", "the red apple on a wooden table" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto (AtVoiceSettings) v = settings_with_source (cases[i].source, cases[i].text);
      at_narration_panel_set_settings (panel, &v);
      gtk_text_buffer_set_text (transcript, i == 3 ? "the red apple on a wooden table" : "", -1);
      at_narration_panel_speak (panel);
      g_assert_true (ui_test_wait_until (spoken, panel, 60));
      const char *expected = cases[i].expected != NULL ? cases[i].expected : cases[i].text;
      g_autoptr (AtAudio) want = at_narrate (expected, &studio_voice, NULL, NULL, NULL);
      const AtAudio *got = at_narration_panel_get_narration (panel);
      g_assert_cmpfloat_with_epsilon (at_audio_get_duration (got), at_audio_get_duration (want), 0.02);
      g_auto (AtVoiceSettings) back = { 0 };
      at_narration_panel_get_settings (panel, &back);
      g_assert_cmpstr (back.narration_source, ==, cases[i].source);
    }
  /* nothing to say: a reason, not a narration */
  g_auto (AtVoiceSettings) v = settings_with_source ("transcript", NULL);
  at_narration_panel_set_settings (panel, &v);
  gtk_text_buffer_set_text (transcript, "", -1);
  at_narration_panel_speak (panel);
  g_assert_false (at_narration_panel_is_speaking (panel));
  g_assert_nonnull (strstr (at_narration_panel_get_status (panel), "no transcript"));
  g_object_unref (panel);
}

/* --- kept in the project ---------------------------------------------------- */

static gboolean
button_labelled (GtkWidget *widget, gconstpointer label)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

static gboolean
export_enabled (AtNarrationPanel *panel)
{
  GtkWidget *button = ui_test_find_widget (GTK_WIDGET (panel), button_labelled, "Export…");
  g_assert_nonnull (button);
  return gtk_widget_get_sensitive (button);
}

/* Bug: the narration was not saved in the project, so after reopening,
 * Export… stayed disabled until Speak was pressed again. */
static void
test_saved_with_project (void)
{
  AtWindow *window = ui_test_open_window (app);
  AtNarrationPanel *panel = at_window_get_narration_panel (window);
  at_window_set_prompt (window, NARRATED);
  g_autoptr (GFile) file = ui_test_temp_file ("narrated.atelier");
  g_autoptr (GError) error = NULL;
  g_assert_true (ui_test_save (window, file, &error));
  g_assert_false (at_window_get_dirty (window));
  g_assert_false (export_enabled (panel));

  /* a new narration is a change the file lacks */
  at_narration_panel_speak (panel);
  g_assert_true (ui_test_wait_until (spoken, panel, 60));
  const AtAudio *said = at_narration_panel_get_narration (panel);
  GPtrArray *lines = at_narration_panel_get_subtitles (panel);
  g_assert_nonnull (said);
  g_assert_true (export_enabled (panel));
  g_assert_true (at_window_get_dirty (window));
  g_assert_true (ui_test_save (window, file, &error));
  g_assert_no_error (error);

  AtWindow *reopened = ui_test_open_window (app);
  g_assert_true (ui_test_open (reopened, file, &error));
  g_assert_no_error (error);
  AtNarrationPanel *again = at_window_get_narration_panel (reopened);
  g_assert_true (export_enabled (again));
  g_assert_false (at_window_get_dirty (reopened));
  const AtAudio *back = at_narration_panel_get_narration (again);
  g_assert_nonnull (back);
  g_assert_cmpint (back->rate, ==, said->rate);
  g_assert_cmpuint (back->n, ==, said->n);
  /* the speech synthesisers make 16-bit samples: kept as they were, up to
   * the nearest 16-bit level */
  for (gsize i = 0; i < said->n; i++)
    g_assert_cmpfloat (fabsf (back->samples[i] - said->samples[i]), <=, 0.5f / 32767 + 1e-6f);
  GPtrArray *back_lines = at_narration_panel_get_subtitles (again);
  g_assert_cmpuint (back_lines->len, ==, lines->len);
  for (guint i = 0; i < lines->len; i++)
    {
      const AtCue *x = g_ptr_array_index (lines, i), *y = g_ptr_array_index (back_lines, i);
      g_assert_cmpint (x->start_ms, ==, y->start_ms);
      g_assert_cmpint (x->end_ms, ==, y->end_ms);
      g_assert_cmpstr (x->text, ==, y->text);
    }
  g_assert_cmpstr (at_narration_panel_get_subtitle_text (again), ==, ((AtCue *) g_ptr_array_index (lines, 0))->text);
  g_assert_true (ui_test_wait_until (player_ready, again, 30));
  g_assert_no_error (gtk_media_stream_get_error (at_narration_panel_get_player (again)));

  /* and it exports without Speak: the WAV holds the samples spoken */
  g_autofree char *dir = g_dir_make_tmp ("atelier-np-XXXXXX", NULL);
  g_autofree char *wav = g_build_filename (dir, "kept.wav", NULL);
  export_and_wait (again, wav, AT_AUDIO_ENCODING_PCM_16);
  g_autoptr (AtAudio) exported = at_audio_load (wav, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (exported->n, ==, said->n);
  for (gsize i = 0; i < said->n; i++)
    g_assert_cmpfloat (fabsf (exported->samples[i] - said->samples[i]), <=, 1.0f / 32767 + 1e-6f);
  const char *exts[] = { "kept.wav", "kept.srt", "kept.vtt" };
  for (guint i = 0; i < G_N_ELEMENTS (exts); i++)
    {
      g_autofree char *path = g_build_filename (dir, exts[i], NULL);
      g_assert_cmpint (g_unlink (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);

  /* a new project has no narration */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (reopened), "win.new", NULL));
  g_assert_null (at_narration_panel_get_narration (again));
  g_assert_false (export_enabled (again));

  ui_test_close_window (reopened);
  ui_test_close_window (window);
  ui_test_remove_temp (file);
}

int
main (int argc, char **argv)
{
  ui_test_init (&argc, &argv);
  app = ui_test_application_new ();
  g_test_add_func ("/ui/narration-panel/narration", test_narration);
  g_test_add_func ("/ui/narration-panel/export-encodings", test_export_encodings);
  g_test_add_func ("/ui/narration-panel/sources", test_sources);
  g_test_add_func ("/ui/narration-panel/saved-with-project", test_saved_with_project);
  int status = g_test_run ();
  return ui_test_application_finish (app, status);
}
