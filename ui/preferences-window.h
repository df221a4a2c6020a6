/* preferences-window.h — compute device, new-project defaults and the
 * export folder, stored in GSettings. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define AT_TYPE_PREFERENCES_WINDOW (at_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (AtPreferencesWindow, at_preferences_window, AT, PREFERENCES_WINDOW, AdwPreferencesWindow)

GtkWidget *at_preferences_window_new (GtkWindow *parent);

G_END_DECLS
