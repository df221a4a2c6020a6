/* camera.h — slow camera motion over a still: a window of the picture,
 * zoomed and moved with sub-pixel precision, resampled to the output size.
 * Whole-pixel crops would make a slow zoom judder. */
#pragma once

#include "media/image.h"

G_BEGIN_DECLS

/* The square window of side 1/zoom (zoom >= 1, in units of the picture's
 * side) centred at (cx, cy) (0–1; moved inside the picture when it would
 * leave it), sampled bilinearly into a new size × size image with img's
 * channels. */
AtImage *at_camera_view (const AtImage *img, int size, double zoom, double cx, double cy);

G_END_DECLS
