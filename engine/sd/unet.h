/* unet.h — the UNet of a Stable Diffusion checkpoint on the engine
 * (ldm/modules/diffusionmodules/openaimodel.py, UNetModel):
 *
 *   time_embed, input_blocks, middle_block: unet-encoder.h (every input
 *         block's output kept)
 *   output_blocks: per level, last first, num_res_blocks + 1 × [concat
 *         the last kept output along channels, ResBlock (+ transformer)],
 *         then nearest ×2 and a 3×3 conv (Upsample) but at level 0
 *   out: GroupNorm32, SiLU, 3×3 conv
 * (blocks: unet-blocks.h). With a ControlNet (controlnet.h) its residuals
 * are added to the kept outputs and the middle block's, as
 * cldm.ControlledUnetModel does. The weights are uploaded once, when the UNet
 * is made.
 */
#pragma once

#include "model/safetensors.h"
#include "ops/tensor.h"
#include "sd/sd-names.h"

G_BEGIN_DECLS

#define AT_SD_UNET_MAX_LEVELS 4

typedef struct {
  guint in_channels, out_channels;
  guint model_channels;                       /* SD 320 */
  guint n_levels;                             /* SD 4 */
  guint channel_mult[AT_SD_UNET_MAX_LEVELS];  /* SD 1, 2, 4, 4 */
  guint num_res_blocks;                       /* SD 2 */
  guint attention_levels;                     /* bit l: level l has transformers (SD 0b0111) */
  guint heads;                                /* SD 1.x: 8 a transformer; 0: from head_dim */
  guint head_dim;                             /* SD 2.x: 64 (heads = channels / 64) */
  guint context_dim;                          /* SD 1.x 768, SD 2.x 1024 */
  guint fused_head_max;                       /* 0; heads larger than this (or than the fused
                                                 kernel's limit) run unfused (tests set it) */
} AtSdUnetShape;

/* The shape of a real SD UNet that at_sd_detect() found: SD 1.x (conv
 * projections) 8 heads, SD 2.x (linear projections) heads of 64. */
void at_sd_unet_shape_for (const AtSdUnetConfig *config, AtSdUnetShape *shape);

typedef struct _AtSdUnet AtSdUnet;
typedef struct _AtSdControlNet AtSdControlNet;

/* A ControlNet applied to a UNet pass. */
typedef struct {
  AtSdControlNet *net;
  const float *hint;    /* one hint [3, 8h, 8w] for every image of the batch (sd-hint.h) */
  float strength;       /* scales every residual; 1 as trained */
} AtSdControl;

/* The UNet under prefix ("model.diffusion_model." in a checkpoint). file
 * is borrowed and must outlive the UNet. */
AtSdUnet *at_sd_unet_new (AtGpu *gpu, AtSafetensors *file, const char *prefix, const AtSdUnetShape *shape,
                          GError **error);
void at_sd_unet_free (AtSdUnet *u);
const AtSdUnetShape *at_sd_unet_shape (const AtSdUnet *u);

/* The model's output (noise or v) for batch latents x [batch, in, h, w] at
 * timesteps t [batch] with context [batch, context_len, context_dim] ->
 * out [batch, out, h, w]. h and w must be multiples of 2^(n_levels - 1). */
gboolean at_sd_unet_forward (AtSdUnet *u, const float *x, guint batch, guint h, guint w, const float *t,
                             const float *context, guint context_len, float *out, GError **error);
/* The same with control (NULL: none): the ControlNet runs on the same x,
 * t and context, and must have this UNet's encoder shape. */
gboolean at_sd_unet_forward_controlled (AtSdUnet *u, const float *x, guint batch, guint h, guint w,
                                        const float *t, const float *context, guint context_len,
                                        const AtSdControl *control, float *out, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtSdUnet, at_sd_unet_free)

G_END_DECLS
