/* guides.h — where each variant starts and what the sampler holds it to.
 *
 * A variant starts from seeded noise, or from the init image noised to the
 * first time of the schedule. With a mask, the sampler keeps the region
 * outside it on the init image noised to the current time at every step
 * (RePaint-style inpainting with the model as it is), and the finished
 * image is composited over the init image at the output size, so pixels
 * farther than the feather from the mask come back unchanged. Private to
 * the engine; coloured ink in the sketch pulls the first steps towards
 * its colour (colour-hint.h). One AtGuides per request, reused for every variant. */
#pragma once

#include "colour-hint.h"
#include "model/sampler.h"
#include "request.h"

G_BEGIN_DECLS

typedef struct {
  gsize n;                 /* channels × size × size */
  float *init;             /* the init image at model size; NULL without */
  float *keep;             /* 1 - the feathered mask, per value; NULL without */
  AtColourHint *hint;      /* coloured ink's colours; NULL without */
  float *noise;            /* this variant's noise */
  AtSamplerBlend blends[2];
  guint n_blends;
} AtGuides;

AtGuides *at_guides_new (const AtRequest *request, guint channels, guint size);
void at_guides_free (AtGuides *guides);

/* Draws the variant's noise from seed and writes its starting x at t0. */
void at_guides_start (AtGuides *guides, guint64 seed, float t0, float *x);

/* The finished image as the request wants it: with a mask, composited over
 * the init image. Takes img. */
AtImage *at_guides_finish (const AtGuides *guides, const AtRequest *request, AtImage *img);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtGuides, at_guides_free)

G_END_DECLS
