/* denoiser.h — the guided denoiser as one recorded command list.
 *
 * Records the UNet once per request for the conditional and the
 * unconditional branch together (one batch of two, contexts padded to one
 * length) and their guidance mix v = v_u + g (v_c - v_u); every sampler
 * step uploads x and t and replays it in one submission. Private to the
 * engine. */
#pragma once

#include "model/model.h"

G_BEGIN_DECLS

typedef struct {
  AtGraph *graph;
  AtTensor *x, *t, *v;
  gsize n;   /* values in x and v */
} AtDenoiser;

/* ctx_u/pooled_u may be NULL when guidance == 1 (no unconditional pass). */
AtDenoiser *at_denoiser_new (AtModel *model, AtGpu *gpu, float guidance, AtTensor *sketch,
                             AtTensor *ctx, AtTensor *pooled, AtTensor *zeros, AtTensor *ctx_u,
                             AtTensor *pooled_u, GError **error);
void at_denoiser_free (AtDenoiser *d);
gboolean at_denoiser_run (AtDenoiser *d, const float *x, float t, float *v, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtDenoiser, at_denoiser_free)

G_END_DECLS
