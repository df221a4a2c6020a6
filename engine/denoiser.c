/* denoiser.c — record once, replay every step. */
#define G_LOG_DOMAIN "atelier-engine"

#include "denoiser.h"

/* ctx [1, L, D] padded with zero tokens to [1, len, D] (the padding is
 * never attended to: the batch's key counts stop before it). */
static AtTensor *
pad_tokens (AtGraph *g, AtTensor *ctx, gint64 len)
{
  if (ctx == NULL || ctx->shape[1] == len)
    return ctx;
  gint64 missing = len - ctx->shape[1], width = ctx->shape[2];
  g_autofree float *zeros = g_new0 (float, (gsize) (missing * width));
  return at_g_concat (g, ctx, at_graph_constant (g, zeros, AT_G_SHAPE (1, missing, width)), 1);
}

/* Both branches of classifier-free guidance as one batch of two through the
 * UNet: item 0 conditional, item 1 unconditional, their contexts padded to
 * one length and counted, then v = g v_c + (1 - g) v_u in one pass. */
static AtTensor *
guided_forward (AtModel *model, AtGraph *g, AtTensor *x, AtTensor *t, float guidance, AtTensor *sketch,
                AtTensor *ctx, AtTensor *pooled, AtTensor *zeros, AtTensor *ctx_u, AtTensor *pooled_u)
{
  if (g->error != NULL || ctx == NULL || ctx_u == NULL)
    return NULL;
  gint64 len = MAX (ctx->shape[1], ctx_u->shape[1]);
  float counts[2] = { (float) ctx->shape[1], (float) ctx_u->shape[1] };
  AtTensor *ctx2 = at_g_concat (g, pad_tokens (g, ctx, len), pad_tokens (g, ctx_u, len), 0);
  AtTensor *v2 = at_model_unet_forward_counted (model, g, at_g_concat (g, x, x, 0), at_g_concat (g, sketch, zeros, 0),
                                                t, ctx2, at_graph_constant (g, counts, AT_G_SHAPE (2)),
                                                at_g_concat (g, pooled, pooled_u, 0));
  AtTensor *v = at_graph_tensor (g, x->ndim, x->shape);
  if (v2 == NULL || v == NULL || !at_op_mix_halves (g->cmd, v2, guidance, 1.0f - guidance, v, &g->error))
    return NULL;
  return v;
}

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
  if (guidance == 1.0f || ctx_u == NULL)
    d->v = at_model_unet_forward (model, g, d->x, sketch, d->t, ctx, pooled);
  else
    d->v = guided_forward (model, g, d->x, d->t, guidance, sketch, ctx, pooled, zeros, ctx_u, pooled_u);
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
