/* sd-memory.c — a run's device memory, estimated (sd-memory.h). */
#include "sd/sd-memory.h"

#define FLOAT_BYTES 4
#define LATENT_FACTOR 8

void
at_sd_memory_estimate (const AtSdArch *arch, guint size, gboolean guided, AtSdMemory *out)
{
  guint64 host_rows = arch->text_kind != AT_SD_TEXT_NONE ? (guint64) arch->text.vocab * arch->text.width : 0;
  guint64 latent_px = (guint64) (size / LATENT_FACTOR) * (size / LATENT_FACTOR);
  guint64 image_px = (guint64) size * size;
  guint64 unet = (guided ? 2 : 1) * latent_px * arch->unet.model_channels * AT_SD_UNET_WORK_FACTOR;
  guint64 vae = image_px * arch->vae_channels * AT_SD_VAE_WORK_FACTOR + latent_px * latent_px;
  out->weights = ((guint64) arch->n_params - host_rows) * FLOAT_BYTES;
  out->working = MAX (unet, vae) * FLOAT_BYTES + AT_SD_WORK_FIXED;
}

gboolean
at_sd_memory_fits (const AtSdArch *arch, guint size, gboolean guided, guint64 device_memory, const char *device_name,
                   GError **error)
{
  AtSdMemory m;
  at_sd_memory_estimate (arch, size, guided, &m);
  if (m.weights + m.working <= device_memory)
    return TRUE;
  g_autofree char *need = g_format_size (m.weights + m.working);
  g_autofree char *weights = g_format_size (m.weights);
  g_autofree char *working = g_format_size (m.working);
  g_autofree char *have = g_format_size (device_memory);
  g_set_error (error, AT_GPU_ERROR, AT_GPU_ERROR_OUT_OF_MEMORY,
               "this %s model at %u px needs about %s of device memory (weights %s, working %s) but %s has %s; "
               "try a smaller size%s", arch->kind_name, size, need, weights, working, device_name, have,
               guided ? " or guidance 1" : "");
  return FALSE;
}

gboolean
at_sd_memory_check (AtGpu *gpu, const AtSdArch *arch, guint size, gboolean guided, GError **error)
{
  const AtGpuDeviceInfo *info = at_gpu_get_device_info (gpu);
  return at_sd_memory_fits (arch, size, guided, info->memory, info->name, error);
}
