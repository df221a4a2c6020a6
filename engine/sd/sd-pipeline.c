/* sd-pipeline.c — a checkpoint's networks driven from a prompt to an image
 * (sd-pipeline.h). */
#include "sd/sd-pipeline.h"

#include <string.h>

#include "sd/clip-tokenizer.h"
#include "sd/sd-control.h"
#include "sd/sd-defaults.h"
#include "sd/sd-hint.h"
#include "sd/vae-encoder.h"

#define LATENT_FACTOR 8
#define LATENT_CHANNELS 4

struct _AtSdPipeline {
  AtGpu *gpu;
  AtSdCheckpoint *ckpt;
  AtClipTokenizer *tokenizer;
  AtClipText *text;
  AtSdUnet *unet;
  AtSdVaeDecoder *decoder;
  AtSdVaeEncoder *encoder;     /* loaded by the first img2img run */
  AtSdVaeConfig vae_config;
  AtSdSchedule schedule;
};

gboolean
at_sd_run_validate (const AtSdRun *run, GError **error)
{
  if (run->size == 0 || run->size % AT_SD_SIZE_MULTIPLE != 0 || run->size > AT_SD_SIZE_MAX)
    g_set_error (error, AT_SD_ERROR, AT_SD_ERROR_INVALID, "the size must be a multiple of %d from %d to %d px, not %u",
                 AT_SD_SIZE_MULTIPLE, AT_SD_SIZE_MULTIPLE, AT_SD_SIZE_MAX, run->size);
  else if (run->steps == 0 || run->steps > AT_SD_TRAIN_STEPS)
    g_set_error (error, AT_SD_ERROR, AT_SD_ERROR_INVALID, "steps must be 1 to %d, not %u", AT_SD_TRAIN_STEPS,
                 run->steps);
  else if (!(run->guidance >= 1.0f && run->guidance <= 30.0f))
    g_set_error (error, AT_SD_ERROR, AT_SD_ERROR_INVALID, "guidance must be from 1 (none) to 30, not %g",
                 run->guidance);
  else if (run->init != NULL && !(run->strength > 0.0f && run->strength <= 1.0f))
    g_set_error (error, AT_SD_ERROR, AT_SD_ERROR_INVALID, "strength must be above 0 and at most 1, not %g",
                 run->strength);
  else if (run->control.net != NULL && run->control.sketch == NULL)
    g_set_error (error, AT_SD_ERROR, AT_SD_ERROR_INVALID, "a ControlNet needs a sketch for its hint");
  else if (run->control.net != NULL
           && !(run->control.strength >= 0.0f && run->control.strength <= AT_SD_CONTROL_MAX_STRENGTH))
    g_set_error (error, AT_SD_ERROR, AT_SD_ERROR_INVALID, "the ControlNet's strength must be from 0 to %g, not %g",
                 AT_SD_CONTROL_MAX_STRENGTH, run->control.strength);
  else
    return TRUE;
  return FALSE;
}

static char *
one_line (const char *s)
{
  return g_strstrip (g_strdelimit (g_strdup (s != NULL ? s : ""), "\r\n", ' '));
}

char *
at_sd_run_describe (const AtSdRun *run, const char *model_name)
{
  GString *s = g_string_new (NULL);
  g_autofree char *prompt = one_line (run->prompt);
  g_autofree char *negative = one_line (run->negative);
  char guidance[G_ASCII_DTOSTR_BUF_SIZE], strength[G_ASCII_DTOSTR_BUF_SIZE];
  g_string_append (s, prompt);
  if (*negative != '\0')
    g_string_append_printf (s, "\nNegative prompt: %s", negative);
  g_string_append_printf (s, "\nSteps: %u, Sampler: %s, CFG scale: %s, Seed: %u, Size: %ux%u, Model: %s",
                          run->steps, at_sd_sampler_label (run->sampler, run->sigmas),
                          g_ascii_formatd (guidance, sizeof guidance, "%g", run->guidance), run->seed, run->size,
                          run->size, model_name);
  if (run->init != NULL)
    g_string_append_printf (s, ", Denoising strength: %s",
                            g_ascii_formatd (strength, sizeof strength, "%g", run->strength));
  if (run->control.net != NULL)
    {
      g_autofree char *control = at_sd_control_describe (run->control.name != NULL ? run->control.name : "",
                                                         run->control.strength);
      g_string_append_printf (s, ", %s", control);
    }
  return g_string_free (s, FALSE);
}

AtSdPipeline *
at_sd_pipeline_new (AtGpu *gpu, AtSdCheckpoint *ckpt, GError **error)
{
  g_autoptr (AtSdPipeline) p = g_new0 (AtSdPipeline, 1);
  p->gpu = gpu;
  p->ckpt = ckpt;
  const AtSdArch *arch = at_sd_checkpoint_get_arch (ckpt);
  if (arch->family == AT_SD_FAMILY_CONTROLNET)
    {
      g_set_error (error, AT_SD_ERROR, AT_SD_ERROR_UNSUPPORTED,
                   "this is a ControlNet, which guides a model; choose a Stable Diffusion checkpoint to generate with");
      return NULL;
    }
  AtSafetensors *file = at_sd_checkpoint_get_file (ckpt);
  AtSdUnetShape shape;
  at_sd_unet_shape_for (&arch->unet, &shape);
  p->vae_config = at_sd_vae_config;
  p->vae_config.ch = arch->vae_channels;
  at_sd_schedule_init (&p->schedule);
  if ((p->tokenizer = at_clip_tokenizer_new_default (error)) == NULL
      || (p->text = at_clip_text_new_for_arch (gpu, file, arch, error)) == NULL
      || (p->unet = at_sd_unet_new (gpu, file, arch->unet_prefix, &shape, error)) == NULL
      || (p->decoder = at_sd_vae_decoder_new (gpu, file, arch->vae_prefix, &p->vae_config, error)) == NULL)
    return NULL;
  return g_steal_pointer (&p);
}

void
at_sd_pipeline_free (AtSdPipeline *p)
{
  if (p == NULL)
    return;
  /* the networks before the file they borrow */
  g_clear_pointer (&p->text, at_clip_text_free);
  g_clear_pointer (&p->unet, at_sd_unet_free);
  g_clear_pointer (&p->decoder, at_sd_vae_decoder_free);
  g_clear_pointer (&p->encoder, at_sd_vae_encoder_free);
  g_clear_pointer (&p->tokenizer, at_clip_tokenizer_free);
  g_clear_pointer (&p->ckpt, at_sd_checkpoint_free);
  g_free (p);
}

AtSdCheckpoint *
at_sd_pipeline_get_checkpoint (AtSdPipeline *p)
{
  return p->ckpt;
}

/* text's windows, then empty windows up to n. */
static guint32 *
windows_padded (AtClipTokenizer *tok, AtClipPad pad, guint n, guint have, guint32 *ids)
{
  guint n_empty;
  g_autofree guint32 *empty = at_clip_tokenizer_windows (tok, "", pad, &n_empty);
  ids = g_renew (guint32, ids, (gsize) n * AT_CLIP_WINDOW);
  for (guint w = have; w < n; w++)
    memcpy (ids + (gsize) w * AT_CLIP_WINDOW, empty, AT_CLIP_WINDOW * sizeof (guint32));
  return ids;
}

/* The init image's latent: the encoder's mean · 0.18215. */
static float *
encode_init (AtSdPipeline *p, const AtImage *init, guint size, GError **error)
{
  if (p->encoder == NULL)
    {
      const AtSdArch *arch = at_sd_checkpoint_get_arch (p->ckpt);
      p->encoder = at_sd_vae_encoder_new (p->gpu, at_sd_checkpoint_get_file (p->ckpt), arch->vae_prefix,
                                          &p->vae_config, error);
      if (p->encoder == NULL)
        return NULL;
    }
  g_autoptr (AtImage) rgb = at_image_convert (init, 3);
  g_autoptr (AtImage) sized = at_image_resize (rgb, size, size, AT_IMAGE_FILTER_BICUBIC);
  g_autofree float *chw = at_image_to_chw_new (sized);
  guint l = size / LATENT_FACTOR;
  gsize n = (gsize) LATENT_CHANNELS * l * l;
  g_autofree float *moments = g_new (float, 2 * n);
  if (!at_sd_vae_encode (p->encoder, chw, size, size, moments, error))
    return NULL;
  float *latent = g_new (float, n);
  for (gsize i = 0; i < n; i++)
    latent[i] = moments[i] * AT_SD_LATENT_SCALE;
  return latent;
}

AtImage *
at_sd_pipeline_generate (AtSdPipeline *p, const AtSdRun *run, AtSdStepFunc progress, gpointer user_data,
                         GCancellable *cancellable, GError **error)
{
  if (!at_sd_run_validate (run, error))
    return NULL;
  const AtSdArch *arch = at_sd_checkpoint_get_arch (p->ckpt);
  AtClipPad pad = arch->family == AT_SD_FAMILY_SD1 ? AT_CLIP_PAD_EOS : AT_CLIP_PAD_ZERO;
  guint n_prompt, n_negative;
  g_autofree guint32 *prompt = at_clip_tokenizer_windows (p->tokenizer, run->prompt != NULL ? run->prompt : "",
                                                          pad, &n_prompt);
  g_autofree guint32 *negative = at_clip_tokenizer_windows (p->tokenizer, run->negative != NULL ? run->negative : "",
                                                            pad, &n_negative);
  guint n_windows = MAX (n_prompt, n_negative);
  prompt = windows_padded (p->tokenizer, pad, n_windows, n_prompt, g_steal_pointer (&prompt));
  negative = windows_padded (p->tokenizer, pad, n_windows, n_negative, g_steal_pointer (&negative));

  guint l = run->size / LATENT_FACTOR;
  g_autofree float *init = NULL;
  if (run->init != NULL && (init = encode_init (p, run->init, run->size, error)) == NULL)
    return NULL;
  g_autofree float *hint = run->control.net != NULL ? at_sd_scribble_hint (run->control.sketch, l, l) : NULL;
  AtSdControl control = { run->control.net, hint, run->control.strength };
  AtSdModelParts parts = { p->text, AT_CLIP_WINDOW, p->unet,
                           at_sd_checkpoint_get_prediction (p->ckpt, NULL) == AT_SD_PREDICTION_V, &p->schedule };
  AtSdGenerateParams params = {
    .prompt_ids = prompt, .negative_ids = negative, .cfg_scale = run->guidance, .sampler = run->sampler,
    .sigmas = run->sigmas, .steps = run->steps, .latent_h = l, .latent_w = l, .seed = run->seed,
    .n_windows = n_windows, .init_latent = init, .control = hint != NULL ? &control : NULL,
    .first_step = init != NULL ? at_sd_img2img_first_step (run->steps, run->strength) : 0,
    .progress = progress, .progress_data = user_data,
  };
  g_autofree float *latent = g_new (float, (gsize) LATENT_CHANNELS * l * l);
  if (!at_sd_generate_latent (&parts, &params, latent, cancellable, error))
    return NULL;
  g_autofree float *image = g_new (float, (gsize) 3 * run->size * run->size);
  if (!at_sd_decode_latent (p->decoder, latent, l, l, image, error))
    return NULL;
  return at_image_new_from_chw (image, 3, run->size, run->size);
}
