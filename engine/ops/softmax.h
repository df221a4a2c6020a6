/* softmax.h — softmax over the last dimension.
 *
 * Records into an AtCmd; out may be the same tensor as x. */
#pragma once

#include "ops/reduce.h"
#include "ops/tensor.h"

G_BEGIN_DECLS

/* out[..., i] = exp(x[..., i] - max) / sum_j exp(x[..., j] - max) for every
 * row of the last dimension; x of any shape, rows of any length. */
gboolean at_op_softmax (AtCmd *cmd, AtTensor *x, AtTensor *out, GError **error);

/* The same with an explicit variant (AT_REDUCE_AUTO = the device's). */
gboolean at_op_softmax_full (AtCmd *cmd, AtTensor *x, AtReduceVariant variant, AtTensor *out,
                             GError **error);

G_END_DECLS
