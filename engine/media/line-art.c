/* line-art.c — see line-art.h. */
#include <math.h>
#include <stdlib.h>

#include "media/line-art.h"

/* Weaker gradients are texture or noise, not outlines: a step of about 16
 * levels in one channel (Sobel's gain on a step is 4). */
#define EDGE_MIN 64.0f
#define SHARE_OF_STRONG 0.25f

static guint8
at (const AtImage *rgb, int x, int y, guint c)
{
  x = CLAMP (x, 0, (int) rgb->width - 1);
  y = CLAMP (y, 0, (int) rgb->height - 1);
  return rgb->pixels[((gsize) y * rgb->width + x) * 3 + c];
}

/* The largest Sobel gradient magnitude of the three channels at (x, y). */
static float
gradient (const AtImage *rgb, int x, int y)
{
  float best = 0;
  for (guint c = 0; c < 3; c++)
    {
      float gx = (at (rgb, x + 1, y - 1, c) + 2.0f * at (rgb, x + 1, y, c) + at (rgb, x + 1, y + 1, c)) -
                 (at (rgb, x - 1, y - 1, c) + 2.0f * at (rgb, x - 1, y, c) + at (rgb, x - 1, y + 1, c));
      float gy = (at (rgb, x - 1, y + 1, c) + 2.0f * at (rgb, x, y + 1, c) + at (rgb, x + 1, y + 1, c)) -
                 (at (rgb, x - 1, y - 1, c) + 2.0f * at (rgb, x, y - 1, c) + at (rgb, x + 1, y - 1, c));
      best = MAX (best, sqrtf (gx * gx + gy * gy));
    }
  return best;
}

static int
compare_floats (const void *a, const void *b)
{
  float x = *(const float *) a, y = *(const float *) b;
  return (x > y) - (x < y);
}

/* Over white: a transparent pixel is paper. */
static AtImage *
rgb_over_white (const AtImage *img)
{
  AtImage *rgb = at_image_new (img->width, img->height, 3);
  gsize n = (gsize) img->width * img->height;
  for (gsize i = 0; i < n; i++)
    {
      const guint8 *s = img->pixels + i * img->channels;
      guint a = img->channels == 4 ? s[3] : 255;
      for (guint c = 0; c < 3; c++)
        {
          guint v = img->channels == 1 ? s[0] : s[c];
          rgb->pixels[i * 3 + c] = (guint8) ((v * a + 255 * (255 - a) + 127) / 255);
        }
    }
  return rgb;
}

AtImage *
at_image_line_art (const AtImage *img)
{
  g_return_val_if_fail (img != NULL, NULL);
  g_autoptr (AtImage) rgb = rgb_over_white (img);
  gsize n = (gsize) img->width * img->height;
  g_autofree float *mag = g_new (float, n);
  for (guint y = 0; y < img->height; y++)
    for (guint x = 0; x < img->width; x++)
      mag[(gsize) y * img->width + x] = gradient (rgb, (int) x, (int) y);
  g_autofree float *sorted = g_memdup2 (mag, n * sizeof (float));
  qsort (sorted, n, sizeof (float), compare_floats);
  float threshold = MAX (EDGE_MIN, SHARE_OF_STRONG * sorted[(gsize) (0.99 * (n - 1))]);
  AtImage *out = at_image_new (img->width, img->height, 1);
  for (gsize i = 0; i < n; i++)
    out->pixels[i] = mag[i] >= threshold ? 0 : 255;
  return out;
}
