/* ui-test-util.h — what the UI tests share: waiting on the main loop,
 * opening and closing studio windows, finding other windows and widgets.
 * Built once as a static library (tests/meson.build). */
#pragma once

#include <adwaita.h>

#include "ui/application.h"
#include "ui/window.h"

G_BEGIN_DECLS

typedef gboolean (*UiTestCondition) (gpointer data);

/* Runs the main loop until cond(data) holds or timeout_s pass; returns
 * whether it held. */
gboolean ui_test_wait_until (UiTestCondition cond, gpointer data, double timeout_s);
/* A UiTestCondition: the widget is on screen with a size. */
gboolean ui_test_is_mapped (gpointer widget);
/* Lets pending idle work (layout, redraws, queued events) run. */
void ui_test_flush (void);

/* gtk_test_init() and adw_init(). */
void ui_test_init (int *argc, char ***argv);
/* A registered, non-unique application whose windows share one engine. */
AtApplication *ui_test_application_new (void);

/* A new studio window, presented and mapped. app NULL: no model loads. */
AtWindow *ui_test_open_window (AtApplication *app);
/* Destroys window without the unsaved-changes prompt and lets GTK settle. */
void ui_test_close_window (AtWindow *window);
/* Waits (up to a minute) until the window's engine has loaded, and fails
 * the test if it could not. */
void ui_test_wait_for_engine (AtWindow *window);

/* The newest top-level window of type, or NULL. */
GtkWindow *ui_test_find_toplevel (GType type);
/* The first widget under root (depth first, root included) for which
 * match(widget, data) holds, or NULL. */
GtkWidget *ui_test_find_widget (GtkWidget *root, gboolean (*match) (GtkWidget *widget, gconstpointer data),
                                gconstpointer data);
/* A match for ui_test_find_widget(): an AdwPreferencesRow titled data. */
gboolean ui_test_row_titled (GtkWidget *widget, gconstpointer title);

G_END_DECLS
