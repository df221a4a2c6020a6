/* upscale.c — the upscale stage's non-learned path: bicubic enlargement
 * and, for a transparent background, alpha from the background colour. */
#define G_LOG_DOMAIN "atelier-engine"

#include <math.h>
#include <string.h>

#include "conditioning.h"
#include "media/palette.h"
#include "model/refiner.h"
#include "request.h"
#include "upscale.h"

static const int SIZES[] = { 64, 128, 256, 512 };

/* Fallback alpha: ΔE*ab from the background colour below which a pixel is
 * all background, and above which it is all subject. Between them the
 * edge ramps; the model's grain on a white ground stays under ~6. */
#define BG_DE_LO 8.0
#define BG_DE_HI 24.0

const char *
at_background_to_string (AtBackground background)
{
  return background == AT_BACKGROUND_TRANSPARENT ? "transparent" : "white";
}

gboolean
at_background_from_string (const char *name, AtBackground *background)
{
  if (g_strcmp0 (name, "white") == 0)
    *background = AT_BACKGROUND_WHITE;
  else if (g_strcmp0 (name, "transparent") == 0)
    *background = AT_BACKGROUND_TRANSPARENT;
  else
    return FALSE;
  return TRUE;
}

gboolean
at_upscale_size_is_valid (int size)
{
  for (guint i = 0; i < G_N_ELEMENTS (SIZES); i++)
    if (size == SIZES[i])
      return TRUE;
  return FALSE;
}

const char *
at_upscale_sizes_text (void)
{
  return "64, 128, 256 or 512";
}

gboolean
at_upscale_check_sketch (const AtImage *sketch, GError **error)
{
  g_return_val_if_fail (sketch != NULL, FALSE);
  if (sketch->width < AT_UPSCALE_MIN_SKETCH || sketch->height < AT_UPSCALE_MIN_SKETCH)
    {
      g_set_error (error, AT_REQUEST_ERROR, AT_REQUEST_ERROR_INVALID,
                   "The sketch is %u × %u pixels; draw it at least %d × %d (512 × 512 works best)", sketch->width,
                   sketch->height, AT_UPSCALE_MIN_SKETCH, AT_UPSCALE_MIN_SKETCH);
      return FALSE;
    }
  if (sketch->width != sketch->height)
    {
      g_set_error (error, AT_REQUEST_ERROR, AT_REQUEST_ERROR_INVALID,
                   "The sketch is %u × %u pixels, but images are square: crop or pad it to %u × %u",
                   sketch->width, sketch->height, MAX (sketch->width, sketch->height),
                   MAX (sketch->width, sketch->height));
      return FALSE;
    }
  return TRUE;
}

const char *
at_upscale_describe (AtRefiner *refiner, AtBackground background)
{
  if (refiner != NULL)
    return background == AT_BACKGROUND_TRANSPARENT ? "refiner (alpha predicted)" : "refiner";
  return background == AT_BACKGROUND_TRANSPARENT ? "bicubic, alpha from the background colour (fallback)"
                                                 : "bicubic";
}

static int
compare_bytes (const void *a, const void *b)
{
  return *(const guint8 *) a - *(const guint8 *) b;
}

/* The background colour: the median of each channel around the border. */
static void
border_colour (const AtImage *img, guint8 rgb[3])
{
  guint w = img->width, h = img->height, n = 0;
  g_autofree guint8 *v = g_new (guint8, (gsize) 2 * (w + h) * 3);
  for (guint y = 0; y < h; y++)
    for (guint x = 0; x < w; x++)
      if (y == 0 || x == 0 || y == h - 1 || x == w - 1)
        {
          memcpy (v + (gsize) n * 3, img->pixels + ((gsize) y * w + x) * img->channels, 3);
          n++;
        }
  g_autofree guint8 *channel = g_new (guint8, n);
  for (int c = 0; c < 3; c++)
    {
      for (guint i = 0; i < n; i++)
        channel[i] = v[(gsize) i * 3 + c];
      qsort (channel, n, 1, compare_bytes);
      rgb[c] = channel[n / 2];
    }
}

/* Marks in `outside` the pixels closer than BG_DE_HI to the background
 * and connected (4-neighbours) to the border through such pixels. */
static void
flood_from_border (const float *de, guint w, guint h, guint8 *outside)
{
  g_autoptr (GArray) stack = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint y = 0; y < h; y++)
    for (guint x = 0; x < w; x++)
      if (y == 0 || x == 0 || y == h - 1 || x == w - 1)
        {
          guint i = y * w + x;
          g_array_append_val (stack, i);
        }
  while (stack->len > 0)
    {
      guint i = g_array_index (stack, guint, stack->len - 1);
      g_array_set_size (stack, stack->len - 1);
      if (outside[i] || de[i] >= BG_DE_HI)
        continue;
      outside[i] = 1;
      guint x = i % w, y = i / w;
      guint next[4] = { x > 0 ? i - 1 : i, x + 1 < w ? i + 1 : i, y > 0 ? i - w : i, y + 1 < h ? i + w : i };
      for (int k = 0; k < 4; k++)
        if (!outside[next[k]])
          g_array_append_val (stack, next[k]);
    }
}

static double
smoothstep (double lo, double hi, double x)
{
  double t = CLAMP ((x - lo) / (hi - lo), 0.0, 1.0);
  return t * t * (3 - 2 * t);
}

/* Clears specks: groups (4-connected) of visible pixels smaller than
 * min_area, which are the model's grain on the ground rather than part of
 * the subject. */
static void
clear_specks (AtImage *img, gsize min_area)
{
  guint w = img->width, h = img->height;
  gsize n = (gsize) w * h;
  g_autofree guint8 *seen = g_new0 (guint8, n);
  g_autoptr (GArray) group = g_array_new (FALSE, FALSE, sizeof (gsize));
  for (gsize start = 0; start < n; start++)
    {
      if (seen[start] || img->pixels[start * 4 + 3] == 0)
        continue;
      g_array_set_size (group, 0);
      g_array_append_val (group, start);
      seen[start] = 1;
      for (guint k = 0; k < group->len; k++)
        {
          gsize i = g_array_index (group, gsize, k);
          guint x = i % w, y = i / w;
          gsize next[4] = { x > 0 ? i - 1 : i, x + 1 < w ? i + 1 : i, y > 0 ? i - w : i, y + 1 < h ? i + w : i };
          for (int d = 0; d < 4; d++)
            if (!seen[next[d]] && img->pixels[next[d] * 4 + 3] > 0)
              {
                seen[next[d]] = 1;
                g_array_append_val (group, next[d]);
              }
        }
      if (group->len >= min_area)
        continue;
      for (guint k = 0; k < group->len; k++)
        memset (img->pixels + g_array_index (group, gsize, k) * 4, 0, 4);
    }
}

/* The fallback alpha on an RGBA image whose alpha is all 255. */
static void
alpha_from_background (AtImage *img, guint base_side)
{
  guint w = img->width, h = img->height;
  gsize n = (gsize) w * h;
  guint8 bg[3];
  border_colour (img, bg);
  double bg_lab[3];
  at_color_srgb_to_lab (bg[0], bg[1], bg[2], bg_lab);
  g_autofree float *de = g_new (float, n);
  for (gsize i = 0; i < n; i++)
    {
      const guint8 *p = img->pixels + i * 4;
      double lab[3];
      at_color_srgb_to_lab (p[0], p[1], p[2], lab);
      de[i] = (float) sqrt ((lab[0] - bg_lab[0]) * (lab[0] - bg_lab[0]) + (lab[1] - bg_lab[1]) * (lab[1] - bg_lab[1]) +
                            (lab[2] - bg_lab[2]) * (lab[2] - bg_lab[2]));
    }
  g_autofree guint8 *outside = g_new0 (guint8, n);
  flood_from_border (de, w, h, outside);
  for (gsize i = 0; i < n; i++)
    {
      if (!outside[i])
        continue;
      guint8 *p = img->pixels + i * 4;
      double a = smoothstep (BG_DE_LO, BG_DE_HI, de[i]);
      /* un-mix: the pixel was a·colour + (1 − a)·background */
      for (int c = 0; c < 3 && a > 0; c++)
        p[c] = (guint8) CLAMP (lround ((p[c] - (1 - a) * bg[c]) / a), 0, 255);
      p[3] = (guint8) lround (a * 255);
      if (p[3] == 0)
        p[0] = p[1] = p[2] = 0;
    }
  /* what covered fewer than 4 of the model's pixels */
  gsize per_base_pixel = (gsize) (w / base_side) * (h / base_side);
  clear_specks (img, 4 * MAX (per_base_pixel, 1));
}

/* The learned path: the refiner at its own size (256), then an area
 * reduction to 128 or a bicubic doubling to 512 of its RGBA. */
static AtImage *
refine (AtRefiner *refiner, const AtImage *base, const AtImage *sketch, int size, AtBackground background,
        GError **error)
{
  int in = at_refiner_get_in_size (refiner), out = at_refiner_get_out_size (refiner);
  g_autoptr (AtImage) rgb = at_image_convert (base, 3);
  g_autoptr (AtImage) small = rgb->width == (guint) in ? at_image_copy (rgb)
                                                      : at_image_resize (rgb, in, in, AT_IMAGE_FILTER_BILINEAR);
  g_autofree float *x = at_image_to_chw_new (small);
  g_autofree float *ink = sketch != NULL ? at_sketch_to_model_input (sketch, out) : NULL;
  g_autofree float *colour = NULL, *alpha = NULL;
  if (!at_refiner_run (refiner, x, ink, &colour, &alpha, error))
    return NULL;
  g_autoptr (AtImage) made = at_refiner_to_image (colour, alpha, out, background == AT_BACKGROUND_TRANSPARENT);
  g_autoptr (AtImage) rgba = at_image_convert (made, 4);
  if (size == out)
    return g_steal_pointer (&rgba);
  return at_image_resize (rgba, size, size, size < out ? AT_IMAGE_FILTER_BILINEAR : AT_IMAGE_FILTER_BICUBIC);
}

AtImage *
at_upscale_image (AtRefiner *refiner, const AtImage *base, const AtImage *sketch, int size,
                  AtBackground background, GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (base != NULL, NULL);
  if (!at_upscale_size_is_valid (size))
    {
      g_set_error (error, AT_REQUEST_ERROR, AT_REQUEST_ERROR_INVALID, "The size must be %s pixels (got %d)",
                   at_upscale_sizes_text (), size);
      return NULL;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  if (refiner != NULL)
    return refine (refiner, base, sketch, size, background, error);
  /* The bicubic path does not read the sketch: only a learned stage can
   * tell which of its strokes the model meant. */
  g_autoptr (AtImage) rgb = at_image_convert (base, 3);
  g_autoptr (AtImage) big = at_image_resize (rgb, size, size, AT_IMAGE_FILTER_BICUBIC);
  AtImage *out = at_image_convert (big, 4);
  if (background == AT_BACKGROUND_TRANSPARENT)
    alpha_from_background (out, base->width);
  return out;
}
