/* sd-generate.c — driving an SD checkpoint's networks (sd-generate.h). */
#include "sd/sd-generate.h"

#include <string.h>

#include "sd/sd-detect.h"

typedef struct {
  const AtSdModelParts *parts;
  const AtSdGenerateParams *params;
  const float *context;   /* [batch, context_len, context_dim] */
  guint batch;            /* 2 with CFG: uncond, cond */
  gsize n;                /* one latent's floats */
  float *x_in, *out;      /* batch latents each */
  guint step, n_steps;    /* for progress: one UNet call a step */
} Run;

static gboolean
denoise (const float *x, float sigma, float *denoised, gpointer user_data, GError **error)
{
  Run *r = user_data;
  const AtSdGenerateParams *p = r->params;
  float c_in = at_sd_input_scale (sigma), t = at_sd_sigma_to_t (r->parts->schedule, sigma);
  float ts[2] = { t, t };
  for (guint b = 0; b < r->batch; b++)
    for (gsize i = 0; i < r->n; i++)
      r->x_in[b * r->n + i] = x[i] * c_in;
  if (!at_sd_unet_forward_controlled (r->parts->unet, r->x_in, r->batch, p->latent_h, p->latent_w, ts, r->context,
                                      r->parts->context_len * MAX (p->n_windows, 1), p->control, r->out, error))
    return FALSE;
  /* the last of the batch is the prompt's */
  float *cond = r->out + (r->batch - 1) * r->n;
  at_sd_denoised (r->parts->v_prediction, x, cond, sigma, r->n, denoised);
  if (r->batch == 2)
    {
      at_sd_denoised (r->parts->v_prediction, x, r->out, sigma, r->n, r->out);
      at_sd_cfg (denoised, r->out, p->cfg_scale, r->n);
    }
  if (p->progress != NULL)
    p->progress (++r->step, r->n_steps, p->progress_data);
  return TRUE;
}

/* Euler ancestral's fresh noise after step i: seed + 1 + i. */
static void
ancestral_noise (guint step, float *noise, gsize n, gpointer user_data)
{
  const Run *r = user_data;
  at_sd_gaussian_noise (r->params->seed + 1 + step, noise, n);
}

static float *
encode_text (const AtSdModelParts *parts, const AtSdGenerateParams *p, guint batch, GError **error)
{
  gsize len = (gsize) parts->context_len * MAX (p->n_windows, 1);
  g_autofree guint32 *ids = g_new (guint32, batch * len);
  if (batch == 2)
    memcpy (ids, p->negative_ids, len * sizeof (guint32));
  memcpy (ids + (batch - 1) * len, p->prompt_ids, len * sizeof (guint32));
  g_autofree float *context = g_new (float, batch * len * at_sd_unet_shape (parts->unet)->context_dim);
  if (!at_clip_text_encode (parts->text, ids, batch * MAX (p->n_windows, 1), context, error))
    return NULL;
  return g_steal_pointer (&context);
}

gboolean
at_sd_generate_latent (const AtSdModelParts *parts, const AtSdGenerateParams *p, float *latent,
                       GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (parts != NULL && p != NULL && latent != NULL && p->prompt_ids != NULL, FALSE);
  g_return_val_if_fail (p->cfg_scale == 1.0f || p->negative_ids != NULL, FALSE);
  if (p->steps == 0 || p->steps > AT_SD_TRAIN_STEPS)
    {
      g_set_error (error, AT_SD_ERROR, AT_SD_ERROR_MISMATCH, "steps must be 1 to %u, not %u", AT_SD_TRAIN_STEPS,
                   p->steps);
      return FALSE;
    }
  if (p->control != NULL && !(p->control->strength >= 0.0f && p->control->strength <= AT_SD_CONTROL_MAX_STRENGTH))
    {
      g_set_error (error, AT_SD_ERROR, AT_SD_ERROR_MISMATCH, "the ControlNet strength must be 0 to %g, not %g",
                   AT_SD_CONTROL_MAX_STRENGTH, p->control->strength);
      return FALSE;
    }
  guint batch = p->cfg_scale == 1.0f ? 1 : 2;
  g_autofree float *context = encode_text (parts, p, batch, error);
  if (context == NULL)
    return FALSE;
  gsize n = (gsize) at_sd_unet_shape (parts->unet)->in_channels * p->latent_h * p->latent_w;
  g_autofree float *sigmas = g_new (float, p->steps + 1);
  at_sd_sigmas (parts->schedule, p->sigmas, p->steps, sigmas);
  guint first = p->init_latent != NULL ? MIN (p->first_step, p->steps - 1) : 0;
  if (p->noise != NULL)
    memcpy (latent, p->noise, n * sizeof (float));
  else
    at_sd_gaussian_noise (p->seed, latent, n);
  for (gsize i = 0; i < n; i++)
    latent[i] = latent[i] * sigmas[first] + (p->init_latent != NULL ? p->init_latent[i] : 0.0f);
  g_autofree float *x_in = g_new (float, batch * n);
  g_autofree float *out = g_new (float, batch * n);
  Run r = { parts, p, context, batch, n, x_in, out, 0, p->steps - first };
  return at_sd_sample (p->sampler, sigmas + first, p->steps - first, latent, n, denoise, ancestral_noise, &r,
                       cancellable, error);
}

guint
at_sd_img2img_first_step (guint steps, float strength)
{
  guint t_enc = (guint) (MIN (MAX (strength, 0.0f), 0.999f) * steps);
  return steps - MIN (t_enc + 1, steps);
}

gboolean
at_sd_decode_latent (AtSdVaeDecoder *vae, const float *latent, guint h, guint w, float *image, GError **error)
{
  gsize n = (gsize) 4 * h * w;
  g_autofree float *z = g_new (float, n);
  for (gsize i = 0; i < n; i++)
    z[i] = latent[i] / AT_SD_LATENT_SCALE;
  return at_sd_vae_decode (vae, z, h, w, image, error);
}
