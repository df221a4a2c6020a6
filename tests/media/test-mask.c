/* test-mask.c — inpainting masks against plain-C references: the feather
 * as a direct 2-D convolution in double (not separable passes), the reach
 * of the feather counted by brute force, how grey and transparent mask
 * pixels read, and the composite as its formula. */
#include <math.h>
#include <string.h>

#include "media/mask.h"
#include "test-util.h"

/* The blur written the slow way: every output pixel sums its whole
 * (2r+1)² window of edge-clamped inputs with the product kernel. */
static double *
feather_reference (const float *w, int width, int height, float radius)
{
  double *out = g_new0 (double, (gsize) width * height);
  int r = (int) ceil (radius - 1e-4);
  double sigma = radius / 3.0, total = 0;
  for (int k = -r; k <= r; k++)
    total += exp (-0.5 * k * k / (sigma * sigma));
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        double sum = 0;
        for (int dy = -r; dy <= r; dy++)
          for (int dx = -r; dx <= r; dx++)
            {
              int sx = CLAMP (x + dx, 0, width - 1), sy = CLAMP (y + dy, 0, height - 1);
              double k = exp (-0.5 * (dx * dx + dy * dy) / (sigma * sigma)) / (total * total);
              sum += k * w[sy * width + sx];
            }
        out[y * width + x] = sum;
      }
  return out;
}

static void
test_feather_matches_2d_convolution (void)
{
  const int sizes[][2] = { { 17, 9 }, { 32, 32 }, { 5, 40 } };
  const float radii[] = { 0.5f, 1.0f, 2.5f, 6.0f };
  for (gsize s = 0; s < G_N_ELEMENTS (sizes); s++)
    for (gsize r = 0; r < G_N_ELEMENTS (radii); r++)
      {
        int W = sizes[s][0], H = sizes[s][1];
        g_autofree float *w = test_random ((gsize) W * H, 30 + s, 0.0f, 1.0f);
        g_autofree double *want = feather_reference (w, W, H, radii[r]);
        at_mask_feather (w, W, H, radii[r]);
        for (int i = 0; i < W * H; i++)
          g_assert_cmpfloat_with_epsilon (w[i], want[i], 1e-5);
      }
}

/* Chebyshev distance from (x, y) to the nearest pixel of value v, by brute force. */
static int
distance_to (const guint8 *px, int W, int H, int x, int y, guint8 v)
{
  int best = G_MAXINT;
  for (int j = 0; j < H; j++)
    for (int i = 0; i < W; i++)
      if (px[j * W + i] == v)
        best = MIN (best, MAX (ABS (i - x), ABS (j - y)));
  return best;
}

/* A hard-edged mask: beyond the feather outside it the weight is exactly
 * 0, beyond it inside exactly 1, and in the band strictly between. */
static void
test_feather_reach (void)
{
  const int W = 40, H = 30;
  const float feather = 4.0f;
  g_autoptr (AtImage) mask = at_image_new (W, H, 1);
  for (int y = 8; y < 20; y++)
    for (int x = 10; x < 31; x++)
      mask->pixels[y * W + x] = 255;
  g_autofree float *w = at_mask_weights (mask, W, H, feather);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      {
        float v = w[y * W + x];
        if (distance_to (mask->pixels, W, H, x, y, 255) > feather)
          g_assert_cmpfloat (v, ==, 0.0f);
        else if (distance_to (mask->pixels, W, H, x, y, 0) > feather)
          g_assert_cmpfloat (v, ==, 1.0f);
        else
          g_assert_true (v > 0.0f && v < 1.0f);
      }
}

/* Grey repaints partly; RGB reads as its luma; transparent keeps. */
static void
test_mask_levels (void)
{
  g_autoptr (AtImage) gray = at_image_new (2, 1, 1);
  gray->pixels[0] = 51, gray->pixels[1] = 255;
  g_autofree float *wg = at_mask_weights (gray, 2, 1, 0);
  g_assert_cmpfloat_with_epsilon (wg[0], 0.2f, 1e-6);
  g_assert_cmpfloat (wg[1], ==, 1.0f);

  g_autoptr (AtImage) rgba = at_image_new (3, 1, 4);
  const guint8 px[] = { 255, 255, 255, 0, /* white, transparent */
                        255, 255, 255, 255, /* white, opaque */
                        255, 0, 0, 255 };   /* red: luma 76 */
  memcpy (rgba->pixels, px, sizeof px);
  g_autofree float *wa = at_mask_weights (rgba, 3, 1, 0);
  g_assert_cmpfloat (wa[0], ==, 0.0f);
  g_assert_cmpfloat (wa[1], ==, 1.0f);
  g_assert_cmpfloat_with_epsilon (wa[2], 76 / 255.0f, 1e-6);
  g_assert_true (at_mask_is_empty (gray) == FALSE);
  g_autoptr (AtImage) none = at_image_new (4, 4, 4);
  g_assert_true (at_mask_is_empty (none));
}

/* out = w gen + (1 - w) base for every channel, with w from
 * at_mask_weights, and base taken at the generated image's size. */
static void
test_composite_formula (void)
{
  const int W = 24, H = 16;
  g_autoptr (AtImage) gen = at_image_new (W, H, 3);
  g_autoptr (AtImage) base = at_image_new (W, H, 3);
  g_autofree float *a = test_random ((gsize) W * H * 3, 1, 0, 255);
  g_autofree float *b = test_random ((gsize) W * H * 3, 2, 0, 255);
  for (int i = 0; i < W * H * 3; i++)
    gen->pixels[i] = (guint8) a[i], base->pixels[i] = (guint8) b[i];
  g_autoptr (AtImage) mask = at_image_new (W, H, 1);
  for (int y = 4; y < 12; y++)
    for (int x = 6; x < 14; x++)
      mask->pixels[y * W + x] = 255;
  g_autoptr (AtImage) out = at_mask_composite (gen, base, mask, 2.0f);
  g_autofree float *w = at_mask_weights (mask, W, H, 2.0f);
  for (int i = 0; i < W * H; i++)
    for (int c = 0; c < 3; c++)
      {
        double want = w[i] * gen->pixels[i * 3 + c] + (1 - w[i]) * base->pixels[i * 3 + c];
        g_assert_cmpfloat (fabs (out->pixels[i * 3 + c] - want), <=, 0.5 + 1e-4);
      }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mask/feather-2d", test_feather_matches_2d_convolution);
  g_test_add_func ("/mask/feather-reach", test_feather_reach);
  g_test_add_func ("/mask/levels", test_mask_levels);
  g_test_add_func ("/mask/composite", test_composite_formula);
  return g_test_run ();
}
