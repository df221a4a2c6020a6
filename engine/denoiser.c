/* denoiser.c — record once, replay every step. */
#define G_LOG_DOMAIN "atelier-engine"

#include "denoiser.h"

AtDenoiser *
at_denoiser_new (AtModel *model, AtGpu *gpu, float guidance, AtTensor *sketch, AtTensor *ctx,
                 AtTensor *pooled, AtTensor *zeros, AtTensor *ctx_u, AtTensor *pooled_u,
                 GError **error)
{
  const AtModelConfig *c = model->config;
  g_autoptr (AtDenoiser) d = g_new0 (AtDenoiser, 1);
  d->graph = at_graph_new (gpu, error);
  if (d->graph == NULL)
    return NULL;
  AtGraph *g = d->graph;
  d->n = (gsize) c->image_channels * c->image_size * c->image_size;
  d->x = at_graph_tensor (g, AT_G_SHAPE (1, c->image_channels, c->image_size, c->image_size));
  d->t = at_graph_tensor (g, AT_G_SHAPE (1));
  AtTensor *v_c = at_model_unet_forward (model, g, d->x, sketch, d->t, ctx, pooled);
  if (guidance == 1.0f || ctx_u == NULL)
    d->v = v_c;
  else
    {
      AtTensor *v_u = at_model_unet_forward (model, g, d->x, zeros, d->t, ctx_u, pooled_u);
      d->v = at_graph_tensor (g, AT_G_SHAPE (1, c->image_channels, c->image_size, c->image_size));
      if (d->v != NULL && v_u != NULL && v_c != NULL)
        at_op_axpby (g->cmd, guidance, v_c, 1.0f - guidance, v_u, d->v, &g->error);
    }
  if (!at_graph_finish (g, error))
    return NULL;
  return g_steal_pointer (&d);
}

void
at_denoiser_free (AtDenoiser *d)
{
  if (d == NULL)
    return;
  g_clear_pointer (&d->graph, at_graph_free);
  g_free (d);
}

gboolean
at_denoiser_run (AtDenoiser *d, const float *x, float t, float *v, GError **error)
{
  return at_tensor_upload (d->x, x, error) && at_tensor_upload (d->t, &t, error) &&
         at_graph_run (d->graph, error) && at_tensor_download (d->v, v, error);
}
