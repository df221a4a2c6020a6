/* asset-fixture.c — shapes drawn by supersampling: 4 × 4 samples a pixel. */
#include <math.h>
#include <string.h>

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
