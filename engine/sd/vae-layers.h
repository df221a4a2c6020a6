/* vae-layers.h — the layers SD's VAE encoder and decoder share, as the
 * original code has them (ldm/modules/diffusionmodules/model.py):
 * ResnetBlock (GroupNorm(32, eps 1e-6)+SiLU, 3×3 conv, twice, plus the
 * input through a 1×1 nin_shortcut when channels change), the single-head
 * AttnBlock over all pixels (softmax(q kᵀ / √C) v as matmul, softmax,
 * matmul: C = 512 is beyond at_op_attention's heads), and the middle
 * block (ResnetBlock, AttnBlock, ResnetBlock). Weights come from an
 * AtSdWeights (first error kept there); layers record into an AtGraph.
 * 1×1 projections may be stored [C, C, 1, 1] or [C, C].
 */
#pragma once

#include "model/graph.h"
#include "sd/sd-weights.h"

G_BEGIN_DECLS

#define AT_SD_VAE_MAX_LEVELS 4

typedef struct {
  guint ch;                             /* base channels: SD 128 */
  guint n_levels;                       /* SD 4 */
  guint ch_mult[AT_SD_VAE_MAX_LEVELS];  /* SD 1, 2, 4, 4 */
  guint num_res_blocks;                 /* SD 2 (the decoder has one more a level) */
  guint z_channels;                     /* SD 4 */
  guint image_channels;                 /* SD 3 */
} AtSdVaeConfig;

/* The configuration of every SD 1.x/2.x VAE. */
extern const AtSdVaeConfig at_sd_vae_config;

typedef struct {
  AtTensor *w, *b;
} AtSdParam;

typedef struct {
  AtSdParam norm1, conv1, norm2, conv2, shortcut;   /* shortcut.w NULL when channels match */
} AtSdVaeResBlock;

typedef struct {
  AtSdParam norm, q, k, v, proj;
  gint64 channels;
} AtSdVaeAttn;

typedef struct {
  AtSdVaeResBlock block_1, block_2;
  AtSdVaeAttn attn_1;
} AtSdVaeMid;

/* PREFIX WHAT.weight [out, in, k, k] and .bias [out]. */
AtSdParam at_sd_vae_conv_load (AtSdWeights *w, const char *prefix, const char *what, gint64 out, gint64 in,
                               gint64 k);
AtSdParam at_sd_vae_norm_load (AtSdWeights *w, const char *prefix, const char *what, gint64 channels);
void at_sd_vae_res_load (AtSdWeights *w, const char *prefix, gint64 in, gint64 out, AtSdVaeResBlock *b);
/* prefix + "mid." */
void at_sd_vae_mid_load (AtSdWeights *w, const char *prefix, gint64 channels, AtSdVaeMid *mid);

/* Convolution with stride 1 and "same" padding (k / 2). */
AtTensor *at_sd_vae_conv (AtGraph *g, AtTensor *x, const AtSdParam *p, int k);
AtTensor *at_sd_vae_norm_silu (AtGraph *g, AtTensor *x, const AtSdParam *p);
AtTensor *at_sd_vae_res_forward (AtGraph *g, const AtSdVaeResBlock *b, AtTensor *x);
AtTensor *at_sd_vae_mid_forward (AtGraph *g, const AtSdVaeMid *mid, AtTensor *x);

G_END_DECLS
