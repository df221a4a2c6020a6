/* test-conv2d.c — conv2d (both kernel variants, 1×1, 3×3, rectangular and
 * strided kernels, padding, bias, a bias per image, the fused epilogue:
 * SiLU, GELU, a residual add) against a plain-C direct convolution that
 * accumulates in double.
 *
 * Tolerance: inputs are uniform in [-1, 1) and every output sums at most
 * Cin·KH·KW ≤ 300 products in fp32, as in test-matmul.c: 1e-4 absolute and
 * 1e-10 normalised squared error, far above what fp32 rounding gives. */
#include "test-util.h"
#include "ops/conv2d.h"
#include "conv2d-ref.h"

#include <string.h>

#define MAX_NSE 1e-10
#define MAX_ABS 1e-4

/* What the convolution fuses besides a plain bias. */
typedef struct {
  gboolean bias_per_image;   /* bias [N, Cout] */
  AtActivation activation;
  gboolean residual;
  gboolean half_weight;      /* the weight as fp16 */
} Fused;

static void
ref_conv2d (const ConvCase *c, gint64 oh, gint64 ow, const float *x, const float *wt, const float *bias,
            float *want)
{
  ref_conv2d_strided (c, oh, ow, x, wt, bias, 0, want);
}

static void
check_conv2d_fused (const ConvCase *c, const AtGemmConfig *config, gboolean with_bias, const Fused *f)
{
  gint64 oh = at_conv2d_output_size (c->h, c->kh, c->stride[0], c->padding[0]);
  gint64 ow = at_conv2d_output_size (c->w, c->kw, c->stride[1], c->padding[1]);
  g_assert_cmpint (oh, >, 0);
  g_assert_cmpint (ow, >, 0);
  gsize nx = c->n * c->cin * c->h * c->w, nw = c->cout * c->cin * c->kh * c->kw, ny = c->n * c->cout * oh * ow;
  g_autofree float *x = test_random (nx, 31, -1, 1);
  g_autofree float *wt = test_random (nw, 32, -1, 1);
  gboolean per_image = f != NULL && f->bias_per_image;
  g_autofree float *bias = test_random (per_image ? c->n * c->cout : c->cout, 33, -1, 1);
  g_autofree float *residual = test_random (ny, 34, -1, 1);
  gint64 w_shape[] = { c->cout, c->cin, c->kh, c->kw };
  /* an fp16 weight is rounded first: the reference uses what the device holds */
  g_autoptr (AtTensor) tw = f != NULL && f->half_weight ? test_tensor_half_from (wt, 4, w_shape)
                                                         : test_tensor_from (wt, 4, w_shape);
  g_autofree float *want = g_new (float, ny);
  ref_conv2d_strided (c, oh, ow, x, wt, with_bias ? bias : NULL, per_image ? c->cout : 0, want);
  if (f != NULL)
    test_ref_epilogue (want, ny, f->activation, f->residual ? residual : NULL);

  g_autoptr (AtTensor) tx = test_tensor_from_shape (x, c->n, c->cin, c->h, c->w);
  g_autoptr (AtTensor) tb = per_image ? test_tensor_from_shape (bias, c->n, c->cout)
                                       : test_tensor_from_shape (bias, c->cout);
  g_autoptr (AtTensor) tres = test_tensor_from_shape (residual, c->n, c->cout, oh, ow);
  g_autoptr (AtTensor) y = test_tensor_poisoned_shape (c->n, c->cout, oh, ow);
  AtConv2dParams params = { { c->stride[0], c->stride[1] }, { c->padding[0], c->padding[1] } };
  AtEpilogue epilogue = { f != NULL ? f->activation : AT_ACTIVATION_NONE, f != NULL && f->residual ? tres : NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (AtCmd) cmd = test_cmd_new ();
  if (f != NULL)
    at_op_conv2d_fused (cmd, tx, tw, with_bias ? tb : NULL, &epilogue, y, &params, config, &error);
  else
    at_op_conv2d_full (cmd, tx, tw, with_bias ? tb : NULL, y, &params, config, &error);
  g_assert_no_error (error);
  test_submit (cmd);
  test_assert_tensor_close (
    y, want, MAX_NSE, MAX_ABS,
    "conv2d %s [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT
    "] -> %" G_GINT64_FORMAT " k%" G_GINT64_FORMAT "x%" G_GINT64_FORMAT " s%u,%u p%u,%u%s%s activation %d%s%s",
    config == NULL ? "default" : config->variant == AT_GEMM_SHARED ? "shared" : "registers", c->n, c->cin,
    c->h, c->w, c->cout, c->kh, c->kw, c->stride[0], c->stride[1], c->padding[0], c->padding[1],
    with_bias ? " +bias" : "", per_image ? " per image" : "", f != NULL ? f->activation : 0,
    f != NULL && f->residual ? " +residual" : "", f != NULL && f->half_weight ? " fp16 weight" : "");
}

static void
check_conv2d (const ConvCase *c, const AtGemmConfig *config, gboolean with_bias)
{
  check_conv2d_fused (c, config, with_bias, NULL);
}

static const ConvCase cases[] = {
  /* n, cin, h, w, cout, kh, kw, stride, padding */
  { 1, 1, 1, 1, 1, 1, 1, { 1, 1 }, { 0, 0 } },
  { 2, 5, 7, 9, 3, 1, 1, { 1, 1 }, { 0, 0 } },          /* 1×1: a per-pixel linear map */
  { 1, 3, 17, 13, 8, 3, 3, { 1, 1 }, { 1, 1 } },        /* 3×3 "same" */
  { 2, 4, 16, 15, 6, 3, 3, { 2, 2 }, { 1, 1 } },        /* stride-2 downsampling */
  { 1, 2, 11, 10, 5, 3, 3, { 1, 1 }, { 0, 0 } },        /* "valid" */
  { 1, 3, 9, 12, 7, 3, 1, { 1, 2 }, { 1, 0 } },         /* rectangular, per-axis stride */
  { 1, 2, 8, 8, 4, 4, 4, { 2, 2 }, { 1, 1 } },          /* 4×4 stride 2 */
  { 1, 2, 10, 9, 3, 5, 5, { 1, 1 }, { 2, 2 } },         /* 5×5 */
  { 1, 2, 3, 3, 2, 3, 3, { 1, 1 }, { 2, 2 } },          /* padding wider than the image edge */
  { 1, 32, 32, 32, 40, 3, 3, { 1, 1 }, { 1, 1 } },
  { 3, 17, 12, 11, 19, 3, 3, { 1, 1 }, { 1, 1 } },
  /* rows a whole number of TN pixels wide: the register variant reuses
   * each input row for the three taps of a 3-wide window */
  { 2, 5, 16, 16, 7, 3, 3, { 1, 1 }, { 1, 1 } },
  { 1, 4, 17, 10, 6, 3, 3, { 2, 1 }, { 0, 0 } },        /* 8 wide, y-stride 2, no padding */
  { 1, 3, 9, 24, 5, 3, 3, { 1, 1 }, { 0, 1 } },
  { 1, 3, 8, 16, 4, 5, 3, { 1, 1 }, { 2, 1 } },         /* 5 tall, 3 wide */
};

/* Every case with the device's default tiles for variant. */
static void
check_variant (AtGemmVariant variant)
{
  AtGemmConfig config;
  at_gemm_config_default (test_gpu (), variant, &config);
  g_assert_cmpint (config.variant, ==, variant);
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    check_conv2d (&cases[i], &config, i % 2 == 0);
}

static void test_registers (void) { check_variant (AT_GEMM_REGISTERS); }
static void test_shared (void) { check_variant (AT_GEMM_SHARED); }

static void
test_other_tiles (void)
{
  static const AtGemmConfig configs[] = {
    { AT_GEMM_REGISTERS, { 8, 1 }, 3, 5, 1 },
    { AT_GEMM_SHARED, { 8, 4 }, 2, 3, 7 },
  };
  static const ConvCase some[] = {
    { 2, 5, 13, 11, 9, 3, 3, { 1, 1 }, { 1, 1 } },
    { 1, 6, 14, 9, 10, 3, 3, { 2, 1 }, { 0, 1 } },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (configs); i++)
    for (gsize j = 0; j < G_N_ELEMENTS (some); j++)
      check_conv2d (&some[j], &configs[i], j == 0);
}

/* The fused epilogue on both variants: a bias per image with a residual (a
 * UNet block's conv1 and conv2), SiLU, GELU with a residual; outputs whose
 * pixel rows are whole vec4s (vector stores) and ones that are not. */
static void
test_epilogue (void)
{
  static const Fused fused[] = {
    { TRUE, AT_ACTIVATION_NONE, TRUE },
    { FALSE, AT_ACTIVATION_SILU, FALSE },
    { TRUE, AT_ACTIVATION_GELU, TRUE },
  };
  static const ConvCase some[] = {
    { 3, 17, 12, 11, 19, 3, 3, { 1, 1 }, { 1, 1 } },   /* 132 pixels */
    { 2, 5, 7, 9, 3, 1, 1, { 1, 1 }, { 0, 0 } },      /* 63 pixels */
    { 2, 6, 8, 16, 9, 3, 3, { 1, 1 }, { 1, 1 } },     /* input rows reused */
  };
  static const AtGemmVariant variants[] = { AT_GEMM_REGISTERS, AT_GEMM_SHARED };
  for (gsize v = 0; v < G_N_ELEMENTS (variants); v++)
    {
      /* small register blocks: a pipeline of the default size takes
       * seconds of LLVM on lavapipe, and the epilogue is the same code */
      AtGemmConfig config = { AT_GEMM_REGISTERS, { 8, 1 }, 4, 8, 4 };
      if (variants[v] == AT_GEMM_SHARED)
        at_gemm_config_default (test_gpu (), variants[v], &config);
      for (gsize i = 0; i < G_N_ELEMENTS (fused); i++)
        for (gsize j = 0; j < G_N_ELEMENTS (some); j++)
          check_conv2d_fused (&some[j], &config, TRUE, &fused[i]);
    }
}

/* fp16 weights on both variants (texel R16F in the register kernel, two
 * halves a word in the shared one), odd weight counts included; the
 * reference uses the rounded weights, so fp32's tolerance holds. An fp16
 * input is refused with a message. */
static void
test_half_weight (void)
{
  static const Fused half[] = {
    { FALSE, AT_ACTIVATION_NONE, FALSE, TRUE },
    { TRUE, AT_ACTIVATION_SILU, TRUE, TRUE },
  };
  static const ConvCase some[] = {
    { 3, 17, 12, 11, 19, 3, 3, { 1, 1 }, { 1, 1 } },
    { 2, 5, 7, 9, 3, 1, 1, { 1, 1 }, { 0, 0 } },
    { 1, 3, 9, 10, 5, 3, 3, { 2, 2 }, { 1, 1 } },
  };
  static const AtGemmVariant variants[] = { AT_GEMM_REGISTERS, AT_GEMM_SHARED };
  for (gsize v = 0; v < G_N_ELEMENTS (variants); v++)
    {
      AtGemmConfig config = { AT_GEMM_REGISTERS, { 8, 1 }, 4, 8, 4 };
      if (variants[v] == AT_GEMM_SHARED)
        at_gemm_config_default (test_gpu (), variants[v], &config);
      for (gsize i = 0; i < G_N_ELEMENTS (half); i++)
        for (gsize j = 0; j < G_N_ELEMENTS (some); j++)
          check_conv2d_fused (&some[j], &config, j != 1 || half[i].bias_per_image, &half[i]);
    }

  float data[9] = { 0 };
  g_autoptr (AtTensor) x = test_tensor_half_from_shape (data, 1, 1, 3, 3);
  g_autoptr (AtTensor) w = test_tensor_from_shape (data, 1, 1, 1, 1);
  g_autoptr (AtTensor) y = test_tensor_poisoned_shape (1, 1, 3, 3);
  g_autoptr (AtCmd) cmd = test_cmd_new ();
  g_autoptr (GError) error = NULL;
  g_assert_false (at_op_conv2d (cmd, x, w, NULL, y, 1, 0, &error));
  g_assert_error (error, AT_OP_ERROR, AT_OP_ERROR_SHAPE);
  g_assert_nonnull (strstr (error->message, "fp16"));
}

static void
test_square_api (void)
{
  ConvCase c = { 2, 4, 9, 8, 5, 3, 3, { 2, 2 }, { 1, 1 } };
  gint64 oh = at_conv2d_output_size (9, 3, 2, 1), ow = at_conv2d_output_size (8, 3, 2, 1);
  g_assert_cmpint (oh, ==, 5);
  g_assert_cmpint (ow, ==, 4);
  gsize ny = 2 * 5 * oh * ow;
  g_autofree float *x = test_random (2 * 4 * 9 * 8, 41, -1, 1);
  g_autofree float *wt = test_random (5 * 4 * 9, 42, -1, 1);
  g_autofree float *bias = test_random (5, 43, -1, 1);
  g_autofree float *want = g_new (float, ny);
  ref_conv2d (&c, oh, ow, x, wt, bias, want);
  g_autoptr (AtTensor) tx = test_tensor_from_shape (x, 2, 4, 9, 8);
  g_autoptr (AtTensor) tw = test_tensor_from_shape (wt, 5, 4, 3, 3);
  g_autoptr (AtTensor) tb = test_tensor_from_shape (bias, 5);
  g_autoptr (AtTensor) y = test_tensor_poisoned_shape (2, 5, oh, ow);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtCmd) cmd = test_cmd_new ();
  at_op_conv2d (cmd, tx, tw, tb, y, 2, 1, &error);
  g_assert_no_error (error);
  test_submit (cmd);
  test_assert_tensor_close (y, want, MAX_NSE, MAX_ABS, "conv2d default");
}

static void
test_shape_errors (void)
{
  g_autoptr (AtTensor) x = test_tensor_poisoned_shape (1, 3, 8, 8);
  g_autoptr (AtTensor) w = test_tensor_poisoned_shape (4, 3, 3, 3);
  g_autoptr (AtTensor) w_bad = test_tensor_poisoned_shape (4, 2, 3, 3);
  g_autoptr (AtTensor) w_big = test_tensor_poisoned_shape (4, 3, 11, 11);
  g_autoptr (AtTensor) y = test_tensor_poisoned_shape (1, 4, 8, 8);
  g_autoptr (AtTensor) y_bad = test_tensor_poisoned_shape (1, 4, 6, 6);
  g_autoptr (AtTensor) bias_bad = test_tensor_poisoned_shape (3);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtCmd) cmd = test_cmd_new ();

  test_assert_shape_error (at_op_conv2d (cmd, x, w_bad, NULL, y, 1, 1, &error), &error);  /* Cin 3 vs 2 */
  test_assert_shape_error (at_op_conv2d (cmd, x, w, NULL, y_bad, 1, 1, &error), &error);  /* output 8×8, not 6×6 */
  test_assert_shape_error (at_op_conv2d (cmd, x, w, bias_bad, y, 1, 1, &error), &error);
  test_assert_shape_error (at_op_conv2d (cmd, x, w_big, NULL, y, 1, 0, &error), &error);  /* kernel larger than input */
  test_assert_shape_error (at_op_conv2d (cmd, x, w, NULL, y, 0, 1, &error), &error);  /* stride 0 */
  g_autoptr (AtTensor) bias_images = test_tensor_poisoned_shape (2, 4);   /* [2, Cout] for one image */
  test_assert_shape_error (at_op_conv2d (cmd, x, w, bias_images, y, 1, 1, &error), &error);
  AtConv2dParams same = { { 1, 1 }, { 1, 1 } };
  AtEpilogue wrong_residual = { AT_ACTIVATION_NONE, y_bad };
  test_assert_shape_error (at_op_conv2d_fused (cmd, x, w, NULL, &wrong_residual, y, &same, NULL, &error), &error);
  g_assert_cmpuint (at_cmd_get_n_dispatches (cmd), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ops/conv2d/registers", test_registers);
  g_test_add_func ("/ops/conv2d/shared", test_shared);
  g_test_add_func ("/ops/conv2d/other-tiles", test_other_tiles);
  g_test_add_func ("/ops/conv2d/epilogue", test_epilogue);
  g_test_add_func ("/ops/conv2d/half-weight", test_half_weight);
  g_test_add_func ("/ops/conv2d/square-api", test_square_api);
  g_test_add_func ("/ops/conv2d/shape-errors", test_shape_errors);
  return g_test_run ();
}
