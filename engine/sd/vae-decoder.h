/* vae-decoder.h — the VAE decoder of a Stable Diffusion checkpoint on the
 * engine: latents in, an image out. Mirrors AutoencoderKL.decode of the
 * original code (Decoder after post_quant_conv): conv_in; the middle block
 * (vae-layers.h); per level from the deepest, num_res_blocks + 1
 * ResnetBlocks then (but at level 0) nearest 2× upsampling and a 3×3 conv;
 * GroupNorm + SiLU; conv_out.
 *
 * The caller scales latents first (SD: z / 0.18215); the output is in
 * [-1, 1] roughly (the reference does not clamp). The attention holds an
 * (HW)² score matrix: 64 MiB at a 64×64 latent (512 px).
 */
#pragma once

#include "model/safetensors.h"
#include "sd/vae-layers.h"

G_BEGIN_DECLS

typedef struct _AtSdVaeDecoder AtSdVaeDecoder;

/* Weights under prefix ("first_stage_model." in a checkpoint): prefix +
 * "post_quant_conv.*" and prefix + "decoder.*". file is borrowed and must
 * outlive the decoder. */
AtSdVaeDecoder *at_sd_vae_decoder_new (AtGpu *gpu, AtSafetensors *file, const char *prefix,
                                       const AtSdVaeConfig *config, GError **error);
void at_sd_vae_decoder_free (AtSdVaeDecoder *d);

/* z [1, z_channels, h, w] -> out [1, image_channels, h·f, w·f], f = 2^(n_levels-1). */
gboolean at_sd_vae_decode (AtSdVaeDecoder *d, const float *z, guint h, guint w, float *out, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtSdVaeDecoder, at_sd_vae_decoder_free)

G_END_DECLS
