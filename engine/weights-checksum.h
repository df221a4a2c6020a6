/* weights-checksum.h — the SHA-256 of the engine's model weights: what
 * embeddings computed offline or cached (shape embeddings, search indexes)
 * record, so that those of other weights are never used. */
#pragma once

#include "engine.h"

G_BEGIN_DECLS

/* Hex SHA-256 of the model folder's atelier-model.safetensors; caller frees. */
char *at_engine_compute_weights_checksum (AtEngine *engine, GError **error);

G_END_DECLS
