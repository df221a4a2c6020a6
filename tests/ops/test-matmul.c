/* test-matmul.c — batched matmul (both kernel variants, every transposition,
 * batch broadcasting, bias, non-default tiles) and linear against a plain-C
 * reference that accumulates in double.
 *
 * Tolerance: inputs are uniform in [-1, 1) and K ≤ 300, so each output is a
 * sum of at most 300 products accumulated in fp32 in an order the reference
 * does not follow. The rounding error stays far below 1e-4 absolute; the
 * normalised squared error limit 1e-10 is ~1000× above what fp32 gives. */
#include "test-util.h"
#include "ops/matmul.h"

#include <string.h>

#define MAX_NSE 1e-10
#define MAX_ABS 1e-4

typedef struct {
  gint64 a_batch, b_batch, m, k, n;
  AtMatmulFlags flags;
} MatmulCase;

/* want[b, m, n] = sum_k op(a)[b, m, k] op(b)[b, k, n] (+ bias[n]). */
static void
ref_matmul (const MatmulCase *c, const float *a, const float *b, const float *bias, float *want)
{
  gint64 batch = MAX (c->a_batch, c->b_batch);
  gboolean ta = (c->flags & AT_MATMUL_TRANS_A) != 0, tb = (c->flags & AT_MATMUL_TRANS_B) != 0;
  for (gint64 z = 0; z < batch; z++)
    {
      const float *az = a + (c->a_batch == 1 ? 0 : z * c->m * c->k);
      const float *bz = b + (c->b_batch == 1 ? 0 : z * c->k * c->n);
      for (gint64 i = 0; i < c->m; i++)
        for (gint64 j = 0; j < c->n; j++)
          {
            double sum = bias != NULL ? bias[j] : 0.0;
            for (gint64 l = 0; l < c->k; l++)
              sum += (double) (ta ? az[l * c->m + i] : az[i * c->k + l]) *
                     (tb ? bz[j * c->k + l] : bz[l * c->n + j]);
            want[(z * c->m + i) * c->n + j] = sum;
          }
    }
}

static void
check_matmul_typed (const MatmulCase *c, const AtGemmConfig *config, gboolean with_bias, gboolean half_b)
{
  gint64 batch = MAX (c->a_batch, c->b_batch);
  gboolean ta = (c->flags & AT_MATMUL_TRANS_A) != 0, tb = (c->flags & AT_MATMUL_TRANS_B) != 0;
  gsize na = c->a_batch * c->m * c->k, nb = c->b_batch * c->k * c->n, nc = batch * c->m * c->n;
  g_autofree float *a = test_random (na, 11, -1, 1);
  g_autofree float *b = test_random (nb, 12, -1, 1);
  g_autofree float *bias = test_random (c->n, 13, -1, 1);
  gint64 b_shape[] = { c->b_batch, tb ? c->n : c->k, tb ? c->k : c->n };
  /* an fp16 B is rounded first: the reference multiplies what the device holds */
  g_autoptr (AtTensor) tb_t = half_b ? test_tensor_half_from (b, 3, b_shape) : test_tensor_from (b, 3, b_shape);
  g_autofree float *want = g_new (float, nc);
  ref_matmul (c, a, b, with_bias ? bias : NULL, want);

  g_autoptr (AtTensor) ta_t = test_tensor_from_shape (a, c->a_batch, ta ? c->k : c->m, ta ? c->m : c->k);
  g_autoptr (AtTensor) tbias = test_tensor_from_shape (bias, c->n);
  g_autoptr (AtTensor) out = test_tensor_poisoned_shape (batch, c->m, c->n);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtCmd) cmd = test_cmd_new ();
  at_op_matmul_full (cmd, ta_t, tb_t, with_bias ? tbias : NULL, out, c->flags, config, &error);
  g_assert_no_error (error);
  test_submit (cmd);
  test_assert_tensor_close (out, want, MAX_NSE, MAX_ABS,
                            "matmul %s b%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT
                            " %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT "x%" G_GINT64_FORMAT
                            "%s%s%s%s (tiles %ux%u, %ux%u, bk %u)",
                            config->variant == AT_GEMM_SHARED ? "shared" : "registers",
                            c->a_batch, c->b_batch, c->m, c->k, c->n, ta ? " Aᵀ" : "",
                            tb ? " Bᵀ" : "", half_b ? " fp16 B" : "", with_bias ? " +bias" : "",
                            config->local_size[0], config->local_size[1], config->tm, config->tn, config->bk);
}

static void
check_matmul (const MatmulCase *c, const AtGemmConfig *config, gboolean with_bias)
{
  check_matmul_typed (c, config, with_bias, FALSE);
}

/* Odd sizes, sizes just past a tile, vec4-friendly and -hostile N and K,
 * and batches where one operand is shared (a weight). */
static const MatmulCase cases[] = {
  { 1, 1, 1, 1, 1, 0 },
  { 1, 1, 3, 17, 5, 0 },
  { 1, 1, 64, 64, 64, 0 },
  { 1, 1, 65, 33, 67, 0 },
  { 1, 1, 100, 37, 128, 0 },
  { 1, 1, 17, 300, 9, 0 },
  { 1, 1, 256, 128, 256, 0 },
  { 3, 3, 19, 24, 20, 0 },
  { 4, 1, 33, 16, 12, 0 },
  { 1, 2, 7, 8, 31, 0 },
};

static const AtMatmulFlags all_flags[] = {
  0, AT_MATMUL_TRANS_A, AT_MATMUL_TRANS_B, AT_MATMUL_TRANS_A | AT_MATMUL_TRANS_B,
};

/* Every case and transposition with the device's default tiles for variant. */
static void
check_variant (AtGemmVariant variant)
{
  AtGemmConfig config;
  at_gemm_config_default (test_gpu (), variant, &config);
  g_assert_cmpint (config.variant, ==, variant);
  for (gsize f = 0; f < G_N_ELEMENTS (all_flags); f++)
    for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        MatmulCase c = cases[i];
        c.flags = all_flags[f];
        check_matmul (&c, &config, (i + f) % 3 == 0);
      }
}

static void test_registers (void) { check_variant (AT_GEMM_REGISTERS); }
static void test_shared (void) { check_variant (AT_GEMM_SHARED); }

/* B as fp16 (a linear layer's weight kept as its file stores it) on both
 * variants: the register kernel reads it through R16F/RGBA16F texels, the
 * shared one two halves a word. The reference multiplies the rounded
 * values in double, so the tolerance is fp32's: the accumulation stays
 * fp32. Odd element counts (a half word at the end), vec4 rows, a weight
 * shared over the batch, and an fp16 A refused with a message. */
static void
test_half_b (void)
{
  static const MatmulCase some[] = {
    { 1, 1, 3, 17, 5, AT_MATMUL_TRANS_B },
    { 1, 1, 65, 33, 67, 0 },
    { 1, 1, 100, 37, 128, 0 },
    { 4, 1, 33, 16, 12, AT_MATMUL_TRANS_B },
    { 3, 3, 19, 24, 20, AT_MATMUL_TRANS_A },
  };
  static const AtGemmVariant variants[] = { AT_GEMM_REGISTERS, AT_GEMM_SHARED };
  for (gsize v = 0; v < G_N_ELEMENTS (variants); v++)
    {
      AtGemmConfig config;
      at_gemm_config_default (test_gpu (), variants[v], &config);
      for (gsize i = 0; i < G_N_ELEMENTS (some); i++)
        check_matmul_typed (&some[i], &config, i % 2 == 0, TRUE);
    }

  float data[6] = { 1, 2, 3, 4, 5, 6 };
  g_autoptr (AtTensor) a = test_tensor_half_from_shape (data, 2, 3);
  g_autoptr (AtTensor) b = test_tensor_from_shape (data, 3, 2);
  g_autoptr (AtTensor) out = test_tensor_poisoned_shape (2, 2);
  g_autoptr (AtCmd) cmd = test_cmd_new ();
  g_autoptr (GError) error = NULL;
  g_assert_false (at_op_matmul (cmd, a, b, out, 0, &error));
  g_assert_error (error, AT_OP_ERROR, AT_OP_ERROR_SHAPE);
  g_assert_nonnull (strstr (error->message, "fp16"));
}

/* Tile shapes that divide nothing evenly, to catch code that assumes the
 * defaults (small ones: each pipeline costs seconds to compile on lavapipe). */
static void
test_other_tiles (void)
{
  static const AtGemmConfig configs[] = {
    { AT_GEMM_REGISTERS, { 8, 1 }, 3, 5, 1 },
    { AT_GEMM_REGISTERS, { 24, 1 }, 5, 4, 3 },
    { AT_GEMM_SHARED, { 8, 4 }, 2, 3, 7 },
  };
  static const MatmulCase some[] = {
    { 1, 1, 45, 29, 52, 0 },
    { 2, 1, 13, 40, 36, AT_MATMUL_TRANS_B },
    { 2, 2, 30, 11, 17, AT_MATMUL_TRANS_A },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (configs); i++)
    for (gsize j = 0; j < G_N_ELEMENTS (some); j++)
      check_matmul (&some[j], &configs[i], j == 1);
}

/* On lavapipe the default is the register-blocked kernel. */
static void
test_default_variant (void)
{
  AtGemmConfig config;
  at_gemm_config_default (test_gpu (), AT_GEMM_AUTO, &config);
  AtGpuDeviceType type = at_gpu_get_device_info (test_gpu ())->type;
  g_assert_cmpint (config.variant, ==, type == AT_GPU_DEVICE_CPU ? AT_GEMM_REGISTERS : AT_GEMM_SHARED);

  MatmulCase c = { 2, 2, 21, 13, 18, AT_MATMUL_TRANS_B };
  gsize n = 2 * 21 * 18;
  g_autofree float *a = test_random (2 * 21 * 13, 1, -1, 1);
  g_autofree float *b = test_random (2 * 18 * 13, 2, -1, 1);
  g_autofree float *want = g_new (float, n);
  ref_matmul (&c, a, b, NULL, want);
  g_autoptr (AtTensor) ta = test_tensor_from_shape (a, 2, 21, 13);
  g_autoptr (AtTensor) tb = test_tensor_from_shape (b, 2, 18, 13);
  g_autoptr (AtTensor) out = test_tensor_poisoned_shape (2, 21, 18);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtCmd) cmd = test_cmd_new ();
  at_op_matmul (cmd, ta, tb, out, AT_MATMUL_TRANS_B, &error);
  g_assert_no_error (error);
  test_submit (cmd);
  test_assert_tensor_close (out, want, MAX_NSE, MAX_ABS, "matmul default");
}

/* Four-dimensional operands flatten their leading dimensions into the
 * batch, as attention heads do. */
static void
test_4d_batch (void)
{
  MatmulCase c = { 6, 6, 9, 10, 11, 0 };
  gsize n = 6 * 9 * 11;
  g_autofree float *a = test_random (6 * 9 * 10, 3, -1, 1);
  g_autofree float *b = test_random (6 * 10 * 11, 4, -1, 1);
  g_autofree float *want = g_new (float, n);
  ref_matmul (&c, a, b, NULL, want);
  g_autoptr (AtTensor) ta = test_tensor_from_shape (a, 2, 3, 9, 10);
  g_autoptr (AtTensor) tb = test_tensor_from_shape (b, 2, 3, 10, 11);
  g_autoptr (AtTensor) out = test_tensor_poisoned_shape (2, 3, 9, 11);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtCmd) cmd = test_cmd_new ();
  at_op_matmul (cmd, ta, tb, out, 0, &error);
  g_assert_no_error (error);
  test_submit (cmd);
  test_assert_tensor_close (out, want, MAX_NSE, MAX_ABS, "matmul 4d");
}

static void
check_linear (gint64 batch, gint64 seq, gint64 in, gint64 out_features, gboolean with_bias)
{
  gint64 rows = batch * seq;
  g_autofree float *x = test_random (rows * in, 21, -1, 1);
  g_autofree float *w = test_random (out_features * in, 22, -1, 1);
  g_autofree float *bias = test_random (out_features, 23, -1, 1);
  g_autofree float *want = g_new (float, rows * out_features);
  MatmulCase c = { 1, 1, rows, in, out_features, AT_MATMUL_TRANS_B };
  ref_matmul (&c, x, w, with_bias ? bias : NULL, want);

  g_autoptr (AtTensor) tx = test_tensor_from_shape (x, batch, seq, in);
  g_autoptr (AtTensor) tw = test_tensor_from_shape (w, out_features, in);
  g_autoptr (AtTensor) tbias = test_tensor_from_shape (bias, out_features);
  g_autoptr (AtTensor) y = test_tensor_poisoned_shape (batch, seq, out_features);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtCmd) cmd = test_cmd_new ();
  at_op_linear (cmd, tx, tw, with_bias ? tbias : NULL, y, &error);
  g_assert_no_error (error);
  test_submit (cmd);
  test_assert_tensor_close (y, want, MAX_NSE, MAX_ABS,
                            "linear [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT
                            "] -> %" G_GINT64_FORMAT "%s", batch, seq, in, out_features,
                            with_bias ? " +bias" : "");
  /* The caller's tensors keep their shapes. */
  g_assert_cmpuint (tx->ndim, ==, 3);
  g_assert_cmpuint (y->ndim, ==, 3);
}

static void
test_linear (void)
{
  check_linear (1, 1, 1, 1, TRUE);
  check_linear (2, 5, 33, 17, TRUE);
  check_linear (2, 5, 33, 17, FALSE);
  check_linear (1, 77, 64, 128, TRUE);
  check_linear (3, 19, 128, 96, TRUE);
  check_linear (1, 256, 160, 40, FALSE);
}

/* Linear layers with the epilogue fused (GELU, SiLU, a residual add) on
 * both kernel variants, with rows that are and are not whole vec4s. */
static void
test_linear_epilogue (void)
{
  static const struct { gint64 batch, seq, in, out; AtActivation act; gboolean residual; } fused[] = {
    { 2, 5, 33, 17, AT_ACTIVATION_NONE, TRUE },
    { 2, 5, 33, 17, AT_ACTIVATION_GELU, FALSE },
    { 1, 77, 64, 128, AT_ACTIVATION_GELU, FALSE },
    { 1, 77, 64, 128, AT_ACTIVATION_SILU, TRUE },
    { 3, 19, 40, 96, AT_ACTIVATION_NONE, TRUE },
  };
  static const AtGemmVariant variants[] = { AT_GEMM_REGISTERS, AT_GEMM_SHARED };
  for (gsize v = 0; v < G_N_ELEMENTS (variants); v++)
    for (gsize i = 0; i < G_N_ELEMENTS (fused); i++)
      {
        /* small register blocks: a pipeline of the default size takes
         * seconds of LLVM on lavapipe, and the epilogue is the same code */
        AtGemmConfig config = { AT_GEMM_REGISTERS, { 8, 1 }, 4, 8, 4 };
        if (variants[v] == AT_GEMM_SHARED)
          at_gemm_config_default (test_gpu (), variants[v], &config);
        gint64 rows = fused[i].batch * fused[i].seq, in = fused[i].in, out = fused[i].out;
        g_autofree float *x = test_random (rows * in, 61 + i, -2, 2);
        g_autofree float *w = test_random (out * in, 62 + i, -1, 1);
        g_autofree float *bias = test_random (out, 63 + i, -1, 1);
        g_autofree float *res = test_random (rows * out, 64 + i, -1, 1);
        g_autofree float *want = g_new (float, rows * out);
        MatmulCase c = { 1, 1, rows, in, out, AT_MATMUL_TRANS_B };
        ref_matmul (&c, x, w, bias, want);
        test_ref_epilogue (want, rows * out, fused[i].act, fused[i].residual ? res : NULL);

        g_autoptr (AtTensor) tx = test_tensor_from_shape (x, fused[i].batch, fused[i].seq, in);
        g_autoptr (AtTensor) tw = test_tensor_from_shape (w, out, in);
        g_autoptr (AtTensor) tbias = test_tensor_from_shape (bias, out);
        g_autoptr (AtTensor) tres = test_tensor_from_shape (res, fused[i].batch, fused[i].seq, out);
        g_autoptr (AtTensor) y = test_tensor_poisoned_shape (fused[i].batch, fused[i].seq, out);
        AtEpilogue epilogue = { fused[i].act, fused[i].residual ? tres : NULL };
        g_autoptr (GError) error = NULL;
        g_autoptr (AtCmd) cmd = test_cmd_new ();
        at_op_linear_full (cmd, tx, tw, tbias, &epilogue, y, &config, &error);
        g_assert_no_error (error);
        test_submit (cmd);
        test_assert_tensor_close (y, want, MAX_NSE, MAX_ABS, "linear %s [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT
                                  "] -> %" G_GINT64_FORMAT " activation %d%s",
                                  variants[v] == AT_GEMM_SHARED ? "shared" : "registers", rows, in, out,
                                  fused[i].act, fused[i].residual ? " +residual" : "");
      }
}

static void
test_shape_errors (void)
{
  g_autoptr (AtTensor) a = test_tensor_poisoned_shape (4, 5);
  g_autoptr (AtTensor) b = test_tensor_poisoned_shape (6, 7);
  g_autoptr (AtTensor) c = test_tensor_poisoned_shape (4, 7);
  g_autoptr (AtTensor) a3 = test_tensor_poisoned_shape (2, 4, 5);
  g_autoptr (AtTensor) b3 = test_tensor_poisoned_shape (3, 5, 7);
  g_autoptr (AtTensor) c3 = test_tensor_poisoned_shape (3, 4, 7);
  g_autoptr (AtTensor) w = test_tensor_poisoned_shape (7, 6);
  g_autoptr (AtTensor) bias = test_tensor_poisoned_shape (6);
  g_autoptr (AtTensor) v = test_tensor_poisoned_shape (5);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtCmd) cmd = test_cmd_new ();

  test_assert_shape_error (at_op_matmul (cmd, a, b, c, 0, &error), &error);  /* K 5 vs 6 */
  test_assert_shape_error (at_op_matmul (cmd, a3, b3, c3, 0, &error), &error);  /* batch 2 vs 3 */
  test_assert_shape_error (at_op_matmul (cmd, v, b, c, 0, &error), &error);  /* 1D */
  test_assert_shape_error (at_op_linear (cmd, b, w, bias, c, &error), &error);  /* weight [7, 6] gives out 7, bias 6 */
  g_autoptr (AtTensor) x6 = test_tensor_poisoned_shape (4, 6);
  AtEpilogue wrong_shape = { AT_ACTIVATION_NONE, a };   /* [4, 5], not the output's [4, 7] */
  test_assert_shape_error (at_op_linear_full (cmd, x6, w, NULL, &wrong_shape, c, NULL, &error), &error);
  AtEpilogue aliased = { AT_ACTIVATION_NONE, c };
  test_assert_shape_error (at_op_linear_full (cmd, x6, w, NULL, &aliased, c, NULL, &error), &error);
  /* A tiling without rows is refused. */
  AtGemmConfig bad = { AT_GEMM_REGISTERS, { 16, 1 }, 0, 4, 4 };
  g_autoptr (AtTensor) b2 = test_tensor_poisoned_shape (5, 7);
  test_assert_shape_error (at_op_matmul_full (cmd, a, b2, NULL, c, 0, &bad, &error), &error);
  g_assert_cmpuint (at_cmd_get_n_dispatches (cmd), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ops/matmul/registers", test_registers);
  g_test_add_func ("/ops/matmul/shared", test_shared);
  g_test_add_func ("/ops/matmul/half-b", test_half_b);
  g_test_add_func ("/ops/matmul/other-tiles", test_other_tiles);
  g_test_add_func ("/ops/matmul/default-variant", test_default_variant);
  g_test_add_func ("/ops/matmul/4d-batch", test_4d_batch);
  g_test_add_func ("/ops/linear", test_linear);
  g_test_add_func ("/ops/linear-epilogue", test_linear_epilogue);
  g_test_add_func ("/ops/matmul/shape-errors", test_shape_errors);
  return g_test_run ();
}
