/* softmax.c — row softmax, a workgroup or an invocation per row. */
#define G_LOG_DOMAIN "atelier-ops"

#include "ops/softmax.h"

#define MAX_LOCAL_SIZE 256
#define MIN_LOCAL_SIZE 32
#define SERIAL_LOCAL_SIZE 8  /* one SIMD vector of lavapipe: most workgroups for its threads */

typedef struct {
  guint32 rows;
  guint32 cols;
} SoftmaxPush;
G_STATIC_ASSERT (sizeof (SoftmaxPush) == 8);

static const AtKernelInfo softmax_kernel = { "softmax", 2, 0x2, sizeof (SoftmaxPush), { MAX_LOCAL_SIZE, 1, 1 } };

gboolean
at_op_softmax_full (AtCmd *cmd, AtTensor *x, AtReduceVariant variant, AtTensor *out, GError **error)
{
  g_return_val_if_fail (cmd != NULL && x != NULL && out != NULL, FALSE);
  if (!at_tensor_check_same_shape ("softmax", x, out, error) ||
      !at_op_check (at_tensor_numel (x) <= G_MAXUINT32, "softmax", "tensor too large for 32-bit indices", error))
    return FALSE;
  if (at_tensor_numel (x) == 0)
    return TRUE;
  SoftmaxPush push = { .cols = at_tensor_dim (x, -1) };
  push.rows = at_tensor_numel (x) / push.cols;
  if (!at_reduce_variant_resolve (&variant, x, push.cols, "softmax", error))
    return FALSE;
  guint32 serial = variant == AT_REDUCE_SERIAL;
  guint32 local_size[3] = { SERIAL_LOCAL_SIZE, 1, 1 };
  if (!serial)
    {
      /* A power of two giving each invocation about four elements of the row. */
      local_size[0] = MIN_LOCAL_SIZE;
      while (local_size[0] < MAX_LOCAL_SIZE && local_size[0] * 4 < push.cols)
        local_size[0] *= 2;
    }
  AtBinding bindings[] = { at_tensor_binding (x), at_tensor_binding (out) };
  guint32 gx, gy;
  at_cmd_grid_1d (cmd, push.rows, serial ? local_size[0] : 1, &gx, &gy);
  return at_cmd_dispatch_full (cmd, &softmax_kernel, local_size, &serial, 1, bindings, &push, gx, gy, 1,
                               "softmax", error);
}

gboolean
at_op_softmax (AtCmd *cmd, AtTensor *x, AtTensor *out, GError **error)
{
  return at_op_softmax_full (cmd, x, AT_REDUCE_AUTO, out, error);
}
