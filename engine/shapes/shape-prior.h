/* shape-prior.h — a shape as the sketch of a prompt that has none.
 *
 * The model follows a sketch closely but cannot draw an object from words
 * alone, so when a request has no sketch and request->shape is "auto" (or
 * a shape's name), the prompt's best shape (shape-match.h) is drawn as the
 * model saw its training icons and becomes the sketch, guiding a shorter
 * share of the steps than a drawn sketch. Only matches by name, tag or
 * WordNet qualify for "auto": the model's text-to-sketch embedding finds
 * the right shape too rarely (MODEL_CARD.md) to put it in the picture
 * unasked. The engine applies this in at_engine_generate().
 */
#pragma once

#include "request.h"

G_BEGIN_DECLS

/* Share of the steps a shape prior guides (a drawn sketch: all by default). */
#define AT_SHAPE_PRIOR_STRENGTH 0.6f

/* A copy of r with the shape drawn (size × size) as its sketch and
 * copy->shape its name; NULL when r needs no change (it has a sketch, its
 * shape is NULL or "none", or no word names a shape), with *note saying
 * why when it is worth saying. NULL with an error for an unknown name or
 * an unreadable library. */
AtRequest *at_shape_prior_apply (const AtRequest *r, int size, char **note, GError **error);

G_END_DECLS
