/* vae-decoder.h — the VAE decoder of a Stable Diffusion checkpoint on the
 * engine: latents in, an image out. Mirrors AutoencoderKL.decode of the
 * original code (ldm/modules/diffusionmodules/model.py Decoder after
 * post_quant_conv): conv_in; mid ResnetBlock, single-head AttnBlock over
 * all pixels, ResnetBlock; per level from the deepest, num_res_blocks + 1
 * ResnetBlocks then (but at level 0) nearest 2× upsampling and a 3×3 conv;
 * GroupNorm(32, eps 1e-6) + SiLU; conv_out. ResnetBlocks: GroupNorm+SiLU,
 * conv, GroupNorm+SiLU, conv, plus the input (through a 1×1 nin_shortcut
 * when channels change). The attention's 1×1 q/k/v/proj_out may be stored
 * as [C, C, 1, 1] or [C, C].
 *
 * The caller scales latents first (SD: z / 0.18215); the output is in
 * [-1, 1] roughly (the reference does not clamp). The attention holds an
 * (HW)² score matrix: 64 MiB at a 64×64 latent (512 px).
 */
#pragma once

#include "model/safetensors.h"
#include "ops/tensor.h"

G_BEGIN_DECLS

#define AT_SD_VAE_MAX_LEVELS 4

typedef struct {
  guint ch;                             /* base channels: SD 128 */
  guint n_levels;                       /* SD 4 */
  guint ch_mult[AT_SD_VAE_MAX_LEVELS];  /* SD 1, 2, 4, 4 */
  guint num_res_blocks;                 /* SD 2 (the decoder has one more a level) */
  guint z_channels;                     /* SD 4 */
  guint out_channels;                   /* SD 3 */
} AtSdVaeConfig;

/* The configuration of every SD 1.x/2.x VAE. */
extern const AtSdVaeConfig at_sd_vae_config;

typedef struct _AtSdVaeDecoder AtSdVaeDecoder;

/* Weights under prefix ("first_stage_model." in a checkpoint): prefix +
 * "post_quant_conv.*" and prefix + "decoder.*". file is borrowed and must
 * outlive the decoder. */
AtSdVaeDecoder *at_sd_vae_decoder_new (AtGpu *gpu, AtSafetensors *file, const char *prefix,
                                       const AtSdVaeConfig *config, GError **error);
void at_sd_vae_decoder_free (AtSdVaeDecoder *d);

/* z [1, z_channels, h, w] -> out [1, out_channels, h·f, w·f], f = 2^(n_levels-1). */
gboolean at_sd_vae_decode (AtSdVaeDecoder *d, const float *z, guint h, guint w, float *out, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtSdVaeDecoder, at_sd_vae_decoder_free)

G_END_DECLS
