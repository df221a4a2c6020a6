/* test-sd-sampler.c — SD schedules and samplers (sd-sampler.h) against
 * k-diffusion on the same schedule (tools/sd/make-sampler-golden.py:
 * tests/data/sd/sampler-golden.safetensors): the sigma table, σ ↔ t, the
 * default, Karras and trailing step lists, and Euler (epsilon, CFG 7.5),
 * DPM++ 2M (Karras, v, CFG 5) and Euler ancestral (trailing 4 steps)
 * samples with an analytic stand-in for the UNet, repeated here.
 * Tolerances: the reference computes in fp32 (torch), this code partly in
 * double: sigmas 1e-6 relative; sample trajectories through up to 8 steps
 * and 16 model calls NSE 1e-9, max_abs 2e-6 (values of scale 0.03;
 * measured NSE 5e-13, max_abs 2.6e-7).
 */
#include <math.h>
#include <string.h>

#include "sd/sd-sampler.h"
#include "sd-fill.h"
#include "test-util.h"

#define N_LATENT (4 * 8 * 8)
#define SIGMA_REL 1e-6
#define MAX_NSE 1e-9
#define MAX_ABS 2e-6

static AtSafetensors *golden;
static AtSdSchedule schedule;

static float *
get (const char *name, gsize n)
{
  g_autoptr (GError) error = NULL;
  float *v = NULL;
  gsize got;
  const AtSafetensorsInfo *info = at_safetensors_lookup (golden, name);
  g_assert_nonnull (info);
  g_assert_true (at_safetensors_get_f32 (golden, name, info->ndim, info->shape, &v, &got, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (got, ==, n);
  return v;
}

static void
assert_rel (const char *what, const float *got, const float *want, gsize n, double rel)
{
  for (gsize i = 0; i < n; i++)
    if (fabs (got[i] - want[i]) > rel * fabs (want[i]) + 1e-7)
      g_error ("%s[%zu]: got %.9g, want %.9g", what, i, got[i], want[i]);
}

static void
test_schedule (void)
{
  g_autofree float *sigmas = get ("sigmas", AT_SD_TRAIN_STEPS);
  assert_rel ("sigmas", schedule.sigmas, sigmas, AT_SD_TRAIN_STEPS, SIGMA_REL);

  static const float sigma_points[] = { 0.03f, 0.5f, 1.0f, 7.3f, 14.6f };
  static const float t_points[] = { 0.0f, 0.5f, 10.25f, 500.7f, 999.0f };
  g_autofree float *want_t = get ("sigma_to_t", 5);
  g_autofree float *want_sigma = get ("t_to_sigma", 5);
  float t[5], sigma[5];
  for (guint i = 0; i < 5; i++)
    {
      t[i] = at_sd_sigma_to_t (&schedule, sigma_points[i]);
      sigma[i] = at_sd_t_to_sigma (&schedule, t_points[i]);
    }
  assert_rel ("sigma_to_t", t, want_t, 5, 1e-5);
  assert_rel ("t_to_sigma", sigma, want_sigma, 5, SIGMA_REL);
}

static void
check_sigmas (AtSdSigmasKind kind, guint n, const char *name)
{
  g_autofree float *want = get (name, n + 1);
  g_autofree float *got = g_new (float, n + 1);
  at_sd_sigmas (&schedule, kind, n, got);
  assert_rel (name, got, want, n + 1, SIGMA_REL);
}

static void
test_sigmas (void)
{
  check_sigmas (AT_SD_SIGMAS_DEFAULT, 8, "sigmas_default_8");
  check_sigmas (AT_SD_SIGMAS_KARRAS, 10, "sigmas_karras_10");
  check_sigmas (AT_SD_SIGMAS_TRAILING, 1, "sigmas_trailing_1");
  check_sigmas (AT_SD_SIGMAS_TRAILING, 2, "sigmas_trailing_2");
  check_sigmas (AT_SD_SIGMAS_TRAILING, 4, "sigmas_trailing_4");
}

typedef struct {
  gboolean v_prediction;
  float cfg_scale;   /* 1: the prompt alone */
  guint calls;
} Fake;

/* The script's stand-in model on x·c_in at t(σ), as the sampler's caller
 * runs the UNet: once for the prompt, once for the negative prompt. */
static void
fake_model (const Fake *f, const float *x, float sigma, float cond, float *denoised)
{
  float c_in = at_sd_input_scale (sigma), t = at_sd_sigma_to_t (&schedule, sigma);
  float out[N_LATENT];
  for (guint i = 0; i < N_LATENT; i++)
    out[i] = x[i] * c_in * (0.9f + 0.05f * cond) * cosf (t / 1000.0f) + 0.01f * (cond + 1.0f) * t / 1000.0f;
  at_sd_denoised (f->v_prediction, x, out, sigma, N_LATENT, denoised);
}

static gboolean
fake_denoise (const float *x, float sigma, float *denoised, gpointer user_data, GError **error)
{
  Fake *f = user_data;
  f->calls++;
  fake_model (f, x, sigma, 1.0f, denoised);
  if (f->cfg_scale != 1.0f)
    {
      float uncond[N_LATENT];
      fake_model (f, x, sigma, 0.0f, uncond);
      at_sd_cfg (denoised, uncond, f->cfg_scale, N_LATENT);
    }
  return TRUE;
}

static void
fill_noise (guint step, float *noise, gsize n, gpointer user_data)
{
  g_autofree char *name = g_strdup_printf ("noise_%u", step);
  gsize got;
  g_autofree float *v = sd_fill (name, 4, (gint64[]) { 1, 4, 8, 8 }, &got);
  g_assert_cmpuint (got, ==, n);
  memcpy (noise, v, n * sizeof (float));
}

static void
check_sample (AtSdSamplerKind kind, AtSdSigmasKind sigmas_kind, guint steps, gboolean v, float scale,
              const char *name)
{
  float sigmas[16];
  at_sd_sigmas (&schedule, sigmas_kind, steps, sigmas);
  gsize n;
  g_autofree float *x = sd_fill ("x_T", 4, (gint64[]) { 1, 4, 8, 8 }, &n);
  for (gsize i = 0; i < n; i++)
    x[i] *= sigmas[0];
  Fake f = { v, scale, 0 };
  g_autoptr (GError) error = NULL;
  g_assert_true (at_sd_sample (kind, sigmas, steps, x, n, fake_denoise, fill_noise, &f, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f.calls, ==, steps);
  g_autofree float *want = get (name, N_LATENT);
  test_assert_close (name, x, want, N_LATENT, MAX_NSE, MAX_ABS);
}

static void
test_samplers (void)
{
  check_sample (AT_SD_SAMPLER_EULER, AT_SD_SIGMAS_DEFAULT, 8, FALSE, 7.5f, "euler");
  check_sample (AT_SD_SAMPLER_DPMPP_2M, AT_SD_SIGMAS_KARRAS, 8, TRUE, 5.0f, "dpmpp_2m");
  check_sample (AT_SD_SAMPLER_EULER_ANCESTRAL, AT_SD_SIGMAS_TRAILING, 4, FALSE, 1.0f, "euler_a");
}

static void
test_cancel (void)
{
  float sigmas[3], x[N_LATENT] = { 0 };
  at_sd_sigmas (&schedule, AT_SD_SIGMAS_TRAILING, 2, sigmas);
  g_autoptr (GCancellable) c = g_cancellable_new ();
  g_cancellable_cancel (c);
  Fake f = { FALSE, 1.0f, 0 };
  g_autoptr (GError) error = NULL;
  g_assert_false (at_sd_sample (AT_SD_SAMPLER_EULER, sigmas, 2, x, N_LATENT, fake_denoise, NULL, &f, c, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (f.calls, ==, 0);
}

static void
test_noise (void)
{
  enum { N = 100001 };
  g_autofree float *a = g_new (float, N), *b = g_new (float, N), *c = g_new (float, N);
  at_sd_gaussian_noise (42, a, N);
  at_sd_gaussian_noise (42, b, N);
  at_sd_gaussian_noise (43, c, N);
  g_assert_cmpmem (a, N * sizeof (float), b, N * sizeof (float));
  double sum = 0, sum2 = 0;
  gsize same = 0;
  for (gsize i = 0; i < N; i++)
    {
      sum += a[i];
      sum2 += (double) a[i] * a[i];
      same += a[i] == c[i];
    }
  /* standard normal: mean within 5 standard errors, variance within 2% */
  g_assert_cmpfloat (fabs (sum / N), <, 5.0 / sqrt (N));
  g_assert_cmpfloat (fabs (sum2 / N - 1.0), <, 0.02);
  g_assert_cmpuint (same, <, 10);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_autofree char *path = test_source_path ("tests", "data", "sd", "sampler-golden.safetensors", NULL);
  g_autoptr (GError) error = NULL;
  golden = at_safetensors_open (path, &error);
  g_assert_no_error (error);
  at_sd_schedule_init (&schedule);
  g_test_add_func ("/sd/sampler/schedule", test_schedule);
  g_test_add_func ("/sd/sampler/sigmas", test_sigmas);
  g_test_add_func ("/sd/sampler/samplers", test_samplers);
  g_test_add_func ("/sd/sampler/cancel", test_cancel);
  g_test_add_func ("/sd/sampler/noise", test_noise);
  int rc = g_test_run ();
  at_safetensors_free (golden);
  return rc;
}
