/* matmul.c — batched matrix products and linear layers on two kernels:
 * shaders/ops/matmul_regs.comp (CPU devices) and matmul_shared.comp (GPUs). */
#define G_LOG_DOMAIN "atelier-ops"

#include "ops/matmul-private.h"

/* One layout for both kernels. Operand layouts are strides rather than
 * specialization constants: every pipeline costs seconds of compilation on
 * lavapipe, and a multiply per address is nothing beside the loads. */
typedef struct {
  guint32 m, n, k;
  guint32 flags;           /* FLAG_* */
  guint32 a_batch_stride;  /* elements; 0 = broadcast */
  guint32 b_batch_stride;
  guint32 c_batch_stride;
  guint32 pad0;
  guint32 a_stride_m, a_stride_k;
  guint32 b_stride_k, b_stride_n;
} MatmulPush;
G_STATIC_ASSERT (sizeof (MatmulPush) == 48);

/* Bindings: a, b, bias, c, the epilogue's residual (stand-ins when there
 * are none). The register kernel reads a and b as texel buffers (R32F and
 * RGBA32F: kernel.h says why). */
static const AtKernelInfo matmul_regs_kernel = {
  "matmul_regs", 5, 0x8, sizeof (MatmulPush), { 16, 1, 1 }, 0x2, 0x1,
};
static const AtKernelInfo matmul_shared_kernel = {
  "matmul_shared", 5, 0x8, sizeof (MatmulPush), { 16, 16, 1 }, 0, 0, 0x2, /* b may be fp16 (spec 7) */
};

enum { FLAG_BIAS = 1, FLAG_VEC_B = 2, FLAG_VEC_C = 4 };

void
at_gemm_config_default (AtGpu *gpu, AtGemmVariant variant, AtGemmConfig *config)
{
  g_return_if_fail (gpu != NULL && config != NULL);
  if (variant == AT_GEMM_AUTO)
    variant = at_gpu_get_device_info (gpu)->type == AT_GPU_DEVICE_CPU ? AT_GEMM_REGISTERS : AT_GEMM_SHARED;
  if (variant == AT_GEMM_REGISTERS)
    /* Measured on lavapipe (BENCHMARKS.md): what costs there is the
     * fetches, so each invocation computes a large block. */
    *config = (AtGemmConfig) { AT_GEMM_REGISTERS, { 16, 1 }, 32, 8, 4 };
  else
    /* 64 × 64 tiles of 256 invocations, 4 × 4 outputs each: 8 KiB of
     * shared memory, within every device's 16 KiB minimum. */
    *config = (AtGemmConfig) { AT_GEMM_SHARED, { 16, 16 }, 4, 4, 16 };
}

gboolean
at_gemm_config_resolve (AtGpu *gpu, const AtGemmConfig *config, AtGemmConfig *out, const char *op,
                        GError **error)
{
  if (config == NULL || config->variant == AT_GEMM_AUTO)
    at_gemm_config_default (gpu, AT_GEMM_AUTO, out);
  else
    *out = *config;
  gboolean ok = out->local_size[0] > 0 && out->local_size[1] > 0 && out->tm > 0 && out->tn > 0 && out->bk > 0;
  /* REGISTERS: one row of invocations that share their rows. */
  if (out->variant == AT_GEMM_REGISTERS)
    out->local_size[1] = 1;
  return at_op_check (ok, op, "unusable tiling (see AtGemmConfig)", error);
}

/* Product of every dimension but the last two. */
static gint64
batch_of (const AtTensor *t)
{
  gint64 n = 1;
  for (guint i = 0; i + 2 < t->ndim; i++)
    n *= t->shape[i];
  return n;
}

static gboolean
shape_error (const char *op, const AtTensor *a, const AtTensor *b, const AtTensor *c, const char *what,
             GError **error)
{
  g_autofree char *sa = at_tensor_shape_string (a);
  g_autofree char *sb = at_tensor_shape_string (b);
  g_autofree char *sc = at_tensor_shape_string (c);
  g_set_error (error, AT_OP_ERROR, AT_OP_ERROR_SHAPE, "%s: %s (a %s, b %s, out %s)", op, what, sa, sb, sc);
  return FALSE;
}

/* Whether t, a matrix (or batch of them) whose rows are row_len long, can
 * be read as aligned vec4s along its rows. */
static gboolean
rows_are_vec4 (const AtTensor *t, guint32 row_len, guint32 tile)
{
  return t->offset % 16 == 0 && row_len % 4 == 0 && tile % 4 == 0;
}

/* Records one product; the shapes are already checked. */
static gboolean
record_gemm (AtCmd *cmd, const AtGemmConfig *config, const char *label, AtTensor *a, AtTensor *b,
             AtTensor *bias, const AtEpilogue *epilogue, AtTensor *c, MatmulPush *push, gboolean trans_b,
             guint32 batch, GError **error)
{
  AtBinding bindings[] = {
    at_tensor_binding (a), at_tensor_binding (b), at_tensor_binding (bias != NULL ? bias : a),
    at_tensor_binding (c), at_epilogue_binding (epilogue, a),
  };
  guint32 local[3] = { config->local_size[0], config->local_size[1], 1 };
  if (config->variant == AT_GEMM_REGISTERS)
    {
      if (!trans_b && rows_are_vec4 (b, push->n, config->tn))
        push->flags |= FLAG_VEC_B;
      if (rows_are_vec4 (c, push->n, config->tn) && at_epilogue_vec4 (epilogue))
        push->flags |= FLAG_VEC_C;
      guint32 spec[] = { config->tm, config->tn, config->bk, at_epilogue_residual_spec (epilogue) };
      guint32 cols = local[0] * config->tn;
      return at_cmd_dispatch_full (cmd, &matmul_regs_kernel, local, spec, G_N_ELEMENTS (spec), bindings,
                                   push, (push->n + cols - 1) / cols, (push->m + config->tm - 1) / config->tm,
                                   batch, label, error);
    }
  guint32 spec[] = { config->tm, config->tn, config->bk, at_epilogue_residual_spec (epilogue), b->type == AT_TENSOR_F16 };
  guint32 bm = local[1] * config->tm, bn = local[0] * config->tn;
  return at_cmd_dispatch_full (cmd, &matmul_shared_kernel, local, spec, G_N_ELEMENTS (spec), bindings, push,
                               (push->n + bn - 1) / bn, (push->m + bm - 1) / bm, batch, label, error);
}

static gboolean
matmul (AtCmd *cmd, const char *label, AtTensor *a, AtTensor *b, AtTensor *bias, const AtEpilogue *epilogue,
        AtTensor *c, AtMatmulFlags flags, const AtGemmConfig *config, GError **error)
{
  gboolean trans_a = (flags & AT_MATMUL_TRANS_A) != 0, trans_b = (flags & AT_MATMUL_TRANS_B) != 0;
  if (a->ndim < 2 || b->ndim < 2 || c->ndim < 2)
    return shape_error (label, a, b, c, "every operand needs at least two dimensions", error);
  gint64 m = at_tensor_dim (a, trans_a ? -1 : -2), ka = at_tensor_dim (a, trans_a ? -2 : -1);
  gint64 kb = at_tensor_dim (b, trans_b ? -1 : -2), n = at_tensor_dim (b, trans_b ? -2 : -1);
  gint64 batch = batch_of (c);
  if (ka != kb)
    return shape_error (label, a, b, c, "inner dimensions differ", error);
  if (at_tensor_dim (c, -2) != m || at_tensor_dim (c, -1) != n)
    return shape_error (label, a, b, c, "the output is not M × N", error);
  if ((batch_of (a) != 1 && batch_of (a) != batch) || (batch_of (b) != 1 && batch_of (b) != batch) ||
      MAX (batch_of (a), batch_of (b)) != batch)
    return shape_error (label, a, b, c, "batch sizes differ (only 1 broadcasts)", error);
  if (bias != NULL && at_tensor_numel (bias) != n)
    return shape_error (label, a, b, c, "the bias does not have N elements", error);
  if (!at_tensor_check_f32 (label, "a", a, error) || !at_tensor_check_f32 (label, "the bias", bias, error) ||
      !at_tensor_check_f32 (label, "the output", c, error))
    return FALSE;
  AtGemmConfig resolved;
  if (!at_gemm_config_resolve (at_tensor_get_gpu (c), config, &resolved, label, error))
    return FALSE;
  if (m == 0 || n == 0)
    return TRUE;
  if (ka == 0)
    return shape_error (label, a, b, c, "the inner dimension is empty", error);
  MatmulPush push = {
    .m = m, .n = n, .k = ka,
    .flags = bias != NULL ? FLAG_BIAS : 0,
    .a_batch_stride = batch_of (a) == 1 ? 0 : m * ka,
    .b_batch_stride = batch_of (b) == 1 ? 0 : ka * n,
    .c_batch_stride = m * n,
    .a_stride_m = trans_a ? 1 : ka, .a_stride_k = trans_a ? m : 1,
    .b_stride_k = trans_b ? 1 : n, .b_stride_n = trans_b ? ka : 1,
  };
  return record_gemm (cmd, &resolved, label, a, b, bias, epilogue, c, &push, trans_b, batch, error);
}

gboolean
at_op_matmul (AtCmd *cmd, AtTensor *a, AtTensor *b, AtTensor *c, AtMatmulFlags flags, GError **error)
{
  g_return_val_if_fail (cmd != NULL && a != NULL && b != NULL && c != NULL, FALSE);
  return matmul (cmd, "matmul", a, b, NULL, NULL, c, flags, NULL, error);
}

gboolean
at_op_matmul_full (AtCmd *cmd, AtTensor *a, AtTensor *b, AtTensor *bias, AtTensor *c, AtMatmulFlags flags,
                   const AtGemmConfig *config, GError **error)
{
  g_return_val_if_fail (cmd != NULL && a != NULL && b != NULL && c != NULL, FALSE);
  return matmul (cmd, "matmul", a, b, bias, NULL, c, flags, config, error);
}

gboolean
at_op_linear (AtCmd *cmd, AtTensor *x, AtTensor *weight, AtTensor *bias, AtTensor *y, GError **error)
{
  return at_op_linear_full (cmd, x, weight, bias, NULL, y, NULL, error);
}

gboolean
at_op_linear_full (AtCmd *cmd, AtTensor *x, AtTensor *weight, AtTensor *bias, const AtEpilogue *epilogue,
                   AtTensor *y, const AtGemmConfig *config, GError **error)
{
  g_return_val_if_fail (cmd != NULL && x != NULL && weight != NULL && y != NULL, FALSE);
  gint64 in = at_tensor_dim (x, -1), out = at_tensor_dim (y, -1);
  gint64 rows = in > 0 ? at_tensor_numel (x) / in : 0;
  gboolean leading_match = x->ndim == y->ndim;
  for (guint i = 0; leading_match && i + 1 < x->ndim; i++)
    leading_match = x->shape[i] == y->shape[i];
  if (weight->ndim != 2 || weight->shape[0] != out || weight->shape[1] != in || !leading_match ||
      (bias != NULL && (bias->ndim != 1 || bias->shape[0] != out)))
    {
      g_autofree char *sx = at_tensor_shape_string (x);
      g_autofree char *sw = at_tensor_shape_string (weight);
      g_autofree char *sb = bias != NULL ? at_tensor_shape_string (bias) : g_strdup ("none");
      g_autofree char *sy = at_tensor_shape_string (y);
      g_set_error (error, AT_OP_ERROR, AT_OP_ERROR_SHAPE,
                   "linear: x %s, weight %s, bias %s and y %s do not fit "
                   "(want x [..., in], weight [out, in], bias [out], y [..., out])", sx, sw, sb, sy);
      return FALSE;
    }
  if (!at_epilogue_check (epilogue, y, "linear", error))
    return FALSE;
  /* The product sees x as one [rows, in] matrix; the tensors are not
   * reshaped, only their 2D views described. */
  AtTensor x2 = *x, y2 = *y;
  x2.ndim = y2.ndim = 2;
  x2.shape[0] = y2.shape[0] = rows;
  x2.shape[1] = in;
  y2.shape[1] = out;
  return matmul (cmd, "linear", &x2, weight, bias, epilogue, &y2, AT_MATMUL_TRANS_B, config, error) &&
         at_epilogue_finish (cmd, epilogue, y, error);
}
