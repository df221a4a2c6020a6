/* sd-memory.h — how much device memory a run of an SD checkpoint needs,
 * estimated before anything is loaded, so that a run that cannot fit is
 * refused with the numbers rather than failing half way:
 *
 *   weights   every tensor the networks use, as fp32 (sd-weights.h
 *             converts BF16 and most F16), but linear and convolution
 *             weights stored F16 as fp16 (as sd-weights.h keeps them on
 *             devices that read fp16 texels; fp32 under ATELIER_SD_FP32),
 *             and without the token embedding (read on the host)
 *   working   the largest of the stages, which run one after another:
 *             UNet   batch (2 with guidance) × latent pixels × base channels
 *                    × AT_SD_UNET_WORK_FACTOR floats (the skip connections,
 *                    the transformers' feed-forward, attention blocks)
 *             VAE    image pixels × VAE channels × AT_SD_VAE_WORK_FACTOR
 *                    floats, plus the middle attention's score matrix
 *                    (latent pixels²)
 *             text   windows (2 with guidance) × 77 tokens × width × layers
 *                    × AT_SD_TEXT_WORK_FACTOR floats: each layer keeps its
 *                    activations, 18 widths a token (q, k, v, the 4-wide
 *                    MLP twice, norms, adds) and the causal attention's
 *                    scores; the largest stage only for small images
 *             plus AT_SD_WORK_FIXED bytes of scratch whatever the size
 *             (measured at 64 px on the tests' reduced model)
 * The factors come from the device allocator's peak (gpu.h) for SD 1.5
 * at 256 px on lavapipe (tools/bench/sd-bench.sh, BENCHMARKS.md): 447
 * (UNet, guided) and 39 (VAE decoder), rounded up; the fixed part from the
 * tests' reduced model at 64 px. One measured size: at other sizes the
 * attention's quadratic part may differ. tests/app/test-cli-sd-generate.c
 * holds the estimate above the measured peak.
 *
 * A ControlNet adds its weights and, as it runs inside the UNet's pass,
 * its encoder copy's working memory: batch × latent pixels × base
 * channels × AT_SD_CONTROL_WORK_FACTOR floats (half the UNet's factor:
 * the encoder and middle block without the decoder, its 13 residuals
 * kept) plus its hint encoder at image size, image pixels ×
 * AT_SD_HINT_WORK_FACTOR floats (the two widest of its full-size layers,
 * 16 and 16 channels, and the 3-channel hint, rounded up).
 */
#pragma once

#include "gpu/gpu.h"
#include "sd/sd-detect.h"

G_BEGIN_DECLS

#define AT_SD_UNET_WORK_FACTOR 512
#define AT_SD_VAE_WORK_FACTOR 48
#define AT_SD_TEXT_WORK_FACTOR 20
#define AT_SD_WORK_FIXED (32u << 20)
#define AT_SD_CONTROL_WORK_FACTOR (AT_SD_UNET_WORK_FACTOR / 2)
#define AT_SD_HINT_WORK_FACTOR 48

typedef struct {
  guint64 weights;
  guint64 working;
} AtSdMemory;

void at_sd_memory_estimate (const AtSdArch *arch, guint size, gboolean guided, AtSdMemory *out);
/* Adds what the ControlNet control needs to m. */
void at_sd_memory_add_control (const AtSdArch *control, guint size, gboolean guided, AtSdMemory *m);

/* Refuses (AT_GPU_ERROR_OUT_OF_MEMORY, the estimate and the device's
 * memory in the message) a run that cannot fit device_memory bytes. */
gboolean at_sd_memory_fits (const AtSdArch *arch, guint size, gboolean guided, guint64 device_memory,
                            const char *device_name, GError **error);
/* The same for gpu's device-local memory. */
gboolean at_sd_memory_check (AtGpu *gpu, const AtSdArch *arch, guint size, gboolean guided, GError **error);
/* The same with a ControlNet (control; NULL: none). */
gboolean at_sd_memory_fits_controlled (const AtSdArch *arch, const AtSdArch *control, guint size, gboolean guided,
                                       guint64 device_memory, const char *device_name, GError **error);
gboolean at_sd_memory_check_controlled (AtGpu *gpu, const AtSdArch *arch, const AtSdArch *control, guint size,
                                        gboolean guided, GError **error);

G_END_DECLS
