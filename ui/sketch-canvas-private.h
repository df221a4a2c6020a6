/* sketch-canvas-private.h — the canvas's state, shared by sketch-canvas.c
 * (strokes, rendering, import) and sketch-canvas-view.c (zoom, pan and
 * keys). Not for other files. */
#pragma once

#include "ui/sketch-canvas.h"
#include "ui/sketch-mask.h"

G_BEGIN_DECLS

#define AT_SKETCH_PAGE_MARGIN 12.0
#define AT_SKETCH_REFERENCE_SIDE 512.0

struct _AtSketchCanvas {
  GtkWidget parent_instance;

  AtStrokeList *strokes;
  AtStroke *current;           /* being drawn, not yet in strokes */
  gint64 current_start_us;
  gboolean eraser;
  double brush_size;
  GdkRGBA color;
  AtSketchTool tool;

  AtImage *underlay;
  cairo_surface_t *underlay_surface;
  double underlay_opacity;
  gboolean underlay_visible;

  AtSketchMask *mask;
  double mask_feather;
  gboolean masking;            /* a mask line or rectangle in progress */
  double mask_x0, mask_y0;     /* its start (page fractions) */
  double mask_x1, mask_y1;     /* its latest point */
  gboolean has_place_box;      /* AT_SKETCH_TOOL_PLACE: a box was dragged out (mask_x0 … mask_y1) */
  AtImage *backdrop;           /* what a mask is painted over, or NULL */
  cairo_surface_t *backdrop_surface;

  double zoom;                 /* 1: the page fits the widget */
  double pan_x, pan_y;         /* the page's offset from centred, pixels */
  gboolean space_down;
  gboolean panning;
  double pan_start_x, pan_start_y;
  double pinch_start_zoom;

  GtkGesture *stylus;
  GtkGesture *drag;
  double drag_x, drag_y;
  gboolean pointer_inside;
  double pointer_x, pointer_y;
};

/* Installs the scroll, pinch and key controllers (sketch-canvas-view.c). */
void _at_sketch_canvas_init_view (AtSketchCanvas *self);
/* Starts or continues a space-drag or middle-drag pan; FALSE when the
 * drag is not a pan. */
gboolean _at_sketch_canvas_pan_begin (AtSketchCanvas *self, double x, double y, gboolean middle);
void _at_sketch_canvas_pan_update (AtSketchCanvas *self, double dx, double dy);
void _at_sketch_canvas_notify_view (AtSketchCanvas *self);

G_END_DECLS
