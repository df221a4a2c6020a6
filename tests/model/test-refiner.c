/* test-refiner.c — the 64 → 256 px refiner on the engine against PyTorch
 * (tests/data/refiner_golden.safetensors, written by
 * `tools/train/refiner.py golden` from the shipped fp16 weights), the
 * host-side enlargement against F.interpolate's, and the RGBA/white
 * conversions against their definition.
 *
 * Tolerance: the same fp32 network computed with other summation orders;
 * 8 convolution layers deep, so a normalised squared error below 1e-8 and
 * a maximum absolute error of 1e-3. */
#include <math.h>

#include "test-util.h"
#include "model/refiner.h"
#include "model/safetensors.h"

static AtRefiner *refiner;
static AtSafetensors *golden;

#define golden_f32(name, n) test_safetensors_f32 (golden, name, n)

static void
test_enlarge (void)
{
  int in = at_refiner_get_in_size (refiner), out = at_refiner_get_out_size (refiner);
  g_autofree float *low = golden_f32 ("low", NULL);
  g_autofree float *want = golden_f32 ("up", NULL);
  g_autofree float *got = g_new (float, 3 * (gsize) out * out);
  at_refiner_enlarge (low, 3, in, out / in, got);
  test_assert_close ("enlarge", got, want, 3 * (gsize) out * out, 1e-12, 1e-5);
}

static void
test_forward (void)
{
  int out = at_refiner_get_out_size (refiner);
  gsize plane = (gsize) out * out;
  g_autofree float *low = golden_f32 ("low", NULL);
  g_autofree float *sketch = golden_f32 ("sketch", NULL);
  g_autofree float *want_rgb = golden_f32 ("rgb", NULL);
  g_autofree float *want_alpha = golden_f32 ("alpha", NULL);
  g_autofree float *rgb = NULL, *alpha = NULL;
  g_autoptr (GError) error = NULL;
  g_assert_true (at_refiner_run (refiner, low, sketch, &rgb, &alpha, &error));
  g_assert_no_error (error);
  test_assert_close ("rgb", rgb, want_rgb, 3 * plane, 1e-8, 1e-3);
  test_assert_close ("alpha", alpha, want_alpha, plane, 1e-8, 1e-3);
}

/* White: colour over white by alpha; transparent: straight colour + alpha. */
static void
test_to_image (void)
{
  const int n = 4;
  float rgb[3 * 16], alpha[16];
  for (int i = 0; i < 16; i++)
    {
      alpha[i] = i / 15.0f;
      for (int c = 0; c < 3; c++)
        rgb[c * 16 + i] = -1.0f + 2.0f * ((i * 7 + c * 5) % 16) / 15.0f;
    }
  g_autoptr (AtImage) white = at_refiner_to_image (rgb, alpha, n, FALSE);
  g_autoptr (AtImage) clear = at_refiner_to_image (rgb, alpha, n, TRUE);
  g_assert_cmpuint (white->channels, ==, 3);
  g_assert_cmpuint (clear->channels, ==, 4);
  for (int i = 0; i < 16; i++)
    {
      g_assert_cmpint (clear->pixels[i * 4 + 3], ==, (int) lrintf (alpha[i] * 255));
      for (int c = 0; c < 3; c++)
        {
          double v = (rgb[c * 16 + i] + 1) / 2;
          g_assert_cmpint (clear->pixels[i * 4 + c], ==, (int) lrint (v * 255));
          g_assert_cmpfloat (fabs (white->pixels[i * 3 + c] - (v * alpha[i] + 1 - alpha[i]) * 255), <=, 0.5001);
        }
    }
}

/* A folder without the refiner's files gets an error naming the file. */
static void
test_missing (void)
{
  g_autofree char *dir = test_tmp_path ("no-refiner");
  g_mkdir_with_parents (dir, 0700);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtRefiner) r = at_refiner_load (test_gpu (), dir, &error);
  g_assert_null (r);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "atelier-refiner.json"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = test_source_path ("resources", "models", NULL);
  g_autofree char *path = test_source_path ("tests", "data", "refiner_golden.safetensors", NULL);
  refiner = at_refiner_load (test_gpu (), dir, &error);
  g_assert_no_error (error);
  golden = at_safetensors_open (path, &error);
  g_assert_no_error (error);
  g_test_add_func ("/refiner/enlarge", test_enlarge);
  g_test_add_func ("/refiner/forward", test_forward);
  g_test_add_func ("/refiner/to-image", test_to_image);
  g_test_add_func ("/refiner/missing", test_missing);
  int status = g_test_run ();
  at_safetensors_free (golden);
  at_refiner_free (refiner);
  return status;
}
