/* speech-models.h — where the transcriber's model files are and which
 * language model it decodes with. Private to the transcriber.
 *
 * Only paths are decided here, each file checked
 * (speech-model-check.h) before pocketsphinx is given it; loading is the
 * transcriber's. The prompt model may still fail to load after its checks:
 * at_language_model_fall_back() then decides what happens, as the choice
 * did when its files were unusable. Whoever finds or chooses frees.
 */
#pragma once

#include "audio/transcribe.h"

G_BEGIN_DECLS

/* pocketsphinx-en-us's folder: the acoustic model and the general
 * language model and dictionary. */
typedef struct {
  char *dir;          /* options->model_dir, else $ATELIER_SPEECH_MODEL_DIR, else Debian's */
  char *hmm;          /* dir/en-us: the acoustic model */
  char *general_lm;   /* dir/en-us.lm.bin */
  char *general_dict; /* dir/cmudict-en-us.dict */
} AtSpeechModels;

/* The language model and dictionary to decode with. */
typedef struct {
  const char *name;   /* "prompt", "general", "vocabulary" or "file" (static) */
  char *lm;
  char *dict;
} AtLanguageModelChoice;

/* model_dir: NULL for the default folder. Checks the acoustic model. */
AtSpeechModels *at_speech_models_find (const char *model_dir, GError **error);
void at_speech_models_free (AtSpeechModels *models);

/* As options say (NULL: the defaults): their file, else under a
 * vocabulary the general model (the grammar needs the whole dictionary,
 * and pocketsphinx some language model to start), else lm_kind's. Under
 * AUTO, unusable prompt files mean the general model, with a g_message. */
AtLanguageModelChoice *at_language_model_choose (const AtSpeechModels *models, const AtTranscribeOptions *options,
                                                 GError **error);
/* The prompt model of choice did not load: under AUTO choice becomes the
 * general model, with a g_message; under PROMPT it is an error. */
gboolean at_language_model_fall_back (AtLanguageModelChoice *choice, const AtSpeechModels *models,
                                      AtLanguageModelKind kind, GError **error);
void at_language_model_choice_free (AtLanguageModelChoice *choice);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtSpeechModels, at_speech_models_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtLanguageModelChoice, at_language_model_choice_free)

G_END_DECLS
