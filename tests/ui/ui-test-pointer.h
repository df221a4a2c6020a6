/* ui-test-pointer.h — real pointer input for UI tests: xdotool moves the
 * X server's pointer and turns the wheel, so events reach GTK as a user's
 * would, through picking, capture and bubbling (GTK 4 has no public way to
 * synthesise them). Needs the X11 backend (xvfb-run) and xdotool. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Puts the pointer over (x, y) of widget (its own coordinates), moving the
 * window so that the point is on screen whatever the screen's size. */
void ui_test_pointer_move (GtkWidget *widget, double x, double y);
/* Turns the wheel there clicks times: down (towards the end) when
 * positive, up when negative; returns when GTK has handled the events. */
void ui_test_pointer_scroll (GtkWidget *widget, double x, double y, int clicks);
/* Presses button 1 at (x, y) of widget and releases it there. */
void ui_test_pointer_click (GtkWidget *widget, double x, double y);
/* The same with a key held down: "ctrl", "shift" (xdotool's names). */
void ui_test_pointer_click_holding (GtkWidget *widget, double x, double y, const char *key);
/* Presses and releases keys (xdotool's names, "Delete", "ctrl+a") in the
 * window with the focus. */
void ui_test_key_press (const char *keys);

G_END_DECLS
