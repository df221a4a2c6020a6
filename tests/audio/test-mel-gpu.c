/* test-mel-gpu.c — log-mel features on the device (stft → filterbank
 * product → log, engine/audio/mel-gpu.c) against three references:
 *
 *  - FFTW in double (fftw_plan_dft_r2c_1d) with mel.c's framing, on the
 *    golden wave, espeak-ng speech resampled to 16 kHz, uniform noise,
 *    sines (a chord and a sweep up to near Nyquist), a clip near log_floor,
 *    silence (no samples and a clip of zeros, which must sit on the floor),
 *    clips shorter (0.4 s, 7 samples) and longer than clip_samples.
 *  - tests/data/mel_golden.safetensors: PyTorch's log_mel (float32 rfft)
 *    of the golden wave, as in tests/audio/test-audio.c.
 *  - tests/data/model_golden.safetensors: model.mel() with the shipped
 *    fp16 filterbank audio.mel_fb.
 *
 * Tolerance, on features of size O(1): max abs error <= 3e-4 and normalised
 * squared error <= 1e-10 against every reference (measured on lavapipe,
 * --verbose prints each: at most 9.3e-5 and 1.0e-11, the golden wave
 * against PyTorch, whose own float32 error there is 7.1e-5 (test-audio.c);
 * 7.9e-5 against FFTW; noise and quiet clips ~2e-7). The spectrum is fp32,
 * accurate to ~3e-7 of a frame's largest power (tests/ops/test-stft.c),
 * so the worst feature is the weakest band of a loud frame, far down the
 * window's sidelobes. Silence must give the floor value to 1e-6.
 *
 * Also: the graph path (at_mel_gpu_wave + at_mel_gpu_forward, output
 * NaN-poisoned before the run) gives at_mel_gpu_log_mel()'s features bit
 * for bit; replays of its recorded graph are deterministic; non-finite
 * samples inside the clip, a wave longer than the clip in a graph, and an
 * n_fft the FFT cannot run (448 = 2⁶·7) are errors.
 */
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "fftw-ref.h"
#include "test-util.h"
#include "audio/audio-file.h"
#include "audio/mel.h"
#include "audio/mel-gpu.h"
#include "model/config.h"
#include "model/safetensors.h"

#define MAX_ABS 3e-4
#define MAX_NSE 1e-10

static AtModelConfig *config;
static const AtMelConfig *mel;
static float *fb;        /* at_mel_filterbank(), equal to model.py's */
static AtMelGpu *mg;     /* one for every case: its graph is replayed */

static gsize
n_features (void)
{
  return (gsize) mel->n_frames * mel->n_mels;
}

static float *
gpu_log_mel (const float *wave, gsize n)
{
  g_autoptr (GError) error = NULL;
  float *got = at_mel_gpu_log_mel (mg, wave, n, &error);
  g_assert_no_error (error);
  g_assert_nonnull (got);
  return got;
}

static void
assert_close (const char *what, const float *got, const float *want)
{
  gsize count = n_features ();
  double worst = 0, err = 0, ref = 0;
  for (gsize i = 0; i < count; i++)
    {
      double d = (double) got[i] - want[i];
      worst = MAX (worst, fabs (d));
      err += d * d;
      ref += (double) want[i] * want[i];
    }
  g_test_message ("%s: max abs error %.3g, normalised squared error %.3g", what, worst, err / ref);
  test_assert_close (what, got, want, count, MAX_NSE, MAX_ABS);
}

static void
compare_fftw (const char *what, const float *wave, gsize n)
{
  g_autofree float *got = gpu_log_mel (wave, n);
  g_autofree double *exact = test_fftw_log_mel (mel, fb, wave, n);
  g_autofree float *want = g_new (float, n_features ());
  for (gsize i = 0; i < n_features (); i++)
    want[i] = exact[i];
  g_autofree char *label = g_strdup_printf ("%s vs FFTW", what);
  assert_close (label, got, want);
}

static float *
golden_f32 (AtSafetensors *st, const char *name, gsize *n)
{
  g_autoptr (GError) error = NULL;
  float *data = NULL;
  gsize count = 0;
  g_assert_true (at_safetensors_get_f32 (st, name, at_safetensors_require (st, name, &error)->ndim, NULL,
                                         &data, &count, &error));
  g_assert_no_error (error);
  if (n != NULL)
    *n = count;
  return data;
}

/* PyTorch's log_mel of the golden wave (float32 rfft), and FFTW's. */
static void
test_golden (void)
{
  g_autofree char *path = test_source_path ("tests", "data", "mel_golden.safetensors", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtSafetensors) st = at_safetensors_open (path, &error);
  g_assert_no_error (error);
  gsize n = 0, count = 0;
  g_autofree float *wave = golden_f32 (st, "wave", &n);
  g_autofree float *want = golden_f32 (st, "log_mel", &count);
  g_assert_cmpuint (count, ==, n_features ());

  g_autofree float *got = gpu_log_mel (wave, n);
  assert_close ("golden wave vs PyTorch", got, want);
  compare_fftw ("golden wave", wave, n);
}

/* model.mel() of the model's golden stage, with the shipped fp16 filterbank
 * audio.mel_fb (its own AtMelGpu). */
static void
test_model_golden (void)
{
  g_autofree char *weights = test_source_path ("resources", "models", "atelier-model.safetensors", NULL);
  g_autofree char *golden = test_source_path ("tests", "data", "model_golden.safetensors", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtSafetensors) wst = at_safetensors_open (weights, &error);
  g_assert_no_error (error);
  g_autoptr (AtSafetensors) gst = at_safetensors_open (golden, &error);
  g_assert_no_error (error);
  gsize n = 0, count = 0;
  g_autofree float *shipped_fb = NULL;
  g_assert_true (at_safetensors_get_f32 (wst, "audio.mel_fb", 2,
                                         (const gint64[]) { mel->n_mels, at_mel_n_bins (mel) }, &shipped_fb,
                                         &count, &error));
  g_assert_no_error (error);
  g_autofree float *wave = golden_f32 (gst, "audio.wave", &n);
  g_autofree float *want = golden_f32 (gst, "audio.logmel", &count);
  g_assert_cmpuint (count, ==, n_features ());

  g_autoptr (AtMelGpu) model_mel = at_mel_gpu_new (test_gpu (), mel, shipped_fb, &error);
  g_assert_no_error (error);
  g_autofree float *got = at_mel_gpu_log_mel (model_mel, wave, n, &error);
  g_assert_no_error (error);
  assert_close ("model.mel() golden", got, want);
}

/* Speech made by espeak-ng (22050 Hz), resampled as conditioning does. */
static void
test_speech (void)
{
  g_autoptr (AtAudio) speech = test_speak ("espeak-ng", NULL, "a red apple on a wooden table");
  g_autoptr (GError) error = NULL;
  g_autoptr (AtAudio) clip = at_mel_resample_clip (mel, speech, &error);
  g_assert_no_error (error);
  g_assert_cmpint (clip->rate, ==, mel->sample_rate);
  compare_fftw ("espeak-ng speech", clip->samples, clip->n);
}

static void
test_signals (void)
{
  const int clip = mel->clip_samples, rate = mel->sample_rate;
  g_autofree float *noise = test_random (clip, 21, -0.5f, 0.5f);
  compare_fftw ("uniform noise", noise, clip);

  /* a chord, and a sweep from 50 Hz to just under Nyquist */
  g_autofree float *chord = g_new (float, clip);
  g_autofree float *sweep = g_new (float, clip);
  double duration = (double) clip / rate, f0 = 50, f1 = 0.49 * rate;
  for (int i = 0; i < clip; i++)
    {
      double s = (double) i / rate;
      chord[i] = 0.3 * sin (2 * G_PI * 440 * s) + 0.2 * sin (2 * G_PI * 1234.5 * s) + 0.1 * sin (2 * G_PI * 7000 * s);
      sweep[i] = 0.5 * sin (2 * G_PI * (f0 * s + (f1 - f0) * s * s / (2 * duration)));
    }
  compare_fftw ("chord", chord, clip);
  compare_fftw ("sweep", sweep, clip);

  /* quiet enough that many bands sit near log_floor */
  g_autofree float *quiet = g_new (float, clip);
  for (int i = 0; i < clip; i++)
    quiet[i] = 3e-4 * sin (2 * G_PI * 300.0 * i / rate) + 1e-5 * noise[i];
  compare_fftw ("near the floor", quiet, clip);
}

/* Short clips are zero-padded; long ones are cut at clip_samples. */
static void
test_clip_lengths (void)
{
  const int clip = mel->clip_samples;
  gsize n_long = clip + 9000;
  g_autofree float *longer = test_random (n_long, 22, -0.5f, 0.5f);
  compare_fftw ("0.4 s of noise", longer, 6400);
  compare_fftw ("7 samples", longer, 7);
  compare_fftw ("longer than the clip", longer, n_long);

  /* the samples past the clip are not read: the very same features */
  g_autofree float *a = gpu_log_mel (longer, n_long);
  g_autofree float *b = gpu_log_mel (longer, clip);
  gsize bytes = n_features () * sizeof (float);
  g_assert_cmpmem (a, bytes, b, bytes);
}

/* Silence lies on the floor: (ln(log_floor) + log_offset) / log_div. */
static void
test_silence (void)
{
  double floor_value = (log (mel->log_floor) + mel->log_offset) / mel->log_div;
  g_autofree float *zeros = g_new0 (float, mel->clip_samples);
  g_autofree float *none = gpu_log_mel (NULL, 0);
  g_autofree float *silent = gpu_log_mel (zeros, mel->clip_samples);
  for (gsize i = 0; i < n_features (); i++)
    {
      g_assert_cmpfloat_with_epsilon (none[i], floor_value, 1e-6);
      g_assert_cmpfloat_with_epsilon (silent[i], floor_value, 1e-6);
    }
  compare_fftw ("no samples", NULL, 0);
}

/* The convenience path replays one recorded graph; the graph path gives
 * the same features, and both refuse non-finite samples inside the clip. */
static void
test_graph_and_replay (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree float *a = test_random (mel->clip_samples, 23, -0.5f, 0.5f);
  g_autofree float *b = test_random (mel->clip_samples, 24, -0.5f, 0.5f);
  gsize bytes = n_features () * sizeof (float);
  g_autofree float *first = gpu_log_mel (a, mel->clip_samples);
  g_autofree float *other = gpu_log_mel (b, mel->clip_samples);
  g_autofree float *again = gpu_log_mel (a, mel->clip_samples);
  g_assert_cmpmem (first, bytes, again, bytes);
  g_assert_true (memcmp (first, other, bytes) != 0);

  /* recorded into a graph, with outputs poisoned first */
  g_autoptr (AtGraph) g = at_graph_new (test_gpu (), &error);
  g_assert_no_error (error);
  AtTensor *features = at_mel_gpu_forward (mg, g, at_mel_gpu_wave (mg, g, a, mel->clip_samples));
  g_assert_true (at_graph_finish (g, &error));
  g_assert_cmpint (features->ndim, ==, 2);
  g_assert_cmpint (features->shape[0], ==, mel->n_frames);
  g_assert_cmpint (features->shape[1], ==, mel->n_mels);
  g_autofree float *nan = g_new (float, n_features ());
  for (gsize i = 0; i < n_features (); i++)
    nan[i] = NAN;
  g_assert_true (at_tensor_upload (features, nan, &error));
  g_assert_true (at_graph_run (g, &error));
  g_assert_no_error (error);
  g_autofree float *from_graph = test_download (features);
  g_assert_cmpmem (from_graph, bytes, first, bytes);

  /* a wave longer than the clip would be read past it */
  g_autoptr (AtGraph) g_long = at_graph_new (test_gpu (), &error);
  AtTensor *too_long = at_graph_tensor (g_long, AT_G_SHAPE (mel->clip_samples + 1));
  g_assert_null (at_mel_gpu_forward (mg, g_long, too_long));
  g_assert_false (at_graph_finish (g_long, &error));
  g_assert_error (error, AT_OP_ERROR, AT_OP_ERROR_SHAPE);
  g_clear_error (&error);

  /* NaN and infinity inside the clip are errors, past it ignored */
  g_autofree float *bad = g_new0 (float, mel->clip_samples + 10);
  bad[mel->clip_samples + 3] = NAN;
  g_autofree float *fine = at_mel_gpu_log_mel (mg, bad, mel->clip_samples + 10, &error);
  g_assert_no_error (error);
  bad[50] = INFINITY;
  g_assert_null (at_mel_gpu_log_mel (mg, bad, mel->clip_samples + 10, &error));
  g_assert_error (error, AT_MEL_ERROR, AT_MEL_ERROR_INPUT);
  g_clear_error (&error);
  g_autoptr (AtGraph) g_bad = at_graph_new (test_gpu (), &error);
  g_assert_null (at_mel_gpu_forward (mg, g_bad, at_mel_gpu_wave (mg, g_bad, bad, 100)));
  g_assert_false (at_graph_finish (g_bad, &error));
  g_assert_error (error, AT_MEL_ERROR, AT_MEL_ERROR_INPUT);
}

static void
test_config_errors (void)
{
  g_autoptr (GError) error = NULL;
  /* n_fft = 448 = 2⁶·7: a valid mel configuration the FFT cannot run */
  AtMelConfig odd = *mel;
  odd.n_fft = odd.win = 448;
  g_autofree float *odd_fb = at_mel_filterbank (&odd);
  g_assert_null (at_mel_gpu_new (test_gpu (), &odd, odd_fb, &error));
  g_assert_error (error, AT_OP_ERROR, AT_OP_ERROR_SHAPE);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  AtMelConfig bad = *mel;
  bad.log_floor = 0;
  g_assert_null (at_mel_gpu_new (test_gpu (), &bad, fb, &error));
  g_assert_error (error, AT_MEL_ERROR, AT_MEL_ERROR_CONFIG);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *config_path = test_source_path ("resources", "models", "atelier-model.json", NULL);
  config = at_model_config_load (config_path, &error);
  g_assert_no_error (error);
  mel = &config->mel;
  fb = at_mel_filterbank (mel);
  mg = at_mel_gpu_new (test_gpu (), mel, fb, &error);
  g_assert_no_error (error);

  g_test_add_func ("/audio/mel-gpu/golden", test_golden);
  g_test_add_func ("/audio/mel-gpu/model-golden", test_model_golden);
  g_test_add_func ("/audio/mel-gpu/speech", test_speech);
  g_test_add_func ("/audio/mel-gpu/signals", test_signals);
  g_test_add_func ("/audio/mel-gpu/clip-lengths", test_clip_lengths);
  g_test_add_func ("/audio/mel-gpu/silence", test_silence);
  g_test_add_func ("/audio/mel-gpu/graph-and-replay", test_graph_and_replay);
  g_test_add_func ("/audio/mel-gpu/config-errors", test_config_errors);
  int ret = g_test_run ();
  at_mel_gpu_free (mg);
  g_free (fb);
  at_model_config_free (config);
  return ret;
}
