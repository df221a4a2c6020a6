/* wheel-guard.c — see wheel-guard.h. GTK gives each of these widgets its
 * own GtkEventControllerScroll; switching that controller off (public API:
 * gtk_widget_observe_controllers) lets the event bubble on to the panel's
 * own scrolling, smooth and kinetic as GTK does it. */
#define G_LOG_DOMAIN "atelier-ui"

#include "ui/wheel-guard.h"

static gboolean
takes_wheel (GtkWidget *widget)
{
  return GTK_IS_SPIN_BUTTON (widget) || GTK_IS_RANGE (widget) || GTK_IS_SCROLLED_WINDOW (widget);
}

static void
ignore_wheel (GtkWidget *widget)
{
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (widget);
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GtkEventController) controller = g_list_model_get_item (controllers, i);
      if (GTK_IS_EVENT_CONTROLLER_SCROLL (controller))
        gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_NONE);
    }
}

static void
guard_below (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (takes_wheel (child))
        ignore_wheel (child);
      guard_below (child);
    }
}

void
at_wheel_guard_install (GtkScrolledWindow *panel)
{
  g_return_if_fail (GTK_IS_SCROLLED_WINDOW (panel));
  GtkWidget *child = gtk_scrolled_window_get_child (panel);
  if (child != NULL)
    guard_below (child);
}
