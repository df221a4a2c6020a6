/* image-cairo.c — AtImage <-> cairo RGB24, pixel by pixel. */
#define G_LOG_DOMAIN "atelier-media"

#include "media/image-cairo.h"

cairo_surface_t *
at_image_to_cairo_surface (const AtImage *img)
{
  g_autoptr (AtImage) rgb = at_image_convert (img, 3);
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, rgb->width, rgb->height);
  cairo_surface_flush (s);
  guint8 *data = cairo_image_surface_get_data (s);
  int stride = cairo_image_surface_get_stride (s);
  for (guint y = 0; y < rgb->height; y++)
    {
      guint32 *row = (guint32 *) (data + (gsize) y * stride);
      const guint8 *p = rgb->pixels + (gsize) y * rgb->width * 3;
      for (guint x = 0; x < rgb->width; x++)
        row[x] = 0xff000000u | (guint32) p[3 * x] << 16 | (guint32) p[3 * x + 1] << 8 | p[3 * x + 2];
    }
  cairo_surface_mark_dirty (s);
  return s;
}

AtImage *
at_image_from_cairo_surface (cairo_surface_t *s)
{
  cairo_surface_flush (s);
  int width = cairo_image_surface_get_width (s), height = cairo_image_surface_get_height (s);
  const guint8 *data = cairo_image_surface_get_data (s);
  int stride = cairo_image_surface_get_stride (s);
  AtImage *rgb = at_image_new (width, height, 3);
  for (int y = 0; y < height; y++)
    {
      const guint32 *row = (const guint32 *) (data + (gsize) y * stride);
      guint8 *p = rgb->pixels + (gsize) y * width * 3;
      for (int x = 0; x < width; x++)
        p[3 * x] = row[x] >> 16, p[3 * x + 1] = row[x] >> 8, p[3 * x + 2] = row[x];
    }
  return rgb;
}
