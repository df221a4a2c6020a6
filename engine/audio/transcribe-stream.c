/* transcribe-stream.c — incremental pocketsphinx decoding for live captions.
 *
 * The decoder is configured as transcribe.c configures AtTranscriber's
 * (same model files, the same vocabulary grammar and word insertion
 * penalty), so a live caption and the transcript that follows agree; see
 * the header for the API this should become inside transcribe.c.
 */
#define G_LOG_DOMAIN "atelier-transcribe"

#include "audio/transcribe-stream.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <pocketsphinx.h>
#include <sphinxbase/err.h>
#include <sphinxbase/jsgf.h>

#include "atelier-config.h"

#ifndef AT_POCKETSPHINX_MODEL_DIR
#define AT_POCKETSPHINX_MODEL_DIR "/usr/share/pocketsphinx/model"
#endif

struct _AtTranscribeStream {
  cmd_ln_t *config;
  ps_decoder_t *ps;
  gboolean in_utterance;
  gsize fed;               /* samples */
  char *hypothesis;
  gint16 *pcm;             /* conversion buffer */
  gsize pcm_len;
};

/* --- the decoder, as at_transcriber_new() makes it ---------------------------- */

static gpointer
silence_sphinx_log (gpointer data)
{
  /* sphinxbase logs every setting and every utterance to stderr */
  err_set_logfp (NULL);
  return NULL;
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

/* The vocabulary's words the dictionary knows, as a grammar accepting them
 * in any order and number; NULL when it knows none. */
static char *
vocabulary_grammar (ps_decoder_t *ps, const char * const *vocabulary)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GString) jsgf = g_string_new ("#JSGF V1.0;\ngrammar atelier;\npublic <utterance> = ( ");
  guint known = 0;
  for (int i = 0; vocabulary[i] != NULL; i++)
    {
      g_auto (GStrv) parts = g_strsplit_set (vocabulary[i], " \t\n,.;:!?\"", -1);
      for (int k = 0; parts[k] != NULL; k++)
        {
          g_autofree char *w = g_utf8_strdown (parts[k], -1);
          if (*w == '\0' || g_hash_table_contains (seen, w))
            continue;
          g_hash_table_add (seen, g_strdup (w));
          gboolean plain = TRUE;
          for (const char *p = w; *p != '\0'; p++)
            plain &= g_ascii_isalnum (*p) || *p == '\'' || *p == '-';
          char *phones = plain ? ps_lookup_word (ps, w) : NULL;
          if (phones == NULL)
            continue;
          free (phones);
          g_string_append_printf (jsgf, "%s%s", known++ > 0 ? " | " : "", w);
        }
    }
  g_string_append (jsgf, " )* ;\n");
  return known > 0 ? g_string_free (g_steal_pointer (&jsgf), FALSE) : NULL;
}

/* ps_set_jsgf_string() of pocketsphinx 5prealpha leaks the parsed grammar. */
static gboolean
set_grammar (AtTranscribeStream *s, const char *text)
{
  jsgf_t *jsgf = jsgf_parse_string (text, NULL);
  if (jsgf == NULL)
    return FALSE;
  gboolean ok = FALSE;
  jsgf_rule_t *rule = jsgf_get_public_rule (jsgf);
  if (rule != NULL)
    {
      fsg_model_t *fsg = jsgf_build_fsg (jsgf, rule, ps_get_logmath (s->ps), cmd_ln_float32_r (s->config, "-lw"));
      ok = fsg != NULL && ps_set_fsg (s->ps, "vocabulary", fsg) >= 0 && ps_set_search (s->ps, "vocabulary") >= 0;
      if (fsg != NULL)
        fsg_model_free (fsg);
    }
  jsgf_grammar_free (jsgf);
  return ok;
}

static gboolean
load_decoder (AtTranscribeStream *s, const AtTranscribeOptions *options, GError **error)
{
  static GOnce log_once = G_ONCE_INIT;
  g_once (&log_once, silence_sphinx_log, NULL);

  const char *dir = options != NULL ? options->model_dir : NULL;
  if (dir == NULL)
    dir = g_getenv ("ATELIER_SPEECH_MODEL_DIR");
  g_autofree char *default_dir = g_build_filename (AT_POCKETSPHINX_MODEL_DIR, "en-us", NULL);
  if (dir == NULL || *dir == '\0')
    dir = default_dir;
  gboolean own_lm = options != NULL && options->language_model != NULL;
  g_autofree char *hmm = g_build_filename (dir, "en-us", NULL);
  g_autofree char *lm = own_lm ? g_strdup (options->language_model) : g_build_filename (dir, "en-us.lm.bin", NULL);
  g_autofree char *dict = g_build_filename (dir, "cmudict-en-us.dict", NULL);
  if (own_lm && !g_file_test (lm, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, AT_TRANSCRIBE_ERROR, AT_TRANSCRIBE_ERROR_LANGUAGE_MODEL, "Language model %s not found", lm);
      return FALSE;
    }
  if (!require_file (hmm, TRUE, error) || !require_file (lm, FALSE, error) || !require_file (dict, FALSE, error))
    return FALSE;

  s->config = cmd_ln_init (NULL, ps_args (), TRUE, "-hmm", hmm, "-lm", lm, "-dict", dict, "-samprate", "16000",
                           "-logfn", "/dev/null", NULL);
  gboolean grammar = options != NULL && options->vocabulary != NULL;
  /* transcribe.c: fewer "a" and "on" filling the pauses of a free grammar */
  if (s->config != NULL && grammar)
    cmd_ln_set_float_r (s->config, "-wip", 0.01);
  if (s->config == NULL || (s->ps = ps_init (s->config)) == NULL)
    {
      g_set_error (error, AT_TRANSCRIBE_ERROR, AT_TRANSCRIBE_ERROR_MODEL,
                   "pocketsphinx could not load the speech model in %s (damaged files?)", dir);
      return FALSE;
    }
  if (grammar)
    {
      g_autofree char *jsgf = vocabulary_grammar (s->ps, options->vocabulary);
      if (jsgf == NULL || !set_grammar (s, jsgf))
        {
          g_set_error_literal (error, AT_TRANSCRIBE_ERROR, AT_TRANSCRIBE_ERROR_VOCABULARY,
                               jsgf == NULL ? "None of the vocabulary's words is in the pronunciation dictionary"
                                            : "pocketsphinx rejected the vocabulary grammar");
          return FALSE;
        }
    }
  return TRUE;
}

/* --- the stream --------------------------------------------------------------- */

AtTranscribeStream *
at_transcribe_stream_new (const AtTranscribeOptions *options, GError **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  g_autoptr (AtTranscribeStream) s = g_new0 (AtTranscribeStream, 1);
  s->hypothesis = g_strdup ("");
  if (!load_decoder (s, options, error))
    return NULL;
  if (ps_start_utt (s->ps) < 0)
    {
      g_set_error_literal (error, AT_TRANSCRIBE_ERROR, AT_TRANSCRIBE_ERROR_FAILED,
                           "pocketsphinx could not start decoding");
      return NULL;
    }
  s->in_utterance = TRUE;
  return g_steal_pointer (&s);
}

/* "apple(2)" is the second pronunciation of "apple"; <sil>, [noise] and
 * ++garbage++ are not words. */
static char *
clean_hypothesis (const char *hyp)
{
  g_auto (GStrv) words = g_strsplit (hyp != NULL ? hyp : "", " ", -1);
  GString *text = g_string_new (NULL);
  for (int i = 0; words[i] != NULL; i++)
    {
      const char *w = words[i];
      if (*w == '\0' || *w == '<' || *w == '[' || g_str_has_prefix (w, "++"))
        continue;
      const char *paren = strchr (w, '(');
      g_string_append_printf (text, "%s%.*s", text->len > 0 ? " " : "",
                              (int) (paren != NULL ? paren - w : (ptrdiff_t) strlen (w)), w);
    }
  return g_string_free (text, FALSE);
}

gboolean
at_transcribe_stream_feed (AtTranscribeStream *s, const float *samples, gsize n, GError **error)
{
  g_return_val_if_fail (s != NULL && (samples != NULL || n == 0), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  if (!s->in_utterance)
    {
      g_set_error_literal (error, AT_TRANSCRIBE_ERROR, AT_TRANSCRIBE_ERROR_FAILED,
                           "The stream has ended: it takes no more audio");
      return FALSE;
    }
  if (n == 0)
    return TRUE;
  if (n > s->pcm_len)
    {
      s->pcm = g_renew (gint16, s->pcm, n);
      s->pcm_len = n;
    }
  for (gsize i = 0; i < n; i++)
    {
      float v = isfinite (samples[i]) ? CLAMP (samples[i], -1.0f, 1.0f) : 0.0f;
      s->pcm[i] = (gint16) lrintf (v * 32767.0f);
    }
  if (ps_process_raw (s->ps, s->pcm, n, FALSE, FALSE) < 0)
    {
      g_set_error_literal (error, AT_TRANSCRIBE_ERROR, AT_TRANSCRIBE_ERROR_FAILED,
                           "pocketsphinx could not process the audio");
      return FALSE;
    }
  s->fed += n;
  int32 score = 0;
  g_free (s->hypothesis);
  s->hypothesis = clean_hypothesis (ps_get_hyp (s->ps, &score));
  return TRUE;
}

const char *
at_transcribe_stream_get_hypothesis (AtTranscribeStream *s)
{
  g_return_val_if_fail (s != NULL, NULL);
  return s->hypothesis;
}

double
at_transcribe_stream_get_seconds (AtTranscribeStream *s)
{
  g_return_val_if_fail (s != NULL, 0);
  return (double) s->fed / AT_TRANSCRIBE_RATE;
}

char *
at_transcribe_stream_end (AtTranscribeStream *s, GError **error)
{
  g_return_val_if_fail (s != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  if (!s->in_utterance)
    return g_strdup (s->hypothesis);
  s->in_utterance = FALSE;
  if (ps_end_utt (s->ps) < 0)
    {
      g_set_error_literal (error, AT_TRANSCRIBE_ERROR, AT_TRANSCRIBE_ERROR_FAILED,
                           "pocketsphinx could not finish decoding");
      return NULL;
    }
  int32 score = 0;
  g_free (s->hypothesis);
  s->hypothesis = clean_hypothesis (ps_get_hyp (s->ps, &score));
  return g_strdup (s->hypothesis);
}

void
at_transcribe_stream_free (AtTranscribeStream *s)
{
  if (s == NULL)
    return;
  if (s->in_utterance)
    ps_end_utt (s->ps);
  if (s->ps != NULL)
    ps_free (s->ps);
  if (s->config != NULL)
    cmd_ln_free_r (s->config);
  g_free (s->hypothesis);
  g_free (s->pcm);
  g_free (s);
}

/* --- live captions: a stream on a worker thread -------------------------------- */

/* Shared by the owner and the worker (reference counted); the owner's
 * at_live_captions_free() only marks it cancelled. */
struct _AtLiveCaptions {
  GAsyncQueue *queue;        /* Message* for the worker */
  GMainContext *context;     /* where partials go */
  AtPartialFunc partial;
  gpointer user_data;
  gint cancelled;            /* atomic */
  gboolean ended;            /* owner side: end was asked */
  /* the options, copied for the worker */
  char *model_dir;
  GStrv vocabulary;
  char *language_model;
};

typedef enum {
  MESSAGE_SAMPLES,
  MESSAGE_END,               /* return the final text through task */
  MESSAGE_QUIT,
} MessageKind;

typedef struct {
  MessageKind kind;
  float *samples;
  gsize n;
  GTask *task;
} Message;

static void
message_free (gpointer data)
{
  Message *m = data;
  g_free (m->samples);
  g_clear_object (&m->task);
  g_free (m);
}

static void
captions_clear (gpointer data)
{
  AtLiveCaptions *c = data;
  g_async_queue_unref (c->queue);
  g_main_context_unref (c->context);
  g_free (c->model_dir);
  g_strfreev (c->vocabulary);
  g_free (c->language_model);
}

static void
captions_release (AtLiveCaptions *c)
{
  g_atomic_rc_box_release_full (c, captions_clear);
}

typedef struct {
  AtLiveCaptions *captions;  /* a reference */
  char *hypothesis;
  double seconds;
} PartialCall;

static gboolean
deliver_partial (gpointer data)
{
  PartialCall *call = data;
  AtLiveCaptions *c = call->captions;
  if (!g_atomic_int_get (&c->cancelled))
    c->partial (call->hypothesis, call->seconds, c->user_data);
  return G_SOURCE_REMOVE;
}

static void
partial_call_free (gpointer data)
{
  PartialCall *call = data;
  captions_release (call->captions);
  g_free (call->hypothesis);
  g_free (call);
}

static gpointer
captions_thread (gpointer data)
{
  AtLiveCaptions *c = data;
  AtTranscribeOptions options = { c->model_dir, (const char * const *) c->vocabulary, c->language_model };
  GError *error = NULL;
  AtTranscribeStream *stream = at_transcribe_stream_new (&options, &error);
  g_autofree char *last = g_strdup ("");
  for (;;)
    {
      Message *m = g_async_queue_pop (c->queue);
      gboolean cancelled = g_atomic_int_get (&c->cancelled);
      if (m->kind == MESSAGE_QUIT)
        {
          message_free (m);
          break;
        }
      if (m->kind == MESSAGE_END)
        {
          char *text = NULL;
          if (cancelled)
            g_task_return_new_error (m->task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Live captions stopped");
          else if (error != NULL)
            g_task_return_error (m->task, g_error_copy (error));
          else if ((text = at_transcribe_stream_end (stream, &error)) != NULL)
            g_task_return_pointer (m->task, text, g_free);
          else
            g_task_return_error (m->task, g_error_copy (error));
        }
      else if (!cancelled && error == NULL && at_transcribe_stream_feed (stream, m->samples, m->n, &error))
        {
          const char *hyp = at_transcribe_stream_get_hypothesis (stream);
          if (strcmp (hyp, last) != 0 && c->partial != NULL)
            {
              g_free (last);
              last = g_strdup (hyp);
              PartialCall *call = g_new0 (PartialCall, 1);
              call->captions = g_atomic_rc_box_acquire (c);
              call->hypothesis = g_strdup (hyp);
              call->seconds = at_transcribe_stream_get_seconds (stream);
              g_main_context_invoke_full (c->context, G_PRIORITY_DEFAULT, deliver_partial, call, partial_call_free);
            }
        }
      message_free (m);
    }
  g_clear_error (&error);
  g_clear_pointer (&stream, at_transcribe_stream_free);
  captions_release (c);
  return NULL;
}

AtLiveCaptions *
at_live_captions_new (const AtTranscribeOptions *options, AtPartialFunc partial, gpointer user_data)
{
  AtLiveCaptions *c = g_atomic_rc_box_new0 (AtLiveCaptions);
  c->queue = g_async_queue_new_full (message_free);
  c->context = g_main_context_ref_thread_default ();
  c->partial = partial;
  c->user_data = user_data;
  if (options != NULL)
    {
      c->model_dir = g_strdup (options->model_dir);
      c->vocabulary = g_strdupv ((char **) options->vocabulary);
      c->language_model = g_strdup (options->language_model);
    }
  /* a thread of its own: it waits on the queue for a whole recording */
  g_thread_unref (g_thread_new ("live-captions", captions_thread, g_atomic_rc_box_acquire (c)));
  return c;
}

static void
push (AtLiveCaptions *c, MessageKind kind, const float *samples, gsize n, GTask *task)
{
  Message *m = g_new0 (Message, 1);
  m->kind = kind;
  m->samples = n > 0 ? g_memdup2 (samples, n * sizeof (float)) : NULL;
  m->n = n;
  m->task = task;
  g_async_queue_push (c->queue, m);
}

void
at_live_captions_feed (AtLiveCaptions *c, const float *samples, gsize n)
{
  g_return_if_fail (c != NULL && (samples != NULL || n == 0));
  if (!c->ended && n > 0)
    push (c, MESSAGE_SAMPLES, samples, n, NULL);
}

void
at_live_captions_end_async (AtLiveCaptions *c, GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (c != NULL);
  g_return_if_fail (!c->ended);
  c->ended = TRUE;
  GTask *task = g_task_new (NULL, NULL, callback, user_data);
  g_task_set_source_tag (task, at_live_captions_end_async);
  push (c, MESSAGE_END, NULL, 0, task);
}

char *
at_live_captions_end_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, at_live_captions_end_async), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
at_live_captions_free (AtLiveCaptions *c)
{
  if (c == NULL)
    return;
  g_atomic_int_set (&c->cancelled, TRUE);
  push (c, MESSAGE_QUIT, NULL, 0, NULL);
  captions_release (c);
}
