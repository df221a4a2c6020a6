/* sketch-canvas.h — the square sheet the designer draws on.
 *
 * Pen and eraser strokes with pressure from a stylus (GtkGestureStylus) or
 * full pressure from a mouse, kept as vector data in an AtStrokeList with
 * undo and redo. An imported image can be the sketch itself (erasable,
 * part of the request; importing it, clearing it and undoing either are
 * steps like strokes) or a faint underlay (only a guide on screen). The
 * canvas emits ::changed after every edit. at_sketch_canvas_render() draws
 * the sketch at any size as dark ink on white for an AtRequest. A mask
 * for inpainting is painted over the sheet with its own tools and emits
 * ::mask-changed; the view zooms and pans (sketch-canvas-view.c).
 */
#pragma once

#include <gtk/gtk.h>

#include "media/image.h"
#include "ui/stroke-list.h"

G_BEGIN_DECLS

/* What a press on the sheet does: draw (pen or eraser, as set), or paint
 * the inpainting mask with a brush or a rectangle. */
typedef enum {
  AT_SKETCH_TOOL_PEN,
  AT_SKETCH_TOOL_MASK_BRUSH,
  AT_SKETCH_TOOL_MASK_RECT,
  AT_SKETCH_TOOL_PLACE,        /* drag out the box a chosen shape goes into */
} AtSketchTool;

#define AT_TYPE_SKETCH_CANVAS (at_sketch_canvas_get_type ())
G_DECLARE_FINAL_TYPE (AtSketchCanvas, at_sketch_canvas, AT, SKETCH_CANVAS, GtkWidget)

GtkWidget *at_sketch_canvas_new (void);

AtStrokeList *at_sketch_canvas_get_strokes (AtSketchCanvas *self);
/* Takes ownership of list (a new or opened project); clears the mask. */
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

/* Copies img; NULL removes it. Not an undo step (an opened project, or
 * after an undoable clear); importing is. */
void at_sketch_canvas_set_sketch_image (AtSketchCanvas *self, const AtImage *img);
const AtImage *at_sketch_canvas_get_sketch_image (AtSketchCanvas *self);
void at_sketch_canvas_set_underlay (AtSketchCanvas *self, const AtImage *img);
const AtImage *at_sketch_canvas_get_underlay (AtSketchCanvas *self);
gboolean at_sketch_canvas_import (AtSketchCanvas *self, GFile *file, gboolean as_underlay, GError **error);

/* side × side, 1 channel: ink (pen strokes and the sketch image) dark on white. */
AtImage *at_sketch_canvas_render (AtSketchCanvas *self, guint side);
/* The sketch for a request: as at_sketch_canvas_render() while all ink is
 * black or grey; RGB in the strokes' own colours once any stroke has a
 * colour, so that the engine reads it as a colour hint (red strokes ask
 * for red there). */
AtImage *at_sketch_canvas_render_for_request (AtSketchCanvas *self, guint side);

/* Input as the gestures deliver it, in widget coordinates (also for tests). */
void at_sketch_canvas_begin_stroke (AtSketchCanvas *self, double x, double y, double pressure);
void at_sketch_canvas_extend_stroke (AtSketchCanvas *self, double x, double y, double pressure);
void at_sketch_canvas_end_stroke (AtSketchCanvas *self);
/* The page's square in widget coordinates. */
void at_sketch_canvas_get_page (AtSketchCanvas *self, graphene_rect_t *page);
/* Whether a point in widget coordinates lies on the page; input elsewhere
 * draws nothing. */
gboolean at_sketch_canvas_is_on_page (AtSketchCanvas *self, double x, double y);

/* --- inpainting mask --------------------------------------------------- */

AtSketchTool at_sketch_canvas_get_tool (AtSketchCanvas *self);
/* The box dragged out with AT_SKETCH_TOOL_PLACE, in page fractions; FALSE
 * when none (another tool forgets it). */
gboolean at_sketch_canvas_get_place_box (AtSketchCanvas *self, graphene_rect_t *box);
/* Adds strokes to the drawing (kept, with any imported sketch) as one
 * undoable step. */
void at_sketch_canvas_add_strokes (AtSketchCanvas *self, AtStroke *const *strokes, guint n);
void at_sketch_canvas_set_tool (AtSketchCanvas *self, AtSketchTool tool);
gboolean at_sketch_canvas_has_mask (AtSketchCanvas *self);
/* The mask for a request at the init image's size (white repaints), or
 * NULL when nothing is painted. */
AtImage *at_sketch_canvas_get_mask (AtSketchCanvas *self, guint width, guint height);
void at_sketch_canvas_clear_mask (AtSketchCanvas *self);
/* The soft edge, in pixels of the image the mask is applied to. */
double at_sketch_canvas_get_mask_feather (AtSketchCanvas *self);
void at_sketch_canvas_set_mask_feather (AtSketchCanvas *self, double feather);
/* The image a mask tool paints over (the result to repaint); copied; NULL
 * shows the sketch. */
void at_sketch_canvas_set_mask_backdrop (AtSketchCanvas *self, const AtImage *img);

/* --- view ---------------------------------------------------------------- */

/* Zoom 1 fits the sheet to the widget; the sheet can be panned when it is
 * larger. Ctrl+wheel and pinch zoom about the pointer; space-drag and the
 * middle button pan; [ and ] change the brush size. */
double at_sketch_canvas_get_zoom (AtSketchCanvas *self);
/* Zooms to zoom about the widget point (x, y), keeping the sheet point
 * under it in place. */
void at_sketch_canvas_zoom_at (AtSketchCanvas *self, double zoom, double x, double y);
void at_sketch_canvas_zoom_fit (AtSketchCanvas *self);
/* One sheet pixel (of 512) to one screen pixel. */
void at_sketch_canvas_zoom_actual (AtSketchCanvas *self);
void at_sketch_canvas_pan (AtSketchCanvas *self, double dx, double dy);
/* Brush size one step up (x 1.25) or down, as [ and ] do. */
void at_sketch_canvas_step_brush_size (AtSketchCanvas *self, int direction);

/* The underlay's opacity on screen (0..1, default 0.25) and whether it shows. */
double at_sketch_canvas_get_underlay_opacity (AtSketchCanvas *self);
void at_sketch_canvas_set_underlay_opacity (AtSketchCanvas *self, double opacity);
gboolean at_sketch_canvas_get_underlay_visible (AtSketchCanvas *self);
void at_sketch_canvas_set_underlay_visible (AtSketchCanvas *self, gboolean visible);

G_END_DECLS
