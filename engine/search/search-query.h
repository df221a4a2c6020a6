/* search-query.h — a search query or an image as a point in the model's
 * contrastive space, with the engine's model.
 *
 * Each function returns an L2-normalised embedding of
 * at_engine_search_get_dim() floats (caller frees), or NULL and an error
 * that says what to change: AT_SEARCH_ERROR_EMPTY_QUERY for empty text, a
 * sketch without ink or a silent clip, AT_SEARCH_ERROR_UNKNOWN_WORDS when
 * no word is one the model knows. They lock the engine's model for the
 * run; call them from a worker, never the GTK main thread.
 */
#pragma once

#include "audio/audio-file.h"
#include "engine.h"
#include "media/image.h"
#include "search/search-index.h"

G_BEGIN_DECLS

/* A clip whose peak stays below this (-60 dBFS) is silence. */
#define AT_SEARCH_SILENCE_PEAK 0.001f
/* A sketch whose darkest pixel has less ink than this is blank. */
#define AT_SEARCH_MIN_INK 0.1f

float *at_engine_search_embed_text (AtEngine *engine, const char *text, GError **error);
float *at_engine_search_embed_sketch (AtEngine *engine, const AtImage *sketch, GError **error);
float *at_engine_search_embed_voice (AtEngine *engine, const AtAudio *voice, GError **error);
float *at_engine_search_embed_image (AtEngine *engine, const AtImage *image, GError **error);

/* Words of the model's vocabulary, many per run of the text encoder,
 * each as the text "PREFIX WORD" when prefix (one known word) is given:
 * [kept->len, dim] floats (caller frees), row i for the word kept[i];
 * words that are not one known word are left out. kept: borrows words. */
float *at_engine_search_embed_words (AtEngine *engine, const char *const *words, guint n, const char *prefix,
                                     GPtrArray *kept, GError **error);

/* The embedding size, and the SHA-256 of the weights (what an index
 * records, so that embeddings of other weights are not mixed in). */
int at_engine_search_get_dim (AtEngine *engine);
const char *at_engine_search_get_model_id (AtEngine *engine, GError **error);
/* A new empty index for this engine's model. */
AtSearchIndex *at_engine_search_index_new (AtEngine *engine, GError **error);

G_END_DECLS
