/* vae-decoder.c — SD's VAE decoder on the engine (vae-decoder.h). */
#include "sd/vae-decoder.h"

#include <math.h>

#include "model/graph.h"
#include "sd/sd-weights.h"

#define GROUPS 32
#define NORM_EPS 1e-6f

const AtSdVaeConfig at_sd_vae_config = { 128, 4, { 1, 2, 4, 4 }, 2, 4, 3 };

typedef struct {
  AtTensor *w, *b;
} Param;

typedef struct {
  Param norm1, conv1, norm2, conv2, shortcut;   /* shortcut.w NULL when channels match */
} ResBlock;

typedef struct {
  Param norm, q, k, v, proj;
  gint64 channels;
} AttnBlock;

typedef struct {
  ResBlock *blocks;      /* num_res_blocks + 1 */
  Param upsample;        /* w NULL at level 0 */
} Level;

struct _AtSdVaeDecoder {
  AtGpu *gpu;
  AtSdVaeConfig config;
  AtSdWeights *weights;
  Param post_quant, conv_in, norm_out, conv_out;
  ResBlock mid1, mid2;
  AttnBlock attn;
  Level levels[AT_SD_VAE_MAX_LEVELS];
};

static Param
conv_param (AtSdWeights *w, const char *p, const char *what, gint64 out, gint64 in, gint64 k)
{
  g_autofree char *wn = g_strconcat (p, what, ".weight", NULL);
  g_autofree char *bn = g_strconcat (p, what, ".bias", NULL);
  Param r;
  gint64 shape[] = { out, in, k, k };
  /* a 1×1 projection may be stored [o, i, 1, 1] or [o, i]: taken by rows */
  r.w = k == 1 ? at_sd_weights_get_rows (w, wn, 0, out, 4, shape) : at_sd_weights_get (w, wn, 4, shape);
  r.b = at_sd_weights_get (w, bn, 1, &out);
  return r;
}

static Param
norm_param (AtSdWeights *w, const char *p, const char *what, gint64 c)
{
  g_autofree char *wn = g_strconcat (p, what, ".weight", NULL);
  g_autofree char *bn = g_strconcat (p, what, ".bias", NULL);
  Param r = { at_sd_weights_get (w, wn, 1, &c), at_sd_weights_get (w, bn, 1, &c) };
  return r;
}

static void
load_res (AtSdWeights *w, const char *p, gint64 in, gint64 out, ResBlock *b)
{
  b->norm1 = norm_param (w, p, "norm1", in);
  b->conv1 = conv_param (w, p, "conv1", out, in, 3);
  b->norm2 = norm_param (w, p, "norm2", out);
  b->conv2 = conv_param (w, p, "conv2", out, out, 3);
  if (in != out)
    b->shortcut = conv_param (w, p, "nin_shortcut", out, in, 1);
}

static void
load_attn (AtSdWeights *w, const char *p, gint64 c, AttnBlock *a)
{
  a->channels = c;
  a->norm = norm_param (w, p, "norm", c);
  a->q = conv_param (w, p, "q", c, c, 1);
  a->k = conv_param (w, p, "k", c, c, 1);
  a->v = conv_param (w, p, "v", c, c, 1);
  a->proj = conv_param (w, p, "proj_out", c, c, 1);
}

static void
load (AtSdVaeDecoder *d, const char *prefix)
{
  const AtSdVaeConfig *c = &d->config;
  AtSdWeights *w = d->weights;
  g_autofree char *dec = g_strconcat (prefix, "decoder.", NULL);
  d->post_quant = conv_param (w, prefix, "post_quant_conv", c->z_channels, c->z_channels, 1);
  gint64 ch = (gint64) c->ch * c->ch_mult[c->n_levels - 1];
  d->conv_in = conv_param (w, dec, "conv_in", ch, c->z_channels, 3);
  g_autofree char *m1 = g_strconcat (dec, "mid.block_1.", NULL);
  g_autofree char *ma = g_strconcat (dec, "mid.attn_1.", NULL);
  g_autofree char *m2 = g_strconcat (dec, "mid.block_2.", NULL);
  load_res (w, m1, ch, ch, &d->mid1);
  load_attn (w, ma, ch, &d->attn);
  load_res (w, m2, ch, ch, &d->mid2);
  for (gint level = c->n_levels - 1; level >= 0; level--)
    {
      Level *l = &d->levels[level];
      gint64 out = (gint64) c->ch * c->ch_mult[level];
      l->blocks = g_new0 (ResBlock, c->num_res_blocks + 1);
      for (guint r = 0; r <= c->num_res_blocks; r++)
        {
          g_autofree char *p = g_strdup_printf ("%sup.%d.block.%u.", dec, level, r);
          load_res (w, p, ch, out, &l->blocks[r]);
          ch = out;
        }
      if (level > 0)
        {
          g_autofree char *p = g_strdup_printf ("%sup.%d.upsample.", dec, level);
          l->upsample = conv_param (w, p, "conv", ch, ch, 3);
        }
    }
  d->norm_out = norm_param (w, dec, "norm_out", ch);
  d->conv_out = conv_param (w, dec, "conv_out", c->out_channels, ch, 3);
}

AtSdVaeDecoder *
at_sd_vae_decoder_new (AtGpu *gpu, AtSafetensors *file, const char *prefix, const AtSdVaeConfig *config,
                       GError **error)
{
  g_return_val_if_fail (config->n_levels >= 1 && config->n_levels <= AT_SD_VAE_MAX_LEVELS, NULL);
  g_autoptr (AtSdVaeDecoder) d = g_new0 (AtSdVaeDecoder, 1);
  d->gpu = gpu;
  d->config = *config;
  d->weights = at_sd_weights_new (gpu, file);
  load (d, prefix);
  if (!at_sd_weights_finish (d->weights, error))
    return NULL;
  return g_steal_pointer (&d);
}

void
at_sd_vae_decoder_free (AtSdVaeDecoder *d)
{
  if (d == NULL)
    return;
  for (guint i = 0; i < AT_SD_VAE_MAX_LEVELS; i++)
    g_free (d->levels[i].blocks);
  at_sd_weights_free (d->weights);
  g_free (d);
}

static AtTensor *
conv (AtGraph *g, AtTensor *x, const Param *p, int k)
{
  return at_g_conv2d (g, x, p->w, p->b, 1, k / 2);
}

static AtTensor *
norm_silu (AtGraph *g, AtTensor *x, const Param *p)
{
  return at_g_group_norm (g, x, GROUPS, p->w, p->b, NORM_EPS, TRUE);
}

static AtTensor *
res_forward (AtGraph *g, const ResBlock *b, AtTensor *x)
{
  AtTensor *h = conv (g, norm_silu (g, x, &b->norm1), &b->conv1, 3);
  h = conv (g, norm_silu (g, h, &b->norm2), &b->conv2, 3);
  return at_g_add (g, b->shortcut.w != NULL ? conv (g, x, &b->shortcut, 1) : x, h);
}

/* [1, C, H, W] -> [1, HW, C] */
static AtTensor *
to_tokens (AtGraph *g, AtTensor *x)
{
  if (x == NULL)
    return NULL;
  return at_g_transpose (g, at_graph_reshape (g, x, AT_G_SHAPE (1, x->shape[1], x->shape[2] * x->shape[3])));
}

/* AttnBlock: one head over all pixels, softmax(q kᵀ / √C) v. */
static AtTensor *
attn_forward (AtGraph *g, const AttnBlock *a, AtTensor *x)
{
  AtTensor *h = at_g_group_norm (g, x, GROUPS, a->norm.w, a->norm.b, NORM_EPS, FALSE);
  AtTensor *q = to_tokens (g, conv (g, h, &a->q, 1));
  AtTensor *k = to_tokens (g, conv (g, h, &a->k, 1));
  AtTensor *v = to_tokens (g, conv (g, h, &a->v, 1));
  AtTensor *w = at_g_softmax (g, at_g_scale (g, at_g_matmul (g, q, k, AT_MATMUL_TRANS_B), 1.0f / sqrtf (a->channels)));
  AtTensor *o = at_g_transpose (g, at_g_matmul (g, w, v, 0));   /* [1, C, HW] */
  if (o == NULL)
    return NULL;
  o = at_graph_reshape (g, o, x->ndim, x->shape);
  return at_g_add (g, x, conv (g, o, &a->proj, 1));
}

gboolean
at_sd_vae_decode (AtSdVaeDecoder *d, const float *z, guint h, guint w, float *out, GError **error)
{
  g_return_val_if_fail (d != NULL && z != NULL && out != NULL && h > 0 && w > 0, FALSE);
  const AtSdVaeConfig *c = &d->config;
  g_autoptr (AtGraph) g = at_graph_new (d->gpu, error);
  if (g == NULL)
    return FALSE;
  AtTensor *x = at_graph_constant (g, z, AT_G_SHAPE (1, c->z_channels, h, w));
  x = conv (g, conv (g, x, &d->post_quant, 1), &d->conv_in, 3);
  x = res_forward (g, &d->mid2, attn_forward (g, &d->attn, res_forward (g, &d->mid1, x)));
  for (gint level = c->n_levels - 1; level >= 0; level--)
    {
      const Level *l = &d->levels[level];
      for (guint r = 0; r <= c->num_res_blocks; r++)
        x = res_forward (g, &l->blocks[r], x);
      if (level > 0)
        x = conv (g, at_g_upsample2x (g, x), &l->upsample, 3);
    }
  x = conv (g, norm_silu (g, x, &d->norm_out), &d->conv_out, 3);
  return at_graph_finish (g, error) && at_graph_run (g, error) && at_tensor_download (x, out, error);
}
