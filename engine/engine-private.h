/* engine-private.h — what engine/ files beside engine.c may see of an
 * AtEngine (frame.c renders from blended conditioning with its model).
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
  AtRefiner *refiner; /* the 64 -> 256 px stage; NULL when the folder has none (bicubic then) */
  char *model_dir;
  GMutex lock;   /* one generation at a time */
};

G_END_DECLS
