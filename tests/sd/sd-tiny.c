/* sd-tiny.c — a reduced SD 1.x checkpoint (sd-tiny.h). */
#include "sd-tiny.h"

#include "sd-fill.h"
#include "sd/sd-detect.h"
#include "test-util.h"

void
sd_tiny_write (const char *path)
{
  const AtSdArch arch = {
    .family = AT_SD_FAMILY_SD1,
    .unet_prefix = "model.diffusion_model.",
    .vae_prefix = "first_stage_model.",
    .text_prefix = "cond_stage_model.transformer.text_model.",
    .unet = { .in_channels = 4, .out_channels = 4, .model_channels = 32, .context_dim = 64 },
    .text_kind = AT_SD_TEXT_CLIP_HF,
    .text = { .width = 64, .layers = 2, .heads = 1, .vocab = 49408, .context_length = 77, .embed_dim = 64 },
    .vae_channels = 32,
  };
  g_autoptr (GPtrArray) names = at_sd_arch_names (&arch);
  g_autofree AtSafetensorsTensor *tensors = g_new0 (AtSafetensorsTensor, names->len);
  guint n = 0;
  for (guint i = 0; i < names->len; i++)
    {
      const AtSdName *want = names->pdata[i];
      if (want->flags & AT_SD_NAME_OPTIONAL)
        continue;
      gsize count;
      tensors[n] = (AtSafetensorsTensor) { want->name, want->ndim, want->shape,
                                           sd_fill (want->name, want->ndim, want->shape, &count) };
      n++;
    }
  g_autoptr (GError) error = NULL;
  g_assert_true (at_safetensors_write_f32 (path, tensors, n, NULL, NULL, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    g_free ((float *) tensors[i].data);
}
