/* sketch-mask.h — the inpainting mask painted over the sheet.
 *
 * A coverage raster (cairo A8) of a fixed side, in page coordinates 0..1
 * like the strokes: brush lines and rectangles paint it, the eraser and
 * clear remove it. It becomes the request's mask (white repaints) at the
 * init image's size, and draws as a translucent overlay on the sheet.
 * Plain cairo, owned by the AtSketchCanvas that shows it.
 */
#pragma once

#include <cairo.h>

#include "media/image.h"

G_BEGIN_DECLS

typedef struct _AtSketchMask AtSketchMask;

AtSketchMask *at_sketch_mask_new (guint side);
void at_sketch_mask_free (AtSketchMask *mask);

/* A round-capped line of the given width (fractions of the page side);
 * erase removes coverage instead. */
void at_sketch_mask_line (AtSketchMask *mask, double x0, double y0, double x1, double y1, double width,
                          gboolean erase);
/* The axis-aligned rectangle between two corners, in page fractions. */
void at_sketch_mask_rect (AtSketchMask *mask, double x0, double y0, double x1, double y1);
void at_sketch_mask_clear (AtSketchMask *mask);
gboolean at_sketch_mask_is_empty (const AtSketchMask *mask);

/* width × height, 1 channel: 255 where painted, 0 elsewhere, averaged
 * where a pixel covers part of the painted area. */
AtImage *at_sketch_mask_to_image (const AtSketchMask *mask, guint width, guint height);

/* The mask as a translucent tint over a side × side page on cr. */
void at_sketch_mask_draw (const AtSketchMask *mask, cairo_t *cr, double side);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtSketchMask, at_sketch_mask_free)

G_END_DECLS
