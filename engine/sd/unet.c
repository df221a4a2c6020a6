/* unet.c — SD's UNet on the engine (unet.h). */
#include "sd/unet.h"

#include "model/graph.h"
#include "sd/controlnet.h"
#include "sd/sd-detect.h"
#include "sd/unet-encoder.h"

#define SD1_HEADS 8
#define SD2_HEAD_DIM 64

struct _AtSdUnet {
  AtGpu *gpu;
  AtSdUnetShape shape;
  AtSdWeights *weights;
  AtSdUnetEncoder enc;
  AtSdParam norm_out, conv_out;
  AtSdUnetBlock *output;
  guint n_output;
};

void
at_sd_unet_shape_for (const AtSdUnetConfig *c, AtSdUnetShape *s)
{
  *s = (AtSdUnetShape) { c->in_channels, c->out_channels, c->model_channels, 4, { 1, 2, 4, 4 }, 2, 0x7,
                         c->linear_projection ? 0 : SD1_HEADS, c->linear_projection ? SD2_HEAD_DIM : 0,
                         c->context_dim, 0 };
}

static void
load (AtSdUnet *u, const char *prefix)
{
  const AtSdUnetShape *s = &u->shape;
  AtSdWeights *w = u->weights;
  gint64 mc = s->model_channels;
  at_sd_unet_encoder_load (w, prefix, s, &u->enc);
  u->n_output = s->n_levels * (s->num_res_blocks + 1);
  u->output = g_new0 (AtSdUnetBlock, u->n_output);
  gint64 ch = u->enc.channels;
  guint n = 0, k = u->enc.n_input;
  for (gint level = s->n_levels - 1; level >= 0; level--)
    {
      gint64 out = mc * s->channel_mult[level];
      gboolean attn = (s->attention_levels >> level) & 1;
      for (guint r = 0; r <= s->num_res_blocks; r++, n++)
        {
          g_autofree char *p = g_strdup_printf ("%soutput_blocks.%u.", prefix, n);
          AtSdUnetBlock *b = &u->output[n];
          at_sd_unet_block_load_res (w, p, s, ch + u->enc.kept_channels[--k], out, attn, b);
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
  at_sd_unet_encoder_clear (&u->enc);
  g_free (u->output);
  g_free (u);
}

const AtSdUnetShape *
at_sd_unet_shape (const AtSdUnet *u)
{
  return &u->shape;
}

/* The ControlNet must fit this UNet: the same encoder shape. */
static gboolean
check_control (const AtSdUnet *u, const AtSdControl *c, guint batch, guint h, guint w, guint context_len,
               GError **error)
{
  const AtSdUnetShape *cs = at_sd_controlnet_shape (c->net), *s = &u->shape;
  if (cs->model_channels != s->model_channels || cs->context_dim != s->context_dim
      || cs->in_channels != s->in_channels || cs->n_levels != s->n_levels
      || at_sd_controlnet_n_residuals (c->net) != u->enc.n_input + 1)
    {
      g_set_error (error, AT_SD_ERROR, AT_SD_ERROR_MISMATCH,
                   "the ControlNet was made for another UNet (%u channels, context %u; this UNet: %u, %u)",
                   cs->model_channels, cs->context_dim, s->model_channels, s->context_dim);
      return FALSE;
    }
  return at_sd_controlnet_check_input (c->net, batch, h, w, context_len, c->hint, error);
}

gboolean
at_sd_unet_forward (AtSdUnet *u, const float *x, guint batch, guint h, guint w, const float *t,
                    const float *context, guint context_len, float *out, GError **error)
{
  return at_sd_unet_forward_controlled (u, x, batch, h, w, t, context, context_len, NULL, out, error);
}

gboolean
at_sd_unet_forward_controlled (AtSdUnet *u, const float *x, guint batch, guint h, guint w, const float *t,
                               const float *context, guint context_len, const AtSdControl *control, float *out,
                               GError **error)
{
  g_return_val_if_fail (u != NULL && x != NULL && t != NULL && context != NULL && out != NULL, FALSE);
  const AtSdUnetShape *s = &u->shape;
  if (!at_sd_unet_check_input (s, "UNet", batch, h, w, context_len, error)
      || (control != NULL && !check_control (u, control, batch, h, w, context_len, error)))
    return FALSE;
  g_autoptr (AtGraph) g = at_graph_new (u->gpu, error);
  if (g == NULL)
    return FALSE;
  AtTensor *ts = at_graph_constant (g, t, AT_G_SHAPE (batch));
  AtTensor *emb_act = at_sd_unet_encoder_time (g, &u->enc, s, ts);
  AtTensor *ctx = at_graph_constant (g, context, AT_G_SHAPE (batch, context_len, s->context_dim));
  AtTensor *xt = at_graph_constant (g, x, AT_G_SHAPE (batch, s->in_channels, h, w));
  guint n_in = u->enc.n_input;
  g_autofree AtTensor **res = NULL;
  if (control != NULL && control->strength != 0.0f)   /* strength 0: the residuals would add nothing */
    {
      guint f = AT_SD_CONTROL_HINT_FACTOR;
      AtTensor *hint = at_graph_constant (g, control->hint, AT_G_SHAPE (1, AT_SD_CONTROL_HINT_CHANNELS, f * h,
                                                                        f * w));
      res = at_sd_controlnet_record (g, control->net, xt, ts, ctx, hint, control->strength);
    }
  g_autofree AtTensor **kept = g_new (AtTensor *, n_in);
  AtTensor *hcur = xt;
  for (guint i = 0; i < n_in; i++)
    kept[i] = hcur = at_sd_unet_block_forward (g, &u->enc.input[i], hcur, emb_act, ctx);
  hcur = at_sd_unet_middle_forward (g, &u->enc, hcur, emb_act, ctx);
  if (res != NULL)   /* cldm.ControlledUnetModel */
    {
      hcur = at_g_add (g, hcur, res[n_in]);
      for (guint i = 0; i < n_in; i++)
        kept[i] = at_g_add (g, kept[i], res[i]);
    }
  for (guint i = 0; i < u->n_output; i++)
    hcur = at_sd_unet_block_forward (g, &u->output[i], at_g_concat (g, hcur, kept[n_in - 1 - i], 1), emb_act,
                                     ctx);
  hcur = at_g_group_norm (g, hcur, 32, u->norm_out.w, u->norm_out.b, 1e-5f, TRUE);
  hcur = at_sd_vae_conv (g, hcur, &u->conv_out, 3);
  return at_graph_finish (g, error) && at_graph_run (g, error) && at_tensor_download (hcur, out, error);
}
