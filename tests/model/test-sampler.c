/* test-sampler.c — the samplers against exact solutions of the flow ODE.
 *
 * For data x0 ~ N(mu, s²) (per value, independent) the rectified flow's
 * ideal velocity is known in closed form:
 *   x_t = (1-t) x0 + t n  has mean (1-t) mu and variance (1-t)² s² + t²;
 *   E[x0 | x_t] = mu + (1-t) s² (x_t - (1-t) mu) / var_t,
 *   E[n | x_t]  = t (x_t - (1-t) mu) / var_t,   v = E[n] - E[x0].
 * The ODE maps noise n to x0 = mu + s n exactly, so every deterministic
 * sampler must land there, with error shrinking at least as fast as the
 * step (to under 0.35× for 4× the steps) and faster
 * for second-order methods. Tolerances are stated per check. */
#include <math.h>
#include <string.h>

#include "model/sampler.h"
#include "test-util.h"

static const double MU = 0.3, S = 0.5;

static gboolean
gaussian_velocity (const float *x, float t, int step, float *v, gpointer data, GError **error)
{
  gsize n = GPOINTER_TO_SIZE (data);
  double var = (1 - t) * (1 - t) * S * S + (double) t * t;
  for (gsize i = 0; i < n; i++)
    {
      double centred = x[i] - (1 - t) * MU;
      double x0 = MU + (1 - t) * S * S * centred / var;
      double noise = t * centred / var;
      v[i] = noise - x0;
    }
  return TRUE;
}

/* Largest error against the exact endpoint mu + s n. */
static double
run_error (AtSamplerKind kind, int steps)
{
  const gsize n = 256;
  float x[256], start[256];
  at_sampler_noise (7, start, n);
  memcpy (x, start, sizeof x);
  g_autofree float *ts = at_sampler_schedule (steps, 1.0f);
  g_autoptr (GError) error = NULL;
  g_assert_true (at_sampler_run (kind, ts, steps, x, n, 1, gaussian_velocity, NULL, GSIZE_TO_POINTER (n),
                                 NULL, &error));
  g_assert_no_error (error);
  double worst = 0;
  for (gsize i = 0; i < n; i++)
    worst = MAX (worst, fabs (x[i] - (MU + S * start[i])));
  return worst;
}

static void
test_deterministic_samplers_converge (void)
{
  AtSamplerKind kinds[] = { AT_SAMPLER_EULER, AT_SAMPLER_HEUN, AT_SAMPLER_DPMPP_2M };
  for (gsize k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      double e8 = run_error (kinds[k], 8), e32 = run_error (kinds[k], 32);
      g_test_message ("%s: max error %.2e at 8 steps, %.2e at 32", at_sampler_kind_to_string (kinds[k]), e8, e32);
      g_assert_cmpfloat (e32, <, e8);
      g_assert_cmpfloat (e32, <, 0.35 * e8);
    }
  /* second order beats first order at equal steps */
  g_assert_cmpfloat (run_error (AT_SAMPLER_HEUN, 16), <, 0.5 * run_error (AT_SAMPLER_EULER, 16));
  g_assert_cmpfloat (run_error (AT_SAMPLER_DPMPP_2M, 16), <, 0.5 * run_error (AT_SAMPLER_EULER, 16));
}

/* The ancestral sampler ends on the data distribution, not on the ODE's
 * point: check mean and spread of its samples instead (4096 values:
 * standard errors about 0.008 for the mean and 0.006 for the deviation;
 * at 64 steps its first-order bias leaves the deviation about 0.02 low). */
static void
test_ancestral_matches_distribution (void)
{
  const gsize n = 4096;
  g_autofree float *x = g_new (float, n);
  at_sampler_noise (11, x, n);
  g_autofree float *ts = at_sampler_schedule (64, 1.0f);
  g_autoptr (GError) error = NULL;
  g_assert_true (at_sampler_run (AT_SAMPLER_EULER_A, ts, 64, x, n, 3, gaussian_velocity, NULL,
                                 GSIZE_TO_POINTER (n), NULL, &error));
  double mean = 0, var = 0;
  for (gsize i = 0; i < n; i++)
    mean += x[i] / n;
  for (gsize i = 0; i < n; i++)
    var += (x[i] - mean) * (x[i] - mean) / n;
  g_assert_cmpfloat (fabs (mean - MU), <, 0.04);
  g_test_message ("euler-a: mean %.4f (want %.2f), deviation %.4f (want %.2f)", mean, MU, sqrt (var), S);
  g_assert_cmpfloat (fabs (sqrt (var) - S), <, 0.04);
}

static void
test_noise_is_seeded_and_normal (void)
{
  const gsize n = 100001;
  g_autofree float *a = g_new (float, n);
  g_autofree float *b = g_new (float, n);
  g_autofree float *c = g_new (float, n);
  at_sampler_noise (42, a, n);
  at_sampler_noise (42, b, n);
  at_sampler_noise (43, c, n);
  g_assert_cmpmem (a, n * sizeof (float), b, n * sizeof (float));
  g_assert_cmpfloat (a[0], !=, c[0]);
  double mean = 0, var = 0;
  for (gsize i = 0; i < n; i++)
    mean += a[i] / n;
  for (gsize i = 0; i < n; i++)
    var += (a[i] - mean) * (a[i] - mean) / n;
  /* standard errors: 0.003 (mean), 0.0045 (variance) */
  g_assert_cmpfloat (fabs (mean), <, 0.015);
  g_assert_cmpfloat (fabs (var - 1.0), <, 0.025);
}

static void
test_schedule (void)
{
  g_autofree float *ts = at_sampler_schedule (4, 0.5f);
  float want[] = { 0.5f, 0.375f, 0.25f, 0.125f, 0.0f };
  for (int i = 0; i < 5; i++)
    g_assert_cmpfloat_with_epsilon (ts[i], want[i], 1e-7);
}

typedef struct {
  GCancellable *cancellable;
  int calls;
} CancelData;

static gboolean
cancel_at_step_two (const float *x, float t, int step, float *v, gpointer data, GError **error)
{
  CancelData *c = data;
  c->calls++;
  if (step == 2)
    g_cancellable_cancel (c->cancellable);
  memset (v, 0, 4 * sizeof (float));
  return TRUE;
}

static void
test_cancel_stops_within_a_step (void)
{
  float x[4] = { 0 };
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autofree float *ts = at_sampler_schedule (10, 1.0f);
  g_autoptr (GError) error = NULL;
  CancelData data = { cancellable, 0 };
  g_assert_false (at_sampler_run (AT_SAMPLER_EULER, ts, 10, x, 4, 0, cancel_at_step_two,
                                  NULL, &data, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* cancelled during step 2: no denoiser call after it */
  g_assert_cmpint (data.calls, ==, 3);
}

/* RePaint-style blending. Values with keep = 1 must sit on the known image
 * noised to each step's time, (1-t) known + t noise, whenever the denoiser
 * sees them; values with keep = 0 must follow the unblended run exactly
 * (the Gaussian velocity is per value, so neighbours cannot leak); values in
 * between must match a plain-C Euler loop with the blend written out. */
typedef struct {
  const float *keep, *known, *noise;
  gsize n;
  int checked;
  float min_t;   /* the path is checked at t >= min_t */
} KnownPath;

static gboolean
velocity_checking_known (const float *x, float t, int step, float *v, gpointer data, GError **error)
{
  KnownPath *k = data;
  if (step > 0 && t >= k->min_t)   /* the start is the caller's; blends act after each step */
    for (gsize i = 0; i < k->n; i++)
      if (k->keep[i] == 1.0f)
        {
          g_assert_cmpfloat_with_epsilon (x[i], (1 - t) * k->known[i] + t * k->noise[i], 1e-6);
          k->checked++;
        }
  return gaussian_velocity (x, t, step, v, GSIZE_TO_POINTER (k->n), error);
}

static void
test_blend_holds_known_region (void)
{
  enum { N = 96, STEPS = 10 };
  float keep[N], known[N], noise[N], x[N], free_x[N], ref[N], v[N];
  g_autofree float *lo = test_random (N, 5, -1.0f, 1.0f);
  for (gsize i = 0; i < N; i++)
    {
      keep[i] = i < 32 ? 1.0f : i < 64 ? 0.0f : (i - 64) / 32.0f;
      known[i] = lo[i];
    }
  at_sampler_noise (21, noise, N);
  memcpy (x, noise, sizeof x);
  memcpy (free_x, noise, sizeof x);
  memcpy (ref, noise, sizeof x);
  g_autofree float *ts = at_sampler_schedule (STEPS, 1.0f);
  AtSamplerBlend blend = { keep, known, noise, 0.0f };
  KnownPath path = { keep, known, noise, N, 0, 0.0f };
  g_autoptr (GError) error = NULL;
  g_assert_true (at_sampler_run_blended (AT_SAMPLER_EULER, ts, STEPS, x, N, 1, &blend, 1,
                                         velocity_checking_known, NULL, &path, NULL, &error));
  g_assert_cmpint (path.checked, ==, 32 * (STEPS - 1));
  g_assert_true (at_sampler_run (AT_SAMPLER_EULER, ts, STEPS, free_x, N, 1, gaussian_velocity, NULL,
                                 GSIZE_TO_POINTER (N), NULL, &error));
  for (int s = 0; s < STEPS; s++)
    {
      gaussian_velocity (ref, ts[s], s, v, GSIZE_TO_POINTER (N), NULL);
      for (gsize i = 0; i < N; i++)
        {
          double stepped = ref[i] + (ts[s + 1] - ts[s]) * v[i];
          double target = (1 - ts[s + 1]) * known[i] + ts[s + 1] * noise[i];
          ref[i] = (1 - keep[i]) * stepped + keep[i] * target;
        }
    }
  for (gsize i = 0; i < N; i++)
    {
      if (i < 32)
        g_assert_cmpfloat (x[i], ==, known[i]);
      else if (i < 64)
        g_assert_cmpfloat (x[i], ==, free_x[i]);
      g_assert_cmpfloat_with_epsilon (x[i], ref[i], 1e-5);
    }
}

/* A blend with min_t acts only while the step ends at or above it: the
 * denoiser sees the known path up to t = min_t, and the end is free. */
static void
test_blend_stops_at_min_t (void)
{
  enum { N = 8, STEPS = 8 };
  float keep[N], known[N], noise[N], x[N];
  for (gsize i = 0; i < N; i++)
    keep[i] = 1.0f, known[i] = 0.9f;
  at_sampler_noise (4, noise, N);
  memcpy (x, noise, sizeof x);
  g_autofree float *ts = at_sampler_schedule (STEPS, 1.0f);
  AtSamplerBlend blend = { keep, known, noise, 0.5f };
  KnownPath path = { keep, known, noise, N, 0, 0.5f };
  g_assert_true (at_sampler_run_blended (AT_SAMPLER_EULER, ts, STEPS, x, N, 1, &blend, 1,
                                         velocity_checking_known, NULL, &path, NULL, NULL));
  /* steps 1-4 start at 0.875, 0.75, 0.625 and 0.5 */
  g_assert_cmpint (path.checked, ==, 4 * N);
  for (gsize i = 0; i < N; i++)
    g_assert_cmpfloat (fabsf (x[i] - known[i]), >, 1e-3);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sampler/converge", test_deterministic_samplers_converge);
  g_test_add_func ("/sampler/ancestral", test_ancestral_matches_distribution);
  g_test_add_func ("/sampler/noise", test_noise_is_seeded_and_normal);
  g_test_add_func ("/sampler/schedule", test_schedule);
  g_test_add_func ("/sampler/cancel", test_cancel_stops_within_a_step);
  g_test_add_func ("/sampler/blend-known-region", test_blend_holds_known_region);
  g_test_add_func ("/sampler/blend-min-t", test_blend_stops_at_min_t);
  return g_test_run ();
}
