/* stroke-list.h — the sketch as vector data, independent of GTK and the engine.
 *
 * A stroke is a run of points (x, y in [0, 1] of the square page, pressure
 * in [0, 1], time in ms since the stroke began), a width as a fraction of
 * the page side, an RGBA colour and an eraser flag. Finished strokes are
 * immutable and reference counted, so undo states share them. An
 * AtStrokeList is the current drawing (strokes over an optional base
 * image, the imported sketch) plus its undo and redo stacks; it owns its
 * strokes. at_stroke_list_draw() paints it with cairo at any size.
 */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  float x, y;        /* 0..1 of the page */
  float pressure;    /* 0..1; 1 for a mouse */
  float time;        /* ms since the stroke began */
} AtStrokePoint;

typedef struct {
  gatomicrefcount ref;
  GArray *points;    /* AtStrokePoint */
  float width;       /* at full pressure, as a fraction of the page side */
  float color[4];    /* RGBA, 0..1 */
  gboolean eraser;
} AtStroke;

AtStroke *at_stroke_new (float width, const float color[4], gboolean eraser);
AtStroke *at_stroke_ref (AtStroke *stroke);
void at_stroke_unref (AtStroke *stroke);
void at_stroke_add_point (AtStroke *stroke, float x, float y, float pressure, float time);
guint at_stroke_get_n_points (const AtStroke *stroke);
const AtStrokePoint *at_stroke_get_point (const AtStroke *stroke, guint i);

typedef struct _AtStrokeList AtStrokeList;

AtStrokeList *at_stroke_list_new (void);
/* The drawing without its undo and redo stacks; the strokes are shared,
 * so it costs a pointer per stroke and may go to another thread. */
AtStrokeList *at_stroke_list_copy_drawing (const AtStrokeList *list);
void at_stroke_list_free (AtStrokeList *list);

guint at_stroke_list_get_n_strokes (const AtStrokeList *list);
AtStroke *at_stroke_list_get_stroke (const AtStrokeList *list, guint i);

/* Each of these is one undoable step; they clear the redo stack. Clear
 * removes the base image too; import_base puts one under the strokes
 * (NULL removes it), replacing any before. */
void at_stroke_list_append (AtStrokeList *list, AtStroke *stroke);
/* Appends n strokes as one undoable step. */
void at_stroke_list_append_strokes (AtStrokeList *list, AtStroke *const *strokes, guint n);
void at_stroke_list_clear (AtStrokeList *list);
void at_stroke_list_import_base (AtStrokeList *list, cairo_surface_t *base);

/* The base image under the strokes, or NULL; borrowed. */
cairo_surface_t *at_stroke_list_get_base (const AtStrokeList *list);
/* Replaces the current drawing's base image without an undo step (an
 * opened project, a result used as the sketch after an undoable clear). */
void at_stroke_list_set_base (AtStrokeList *list, cairo_surface_t *base);

/* The drawing becomes a copy of drawing's (its strokes shared). */
void at_stroke_list_replace (AtStrokeList *list, const AtStrokeList *drawing);
/* The drawing becomes strokes (n of them; the list takes its own refs), on
 * no base image. */
void at_stroke_list_replace_strokes (AtStrokeList *list, AtStroke *const *strokes, guint n);

gboolean at_stroke_list_can_undo (const AtStrokeList *list);
gboolean at_stroke_list_can_redo (const AtStrokeList *list);
gboolean at_stroke_list_undo (AtStrokeList *list);
gboolean at_stroke_list_redo (AtStrokeList *list);
/* Drops the drawing and both stacks (a new project). */
void at_stroke_list_reset (AtStrokeList *list);
/* Keeps the drawing, drops both stacks (an opened project). */
void at_stroke_list_forget_history (AtStrokeList *list);

/* Paints the base image and the strokes onto cr scaled to a side × side page. Eraser strokes
 * use CAIRO_OPERATOR_CLEAR, so draw into a group to keep what lies below.
 * With ink_only, every pen stroke is black (the request's sketch is dark
 * strokes on white, whatever colour the designer chose). */
void at_stroke_draw (const AtStroke *stroke, cairo_t *cr, double side, gboolean ink_only);
void at_stroke_list_draw (const AtStrokeList *list, cairo_t *cr, double side, gboolean ink_only);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtStroke, at_stroke_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtStrokeList, at_stroke_list_free)

G_END_DECLS
