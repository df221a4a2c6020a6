/* speech-decoder.c — loading and configuring the pocketsphinx decoder,
 * apart from the transcriber so that its quirks (settings, leaks, log
 * noise of pocketsphinx 5prealpha) stay in one place (speech-decoder.h). */
#define G_LOG_DOMAIN "atelier-transcribe"

#include <stdlib.h>

#include <sphinxbase/err.h>
#include <sphinxbase/jsgf.h>

#include "audio/speech-decoder.h"

static gpointer
silence_sphinx_log (gpointer data)
{
  /* sphinxbase logs every setting and every utterance to stderr */
  err_set_logfp (NULL);
  return NULL;
}

gboolean
at_speech_decoder_load (AtSpeechDecoder *d, const char *hmm, const char *lm, const char *dict, gboolean grammar)
{
  static GOnce log_once = G_ONCE_INIT;
  g_once (&log_once, silence_sphinx_log, NULL);
  d->config = cmd_ln_init (NULL, ps_args (), TRUE, "-hmm", hmm, "-lm", lm, "-dict", dict, "-samprate", "16000",
                           "-logfn", "/dev/null", NULL);
  /* A free-order grammar of short words otherwise fills every pause with
   * "a" and "on": a lower word insertion probability (default 0.65) halved
   * the insertions on espeak-ng and flite prompts; lower still drops real
   * words. */
  if (d->config != NULL && grammar)
    cmd_ln_set_float_r (d->config, "-wip", 0.01);
  if (d->config != NULL)
    d->ps = ps_init (d->config);
  if (d->ps == NULL)
    at_speech_decoder_unload (d);
  return d->ps != NULL;
}

void
at_speech_decoder_unload (AtSpeechDecoder *d)
{
  g_clear_pointer (&d->ps, ps_free);
  g_clear_pointer (&d->config, cmd_ln_free_r);
}

gboolean
at_speech_decoder_knows_word (AtSpeechDecoder *d, const char *word)
{
  char *phones = ps_lookup_word (d->ps, word);
  gboolean known = phones != NULL;
  free (phones);
  return known;
}

/* ps_set_jsgf_string() of pocketsphinx 5prealpha leaks the parsed grammar;
 * this is the same without the leak. */
static gboolean
set_grammar (AtSpeechDecoder *d, const char *text)
{
  jsgf_t *jsgf = jsgf_parse_string (text, NULL);
  if (jsgf == NULL)
    return FALSE;
  gboolean ok = FALSE;
  jsgf_rule_t *rule = jsgf_get_public_rule (jsgf);
  if (rule != NULL)
    {
      fsg_model_t *fsg = jsgf_build_fsg (jsgf, rule, ps_get_logmath (d->ps), cmd_ln_float32_r (d->config, "-lw"));
      /* ps_set_fsg keeps its own reference */
      ok = fsg != NULL && ps_set_fsg (d->ps, "vocabulary", fsg) >= 0 && ps_set_search (d->ps, "vocabulary") >= 0;
      if (fsg != NULL)
        fsg_model_free (fsg);
    }
  jsgf_grammar_free (jsgf);
  return ok;
}

/* Words of letters, digits, apostrophes and hyphens: anything else would
 * not parse as a JSGF token. */
static gboolean
is_plain_word (const char *word)
{
  for (const char *p = word; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '\'' && *p != '-')
      return FALSE;
  return TRUE;
}

/* The distinct lower-cased words of the vocabulary's entries that the
 * dictionary knows, as JSGF alternatives ("red | apple"); the others go
 * to unknown as written. */
static char *
known_alternatives (AtSpeechDecoder *d, const char * const *vocabulary, GStrvBuilder *unknown)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GString *alternatives = g_string_new (NULL);
  for (int i = 0; vocabulary[i] != NULL; i++)
    {
      g_auto (GStrv) parts = g_strsplit_set (vocabulary[i], " \t\n,.;:!?\"", -1);
      for (int k = 0; parts[k] != NULL; k++)
        {
          if (parts[k][0] == '\0')
            continue;
          g_autofree char *w = g_utf8_strdown (parts[k], -1);
          if (g_hash_table_contains (seen, w))
            continue;
          g_hash_table_add (seen, g_strdup (w));
          if (is_plain_word (w) && at_speech_decoder_knows_word (d, w))
            g_string_append_printf (alternatives, "%s%s", alternatives->len > 0 ? " | " : "", w);
          else
            g_strv_builder_add (unknown, parts[k]);
        }
    }
  return g_string_free (alternatives, FALSE);
}

gboolean
at_speech_decoder_use_vocabulary (AtSpeechDecoder *d, const char * const *vocabulary, GStrv *unknown_words,
                                  GError **error)
{
  g_autoptr (GStrvBuilder) unknown = g_strv_builder_new ();
  g_autofree char *alternatives = known_alternatives (d, vocabulary, unknown);
  *unknown_words = g_strv_builder_end (unknown);
  if (alternatives[0] == '\0')
    {
      g_set_error (error, AT_TRANSCRIBE_ERROR, AT_TRANSCRIBE_ERROR_VOCABULARY,
                   "None of the vocabulary's words is in the pronunciation dictionary %s: check their spelling, "
                   "or transcribe without a vocabulary",
                   cmd_ln_str_r (d->config, "-dict"));
      return FALSE;
    }
  g_autofree char *jsgf =
    g_strdup_printf ("#JSGF V1.0;\ngrammar atelier;\npublic <utterance> = ( %s )* ;\n", alternatives);
  if (!set_grammar (d, jsgf))
    {
      g_set_error_literal (error, AT_TRANSCRIBE_ERROR, AT_TRANSCRIBE_ERROR_VOCABULARY,
                           "pocketsphinx rejected the vocabulary grammar");
      return FALSE;
    }
  return TRUE;
}
