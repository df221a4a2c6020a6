/* transcribe.c — pocketsphinx decoding of an AtAudio. */
#define G_LOG_DOMAIN "atelier-transcribe"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <pocketsphinx.h>
#include <sphinxbase/err.h>

#include "atelier-config.h"
#include "audio/transcribe.h"

G_DEFINE_QUARK (at-transcribe-error-quark, at_transcribe_error)

#ifndef AT_POCKETSPHINX_MODEL_DIR
#define AT_POCKETSPHINX_MODEL_DIR "/usr/share/pocketsphinx/model"
#endif

/* Quarter-second chunks: partial results often enough for live captions,
 * few enough calls not to matter. */
#define CHUNK_SAMPLES (AT_TRANSCRIBE_RATE / 4)

struct _AtTranscriber {
  GMutex lock;
  cmd_ln_t *config;
  ps_decoder_t *ps;
  GStrv unknown_words;
  int frame_rate;   /* feature frames per second, for word times */
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
  else if (ps_set_jsgf_string (t->ps, "vocabulary", jsgf->str) < 0 || ps_set_search (t->ps, "vocabulary") < 0)
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
  g_autofree char *lm = g_build_filename (dir, "en-us.lm.bin", NULL);
  g_autofree char *dict = g_build_filename (dir, "cmudict-en-us.dict", NULL);
  g_autofree char *mdef = g_build_filename (hmm, "mdef", NULL);
  if (!require_file (hmm, TRUE, error) || !require_file (mdef, FALSE, error) || !require_file (lm, FALSE, error) ||
      !require_file (dict, FALSE, error))
    return NULL;

  g_autoptr (AtTranscriber) t = g_new0 (AtTranscriber, 1);
  g_mutex_init (&t->lock);
  t->config = cmd_ln_init (NULL, ps_args (), TRUE, "-hmm", hmm, "-lm", lm, "-dict", dict, "-samprate", "16000",
                           "-logfn", "/dev/null", NULL);
  if (t->config == NULL || (t->ps = ps_init (t->config)) == NULL)
    {
      g_set_error (error, AT_TRANSCRIBE_ERROR, AT_TRANSCRIBE_ERROR_MODEL,
                   "pocketsphinx could not load the speech model in %s (damaged files?)", dir);
      return NULL;
    }
  t->frame_rate = cmd_ln_int32_r (t->config, "-frate");
  if (t->frame_rate <= 0)
    t->frame_rate = 100;
  if (options != NULL && options->vocabulary != NULL && !use_vocabulary (t, options->vocabulary, error))
    return NULL;
  if (t->unknown_words == NULL)
    t->unknown_words = g_new0 (char *, 1);
  return g_steal_pointer (&t);
}

void
at_transcriber_free (AtTranscriber *t)
{
  if (t == NULL)
    return;
  if (t->ps != NULL)
    ps_free (t->ps);
  if (t->config != NULL)
    cmd_ln_free_r (t->config);
  g_strfreev (t->unknown_words);
  g_mutex_clear (&t->lock);
  g_free (t);
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
      gint64 start = (gint64) sf * 1000 / t->frame_rate, end = (gint64) (ef + 1) * 1000 / t->frame_rate;
      g_ptr_array_add (r->words, at_cue_new (start, MAX (end, start + 1), word));
      g_string_append_printf (text, "%s%s", text->len > 0 ? " " : "", word);
    }
  if (text->len == 0)
    {
      /* no segmentation: fall back to the hypothesis string */
      int32 score = 0;
      const char *hyp = ps_get_hyp (t->ps, &score);
      g_auto (GStrv) parts = g_strsplit (hyp != NULL ? hyp : "", " ", -1);
      for (int i = 0; parts[i] != NULL; i++)
        {
          g_autofree char *word = clean_word (parts[i]);
          if (!is_filler (word))
            g_string_append_printf (text, "%s%s", text->len > 0 ? " " : "", word);
        }
    }
  r->text = g_string_free (text, FALSE);
  return r;
}

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
  g_autoptr (AtAudio) a16 = at_audio_new_from (audio->samples, audio->n, audio->rate);
  if (a16->rate != AT_TRANSCRIBE_RATE && !at_audio_resample_full (a16, AT_TRANSCRIBE_RATE, AT_RESAMPLE_FAST, error))
    return NULL;
  g_autofree gint16 *pcm = g_new (gint16, MAX (a16->n, 1));
  for (gsize i = 0; i < a16->n; i++)
    {
      float v = a16->samples[i];
      v = isfinite (v) ? CLAMP (v, -1.0f, 1.0f) : 0.0f;
      pcm[i] = (gint16) lrintf (v * 32767.0f);
    }

  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&t->lock);
  if (ps_start_utt (t->ps) < 0)
    {
      g_set_error_literal (error, AT_TRANSCRIBE_ERROR, AT_TRANSCRIBE_ERROR_FAILED,
                           "pocketsphinx could not start decoding");
      return NULL;
    }
  g_autofree char *last_hyp = g_strdup ("");
  for (gsize off = 0; off < a16->n; off += CHUNK_SAMPLES)
    {
      if (g_cancellable_is_cancelled (cancellable))
        {
          ps_end_utt (t->ps);
          g_set_error_literal (error, AT_TRANSCRIBE_ERROR, AT_TRANSCRIBE_ERROR_CANCELLED, "Transcription cancelled");
          return NULL;
        }
      gsize len = MIN ((gsize) CHUNK_SAMPLES, a16->n - off);
      if (ps_process_raw (t->ps, pcm + off, len, FALSE, FALSE) < 0)
        {
          ps_end_utt (t->ps);
          g_set_error_literal (error, AT_TRANSCRIBE_ERROR, AT_TRANSCRIBE_ERROR_FAILED,
                               "pocketsphinx could not process the audio");
          return NULL;
        }
      if (partial != NULL)
        {
          int32 score = 0;
          const char *hyp = ps_get_hyp (t->ps, &score);
          if (hyp == NULL)
            hyp = "";
          if (strcmp (hyp, last_hyp) != 0)
            {
              g_free (last_hyp);
              last_hyp = g_strdup (hyp);
              partial (last_hyp, (double) (off + len) / AT_TRANSCRIBE_RATE, user_data);
            }
        }
    }
  if (ps_end_utt (t->ps) < 0)
    {
      g_set_error_literal (error, AT_TRANSCRIBE_ERROR, AT_TRANSCRIBE_ERROR_FAILED,
                           "pocketsphinx could not finish decoding");
      return NULL;
    }
  AtTranscript *r = collect (t, at_audio_get_duration (audio));
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
