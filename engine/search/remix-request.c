/* remix-request.c — remix as conditioning (remix-request.h). */
#define G_LOG_DOMAIN "atelier-engine"

#include "media/line-art.h"
#include "search/remix-request.h"
#include "search/search-query.h"
#include "search/search-remix.h"

static const char *const keep_names[] = { "outlines", "init", "sketch" };

gboolean
at_remix_keep_from_string (const char *name, AtRemixKeep *keep)
{
  for (guint i = 0; i < G_N_ELEMENTS (keep_names); i++)
    if (g_strcmp0 (name, keep_names[i]) == 0)
      {
        *keep = (AtRemixKeep) i;
        return TRUE;
      }
  return FALSE;
}

float *
at_engine_remix_query (AtEngine *engine, const AtRemix *remix, GError **error)
{
  g_return_val_if_fail (engine != NULL && remix != NULL && remix->source != NULL, NULL);
  g_autofree float *q = remix->keep == AT_REMIX_KEEP_SKETCH ? at_engine_search_embed_sketch (engine, remix->source, error)
                                                : at_engine_search_embed_image (engine, remix->source, error);
  if (q == NULL)
    return NULL;
  if (remix->style != NULL)
    {
      g_autofree float *style = at_engine_search_embed_image (engine, remix->style, error);
      if (style == NULL)
        return NULL;
      if (!at_search_remix (q, at_engine_search_get_dim (engine), style, NULL))
        {
          g_set_error_literal (error, AT_SEARCH_ERROR, AT_SEARCH_ERROR_EMPTY_QUERY,
                               "The style image cancels the source out; nothing is left to remix");
          return NULL;
        }
    }
  if (!at_engine_search_remix_text (engine, q, remix->plus, remix->minus, error))
    return NULL;
  return g_steal_pointer (&q);
}

AtCaption *
at_engine_remix_caption (AtEngine *engine, const AtRemix *remix, GError **error)
{
  g_autofree float *q = at_engine_remix_query (engine, remix, error);
  return q != NULL ? at_engine_caption_embedding (engine, q, 1, error) : NULL;
}

gboolean
at_engine_remix_request (AtEngine *engine, const AtRemix *remix, AtRequest *r, AtCaption **caption,
                         GError **error)
{
  g_return_val_if_fail (r != NULL, FALSE);
  g_autoptr (AtCaption) c = at_engine_remix_caption (engine, remix, error);
  if (c == NULL)
    return FALSE;
  g_free (r->prompt);
  r->prompt = g_strdup (c->text);
  g_clear_pointer (&r->sketch, at_image_free);
  g_clear_pointer (&r->init, at_image_free);
  if (remix->keep == AT_REMIX_KEEP_INIT)
    r->init = at_image_copy (remix->source);
  else if (remix->keep == AT_REMIX_KEEP_OUTLINES)
    r->sketch = at_image_line_art (remix->source);
  else
    r->sketch = at_image_copy (remix->source);
  if (caption != NULL)
    *caption = g_steal_pointer (&c);
  return TRUE;
}
