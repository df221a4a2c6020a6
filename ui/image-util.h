/* image-util.h — moving pixels between the engine's AtImage and GTK/cairo.
 *
 * Every function returns a new object the caller owns. Textures and
 * surfaces are opaque RGB (alpha is composited over white, as sketches are
 * ink on paper).
 */
#pragma once

#include <gtk/gtk.h>

#include "media/image.h"

G_BEGIN_DECLS

GdkTexture *at_texture_new_from_image (const AtImage *img);
/* A GtkPicture of img asking for side × side pixels, shrinking to fit:
 * the variants strip's and the History's thumbnails. */
GtkWidget *at_thumbnail_new (const AtImage *img, int side);
/* Any format GdkTexture reads (PNG, JPEG, TIFF); result is 3-channel RGB. */
AtImage *at_image_new_from_texture (GdkTexture *texture);
AtImage *at_image_load_any (GFile *file, GError **error);
cairo_surface_t *at_cairo_surface_new_from_image (const AtImage *img);
/* The exception to the rule above: keeps alpha (premultiplied ARGB32),
 * for results on a transparent background. */
cairo_surface_t *at_cairo_surface_new_with_alpha (const AtImage *img);
/* PNG bytes in memory, for project files. */
GBytes *at_image_to_png_bytes (const AtImage *img);
AtImage *at_image_new_from_png_bytes (GBytes *bytes, GError **error);

G_END_DECLS
