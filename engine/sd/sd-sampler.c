/* sd-sampler.c — SD noise schedules and samplers (sd-sampler.h). */
#include "sd/sd-sampler.h"

#include <math.h>
#include <string.h>

#define BETA_START 0.00085
#define BETA_END 0.012
#define KARRAS_RHO 7.0

void
at_sd_schedule_init (AtSdSchedule *s)
{
  double lo = sqrt (BETA_START), hi = sqrt (BETA_END), cumprod = 1.0;
  for (guint i = 0; i < AT_SD_TRAIN_STEPS; i++)
    {
      double b = lo + (hi - lo) * i / (AT_SD_TRAIN_STEPS - 1);
      cumprod *= 1.0 - b * b;
      float ac = (float) cumprod;   /* ldm keeps alphas_cumprod as fp32 */
      s->sigmas[i] = sqrtf ((1.0f - ac) / ac);
      s->log_sigmas[i] = logf (s->sigmas[i]);
    }
}

float
at_sd_sigma_to_t (const AtSdSchedule *s, float sigma)
{
  float ls = logf (sigma);
  guint low = 0;
  for (guint i = 0; i < AT_SD_TRAIN_STEPS; i++)
    if (ls >= s->log_sigmas[i])
      low = i;
  low = MIN (low, AT_SD_TRAIN_STEPS - 2);
  float a = s->log_sigmas[low], b = s->log_sigmas[low + 1];
  float w = CLAMP ((a - ls) / (a - b), 0.0f, 1.0f);
  return (1.0f - w) * low + w * (low + 1);
}

float
at_sd_t_to_sigma (const AtSdSchedule *s, float t)
{
  t = CLAMP (t, 0.0f, AT_SD_TRAIN_STEPS - 1.0f);
  guint low = (guint) floorf (t), high = (guint) ceilf (t);
  float w = t - low;
  return expf ((1.0f - w) * s->log_sigmas[low] + w * s->log_sigmas[high]);
}

void
at_sd_sigmas (const AtSdSchedule *s, AtSdSigmasKind kind, guint n, float *out)
{
  g_return_if_fail (n >= 1);
  double max_inv = pow (s->sigmas[AT_SD_TRAIN_STEPS - 1], 1.0 / KARRAS_RHO);
  double min_inv = pow (s->sigmas[0], 1.0 / KARRAS_RHO);
  for (guint i = 0; i < n; i++)
    {
      double ramp = n > 1 ? (double) i / (n - 1) : 0.0;
      switch (kind)
        {
        case AT_SD_SIGMAS_DEFAULT:
          out[i] = at_sd_t_to_sigma (s, (float) ((AT_SD_TRAIN_STEPS - 1) * (1.0 - ramp)));
          break;
        case AT_SD_SIGMAS_KARRAS:
          out[i] = (float) pow (max_inv + ramp * (min_inv - max_inv), KARRAS_RHO);
          break;
        case AT_SD_SIGMAS_TRAILING:
          out[i] = s->sigmas[(guint) round (AT_SD_TRAIN_STEPS - i * (double) AT_SD_TRAIN_STEPS / n) - 1];
          break;
        }
    }
  out[n] = 0.0f;
}

float
at_sd_input_scale (float sigma)
{
  return 1.0f / sqrtf (sigma * sigma + 1.0f);
}

void
at_sd_denoised (gboolean v_prediction, const float *x, const float *out, float sigma, gsize n, float *denoised)
{
  float s2 = sigma * sigma + 1.0f;
  float c_skip = v_prediction ? 1.0f / s2 : 1.0f;
  float c_out = v_prediction ? -sigma / sqrtf (s2) : -sigma;
  for (gsize i = 0; i < n; i++)
    denoised[i] = x[i] * c_skip + out[i] * c_out;
}

void
at_sd_cfg (float *cond, const float *uncond, float scale, gsize n)
{
  for (gsize i = 0; i < n; i++)
    cond[i] = uncond[i] + scale * (cond[i] - uncond[i]);
}

/* x += (x - denoised) / sigma · (to - sigma) */
static void
euler_to (float *x, const float *denoised, float sigma, float to, gsize n)
{
  float f = (to - sigma) / sigma;
  for (gsize i = 0; i < n; i++)
    x[i] += (x[i] - denoised[i]) * f;
}

static void
ancestral_step (float *x, const float *denoised, float *noise, float from, float to, guint step, gsize n,
                AtSdNoiseFunc noise_fn, gpointer user_data)
{
  float up = MIN (to, sqrtf (to * to * (from * from - to * to) / (from * from)));
  float down = sqrtf (to * to - up * up);
  euler_to (x, denoised, from, down, n);
  if (to > 0.0f)
    {
      noise_fn (step, noise, n, user_data);
      for (gsize i = 0; i < n; i++)
        x[i] += noise[i] * up;
    }
}

/* DPM-Solver++(2M): with t = -log σ and h = t_next - t,
 * x = σ_next/σ · x - expm1(-h) · D', D' the 2nd-order blend of this and the
 * last step's D (first and last steps first order). */
static void
dpmpp_2m_step (float *x, const float *denoised, const float *old, const float *sigmas, guint i, gsize n)
{
  float sigma = sigmas[i], next = sigmas[i + 1];
  float t = -logf (sigma), t_next = -logf (next);
  float h = t_next - t;
  float ratio = expf (-t_next) / expf (-t), e = -expm1f (-h);
  float a = 1.0f, b = 0.0f;
  if (old != NULL && next != 0.0f)
    {
      float r = (t + logf (sigmas[i - 1])) / h;
      a = 1.0f + 1.0f / (2.0f * r);
      b = 1.0f / (2.0f * r);
    }
  for (gsize k = 0; k < n; k++)
    x[k] = ratio * x[k] + e * (a * denoised[k] - (old != NULL ? b * old[k] : 0.0f));
}

gboolean
at_sd_sample (AtSdSamplerKind kind, const float *sigmas, guint n_steps, float *x, gsize n,
              AtSdDenoiseFunc denoise, AtSdNoiseFunc noise, gpointer user_data, GCancellable *cancellable,
              GError **error)
{
  g_return_val_if_fail (kind != AT_SD_SAMPLER_EULER_ANCESTRAL || noise != NULL, FALSE);
  g_autofree float *denoised = g_new (float, n);
  g_autofree float *other = g_new (float, n);   /* old denoised, or noise */
  gboolean have_old = FALSE;
  for (guint i = 0; i < n_steps; i++)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (!denoise (x, sigmas[i], denoised, user_data, error))
        return FALSE;
      switch (kind)
        {
        case AT_SD_SAMPLER_EULER:
          euler_to (x, denoised, sigmas[i], sigmas[i + 1], n);
          break;
        case AT_SD_SAMPLER_EULER_ANCESTRAL:
          ancestral_step (x, denoised, other, sigmas[i], sigmas[i + 1], i, n, noise, user_data);
          break;
        case AT_SD_SAMPLER_DPMPP_2M:
          dpmpp_2m_step (x, denoised, have_old ? other : NULL, sigmas, i, n);
          memcpy (other, denoised, n * sizeof (float));
          have_old = TRUE;
          break;
        }
    }
  return TRUE;
}

void
at_sd_gaussian_noise (guint32 seed, float *out, gsize n)
{
  g_autoptr (GRand) r = g_rand_new_with_seed (seed);
  for (gsize i = 0; i < n; i += 2)
    {
      double u1 = 1.0 - g_rand_double (r);   /* (0, 1] */
      double u2 = g_rand_double (r);
      double rad = sqrt (-2.0 * log (u1));
      out[i] = (float) (rad * cos (2.0 * G_PI * u2));
      if (i + 1 < n)
        out[i + 1] = (float) (rad * sin (2.0 * G_PI * u2));
    }
}
