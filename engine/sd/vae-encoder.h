/* vae-encoder.h — the VAE encoder of a Stable Diffusion checkpoint on the
 * engine: an image in, the latent distribution out (img2img, a sketch as
 * the starting image). Mirrors AutoencoderKL.encode of the original code
 * (Encoder, then quant_conv): conv_in; per level num_res_blocks
 * ResnetBlocks then (but at the last level) a downsampling 3×3 conv of
 * stride 2 after padding one zero row and column at the bottom and right
 * (as the reference pads: (0, 1, 0, 1)); the middle block; GroupNorm +
 * SiLU; conv_out to 2·z channels; quant_conv.
 *
 * The result is the moments [1, 2·z, h/f, w/f]: the mean in the first z
 * channels, the log-variance in the rest. The reference's
 * DiagonalGaussianDistribution clamps the log-variance to [-30, 20] and
 * samples mean + exp(logvar / 2)·noise; SD then scales by 0.18215.
 */
#pragma once

#include "model/safetensors.h"
#include "sd/vae-layers.h"

G_BEGIN_DECLS

typedef struct _AtSdVaeEncoder AtSdVaeEncoder;

/* Weights under prefix: prefix + "encoder.*" and prefix + "quant_conv.*".
 * file is borrowed and must outlive the encoder. */
AtSdVaeEncoder *at_sd_vae_encoder_new (AtGpu *gpu, AtSafetensors *file, const char *prefix,
                                       const AtSdVaeConfig *config, GError **error);
void at_sd_vae_encoder_free (AtSdVaeEncoder *e);

/* image [1, image_channels, h, w] (h and w multiples of f = 2^(n_levels-1))
 * -> moments [1, 2·z_channels, h/f, w/f]. */
gboolean at_sd_vae_encode (AtSdVaeEncoder *e, const float *image, guint h, guint w, float *moments,
                           GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtSdVaeEncoder, at_sd_vae_encoder_free)

G_END_DECLS
