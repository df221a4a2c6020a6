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

/* The list: the current state is an array of shared strokes over an
 * optional base image (an imported sketch, a reference-counted cairo
 * surface); undo and redo hold earlier and later states. Strokes are small
 * and shared, so a state costs one pointer per stroke. */
typedef struct {
  GPtrArray *strokes;        /* AtStroke*, owned refs */
  cairo_surface_t *base;     /* owned ref, or NULL */
} State;

struct _AtStrokeList {
  State now;
  GPtrArray *undo;      /* State* */
  GPtrArray *redo;
};

static GPtrArray *
strokes_copy (GPtrArray *strokes)
{
  GPtrArray *copy = g_ptr_array_new_full (strokes->len + 1, (GDestroyNotify) at_stroke_unref);
  for (guint i = 0; i < strokes->len; i++)
    g_ptr_array_add (copy, at_stroke_ref (g_ptr_array_index (strokes, i)));
  return copy;
}

static State *
state_copy (const State *state)
{
  State *copy = g_new (State, 1);
  copy->strokes = strokes_copy (state->strokes);
  copy->base = state->base != NULL ? cairo_surface_reference (state->base) : NULL;
  return copy;
}

static void
state_clear (State *state)
{
  g_clear_pointer (&state->strokes, g_ptr_array_unref);
  g_clear_pointer (&state->base, cairo_surface_destroy);
}

static void
state_free (State *state)
{
  state_clear (state);
  g_free (state);
}

AtStrokeList *
at_stroke_list_new (void)
{
  AtStrokeList *list = g_new0 (AtStrokeList, 1);
  list->now.strokes = g_ptr_array_new_with_free_func ((GDestroyNotify) at_stroke_unref);
  list->undo = g_ptr_array_new_with_free_func ((GDestroyNotify) state_free);
  list->redo = g_ptr_array_new_with_free_func ((GDestroyNotify) state_free);
  return list;
}

AtStrokeList *
at_stroke_list_copy_drawing (const AtStrokeList *list)
{
  g_return_val_if_fail (list != NULL, NULL);
  AtStrokeList *copy = at_stroke_list_new ();
  g_ptr_array_unref (copy->now.strokes);
  copy->now.strokes = strokes_copy (list->now.strokes);
  copy->now.base = list->now.base != NULL ? cairo_surface_reference (list->now.base) : NULL;
  return copy;
}

void
at_stroke_list_free (AtStrokeList *list)
{
  if (list == NULL)
    return;
  state_clear (&list->now);
  g_ptr_array_unref (list->undo);
  g_ptr_array_unref (list->redo);
  g_free (list);
}

guint
at_stroke_list_get_n_strokes (const AtStrokeList *list)
{
  return list->now.strokes->len;
}

AtStroke *
at_stroke_list_get_stroke (const AtStrokeList *list, guint i)
{
  g_return_val_if_fail (i < list->now.strokes->len, NULL);
  return g_ptr_array_index (list->now.strokes, i);
}

static void
push_undo (AtStrokeList *list)
{
  g_ptr_array_add (list->undo, state_copy (&list->now));
  g_ptr_array_set_size (list->redo, 0);
}

void
at_stroke_list_append (AtStrokeList *list, AtStroke *stroke)
{
  g_return_if_fail (list != NULL && stroke != NULL);
  push_undo (list);
  g_ptr_array_add (list->now.strokes, at_stroke_ref (stroke));
}

void
at_stroke_list_append_strokes (AtStrokeList *list, AtStroke *const *strokes, guint n)
{
  g_return_if_fail (list != NULL && (strokes != NULL || n == 0));
  push_undo (list);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (list->now.strokes, at_stroke_ref (strokes[i]));
}

void
at_stroke_list_clear (AtStrokeList *list)
{
  g_return_if_fail (list != NULL);
  if (list->now.strokes->len == 0 && list->now.base == NULL)
    return;
  push_undo (list);
  g_ptr_array_set_size (list->now.strokes, 0);
  g_clear_pointer (&list->now.base, cairo_surface_destroy);
}

cairo_surface_t *
at_stroke_list_get_base (const AtStrokeList *list)
{
  g_return_val_if_fail (list != NULL, NULL);
  return list->now.base;
}

void
at_stroke_list_set_base (AtStrokeList *list, cairo_surface_t *base)
{
  g_return_if_fail (list != NULL);
  if (base != NULL)
    cairo_surface_reference (base);
  g_clear_pointer (&list->now.base, cairo_surface_destroy);
  list->now.base = base;
}

void
at_stroke_list_import_base (AtStrokeList *list, cairo_surface_t *base)
{
  g_return_if_fail (list != NULL);
  push_undo (list);
  at_stroke_list_set_base (list, base);
}

void
at_stroke_list_replace (AtStrokeList *list, const AtStrokeList *drawing)
{
  g_return_if_fail (list != NULL && drawing != NULL);
  if (list == drawing)
    return;
  push_undo (list);
  state_clear (&list->now);
  list->now.strokes = strokes_copy (drawing->now.strokes);
  list->now.base = drawing->now.base != NULL ? cairo_surface_reference (drawing->now.base) : NULL;
}

void
at_stroke_list_replace_strokes (AtStrokeList *list, AtStroke *const *strokes, guint n)
{
  g_return_if_fail (list != NULL && (strokes != NULL || n == 0));
  push_undo (list);
  g_ptr_array_set_size (list->now.strokes, 0);
  g_clear_pointer (&list->now.base, cairo_surface_destroy);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (list->now.strokes, at_stroke_ref (strokes[i]));
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

/* Moves the current state onto to and the last state of from into its place. */
static gboolean
swap_state (AtStrokeList *list, GPtrArray *from, GPtrArray *to)
{
  if (from->len == 0)
    return FALSE;
  State *now = g_new (State, 1);
  *now = list->now;
  g_ptr_array_add (to, now);
  State *then = g_ptr_array_steal_index (from, from->len - 1);
  list->now = *then;
  g_free (then);
  return TRUE;
}

gboolean
at_stroke_list_undo (AtStrokeList *list)
{
  return swap_state (list, list->undo, list->redo);
}

gboolean
at_stroke_list_redo (AtStrokeList *list)
{
  return swap_state (list, list->redo, list->undo);
}

void
at_stroke_list_reset (AtStrokeList *list)
{
  g_ptr_array_set_size (list->now.strokes, 0);
  g_clear_pointer (&list->now.base, cairo_surface_destroy);
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

/* The base image stretched over the page, smoothly. */
static void
draw_base (cairo_surface_t *base, cairo_t *cr, double side)
{
  cairo_save (cr);
  cairo_scale (cr, side / cairo_image_surface_get_width (base), side / cairo_image_surface_get_height (base));
  cairo_set_source_surface (cr, base, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
  cairo_paint (cr);
  cairo_restore (cr);
}

void
at_stroke_list_draw (const AtStrokeList *list, cairo_t *cr, double side, gboolean ink_only)
{
  if (list->now.base != NULL)
    draw_base (list->now.base, cr, side);
  for (guint i = 0; i < list->now.strokes->len; i++)
    at_stroke_draw (g_ptr_array_index (list->now.strokes, i), cr, side, ink_only);
}
