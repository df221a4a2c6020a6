/* test-softmax.c — row softmax against a plain-C reference in double, for
 * rows of 1 to 70001 elements, including rows whose values would overflow
 * exp() without subtracting the maximum, and in place; in both variants (a
 * workgroup per row for GPUs, an invocation per row for CPU devices).
 *
 * Tolerance: normalised squared error <= 1e-12, absolute error <= 1e-6 per
 * element (measured on lavapipe: about 1e-14 and 1e-7). Outputs lie in
 * [0, 1]; exp is within a few ulp and the row sum is compensated (Kahan),
 * so even 70001-element rows stay near fp32 precision. */
#include <math.h>

#include "test-util.h"
#include "ops/softmax.h"

#define MAX_NSE 1e-12
#define MAX_ABS 1e-6

static void
ref_softmax (const float *x, float *y, gsize rows, gsize cols)
{
  for (gsize r = 0; r < rows; r++)
    {
      const float *xr = x + r * cols;
      double m = -INFINITY, sum = 0;
      for (gsize i = 0; i < cols; i++)
        m = MAX (m, xr[i]);
      for (gsize i = 0; i < cols; i++)
        sum += exp (xr[i] - m);
      for (gsize i = 0; i < cols; i++)
        y[r * cols + i] = exp (xr[i] - m) / sum;
    }
}

static void
check_softmax (AtReduceVariant variant, gint64 rows, gint64 cols, float lo, float hi, gboolean in_place)
{
  gsize n = rows * cols;
  g_autofree float *x = test_random (n, 21 + cols, lo, hi);
  g_autofree float *want = g_new (float, n);
  ref_softmax (x, want, rows, cols);
  g_autoptr (AtTensor) tx = test_tensor_from_shape (x, rows, cols);
  g_autoptr (AtTensor) out = in_place ? NULL : test_tensor_poisoned_shape (rows, cols);
  AtTensor *result = in_place ? tx : out;
  g_autoptr (GError) error = NULL;
  g_autoptr (AtCmd) cmd = test_cmd_new ();
  gboolean ok = at_op_softmax_full (cmd, tx, variant, result, &error);
  if (test_reduce_refused (variant, cols, ok, &error))
    return;
  test_submit (cmd);
  test_assert_tensor_close (result, want, MAX_NSE, MAX_ABS,
                            "softmax %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT " [%g, %g)%s variant %d", rows, cols,
                            lo, hi, in_place ? " in place" : "", variant);
}

static void
check_cases (AtReduceVariant variant)
{
  check_softmax (variant, 1, 1, -1, 1, FALSE);
  check_softmax (variant, 5, 2, -1, 1, FALSE);
  check_softmax (variant, 7, 33, -10, 10, FALSE);
  check_softmax (variant, 300, 77, -5, 5, FALSE);     /* attention rows over text tokens */
  check_softmax (variant, 3, 1023, -10, 10, FALSE);
  check_softmax (variant, 3, 5000, -10, 10, FALSE);
  check_softmax (variant, 2, AT_REDUCE_SERIAL_MAX, -10, 10, FALSE);
  check_softmax (variant, 1, 70001, -3, 3, FALSE);
  /* exp(100) overflows fp32: only a max-subtracted softmax survives. */
  check_softmax (variant, 4, 999, 50, 100, FALSE);
  check_softmax (variant, 4, 999, -1000, -900, FALSE);
  check_softmax (variant, 6, 129, -4, 4, TRUE);
}

static void test_softmax_workgroup (void) { check_cases (AT_REDUCE_WORKGROUP); }
static void test_softmax_serial (void) { check_cases (AT_REDUCE_SERIAL); }

static void
test_softmax_auto (void)
{
  check_softmax (AT_REDUCE_AUTO, 300, 77, -5, 5, FALSE);
  check_softmax (AT_REDUCE_AUTO, 1, 70001, -3, 3, FALSE); /* too long for SERIAL */
}

static void
test_softmax_4d (void)
{
  /* Rows are the last dimension whatever the rank; the device's variant. */
  gsize n = 2 * 3 * 4 * 5;
  g_autofree float *x = test_random (n, 31, -2, 2);
  g_autofree float *want = g_new (float, n);
  ref_softmax (x, want, n / 5, 5);
  g_autoptr (AtTensor) tx = test_tensor_from_shape (x, 2, 3, 4, 5);
  g_autoptr (AtTensor) out = test_tensor_poisoned_shape (2, 3, 4, 5);
  test_check_unary_op (at_op_softmax, tx, out, want, MAX_NSE, MAX_ABS, "softmax 2x3x4x5");

  g_autoptr (GError) error = NULL;
  g_autoptr (AtCmd) cmd = test_cmd_new ();
  g_autoptr (AtTensor) wrong = test_tensor_poisoned_shape (2, 3, 20);
  test_assert_shape_error (at_op_softmax (cmd, tx, wrong, &error), &error);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ops/softmax-workgroup", test_softmax_workgroup);
  g_test_add_func ("/ops/softmax-serial", test_softmax_serial);
  g_test_add_func ("/ops/softmax-auto", test_softmax_auto);
  g_test_add_func ("/ops/softmax-4d", test_softmax_4d);
  return g_test_run ();
}
