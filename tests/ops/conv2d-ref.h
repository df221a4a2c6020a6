/* conv2d-ref.h — the plain-C direct convolution that test-conv2d.c and
 * test-conv2d-winograd.c hold the device's convolutions to. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  gint64 n, cin, h, w, cout, kh, kw;
  guint stride[2], padding[2];
} ConvCase;

/* want [N, Cout, OH, OW] = conv2d (x, wt) + bias, accumulated in double;
 * bias NULL: none; bias_stride: 0 for a bias [Cout], Cout for one
 * [N, Cout]. */
void ref_conv2d_strided (const ConvCase *c, gint64 oh, gint64 ow, const float *x, const float *wt,
                         const float *bias, gint64 bias_stride, float *want);

G_END_DECLS
