/* transcribe.c — the transcriber and what decodes with it: a loaded
 * decoder shared by turns, its streams, and whole-clip runs on a stream.
 * Finding, checking and loading the model files live beside it
 * (speech-models.c, speech-model-check.c, speech-decoder.c); the
 * asynchronous forms in transcribe-async.c. */
#define G_LOG_DOMAIN "atelier-transcribe"

#include <math.h>
#include <string.h>

#include <sphinxbase/cmn.h>
#include <sphinxbase/feat.h>

#include "audio/speech-decoder.h"
#include "audio/speech-models.h"
#include "audio/transcribe.h"

G_DEFINE_QUARK (at-transcribe-error-quark, at_transcribe_error)

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
  AtSpeechDecoder decoder;
  GStrv unknown_words;
  int frame_rate;   /* feature frames per second, for word times */
  mfcc_t *cmn_init; /* the model's initial cepstral means, restored per stream */
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

/* pocketsphinx could not load the files chosen; the message blames what
 * the caller can change. */
static void
set_load_error (const AtLanguageModelChoice *choice, const AtSpeechModels *models, GError **error)
{
  if (g_str_equal (choice->name, "file"))
    g_set_error (error, AT_TRANSCRIBE_ERROR, AT_TRANSCRIBE_ERROR_LANGUAGE_MODEL,
                 "pocketsphinx could not load the language model %s with the dictionary %s (expected ARPA text or "
                 "its binary form)",
                 choice->lm, choice->dict);
  else
    g_set_error (error, AT_TRANSCRIBE_ERROR, AT_TRANSCRIBE_ERROR_MODEL,
                 "pocketsphinx could not load the speech model in %s (damaged files? reinstall pocketsphinx-en-us)",
                 models->dir);
}

/* Loads the model chosen; a prompt model that does not load whole falls
 * back as its files' checks would have (at_language_model_fall_back). */
static gboolean
load_chosen_model (AtTranscriber *t, const AtSpeechModels *models, AtLanguageModelChoice *choice,
                   const AtTranscribeOptions *options, GError **error)
{
  AtLanguageModelKind kind = options != NULL ? options->lm_kind : AT_LANGUAGE_MODEL_AUTO;
  gboolean grammar = options != NULL && options->vocabulary != NULL;
  gboolean loaded = at_speech_decoder_load (&t->decoder, models->hmm, choice->lm, choice->dict, grammar);
  /* A dictionary that cannot say "a" is no prompt dictionary (sphinxbase
   * skips unreadable lines, so damage inside it loads as missing words). */
  if (g_str_equal (choice->name, "prompt") && !(loaded && at_speech_decoder_knows_word (&t->decoder, "a")))
    {
      at_speech_decoder_unload (&t->decoder);
      if (!at_language_model_fall_back (choice, models, kind, error))
        return FALSE;
      loaded = at_speech_decoder_load (&t->decoder, models->hmm, choice->lm, choice->dict, grammar);
    }
  if (!loaded)
    set_load_error (choice, models, error);
  return loaded;
}

/* What every stream starts from: the model's own cepstral means; and the
 * frame rate, for word times. */
static void
remember_stream_start (AtTranscriber *t)
{
  cmn_t *cmn = ps_get_feat (t->decoder.ps)->cmn_struct;
  if (cmn != NULL && cmn->cmn_mean != NULL && cmn->veclen > 0)
    t->cmn_init = g_memdup2 (cmn->cmn_mean, sizeof (mfcc_t) * cmn->veclen);
  t->frame_rate = cmd_ln_int32_r (t->decoder.config, "-frate");
  if (t->frame_rate <= 0)
    t->frame_rate = 100;
}

AtTranscriber *
at_transcriber_new (const AtTranscribeOptions *options, GError **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  g_autoptr (AtSpeechModels) models = at_speech_models_find (options != NULL ? options->model_dir : NULL, error);
  if (models == NULL)
    return NULL;
  g_autoptr (AtLanguageModelChoice) choice = at_language_model_choose (models, options, error);
  if (choice == NULL)
    return NULL;
  g_autoptr (AtTranscriber) t = g_atomic_rc_box_new0 (AtTranscriber);
  g_mutex_init (&t->lock);
  g_cond_init (&t->idle);
  if (!load_chosen_model (t, models, choice, options, error))
    return NULL;
  t->lm_name = choice->name;
  t->lm_path = g_steal_pointer (&choice->lm);
  remember_stream_start (t);
  if (options != NULL && options->vocabulary != NULL)
    {
      if (!at_speech_decoder_use_vocabulary (&t->decoder, options->vocabulary, &t->unknown_words, error))
        return NULL;
    }
  else
    t->unknown_words = g_new0 (char *, 1);
  return g_steal_pointer (&t);
}

static void
transcriber_clear (gpointer data)
{
  AtTranscriber *t = data;
  at_speech_decoder_unload (&t->decoder);
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

/* The words pocketsphinx settled on, with their times. */
static AtTranscript *
collect (AtTranscriber *t, double seconds)
{
  AtTranscript *r = g_new0 (AtTranscript, 1);
  r->words = at_cue_array_new ();
  r->audio_seconds = seconds;
  GString *text = g_string_new (NULL);
  for (ps_seg_t *seg = ps_seg_iter (t->decoder.ps); seg != NULL; seg = ps_seg_next (seg))
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
      r->text = hypothesis_words (ps_get_hyp (t->decoder.ps, &score));
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
    cmn_live_set (ps_get_feat (t->decoder.ps)->cmn_struct, t->cmn_init);
  if (ps_start_stream (t->decoder.ps) < 0 || ps_start_utt (t->decoder.ps) < 0)
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
    ps_end_utt (t->decoder.ps);
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
  int status = ps_process_raw (s->transcriber->decoder.ps, s->pcm, s->pending, FALSE, FALSE);
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
      s->hypothesis = hypothesis_words (ps_get_hyp (s->transcriber->decoder.ps, &score));
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
  if (ps_end_utt (s->transcriber->decoder.ps) < 0)
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

/* audio at AT_TRANSCRIBE_RATE: itself, or a resampled copy left in *copy. */
static const AtAudio *
audio_at_decoding_rate (const AtAudio *audio, AtAudio **copy, GError **error)
{
  if (audio->rate == AT_TRANSCRIBE_RATE)
    return audio;
  *copy = at_audio_new_from (audio->samples, audio->n, audio->rate);
  if (!at_audio_resample_full (*copy, AT_TRANSCRIBE_RATE, AT_RESAMPLE_FAST, error))
    return NULL;
  return *copy;
}

/* Feeds the whole clip a chunk at a time, so that cancelling takes effect
 * within a chunk and partial hears of every change. */
static gboolean
feed_clip (AtTranscribeStream *stream, const AtAudio *clip, AtPartialFunc partial, gpointer user_data,
           GCancellable *cancellable, GError **error)
{
  g_autofree char *last_hyp = g_strdup ("");
  for (gsize off = 0; off < clip->n; off += CHUNK_SAMPLES)
    {
      if (g_cancellable_is_cancelled (cancellable))
        {
          g_set_error_literal (error, AT_TRANSCRIBE_ERROR, AT_TRANSCRIBE_ERROR_CANCELLED, "Transcription cancelled");
          return FALSE;
        }
      if (!at_transcribe_stream_feed (stream, clip->samples + off, MIN ((gsize) CHUNK_SAMPLES, clip->n - off), error))
        return FALSE;
      const char *hyp = partial != NULL ? at_transcribe_stream_get_hypothesis (stream) : "";
      if (strcmp (hyp, last_hyp) != 0)
        {
          g_free (last_hyp);
          last_hyp = g_strdup (hyp);
          partial (last_hyp, at_transcribe_stream_get_seconds (stream), user_data);
        }
    }
  return TRUE;
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
  g_autoptr (AtAudio) copy = NULL;
  const AtAudio *clip = audio_at_decoding_rate (audio, &copy, error);
  if (clip == NULL)
    return NULL;
  /* (Padding the input with 0.3 or 0.6 s of silence was tried: it cost key
   * words on espeak-ng speech, 7 of 13 instead of 11.) */
  g_autoptr (AtTranscribeStream) stream = at_transcriber_stream_begin (t, error);
  if (stream == NULL || !feed_clip (stream, clip, partial, user_data, cancellable, error))
    return NULL;
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
