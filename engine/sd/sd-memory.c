/* sd-memory.c — a run's device memory, estimated (sd-memory.h). */
#include "sd/sd-memory.h"

#define FLOAT_BYTES 4
#define HALF_BYTES 2
#define LATENT_FACTOR 8

/* Bytes of arch's weights on the device but for host_params read on the
 * host: fp32, but F16 products as fp16 unless ATELIER_SD_FP32 is set. */
static guint64
weight_bytes (const AtSdArch *arch, guint64 host_params)
{
  guint64 half = g_getenv ("ATELIER_SD_FP32") == NULL ? (guint64) arch->n_half_params : 0;
  return ((guint64) arch->n_params - host_params - half) * FLOAT_BYTES + half * HALF_BYTES;
}

void
at_sd_memory_estimate (const AtSdArch *arch, guint size, gboolean guided, AtSdMemory *out)
{
  guint64 host_rows = arch->text_kind != AT_SD_TEXT_NONE ? (guint64) arch->text.vocab * arch->text.width : 0;
  guint64 latent_px = (guint64) (size / LATENT_FACTOR) * (size / LATENT_FACTOR);
  guint64 image_px = (guint64) size * size;
  guint64 unet = (guided ? 2 : 1) * latent_px * arch->unet.model_channels * AT_SD_UNET_WORK_FACTOR;
  guint64 vae = image_px * arch->vae_channels * AT_SD_VAE_WORK_FACTOR + latent_px * latent_px;
  guint64 text = arch->text_kind != AT_SD_TEXT_NONE
                   ? (guint64) (guided ? 2 : 1) * arch->text.context_length * arch->text.width * arch->text.layers *
                       AT_SD_TEXT_WORK_FACTOR
                   : 0;
  out->weights = weight_bytes (arch, host_rows);
  out->working = MAX (MAX (unet, vae), text) * FLOAT_BYTES + AT_SD_WORK_FIXED;
}

void
at_sd_memory_add_control (const AtSdArch *control, guint size, gboolean guided, AtSdMemory *m)
{
  guint64 latent_px = (guint64) (size / LATENT_FACTOR) * (size / LATENT_FACTOR);
  guint64 encoder = (guided ? 2 : 1) * latent_px * control->unet.model_channels * AT_SD_CONTROL_WORK_FACTOR;
  guint64 hint = (guint64) size * size * AT_SD_HINT_WORK_FACTOR;
  m->weights += weight_bytes (control, 0);
  m->working += (encoder + hint) * FLOAT_BYTES;
}

gboolean
at_sd_memory_fits (const AtSdArch *arch, guint size, gboolean guided, guint64 device_memory, const char *device_name,
                   GError **error)
{
  return at_sd_memory_fits_controlled (arch, NULL, size, guided, device_memory, device_name, error);
}

gboolean
at_sd_memory_fits_controlled (const AtSdArch *arch, const AtSdArch *control, guint size, gboolean guided,
                              guint64 device_memory, const char *device_name, GError **error)
{
  AtSdMemory m;
  at_sd_memory_estimate (arch, size, guided, &m);
  if (control != NULL)
    at_sd_memory_add_control (control, size, guided, &m);
  if (m.weights + m.working <= device_memory)
    return TRUE;
  g_autofree char *need = g_format_size (m.weights + m.working);
  g_autofree char *weights = g_format_size (m.weights);
  g_autofree char *working = g_format_size (m.working);
  g_autofree char *have = g_format_size (device_memory);
  g_set_error (error, AT_GPU_ERROR, AT_GPU_ERROR_OUT_OF_MEMORY,
               "this %s model%s at %u px needs about %s of device memory (weights %s, working %s) but %s has %s; "
               "try a smaller size%s", arch->kind_name, control != NULL ? " with its ControlNet" : "", size, need,
               weights, working, device_name, have, guided ? " or guidance 1" : "");
  return FALSE;
}

gboolean
at_sd_memory_check (AtGpu *gpu, const AtSdArch *arch, guint size, gboolean guided, GError **error)
{
  return at_sd_memory_check_controlled (gpu, arch, NULL, size, guided, error);
}

gboolean
at_sd_memory_check_controlled (AtGpu *gpu, const AtSdArch *arch, const AtSdArch *control, guint size,
                               gboolean guided, GError **error)
{
  const AtGpuDeviceInfo *info = at_gpu_get_device_info (gpu);
  return at_sd_memory_fits_controlled (arch, control, size, guided, info->memory, info->name, error);
}
