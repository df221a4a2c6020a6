/* palette.h — a small palette for an image, chosen in CIELAB.
 *
 * The vectoriser (svg.h) traces one layer per colour, so it needs the
 * image reduced to a few flat colours that still look like it. Colours are
 * compared in CIELAB (D65), where distance follows what the eye sees, and
 * clustered by k-means; the number of colours is the smallest that brings
 * the mean error under a target, up to a cap.
 *
 * Pixels with alpha below AT_PALETTE_ALPHA_CUT are transparent: they get
 * no colour (label AT_PALETTE_TRANSPARENT) and do not vote.
 */
#pragma once

#include "media/image.h"

G_BEGIN_DECLS

#define AT_PALETTE_MAX_COLORS 16
#define AT_PALETTE_TRANSPARENT 0xff
#define AT_PALETTE_ALPHA_CUT 128

typedef struct {
  guint n_colors;
  guint8 rgb[AT_PALETTE_MAX_COLORS][3];   /* mean sRGB of each cluster */
  double lab[AT_PALETTE_MAX_COLORS][3];   /* its centre in CIELAB */
  guint64 count[AT_PALETTE_MAX_COLORS];   /* pixels labelled with it */
  double mean_error;                      /* mean ΔE*ab of the opaque pixels */
} AtPalette;

/* sRGB (8 bits a channel) to CIELAB under D65, as the CIE defines it. */
void at_color_srgb_to_lab (guint8 r, guint8 g, guint8 b, double lab[3]);

/* A colour is missing while more than this share of the opaque pixels
 * lie farther than the allowed error from their palette colour. */
#define AT_PALETTE_OUTLIER_SHARE 0.003

/* Quantises img (1, 3 or 4 channels) to at most max_colors colours
 * (1..AT_PALETTE_MAX_COLORS), stopping at the first count that leaves at
 * most AT_PALETTE_OUTLIER_SHARE of the opaque pixels more than max_error
 * (ΔE*ab) from their colour: a small eye or stripe gets its own colour
 * even on a large background, while grain does not. labels (width*height
 * bytes) receives each pixel's nearest palette colour in CIELAB, or
 * AT_PALETTE_TRANSPARENT. Deterministic. An image with no opaque pixel
 * gives n_colors 0. */
void at_palette_quantize (const AtImage *img, guint max_colors, double max_error, AtPalette *palette,
                          guint8 *labels);

G_END_DECLS
