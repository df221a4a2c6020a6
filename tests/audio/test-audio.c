/* test-audio.c — the audio front end: reading, resampling and writing voice
 * files, and the log-mel features of the model's audio encoder.
 *
 * Files: speech is made in the test by espeak-ng (22050 Hz WAV), then
 * written by at_audio_save() (and by libsndfile directly for stereo) as
 * FLAC, OGG/Vorbis, AIFF, 16/24-bit and float WAV at 16, 22.05, 44.1 and
 * 48 kHz, and read back. Corrupt, truncated, empty and over-long files must
 * fail with an AT_AUDIO_ERROR, and a failed save must leave the file it
 * would have replaced untouched.
 *
 * Log-mel, against three references:
 *  - FFTW in double (fftw_plan_dft_r2c_1d), on the golden waveform, noise,
 *    short, empty, over-long, near-floor and spoken clips: max abs error
 *    <= 2e-6 per feature, normalised squared error <= 1e-12 (features are
 *    O(1); measured 1.2e-7, the final rounding to float).
 *  - tests/data/mel_golden.safetensors, written by tools/golden/export_mel.py
 *    with tools/train/model.py's mel_filterbank and log_mel (PyTorch,
 *    float32 rfft): max abs error <= 2e-4, normalised squared error <= 1e-10
 *    (measured 7.1e-5 and 4.8e-12). The 7.1e-5 is PyTorch's own float32
 *    error: the same log_mel run in float64 differs from its float32 result
 *    by exactly that, in a band just above log_floor, where a spectrum
 *    accurate to ~1e-7 of the frame's energy is least accurate relatively.
 *  - tests/data/model_golden.safetensors (tools/train/export_golden.py):
 *    model.mel() with the shipped fp16 audio.mel_fb, same limits (measured
 *    1.2e-6).
 * The filterbank must equal model.py's (golden "fb") to 1e-6 (measured: bit
 * for bit) and the shipped audio.mel_fb (fp16) to 1e-3 (measured 2.4e-4),
 * and the shipped model config must hold the golden file's mel parameters.
 */
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sndfile.h>

#include "fftw-ref.h"
#include "test-util.h"
#include "audio/audio-file.h"
#include "audio/mel.h"
#include "model/config.h"
#include "model/safetensors.h"

#define FFTW_MAX_ABS 2e-6
#define FFTW_MAX_NSE 1e-12
#define GOLDEN_MAX_ABS 2e-4
#define GOLDEN_MAX_NSE 1e-10

static const char SPOKEN[] = "a red apple on a wooden table";

static AtAudio *speech;           /* espeak-ng's output, as loaded */
static AtMelConfig mel_config;    /* from the golden file's metadata */

static void
write_bytes (const char *path, const void *data, gsize n)
{
  g_autoptr (GError) error = NULL;
  g_file_set_contents (path, data, n, &error);
  g_assert_no_error (error);
}

static double
rms (const float *x, gsize n)
{
  double s = 0;
  for (gsize i = 0; i < n; i++)
    s += (double) x[i] * x[i];
  return n > 0 ? sqrt (s / n) : 0;
}

/* Signal-to-noise ratio of got against want in dB over [from, to). */
static double
snr_db (const float *got, const float *want, gsize from, gsize to)
{
  double s = 0, e = 0;
  for (gsize i = from; i < to; i++)
    {
      s += (double) want[i] * want[i];
      e += ((double) got[i] - want[i]) * ((double) got[i] - want[i]);
    }
  return 10 * log10 (s / MAX (e, 1e-30));
}

static double
max_abs_diff (const float *a, const float *b, gsize n)
{
  double worst = 0;
  for (gsize i = 0; i < n; i++)
    worst = MAX (worst, fabs ((double) a[i] - b[i]));
  return worst;
}

static AtAudio *
load_ok (const char *path)
{
  g_autoptr (GError) error = NULL;
  AtAudio *audio = at_audio_load (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (audio);
  return audio;
}

static void
save_ok (const AtAudio *audio, const char *path, AtAudioEncoding encoding)
{
  g_autoptr (GError) error = NULL;
  g_assert_true (at_audio_save_full (audio, path, encoding, &error));
  g_assert_no_error (error);
}

/* Asserts loading path fails with code and a message containing part. */
static void
assert_load_fails (const char *path, int code, const char *part)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AtAudio) audio = at_audio_load (path, &error);
  g_assert_null (audio);
  g_assert_error (error, AT_AUDIO_ERROR, code);
  g_test_message ("%s -> %s", path, error->message);
  if (part != NULL && strstr (error->message, part) == NULL)
    g_error ("message “%s” lacks “%s”", error->message, part);
}

/* Only the names the test itself made may be left in tmp_dir: a save that
 * leaves its temporary file behind fails here. */
static void
assert_no_temporaries (void)
{
  g_autoptr (GDir) dir = g_dir_open (test_tmp_dir (), 0, NULL);
  const char *name;
  while ((name = g_dir_read_name (dir)) != NULL)
    if (name[0] == '.')
      g_error ("temporary file %s left behind", name);
}

/* ------------------------------------------------------------ files */

static void
test_speech (void)
{
  g_assert_cmpint (speech->rate, ==, 22050);
  double dur = at_audio_get_duration (speech);
  g_test_message ("espeak-ng: %" G_GSIZE_FORMAT " samples, %.2f s, rms %.3f", speech->n, dur,
                  rms (speech->samples, speech->n));
  g_assert_cmpfloat (dur, >, 1.0);
  g_assert_cmpfloat (dur, <, 5.0);
  g_assert_cmpfloat (rms (speech->samples, speech->n), >, 0.01);
}

typedef struct {
  const char *name;
  int rate;
  AtAudioEncoding encoding;
  double min_snr_db;     /* against the source resampled to rate; 16-bit
                          * quantisation of speech at rms 0.1 allows ~80 dB */
} FormatCase;

static void
test_formats (void)
{
  static const FormatCase cases[] = {
    { "s16.wav", 22050, AT_AUDIO_ENCODING_DEFAULT, 70 },
    { "s24.wav", 48000, AT_AUDIO_ENCODING_PCM_24, 110 },
    { "f32.wav", 44100, AT_AUDIO_ENCODING_FLOAT, 300 },
    { "s16.flac", 16000, AT_AUDIO_ENCODING_DEFAULT, 70 },
    { "s24.flac", 44100, AT_AUDIO_ENCODING_PCM_24, 110 },
    { "vorbis.ogg", 48000, AT_AUDIO_ENCODING_DEFAULT, 10 },
    { "vorbis.oga", 22050, AT_AUDIO_ENCODING_DEFAULT, 10 },
    { "s16.aiff", 16000, AT_AUDIO_ENCODING_DEFAULT, 70 },
  };
  for (gsize c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      const FormatCase *fc = &cases[c];
      g_autoptr (GError) error = NULL;
      g_autoptr (AtAudio) src = at_audio_new_from (speech->samples, speech->n, speech->rate);
      g_assert_true (at_audio_resample (src, fc->rate, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (src->n, ==, (gsize) llround ((double) speech->n * fc->rate / speech->rate));

      g_autofree char *path = test_tmp_path (fc->name);
      save_ok (src, path, fc->encoding);
      g_autoptr (AtAudio) back = load_ok (path);
      g_assert_cmpint (back->rate, ==, fc->rate);
      g_assert_cmpuint (back->n, ==, src->n);
      double snr = snr_db (back->samples, src->samples, 0, src->n);
      g_test_message ("%s at %d Hz: SNR %.1f dB", fc->name, fc->rate, snr);
      g_assert_cmpfloat (snr, >=, fc->min_snr_db);
    }
  assert_no_temporaries ();
}

/* Writes interleaved frames with libsndfile directly (at_audio_save only
 * writes mono). */
static void
write_multichannel (const char *path, int format, int rate, int channels, const float *frames,
                    gsize n_frames)
{
  SF_INFO info = { .samplerate = rate, .channels = channels, .format = format };
  SNDFILE *sf = sf_open (path, SFM_WRITE, &info);
  if (sf == NULL)
    g_error ("sf_open %s: %s", path, sf_strerror (NULL));
  g_assert_cmpint (sf_writef_float (sf, frames, n_frames), ==, (sf_count_t) n_frames);
  g_assert_cmpint (sf_close (sf), ==, 0);
}

/* Stereo and 3-channel files mix down to the mean of their channels. */
static void
test_multichannel (void)
{
  static const struct {
    const char *name;
    int format, rate, channels;
  } cases[] = {
    { "stereo.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, 44100, 2 },
    { "stereo.flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_24, 48000, 2 },
    { "three.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, 22050, 3 },
  };
  for (gsize c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (AtAudio) src = at_audio_new_from (speech->samples, speech->n, speech->rate);
      g_assert_true (at_audio_resample (src, cases[c].rate, &error));
      int ch = cases[c].channels;
      g_autofree float *frames = g_new (float, src->n * ch);
      g_autofree float *want = g_new (float, src->n);
      for (gsize i = 0; i < src->n; i++)
        {
          double sum = 0;
          for (int k = 0; k < ch; k++)
            {
              /* channel k: the speech scaled by 1, 0.5, -0.25 */
              float v = src->samples[i] * (k == 0 ? 1.0f : k == 1 ? 0.5f : -0.25f);
              frames[i * ch + k] = v;
              sum += v;
            }
          want[i] = sum / ch;
        }
      g_autofree char *path = test_tmp_path (cases[c].name);
      write_multichannel (path, cases[c].format, cases[c].rate, ch, frames, src->n);
      g_autoptr (AtAudio) back = load_ok (path);
      g_assert_cmpint (back->rate, ==, cases[c].rate);
      g_assert_cmpuint (back->n, ==, src->n);
      double snr = snr_db (back->samples, want, 0, src->n);
      g_test_message ("%s: %d channels at %d Hz, mono SNR %.1f dB", cases[c].name, ch,
                      cases[c].rate, snr);
      g_assert_cmpfloat (snr, >=, 100);
    }
}

/* Exact round trips where the encoding allows, clipping where it must. */
static void
test_round_trip (void)
{
  gsize n = 4000;
  g_autofree float *x = test_random (n, 7, -1.2f, 1.2f);   /* some beyond full scale */
  x[0] = 1.0f;
  x[1] = -1.0f;
  x[2] = NAN;       /* written as silence */
  g_autoptr (AtAudio) a = at_audio_new_from (x, n, 16000);

  g_autofree char *fpath = test_tmp_path ("exact.wav");
  save_ok (a, fpath, AT_AUDIO_ENCODING_FLOAT);
  g_autoptr (AtAudio) f = load_ok (fpath);
  g_assert_cmpuint (f->n, ==, n);
  g_assert_cmpfloat (f->samples[2], ==, 0.0f);
  f->samples[2] = x[2] = 0.0f;
  g_assert_cmpmem (f->samples, n * sizeof (float), x, n * sizeof (float));

  /* Integers: rounded to the nearest step of the clipped input (full scale
   * +1 becomes the largest code, 1 - 2^-(bits-1)); FLAC holds the same
   * integers as WAV and AIFF, so all read back identically. */
  g_autofree float *clip16 = g_new (float, n);
  g_autofree float *clip24 = g_new (float, n);
  for (gsize i = 0; i < n; i++)
    {
      clip16[i] = CLAMP (x[i], -1.0f, 32767.0f / 32768);
      clip24[i] = CLAMP (x[i], -1.0f, 8388607.0f / 8388608);
    }
  static const char *const names16[] = { "rt16.wav", "rt16.flac", "rt16.aiff" };
  g_autoptr (AtAudio) first = NULL;
  for (gsize i = 0; i < G_N_ELEMENTS (names16); i++)
    {
      g_autofree char *path = test_tmp_path (names16[i]);
      save_ok (a, path, AT_AUDIO_ENCODING_PCM_16);
      g_autoptr (AtAudio) back = load_ok (path);
      g_assert_cmpuint (back->n, ==, n);
      g_assert_cmpfloat (max_abs_diff (back->samples, clip16, n), <=, 0.5 / 32768);
      if (first == NULL)
        first = g_steal_pointer (&back);
      else
        g_assert_cmpmem (back->samples, n * sizeof (float), first->samples, n * sizeof (float));
    }
  static const char *const names24[] = { "rt24.wav", "rt24.flac" };
  for (gsize i = 0; i < G_N_ELEMENTS (names24); i++)
    {
      g_autofree char *path = test_tmp_path (names24[i]);
      save_ok (a, path, AT_AUDIO_ENCODING_PCM_24);
      g_autoptr (AtAudio) back = load_ok (path);
      g_assert_cmpfloat (max_abs_diff (back->samples, clip24, n), <=, 0.5 / 8388608);
    }

  /* The espeak-ng file itself survives a 16-bit re-save bit for bit. */
  g_autofree char *spath = test_tmp_path ("speech-again.wav");
  save_ok (speech, spath, AT_AUDIO_ENCODING_DEFAULT);
  g_autoptr (AtAudio) s = load_ok (spath);
  g_assert_cmpint (s->rate, ==, speech->rate);
  g_assert_cmpmem (s->samples, s->n * sizeof (float), speech->samples, speech->n * sizeof (float));
  assert_no_temporaries ();
}

/* A failed save leaves what was there; a successful one replaces it. */
static void
test_save_atomic (void)
{
  g_autofree char *path = test_tmp_path ("keep.ogg");
  g_autoptr (AtAudio) a = at_audio_new_from (speech->samples, speech->n, speech->rate);
  save_ok (a, path, AT_AUDIO_ENCODING_DEFAULT);
  g_autofree char *before = NULL;
  gsize before_len = 0;
  g_assert_true (g_file_get_contents (path, &before, &before_len, NULL));

  struct {
    int rate;
    AtAudioEncoding encoding;
    int code;
  } bad[] = {
    { 22050, AT_AUDIO_ENCODING_PCM_24, AT_AUDIO_ERROR_FORMAT },  /* Vorbis has no PCM */
    { 250000, AT_AUDIO_ENCODING_DEFAULT, AT_AUDIO_ERROR_FORMAT },  /* beyond Vorbis */
  };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      a->rate = bad[i].rate;
      g_assert_false (at_audio_save_full (a, path, bad[i].encoding, &error));
      g_assert_error (error, AT_AUDIO_ERROR, bad[i].code);
      g_test_message ("refused: %s", error->message);
      g_autofree char *after = NULL;
      gsize after_len = 0;
      g_assert_true (g_file_get_contents (path, &after, &after_len, NULL));
      g_assert_cmpmem (after, after_len, before, before_len);
    }
  a->rate = speech->rate;

  g_autoptr (GError) error = NULL;
  g_autofree char *noext = test_tmp_path ("noext");
  g_assert_false (at_audio_save (a, noext, &error));
  g_assert_error (error, AT_AUDIO_ERROR, AT_AUDIO_ERROR_FORMAT);
  g_assert_false (g_file_test (noext, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  g_autofree char *flac = test_tmp_path ("float.flac");
  g_assert_false (at_audio_save_full (a, flac, AT_AUDIO_ENCODING_FLOAT, &error));
  g_assert_error (error, AT_AUDIO_ERROR, AT_AUDIO_ERROR_FORMAT);
  g_clear_error (&error);

  g_autofree char *nodir = g_build_filename (test_tmp_dir (), "no-such-folder", "x.wav", NULL);
  g_assert_false (at_audio_save (a, nodir, &error));
  g_assert_error (error, AT_AUDIO_ERROR, AT_AUDIO_ERROR_WRITE);
  g_test_message ("refused: %s", error->message);
  g_clear_error (&error);

  /* A write that fails halfway (the file-size limit stands in for a full
   * disk) leaves the old file and no temporary behind. */
  g_autofree char *small = test_tmp_path ("small.wav");
  g_autoptr (AtAudio) tiny = at_audio_new_from (speech->samples, 1000, speech->rate);
  save_ok (tiny, small, AT_AUDIO_ENCODING_DEFAULT);
  g_autofree char *small_before = NULL;
  gsize small_len = 0;
  g_assert_true (g_file_get_contents (small, &small_before, &small_len, NULL));
  struct rlimit old_limit, limit;
  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &old_limit), ==, 0);
  limit = old_limit;
  limit.rlim_cur = 16384;
  void (*old_handler) (int) = signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);
  gboolean saved = at_audio_save (a, small, &error);   /* ~80 KB */
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &old_limit), ==, 0);
  signal (SIGXFSZ, old_handler);
  g_assert_false (saved);
  g_assert_error (error, AT_AUDIO_ERROR, AT_AUDIO_ERROR_WRITE);
  g_test_message ("refused: %s", error->message);
  g_clear_error (&error);
  g_autofree char *small_after = NULL;
  gsize small_after_len = 0;
  g_assert_true (g_file_get_contents (small, &small_after, &small_after_len, NULL));
  g_assert_cmpmem (small_after, small_after_len, small_before, small_len);
  assert_no_temporaries ();

  /* Replacing: half the speech overwrites the whole. */
  g_autoptr (AtAudio) half = at_audio_new_from (speech->samples, speech->n / 2, speech->rate);
  save_ok (half, path, AT_AUDIO_ENCODING_DEFAULT);
  g_autoptr (AtAudio) back = load_ok (path);
  g_assert_cmpuint (back->n, ==, half->n);
  assert_no_temporaries ();
}

static void
test_load_errors (void)
{
  g_autofree char *missing = test_tmp_path ("missing.wav");
  assert_load_fails (missing, AT_AUDIO_ERROR_NOT_FOUND, "does not exist");
  assert_load_fails (test_tmp_dir (), AT_AUDIO_ERROR_NOT_FOUND, "folder");

  /* Random bytes named .wav. */
  g_autofree char *noise = test_tmp_path ("noise.wav");
  g_autofree float *bytes = test_random (2048, 3, -1, 1);
  write_bytes (noise, bytes, 2048 * sizeof (float));
  assert_load_fails (noise, AT_AUDIO_ERROR_INVALID, "is not audio Atelier can read (format not recognised)");

  /* Text with an audio name. */
  g_autofree char *text = test_tmp_path ("notes.flac");
  const char words[] = "These are notes, not sound.\n";
  write_bytes (text, words, sizeof words - 1);
  assert_load_fails (text, AT_AUDIO_ERROR_INVALID, "is not audio Atelier can read (format not recognised)");

  /* A real WAV cut inside its header: RIFF and fmt chunks promise more
   * than the file holds. */
  g_autofree char *good = test_tmp_path ("speech-16.wav");
  save_ok (speech, good, AT_AUDIO_ENCODING_DEFAULT);
  g_autofree char *data = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (good, &data, &len, NULL));
  g_assert_cmpuint (len, >, 44);
  static const gsize cuts[] = { 4, 12, 20, 30 };
  for (gsize i = 0; i < G_N_ELEMENTS (cuts); i++)
    {
      g_autofree char *name = g_strdup_printf ("cut-%" G_GSIZE_FORMAT ".wav", cuts[i]);
      g_autofree char *path = test_tmp_path (name);
      write_bytes (path, data, cuts[i]);
      assert_load_fails (path, AT_AUDIO_ERROR_INVALID, NULL);
    }
  /* Cut inside the samples (a download that stopped): what is there loads. */
  g_autofree char *half = test_tmp_path ("half.wav");
  gsize keep = 44 + 2 * 10001;   /* 16-bit mono, a 44-byte header */
  write_bytes (half, data, keep);
  g_autoptr (AtAudio) partial = load_ok (half);
  g_assert_cmpuint (partial->n, ==, 10001);
  g_assert_cmpmem (partial->samples, 10001 * sizeof (float), speech->samples, 10001 * sizeof (float));

  /* Header intact, fmt chunk damaged (channels = 0). */
  g_autofree char *damaged = test_tmp_path ("zero-channels.wav");
  g_autofree char *copy = g_memdup2 (data, len);
  copy[22] = copy[23] = 0;
  write_bytes (damaged, copy, len);
  assert_load_fails (damaged, AT_AUDIO_ERROR_INVALID, NULL);

  /* Empty: zero bytes, and a valid header with no frames. */
  g_autofree char *zero = test_tmp_path ("zero.wav");
  write_bytes (zero, "", 0);
  assert_load_fails (zero, AT_AUDIO_ERROR_EMPTY, "contains no audio");
  g_autofree char *hollow = test_tmp_path ("hollow.wav");
  write_multichannel (hollow, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 16000, 1, NULL, 0);
  assert_load_fails (hollow, AT_AUDIO_ERROR_EMPTY, "contains no audio");
  g_autofree char *hollow_flac = test_tmp_path ("hollow.flac");
  write_multichannel (hollow_flac, SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 16000, 2, NULL, 0);
  assert_load_fails (hollow_flac, AT_AUDIO_ERROR_EMPTY, "contains no audio");

  /* Over ten minutes (at 1 kHz to keep the file small), and exactly ten. */
  g_autofree char *longer = test_tmp_path ("long.wav");
  g_autoptr (AtAudio) big = at_audio_new ((gsize) (AT_AUDIO_MAX_SECONDS + 1) * 1000, 1000);
  save_ok (big, longer, AT_AUDIO_ENCODING_DEFAULT);
  assert_load_fails (longer, AT_AUDIO_ERROR_TOO_LONG, "10 minutes");
  big->n = (gsize) AT_AUDIO_MAX_SECONDS * 1000;
  save_ok (big, longer, AT_AUDIO_ENCODING_DEFAULT);
  g_autoptr (AtAudio) ten = load_ok (longer);
  g_assert_cmpuint (ten->n, ==, big->n);
}

/* A sine keeps its frequency and amplitude through each conversion. */
static void
test_resample (void)
{
  static const int rates[][2] = { { 48000, 16000 }, { 44100, 16000 }, { 22050, 16000 },
                                  { 16000, 48000 }, { 8000, 22050 } };
  for (gsize r = 0; r < G_N_ELEMENTS (rates); r++)
    {
      int from = rates[r][0], to = rates[r][1];
      gsize n = from;  /* one second */
      g_autoptr (AtAudio) a = at_audio_new (n, from);
      for (gsize i = 0; i < n; i++)
        a->samples[i] = 0.5 * sin (2 * G_PI * 1000.0 * i / from);
      g_autoptr (GError) error = NULL;
      g_assert_true (at_audio_resample (a, to, &error));
      g_assert_no_error (error);
      g_assert_cmpint (a->rate, ==, to);
      g_assert_cmpuint (a->n, ==, (gsize) to);
      g_autofree float *want = g_new (float, a->n);
      for (gsize i = 0; i < a->n; i++)
        want[i] = 0.5 * sin (2 * G_PI * 1000.0 * i / to);
      /* away from the ends, where the converter sees the signal start */
      double snr = snr_db (a->samples, want, a->n / 10, a->n - a->n / 10);
      g_test_message ("%d -> %d Hz: SNR %.1f dB", from, to, snr);
      g_assert_cmpfloat (snr, >=, 60);
    }

  /* the fast converter, well inside its 80% band */
  g_autoptr (GError) error = NULL;
  g_autoptr (AtAudio) fast = at_audio_new (48000, 48000);
  for (gsize i = 0; i < fast->n; i++)
    fast->samples[i] = 0.5 * sin (2 * G_PI * 1000.0 * i / 48000);
  g_assert_true (at_audio_resample_full (fast, 16000, AT_RESAMPLE_FAST, &error));
  g_assert_cmpuint (fast->n, ==, 16000);
  g_autofree float *want = g_new (float, fast->n);
  for (gsize i = 0; i < fast->n; i++)
    want[i] = 0.5 * sin (2 * G_PI * 1000.0 * i / 16000);
  double snr = snr_db (fast->samples, want, 1600, 14400);
  g_test_message ("48000 -> 16000 Hz, fast: SNR %.1f dB", snr);
  g_assert_cmpfloat (snr, >=, 60);

  g_autoptr (AtAudio) a = at_audio_new (100, 16000);
  g_assert_false (at_audio_resample (a, 0, &error));
  g_assert_error (error, AT_AUDIO_ERROR, AT_AUDIO_ERROR_FORMAT);
  g_clear_error (&error);
  a->rate = 1000;
  g_assert_false (at_audio_resample (a, 768000, &error));   /* ratio 768 > 256 */
  g_assert_error (error, AT_AUDIO_ERROR, AT_AUDIO_ERROR_RESAMPLE);
  g_assert_cmpint (a->rate, ==, 1000);
  g_assert_cmpuint (a->n, ==, 100);
}

/* ------------------------------------------------------------ log-mel */

typedef struct {
  float *wave;      /* [n_wave] */
  gsize n_wave;
  float *fb;        /* [n_mels, n_bins] */
  float *log_mel;   /* [n_frames, n_mels] */
} Golden;

static Golden golden;

static void
load_golden (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = test_source_path ("tests", "data", "mel_golden.safetensors", NULL);
  g_autoptr (AtSafetensors) st = at_safetensors_open (path, &error);
  g_assert_no_error (error);

  const char *json = at_safetensors_get_metadata_value (st, "mel");
  g_assert_nonnull (json);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  JsonObject *o = json_node_get_object (json_parser_get_root (parser));
  AtMelConfig *m = &mel_config;
  m->sample_rate = json_object_get_int_member (o, "sample_rate");
  m->clip_samples = json_object_get_int_member (o, "clip_samples");
  m->n_fft = json_object_get_int_member (o, "n_fft");
  m->hop = json_object_get_int_member (o, "hop");
  m->win = json_object_get_int_member (o, "win");
  m->n_mels = json_object_get_int_member (o, "n_mels");
  m->n_frames = json_object_get_int_member (o, "n_frames");
  m->fmin = json_object_get_double_member (o, "fmin");
  m->fmax = json_object_get_double_member (o, "fmax");
  m->log_floor = json_object_get_double_member (o, "log_floor");
  m->log_offset = json_object_get_double_member (o, "log_offset");
  m->log_div = json_object_get_double_member (o, "log_div");
  g_assert_cmpstr (json_object_get_string_member (o, "window"), ==, "hann_periodic");
  g_assert_cmpstr (json_object_get_string_member (o, "mel_scale"), ==, "htk");
  g_assert_cmpfloat (json_object_get_double_member (o, "power"), ==, 2.0);
  g_assert_true (at_mel_config_check (m, &error));
  g_assert_no_error (error);

  gsize n = 0;
  int bins = at_mel_n_bins (m);
  g_assert_true (at_safetensors_get_f32 (st, "wave", 1, NULL, &golden.wave, &golden.n_wave, &error));
  g_assert_no_error (error);
  g_assert_true (at_safetensors_get_f32 (st, "fb", 2, (const gint64[]) { m->n_mels, bins },
                                         &golden.fb, &n, &error));
  g_assert_no_error (error);
  g_assert_true (at_safetensors_get_f32 (st, "log_mel", 2,
                                         (const gint64[]) { m->n_frames, m->n_mels },
                                         &golden.log_mel, &n, &error));
  g_assert_no_error (error);
}

static float *
log_mel_ok (const float *wave, gsize n)
{
  g_autoptr (GError) error = NULL;
  float *feat = at_log_mel (&mel_config, golden.fb, wave, n, &error);
  g_assert_no_error (error);
  g_assert_nonnull (feat);
  return feat;
}

static double
compare_fftw (const char *what, const float *wave, gsize n)
{
  gsize count = (gsize) mel_config.n_frames * mel_config.n_mels;
  g_autofree float *got = log_mel_ok (wave, n);
  g_autofree double *want = test_fftw_log_mel (&mel_config, golden.fb, wave, n);
  g_autofree float *wantf = g_new (float, count);
  double worst = 0;
  for (gsize i = 0; i < count; i++)
    {
      wantf[i] = want[i];
      worst = MAX (worst, fabs (got[i] - want[i]));
    }
  g_test_message ("%s: max abs error against FFTW %.3g", what, worst);
  test_assert_close (what, got, wantf, count, FFTW_MAX_NSE, FFTW_MAX_ABS);
  return worst;
}

/* The shipped model's filterbank, audio.mel_fb (fp16, read as floats). */
static float *
shipped_mel_fb (void)
{
  g_autofree char *weights = test_source_path ("resources", "models", "atelier-model.safetensors", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtSafetensors) st = at_safetensors_open (weights, &error);
  g_assert_no_error (error);
  float *fb = NULL;
  gsize n = 0;
  g_assert_true (at_safetensors_get_f32 (st, "audio.mel_fb", 2,
                                         (const gint64[]) { mel_config.n_mels, at_mel_n_bins (&mel_config) },
                                         &fb, &n, &error));
  g_assert_no_error (error);
  return fb;
}

static void
test_filterbank (void)
{
  int bins = at_mel_n_bins (&mel_config);
  g_assert_cmpint (bins, ==, 201);
  g_autofree float *fb = at_mel_filterbank (&mel_config);
  gsize count = (gsize) mel_config.n_mels * bins;
  double worst = max_abs_diff (fb, golden.fb, count);
  g_test_message ("filterbank vs model.py: max abs difference %.3g", worst);
  g_assert_cmpfloat (worst, <=, 1e-6);
  /* every filter is a non-empty triangle peaking at most 1 */
  for (int m = 0; m < mel_config.n_mels; m++)
    {
      float peak = 0;
      for (int k = 0; k < bins; k++)
        peak = MAX (peak, fb[(gsize) m * bins + k]);
      g_assert_cmpfloat (peak, >, 0.0f);
      g_assert_cmpfloat (peak, <=, 1.0f);
    }

  /* The shipped model carries the same filterbank as audio.mel_fb (fp16),
   * and its config the same mel parameters the golden file was made with. */
  g_autofree char *config_path = test_source_path ("resources", "models", "atelier-model.json", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtModelConfig) config = at_model_config_load (config_path, &error);
  g_assert_no_error (error);
  const AtMelConfig *c = &config->mel, *g = &mel_config;
  g_assert_cmpint (c->sample_rate, ==, g->sample_rate);
  g_assert_cmpint (c->clip_samples, ==, g->clip_samples);
  g_assert_cmpint (c->n_fft, ==, g->n_fft);
  g_assert_cmpint (c->hop, ==, g->hop);
  g_assert_cmpint (c->win, ==, g->win);
  g_assert_cmpint (c->n_mels, ==, g->n_mels);
  g_assert_cmpint (c->n_frames, ==, g->n_frames);
  g_assert_cmpfloat (c->fmin, ==, g->fmin);
  g_assert_cmpfloat (c->fmax, ==, g->fmax);
  g_assert_cmpfloat (c->log_floor, ==, g->log_floor);
  g_assert_cmpfloat (c->log_offset, ==, g->log_offset);
  g_assert_cmpfloat (c->log_div, ==, g->log_div);

  g_autofree float *shipped = shipped_mel_fb ();
  worst = max_abs_diff (fb, shipped, count);
  g_test_message ("filterbank vs audio.mel_fb (fp16): max abs difference %.3g", worst);
  g_assert_cmpfloat (worst, <=, 1e-3);
}

/* The model's own golden stage (tools/train/export_golden.py): 0.75 s of a
 * voiced sound through model.mel(), i.e. log_mel with the fp16 audio.mel_fb
 * of the shipped weights. */
static void
test_mel_model (void)
{
  g_autofree char *golden_path = test_source_path ("tests", "data", "model_golden.safetensors", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtSafetensors) gst = at_safetensors_open (golden_path, &error);
  g_assert_no_error (error);
  gsize count = (gsize) mel_config.n_frames * mel_config.n_mels, n = 0, n_wave = 0;
  g_autofree float *fb = shipped_mel_fb (), *wave = NULL, *want = NULL;
  g_assert_true (at_safetensors_get_f32 (gst, "audio.wave", 2, NULL, &wave, &n_wave, &error));
  g_assert_no_error (error);
  g_assert_true (at_safetensors_get_f32 (gst, "audio.logmel", 3,
                                         (const gint64[]) { 1, mel_config.n_frames, mel_config.n_mels },
                                         &want, &n, &error));
  g_assert_no_error (error);
  g_autofree float *got = at_log_mel (&mel_config, fb, wave, n_wave, &error);
  g_assert_no_error (error);
  g_test_message ("model.mel() golden: max abs error %.3g", max_abs_diff (got, want, count));
  test_assert_close ("log-mel vs model.mel()", got, want, count, GOLDEN_MAX_NSE, GOLDEN_MAX_ABS);
}

static void
test_mel_golden (void)
{
  gsize count = (gsize) mel_config.n_frames * mel_config.n_mels;
  g_autofree float *got = log_mel_ok (golden.wave, golden.n_wave);
  double err = 0, ref = 0;
  for (gsize i = 0; i < count; i++)
    {
      err += ((double) got[i] - golden.log_mel[i]) * ((double) got[i] - golden.log_mel[i]);
      ref += (double) golden.log_mel[i] * golden.log_mel[i];
    }
  g_test_message ("against PyTorch: max abs error %.3g, normalised squared error %.3g",
                  max_abs_diff (got, golden.log_mel, count), err / ref);
  test_assert_close ("log-mel vs PyTorch", got, golden.log_mel, count, GOLDEN_MAX_NSE,
                     GOLDEN_MAX_ABS);
  /* the silent tail sits exactly on the floor */
  float floor_value = (log (mel_config.log_floor) + mel_config.log_offset) / mel_config.log_div;
  g_assert_cmpfloat (got[count - 1], ==, floor_value);
}

static void
test_mel_fftw (void)
{
  int clip = mel_config.clip_samples;
  compare_fftw ("golden wave", golden.wave, golden.n_wave);

  g_autofree float *noise = test_random (clip, 11, -0.5f, 0.5f);
  compare_fftw ("uniform noise", noise, clip);

  /* short clips are zero-padded; a few samples only touch the first frames */
  compare_fftw ("0.3 s of noise", noise, 4800);
  compare_fftw ("7 samples", noise, 7);
  compare_fftw ("no samples", NULL, 0);

  /* over-long input is cut at clip_samples: the same features as the clip */
  gsize n_long = clip + 9000;
  g_autofree float *longer = test_random (n_long, 12, -0.5f, 0.5f);
  compare_fftw ("longer than the clip", longer, n_long);
  g_autofree float *a = log_mel_ok (longer, n_long);
  g_autofree float *b = log_mel_ok (longer, clip);
  gsize count = (gsize) mel_config.n_frames * mel_config.n_mels;
  g_assert_cmpmem (a, count * sizeof (float), b, count * sizeof (float));

  /* quiet enough that many bands sit near log_floor */
  g_autofree float *quiet = g_new (float, clip);
  for (int i = 0; i < clip; i++)
    quiet[i] = 3e-4 * sin (2 * G_PI * 300.0 * i / mel_config.sample_rate) + 1e-5 * noise[i];
  compare_fftw ("near the floor", quiet, clip);

  /* spoken: espeak-ng resampled to 16 kHz */
  g_autoptr (GError) error = NULL;
  g_autoptr (AtAudio) s = at_audio_new_from (speech->samples, speech->n, speech->rate);
  g_assert_true (at_audio_resample (s, mel_config.sample_rate, &error));
  compare_fftw ("espeak-ng speech", s->samples, s->n);
}

/* at_log_mel_audio() resamples only the clip it needs; the features match
 * those of the whole file resampled. */
static void
test_mel_audio (void)
{
  gsize count = (gsize) mel_config.n_frames * mel_config.n_mels;
  g_autoptr (GError) error = NULL;

  /* 3 s of speech-like content at 44.1 kHz: longer than the clip */
  g_autoptr (AtAudio) src = at_audio_new_from (speech->samples, speech->n, speech->rate);
  g_assert_true (at_audio_resample (src, 44100, &error));
  gsize n = 3 * 44100;
  g_autoptr (AtAudio) longer = at_audio_new (n, 44100);
  for (gsize i = 0; i < n; i++)
    longer->samples[i] = src->samples[i % src->n];

  g_autofree float *got = at_log_mel_audio (&mel_config, golden.fb, longer, &error);
  g_assert_no_error (error);
  g_autoptr (AtAudio) whole = at_audio_new_from (longer->samples, longer->n, longer->rate);
  g_assert_true (at_audio_resample (whole, mel_config.sample_rate, &error));
  g_autofree float *want = log_mel_ok (whole->samples, whole->n);
  double worst = max_abs_diff (got, want, count);
  g_test_message ("clip-only resampling vs whole-file: max abs difference %.3g", worst);
  g_assert_cmpfloat (worst, <=, 1e-4);

  /* speech lifts most frames well above the floor */
  float floor_value = (log (mel_config.log_floor) + mel_config.log_offset) / mel_config.log_div;
  int loud = 0;
  for (int t = 0; t < mel_config.n_frames; t++)
    {
      float top = -INFINITY;
      for (int m = 0; m < mel_config.n_mels; m++)
        top = MAX (top, got[(gsize) t * mel_config.n_mels + m]);
      loud += top > floor_value + 1.0f;
    }
  g_assert_cmpint (loud, >, mel_config.n_frames / 2);

  /* at the model's rate no resampling happens */
  g_autofree float *direct = at_log_mel_audio (&mel_config, golden.fb, whole, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (direct, count * sizeof (float), want, count * sizeof (float));
}

static void
test_mel_errors (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree float *wave = test_random (1000, 5, -1, 1);
  wave[500] = NAN;
  g_assert_null (at_log_mel (&mel_config, golden.fb, wave, 1000, &error));
  g_assert_error (error, AT_MEL_ERROR, AT_MEL_ERROR_INPUT);
  g_clear_error (&error);
  /* a NaN past the clip is never read */
  wave[500] = 0;
  g_autofree float *longer = g_new0 (float, mel_config.clip_samples + 10);
  longer[mel_config.clip_samples + 3] = NAN;
  g_autofree float *ok = at_log_mel (&mel_config, golden.fb, longer, mel_config.clip_samples + 10, &error);
  g_assert_no_error (error);

  AtMelConfig bad = mel_config;
  bad.win = 256;
  g_assert_null (at_log_mel (&bad, golden.fb, wave, 1000, &error));
  g_assert_error (error, AT_MEL_ERROR, AT_MEL_ERROR_CONFIG);
  g_clear_error (&error);
  bad = mel_config;
  bad.fmax = 9000;   /* above Nyquist */
  g_assert_false (at_mel_config_check (&bad, &error));
  g_assert_error (error, AT_MEL_ERROR, AT_MEL_ERROR_CONFIG);
  g_clear_error (&error);
  bad = mel_config;
  bad.log_floor = 0;
  g_assert_false (at_mel_config_check (&bad, &error));
  g_assert_error (error, AT_MEL_ERROR, AT_MEL_ERROR_CONFIG);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* the speech every file test starts from */
  speech = test_speak ("espeak-ng", NULL, SPOKEN);
  load_golden ();

  g_test_add_func ("/audio/file/speech", test_speech);
  g_test_add_func ("/audio/file/formats", test_formats);
  g_test_add_func ("/audio/file/multichannel", test_multichannel);
  g_test_add_func ("/audio/file/round-trip", test_round_trip);
  g_test_add_func ("/audio/file/save-atomic", test_save_atomic);
  g_test_add_func ("/audio/file/load-errors", test_load_errors);
  g_test_add_func ("/audio/resample", test_resample);
  g_test_add_func ("/audio/mel/filterbank", test_filterbank);
  g_test_add_func ("/audio/mel/golden", test_mel_golden);
  g_test_add_func ("/audio/mel/model", test_mel_model);
  g_test_add_func ("/audio/mel/fftw", test_mel_fftw);
  g_test_add_func ("/audio/mel/audio", test_mel_audio);
  g_test_add_func ("/audio/mel/errors", test_mel_errors);
  int ret = g_test_run ();

  at_audio_free (speech);
  g_free (golden.wave);
  g_free (golden.fb);
  g_free (golden.log_mel);
  return ret;
}
