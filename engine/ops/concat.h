/* concat.h — joining two tensors along one dimension.
 *
 * Skip connections of the UNet join feature maps along channels
 * ([N, Ca, H, W] + [N, Cb, H, W] -> [N, Ca+Cb, H, W]); the fusion joins
 * token sequences along L ([B, La, C] + [B, Lb, C]). Both are one dispatch
 * of the same kernel. For more than two inputs, use at_op_copy_to_slice
 * (ops/copy.h) once per input. out must not overlap a or b. */
#pragma once

#include "ops/tensor.h"

G_BEGIN_DECLS

/* out = concat (a, b) along dim (negative counts from the end); a, b and
 * out agree on every other dimension and out's size at dim is the sum. */
gboolean at_op_concat (AtCmd *cmd, AtTensor *a, AtTensor *b, int dim, AtTensor *out,
                       GError **error);
/* at_op_concat along the channels of NCHW images (dim 1). */
gboolean at_op_concat_channels (AtCmd *cmd, AtTensor *a, AtTensor *b, AtTensor *out,
                                GError **error);

G_END_DECLS
