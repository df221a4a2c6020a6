/* speech-decoder.h — a pocketsphinx decoder configured as the transcriber
 * decodes: loading with a language model and dictionary, looking words up
 * in that dictionary, and the grammar that a vocabulary makes. Private to
 * the transcriber, which owns one AtSpeechDecoder and unloads it.
 */
#pragma once

#include <pocketsphinx.h>

#include "audio/transcribe.h"

G_BEGIN_DECLS

typedef struct {
  cmd_ln_t *config;
  ps_decoder_t *ps;
} AtSpeechDecoder;

/* Loads hmm (the acoustic model folder) with lm and dict into an unloaded
 * d; grammar: tuned for a vocabulary grammar, set later. FALSE, with d
 * left unloaded, when pocketsphinx refuses the files. */
gboolean at_speech_decoder_load (AtSpeechDecoder *d, const char *hmm, const char *lm, const char *dict,
                                 gboolean grammar);
void at_speech_decoder_unload (AtSpeechDecoder *d);
/* word has a pronunciation in the loaded dictionary. */
gboolean at_speech_decoder_knows_word (AtSpeechDecoder *d, const char *word);
/* Decodes from now on with a grammar of the vocabulary's words, in any
 * order and number, instead of the language model; *unknown_words (always
 * set, NULL-ended) gets the words the dictionary lacks. */
gboolean at_speech_decoder_use_vocabulary (AtSpeechDecoder *d, const char * const *vocabulary, GStrv *unknown_words,
                                           GError **error);

G_END_DECLS
