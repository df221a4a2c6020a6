/* asset-fixture.c — shapes drawn by supersampling: 4 × 4 samples a pixel. */
#include <math.h>
#include <string.h>

#include <cairo.h>
#include <librsvg/rsvg.h>

#include "asset-fixture.h"

const guint8 asset_fixture_orange[3] = { 242, 128, 36 };
static const guint8 TAIL[3] = { 196, 82, 20 };
static const guint8 EYE[3] = { 30, 24, 40 };
static const guint8 GLINT[3] = { 255, 255, 255 };
static const guint8 STRIPE[3] = { 250, 214, 60 };

/* Which shape covers the point (u, v) in unit coordinates; NULL for none.
 * Later shapes lie on top. */
static const guint8 *
colour_at (double u, double v)
{
  const guint8 *c = NULL;
  double bx = (u - 0.45) / 0.30, by = (v - 0.5) / 0.20;
  gboolean body = bx * bx + by * by <= 1.0;
  gboolean tail = u >= 0.68 && u <= 0.90 && fabs (v - 0.5) <= (u - 0.68) * 0.9;
  if (tail)
    c = TAIL;
  if (body)
    c = asset_fixture_orange;
  if (body && fabs (u - 0.47) < 0.035)
    c = STRIPE;
  double ex = u - 0.27, ey = v - 0.45;
  if (ex * ex + ey * ey <= 0.045 * 0.045)
    c = EYE;
  double gx = u - 0.26, gy = v - 0.44;
  if (gx * gx + gy * gy <= 0.015 * 0.015)
    c = GLINT;
  return c;
}

AtImage *
asset_fixture_fish (guint size, gboolean transparent, guint grain)
{
  guint C = transparent ? 4 : 3;
  AtImage *img = at_image_new (size, size, C);
  GRand *rand = g_rand_new_with_seed (size * 7 + grain);
  const int S = 4;
  for (guint y = 0; y < size; y++)
    for (guint x = 0; x < size; x++)
      {
        double acc[3] = { 0 }, cover = 0;
        for (int sy = 0; sy < S; sy++)
          for (int sx = 0; sx < S; sx++)
            {
              const guint8 *c = colour_at ((x + (sx + 0.5) / S) / size, (y + (sy + 0.5) / S) / size);
              if (c == NULL)
                continue;
              cover += 1.0 / (S * S);
              for (int k = 0; k < 3; k++)
                acc[k] += c[k] / (double) (S * S);
            }
        guint8 *p = img->pixels + ((gsize) y * size + x) * C;
        for (int k = 0; k < 3; k++)
          {
            /* over white, or the straight colour under partial alpha */
            double v = transparent ? (cover > 0 ? acc[k] / cover : 0) : acc[k] + (1 - cover) * 255;
            if (grain > 0 && (!transparent || cover > 0))
              v += g_rand_double_range (rand, -(double) grain, grain);
            p[k] = (guint8) CLAMP (lround (v), 0, 255);
          }
        if (transparent)
          p[3] = (guint8) lround (cover * 255);
      }
  g_rand_free (rand);
  return img;
}

AtImage *
asset_render_svg (const char *svg, guint size)
{
  g_autoptr (GError) error = NULL;
  RsvgHandle *handle = rsvg_handle_new_from_data ((const guint8 *) svg, strlen (svg), &error);
  g_assert_no_error (error);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, size, size);
  cairo_t *cr = cairo_create (surface);
  RsvgRectangle viewport = { 0, 0, size, size };
  g_assert_true (rsvg_handle_render_document (handle, cr, &viewport, &error));
  g_assert_no_error (error);
  cairo_destroy (cr);
  g_object_unref (handle);
  cairo_surface_flush (surface);
  AtImage *out = at_image_new (size, size, 4);
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  for (guint y = 0; y < size; y++)
    for (guint x = 0; x < size; x++)
      {
        guint32 px = *(const guint32 *) (data + (gsize) y * stride + x * 4);   /* premultiplied ARGB */
        guint a = px >> 24;
        guint8 *d = out->pixels + ((gsize) y * size + x) * 4;
        for (int c = 0; c < 3; c++)
          {
            guint v = (px >> (16 - 8 * c)) & 0xff;
            d[c] = a > 0 ? (guint8) MIN (255u, (v * 255 + a / 2) / a) : 0;
          }
        d[3] = a;
      }
  cairo_surface_destroy (surface);
  return out;
}
