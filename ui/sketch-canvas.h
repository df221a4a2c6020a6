/* sketch-canvas.h — the square sheet the designer draws on.
 *
 * Pen and eraser strokes with pressure from a stylus (GtkGestureStylus) or
 * full pressure from a mouse, kept as vector data in an AtStrokeList with
 * undo and redo. An imported image can be the sketch itself (erasable,
 * part of the request) or a faint underlay (only a guide on screen). The
 * canvas emits ::changed after every edit. at_sketch_canvas_render() draws
 * the sketch at any size as dark ink on white for an AtRequest.
 */
#pragma once

#include <gtk/gtk.h>

#include "media/image.h"
#include "ui/stroke-list.h"

G_BEGIN_DECLS

#define AT_TYPE_SKETCH_CANVAS (at_sketch_canvas_get_type ())
G_DECLARE_FINAL_TYPE (AtSketchCanvas, at_sketch_canvas, AT, SKETCH_CANVAS, GtkWidget)

GtkWidget *at_sketch_canvas_new (void);

AtStrokeList *at_sketch_canvas_get_strokes (AtSketchCanvas *self);
/* Takes ownership of list (a new or opened project). */
void at_sketch_canvas_set_strokes (AtSketchCanvas *self, AtStrokeList *list);

gboolean at_sketch_canvas_get_eraser (AtSketchCanvas *self);
void at_sketch_canvas_set_eraser (AtSketchCanvas *self, gboolean eraser);
/* Brush width in pixels of a 512-pixel page. */
double at_sketch_canvas_get_brush_size (AtSketchCanvas *self);
void at_sketch_canvas_set_brush_size (AtSketchCanvas *self, double size);
void at_sketch_canvas_get_color (AtSketchCanvas *self, GdkRGBA *color);
void at_sketch_canvas_set_color (AtSketchCanvas *self, const GdkRGBA *color);

void at_sketch_canvas_undo (AtSketchCanvas *self);
void at_sketch_canvas_redo (AtSketchCanvas *self);
/* Removes strokes (undoably) and the imported sketch image. */
void at_sketch_canvas_clear (AtSketchCanvas *self);
gboolean at_sketch_canvas_is_empty (AtSketchCanvas *self);
/* The pen strokes become strokes, as one undoable step. */
void at_sketch_canvas_replace_strokes (AtSketchCanvas *self, AtStroke *const *strokes, guint n);

/* Copies img; NULL removes it. */
void at_sketch_canvas_set_sketch_image (AtSketchCanvas *self, const AtImage *img);
const AtImage *at_sketch_canvas_get_sketch_image (AtSketchCanvas *self);
void at_sketch_canvas_set_underlay (AtSketchCanvas *self, const AtImage *img);
const AtImage *at_sketch_canvas_get_underlay (AtSketchCanvas *self);
gboolean at_sketch_canvas_import (AtSketchCanvas *self, GFile *file, gboolean as_underlay, GError **error);

/* side × side, 1 channel: ink (pen strokes and the sketch image) dark on white. */
AtImage *at_sketch_canvas_render (AtSketchCanvas *self, guint side);

/* Input as the gestures deliver it, in widget coordinates (also for tests). */
void at_sketch_canvas_begin_stroke (AtSketchCanvas *self, double x, double y, double pressure);
void at_sketch_canvas_extend_stroke (AtSketchCanvas *self, double x, double y, double pressure);
void at_sketch_canvas_end_stroke (AtSketchCanvas *self);
/* The page's square in widget coordinates. */
void at_sketch_canvas_get_page (AtSketchCanvas *self, graphene_rect_t *page);

G_END_DECLS
