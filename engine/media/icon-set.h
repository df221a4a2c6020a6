/* icon-set.h — one image as an icon set: PNGs at the usual icon sizes and
 * an SVG, in one folder.
 *
 * Files are DIR/NAME-16.png … DIR/NAME-512.png and DIR/NAME.svg. Each PNG
 * is the source image shrunk by area averaging (a box filter weighted by
 * alpha, so edges stay clean), or enlarged bicubically for sizes above the
 * source's; each carries the generation parameters. The set is written as
 * a whole: names taken by folders are refused first, every file goes to
 * a staging folder inside DIR and is renamed into place only once all are
 * written, so a failure leaves no file of the set behind (and removes DIR
 * if this call made it).
 */
#pragma once

#include <gio/gio.h>

#include "media/image.h"
#include "media/svg.h"

G_BEGIN_DECLS

#define AT_ICON_SET_N_SIZES 8
extern const guint at_icon_set_sizes[AT_ICON_SET_N_SIZES];   /* 16 … 512, ascending */

/* "NAME-SIZE.png", or "NAME.svg" for size 0. */
char *at_icon_set_file_name (const char *name, guint size);

/* img: the largest rendering (512 px for the sharpest set), square.
 * parameters may be NULL; svg_stats may be NULL. */
gboolean at_icon_set_write (const AtImage *img, const char *dir, const char *name, const char *parameters,
                            AtSvgStats *svg_stats, GCancellable *cancellable, GError **error);

G_END_DECLS
