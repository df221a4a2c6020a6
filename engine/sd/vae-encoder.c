/* vae-encoder.c — SD's VAE encoder on the engine (vae-encoder.h). */
#include "sd/vae-encoder.h"

#include "sd/sd-detect.h"

typedef struct {
  AtSdVaeResBlock *blocks;   /* num_res_blocks */
  AtSdParam downsample;      /* w NULL at the last level */
} Level;

struct _AtSdVaeEncoder {
  AtGpu *gpu;
  AtSdVaeConfig config;
  AtSdWeights *weights;
  AtSdParam conv_in, norm_out, conv_out, quant;
  AtSdVaeMid mid;
  Level levels[AT_SD_VAE_MAX_LEVELS];
};

static void
load (AtSdVaeEncoder *e, const char *prefix)
{
  const AtSdVaeConfig *c = &e->config;
  AtSdWeights *w = e->weights;
  g_autofree char *enc = g_strconcat (prefix, "encoder.", NULL);
  gint64 ch = c->ch;
  e->conv_in = at_sd_vae_conv_load (w, enc, "conv_in", ch, c->image_channels, 3);
  for (guint level = 0; level < c->n_levels; level++)
    {
      Level *l = &e->levels[level];
      gint64 out = (gint64) c->ch * c->ch_mult[level];
      l->blocks = g_new0 (AtSdVaeResBlock, c->num_res_blocks);
      for (guint r = 0; r < c->num_res_blocks; r++)
        {
          g_autofree char *p = g_strdup_printf ("%sdown.%u.block.%u.", enc, level, r);
          at_sd_vae_res_load (w, p, ch, out, &l->blocks[r]);
          ch = out;
        }
      if (level + 1 < c->n_levels)
        {
          g_autofree char *p = g_strdup_printf ("%sdown.%u.downsample.", enc, level);
          l->downsample = at_sd_vae_conv_load (w, p, "conv", ch, ch, 3);
        }
    }
  at_sd_vae_mid_load (w, enc, ch, &e->mid);
  e->norm_out = at_sd_vae_norm_load (w, enc, "norm_out", ch);
  e->conv_out = at_sd_vae_conv_load (w, enc, "conv_out", 2 * c->z_channels, ch, 3);
  e->quant = at_sd_vae_conv_load (w, prefix, "quant_conv", 2 * c->z_channels, 2 * c->z_channels, 1);
}

AtSdVaeEncoder *
at_sd_vae_encoder_new (AtGpu *gpu, AtSafetensors *file, const char *prefix, const AtSdVaeConfig *config,
                       GError **error)
{
  g_return_val_if_fail (config->n_levels >= 1 && config->n_levels <= AT_SD_VAE_MAX_LEVELS, NULL);
  g_autoptr (AtSdVaeEncoder) e = g_new0 (AtSdVaeEncoder, 1);
  e->gpu = gpu;
  e->config = *config;
  e->weights = at_sd_weights_new (gpu, file);
  load (e, prefix);
  if (!at_sd_weights_finish (e->weights, error))
    return NULL;
  return g_steal_pointer (&e);
}

void
at_sd_vae_encoder_free (AtSdVaeEncoder *e)
{
  if (e == NULL)
    return;
  for (guint i = 0; i < AT_SD_VAE_MAX_LEVELS; i++)
    g_free (e->levels[i].blocks);
  at_sd_weights_free (e->weights);
  g_free (e);
}

/* x [1, C, H, W] with a zero column on the right and a zero row at the
 * bottom: [1, C, H+1, W+1]. */
static AtTensor *
pad_bottom_right (AtGraph *g, AtTensor *x)
{
  if (x == NULL)
    return NULL;
  gint64 c = x->shape[1], h = x->shape[2], w = x->shape[3];
  g_autofree float *zeros = g_new0 (float, MAX (c * h, c * (w + 1)));
  AtTensor *col = at_graph_constant (g, zeros, AT_G_SHAPE (1, c, h, 1));
  AtTensor *row = at_graph_constant (g, zeros, AT_G_SHAPE (1, c, 1, w + 1));
  return at_g_concat (g, at_g_concat (g, x, col, 3), row, 2);
}

gboolean
at_sd_vae_encode (AtSdVaeEncoder *e, const float *image, guint h, guint w, float *moments, GError **error)
{
  g_return_val_if_fail (e != NULL && image != NULL && moments != NULL, FALSE);
  const AtSdVaeConfig *c = &e->config;
  guint f = 1u << (c->n_levels - 1);
  if (h == 0 || w == 0 || h % f != 0 || w % f != 0)
    {
      g_set_error (error, AT_SD_ERROR, AT_SD_ERROR_MISMATCH,
                   "the VAE encodes images whose sides are multiples of %u; this one is %u×%u", f, w, h);
      return FALSE;
    }
  g_autoptr (AtGraph) g = at_graph_new (e->gpu, error);
  if (g == NULL)
    return FALSE;
  AtTensor *x = at_graph_constant (g, image, AT_G_SHAPE (1, c->image_channels, h, w));
  x = at_sd_vae_conv (g, x, &e->conv_in, 3);
  for (guint level = 0; level < c->n_levels; level++)
    {
      const Level *l = &e->levels[level];
      for (guint r = 0; r < c->num_res_blocks; r++)
        x = at_sd_vae_res_forward (g, &l->blocks[r], x);
      if (level + 1 < c->n_levels)
        x = at_g_conv2d (g, pad_bottom_right (g, x), l->downsample.w, l->downsample.b, 2, 0);
    }
  x = at_sd_vae_mid_forward (g, &e->mid, x);
  x = at_sd_vae_conv (g, at_sd_vae_norm_silu (g, x, &e->norm_out), &e->conv_out, 3);
  x = at_sd_vae_conv (g, x, &e->quant, 1);
  return at_graph_finish (g, error) && at_graph_run (g, error) && at_tensor_download (x, moments, error);
}
