/* test-downsample.c — 2×2 average pooling with stride 2 against a plain-C
 * reference (double accumulation) on random data at several shapes,
 * including odd H and W, which round down like PyTorch's avg_pool2d(x, 2).
 *
 * Tolerance: each output is three fp32 additions of inputs in [-4, 4] and an
 * exact scaling by 1/4, so it is within 1e-6 absolute of the double
 * reference (a few half-ulps of 16, divided by 4) and 1e-12 in normalised
 * squared error. */
#include "test-util.h"
#include "ops/downsample.h"

#define MAX_NSE 1e-12
#define MAX_ABS 1e-6

static void
check_downsample (guint ndim, const gint64 *shape, guint seed)
{
  gint64 out_shape[4];
  for (guint k = 0; k < ndim; k++)
    out_shape[k] = k + 2 >= ndim ? shape[k] / 2 : shape[k];
  gsize lead = test_numel (shape, ndim - 2), h = shape[ndim - 2], w = shape[ndim - 1], ho = h / 2, wo = w / 2;
  gsize n = lead * h * w, n_out = lead * ho * wo;
  g_autofree float *x = test_random (n, seed, -4, 4);
  g_autofree float *want = g_new (float, n_out);
  for (gsize i = 0; i < lead; i++)
    for (gsize y = 0; y < ho; y++)
      for (gsize xo = 0; xo < wo; xo++)
        {
          double sum = 0;
          for (gsize dy = 0; dy < 2; dy++)
            for (gsize dx = 0; dx < 2; dx++)
              sum += x[(i * h + 2 * y + dy) * w + 2 * xo + dx];
          want[(i * ho + y) * wo + xo] = sum / 4;
        }

  g_autoptr (AtTensor) tx = test_tensor_from (x, ndim, shape);
  g_autoptr (AtTensor) out = test_tensor_poisoned (ndim, out_shape);
  test_check_unary_op (at_op_avg_pool2x2, tx, out, want, MAX_NSE, MAX_ABS, "avg-pool case %u", seed);
}

static void
test_downsample_shapes (void)
{
  check_downsample (4, AT_SHAPE (2, 3, 6, 8), 0);
  check_downsample (4, AT_SHAPE (1, 64, 32, 32), 1);
  /* odd sizes: the last row and column are dropped */
  check_downsample (4, AT_SHAPE (2, 5, 7, 9), 2);
  check_downsample (4, AT_SHAPE (3, 1, 2, 3), 3);
  check_downsample (4, AT_SHAPE (1, 2, 3, 2), 4);
  check_downsample (3, AT_SHAPE (5, 13, 11), 5);
  check_downsample (2, AT_SHAPE (2, 2), 6);
}

static void
test_downsample_errors (void)
{
  g_autoptr (AtTensor) x = test_tensor_poisoned_shape (1, 2, 6, 8);
  g_autoptr (AtTensor) ceil = test_tensor_poisoned_shape (1, 2, 4, 4);
  g_autoptr (AtTensor) channels = test_tensor_poisoned_shape (1, 1, 3, 4);
  g_autoptr (AtTensor) thin = test_tensor_poisoned_shape (1, 2, 1, 8);
  g_autoptr (AtTensor) empty = test_tensor_poisoned_shape (1, 2, 0, 4);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtCmd) cmd = test_cmd_new ();
  test_assert_shape_error (at_op_avg_pool2x2 (cmd, x, ceil, &error), &error);
  test_assert_shape_error (at_op_avg_pool2x2 (cmd, x, channels, &error), &error);
  /* H = 1 would give an empty output: refused, as PyTorch does */
  test_assert_shape_error (at_op_avg_pool2x2 (cmd, thin, empty, &error), &error);
  g_assert_cmpuint (at_cmd_get_n_dispatches (cmd), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ops/downsample/shapes", test_downsample_shapes);
  g_test_add_func ("/ops/downsample/errors", test_downsample_errors);
  return g_test_run ();
}
