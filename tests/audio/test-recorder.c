/* test-recorder.c — recording through GStreamer, and live captions.
 *
 * No microphone is needed: the recorder's source is replaced by
 * "filesrc location=X ! decodebin" over a WAV made here with espeak-ng
 * (a noise floor, "a red apple on a wooden table", noise, at 22050 Hz so the pipeline resamples)
 * or by audiotestsrc (an endless sine). Checked: the recorded samples match
 * the file's (resampled by libsamplerate: duration within 1%, correlation
 * above 0.95 at the best lag) and the "samples" signal delivered every one
 * of them; the level is -100 dBFS in the silence and loud in the speech, and
 * a 0.8 sine reads its textbook RMS and peak; the maximum length stops a
 * recording with that reason and exactly that many samples; a user stop
 * reports itself before at_recorder_stop() returns and a new recording can
 * follow; broken sources (an unknown element, a missing file, a file that
 * is not audio, the default microphone on a machine without one) give
 * AT_RECORDER_ERRORs that say what is wrong.
 *
 * Live captions: a transcriber's stream fed in 0.1 s pieces and
 * AtLiveCaptions fed by the recorder both show partial hypotheses before
 * the end (the recorder's file has a 5 s tail, so that a recogniser slow to
 * load on a busy machine still catches up while it records), and the final
 * words hold "red" and "apple", with the default prompt language model (as
 * the studio captions) and with a vocabulary (as tests/voice/test-transcribe.c
 * does for espeak-ng speech). Freeing live captions early cancels them and
 * gives their transcriber back; a missing model is the end's error.
 */
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "test-util.h"
#include "audio/narration.h"
#include "audio/recorder.h"
#include "audio/live-captions.h"

static char *speech_wav;           /* noise floor, speech, noise floor at 22050 Hz */
/* The same with a long tail, so that live captions loading their
 * recogniser on a busy machine still catch up before the recording ends. */
static char *long_speech_wav;

static const char *vocabulary[] = {
  "a an on the by near under with and of in",
  "red apple blue house green tree small boat sea wooden table black cat white dog",
  NULL,
};

/* Longer than "red apple" alone, whose first word pocketsphinx mishears as
 * "and" with some noise floors: the sentence gives it context. */
#define SPOKEN "a red apple on a wooden table"
#define SILENCE_S 0.6
/* uniform noise of this amplitude: -65 dBFS RMS */
#define NOISE_FLOOR 0.001f

/* Writes SILENCE_S of quiet, the speech, and tail_s of quiet. The quiet is
 * a microphone's noise floor rather than digital silence: pocketsphinx's
 * cepstral mean estimate starts badly on exact zeros and then mishears the
 * first word. */
static char *
make_speech_wav (const char *name, double tail_s)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AtAudio) speech = at_narrate (SPOKEN, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  gsize lead = (gsize) (SILENCE_S * speech->rate), tail = (gsize) (tail_s * speech->rate);
  g_autoptr (AtAudio) padded = at_audio_new (lead + speech->n + tail, speech->rate);
  memcpy (padded->samples + lead, speech->samples, speech->n * sizeof (float));
  g_autoptr (GRand) rand = g_rand_new_with_seed (7);
  for (gsize i = 0; i < padded->n; i++)
    padded->samples[i] += NOISE_FLOOR * (float) g_rand_double_range (rand, -1, 1);
  char *path = test_tmp_path (name);
  g_assert_true (at_audio_save (padded, path, &error));
  g_assert_no_error (error);
  return path;
}

static char *
file_source (const char *path)
{
  return g_strdup_printf ("filesrc location=\"%s\" ! decodebin", path);
}

/* What a recording delivered, signal by signal. */
typedef struct {
  GArray *samples;      /* float, from "samples" */
  GArray *rms_db;       /* double per "level" */
  GArray *peak_db;
  GArray *level_at_s;   /* seconds recorded when each level came */
  gboolean stopped;
  AtRecorderStopReason reason;
  GError *error;
  AtLiveCaptions *captions;   /* fed when set */
  guint partials_before_stop;
  guint partials;
  char *last_partial;
  AtRecorder *recorder;
} Capture;

static void
capture_init (Capture *c, AtRecorder *recorder)
{
  memset (c, 0, sizeof *c);
  c->samples = g_array_new (FALSE, FALSE, sizeof (float));
  c->rms_db = g_array_new (FALSE, FALSE, sizeof (double));
  c->peak_db = g_array_new (FALSE, FALSE, sizeof (double));
  c->level_at_s = g_array_new (FALSE, FALSE, sizeof (double));
  c->recorder = recorder;
}

static void
capture_clear (Capture *c)
{
  g_array_unref (c->samples);
  g_array_unref (c->rms_db);
  g_array_unref (c->peak_db);
  g_array_unref (c->level_at_s);
  g_clear_error (&c->error);
  g_clear_pointer (&c->captions, at_live_captions_free);
  g_free (c->last_partial);
}

static void
on_level (AtRecorder *recorder, double rms_db, double peak_db, Capture *c)
{
  g_assert_false (c->stopped);
  g_assert_cmpfloat (rms_db, <=, peak_db + 1e-9);
  g_assert_cmpfloat (peak_db, <=, 0.5);   /* resampling may overshoot full scale a little */
  g_assert_cmpfloat (rms_db, >=, AT_RECORDER_LEVEL_FLOOR_DB);
  g_array_append_val (c->rms_db, rms_db);
  g_array_append_val (c->peak_db, peak_db);
  double at = at_recorder_get_seconds (recorder);
  g_array_append_val (c->level_at_s, at);
}

static void
on_samples (AtRecorder *recorder, const float *samples, guint n, Capture *c)
{
  g_assert_false (c->stopped);
  g_assert_cmpuint (n, >, 0);
  g_array_append_vals (c->samples, samples, n);
  if (c->captions != NULL)
    at_live_captions_feed (c->captions, samples, n);
}

static void
on_stopped (AtRecorder *recorder, AtRecorderStopReason reason, const GError *error, Capture *c)
{
  g_assert_false (c->stopped);
  g_assert_false (at_recorder_is_recording (recorder));
  c->stopped = TRUE;
  c->reason = reason;
  c->error = error != NULL ? g_error_copy (error) : NULL;
  c->partials_before_stop = c->partials;
}

static void
connect_capture (AtRecorder *recorder, Capture *c)
{
  g_signal_connect (recorder, "level", G_CALLBACK (on_level), c);
  g_signal_connect (recorder, "samples", G_CALLBACK (on_samples), c);
  g_signal_connect (recorder, "stopped", G_CALLBACK (on_stopped), c);
}

static gboolean
wake (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the main loop until *flag or timeout_s pass. */
static gboolean
wait_for (const gboolean *flag, double timeout_s)
{
  gint64 end = g_get_monotonic_time () + (gint64) (timeout_s * G_USEC_PER_SEC);
  guint tick = g_timeout_add (20, wake, NULL);
  while (!*flag && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  return *flag;
}

/* Starts recorder, whose signals c captures, and runs the main loop until
 * it stops by itself (within timeout_s), for reason and without an error. */
static void
record_until_stopped (AtRecorder *recorder, Capture *c, double timeout_s, AtRecorderStopReason reason)
{
  g_autoptr (GError) error = NULL;
  g_assert_true (at_recorder_start (recorder, &error));
  g_assert_no_error (error);
  g_assert_true (at_recorder_is_recording (recorder));
  g_assert_true (wait_for (&c->stopped, timeout_s));
  g_assert_no_error (c->error);
  g_assert_cmpint (c->reason, ==, reason);
}

static void
spin (double seconds)
{
  gboolean never = FALSE;
  wait_for (&never, seconds);
}

/* max over lags |l| <= max_lag of the normalised correlation of a and b. */
static double
best_correlation (const float *a, gsize na, const float *b, gsize nb, int max_lag, int *lag_out)
{
  double best = -1;
  for (int lag = -max_lag; lag <= max_lag; lag++)
    {
      double ab = 0, aa = 0, bb = 0;
      for (gsize i = 0; i < na; i++)
        {
          gssize j = (gssize) i + lag;
          if (j < 0 || (gsize) j >= nb)
            continue;
          ab += (double) a[i] * b[j];
          aa += (double) a[i] * a[i];
          bb += (double) b[j] * b[j];
        }
      double r = aa > 0 && bb > 0 ? ab / sqrt (aa * bb) : 0;
      if (r > best)
        {
          best = r;
          *lag_out = lag;
        }
    }
  return best;
}

static void
test_record_file (void)
{
  g_autofree char *source = file_source (speech_wav);
  g_autoptr (AtRecorder) recorder = at_recorder_new (source);
  g_assert_true (at_recorder_get_available (recorder));
  Capture c;
  capture_init (&c, recorder);
  connect_capture (recorder, &c);
  record_until_stopped (recorder, &c, 30, AT_RECORDER_STOPPED_END);

  g_autoptr (AtAudio) recorded = at_recorder_take_audio (recorder);
  g_assert_nonnull (recorded);
  g_assert_null (at_recorder_take_audio (recorder));
  g_assert_cmpint (recorded->rate, ==, AT_RECORDER_RATE);
  /* the signal delivered every sample, in order */
  g_assert_cmpuint (c.samples->len, ==, recorded->n);
  g_assert_cmpmem (c.samples->data, c.samples->len * sizeof (float), recorded->samples, recorded->n * sizeof (float));

  g_autoptr (GError) error = NULL;
  g_autoptr (AtAudio) want = at_audio_load (speech_wav, &error);
  g_assert_no_error (error);
  g_assert_true (at_audio_resample (want, AT_RECORDER_RATE, &error));
  double got_s = at_audio_get_duration (recorded), want_s = at_audio_get_duration (want);
  g_test_message ("recorded %.3f s of a %.3f s file", got_s, want_s);
  g_assert_cmpfloat (fabs (got_s - want_s), <=, 0.01 * want_s);
  int lag = 0;
  double r = best_correlation (recorded->samples, recorded->n, want->samples, want->n, 64, &lag);
  g_test_message ("correlation %.4f at a lag of %d samples", r, lag);
  g_assert_cmpfloat (r, >, 0.95);

  /* about 20 levels a second; silent at first, loud in the speech */
  g_assert_cmpuint (c.rms_db->len, >=, (guint) (got_s * 10));
  double quiet = AT_RECORDER_LEVEL_FLOOR_DB, loud = AT_RECORDER_LEVEL_FLOOR_DB;
  guint n_quiet = 0;
  for (guint i = 0; i < c.rms_db->len; i++)
    {
      double at = g_array_index (c.level_at_s, double, i);
      double rms = g_array_index (c.rms_db, double, i);
      /* a level covers the samples of the last 50 ms or so */
      if (at < SILENCE_S - 0.15)
        quiet = MAX (quiet, rms), n_quiet++;
      loud = MAX (loud, rms);
    }
  g_test_message ("levels: %u in the quiet, at most %.1f dBFS there; loudest %.1f dBFS", n_quiet,
                  n_quiet > 0 ? quiet : NAN, loud);
  g_assert_cmpuint (n_quiet, >, 0);
  g_assert_cmpfloat (quiet, <, -55);
  g_assert_cmpfloat (quiet, >, -75);
  g_assert_cmpfloat (loud, >, -30);
  capture_clear (&c);
}

static void
test_sine_level_and_max_length (void)
{
  g_autoptr (AtRecorder) recorder = at_recorder_new ("audiotestsrc wave=sine freq=440 volume=0.8");
  at_recorder_set_max_seconds (recorder, 0.5);
  g_assert_cmpfloat (at_recorder_get_max_seconds (recorder), ==, 0.5);
  Capture c;
  capture_init (&c, recorder);
  connect_capture (recorder, &c);
  record_until_stopped (recorder, &c, 20, AT_RECORDER_STOPPED_MAX_LENGTH);
  g_autoptr (AtAudio) recorded = at_recorder_take_audio (recorder);
  g_assert_nonnull (recorded);
  g_assert_cmpuint (recorded->n, ==, AT_RECORDER_RATE / 2);
  g_assert_cmpuint (c.samples->len, ==, recorded->n);
  /* a sine of amplitude 0.8: RMS 0.8/√2 = -4.9 dBFS, peak -1.9 dBFS */
  g_assert_cmpuint (c.rms_db->len, >, 0);
  for (guint i = 0; i < c.rms_db->len; i++)
    {
      g_assert_cmpfloat_with_epsilon (g_array_index (c.rms_db, double, i), 20 * log10 (0.8 / sqrt (2)), 0.5);
      g_assert_cmpfloat_with_epsilon (g_array_index (c.peak_db, double, i), 20 * log10 (0.8), 0.5);
    }
  capture_clear (&c);
}

static void
test_user_stop_and_again (void)
{
  g_autoptr (AtRecorder) recorder = at_recorder_new ("audiotestsrc");
  for (int round = 0; round < 2; round++)
    {
      Capture c;
      capture_init (&c, recorder);
      connect_capture (recorder, &c);
      g_autoptr (GError) error = NULL;
      g_assert_true (at_recorder_start (recorder, &error));
      g_assert_no_error (error);
      /* one recording at a time */
      g_assert_false (at_recorder_start (recorder, &error));
      g_assert_error (error, AT_RECORDER_ERROR, AT_RECORDER_ERROR_BUSY);
      spin (0.4);
      g_assert_false (c.stopped);
      g_assert_cmpfloat (at_recorder_get_seconds (recorder), >, 0.1);
      at_recorder_stop (recorder);
      g_assert_true (c.stopped);
      g_assert_cmpint (c.reason, ==, AT_RECORDER_STOPPED_USER);
      g_assert_no_error (c.error);
      at_recorder_stop (recorder);   /* a second stop does nothing */
      g_autoptr (AtAudio) recorded = at_recorder_take_audio (recorder);
      g_assert_nonnull (recorded);
      g_assert_cmpuint (c.samples->len, ==, recorded->n);
      g_assert_cmpfloat (at_audio_get_duration (recorded), >, 0.1);
      g_signal_handlers_disconnect_by_data (recorder, &c);
      capture_clear (&c);
    }
}

/* recorder must refuse to start with code, in a message that says part,
 * and not be left recording. */
static void
assert_start_fails (AtRecorder *recorder, int code, const char *part)
{
  g_autoptr (GError) error = NULL;
  g_assert_false (at_recorder_start (recorder, &error));
  g_assert_error (error, AT_RECORDER_ERROR, code);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, part));
  g_assert_false (at_recorder_is_recording (recorder));
}

static void
test_broken_sources (void)
{
  /* an element GStreamer does not have */
  g_autoptr (AtRecorder) unknown = at_recorder_new ("nosuchaudiosrc");
  assert_start_fails (unknown, AT_RECORDER_ERROR_SOURCE, "nosuchaudiosrc");

  /* a file that is not there fails to start */
  g_autofree char *missing_path = test_tmp_path ("missing.wav");
  g_autofree char *missing_source = file_source (missing_path);
  g_autoptr (AtRecorder) missing = at_recorder_new (missing_source);
  assert_start_fails (missing, AT_RECORDER_ERROR_START, "missing.wav");

  /* a file that is not audio fails once decoding begins */
  g_autofree char *text_path = test_tmp_path ("notes.wav");
  g_assert_true (g_file_set_contents (text_path, "not a sound at all, only words\n", -1, NULL));
  g_autofree char *text_source = file_source (text_path);
  g_autoptr (AtRecorder) text = at_recorder_new (text_source);
  Capture c;
  capture_init (&c, text);
  connect_capture (text, &c);
  g_autoptr (GError) error = NULL;
  if (at_recorder_start (text, &error))
    {
      g_assert_true (wait_for (&c.stopped, 20));
      g_assert_cmpint (c.reason, ==, AT_RECORDER_STOPPED_ERROR);
      g_assert_error (c.error, AT_RECORDER_ERROR, AT_RECORDER_ERROR_FAILED);
      g_test_message ("%s", c.error->message);
    }
  else
    g_assert_error (error, AT_RECORDER_ERROR, AT_RECORDER_ERROR_START);
  g_assert_null (at_recorder_take_audio (text));
  capture_clear (&c);
}

static void
set_true (gboolean *flag)
{
  *flag = TRUE;
}

static void
test_input_device (void)
{
  /* whatever this machine has: the answer must agree with a recorder's */
  gboolean present = at_recorder_has_input_device ();
  g_test_message ("audio input device present: %s", present ? "yes" : "no");
  g_autoptr (AtRecorder) recorder = at_recorder_new (NULL);
  g_assert_cmpstr (at_recorder_get_source (recorder), ==, "autoaudiosrc");
  /* the recorder probes on a worker; its answer comes to the main loop */
  gboolean available = FALSE;
  g_signal_connect_swapped (recorder, "notify::available", G_CALLBACK (set_true), &available);
  if (present)
    g_assert_true (wait_for (&available, 20));
  else
    spin (1.0);
  g_assert_cmpint (at_recorder_get_available (recorder), ==, present);
  if (present)
    return;
  /* autoaudiosrc would record silence from nowhere: that is an error */
  assert_start_fails (recorder, AT_RECORDER_ERROR_START, "No microphone");
}

static gboolean
has_word (const char *text, const char *word)
{
  g_auto (GStrv) words = g_strsplit (text, " ", -1);
  return g_strv_contains ((const char * const *) words, word);
}

/* A stream of a transcriber made with options, fed 0.1 s at a time. */
static void
stream_key_words (const AtTranscribeOptions *o)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AtAudio) audio = at_audio_load (speech_wav, &error);
  g_assert_no_error (error);
  g_assert_true (at_audio_resample (audio, AT_TRANSCRIBE_RATE, &error));
  g_autoptr (AtTranscriber) transcriber = at_transcriber_new (o, &error);
  g_assert_no_error (error);
  g_autoptr (AtTranscribeStream) stream = at_transcriber_stream_begin (transcriber, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (at_transcribe_stream_get_hypothesis (stream), ==, "");
  guint changes = 0;
  g_autofree char *last = g_strdup ("");
  const gsize piece = AT_TRANSCRIBE_RATE / 10;
  for (gsize off = 0; off < audio->n; off += piece)
    {
      g_assert_true (at_transcribe_stream_feed (stream, audio->samples + off, MIN (piece, audio->n - off), &error));
      g_assert_no_error (error);
      const char *hyp = at_transcribe_stream_get_hypothesis (stream);
      if (g_strcmp0 (hyp, last) != 0)
        {
          g_test_message ("%.1f s: “%s”", at_transcribe_stream_get_seconds (stream), hyp);
          changes++;
          g_free (last);
          last = g_strdup (hyp);
        }
    }
  g_assert_cmpfloat_with_epsilon (at_transcribe_stream_get_seconds (stream), at_audio_get_duration (audio), 1e-3);
  g_assert_cmpuint (changes, >, 0);
  g_autoptr (AtTranscript) final = at_transcribe_stream_end (stream, &error);
  g_assert_no_error (error);
  g_test_message ("%s model, final: “%s”", at_transcriber_get_language_model_name (transcriber), final->text);
  g_assert_true (has_word (final->text, "red"));
  g_assert_true (has_word (final->text, "apple"));
  /* an ended stream takes no more */
  g_assert_false (at_transcribe_stream_feed (stream, audio->samples, 10, &error));
  g_assert_error (error, AT_TRANSCRIBE_ERROR, AT_TRANSCRIBE_ERROR_FAILED);
}

static void
test_stream_key_words (void)
{
  AtTranscribeOptions o = { NULL, vocabulary };
  stream_key_words (&o);
}

static void
test_stream_key_words_prompt (void)
{
  stream_key_words (NULL);
}

static void
on_partial (const char *hypothesis, double seconds_done, gpointer user_data)
{
  Capture *c = user_data;
  g_test_message ("caption at %.2f s: “%s”", seconds_done, hypothesis);
  c->partials++;
  g_free (c->last_partial);
  c->last_partial = g_strdup (hypothesis);
}

typedef struct {
  char *text;
  GError *error;
  gboolean done;
} Final;

static void
captions_ended (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Final *f = user_data;
  f->text = at_live_captions_end_finish (result, &f->error);
  f->done = TRUE;
}

/* Captions of a recording, made with options as the studio makes them. */
static void
live_captions (const AtTranscribeOptions *o)
{
  g_autofree char *source = file_source (long_speech_wav);
  g_autoptr (AtRecorder) recorder = at_recorder_new (source);
  Capture c;
  capture_init (&c, recorder);
  connect_capture (recorder, &c);
  c.captions = at_live_captions_new (o, on_partial, &c);
  record_until_stopped (recorder, &c, 30, AT_RECORDER_STOPPED_END);
  Final f = { 0 };
  at_live_captions_end_async (c.captions, captions_ended, &f);
  g_assert_true (wait_for (&f.done, 60));
  g_assert_no_error (f.error);
  g_test_message ("%u captions while recording, %u in all; final “%s”", c.partials_before_stop, c.partials, f.text);
  /* captions came while recording, not only at the end */
  g_assert_cmpuint (c.partials_before_stop, >, 0);
  g_assert_true (has_word (f.text, "red"));
  g_assert_true (has_word (f.text, "apple"));
  g_free (f.text);
  capture_clear (&c);
}

static void
test_live_captions (void)
{
  AtTranscribeOptions o = { NULL, vocabulary };
  live_captions (&o);
}

/* The studio's captions: the default, the prompt language model. */
static void
test_live_captions_prompt (void)
{
  live_captions (NULL);
}

static void
test_live_captions_freed_early (void)
{
  Capture c;
  capture_init (&c, NULL);
  AtTranscribeOptions o = { NULL, vocabulary };
  g_autoptr (GError) error = NULL;
  g_autoptr (AtTranscriber) transcriber = at_transcriber_new (&o, &error);
  g_assert_no_error (error);
  AtLiveCaptions *captions = at_live_captions_new_for (transcriber, on_partial, &c);
  g_autoptr (AtAudio) audio = at_audio_load (speech_wav, NULL);
  g_assert_nonnull (audio);
  at_live_captions_feed (captions, audio->samples, audio->n);
  Final f = { 0 };
  at_live_captions_end_async (captions, captions_ended, &f);
  at_live_captions_free (captions);
  /* the end still answers, cancelled; no caption arrives after the free */
  g_assert_true (wait_for (&f.done, 30));
  g_assert_error (f.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&f.error);
  spin (0.3);
  g_assert_cmpuint (c.partials, ==, 0);
  capture_clear (&c);
  /* and the transcriber is free again */
  g_autoptr (AtTranscript) t = at_transcriber_run (transcriber, audio, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (has_word (t->text, "apple"));
}

static void
test_live_captions_missing_model (void)
{
  g_autofree char *empty = test_tmp_path ("no-model");
  g_assert_cmpint (g_mkdir_with_parents (empty, 0700), ==, 0);
  AtTranscribeOptions o = { empty, NULL };
  Capture c;
  capture_init (&c, NULL);
  AtLiveCaptions *captions = at_live_captions_new (&o, on_partial, &c);
  float quiet[1600] = { 0 };
  at_live_captions_feed (captions, quiet, G_N_ELEMENTS (quiet));
  Final f = { 0 };
  at_live_captions_end_async (captions, captions_ended, &f);
  g_assert_true (wait_for (&f.done, 30));
  g_assert_null (f.text);
  g_assert_error (f.error, AT_TRANSCRIBE_ERROR, AT_TRANSCRIBE_ERROR_MODEL);
  g_assert_nonnull (strstr (f.error->message, "pocketsphinx-en-us"));
  g_clear_error (&f.error);
  at_live_captions_free (captions);
  capture_clear (&c);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  speech_wav = make_speech_wav ("speech.wav", SILENCE_S);
  long_speech_wav = make_speech_wav ("long-speech.wav", 5.0);

  g_test_add_func ("/recorder/file", test_record_file);
  g_test_add_func ("/recorder/sine-level-max-length", test_sine_level_and_max_length);
  g_test_add_func ("/recorder/user-stop", test_user_stop_and_again);
  g_test_add_func ("/recorder/broken-sources", test_broken_sources);
  g_test_add_func ("/recorder/input-device", test_input_device);
  g_test_add_func ("/transcribe-stream/key-words", test_stream_key_words);
  g_test_add_func ("/transcribe-stream/key-words-prompt", test_stream_key_words_prompt);
  g_test_add_func ("/recorder/live-captions", test_live_captions);
  g_test_add_func ("/recorder/live-captions-prompt", test_live_captions_prompt);
  g_test_add_func ("/recorder/live-captions-freed-early", test_live_captions_freed_early);
  g_test_add_func ("/recorder/live-captions-missing-model", test_live_captions_missing_model);
  int status = g_test_run ();

  g_free (speech_wav);
  g_free (long_speech_wav);
  return status;
}
