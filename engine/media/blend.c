/* blend.c — lerp and slerp over float arrays, accumulated in double. */
#define G_LOG_DOMAIN "atelier-media"

#include <math.h>

#include "media/blend.h"

void
at_blend_lerp (const float *a, const float *b, double t, float *out, gsize n)
{
  for (gsize i = 0; i < n; i++)
    out[i] = (float) ((1.0 - t) * a[i] + t * b[i]);
}

void
at_blend_slerp (const float *a, const float *b, double t, float *out, gsize n)
{
  double aa = 0, bb = 0, ab = 0;
  for (gsize i = 0; i < n; i++)
    {
      aa += (double) a[i] * a[i];
      bb += (double) b[i] * b[i];
      ab += (double) a[i] * b[i];
    }
  double na = sqrt (aa), nb = sqrt (bb);
  double cosine = na > 0 && nb > 0 ? CLAMP (ab / (na * nb), -1.0, 1.0) : 1.0;
  double theta = acos (cosine);
  if (theta < 1e-4)
    {
      at_blend_lerp (a, b, t, out, n);
      return;
    }
  /* Rotate the unit direction of a towards that of b, then scale to the
   * blended norm: the angle grows evenly, the norm changes linearly. */
  double s = sin (theta);
  double wa = sin ((1.0 - t) * theta) / s / na, wb = sin (t * theta) / s / nb;
  double norm = (1.0 - t) * na + t * nb;
  for (gsize i = 0; i < n; i++)
    out[i] = (float) (norm * (wa * a[i] + wb * b[i]));
}
