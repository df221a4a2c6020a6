/* history-search.h — the search field above the History gallery, and the
 * tags of the image on show under it.
 *
 * Typing ranks the project's images by the model's contrastive embeddings
 * (engine/search/): a moment after the last key a worker brings the
 * project's index up to date (only images it has not seen are embedded)
 * and embeds the words; then only the best matches stay in the gallery
 * (::results-changed, at_history_search_shows()), and the line under the
 * field says how many of how many. The current sketch, the voice clip (its
 * audio embedding) or "More like this" (an image) can be the query instead. at_history_search_show_tags() captions an image on a
 * worker (colour, object and style words, caption.h) for the tags label,
 * which the window places under the gallery.
 *
 * The window lends the history (its array of AtHistoryItem*) and says when
 * it changes; the index travels with the project (take_index/copy_index).
 */
#pragma once

#include <gtk/gtk.h>

#include "audio/audio-file.h"
#include "engine.h"
#include "search/search-index.h"
#include "ui/application.h"
#include "ui/history-item.h"

G_BEGIN_DECLS

#define AT_TYPE_HISTORY_SEARCH (at_history_search_get_type ())
G_DECLARE_FINAL_TYPE (AtHistorySearch, at_history_search, AT, HISTORY_SEARCH, GtkWidget)

/* How many images a search leaves in the gallery. */
#define AT_HISTORY_SEARCH_SHOWN 8

GtkWidget *at_history_search_new (void);
/* NULL until the engine is loaded; app lent it (engine-hold.h). */
void at_history_search_set_engine (AtHistorySearch *self, AtApplication *app, AtEngine *engine);
/* history: the window's array, borrowed for the widget's life. */
void at_history_search_set_history (AtHistorySearch *self, GPtrArray *history);
/* Items were added or removed: the search runs again. */
void at_history_search_history_changed (AtHistorySearch *self);

/* As if typed into the field. */
void at_history_search_set_text (AtHistorySearch *self, const char *text);
/* Ranks the History against a sketch (taken) or a voice clip (taken);
 * NULL says under the field that there is none yet. The buttons beside
 * the field activate "history-search.sketch" and "history-search.voice",
 * which the window provides. */
void at_history_search_with_sketch (AtHistorySearch *self, AtImage *sketch);
void at_history_search_with_voice (AtHistorySearch *self, AtAudio *voice);
/* Ranks the History against item's image. */
void at_history_search_more_like (AtHistorySearch *self, const AtHistoryItem *item);
/* Whether the gallery shows item: TRUE for all without a search. */
gboolean at_history_search_shows (AtHistorySearch *self, const AtHistoryItem *item);
/* The items on show, best first (empty without a search). */
GPtrArray *at_history_search_get_ranking (AtHistorySearch *self);
/* A search or caption under way. */
gboolean at_history_search_is_busy (AtHistorySearch *self);
/* The line under the field (counts, or what was wrong with the query). */
const char *at_history_search_get_status (AtHistorySearch *self);

/* Tags of item's image in the tags label (NULL clears it), with the tone
 * of the voice that made it when tone is given ("calm"…). */
void at_history_search_show_tags (AtHistorySearch *self, const AtHistoryItem *item, const char *tone);
GtkWidget *at_history_search_get_tags_label (AtHistorySearch *self);

/* The index, to save with the project (NULL when none was made). */
AtSearchIndex *at_history_search_copy_index (AtHistorySearch *self);
/* An opened project's index (taken; NULL: none). */
void at_history_search_take_index (AtHistorySearch *self, AtSearchIndex *index);

G_END_DECLS
