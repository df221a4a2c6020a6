/* asset-fixture.h — test images that look like what the model draws:
 * flat coloured shapes with soft (anti-aliased) edges and a little grain;
 * and SVGs drawn back by a real renderer (librsvg, tests only). */
#pragma once

#include "media/image.h"

G_BEGIN_DECLS

/* A fish: an orange body, a darker tail, a dark eye with a white glint
 * and a yellow stripe, size × size. With transparent, RGBA on alpha 0
 * (edges partly transparent); otherwise RGB on white. grain: the
 * amplitude (levels) of seeded noise added to every colour. */
AtImage *asset_fixture_fish (guint size, gboolean transparent, guint grain);

/* An SVG document rendered by librsvg onto a transparent size × size
 * canvas, as straight-alpha RGBA; asserts that librsvg accepts it. */
AtImage *asset_render_svg (const char *svg, guint size);

/* The body colour. */
extern const guint8 asset_fixture_orange[3];

G_END_DECLS
