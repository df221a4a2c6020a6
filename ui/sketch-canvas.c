/* sketch-canvas.c — drawing input, rendering and import for the sketch. */
#define G_LOG_DOMAIN "atelier-ui"

#include <math.h>

#include "ui/sketch-canvas.h"
#include "ui/image-util.h"

#define PAGE_MARGIN 12.0
#define REFERENCE_SIDE 512.0

struct _AtSketchCanvas {
  GtkWidget parent_instance;

  AtStrokeList *strokes;
  AtStroke *current;           /* being drawn, not yet in strokes */
  gint64 current_start_us;
  gboolean eraser;
  double brush_size;
  GdkRGBA color;

  AtImage *sketch_image;
  AtImage *underlay;
  cairo_surface_t *sketch_surface;
  cairo_surface_t *underlay_surface;

  GtkGesture *stylus;
  GtkGesture *drag;
  double drag_x, drag_y;
  gboolean pointer_inside;
  double pointer_x, pointer_y;
};

enum {
  PROP_0,
  PROP_ERASER,
  PROP_BRUSH_SIZE,
  PROP_COLOR,
  PROP_CAN_UNDO,
  PROP_CAN_REDO,
  N_PROPS
};

enum {
  CHANGED,
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

void
at_sketch_canvas_get_page (AtSketchCanvas *self, graphene_rect_t *page)
{
  double w = gtk_widget_get_width (GTK_WIDGET (self));
  double h = gtk_widget_get_height (GTK_WIDGET (self));
  double side = MAX (1.0, MIN (w, h) - 2 * PAGE_MARGIN);
  graphene_rect_init (page, (w - side) / 2, (h - side) / 2, side, side);
}

/* The ink layer: the imported sketch and the strokes, with eraser strokes
 * cutting through both to the paper. */
static void
draw_ink (AtSketchCanvas *self, cairo_t *cr, double side, gboolean ink_only)
{
  cairo_push_group (cr);
  if (self->sketch_surface != NULL)
    {
      cairo_save (cr);
      cairo_scale (cr, side / self->sketch_image->width, side / self->sketch_image->height);
      cairo_set_source_surface (cr, self->sketch_surface, 0, 0);
      cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
      cairo_paint (cr);
      cairo_restore (cr);
    }
  at_stroke_list_draw (self->strokes, cr, side, ink_only);
  if (self->current != NULL)
    at_stroke_draw (self->current, cr, side, ink_only);
  cairo_pop_group_to_source (cr);
  cairo_paint (cr);
}

static void
at_sketch_canvas_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  AtSketchCanvas *self = AT_SKETCH_CANVAS (widget);
  graphene_rect_t page;
  at_sketch_canvas_get_page (self, &page);

  /* a soft shadow lifts the sheet off the window in both styles */
  GskRoundedRect outline;
  gsk_rounded_rect_init_from_rect (&outline, &page, 2);
  gtk_snapshot_append_outset_shadow (snapshot, &outline, &(GdkRGBA) { 0, 0, 0, 0.3 }, 0, 1, 0, 6);

  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &page);
  cairo_translate (cr, page.origin.x, page.origin.y);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  if (self->underlay_surface != NULL)
    {
      cairo_save (cr);
      cairo_scale (cr, page.size.width / self->underlay->width, page.size.height / self->underlay->height);
      cairo_set_source_surface (cr, self->underlay_surface, 0, 0);
      cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
      cairo_paint_with_alpha (cr, 0.25);
      cairo_restore (cr);
    }
  draw_ink (self, cr, page.size.width, FALSE);
  cairo_destroy (cr);

  /* the brush's footprint under the pointer, visible on ink and paper */
  if (self->pointer_inside)
    {
      double r = MAX (1.0, self->brush_size / REFERENCE_SIDE * page.size.width / 2);
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

AtImage *
at_sketch_canvas_render (AtSketchCanvas *self, guint side)
{
  g_return_val_if_fail (AT_IS_SKETCH_CANVAS (self), NULL);
  g_return_val_if_fail (side > 0, NULL);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, side, side);
  cairo_t *cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  draw_ink (self, cr, side, TRUE);
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
          guint32 px = row[x];
          guint r = (px >> 16) & 0xff, g = (px >> 8) & 0xff, b = px & 0xff;
          img->pixels[(gsize) y * side + x] = (guint8) ((299 * r + 587 * g + 114 * b + 500) / 1000);
        }
    }
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

void
at_sketch_canvas_begin_stroke (AtSketchCanvas *self, double x, double y, double pressure)
{
  g_return_if_fail (AT_IS_SKETCH_CANVAS (self));
  g_clear_pointer (&self->current, at_stroke_unref);
  float color[4] = { self->color.red, self->color.green, self->color.blue, self->color.alpha };
  self->current = at_stroke_new (self->brush_size / REFERENCE_SIDE, color, self->eraser);
  self->current_start_us = g_get_monotonic_time ();
  at_sketch_canvas_extend_stroke (self, x, y, pressure);
}

void
at_sketch_canvas_extend_stroke (AtSketchCanvas *self, double x, double y, double pressure)
{
  g_return_if_fail (AT_IS_SKETCH_CANVAS (self));
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
  at_sketch_canvas_begin_stroke (self, x, y, 1.0);
}

static void
drag_update (GtkGestureDrag *gesture, double dx, double dy, AtSketchCanvas *self)
{
  at_sketch_canvas_extend_stroke (self, self->drag_x + dx, self->drag_y + dy, 1.0);
}

static void
drag_end (GtkGestureDrag *gesture, double dx, double dy, AtSketchCanvas *self)
{
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
  set_image (&self->sketch_image, &self->sketch_surface, NULL);
  emit_changed (self);
}

void
at_sketch_canvas_replace_strokes (AtSketchCanvas *self, AtStroke *const *strokes, guint n)
{
  g_return_if_fail (AT_IS_SKETCH_CANVAS (self));
  at_stroke_list_replace (self->strokes, strokes, n);
  emit_changed (self);
}

gboolean
at_sketch_canvas_is_empty (AtSketchCanvas *self)
{
  g_return_val_if_fail (AT_IS_SKETCH_CANVAS (self), TRUE);
  return self->sketch_image == NULL && at_stroke_list_get_n_strokes (self->strokes) == 0;
}

void
at_sketch_canvas_set_sketch_image (AtSketchCanvas *self, const AtImage *img)
{
  g_return_if_fail (AT_IS_SKETCH_CANVAS (self));
  set_image (&self->sketch_image, &self->sketch_surface, img);
  emit_changed (self);
}

const AtImage *
at_sketch_canvas_get_sketch_image (AtSketchCanvas *self)
{
  return self->sketch_image;
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
    at_sketch_canvas_set_sketch_image (self, img);
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
  g_clear_pointer (&self->sketch_image, at_image_free);
  g_clear_pointer (&self->underlay, at_image_free);
  g_clear_pointer (&self->sketch_surface, cairo_surface_destroy);
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
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_install_action (widget_class, "sketch.undo", NULL, sketch_action);
  gtk_widget_class_install_action (widget_class, "sketch.redo", NULL, sketch_action);
  gtk_widget_class_install_action (widget_class, "sketch.clear", NULL, sketch_action);
  gtk_widget_class_set_css_name (widget_class, "sketchcanvas");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
at_sketch_canvas_init (AtSketchCanvas *self)
{
  self->strokes = at_stroke_list_new ();
  self->brush_size = 8;
  self->color = (GdkRGBA) { 0.1, 0.1, 0.12, 1 };
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "crosshair");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, "Sketch canvas", -1);

  self->stylus = gtk_gesture_stylus_new ();
  g_signal_connect (self->stylus, "down", G_CALLBACK (stylus_down), self);
  g_signal_connect (self->stylus, "motion", G_CALLBACK (stylus_motion), self);
  g_signal_connect (self->stylus, "up", G_CALLBACK (stylus_up), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (self->stylus));

  self->drag = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (self->drag), GDK_BUTTON_PRIMARY);
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
}

GtkWidget *
at_sketch_canvas_new (void)
{
  return g_object_new (AT_TYPE_SKETCH_CANVAS, NULL);
}
