/* softmax.c — row softmax, one workgroup per row. */
#define G_LOG_DOMAIN "atelier-ops"

#include "ops/softmax.h"

#define MAX_LOCAL_SIZE 256
#define MIN_LOCAL_SIZE 32

typedef struct {
  guint32 rows;
  guint32 cols;
} SoftmaxPush;
G_STATIC_ASSERT (sizeof (SoftmaxPush) == 8);

static const AtKernelInfo softmax_kernel = { "softmax", 2, 0x2, sizeof (SoftmaxPush), { MAX_LOCAL_SIZE, 1, 1 } };

gboolean
at_op_softmax (AtCmd *cmd, AtTensor *x, AtTensor *out, GError **error)
{
  g_return_val_if_fail (cmd != NULL && x != NULL && out != NULL, FALSE);
  if (!at_tensor_check_same_shape ("softmax", x, out, error) ||
      !at_op_check (at_tensor_numel (x) <= G_MAXUINT32, "softmax", "tensor too large for 32-bit indices", error))
    return FALSE;
  if (at_tensor_numel (x) == 0)
    return TRUE;
  SoftmaxPush push = { .cols = at_tensor_dim (x, -1) };
  push.rows = at_tensor_numel (x) / push.cols;
  /* A power of two giving each invocation about four elements of the row. */
  guint32 local_size[3] = { MIN_LOCAL_SIZE, 1, 1 };
  while (local_size[0] < MAX_LOCAL_SIZE && local_size[0] * 4 < push.cols)
    local_size[0] *= 2;
  AtBinding bindings[] = { at_tensor_binding (x), at_tensor_binding (out) };
  guint32 gx, gy;
  at_cmd_grid_1d (cmd, push.rows, 1, &gx, &gy);
  return at_cmd_dispatch_full (cmd, &softmax_kernel, local_size, NULL, 0, bindings, &push, gx, gy, 1,
                               "softmax", error);
}
