/* speech-models.c — where pocketsphinx's en-us model and Atelier's prompt
 * language model are, and which language model a transcriber decodes
 * with; kept apart from decoding so that every path is decided and
 * checked before pocketsphinx sees it (speech-models.h). */
#define G_LOG_DOMAIN "atelier-transcribe"

#include "atelier-config.h"
#include "audio/speech-model-check.h"
#include "audio/speech-models.h"
#include "model/model-dir.h"

#ifndef AT_POCKETSPHINX_MODEL_DIR
#define AT_POCKETSPHINX_MODEL_DIR "/usr/share/pocketsphinx/model"
#endif

/* The prompt language model and its pronunciations (tools/speech/prompt_lm.py),
 * shipped beside the image model. */
#define PROMPT_LM "prompt.lm.bin"
#define PROMPT_DICT "prompt.dict"

/* model_dir, else $ATELIER_SPEECH_MODEL_DIR, else Debian's pocketsphinx-en-us. */
static char *
speech_model_dir (const char *model_dir)
{
  const char *dir = model_dir != NULL ? model_dir : g_getenv ("ATELIER_SPEECH_MODEL_DIR");
  if (dir == NULL || dir[0] == '\0')
    return g_build_filename (AT_POCKETSPHINX_MODEL_DIR, "en-us", NULL);
  return g_strdup (dir);
}

AtSpeechModels *
at_speech_models_find (const char *model_dir, GError **error)
{
  g_autoptr (AtSpeechModels) m = g_new0 (AtSpeechModels, 1);
  m->dir = speech_model_dir (model_dir);
  m->hmm = g_build_filename (m->dir, "en-us", NULL);
  m->general_lm = g_build_filename (m->dir, "en-us.lm.bin", NULL);
  m->general_dict = g_build_filename (m->dir, "cmudict-en-us.dict", NULL);
  if (!at_speech_model_check_acoustic (m->hmm, error))
    return NULL;
  return g_steal_pointer (&m);
}

void
at_speech_models_free (AtSpeechModels *models)
{
  if (models == NULL)
    return;
  g_free (models->dir);
  g_free (models->hmm);
  g_free (models->general_lm);
  g_free (models->general_dict);
  g_free (models);
}

void
at_language_model_choice_free (AtLanguageModelChoice *choice)
{
  if (choice == NULL)
    return;
  g_free (choice->lm);
  g_free (choice->dict);
  g_free (choice);
}

static void
choice_set (AtLanguageModelChoice *choice, const char *name, const char *lm, const char *dict)
{
  choice->name = name;
  g_free (choice->lm);
  choice->lm = g_strdup (lm);
  g_free (choice->dict);
  choice->dict = g_strdup (dict);
}

static gboolean
choose_general (AtLanguageModelChoice *choice, const AtSpeechModels *models, const char *name, GError **error)
{
  if (!at_speech_model_require (models->general_lm, FALSE, error) ||
      !at_speech_model_require (models->general_dict, FALSE, error))
    return FALSE;
  choice_set (choice, name, models->general_lm, models->general_dict);
  return TRUE;
}

/* The caller's language model, with the general dictionary unless they
 * gave their own. */
static gboolean
choose_file (AtLanguageModelChoice *choice, const AtSpeechModels *models, const AtTranscribeOptions *options,
             GError **error)
{
  const char *dict = options->dictionary != NULL ? options->dictionary : models->general_dict;
  if (!at_speech_model_check_file (options->language_model, dict, error))
    return FALSE;
  choice_set (choice, "file", options->language_model, dict);
  return TRUE;
}

/* The prompt model; when its files are unusable, an error under PROMPT
 * and the general model under AUTO. */
static gboolean
choose_prompt (AtLanguageModelChoice *choice, const AtSpeechModels *models, AtLanguageModelKind kind,
               GError **error)
{
  g_autofree char *dir = at_model_dir_find (PROMPT_LM);
  g_autofree char *lm = g_build_filename (dir, PROMPT_LM, NULL);
  g_autofree char *dict = g_build_filename (dir, PROMPT_DICT, NULL);
  g_autoptr (GError) why = NULL;
  if (at_speech_model_check_prompt (lm, dict, &why))
    {
      choice_set (choice, "prompt", lm, dict);
      return TRUE;
    }
  if (kind == AT_LANGUAGE_MODEL_PROMPT)
    {
      g_propagate_error (error, g_steal_pointer (&why));
      return FALSE;
    }
  g_message ("%s; using the general language model", why->message);
  return choose_general (choice, models, "general", error);
}

AtLanguageModelChoice *
at_language_model_choose (const AtSpeechModels *models, const AtTranscribeOptions *options, GError **error)
{
  AtLanguageModelKind kind = options != NULL ? options->lm_kind : AT_LANGUAGE_MODEL_AUTO;
  g_autoptr (AtLanguageModelChoice) choice = g_new0 (AtLanguageModelChoice, 1);
  gboolean chosen;
  if (options != NULL && options->vocabulary != NULL)
    chosen = choose_general (choice, models, "vocabulary", error);
  else if (options != NULL && options->language_model != NULL)
    chosen = choose_file (choice, models, options, error);
  else if (kind == AT_LANGUAGE_MODEL_GENERAL)
    chosen = choose_general (choice, models, "general", error);
  else
    chosen = choose_prompt (choice, models, kind, error);
  return chosen ? g_steal_pointer (&choice) : NULL;
}

gboolean
at_language_model_fall_back (AtLanguageModelChoice *choice, const AtSpeechModels *models, AtLanguageModelKind kind,
                             GError **error)
{
  if (kind == AT_LANGUAGE_MODEL_PROMPT)
    {
      g_set_error (error, AT_TRANSCRIBE_ERROR, AT_TRANSCRIBE_ERROR_LANGUAGE_MODEL,
                   "pocketsphinx could not load the prompt language model %s with %s (damaged files?)", choice->lm,
                   choice->dict);
      return FALSE;
    }
  g_message ("pocketsphinx could not load the prompt language model %s with %s; using the general one", choice->lm,
             choice->dict);
  return choose_general (choice, models, "general", error);
}
