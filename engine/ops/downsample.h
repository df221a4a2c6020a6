/* downsample.h — stride-2 downsampling of images by 2×2 average pooling.
 *
 * Works on the last two dimensions (H, W), the leading ones carried
 * through: [N, C, H, W] -> [N, C, H/2, W/2]. Sizes round down exactly like
 * PyTorch's avg_pool2d(x, 2): an odd last row or column is dropped. H and W
 * must be at least 2. Records into an AtCmd; out must not be x. */
#pragma once

#include "ops/tensor.h"

G_BEGIN_DECLS

gboolean at_op_avg_pool2x2 (AtCmd *cmd, AtTensor *x, AtTensor *out, GError **error);

G_END_DECLS
