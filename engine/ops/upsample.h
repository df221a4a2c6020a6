/* upsample.h — nearest-neighbour ×2 upsampling of images.
 *
 * Works on the last two dimensions (H, W); the leading ones (N, C, or none)
 * are carried through, so [N, C, H, W] -> [N, C, 2H, 2W]. Records into an
 * AtCmd; out must be a different tensor from x. */
#pragma once

#include "ops/tensor.h"

G_BEGIN_DECLS

gboolean at_op_upsample_nearest2x (AtCmd *cmd, AtTensor *x, AtTensor *out, GError **error);

G_END_DECLS
