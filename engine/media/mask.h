/* mask.h — inpainting masks: which pixels to repaint, with a soft edge.
 *
 * A mask is an image the size of the image it masks: white repaints,
 * black keeps, grey repaints partly, and transparent pixels keep (so a
 * mask painted on a transparent layer works as drawn). The feather is
 * the width of the soft edge in the mask's pixels: the mask is blurred
 * by a Gaussian of sigma feather / 3 cut off at feather pixels, so a
 * pixel farther than the feather from every repainted pixel keeps
 * weight 0 exactly, and one farther than the feather inside keeps 1.
 */
#pragma once

#include "media/image.h"

G_BEGIN_DECLS

/* The feather the studio and the command line use unless told. */
#define AT_MASK_DEFAULT_FEATHER 4.0f
#define AT_MASK_MAX_FEATHER 256.0f

/* Repaint weights in [0, 1], width × height row-major: the mask resized
 * (each output pixel the mean of what it covers) and feathered by
 * feather × width / mask->width of those pixels. Caller g_free()s. */
float *at_mask_weights (const AtImage *mask, guint width, guint height, float feather);

/* In place: a separable Gaussian of sigma radius / 3 cut off at radius,
 * edges clamped; radius <= 0 leaves w as it is. */
void at_mask_feather (float *w, guint width, guint height, float radius);

/* generated where the mask repaints, base elsewhere:
 * out = w generated + (1 - w) base, rounded, at generated's size and
 * channels (base is resized and converted to match). */
AtImage *at_mask_composite (const AtImage *generated, const AtImage *base, const AtImage *mask,
                            float feather);

/* Whether any pixel of the mask repaints at all. */
gboolean at_mask_is_empty (const AtImage *mask);

G_END_DECLS
