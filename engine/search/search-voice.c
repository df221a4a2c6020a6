/* search-voice.c — a spoken query by its sound and its words (search-voice.h). */
#define G_LOG_DOMAIN "atelier-engine"

#include "search/search-query.h"
#include "search/search-voice.h"
#include "search/search-words.h"

void
at_voice_query_free (AtVoiceQuery *query)
{
  if (query == NULL)
    return;
  g_free (query->embedding);
  g_free (query->transcript);
  g_free (query->notice);
  g_free (query);
}

/* What voice says, or NULL and why not in *notice. */
static char *
transcript_of (const AtAudio *voice, AtTranscriber *transcriber, GCancellable *cancellable, char **notice,
               GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autoptr (AtTranscriber) own = transcriber == NULL ? at_transcriber_new (NULL, &local) : NULL;
  AtTranscriber *t = transcriber != NULL ? transcriber : own;
  g_autoptr (AtTranscript) r = t != NULL ? at_transcriber_run (t, voice, NULL, NULL, cancellable, &local) : NULL;
  if (r != NULL)
    return g_strdup (r->text);
  if (g_error_matches (local, AT_TRANSCRIBE_ERROR, AT_TRANSCRIBE_ERROR_CANCELLED))
    g_propagate_error (error, g_steal_pointer (&local));
  else
    *notice = g_strdup_printf ("searching by the sound alone: %s", local->message);
  return NULL;
}

AtVoiceQuery *
at_engine_search_embed_spoken (AtEngine *engine, const AtAudio *voice, AtTranscriber *transcriber,
                               GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (engine != NULL && voice != NULL, NULL);
  g_autoptr (AtVoiceQuery) q = g_new0 (AtVoiceQuery, 1);
  if ((q->embedding = at_engine_search_embed_voice (engine, voice, error)) == NULL)
    return NULL;
  GError *local = NULL;
  q->transcript = transcript_of (voice, transcriber, cancellable, &q->notice, &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return NULL;
    }
  g_auto (GStrv) words = at_search_object_words (q->transcript);
  q->has_words = words[0] != NULL;
  return g_steal_pointer (&q);
}
