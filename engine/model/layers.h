/* layers.h — the building blocks of the built-in model, mirroring
 * tools/train/model.py class by class. Each block holds borrowed weight
 * tensors (owned by AtWeights), is loaded by name prefix with shapes checked
 * against the config, and records its forward pass into an AtGraph. */
#pragma once

#include "model/config.h"
#include "model/graph.h"
#include "model/weights.h"

G_BEGIN_DECLS

typedef struct { AtTensor *weight, *bias; } AtLinear;
typedef struct { AtTensor *weight, *bias; int stride, padding; } AtConv;
typedef struct { AtTensor *weight, *bias; } AtNorm;

/* Attention: separate q/k/v/o projections, all with bias. */
typedef struct { AtLinear q, k, v, o; guint heads; } AtAttention;

/* Pre-LN transformer layer: x += attn(ln1 x); x += fc2(gelu(fc1(ln2 x))). */
typedef struct { AtNorm ln1, ln2; AtAttention attn; AtLinear fc1, fc2; double eps; } AtBlock;

/* UNet residual block with timestep embedding. */
typedef struct {
  AtNorm gn1, gn2;
  AtConv conv1, conv2, skip; /* skip.weight NULL when channels match */
  AtLinear emb;
  guint groups;
  double eps;
} AtResBlock;

/* UNet attention: self, cross to the fused tokens, MLP. */
typedef struct {
  AtNorm ln1, ln2, ln3;
  AtAttention self_attn, cross_attn;
  AtLinear fc1, fc2;
  double eps;
} AtAttnBlock;

/* A loader context: prefix-built names, first error kept. */
typedef struct {
  AtWeights *weights;
  const AtModelConfig *config;
  GError *error;
} AtLoader;

AtTensor *at_loader_get (AtLoader *l, guint ndim, const gint64 *shape, const char *format, ...) G_GNUC_PRINTF (4, 5);
void at_linear_load (AtLoader *l, AtLinear *layer, int in, int out, const char *prefix);
void at_conv_load (AtLoader *l, AtConv *layer, int cin, int cout, int k, int stride, int padding,
                   const char *prefix);
void at_norm_load (AtLoader *l, AtNorm *norm, int channels, const char *prefix);
void at_attention_load (AtLoader *l, AtAttention *attn, int dim, int ctx_dim, guint heads,
                        const char *prefix);
void at_block_load (AtLoader *l, AtBlock *block, const char *prefix);
void at_res_block_load (AtLoader *l, AtResBlock *block, int cin, int cout, const char *prefix);
void at_attn_block_load (AtLoader *l, AtAttnBlock *block, int channels, const char *prefix);

AtTensor *at_linear_forward (AtGraph *g, const AtLinear *layer, AtTensor *x);
AtTensor *at_conv_forward (AtGraph *g, const AtConv *layer, AtTensor *x);
/* activation (conv (x) + bias) + residual in one kernel (ops/epilogue.h);
 * bias NULL: the layer's own, else one of [N, Cout] that replaces it. */
AtTensor *at_conv_forward_fused (AtGraph *g, const AtConv *layer, AtTensor *x, AtTensor *bias,
                                 AtActivation activation, AtTensor *residual);
/* ctx NULL: self-attention. ctx_counts: keys per batch item (padded
 * contexts, at_g_attention_counted), NULL: all. residual (NULL: none) is
 * added to the output projection in its epilogue. */
AtTensor *at_attention_forward (AtGraph *g, const AtAttention *attn, AtTensor *x, AtTensor *ctx,
                                AtTensor *ctx_counts, AtTensor *residual);
AtTensor *at_block_forward (AtGraph *g, const AtBlock *block, AtTensor *x);
/* semb = silu(timestep embedding + pooled), computed once per call. */
AtTensor *at_res_block_forward (AtGraph *g, const AtResBlock *block, AtTensor *x, AtTensor *semb);
AtTensor *at_attn_block_forward (AtGraph *g, const AtAttnBlock *block, AtTensor *x, AtTensor *ctx,
                                 AtTensor *ctx_counts);

G_END_DECLS
