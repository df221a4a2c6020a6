/* unet.c — SD's UNet on the engine (unet.h). */
#include "sd/unet.h"

#include "model/graph.h"
#include "sd/sd-detect.h"
#include "sd/unet-blocks.h"

#define TIME_EMBED_MULT 4
#define SD1_HEADS 8
#define SD2_HEAD_DIM 64

typedef enum {
  BLOCK_CONV_IN,
  BLOCK_RES,        /* ResBlock, then a transformer when has_attn */
  BLOCK_DOWN,
} BlockKind;

typedef struct {
  BlockKind kind;
  gboolean has_attn, has_up;
  AtSdUnetRes res;
  AtSdUnetTransformer attn;
  AtSdParam conv;   /* conv_in, Downsample's op or Upsample's conv */
  gint64 channels;  /* out */
} Block;

struct _AtSdUnet {
  AtGpu *gpu;
  AtSdUnetShape shape;
  AtSdWeights *weights;
  AtSdParam time0, time2, norm_out, conv_out;
  Block *input, *output;
  guint n_input, n_output;
  AtSdUnetRes mid_res1, mid_res2;
  AtSdUnetTransformer mid_attn;
};

void
at_sd_unet_shape_for (const AtSdUnetConfig *c, AtSdUnetShape *s)
{
  *s = (AtSdUnetShape) { c->in_channels, c->out_channels, c->model_channels, 4, { 1, 2, 4, 4 }, 2, 0x7,
                         c->linear_projection ? 0 : SD1_HEADS, c->linear_projection ? SD2_HEAD_DIM : 0,
                         c->context_dim, 0 };
}

static guint
heads_for (const AtSdUnetShape *s, gint64 channels)
{
  return s->heads > 0 ? s->heads : (guint) (channels / s->head_dim);
}

static void
res_load (AtSdUnet *u, const char *p, gint64 in, gint64 out, gboolean attn, Block *b)
{
  const AtSdUnetShape *s = &u->shape;
  g_autofree char *r = g_strconcat (p, "0.", NULL);
  g_autofree char *t = g_strconcat (p, "1.", NULL);
  b->kind = BLOCK_RES;
  b->channels = out;
  at_sd_unet_res_load (u->weights, r, in, out, (gint64) s->model_channels * TIME_EMBED_MULT, &b->res);
  b->has_attn = attn;
  if (attn)
    at_sd_unet_transformer_load (u->weights, t, out, s->context_dim, heads_for (s, out), s->fused_head_max, &b->attn);
}

/* The input blocks; returns the channels after them, and each block's
 * output channels in kept[]. */
static gint64
load_input (AtSdUnet *u, const char *prefix, gint64 *kept)
{
  const AtSdUnetShape *s = &u->shape;
  AtSdWeights *w = u->weights;
  gint64 ch = s->model_channels;
  guint n = 0;
  g_autofree char *p0 = g_strconcat (prefix, "input_blocks.0.", NULL);
  u->input[0] = (Block) { .kind = BLOCK_CONV_IN, .channels = ch };
  u->input[0].conv = at_sd_vae_conv_load (w, p0, "0", ch, s->in_channels, 3);
  kept[n++] = ch;
  for (guint level = 0; level < s->n_levels; level++)
    {
      gint64 out = (gint64) s->model_channels * s->channel_mult[level];
      for (guint r = 0; r < s->num_res_blocks; r++)
        {
          g_autofree char *p = g_strdup_printf ("%sinput_blocks.%u.", prefix, n);
          res_load (u, p, ch, out, (s->attention_levels >> level) & 1, &u->input[n]);
          ch = out;
          kept[n++] = ch;
        }
      if (level + 1 < s->n_levels)
        {
          g_autofree char *p = g_strdup_printf ("%sinput_blocks.%u.0.", prefix, n);
          u->input[n] = (Block) { .kind = BLOCK_DOWN, .channels = ch };
          u->input[n].conv = at_sd_vae_conv_load (w, p, "op", ch, ch, 3);
          kept[n++] = ch;
        }
    }
  g_assert (n == u->n_input);
  return ch;
}

static void
load (AtSdUnet *u, const char *prefix)
{
  const AtSdUnetShape *s = &u->shape;
  AtSdWeights *w = u->weights;
  gint64 mc = s->model_channels, emb = mc * TIME_EMBED_MULT;
  u->n_input = 1 + s->n_levels * s->num_res_blocks + (s->n_levels - 1);
  u->n_output = s->n_levels * (s->num_res_blocks + 1);
  u->input = g_new0 (Block, u->n_input);
  u->output = g_new0 (Block, u->n_output);
  u->time0 = at_sd_unet_linear_load (w, prefix, "time_embed.0", emb, mc, TRUE);
  u->time2 = at_sd_unet_linear_load (w, prefix, "time_embed.2", emb, emb, TRUE);
  g_autofree gint64 *kept = g_new (gint64, u->n_input);
  gint64 ch = load_input (u, prefix, kept);
  g_autofree char *m = g_strconcat (prefix, "middle_block.", NULL);
  g_autofree char *m0 = g_strconcat (m, "0.", NULL);
  g_autofree char *m1 = g_strconcat (m, "1.", NULL);
  g_autofree char *m2 = g_strconcat (m, "2.", NULL);
  at_sd_unet_res_load (w, m0, ch, ch, emb, &u->mid_res1);
  at_sd_unet_transformer_load (w, m1, ch, s->context_dim, heads_for (s, ch), s->fused_head_max, &u->mid_attn);
  at_sd_unet_res_load (w, m2, ch, ch, emb, &u->mid_res2);
  guint n = 0, k = u->n_input;
  for (gint level = s->n_levels - 1; level >= 0; level--)
    {
      gint64 out = mc * s->channel_mult[level];
      gboolean attn = (s->attention_levels >> level) & 1;
      for (guint r = 0; r <= s->num_res_blocks; r++, n++)
        {
          g_autofree char *p = g_strdup_printf ("%soutput_blocks.%u.", prefix, n);
          Block *b = &u->output[n];
          res_load (u, p, ch + kept[--k], out, attn, b);
          ch = out;
          if (level > 0 && r == s->num_res_blocks)
            {
              g_autofree char *up = g_strdup_printf ("%s%u.", p, attn ? 2 : 1);
              b->has_up = TRUE;
              b->conv = at_sd_vae_conv_load (w, up, "conv", ch, ch, 3);
            }
        }
    }
  u->norm_out = at_sd_vae_norm_load (w, prefix, "out.0", ch);
  u->conv_out = at_sd_vae_conv_load (w, prefix, "out.2", s->out_channels, ch, 3);
}

AtSdUnet *
at_sd_unet_new (AtGpu *gpu, AtSafetensors *file, const char *prefix, const AtSdUnetShape *shape, GError **error)
{
  g_return_val_if_fail (shape->n_levels >= 1 && shape->n_levels <= AT_SD_UNET_MAX_LEVELS, NULL);
  g_return_val_if_fail (shape->heads > 0 || shape->head_dim > 0, NULL);
  g_autoptr (AtSdUnet) u = g_new0 (AtSdUnet, 1);
  u->gpu = gpu;
  u->shape = *shape;
  u->weights = at_sd_weights_new (gpu, file);
  load (u, prefix);
  if (!at_sd_weights_finish (u->weights, error))
    return NULL;
  return g_steal_pointer (&u);
}

void
at_sd_unet_free (AtSdUnet *u)
{
  if (u == NULL)
    return;
  at_sd_weights_free (u->weights);
  g_free (u->input);
  g_free (u->output);
  g_free (u);
}

const AtSdUnetShape *
at_sd_unet_shape (const AtSdUnet *u)
{
  return &u->shape;
}

static AtTensor *
block_forward (AtGraph *g, const Block *b, AtTensor *x, AtTensor *emb_act, AtTensor *context)
{
  switch (b->kind)
    {
    case BLOCK_CONV_IN:
      return at_sd_vae_conv (g, x, &b->conv, 3);
    case BLOCK_DOWN:
      return at_g_conv2d (g, x, b->conv.w, b->conv.b, 2, 1);
    case BLOCK_RES:
      break;
    }
  x = at_sd_unet_res_forward (g, &b->res, x, emb_act);
  if (b->has_attn)
    x = at_sd_unet_transformer_forward (g, &b->attn, x, context);
  if (b->has_up)
    x = at_sd_vae_conv (g, at_g_upsample2x (g, x), &b->conv, 3);
  return x;
}

static gboolean
check_input (const AtSdUnet *u, guint batch, guint h, guint w, guint context_len, GError **error)
{
  guint f = 1u << (u->shape.n_levels - 1);
  if (batch == 0 || h == 0 || w == 0 || h % f != 0 || w % f != 0 || context_len == 0)
    {
      g_set_error (error, AT_SD_ERROR, AT_SD_ERROR_MISMATCH,
                   "the UNet needs latents with sides a multiple of %u and a context (got %u×%u, %u tokens)", f,
                   h, w, context_len);
      return FALSE;
    }
  return TRUE;
}

gboolean
at_sd_unet_forward (AtSdUnet *u, const float *x, guint batch, guint h, guint w, const float *t,
                    const float *context, guint context_len, float *out, GError **error)
{
  g_return_val_if_fail (u != NULL && x != NULL && t != NULL && context != NULL && out != NULL, FALSE);
  const AtSdUnetShape *s = &u->shape;
  if (!check_input (u, batch, h, w, context_len, error))
    return FALSE;
  g_autoptr (AtGraph) g = at_graph_new (u->gpu, error);
  if (g == NULL)
    return FALSE;
  AtTensor *ts = at_graph_constant (g, t, AT_G_SHAPE (batch));
  AtTensor *emb = at_g_timestep_embedding (g, ts, s->model_channels, 1.0f);
  emb = at_g_linear (g, at_g_silu (g, at_g_linear (g, emb, u->time0.w, u->time0.b)), u->time2.w, u->time2.b);
  AtTensor *emb_act = at_g_silu (g, emb);
  AtTensor *ctx = at_graph_constant (g, context, AT_G_SHAPE (batch, context_len, s->context_dim));
  AtTensor *hcur = at_graph_constant (g, x, AT_G_SHAPE (batch, s->in_channels, h, w));
  g_autofree AtTensor **kept = g_new (AtTensor *, u->n_input);
  for (guint i = 0; i < u->n_input; i++)
    kept[i] = hcur = block_forward (g, &u->input[i], hcur, emb_act, ctx);
  hcur = at_sd_unet_res_forward (g, &u->mid_res1, hcur, emb_act);
  hcur = at_sd_unet_transformer_forward (g, &u->mid_attn, hcur, ctx);
  hcur = at_sd_unet_res_forward (g, &u->mid_res2, hcur, emb_act);
  for (guint i = 0; i < u->n_output; i++)
    hcur = block_forward (g, &u->output[i], at_g_concat (g, hcur, kept[u->n_input - 1 - i], 1), emb_act, ctx);
  hcur = at_g_group_norm (g, hcur, 32, u->norm_out.w, u->norm_out.b, 1e-5f, TRUE);
  hcur = at_sd_vae_conv (g, hcur, &u->conv_out, 3);
  return at_graph_finish (g, error) && at_graph_run (g, error) && at_tensor_download (hcur, out, error);
}
