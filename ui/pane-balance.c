/* pane-balance.c — see pane-balance.h. GtkPaned scales its position with
 * its width but clamps it to the children's minimum widths, so repeated
 * resizing drifts it towards the start child; and GTK has no signal for a
 * new width, so the window queues a look after each allocation. The
 * correction waits for an idle, as a paned must not be moved in the middle
 * of its allocation. */
#define G_LOG_DOMAIN "atelier-ui"

#include "ui/pane-balance.h"

#define BALANCE_SOURCE "at-pane-balance-source"

/* The largest position that leaves the end child as wide as the start. */
static int
half (GtkPaned *paned)
{
  int handle = 0;
  GtkWidget *start = gtk_paned_get_start_child (paned), *end = gtk_paned_get_end_child (paned);
  if (start != NULL && end != NULL)
    handle = gtk_widget_get_width (GTK_WIDGET (paned)) - gtk_widget_get_width (start) - gtk_widget_get_width (end);
  return (gtk_widget_get_width (GTK_WIDGET (paned)) - MAX (handle, 0)) / 2;
}

static void
balance (gpointer data)
{
  GtkPaned *paned = data;
  g_object_set_data (G_OBJECT (paned), BALANCE_SOURCE, NULL);
  int limit = half (paned);
  if (limit > 0 && gtk_paned_get_position (paned) > limit)
    gtk_paned_set_position (paned, limit);
}

void
at_pane_balance_queue (GtkPaned *paned)
{
  /* the children's widths are known only once the allocation is done */
  if (g_object_get_data (G_OBJECT (paned), BALANCE_SOURCE) != NULL)
    return;
  guint id = g_idle_add_once (balance, paned);
  g_object_set_data (G_OBJECT (paned), BALANCE_SOURCE, GUINT_TO_POINTER (id));
}

static void
on_destroy (GtkPaned *paned)
{
  guint id = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (paned), BALANCE_SOURCE));
  if (id != 0)
    g_source_remove (id);
  g_object_set_data (G_OBJECT (paned), BALANCE_SOURCE, NULL);
}

void
at_pane_balance_install (GtkPaned *paned)
{
  g_return_if_fail (GTK_IS_PANED (paned));
  g_signal_connect (paned, "notify::position", G_CALLBACK (at_pane_balance_queue), NULL);
  g_signal_connect (paned, "destroy", G_CALLBACK (on_destroy), NULL);
}
