/* elementwise.c — fill, broadcasting binary ops, activations and log. */
#define G_LOG_DOMAIN "atelier-ops"

#include <math.h>
#include <string.h>

#include "ops/elementwise.h"

#define LOCAL_SIZE 256

typedef struct {
  guint32 n;
  float value;
} FillPush;
G_STATIC_ASSERT (sizeof (FillPush) == 8);

typedef struct {
  guint32 n, pad0;
  float alpha, beta;
  guint32 shape[4], a_stride[4], b_stride[4];
} BinaryPush;
G_STATIC_ASSERT (sizeof (BinaryPush) == 64);

typedef struct {
  guint32 n;
  float gamma;
  float alpha, beta;
} UnaryPush;
G_STATIC_ASSERT (sizeof (UnaryPush) == 16);

static const AtKernelInfo fill_kernel = { "fill", 1, 0x1, sizeof (FillPush), { LOCAL_SIZE, 1, 1 } };
static const AtKernelInfo binary_kernel = { "binary", 3, 0x4, sizeof (BinaryPush), { LOCAL_SIZE, 1, 1 } };
static const AtKernelInfo unary_kernel = { "unary", 2, 0x2, sizeof (UnaryPush), { LOCAL_SIZE, 1, 1 } };

enum { BINARY_AXPBY = 0, BINARY_MUL = 1 };
enum { UNARY_SCALE = 0, UNARY_SILU = 1, UNARY_GELU = 2, UNARY_LOG = 3, UNARY_MIX_HALVES = 4 };

/* Records a 1D kernel over n elements with one mode constant. */
static gboolean
dispatch_1d (AtCmd *cmd, const AtKernelInfo *kernel, guint32 mode, const char *label,
             const AtBinding *bindings, const void *push, guint64 n, GError **error)
{
  guint32 gx, gy;
  at_cmd_grid_1d (cmd, n, kernel->local_size[0], &gx, &gy);
  return at_cmd_dispatch_full (cmd, kernel, NULL, &mode, 1, bindings, push, gx, gy, 1, label, error);
}

gboolean
at_op_fill (AtCmd *cmd, AtTensor *t, float value, GError **error)
{
  FillPush push = { at_tensor_numel (t), value };
  AtBinding bindings[] = { at_tensor_binding (t) };
  return dispatch_1d (cmd, &fill_kernel, 0, "fill", bindings, &push, push.n, error);
}

/* Right-aligned 4D strides of t broadcast to out; FALSE if incompatible. */
static gboolean
broadcast_strides (const AtTensor *t, const AtTensor *out, guint32 stride[4])
{
  guint32 step = 1;
  for (int d = 3; d >= 0; d--)
    {
      int ti = (int) t->ndim - 4 + d, oi = (int) out->ndim - 4 + d;
      gint64 tdim = ti >= 0 ? t->shape[ti] : 1;
      gint64 odim = oi >= 0 ? out->shape[oi] : 1;
      if (tdim != odim && tdim != 1)
        return FALSE;
      stride[d] = tdim == 1 ? 0 : step;
      step *= tdim;
    }
  return TRUE;
}

static gboolean
binary (AtCmd *cmd, guint32 mode, const char *label, float alpha, AtTensor *a, float beta,
        AtTensor *b, AtTensor *out, GError **error)
{
  BinaryPush push = { .n = at_tensor_numel (out), .alpha = alpha, .beta = beta };
  if (!at_op_check (out->ndim <= 4 && at_tensor_numel (a) <= push.n && at_tensor_numel (b) <= push.n &&
                    broadcast_strides (a, out, push.a_stride) && broadcast_strides (b, out, push.b_stride),
                    label, "operands do not broadcast to the output shape", error))
    return FALSE;
  for (int d = 0; d < 4; d++)
    push.shape[d] = at_tensor_dim (out, d - 4);
  AtBinding bindings[] = { at_tensor_binding (a), at_tensor_binding (b), at_tensor_binding (out) };
  return dispatch_1d (cmd, &binary_kernel, mode, label, bindings, &push, push.n, error);
}

gboolean
at_op_axpby (AtCmd *cmd, float alpha, AtTensor *a, float beta, AtTensor *b, AtTensor *out, GError **error)
{
  return binary (cmd, BINARY_AXPBY, "axpby", alpha, a, beta, b, out, error);
}

gboolean
at_op_add (AtCmd *cmd, AtTensor *a, AtTensor *b, AtTensor *out, GError **error)
{
  return binary (cmd, BINARY_AXPBY, "add", 1.0f, a, 1.0f, b, out, error);
}

gboolean
at_op_mul (AtCmd *cmd, AtTensor *a, AtTensor *b, AtTensor *out, GError **error)
{
  return binary (cmd, BINARY_MUL, "mul", 1.0f, a, 0.0f, b, out, error);
}

static gboolean
unary (AtCmd *cmd, guint32 mode, const char *label, AtTensor *x, float alpha, float beta, float gamma,
       AtTensor *out, GError **error)
{
  if (!at_tensor_check_same_shape (label, x, out, error))
    return FALSE;
  UnaryPush push = { .n = at_tensor_numel (out), .gamma = gamma, .alpha = alpha, .beta = beta };
  AtBinding bindings[] = { at_tensor_binding (x), at_tensor_binding (out) };
  return dispatch_1d (cmd, &unary_kernel, mode, label, bindings, &push, push.n, error);
}

gboolean
at_op_scale (AtCmd *cmd, AtTensor *x, float alpha, float beta, AtTensor *out, GError **error)
{
  return unary (cmd, UNARY_SCALE, "scale", x, alpha, beta, 0.0f, out, error);
}

gboolean
at_op_silu (AtCmd *cmd, AtTensor *x, AtTensor *out, GError **error)
{
  return unary (cmd, UNARY_SILU, "silu", x, 0.0f, 0.0f, 0.0f, out, error);
}

gboolean
at_op_gelu (AtCmd *cmd, AtTensor *x, AtTensor *out, GError **error)
{
  return unary (cmd, UNARY_GELU, "gelu", x, 0.0f, 0.0f, 0.0f, out, error);
}

gboolean
at_op_log (AtCmd *cmd, AtTensor *x, float floor_value, float offset, float div, AtTensor *out, GError **error)
{
  if (!at_op_check (floor_value > 0 && isfinite (floor_value) && isfinite (offset) && div != 0 && isfinite (div),
                    "log", "the floor must be positive, div non-zero and all three finite", error))
    return FALSE;
  return unary (cmd, UNARY_LOG, "log", x, floor_value, offset, div, out, error);
}

gboolean
at_op_mix_halves (AtCmd *cmd, AtTensor *x, float alpha, float beta, AtTensor *out, GError **error)
{
  gint64 n = at_tensor_numel (out);
  if (!at_op_check (at_tensor_numel (x) == 2 * n, "mix-halves", "x must hold twice out's elements", error))
    return FALSE;
  UnaryPush push = { .n = n, .alpha = alpha, .beta = beta };
  AtBinding bindings[] = { at_tensor_binding (x), at_tensor_binding (out) };
  return dispatch_1d (cmd, &unary_kernel, UNARY_MIX_HALVES, "mix-halves", bindings, &push, push.n, error);
}
