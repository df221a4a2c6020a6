/* test-mel-gpu.c — mel energies from the engine's operators (DFT as a
 * matrix product, square, filterbank product) against the CPU's double-
 * precision at_log_mel(), which itself matches FFTW to 1.2e-7
 * (tests/audio/test-audio.c).
 *
 * Tolerance, on the log-mel features: max abs error <= 1e-3 and normalised
 * squared error <= 1e-9 (measured on lavapipe: 7.8e-5 on the golden wave,
 * under 5e-7 on noise). The spectrum is fp32 with 400-term sums, accurate
 * to ~1e-7 of a frame's energy like PyTorch's float32 rfft; the worst
 * feature is the weakest band of a loud frame, just above log_floor, as in
 * the PyTorch golden data. */
#include <math.h>

#include "test-util.h"
#include "audio/mel.h"
#include "audio/mel-gpu.h"
#include "model/config.h"
#include "model/safetensors.h"

#define MAX_ABS 1e-3
#define MAX_NSE 1e-9

static AtModelConfig *config;
static float *fb, *golden_wave;
static gsize golden_n;

static void
check (AtMelGpu *mg, const char *what, const float *wave, gsize n)
{
  const AtMelConfig *mel = &config->mel;
  gsize count = (gsize) mel->n_frames * mel->n_mels;
  g_autoptr (GError) error = NULL;
  g_autofree float *want = at_log_mel (mel, fb, wave, n, &error);
  g_assert_no_error (error);
  g_autofree float *got = at_mel_gpu_log_mel (mg, wave, n, &error);
  g_assert_no_error (error);
  double worst = 0;
  for (gsize i = 0; i < count; i++)
    worst = MAX (worst, fabs ((double) got[i] - want[i]));
  g_test_message ("%s: max abs error %.3g", what, worst);
  test_assert_close (what, got, want, count, MAX_NSE, MAX_ABS);
}

static void
test_features (void)
{
  const AtMelConfig *mel = &config->mel;
  g_autoptr (GError) error = NULL;
  g_autoptr (AtMelGpu) mg = at_mel_gpu_new (test_gpu (), mel, fb, &error);
  g_assert_no_error (error);

  check (mg, "golden wave", golden_wave, golden_n);
  g_autofree float *noise = test_random (mel->clip_samples + 5000, 21, -0.5f, 0.5f);
  check (mg, "noise, longer than the clip", noise, mel->clip_samples + 5000);
  check (mg, "0.4 s of noise", noise, 6400);
  g_autofree float *quiet = g_new (float, mel->clip_samples);
  for (int i = 0; i < mel->clip_samples; i++)
    quiet[i] = 3e-4 * sin (2 * G_PI * 300.0 * i / mel->sample_rate) + 1e-5 * noise[i];
  check (mg, "near the floor", quiet, mel->clip_samples);
  check (mg, "silence", NULL, 0);
}

/* One recorded command serves every clip: only the frames change. */
static void
test_replay (void)
{
  const AtMelConfig *mel = &config->mel;
  gsize count = (gsize) mel->n_frames * mel->n_mels;
  g_autoptr (GError) error = NULL;
  g_autoptr (AtMelGpu) mg = at_mel_gpu_new (test_gpu (), mel, fb, &error);
  g_assert_no_error (error);
  g_autoptr (AtTensor) energies = test_tensor_poisoned_shape (mel->n_frames, mel->n_mels);
  g_autoptr (AtCmd) cmd = at_cmd_new (test_gpu (), &error);
  g_assert_true (at_mel_gpu_record (mg, cmd, energies, &error));
  g_assert_no_error (error);

  g_autoptr (AtTensor) wrong = test_tensor_poisoned_shape (mel->n_mels, mel->n_frames);
  g_assert_false (at_mel_gpu_record (mg, cmd, wrong, &error));
  g_assert_error (error, AT_OP_ERROR, AT_OP_ERROR_SHAPE);
  g_clear_error (&error);

  for (guint32 seed = 1; seed <= 3; seed++)
    {
      g_autofree float *wave = test_random (mel->clip_samples, seed, -0.3f, 0.3f);
      g_assert_true (at_mel_gpu_set_wave (mg, wave, mel->clip_samples, &error));
      test_submit (cmd);
      g_autofree float *got = test_download (energies);
      g_autofree float *feat = at_log_mel (mel, fb, wave, mel->clip_samples, &error);
      g_assert_no_error (error);
      /* back from features to energies for the reference */
      g_autofree float *want = g_new (float, count);
      for (gsize i = 0; i < count; i++)
        {
          want[i] = exp (feat[i] * mel->log_div - mel->log_offset);
          got[i] = MAX (got[i], mel->log_floor);
        }
      test_assert_close ("replayed energies", got, want, count, 1e-8, 1e-1);
    }

  g_autofree float *bad = g_new0 (float, 100);
  bad[50] = INFINITY;
  g_assert_false (at_mel_gpu_set_wave (mg, bad, 100, &error));
  g_assert_error (error, AT_MEL_ERROR, AT_MEL_ERROR_INPUT);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_autoptr (GError) error = NULL;
  const char *root = g_getenv ("MESON_SOURCE_ROOT");
  g_assert_nonnull (root);
  g_autofree char *config_path = g_build_filename (root, "resources", "models",
                                                   "atelier-model.json", NULL);
  config = at_model_config_load (config_path, &error);
  g_assert_no_error (error);
  fb = at_mel_filterbank (&config->mel);
  g_autofree char *golden = g_build_filename (root, "tests", "data", "mel_golden.safetensors", NULL);
  g_autoptr (AtSafetensors) st = at_safetensors_open (golden, &error);
  g_assert_no_error (error);
  g_assert_true (at_safetensors_get_f32 (st, "wave", 1, NULL, &golden_wave, &golden_n, &error));
  g_assert_no_error (error);

  g_test_add_func ("/audio/mel-gpu/features", test_features);
  g_test_add_func ("/audio/mel-gpu/replay", test_replay);
  int ret = g_test_run ();
  g_free (fb);
  g_free (golden_wave);
  at_model_config_free (config);
  return ret;
}
