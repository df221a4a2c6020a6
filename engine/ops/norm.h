/* norm.h — group normalisation and layer normalisation.
 *
 * Both follow PyTorch (nn.GroupNorm, nn.LayerNorm over the last dimension):
 * biased variance, eps added to the variance, then weight*y + bias per
 * channel. weight and bias are both given or both NULL (no affine map).
 * All record into an AtCmd; out may be the same tensor as x. */
#pragma once

#include "ops/reduce.h"
#include "ops/tensor.h"

G_BEGIN_DECLS

/* x [N, C, ...spatial] (NCHW; up to 2 spatial dims, or none) -> out, same
 * shape. C must divide into `groups`; weight and bias are [C]. With silu
 * set the result goes through SiLU (x*sigmoid(x)), as the UNet always does
 * after a group norm, saving a pass over the tensor. */
gboolean at_op_group_norm (AtCmd *cmd, AtTensor *x, guint groups, AtTensor *weight,
                           AtTensor *bias, float eps, gboolean silu, AtTensor *out,
                           GError **error);

/* Normalises each row of the last dimension C of x (any leading shape);
 * weight and bias are [C]. out has x's shape. */
gboolean at_op_layer_norm (AtCmd *cmd, AtTensor *x, AtTensor *weight, AtTensor *bias,
                           float eps, AtTensor *out, GError **error);

/* The same with an explicit variant (AT_REDUCE_AUTO = the device's). */
gboolean at_op_group_norm_full (AtCmd *cmd, AtTensor *x, guint groups, AtTensor *weight,
                                AtTensor *bias, float eps, gboolean silu,
                                AtReduceVariant variant, AtTensor *out, GError **error);
gboolean at_op_layer_norm_full (AtCmd *cmd, AtTensor *x, AtTensor *weight, AtTensor *bias,
                                float eps, AtReduceVariant variant, AtTensor *out,
                                GError **error);

G_END_DECLS
