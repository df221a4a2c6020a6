/* test-timestep.c — the sinusoidal timestep embedding against
 * double-precision references, and replay of one recorded AtCmd with new
 * timesteps uploaded between submissions.
 *
 * Tolerance, stated in two parts:
 * - Same argument: the reference forms the argument exactly as the engine
 *   does, in fp32 — scaled = m*t rounded, freq = exp(-ln(1e4) i/half)
 *   rounded, arg = scaled*freq rounded — then takes cos/sin in double. The
 *   GPU must match within MAX_ABS_SAME = 2e-6 absolute: only its range
 *   reduction (exact products, a few half-ulps of 2*pi) and its fp32 sin/cos
 *   on [-pi, pi] remain.
 * - Exact: against cos/sin of m*t*freq computed entirely in double, the
 *   three fp32 roundings of the argument move it by up to 3 * 2^-24 * |arg|,
 *   so the bound is MAX_ABS_SAME + 1.8e-7 * max |m*t| (1.8e-4 at the
 *   model's m*t <= 1000). This is inherent to an fp32 argument; PyTorch's
 *   fp32 embedding is just as far from the exact one.
 * Normalised squared error is checked to 1e-10 (same) and 1e-7 (exact). */
#include <math.h>

#include "test-util.h"
#include "ops/timestep.h"

#define MAX_ABS_SAME 2e-6
#define MAX_NSE_SAME 1e-10
#define ARG_ROUNDING 1.8e-7
#define MAX_NSE_EXACT 1e-7

static void
ref_embedding (const float *t, guint batch, guint dim, float m, gboolean fp32_argument, float *out)
{
  guint half = dim / 2;
  for (guint b = 0; b < batch; b++)
    for (guint i = 0; i < half; i++)
      {
        double freq = exp (-log (10000.0) * i / half);
        double arg;
        if (fp32_argument)
          {
            float scaled = m * t[b];
            float arg_f = scaled * (float) freq;
            arg = arg_f;
          }
        else
          arg = (double) m * t[b] * freq;
        out[b * dim + i] = cos (arg);
        out[b * dim + half + i] = sin (arg);
      }
}

/* Downloads the embedding of t in out and checks it against both. */
static void
check_against_references (const char *what, AtTensor *out, const float *t, guint batch, guint dim, float m)
{
  g_autofree float *got = test_download (out);
  g_autofree float *want = g_new (float, batch * dim);
  ref_embedding (t, batch, dim, m, TRUE, want);
  g_autofree char *same = g_strdup_printf ("%s (fp32 argument)", what);
  test_assert_close (same, got, want, batch * dim, MAX_NSE_SAME, MAX_ABS_SAME);

  double max_arg = 0;
  for (guint b = 0; b < batch; b++)
    max_arg = MAX (max_arg, fabs ((double) m * t[b]));
  ref_embedding (t, batch, dim, m, FALSE, want);
  g_autofree char *exact = g_strdup_printf ("%s (exact argument)", what);
  test_assert_close (exact, got, want, batch * dim, MAX_NSE_EXACT, MAX_ABS_SAME + ARG_ROUNDING * max_arg);
}

typedef struct {
  guint batch, dim;
  float m, t_lo, t_hi;
} TimestepCase;

static const TimestepCase cases[] = {
  /* the model: t in [0, 1], m = 1000 */
  { 4, 128, 1000, 0, 1 },
  { 3, 320, 1000, 0, 1 },
  /* odd half, the smallest dimension, a batch of one */
  { 5, 10, 1000, 0, 1 },
  { 7, 2, 1000, 0, 1 },
  { 1, 64, 1000, 0.999f, 1 },
  /* integer-style timesteps with m = 1, negative and larger arguments */
  { 9, 96, 1, 0, 999 },
  { 6, 32, 1000, -1, 1 },
  { 4, 48, 1000, 0, 20 },
};

/* Embeds t (the values of tt) with a command list of its own and checks it. */
static void
check_embedding (const char *what, AtTensor *tt, const float *t, guint batch, guint dim, float m)
{
  g_autoptr (AtTensor) out = test_tensor_poisoned_shape (batch, dim);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtCmd) cmd = test_cmd_new ();
  at_op_timestep_embedding (cmd, tt, m, out, &error);
  g_assert_no_error (error);
  test_submit (cmd);
  check_against_references (what, out, t, batch, dim, m);
}

static void
test_timestep_shapes (void)
{
  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      const TimestepCase *tc = &cases[c];
      g_autofree float *t = test_random (tc->batch, 50 + c, tc->t_lo, tc->t_hi);
      g_autoptr (AtTensor) tt = test_tensor_from_shape (t, tc->batch);
      g_autofree char *what = g_strdup_printf ("timestep case %u", c);
      check_embedding (what, tt, t, tc->batch, tc->dim, tc->m);
    }
}

/* The sampler records its step once and uploads each new t before
 * submitting again: the embedding must follow the buffer, not the value
 * seen at record time. */
static void
test_timestep_replay (void)
{
  const guint batch = 3, dim = 64;
  const float steps[][3] = { { 0.999f, 0.5f, 0.0f }, { 0.25f, 0.125f, 0.75f }, { 0, 0, 0 }, { 1, 1, 1 } };
  g_autoptr (AtTensor) t = test_tensor_from_shape (steps[0], batch);
  g_autoptr (AtTensor) out = test_tensor_poisoned_shape (batch, dim);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtCmd) cmd = test_cmd_new ();
  at_op_timestep_embedding (cmd, t, 1000, out, &error);
  g_assert_no_error (error);
  for (gsize s = 0; s < G_N_ELEMENTS (steps); s++)
    {
      at_tensor_upload (t, steps[s], &error);
      g_assert_no_error (error);
      test_submit (cmd);
      g_autofree char *what = g_strdup_printf ("replay step %zu", s);
      check_against_references (what, out, steps[s], batch, dim, 1000);
    }
  g_assert_cmpuint (at_cmd_get_n_dispatches (cmd), ==, 1);
}

/* t may be shaped [B, 1], as a model's scalar input often is. */
static void
test_timestep_column_input (void)
{
  const float t[2] = { 0.3f, 0.7f };
  g_autoptr (AtTensor) tt = test_tensor_from_shape (t, 2, 1);
  check_embedding ("column input", tt, t, 2, 16, 1000);
}

static void
test_timestep_errors (void)
{
  g_autoptr (AtTensor) t = test_tensor_poisoned_shape (3);
  g_autoptr (AtTensor) odd = test_tensor_poisoned_shape (3, 7);
  g_autoptr (AtTensor) batch = test_tensor_poisoned_shape (4, 8);
  g_autoptr (AtTensor) flat = test_tensor_poisoned_shape (24);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtCmd) cmd = test_cmd_new ();
  AtTensor *outs[] = { odd, batch, flat };
  for (gsize i = 0; i < G_N_ELEMENTS (outs); i++)
    {
      test_assert_shape_error (at_op_timestep_embedding (cmd, t, 1000, outs[i], &error), &error);
    }
  g_assert_cmpuint (at_cmd_get_n_dispatches (cmd), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ops/timestep/shapes", test_timestep_shapes);
  g_test_add_func ("/ops/timestep/replay", test_timestep_replay);
  g_test_add_func ("/ops/timestep/column-input", test_timestep_column_input);
  g_test_add_func ("/ops/timestep/errors", test_timestep_errors);
  return g_test_run ();
}
