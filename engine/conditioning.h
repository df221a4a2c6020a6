/* conditioning.h — a request's prompts encoded once, before sampling.
 *
 * Runs the tokenizer, the text, sketch and audio encoders and the fusion
 * for the conditional branch, for the unconditional branch (the negative
 * prompt, or nothing) and, when the sketch conditions only the first steps,
 * for the conditional branch without it. Owned by the caller; the tensors
 * live as long as the AtConditioning. Private to the engine. */
#pragma once

#include "model/model.h"
#include "request.h"

G_BEGIN_DECLS

typedef struct {
  AtGraph *graph;
  AtTensor *ctx, *pooled;                  /* everything the request gives */
  AtTensor *ctx_no_sketch, *pooled_no_sketch; /* NULL unless needed */
  AtTensor *ctx_uncond, *pooled_uncond;
  AtTensor *sketch;                        /* [1, 1, S, S], strokes 1; zeros when absent */
  AtTensor *zeros;                         /* [1, 1, S, S] of zeros */
  gboolean has_sketch;
  guint unknown_words;
} AtConditioning;

AtConditioning *at_conditioning_new (AtModel *model, AtGpu *gpu, const AtRequest *request,
                                     GError **error);
void at_conditioning_free (AtConditioning *cond);

/* The sketch as the model sees it: ink (1 - its darkest channel, over
 * white, so coloured pens count as strongly as black) at
 * size × size, each output pixel the darkest ink it covers so thin pen
 * lines survive the reduction. Caller frees. */
float *at_sketch_to_model_input (const AtImage *sketch, int size);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtConditioning, at_conditioning_free)

G_END_DECLS
