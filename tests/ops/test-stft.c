/* test-stft.c — the framed power spectrum (mixed-radix FFT in shared
 * memory) against FFTW in double (fftw_plan_dft_r2c_1d) on the same
 * windowed frames, for FFT sizes made of every supported radix: 2, 3, 5, 8,
 * 12, 60, 90, 400 (the model's), 512, 1125 and 2048 (the largest).
 *
 * Signals: uniform noise in [-1, 1) and a random window in [0, 1), with
 * hops shorter than, equal to and longer than the frame, and a wave that
 * ends inside the frames (the last ones partly or wholly zero-padded);
 * workgroups of 8 (CPU devices) and 64 (GPUs) invocations a frame, and for
 * the model's framing also 1 and 96.
 *
 * Tolerance: an fp32 FFT is accurate to ~ε·log2(n) of the frame's norm, so
 * bins are compared against the frame's energy, not their own size: every
 * |got − want| <= 2e-6 × the largest power of the test case, and the
 * normalised squared error <= 1e-12 (measured on lavapipe: at most 3.2e-7
 * and 2.5e-14). Frames wholly past the wave must be exactly 0.
 */
#include <math.h>

#include "fftw-ref.h"
#include "test-util.h"
#include "ops/stft.h"

#define MAX_NSE 1e-12
#define MAX_REL 2e-6

static void
check (int n, int hop, int n_frames, gsize n_wave, guint local_size)
{
  int bins = n / 2 + 1;
  gsize count = (gsize) n_frames * bins;
  g_autofree float *wave = test_random (n_wave, n + hop, -1, 1);
  g_autofree float *window = test_random (n, n + 1, 0, 1);
  g_autofree double *window_d = g_new (double, n);
  for (int i = 0; i < n; i++)
    window_d[i] = window[i];
  g_autofree double *exact = test_fftw_power (wave, n_wave, window_d, n, hop, n_frames);
  g_autofree float *want = g_new (float, count);
  for (gsize i = 0; i < count; i++)
    want[i] = exact[i];

  g_autoptr (AtTensor) twave = test_tensor_from_shape (wave, n_wave);
  g_autoptr (AtTensor) twindow = test_tensor_from_shape (window, n);
  g_autoptr (AtTensor) out = test_tensor_poisoned_shape (n_frames, bins);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtCmd) cmd = test_cmd_new ();
  g_assert_true (at_op_stft_power_full (cmd, twave, twindow, hop, local_size, out, &error));
  g_assert_no_error (error);
  test_submit (cmd);
  g_autofree float *got = test_download (out);

  double top = 0, worst = 0, err = 0, ref = 0;
  for (gsize i = 0; i < count; i++)
    top = MAX (top, want[i]);
  for (gsize i = 0; i < count; i++)
    {
      double d = (double) got[i] - want[i];
      worst = MAX (worst, fabs (d));
      err += d * d;
      ref += (double) want[i] * want[i];
    }
  g_autofree char *what = g_strdup_printf ("n_fft %d, hop %d, %d frames, %" G_GSIZE_FORMAT " samples, "
                                           "workgroup %u", n, hop, n_frames, n_wave, local_size);
  g_test_message ("%s: max error %.3g of the largest power, normalised squared error %.3g", what,
                  worst / top, err / ref);
  test_assert_close (what, got, want, count, MAX_NSE, MAX_REL * top);
  /* frames that start past the wave hold nothing */
  for (int t = 0; t < n_frames; t++)
    if ((gsize) hop * t >= n_wave)
      for (int k = 0; k < bins; k++)
        g_assert_cmpfloat (got[(gsize) t * bins + k], ==, 0.0f);
}

/* Both devices' workgroup sizes (CPU 8, GPU 64) at every size. */
static void
test_sizes (void)
{
  static const int sizes[] = { 2, 3, 5, 8, 12, 60, 90, 400, 512, 1125, 2048 };
  static const guint local_sizes[] = { 8, 64 };
  for (gsize s = 0; s < G_N_ELEMENTS (sizes); s++)
    for (gsize l = 0; l < G_N_ELEMENTS (local_sizes); l++)
      {
        int n = sizes[s];
        /* overlapping frames over a wave that ends inside the last few */
        check (n, MAX (1, n / 3), 9, (gsize) n * 3 + n / 2, local_sizes[l]);
        /* hop as long as the frame, and longer: gaps between frames */
        check (n, n, 4, (gsize) n * 4, local_sizes[l]);
        check (n, n + 7, 3, (gsize) n * 2, local_sizes[l]);
      }
}

/* The model's framing: 200 frames of 400 at hop 160 over a 2 s clip, with
 * the device's workgroup size (0), one invocation a frame, and a size that
 * divides none of the loops. */
static void
test_model_framing (void)
{
  static const guint local_sizes[] = { 0, 1, 96 };
  for (gsize l = 0; l < G_N_ELEMENTS (local_sizes); l++)
    {
      check (400, 160, 200, 32000, local_sizes[l]);
      check (400, 160, 200, 6400, local_sizes[l]);   /* a 0.4 s clip: most frames silent */
    }
}

static void
expect_error (int n, GQuark domain, int code)
{
  g_autofree float *window = test_random (n, 3, 0, 1);
  g_autoptr (AtTensor) wave = test_tensor_poisoned_shape (1000);
  g_autoptr (AtTensor) twindow = test_tensor_from_shape (window, n);
  g_autoptr (AtTensor) out = test_tensor_poisoned_shape (4, n / 2 + 1);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtCmd) cmd = test_cmd_new ();
  g_assert_false (at_op_stft_power (cmd, wave, twindow, 10, out, &error));
  g_assert_error (error, domain, code);
  g_test_message ("n_fft %d: %s", n, error->message);
  g_assert_cmpuint (at_cmd_get_n_dispatches (cmd), ==, 0);
}

static void
test_errors (void)
{
  /* prime factors other than 2, 3 and 5 */
  expect_error (7 * 8, AT_OP_ERROR, AT_OP_ERROR_SHAPE);
  expect_error (11, AT_OP_ERROR, AT_OP_ERROR_SHAPE);
  expect_error (2 * 3 * 5 * 7, AT_OP_ERROR, AT_OP_ERROR_SHAPE);
  /* too large for shared memory, and too small to transform */
  expect_error (4096, AT_GPU_ERROR, AT_GPU_ERROR_TOO_LARGE);
  expect_error (1, AT_GPU_ERROR, AT_GPU_ERROR_TOO_LARGE);

  /* an output that is not [n_frames, n_fft/2 + 1] */
  g_autofree float *window = test_random (400, 3, 0, 1);
  g_autoptr (AtTensor) wave = test_tensor_poisoned_shape (1000);
  g_autoptr (AtTensor) twindow = test_tensor_from_shape (window, 400);
  g_autoptr (AtTensor) out = test_tensor_poisoned_shape (4, 200);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtCmd) cmd = test_cmd_new ();
  test_assert_shape_error (at_op_stft_power (cmd, wave, twindow, 160, out, &error), &error);
  g_autoptr (AtTensor) good = test_tensor_poisoned_shape (4, 201);
  test_assert_shape_error (at_op_stft_power (cmd, wave, twindow, 0, good, &error), &error);
  g_assert_cmpuint (at_cmd_get_n_dispatches (cmd), ==, 0);

  /* the size check alone */
  g_assert_true (at_stft_check_size (400, NULL));
  g_assert_true (at_stft_check_size (2048, NULL));
  g_assert_false (at_stft_check_size (2 * 2 * 2 * 7 * 7, NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ops/stft/sizes", test_sizes);
  g_test_add_func ("/ops/stft/model-framing", test_model_framing);
  g_test_add_func ("/ops/stft/errors", test_errors);
  return g_test_run ();
}
