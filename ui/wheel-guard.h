/* wheel-guard.h — the mouse wheel over a scrolling panel scrolls the
 * panel, as in GNOME's settings panels: no spin button, scale or inner
 * text box under the pointer takes it for itself (which would change a
 * value by accident, or stop the panel in mid-scroll). */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Lets every wheel event inside panel's child reach panel: the widgets
 * there that would consume it (GtkSpinButton, GtkRange, GtkScrolledWindow)
 * stop listening to the wheel. Keys and dragging still work on them. Call
 * once the panel's widgets exist. */
void at_wheel_guard_install (GtkScrolledWindow *panel);

G_END_DECLS
