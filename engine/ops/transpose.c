/* transpose.c — batched 2D transpose, through shared-memory tiles on GPUs. */
#define G_LOG_DOMAIN "atelier-ops"

#include "ops/transpose.h"

#define TILE 32
#define ROWS_PER_PASS 8 /* workgroup TILE x ROWS_PER_PASS: 4 elements each */

typedef struct {
  guint32 rows;
  guint32 cols;
} TransposePush;
G_STATIC_ASSERT (sizeof (TransposePush) == 8);

static const AtKernelInfo transpose_kernel = {
  "transpose", 2, 0x2, sizeof (TransposePush), { TILE, ROWS_PER_PASS, 1 }
};

gboolean
at_op_transpose_full (AtCmd *cmd, AtTensor *x, AtTransposeVariant variant, AtTensor *out, GError **error)
{
  g_return_val_if_fail (cmd != NULL && x != NULL && out != NULL, FALSE);
  gint64 batch = x->ndim == 3 ? x->shape[0] : 1;
  gint64 rows = at_tensor_dim (x, -2), cols = at_tensor_dim (x, -1);
  if (!at_op_check ((x->ndim == 2 || x->ndim == 3) && out->ndim == x->ndim, "transpose",
                    "input and output must both be [R, C] or [B, R, C]", error) ||
      !at_op_check (at_tensor_dim (out, -2) == cols && at_tensor_dim (out, -1) == rows &&
                    (x->ndim == 2 || out->shape[0] == batch), "transpose",
                    "output must be the input with its last two dimensions swapped", error) ||
      !at_op_check (at_tensor_numel (x) <= G_MAXUINT32, "transpose", "tensor too large for 32-bit indices",
                    error))
    return FALSE;
  TransposePush push = { rows, cols };
  if (variant == AT_TRANSPOSE_AUTO)
    variant = at_gpu_get_device_info (at_tensor_get_gpu (x))->type == AT_GPU_DEVICE_CPU ? AT_TRANSPOSE_DIRECT
                                                                                        : AT_TRANSPOSE_TILED;
  guint32 tiled = variant == AT_TRANSPOSE_TILED;
  AtBinding bindings[] = { at_tensor_binding (x), at_tensor_binding (out) };
  return at_cmd_dispatch_full (cmd, &transpose_kernel, NULL, &tiled, 1, bindings, &push, (cols + TILE - 1) / TILE,
                               (rows + TILE - 1) / TILE, batch, "transpose", error);
}

gboolean
at_op_transpose (AtCmd *cmd, AtTensor *x, AtTensor *out, GError **error)
{
  return at_op_transpose_full (cmd, x, AT_TRANSPOSE_AUTO, out, error);
}
