/* unet-encoder.h — the half of SD's UNet that cldm's ControlNet copies
 * (ldm/modules/diffusionmodules/openaimodel.py, UNetModel; ControlNet in
 * lllyasviel/ControlNet cldm/cldm.py): the time embedding, the input
 * blocks and the middle block, and the block kinds the decoder shares.
 *
 *   emb = time_embed.2(silu(time_embed.0(timestep_embedding(t, mc))))
 *         (cos half first, then sin: ldm's order, max period 10000)
 *   input_blocks: conv_in, then per level num_res_blocks × [ResBlock
 *         (+ SpatialTransformer at attention levels)], and a stride-2
 *         3×3 conv (Downsample) between levels; every block's output kept
 *   middle_block: ResBlock, SpatialTransformer, ResBlock
 * (blocks: unet-blocks.h). Weights come from an AtSdWeights (first error
 * kept there).
 */
#pragma once

#include "sd/unet-blocks.h"
#include "sd/unet.h"

G_BEGIN_DECLS

#define AT_SD_UNET_TIME_EMBED_MULT 4

typedef enum {
  AT_SD_UNET_BLOCK_CONV_IN,
  AT_SD_UNET_BLOCK_RES,        /* ResBlock, then a transformer when has_attn */
  AT_SD_UNET_BLOCK_DOWN,
} AtSdUnetBlockKind;

typedef struct {
  AtSdUnetBlockKind kind;
  gboolean has_attn, has_up;
  AtSdUnetRes res;
  AtSdUnetTransformer attn;
  AtSdParam conv;   /* conv_in, Downsample's op or Upsample's conv */
  gint64 channels;  /* out */
} AtSdUnetBlock;

typedef struct {
  AtSdParam time0, time2;
  AtSdUnetBlock *input;
  guint n_input;            /* 1 + n_levels · num_res_blocks + n_levels - 1 (SD 12) */
  gint64 *kept_channels;    /* each input block's output channels */
  AtSdUnetRes mid_res1, mid_res2;
  AtSdUnetTransformer mid_attn;
  gint64 channels;          /* after the middle block */
} AtSdUnetEncoder;

/* The encoder under prefix (ending in "." or empty). */
void at_sd_unet_encoder_load (AtSdWeights *w, const char *prefix, const AtSdUnetShape *shape, AtSdUnetEncoder *e);
void at_sd_unet_encoder_clear (AtSdUnetEncoder *e);

/* A ResBlock from in to out channels under prefix ("….N."), with a
 * transformer after it when attn. */
void at_sd_unet_block_load_res (AtSdWeights *w, const char *prefix, const AtSdUnetShape *shape, gint64 in,
                                gint64 out, gboolean attn, AtSdUnetBlock *b);

/* silu(emb) for timesteps ts [B]: what every ResBlock takes. */
AtTensor *at_sd_unet_encoder_time (AtGraph *g, const AtSdUnetEncoder *e, const AtSdUnetShape *shape,
                                   AtTensor *ts);
AtTensor *at_sd_unet_block_forward (AtGraph *g, const AtSdUnetBlock *b, AtTensor *x, AtTensor *emb_act,
                                    AtTensor *context);
AtTensor *at_sd_unet_middle_forward (AtGraph *g, const AtSdUnetEncoder *e, AtTensor *x, AtTensor *emb_act,
                                     AtTensor *context);

/* FALSE (AT_SD_ERROR_MISMATCH, naming what) unless batch, h, w and
 * context_len are non-zero and h, w multiples of 2^(n_levels - 1). */
gboolean at_sd_unet_check_input (const AtSdUnetShape *shape, const char *what, guint batch, guint h, guint w,
                                 guint context_len, GError **error);

G_END_DECLS
