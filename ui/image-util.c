/* image-util.c — AtImage ⇄ GdkTexture / cairo conversions. */
#define G_LOG_DOMAIN "atelier-ui"

#include "ui/image-util.h"

GdkTexture *
at_texture_new_from_image (const AtImage *img)
{
  g_return_val_if_fail (img != NULL, NULL);
  g_autoptr (AtImage) rgb = at_image_convert (img, 3);
  g_autoptr (GBytes) bytes = g_bytes_new (rgb->pixels, at_image_get_nbytes (rgb));
  return gdk_memory_texture_new (rgb->width, rgb->height, GDK_MEMORY_R8G8B8, bytes, rgb->width * 3);
}

GtkWidget *
at_thumbnail_new (const AtImage *img, int side)
{
  g_autoptr (GdkTexture) texture = at_texture_new_from_image (img);
  GtkWidget *picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (texture));
  gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
  gtk_widget_set_size_request (picture, side, side);
  return picture;
}

AtImage *
at_image_new_from_texture (GdkTexture *texture)
{
  g_return_val_if_fail (GDK_IS_TEXTURE (texture), NULL);
  int w = gdk_texture_get_width (texture), h = gdk_texture_get_height (texture);
  g_autofree guint8 *bgra = g_malloc ((gsize) w * h * 4);
  gdk_texture_download (texture, bgra, (gsize) w * 4);
  AtImage *img = at_image_new (w, h, 3);
  for (gsize i = 0; i < (gsize) w * h; i++)
    {
      /* premultiplied over white: c + (255 - a) */
      guint a = bgra[i * 4 + 3];
      img->pixels[i * 3 + 0] = MIN (255u, bgra[i * 4 + 2] + (255 - a));
      img->pixels[i * 3 + 1] = MIN (255u, bgra[i * 4 + 1] + (255 - a));
      img->pixels[i * 3 + 2] = MIN (255u, bgra[i * 4 + 0] + (255 - a));
    }
  return img;
}

AtImage *
at_image_load_any (GFile *file, GError **error)
{
  g_autoptr (GdkTexture) texture = gdk_texture_new_from_file (file, error);
  if (texture == NULL)
    return NULL;
  if ((gint64) gdk_texture_get_width (texture) * gdk_texture_get_height (texture) > AT_IMAGE_MAX_PIXELS)
    {
      g_set_error (error, AT_IMAGE_ERROR, AT_IMAGE_ERROR_TOO_LARGE,
                   "The image is too large; use one under %u pixels", AT_IMAGE_MAX_PIXELS);
      return NULL;
    }
  return at_image_new_from_texture (texture);
}

/* RGB24 (opaque, alpha composited over white) or premultiplied ARGB32. */
static cairo_surface_t *
surface_from (const AtImage *img, gboolean keep_alpha)
{
  guint C = keep_alpha ? 4 : 3;
  g_autoptr (AtImage) src = at_image_convert (img, C);
  cairo_surface_t *surface = cairo_image_surface_create (keep_alpha ? CAIRO_FORMAT_ARGB32 : CAIRO_FORMAT_RGB24,
                                                         src->width, src->height);
  cairo_surface_flush (surface);
  guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  for (guint y = 0; y < src->height; y++)
    {
      guint32 *row = (guint32 *) (data + (gsize) y * stride);
      const guint8 *p = src->pixels + (gsize) y * src->width * C;
      for (guint x = 0; x < src->width; x++, p += C)
        {
          guint32 a = keep_alpha ? p[3] : 255;
          row[x] = a << 24 | ((p[0] * a + 127) / 255) << 16 | ((p[1] * a + 127) / 255) << 8 | ((p[2] * a + 127) / 255);
        }
    }
  cairo_surface_mark_dirty (surface);
  return surface;
}

cairo_surface_t *
at_cairo_surface_new_from_image (const AtImage *img)
{
  return surface_from (img, FALSE);
}

cairo_surface_t *
at_cairo_surface_new_with_alpha (const AtImage *img)
{
  return surface_from (img, TRUE);
}

GBytes *
at_image_to_png_bytes (const AtImage *img)
{
  g_autoptr (GdkTexture) texture = at_texture_new_from_image (img);
  return gdk_texture_save_to_png_bytes (texture);
}

AtImage *
at_image_new_from_png_bytes (GBytes *bytes, GError **error)
{
  g_autoptr (GdkTexture) texture = gdk_texture_new_from_bytes (bytes, error);
  if (texture == NULL)
    return NULL;
  return at_image_new_from_texture (texture);
}
