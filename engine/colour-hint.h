/* colour-hint.h — the colour of a sketch's ink as a hint for the image.
 *
 * Black and grey ink only shape the picture; coloured ink also asks for
 * its colour where it is drawn. The hint is the ink's colour spread a few
 * model pixels around the strokes (a normalised blur, so the region
 * around a red line asks for red) with a weight that grows with how
 * saturated and how dense the ink is there. The engine holds the first
 * steps of the schedule, while the model settles composition and colour,
 * softly to it (an AtSamplerBlend with min_t); later steps are free, so
 * the model draws the detail. Private to the engine. */
#pragma once

#include "media/image.h"

G_BEGIN_DECLS

/* The strength the studio and the command line use unless told. */
#define AT_COLOUR_HINT_DEFAULT 0.7f
/* The hint acts while the step ends at t >= this. */
#define AT_COLOUR_HINT_UNTIL_T 0.3f

typedef struct {
  float *colour;   /* channels × size × size, the model's range [-1, 1] */
  float *weight;   /* channels × size × size, in [0, strength] */
} AtColourHint;

/* Whether the sketch has ink with colour in it. */
gboolean at_colour_hint_in (const AtImage *sketch);

/* NULL when the sketch has no coloured ink or strength is 0. */
AtColourHint *at_colour_hint_new (const AtImage *sketch, float strength, guint channels, guint size);
void at_colour_hint_free (AtColourHint *hint);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtColourHint, at_colour_hint_free)

G_END_DECLS
