/* frame.h — one image from conditioning and a starting point the caller
 * gives, for work that blends several requests (video: the keyframes of a
 * clip, engine/media/animation.c).
 *
 * at_engine_embed() encodes a request (tokenizer, encoders, fusion) and
 * hands back its conditioning as plain host arrays; the caller may blend
 * two of them value by value. An AtFrameRenderer then samples an image
 * from such arrays and a starting x of its choosing, with the request's
 * steps, guidance, sampler and seed. Fed an unblended embedding and the
 * seed's own noise (at_sampler_noise) it makes the image at_engine_generate
 * makes. The sketch conditions every step (sketch strength 1).
 *
 * Whoever creates an AtEmbedding or an AtFrameRenderer frees it; a renderer
 * keeps its recorded denoiser between frames (re-recorded when the token
 * counts or the guidance change) and must not outlive its engine.
 */
#pragma once

#include "engine.h"
#include "model/sampler.h"

G_BEGIN_DECLS

typedef struct {
  int size;            /* the model's image side */
  int width;           /* values per context token */
  int tokens;          /* context tokens, conditional branch */
  int uncond_tokens;   /* context tokens, unconditional branch (negative prompt) */
  int pooled_dim;
  float *ctx;          /* tokens × width */
  float *pooled;       /* pooled_dim */
  float *ctx_uncond;   /* uncond_tokens × width */
  float *pooled_uncond;
  float *sketch;       /* size × size, the model's sketch input; zeros without one */
} AtEmbedding;

/* r's prompt, negative prompt, sketch and voice, encoded. Validates r. */
AtEmbedding *at_engine_embed (AtEngine *engine, const AtRequest *r, GError **error);
AtEmbedding *at_embedding_copy (const AtEmbedding *e);
void at_embedding_free (AtEmbedding *e);

/* Values in a starting x (channels × size × size). */
gsize at_engine_get_latent_len (AtEngine *engine);

/* The schedule at_engine_generate uses: t_start 1 runs r->steps steps;
 * image to image (t_start = strength < 1) the last share of them. */
int at_frame_steps (const AtRequest *r, float t_start);

typedef struct _AtFrameRenderer AtFrameRenderer;

AtFrameRenderer *at_frame_renderer_new (AtEngine *engine);
void at_frame_renderer_free (AtFrameRenderer *fr);

/* Integrates x (at_engine_get_latent_len values, x at time t_start: pure
 * noise for 1) to an image of the model's size. on_step, when given, is
 * called after every step; cancellable is checked before each step. */
AtImage *at_frame_renderer_run (AtFrameRenderer *fr, const AtRequest *r, const AtEmbedding *e,
                                float *x, float t_start, AtStepFunc on_step, gpointer data,
                                GCancellable *cancellable, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtEmbedding, at_embedding_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtFrameRenderer, at_frame_renderer_free)

G_END_DECLS
