/* activation.h — the activations of CLIP's text towers: quick GELU
 * (OpenAI CLIP, Stable Diffusion 1.x) and exact (erf) GELU (open_clip,
 * SD 2.x). at_op_gelu (elementwise.h) is the tanh approximation, which
 * differs from the exact one by up to ~5e-4. Records into an AtCmd. */
#pragma once

#include "ops/tensor.h"

G_BEGIN_DECLS

/* out = x * sigmoid(1.702 x); any shape, out the same shape as x. */
gboolean at_op_quick_gelu (AtCmd *cmd, AtTensor *x, AtTensor *out, GError **error);
/* out = 0.5 x (1 + erf(x / sqrt 2)). */
gboolean at_op_gelu_erf (AtCmd *cmd, AtTensor *x, AtTensor *out, GError **error);

G_END_DECLS
