/* conv2d.c — 2D convolution as an implicit GEMM on two kernels:
 * shaders/ops/conv2d_regs.comp (CPU devices) and conv2d_shared.comp (GPUs);
 * 3×3 stride-1 ones by Winograd where that measured faster
 * (conv2d-winograd.c). */
#define G_LOG_DOMAIN "atelier-ops"

#include "ops/conv2d-private.h"
#include "ops/conv2d-winograd.h"
#include "ops/matmul-private.h"

/* One layout for both kernels. The kernel size is a push constant: one
 * pipeline per tiling serves every convolution, which matters on lavapipe
 * where a pipeline takes seconds to compile. */
typedef struct {
  guint32 cin, h, w;
  guint32 cout, oh, ow;
  guint32 kh, kw;
  guint32 stride_y, stride_x;
  guint32 pad_y, pad_x;
  guint32 flags;  /* FLAG_* */
  guint32 pad0, pad1, pad2;
} Conv2dPush;
G_STATIC_ASSERT (sizeof (Conv2dPush) == 64);

/* Bindings: x, weight, bias, y, the epilogue's residual (stand-ins when
 * there are none). */
static const AtKernelInfo conv2d_regs_kernel = {
  "conv2d_regs", 5, 0x8, sizeof (Conv2dPush), { 16, 1, 1 }, 0, 0x3, /* x, weight: R32F texels */
};
static const AtKernelInfo conv2d_shared_kernel = {
  "conv2d_shared", 5, 0x8, sizeof (Conv2dPush), { 16, 16, 1 }, 0, 0, 0x2, /* weight may be fp16 (spec 7) */
};

/* FLAG_BIAS_BATCH mirrors shaders/epilogue.glsl. */
enum { FLAG_BIAS = 1, FLAG_VEC_Y = 2, FLAG_BIAS_BATCH = 64, FLAG_ROWS = 128 };

gint64
at_conv2d_output_size (gint64 in, gint64 kernel, guint stride, guint padding)
{
  gint64 span = in + 2 * (gint64) padding - kernel;
  if (stride == 0 || span < 0)
    return 0;
  return span / stride + 1;
}

static gboolean
shape_error (const AtTensor *x, const AtTensor *weight, const AtTensor *bias, const AtTensor *y,
             const AtConv2dParams *params, const char *what, GError **error)
{
  g_autofree char *sx = at_tensor_shape_string (x);
  g_autofree char *sw = at_tensor_shape_string (weight);
  g_autofree char *sb = bias != NULL ? at_tensor_shape_string (bias) : g_strdup ("none");
  g_autofree char *sy = at_tensor_shape_string (y);
  g_set_error (error, AT_OP_ERROR, AT_OP_ERROR_SHAPE,
               "conv2d: %s (x %s, weight %s, bias %s, y %s, stride %u×%u, padding %u×%u)", what, sx, sw, sb,
               sy, params->stride[0], params->stride[1], params->padding[0], params->padding[1]);
  return FALSE;
}

gboolean
at_op_conv2d_full (AtCmd *cmd, AtTensor *x, AtTensor *weight, AtTensor *bias, AtTensor *y,
                   const AtConv2dParams *params, const AtGemmConfig *config, GError **error)
{
  return at_op_conv2d_fused (cmd, x, weight, bias, NULL, y, params, config, error);
}

gboolean
at_op_conv2d_fused (AtCmd *cmd, AtTensor *x, AtTensor *weight, AtTensor *bias, const AtEpilogue *epilogue,
                    AtTensor *y, const AtConv2dParams *params, const AtGemmConfig *config, GError **error)
{
  g_return_val_if_fail (cmd != NULL && x != NULL && weight != NULL && y != NULL && params != NULL, FALSE);
  return at_conv2d_record (cmd, x, weight, bias, epilogue, y, params, config, AT_CONV2D_PATH_AUTO, error);
}

gboolean
at_conv2d_record (AtCmd *cmd, AtTensor *x, AtTensor *weight, AtTensor *bias, const AtEpilogue *epilogue,
                  AtTensor *y, const AtConv2dParams *params, const AtGemmConfig *config, AtConv2dPath path,
                  GError **error)
{
  if (x->ndim != 4 || weight->ndim != 4 || y->ndim != 4)
    return shape_error (x, weight, bias, y, params, "x, weight and y must be 4D", error);
  if (params->stride[0] == 0 || params->stride[1] == 0)
    return shape_error (x, weight, bias, y, params, "the stride must be at least 1", error);
  gint64 batch = x->shape[0], cin = x->shape[1], h = x->shape[2], w = x->shape[3];
  gint64 cout = weight->shape[0], kh = weight->shape[2], kw = weight->shape[3];
  gint64 oh = at_conv2d_output_size (h, kh, params->stride[0], params->padding[0]);
  gint64 ow = at_conv2d_output_size (w, kw, params->stride[1], params->padding[1]);
  if (weight->shape[1] != cin)
    return shape_error (x, weight, bias, y, params, "the weight's input channels differ from x's", error);
  if (kh == 0 || kw == 0 || oh == 0 || ow == 0)
    return shape_error (x, weight, bias, y, params, "the kernel does not fit the padded input", error);
  if (y->shape[0] != batch || y->shape[1] != cout || y->shape[2] != oh || y->shape[3] != ow)
    return shape_error (x, weight, bias, y, params, "y is not [N, Cout, OH, OW]", error);
  gboolean bias_per_image = bias != NULL && bias->ndim == 2;
  if (bias != NULL && !(bias->ndim == 1 && bias->shape[0] == cout) &&
      !(bias_per_image && bias->shape[0] == batch && bias->shape[1] == cout))
    return shape_error (x, weight, bias, y, params, "the bias is not [Cout] or [N, Cout]", error);
  if (!at_epilogue_check (epilogue, y, "conv2d", error) || !at_tensor_check_f32 ("conv2d", "x", x, error) ||
      !at_tensor_check_f32 ("conv2d", "the bias", bias, error) || !at_tensor_check_f32 ("conv2d", "y", y, error))
    return FALSE;
  if (path == AT_CONV2D_PATH_WINOGRAD && !at_conv2d_winograd_fits (weight, params))
    return shape_error (x, weight, bias, y, params, "Winograd F(2×2, 3×3) needs a 3×3 kernel at stride 1", error);

  AtGemmConfig conf;
  if (!at_gemm_config_resolve (at_tensor_get_gpu (y), config, &conf, "conv2d", error))
    return FALSE;
  if (cout == 0 || batch == 0)
    return TRUE;
  if (cin == 0)
    return shape_error (x, weight, bias, y, params, "there are no input channels", error);
  /* The device default (config NULL or AUTO) may take the Winograd path;
   * an explicit kernel variant always gets the implicit GEMM. */
  gboolean default_kernels = config == NULL || config->variant == AT_GEMM_AUTO;
  if (path == AT_CONV2D_PATH_WINOGRAD ||
      (default_kernels && at_conv2d_winograd_chosen (at_tensor_get_gpu (y), x, weight, y, params)))
    return at_conv2d_winograd_record (cmd, x, weight, bias, epilogue, y, params, &conf, error);

  Conv2dPush push = {
    .cin = cin, .h = h, .w = w, .cout = cout, .oh = oh, .ow = ow, .kh = kh, .kw = kw,
    .stride_y = params->stride[0], .stride_x = params->stride[1],
    .pad_y = params->padding[0], .pad_x = params->padding[1],
    .flags = (bias != NULL ? FLAG_BIAS : 0) | (bias_per_image ? FLAG_BIAS_BATCH : 0),
  };
  AtBinding bindings[] = {
    at_tensor_binding (x), at_tensor_binding (weight), at_tensor_binding (bias != NULL ? bias : x),
    at_tensor_binding (y), at_epilogue_binding (epilogue, x),
  };
  guint32 local[3] = { conf.local_size[0], conf.local_size[1], 1 };
  guint64 npix = (guint64) oh * ow;
  if (conf.variant == AT_GEMM_REGISTERS)
    {
      /* Whole vec4 stores when every image's pixel rows stay aligned. */
      if (npix % 4 == 0 && conf.tn % 4 == 0 && y->offset % 16 == 0 && at_epilogue_vec4 (epilogue))
        push.flags |= FLAG_VEC_Y;
      /* Each invocation's pixels in one row, under 3-wide windows that
       * overlap: the row of inputs is loaded once for three taps. */
      if (kw == 3 && params->stride[1] == 1 && ow % conf.tn == 0)
        push.flags |= FLAG_ROWS;
      guint32 spec[] = { conf.tm, conf.tn, conf.bk, at_epilogue_residual_spec (epilogue) };
      guint64 pixels = (guint64) local[0] * conf.tn;
      return at_cmd_dispatch_full (cmd, &conv2d_regs_kernel, local, spec, G_N_ELEMENTS (spec), bindings, &push,
                                   (npix + pixels - 1) / pixels, (cout + conf.tm - 1) / conf.tm, batch,
                                   "conv2d", error) &&
             at_epilogue_finish (cmd, epilogue, y, error);
    }
  guint32 spec[] = { conf.tm, conf.tn, conf.bk, at_epilogue_residual_spec (epilogue), weight->type == AT_TENSOR_F16 };
  guint64 bm = (guint64) local[1] * conf.tm, bn = (guint64) local[0] * conf.tn;
  return at_cmd_dispatch_full (cmd, &conv2d_shared_kernel, local, spec, G_N_ELEMENTS (spec), bindings, &push,
                               (npix + bn - 1) / bn, (cout + bm - 1) / bm, batch, "conv2d", error) &&
         at_epilogue_finish (cmd, epilogue, y, error);
}

gboolean
at_op_conv2d (AtCmd *cmd, AtTensor *x, AtTensor *weight, AtTensor *bias, AtTensor *y, guint stride,
              guint padding, GError **error)
{
  AtConv2dParams params = { { stride, stride }, { padding, padding } };
  return at_op_conv2d_full (cmd, x, weight, bias, y, &params, NULL, error);
}
