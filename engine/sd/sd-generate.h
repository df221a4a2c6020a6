/* sd-generate.h — text to latent to image with an SD checkpoint's
 * networks, as AUTOMATIC1111/ComfyUI run k-diffusion over ldm's models:
 *
 *   context  the text tower on two windows, negative prompt then prompt
 *            (the prompt's alone when cfg_scale is 1)
 *   sample   x = noise·σ_0 (img2img: init + noise·σ_first); each step runs the UNet once on the batch
 *            [x, x]·c_in at t(σ) with both contexts, turns its outputs into
 *            denoised latents (epsilon or v), guides them (CFG) and steps
 *            the sampler (sd-sampler.h)
 *            (with a ControlNet: its residuals added to the UNet's, unet.h)
 *   image    the VAE decoder on latent / 0.18215 (ldm's scale_factor)
 * The networks stay the caller's; this only drives them.
 */
#pragma once

#include "sd/clip-text.h"
#include "sd/sd-sampler.h"
#include "sd/unet.h"
#include "sd/vae-decoder.h"

G_BEGIN_DECLS

#define AT_SD_LATENT_SCALE 0.18215f
/* The ControlNet strength's range, as ControlNet's own demos offer it. */
#define AT_SD_CONTROL_MAX_STRENGTH 2.0f

/* After step (1-based) of n_steps. */
typedef void (*AtSdStepFunc) (guint step, guint n_steps, gpointer user_data);

typedef struct {
  AtClipText *text;
  guint context_len;           /* the tower's window: 77 */
  AtSdUnet *unet;
  gboolean v_prediction;
  const AtSdSchedule *schedule;
} AtSdModelParts;

typedef struct {
  const guint32 *prompt_ids;   /* one window of context_len ids */
  const guint32 *negative_ids; /* one window; unused when cfg_scale is 1 */
  float cfg_scale;
  AtSdSamplerKind sampler;
  AtSdSigmasKind sigmas;
  guint steps;                 /* 1..1000 */
  guint latent_h, latent_w;
  const float *noise;          /* in_channels × h × w standard normal values, or NULL: */
  guint32 seed;                /* at_sd_gaussian_noise (seed); Euler ancestral's
                                  noise after step i from seed + 1 + i */
  const AtSdControl *control;  /* or NULL: a ControlNet, its hint (sd-hint.h) at
                                  8·latent size and strength, on both CFG
                                  halves as the original's sampler applies it */
  guint n_windows;             /* windows in prompt_ids and in negative_ids (0 counts as 1);
                                  their contexts are concatenated (AUTOMATIC1111's long prompts) */
  const float *init_latent;    /* NULL, or img2img: the start, noised to sigmas[first_step] */
  guint first_step;            /* with init_latent: the steps skipped (steps - first_step run) */
  AtSdStepFunc progress;       /* NULL, or called after each step */
  gpointer progress_data;
} AtSdGenerateParams;

/* AUTOMATIC1111's img2img: of steps, int(min (strength, 0.999) · steps) + 1
 * run, the first skipped ones being the noisiest. */
guint at_sd_img2img_first_step (guint steps, float strength);

/* The sampled latent, in_channels × latent_h × latent_w floats. */
gboolean at_sd_generate_latent (const AtSdModelParts *parts, const AtSdGenerateParams *params, float *latent,
                                GCancellable *cancellable, GError **error);

/* latent (4 × h × w) / AT_SD_LATENT_SCALE through the VAE decoder into
 * image (3 × 8h × 8w for SD's VAE). */
gboolean at_sd_decode_latent (AtSdVaeDecoder *vae, const float *latent, guint h, guint w, float *image,
                              GError **error);

G_END_DECLS
