/* search-voice.h — a spoken search query: how it sounds, and what was
 * said.
 *
 * The query's embedding is the clip's audio embedding; the clip is also
 * transcribed (transcribe.h: pocketsphinx with the prompt language model)
 * and the transcript's object words rank the images through the caption
 * bank (search-words.h), as typed words do. Measured on the validation
 * split's spoken clips (tools/train/eval_voice_search.py, MODEL_CARD.md):
 * the transcript's own text embedding, fused with the audio one at any
 * weight, did worse than the audio alone (the recogniser hears few of the
 * clips' names), its object words better. A hum, words that name no
 * object, or no recogniser: the audio embedding alone. Locks the engine's
 * model; call from a worker.
 */
#pragma once

#include "audio/transcribe.h"
#include "engine.h"

G_BEGIN_DECLS

typedef struct {
  float *embedding;    /* the audio embedding: normalised, at_engine_search_get_dim() floats */
  char *transcript;    /* what was heard ("" for nothing), or NULL without a recogniser */
  gboolean has_words;  /* whether the transcript holds object words (at_search_object_words()) */
  char *notice;        /* why there is no transcript, or NULL */
} AtVoiceQuery;

void at_voice_query_free (AtVoiceQuery *query);

/* The query for voice; transcriber may be NULL (one with the default
 * options is made for this call). A silent clip is an error
 * (AT_SEARCH_ERROR_EMPTY_QUERY), as for at_engine_search_embed_voice(). */
AtVoiceQuery *at_engine_search_embed_spoken (AtEngine *engine, const AtAudio *voice, AtTranscriber *transcriber,
                                             GCancellable *cancellable, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtVoiceQuery, at_voice_query_free)

G_END_DECLS
