/* transcribe.h — speech to text with pocketsphinx and its en-us model.
 *
 * An AtTranscriber holds a loaded pocketsphinx decoder (acoustic model,
 * language model or grammar, pronunciation dictionary: a fifth of a second
 * to load with the prompt model, about a second with the general one, so
 * keep one while the studio runs). Everything it decodes goes through an
 * AtTranscribeStream: one utterance fed as its audio arrives (live
 * captions), read back as the hypothesis so far, ended for the final text
 * with the time of every recognised word. at_transcriber_run() is a stream
 * over a whole clip: it resamples a copy to 16 kHz (at_audio_resample_full,
 * FAST), feeds it in quarter-second chunks and reports the hypothesis
 * through the partial callback whenever it changes.
 *
 * By default it decodes with Atelier's prompt language model
 * (resources/models/prompt.lm.bin and prompt.dict, made by
 * tools/speech/prompt_lm.py from the model's captions and prompt phrasing;
 * found like the image model: $ATELIER_MODEL_DIR, the installed models,
 * the source tree). If those files are missing or damaged it says so in a
 * g_message and uses the general en-us model instead; lm_kind chooses one
 * explicitly.
 *
 * Honesty: pocketsphinx 0.8 is weak on synthetic speech. Word error rates
 * on eight held-out prompts (tests/voice/test-transcribe.c, docs/SPEECH.md),
 * prompt model against general: 33% against 39% on flite's 16 kHz voices
 * (half the errors are "a" heard as "the"), 64% against 96% on espeak-ng's en-us
 * voice. A vocabulary (a short list of expected words, made into a
 * grammar) helps when the words are known (30% on flite, 11 of 13 key
 * words on espeak-ng).
 *
 * Missing model files are an error that names the file and the Debian
 * package, never a silent empty transcript.
 *
 * Threads: a transcriber decodes one stream at a time. A stream holds it
 * (a reference and its turn) from begin until ended or freed; a run or
 * another stream on it meanwhile waits, on any thread. Use one transcriber
 * per thread for parallel work. A stream is used by one thread at a time,
 * not necessarily the one that began it. The caller owns what it creates;
 * the _async functions run the same work on a GTask thread for the studio.
 */
#pragma once

#include <gio/gio.h>

#include "audio/audio-file.h"
#include "audio/narration.h"
#include "audio/word-error-rate.h"   /* at_word_error_rate(), for the transcripts' callers */

G_BEGIN_DECLS

#define AT_TRANSCRIBE_ERROR (at_transcribe_error_quark ())
GQuark at_transcribe_error_quark (void);

typedef enum {
  AT_TRANSCRIBE_ERROR_MODEL,       /* model files missing or unreadable */
  AT_TRANSCRIBE_ERROR_EMPTY,       /* audio without samples */
  AT_TRANSCRIBE_ERROR_VOCABULARY,  /* no word of the vocabulary is in the dictionary */
  AT_TRANSCRIBE_ERROR_LANGUAGE_MODEL, /* the language model asked for is missing or unreadable */
  AT_TRANSCRIBE_ERROR_FAILED,      /* pocketsphinx refused the audio */
  AT_TRANSCRIBE_ERROR_CANCELLED,
} AtTranscribeError;

/* The rate pocketsphinx's en-us acoustic model was trained at. */
#define AT_TRANSCRIBE_RATE 16000

/* Which n-gram language model decodes, when no vocabulary or file is given. */
typedef enum {
  AT_LANGUAGE_MODEL_AUTO,    /* the prompt model, else (missing or damaged) the general one */
  AT_LANGUAGE_MODEL_PROMPT,  /* the prompt model; an error when it is missing or damaged */
  AT_LANGUAGE_MODEL_GENERAL, /* pocketsphinx-en-us's general US English model and cmudict */
} AtLanguageModelKind;

typedef struct {
  /* Folder holding en-us/ (acoustic model), en-us.lm.bin and
   * cmudict-en-us.dict; NULL: $ATELIER_SPEECH_MODEL_DIR, else Debian's
   * pocketsphinx-en-us location. */
  const char *model_dir;
  /* Expected words: when set, a grammar of these words in any order
   * replaces the language model. Words missing from the dictionary are
   * dropped (listed in at_transcriber_get_unknown_words()). */
  const char * const *vocabulary;
  /* An n-gram language model (ARPA text, or pocketsphinx's binary form)
   * to use instead of lm_kind's, e.g. one made by tools/speech/prompt_lm.py;
   * NULL: lm_kind's. Its words must be in the dictionary; others are
   * ignored by pocketsphinx. Not used with a vocabulary. */
  const char *language_model;
  /* The default (0) is AUTO. */
  AtLanguageModelKind lm_kind;
  /* Pronunciations for language_model; NULL: the model folder's
   * cmudict-en-us.dict. */
  const char *dictionary;
} AtTranscribeOptions;

typedef struct {
  char *text;        /* words separated by single spaces; "" when nothing was heard */
  GPtrArray *words;  /* AtCue per word, times in ms of the input audio */
  double audio_seconds;
  double decode_seconds;
} AtTranscript;

void at_transcript_free (AtTranscript *transcript);

/* A deep copy of options (for a worker thread); NULL for NULL. */
AtTranscribeOptions *at_transcribe_options_copy (const AtTranscribeOptions *options);
void at_transcribe_options_free (AtTranscribeOptions *options);

typedef struct _AtTranscriber AtTranscriber;

AtTranscriber *at_transcriber_new (const AtTranscribeOptions *options, GError **error);
/* Transcribers are reference counted, so a running asynchronous job keeps
 * its own: at_transcriber_free() drops one reference. */
AtTranscriber *at_transcriber_ref (AtTranscriber *transcriber);
void at_transcriber_free (AtTranscriber *transcriber);
/* Which model decodes: "prompt", "general", "vocabulary" (a grammar of the
 * options' words) or "file" (options->language_model); owned by the
 * transcriber. AUTO says "general" when it fell back. */
const char *at_transcriber_get_language_model_name (AtTranscriber *transcriber);
/* The language model file loaded (the general one under a vocabulary). */
const char *at_transcriber_get_language_model_path (AtTranscriber *transcriber);
/* Vocabulary words the dictionary lacks (NULL-ended; owned by the transcriber). */
const char * const *at_transcriber_get_unknown_words (AtTranscriber *transcriber);

/* The hypothesis so far, called on the calling thread after each chunk in
 * which it changed. */
typedef void (*AtPartialFunc) (const char *hypothesis, double seconds_done, gpointer user_data);

typedef struct _AtTranscribeStream AtTranscribeStream;

/* Waits for the transcriber's turn, then starts an utterance from the
 * model's own cepstral means (a transcript depends on its audio only). */
AtTranscribeStream *at_transcriber_stream_begin (AtTranscriber *transcriber, GError **error);
/* Takes n more samples at AT_TRANSCRIBE_RATE (16 kHz), mono, in [-1, 1],
 * in pieces of any size: they are decoded a quarter second at a time, so
 * the pieces do not change the result. */
gboolean at_transcribe_stream_feed (AtTranscribeStream *stream, const float *samples, gsize n, GError **error);
/* The words recognised in the audio decoded so far, separated by single
 * spaces; "" before any. Owned by the stream, valid until the next call on
 * it. After the end: the final text. */
const char *at_transcribe_stream_get_hypothesis (AtTranscribeStream *stream);
/* Seconds of audio fed so far. */
double at_transcribe_stream_get_seconds (AtTranscribeStream *stream);
/* Decodes the rest and ends the utterance: the words with their times,
 * decode_seconds the time spent decoding. The transcriber is free for the
 * next stream (also after an error); the stream takes no more samples. */
AtTranscript *at_transcribe_stream_end (AtTranscribeStream *stream, GError **error);
/* At any point: an unended utterance is dropped and the transcriber given back. */
void at_transcribe_stream_free (AtTranscribeStream *stream);

AtTranscript *at_transcriber_run (AtTranscriber *transcriber, const AtAudio *audio, AtPartialFunc partial,
                                  gpointer user_data, GCancellable *cancellable, GError **error);

/* The same on a worker thread (the studio's main thread never computes).
 * The audio is copied; partial and callback run on the caller's
 * thread-default main context, and partial_destroy (partial_data) runs
 * there too, once no partial call can come any more (usually after the
 * callback). Cancelling ends the job within a chunk with
 * AT_TRANSCRIBE_ERROR_CANCELLED. */
void at_transcriber_run_async (AtTranscriber *transcriber, const AtAudio *audio, AtPartialFunc partial,
                               gpointer partial_data, GDestroyNotify partial_destroy, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data);
AtTranscript *at_transcriber_run_finish (GAsyncResult *result, GError **error);
/* Loading takes about a second: do that on a worker too. options are copied. */
void at_transcriber_new_async (const AtTranscribeOptions *options, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data);
AtTranscriber *at_transcriber_new_finish (GAsyncResult *result, GError **error);

/* One-shot: a transcriber with default options, run once. */
AtTranscript *at_transcribe (const AtAudio *audio, AtPartialFunc partial, gpointer user_data,
                             GCancellable *cancellable, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtTranscript, at_transcript_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtTranscriber, at_transcriber_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtTranscribeStream, at_transcribe_stream_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtTranscribeOptions, at_transcribe_options_free)

G_END_DECLS
