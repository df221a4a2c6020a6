/* test-elementwise.c — fill, add/mul/axpby with broadcasting, scale, SiLU,
 * GELU, the floored log and the guidance mix of a batch's halves against
 * plain-C references on random data.
 *
 * Tolerance: these are single fp32 operations per element, so the GPU must
 * match the double-precision reference to 1e-8 in normalised squared error and 1e-5 absolute (exp/tanh/log on
 * lavapipe are within a few ulp). */
#include <math.h>

#include "test-util.h"
#include "ops/elementwise.h"

#define MAX_NSE 1e-8
#define MAX_ABS 1e-5

typedef struct {
  guint ndim_a, ndim_b, ndim_out;
  gint64 a[4], b[4], out[4];
} BroadcastCase;

/* Index into a broadcast operand for the flat output index i. */
static gsize
ref_broadcast_index (const gint64 *out, guint ndim_out, const gint64 *shape, guint ndim, gsize i)
{
  gsize index = 0, stride = 1;
  for (int d = (int) ndim_out - 1, s = (int) ndim - 1; d >= 0; d--, s--)
    {
      gsize coord = i % out[d];
      i /= out[d];
      if (s >= 0)
        {
          if (shape[s] != 1)
            index += coord * stride;
          stride *= shape[s];
        }
    }
  return index;
}

static void
check_binary (const BroadcastCase *c, gboolean mul)
{
  gsize na = test_numel (c->a, c->ndim_a), nb = test_numel (c->b, c->ndim_b), n = test_numel (c->out, c->ndim_out);
  g_autofree float *a = test_random (na, 1, -2, 2);
  g_autofree float *b = test_random (nb, 2, -2, 2);
  g_autofree float *want = g_new (float, n);
  const float alpha = 0.75f, beta = -1.5f;
  for (gsize i = 0; i < n; i++)
    {
      double x = a[ref_broadcast_index (c->out, c->ndim_out, c->a, c->ndim_a, i)];
      double y = b[ref_broadcast_index (c->out, c->ndim_out, c->b, c->ndim_b, i)];
      want[i] = mul ? x * y : alpha * x + beta * y;
    }
  g_autoptr (AtTensor) ta = test_tensor_from (a, c->ndim_a, c->a);
  g_autoptr (AtTensor) tb = test_tensor_from (b, c->ndim_b, c->b);
  g_autoptr (AtTensor) out = test_tensor_poisoned (c->ndim_out, c->out);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtCmd) cmd = test_cmd_new ();
  if (mul)
    at_op_mul (cmd, ta, tb, out, &error);
  else
    at_op_axpby (cmd, alpha, ta, beta, tb, out, &error);
  g_assert_no_error (error);
  test_submit (cmd);
  test_assert_tensor_close (out, want, MAX_NSE, MAX_ABS, "%s", mul ? "mul" : "axpby");
}

static const BroadcastCase broadcast_cases[] = {
  { 1, 1, 1, { 1 }, { 1 }, { 1 } },
  { 1, 1, 1, { 1000 }, { 1000 }, { 1000 } },
  { 4, 4, 4, { 2, 3, 17, 19 }, { 2, 3, 17, 19 }, { 2, 3, 17, 19 } },
  /* per-channel bias over NCHW, as the UNet adds its timestep embedding */
  { 4, 4, 4, { 2, 32, 9, 7 }, { 2, 32, 1, 1 }, { 2, 32, 9, 7 } },
  /* a row vector against a matrix, and a scalar */
  { 2, 1, 2, { 33, 65 }, { 65 }, { 33, 65 } },
  { 3, 1, 3, { 5, 1, 13 }, { 1 }, { 5, 1, 13 } },
  { 3, 3, 3, { 1, 7, 1 }, { 3, 1, 5 }, { 3, 7, 5 } },
};

static void
test_axpby (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (broadcast_cases); i++)
    check_binary (&broadcast_cases[i], FALSE);
}

static void
test_mul (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (broadcast_cases); i++)
    check_binary (&broadcast_cases[i], TRUE);
}

static void
test_add_matches_axpby (void)
{
  g_autofree float *a = test_random (77, 3, -1, 1);
  g_autofree float *b = test_random (77, 4, -1, 1);
  float want[77];
  for (int i = 0; i < 77; i++)
    want[i] = a[i] + b[i];
  g_autoptr (AtTensor) ta = test_tensor_from_shape (a, 7, 11);
  g_autoptr (AtTensor) tb = test_tensor_from_shape (b, 7, 11);
  g_autoptr (AtTensor) out = test_tensor_poisoned_shape (7, 11);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtCmd) cmd = test_cmd_new ();
  at_op_add (cmd, ta, tb, out, &error);
  g_assert_no_error (error);
  test_submit (cmd);
  test_assert_tensor_close (out, want, MAX_NSE, MAX_ABS, "add");
}

static void
test_incompatible_shapes_fail (void)
{
  g_autoptr (AtTensor) a = test_tensor_poisoned_shape (3, 4);
  g_autoptr (AtTensor) b = test_tensor_poisoned_shape (5);
  g_autoptr (AtTensor) out = test_tensor_poisoned_shape (3, 4);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtCmd) cmd = test_cmd_new ();
  test_assert_shape_error (at_op_add (cmd, a, b, out, &error), &error);
  g_assert_cmpuint (at_cmd_get_n_dispatches (cmd), ==, 0);
}

typedef double (*UnaryRef) (double x);

static double ref_scale (double x) { return 2.5 * x - 0.25; }
static double ref_silu (double x) { return x / (1.0 + exp (-x)); }
static double ref_gelu (double x) { return 0.5 * x * (1.0 + tanh (sqrt (2.0 / G_PI) * (x + 0.044715 * x * x * x))); }

/* at_op_scale with the constants of ref_scale */
static gboolean
op_scale (AtCmd *cmd, AtTensor *x, AtTensor *out, GError **error)
{
  return at_op_scale (cmd, x, 2.5f, -0.25f, out, error);
}

static void
check_unary (const char *name, TestUnaryOp op, UnaryRef ref)
{
  static const gint64 sizes[] = { 1, 31, 256, 1023, 70001 };
  for (gsize s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      gsize n = sizes[s];
      g_autofree float *x = test_random (n, 10 + s, -8, 8);
      g_autofree float *want = g_new (float, n);
      for (gsize i = 0; i < n; i++)
        want[i] = ref (x[i]);
      g_autoptr (AtTensor) tx = test_tensor_from (x, 1, &sizes[s]);
      g_autoptr (AtTensor) out = test_tensor_poisoned (1, &sizes[s]);
      test_check_unary_op (op, tx, out, want, MAX_NSE, MAX_ABS, "%s %" G_GINT64_FORMAT, name, sizes[s]);
    }
}

static void test_scale (void) { check_unary ("scale", op_scale, ref_scale); }
static void test_silu (void) { check_unary ("silu", at_op_silu, ref_silu); }
static void test_gelu (void) { check_unary ("gelu", at_op_gelu, ref_gelu); }

/* Inputs spanning 1e-9..150 on a log scale, with zeros and negatives, so
 * both sides of the floor are exercised. */
static float *
log_inputs (gsize n, guint32 seed)
{
  float *x = test_random (n, seed, -21, 5);
  for (gsize i = 0; i < n; i++)
    x[i] = i % 7 == 3 ? -x[i] : i % 7 == 5 ? 0.0f : expf (x[i]);
  return x;
}

static void
test_log (void)
{
  static const gint64 sizes[] = { 1, 31, 8040, 70001 };
  const float floor_value = 1e-5f, offset = 5.0f, div = 5.0f;
  for (gsize s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      gsize n = sizes[s];
      g_autofree float *x = log_inputs (n, 30 + s);
      g_autofree float *want = g_new (float, n);
      for (gsize i = 0; i < n; i++)
        want[i] = (log (MAX ((double) x[i], (double) floor_value)) + offset) / div;
      g_autoptr (AtTensor) tx = test_tensor_from (x, 1, &sizes[s]);
      g_autoptr (AtTensor) out = test_tensor_poisoned (1, &sizes[s]);
      g_autoptr (GError) error = NULL;
      g_autoptr (AtCmd) cmd = test_cmd_new ();
      at_op_log (cmd, tx, floor_value, offset, div, out, &error);
      g_assert_no_error (error);
      test_submit (cmd);
      test_assert_tensor_close (out, want, MAX_NSE, MAX_ABS, "log");
    }

  /* a floor that is not positive would give -inf for silence */
  g_autoptr (AtTensor) t = test_tensor_poisoned_shape (4);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtCmd) cmd = test_cmd_new ();
  test_assert_shape_error (at_op_log (cmd, t, 0.0f, 0.0f, 1.0f, t, &error), &error);
  test_assert_shape_error (at_op_log (cmd, t, 1e-5f, 0.0f, 0.0f, t, &error), &error);
  g_assert_cmpuint (at_cmd_get_n_dispatches (cmd), ==, 0);
}

/* Classifier-free guidance over a batch of two: out = g a + (1 - g) b for
 * x = [a; b], at odd sizes; and a refusal when x is not twice out. */
static void
test_mix_halves (void)
{
  static const gint64 sizes[] = { 1, 257, 12288 };
  const float g = 3.0f;
  for (gsize s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      gint64 n = sizes[s];
      g_autofree float *x = test_random (2 * n, 40 + s, -4, 4);
      g_autofree float *want = g_new (float, n);
      for (gint64 i = 0; i < n; i++)
        want[i] = g * (double) x[i] + (1.0 - g) * (double) x[n + i];
      g_autoptr (AtTensor) tx = test_tensor_from_shape (x, 2, n);
      g_autoptr (AtTensor) out = test_tensor_poisoned_shape (1, n);
      g_autoptr (GError) error = NULL;
      g_autoptr (AtCmd) cmd = test_cmd_new ();
      at_op_mix_halves (cmd, tx, g, 1.0f - g, out, &error);
      g_assert_no_error (error);
      test_submit (cmd);
      test_assert_tensor_close (out, want, MAX_NSE, MAX_ABS, "mix-halves %" G_GINT64_FORMAT, n);
    }
  g_autoptr (AtTensor) x = test_tensor_poisoned_shape (2, 5);
  g_autoptr (AtTensor) out = test_tensor_poisoned_shape (1, 4);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtCmd) cmd = test_cmd_new ();
  test_assert_shape_error (at_op_mix_halves (cmd, x, g, 1.0f - g, out, &error), &error);
  g_assert_cmpuint (at_cmd_get_n_dispatches (cmd), ==, 0);
}

static void
test_fill (void)
{
  g_autoptr (AtTensor) t = test_tensor_poisoned_shape (3, 5, 7);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtCmd) cmd = test_cmd_new ();
  at_op_fill (cmd, t, 0.5f, &error);
  g_assert_no_error (error);
  test_submit (cmd);
  float want[105];
  for (int i = 0; i < 105; i++)
    want[i] = 0.5f;
  test_assert_tensor_close (t, want, 0, 0, "fill");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ops/fill", test_fill);
  g_test_add_func ("/ops/axpby", test_axpby);
  g_test_add_func ("/ops/add", test_add_matches_axpby);
  g_test_add_func ("/ops/mul", test_mul);
  g_test_add_func ("/ops/binary-shape-error", test_incompatible_shapes_fail);
  g_test_add_func ("/ops/scale", test_scale);
  g_test_add_func ("/ops/silu", test_silu);
  g_test_add_func ("/ops/gelu", test_gelu);
  g_test_add_func ("/ops/log", test_log);
  g_test_add_func ("/ops/mix-halves", test_mix_halves);
  return g_test_run ();
}
