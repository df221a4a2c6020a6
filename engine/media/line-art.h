/* line-art.h — the outlines of an image as a sketch.
 *
 * "Use Result as Sketch" turns a generated picture into something the pen
 * can go on with: its edges as dark lines on white (a gray image, the form
 * sketches take), not the picture in gray, which the model would read as
 * one big filled stroke. Edges are where any colour channel (over white,
 * so transparent parts count as white) changes: the largest Sobel gradient
 * of the three channels, kept where it reaches a quarter of the image's
 * strong edges (its 99th percentile) and at least EDGE_MIN. */
#pragma once

#include "media/image.h"

G_BEGIN_DECLS

/* A new gray image of img's size: 0 on the edges, 255 elsewhere. */
AtImage *at_image_line_art (const AtImage *img);

G_END_DECLS
