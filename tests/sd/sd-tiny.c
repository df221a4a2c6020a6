/* sd-tiny.c — a reduced SD 1.x checkpoint (sd-tiny.h). */
#include "sd-tiny.h"

#include <string.h>

#include "sd-fill.h"
#include "sd-manifest.h"
#include "sd/sd-detect.h"
#include "test-util.h"

#define TINY_CHANNELS 32

#define LAYERS_KEY "encoder.layers."

/* Text encoder layers from this one on are left zero. */
static float *
fill_tensor (const AtSafetensorsInfo *info, gpointer data)
{
  guint first_zero_layer = GPOINTER_TO_UINT (data);
  const char *layer = strstr (info->name, LAYERS_KEY);
  if (first_zero_layer > 0 && layer != NULL && g_ascii_strtoull (layer + strlen (LAYERS_KEY), NULL, 10)
      >= first_zero_layer)
    return NULL;
  gsize count;
  return sd_fill (info->name, info->ndim, info->shape, &count);
}

/* Every required tensor of arch, filled from its name, written to path;
 * text encoder layers from first_zero_layer on (0: none) are holes of
 * zeros, which a pre-LN transformer layer passes its input through. */
static void
write_arch (const char *path, const AtSdArch *arch, guint first_zero_layer)
{
  g_autoptr (GPtrArray) names = at_sd_arch_names (arch);
  g_autoptr (SdManifest) m = sd_manifest_new ();
  for (guint i = 0; i < names->len; i++)
    {
      const AtSdName *want = names->pdata[i];
      if (!(want->flags & AT_SD_NAME_OPTIONAL))
        sd_manifest_add (m, want->name, "F32", want->ndim, want->shape);
    }
  sd_manifest_write_sparse_with (m, path, fill_tensor, GUINT_TO_POINTER (first_zero_layer));
}

/* The tiny SD 1.x model with a text tower width wide, layers deep, of
 * which the first filled ones have weights. */
static void
write_sd1 (const char *path, guint width, guint layers, guint heads, guint filled)
{
  const AtSdArch arch = {
    .family = AT_SD_FAMILY_SD1,
    .unet_prefix = "model.diffusion_model.",
    .vae_prefix = "first_stage_model.",
    .text_prefix = "cond_stage_model.transformer.text_model.",
    .unet = { .in_channels = 4, .out_channels = 4, .model_channels = TINY_CHANNELS, .context_dim = width },
    .text_kind = AT_SD_TEXT_CLIP_HF,
    .text = { .width = width, .layers = layers, .heads = heads, .vocab = 49408, .context_length = 77,
              .embed_dim = width },
    .vae_channels = 32,
  };
  write_arch (path, &arch, filled < layers ? filled : 0);
}

void
sd_tiny_write (const char *path)
{
  write_sd1 (path, 64, 2, 1, 2);
}

void
sd_tiny_write_768 (const char *path)
{
  /* at 768 the detector expects ViT-L/14's 12 layers */
  write_sd1 (path, SD_TINY_CONTROL_CONTEXT, 12, 12, 1);
}

void
sd_tiny_write_controlnet (const char *path, guint model_channels)
{
  const AtSdArch arch = {
    .family = AT_SD_FAMILY_CONTROLNET_SD1,
    .unet_prefix = "control_model.",
    .unet = { .in_channels = 4, .out_channels = 4, .model_channels = model_channels,
              .context_dim = SD_TINY_CONTROL_CONTEXT },
  };
  write_arch (path, &arch, 0);
}
