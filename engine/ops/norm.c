/* norm.c — group norm and layer norm on one shader, a workgroup (GPUs) or
 * an invocation (CPU devices) per normalised segment: a group of one
 * sample, or a row. */
#define G_LOG_DOMAIN "atelier-ops"

#include "ops/norm.h"

#define MAX_LOCAL_SIZE 256
#define MIN_LOCAL_SIZE 32
#define SERIAL_LOCAL_SIZE 8  /* one SIMD vector of lavapipe: most workgroups for its threads */

typedef struct {
  guint32 n_segments;
  guint32 seg_len;
  guint32 inner;
  guint32 channels;
  float eps;
} NormPush;
G_STATIC_ASSERT (sizeof (NormPush) == 20);

static const AtKernelInfo norm_kernel = { "norm", 4, 0x8, sizeof (NormPush), { MAX_LOCAL_SIZE, 1, 1 } };

/* Power-of-two workgroup giving each invocation a few elements: short rows
 * (layer norm over 64..1024 channels) must not idle most of a 256 group. */
static guint32
local_size_for (guint64 seg_len)
{
  guint32 size = MIN_LOCAL_SIZE;
  while (size < MAX_LOCAL_SIZE && (guint64) size * 4 < seg_len)
    size *= 2;
  return size;
}

static gboolean
check_affine (const char *op, AtTensor *weight, AtTensor *bias, gint64 channels, GError **error)
{
  if (!at_op_check ((weight == NULL) == (bias == NULL), op, "weight and bias must be both given or both NULL",
                    error))
    return FALSE;
  if (weight == NULL)
    return TRUE;
  return at_op_check (at_tensor_numel (weight) == channels && at_tensor_numel (bias) == channels, op,
                      "weight and bias must have one element per channel", error);
}

static gboolean
normalize (AtCmd *cmd, const char *label, AtTensor *x, AtTensor *weight, AtTensor *bias,
           guint64 n_segments, guint64 seg_len, guint64 inner, guint64 channels, float eps,
           gboolean silu, AtReduceVariant variant, AtTensor *out, GError **error)
{
  if (!at_tensor_check_same_shape (label, x, out, error) ||
      !at_op_check (eps >= 0, label, "eps must not be negative", error) ||
      !at_op_check (at_tensor_numel (x) <= G_MAXUINT32, label, "tensor too large for 32-bit indices", error))
    return FALSE;
  if (at_tensor_numel (x) == 0)
    return TRUE;
  if (!at_reduce_variant_resolve (&variant, x, seg_len, label, error))
    return FALSE;
  gboolean serial = variant == AT_REDUCE_SERIAL;
  NormPush push = { n_segments, seg_len, inner, channels, eps };
  guint32 spec[] = { weight != NULL, silu ? 1 : 0, serial };
  guint32 local_size[3] = { serial ? SERIAL_LOCAL_SIZE : local_size_for (seg_len), 1, 1 };
  /* Without an affine map the shader never reads bindings 1 and 2. */
  AtBinding bindings[] = {
    at_tensor_binding (x),
    at_tensor_binding (weight != NULL ? weight : x),
    at_tensor_binding (bias != NULL ? bias : x),
    at_tensor_binding (out),
  };
  guint32 gx, gy;
  at_cmd_grid_1d (cmd, n_segments, serial ? local_size[0] : 1, &gx, &gy);
  return at_cmd_dispatch_full (cmd, &norm_kernel, local_size, spec, G_N_ELEMENTS (spec), bindings, &push,
                               gx, gy, 1, label, error);
}

gboolean
at_op_group_norm_full (AtCmd *cmd, AtTensor *x, guint groups, AtTensor *weight, AtTensor *bias, float eps,
                       gboolean silu, AtReduceVariant variant, AtTensor *out, GError **error)
{
  g_return_val_if_fail (cmd != NULL && x != NULL && out != NULL, FALSE);
  const char *label = silu ? "group_norm_silu" : "group_norm";
  if (!at_op_check (x->ndim >= 2, label, "input must be [N, C, ...]", error))
    return FALSE;
  gint64 n = x->shape[0], channels = x->shape[1];
  gint64 inner = at_tensor_numel (x) / MAX (n * channels, 1);
  if (!at_op_check (groups > 0 && channels % groups == 0, label, "channels must divide into the groups", error) ||
      !check_affine (label, weight, bias, channels, error))
    return FALSE;
  return normalize (cmd, label, x, weight, bias, (guint64) n * groups, (guint64) (channels / groups) * inner,
                    inner, channels, eps, silu, variant, out, error);
}

gboolean
at_op_layer_norm_full (AtCmd *cmd, AtTensor *x, AtTensor *weight, AtTensor *bias, float eps,
                       AtReduceVariant variant, AtTensor *out, GError **error)
{
  g_return_val_if_fail (cmd != NULL && x != NULL && out != NULL, FALSE);
  gint64 channels = at_tensor_dim (x, -1);
  if (!check_affine ("layer_norm", weight, bias, channels, error))
    return FALSE;
  return normalize (cmd, "layer_norm", x, weight, bias, channels > 0 ? at_tensor_numel (x) / channels : 0,
                    channels, 1, channels, eps, FALSE, variant, out, error);
}

gboolean
at_op_group_norm (AtCmd *cmd, AtTensor *x, guint groups, AtTensor *weight, AtTensor *bias, float eps,
                  gboolean silu, AtTensor *out, GError **error)
{
  return at_op_group_norm_full (cmd, x, groups, weight, bias, eps, silu, AT_REDUCE_AUTO, out, error);
}

gboolean
at_op_layer_norm (AtCmd *cmd, AtTensor *x, AtTensor *weight, AtTensor *bias, float eps, AtTensor *out,
                  GError **error)
{
  return at_op_layer_norm_full (cmd, x, weight, bias, eps, AT_REDUCE_AUTO, out, error);
}
