/* upsample.c — nearest ×2 upsampling, one invocation per input element. */
#define G_LOG_DOMAIN "atelier-ops"

#include "ops/upsample.h"

#define LOCAL_SIZE 256

typedef struct {
  guint32 n, w, pad0, pad1;
} UpsamplePush;
G_STATIC_ASSERT (sizeof (UpsamplePush) == 16);

static const AtKernelInfo upsample_kernel = { "upsample", 2, 0x2, sizeof (UpsamplePush), { LOCAL_SIZE, 1, 1 } };

gboolean
at_op_upsample_nearest2x (AtCmd *cmd, AtTensor *x, AtTensor *out, GError **error)
{
  g_return_val_if_fail (cmd != NULL && x != NULL && out != NULL, FALSE);
  gboolean fits = x->ndim >= 2 && out->ndim == x->ndim;
  for (guint i = 0; fits && i < x->ndim; i++)
    fits = out->shape[i] == (i + 2 >= x->ndim ? 2 : 1) * x->shape[i];
  if (!fits)
    {
      g_autofree char *sx = at_tensor_shape_string (x);
      g_autofree char *so = at_tensor_shape_string (out);
      g_set_error (error, AT_OP_ERROR, AT_OP_ERROR_SHAPE,
                   "upsample: the output of %s must be [.., 2H, 2W], not %s", sx, so);
      return FALSE;
    }
  if (!at_op_check (at_tensor_numel (out) <= G_MAXUINT32, "upsample", "tensors beyond 2^32 elements", error))
    return FALSE;
  UpsamplePush push = { at_tensor_numel (x), at_tensor_dim (x, -1), 0, 0 };
  if (push.n == 0)
    return TRUE;
  AtBinding bindings[] = { at_tensor_binding (x), at_tensor_binding (out) };
  guint32 gx, gy;
  at_cmd_grid_1d (cmd, push.n, upsample_kernel.local_size[0], &gx, &gy);
  return at_cmd_dispatch_full (cmd, &upsample_kernel, NULL, NULL, 0, bindings, &push, gx, gy, 1,
                               "upsample", error);
}
