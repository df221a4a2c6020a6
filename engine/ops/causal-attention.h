/* causal-attention.h — multi-head self-attention where token i attends to
 * tokens 0..i only (the causal mask of CLIP's text towers). at_op_attention
 * (attention.h) has no mask. q, k, v laid out as there: channel h*D + d of
 * a token is channel d of head h. Records into an AtCmd. */
#pragma once

#include "ops/tensor.h"

G_BEGIN_DECLS

/* q, k, v, out [B, L, H*D] (or [L, H*D]); scale 0 means 1/sqrt(D). Refuses
 * (AT_GPU_ERROR_TOO_LARGE) on a CPU device lengths whose L·(D+1) loop steps
 * per invocation lavapipe would cut short. */
gboolean at_op_causal_attention (AtCmd *cmd, AtTensor *q, AtTensor *k, AtTensor *v, guint heads, float scale,
                                 AtTensor *out, GError **error);

G_END_DECLS
