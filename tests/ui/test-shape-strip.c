/* test-shape-strip.c — the shape suggestions under the canvas: a prompt
 * brings its shape, choosing it puts the shape's strokes on the canvas
 * (one undo step takes them away again), a doodle brings shapes like it,
 * and a text-only request carries the shape prior unless switched off. */
#include <string.h>

#include <adwaita.h>

#include "shapes/shape-library.h"
#include "shapes/shape-raster.h"
#include "ui/window-private.h"
#include "ui-test-util.h"

static AtApplication *app;

typedef struct {
  AtWindow *window;
  const char *name;   /* wanted among the suggestions */
} Wait;

static int
shown_rank (AtWindow *window, const char *name)
{
  GArray *shapes = at_shape_strip_get_shapes (window->shape_strip);
  AtShapeLibrary *lib = at_shape_library_get_default (NULL);
  for (guint i = 0; i < shapes->len; i++)
    if (strcmp (at_shape_library_get_shape (lib, g_array_index (shapes, guint, i))->name, name) == 0)
      return i;
  return -1;
}

static gboolean
suggested (gpointer data)
{
  Wait *w = data;
  return shown_rank (w->window, w->name) >= 0;
}

/* The strip's first button (a GtkButton in its row). */
static gboolean
is_shape_button (GtkWidget *widget, gconstpointer name)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_widget_get_tooltip_text (widget), name) == 0;
}

static void
test_prompt_then_choose (void)
{
  AtWindow *window = ui_test_open_window (app);
  ui_test_wait_for_engine (window);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (window->prompt_view), "a rocket", -1);
  Wait w = { window, "rocket" };
  g_assert_true (ui_test_wait_until (suggested, &w, 30));
  g_assert_cmpint (shown_rank (window, "rocket"), ==, 0);

  GtkWidget *button = ui_test_find_widget (GTK_WIDGET (window->shape_strip), is_shape_button, "rocket");
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  AtStrokeList *strokes = at_sketch_canvas_get_strokes (window->canvas);
  AtShapeLibrary *lib = at_shape_library_get_default (NULL);
  const AtShape *rocket = at_shape_library_get_shape (lib, at_shape_library_lookup (lib, "rocket"));
  g_assert_cmpuint (at_stroke_list_get_n_strokes (strokes), ==, rocket->n_strokes);
  /* the strokes are the shape's, fitted inside the sheet */
  for (guint k = 0; k < rocket->n_strokes; k++)
    {
      AtStroke *s = at_stroke_list_get_stroke (strokes, k);
      g_assert_cmpuint (at_stroke_get_n_points (s), ==, rocket->strokes[k].n_points);
      const AtStrokePoint *p = at_stroke_get_point (s, 0);
      g_assert_cmpfloat (p->x, >, 0.0f);
      g_assert_cmpfloat (p->x, <, 1.0f);
    }
  g_assert_false (at_sketch_canvas_is_empty (window->canvas));
  at_sketch_canvas_undo (window->canvas);
  g_assert_true (at_sketch_canvas_is_empty (window->canvas));
  ui_test_close_window (window);
}

/* With the Place tool a dragged box receives the chosen shape: added to
 * the drawing, inside the box, one undo step, then back to the pen. */
static void
test_place_in_box (void)
{
  AtWindow *window = ui_test_open_window (app);
  ui_test_wait_for_engine (window);
  ui_test_draw_line (window, 0.1, 0.1, 0.3, 0.1);
  AtStrokeList *strokes = at_sketch_canvas_get_strokes (window->canvas);
  g_assert_cmpuint (at_stroke_list_get_n_strokes (strokes), ==, 1);
  at_sketch_canvas_set_tool (window->canvas, AT_SKETCH_TOOL_PLACE);
  graphene_rect_t page, box;
  at_sketch_canvas_get_page (window->canvas, &page);
  /* a box dragged from (0.6, 0.5) to (0.9, 0.95) of the sheet */
  at_sketch_canvas_begin_stroke (window->canvas, page.origin.x + 0.6 * page.size.width,
                                 page.origin.y + 0.5 * page.size.height, 1.0);
  at_sketch_canvas_extend_stroke (window->canvas, page.origin.x + 0.9 * page.size.width,
                                  page.origin.y + 0.95 * page.size.height, 1.0);
  at_sketch_canvas_end_stroke (window->canvas);
  g_assert_true (at_sketch_canvas_get_place_box (window->canvas, &box));
  g_assert_cmpuint (at_stroke_list_get_n_strokes (strokes), ==, 1);   /* a box is no stroke */

  /* what a suggestion's button says when clicked (the doodle's own
   * suggestions need not include it) */
  AtShapeLibrary *lib = at_shape_library_get_default (NULL);
  int index = at_shape_library_lookup (lib, "rocket");
  const AtShape *rocket = at_shape_library_get_shape (lib, index);
  g_signal_emit_by_name (window->shape_strip, "shape-chosen", (guint) index);
  g_assert_cmpuint (at_stroke_list_get_n_strokes (strokes), ==, 1 + rocket->n_strokes);
  for (guint k = 1; k < at_stroke_list_get_n_strokes (strokes); k++)
    {
      AtStroke *s = at_stroke_list_get_stroke (strokes, k);
      for (guint j = 0; j < at_stroke_get_n_points (s); j++)
        {
          const AtStrokePoint *p = at_stroke_get_point (s, j);
          const AtShapePoint *sp = &rocket->strokes[k - 1].points[j];
          g_assert_cmpfloat_with_epsilon (p->x, 0.6f + sp->x * 0.3f, 1e-3);
          g_assert_cmpfloat_with_epsilon (p->y, 0.5f + sp->y * 0.45f, 1e-3);
        }
    }
  g_assert_cmpint (at_sketch_canvas_get_tool (window->canvas), ==, AT_SKETCH_TOOL_PEN);
  g_assert_false (at_sketch_canvas_get_place_box (window->canvas, &box));
  at_sketch_canvas_undo (window->canvas);
  g_assert_cmpuint (at_stroke_list_get_n_strokes (at_sketch_canvas_get_strokes (window->canvas)), ==, 1);
  ui_test_close_window (window);
}

static void
test_doodle (void)
{
  AtWindow *window = ui_test_open_window (app);
  ui_test_wait_for_engine (window);
  /* a house drawn by hand on the canvas, stroke by stroke */
  AtShapeLibrary *lib = at_shape_library_get_default (NULL);
  const AtShape *house = at_shape_library_get_shape (lib, at_shape_library_lookup (lib, "house"));
  graphene_rect_t page;
  at_sketch_canvas_get_page (window->canvas, &page);
  for (guint k = 0; k < house->n_strokes; k++)
    {
      const AtShapeStroke *s = &house->strokes[k];
      for (guint j = 0; j < s->n_points; j++)
        {
          double x = page.origin.x + page.size.width * (0.15 + 0.7 * s->points[j].x);
          double y = page.origin.y + page.size.height * (0.15 + 0.7 * s->points[j].y);
          if (j == 0)
            at_sketch_canvas_begin_stroke (window->canvas, x, y, 1.0);
          else
            at_sketch_canvas_extend_stroke (window->canvas, x, y, 1.0);
        }
      at_sketch_canvas_end_stroke (window->canvas);
    }
  Wait w = { window, "house" };
  g_assert_true (ui_test_wait_until (suggested, &w, 30));
  ui_test_close_window (window);
}

static gboolean
not_generating (gpointer window)
{
  return !at_window_is_generating (window);
}

static void
test_prior_switch (void)
{
  AtWindow *window = ui_test_open_window (app);
  ui_test_wait_for_engine (window);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (window->prompt_view), "a kitty", -1);
  g_autoptr (AtRequest) on = at_window_build_request (window);
  g_assert_cmpstr (on->shape, ==, "auto");
  /* a text-only run says which shape guided it */
  gtk_spin_button_set_value (window->steps_spin, 2);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.generate", NULL));
  g_assert_true (ui_test_wait_until (not_generating, window, 120));
  g_assert_nonnull (strstr (at_shape_strip_get_note (window->shape_strip), "“cat”"));
  at_shape_strip_set_use_prior (window->shape_strip, FALSE);
  g_autoptr (AtRequest) off = at_window_build_request (window);
  g_assert_null (off->shape);
  ui_test_close_window (window);
}

int
main (int argc, char **argv)
{
  ui_test_init (&argc, &argv);
  app = ui_test_application_new ();
  g_test_add_func ("/ui/shape-strip/prompt-then-choose", test_prompt_then_choose);
  g_test_add_func ("/ui/shape-strip/place-in-box", test_place_in_box);
  g_test_add_func ("/ui/shape-strip/doodle", test_doodle);
  g_test_add_func ("/ui/shape-strip/prior-switch", test_prior_switch);
  int status = g_test_run ();
  return ui_test_application_finish (app, status);
}
