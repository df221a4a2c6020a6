/* unet-encoder.c — SD's UNet encoder half, shared with ControlNet (unet-encoder.h). */
#include "sd/unet-encoder.h"

#include "sd/sd-detect.h"

static guint
heads_for (const AtSdUnetShape *s, gint64 channels)
{
  return s->heads > 0 ? s->heads : (guint) (channels / s->head_dim);
}

static gint64
emb_width (const AtSdUnetShape *s)
{
  return (gint64) s->model_channels * AT_SD_UNET_TIME_EMBED_MULT;
}

void
at_sd_unet_block_load_res (AtSdWeights *w, const char *p, const AtSdUnetShape *s, gint64 in, gint64 out,
                           gboolean attn, AtSdUnetBlock *b)
{
  g_autofree char *r = g_strconcat (p, "0.", NULL);
  g_autofree char *t = g_strconcat (p, "1.", NULL);
  b->kind = AT_SD_UNET_BLOCK_RES;
  b->channels = out;
  at_sd_unet_res_load (w, r, in, out, emb_width (s), &b->res);
  b->has_attn = attn;
  if (attn)
    at_sd_unet_transformer_load (w, t, out, s->context_dim, heads_for (s, out), s->fused_head_max, &b->attn);
}

static void
load_input (AtSdWeights *w, const char *prefix, const AtSdUnetShape *s, AtSdUnetEncoder *e)
{
  gint64 ch = s->model_channels;
  guint n = 0;
  g_autofree char *p0 = g_strconcat (prefix, "input_blocks.0.", NULL);
  e->input[0] = (AtSdUnetBlock) { .kind = AT_SD_UNET_BLOCK_CONV_IN, .channels = ch };
  e->input[0].conv = at_sd_vae_conv_load (w, p0, "0", ch, s->in_channels, 3);
  e->kept_channels[n++] = ch;
  for (guint level = 0; level < s->n_levels; level++)
    {
      gint64 out = (gint64) s->model_channels * s->channel_mult[level];
      for (guint r = 0; r < s->num_res_blocks; r++)
        {
          g_autofree char *p = g_strdup_printf ("%sinput_blocks.%u.", prefix, n);
          at_sd_unet_block_load_res (w, p, s, ch, out, (s->attention_levels >> level) & 1, &e->input[n]);
          ch = out;
          e->kept_channels[n++] = ch;
        }
      if (level + 1 < s->n_levels)
        {
          g_autofree char *p = g_strdup_printf ("%sinput_blocks.%u.0.", prefix, n);
          e->input[n] = (AtSdUnetBlock) { .kind = AT_SD_UNET_BLOCK_DOWN, .channels = ch };
          e->input[n].conv = at_sd_vae_conv_load (w, p, "op", ch, ch, 3);
          e->kept_channels[n++] = ch;
        }
    }
  g_assert (n == e->n_input);
  e->channels = ch;
}

void
at_sd_unet_encoder_load (AtSdWeights *w, const char *prefix, const AtSdUnetShape *s, AtSdUnetEncoder *e)
{
  gint64 mc = s->model_channels, emb = emb_width (s);
  e->n_input = 1 + s->n_levels * s->num_res_blocks + (s->n_levels - 1);
  e->input = g_new0 (AtSdUnetBlock, e->n_input);
  e->kept_channels = g_new0 (gint64, e->n_input);
  e->time0 = at_sd_unet_linear_load (w, prefix, "time_embed.0", emb, mc, TRUE);
  e->time2 = at_sd_unet_linear_load (w, prefix, "time_embed.2", emb, emb, TRUE);
  load_input (w, prefix, s, e);
  gint64 ch = e->channels;
  g_autofree char *m0 = g_strconcat (prefix, "middle_block.0.", NULL);
  g_autofree char *m1 = g_strconcat (prefix, "middle_block.1.", NULL);
  g_autofree char *m2 = g_strconcat (prefix, "middle_block.2.", NULL);
  at_sd_unet_res_load (w, m0, ch, ch, emb, &e->mid_res1);
  at_sd_unet_transformer_load (w, m1, ch, s->context_dim, heads_for (s, ch), s->fused_head_max, &e->mid_attn);
  at_sd_unet_res_load (w, m2, ch, ch, emb, &e->mid_res2);
}

void
at_sd_unet_encoder_clear (AtSdUnetEncoder *e)
{
  g_clear_pointer (&e->input, g_free);
  g_clear_pointer (&e->kept_channels, g_free);
}

AtTensor *
at_sd_unet_encoder_time (AtGraph *g, const AtSdUnetEncoder *e, const AtSdUnetShape *s, AtTensor *ts)
{
  AtTensor *emb = at_g_timestep_embedding (g, ts, s->model_channels, 1.0f);
  emb = at_g_linear (g, at_g_silu (g, at_g_linear (g, emb, e->time0.w, e->time0.b)), e->time2.w, e->time2.b);
  return at_g_silu (g, emb);
}

AtTensor *
at_sd_unet_block_forward (AtGraph *g, const AtSdUnetBlock *b, AtTensor *x, AtTensor *emb_act, AtTensor *context)
{
  switch (b->kind)
    {
    case AT_SD_UNET_BLOCK_CONV_IN:
      return at_sd_vae_conv (g, x, &b->conv, 3);
    case AT_SD_UNET_BLOCK_DOWN:
      return at_g_conv2d (g, x, b->conv.w, b->conv.b, 2, 1);
    case AT_SD_UNET_BLOCK_RES:
      break;
    }
  x = at_sd_unet_res_forward (g, &b->res, x, emb_act);
  if (b->has_attn)
    x = at_sd_unet_transformer_forward (g, &b->attn, x, context);
  if (b->has_up)
    x = at_sd_vae_conv (g, at_g_upsample2x (g, x), &b->conv, 3);
  return x;
}

AtTensor *
at_sd_unet_middle_forward (AtGraph *g, const AtSdUnetEncoder *e, AtTensor *x, AtTensor *emb_act,
                           AtTensor *context)
{
  x = at_sd_unet_res_forward (g, &e->mid_res1, x, emb_act);
  x = at_sd_unet_transformer_forward (g, &e->mid_attn, x, context);
  return at_sd_unet_res_forward (g, &e->mid_res2, x, emb_act);
}

gboolean
at_sd_unet_check_input (const AtSdUnetShape *s, const char *what, guint batch, guint h, guint w,
                        guint context_len, GError **error)
{
  guint f = 1u << (s->n_levels - 1);
  if (batch == 0 || h == 0 || w == 0 || h % f != 0 || w % f != 0 || context_len == 0)
    {
      g_set_error (error, AT_SD_ERROR, AT_SD_ERROR_MISMATCH,
                   "the %s needs latents with sides a multiple of %u and a context (got %u×%u, %u tokens)", what,
                   f, h, w, context_len);
      return FALSE;
    }
  return TRUE;
}
