/* test-window.c — the studio window opens, under Xvfb, with its header bar
 * and menu, and closes cleanly. */
#include <adwaita.h>

#include "ui/application.h"
#include "ui/window.h"

static void
test_window_opens (void)
{
  g_autoptr (AtApplication) app = at_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  g_application_activate (G_APPLICATION (app));
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  g_assert_true (AT_IS_WINDOW (window));
  g_assert_cmpstr (gtk_window_get_title (window), ==, "Atelier");
  while (!gtk_widget_get_mapped (GTK_WIDGET (window)))
    g_main_context_iteration (NULL, TRUE);
  int width = 0, height = 0;
  gtk_window_get_default_size (window, &width, &height);
  g_assert_cmpint (width, >=, 1024);
  g_assert_cmpint (height, >=, 640);
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "about"));
  gtk_window_destroy (window);
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_test_add_func ("/ui/window-opens", test_window_opens);
  return g_test_run ();
}
