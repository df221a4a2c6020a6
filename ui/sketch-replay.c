/* sketch-replay.c — a drawing's first strokes on white, off screen. */
#include "media/clip.h"
#include "media/image-cairo.h"
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
      cairo_surface_t *image = at_image_to_cairo_surface (project->sketch_image);
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

  g_autoptr (AtImage) rgb = at_image_from_cairo_surface (surface);
  AtImage *img = at_image_to_gray (rgb);
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
