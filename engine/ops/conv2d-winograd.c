/* conv2d-winograd.c — 3×3 stride-1 convolutions by Winograd F(2×2, 3×3):
 * shaders/ops/winograd_weight.comp (U = G g Gᵀ), winograd_input.comp
 * (V = Bᵀ d B), 16 products M[ξ] = U[ξ] · V[ξ] on matmul's kernels, and
 * winograd_output.comp (Y = Aᵀ M A + bias + residual). */
#define G_LOG_DOMAIN "atelier-ops"

#include "ops/conv2d-private.h"
#include "ops/conv2d-winograd.h"

typedef struct {
  guint32 n;  /* Cout · Cin */
  guint32 pad0, pad1, pad2;
} WeightPush;
G_STATIC_ASSERT (sizeof (WeightPush) == 16);

typedef struct {
  guint32 cin, h, w;
  guint32 th, tw, tiles, tiles4;
  guint32 pad_y, pad_x;
  guint32 pad0, pad1, pad2;
} InputPush;
G_STATIC_ASSERT (sizeof (InputPush) == 48);

typedef struct {
  guint32 cout, oh, ow;
  guint32 th, tw, tiles, tiles4;
  guint32 flags;  /* FLAG_* */
} OutputPush;
G_STATIC_ASSERT (sizeof (OutputPush) == 32);

/* Bindings: weight (R32F texels), U. */
static const AtKernelInfo weight_kernel = {
  "winograd_weight", 2, 0x2, sizeof (WeightPush), { 64, 1, 1 }, 0, 0x1,
};
/* Bindings: x (R32F texels), V. */
static const AtKernelInfo input_kernel = {
  "winograd_input", 2, 0x2, sizeof (InputPush), { 64, 1, 1 }, 0, 0x1,
};
/* Bindings: M (R32F texels), bias, y, the residual (stand-ins when there
 * are none). */
static const AtKernelInfo output_kernel = {
  "winograd_output", 4, 0x4, sizeof (OutputPush), { 64, 1, 1 }, 0, 0x1,
};

enum { FLAG_BIAS = 1, FLAG_BIAS_BATCH = 64 };

/* The shapes of one Winograd convolution: T tiles of 2 × 2 outputs, padded
 * to T4 (a multiple of 4) columns in V and M. */
typedef struct {
  gint64 batch, cin, h, w, cout, oh, ow;
  gint64 th, tw, tiles, tiles4;
} Plan;

static void
plan_of (const AtTensor *x, const AtTensor *weight, const AtTensor *y, Plan *plan)
{
  *plan = (Plan) {
    .batch = x->shape[0], .cin = x->shape[1], .h = x->shape[2], .w = x->shape[3],
    .cout = weight->shape[0], .oh = y->shape[2], .ow = y->shape[3],
  };
  plan->th = (plan->oh + 1) / 2;
  plan->tw = (plan->ow + 1) / 2;
  plan->tiles = plan->batch * plan->th * plan->tw;
  plan->tiles4 = (plan->tiles + 3) / 4 * 4;
}

/* Bytes of the three scratch matrices U, V and M. */
static void
scratch_sizes (const Plan *plan, guint64 *u, guint64 *v, guint64 *m)
{
  *u = 16 * (guint64) plan->cout * plan->cin * sizeof (float);
  *v = 16 * (guint64) plan->cin * plan->tiles4 * sizeof (float);
  *m = 16 * (guint64) plan->cout * plan->tiles4 * sizeof (float);
}

gboolean
at_conv2d_winograd_fits (const AtTensor *weight, const AtConv2dParams *params)
{
  return weight->ndim == 4 && weight->shape[2] == 3 && weight->shape[3] == 3 && params->stride[0] == 1 &&
         params->stride[1] == 1;
}

/* Where the device's default conv2d takes this path, measured on lavapipe
 * (BENCHMARKS.md, docs/ENGINE.md): Winograd won from 48 channels in and
 * out over at least 256 tiles (e.g. 32 × 32 pixels of one image); with
 * fewer channels its transforms cost more than its products save, with
 * fewer tiles its products fill a fraction of the register kernel's 128
 * columns. Real GPUs keep the implicit GEMM until one is measured. */
enum { MIN_CHANNELS = 48, MIN_TILES = 256 };
/* Nor where V or M would pass 64 MiB: the scratch lives as long as the
 * list (SD 1.5's UNet at 512 px needs 42 MiB each, its VAE decoder's 512
 * channels at 128 × 128 would need 128). */
#define MAX_DEFAULT_SCRATCH ((guint64) 64 << 20)

static gboolean
wins_on (AtGpu *gpu, const Plan *plan)
{
  guint64 u, v, m;
  scratch_sizes (plan, &u, &v, &m);
  return at_gpu_get_device_info (gpu)->type == AT_GPU_DEVICE_CPU && plan->cin >= MIN_CHANNELS &&
         plan->cout >= MIN_CHANNELS && plan->tiles >= MIN_TILES && MAX (u, MAX (v, m)) <= MAX_DEFAULT_SCRATCH;
}

gboolean
at_conv2d_winograd_chosen (AtGpu *gpu, const AtTensor *x, const AtTensor *weight, const AtTensor *y,
                           const AtConv2dParams *params)
{
  g_return_val_if_fail (gpu != NULL && x != NULL && weight != NULL && y != NULL && params != NULL, FALSE);
  if (!at_conv2d_winograd_fits (weight, params))
    return FALSE;
  Plan plan;
  plan_of (x, weight, y, &plan);
  guint64 u, v, m, limit = at_gpu_max_binding_size (gpu);
  scratch_sizes (&plan, &u, &v, &m);
  if (u > limit || v > limit || m > limit)
    return FALSE;
  /* ATELIER_CONV_WINOGRAD=1: every convolution that fits; 0: none. */
  const char *env = g_getenv ("ATELIER_CONV_WINOGRAD");
  if (env != NULL && *env != '\0')
    return g_strcmp0 (env, "0") != 0;
  return wins_on (gpu, &plan);
}

/* A [16, rows, cols] matrix in the list's scratch buffer called name. */
static gboolean
scratch_tensor (AtCmd *cmd, const char *name, gint64 rows, gint64 cols, AtTensor *out, GError **error)
{
  AtBuffer *buffer = at_cmd_scratch (cmd, name, 16 * (gsize) rows * cols * sizeof (float), error);
  if (buffer == NULL)
    return FALSE;
  *out = (AtTensor) { buffer, 0, 3, { 16, rows, cols } };
  return TRUE;
}

/* One invocation per element of n, over a 2D grid of workgroups. */
static gboolean
dispatch_1d (AtCmd *cmd, const AtKernelInfo *kernel, const guint32 *spec, guint n_spec, const AtBinding *bindings,
             const void *push, guint64 n, GError **error)
{
  guint32 gx, gy;
  at_cmd_grid_1d (cmd, n, kernel->local_size[0], &gx, &gy);
  return at_cmd_dispatch_full (cmd, kernel, NULL, spec, n_spec, bindings, push, gx, gy, 1, NULL,
                               error);
}

static gboolean
record_weight_transform (AtCmd *cmd, AtTensor *weight, AtTensor *u, const Plan *plan, GError **error)
{
  WeightPush push = { .n = plan->cout * plan->cin };
  AtBinding bindings[] = { at_tensor_binding (weight), at_tensor_binding (u) };
  return dispatch_1d (cmd, &weight_kernel, NULL, 0, bindings, &push, push.n, error);
}

static gboolean
record_input_transform (AtCmd *cmd, AtTensor *x, AtTensor *v, const Plan *plan, const AtConv2dParams *params,
                        GError **error)
{
  InputPush push = {
    .cin = plan->cin, .h = plan->h, .w = plan->w, .th = plan->th, .tw = plan->tw,
    .tiles = plan->tiles, .tiles4 = plan->tiles4, .pad_y = params->padding[0], .pad_x = params->padding[1],
  };
  AtBinding bindings[] = { at_tensor_binding (x), at_tensor_binding (v) };
  return dispatch_1d (cmd, &input_kernel, NULL, 0, bindings, &push, (guint64) plan->cin * plan->tiles4, error);
}

static gboolean
record_output_transform (AtCmd *cmd, AtTensor *m, AtTensor *bias, const AtEpilogue *epilogue, AtTensor *y,
                         const Plan *plan, GError **error)
{
  OutputPush push = {
    .cout = plan->cout, .oh = plan->oh, .ow = plan->ow, .th = plan->th, .tw = plan->tw,
    .tiles = plan->tiles, .tiles4 = plan->tiles4,
    .flags = (bias != NULL ? FLAG_BIAS : 0) | (bias != NULL && bias->ndim == 2 ? FLAG_BIAS_BATCH : 0),
  };
  AtBinding bindings[] = {
    at_tensor_binding (m), at_tensor_binding (bias != NULL ? bias : m), at_tensor_binding (y),
    at_epilogue_binding (epilogue, m),
  };
  guint32 spec[] = { at_epilogue_residual_spec (epilogue) };
  return dispatch_1d (cmd, &output_kernel, spec, G_N_ELEMENTS (spec), bindings, &push,
                      (guint64) plan->cout * plan->tiles, error);
}

gboolean
at_conv2d_winograd_record (AtCmd *cmd, AtTensor *x, AtTensor *weight, AtTensor *bias, const AtEpilogue *epilogue,
                           AtTensor *y, const AtConv2dParams *params, const AtGemmConfig *conf, GError **error)
{
  Plan plan;
  plan_of (x, weight, y, &plan);
  AtTensor u, v, m;
  return scratch_tensor (cmd, "winograd-u", plan.cout, plan.cin, &u, error) &&
         scratch_tensor (cmd, "winograd-v", plan.cin, plan.tiles4, &v, error) &&
         scratch_tensor (cmd, "winograd-m", plan.cout, plan.tiles4, &m, error) &&
         record_weight_transform (cmd, weight, &u, &plan, error) &&
         record_input_transform (cmd, x, &v, &plan, params, error) &&
         at_op_matmul_full (cmd, &u, &v, NULL, &m, 0, conf, error) &&
         record_output_transform (cmd, &m, bias, epilogue, y, &plan, error) &&
         at_epilogue_finish (cmd, epilogue, y, error);
}

gboolean
at_op_conv2d_winograd (AtCmd *cmd, AtTensor *x, AtTensor *weight, AtTensor *bias, const AtEpilogue *epilogue,
                       AtTensor *y, const AtConv2dParams *params, const AtGemmConfig *config, GError **error)
{
  g_return_val_if_fail (cmd != NULL && x != NULL && weight != NULL && y != NULL && params != NULL, FALSE);
  return at_conv2d_record (cmd, x, weight, bias, epilogue, y, params, config, AT_CONV2D_PATH_WINOGRAD, error);
}
