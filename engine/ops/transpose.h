/* transpose.h — batched 2D transpose.
 *
 * The UNet turns NCHW feature maps into [B, HW, C] token sequences for
 * attention and back: reshape to [B, C, HW], transpose, and the reverse.
 * Records into an AtCmd; out must not overlap x. */
#pragma once

#include "ops/tensor.h"

G_BEGIN_DECLS

typedef enum {
  AT_TRANSPOSE_AUTO,    /* the device's preference */
  AT_TRANSPOSE_TILED,   /* through 32x32 shared-memory tiles (GPUs) */
  AT_TRANSPOSE_DIRECT,  /* element by element, no barrier (CPU devices) */
} AtTransposeVariant;

/* x [B, R, C] -> out [B, C, R], or x [R, C] -> out [C, R]. */
gboolean at_op_transpose (AtCmd *cmd, AtTensor *x, AtTensor *out, GError **error);

/* The same with an explicit variant (tests force each one). */
gboolean at_op_transpose_full (AtCmd *cmd, AtTensor *x, AtTransposeVariant variant, AtTensor *out,
                               GError **error);

G_END_DECLS
