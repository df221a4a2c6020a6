/* layers.c — loading and forward passes of the model's blocks. */
#define G_LOG_DOMAIN "atelier-model"

#include <stdarg.h>

#include "model/layers.h"

AtTensor *
at_loader_get (AtLoader *l, guint ndim, const gint64 *shape, const char *format, ...)
{
  if (l->error != NULL)
    return NULL;
  va_list args;
  va_start (args, format);
  g_autofree char *name = g_strdup_vprintf (format, args);
  va_end (args);
  return at_weights_get (l->weights, name, ndim, shape, &l->error);
}

void
at_linear_load (AtLoader *l, AtLinear *layer, int in, int out, const char *prefix)
{
  layer->weight = at_loader_get (l, AT_G_SHAPE (out, in), "%s.weight", prefix);
  layer->bias = at_loader_get (l, AT_G_SHAPE (out), "%s.bias", prefix);
}

void
at_conv_load (AtLoader *l, AtConv *layer, int cin, int cout, int k, int stride, int padding,
              const char *prefix)
{
  layer->weight = at_loader_get (l, AT_G_SHAPE (cout, cin, k, k), "%s.weight", prefix);
  layer->bias = at_loader_get (l, AT_G_SHAPE (cout), "%s.bias", prefix);
  layer->stride = stride;
  layer->padding = padding;
}

void
at_norm_load (AtLoader *l, AtNorm *norm, int channels, const char *prefix)
{
  norm->weight = at_loader_get (l, AT_G_SHAPE (channels), "%s.weight", prefix);
  norm->bias = at_loader_get (l, AT_G_SHAPE (channels), "%s.bias", prefix);
}

void
at_attention_load (AtLoader *l, AtAttention *attn, int dim, int ctx_dim, guint heads, const char *prefix)
{
  g_autofree char *q = g_strdup_printf ("%s.q", prefix);
  g_autofree char *k = g_strdup_printf ("%s.k", prefix);
  g_autofree char *v = g_strdup_printf ("%s.v", prefix);
  g_autofree char *o = g_strdup_printf ("%s.o", prefix);
  at_linear_load (l, &attn->q, dim, dim, q);
  at_linear_load (l, &attn->k, ctx_dim, dim, k);
  at_linear_load (l, &attn->v, ctx_dim, dim, v);
  at_linear_load (l, &attn->o, dim, dim, o);
  attn->heads = heads;
}

/* The MLP of a transformer layer at prefix: fc1 (dim to hidden) and fc2
 * (back to dim). */
static void
mlp_load (AtLoader *l, AtLinear *fc1, AtLinear *fc2, int dim, int hidden, const char *prefix)
{
  g_autofree char *fc1_name = g_strdup_printf ("%s.fc1", prefix);
  g_autofree char *fc2_name = g_strdup_printf ("%s.fc2", prefix);
  at_linear_load (l, fc1, dim, hidden, fc1_name);
  at_linear_load (l, fc2, hidden, dim, fc2_name);
}

void
at_block_load (AtLoader *l, AtBlock *block, const char *prefix)
{
  int d = l->config->width;
  g_autofree char *ln1 = g_strdup_printf ("%s.ln1", prefix);
  g_autofree char *ln2 = g_strdup_printf ("%s.ln2", prefix);
  g_autofree char *attn = g_strdup_printf ("%s.attn", prefix);
  at_norm_load (l, &block->ln1, d, ln1);
  at_norm_load (l, &block->ln2, d, ln2);
  at_attention_load (l, &block->attn, d, d, l->config->heads, attn);
  mlp_load (l, &block->fc1, &block->fc2, d, d * l->config->mlp_ratio, prefix);
  block->eps = l->config->ln_eps;
}

void
at_res_block_load (AtLoader *l, AtResBlock *block, int cin, int cout, const char *prefix)
{
  g_autofree char *gn1 = g_strdup_printf ("%s.gn1", prefix);
  g_autofree char *gn2 = g_strdup_printf ("%s.gn2", prefix);
  g_autofree char *conv1 = g_strdup_printf ("%s.conv1", prefix);
  g_autofree char *conv2 = g_strdup_printf ("%s.conv2", prefix);
  g_autofree char *emb = g_strdup_printf ("%s.emb", prefix);
  g_autofree char *skip = g_strdup_printf ("%s.skip", prefix);
  at_norm_load (l, &block->gn1, cin, gn1);
  at_conv_load (l, &block->conv1, cin, cout, 3, 1, 1, conv1);
  at_linear_load (l, &block->emb, l->config->temb_dim, cout, emb);
  at_norm_load (l, &block->gn2, cout, gn2);
  at_conv_load (l, &block->conv2, cout, cout, 3, 1, 1, conv2);
  if (cin != cout)
    at_conv_load (l, &block->skip, cin, cout, 1, 1, 0, skip);
  else
    block->skip = (AtConv) { 0 };
  block->groups = l->config->gn_groups;
  block->eps = l->config->gn_eps;
}

void
at_attn_block_load (AtLoader *l, AtAttnBlock *block, int channels, const char *prefix)
{
  g_autofree char *ln1 = g_strdup_printf ("%s.ln1", prefix);
  g_autofree char *ln2 = g_strdup_printf ("%s.ln2", prefix);
  g_autofree char *ln3 = g_strdup_printf ("%s.ln3", prefix);
  g_autofree char *self_attn = g_strdup_printf ("%s.self_attn", prefix);
  g_autofree char *cross_attn = g_strdup_printf ("%s.cross_attn", prefix);
  at_norm_load (l, &block->ln1, channels, ln1);
  at_norm_load (l, &block->ln2, channels, ln2);
  at_norm_load (l, &block->ln3, channels, ln3);
  at_attention_load (l, &block->self_attn, channels, channels, l->config->heads, self_attn);
  at_attention_load (l, &block->cross_attn, channels, l->config->width, l->config->heads, cross_attn);
  mlp_load (l, &block->fc1, &block->fc2, channels, channels * l->config->unet_attn_mlp_ratio, prefix);
  block->eps = l->config->ln_eps;
}

AtTensor *
at_linear_forward (AtGraph *g, const AtLinear *layer, AtTensor *x)
{
  return at_g_linear (g, x, layer->weight, layer->bias);
}

AtTensor *
at_conv_forward (AtGraph *g, const AtConv *layer, AtTensor *x)
{
  return at_g_conv2d (g, x, layer->weight, layer->bias, layer->stride, layer->padding);
}

AtTensor *
at_conv_forward_fused (AtGraph *g, const AtConv *layer, AtTensor *x, AtTensor *bias, AtActivation activation,
                       AtTensor *residual)
{
  return at_g_conv2d_fused (g, x, layer->weight, bias != NULL ? bias : layer->bias, layer->stride, layer->padding,
                            activation, residual);
}

AtTensor *
at_attention_forward (AtGraph *g, const AtAttention *attn, AtTensor *x, AtTensor *ctx, AtTensor *ctx_counts,
                      AtTensor *residual)
{
  if (ctx == NULL)
    ctx = x;
  AtTensor *q = at_linear_forward (g, &attn->q, x);
  AtTensor *k = at_linear_forward (g, &attn->k, ctx);
  AtTensor *v = at_linear_forward (g, &attn->v, ctx);
  if (q == NULL || k == NULL || v == NULL)
    return NULL;
  return at_g_linear_fused (g, at_g_attention_counted (g, q, k, v, ctx_counts, attn->heads), attn->o.weight,
                            attn->o.bias, AT_ACTIVATION_NONE, residual);
}

/* x + attn(ln(x), ctx): a pre-LN attention sublayer (ctx NULL: self). */
static AtTensor *
residual_attention (AtGraph *g, AtTensor *x, const AtNorm *ln, double eps, const AtAttention *attn, AtTensor *ctx,
                    AtTensor *ctx_counts)
{
  AtTensor *h = at_g_layer_norm (g, x, ln->weight, ln->bias, eps);
  return at_attention_forward (g, attn, h, ctx, ctx_counts, x);
}

/* x + fc2(gelu(fc1(ln(x)))): a pre-LN MLP sublayer, the GELU and the
 * residual add asked of the products' epilogues (ops/epilogue.h). */
static AtTensor *
residual_mlp (AtGraph *g, AtTensor *x, const AtNorm *ln, double eps, const AtLinear *fc1, const AtLinear *fc2)
{
  AtTensor *h = at_g_layer_norm (g, x, ln->weight, ln->bias, eps);
  h = at_g_linear_fused (g, h, fc1->weight, fc1->bias, AT_ACTIVATION_GELU, NULL);
  return at_g_linear_fused (g, h, fc2->weight, fc2->bias, AT_ACTIVATION_NONE, x);
}

AtTensor *
at_block_forward (AtGraph *g, const AtBlock *b, AtTensor *x)
{
  x = residual_attention (g, x, &b->ln1, b->eps, &b->attn, NULL, NULL);
  return residual_mlp (g, x, &b->ln2, b->eps, &b->fc1, &b->fc2);
}

/* conv2(silu(gn2(conv1(silu(gn1(x))) + emb(semb)))) + skip(x). The
 * embedding joins conv1's bias (one row per image), so its add is no pass
 * over the feature map; the skip is conv2's residual. */
AtTensor *
at_res_block_forward (AtGraph *g, const AtResBlock *b, AtTensor *x, AtTensor *semb)
{
  AtTensor *h = at_g_group_norm (g, x, b->groups, b->gn1.weight, b->gn1.bias, b->eps, TRUE);
  AtTensor *bias = at_g_add (g, at_linear_forward (g, &b->emb, semb), b->conv1.bias);   /* [B, Cout] */
  h = at_conv_forward_fused (g, &b->conv1, h, bias, AT_ACTIVATION_NONE, NULL);
  h = at_g_group_norm (g, h, b->groups, b->gn2.weight, b->gn2.bias, b->eps, TRUE);
  AtTensor *skip = b->skip.weight != NULL ? at_conv_forward (g, &b->skip, x) : x;
  return at_conv_forward_fused (g, &b->conv2, h, NULL, AT_ACTIVATION_NONE, skip);
}

AtTensor *
at_attn_block_forward (AtGraph *g, const AtAttnBlock *b, AtTensor *x, AtTensor *ctx, AtTensor *ctx_counts)
{
  if (x == NULL)
    return NULL;
  gint64 batch = x->shape[0], channels = x->shape[1], height = x->shape[2], width = x->shape[3];
  /* (B, C, H, W) -> (B, H*W, C) tokens in row-major pixel order */
  AtTensor *t = at_g_transpose (g, at_graph_reshape (g, x, AT_G_SHAPE (batch, channels, height * width)));
  t = residual_attention (g, t, &b->ln1, b->eps, &b->self_attn, NULL, NULL);
  t = residual_attention (g, t, &b->ln2, b->eps, &b->cross_attn, ctx, ctx_counts);
  t = residual_mlp (g, t, &b->ln3, b->eps, &b->fc1, &b->fc2);
  AtTensor *back = at_g_transpose (g, t);
  return back != NULL ? at_graph_reshape (g, back, AT_G_SHAPE (batch, channels, height, width)) : NULL;
}
