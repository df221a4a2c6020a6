/* conv2d-ref.c — the plain-C direct convolution of the conv2d tests. */
#include "conv2d-ref.h"

void
ref_conv2d_strided (const ConvCase *c, gint64 oh, gint64 ow, const float *x, const float *wt, const float *bias,
                    gint64 bias_stride, float *want)
{
  for (gint64 n = 0; n < c->n; n++)
    for (gint64 co = 0; co < c->cout; co++)
      for (gint64 oy = 0; oy < oh; oy++)
        for (gint64 ox = 0; ox < ow; ox++)
          {
            double sum = bias != NULL ? bias[n * bias_stride + co] : 0.0;
            for (gint64 ci = 0; ci < c->cin; ci++)
              for (gint64 ky = 0; ky < c->kh; ky++)
                for (gint64 kx = 0; kx < c->kw; kx++)
                  {
                    gint64 iy = oy * c->stride[0] + ky - c->padding[0];
                    gint64 ix = ox * c->stride[1] + kx - c->padding[1];
                    if (iy < 0 || iy >= c->h || ix < 0 || ix >= c->w)
                      continue;
                    sum += (double) x[((n * c->cin + ci) * c->h + iy) * c->w + ix] *
                           wt[((co * c->cin + ci) * c->kh + ky) * c->kw + kx];
                  }
            want[((n * c->cout + co) * oh + oy) * ow + ox] = sum;
          }
}
