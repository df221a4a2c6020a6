/* sketch-mask.c — painting, rasterising and showing the inpainting mask. */
#define G_LOG_DOMAIN "atelier-ui"

#include <string.h>

#include "ui/sketch-mask.h"

struct _AtSketchMask {
  cairo_surface_t *coverage;   /* A8, side × side */
  guint side;
};

AtSketchMask *
at_sketch_mask_new (guint side)
{
  AtSketchMask *mask = g_new0 (AtSketchMask, 1);
  mask->side = side;
  mask->coverage = cairo_image_surface_create (CAIRO_FORMAT_A8, side, side);
  return mask;
}

void
at_sketch_mask_free (AtSketchMask *mask)
{
  if (mask == NULL)
    return;
  cairo_surface_destroy (mask->coverage);
  g_free (mask);
}

/* A cairo context on the coverage, scaled to page fractions. */
static cairo_t *
paint_context (AtSketchMask *mask)
{
  cairo_t *cr = cairo_create (mask->coverage);
  cairo_scale (cr, mask->side, mask->side);
  cairo_set_source_rgba (cr, 0, 0, 0, 1);
  return cr;
}

void
at_sketch_mask_line (AtSketchMask *mask, double x0, double y0, double x1, double y1, double width,
                     gboolean erase)
{
  g_return_if_fail (mask != NULL);
  cairo_t *cr = paint_context (mask);
  if (erase)
    cairo_set_operator (cr, CAIRO_OPERATOR_CLEAR);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_width (cr, width);
  cairo_move_to (cr, x0, y0);
  cairo_line_to (cr, x1, y1);
  cairo_stroke (cr);
  cairo_destroy (cr);
}

void
at_sketch_mask_rect (AtSketchMask *mask, double x0, double y0, double x1, double y1)
{
  g_return_if_fail (mask != NULL);
  cairo_t *cr = paint_context (mask);
  cairo_rectangle (cr, MIN (x0, x1), MIN (y0, y1), ABS (x1 - x0), ABS (y1 - y0));
  cairo_fill (cr);
  cairo_destroy (cr);
}

void
at_sketch_mask_clear (AtSketchMask *mask)
{
  g_return_if_fail (mask != NULL);
  cairo_t *cr = cairo_create (mask->coverage);
  cairo_set_operator (cr, CAIRO_OPERATOR_CLEAR);
  cairo_paint (cr);
  cairo_destroy (cr);
}

gboolean
at_sketch_mask_is_empty (const AtSketchMask *mask)
{
  g_return_val_if_fail (mask != NULL, TRUE);
  cairo_surface_flush (mask->coverage);
  const guint8 *data = cairo_image_surface_get_data (mask->coverage);
  int stride = cairo_image_surface_get_stride (mask->coverage);
  for (guint y = 0; y < mask->side; y++)
    for (guint x = 0; x < mask->side; x++)
      if (data[(gsize) y * stride + x] != 0)
        return FALSE;
  return TRUE;
}

AtImage *
at_sketch_mask_to_image (const AtSketchMask *mask, guint width, guint height)
{
  g_return_val_if_fail (mask != NULL, NULL);
  cairo_surface_flush (mask->coverage);
  const guint8 *data = cairo_image_surface_get_data (mask->coverage);
  int stride = cairo_image_surface_get_stride (mask->coverage);
  g_autoptr (AtImage) full = at_image_new (mask->side, mask->side, 1);
  for (guint y = 0; y < mask->side; y++)
    memcpy (full->pixels + (gsize) y * mask->side, data + (gsize) y * stride, mask->side);
  return at_image_resize (full, width, height, AT_IMAGE_FILTER_BILINEAR);
}

void
at_sketch_mask_draw (const AtSketchMask *mask, cairo_t *cr, double side)
{
  g_return_if_fail (mask != NULL);
  cairo_save (cr);
  cairo_scale (cr, side / mask->side, side / mask->side);
  /* the selection colour of GNOME's palette, see-through */
  cairo_set_source_rgba (cr, 0.21, 0.52, 0.89, 0.45);
  cairo_mask_surface (cr, mask->coverage, 0, 0);
  cairo_restore (cr);
}
