/* webp.h — images as WebP files (libwebp), with the generation parameters.
 *
 * Lossless by default, so that an asset keeps every pixel (and its alpha);
 * lossy at a given quality when asked. The parameters travel in an XMP
 * chunk (dc:description), WebP's place for such text. Writes are atomic:
 * an existing file is replaced only on success.
 */
#pragma once

#include "media/image.h"

G_BEGIN_DECLS

#define AT_WEBP_LOSSLESS (-1)

/* The encoded file in memory; quality 0..100, or AT_WEBP_LOSSLESS.
 * parameters may be NULL. Gray images are stored as RGB. */
GBytes *at_webp_encode (const AtImage *img, int quality, const char *parameters, GError **error);

gboolean at_image_save_webp (const AtImage *img, const char *path, int quality, const char *parameters,
                             GError **error);

G_END_DECLS
