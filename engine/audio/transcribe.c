/* transcribe.c — pocketsphinx decoding: the transcriber (model files and
 * decoder set-up), its streams, whole-clip runs on a stream, and their
 * asynchronous forms. */
#define G_LOG_DOMAIN "atelier-transcribe"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pocketsphinx.h>
#include <sphinxbase/cmn.h>
#include <sphinxbase/err.h>
#include <sphinxbase/feat.h>
#include <sphinxbase/jsgf.h>

#include "atelier-config.h"
#include "audio/transcribe.h"
#include "audio/transcribe-private.h"

G_DEFINE_QUARK (at-transcribe-error-quark, at_transcribe_error)

#ifndef AT_POCKETSPHINX_MODEL_DIR
#define AT_POCKETSPHINX_MODEL_DIR "/usr/share/pocketsphinx/model"
#endif

/* The prompt language model and its pronunciations (tools/speech/prompt_lm.py),
 * shipped beside the image model. */
#define PROMPT_LM "prompt.lm.bin"
#define PROMPT_DICT "prompt.dict"

/* Streams decode quarter-second chunks: partial results often enough for
 * live captions, few enough calls not to matter, and the same calls to
 * pocketsphinx however the audio was cut when it was fed. */
#define CHUNK_SAMPLES (AT_TRANSCRIBE_RATE / 4)

struct _AtTranscriber {
  /* The turn to decode, held by one stream from begin to end: a flag
   * rather than a held mutex, so that a stream may end on another thread. */
  GMutex lock;
  GCond idle;
  gboolean busy;
  cmd_ln_t *config;
  ps_decoder_t *ps;
  GStrv unknown_words;
  int frame_rate;   /* feature frames per second, for word times */
  mfcc_t *cmn_init; /* the model's initial cepstral means, restored per stream */
  int cmn_len;
  const char *lm_name; /* "prompt", "general", "vocabulary" or "file" */
  char *lm_path;
};

void
at_transcript_free (AtTranscript *transcript)
{
  if (transcript == NULL)
    return;
  g_free (transcript->text);
  g_clear_pointer (&transcript->words, g_ptr_array_unref);
  g_free (transcript);
}

AtTranscribeOptions *
at_transcribe_options_copy (const AtTranscribeOptions *options)
{
  if (options == NULL)
    return NULL;
  AtTranscribeOptions *o = g_new0 (AtTranscribeOptions, 1);
  o->model_dir = g_strdup (options->model_dir);
  o->vocabulary = (const char * const *) g_strdupv ((char **) options->vocabulary);
  o->language_model = g_strdup (options->language_model);
  o->lm_kind = options->lm_kind;
  o->dictionary = g_strdup (options->dictionary);
  return o;
}

void
at_transcribe_options_free (AtTranscribeOptions *options)
{
  if (options == NULL)
    return;
  g_free ((char *) options->model_dir);
  g_strfreev ((char **) options->vocabulary);
  g_free ((char *) options->language_model);
  g_free ((char *) options->dictionary);
  g_free (options);
}

static gboolean
require_file (const char *path, gboolean dir, GError **error)
{
  if (g_file_test (path, dir ? G_FILE_TEST_IS_DIR : G_FILE_TEST_IS_REGULAR))
    return TRUE;
  g_set_error (error, AT_TRANSCRIBE_ERROR, AT_TRANSCRIBE_ERROR_MODEL,
               "Speech recognition model missing: %s not found (install Debian's pocketsphinx-en-us, or set "
               "ATELIER_SPEECH_MODEL_DIR to a folder holding en-us/, en-us.lm.bin and cmudict-en-us.dict)",
               path);
  return FALSE;
}

static gboolean
has_magic (const char *path, const char * const *magics)
{
  char head[32] = { 0 };
  FILE *f = fopen (path, "rb");
  gsize n = f != NULL ? fread (head, 1, sizeof head, f) : 0;
  if (f != NULL)
    fclose (f);
  for (int i = 0; magics[i] != NULL; i++)
    if (n >= strlen (magics[i]) && memcmp (head, magics[i], strlen (magics[i])) == 0)
      return TRUE;
  return FALSE;
}

/* sphinxbase ends the process (E_FATAL, exit(1)) on some damaged acoustic
 * model files instead of returning an error, so at least their headers
 * are checked first. Damage past a header can still stop the process. */
static gboolean
check_header (const char *path, const char * const *magics, GError **error)
{
  if (has_magic (path, magics))
    return TRUE;
  g_set_error (error, AT_TRANSCRIBE_ERROR, AT_TRANSCRIBE_ERROR_MODEL,
               "Speech recognition model damaged: %s is not a pocketsphinx model file (reinstall "
               "pocketsphinx-en-us)",
               path);
  return FALSE;
}

static gboolean
check_acoustic_model (const char *hmm, GError **error)
{
  static const char * const mdef_magic[] = { "BMDF", "0.3", NULL };
  static const char * const s3_magic[] = { "s3\n", NULL };
  const char *s3_files[] = { "means", "variances", "transition_matrices" };
  g_autofree char *mdef = g_build_filename (hmm, "mdef", NULL);
  if (!check_header (mdef, mdef_magic, error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (s3_files); i++)
    {
      g_autofree char *path = g_build_filename (hmm, s3_files[i], NULL);
      if (!require_file (path, FALSE, error) || !check_header (path, s3_magic, error))
        return FALSE;
    }
  return TRUE;
}

/* "apple(2)" is the dictionary's second pronunciation of "apple". */
static char *
clean_word (const char *word)
{
  const char *paren = strchr (word, '(');
  return g_strndup (word, paren != NULL ? (gsize) (paren - word) : strlen (word));
}

/* Silence, noise and sentence markers are not words. */
static gboolean
is_filler (const char *word)
{
  return word[0] == '<' || word[0] == '[' || g_str_has_prefix (word, "++") || word[0] == '\0';
}

/* pocketsphinx's hypothesis string as words: no fillers, no pronunciation
 * numbers. */
static char *
hypothesis_words (const char *hyp)
{
  g_auto (GStrv) parts = g_strsplit (hyp != NULL ? hyp : "", " ", -1);
  GString *text = g_string_new (NULL);
  for (int i = 0; parts[i] != NULL; i++)
    {
      g_autofree char *word = clean_word (parts[i]);
      if (!is_filler (word))
        g_string_append_printf (text, "%s%s", text->len > 0 ? " " : "", word);
    }
  return g_string_free (text, FALSE);
}

/* ps_set_jsgf_string() of pocketsphinx 5prealpha leaks the parsed grammar;
 * this is the same without the leak. */
static gboolean
set_grammar (AtTranscriber *t, const char *text)
{
  jsgf_t *jsgf = jsgf_parse_string (text, NULL);
  if (jsgf == NULL)
    return FALSE;
  gboolean ok = FALSE;
  jsgf_rule_t *rule = jsgf_get_public_rule (jsgf);
  if (rule != NULL)
    {
      fsg_model_t *fsg = jsgf_build_fsg (jsgf, rule, ps_get_logmath (t->ps), cmd_ln_float32_r (t->config, "-lw"));
      /* ps_set_fsg keeps its own reference */
      ok = fsg != NULL && ps_set_fsg (t->ps, "vocabulary", fsg) >= 0 && ps_set_search (t->ps, "vocabulary") >= 0;
      if (fsg != NULL)
        fsg_model_free (fsg);
    }
  jsgf_grammar_free (jsgf);
  return ok;
}

/* A grammar accepting the known vocabulary words in any order and number. */
static gboolean
use_vocabulary (AtTranscriber *t, const char * const *vocabulary, GError **error)
{
  g_autoptr (GStrvBuilder) unknown = g_strv_builder_new ();
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GString *jsgf = g_string_new ("#JSGF V1.0;\ngrammar atelier;\npublic <utterance> = ( ");
  guint known = 0;
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
          gboolean plain = TRUE;
          for (const char *p = w; *p != '\0'; p++)
            plain &= g_ascii_isalnum (*p) || *p == '\'' || *p == '-';
          char *phones = plain ? ps_lookup_word (t->ps, w) : NULL;
          if (phones == NULL)
            {
              g_strv_builder_add (unknown, parts[k]);
              continue;
            }
          free (phones);
          g_string_append_printf (jsgf, "%s%s", known > 0 ? " | " : "", w);
          known++;
        }
    }
  g_string_append (jsgf, " )* ;\n");
  t->unknown_words = g_strv_builder_end (unknown);
  gboolean ok = known > 0;
  if (!ok)
    g_set_error_literal (error, AT_TRANSCRIBE_ERROR, AT_TRANSCRIBE_ERROR_VOCABULARY,
                         "None of the vocabulary's words is in the pronunciation dictionary");
  else if (!set_grammar (t, jsgf->str))
    {
      g_set_error_literal (error, AT_TRANSCRIBE_ERROR, AT_TRANSCRIBE_ERROR_VOCABULARY,
                           "pocketsphinx rejected the vocabulary grammar");
      ok = FALSE;
    }
  g_string_free (jsgf, TRUE);
  return ok;
}

static gpointer
silence_sphinx_log (gpointer data)
{
  /* sphinxbase logs every setting and every utterance to stderr */
  err_set_logfp (NULL);
  return NULL;
}

/* The folder of the prompt language model, the image model's:
 * $ATELIER_MODEL_DIR, else the installed models, else the source tree's
 * (running from the build directory), as engine.c finds the model. */
static char *
find_prompt_dir (void)
{
  const char *env = g_getenv ("ATELIER_MODEL_DIR");
  if (env != NULL && *env != '\0')
    return g_strdup (env);
  const char *candidates[] = { AT_MODEL_DIR, AT_SOURCE_MODEL_DIR };
  for (gsize i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      g_autofree char *lm = g_build_filename (candidates[i], PROMPT_LM, NULL);
      if (g_file_test (lm, G_FILE_TEST_IS_REGULAR))
        return g_strdup (candidates[i]);
    }
  return g_strdup (AT_MODEL_DIR);
}

/* pocketsphinx's binary language model reader trusts every count it reads
 * (a damaged file can make it allocate without bound, or read past its
 * arrays, and end the process), so the frame of the file is checked first:
 * the header, the order and n-gram counts, and the word list that ends the
 * file (its length in bytes, then one NUL-ended word per unigram). Damage
 * inside the trie arrays still goes unnoticed. */
static gboolean
trie_lm_looks_whole (const char *path)
{
  static const char magic[] = "Trie Language Model";
  const gsize head = sizeof magic - 1;
  g_autoptr (GMappedFile) map = g_mapped_file_new (path, FALSE, NULL);
  if (map == NULL)
    return FALSE;
  const guint8 *data = (const guint8 *) g_mapped_file_get_contents (map);
  gsize size = g_mapped_file_get_length (map);
  if (size < head + 1 || memcmp (data, magic, head) != 0)
    return FALSE;
  guint order = data[head];
  guint32 counts[8];   /* 32-bit in this version of sphinxbase, as Debian's en-us.lm.bin */
  if (order < 1 || order > G_N_ELEMENTS (counts) || size < head + 1 + order * sizeof (guint32))
    return FALSE;
  memcpy (counts, data + head + 1, order * sizeof (guint32));
  for (guint i = 0; i < order; i++)
    if (counts[i] == 0 || counts[i] > size)
      return FALSE;
  if (data[size - 1] != '\0')
    return FALSE;
  /* back over the words to the start of the list */
  gsize start = size - 1;
  guint32 words = 0;
  while (start > 0 && words < counts[0])
    if (data[--start] == '\0')
      words++;
  start++;
  guint32 length = 0;
  if (words != counts[0] || start < head + 1 + sizeof length)
    return FALSE;
  memcpy (&length, data + start - sizeof length, sizeof length);
  return length == size - start;
}

/* The prompt files exist and the model looks whole. */
static gboolean
check_prompt_files (const char *lm, const char *dict, GError **error)
{
  if (!g_file_test (lm, G_FILE_TEST_IS_REGULAR) || !g_file_test (dict, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, AT_TRANSCRIBE_ERROR, AT_TRANSCRIBE_ERROR_LANGUAGE_MODEL,
                   "Prompt language model missing: %s not found",
                   g_file_test (lm, G_FILE_TEST_IS_REGULAR) ? dict : lm);
      return FALSE;
    }
  if (!trie_lm_looks_whole (lm))
    {
      g_set_error (error, AT_TRANSCRIBE_ERROR, AT_TRANSCRIBE_ERROR_LANGUAGE_MODEL,
                   "Prompt language model damaged: %s is not a whole pocketsphinx binary language model", lm);
      return FALSE;
    }
  return TRUE;
}

static void
unload_decoder (AtTranscriber *t)
{
  g_clear_pointer (&t->ps, ps_free);
  if (t->config != NULL)
    cmd_ln_free_r (t->config);
  t->config = NULL;
}

static gboolean
load_decoder (AtTranscriber *t, const char *hmm, const char *lm, const char *dict, gboolean grammar)
{
  t->config = cmd_ln_init (NULL, ps_args (), TRUE, "-hmm", hmm, "-lm", lm, "-dict", dict, "-samprate", "16000",
                           "-logfn", "/dev/null", NULL);
  /* A free-order grammar of short words otherwise fills every pause with
   * "a" and "on": a lower word insertion probability (default 0.65) halved
   * the insertions on espeak-ng and flite prompts; lower still drops real
   * words. */
  if (t->config != NULL && grammar)
    cmd_ln_set_float_r (t->config, "-wip", 0.01);
  if (t->config != NULL)
    t->ps = ps_init (t->config);
  if (t->ps == NULL)
    unload_decoder (t);
  return t->ps != NULL;
}

/* A dictionary that cannot say "a" is no prompt dictionary (sphinxbase
 * skips unreadable lines, so damage inside it loads as missing words). */
static gboolean
knows_word (AtTranscriber *t, const char *word)
{
  char *phones = ps_lookup_word (t->ps, word);
  free (phones);
  return phones != NULL;
}

/* The language model and dictionary to decode with, and the model's name
 * (at_transcriber_get_language_model_name); NULL when the caller's own
 * choice is missing. Unusable prompt files under AUTO mean the general
 * model, with a message. */
static const char *
choose_language_model (const AtTranscribeOptions *options, const char *general_lm, const char *general_dict,
                       char **lm, char **dict, GError **error)
{
  AtLanguageModelKind kind = options != NULL ? options->lm_kind : AT_LANGUAGE_MODEL_AUTO;
  if (options != NULL && options->vocabulary == NULL && options->language_model != NULL)
    {
      *lm = g_strdup (options->language_model);
      *dict = g_strdup (options->dictionary != NULL ? options->dictionary : general_dict);
      const char *missing = !g_file_test (*lm, G_FILE_TEST_IS_REGULAR)     ? *lm
                            : !g_file_test (*dict, G_FILE_TEST_IS_REGULAR) ? *dict
                                                                            : NULL;
      if (missing != NULL)
        {
          g_set_error (error, AT_TRANSCRIBE_ERROR, AT_TRANSCRIBE_ERROR_LANGUAGE_MODEL, "%s %s not found",
                       missing == *lm ? "Language model" : "Pronunciation dictionary", missing);
          return NULL;
        }
      return "file";
    }
  if ((options == NULL || options->vocabulary == NULL) && kind != AT_LANGUAGE_MODEL_GENERAL)
    {
      g_autofree char *prompt_dir = find_prompt_dir ();
      g_autofree char *prompt_lm = g_build_filename (prompt_dir, PROMPT_LM, NULL);
      g_autofree char *prompt_dict = g_build_filename (prompt_dir, PROMPT_DICT, NULL);
      g_autoptr (GError) why = NULL;
      if (check_prompt_files (prompt_lm, prompt_dict, &why))
        {
          *lm = g_steal_pointer (&prompt_lm);
          *dict = g_steal_pointer (&prompt_dict);
          return "prompt";
        }
      if (kind == AT_LANGUAGE_MODEL_PROMPT)
        {
          g_propagate_error (error, g_steal_pointer (&why));
          return NULL;
        }
      g_message ("%s; using the general language model", why->message);
    }
  /* a vocabulary grammar needs the whole dictionary, and pocketsphinx some
   * language model to start */
  *lm = g_strdup (general_lm);
  *dict = g_strdup (general_dict);
  return options != NULL && options->vocabulary != NULL ? "vocabulary" : "general";
}

AtTranscriber *
at_transcriber_new (const AtTranscribeOptions *options, GError **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  static GOnce log_once = G_ONCE_INIT;
  g_once (&log_once, silence_sphinx_log, NULL);

  const char *dir = options != NULL ? options->model_dir : NULL;
  if (dir == NULL)
    dir = g_getenv ("ATELIER_SPEECH_MODEL_DIR");
  g_autofree char *default_dir = g_build_filename (AT_POCKETSPHINX_MODEL_DIR, "en-us", NULL);
  if (dir == NULL || dir[0] == '\0')
    dir = default_dir;
  g_autofree char *hmm = g_build_filename (dir, "en-us", NULL);
  g_autofree char *mdef = g_build_filename (hmm, "mdef", NULL);
  g_autofree char *general_lm = g_build_filename (dir, "en-us.lm.bin", NULL);
  g_autofree char *general_dict = g_build_filename (dir, "cmudict-en-us.dict", NULL);
  if (!require_file (hmm, TRUE, error) || !require_file (mdef, FALSE, error) || !check_acoustic_model (hmm, error))
    return NULL;

  g_autofree char *lm = NULL, *dict = NULL;
  const char *name = choose_language_model (options, general_lm, general_dict, &lm, &dict, error);
  if (name == NULL || !require_file (lm, FALSE, error) || !require_file (dict, FALSE, error))
    return NULL;
  gboolean grammar = options != NULL && options->vocabulary != NULL;

  g_autoptr (AtTranscriber) t = g_atomic_rc_box_new0 (AtTranscriber);
  g_mutex_init (&t->lock);
  g_cond_init (&t->idle);
  gboolean loaded = load_decoder (t, hmm, lm, dict, grammar);
  if (g_str_equal (name, "prompt") && !(loaded && knows_word (t, "a")))
    {
      unload_decoder (t);
      if (options != NULL && options->lm_kind == AT_LANGUAGE_MODEL_PROMPT)
        {
          g_set_error (error, AT_TRANSCRIBE_ERROR, AT_TRANSCRIBE_ERROR_LANGUAGE_MODEL,
                       "pocketsphinx could not load the prompt language model %s with %s (damaged files?)", lm,
                       dict);
          return NULL;
        }
      g_message ("pocketsphinx could not load the prompt language model %s with %s; using the general one", lm,
                 dict);
      name = "general";
      g_free (lm);
      g_free (dict);
      lm = g_strdup (general_lm);
      dict = g_strdup (general_dict);
      if (!require_file (lm, FALSE, error) || !require_file (dict, FALSE, error))
        return NULL;
      loaded = load_decoder (t, hmm, lm, dict, grammar);
    }
  if (!loaded)
    {
      if (g_str_equal (name, "file"))
        g_set_error (error, AT_TRANSCRIBE_ERROR, AT_TRANSCRIBE_ERROR_LANGUAGE_MODEL,
                     "pocketsphinx could not load the language model %s (expected ARPA text or its binary form)",
                     lm);
      else
        g_set_error (error, AT_TRANSCRIBE_ERROR, AT_TRANSCRIBE_ERROR_MODEL,
                     "pocketsphinx could not load the speech model in %s (damaged files?)", dir);
      return NULL;
    }
  t->lm_name = name;
  t->lm_path = g_steal_pointer (&lm);
  cmn_t *cmn = ps_get_feat (t->ps)->cmn_struct;
  if (cmn != NULL && cmn->cmn_mean != NULL && cmn->veclen > 0)
    {
      t->cmn_len = cmn->veclen;
      t->cmn_init = g_memdup2 (cmn->cmn_mean, sizeof (mfcc_t) * cmn->veclen);
    }
  t->frame_rate = cmd_ln_int32_r (t->config, "-frate");
  if (t->frame_rate <= 0)
    t->frame_rate = 100;
  if (grammar && !use_vocabulary (t, options->vocabulary, error))
    return NULL;
  if (t->unknown_words == NULL)
    t->unknown_words = g_new0 (char *, 1);
  return g_steal_pointer (&t);
}

static void
transcriber_clear (gpointer data)
{
  AtTranscriber *t = data;
  unload_decoder (t);
  g_strfreev (t->unknown_words);
  g_free (t->lm_path);
  g_free (t->cmn_init);
  g_mutex_clear (&t->lock);
  g_cond_clear (&t->idle);
}

AtTranscriber *
at_transcriber_ref (AtTranscriber *t)
{
  g_return_val_if_fail (t != NULL, NULL);
  return g_atomic_rc_box_acquire (t);
}

void
at_transcriber_free (AtTranscriber *t)
{
  if (t != NULL)
    g_atomic_rc_box_release_full (t, transcriber_clear);
}

const char *
at_transcriber_get_language_model_name (AtTranscriber *t)
{
  g_return_val_if_fail (t != NULL, NULL);
  return t->lm_name;
}

const char *
at_transcriber_get_language_model_path (AtTranscriber *t)
{
  g_return_val_if_fail (t != NULL, NULL);
  return t->lm_path;
}

const char * const *
at_transcriber_get_unknown_words (AtTranscriber *t)
{
  g_return_val_if_fail (t != NULL, NULL);
  return (const char * const *) t->unknown_words;
}

/* The words pocketsphinx settled on, with their times. */
static AtTranscript *
collect (AtTranscriber *t, double seconds)
{
  AtTranscript *r = g_new0 (AtTranscript, 1);
  r->words = at_cue_array_new ();
  r->audio_seconds = seconds;
  GString *text = g_string_new (NULL);
  for (ps_seg_t *seg = ps_seg_iter (t->ps); seg != NULL; seg = ps_seg_next (seg))
    {
      const char *w = ps_seg_word (seg);
      /* grammar searches also report null transitions, named "(NULL)" */
      g_autofree char *word = clean_word (w != NULL ? w : "");
      if (is_filler (word))
        continue;
      int sf = 0, ef = 0;
      ps_seg_frames (seg, &sf, &ef);
      gint64 audio_ms = (gint64) (seconds * 1000);
      gint64 start = CLAMP ((gint64) sf * 1000 / t->frame_rate, 0, audio_ms);
      gint64 end = CLAMP ((gint64) (ef + 1) * 1000 / t->frame_rate, 0, audio_ms);
      g_ptr_array_add (r->words, at_cue_new (start, MAX (end, start + 1), word));
      g_string_append_printf (text, "%s%s", text->len > 0 ? " " : "", word);
    }
  if (text->len == 0)
    {
      /* no segmentation: fall back to the hypothesis string */
      int32 score = 0;
      g_string_free (text, TRUE);
      r->text = hypothesis_words (ps_get_hyp (t->ps, &score));
      return r;
    }
  r->text = g_string_free (text, FALSE);
  return r;
}

/* --- streams ----------------------------------------------------------------- */

struct _AtTranscribeStream {
  AtTranscriber *transcriber;   /* a reference, and its turn; NULL once ended */
  gsize fed;                    /* samples */
  gsize pending;                /* samples in pcm, not decoded yet */
  gint16 pcm[CHUNK_SAMPLES];
  char *hypothesis;
  gboolean hypothesis_stale;    /* audio was decoded since it was read */
  gint64 decode_us;
};

static void
transcriber_take_turn (AtTranscriber *t)
{
  g_mutex_lock (&t->lock);
  while (t->busy)
    g_cond_wait (&t->idle, &t->lock);
  t->busy = TRUE;
  g_mutex_unlock (&t->lock);
}

static void
transcriber_give_turn (AtTranscriber *t)
{
  g_mutex_lock (&t->lock);
  t->busy = FALSE;
  g_cond_signal (&t->idle);
  g_mutex_unlock (&t->lock);
}

AtTranscribeStream *
at_transcriber_stream_begin (AtTranscriber *t, GError **error)
{
  g_return_val_if_fail (t != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  transcriber_take_turn (t);
  /* A new pocketsphinx stream per utterance: otherwise word frames count on
   * from the previous one and its noise estimates colour this one.
   * pocketsphinx adapts its cepstral means to each utterance; starting
   * every one from the model's own makes a transcript depend on its audio
   * only, not on what the transcriber heard before. */
  if (t->cmn_init != NULL)
    cmn_live_set (ps_get_feat (t->ps)->cmn_struct, t->cmn_init);
  if (ps_start_stream (t->ps) < 0 || ps_start_utt (t->ps) < 0)
    {
      transcriber_give_turn (t);
      g_set_error_literal (error, AT_TRANSCRIBE_ERROR, AT_TRANSCRIBE_ERROR_FAILED,
                           "pocketsphinx could not start decoding");
      return NULL;
    }
  AtTranscribeStream *s = g_new0 (AtTranscribeStream, 1);
  s->transcriber = at_transcriber_ref (t);
  s->hypothesis = g_strdup ("");
  return s;
}

/* Gives the transcriber back, ending the utterance first when asked. */
static void
stream_close (AtTranscribeStream *s, gboolean end_utterance)
{
  AtTranscriber *t = g_steal_pointer (&s->transcriber);
  if (t == NULL)
    return;
  if (end_utterance)
    ps_end_utt (t->ps);
  transcriber_give_turn (t);
  at_transcriber_free (t);
}

static gboolean
stream_check_open (AtTranscribeStream *s, GError **error)
{
  if (s->transcriber != NULL)
    return TRUE;
  g_set_error_literal (error, AT_TRANSCRIBE_ERROR, AT_TRANSCRIBE_ERROR_FAILED,
                       "The stream has ended: it takes no more audio");
  return FALSE;
}

/* A failure ends the stream. */
static gboolean
decode_pending (AtTranscribeStream *s, GError **error)
{
  if (s->pending == 0)
    return TRUE;
  gint64 began = g_get_monotonic_time ();
  int status = ps_process_raw (s->transcriber->ps, s->pcm, s->pending, FALSE, FALSE);
  s->decode_us += g_get_monotonic_time () - began;
  s->pending = 0;
  s->hypothesis_stale = TRUE;
  if (status >= 0)
    return TRUE;
  stream_close (s, TRUE);
  g_set_error_literal (error, AT_TRANSCRIBE_ERROR, AT_TRANSCRIBE_ERROR_FAILED,
                       "pocketsphinx could not process the audio");
  return FALSE;
}

gboolean
at_transcribe_stream_feed (AtTranscribeStream *s, const float *samples, gsize n, GError **error)
{
  g_return_val_if_fail (s != NULL && (samples != NULL || n == 0), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  if (!stream_check_open (s, error))
    return FALSE;
  for (gsize i = 0; i < n; i++)
    {
      float v = isfinite (samples[i]) ? CLAMP (samples[i], -1.0f, 1.0f) : 0.0f;
      s->pcm[s->pending++] = (gint16) lrintf (v * 32767.0f);
      s->fed++;
      if (s->pending == CHUNK_SAMPLES && !decode_pending (s, error))
        return FALSE;
    }
  return TRUE;
}

const char *
at_transcribe_stream_get_hypothesis (AtTranscribeStream *s)
{
  g_return_val_if_fail (s != NULL, NULL);
  if (s->hypothesis_stale && s->transcriber != NULL)
    {
      int32 score = 0;
      g_free (s->hypothesis);
      s->hypothesis = hypothesis_words (ps_get_hyp (s->transcriber->ps, &score));
      s->hypothesis_stale = FALSE;
    }
  return s->hypothesis;
}

double
at_transcribe_stream_get_seconds (AtTranscribeStream *s)
{
  g_return_val_if_fail (s != NULL, 0);
  return (double) s->fed / AT_TRANSCRIBE_RATE;
}

AtTranscript *
at_transcribe_stream_end (AtTranscribeStream *s, GError **error)
{
  g_return_val_if_fail (s != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  if (!stream_check_open (s, error) || !decode_pending (s, error))
    return NULL;
  gint64 began = g_get_monotonic_time ();
  if (ps_end_utt (s->transcriber->ps) < 0)
    {
      stream_close (s, FALSE);
      g_set_error_literal (error, AT_TRANSCRIBE_ERROR, AT_TRANSCRIBE_ERROR_FAILED,
                           "pocketsphinx could not finish decoding");
      return NULL;
    }
  AtTranscript *r = collect (s->transcriber, at_transcribe_stream_get_seconds (s));
  s->decode_us += g_get_monotonic_time () - began;
  r->decode_seconds = s->decode_us / 1e6;
  stream_close (s, FALSE);
  g_free (s->hypothesis);
  s->hypothesis = g_strdup (r->text);
  s->hypothesis_stale = FALSE;
  return r;
}

void
at_transcribe_stream_free (AtTranscribeStream *s)
{
  if (s == NULL)
    return;
  stream_close (s, TRUE);
  g_free (s->hypothesis);
  g_free (s);
}

/* --- whole clips ------------------------------------------------------------- */

AtTranscript *
at_transcriber_run (AtTranscriber *t, const AtAudio *audio, AtPartialFunc partial, gpointer user_data,
                    GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (t != NULL && audio != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  if (audio->n == 0)
    {
      g_set_error_literal (error, AT_TRANSCRIBE_ERROR, AT_TRANSCRIBE_ERROR_EMPTY,
                           "Nothing to transcribe: the audio holds no samples");
      return NULL;
    }
  gint64 began = g_get_monotonic_time ();
  g_autoptr (AtAudio) a16 = NULL;
  const float *samples = audio->samples;
  gsize total = audio->n;
  if (audio->rate != AT_TRANSCRIBE_RATE)
    {
      a16 = at_audio_new_from (audio->samples, audio->n, audio->rate);
      if (!at_audio_resample_full (a16, AT_TRANSCRIBE_RATE, AT_RESAMPLE_FAST, error))
        return NULL;
      samples = a16->samples;
      total = a16->n;
    }
  /* (Padding the input with 0.3 or 0.6 s of silence was tried: it cost key
   * words on espeak-ng speech, 7 of 13 instead of 11.) */
  g_autoptr (AtTranscribeStream) stream = at_transcriber_stream_begin (t, error);
  if (stream == NULL)
    return NULL;
  g_autofree char *last_hyp = g_strdup ("");
  for (gsize off = 0; off < total; off += CHUNK_SAMPLES)
    {
      if (g_cancellable_is_cancelled (cancellable))
        {
          g_set_error_literal (error, AT_TRANSCRIBE_ERROR, AT_TRANSCRIBE_ERROR_CANCELLED, "Transcription cancelled");
          return NULL;
        }
      if (!at_transcribe_stream_feed (stream, samples + off, MIN ((gsize) CHUNK_SAMPLES, total - off), error))
        return NULL;
      const char *hyp = partial != NULL ? at_transcribe_stream_get_hypothesis (stream) : "";
      if (strcmp (hyp, last_hyp) != 0)
        {
          g_free (last_hyp);
          last_hyp = g_strdup (hyp);
          partial (last_hyp, at_transcribe_stream_get_seconds (stream), user_data);
        }
    }
  AtTranscript *r = at_transcribe_stream_end (stream, error);
  if (r == NULL)
    return NULL;
  r->audio_seconds = at_audio_get_duration (audio);
  r->decode_seconds = (g_get_monotonic_time () - began) / 1e6;
  return r;
}

AtTranscript *
at_transcribe (const AtAudio *audio, AtPartialFunc partial, gpointer user_data, GCancellable *cancellable,
               GError **error)
{
  g_autoptr (AtTranscriber) t = at_transcriber_new (NULL, error);
  if (t == NULL)
    return NULL;
  return at_transcriber_run (t, audio, partial, user_data, cancellable, error);
}

/* Lower-cased words with punctuation stripped (apostrophes kept). */
static GPtrArray *
normalise_words (const char *text)
{
  GPtrArray *words = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *lower = g_utf8_strdown (text != NULL ? text : "", -1);
  GString *w = g_string_new (NULL);
  for (const char *p = lower;; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (c != 0 && (g_unichar_isalnum (c) || c == '\''))
        g_string_append_unichar (w, c);
      else if (w->len > 0)
        {
          g_ptr_array_add (words, g_strdup (w->str));
          g_string_truncate (w, 0);
        }
      if (c == 0)
        break;
    }
  g_string_free (w, TRUE);
  return words;
}

double
at_word_error_rate (const char *reference, const char *hypothesis)
{
  g_autoptr (GPtrArray) ref = normalise_words (reference);
  g_autoptr (GPtrArray) hyp = normalise_words (hypothesis);
  if (ref->len == 0)
    return -1;
  guint n = ref->len, m = hyp->len;
  g_autofree guint *prev = g_new (guint, m + 1);
  g_autofree guint *cur = g_new (guint, m + 1);
  for (guint j = 0; j <= m; j++)
    prev[j] = j;
  for (guint i = 1; i <= n; i++)
    {
      cur[0] = i;
      for (guint j = 1; j <= m; j++)
        {
          guint sub = prev[j - 1] + (strcmp (ref->pdata[i - 1], hyp->pdata[j - 1]) != 0);
          cur[j] = MIN (sub, MIN (prev[j] + 1, cur[j - 1] + 1));
        }
      memcpy (prev, cur, (m + 1) * sizeof (guint));
    }
  return (double) prev[m] / n;
}

/* --- partial hypotheses for another thread ----------------------------------- */

struct _AtPartialSink {
  AtPartialFunc func;
  gpointer data;
  GDestroyNotify destroy;
  GMainContext *context;
  gint closed;        /* atomic */
  char *last;         /* the decoding side's */
};

AtPartialSink *
at_partial_sink_new (AtPartialFunc func, gpointer data, GDestroyNotify destroy)
{
  AtPartialSink *sink = g_atomic_rc_box_new0 (AtPartialSink);
  sink->func = func;
  sink->data = data;
  sink->destroy = destroy;
  sink->context = g_main_context_ref_thread_default ();
  sink->last = g_strdup ("");
  return sink;
}

AtPartialSink *
at_partial_sink_ref (AtPartialSink *sink)
{
  return g_atomic_rc_box_acquire (sink);
}

/* Runs func on context's thread. (g_main_context_invoke() would run it
 * on a worker that happens to find the default context unowned.) */
static void
post (GMainContext *context, GSourceFunc func, gpointer data, GDestroyNotify notify)
{
  GSource *source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, func, data, notify);
  g_source_set_static_name (source, "atelier-transcribe");
  g_source_attach (source, context);
  g_source_unref (source);
}

typedef struct {
  GDestroyNotify destroy;
  gpointer data;
} DestroyCall;

static gboolean
run_destroy (gpointer data)
{
  DestroyCall *call = data;
  call->destroy (call->data);
  g_free (call);
  return G_SOURCE_REMOVE;
}

static void
sink_clear (gpointer data)
{
  AtPartialSink *sink = data;
  if (sink->destroy != NULL)
    {
      DestroyCall *call = g_new (DestroyCall, 1);
      *call = (DestroyCall) { sink->destroy, sink->data };
      post (sink->context, run_destroy, call, NULL);
    }
  g_main_context_unref (sink->context);
  g_free (sink->last);
}

void
at_partial_sink_unref (AtPartialSink *sink)
{
  if (sink != NULL)
    g_atomic_rc_box_release_full (sink, sink_clear);
}

void
at_partial_sink_close (AtPartialSink *sink)
{
  g_atomic_int_set (&sink->closed, TRUE);
}

typedef struct {
  AtPartialSink *sink;   /* a reference */
  char *hypothesis;
  double seconds;
} PartialCall;

static gboolean
deliver_partial (gpointer data)
{
  PartialCall *call = data;
  AtPartialSink *sink = call->sink;
  if (sink->func != NULL && !g_atomic_int_get (&sink->closed))
    sink->func (call->hypothesis, call->seconds, sink->data);
  return G_SOURCE_REMOVE;
}

static void
partial_call_free (gpointer data)
{
  PartialCall *call = data;
  at_partial_sink_unref (call->sink);
  g_free (call->hypothesis);
  g_free (call);
}

void
at_partial_sink_forward (const char *hypothesis, double seconds_done, gpointer data)
{
  AtPartialSink *sink = data;
  if (sink->func == NULL || g_atomic_int_get (&sink->closed) || g_str_equal (hypothesis, sink->last))
    return;
  g_free (sink->last);
  sink->last = g_strdup (hypothesis);
  PartialCall *call = g_new0 (PartialCall, 1);
  call->sink = at_partial_sink_ref (sink);
  call->hypothesis = g_strdup (hypothesis);
  call->seconds = seconds_done;
  post (sink->context, deliver_partial, call, partial_call_free);
}

/* --- asynchronous runs --------------------------------------------------------- */

typedef struct {
  AtTranscriber *transcriber;
  AtAudio *audio;
  AtPartialSink *sink;
} RunData;

static void
run_data_free (RunData *d)
{
  at_transcriber_free (d->transcriber);
  at_audio_free (d->audio);
  at_partial_sink_unref (d->sink);
  g_free (d);
}

static void
run_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  RunData *d = task_data;
  GError *error = NULL;
  AtPartialFunc forward = d->sink->func != NULL ? at_partial_sink_forward : NULL;
  AtTranscript *r = at_transcriber_run (d->transcriber, d->audio, forward, d->sink, cancellable, &error);
  if (r == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, r, (GDestroyNotify) at_transcript_free);
}

void
at_transcriber_run_async (AtTranscriber *t, const AtAudio *audio, AtPartialFunc partial, gpointer partial_data,
                          GDestroyNotify partial_destroy, GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer user_data)
{
  g_return_if_fail (t != NULL && audio != NULL);
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, at_transcriber_run_async);
  RunData *d = g_new0 (RunData, 1);
  d->transcriber = at_transcriber_ref (t);
  d->audio = at_audio_new_from (audio->samples, audio->n, audio->rate);
  d->sink = at_partial_sink_new (partial, partial_data, partial_destroy);
  g_task_set_task_data (task, d, (GDestroyNotify) run_data_free);
  /* its own error on cancellation, not GIO's */
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, run_thread);
}

AtTranscript *
at_transcriber_run_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, at_transcriber_run_async), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
new_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;
  AtTranscriber *t = at_transcriber_new (task_data, &error);
  if (t == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, t, (GDestroyNotify) at_transcriber_free);
}

void
at_transcriber_new_async (const AtTranscribeOptions *options, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, at_transcriber_new_async);
  g_task_set_task_data (task, at_transcribe_options_copy (options), (GDestroyNotify) at_transcribe_options_free);
  g_task_run_in_thread (task, new_thread);
}

AtTranscriber *
at_transcriber_new_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, at_transcriber_new_async), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
