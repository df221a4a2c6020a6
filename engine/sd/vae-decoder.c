/* vae-decoder.c — SD's VAE decoder on the engine (vae-decoder.h). */
#include "sd/vae-decoder.h"

typedef struct {
  AtSdVaeResBlock *blocks;   /* num_res_blocks + 1 */
  AtSdParam upsample;        /* w NULL at level 0 */
} Level;

struct _AtSdVaeDecoder {
  AtGpu *gpu;
  AtSdVaeConfig config;
  AtSdWeights *weights;
  AtSdParam post_quant, conv_in, norm_out, conv_out;
  AtSdVaeMid mid;
  Level levels[AT_SD_VAE_MAX_LEVELS];
};

static void
load (AtSdVaeDecoder *d, const char *prefix)
{
  const AtSdVaeConfig *c = &d->config;
  AtSdWeights *w = d->weights;
  g_autofree char *dec = g_strconcat (prefix, "decoder.", NULL);
  d->post_quant = at_sd_vae_conv_load (w, prefix, "post_quant_conv", c->z_channels, c->z_channels, 1);
  gint64 ch = (gint64) c->ch * c->ch_mult[c->n_levels - 1];
  d->conv_in = at_sd_vae_conv_load (w, dec, "conv_in", ch, c->z_channels, 3);
  at_sd_vae_mid_load (w, dec, ch, &d->mid);
  for (gint level = c->n_levels - 1; level >= 0; level--)
    {
      Level *l = &d->levels[level];
      gint64 out = (gint64) c->ch * c->ch_mult[level];
      l->blocks = g_new0 (AtSdVaeResBlock, c->num_res_blocks + 1);
      for (guint r = 0; r <= c->num_res_blocks; r++)
        {
          g_autofree char *p = g_strdup_printf ("%sup.%d.block.%u.", dec, level, r);
          at_sd_vae_res_load (w, p, ch, out, &l->blocks[r]);
          ch = out;
        }
      if (level > 0)
        {
          g_autofree char *p = g_strdup_printf ("%sup.%d.upsample.", dec, level);
          l->upsample = at_sd_vae_conv_load (w, p, "conv", ch, ch, 3);
        }
    }
  d->norm_out = at_sd_vae_norm_load (w, dec, "norm_out", ch);
  d->conv_out = at_sd_vae_conv_load (w, dec, "conv_out", c->image_channels, ch, 3);
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

gboolean
at_sd_vae_decode (AtSdVaeDecoder *d, const float *z, guint h, guint w, float *out, GError **error)
{
  g_return_val_if_fail (d != NULL && z != NULL && out != NULL && h > 0 && w > 0, FALSE);
  const AtSdVaeConfig *c = &d->config;
  g_autoptr (AtGraph) g = at_graph_new (d->gpu, error);
  if (g == NULL)
    return FALSE;
  AtTensor *x = at_graph_constant (g, z, AT_G_SHAPE (1, c->z_channels, h, w));
  x = at_sd_vae_conv (g, at_sd_vae_conv (g, x, &d->post_quant, 1), &d->conv_in, 3);
  x = at_sd_vae_mid_forward (g, &d->mid, x);
  for (gint level = c->n_levels - 1; level >= 0; level--)
    {
      const Level *l = &d->levels[level];
      for (guint r = 0; r <= c->num_res_blocks; r++)
        x = at_sd_vae_res_forward (g, &l->blocks[r], x);
      if (level > 0)
        x = at_sd_vae_conv (g, at_g_upsample2x (g, x), &l->upsample, 3);
    }
  x = at_sd_vae_conv (g, at_sd_vae_norm_silu (g, x, &d->norm_out), &d->conv_out, 3);
  return at_graph_finish (g, error) && at_graph_run (g, error) && at_tensor_download (x, out, error);
}
