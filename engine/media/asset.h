/* asset.h — a generated image written as the file a designer asked for.
 *
 * The command line and the studio's Export dialog both end here: PNG
 * (with the A1111 "parameters" text chunk), SVG (svg.h), WebP (webp.h) or
 * an icon set (icon-set.h). Every writer is atomic.
 */
#pragma once

#include <gio/gio.h>

#include "media/image.h"
#include "media/svg.h"

G_BEGIN_DECLS

typedef enum {
  AT_ASSET_PNG,
  AT_ASSET_SVG,
  AT_ASSET_WEBP,
  AT_ASSET_ICON_SET,   /* path is a folder */
  AT_N_ASSET_FORMATS
} AtAssetFormat;

/* "png", "svg", "webp", "icon-set". */
const char *at_asset_format_to_string (AtAssetFormat format);
gboolean at_asset_format_from_string (const char *name, AtAssetFormat *format);
/* The file name extension with its dot, "" for an icon set. */
const char *at_asset_format_extension (AtAssetFormat format);

/* A PNG with "parameters" (may be NULL) and "Software" text chunks. */
gboolean at_asset_save_png (const AtImage *img, const char *path, const char *parameters, GError **error);

/* img as format at path. For an icon set, path is the folder and the
 * files are named after its last component. svg_stats (may be NULL)
 * receives the vectoriser's numbers for SVG and icon sets. */
gboolean at_asset_save (const AtImage *img, AtAssetFormat format, const char *path, const char *parameters,
                        AtSvgStats *svg_stats, GCancellable *cancellable, GError **error);

G_END_DECLS
