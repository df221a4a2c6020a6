/* search-remix.c — query arithmetic (search-remix.h). */
#define G_LOG_DOMAIN "atelier-engine"

#include <math.h>

#include "search/search-query.h"
#include "search/search-remix.h"

gboolean
at_search_remix (float *query, int dim, const float *plus, const float *minus)
{
  double norm = 0.0;
  for (int c = 0; c < dim; c++)
    {
      query[c] += (plus != NULL ? plus[c] : 0.0f) - (minus != NULL ? minus[c] : 0.0f);
      norm += (double) query[c] * query[c];
    }
  if (norm < 1e-12)
    return FALSE;
  norm = sqrt (norm);
  for (int c = 0; c < dim; c++)
    query[c] /= norm;
  return TRUE;
}

static gboolean
has_words (const char *text)
{
  for (const char *c = text; c != NULL && *c != '\0'; c++)
    if (!g_ascii_isspace (*c))
      return TRUE;
  return FALSE;
}

gboolean
at_engine_search_remix_text (AtEngine *engine, float *query, const char *plus, const char *minus, GError **error)
{
  g_return_val_if_fail (engine != NULL && query != NULL, FALSE);
  g_autofree float *p = NULL, *m = NULL;
  if (has_words (plus) && (p = at_engine_search_embed_text (engine, plus, error)) == NULL)
    return FALSE;
  if (has_words (minus) && (m = at_engine_search_embed_text (engine, minus, error)) == NULL)
    return FALSE;
  if (!at_search_remix (query, at_engine_search_get_dim (engine), p, m))
    {
      g_set_error (error, AT_SEARCH_ERROR, AT_SEARCH_ERROR_EMPTY_QUERY,
                   "Nothing is left of the query once “%s” is taken away", minus != NULL ? minus : "");
      return FALSE;
    }
  return TRUE;
}
