/* canvas-tools.h — the second toolbar row over the sheet: the inpainting
 * mask (brush, rectangle, feather, clear), the view (fit, 100%) and the
 * underlay (show or hide, opacity). Each control is bound to a property
 * of the AtSketchCanvas set as "canvas"; the row holds no state of its own. */
#pragma once

#include <gtk/gtk.h>

#include "ui/sketch-canvas.h"

G_BEGIN_DECLS

#define AT_TYPE_CANVAS_TOOLS (at_canvas_tools_get_type ())
G_DECLARE_FINAL_TYPE (AtCanvasTools, at_canvas_tools, AT, CANVAS_TOOLS, GtkWidget)

GtkWidget *at_canvas_tools_new (AtSketchCanvas *canvas);
AtSketchCanvas *at_canvas_tools_get_canvas (AtCanvasTools *self);
void at_canvas_tools_set_canvas (AtCanvasTools *self, AtSketchCanvas *canvas);

G_END_DECLS
