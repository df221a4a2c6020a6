/* pane-balance.h — keeps a GtkPaned's end child at least as wide as its
 * start child at every size of the window and wherever the divider is
 * dragged: the studio's preview (the result) never ends up smaller than
 * the sheet, however the window was resized before. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Corrects the divider when the designer drags it too far. */
void at_pane_balance_install (GtkPaned *paned);
/* Looks again once the layout is done: call after each allocation of the
 * window (a new size). */
void at_pane_balance_queue (GtkPaned *paned);

G_END_DECLS
