/* downsample.c — 2×2 average pooling, one invocation per output element. */
#define G_LOG_DOMAIN "atelier-ops"

#include "ops/downsample.h"

#define LOCAL_SIZE 256

typedef struct {
  guint32 n, h, w, ho, wo, pad0, pad1, pad2;
} DownsamplePush;
G_STATIC_ASSERT (sizeof (DownsamplePush) == 32);

static const AtKernelInfo downsample_kernel = {
  "downsample", 2, 0x2, sizeof (DownsamplePush), { LOCAL_SIZE, 1, 1 }
};

gboolean
at_op_avg_pool2x2 (AtCmd *cmd, AtTensor *x, AtTensor *out, GError **error)
{
  g_return_val_if_fail (cmd != NULL && x != NULL && out != NULL, FALSE);
  gboolean fits = x->ndim >= 2 && out->ndim == x->ndim && at_tensor_dim (x, -1) >= 2 &&
                  at_tensor_dim (x, -2) >= 2;
  for (guint i = 0; fits && i < x->ndim; i++)
    fits = out->shape[i] == (i + 2 >= x->ndim ? x->shape[i] / 2 : x->shape[i]);
  if (!fits)
    {
      g_autofree char *sx = at_tensor_shape_string (x);
      g_autofree char *so = at_tensor_shape_string (out);
      g_set_error (error, AT_OP_ERROR, AT_OP_ERROR_SHAPE,
                   "avg-pool: the output of %s must be [.., H/2, W/2] rounded down with H, W >= 2, not %s",
                   sx, so);
      return FALSE;
    }
  if (!at_op_check (at_tensor_numel (x) <= G_MAXUINT32, "avg-pool", "tensors beyond 2^32 elements", error))
    return FALSE;
  DownsamplePush push = {
    .n = at_tensor_numel (out),
    .h = at_tensor_dim (x, -2),
    .w = at_tensor_dim (x, -1),
    .ho = at_tensor_dim (out, -2),
    .wo = at_tensor_dim (out, -1),
  };
  if (push.n == 0)
    return TRUE;
  AtBinding bindings[] = { at_tensor_binding (x), at_tensor_binding (out) };
  guint32 gx, gy;
  at_cmd_grid_1d (cmd, push.n, downsample_kernel.local_size[0], &gx, &gy);
  return at_cmd_dispatch_full (cmd, &downsample_kernel, NULL, NULL, 0, bindings, &push, gx, gy, 1,
                               "avg-pool", error);
}
