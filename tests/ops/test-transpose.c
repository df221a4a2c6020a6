/* test-transpose.c — batched 2D transpose against a plain-C reference, at
 * shapes smaller than, equal to and not a multiple of the 32x32 tile, in
 * both variants (tiled for GPUs, direct for CPU devices).
 *
 * Tolerance: exact (a transpose only moves values). */
#include "test-util.h"
#include "ops/transpose.h"

static void
check_transpose (AtTransposeVariant variant, gint64 batch, gint64 rows, gint64 cols, gboolean batched)
{
  gsize n = batch * rows * cols;
  g_autofree float *x = test_random (n, 41 + rows, -1, 1);
  g_autofree float *want = g_new (float, n);
  for (gint64 b = 0; b < batch; b++)
    for (gint64 r = 0; r < rows; r++)
      for (gint64 c = 0; c < cols; c++)
        want[(b * cols + c) * rows + r] = x[(b * rows + r) * cols + c];
  g_autoptr (AtTensor) tx = batched ? test_tensor_from_shape (x, batch, rows, cols)
                                    : test_tensor_from_shape (x, rows, cols);
  g_autoptr (AtTensor) out = batched ? test_tensor_poisoned_shape (batch, cols, rows)
                                     : test_tensor_poisoned_shape (cols, rows);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtCmd) cmd = test_cmd_new ();
  at_op_transpose_full (cmd, tx, variant, out, &error);
  g_assert_no_error (error);
  test_submit (cmd);
  test_assert_tensor_close (out, want, 0, 0,
                            "transpose %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT "x%" G_GINT64_FORMAT " variant %d", batch, rows, cols, variant);
}

static void
check_shapes (AtTransposeVariant variant)
{
  check_transpose (variant, 1, 1, 1, TRUE);
  check_transpose (variant, 1, 17, 31, FALSE);
  check_transpose (variant, 2, 33, 65, TRUE);
  check_transpose (variant, 3, 64, 64, TRUE);
  check_transpose (variant, 1, 5, 1000, TRUE);
  check_transpose (variant, 1, 1000, 5, TRUE);
  check_transpose (variant, 2, 320, 4096, TRUE);   /* NCHW 320 channels at 64x64 -> tokens */
  check_transpose (variant, 2, 4096, 320, TRUE);   /* and back */
}

static void test_transpose_tiled (void) { check_shapes (AT_TRANSPOSE_TILED); }
static void test_transpose_direct (void) { check_shapes (AT_TRANSPOSE_DIRECT); }

static void
test_transpose_auto (void)
{
  check_transpose (AT_TRANSPOSE_AUTO, 2, 33, 65, TRUE);
}

static void
test_transpose_shape_errors (void)
{
  g_autoptr (AtTensor) x = test_tensor_poisoned_shape (2, 3, 5);
  g_autoptr (AtTensor) same = test_tensor_poisoned_shape (2, 3, 5);
  g_autoptr (AtTensor) other_batch = test_tensor_poisoned_shape (1, 5, 3);
  g_autoptr (AtTensor) flat = test_tensor_poisoned_shape (30);
  g_autoptr (AtCmd) cmd = test_cmd_new ();
  AtTensor *outs[] = { same, other_batch, flat };
  for (gsize i = 0; i < G_N_ELEMENTS (outs); i++)
    {
      g_autoptr (GError) error = NULL;
      test_assert_shape_error (at_op_transpose (cmd, x, outs[i], &error), &error);
    }
  g_assert_cmpuint (at_cmd_get_n_dispatches (cmd), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ops/transpose-tiled", test_transpose_tiled);
  g_test_add_func ("/ops/transpose-direct", test_transpose_direct);
  g_test_add_func ("/ops/transpose-auto", test_transpose_auto);
  g_test_add_func ("/ops/transpose-shape-errors", test_transpose_shape_errors);
  return g_test_run ();
}
