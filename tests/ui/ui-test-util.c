/* ui-test-util.c — see ui-test-util.h. */
#include "ui-test-util.h"

#include "ui/window-private.h"

static gboolean
wake (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

gboolean
ui_test_wait_until (UiTestCondition cond, gpointer data, double timeout_s)
{
  gint64 end = g_get_monotonic_time () + (gint64) (timeout_s * G_USEC_PER_SEC);
  /* a timer, so that the loop wakes to look again when nothing else happens */
  guint timer = g_timeout_add (20, wake, NULL);
  gboolean ok;
  while (!(ok = cond (data)) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timer);
  return ok;
}

gboolean
ui_test_is_mapped (gpointer widget)
{
  return gtk_widget_get_mapped (widget) && gtk_widget_get_width (widget) > 0;
}

void
ui_test_flush (void)
{
  for (int i = 0; i < 50 && g_main_context_pending (NULL); i++)
    g_main_context_iteration (NULL, FALSE);
}

void
ui_test_init (int *argc, char ***argv)
{
  gtk_test_init (argc, argv, NULL);
  adw_init ();
}

AtApplication *
ui_test_application_new (void)
{
  AtApplication *app = at_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  return app;
}

AtWindow *
ui_test_open_window (AtApplication *app)
{
  AtWindow *window = at_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (ui_test_wait_until (ui_test_is_mapped, window, 20));
  return window;
}

void
ui_test_close_window (AtWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_flush ();
}

static gboolean
engine_settled (gpointer window)
{
  return at_window_engine_settled (window, NULL);
}

void
ui_test_wait_for_engine (AtWindow *window)
{
  g_assert_true (ui_test_wait_until (engine_settled, window, 60));
  const GError *error = NULL;
  at_window_engine_settled (window, &error);
  g_assert_no_error ((GError *) error);
}

GtkWindow *
ui_test_find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  GtkWindow *found = NULL;
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) top = g_list_model_get_item (toplevels, i);
      if (G_TYPE_CHECK_INSTANCE_TYPE (top, type))
        found = top;
    }
  return found;
}

GtkWidget *
ui_test_find_widget (GtkWidget *root, gboolean (*match) (GtkWidget *widget, gconstpointer data), gconstpointer data)
{
  if (match (root, data))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = ui_test_find_widget (child, match, data);
      if (found != NULL)
        return found;
    }
  return NULL;
}

gboolean
ui_test_row_titled (GtkWidget *widget, gconstpointer title)
{
  return ADW_IS_PREFERENCES_ROW (widget) &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}
