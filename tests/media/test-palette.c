/* test-palette.c — CIELAB conversion against published values, and the
 * palette against brute-force checks over every pixel. */
#include <math.h>
#include <string.h>

#include "test-util.h"
#include "media/palette.h"

static double
delta_e (const double *a, const double *b)
{
  return sqrt ((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) + (a[2] - b[2]) * (a[2] - b[2]));
}

/* sRGB primaries and grays in CIELAB (D65), as Bruce Lindbloom's
 * calculator and colormath give them. */
static void
test_lab_reference (void)
{
  static const struct {
    guint8 rgb[3];
    double lab[3];
  } cases[] = {
    { { 255, 255, 255 }, { 100.0, 0.0, 0.0 } },
    { { 0, 0, 0 }, { 0.0, 0.0, 0.0 } },
    { { 255, 0, 0 }, { 53.2408, 80.0925, 67.2032 } },
    { { 0, 255, 0 }, { 87.7347, -86.1827, 83.1793 } },
    { { 0, 0, 255 }, { 32.2970, 79.1875, -107.8602 } },
    { { 128, 128, 128 }, { 53.5850, 0.0, 0.0 } },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      double lab[3];
      at_color_srgb_to_lab (cases[i].rgb[0], cases[i].rgb[1], cases[i].rgb[2], lab);
      g_assert_cmpfloat (delta_e (lab, cases[i].lab), <, 0.02);
    }
}

/* Three flat colours and transparent pixels: exactly three entries, the
 * colours themselves, every pixel labelled with its own. */
static void
test_flat_colours (void)
{
  static const guint8 colours[3][3] = { { 240, 120, 30 }, { 20, 30, 200 }, { 250, 250, 250 } };
  g_autoptr (AtImage) img = at_image_new (60, 40, 4);
  for (guint y = 0; y < 40; y++)
    for (guint x = 0; x < 60; x++)
      {
        guint8 *p = img->pixels + ((gsize) y * 60 + x) * 4;
        guint k = x / 20;
        memcpy (p, colours[k], 3);
        p[3] = y < 10 ? 0 : 255;   /* a transparent band on top */
      }
  AtPalette palette;
  g_autofree guint8 *labels = g_new (guint8, 60 * 40);
  at_palette_quantize (img, 8, 2.0, &palette, labels);
  g_assert_cmpuint (palette.n_colors, ==, 3);
  g_assert_cmpfloat (palette.mean_error, <, 1.0);
  for (guint y = 0; y < 40; y++)
    for (guint x = 0; x < 60; x++)
      {
        guint8 l = labels[y * 60 + x];
        if (y < 10)
          {
            g_assert_cmpuint (l, ==, AT_PALETTE_TRANSPARENT);
            continue;
          }
        g_assert_cmpuint (l, <, 3);
        g_assert_cmpmem (palette.rgb[l], 3, colours[x / 20], 3);
      }
  guint64 total = 0;
  for (guint c = 0; c < 3; c++)
    total += palette.count[c];
  g_assert_cmpuint (total, ==, 60 * 30);
}

/* A smooth gradient needs every colour it may have: the cap is reached,
 * counts add up, every pixel's colour is its nearest in CIELAB, and the
 * reported mean error matches a recount. */
static void
test_gradient_hits_cap (void)
{
  g_autoptr (AtImage) img = at_image_new (128, 64, 3);
  for (guint y = 0; y < 64; y++)
    for (guint x = 0; x < 128; x++)
      {
        guint8 *p = img->pixels + ((gsize) y * 128 + x) * 3;
        p[0] = x * 2;
        p[1] = 255 - y * 4;
        p[2] = (x + y) % 256;
      }
  for (guint cap = 2; cap <= 12; cap += 5)
    {
      AtPalette palette;
      g_autofree guint8 *labels = g_new (guint8, 128 * 64);
      at_palette_quantize (img, cap, 1.0, &palette, labels);
      g_assert_cmpuint (palette.n_colors, ==, cap);
      double err = 0;
      guint64 counts[AT_PALETTE_MAX_COLORS] = { 0 };
      for (gsize i = 0; i < 128 * 64; i++)
        {
          const guint8 *p = img->pixels + i * 3;
          double lab[3];
          at_color_srgb_to_lab (p[0], p[1], p[2], lab);
          double nearest = G_MAXDOUBLE;
          for (guint c = 0; c < palette.n_colors; c++)
            nearest = MIN (nearest, delta_e (lab, palette.lab[c]));
          g_assert_cmpuint (labels[i], <, palette.n_colors);
          double own = delta_e (lab, palette.lab[labels[i]]);
          g_assert_cmpfloat (own, <=, nearest + 1e-9);
          err += own;
          counts[labels[i]]++;
        }
      for (guint c = 0; c < palette.n_colors; c++)
        g_assert_cmpuint (counts[c], ==, palette.count[c]);
      g_assert_cmpfloat (fabs (err / (128 * 64) - palette.mean_error), <, 1e-6);
    }
}

/* The count is chosen per image: more distinct colours, more entries. */
static void
test_count_follows_image (void)
{
  guint found[3];
  for (guint n = 2; n <= 4; n++)
    {
      g_autoptr (AtImage) img = at_image_new (64, 64, 3);
      for (gsize i = 0; i < 64 * 64; i++)
        {
          guint k = (i % 64) * n / 64;
          guint8 *p = img->pixels + i * 3;
          p[0] = 40 + 60 * k;
          p[1] = 200 - 50 * k;
          p[2] = (k % 2) * 180;
        }
      AtPalette palette;
      g_autofree guint8 *labels = g_new (guint8, 64 * 64);
      at_palette_quantize (img, 8, 3.0, &palette, labels);
      found[n - 2] = palette.n_colors;
    }
  g_assert_cmpuint (found[0], ==, 2);
  g_assert_cmpuint (found[1], ==, 3);
  g_assert_cmpuint (found[2], ==, 4);
}

static void
test_all_transparent (void)
{
  g_autoptr (AtImage) img = at_image_new (8, 8, 4);
  AtPalette palette;
  guint8 labels[64];
  at_palette_quantize (img, 8, 3.0, &palette, labels);
  g_assert_cmpuint (palette.n_colors, ==, 0);
  for (int i = 0; i < 64; i++)
    g_assert_cmpuint (labels[i], ==, AT_PALETTE_TRANSPARENT);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/palette/lab-reference", test_lab_reference);
  g_test_add_func ("/palette/flat-colours", test_flat_colours);
  g_test_add_func ("/palette/gradient-hits-cap", test_gradient_hits_cap);
  g_test_add_func ("/palette/count-follows-image", test_count_follows_image);
  g_test_add_func ("/palette/all-transparent", test_all_transparent);
  return g_test_run ();
}
