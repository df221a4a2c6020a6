/* conv2d.h — 2D convolution over NCHW images.
 *
 * Computed as an implicit GEMM (the im2col matrix is gathered on the fly,
 * never stored) by the same two kernel variants as matmul: register-blocked
 * on CPU devices, shared-memory tiles on GPUs (see ops/matmul.h). Weights
 * are [Cout, Cin, KH, KW] as PyTorch stores them; any kernel size. Records
 * into an AtCmd; the output must not alias an input.
 */
#pragma once

#include "ops/matmul.h"

G_BEGIN_DECLS

typedef struct {
  guint stride[2];   /* y, x; at least 1 */
  guint padding[2];  /* y, x; zeros on both sides */
} AtConv2dParams;

/* Output size along one axis: (in + 2·padding − kernel) / stride + 1, or
 * 0 when the kernel does not fit. */
gint64 at_conv2d_output_size (gint64 in, gint64 kernel, guint stride, guint padding);

/* y = conv2d(x, weight) + bias with the same stride and padding on both
 * axes. x [N, Cin, H, W], weight [Cout, Cin, KH, KW] (fp32, or fp16: read
 * as floats, accumulated in fp32), bias [Cout] or NULL,
 * y [N, Cout, OH, OW]. */
gboolean at_op_conv2d (AtCmd *cmd, AtTensor *x, AtTensor *weight, AtTensor *bias, AtTensor *y,
                       guint stride, guint padding, GError **error);

/* at_op_conv2d with per-axis stride and padding and an explicit kernel
 * configuration (NULL = the device default; with it, 3×3 stride-1
 * convolutions may run by Winograd, ops/conv2d-winograd.h). */
gboolean at_op_conv2d_full (AtCmd *cmd, AtTensor *x, AtTensor *weight, AtTensor *bias, AtTensor *y,
                            const AtConv2dParams *params, const AtGemmConfig *config, GError **error);

/* at_op_conv2d_full then the epilogue (ops/epilogue.h: an activation, a
 * residual of y's shape added; NULL: none). Here (and in _full) the bias may
 * also be [N, Cout], one row per image: a per-image shift such as a
 * timestep embedding costs no pass of its own. */
gboolean at_op_conv2d_fused (AtCmd *cmd, AtTensor *x, AtTensor *weight, AtTensor *bias, const AtEpilogue *epilogue,
                             AtTensor *y, const AtConv2dParams *params, const AtGemmConfig *config,
                             GError **error);

G_END_DECLS
