/* mask.c — mask coverage, feathering and compositing for inpainting. */
#define G_LOG_DOMAIN "atelier-media"

#include <math.h>
#include <string.h>

#include "media/mask.h"

/* How much each pixel repaints, 0..255: grey level times opacity. */
static AtImage *
coverage (const AtImage *mask)
{
  g_autoptr (AtImage) gray = at_image_convert (mask, mask->channels == 4 ? 4 : 1);
  if (mask->channels != 4)
    return g_steal_pointer (&gray);
  AtImage *out = at_image_new (mask->width, mask->height, 1);
  gsize n = (gsize) mask->width * mask->height;
  for (gsize i = 0; i < n; i++)
    {
      const guint8 *p = gray->pixels + i * 4;
      guint luma = (299 * p[0] + 587 * p[1] + 114 * p[2] + 500) / 1000;
      out->pixels[i] = (guint8) ((luma * p[3] + 127) / 255);
    }
  return out;
}

gboolean
at_mask_is_empty (const AtImage *mask)
{
  g_return_val_if_fail (mask != NULL, TRUE);
  g_autoptr (AtImage) c = coverage (mask);
  gsize n = (gsize) c->width * c->height;
  for (gsize i = 0; i < n; i++)
    if (c->pixels[i] != 0)
      return FALSE;
  return TRUE;
}

/* One pass of the blur along rows (stride 1) or columns (stride width). */
static void
blur_lines (float *w, guint n_lines, guint length, gsize line_step, gsize stride, const float *kernel,
            int radius)
{
  g_autofree float *line = g_new (float, length);
  for (guint l = 0; l < n_lines; l++)
    {
      float *base = w + l * line_step;
      for (guint i = 0; i < length; i++)
        line[i] = base[i * stride];
      for (guint i = 0; i < length; i++)
        {
          double sum = 0;
          for (int k = -radius; k <= radius; k++)
            {
              int j = CLAMP ((int) i + k, 0, (int) length - 1);
              sum += kernel[k + radius] * line[j];
            }
          base[i * stride] = (float) sum;
        }
    }
}

void
at_mask_feather (float *w, guint width, guint height, float radius)
{
  g_return_if_fail (w != NULL);
  if (!(radius > 0.0f))
    return;
  int r = (int) ceilf (radius - 1e-4f);
  double sigma = radius / 3.0, total = 0;
  g_autofree float *kernel = g_new (float, 2 * r + 1);
  for (int k = -r; k <= r; k++)
    total += kernel[k + r] = (float) exp (-0.5 * k * k / (sigma * sigma));
  for (int k = 0; k <= 2 * r; k++)
    kernel[k] /= total;
  blur_lines (w, height, width, width, 1, kernel, r);
  blur_lines (w, width, height, 1, width, kernel, r);
  /* a window of ones sums to 1 only up to rounding; snap it, so that
   * pixels wholly inside come out exactly repainted */
  for (gsize i = 0; i < (gsize) width * height; i++)
    w[i] = w[i] > 1.0f - 1e-6f ? 1.0f : MAX (w[i], 0.0f);
}

float *
at_mask_weights (const AtImage *mask, guint width, guint height, float feather)
{
  g_return_val_if_fail (mask != NULL, NULL);
  g_autoptr (AtImage) cov = coverage (mask);
  g_autoptr (AtImage) sized = at_image_resize (cov, width, height, AT_IMAGE_FILTER_BILINEAR);
  gsize n = (gsize) width * height;
  float *w = g_new (float, n);
  for (gsize i = 0; i < n; i++)
    w[i] = sized->pixels[i] / 255.0f;
  at_mask_feather (w, width, height, feather * (float) width / mask->width);
  return w;
}

AtImage *
at_mask_composite (const AtImage *generated, const AtImage *base, const AtImage *mask, float feather)
{
  g_return_val_if_fail (generated != NULL && base != NULL && mask != NULL, NULL);
  guint W = generated->width, H = generated->height, C = generated->channels;
  g_autoptr (AtImage) converted = at_image_convert (base, C);
  g_autoptr (AtImage) under = at_image_resize (converted, W, H, AT_IMAGE_FILTER_BILINEAR);
  g_autofree float *w = at_mask_weights (mask, W, H, feather);
  AtImage *out = at_image_new (W, H, C);
  for (gsize i = 0; i < (gsize) W * H; i++)
    for (guint c = 0; c < C; c++)
      {
        gsize k = i * C + c;
        out->pixels[k] = (guint8) lrintf (w[i] * generated->pixels[k] + (1.0f - w[i]) * under->pixels[k]);
      }
  return out;
}
