/* unet-blocks.h — the blocks of SD's UNet as the original code has them
 * (ldm/modules/diffusionmodules/openaimodel.py, ldm/modules/attention.py):
 *
 * ResBlock:  h = conv3(silu(GroupNorm32(x)))            (eps 1e-5)
 *            h = h + linear(silu(emb))[:, :, None, None]
 *            h = conv3(silu(GroupNorm32(h)))
 *            out = skip(x) + h   (skip: 1×1 conv when channels change)
 * SpatialTransformer (depth 1):
 *            h = proj_in(GroupNorm(x))   (eps 1e-6; 1×1 conv for SD 1.x,
 *                linear for SD 2.x: the same map, either storage accepted)
 *            h = h + attn1(norm1 h);  h = h + attn2(norm2 h, context)
 *            h = h + ff.net.2(a · gelu(gate)),  [a | gate] = ff.net.0.proj(norm3 h)
 *            out = x + proj_out(h)
 *   attention: q/k/v without bias, softmax(q kᵀ / √d) v per head, to_out.0;
 *   the fused kernel (at_op_attention) up to its head size, matmul,
 *   softmax and matmul beyond (SD 1.x's deepest level has heads of 160).
 * Weights come from an AtSdWeights (first error kept there).
 */
#pragma once

#include "sd/vae-layers.h"

G_BEGIN_DECLS

typedef struct {
  AtSdParam in_norm, in_conv, emb, out_norm, out_conv, skip;   /* skip.w NULL when channels match */
} AtSdUnetRes;

typedef struct {
  AtSdParam q, k, v, out;   /* q, k, v without bias */
} AtSdUnetAttn;

typedef struct {
  AtSdParam norm, proj_in, proj_out;
  AtSdParam norm1, norm2, norm3, ff_a, ff_gate, ff_out;
  AtSdUnetAttn attn1, attn2;
  guint heads;
  gboolean fused;   /* at_op_attention; else matmul, softmax, matmul */
} AtSdUnetTransformer;

/* PREFIX WHAT.weight [out, in] (or [out, in, 1, 1]: the same map) and,
 * with_bias, .bias [out]. */
AtSdParam at_sd_unet_linear_load (AtSdWeights *w, const char *prefix, const char *what, gint64 out, gint64 in,
                                  gboolean with_bias);
/* PREFIX (ending in ".") of a ResBlock from in to out channels, emb the
 * time embedding's width. */
void at_sd_unet_res_load (AtSdWeights *w, const char *prefix, gint64 in, gint64 out, gint64 emb,
                          AtSdUnetRes *r);
/* Heads of more than fused_max channels (0: AT_ATTENTION_MAX_HEAD_DIM, the
 * fused kernel's limit) run as matmul, softmax, matmul. */
void at_sd_unet_transformer_load (AtSdWeights *w, const char *prefix, gint64 channels, gint64 context_dim,
                                  guint heads, guint fused_max, AtSdUnetTransformer *t);

/* x [B, C, H, W]; emb_act = silu(emb) [B, E]. */
AtTensor *at_sd_unet_res_forward (AtGraph *g, const AtSdUnetRes *r, AtTensor *x, AtTensor *emb_act);
/* x [B, C, H, W]; context [B, L, context_dim]. */
AtTensor *at_sd_unet_transformer_forward (AtGraph *g, const AtSdUnetTransformer *t, AtTensor *x,
                                          AtTensor *context);

G_END_DECLS
