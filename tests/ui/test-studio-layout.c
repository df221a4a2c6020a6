/* test-studio-layout.c — what the designer's hand and eye rely on, driven
 * with the real pointer (xdotool under Xvfb, see ui-test-pointer.h):
 *   a run's progress does not move the sheet or the preview;
 *   the mouse wheel over the side panel scrolls it and changes no value,
 *   whatever spin button, scale or text box passes under the pointer;
 *   the preview keeps at least as much room as the sheet at any window
 *   size, also after resizing back. */
#include <adwaita.h>
#include <math.h>

#include "ui/window-private.h"
#include "ui-test-pointer.h"
#include "ui-test-util.h"

static AtApplication *app;

static graphene_rect_t
bounds_in_window (AtWindow *window, GtkWidget *widget)
{
  graphene_rect_t r;
  g_assert_true (gtk_widget_compute_bounds (widget, GTK_WIDGET (window), &r));
  return r;
}

static void
assert_same_rect (const graphene_rect_t *a, const graphene_rect_t *b)
{
  g_assert_cmpfloat (a->origin.x, ==, b->origin.x);
  g_assert_cmpfloat (a->origin.y, ==, b->origin.y);
  g_assert_cmpfloat (a->size.width, ==, b->size.width);
  g_assert_cmpfloat (a->size.height, ==, b->size.height);
}

static gboolean
progress_shown (gpointer data)
{
  AtWindow *window = data;
  return gtk_revealer_get_child_revealed (window->progress_revealer) &&
         gtk_widget_get_mapped (GTK_WIDGET (window->progress_bar));
}

static gboolean
idle (gpointer data)
{
  return !at_window_is_generating (data);
}

static gboolean
preview_not_smaller (gpointer data)
{
  GtkPaned *paned = ((AtWindow *) data)->work_paned;
  return gtk_widget_get_width (gtk_paned_get_end_child (paned)) >= gtk_widget_get_width (gtk_paned_get_start_child (paned));
}

/* Bug: the progress bar slid in above the panes and pushed them down, so a
 * stroke across that moment got a step in it. */
static void
test_progress_keeps_layout (void)
{
  AtWindow *window = ui_test_open_window (app);
  ui_test_wait_for_engine (window);
  at_window_set_prompt (window, "a red circle");
  at_window_set_params (window, 100, 3, 1);
  /* the panes settle (pane-balance.h) before anything is measured */
  ui_test_wait_until (preview_not_smaller, window, 10);
  ui_test_flush ();
  graphene_rect_t canvas_before = bounds_in_window (window, GTK_WIDGET (window->canvas));
  graphene_rect_t preview_before = bounds_in_window (window, GTK_WIDGET (window->preview_stack));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.generate", NULL));
  g_assert_true (ui_test_wait_until (progress_shown, window, 60));
  ui_test_flush ();
  graphene_rect_t canvas_during = bounds_in_window (window, GTK_WIDGET (window->canvas));
  graphene_rect_t preview_during = bounds_in_window (window, GTK_WIDGET (window->preview_stack));
  assert_same_rect (&canvas_before, &canvas_during);
  assert_same_rect (&preview_before, &preview_during);
  /* the bar is on screen, not hidden away to keep the layout still */
  graphene_rect_t bar = bounds_in_window (window, GTK_WIDGET (window->progress_bar));
  g_assert_cmpfloat (bar.size.height, >, 0);
  g_assert_true (graphene_rect_intersection (&bar, &preview_during, NULL));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.cancel", NULL));
  g_assert_true (ui_test_wait_until (idle, window, 60));
  ui_test_flush ();
  graphene_rect_t canvas_after = bounds_in_window (window, GTK_WIDGET (window->canvas));
  assert_same_rect (&canvas_before, &canvas_after);
  ui_test_close_window (window);
}

typedef struct {
  GtkSpinButton *spin;
  double value;
} SpinValue;

typedef struct {
  GtkWidget *widget;
  GtkWidget *viewport;
} InView;

static gboolean
centred_in_view (gpointer data)
{
  InView *v = data;
  graphene_rect_t r;
  if (!gtk_widget_compute_bounds (v->widget, v->viewport, &r))
    return FALSE;
  double middle = r.origin.y + r.size.height / 2, height = gtk_widget_get_height (v->viewport);
  return middle > height / 4 && middle < height * 3 / 4;
}

/* Scrolls the panel so that widget's centre is in the middle of it, and
 * waits for the panel to be laid out so. */
static void
bring_into_view (AtWindow *window, GtkWidget *widget)
{
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (window->side_panel);
  InView v = { widget, GTK_WIDGET (window->side_panel) };
  /* again until it holds: the last wheel's scrolling may still be easing out */
  for (int tries = 0; tries < 20 && !centred_in_view (&v); tries++)
    {
      graphene_rect_t r;   /* where it is in the panel's window now */
      g_assert_true (gtk_widget_compute_bounds (widget, v.viewport, &r));
      double page = gtk_adjustment_get_page_size (adj);
      gtk_adjustment_set_value (adj, gtk_adjustment_get_value (adj) + r.origin.y + r.size.height / 2 - page / 2);
      ui_test_wait_until (centred_in_view, &v, 0.5);
    }
  g_assert_true (centred_in_view (&v));
}

static gboolean
is_text_view (GtkWidget *widget, gconstpointer data)
{
  return GTK_IS_TEXT_VIEW (widget);
}

/* Bug: the wheel changed Steps, Guidance or Seed when a spin button
 * passed under the pointer while scrolling the panel (and the transcript
 * box stopped the panel's scrolling). */
static void
test_wheel_scrolls_panel (void)
{
  AtWindow *window = ui_test_open_window (NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1024, 640);
  ui_test_flush ();
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (window->side_panel);
  g_assert_cmpfloat (gtk_adjustment_get_upper (adj), >, gtk_adjustment_get_page_size (adj));

  GtkSpinButton *spins[] = { window->steps_spin, window->guidance_spin, window->seed_spin,
                             window->sketch_strength_spin, window->count_spin };
  SpinValue values[G_N_ELEMENTS (spins)];
  for (guint i = 0; i < G_N_ELEMENTS (spins); i++)
    values[i] = (SpinValue) { spins[i], gtk_spin_button_get_value (spins[i]) };

  for (guint i = 0; i < G_N_ELEMENTS (spins); i++)
    {
      GtkWidget *spin = GTK_WIDGET (spins[i]);
      bring_into_view (window, spin);
      double before = gtk_adjustment_get_value (adj);
      /* up: the panel has room to scroll both ways from the middle */
      ui_test_pointer_scroll (spin, gtk_widget_get_width (spin) / 2.0, gtk_widget_get_height (spin) / 2.0, -2);
      g_assert_cmpfloat (gtk_adjustment_get_value (adj), <, before);
      for (guint k = 0; k < G_N_ELEMENTS (spins); k++)
        g_assert_cmpfloat (gtk_spin_button_get_value (values[k].spin), ==, values[k].value);
    }

  /* the transcript box passes the wheel on to the panel */
  GtkWidget *transcript = ui_test_find_widget (GTK_WIDGET (window->voice_panel), is_text_view, NULL);
  g_assert_nonnull (transcript);
  gtk_widget_set_visible (GTK_WIDGET (window->voice_panel), TRUE);
  for (GtkWidget *w = transcript; w != GTK_WIDGET (window->voice_panel); w = gtk_widget_get_parent (w))
    gtk_widget_set_visible (w, TRUE);
  ui_test_flush ();
  g_assert_true (gtk_widget_get_mapped (transcript));
  bring_into_view (window, transcript);
  double before = gtk_adjustment_get_value (adj);
  ui_test_pointer_scroll (transcript, 10, gtk_widget_get_height (transcript) / 2.0, 2);
  g_assert_cmpfloat (gtk_adjustment_get_value (adj), >, before);
  ui_test_close_window (window);
}

static void
resize_and_check (AtWindow *window, int width, int height)
{
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  /* the window's width less its client-side shadow: within a few pixels */
  gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (ABS (gtk_widget_get_width (GTK_WIDGET (window)) - width) > 12 && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpint (ABS (gtk_widget_get_width (GTK_WIDGET (window)) - width), <=, 12);
  /* the layout settles, corrections included */
  ui_test_wait_until (preview_not_smaller, window, 10);
  GtkPaned *paned = window->work_paned;
  g_test_message ("%d×%d: sheet %d, preview %d", width, height, gtk_widget_get_width (gtk_paned_get_start_child (paned)),
                  gtk_widget_get_width (gtk_paned_get_end_child (paned)));
  g_assert_true (preview_not_smaller (window));
}

/* Bug: at 1024×640 the preview (the result) was the smallest pane, and
 * after resizing back it stayed small, even in a new project. */
static void
test_preview_keeps_room (void)
{
  AtWindow *window = ui_test_open_window (NULL);
  static const int sizes[][2] = { { 1280, 800 }, { 1000, 600 }, { 1024, 640 }, { 1000, 600 } };
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    resize_and_check (window, sizes[i][0], sizes[i][1]);
  ui_test_close_window (window);
}

int
main (int argc, char **argv)
{
  ui_test_init (&argc, &argv);
  app = ui_test_application_new ();
  g_test_add_func ("/ui/studio-layout/progress-keeps-layout", test_progress_keeps_layout);
  g_test_add_func ("/ui/studio-layout/wheel-scrolls-panel", test_wheel_scrolls_panel);
  g_test_add_func ("/ui/studio-layout/preview-keeps-room", test_preview_keeps_room);
  int status = g_test_run ();
  return ui_test_application_finish (app, status);
}
