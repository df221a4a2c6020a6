/* svg.h — an image as an SVG of flat colour layers.
 *
 * The image is quantised to a small palette in CIELAB (palette.h), the
 * count chosen per image up to a cap; each colour's pixels are traced by
 * potrace into smooth Bézier outlines. Layers are stacked largest colour
 * first, and each layer's shape is the union of its own pixels and those
 * of every layer above it, so the layer below always runs under the edges
 * of the one above and no background shows through between colours.
 * Pixels with alpha under AT_PALETTE_ALPHA_CUT belong to no layer: they
 * stay transparent. The generation parameters go in a <metadata> element
 * (an RDF dc:description, which Inkscape shows as the description), and
 * tags, if any, in a dc:subject bag (Inkscape's keywords).
 */
#pragma once

#include "media/image.h"

G_BEGIN_DECLS

#define AT_SVG_DEFAULT_MAX_COLORS 8
/* ΔE*ab beyond which a pixel counts as not represented (palette.h). */
#define AT_SVG_DEFAULT_MAX_ERROR 12.0

typedef struct {
  guint max_colors;        /* 1..AT_PALETTE_MAX_COLORS; 0 = the default */
  double max_error;        /* <= 0: the default */
  const char *parameters;  /* text for <metadata>, or NULL */
  const char *const *keywords;  /* words for its dc:subject (tags), or NULL */
} AtSvgOptions;

typedef struct {
  guint n_colors;    /* palette entries (one <path> each) */
  guint n_paths;     /* <path> elements */
  guint n_outlines;  /* closed outlines across them (subpaths) */
  gsize bytes;       /* length of the document */
  double mean_error; /* the palette's mean ΔE */
} AtSvgStats;

/* The SVG document (UTF-8), or NULL with an error. stats may be NULL. */
char *at_svg_from_image (const AtImage *img, const AtSvgOptions *options, AtSvgStats *stats, GError **error);

/* at_svg_from_image() written to path atomically (temporary file, fsync,
 * rename): an existing file is replaced only on success. */
gboolean at_svg_save (const AtImage *img, const char *path, const AtSvgOptions *options, AtSvgStats *stats,
                      GError **error);

G_END_DECLS
