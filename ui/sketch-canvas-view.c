/* sketch-canvas-view.c — zoom, pan and brush-size keys for the sheet.
 *
 * Zoom 1 fits the sheet to the widget; the view keeps the sheet point
 * under the pointer in place as it zooms, as image editors do. */
#define G_LOG_DOMAIN "atelier-ui"

#include <math.h>

#include "ui/sketch-canvas-private.h"

#define MIN_ZOOM 0.25
#define MAX_ZOOM 32.0
#define WHEEL_STEP 1.15    /* zoom factor per wheel notch */
#define BRUSH_STEP 1.25    /* size factor per [ or ] */

double
at_sketch_canvas_get_zoom (AtSketchCanvas *self)
{
  g_return_val_if_fail (AT_IS_SKETCH_CANVAS (self), 1.0);
  return self->zoom;
}

void
at_sketch_canvas_zoom_at (AtSketchCanvas *self, double zoom, double x, double y)
{
  g_return_if_fail (AT_IS_SKETCH_CANVAS (self));
  zoom = CLAMP (zoom, MIN_ZOOM, MAX_ZOOM);
  graphene_rect_t page;
  at_sketch_canvas_get_page (self, &page);
  /* the sheet point under (x, y), as a fraction of the sheet */
  double fx = (x - page.origin.x) / page.size.width, fy = (y - page.origin.y) / page.size.height;
  double side = page.size.width / self->zoom * zoom;
  double w = gtk_widget_get_width (GTK_WIDGET (self)), h = gtk_widget_get_height (GTK_WIDGET (self));
  self->zoom = zoom;
  self->pan_x = x - fx * side - (w - side) / 2;
  self->pan_y = y - fy * side - (h - side) / 2;
  _at_sketch_canvas_notify_view (self);
}

void
at_sketch_canvas_zoom_fit (AtSketchCanvas *self)
{
  g_return_if_fail (AT_IS_SKETCH_CANVAS (self));
  self->zoom = 1.0;
  self->pan_x = self->pan_y = 0;
  _at_sketch_canvas_notify_view (self);
}

void
at_sketch_canvas_zoom_actual (AtSketchCanvas *self)
{
  g_return_if_fail (AT_IS_SKETCH_CANVAS (self));
  double w = gtk_widget_get_width (GTK_WIDGET (self)), h = gtk_widget_get_height (GTK_WIDGET (self));
  double fit = MAX (1.0, MIN (w, h) - 2 * AT_SKETCH_PAGE_MARGIN);
  self->zoom = CLAMP (AT_SKETCH_REFERENCE_SIDE / fit, MIN_ZOOM, MAX_ZOOM);
  self->pan_x = self->pan_y = 0;
  _at_sketch_canvas_notify_view (self);
}

void
at_sketch_canvas_pan (AtSketchCanvas *self, double dx, double dy)
{
  g_return_if_fail (AT_IS_SKETCH_CANVAS (self));
  self->pan_x += dx;
  self->pan_y += dy;
  _at_sketch_canvas_notify_view (self);
}

void
at_sketch_canvas_step_brush_size (AtSketchCanvas *self, int direction)
{
  g_return_if_fail (AT_IS_SKETCH_CANVAS (self));
  double size = self->brush_size * (direction > 0 ? BRUSH_STEP : 1.0 / BRUSH_STEP);
  /* always move by at least a pixel, so small brushes change too */
  if (fabs (size - self->brush_size) < 1.0)
    size = self->brush_size + (direction > 0 ? 1.0 : -1.0);
  at_sketch_canvas_set_brush_size (self, round (size));
}

gboolean
_at_sketch_canvas_pan_begin (AtSketchCanvas *self, double x, double y, gboolean middle)
{
  if (!middle && !self->space_down)
    return FALSE;
  self->panning = TRUE;
  self->pan_start_x = self->pan_x;
  self->pan_start_y = self->pan_y;
  return TRUE;
}

void
_at_sketch_canvas_pan_update (AtSketchCanvas *self, double dx, double dy)
{
  self->pan_x = self->pan_start_x + dx;
  self->pan_y = self->pan_start_y + dy;
  _at_sketch_canvas_notify_view (self);
}

/* Ctrl+wheel zooms about the pointer; a plain wheel goes to the parent. */
static gboolean
on_scroll (GtkEventControllerScroll *scroll, double dx, double dy, AtSketchCanvas *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (scroll));
  if (!(state & GDK_CONTROL_MASK) || dy == 0)
    return FALSE;
  double x = self->pointer_inside ? self->pointer_x : gtk_widget_get_width (GTK_WIDGET (self)) / 2.0;
  double y = self->pointer_inside ? self->pointer_y : gtk_widget_get_height (GTK_WIDGET (self)) / 2.0;
  at_sketch_canvas_zoom_at (self, self->zoom * pow (WHEEL_STEP, -dy), x, y);
  return TRUE;
}

static void
on_pinch_begin (GtkGesture *gesture, GdkEventSequence *sequence, AtSketchCanvas *self)
{
  self->pinch_start_zoom = self->zoom;
}

static void
on_pinch (GtkGestureZoom *gesture, double scale, AtSketchCanvas *self)
{
  double x, y;
  if (!gtk_gesture_get_bounding_box_center (GTK_GESTURE (gesture), &x, &y))
    return;
  at_sketch_canvas_zoom_at (self, self->pinch_start_zoom * scale, x, y);
}

/* Space held: drags pan, as in Krita, GIMP and Photoshop. */
static gboolean
on_key_pressed (GtkEventControllerKey *keys, guint keyval, guint keycode, GdkModifierType state,
                AtSketchCanvas *self)
{
  if (keyval != GDK_KEY_space || (state & (GDK_CONTROL_MASK | GDK_ALT_MASK)))
    return FALSE;
  if (!self->space_down)
    gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "grab");
  self->space_down = TRUE;
  return TRUE;
}

static void
on_key_released (GtkEventControllerKey *keys, guint keyval, guint keycode, GdkModifierType state,
                 AtSketchCanvas *self)
{
  if (keyval != GDK_KEY_space)
    return;
  self->space_down = FALSE;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "crosshair");
}

void
_at_sketch_canvas_init_view (AtSketchCanvas *self)
{
  GtkEventController *scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);

  GtkGesture *pinch = gtk_gesture_zoom_new ();
  g_signal_connect (pinch, "begin", G_CALLBACK (on_pinch_begin), self);
  g_signal_connect (pinch, "scale-changed", G_CALLBACK (on_pinch), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (pinch));

  GtkEventController *keys = gtk_event_controller_key_new ();
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_key_pressed), self);
  g_signal_connect (keys, "key-released", G_CALLBACK (on_key_released), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
}
