/* controlnet.c — cldm's ControlNet on the engine (controlnet.h). */
#include "sd/controlnet.h"

#include "sd/unet-encoder.h"

/* input_hint_block: the convs' output channels (the last is model
 * channels) and which take stride 2 */
static const gint64 hint_widths[] = { 16, 16, 32, 32, 96, 96, 256 };
#define N_HINT_CONVS (G_N_ELEMENTS (hint_widths) + 1)

struct _AtSdControlNet {
  AtGpu *gpu;
  AtSdUnetShape shape;
  AtSdWeights *weights;
  AtSdUnetEncoder enc;
  AtSdParam hint[N_HINT_CONVS];
  AtSdParam *zero;         /* n_input + 1: the input blocks', then middle_block_out */
};

static int
hint_stride (guint i)
{
  return i == 2 || i == 4 || i == 6 ? 2 : 1;
}

static void
load (AtSdControlNet *cn, const char *prefix)
{
  AtSdWeights *w = cn->weights;
  at_sd_unet_encoder_load (w, prefix, &cn->shape, &cn->enc);
  gint64 in = AT_SD_CONTROL_HINT_CHANNELS;
  for (guint i = 0; i < N_HINT_CONVS; i++)
    {
      gint64 out = i < G_N_ELEMENTS (hint_widths) ? hint_widths[i] : cn->shape.model_channels;
      g_autofree char *what = g_strdup_printf ("input_hint_block.%u", 2 * i);
      cn->hint[i] = at_sd_vae_conv_load (w, prefix, what, out, in, 3);
      in = out;
    }
  guint n = cn->enc.n_input;
  cn->zero = g_new0 (AtSdParam, n + 1);
  for (guint i = 0; i < n; i++)
    {
      gint64 c = cn->enc.kept_channels[i];
      g_autofree char *what = g_strdup_printf ("zero_convs.%u.0", i);
      cn->zero[i] = at_sd_vae_conv_load (w, prefix, what, c, c, 1);
    }
  cn->zero[n] = at_sd_vae_conv_load (w, prefix, "middle_block_out.0", cn->enc.channels, cn->enc.channels, 1);
}

AtSdControlNet *
at_sd_controlnet_new (AtGpu *gpu, AtSafetensors *file, const char *prefix, const AtSdUnetShape *shape,
                      GError **error)
{
  g_return_val_if_fail (shape->n_levels >= 1 && shape->n_levels <= AT_SD_UNET_MAX_LEVELS, NULL);
  g_return_val_if_fail (shape->heads > 0 || shape->head_dim > 0, NULL);
  g_autoptr (AtSdControlNet) cn = g_new0 (AtSdControlNet, 1);
  cn->gpu = gpu;
  cn->shape = *shape;
  cn->weights = at_sd_weights_new (gpu, file);
  load (cn, prefix);
  if (!at_sd_weights_finish (cn->weights, error))
    return NULL;
  return g_steal_pointer (&cn);
}

AtSdControlNet *
at_sd_controlnet_new_for_checkpoint (AtGpu *gpu, AtSdCheckpoint *ckpt, GError **error)
{
  const AtSdArch *arch = at_sd_checkpoint_get_arch (ckpt);
  if (arch->family != AT_SD_FAMILY_CONTROLNET)
    {
      g_set_error (error, AT_SD_ERROR, AT_SD_ERROR_MISMATCH, "this file holds an %s model, not a ControlNet",
                   arch->kind_name);
      return NULL;
    }
  AtSdUnetShape shape;
  at_sd_unet_shape_for (&arch->unet, &shape);
  return at_sd_controlnet_new (gpu, at_sd_checkpoint_get_file (ckpt), arch->unet_prefix, &shape, error);
}

void
at_sd_controlnet_free (AtSdControlNet *cn)
{
  if (cn == NULL)
    return;
  at_sd_weights_free (cn->weights);
  at_sd_unet_encoder_clear (&cn->enc);
  g_free (cn->zero);
  g_free (cn);
}

const AtSdUnetShape *
at_sd_controlnet_shape (const AtSdControlNet *cn)
{
  return &cn->shape;
}

guint
at_sd_controlnet_n_residuals (const AtSdControlNet *cn)
{
  return cn->enc.n_input + 1;
}

guint
at_sd_controlnet_n_tensors (const AtSdControlNet *cn)
{
  return at_sd_weights_n_taken (cn->weights);
}

/* input_hint_block: [1, 3, 8h, 8w] -> [1, mc, h, w] */
static AtTensor *
hint_forward (AtGraph *g, const AtSdControlNet *cn, AtTensor *hint)
{
  AtTensor *x = hint;
  for (guint i = 0; i < N_HINT_CONVS; i++)
    {
      const AtSdParam *p = &cn->hint[i];
      gboolean last = i + 1 == N_HINT_CONVS;
      x = at_g_conv2d_fused (g, x, p->w, p->b, hint_stride (i), 1, last ? AT_ACTIVATION_NONE : AT_ACTIVATION_SILU,
                             NULL);
    }
  return x;
}

static AtTensor *
zero_conv (AtGraph *g, const AtSdParam *p, AtTensor *x, float strength)
{
  AtTensor *r = at_sd_vae_conv (g, x, p, 1);
  return strength == 1.0f ? r : at_g_scale (g, r, strength);
}

AtTensor **
at_sd_controlnet_record (AtGraph *g, const AtSdControlNet *cn, AtTensor *x, AtTensor *ts, AtTensor *context,
                         AtTensor *hint, float strength)
{
  const AtSdUnetEncoder *e = &cn->enc;
  AtTensor **res = g_new0 (AtTensor *, e->n_input + 1);
  AtTensor *emb_act = at_sd_unet_encoder_time (g, e, &cn->shape, ts);
  AtTensor *guided = hint_forward (g, cn, hint);
  AtTensor *h = x;
  for (guint i = 0; i < e->n_input; i++)
    {
      h = at_sd_unet_block_forward (g, &e->input[i], h, emb_act, context);
      if (i == 0)
        h = at_g_add (g, h, guided);   /* broadcast over the batch */
      res[i] = zero_conv (g, &cn->zero[i], h, strength);
    }
  h = at_sd_unet_middle_forward (g, e, h, emb_act, context);
  res[e->n_input] = zero_conv (g, &cn->zero[e->n_input], h, strength);
  return res;
}

gboolean
at_sd_controlnet_check_input (const AtSdControlNet *cn, guint batch, guint h, guint w, guint context_len,
                              const float *hint, GError **error)
{
  if (!at_sd_unet_check_input (&cn->shape, "ControlNet", batch, h, w, context_len, error))
    return FALSE;
  if (hint == NULL)
    {
      g_set_error (error, AT_SD_ERROR, AT_SD_ERROR_MISMATCH, "the ControlNet needs a hint image");
      return FALSE;
    }
  if (cn->gpu == NULL)
    {
      g_set_error (error, AT_SD_ERROR, AT_SD_ERROR_MISMATCH, "this ControlNet was only checked, not loaded");
      return FALSE;
    }
  return TRUE;
}

gboolean
at_sd_controlnet_forward (AtSdControlNet *cn, const float *x, guint batch, guint h, guint w, const float *t,
                          const float *context, guint context_len, const float *hint, float *const *residuals,
                          GError **error)
{
  g_return_val_if_fail (cn != NULL && x != NULL && t != NULL && context != NULL && residuals != NULL, FALSE);
  const AtSdUnetShape *s = &cn->shape;
  if (!at_sd_controlnet_check_input (cn, batch, h, w, context_len, hint, error))
    return FALSE;
  g_autoptr (AtGraph) g = at_graph_new (cn->gpu, error);
  if (g == NULL)
    return FALSE;
  guint f = AT_SD_CONTROL_HINT_FACTOR;
  AtTensor *ts = at_graph_constant (g, t, AT_G_SHAPE (batch));
  AtTensor *ctx = at_graph_constant (g, context, AT_G_SHAPE (batch, context_len, s->context_dim));
  AtTensor *xt = at_graph_constant (g, x, AT_G_SHAPE (batch, s->in_channels, h, w));
  AtTensor *ht = at_graph_constant (g, hint, AT_G_SHAPE (1, AT_SD_CONTROL_HINT_CHANNELS, f * h, f * w));
  g_autofree AtTensor **res = at_sd_controlnet_record (g, cn, xt, ts, ctx, ht, 1.0f);
  if (!at_graph_finish (g, error) || !at_graph_run (g, error))
    return FALSE;
  for (guint i = 0; i < at_sd_controlnet_n_residuals (cn); i++)
    if (!at_tensor_download (res[i], residuals[i], error))
      return FALSE;
  return TRUE;
}
