/* frame.c — sampling from host-side conditioning (see frame.h). */
#define G_LOG_DOMAIN "atelier-engine"

#include <math.h>
#include <string.h>

#include "conditioning.h"
#include "denoiser.h"
#include "engine-private.h"
#include "frame.h"

static float *
download (AtTensor *t, GError **error)
{
  g_autofree float *host = g_new (float, at_tensor_numel (t));
  if (!at_tensor_download (t, host, error))
    return NULL;
  return g_steal_pointer (&host);
}

AtEmbedding *
at_engine_embed (AtEngine *engine, const AtRequest *r, GError **error)
{
  g_return_val_if_fail (engine != NULL && r != NULL, NULL);
  if (!at_request_validate (r, error))
    return NULL;
  g_autoptr (GRecMutexLocker) locker = g_rec_mutex_locker_new (&engine->lock);
  AtModel *model = at_engine_model_for (engine, r->fast, error);
  if (model == NULL)
    return NULL;
  g_autoptr (AtConditioning) cond = at_conditioning_new (model, engine->gpu, r, error);
  if (cond == NULL)
    return NULL;
  g_autoptr (AtEmbedding) e = g_new0 (AtEmbedding, 1);
  e->size = engine->model->config->image_size;
  e->width = at_tensor_dim (cond->ctx, 2);
  e->tokens = at_tensor_dim (cond->ctx, 1);
  e->uncond_tokens = at_tensor_dim (cond->ctx_uncond, 1);
  e->pooled_dim = at_tensor_numel (cond->pooled);
  if ((e->ctx = download (cond->ctx, error)) == NULL || (e->pooled = download (cond->pooled, error)) == NULL ||
      (e->ctx_uncond = download (cond->ctx_uncond, error)) == NULL ||
      (e->pooled_uncond = download (cond->pooled_uncond, error)) == NULL ||
      (e->sketch = download (cond->sketch, error)) == NULL)
    return NULL;
  return g_steal_pointer (&e);
}

AtEmbedding *
at_embedding_copy (const AtEmbedding *e)
{
  AtEmbedding *c = g_memdup2 (e, sizeof *e);
  c->ctx = g_memdup2 (e->ctx, sizeof (float) * e->tokens * e->width);
  c->pooled = g_memdup2 (e->pooled, sizeof (float) * e->pooled_dim);
  c->ctx_uncond = g_memdup2 (e->ctx_uncond, sizeof (float) * e->uncond_tokens * e->width);
  c->pooled_uncond = g_memdup2 (e->pooled_uncond, sizeof (float) * e->pooled_dim);
  c->sketch = g_memdup2 (e->sketch, sizeof (float) * e->size * e->size);
  return c;
}

void
at_embedding_free (AtEmbedding *e)
{
  if (e == NULL)
    return;
  g_free (e->ctx);
  g_free (e->pooled);
  g_free (e->ctx_uncond);
  g_free (e->pooled_uncond);
  g_free (e->sketch);
  g_free (e);
}

gsize
at_engine_get_latent_len (AtEngine *engine)
{
  const AtModelConfig *c = engine->model->config;
  return (gsize) c->image_channels * c->image_size * c->image_size;
}

int
at_frame_steps (const AtRequest *r, float t_start)
{
  return t_start < 1.0f ? MAX (1, (int) lround (r->steps * t_start)) : r->steps;
}

/* The denoiser's conditioning inputs live in a graph of their own, uploaded
 * for every frame; the denoiser recorded on them is replayed. */
struct _AtFrameRenderer {
  AtEngine *engine;
  AtGraph *inputs;
  AtTensor *ctx, *pooled, *sketch, *ctx_u, *pooled_u;
  AtDenoiser *denoiser;
  int tokens, uncond_tokens;
  float guidance;
  gboolean fast;   /* recorded on the student */
};

AtFrameRenderer *
at_frame_renderer_new (AtEngine *engine)
{
  AtFrameRenderer *fr = g_new0 (AtFrameRenderer, 1);
  fr->engine = engine;
  return fr;
}

static void
renderer_clear (AtFrameRenderer *fr)
{
  g_clear_pointer (&fr->denoiser, at_denoiser_free);
  g_clear_pointer (&fr->inputs, at_graph_free);
}

void
at_frame_renderer_free (AtFrameRenderer *fr)
{
  if (fr == NULL)
    return;
  renderer_clear (fr);
  g_free (fr);
}

static gboolean
renderer_prepare (AtFrameRenderer *fr, const AtEmbedding *e, const AtRequest *r, GError **error)
{
  float guidance = r->guidance;
  if (fr->denoiser != NULL && fr->tokens == e->tokens && fr->uncond_tokens == e->uncond_tokens &&
      fr->guidance == guidance && fr->fast == r->fast)
    return TRUE;
  renderer_clear (fr);
  AtModel *m = at_engine_model_for (fr->engine, r->fast, error);
  if (m == NULL)
    return FALSE;
  if ((fr->inputs = at_graph_new (fr->engine->gpu, error)) == NULL)
    return FALSE;
  AtGraph *g = fr->inputs;
  g_autofree float *zeros = g_new0 (float, (gsize) e->size * e->size);
  AtTensor *zero = at_graph_constant (g, zeros, AT_G_SHAPE (1, 1, e->size, e->size));
  fr->sketch = at_graph_tensor (g, AT_G_SHAPE (1, 1, e->size, e->size));
  fr->ctx = at_graph_tensor (g, AT_G_SHAPE (1, e->tokens, e->width));
  fr->pooled = at_graph_tensor (g, AT_G_SHAPE (1, e->pooled_dim));
  fr->ctx_u = at_graph_tensor (g, AT_G_SHAPE (1, e->uncond_tokens, e->width));
  fr->pooled_u = at_graph_tensor (g, AT_G_SHAPE (1, e->pooled_dim));
  if (!at_graph_finish (g, error))
    return FALSE;
  gboolean guided = guidance != 1.0f;
  fr->denoiser = at_denoiser_new (m, fr->engine->gpu, guidance, fr->sketch, fr->ctx, fr->pooled, zero,
                                  guided ? fr->ctx_u : NULL, fr->pooled_u, error);
  if (fr->denoiser == NULL)
    return FALSE;
  fr->tokens = e->tokens;
  fr->uncond_tokens = e->uncond_tokens;
  fr->guidance = guidance;
  fr->fast = r->fast;
  return TRUE;
}

typedef struct {
  AtFrameRenderer *fr;
  AtStepFunc on_step;
  gpointer data;
} StepRelay;

static gboolean
relay_denoise (const float *x, float t, int step, float *v, gpointer data, GError **error)
{
  StepRelay *relay = data;
  return at_denoiser_run (relay->fr->denoiser, x, t, v, error);
}

static void
relay_step (int step, int n_steps, const float *x0_pred, gpointer data)
{
  StepRelay *relay = data;
  if (relay->on_step != NULL)
    relay->on_step (step, n_steps, x0_pred, relay->data);
}

AtImage *
at_frame_renderer_run (AtFrameRenderer *fr, const AtRequest *r, const AtEmbedding *e, float *x,
                       float t_start, AtStepFunc on_step, gpointer data, GCancellable *cancellable,
                       GError **error)
{
  g_return_val_if_fail (fr != NULL && r != NULL && e != NULL && x != NULL, NULL);
  AtEngine *engine = fr->engine;
  const AtModelConfig *c = engine->model->config;
  g_return_val_if_fail (e->size == c->image_size, NULL);
  g_autoptr (GRecMutexLocker) locker = g_rec_mutex_locker_new (&engine->lock);
  if (!renderer_prepare (fr, e, r, error) || !at_tensor_upload (fr->ctx, e->ctx, error) ||
      !at_tensor_upload (fr->pooled, e->pooled, error) || !at_tensor_upload (fr->sketch, e->sketch, error) ||
      !at_tensor_upload (fr->ctx_u, e->ctx_uncond, error) ||
      !at_tensor_upload (fr->pooled_u, e->pooled_uncond, error))
    return NULL;
  int n_steps = at_frame_steps (r, t_start);
  g_autofree float *ts = at_sampler_schedule (n_steps, t_start);
  StepRelay relay = { fr, on_step, data };
  if (t_start > 0.0f && !at_sampler_run (r->sampler, ts, n_steps, x, at_engine_get_latent_len (engine),
                                         r->seed, relay_denoise, relay_step, &relay, cancellable, error))
    return NULL;
  return at_image_new_from_chw (x, c->image_channels, c->image_size, c->image_size);
}
