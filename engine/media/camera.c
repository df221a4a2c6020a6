/* camera.c — a moving window over a still, bilinearly sampled. */
#define G_LOG_DOMAIN "atelier-media"

#include <math.h>

#include "media/camera.h"

AtImage *
at_camera_view (const AtImage *img, int size, double zoom, double cx, double cy)
{
  g_return_val_if_fail (img != NULL && size > 0 && zoom >= 1.0, NULL);
  double half = 0.5 / zoom;
  cx = CLAMP (cx, half, 1.0 - half);
  cy = CLAMP (cy, half, 1.0 - half);
  AtImage *out = at_image_new (size, size, img->channels);
  guint c = img->channels;
  for (int y = 0; y < size; y++)
    for (int x = 0; x < size; x++)
      {
        /* the output pixel's centre in source pixels, centres at +0.5 */
        double sx = ((cx - half) + (x + 0.5) / size * 2 * half) * img->width - 0.5;
        double sy = ((cy - half) + (y + 0.5) / size * 2 * half) * img->height - 0.5;
        sx = CLAMP (sx, 0.0, img->width - 1.0);
        sy = CLAMP (sy, 0.0, img->height - 1.0);
        guint x0 = (guint) sx, y0 = (guint) sy;
        guint x1 = MIN (x0 + 1, img->width - 1), y1 = MIN (y0 + 1, img->height - 1);
        double fx = sx - x0, fy = sy - y0;
        for (guint ch = 0; ch < c; ch++)
          {
            double a = img->pixels[((gsize) y0 * img->width + x0) * c + ch];
            double b = img->pixels[((gsize) y0 * img->width + x1) * c + ch];
            double d = img->pixels[((gsize) y1 * img->width + x0) * c + ch];
            double e = img->pixels[((gsize) y1 * img->width + x1) * c + ch];
            double v = (1 - fy) * ((1 - fx) * a + fx * b) + fy * ((1 - fx) * d + fx * e);
            out->pixels[((gsize) y * size + x) * c + ch] = (guint8) lround (v);
          }
      }
  return out;
}
