/* vae-layers.c — layers of SD's VAE (vae-layers.h). */
#include "sd/vae-layers.h"

#include <math.h>

#define GROUPS 32
#define NORM_EPS 1e-6f

const AtSdVaeConfig at_sd_vae_config = { 128, 4, { 1, 2, 4, 4 }, 2, 4, 3 };

AtSdParam
at_sd_vae_conv_load (AtSdWeights *w, const char *p, const char *what, gint64 out, gint64 in, gint64 k)
{
  g_autofree char *wn = g_strconcat (p, what, ".weight", NULL);
  g_autofree char *bn = g_strconcat (p, what, ".bias", NULL);
  AtSdParam r;
  gint64 shape[] = { out, in, k, k };
  /* a 1×1 projection may be stored [o, i, 1, 1] or [o, i]: taken by rows */
  r.w = k == 1 ? at_sd_weights_get_product_rows (w, wn, 0, out, 4, shape)
               : at_sd_weights_get_product (w, wn, 4, shape);
  r.b = at_sd_weights_get (w, bn, 1, &out);
  return r;
}

AtSdParam
at_sd_vae_norm_load (AtSdWeights *w, const char *p, const char *what, gint64 c)
{
  g_autofree char *wn = g_strconcat (p, what, ".weight", NULL);
  g_autofree char *bn = g_strconcat (p, what, ".bias", NULL);
  AtSdParam r = { at_sd_weights_get (w, wn, 1, &c), at_sd_weights_get (w, bn, 1, &c) };
  return r;
}

void
at_sd_vae_res_load (AtSdWeights *w, const char *p, gint64 in, gint64 out, AtSdVaeResBlock *b)
{
  b->norm1 = at_sd_vae_norm_load (w, p, "norm1", in);
  b->conv1 = at_sd_vae_conv_load (w, p, "conv1", out, in, 3);
  b->norm2 = at_sd_vae_norm_load (w, p, "norm2", out);
  b->conv2 = at_sd_vae_conv_load (w, p, "conv2", out, out, 3);
  if (in != out)
    b->shortcut = at_sd_vae_conv_load (w, p, "nin_shortcut", out, in, 1);
}

static void
attn_load (AtSdWeights *w, const char *p, gint64 c, AtSdVaeAttn *a)
{
  a->channels = c;
  a->norm = at_sd_vae_norm_load (w, p, "norm", c);
  a->q = at_sd_vae_conv_load (w, p, "q", c, c, 1);
  a->k = at_sd_vae_conv_load (w, p, "k", c, c, 1);
  a->v = at_sd_vae_conv_load (w, p, "v", c, c, 1);
  a->proj = at_sd_vae_conv_load (w, p, "proj_out", c, c, 1);
}

void
at_sd_vae_mid_load (AtSdWeights *w, const char *prefix, gint64 channels, AtSdVaeMid *mid)
{
  g_autofree char *b1 = g_strconcat (prefix, "mid.block_1.", NULL);
  g_autofree char *a1 = g_strconcat (prefix, "mid.attn_1.", NULL);
  g_autofree char *b2 = g_strconcat (prefix, "mid.block_2.", NULL);
  at_sd_vae_res_load (w, b1, channels, channels, &mid->block_1);
  attn_load (w, a1, channels, &mid->attn_1);
  at_sd_vae_res_load (w, b2, channels, channels, &mid->block_2);
}

AtTensor *
at_sd_vae_conv (AtGraph *g, AtTensor *x, const AtSdParam *p, int k)
{
  return at_g_conv2d (g, x, p->w, p->b, 1, k / 2);
}

AtTensor *
at_sd_vae_norm_silu (AtGraph *g, AtTensor *x, const AtSdParam *p)
{
  return at_g_group_norm (g, x, GROUPS, p->w, p->b, NORM_EPS, TRUE);
}

AtTensor *
at_sd_vae_res_forward (AtGraph *g, const AtSdVaeResBlock *b, AtTensor *x)
{
  AtTensor *h = at_sd_vae_conv (g, at_sd_vae_norm_silu (g, x, &b->norm1), &b->conv1, 3);
  h = at_sd_vae_conv (g, at_sd_vae_norm_silu (g, h, &b->norm2), &b->conv2, 3);
  return at_g_add (g, b->shortcut.w != NULL ? at_sd_vae_conv (g, x, &b->shortcut, 1) : x, h);
}

/* [1, C, H, W] -> [1, HW, C] */
static AtTensor *
to_tokens (AtGraph *g, AtTensor *x)
{
  if (x == NULL)
    return NULL;
  return at_g_transpose (g, at_graph_reshape (g, x, AT_G_SHAPE (1, x->shape[1], x->shape[2] * x->shape[3])));
}

static AtTensor *
attn_forward (AtGraph *g, const AtSdVaeAttn *a, AtTensor *x)
{
  AtTensor *h = at_g_group_norm (g, x, GROUPS, a->norm.w, a->norm.b, NORM_EPS, FALSE);
  AtTensor *q = to_tokens (g, at_sd_vae_conv (g, h, &a->q, 1));
  AtTensor *k = to_tokens (g, at_sd_vae_conv (g, h, &a->k, 1));
  AtTensor *v = to_tokens (g, at_sd_vae_conv (g, h, &a->v, 1));
  AtTensor *s = at_g_scale (g, at_g_matmul (g, q, k, AT_MATMUL_TRANS_B), 1.0f / sqrtf (a->channels));
  AtTensor *o = at_g_transpose (g, at_g_matmul (g, at_g_softmax (g, s), v, 0));   /* [1, C, HW] */
  if (o == NULL || x == NULL)
    return NULL;
  o = at_graph_reshape (g, o, x->ndim, x->shape);
  return at_g_add (g, x, at_sd_vae_conv (g, o, &a->proj, 1));
}

AtTensor *
at_sd_vae_mid_forward (AtGraph *g, const AtSdVaeMid *mid, AtTensor *x)
{
  x = at_sd_vae_res_forward (g, &mid->block_1, x);
  return at_sd_vae_res_forward (g, &mid->block_2, attn_forward (g, &mid->attn_1, x));
}
