/* test-upsample.c — nearest ×2 upsampling against a plain-C reference on
 * random data at several shapes including odd sizes.
 *
 * Tolerance: upsampling copies values without arithmetic, so the output must
 * equal the reference exactly (0 normalised squared error, 0 absolute). */
#include "test-util.h"
#include "ops/upsample.h"

static void
check_upsample (guint ndim, const gint64 *shape, guint seed)
{
  gint64 out_shape[4];
  for (guint k = 0; k < ndim; k++)
    out_shape[k] = k + 2 >= ndim ? 2 * shape[k] : shape[k];
  gsize lead = test_numel (shape, ndim - 2), h = shape[ndim - 2], w = shape[ndim - 1];
  gsize n = lead * h * w, n_out = 4 * n;
  g_autofree float *x = test_random (n, seed, -2, 2);
  g_autofree float *want = g_new (float, n_out);
  for (gsize i = 0; i < lead; i++)
    for (gsize y = 0; y < 2 * h; y++)
      for (gsize xo = 0; xo < 2 * w; xo++)
        want[(i * 2 * h + y) * 2 * w + xo] = x[(i * h + y / 2) * w + xo / 2];

  g_autoptr (AtTensor) tx = test_tensor_from (x, ndim, shape);
  g_autoptr (AtTensor) out = test_tensor_poisoned (ndim, out_shape);
  test_check_unary_op (at_op_upsample_nearest2x, tx, out, want, 0, 0, "upsample case %u", seed);
}

static void
test_upsample_shapes (void)
{
  check_upsample (4, AT_SHAPE (2, 3, 5, 7), 0);
  check_upsample (4, AT_SHAPE (1, 64, 16, 16), 1);
  check_upsample (4, AT_SHAPE (1, 1, 1, 1), 2);
  check_upsample (4, AT_SHAPE (3, 5, 1, 13), 3);
  check_upsample (4, AT_SHAPE (2, 4, 33, 1), 4);
  check_upsample (3, AT_SHAPE (7, 9, 11), 5);
  check_upsample (2, AT_SHAPE (17, 19), 6);
}

static void
test_upsample_errors (void)
{
  g_autoptr (AtTensor) x = test_tensor_poisoned_shape (1, 2, 3, 4);
  g_autoptr (AtTensor) same = test_tensor_poisoned_shape (1, 2, 3, 4);
  g_autoptr (AtTensor) channels = test_tensor_poisoned_shape (1, 4, 6, 8);
  g_autoptr (AtTensor) flat = test_tensor_poisoned_shape (2 * 6 * 8);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtCmd) cmd = test_cmd_new ();
  test_assert_shape_error (at_op_upsample_nearest2x (cmd, x, same, &error), &error);
  test_assert_shape_error (at_op_upsample_nearest2x (cmd, x, channels, &error), &error);
  test_assert_shape_error (at_op_upsample_nearest2x (cmd, x, flat, &error), &error);
  g_assert_cmpuint (at_cmd_get_n_dispatches (cmd), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ops/upsample/shapes", test_upsample_shapes);
  g_test_add_func ("/ops/upsample/errors", test_upsample_errors);
  return g_test_run ();
}
