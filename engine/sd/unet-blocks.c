/* unet-blocks.c — ResBlock and SpatialTransformer of SD's UNet (unet-blocks.h). */
#include "sd/unet-blocks.h"

#include <math.h>

#include "ops/attention.h"

#define GROUPS 32
#define RES_NORM_EPS 1e-5f          /* openaimodel's GroupNorm32 */
#define TRANSFORMER_NORM_EPS 1e-6f  /* attention.Normalize */
#define LAYER_NORM_EPS 1e-5f
#define FF_MULT 4

/* PREFIX WHAT.weight [out, in] (or [out, in, 1, 1]: taken by rows) and,
 * with_bias, .bias [out]. */
AtSdParam
at_sd_unet_linear_load (AtSdWeights *w, const char *p, const char *what, gint64 out, gint64 in, gboolean with_bias)
{
  g_autofree char *wn = g_strconcat (p, what, ".weight", NULL);
  g_autofree char *bn = g_strconcat (p, what, ".bias", NULL);
  AtSdParam r = { at_sd_weights_get_product_rows (w, wn, 0, out, 2, (gint64[]) { out, in }), NULL };
  if (with_bias)
    r.b = at_sd_weights_get (w, bn, 1, &out);
  return r;
}

void
at_sd_unet_res_load (AtSdWeights *w, const char *p, gint64 in, gint64 out, gint64 emb, AtSdUnetRes *r)
{
  r->in_norm = at_sd_vae_norm_load (w, p, "in_layers.0", in);
  r->in_conv = at_sd_vae_conv_load (w, p, "in_layers.2", out, in, 3);
  r->emb = at_sd_unet_linear_load (w, p, "emb_layers.1", out, emb, TRUE);
  r->out_norm = at_sd_vae_norm_load (w, p, "out_layers.0", out);
  r->out_conv = at_sd_vae_conv_load (w, p, "out_layers.3", out, out, 3);
  if (in != out)
    r->skip = at_sd_vae_conv_load (w, p, "skip_connection", out, in, 1);
}

static void
attn_load (AtSdWeights *w, const char *p, const char *what, gint64 dim, gint64 context_dim, AtSdUnetAttn *a)
{
  g_autofree char *q = g_strconcat (p, what, ".", NULL);
  a->q = at_sd_unet_linear_load (w, q, "to_q", dim, dim, FALSE);
  a->k = at_sd_unet_linear_load (w, q, "to_k", dim, context_dim, FALSE);
  a->v = at_sd_unet_linear_load (w, q, "to_v", dim, context_dim, FALSE);
  a->out = at_sd_unet_linear_load (w, q, "to_out.0", dim, dim, TRUE);
}

void
at_sd_unet_transformer_load (AtSdWeights *w, const char *p, gint64 c, gint64 context_dim, guint heads,
                             guint fused_max, AtSdUnetTransformer *t)
{
  t->heads = heads;
  t->fused = c / heads <= (fused_max > 0 ? MIN (fused_max, AT_ATTENTION_MAX_HEAD_DIM) : AT_ATTENTION_MAX_HEAD_DIM);
  t->norm = at_sd_vae_norm_load (w, p, "norm", c);
  t->proj_in = at_sd_unet_linear_load (w, p, "proj_in", c, c, TRUE);
  t->proj_out = at_sd_unet_linear_load (w, p, "proj_out", c, c, TRUE);
  g_autofree char *b = g_strconcat (p, "transformer_blocks.0.", NULL);
  t->norm1 = at_sd_vae_norm_load (w, b, "norm1", c);
  t->norm2 = at_sd_vae_norm_load (w, b, "norm2", c);
  t->norm3 = at_sd_vae_norm_load (w, b, "norm3", c);
  attn_load (w, b, "attn1", c, c, &t->attn1);
  attn_load (w, b, "attn2", c, context_dim, &t->attn2);
  /* GEGLU: the first FF_MULT·c rows of proj give a, the next the gate */
  gint64 inner = FF_MULT * c;
  g_autofree char *pw = g_strconcat (b, "ff.net.0.proj.weight", NULL);
  g_autofree char *pb = g_strconcat (b, "ff.net.0.proj.bias", NULL);
  t->ff_a.w = at_sd_weights_get_product_rows (w, pw, 0, inner, 2, (gint64[]) { inner, c });
  t->ff_a.b = at_sd_weights_get_rows (w, pb, 0, inner, 1, &inner);
  t->ff_gate.w = at_sd_weights_get_product_rows (w, pw, inner, inner, 2, (gint64[]) { inner, c });
  t->ff_gate.b = at_sd_weights_get_rows (w, pb, inner, inner, 1, &inner);
  t->ff_out = at_sd_unet_linear_load (w, b, "ff.net.2", c, inner, TRUE);
}

static AtTensor *
linear (AtGraph *g, AtTensor *x, const AtSdParam *p)
{
  return at_g_linear (g, x, p->w, p->b);
}

static AtTensor *
norm (AtGraph *g, AtTensor *x, const AtSdParam *p, float eps, gboolean silu)
{
  return at_g_group_norm (g, x, GROUPS, p->w, p->b, eps, silu);
}

AtTensor *
at_sd_unet_res_forward (AtGraph *g, const AtSdUnetRes *r, AtTensor *x, AtTensor *emb_act)
{
  AtTensor *h = at_sd_vae_conv (g, norm (g, x, &r->in_norm, RES_NORM_EPS, TRUE), &r->in_conv, 3);
  AtTensor *e = linear (g, emb_act, &r->emb);
  if (e == NULL || h == NULL)
    return NULL;
  h = at_g_add (g, h, at_graph_reshape (g, e, AT_G_SHAPE (e->shape[0], e->shape[1], 1, 1)));
  h = at_sd_vae_conv (g, norm (g, h, &r->out_norm, RES_NORM_EPS, TRUE), &r->out_conv, 3);
  return at_g_add (g, r->skip.w != NULL ? at_sd_vae_conv (g, x, &r->skip, 1) : x, h);
}

/* [B, L, H·D] -> [B·H, L, D] by two transposes, and back. */
static AtTensor *
split_heads (AtGraph *g, AtTensor *x, guint heads)
{
  if (x == NULL)
    return NULL;
  gint64 b = x->shape[0], l = x->shape[1], d = x->shape[2] / heads;
  return at_g_transpose (g, at_graph_reshape (g, at_g_transpose (g, x), AT_G_SHAPE (b * heads, d, l)));
}

static AtTensor *
merge_heads (AtGraph *g, AtTensor *x, guint heads)
{
  if (x == NULL)
    return NULL;
  gint64 bh = x->shape[0], l = x->shape[1], d = x->shape[2];
  return at_g_transpose (g, at_graph_reshape (g, at_g_transpose (g, x), AT_G_SHAPE (bh / heads, heads * d, l)));
}

/* softmax(q kᵀ / √d) v per head as matmul, softmax, matmul: for heads
 * larger than the fused kernel takes (SD 1.x's deepest level, 160). */
static AtTensor *
attention_unfused (AtGraph *g, AtTensor *q, AtTensor *k, AtTensor *v, guint heads)
{
  if (q == NULL)
    return NULL;
  float scale = 1.0f / sqrtf ((float) (q->shape[2] / heads));
  AtTensor *s = at_g_matmul (g, split_heads (g, q, heads), split_heads (g, k, heads), AT_MATMUL_TRANS_B);
  AtTensor *o = at_g_matmul (g, at_g_softmax (g, at_g_scale (g, s, scale)), split_heads (g, v, heads), 0);
  return merge_heads (g, o, heads);
}

static AtTensor *
attention (AtGraph *g, const AtSdUnetAttn *a, AtTensor *x, AtTensor *context, guint heads, gboolean fused)
{
  AtTensor *q = linear (g, x, &a->q);
  AtTensor *k = linear (g, context, &a->k);
  AtTensor *v = linear (g, context, &a->v);
  AtTensor *o = fused ? at_g_attention (g, q, k, v, heads) : attention_unfused (g, q, k, v, heads);
  return linear (g, o, &a->out);
}

static AtTensor *
layer_norm (AtGraph *g, AtTensor *x, const AtSdParam *p)
{
  return at_g_layer_norm (g, x, p->w, p->b, LAYER_NORM_EPS);
}

/* BasicTransformerBlock on tokens x [B, HW, C]. */
static AtTensor *
block_forward (AtGraph *g, const AtSdUnetTransformer *t, AtTensor *x, AtTensor *context)
{
  AtTensor *h = layer_norm (g, x, &t->norm1);
  x = at_g_add (g, x, attention (g, &t->attn1, h, h, t->heads, t->fused));
  x = at_g_add (g, x, attention (g, &t->attn2, layer_norm (g, x, &t->norm2), context, t->heads, t->fused));
  h = layer_norm (g, x, &t->norm3);
  AtTensor *ff = at_g_mul (g, linear (g, h, &t->ff_a), at_g_gelu_erf (g, linear (g, h, &t->ff_gate)));
  return at_g_add (g, x, linear (g, ff, &t->ff_out));
}

AtTensor *
at_sd_unet_transformer_forward (AtGraph *g, const AtSdUnetTransformer *t, AtTensor *x, AtTensor *context)
{
  if (x == NULL)
    return NULL;
  gint64 b = x->shape[0], c = x->shape[1], hw = x->shape[2] * x->shape[3];
  AtTensor *h = norm (g, x, &t->norm, TRANSFORMER_NORM_EPS, FALSE);
  if (h == NULL)
    return NULL;
  /* [B, C, H, W] -> [B, HW, C] tokens and back */
  h = at_g_transpose (g, at_graph_reshape (g, h, AT_G_SHAPE (b, c, hw)));
  h = linear (g, block_forward (g, t, linear (g, h, &t->proj_in), context), &t->proj_out);
  h = at_g_transpose (g, h);
  if (h == NULL)
    return NULL;
  return at_g_add (g, x, at_graph_reshape (g, h, x->ndim, x->shape));
}
