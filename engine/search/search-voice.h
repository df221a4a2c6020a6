/* search-voice.h — a spoken search query: what was said, and how it
 * sounded.
 *
 * The clip is transcribed (transcribe.h: pocketsphinx with the prompt
 * language model). When the transcript holds a word the model knows, the
 * query is normalise(w · text embedding + (1 − w) · audio embedding), w =
 * AT_SEARCH_VOICE_TEXT_WEIGHT, chosen on the validation split's spoken
 * clips (tools/train/eval_voice_search.py, MODEL_CARD.md); otherwise (a
 * hum, words the model does not know, no recogniser) the audio embedding
 * alone, as before. Locks the engine's model; call from a worker.
 */
#pragma once

#include "audio/transcribe.h"
#include "engine.h"

G_BEGIN_DECLS

#define AT_SEARCH_VOICE_TEXT_WEIGHT 0.75f

typedef struct {
  float *embedding;    /* normalised, at_engine_search_get_dim() floats */
  char *transcript;    /* what was heard ("" for nothing), or NULL without a recogniser */
  gboolean from_text;  /* whether the transcript's words took part */
  char *notice;        /* why the transcript was not used, or NULL */
} AtVoiceQuery;

void at_voice_query_free (AtVoiceQuery *query);

/* The query for voice; transcriber may be NULL (one with the default
 * options is made for this call). A silent clip is an error
 * (AT_SEARCH_ERROR_EMPTY_QUERY), as for at_engine_search_embed_voice(). */
AtVoiceQuery *at_engine_search_embed_spoken (AtEngine *engine, const AtAudio *voice, AtTranscriber *transcriber,
                                             GCancellable *cancellable, GError **error);

/* normalise(w · text + (1 − w) · audio) into out (dim floats). */
void at_search_voice_fuse (const float *text, const float *audio, int dim, float w, float *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtVoiceQuery, at_voice_query_free)

G_END_DECLS
