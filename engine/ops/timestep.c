/* timestep.c — sinusoidal timestep embedding. */
#define G_LOG_DOMAIN "atelier-ops"

#include <math.h>

#include "ops/timestep.h"

#define LOCAL_SIZE 256

typedef struct {
  guint32 n, dim, half_dim;
  float multiplier;
} TimestepPush;
G_STATIC_ASSERT (sizeof (TimestepPush) == 16);

static const AtKernelInfo timestep_kernel = { "timestep", 3, 0x4, sizeof (TimestepPush), { LOCAL_SIZE, 1, 1 } };

/* A buffer of the half frequencies, each correctly rounded to fp32: the
 * shader's exp() is allowed many ulp, which at arguments near 1000 would
 * cost ~1e-3. The AtCmd keeps its own reference once dispatched. */
static AtBuffer *
frequency_buffer (AtGpu *gpu, guint half, GError **error)
{
  g_autofree float *freq = g_new (float, half);
  for (guint i = 0; i < half; i++)
    freq[i] = (float) exp (-log (10000.0) * i / half);
  g_autoptr (AtBuffer) buffer = at_buffer_new (gpu, half * sizeof (float), error);
  if (buffer == NULL || !at_buffer_upload (buffer, 0, freq, half * sizeof (float), error))
    return NULL;
  return g_steal_pointer (&buffer);
}

gboolean
at_op_timestep_embedding (AtCmd *cmd, AtTensor *t, float multiplier, AtTensor *out, GError **error)
{
  g_return_val_if_fail (cmd != NULL && t != NULL && out != NULL, FALSE);
  if (out->ndim != 2 || out->shape[1] < 2 || out->shape[1] % 2 != 0 || at_tensor_numel (t) != out->shape[0])
    {
      g_autofree char *st = at_tensor_shape_string (t);
      g_autofree char *so = at_tensor_shape_string (out);
      g_set_error (error, AT_OP_ERROR, AT_OP_ERROR_SHAPE,
                   "timestep-embedding: the output must be [B, D] with D even and t of B elements; "
                   "got t %s and output %s", st, so);
      return FALSE;
    }
  if (!at_op_check (at_tensor_numel (out) <= G_MAXUINT32, "timestep-embedding", "tensors beyond 2^32 elements",
                    error))
    return FALSE;
  TimestepPush push = { at_tensor_numel (out), out->shape[1], out->shape[1] / 2, multiplier };
  if (push.n == 0)
    return TRUE;
  g_autoptr (AtBuffer) freq = frequency_buffer (at_tensor_get_gpu (out), push.half_dim, error);
  if (freq == NULL)
    return FALSE;
  AtBinding bindings[] = {
    at_tensor_binding (t),
    { freq, 0, push.half_dim * sizeof (float) },
    at_tensor_binding (out),
  };
  guint32 gx, gy;
  at_cmd_grid_1d (cmd, push.n, timestep_kernel.local_size[0], &gx, &gy);
  return at_cmd_dispatch_full (cmd, &timestep_kernel, NULL, NULL, 0, bindings, &push, gx, gy, 1,
                               "timestep-embedding", error);
}
