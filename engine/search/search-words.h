/* search-words.h — text search that also reads the images' object words.
 *
 * The text and image embeddings alone find the object rarely (MODEL_CARD.md:
 * text → image top-1 0.135 on the held-out split); the caption bank names
 * it far more often. So a text query scores each image as its cosine with
 * the text plus AT_SEARCH_WORD_WEIGHT × the bank's votes for the text's
 * object words in that image (caption-bank.h), the weight chosen on the
 * validation split (tools/train/eval_word_search.py). Without a bank for
 * the model, or without an object word in the text, it is the cosine alone.
 */
#pragma once

#include "engine.h"
#include "search/search-index.h"

G_BEGIN_DECLS

#define AT_SEARCH_WORD_WEIGHT 1.0f

/* The index's entries ranked for text (whose embedding is query), up to
 * count AtSearchHit, best first; scores as above. */
GArray *at_engine_search_rank_text (AtEngine *engine, const AtSearchIndex *index, const char *text,
                                    const float *query, guint count);

/* AT_SEARCH_WORD_WEIGHT × the bank's votes for words (from
 * at_search_object_words()) in an image's embedding; 0 without a bank. */
float at_engine_search_word_bonus (AtEngine *engine, const char *const *words, const float *embedding);

/* The object words of text the way captions choose them (caption.h), NULL-ended. */
GStrv at_search_object_words (const char *text);

G_END_DECLS
