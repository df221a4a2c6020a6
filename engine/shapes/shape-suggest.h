/* shape-suggest.h — shapes for a prompt or a doodle, ranked with the
 * engine's model.
 *
 * A prompt's words are matched first (shape-match.h); the rest of the
 * list comes from the model's contrastive space: the text's embedding (or
 * the doodle's sketch embedding) against every shape's sketch embedding,
 * by cosine. The shapes' embeddings are computed offline with the same
 * model (at_engine_write_shape_embeddings(), run by tools/shapes/embed.sh)
 * and kept beside the model as shape-embeddings.safetensors, with the
 * SHA-256 of the weights and of the library they were made from: made
 * with other weights, they are not used and the result says so.
 */
#pragma once

#include "engine.h"
#include "shapes/shape-match.h"

G_BEGIN_DECLS

#define AT_SHAPE_EMBEDDINGS_FILE "shape-embeddings.safetensors"

/* Up to count shapes (words first, then embeddings). */
AtShapeMatches *at_engine_suggest_text (AtEngine *engine, const char *text, guint count, GError **error);
/* Up to count shapes nearest the doodle (dark strokes on light). */
AtShapeMatches *at_engine_suggest_sketch (AtEngine *engine, const AtImage *sketch, guint count, GError **error);
/* Every shape's sketch embedding with the engine's model, written atomically to path. */
gboolean at_engine_write_shape_embeddings (AtEngine *engine, const char *path, GCancellable *cancellable,
                                           GError **error);

G_END_DECLS
