/* test-upscale.c — the upscale stage's non-learned path.
 *
 * Bicubic enlargement is checked against a direct two-dimensional
 * evaluation of Catmull-Rom's kernel (clamped at the edges) in double
 * precision: within 1 level after rounding. The transparent-background
 * fallback is checked on a drawn subject with a known colour: the ground
 * becomes transparent (a speck of grain on it too), the subject and a
 * white highlight enclosed by it stay opaque, and the soft edge is
 * un-mixed back to the subject's colour.
 */
#include <math.h>
#include <string.h>

#include "asset-fixture.h"
#include "test-util.h"
#include "media/palette.h"
#include "request.h"
#include "upscale.h"

static double
keys_cubic (double t)
{
  t = fabs (t);
  if (t < 1)
    return 1.5 * t * t * t - 2.5 * t * t + 1;
  if (t < 2)
    return -0.5 * t * t * t + 2.5 * t * t - 4 * t + 2;
  return 0;
}

static double
reference_bicubic (const AtImage *src, guint size, guint x, guint y, int c)
{
  double scale = (double) src->width / size;
  double sx = (x + 0.5) * scale - 0.5, sy = (y + 0.5) * scale - 0.5, acc = 0;
  for (int j = (int) floor (sy) - 1; j <= (int) floor (sy) + 2; j++)
    for (int i = (int) floor (sx) - 1; i <= (int) floor (sx) + 2; i++)
      {
        int ci = CLAMP (i, 0, (int) src->width - 1), cj = CLAMP (j, 0, (int) src->height - 1);
        acc += keys_cubic (sx - i) * keys_cubic (sy - j) * src->pixels[((gsize) cj * src->width + ci) * 3 + c];
      }
  return CLAMP (acc, 0, 255);
}

static void
test_bicubic_white (void)
{
  g_autoptr (AtImage) base = asset_fixture_fish (64, FALSE, 12);
  for (int size = 128; size <= 512; size *= 2)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (AtImage) out = at_upscale_image (NULL, base, NULL, size, AT_BACKGROUND_WHITE, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (out->width, ==, size);
      g_assert_cmpuint (out->height, ==, size);
      g_assert_cmpuint (out->channels, ==, 4);
      for (guint y = 0; y < (guint) size; y++)
        for (guint x = 0; x < (guint) size; x++)
          {
            const guint8 *p = out->pixels + ((gsize) y * size + x) * 4;
            g_assert_cmpuint (p[3], ==, 255);
            for (int c = 0; c < 3; c++)
              g_assert_cmpfloat (fabs (p[c] - reference_bicubic (base, size, x, y, c)), <=, 1.0);
          }
    }
}

/* The native size passes through unchanged. */
static void
test_native_passes_through (void)
{
  g_autoptr (AtImage) base = asset_fixture_fish (64, FALSE, 5);
  g_autoptr (AtImage) out = at_upscale_image (NULL, base, NULL, 64, AT_BACKGROUND_WHITE, NULL, NULL);
  for (gsize i = 0; i < 64 * 64; i++)
    {
      g_assert_cmpmem (out->pixels + i * 4, 3, base->pixels + i * 3, 3);
      g_assert_cmpuint (out->pixels[i * 4 + 3], ==, 255);
    }
}

static double
delta_e_rgb (const guint8 *a, const guint8 *b)
{
  double la[3], lb[3];
  at_color_srgb_to_lab (a[0], a[1], a[2], la);
  at_color_srgb_to_lab (b[0], b[1], b[2], lb);
  return sqrt ((la[0] - lb[0]) * (la[0] - lb[0]) + (la[1] - lb[1]) * (la[1] - lb[1]) + (la[2] - lb[2]) * (la[2] - lb[2]));
}

static void
test_transparent_fallback (void)
{
  /* the same fish drawn on white at 64 px and with true alpha at 256 */
  g_autoptr (AtImage) base = asset_fixture_fish (64, FALSE, 4);
  g_autoptr (AtImage) truth = asset_fixture_fish (256, TRUE, 0);
  /* a speck of grain on the ground, one model pixel: cleared */
  memcpy (base->pixels + (5 * 64 + 5) * 3, (guint8[]) { 200, 40, 120 }, 3);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtImage) out = at_upscale_image (NULL, base, NULL, 256, AT_BACKGROUND_TRANSPARENT, NULL, &error);
  g_assert_no_error (error);
  gsize n = 256 * 256, both = 0, either = 0, ramp = 0, ramp_far = 0;
  for (gsize i = 0; i < n; i++)
    {
      const guint8 *p = out->pixels + i * 4, *t = truth->pixels + i * 4;
      gboolean fo = p[3] >= 128, ft = t[3] >= 128;
      both += fo && ft;
      either += fo || ft;
      if (t[3] == 0 && p[3] > 0)
        {
          /* ground far from the subject is fully transparent */
          guint x = i % 256, y = i / 256;
          gboolean near = FALSE;
          for (int dy = -6; dy <= 6 && !near; dy++)
            for (int dx = -6; dx <= 6 && !near; dx++)
              {
                int xx = CLAMP ((int) x + dx, 0, 255), yy = CLAMP ((int) y + dy, 0, 255);
                near = truth->pixels[((gsize) yy * 256 + xx) * 4 + 3] > 0;
              }
          g_assert_true (near);
        }
      /* partly transparent edge pixels of the body: un-mixed to orange */
      if (p[3] > 64 && p[3] < 224)
        {
          ramp++;
          if (t[3] > 0 && memcmp (t, asset_fixture_orange, 3) == 0 && delta_e_rgb (p, asset_fixture_orange) > 20)
            ramp_far++;
        }
    }
  double iou = (double) both / either;
  g_test_message ("fallback alpha: IoU %.3f against the true alpha; %" G_GSIZE_FORMAT " edge pixels, %"
                  G_GSIZE_FORMAT " off-colour", iou, ramp, ramp_far);
  g_assert_cmpfloat (iou, >=, 0.9);
  g_assert_cmpuint (ramp, >, 0);
  g_assert_cmpuint (ramp_far, <=, ramp / 10);
  /* the glint (white, enclosed by the eye) stays opaque: the fixture puts
   * it at (0.26, 0.44) */
  const guint8 *glint = out->pixels + ((gsize) (0.44 * 256) * 256 + (gsize) (0.26 * 256)) * 4;
  g_assert_cmpuint (glint[3], ==, 255);
  g_assert_cmpuint (glint[0], >, 200);
  /* corners are ground */
  g_assert_cmpuint (out->pixels[3], ==, 0);
  g_assert_cmpuint (out->pixels[(n - 1) * 4 + 3], ==, 0);
}

static void
test_bad_arguments (void)
{
  g_autoptr (AtImage) base = asset_fixture_fish (64, FALSE, 0);
  g_autoptr (GError) error = NULL;
  g_assert_null (at_upscale_image (NULL, base, NULL, 100, AT_BACKGROUND_WHITE, NULL, &error));
  g_assert_error (error, AT_REQUEST_ERROR, AT_REQUEST_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "64, 128, 256 or 512"));
  g_clear_error (&error);

  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_cancellable_cancel (cancellable);
  g_assert_null (at_upscale_image (NULL, base, NULL, 256, AT_BACKGROUND_WHITE, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  static const guint sides[][2] = { { 1, 1 }, { 300, 200 }, { 15, 15 } };
  for (guint i = 0; i < G_N_ELEMENTS (sides); i++)
    {
      g_autoptr (AtImage) sketch = at_image_new (sides[i][0], sides[i][1], 1);
      g_assert_false (at_upscale_check_sketch (sketch, &error));
      g_assert_error (error, AT_REQUEST_ERROR, AT_REQUEST_ERROR_INVALID);
      g_autofree char *size = g_strdup_printf ("%u × %u", sides[i][0], sides[i][1]);
      g_assert_nonnull (strstr (error->message, size));
      g_clear_error (&error);
    }
  g_autoptr (AtImage) square = at_image_new (512, 512, 1);
  g_assert_true (at_upscale_check_sketch (square, &error));
}

static void
test_background_names (void)
{
  AtBackground bg;
  g_assert_true (at_background_from_string ("transparent", &bg));
  g_assert_cmpint (bg, ==, AT_BACKGROUND_TRANSPARENT);
  g_assert_cmpstr (at_background_to_string (bg), ==, "transparent");
  g_assert_true (at_background_from_string ("white", &bg));
  g_assert_cmpstr (at_background_to_string (bg), ==, "white");
  g_assert_false (at_background_from_string ("green", &bg));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/upscale/bicubic-white", test_bicubic_white);
  g_test_add_func ("/upscale/native-passes-through", test_native_passes_through);
  g_test_add_func ("/upscale/transparent-fallback", test_transparent_fallback);
  g_test_add_func ("/upscale/bad-arguments", test_bad_arguments);
  g_test_add_func ("/upscale/background-names", test_background_names);
  return g_test_run ();
}
