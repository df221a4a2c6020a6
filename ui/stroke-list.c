/* stroke-list.c — strokes, undo states and their cairo rendering. */
#define G_LOG_DOMAIN "atelier-ui"

#include <math.h>

#include "ui/stroke-list.h"

AtStroke *
at_stroke_new (float width, const float color[4], gboolean eraser)
{
  AtStroke *stroke = g_new0 (AtStroke, 1);
  g_atomic_ref_count_init (&stroke->ref);
  stroke->points = g_array_new (FALSE, FALSE, sizeof (AtStrokePoint));
  stroke->width = width;
  for (int i = 0; i < 4; i++)
    stroke->color[i] = color != NULL ? color[i] : (i == 3 ? 1.0f : 0.0f);
  stroke->eraser = eraser;
  return stroke;
}

AtStroke *
at_stroke_ref (AtStroke *stroke)
{
  g_return_val_if_fail (stroke != NULL, NULL);
  g_atomic_ref_count_inc (&stroke->ref);
  return stroke;
}

void
at_stroke_unref (AtStroke *stroke)
{
  if (stroke == NULL)
    return;
  if (g_atomic_ref_count_dec (&stroke->ref))
    {
      g_array_unref (stroke->points);
      g_free (stroke);
    }
}

void
at_stroke_add_point (AtStroke *stroke, float x, float y, float pressure, float time)
{
  g_return_if_fail (stroke != NULL);
  AtStrokePoint p = { x, y, CLAMP (pressure, 0.0f, 1.0f), time };
  g_array_append_val (stroke->points, p);
}

guint
at_stroke_get_n_points (const AtStroke *stroke)
{
  return stroke->points->len;
}

const AtStrokePoint *
at_stroke_get_point (const AtStroke *stroke, guint i)
{
  g_return_val_if_fail (i < stroke->points->len, NULL);
  return &g_array_index (stroke->points, AtStrokePoint, i);
}

/* The list: the current state is an array of shared strokes; undo and redo
 * hold earlier and later states. Strokes are small and shared, so a state
 * costs one pointer per stroke. */
struct _AtStrokeList {
  GPtrArray *strokes;   /* AtStroke*, owned refs */
  GPtrArray *undo;      /* GPtrArray* states */
  GPtrArray *redo;
};

static GPtrArray *
state_copy (GPtrArray *state)
{
  GPtrArray *copy = g_ptr_array_new_full (state->len + 1, (GDestroyNotify) at_stroke_unref);
  for (guint i = 0; i < state->len; i++)
    g_ptr_array_add (copy, at_stroke_ref (g_ptr_array_index (state, i)));
  return copy;
}

AtStrokeList *
at_stroke_list_new (void)
{
  AtStrokeList *list = g_new0 (AtStrokeList, 1);
  list->strokes = g_ptr_array_new_with_free_func ((GDestroyNotify) at_stroke_unref);
  list->undo = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  list->redo = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  return list;
}

AtStrokeList *
at_stroke_list_copy_drawing (const AtStrokeList *list)
{
  g_return_val_if_fail (list != NULL, NULL);
  AtStrokeList *copy = at_stroke_list_new ();
  g_ptr_array_unref (copy->strokes);
  copy->strokes = state_copy (list->strokes);
  return copy;
}

void
at_stroke_list_free (AtStrokeList *list)
{
  if (list == NULL)
    return;
  g_ptr_array_unref (list->strokes);
  g_ptr_array_unref (list->undo);
  g_ptr_array_unref (list->redo);
  g_free (list);
}

guint
at_stroke_list_get_n_strokes (const AtStrokeList *list)
{
  return list->strokes->len;
}

AtStroke *
at_stroke_list_get_stroke (const AtStrokeList *list, guint i)
{
  g_return_val_if_fail (i < list->strokes->len, NULL);
  return g_ptr_array_index (list->strokes, i);
}

static void
push_undo (AtStrokeList *list)
{
  g_ptr_array_add (list->undo, state_copy (list->strokes));
  g_ptr_array_set_size (list->redo, 0);
}

void
at_stroke_list_append (AtStrokeList *list, AtStroke *stroke)
{
  g_return_if_fail (list != NULL && stroke != NULL);
  push_undo (list);
  g_ptr_array_add (list->strokes, at_stroke_ref (stroke));
}

void
at_stroke_list_clear (AtStrokeList *list)
{
  g_return_if_fail (list != NULL);
  if (list->strokes->len == 0)
    return;
  push_undo (list);
  g_ptr_array_set_size (list->strokes, 0);
}

void
at_stroke_list_replace (AtStrokeList *list, AtStroke *const *strokes, guint n)
{
  g_return_if_fail (list != NULL && (strokes != NULL || n == 0));
  push_undo (list);
  g_ptr_array_set_size (list->strokes, 0);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (list->strokes, at_stroke_ref (strokes[i]));
}

gboolean
at_stroke_list_can_undo (const AtStrokeList *list)
{
  return list->undo->len > 0;
}

gboolean
at_stroke_list_can_redo (const AtStrokeList *list)
{
  return list->redo->len > 0;
}

gboolean
at_stroke_list_undo (AtStrokeList *list)
{
  if (list->undo->len == 0)
    return FALSE;
  g_ptr_array_add (list->redo, list->strokes);
  list->strokes = g_ptr_array_steal_index (list->undo, list->undo->len - 1);
  return TRUE;
}

gboolean
at_stroke_list_redo (AtStrokeList *list)
{
  if (list->redo->len == 0)
    return FALSE;
  g_ptr_array_add (list->undo, list->strokes);
  list->strokes = g_ptr_array_steal_index (list->redo, list->redo->len - 1);
  return TRUE;
}

void
at_stroke_list_reset (AtStrokeList *list)
{
  g_ptr_array_set_size (list->strokes, 0);
  g_ptr_array_set_size (list->undo, 0);
  g_ptr_array_set_size (list->redo, 0);
}

void
at_stroke_list_forget_history (AtStrokeList *list)
{
  g_ptr_array_set_size (list->undo, 0);
  g_ptr_array_set_size (list->redo, 0);
}

/* Smooth lines: a quadratic curve through the midpoints of consecutive
 * samples, each piece as wide as the pressure at its control point. Round
 * caps join the pieces without seams. */
void
at_stroke_draw (const AtStroke *stroke, cairo_t *cr, double side, gboolean ink_only)
{
  guint n = stroke->points->len;
  if (n == 0)
    return;
  cairo_save (cr);
  if (stroke->eraser)
    cairo_set_operator (cr, CAIRO_OPERATOR_CLEAR);
  else if (ink_only)
    cairo_set_source_rgba (cr, 0, 0, 0, 1);
  else
    cairo_set_source_rgba (cr, stroke->color[0], stroke->color[1], stroke->color[2], stroke->color[3]);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  const AtStrokePoint *p = (const AtStrokePoint *) stroke->points->data;
  double w = stroke->width * side;
  if (n == 1)
    {
      cairo_arc (cr, p[0].x * side, p[0].y * side, MAX (0.5, w * p[0].pressure / 2), 0, 2 * G_PI);
      cairo_fill (cr);
      cairo_restore (cr);
      return;
    }
  double sx = p[0].x * side, sy = p[0].y * side;
  for (guint i = 1; i < n; i++)
    {
      double cx = p[i - 1].x * side, cy = p[i - 1].y * side;
      double ex, ey;
      if (i == n - 1)
        ex = p[i].x * side, ey = p[i].y * side;
      else
        ex = (p[i - 1].x + p[i].x) / 2 * side, ey = (p[i - 1].y + p[i].y) / 2 * side;
      if (i == 1)
        cx = sx, cy = sy;
      /* the quadratic (s, c, e) as cairo's cubic */
      cairo_move_to (cr, sx, sy);
      cairo_curve_to (cr, sx + 2.0 / 3 * (cx - sx), sy + 2.0 / 3 * (cy - sy),
                      ex + 2.0 / 3 * (cx - ex), ey + 2.0 / 3 * (cy - ey), ex, ey);
      float pr = (p[i - 1].pressure + p[i].pressure) / 2;
      cairo_set_line_width (cr, MAX (1.0, w * pr));
      cairo_stroke (cr);
      sx = ex, sy = ey;
    }
  cairo_restore (cr);
}

void
at_stroke_list_draw (const AtStrokeList *list, cairo_t *cr, double side, gboolean ink_only)
{
  for (guint i = 0; i < list->strokes->len; i++)
    at_stroke_draw (g_ptr_array_index (list->strokes, i), cr, side, ink_only);
}
