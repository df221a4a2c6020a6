/* engine-private.h — what engine/ files beside engine.c may see of an
 * AtEngine (frame.c renders from blended conditioning with its model;
 * shape suggestions run its contrastive heads). Not for front ends.
 * Whoever computes with the model holds lock for the whole run. */
#pragma once

#include "engine.h"
#include "model/model.h"
#include "model/refiner.h"

G_BEGIN_DECLS

struct _AtEngine {
  AtGpu *gpu;
  AtModel *model;
  AtModel *student;   /* the few-step student, loaded on first use */
  AtModelConfig *student_config;   /* its settings, read with the model; NULL: none */
  AtRefiner *refiner; /* the 64 -> 256 px stage; NULL when the folder has none (bicubic then) */
  char *model_dir;
  GRecMutex lock;   /* one generation at a time (its own thread may re-enter) */
  GData *data;   /* other modules' per-engine data (below) */
};

/* The network a request runs on: the model, or its few-step student
 * (loaded on first use). Call with the lock held. */
AtModel *at_engine_model_for (AtEngine *engine, gboolean fast, GError **error);
/* Waits for a running generation, then holds the engine until unlocked. */
AtModel *at_engine_lock_model (AtEngine *engine);
void at_engine_unlock_model (AtEngine *engine);
/* Data another module keeps per engine, freed with it; call with the lock held. */
gpointer at_engine_get_data (AtEngine *engine, const char *key);
void at_engine_set_data (AtEngine *engine, const char *key, gpointer data, GDestroyNotify destroy);

G_END_DECLS
