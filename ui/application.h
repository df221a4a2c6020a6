/* application.h — the studio's AdwApplication: one window per project. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define AT_TYPE_APPLICATION (at_application_get_type ())
G_DECLARE_FINAL_TYPE (AtApplication, at_application, AT, APPLICATION, AdwApplication)

AtApplication *at_application_new (void);

/* The engine is the application's: created once, on a worker, the first
 * time a window asks, and shared by every window (it runs one generation
 * at a time). The result is borrowed; it stays valid while held. When the
 * compute device changes, ::engine-changed tells windows to ask again; the
 * old engine goes once nobody holds it. */
typedef struct _AtEngine AtEngine;
void at_application_get_engine_async (AtApplication *self, GAsyncReadyCallback callback, gpointer user_data);
AtEngine *at_application_get_engine_finish (AtApplication *self, GAsyncResult *result, GError **error);
/* Forgets a failed load so the next request tries again. */
void at_application_retry_engine (AtApplication *self);
/* A generation in flight holds the engine (and the application). */
void at_application_hold_engine (AtApplication *self, AtEngine *engine);
void at_application_release_engine (AtApplication *self, AtEngine *engine);
/* A run on engine failed with error: when the device was lost, the engine
 * retires and every window gets a new one (the studio stays up); TRUE then. */
gboolean at_application_engine_failed (AtApplication *self, AtEngine *engine, const GError *error);
/* Whether a run or another worker holds an engine now, or one is being
 * loaded (quitting waits for both: a worker still in the Vulkan driver
 * must not meet the process's exit). */
gboolean at_application_is_engine_held (AtApplication *self);

G_END_DECLS
