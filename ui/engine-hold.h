/* engine-hold.h — a worker's claim on the application's engine: while it
 * lives, a device change retires the engine instead of freeing it, and
 * quitting waits for it (at_application_hold_engine). */
#pragma once

#include "engine.h"
#include "ui/application.h"

G_BEGIN_DECLS

typedef struct {
  AtApplication *app;   /* a reference */
  AtEngine *engine;
} AtEngineHold;

AtEngineHold *at_engine_hold_new (AtApplication *app, AtEngine *engine);
void at_engine_hold_free (AtEngineHold *hold);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtEngineHold, at_engine_hold_free)

G_END_DECLS
