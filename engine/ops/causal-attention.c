/* causal-attention.c — masked self-attention for text towers. */
#define G_LOG_DOMAIN "atelier-ops"

#include <math.h>

#include "ops/causal-attention.h"

#define LOCAL_SIZE 64
#define CPU_LOOP_BUDGET 65000 /* lavapipe allows 65535 loop steps an invocation */

typedef struct {
  guint32 len, heads, head_dim, total;
  float scale;
} CausalAttentionPush;
G_STATIC_ASSERT (sizeof (CausalAttentionPush) == 20);

static const AtKernelInfo causal_attention_kernel = {
  "causal_attention", 4, 0x8, sizeof (CausalAttentionPush), { LOCAL_SIZE, 1, 1 }
};

gboolean
at_op_causal_attention (AtCmd *cmd, AtTensor *q, AtTensor *k, AtTensor *v, guint heads, float scale,
                        AtTensor *out, GError **error)
{
  g_return_val_if_fail (cmd != NULL && q != NULL && k != NULL && v != NULL && out != NULL, FALSE);
  const char *op = "causal-attention";
  if (!at_op_check (q->ndim == 2 || q->ndim == 3, op, "q, k and v must be [B, L, H*D] (or [L, H*D])", error) ||
      !at_tensor_check_same_shape (op, q, k, error) || !at_tensor_check_same_shape (op, q, v, error) ||
      !at_tensor_check_same_shape (op, q, out, error))
    return FALSE;
  gint64 len = at_tensor_dim (q, -2), channels = at_tensor_dim (q, -1);
  if (!at_op_check (heads > 0 && channels % heads == 0, op, "channels must split into heads", error) ||
      !at_op_check (len > 0, op, "needs at least one token", error) ||
      !at_op_check (at_tensor_numel (q) <= G_MAXUINT32, op, "tensor too large for 32-bit indices", error))
    return FALSE;
  guint32 head_dim = channels / heads;
  if (at_gpu_get_device_info (at_tensor_get_gpu (q))->type == AT_GPU_DEVICE_CPU &&
      (guint64) len * (head_dim + 1) + 1 > CPU_LOOP_BUDGET)
    {
      g_set_error (error, AT_GPU_ERROR, AT_GPU_ERROR_TOO_LARGE,
                   "%s: %" G_GINT64_FORMAT " tokens of %u channels a head are more than this CPU device "
                   "can take in one invocation", op, len, head_dim);
      return FALSE;
    }
  if (scale == 0)
    scale = 1.0f / sqrtf (head_dim);
  CausalAttentionPush push = { len, heads, head_dim, at_tensor_numel (q), scale };
  AtBinding bindings[] = { at_tensor_binding (q), at_tensor_binding (k), at_tensor_binding (v),
                           at_tensor_binding (out) };
  guint32 gx, gy;
  at_cmd_grid_1d (cmd, push.total, LOCAL_SIZE, &gx, &gy);
  return at_cmd_dispatch_full (cmd, &causal_attention_kernel, NULL, NULL, 0, bindings, &push, gx, gy, 1, op, error);
}
