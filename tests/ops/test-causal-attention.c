/* test-causal-attention.c — masked multi-head self-attention against a
 * plain-C reference (double accumulation, softmax over keys 0..i only).
 *
 * Tolerances: fp32 dot products of up to 128 terms and a streaming
 * softmax: NSE 1e-10, max_abs 1e-5 for inputs in [-1, 1].
 */
#include <math.h>

#include "ops/causal-attention.h"
#include "test-util.h"

#define MAX_NSE 1e-10
#define MAX_ABS 1e-5

static void
reference (const float *q, const float *k, const float *v, gint64 b, gint64 len, guint heads, guint d,
           double scale, float *out)
{
  gint64 ch = (gint64) heads * d;
  g_autofree double *w = g_new (double, len);
  for (gint64 bi = 0; bi < b; bi++)
    for (gint64 i = 0; i < len; i++)
      for (guint h = 0; h < heads; h++)
        {
          const float *qi = q + (bi * len + i) * ch + h * d;
          double m = -INFINITY, sum = 0;
          for (gint64 j = 0; j <= i; j++)
            {
              const float *kj = k + (bi * len + j) * ch + h * d;
              double s = 0;
              for (guint t = 0; t < d; t++)
                s += (double) qi[t] * kj[t];
              w[j] = s * scale;
              m = MAX (m, w[j]);
            }
          for (gint64 j = 0; j <= i; j++)
            sum += (w[j] = exp (w[j] - m));
          for (guint t = 0; t < d; t++)
            {
              double acc = 0;
              for (gint64 j = 0; j <= i; j++)
                acc += w[j] * v[(bi * len + j) * ch + h * d + t];
              out[(bi * len + i) * ch + h * d + t] = acc / sum;
            }
        }
}

static void
check (gint64 b, gint64 len, guint heads, guint d, float scale, gboolean batched)
{
  gint64 ch = (gint64) heads * d, n = b * len * ch;
  g_autofree float *q = test_random (n, 1 + len, -1, 1);
  g_autofree float *k = test_random (n, 2 + len, -1, 1);
  g_autofree float *v = test_random (n, 3 + len, -1, 1);
  g_autofree float *want = g_new (float, n);
  reference (q, k, v, b, len, heads, d, scale == 0 ? 1.0 / sqrt (d) : scale, want);
  gint64 shape3[] = { b, len, ch }, shape2[] = { len, ch };
  guint nd = batched ? 3 : 2;
  const gint64 *shape = batched ? shape3 : shape2;
  g_autoptr (AtTensor) tq = test_tensor_from (q, nd, shape);
  g_autoptr (AtTensor) tk = test_tensor_from (k, nd, shape);
  g_autoptr (AtTensor) tv = test_tensor_from (v, nd, shape);
  g_autoptr (AtTensor) out = test_tensor_poisoned (nd, shape);
  g_autoptr (AtCmd) cmd = test_cmd_new ();
  g_autoptr (GError) error = NULL;
  g_assert_true (at_op_causal_attention (cmd, tq, tk, tv, heads, scale, out, &error));
  g_assert_no_error (error);
  test_submit (cmd);
  test_assert_tensor_close (out, want, MAX_NSE, MAX_ABS, "B %" G_GINT64_FORMAT " L %" G_GINT64_FORMAT " H %u D %u",
                            b, len, heads, d);
}

static void
test_shapes (void)
{
  check (1, 1, 1, 1, 0, TRUE);
  check (1, 77, 2, 16, 0, FALSE);
  check (2, 77, 12, 64, 0, TRUE);    /* SD 1.x's text tower */
  check (1, 77, 16, 64, 0, TRUE);    /* SD 2.x's */
  check (3, 13, 3, 5, 0.3f, TRUE);
  check (1, 40, 1, 128, 0, TRUE);
}

static void
test_refused (void)
{
  g_autoptr (AtTensor) a = test_tensor_poisoned_shape (1, 5, 8);
  g_autoptr (AtTensor) b = test_tensor_poisoned_shape (1, 6, 8);
  g_autoptr (AtTensor) big = test_tensor_poisoned_shape (1, 2000, 64);
  g_autoptr (AtCmd) cmd = test_cmd_new ();
  g_autoptr (GError) error = NULL;
  test_assert_refused (at_op_causal_attention (cmd, a, b, a, 2, 0, a, &error), &error, AT_OP_ERROR,
                       AT_OP_ERROR_SHAPE);
  test_assert_refused (at_op_causal_attention (cmd, a, a, a, 3, 0, a, &error), &error, AT_OP_ERROR,
                       AT_OP_ERROR_SHAPE);
  test_assert_refused (at_op_causal_attention (cmd, big, big, big, 1, 0, big, &error), &error, AT_GPU_ERROR,
                       AT_GPU_ERROR_TOO_LARGE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ops/causal-attention/shapes", test_shapes);
  g_test_add_func ("/ops/causal-attention/refused", test_refused);
  return g_test_run ();
}
