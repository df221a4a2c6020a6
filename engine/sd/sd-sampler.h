/* sd-sampler.h — noise schedules and samplers for Stable Diffusion
 * checkpoints, as k-diffusion defines them (k_diffusion/sampling.py and
 * external.py; AUTOMATIC1111 and ComfyUI use the same):
 *
 * Schedule: ldm's scaled-linear DDPM betas, linspace(√0.00085, √0.012,
 *   1000)², alphas_cumprod = cumprod(1 - β) (in double, then fp32 as ldm
 *   stores it), σ_t = √((1 - ᾱ_t) / ᾱ_t), σ ↔ t by interpolating log σ.
 * Step lists (σ_0 > ... > σ_{n-1}, then 0):
 *   default  σ at n timesteps evenly from 999 to 0
 *   Karras   (σ_max^(1/7) + i/(n-1) (σ_min^(1/7) - σ_max^(1/7)))^7
 *   trailing σ at timesteps round(1000 - i·1000/n) - 1: 999 for one step,
 *            999, 499 for two ... (SD-Turbo's 1–4 steps)
 * Denoiser: the model sees x·c_in, c_in = 1/√(σ² + 1), at t(σ);
 *   epsilon: D = x - σ·ε;  v: D = x/(σ² + 1) - σ·v/√(σ² + 1).
 *   CFG: D = D_uncond + scale·(D_cond - D_uncond) (the negative prompt is
 *   the unconditional side).
 * Samplers on D: Euler, Euler ancestral (η 1), DPM++ 2M.
 * The sampler runs on the host over the latent's few thousand floats; the
 * denoiser callback runs the UNet on the device.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define AT_SD_TRAIN_STEPS 1000

typedef struct {
  float sigmas[AT_SD_TRAIN_STEPS];       /* increasing with t */
  float log_sigmas[AT_SD_TRAIN_STEPS];
} AtSdSchedule;

typedef enum {
  AT_SD_SAMPLER_EULER,
  AT_SD_SAMPLER_EULER_ANCESTRAL,
  AT_SD_SAMPLER_DPMPP_2M,
} AtSdSamplerKind;

typedef enum {
  AT_SD_SIGMAS_DEFAULT,
  AT_SD_SIGMAS_KARRAS,
  AT_SD_SIGMAS_TRAILING,
} AtSdSigmasKind;

/* SD 1.x/2.x's scaled-linear schedule. */
void at_sd_schedule_init (AtSdSchedule *s);
float at_sd_sigma_to_t (const AtSdSchedule *s, float sigma);
float at_sd_t_to_sigma (const AtSdSchedule *s, float t);

/* n + 1 sigmas (the last 0) for n >= 1 steps into out. */
void at_sd_sigmas (const AtSdSchedule *s, AtSdSigmasKind kind, guint n, float *out);

/* The model's input scale at sigma. */
float at_sd_input_scale (float sigma);
/* denoised = D(x) from the model's output out at sigma; v_prediction or
 * epsilon. */
void at_sd_denoised (gboolean v_prediction, const float *x, const float *out, float sigma, gsize n,
                     float *denoised);
/* guided = uncond + scale (cond - uncond), in place in cond. */
void at_sd_cfg (float *cond, const float *uncond, float scale, gsize n);

/* D(x) at sigma into denoised. */
typedef gboolean (*AtSdDenoiseFunc) (const float *x, float sigma, float *denoised, gpointer user_data,
                                     GError **error);
/* Standard normal noise for the ancestral step after step into noise. */
typedef void (*AtSdNoiseFunc) (guint step, float *noise, gsize n, gpointer user_data);

/* Runs n_steps steps over sigmas (n_steps + 1 of them) from x (noise already
 * scaled by sigmas[0]) to the sample, in x. noise is used by the ancestral
 * sampler only. Cancellable between steps. */
gboolean at_sd_sample (AtSdSamplerKind kind, const float *sigmas, guint n_steps, float *x, gsize n,
                       AtSdDenoiseFunc denoise, AtSdNoiseFunc noise, gpointer user_data,
                       GCancellable *cancellable, GError **error);

/* n standard normal values from seed (Box–Muller over GLib's Mersenne
 * Twister): the same on every machine. */
void at_sd_gaussian_noise (guint32 seed, float *out, gsize n);

G_END_DECLS
