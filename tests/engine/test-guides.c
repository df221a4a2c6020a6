/* test-guides.c — what the sampler holds an image to, with the built-in
 * model: the known region of a mask, and the colour of coloured ink.
 *
 * The known-region invariant: every pixel farther than the feather from the
 * mask (Chebyshev distance, counted by brute force over the mask in plain C)
 * comes back exactly as it was in the init image, at the model's size and
 * at a larger output size; the inside of the mask is redrawn. The colour
 * hint: the mean hue around a ring drawn in red, blue or green (hue by
 * the plain-C HSV formula) lands near the ink's hue. Requests use
 * few steps and guidance 1 to stay quick on lavapipe. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "test-util.h"
#include "hue.h"

static AtEngine *engine;

/* A colourful gradient, so that any repainted pixel shows. */
static AtImage *
gradient (guint side)
{
  AtImage *img = at_image_new (side, side, 3);
  for (guint y = 0; y < side; y++)
    for (guint x = 0; x < side; x++)
      {
        guint8 *p = img->pixels + (y * side + x) * 3;
        p[0] = (guint8) (x * 255 / (side - 1));
        p[1] = (guint8) (y * 255 / (side - 1));
        p[2] = (guint8) ((x + y) * 127 / (side - 1));
      }
  return img;
}

/* White square [lo, hi)² on black. */
static AtImage *
square_mask (guint side, guint lo, guint hi)
{
  AtImage *mask = at_image_new (side, side, 1);
  for (guint y = lo; y < hi; y++)
    memset (mask->pixels + y * side + lo, 255, hi - lo);
  return mask;
}

static int
distance_to (const AtImage *mask, int x, int y, guint8 value)
{
  int best = G_MAXINT;
  for (int j = 0; j < (int) mask->height; j++)
    for (int i = 0; i < (int) mask->width; i++)
      if (mask->pixels[j * mask->width + i] == value)
        best = MIN (best, MAX (abs (i - x), abs (j - y)));
  return best;
}

static AtRequest *
masked_request (guint side, float feather)
{
  AtRequest *r = at_request_new ();
  r->prompt = g_strdup ("red apple");
  r->seed = 77;
  r->steps = 3;
  r->guidance = 1.0f;
  r->strength = 1.0f;
  r->init = gradient (side);
  r->mask = square_mask (side, side * 5 / 16, side * 11 / 16);
  r->mask_feather = feather;
  r->size = side;
  return r;
}

static AtImage *
generate_one (const AtRequest *r)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AtResult) result = at_engine_generate (engine, r, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  return at_image_copy (result->images->pdata[0]);
}

/* Returns the mean absolute change inside the mask's core. */
static double
check_known_region (const AtRequest *r, const AtImage *out)
{
  g_assert_cmpuint (out->width, ==, r->init->width);
  guint W = out->width, kept = 0, core = 0;
  double change = 0;
  for (guint y = 0; y < W; y++)
    for (guint x = 0; x < W; x++)
      {
        const guint8 *o = out->pixels + (y * W + x) * 3, *in = r->init->pixels + (y * W + x) * 3;
        if (distance_to (r->mask, x, y, 255) > r->mask_feather)
          {
            g_assert_cmpmem (o, 3, in, 3);
            kept++;
          }
        else if (distance_to (r->mask, x, y, 0) > r->mask_feather)
          {
            for (int c = 0; c < 3; c++)
              change += abs (o[c] - in[c]);
            core++;
          }
      }
  g_assert_cmpuint (kept, >, W * W / 2);
  g_assert_cmpuint (core, >, 0);
  return change / (3.0 * core);
}

static void
test_known_region_at_model_size (void)
{
  g_autoptr (AtRequest) r = masked_request (64, 3.0f);
  g_autoptr (AtImage) out = generate_one (r);
  double change = check_known_region (r, out);
  g_test_message ("mean change inside the mask: %.1f levels", change);
  g_assert_cmpfloat (change, >, 10.0);
}

/* A 128-pixel init and output: the model draws at 64, the composite is
 * made at 128, so kept pixels are the init's own, not a resampled copy. */
static void
test_known_region_at_output_size (void)
{
  g_autoptr (AtRequest) r = masked_request (128, 5.0f);
  g_autoptr (AtImage) out = generate_one (r);
  double change = check_known_region (r, out);
  g_assert_cmpfloat (change, >, 10.0);
}

/* The known region steers the denoiser at every step, so the masked
 * region differs from what the same seed draws without a mask. */
static void
test_known_region_guides_the_rest (void)
{
  g_autoptr (AtRequest) r = masked_request (64, 0.0f);
  g_autoptr (AtImage) masked = generate_one (r);
  g_clear_pointer (&r->mask, at_image_free);
  g_autoptr (AtImage) free_run = generate_one (r);
  double diff = 0;
  for (guint y = 24; y < 40; y++)
    for (guint x = 24; x < 40; x++)
      for (int c = 0; c < 3; c++)
        diff += abs (masked->pixels[(y * 64 + x) * 3 + c] - free_run->pixels[(y * 64 + x) * 3 + c]);
  diff /= 16 * 16 * 3;
  g_test_message ("inside the mask, masked vs unmasked run: %.2f levels apart", diff);
  g_assert_cmpfloat (diff, >, 1.0);
}

static void
test_bad_masks_are_explained (void)
{
  g_autoptr (AtRequest) r = masked_request (64, 3.0f);
  g_autoptr (GError) error = NULL;
  g_clear_pointer (&r->mask, at_image_free);
  r->mask = square_mask (48, 10, 20);
  g_assert_null (at_engine_generate (engine, r, NULL, NULL, NULL, &error));
  g_assert_error (error, AT_REQUEST_ERROR, AT_REQUEST_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "48×48"));
  g_assert_nonnull (strstr (error->message, "64×64"));
  g_clear_error (&error);

  g_clear_pointer (&r->init, at_image_free);
  g_assert_null (at_engine_generate (engine, r, NULL, NULL, NULL, &error));
  g_assert_error (error, AT_REQUEST_ERROR, AT_REQUEST_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "init image"));
  g_clear_error (&error);

  r->init = gradient (48);
  r->mask_feather = -1;
  g_assert_null (at_engine_generate (engine, r, NULL, NULL, NULL, &error));
  g_assert_error (error, AT_REQUEST_ERROR, AT_REQUEST_ERROR_INVALID);
}

/* A ring of ink of colour rgb on white, side pixels. */
static AtImage *
ring_sketch (guint side, const guint8 rgb[3])
{
  AtImage *img = at_image_new (side, side, 3);
  memset (img->pixels, 255, at_image_get_nbytes (img));
  for (guint y = 0; y < side; y++)
    for (guint x = 0; x < side; x++)
      {
        double d = hypot (x - side / 2.0, y - side / 2.0);
        if (fabs (d - side * 0.27) < side * 0.025)
          memcpy (img->pixels + (y * side + x) * 3, rgb, 3);
      }
  return img;
}

/* The mean colour of the output where the ring was drawn, as a hue. */
static double
ring_hue (const AtImage *out, const AtImage *sketch)
{
  g_autoptr (AtImage) ink = at_image_resize (sketch, out->width, out->height, AT_IMAGE_FILTER_BILINEAR);
  double sum[3] = { 0 }, n = 0;
  for (guint i = 0; i < out->width * out->height; i++)
    if (ink->pixels[i * 3] < 250 || ink->pixels[i * 3 + 1] < 250 || ink->pixels[i * 3 + 2] < 250)
      {
        for (int c = 0; c < 3; c++)
          sum[c] += out->pixels[i * 3 + c];
        n++;
      }
  g_assert_cmpfloat (n, >, 0);
  return test_hue_of (sum[0] / n, sum[1] / n, sum[2] / n);
}

static void
test_colour_hint_sets_hue (void)
{
  const struct {
    const char *name;
    guint8 rgb[3];
  } inks[] = { { "red", { 220, 30, 30 } }, { "blue", { 30, 60, 220 } }, { "green", { 30, 180, 40 } } };
  for (gsize k = 0; k < G_N_ELEMENTS (inks); k++)
    {
      g_autoptr (AtRequest) r = at_request_new ();
      r->prompt = g_strdup ("a ball");
      r->seed = 3;
      r->steps = 8;
      r->sketch = ring_sketch (128, inks[k].rgb);
      g_autoptr (AtImage) out = generate_one (r);
      const guint8 *ink = inks[k].rgb;
      double want = test_hue_of (ink[0], ink[1], ink[2]), got = ring_hue (out, r->sketch);
      g_test_message ("%s ink (hue %.0f°): the ring comes out at hue %.0f°", inks[k].name, want, got);
      g_assert_cmpfloat (test_hue_distance (got, want), <, 40.0);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_autoptr (GError) error = NULL;
  engine = at_engine_new (NULL, NULL, &error);
  g_assert_no_error (error);
  g_test_add_func ("/inpaint/known-region", test_known_region_at_model_size);
  g_test_add_func ("/inpaint/known-region-large", test_known_region_at_output_size);
  g_test_add_func ("/inpaint/guides-the-rest", test_known_region_guides_the_rest);
  g_test_add_func ("/inpaint/bad-masks", test_bad_masks_are_explained);
  g_test_add_func ("/colour-hint/hue", test_colour_hint_sets_hue);
  int status = g_test_run ();
  at_engine_free (engine);
  return status;
}
