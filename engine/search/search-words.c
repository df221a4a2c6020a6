/* search-words.c — cosine plus the caption bank's object words (search-words.h). */
#define G_LOG_DOMAIN "atelier-engine"

#include "search/caption.h"
#include "search/search-words.h"

GStrv
at_search_object_words (const char *text)
{
  g_autofree char *lower = g_ascii_strdown (text != NULL ? text : "", -1);
  g_auto (GStrv) parts = g_regex_split_simple ("[^a-z0-9]+", lower, 0, 0);
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
  for (guint i = 0; parts[i] != NULL; i++)
    if (at_caption_is_object_word (parts[i]))
      g_strv_builder_add (b, parts[i]);
  return g_strv_builder_end (b);
}

static int
by_score (gconstpointer a, gconstpointer b)
{
  float x = ((const AtSearchHit *) a)->score, y = ((const AtSearchHit *) b)->score;
  return (x < y) - (x > y);
}

float
at_engine_search_word_bonus (AtEngine *engine, const char *const *words, const float *embedding)
{
  g_return_val_if_fail (engine != NULL && words != NULL && embedding != NULL, 0.0f);
  const char *notice = NULL;
  const AtCaptionBank *bank = words[0] != NULL ? at_engine_get_caption_bank (engine, &notice) : NULL;
  return bank != NULL ? AT_SEARCH_WORD_WEIGHT * at_caption_bank_vote (bank, embedding, words) : 0.0f;
}

GArray *
at_engine_search_rank_text (AtEngine *engine, const AtSearchIndex *index, const char *text, const float *query,
                            guint count)
{
  g_return_val_if_fail (engine != NULL && index != NULL && query != NULL, NULL);
  g_auto (GStrv) words = at_search_object_words (text);
  if (words[0] == NULL)
    return at_search_index_rank (index, query, count);
  GArray *hits = at_search_index_rank (index, query, at_search_index_get_size (index));
  for (guint i = 0; i < hits->len; i++)
    {
      AtSearchHit *h = &g_array_index (hits, AtSearchHit, i);
      h->score += at_engine_search_word_bonus (engine, (const char *const *) words, h->entry->embedding);
    }
  g_array_sort (hits, by_score);
  g_array_set_size (hits, MIN (hits->len, count));
  return hits;
}
