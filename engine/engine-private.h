/* engine-private.h — for engine modules that run the engine's model
 * outside a generation (shape suggestions). Not for front ends. */
#pragma once

#include "engine.h"
#include "model/model.h"

G_BEGIN_DECLS

/* Waits for a running generation, then holds the engine until unlocked. */
AtModel *at_engine_lock_model (AtEngine *engine);
void at_engine_unlock_model (AtEngine *engine);
/* Data another module keeps per engine, freed with it; call with the lock held. */
gpointer at_engine_get_data (AtEngine *engine, const char *key);
void at_engine_set_data (AtEngine *engine, const char *key, gpointer data, GDestroyNotify destroy);

G_END_DECLS
