/* image-cairo.h — AtImage to and from cairo image surfaces (RGB24), for
 * drawing on frames with cairo and Pango. Whoever gets a surface or an
 * image frees it. */
#pragma once

#include <cairo.h>

#include "media/image.h"

G_BEGIN_DECLS

/* An opaque RGB24 surface with img's pixels (gray and alpha composited as
 * at_image_convert (img, 3) does). */
cairo_surface_t *at_image_to_cairo_surface (const AtImage *img);
/* The RGB pixels of an RGB24 or ARGB32 surface (alpha ignored). */
AtImage *at_image_from_cairo_surface (cairo_surface_t *surface);

G_END_DECLS
