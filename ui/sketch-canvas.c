/* sketch-canvas.c — drawing input, rendering and import for the sketch. */
#define G_LOG_DOMAIN "atelier-ui"

#include <math.h>

#include "media/mask.h"
#include "ui/image-util.h"
#include "ui/sketch-canvas-private.h"

enum {
  PROP_0,
  PROP_ERASER,
  PROP_BRUSH_SIZE,
  PROP_COLOR,
  PROP_CAN_UNDO,
  PROP_CAN_REDO,
  PROP_TOOL,
  PROP_HAS_MASK,
  PROP_MASK_FEATHER,
  PROP_UNDERLAY_OPACITY,
  PROP_UNDERLAY_VISIBLE,
  PROP_ZOOM,
  N_PROPS
};

enum {
  CHANGED,
  MASK_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (AtSketchCanvas, at_sketch_canvas, GTK_TYPE_WIDGET)

static void
emit_changed (AtSketchCanvas *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_UNDO]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_REDO]);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sketch.undo", at_stroke_list_can_undo (self->strokes));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sketch.redo", at_stroke_list_can_redo (self->strokes));
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
emit_mask_changed (AtSketchCanvas *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_MASK]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[MASK_CHANGED], 0);
}

void
_at_sketch_canvas_notify_view (AtSketchCanvas *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
at_sketch_canvas_get_page (AtSketchCanvas *self, graphene_rect_t *page)
{
  double w = gtk_widget_get_width (GTK_WIDGET (self));
  double h = gtk_widget_get_height (GTK_WIDGET (self));
  double side = MAX (1.0, MIN (w, h) - 2 * AT_SKETCH_PAGE_MARGIN) * self->zoom;
  graphene_rect_init (page, (w - side) / 2 + self->pan_x, (h - side) / 2 + self->pan_y, side, side);
}

/* The imported sketch rides in the stroke list's states as a cairo
 * surface (so that importing, clearing and undoing it are steps like
 * strokes) with its AtImage attached. */
static const cairo_user_data_key_t image_key;

static cairo_surface_t *
sketch_surface_new (const AtImage *img)
{
  cairo_surface_t *surface = at_cairo_surface_new_from_image (img);
  cairo_surface_set_user_data (surface, &image_key, at_image_copy (img), (cairo_destroy_func_t) at_image_free);
  return surface;
}

/* The ink layer: the imported sketch and the strokes, with eraser strokes
 * cutting through both to the paper. */
static void
draw_ink (AtSketchCanvas *self, cairo_t *cr, double side, gboolean ink_only)
{
  cairo_push_group (cr);
  at_stroke_list_draw (self->strokes, cr, side, ink_only);
  if (self->current != NULL)
    at_stroke_draw (self->current, cr, side, ink_only);
  cairo_pop_group_to_source (cr);
  cairo_paint (cr);
}

static void
draw_image_over_page (cairo_surface_t *surface, const AtImage *img, cairo_t *cr, double side, double alpha)
{
  cairo_save (cr);
  cairo_scale (cr, side / img->width, side / img->height);
  cairo_set_source_surface (cr, surface, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
  cairo_paint_with_alpha (cr, alpha);
  cairo_restore (cr);
}

/* The rectangle being dragged out, dashed black on white. */
static void
draw_rect_outline (AtSketchCanvas *self, cairo_t *cr, double side)
{
  double x = MIN (self->mask_x0, self->mask_x1) * side, y = MIN (self->mask_y0, self->mask_y1) * side;
  double w = fabs (self->mask_x1 - self->mask_x0) * side, h = fabs (self->mask_y1 - self->mask_y0) * side;
  cairo_rectangle (cr, x + 0.5, y + 0.5, w, h);
  cairo_set_line_width (cr, 1);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_stroke_preserve (cr);
  cairo_set_dash (cr, (double[]) { 4, 4 }, 2, 0);
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_stroke (cr);
}

static void
at_sketch_canvas_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  AtSketchCanvas *self = AT_SKETCH_CANVAS (widget);
  graphene_rect_t page, bounds, visible;
  at_sketch_canvas_get_page (self, &page);
  graphene_rect_init (&bounds, 0, 0, gtk_widget_get_width (widget), gtk_widget_get_height (widget));
  if (!graphene_rect_intersection (&page, &bounds, &visible))
    return;
  gtk_snapshot_push_clip (snapshot, &bounds);

  /* a soft shadow lifts the sheet off the window in both styles */
  GskRoundedRect outline;
  gsk_rounded_rect_init_from_rect (&outline, &page, 2);
  gtk_snapshot_append_outset_shadow (snapshot, &outline, &(GdkRGBA) { 0, 0, 0, 0.3 }, 0, 1, 0, 6);

  /* drawn only where the zoomed sheet shows */
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &visible);
  cairo_translate (cr, page.origin.x, page.origin.y);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  gboolean masking = self->tool == AT_SKETCH_TOOL_MASK_BRUSH || self->tool == AT_SKETCH_TOOL_MASK_RECT;
  if (masking && self->backdrop_surface != NULL)
    draw_image_over_page (self->backdrop_surface, self->backdrop, cr, page.size.width, 1.0);
  else if (self->underlay_surface != NULL && self->underlay_visible)
    draw_image_over_page (self->underlay_surface, self->underlay, cr, page.size.width, self->underlay_opacity);
  /* with a mask tool over a result, the ink is only a faint guide */
  cairo_push_group (cr);
  draw_ink (self, cr, page.size.width, FALSE);
  cairo_pop_group_to_source (cr);
  cairo_paint_with_alpha (cr, masking && self->backdrop_surface != NULL ? 0.3 : 1.0);
  at_sketch_mask_draw (self->mask, cr, page.size.width);
  if ((self->masking && self->tool == AT_SKETCH_TOOL_MASK_RECT) ||
      (self->tool == AT_SKETCH_TOOL_PLACE && (self->masking || self->has_place_box)))
    draw_rect_outline (self, cr, page.size.width);
  cairo_destroy (cr);

  /* the brush's footprint under the pointer, visible on ink and paper */
  if (self->pointer_inside && (self->tool == AT_SKETCH_TOOL_PEN || self->tool == AT_SKETCH_TOOL_MASK_BRUSH))
    {
      double r = MAX (1.0, self->brush_size / AT_SKETCH_REFERENCE_SIDE * page.size.width / 2);
      graphene_rect_t ring = GRAPHENE_RECT_INIT ((float) (self->pointer_x - r - 2), (float) (self->pointer_y - r - 2),
                                                 (float) (2 * r + 4), (float) (2 * r + 4));
      cairo_t *rc = gtk_snapshot_append_cairo (snapshot, &ring);
      cairo_arc (rc, self->pointer_x, self->pointer_y, r, 0, 2 * G_PI);
      cairo_set_line_width (rc, 1);
      cairo_set_source_rgba (rc, 1, 1, 1, 0.8);
      cairo_stroke_preserve (rc);
      cairo_set_dash (rc, (double[]) { 2, 2 }, 2, 0);
      cairo_set_source_rgba (rc, 0, 0, 0, 0.8);
      cairo_stroke (rc);
      cairo_destroy (rc);
    }
  gtk_snapshot_pop (snapshot);
}

static void
pointer_moved (GtkEventControllerMotion *motion, double x, double y, AtSketchCanvas *self)
{
  self->pointer_inside = TRUE;
  self->pointer_x = x, self->pointer_y = y;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
pointer_left (GtkEventControllerMotion *motion, AtSketchCanvas *self)
{
  self->pointer_inside = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* The ink layer on white paper as a cairo RGB24 surface. */
static cairo_surface_t *
render_surface (AtSketchCanvas *self, guint side, gboolean ink_only)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, side, side);
  cairo_t *cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  draw_ink (self, cr, side, ink_only);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

/* Copies an RGB24 surface into an AtImage of 1 channel (luma) or 3. */
static AtImage *
image_from_surface (cairo_surface_t *surface, guint channels)
{
  guint w = cairo_image_surface_get_width (surface), h = cairo_image_surface_get_height (surface);
  AtImage *img = at_image_new (w, h, channels);
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  for (guint y = 0; y < h; y++)
    {
      const guint32 *row = (const guint32 *) (data + (gsize) y * stride);
      for (guint x = 0; x < w; x++)
        {
          guint32 px = row[x];
          guint r = (px >> 16) & 0xff, g = (px >> 8) & 0xff, b = px & 0xff;
          guint8 *d = img->pixels + ((gsize) y * w + x) * channels;
          if (channels == 1)
            d[0] = (guint8) ((299 * r + 587 * g + 114 * b + 500) / 1000);
          else
            d[0] = r, d[1] = g, d[2] = b;
        }
    }
  return img;
}

AtImage *
at_sketch_canvas_render (AtSketchCanvas *self, guint side)
{
  g_return_val_if_fail (AT_IS_SKETCH_CANVAS (self), NULL);
  g_return_val_if_fail (side > 0, NULL);
  cairo_surface_t *surface = render_surface (self, side, TRUE);
  AtImage *img = image_from_surface (surface, 1);
  cairo_surface_destroy (surface);
  return img;
}

/* Whether a pen stroke's colour is a colour rather than a grey (the same
 * threshold as the engine's colour hint, about 8% chroma). */
static gboolean
has_coloured_ink (AtSketchCanvas *self)
{
  for (guint i = 0; i < at_stroke_list_get_n_strokes (self->strokes); i++)
    {
      const AtStroke *s = at_stroke_list_get_stroke (self->strokes, i);
      float hi = MAX (s->color[0], MAX (s->color[1], s->color[2]));
      float lo = MIN (s->color[0], MIN (s->color[1], s->color[2]));
      if (!s->eraser && (hi - lo) * s->color[3] > 0.08f)
        return TRUE;
    }
  const AtImage *base = at_sketch_canvas_get_sketch_image (self);
  return base != NULL && base->channels >= 3;
}

AtImage *
at_sketch_canvas_render_for_request (AtSketchCanvas *self, guint side)
{
  g_return_val_if_fail (AT_IS_SKETCH_CANVAS (self), NULL);
  if (!has_coloured_ink (self))
    return at_sketch_canvas_render (self, side);
  cairo_surface_t *surface = render_surface (self, side, FALSE);
  AtImage *img = image_from_surface (surface, 3);
  cairo_surface_destroy (surface);
  return img;
}

static void
to_page (AtSketchCanvas *self, double x, double y, float *px, float *py)
{
  graphene_rect_t page;
  at_sketch_canvas_get_page (self, &page);
  *px = (float) ((x - page.origin.x) / page.size.width);
  *py = (float) ((y - page.origin.y) / page.size.height);
}

gboolean
at_sketch_canvas_is_on_page (AtSketchCanvas *self, double x, double y)
{
  graphene_rect_t page;
  at_sketch_canvas_get_page (self, &page);
  return graphene_rect_contains_point (&page, &GRAPHENE_POINT_INIT ((float) x, (float) y));
}

/* A mask line follows the pointer; a rectangle moves its far corner. */
static void
extend_mask (AtSketchCanvas *self, double x, double y)
{
  float px, py;
  to_page (self, x, y, &px, &py);
  if (self->tool == AT_SKETCH_TOOL_MASK_BRUSH)
    at_sketch_mask_line (self->mask, self->mask_x1, self->mask_y1, px, py,
                         self->brush_size / AT_SKETCH_REFERENCE_SIDE, self->eraser);
  else   /* the rectangle stays on the sheet */
    px = CLAMP (px, 0.0f, 1.0f), py = CLAMP (py, 0.0f, 1.0f);
  self->mask_x1 = px, self->mask_y1 = py;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
at_sketch_canvas_begin_stroke (AtSketchCanvas *self, double x, double y, double pressure)
{
  g_return_if_fail (AT_IS_SKETCH_CANVAS (self));
  g_clear_pointer (&self->current, at_stroke_unref);
  self->masking = FALSE;
  /* a press beside the sheet is not a stroke: nothing to undo, no run */
  if (!at_sketch_canvas_is_on_page (self, x, y))
    return;
  if (self->tool != AT_SKETCH_TOOL_PEN)
    {
      float px, py;
      to_page (self, x, y, &px, &py);
      self->masking = TRUE;
      self->mask_x0 = self->mask_x1 = px;
      self->mask_y0 = self->mask_y1 = py;
      self->has_place_box = FALSE;
      if (self->tool == AT_SKETCH_TOOL_MASK_BRUSH)
        at_sketch_mask_line (self->mask, px, py, px, py, self->brush_size / AT_SKETCH_REFERENCE_SIDE, self->eraser);
      gtk_widget_queue_draw (GTK_WIDGET (self));
      return;
    }
  float color[4] = { self->color.red, self->color.green, self->color.blue, self->color.alpha };
  self->current = at_stroke_new (self->brush_size / AT_SKETCH_REFERENCE_SIDE, color, self->eraser);
  self->current_start_us = g_get_monotonic_time ();
  at_sketch_canvas_extend_stroke (self, x, y, pressure);
}

void
at_sketch_canvas_extend_stroke (AtSketchCanvas *self, double x, double y, double pressure)
{
  g_return_if_fail (AT_IS_SKETCH_CANVAS (self));
  if (self->masking)
    {
      extend_mask (self, x, y);
      return;
    }
  if (self->current == NULL)
    return;
  float px, py;
  to_page (self, x, y, &px, &py);
  guint n = at_stroke_get_n_points (self->current);
  if (n > 0)
    {
      /* skip samples closer than a fraction of a pixel; they only add weight */
      const AtStrokePoint *last = at_stroke_get_point (self->current, n - 1);
      if (fabsf (last->x - px) < 0.0008f && fabsf (last->y - py) < 0.0008f)
        return;
    }
  float t = (g_get_monotonic_time () - self->current_start_us) / 1000.0f;
  at_stroke_add_point (self->current, px, py, (float) pressure, t);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
at_sketch_canvas_end_stroke (AtSketchCanvas *self)
{
  g_return_if_fail (AT_IS_SKETCH_CANVAS (self));
  if (self->masking)
    {
      self->masking = FALSE;
      if (self->tool == AT_SKETCH_TOOL_PLACE)
        {
          /* a click without a drag is no box */
          self->has_place_box = fabs (self->mask_x1 - self->mask_x0) > 0.01 && fabs (self->mask_y1 - self->mask_y0) > 0.01;
          gtk_widget_queue_draw (GTK_WIDGET (self));
          return;
        }
      if (self->tool == AT_SKETCH_TOOL_MASK_RECT)
        at_sketch_mask_rect (self->mask, self->mask_x0, self->mask_y0, self->mask_x1, self->mask_y1);
      emit_mask_changed (self);
      return;
    }
  if (self->current == NULL)
    return;
  g_autoptr (AtStroke) stroke = g_steal_pointer (&self->current);
  at_stroke_list_append (self->strokes, stroke);
  emit_changed (self);
}

/* --- gestures ------------------------------------------------------------ */

static double
stylus_pressure (GtkGestureStylus *gesture)
{
  double pressure = 1.0;
  if (!gtk_gesture_stylus_get_axis (gesture, GDK_AXIS_PRESSURE, &pressure))
    return 1.0;
  return pressure;
}

static void
stylus_down (GtkGestureStylus *gesture, double x, double y, AtSketchCanvas *self)
{
  at_sketch_canvas_begin_stroke (self, x, y, stylus_pressure (gesture));
}

static void
stylus_motion (GtkGestureStylus *gesture, double x, double y, AtSketchCanvas *self)
{
  at_sketch_canvas_extend_stroke (self, x, y, stylus_pressure (gesture));
}

static void
stylus_up (GtkGestureStylus *gesture, double x, double y, AtSketchCanvas *self)
{
  at_sketch_canvas_extend_stroke (self, x, y, stylus_pressure (gesture));
  at_sketch_canvas_end_stroke (self);
}

static gboolean
event_is_pen (GtkGesture *gesture)
{
  GdkEvent *event = gtk_event_controller_get_current_event (GTK_EVENT_CONTROLLER (gesture));
  GdkDevice *device = event != NULL ? gdk_event_get_device (event) : NULL;
  return device != NULL && gdk_device_get_source (device) == GDK_SOURCE_PEN;
}

static void
drag_begin (GtkGestureDrag *gesture, double x, double y, AtSketchCanvas *self)
{
  if (event_is_pen (GTK_GESTURE (gesture)))   /* the stylus gesture has it */
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  self->drag_x = x, self->drag_y = y;
  gtk_widget_grab_focus (GTK_WIDGET (self));
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));
  if (_at_sketch_canvas_pan_begin (self, x, y, button == GDK_BUTTON_MIDDLE))
    return;
  if (button == GDK_BUTTON_PRIMARY)
    at_sketch_canvas_begin_stroke (self, x, y, 1.0);
}

static void
drag_update (GtkGestureDrag *gesture, double dx, double dy, AtSketchCanvas *self)
{
  if (self->panning)
    _at_sketch_canvas_pan_update (self, dx, dy);
  else
    at_sketch_canvas_extend_stroke (self, self->drag_x + dx, self->drag_y + dy, 1.0);
}

static void
drag_end (GtkGestureDrag *gesture, double dx, double dy, AtSketchCanvas *self)
{
  if (self->panning)
    {
      self->panning = FALSE;
      return;
    }
  at_sketch_canvas_extend_stroke (self, self->drag_x + dx, self->drag_y + dy, 1.0);
  at_sketch_canvas_end_stroke (self);
}

static gboolean
on_drop (GtkDropTarget *target, const GValue *value, double x, double y, AtSketchCanvas *self)
{
  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;
  GSList *files = gdk_file_list_get_files (g_value_get_boxed (value));
  if (files == NULL)
    return FALSE;
  g_autoptr (GError) error = NULL;
  /* dropped images become the sketch; the Import menu offers the underlay */
  gboolean ok = at_sketch_canvas_import (self, files->data, FALSE, &error);
  g_slist_free (files);
  if (!ok)
    {
      GtkWidget *window = gtk_widget_get_ancestor (GTK_WIDGET (self), GTK_TYPE_WINDOW);
      g_autofree char *msg = g_strdup_printf ("Could not use the dropped file: %s", error->message);
      gtk_widget_activate_action (window != NULL ? window : GTK_WIDGET (self), "win.show-toast", "s", msg);
    }
  return ok;
}

/* --- public API ---------------------------------------------------------- */

AtStrokeList *
at_sketch_canvas_get_strokes (AtSketchCanvas *self)
{
  g_return_val_if_fail (AT_IS_SKETCH_CANVAS (self), NULL);
  return self->strokes;
}

void
at_sketch_canvas_set_strokes (AtSketchCanvas *self, AtStrokeList *list)
{
  g_return_if_fail (AT_IS_SKETCH_CANVAS (self));
  g_return_if_fail (list != NULL);
  g_clear_pointer (&self->current, at_stroke_unref);
  g_clear_pointer (&self->strokes, at_stroke_list_free);
  self->strokes = list;
  /* a mask belongs to the drawing it was painted for */
  if (!at_sketch_mask_is_empty (self->mask))
    at_sketch_canvas_clear_mask (self);
  emit_changed (self);
}

gboolean
at_sketch_canvas_get_eraser (AtSketchCanvas *self)
{
  return self->eraser;
}

void
at_sketch_canvas_set_eraser (AtSketchCanvas *self, gboolean eraser)
{
  g_return_if_fail (AT_IS_SKETCH_CANVAS (self));
  if (self->eraser == !!eraser)
    return;
  self->eraser = !!eraser;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERASER]);
}

double
at_sketch_canvas_get_brush_size (AtSketchCanvas *self)
{
  return self->brush_size;
}

void
at_sketch_canvas_set_brush_size (AtSketchCanvas *self, double size)
{
  g_return_if_fail (AT_IS_SKETCH_CANVAS (self));
  size = CLAMP (size, 1.0, 128.0);
  if (self->brush_size == size)
    return;
  self->brush_size = size;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BRUSH_SIZE]);
}

void
at_sketch_canvas_get_color (AtSketchCanvas *self, GdkRGBA *color)
{
  *color = self->color;
}

void
at_sketch_canvas_set_color (AtSketchCanvas *self, const GdkRGBA *color)
{
  g_return_if_fail (AT_IS_SKETCH_CANVAS (self));
  g_return_if_fail (color != NULL);
  if (gdk_rgba_equal (&self->color, color))
    return;
  self->color = *color;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COLOR]);
}

void
at_sketch_canvas_undo (AtSketchCanvas *self)
{
  g_return_if_fail (AT_IS_SKETCH_CANVAS (self));
  if (at_stroke_list_undo (self->strokes))
    emit_changed (self);
}

void
at_sketch_canvas_redo (AtSketchCanvas *self)
{
  g_return_if_fail (AT_IS_SKETCH_CANVAS (self));
  if (at_stroke_list_redo (self->strokes))
    emit_changed (self);
}

static void
set_image (AtImage **img, cairo_surface_t **surface, const AtImage *value)
{
  g_clear_pointer (img, at_image_free);
  g_clear_pointer (surface, cairo_surface_destroy);
  if (value != NULL)
    {
      *img = at_image_copy (value);
      *surface = at_cairo_surface_new_from_image (value);
    }
}

void
at_sketch_canvas_clear (AtSketchCanvas *self)
{
  g_return_if_fail (AT_IS_SKETCH_CANVAS (self));
  at_stroke_list_clear (self->strokes);
  emit_changed (self);
}

void
at_sketch_canvas_replace_strokes (AtSketchCanvas *self, AtStroke *const *strokes, guint n)
{
  g_return_if_fail (AT_IS_SKETCH_CANVAS (self));
  at_stroke_list_replace_strokes (self->strokes, strokes, n);
  emit_changed (self);
}

void
at_sketch_canvas_add_strokes (AtSketchCanvas *self, AtStroke *const *strokes, guint n)
{
  g_return_if_fail (AT_IS_SKETCH_CANVAS (self));
  at_stroke_list_append_strokes (self->strokes, strokes, n);
  emit_changed (self);
}

gboolean
at_sketch_canvas_get_place_box (AtSketchCanvas *self, graphene_rect_t *box)
{
  g_return_val_if_fail (AT_IS_SKETCH_CANVAS (self), FALSE);
  if (self->tool != AT_SKETCH_TOOL_PLACE || !self->has_place_box)
    return FALSE;
  graphene_rect_init (box, (float) MIN (self->mask_x0, self->mask_x1), (float) MIN (self->mask_y0, self->mask_y1),
                      (float) fabs (self->mask_x1 - self->mask_x0), (float) fabs (self->mask_y1 - self->mask_y0));
  return TRUE;
}

gboolean
at_sketch_canvas_is_empty (AtSketchCanvas *self)
{
  g_return_val_if_fail (AT_IS_SKETCH_CANVAS (self), TRUE);
  return at_stroke_list_get_base (self->strokes) == NULL && at_stroke_list_get_n_strokes (self->strokes) == 0;
}

void
at_sketch_canvas_set_sketch_image (AtSketchCanvas *self, const AtImage *img)
{
  g_return_if_fail (AT_IS_SKETCH_CANVAS (self));
  cairo_surface_t *surface = img != NULL ? sketch_surface_new (img) : NULL;
  at_stroke_list_set_base (self->strokes, surface);
  g_clear_pointer (&surface, cairo_surface_destroy);
  emit_changed (self);
}

const AtImage *
at_sketch_canvas_get_sketch_image (AtSketchCanvas *self)
{
  g_return_val_if_fail (AT_IS_SKETCH_CANVAS (self), NULL);
  cairo_surface_t *base = at_stroke_list_get_base (self->strokes);
  return base != NULL ? cairo_surface_get_user_data (base, &image_key) : NULL;
}

/* One undoable step, as a stroke is. */
static void
import_sketch_image (AtSketchCanvas *self, const AtImage *img)
{
  cairo_surface_t *surface = sketch_surface_new (img);
  at_stroke_list_import_base (self->strokes, surface);
  cairo_surface_destroy (surface);
  emit_changed (self);
}

void
at_sketch_canvas_set_underlay (AtSketchCanvas *self, const AtImage *img)
{
  g_return_if_fail (AT_IS_SKETCH_CANVAS (self));
  set_image (&self->underlay, &self->underlay_surface, img);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const AtImage *
at_sketch_canvas_get_underlay (AtSketchCanvas *self)
{
  return self->underlay;
}

double
at_sketch_canvas_get_underlay_opacity (AtSketchCanvas *self)
{
  return self->underlay_opacity;
}

void
at_sketch_canvas_set_underlay_opacity (AtSketchCanvas *self, double opacity)
{
  g_return_if_fail (AT_IS_SKETCH_CANVAS (self));
  opacity = CLAMP (opacity, 0.0, 1.0);
  if (self->underlay_opacity == opacity)
    return;
  self->underlay_opacity = opacity;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNDERLAY_OPACITY]);
}

gboolean
at_sketch_canvas_get_underlay_visible (AtSketchCanvas *self)
{
  return self->underlay_visible;
}

void
at_sketch_canvas_set_underlay_visible (AtSketchCanvas *self, gboolean visible)
{
  g_return_if_fail (AT_IS_SKETCH_CANVAS (self));
  if (self->underlay_visible == !!visible)
    return;
  self->underlay_visible = !!visible;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNDERLAY_VISIBLE]);
}

/* --- mask ---------------------------------------------------------------- */

AtSketchTool
at_sketch_canvas_get_tool (AtSketchCanvas *self)
{
  return self->tool;
}

void
at_sketch_canvas_set_tool (AtSketchCanvas *self, AtSketchTool tool)
{
  g_return_if_fail (AT_IS_SKETCH_CANVAS (self));
  g_return_if_fail (tool <= AT_SKETCH_TOOL_PLACE);
  if (self->tool == tool)
    return;
  self->tool = tool;
  self->masking = FALSE;
  self->has_place_box = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOOL]);
}

gboolean
at_sketch_canvas_has_mask (AtSketchCanvas *self)
{
  g_return_val_if_fail (AT_IS_SKETCH_CANVAS (self), FALSE);
  return !at_sketch_mask_is_empty (self->mask);
}

AtImage *
at_sketch_canvas_get_mask (AtSketchCanvas *self, guint width, guint height)
{
  g_return_val_if_fail (AT_IS_SKETCH_CANVAS (self), NULL);
  if (at_sketch_mask_is_empty (self->mask))
    return NULL;
  return at_sketch_mask_to_image (self->mask, width, height);
}

void
at_sketch_canvas_clear_mask (AtSketchCanvas *self)
{
  g_return_if_fail (AT_IS_SKETCH_CANVAS (self));
  at_sketch_mask_clear (self->mask);
  emit_mask_changed (self);
}

double
at_sketch_canvas_get_mask_feather (AtSketchCanvas *self)
{
  return self->mask_feather;
}

void
at_sketch_canvas_set_mask_feather (AtSketchCanvas *self, double feather)
{
  g_return_if_fail (AT_IS_SKETCH_CANVAS (self));
  feather = CLAMP (feather, 0.0, AT_MASK_MAX_FEATHER);
  if (self->mask_feather == feather)
    return;
  self->mask_feather = feather;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MASK_FEATHER]);
}

void
at_sketch_canvas_set_mask_backdrop (AtSketchCanvas *self, const AtImage *img)
{
  g_return_if_fail (AT_IS_SKETCH_CANVAS (self));
  set_image (&self->backdrop, &self->backdrop_surface, img);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
at_sketch_canvas_import (AtSketchCanvas *self, GFile *file, gboolean as_underlay, GError **error)
{
  g_return_val_if_fail (AT_IS_SKETCH_CANVAS (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  g_autoptr (AtImage) img = at_image_load_any (file, error);
  if (img == NULL)
    return FALSE;
  if (as_underlay)
    at_sketch_canvas_set_underlay (self, img);
  else
    import_sketch_image (self, img);
  return TRUE;
}

/* --- GObject ------------------------------------------------------------- */

static void
sketch_action (GtkWidget *widget, const char *name, GVariant *param)
{
  AtSketchCanvas *self = AT_SKETCH_CANVAS (widget);
  if (g_str_equal (name, "sketch.undo"))
    at_sketch_canvas_undo (self);
  else if (g_str_equal (name, "sketch.redo"))
    at_sketch_canvas_redo (self);
  else if (g_str_equal (name, "sketch.clear"))
    at_sketch_canvas_clear (self);
  else if (g_str_equal (name, "sketch.brush-larger"))
    at_sketch_canvas_step_brush_size (self, +1);
  else if (g_str_equal (name, "sketch.brush-smaller"))
    at_sketch_canvas_step_brush_size (self, -1);
  else if (g_str_equal (name, "sketch.zoom-fit"))
    at_sketch_canvas_zoom_fit (self);
  else if (g_str_equal (name, "sketch.zoom-actual"))
    at_sketch_canvas_zoom_actual (self);
  else if (g_str_equal (name, "sketch.clear-mask"))
    at_sketch_canvas_clear_mask (self);
}

static void
at_sketch_canvas_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                          int *minimum, int *natural, int *minimum_baseline, int *natural_baseline)
{
  *minimum = 160;
  *natural = 480;
}

static void
at_sketch_canvas_dispose (GObject *object)
{
  AtSketchCanvas *self = AT_SKETCH_CANVAS (object);
  g_clear_pointer (&self->current, at_stroke_unref);
  G_OBJECT_CLASS (at_sketch_canvas_parent_class)->dispose (object);
}

static void
at_sketch_canvas_finalize (GObject *object)
{
  AtSketchCanvas *self = AT_SKETCH_CANVAS (object);
  g_clear_pointer (&self->strokes, at_stroke_list_free);
  g_clear_pointer (&self->underlay, at_image_free);
  g_clear_pointer (&self->backdrop, at_image_free);
  g_clear_pointer (&self->backdrop_surface, cairo_surface_destroy);
  g_clear_pointer (&self->mask, at_sketch_mask_free);
  g_clear_pointer (&self->underlay_surface, cairo_surface_destroy);
  G_OBJECT_CLASS (at_sketch_canvas_parent_class)->finalize (object);
}

static void
at_sketch_canvas_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  AtSketchCanvas *self = AT_SKETCH_CANVAS (object);
  switch (prop_id)
    {
    case PROP_ERASER:
      g_value_set_boolean (value, self->eraser);
      break;
    case PROP_BRUSH_SIZE:
      g_value_set_double (value, self->brush_size);
      break;
    case PROP_COLOR:
      g_value_set_boxed (value, &self->color);
      break;
    case PROP_CAN_UNDO:
      g_value_set_boolean (value, at_stroke_list_can_undo (self->strokes));
      break;
    case PROP_CAN_REDO:
      g_value_set_boolean (value, at_stroke_list_can_redo (self->strokes));
      break;
    case PROP_TOOL:
      g_value_set_int (value, self->tool);
      break;
    case PROP_HAS_MASK:
      g_value_set_boolean (value, at_sketch_canvas_has_mask (self));
      break;
    case PROP_MASK_FEATHER:
      g_value_set_double (value, self->mask_feather);
      break;
    case PROP_UNDERLAY_OPACITY:
      g_value_set_double (value, self->underlay_opacity);
      break;
    case PROP_UNDERLAY_VISIBLE:
      g_value_set_boolean (value, self->underlay_visible);
      break;
    case PROP_ZOOM:
      g_value_set_double (value, self->zoom);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
at_sketch_canvas_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  AtSketchCanvas *self = AT_SKETCH_CANVAS (object);
  switch (prop_id)
    {
    case PROP_ERASER:
      at_sketch_canvas_set_eraser (self, g_value_get_boolean (value));
      break;
    case PROP_BRUSH_SIZE:
      at_sketch_canvas_set_brush_size (self, g_value_get_double (value));
      break;
    case PROP_COLOR:
      if (g_value_get_boxed (value) != NULL)
        at_sketch_canvas_set_color (self, g_value_get_boxed (value));
      break;
    case PROP_TOOL:
      at_sketch_canvas_set_tool (self, g_value_get_int (value));
      break;
    case PROP_MASK_FEATHER:
      at_sketch_canvas_set_mask_feather (self, g_value_get_double (value));
      break;
    case PROP_UNDERLAY_OPACITY:
      at_sketch_canvas_set_underlay_opacity (self, g_value_get_double (value));
      break;
    case PROP_UNDERLAY_VISIBLE:
      at_sketch_canvas_set_underlay_visible (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
at_sketch_canvas_class_init (AtSketchCanvasClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = at_sketch_canvas_dispose;
  object_class->finalize = at_sketch_canvas_finalize;
  object_class->get_property = at_sketch_canvas_get_property;
  object_class->set_property = at_sketch_canvas_set_property;
  widget_class->snapshot = at_sketch_canvas_snapshot;
  widget_class->measure = at_sketch_canvas_measure;

  properties[PROP_ERASER] = g_param_spec_boolean ("eraser", NULL, NULL, FALSE,
                                                  G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BRUSH_SIZE] = g_param_spec_double ("brush-size", NULL, NULL, 1, 128, 8,
                                                     G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_COLOR] = g_param_spec_boxed ("color", NULL, NULL, GDK_TYPE_RGBA,
                                               G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_UNDO] = g_param_spec_boolean ("can-undo", NULL, NULL, FALSE,
                                                    G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_REDO] = g_param_spec_boolean ("can-redo", NULL, NULL, FALSE,
                                                    G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TOOL] = g_param_spec_int ("tool", NULL, NULL, AT_SKETCH_TOOL_PEN, AT_SKETCH_TOOL_PLACE,
                                           AT_SKETCH_TOOL_PEN,
                                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HAS_MASK] = g_param_spec_boolean ("has-mask", NULL, NULL, FALSE,
                                                    G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_MASK_FEATHER] = g_param_spec_double ("mask-feather", NULL, NULL, 0, AT_MASK_MAX_FEATHER,
                                                       AT_MASK_DEFAULT_FEATHER,
                                                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_UNDERLAY_OPACITY] = g_param_spec_double ("underlay-opacity", NULL, NULL, 0, 1, 0.25,
                                                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_UNDERLAY_VISIBLE] = g_param_spec_boolean ("underlay-visible", NULL, NULL, TRUE,
                                                            G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ZOOM] = g_param_spec_double ("zoom", NULL, NULL, 0.05, 64, 1,
                                               G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[MASK_CHANGED] = g_signal_new ("mask-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_install_action (widget_class, "sketch.undo", NULL, sketch_action);
  gtk_widget_class_install_action (widget_class, "sketch.redo", NULL, sketch_action);
  gtk_widget_class_install_action (widget_class, "sketch.clear", NULL, sketch_action);
  gtk_widget_class_install_action (widget_class, "sketch.brush-larger", NULL, sketch_action);
  gtk_widget_class_install_action (widget_class, "sketch.brush-smaller", NULL, sketch_action);
  gtk_widget_class_install_action (widget_class, "sketch.zoom-fit", NULL, sketch_action);
  gtk_widget_class_install_action (widget_class, "sketch.zoom-actual", NULL, sketch_action);
  gtk_widget_class_install_action (widget_class, "sketch.clear-mask", NULL, sketch_action);
  /* [ and ] as in Krita and Photoshop, while the sheet has the focus */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_bracketright, 0, "sketch.brush-larger", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_bracketleft, 0, "sketch.brush-smaller", NULL);
  gtk_widget_class_set_css_name (widget_class, "sketchcanvas");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
at_sketch_canvas_init (AtSketchCanvas *self)
{
  self->strokes = at_stroke_list_new ();
  self->brush_size = 8;
  self->color = (GdkRGBA) { 0.1, 0.1, 0.12, 1 };
  self->underlay_opacity = 0.25;
  self->underlay_visible = TRUE;
  self->mask = at_sketch_mask_new (AT_SKETCH_REFERENCE_SIDE);
  self->mask_feather = AT_MASK_DEFAULT_FEATHER;
  self->zoom = 1.0;
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "crosshair");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, "Sketch canvas", -1);

  self->stylus = gtk_gesture_stylus_new ();
  g_signal_connect (self->stylus, "down", G_CALLBACK (stylus_down), self);
  g_signal_connect (self->stylus, "motion", G_CALLBACK (stylus_motion), self);
  g_signal_connect (self->stylus, "up", G_CALLBACK (stylus_up), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (self->stylus));

  self->drag = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (self->drag), 0);   /* primary draws, middle pans */
  g_signal_connect (self->drag, "drag-begin", G_CALLBACK (drag_begin), self);
  g_signal_connect (self->drag, "drag-update", G_CALLBACK (drag_update), self);
  g_signal_connect (self->drag, "drag-end", G_CALLBACK (drag_end), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (self->drag));

  GtkEventController *motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "enter", G_CALLBACK (pointer_moved), self);
  g_signal_connect (motion, "motion", G_CALLBACK (pointer_moved), self);
  g_signal_connect (motion, "leave", G_CALLBACK (pointer_left), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  GtkDropTarget *drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sketch.undo", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sketch.redo", FALSE);
  _at_sketch_canvas_init_view (self);
}

GtkWidget *
at_sketch_canvas_new (void)
{
  return g_object_new (AT_TYPE_SKETCH_CANVAS, NULL);
}
