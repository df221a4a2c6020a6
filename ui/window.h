/* window.h — the studio window. */
#pragma once

#include <adwaita.h>

#include "ui/application.h"

G_BEGIN_DECLS

#define AT_TYPE_WINDOW (at_window_get_type ())
G_DECLARE_FINAL_TYPE (AtWindow, at_window, AT, WINDOW, AdwApplicationWindow)

AtWindow *at_window_new (AtApplication *app);

G_END_DECLS
