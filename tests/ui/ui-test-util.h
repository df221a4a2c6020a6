/* ui-test-util.h — waiting on the main loop in the UI tests. */
#pragma once

#include <gtk/gtk.h>

typedef gboolean (*UiTestCondition) (gpointer data);

static gboolean
ui_test_wake (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the main loop until cond(data) holds or timeout_s pass; returns
 * whether it held. */
static inline gboolean
ui_test_wait_until (UiTestCondition cond, gpointer data, double timeout_s)
{
  gint64 end = g_get_monotonic_time () + (gint64) (timeout_s * G_USEC_PER_SEC);
  guint wake = g_timeout_add (20, ui_test_wake, NULL);
  gboolean ok;
  while (!(ok = cond (data)) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake);
  return ok;
}

static inline gboolean
ui_test_is_mapped (gpointer widget)
{
  return gtk_widget_get_mapped (widget) && gtk_widget_get_width (widget) > 0;
}

/* Lets pending idle work (layout, redraws, queued events) run. */
static inline void
ui_test_flush (void)
{
  for (int i = 0; i < 50 && g_main_context_pending (NULL); i++)
    g_main_context_iteration (NULL, FALSE);
}
