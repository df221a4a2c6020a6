/* search-remix.h — queries by arithmetic in the contrastive space: "this
 * image − 'red' + 'blue'" is the image's embedding minus the text
 * embedding of "red" plus that of "blue", normalised again, used as a
 * retrieval target (atelier search --image F --minus red --plus blue).
 * What it finds is measured in MODEL_CARD.md (Search and captions).
 */
#pragma once

#include "engine.h"

G_BEGIN_DECLS

/* query += plus − minus (either may be NULL), then L2-normalised; dim
 * floats each. FALSE when nothing is left (query equal to minus − plus). */
gboolean at_search_remix (float *query, int dim, const float *plus, const float *minus);

/* The same with plus and minus as texts (NULL or empty: none), embedded
 * with the engine's model; errors as at_engine_search_embed_text(). */
gboolean at_engine_search_remix_text (AtEngine *engine, float *query, const char *plus, const char *minus,
                                      GError **error);

G_END_DECLS
