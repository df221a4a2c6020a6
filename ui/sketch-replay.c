/* sketch-replay.c — a drawing's first strokes on white, off screen. */
#include "media/clip.h"
#include "ui/image-util.h"
#include "ui/sketch-replay.h"

AtImage *
at_sketch_replay_render (const AtProject *project, guint n_strokes, guint side)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, side, side);
  cairo_t *cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  /* a group, so the eraser cuts through strokes and image to the paper */
  cairo_push_group (cr);
  if (project->sketch_image != NULL)
    {
      cairo_surface_t *image = at_cairo_surface_new_from_image (project->sketch_image);
      cairo_save (cr);
      cairo_scale (cr, (double) side / project->sketch_image->width, (double) side / project->sketch_image->height);
      cairo_set_source_surface (cr, image, 0, 0);
      cairo_paint (cr);
      cairo_restore (cr);
      cairo_surface_destroy (image);
    }
  guint n = MIN (n_strokes, at_stroke_list_get_n_strokes (project->strokes));
  for (guint i = 0; i < n; i++)
    at_stroke_draw (at_stroke_list_get_stroke (project->strokes, i), cr, side, TRUE);
  cairo_pop_group_to_source (cr);
  cairo_paint (cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  AtImage *img = at_image_new (side, side, 1);
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  for (guint y = 0; y < side; y++)
    {
      const guint32 *row = (const guint32 *) (data + (gsize) y * stride);
      for (guint x = 0; x < side; x++)
        {
          guint r = (row[x] >> 16) & 0xff, g = (row[x] >> 8) & 0xff, b = row[x] & 0xff;
          img->pixels[(gsize) y * side + x] = (guint8) ((299 * r + 587 * g + 114 * b + 500) / 1000);
        }
    }
  cairo_surface_destroy (surface);
  return img;
}

GPtrArray *
at_sketch_replay_steps (const AtProject *project, guint max_keys, guint side)
{
  GPtrArray *steps = g_ptr_array_new_with_free_func ((GDestroyNotify) at_image_free);
  guint n_strokes = at_stroke_list_get_n_strokes (project->strokes);
  if (n_strokes == 0)
    return steps;
  guint n = 0;
  g_autofree guint *counts = at_replay_stroke_counts (n_strokes, max_keys, &n);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (steps, at_sketch_replay_render (project, counts[i], side));
  return steps;
}
