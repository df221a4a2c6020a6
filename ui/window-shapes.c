/* window-shapes.c — the shape suggestions under the canvas: what they are
 * asked from (the prompt, or the doodle), a chosen shape becoming strokes,
 * and the shape prior in the studio's requests. */
#define G_LOG_DOMAIN "atelier-ui"

#include "ui/text-util.h"
#include "ui/window-private.h"
#include "shapes/shape-library.h"

#define DOODLE_SIDE 256   /* the doodle as the strip sees it */
#define SHAPE_MARGIN 0.1f /* a chosen shape fills the sheet but this */

static void
update_suggestions (AtWindow *self)
{
  g_autofree char *prompt = at_text_buffer_dup_text (gtk_text_view_get_buffer (self->prompt_view));
  AtImage *doodle = at_sketch_canvas_is_empty (self->canvas) ? NULL
                                                             : at_sketch_canvas_render (self->canvas, DOODLE_SIDE);
  at_shape_strip_update (self->shape_strip, prompt, doodle);
}

/* The shape as pen strokes in the current brush and colour, its unit
 * square mapped onto box (page fractions). */
static GPtrArray *
shape_strokes (AtWindow *self, const AtShape *shape, const graphene_rect_t *box)
{
  GdkRGBA rgba;
  at_sketch_canvas_get_color (self->canvas, &rgba);
  const float color[4] = { rgba.red, rgba.green, rgba.blue, rgba.alpha };
  float width = at_sketch_canvas_get_brush_size (self->canvas) / 512.0;
  GPtrArray *strokes = g_ptr_array_new_with_free_func ((GDestroyNotify) at_stroke_unref);
  for (guint k = 0; k < shape->n_strokes; k++)
    {
      AtStroke *stroke = at_stroke_new (width, color, FALSE);
      for (guint j = 0; j < shape->strokes[k].n_points; j++)
        {
          const AtShapePoint *p = &shape->strokes[k].points[j];
          at_stroke_add_point (stroke, box->origin.x + p->x * box->size.width, box->origin.y + p->y * box->size.height,
                               1.0f, 0.0f);
        }
      g_ptr_array_add (strokes, stroke);
    }
  return strokes;
}

/* The chosen shape goes into the box dragged out with the Place tool,
 * added to the drawing (its unit square stretched to the box, so the box
 * sets its proportions); without a box it replaces the drawing, fitted to
 * the sheet. One undoable step either way. */
static void
on_shape_chosen (AtWindow *self, guint index)
{
  AtShapeLibrary *lib = at_shape_library_get_default (NULL);
  if (lib == NULL || index >= at_shape_library_get_n_shapes (lib))
    return;
  const AtShape *shape = at_shape_library_get_shape (lib, index);
  graphene_rect_t box;
  if (at_sketch_canvas_get_place_box (self->canvas, &box))
    {
      g_autoptr (GPtrArray) strokes = shape_strokes (self, shape, &box);
      at_sketch_canvas_add_strokes (self->canvas, (AtStroke *const *) strokes->pdata, strokes->len);
      /* the box is used: back to drawing */
      at_sketch_canvas_set_tool (self->canvas, AT_SKETCH_TOOL_PEN);
      return;
    }
  graphene_rect_init (&box, SHAPE_MARGIN, SHAPE_MARGIN, 1.0f - 2.0f * SHAPE_MARGIN, 1.0f - 2.0f * SHAPE_MARGIN);
  g_autoptr (GPtrArray) strokes = shape_strokes (self, shape, &box);
  at_sketch_canvas_set_sketch_image (self->canvas, NULL);
  at_sketch_canvas_replace_strokes (self->canvas, (AtStroke *const *) strokes->pdata, strokes->len);
}

void
_at_window_shapes_init (AtWindow *self)
{
  g_signal_connect_swapped (self->canvas, "changed", G_CALLBACK (update_suggestions), self);
  g_signal_connect_swapped (gtk_text_view_get_buffer (self->prompt_view), "changed",
                            G_CALLBACK (update_suggestions), self);
  g_signal_connect_swapped (self->shape_strip, "shape-chosen", G_CALLBACK (on_shape_chosen), self);
}

void
_at_window_shapes_set_engine (AtWindow *self, AtEngine *engine)
{
  at_shape_strip_set_engine (self->shape_strip, self->app, engine);
  if (engine != NULL)
    update_suggestions (self);
}

void
_at_window_shapes_apply_to_request (AtWindow *self, AtRequest *r)
{
  g_free (r->shape);
  r->shape = at_shape_strip_get_use_prior (self->shape_strip) ? g_strdup ("auto") : NULL;
}

void
_at_window_shapes_report (AtWindow *self, const AtResult *res)
{
  if (res->shape == NULL)
    return;
  g_autofree char *message = g_strdup_printf ("The shape “%s” guided this image", res->shape);
  at_shape_strip_set_note (self->shape_strip, message);
}
