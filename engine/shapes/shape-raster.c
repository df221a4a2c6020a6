/* shape-raster.c — drawing shapes with cairo, and as SVG text. */
#define G_LOG_DOMAIN "atelier-engine"

#include <math.h>

#include <cairo.h>

#include "shapes/shape-raster.h"

#define MODEL_LINE_WIDTH (0.9f / 24.0f)

typedef struct {
  double amp[2][3], fx[2][3], fy[2][3], phase[2][3];
} Wobble;

static void
wobble_point (const Wobble *w, double x, double y, double *ox, double *oy)
{
  double d[2] = { 0.0, 0.0 };
  for (int a = 0; a < 2; a++)
    for (int k = 0; k < 3; k++)
      d[a] += w->amp[a][k] * sin (w->fx[a][k] * x + w->fy[a][k] * y + w->phase[a][k]);
  *ox = x + d[0];
  *oy = y + d[1];
}

/* Strokes as cairo paths, through the displacement when w is set; long
 * segments are cut so that they bend with it. */
static void
trace (cairo_t *cr, const AtShape *shape, const Wobble *w)
{
  for (guint k = 0; k < shape->n_strokes; k++)
    {
      const AtShapeStroke *s = &shape->strokes[k];
      double x, y;
      if (w == NULL)
        {
          cairo_move_to (cr, s->points[0].x, s->points[0].y);
          for (guint j = 1; j < s->n_points; j++)
            cairo_line_to (cr, s->points[j].x, s->points[j].y);
          continue;
        }
      wobble_point (w, s->points[0].x, s->points[0].y, &x, &y);
      cairo_move_to (cr, x, y);
      for (guint j = 1; j < s->n_points; j++)
        {
          const AtShapePoint *a = &s->points[j - 1], *b = &s->points[j];
          int n = MAX (1, (int) ceil (hypot (b->x - a->x, b->y - a->y) / 0.02));
          for (int i = 1; i <= n; i++)
            {
              wobble_point (w, a->x + (b->x - a->x) * i / n, a->y + (b->y - a->y) * i / n, &x, &y);
              cairo_line_to (cr, x, y);
            }
        }
    }
}

static AtImage *
render (const AtShape *shape, guint size, float margin, float line_width, gboolean antialias, const Wobble *w)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_A8, size, size);
  cairo_t *cr = cairo_create (surface);
  double inner = size * (1.0 - 2.0 * margin);
  cairo_translate (cr, size * margin, size * margin);
  cairo_scale (cr, inner, inner);
  cairo_set_antialias (cr, antialias ? CAIRO_ANTIALIAS_DEFAULT : CAIRO_ANTIALIAS_NONE);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_width (cr, line_width * size / inner);
  trace (cr, shape, w);
  cairo_stroke (cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  AtImage *img = at_image_new (size, size, 1);
  const guint8 *ink = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  for (guint y = 0; y < size; y++)
    for (guint x = 0; x < size; x++)
      img->pixels[(gsize) y * size + x] = 255 - ink[(gsize) y * stride + x];
  cairo_surface_destroy (surface);
  return img;
}

AtImage *
at_shape_render (const AtShape *shape, guint size, float margin, float line_width, gboolean antialias)
{
  g_return_val_if_fail (shape != NULL && size > 0, NULL);
  return render (shape, size, margin, line_width, antialias, NULL);
}

AtImage *
at_shape_render_model_sketch (const AtShape *shape, guint size)
{
  return at_shape_render (shape, size, 0.0f, MODEL_LINE_WIDTH, FALSE);
}

AtImage *
at_shape_render_wobbled (const AtShape *shape, guint size, float amplitude, guint32 seed)
{
  g_return_val_if_fail (shape != NULL && size > 0, NULL);
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
  Wobble w;
  for (int a = 0; a < 2; a++)
    for (int k = 0; k < 3; k++)
      {
        w.amp[a][k] = amplitude * g_rand_double_range (rand, 0.3, 1.0) / 1.7;
        w.fx[a][k] = g_rand_double_range (rand, -9.0, 9.0);
        w.fy[a][k] = g_rand_double_range (rand, -9.0, 9.0);
        w.phase[a][k] = g_rand_double_range (rand, 0.0, 2.0 * G_PI);
      }
  return render (shape, size, 0.0f, MODEL_LINE_WIDTH, FALSE, &w);
}

#define INK_THRESHOLD 64   /* of 255: lighter pixels are paper */
#define ICON_MARGIN (2.0 / 24.0)

AtImage *
at_shape_normalize_doodle (const AtImage *doodle, guint size)
{
  g_autoptr (AtImage) gray = at_image_to_gray (doodle);
  guint w = gray->width, h = gray->height, x0 = w, y0 = h, x1 = 0, y1 = 0;
  for (guint y = 0; y < h; y++)
    for (guint x = 0; x < w; x++)
      if (255 - gray->pixels[(gsize) y * w + x] >= INK_THRESHOLD)
        {
          x0 = MIN (x0, x);
          y0 = MIN (y0, y);
          x1 = MAX (x1, x + 1);
          y1 = MAX (y1, y + 1);
        }
  if (x1 <= x0)
    return NULL;
  /* the square around the ink, with the icons' own margin */
  double side = MAX (x1 - x0, y1 - y0) / (1.0 - 2.0 * ICON_MARGIN);
  double ox = (x0 + x1) / 2.0 - side / 2.0, oy = (y0 + y1) / 2.0 - side / 2.0;
  AtImage *out = at_image_new (size, size, 1);
  for (guint y = 0; y < size; y++)
    for (guint x = 0; x < size; x++)
      {
        int sx0 = floor (ox + side * x / size), sx1 = MAX (sx0 + 1, (int) floor (ox + side * (x + 1) / size));
        int sy0 = floor (oy + side * y / size), sy1 = MAX (sy0 + 1, (int) floor (oy + side * (y + 1) / size));
        double ink = 0.0;
        for (int sy = sy0; sy < sy1; sy++)
          for (int sx = sx0; sx < sx1; sx++)
            if (sx >= 0 && sy >= 0 && (guint) sx < w && (guint) sy < h)
              ink += (255 - gray->pixels[(gsize) sy * w + sx]) / 255.0;
        ink /= (double) (sx1 - sx0) * (sy1 - sy0);
        out->pixels[(gsize) y * size + x] = ink >= 0.5 ? 0 : 255;
      }
  return out;
}

/* Share of a's ink pixels with ink of b within tolerance (Chebyshev). */
static double
near_share (const AtImage *a, const AtImage *b, int tolerance, guint *n_ink)
{
  guint w = a->width, h = a->height, ink = 0, near = 0;
  for (guint y = 0; y < h; y++)
    for (guint x = 0; x < w; x++)
      {
        if (a->pixels[(gsize) y * w + x] >= 128)
          continue;
        ink++;
        gboolean found = FALSE;
        for (int dy = -tolerance; dy <= tolerance && !found; dy++)
          for (int dx = -tolerance; dx <= tolerance && !found; dx++)
            {
              int yy = (int) y + dy, xx = (int) x + dx;
              found = yy >= 0 && xx >= 0 && (guint) yy < h && (guint) xx < w && b->pixels[(gsize) yy * w + xx] < 128;
            }
        near += found;
      }
  *n_ink = ink;
  return ink > 0 ? (double) near / ink : 0.0;
}

double
at_shape_sketch_overlap (const AtImage *a, const AtImage *b, int tolerance)
{
  g_return_val_if_fail (a->width == b->width && a->height == b->height && a->channels == 1 && b->channels == 1, 0.0);
  guint na = 0, nb = 0;
  double precision = near_share (a, b, tolerance, &na), recall = near_share (b, a, tolerance, &nb);
  return precision + recall > 0.0 ? 2.0 * precision * recall / (precision + recall) : 0.0;
}

char *
at_shape_to_svg (const AtShape *shape)
{
  g_return_val_if_fail (shape != NULL, NULL);
  GString *s = g_string_new ("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"24\" height=\"24\" "
                             "viewBox=\"0 0 24 24\" fill=\"none\" stroke=\"#000000\" stroke-width=\"2\" "
                             "stroke-linecap=\"round\" stroke-linejoin=\"round\">\n");
  g_autofree char *title = g_markup_escape_text (shape->name, -1);
  g_string_append_printf (s, "  <title>%s</title>\n", title);
  for (guint k = 0; k < shape->n_strokes; k++)
    {
      const AtShapeStroke *st = &shape->strokes[k];
      g_string_append (s, "  <polyline points=\"");
      for (guint j = 0; j < st->n_points; j++)
        {
          char x[G_ASCII_DTOSTR_BUF_SIZE], y[G_ASCII_DTOSTR_BUF_SIZE];
          g_ascii_formatd (x, sizeof x, "%.2f", st->points[j].x * 24.0f);
          g_ascii_formatd (y, sizeof y, "%.2f", st->points[j].y * 24.0f);
          g_string_append_printf (s, "%s%s,%s", j > 0 ? " " : "", x, y);
        }
      g_string_append (s, "\"/>\n");
    }
  g_string_append (s, "</svg>\n");
  return g_string_free (s, FALSE);
}
