/* window.h — the studio window: one project, its sketch, prompts,
 * parameters, results and history. */
#pragma once

#include <adwaita.h>

#include "ui/application.h"
#include "ui/autosave.h"

G_BEGIN_DECLS

#define AT_TYPE_WINDOW (at_window_get_type ())
G_DECLARE_FINAL_TYPE (AtWindow, at_window, AT, WINDOW, AdwApplicationWindow)

AtWindow *at_window_new (AtApplication *app);
/* Opens a project file on a worker; the project is replaced only if it
 * opened, else a toast in the window says why. */
void at_window_open (AtWindow *self, GFile *file);
/* orphan (taken): work left unsaved by a studio that crashed or was
 * killed, offered for recovery (or reported as damaged) in a dialog over
 * the window. */
void at_window_offer_recovery (AtWindow *self, AtAutosave *orphan);

G_END_DECLS
