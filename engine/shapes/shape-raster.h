/* shape-raster.h — a shape as a sketch image or an SVG drawing.
 *
 * The image is dark strokes on white, the format a request's sketch and
 * the command line's --sketch take. The model was trained on the icons
 * drawn edge to edge at its size with thin (0.9 of 24) lines, so the shape
 * prior and the shape embeddings use at_shape_render_model_sketch().
 */
#pragma once

#include "media/image.h"
#include "shapes/shape-library.h"

G_BEGIN_DECLS

/* The shape fitted into a size × size square with margin (fraction of the
 * side) on each side, lines line_width (fraction of the side) wide, round
 * caps and joins, gray. */
AtImage *at_shape_render (const AtShape *shape, guint size, float margin, float line_width, gboolean antialias);
/* As the model saw the icons in training: size × size, no margin. */
AtImage *at_shape_render_model_sketch (const AtShape *shape, guint size);
/* at_shape_render_model_sketch() of the shape moved by a smooth random
 * displacement of about amplitude (fraction of the side), as a hand
 * redrawing it would: for measuring doodle matching. */
AtImage *at_shape_render_wobbled (const AtShape *shape, guint size, float amplitude, guint32 seed);
/* A doodle (dark strokes on light, any size) as the shapes were embedded:
 * its ink cropped to a square that it fills as an icon fills its grid,
 * averaged down to size × size and cut at half coverage, so a thick pen
 * on a large page gives thin lines. Gray; NULL when there is no ink. */
AtImage *at_shape_normalize_doodle (const AtImage *doodle, guint size);
/* How well two same-sized sketches' ink agrees: F1 of each one's ink
 * lying within tolerance pixels of the other's (1 = same lines). */
double at_shape_sketch_overlap (const AtImage *a, const AtImage *b, int tolerance);
/* A standalone SVG document of the shape (black round strokes, 24 × 24 view). */
char *at_shape_to_svg (const AtShape *shape);

G_END_DECLS
