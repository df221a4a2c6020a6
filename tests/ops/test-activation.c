/* test-activation.c — quick GELU and exact GELU against plain C.
 *
 * Reference: libm in double (erf from C99). Tolerances: the shader's erf
 * approximation is within 1.5e-7 absolute, exp in fp32 on the device a few
 * ulp: max_abs 2e-6 over inputs in [-8, 8] (values up to 8); NSE 1e-9 (the
 * erf error is absolute, so tiny outputs of very negative inputs carry a
 * larger relative error).
 */
#include <math.h>

#include "ops/activation.h"
#include "test-util.h"

#define MAX_NSE 1e-9
#define MAX_ABS 2e-6

static double
quick_gelu (double x)
{
  return x / (1.0 + exp (-1.702 * x));
}

static double
gelu_erf (double x)
{
  return 0.5 * x * (1.0 + erf (x / sqrt (2.0)));
}

static void
check (TestUnaryOp op, double (*ref) (double), const char *name)
{
  static const gint64 sizes[] = { 3, 7, 255, 256, 1000, 77 * 64 + 3 };
  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      gint64 n = sizes[s];
      g_autofree float *x = test_random (n, 17 + s, -8.0f, 8.0f);
      if (n >= 3)
        {
          x[0] = 0.0f;
          x[1] = -30.0f;   /* saturation: exp overflow must not give NaN */
          x[2] = 30.0f;
        }
      g_autofree float *want = g_new (float, n);
      for (gint64 i = 0; i < n; i++)
        want[i] = (float) ref (x[i]);
      g_autoptr (AtTensor) tx = test_tensor_from_shape (x, n);
      g_autoptr (AtTensor) out = test_tensor_poisoned_shape (n);
      test_check_unary_op (op, tx, out, want, MAX_NSE, 30 * MAX_ABS, "%s %" G_GINT64_FORMAT, name, n);
      g_autofree float *got = test_download (out);
      for (gint64 i = 0; i < n; i++)
        if (fabsf (x[i]) <= 8.0f)
          g_assert_cmpfloat (fabs (got[i] - want[i]), <=, MAX_ABS * MAX (1.0, fabs (want[i])));
    }
  /* 2D and 4D tensors are the same elements */
  g_autofree float *x = test_random (3 * 5 * 7 * 2, 99, -3.0f, 3.0f);
  g_autofree float *want = g_new (float, 3 * 5 * 7 * 2);
  for (guint i = 0; i < 3 * 5 * 7 * 2; i++)
    want[i] = (float) ref (x[i]);
  g_autoptr (AtTensor) tx = test_tensor_from_shape (x, 3, 5, 7, 2);
  g_autoptr (AtTensor) out = test_tensor_poisoned_shape (3, 5, 7, 2);
  test_check_unary_op (op, tx, out, want, MAX_NSE, MAX_ABS, "%s 4D", name);
}

static void
test_quick_gelu (void)
{
  check (at_op_quick_gelu, quick_gelu, "quick-gelu");
}

static void
test_gelu_erf (void)
{
  check (at_op_gelu_erf, gelu_erf, "gelu-erf");
}

static void
test_refused (void)
{
  g_autoptr (AtTensor) a = test_tensor_poisoned_shape (4, 5);
  g_autoptr (AtTensor) b = test_tensor_poisoned_shape (5, 4);
  g_autoptr (AtCmd) cmd = test_cmd_new ();
  g_autoptr (GError) error = NULL;
  test_assert_refused (at_op_quick_gelu (cmd, a, b, &error), &error, AT_OP_ERROR, AT_OP_ERROR_SHAPE);
  test_assert_refused (at_op_gelu_erf (cmd, a, b, &error), &error, AT_OP_ERROR, AT_OP_ERROR_SHAPE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ops/activation/quick-gelu", test_quick_gelu);
  g_test_add_func ("/ops/activation/gelu-erf", test_gelu_erf);
  g_test_add_func ("/ops/activation/refused", test_refused);
  return g_test_run ();
}
