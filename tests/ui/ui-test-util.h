/* ui-test-util.h — what the UI tests share: waiting on the main loop,
 * opening and closing studio windows, waiting for their async saves and
 * opens, finding other windows and widgets.
 * Built once as a static library (tests/meson.build). */
#pragma once

#include <adwaita.h>

#include "ui/application.h"
#include "ui/project.h"
#include "ui/window.h"

G_BEGIN_DECLS

typedef gboolean (*UiTestCondition) (gpointer data);

/* ATELIER_TEST_TIME_SCALE (at least 1): how much slower this run may be
 * (the sanitizer stage sets it). */
double ui_test_time_scale (void);

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
/* Waits for every worker still holding the engine (a preview refinement,
 * a shape suggestion) as quitting the studio does, frees app and returns
 * status: main()'s last words. */
int ui_test_application_finish (AtApplication *app, int status);

/* A new studio window, presented and mapped. app NULL: no model loads. */
AtWindow *ui_test_open_window (AtApplication *app);
/* Destroys window without the unsaved-changes prompt and lets GTK settle. */
void ui_test_close_window (AtWindow *window);
/* Waits (up to a minute) until the window's engine has loaded, and fails
 * the test if it could not. */
void ui_test_wait_for_engine (AtWindow *window);

/* A pen stroke at full pressure through the canvas's input path, from
 * (x0, y0) to (x1, y1) in fractions of the page. */
void ui_test_draw_line (AtWindow *window, double x0, double y0, double x1, double y1);
/* Generate, as the button does, and waits (up to two minutes) for the run
 * to end. */
void ui_test_generate (AtWindow *window);

/* A GSourceFunc that counts its calls in *(guint *) counter: what a test
 * watches to see the main loop run. */
gboolean ui_test_tick (gpointer counter);

/* A project as big as a long session's: n_history 256×256 history images
 * of noise (PNG cannot shrink them) and a voice clip of voice_s seconds
 * (none for 0). */
AtProject *ui_test_large_project (guint n_history, guint voice_s);

/* name in a new temporary folder (the file is not created);
 * ui_test_remove_temp() removes the file and the folder, which must hold
 * nothing else by then. */
GFile *ui_test_temp_file (const char *name);
void ui_test_remove_temp (GFile *file);

/* A GAsyncReadyCallback that keeps a reference to the result in
 * *(GAsyncResult **) slot. */
void ui_test_keep_result (GObject *source, GAsyncResult *result, gpointer slot);
/* Runs the main loop until *slot holds a result (the test fails after
 * timeout_s) and hands it over, leaving *slot NULL. */
GAsyncResult *ui_test_take_result (GAsyncResult **slot, double timeout_s);
/* The window's own save and open, on workers, waited for. */
gboolean ui_test_save (AtWindow *window, GFile *file, GError **error);
gboolean ui_test_open (AtWindow *window, GFile *file, GError **error);

/* The newest top-level window of type, or NULL. */
GtkWindow *ui_test_find_toplevel (GType type);
/* A condition: the monotonic time (a gint64 *) has come. */
gboolean ui_test_after (gpointer deadline_us);
/* With ATELIER_SCREENSHOT_DIR set, window as it is drawn now, written as
 * name there (the README's pictures); nothing otherwise. */
void ui_test_maybe_screenshot (GtkWidget *window, const char *name);
/* The newest message dialog window shows (such as "Save Changes?"), or
 * NULL. */
AdwMessageDialog *ui_test_find_dialog (GtkWindow *window);
/* The first widget under root (depth first, root included) for which
 * match(widget, data) holds, or NULL. */
GtkWidget *ui_test_find_widget (GtkWidget *root, gboolean (*match) (GtkWidget *widget, gconstpointer data),
                                gconstpointer data);
/* A match for ui_test_find_widget(): an AdwPreferencesRow titled data. */
gboolean ui_test_row_titled (GtkWidget *widget, gconstpointer title);

G_END_DECLS
