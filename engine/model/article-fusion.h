/* article-fusion.h — the fusion module in its article's original form.
 *
 * Three feature vectors (text 255, image 33, audio 17 values) are each
 * projected to 128, stacked as a sequence of three tokens, mixed by 4-head
 * self-attention (PyTorch's nn.MultiheadAttention: in_proj_weight holds
 * the q, k and v projections one after the other), averaged over the
 * tokens and projected once more. Weight names follow PyTorch's
 * state_dict (txt_fc.weight, attn.in_proj_weight, attn.out_proj.weight,
 * out.weight, ...). The built-in model uses the generalised form in
 * model.c; this one is kept so the article's module runs as published. */
#pragma once

#include "model/layers.h"

G_BEGIN_DECLS

#define AT_ARTICLE_TEXT_DIM 255
#define AT_ARTICLE_IMAGE_DIM 33
#define AT_ARTICLE_AUDIO_DIM 17
#define AT_ARTICLE_WIDTH 128
#define AT_ARTICLE_HEADS 4

typedef struct {
  AtLinear txt_fc, img_fc, aud_fc;
  AtLinear q, k, v, out_proj;
  AtLinear out;
  GPtrArray *views;   /* q/k/v slices of the in-projection, owned */
} AtArticleFusion;

AtArticleFusion *at_article_fusion_load (AtWeights *weights, GError **error);
void at_article_fusion_free (AtArticleFusion *fusion);

/* txt [B, 255], img [B, 33], aud [B, 17] -> [B, 128]. */
AtTensor *at_article_fusion_forward (AtGraph *g, const AtArticleFusion *fusion, AtTensor *txt,
                                     AtTensor *img, AtTensor *aud);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtArticleFusion, at_article_fusion_free)

G_END_DECLS
