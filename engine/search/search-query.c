/* search-query.c — queries and images embedded with the engine's model (search-query.h). */
#define G_LOG_DOMAIN "atelier-engine"

#include <math.h>
#include <string.h>

#include "conditioning.h"
#include "engine-private.h"
#include "model/embedding.h"
#include "search/search-query.h"
#include "weights-checksum.h"

#define HEADS_KEY "atelier-search-heads"
#define MODEL_ID_KEY "atelier-search-model-id"
#define INK_CHECK_SIZE 64

/* With the engine locked: the heads, loaded on first use. */
static AtEmbedHeads *
get_heads (AtEngine *engine, AtModel *model, GError **error)
{
  AtEmbedHeads *heads = at_engine_get_data (engine, HEADS_KEY);
  if (heads != NULL)
    return heads;
  heads = at_embed_heads_load (model, error);
  if (heads != NULL)
    at_engine_set_data (engine, HEADS_KEY, heads, (GDestroyNotify) at_embed_heads_free);
  return heads;
}

typedef float *(*EmbedFunc) (AtModel *model, AtGpu *gpu, const AtEmbedHeads *heads, gconstpointer input,
                             GError **error);

static float *
embed_locked (AtEngine *engine, EmbedFunc func, gconstpointer input, GError **error)
{
  AtModel *model = at_engine_lock_model (engine);
  AtEmbedHeads *heads = get_heads (engine, model, error);
  float *e = heads != NULL ? func (model, at_engine_get_gpu (engine), heads, input, error) : NULL;
  at_engine_unlock_model (engine);
  return e;
}

static float *
empty (GError **error, const char *message)
{
  g_set_error_literal (error, AT_SEARCH_ERROR, AT_SEARCH_ERROR_EMPTY_QUERY, message);
  return NULL;
}

float *
at_engine_search_embed_text (AtEngine *engine, const char *text, GError **error)
{
  g_return_val_if_fail (engine != NULL, NULL);
  g_autofree char *stripped = g_strstrip (g_strdup (text != NULL ? text : ""));
  if (*stripped == '\0')
    return empty (error, "The search text is empty: type a few words, such as “purple umbrella”");
  GError *local = NULL;
  float *e = embed_locked (engine, (EmbedFunc) at_model_embed_text, stripped, &local);
  if (e == NULL && local == NULL)
    g_set_error (&local, AT_SEARCH_ERROR, AT_SEARCH_ERROR_UNKNOWN_WORDS,
                 "The model knows no word of “%s”: try plain English names of things and colours", stripped);
  if (local != NULL)
    g_propagate_error (error, local);
  return e;
}

float *
at_engine_search_embed_sketch (AtEngine *engine, const AtImage *sketch, GError **error)
{
  g_return_val_if_fail (engine != NULL && sketch != NULL, NULL);
  g_autofree float *ink = at_sketch_to_model_input (sketch, INK_CHECK_SIZE);
  float most = 0.0f;
  for (int i = 0; i < INK_CHECK_SIZE * INK_CHECK_SIZE; i++)
    most = MAX (most, ink[i]);
  if (most < AT_SEARCH_MIN_INK)
    return empty (error, "The sketch is blank: draw dark lines on a light background");
  return embed_locked (engine, (EmbedFunc) at_model_embed_sketch, sketch, error);
}

float *
at_engine_search_embed_voice (AtEngine *engine, const AtAudio *voice, GError **error)
{
  g_return_val_if_fail (engine != NULL && voice != NULL, NULL);
  float peak = 0.0f;
  for (gsize i = 0; i < voice->n; i++)
    peak = MAX (peak, fabsf (voice->samples[i]));
  if (peak < AT_SEARCH_SILENCE_PEAK)
    return empty (error, "The voice clip is silent: record it again closer to the microphone");
  return embed_locked (engine, (EmbedFunc) at_model_embed_audio, voice, error);
}

float *
at_engine_search_embed_image (AtEngine *engine, const AtImage *image, GError **error)
{
  g_return_val_if_fail (engine != NULL && image != NULL, NULL);
  return embed_locked (engine, (EmbedFunc) at_model_embed_image, image, error);
}

#define WORDS_PER_RUN 256

/* The id of text when it is one known word, else 0. */
static guint32
word_id (AtModel *model, const char *text)
{
  guint count = 0, unknown = 0;
  g_autofree guint32 *id = at_tokenizer_encode (model->tokenizer, text, &count, &unknown);
  return count == 1 && unknown == 0 ? id[0] : 0;
}

float *
at_engine_search_embed_words (AtEngine *engine, const char *const *words, guint n, const char *prefix,
                              GPtrArray *kept, GError **error)
{
  g_return_val_if_fail (engine != NULL && kept != NULL, NULL);
  AtModel *model = at_engine_lock_model (engine);
  guint32 first = prefix != NULL ? word_id (model, prefix) : 0;
  guint len = first != 0 ? 2 : 1;
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (guint32));
  for (guint i = 0; i < n; i++)
    {
      guint32 id = word_id (model, words[i]);
      if (id == 0)
        continue;
      if (first != 0)
        g_array_append_val (ids, first);
      g_array_append_val (ids, id);
      g_ptr_array_add (kept, (gpointer) words[i]);
    }
  AtEmbedHeads *heads = get_heads (engine, model, error);
  float *out = heads != NULL ? g_new (float, (gsize) MAX (kept->len, 1) * heads->dim) : NULL;
  for (guint at = 0; out != NULL && at < kept->len; at += WORDS_PER_RUN)
    {
      guint count = MIN (WORDS_PER_RUN, kept->len - at);
      g_autofree float *part = at_model_embed_words (model, at_engine_get_gpu (engine), heads,
                                                     &g_array_index (ids, guint32, (gsize) at * len), count, len,
                                                     error);
      if (part == NULL)
        g_clear_pointer (&out, g_free);
      else
        memcpy (out + (gsize) at * heads->dim, part, sizeof (float) * count * heads->dim);
    }
  at_engine_unlock_model (engine);
  return out;
}

int
at_engine_search_get_dim (AtEngine *engine)
{
  return engine->model->config->embed_dim;
}

const char *
at_engine_search_get_model_id (AtEngine *engine, GError **error)
{
  at_engine_lock_model (engine);
  char *id = at_engine_get_data (engine, MODEL_ID_KEY);
  if (id == NULL && (id = at_engine_compute_weights_checksum (engine, error)) != NULL)
    at_engine_set_data (engine, MODEL_ID_KEY, id, g_free);
  at_engine_unlock_model (engine);
  return id;
}

AtSearchIndex *
at_engine_search_index_new (AtEngine *engine, GError **error)
{
  const char *id = at_engine_search_get_model_id (engine, error);
  return id != NULL ? at_search_index_new (id, at_engine_search_get_dim (engine)) : NULL;
}
