/* test-conv2d-winograd.c — 3×3 stride-1 convolutions by Winograd
 * F(2×2, 3×3) (ops/conv2d-winograd.h) against the plain-C direct
 * convolution in double (conv2d-ref.c): odd sizes, padding 0, 1 and 2 (and
 * per axis), batches, a bias [Cout] or [N, Cout], the epilogue (SiLU,
 * GELU, a residual), the product on both kernel variants, several
 * convolutions of different sizes sharing one list's scratch, the default
 * path's choice, and the shapes it refuses.
 *
 * Tolerance: the direct test's (test-conv2d.c), 1e-4 absolute and 1e-10
 * normalised squared error, for inputs uniform in [-1, 1) and Cin ≤ 64.
 * Winograd rounds larger numbers than a direct sum: a transformed input
 * V = Bᵀ d B sums up to 4 inputs (|V| ≤ 4), a transformed weight up to 9
 * halved ones (|U| ≤ 2.25), and an output sums 9 of the M[ξ] (Aᵀ M A, every
 * coefficient ±1), so rounding acts on values up to 81× a direct
 * product's; but each M[ξ] sums only Cin products where the direct sum has
 * 9·Cin, and the errors, of random sign, add in quadrature. Measured on
 * lavapipe, [1, 32, 32, 32] -> 40: max abs error 7.6e-6, normalised squared
 * error 4.4e-14, against 1.3e-5 and 9.1e-14 for the implicit GEMM on the
 * same shape (other random data); all cases here pass at 1e-5 and 1e-12.
 * So the direct bounds hold with a margin of 10 and 100, and a wrong
 * transform, tile or bias index gives errors of order 1. (The worst case,
 * every rounding of one sign at 81× the magnitude, would allow ~80× the
 * direct bound; no test data comes near it.)
 */
#include "test-util.h"
#include "ops/conv2d-winograd.h"
#include "conv2d-ref.h"

#define MAX_NSE 1e-10
#define MAX_ABS 1e-4

/* What the convolution fuses besides a plain bias. */
typedef struct {
  gboolean bias;
  gboolean bias_per_image;   /* bias [N, Cout] */
  AtActivation activation;
  gboolean residual;
  gboolean half_weight;      /* the weight as fp16 */
} Fused;

/* One convolution's host data, reference output and device tensors. */
typedef struct {
  ConvCase c;
  Fused f;
  gint64 oh, ow;
  float *want;
  AtTensor *x, *w, *bias, *residual, *y;
} Conv;

static void
conv_setup (Conv *conv, const ConvCase *c, const Fused *f, guint32 seed)
{
  conv->c = *c;
  conv->f = *f;
  conv->oh = at_conv2d_output_size (c->h, 3, 1, c->padding[0]);
  conv->ow = at_conv2d_output_size (c->w, 3, 1, c->padding[1]);
  g_assert_cmpint (conv->oh, >, 0);
  g_assert_cmpint (conv->ow, >, 0);
  gsize nx = c->n * c->cin * c->h * c->w, nw = c->cout * c->cin * 9, ny = c->n * c->cout * conv->oh * conv->ow;
  gsize nb = f->bias_per_image ? c->n * c->cout : c->cout;
  g_autofree float *x = test_random (nx, seed, -1, 1);
  g_autofree float *wt = test_random (nw, seed + 1, -1, 1);
  g_autofree float *bias = test_random (nb, seed + 2, -1, 1);
  g_autofree float *residual = test_random (ny, seed + 3, -1, 1);
  gint64 w_shape[] = { c->cout, c->cin, 3, 3 };
  /* an fp16 weight is rounded first: the reference uses what the device holds */
  conv->w = f->half_weight ? test_tensor_half_from (wt, 4, w_shape) : test_tensor_from (wt, 4, w_shape);
  conv->want = g_new (float, ny);
  ref_conv2d_strided (c, conv->oh, conv->ow, x, wt, f->bias ? bias : NULL, f->bias_per_image ? c->cout : 0,
                      conv->want);
  test_ref_epilogue (conv->want, ny, f->activation, f->residual ? residual : NULL);
  conv->x = test_tensor_from_shape (x, c->n, c->cin, c->h, c->w);
  conv->bias = f->bias_per_image ? test_tensor_from_shape (bias, c->n, c->cout) : test_tensor_from_shape (bias, c->cout);
  conv->residual = test_tensor_from_shape (residual, c->n, c->cout, conv->oh, conv->ow);
  conv->y = test_tensor_poisoned_shape (c->n, c->cout, conv->oh, conv->ow);
}

static void
conv_record (Conv *conv, AtCmd *cmd, const AtGemmConfig *config)
{
  AtConv2dParams params = { { 1, 1 }, { conv->c.padding[0], conv->c.padding[1] } };
  AtEpilogue epilogue = { conv->f.activation, conv->f.residual ? conv->residual : NULL };
  g_autoptr (GError) error = NULL;
  at_op_conv2d_winograd (cmd, conv->x, conv->w, conv->f.bias ? conv->bias : NULL, &epilogue, conv->y, &params,
                         config, &error);
  g_assert_no_error (error);
}

static void
conv_check_clear (Conv *conv, const char *variant)
{
  const ConvCase *c = &conv->c;
  test_assert_tensor_close (
    conv->y, conv->want, MAX_NSE, MAX_ABS,
    "winograd %s [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT
    "] -> %" G_GINT64_FORMAT " p%u,%u%s%s activation %d%s%s", variant, c->n, c->cin, c->h, c->w, c->cout,
    c->padding[0], c->padding[1], conv->f.bias ? " +bias" : "", conv->f.bias_per_image ? " per image" : "",
    conv->f.activation, conv->f.residual ? " +residual" : "", conv->f.half_weight ? " fp16 weight" : "");
  g_clear_pointer (&conv->want, g_free);
  g_clear_pointer (&conv->x, at_tensor_free);
  g_clear_pointer (&conv->w, at_tensor_free);
  g_clear_pointer (&conv->bias, at_tensor_free);
  g_clear_pointer (&conv->residual, at_tensor_free);
  g_clear_pointer (&conv->y, at_tensor_free);
}

static void
check_one (const ConvCase *c, const Fused *f, const AtGemmConfig *config, const char *variant)
{
  Conv conv;
  conv_setup (&conv, c, f, 51);
  g_autoptr (AtCmd) cmd = test_cmd_new ();
  conv_record (&conv, cmd, config);
  test_submit (cmd);
  conv_check_clear (&conv, variant);
}

static const ConvCase cases[] = {
  /* n, cin, h, w, cout, kh, kw, stride, padding */
  { 1, 1, 1, 1, 1, 3, 3, { 1, 1 }, { 1, 1 } },       /* one pixel: one tile, three quarters outside */
  { 2, 5, 7, 9, 3, 3, 3, { 1, 1 }, { 1, 1 } },       /* odd sizes, batch 2 */
  { 1, 3, 17, 13, 8, 3, 3, { 1, 1 }, { 1, 1 } },     /* 63 tiles: V's columns padded to 64 */
  { 1, 2, 11, 10, 5, 3, 3, { 1, 1 }, { 0, 0 } },     /* "valid": 9 × 8 */
  { 2, 4, 6, 5, 7, 3, 3, { 1, 1 }, { 0, 0 } },       /* 4 × 3 */
  { 1, 2, 3, 3, 2, 3, 3, { 1, 1 }, { 2, 2 } },       /* padding wider than the image edge */
  { 1, 3, 9, 12, 5, 3, 3, { 1, 1 }, { 0, 1 } },      /* padding per axis */
  { 3, 17, 12, 11, 19, 3, 3, { 1, 1 }, { 1, 1 } },
  { 1, 32, 32, 32, 40, 3, 3, { 1, 1 }, { 1, 1 } },
  { 2, 64, 9, 9, 16, 3, 3, { 1, 1 }, { 1, 1 } },     /* the most channels: the largest rounding */
};

/* Every case with the product on variant (small register blocks: a
 * pipeline of the default size takes seconds of LLVM on lavapipe, and the
 * transforms are the same code). */
static void
check_variant (AtGemmVariant variant)
{
  AtGemmConfig config = { AT_GEMM_REGISTERS, { 8, 1 }, 4, 8, 4 };
  if (variant == AT_GEMM_SHARED)
    at_gemm_config_default (test_gpu (), variant, &config);
  const char *name = variant == AT_GEMM_SHARED ? "shared" : "registers";
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      Fused f = { i % 2 == 0, FALSE, AT_ACTIVATION_NONE, FALSE };
      check_one (&cases[i], &f, &config, name);
    }
}

static void test_registers (void) { check_variant (AT_GEMM_REGISTERS); }
static void test_shared (void) { check_variant (AT_GEMM_SHARED); }

/* The epilogue: a bias per image with a residual (a UNet block's conv2),
 * SiLU, GELU with a residual, on the device's default product kernels. */
static void
test_epilogue (void)
{
  static const Fused fused[] = {
    { TRUE, TRUE, AT_ACTIVATION_NONE, TRUE },
    { TRUE, FALSE, AT_ACTIVATION_SILU, FALSE },
    { TRUE, TRUE, AT_ACTIVATION_GELU, TRUE },
    { FALSE, FALSE, AT_ACTIVATION_NONE, TRUE },
  };
  static const ConvCase some[] = {
    { 3, 17, 12, 11, 19, 3, 3, { 1, 1 }, { 1, 1 } },
    { 2, 6, 7, 10, 9, 3, 3, { 1, 1 }, { 0, 1 } },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (fused); i++)
    for (gsize j = 0; j < G_N_ELEMENTS (some); j++)
      check_one (&some[j], &fused[i], NULL, "default");
}

/* An fp16 weight (an SD checkpoint's, ops/tensor.h): the weight transform
 * reads it through an R16F texel view, on both product variants. */
static void
test_half_weight (void)
{
  static const Fused f = { TRUE, TRUE, AT_ACTIVATION_SILU, TRUE, TRUE };
  static const ConvCase some[] = {
    { 2, 17, 12, 11, 19, 3, 3, { 1, 1 }, { 1, 1 } },
    { 1, 5, 7, 9, 3, 3, 3, { 1, 1 }, { 0, 0 } },
  };
  static const AtGemmVariant variants[] = { AT_GEMM_REGISTERS, AT_GEMM_SHARED };
  for (gsize v = 0; v < G_N_ELEMENTS (variants); v++)
    {
      AtGemmConfig config;
      at_gemm_config_default (test_gpu (), variants[v], &config);
      for (gsize j = 0; j < G_N_ELEMENTS (some); j++)
        check_one (&some[j], &f, &config, v == 0 ? "registers" : "shared");
    }
}

/* Convolutions of growing and shrinking sizes in one list share its
 * scratch (a larger one replaces it midway): each must still see only its
 * own transforms. */
static void
test_shared_scratch (void)
{
  static const ConvCase some[] = {
    { 1, 4, 8, 8, 6, 3, 3, { 1, 1 }, { 1, 1 } },
    { 2, 12, 15, 13, 10, 3, 3, { 1, 1 }, { 1, 1 } },
    { 1, 3, 5, 7, 2, 3, 3, { 1, 1 }, { 0, 0 } },
    { 1, 4, 8, 8, 6, 3, 3, { 1, 1 }, { 1, 1 } },
  };
  Conv convs[G_N_ELEMENTS (some)];
  Fused f = { TRUE, FALSE, AT_ACTIVATION_NONE, FALSE };
  g_autoptr (AtCmd) cmd = test_cmd_new ();
  for (gsize i = 0; i < G_N_ELEMENTS (some); i++)
    {
      conv_setup (&convs[i], &some[i], &f, 60 + 10 * i);
      conv_record (&convs[i], cmd, NULL);
    }
  test_submit (cmd);
  for (gsize i = 0; i < G_N_ELEMENTS (some); i++)
    conv_check_clear (&convs[i], "shared scratch");
}

/* at_op_conv2d_fused with the default kernels takes the Winograd path
 * (four dispatches) where at_conv2d_winograd_chosen() says so: by device
 * type and shape, ATELIER_CONV_WINOGRAD forcing it either way; never for other
 * kernels or an explicit variant; and it computes the same. */
static void
test_default_path (void)
{
  ConvCase c = { 2, 5, 7, 9, 3, 3, 3, { 1, 1 }, { 1, 1 } };
  g_autoptr (AtTensor) x = test_tensor_poisoned_shape (2, 5, 7, 9);
  g_autoptr (AtTensor) w = test_tensor_poisoned_shape (3, 5, 3, 3);
  g_autoptr (AtTensor) y = test_tensor_poisoned_shape (2, 3, 7, 9);
  AtConv2dParams same = { { 1, 1 }, { 1, 1 } }, stride2 = { { 2, 2 }, { 1, 1 } };
  AtGpu *gpu = test_gpu ();
  gboolean cpu = at_gpu_get_device_info (gpu)->type == AT_GPU_DEVICE_CPU;

  /* By default: on CPU devices from 48 channels and 256 tiles. */
  g_autoptr (AtTensor) x48 = test_tensor_poisoned_shape (1, 48, 32, 32);
  g_autoptr (AtTensor) w48 = test_tensor_poisoned_shape (48, 48, 3, 3);
  g_autoptr (AtTensor) x48_small = test_tensor_poisoned_shape (1, 48, 30, 32);  /* 240 tiles */
  g_autoptr (AtTensor) w40 = test_tensor_poisoned_shape (48, 40, 3, 3);
  g_autoptr (AtTensor) x40 = test_tensor_poisoned_shape (1, 40, 32, 32);
  g_unsetenv ("ATELIER_CONV_WINOGRAD");
  g_assert_cmpint (at_conv2d_winograd_chosen (gpu, x48, w48, x48, &same), ==, cpu);
  g_assert_false (at_conv2d_winograd_chosen (gpu, x48_small, w48, x48_small, &same));
  g_assert_false (at_conv2d_winograd_chosen (gpu, x40, w40, x48, &same));
  g_assert_false (at_conv2d_winograd_chosen (gpu, x, w, y, &same));
  g_assert_false (at_conv2d_winograd_chosen (gpu, x48, w48, x48, &stride2));
  g_setenv ("ATELIER_CONV_WINOGRAD", "0", TRUE);
  g_assert_false (at_conv2d_winograd_chosen (gpu, x, w, y, &same));
  g_setenv ("ATELIER_CONV_WINOGRAD", "1", TRUE);
  g_assert_true (at_conv2d_winograd_chosen (gpu, x, w, y, &same));

  Conv conv;
  Fused f = { TRUE, TRUE, AT_ACTIVATION_NONE, TRUE };
  conv_setup (&conv, &c, &f, 70);
  AtEpilogue epilogue = { AT_ACTIVATION_NONE, conv.residual };
  g_autoptr (GError) error = NULL;
  g_autoptr (AtCmd) cmd = test_cmd_new ();
  at_op_conv2d_fused (cmd, conv.x, conv.w, conv.bias, &epilogue, conv.y, &same, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (at_cmd_get_n_dispatches (cmd), ==, 4);
  test_submit (cmd);
  conv_check_clear (&conv, "conv2d_fused default");

  /* An explicit variant: the implicit GEMM, one dispatch. */
  AtGemmConfig config;
  at_gemm_config_default (gpu, AT_GEMM_SHARED, &config);
  g_unsetenv ("ATELIER_CONV_WINOGRAD");
  g_autoptr (AtCmd) cmd2 = test_cmd_new ();
  at_op_conv2d_fused (cmd2, x, w, NULL, NULL, y, &same, &config, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (at_cmd_get_n_dispatches (cmd2), ==, 1);
}

static void
test_shape_errors (void)
{
  g_autoptr (AtTensor) x = test_tensor_poisoned_shape (1, 3, 8, 8);
  g_autoptr (AtTensor) w = test_tensor_poisoned_shape (4, 3, 3, 3);
  g_autoptr (AtTensor) w5 = test_tensor_poisoned_shape (4, 3, 5, 5);
  g_autoptr (AtTensor) w_bad = test_tensor_poisoned_shape (4, 2, 3, 3);
  g_autoptr (AtTensor) y = test_tensor_poisoned_shape (1, 4, 8, 8);
  g_autoptr (AtTensor) y4 = test_tensor_poisoned_shape (1, 4, 4, 4);
  g_autoptr (AtTensor) y6 = test_tensor_poisoned_shape (1, 4, 6, 6);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtCmd) cmd = test_cmd_new ();
  AtConv2dParams same = { { 1, 1 }, { 1, 1 } }, stride2 = { { 2, 2 }, { 1, 1 } };
  test_assert_shape_error (at_op_conv2d_winograd (cmd, x, w5, NULL, NULL, y6, &same, NULL, &error), &error);
  test_assert_shape_error (at_op_conv2d_winograd (cmd, x, w, NULL, NULL, y4, &stride2, NULL, &error), &error);
  test_assert_shape_error (at_op_conv2d_winograd (cmd, x, w_bad, NULL, NULL, y, &same, NULL, &error), &error);
  test_assert_shape_error (at_op_conv2d_winograd (cmd, x, w, NULL, NULL, y6, &same, NULL, &error), &error);
  g_assert_cmpuint (at_cmd_get_n_dispatches (cmd), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ops/conv2d-winograd/registers", test_registers);
  g_test_add_func ("/ops/conv2d-winograd/shared", test_shared);
  g_test_add_func ("/ops/conv2d-winograd/epilogue", test_epilogue);
  g_test_add_func ("/ops/conv2d-winograd/half-weight", test_half_weight);
  g_test_add_func ("/ops/conv2d-winograd/shared-scratch", test_shared_scratch);
  g_test_add_func ("/ops/conv2d-winograd/default-path", test_default_path);
  g_test_add_func ("/ops/conv2d-winograd/shape-errors", test_shape_errors);
  return g_test_run ();
}
