/* transcribe-stream.h — speech recognition of audio as it arrives (live
 * captions while recording).
 *
 * An AtTranscribeStream decodes one utterance fed in pieces: feed 16 kHz
 * mono samples as they come, read the hypothesis so far after each piece,
 * end it for the final words. It is synchronous and runs on the caller's
 * thread; one stream per thread.
 *
 * AtLiveCaptions runs a stream on a worker thread of its own for the
 * studio: feed it from the main loop (it copies and queues the samples, so
 * the caller never waits on the recogniser), receive the changing
 * hypothesis through an AtPartialFunc on the creating thread's
 * thread-default main context, and ask for the final text at the end.
 *
 * PROPOSAL (for transcribe.h): the stream belongs beside at_transcriber_run
 * and should use an AtTranscriber's decoder rather than load its own:
 *   AtTranscribeStream *at_transcriber_stream_begin (AtTranscriber *t, GError **error);
 *       holds t's lock and a reference until ended; resets the cepstral
 *       means and starts a stream and an utterance as _run does
 *   gboolean at_transcribe_stream_feed (AtTranscribeStream *s, const float *samples16k, gsize n, GError **error);
 *   const char *at_transcribe_stream_get_hypothesis (AtTranscribeStream *s);
 *   AtTranscript *at_transcribe_stream_end (AtTranscribeStream *s, GError **error);
 *       the words with times, as _run's collect(); releases the lock
 *   void at_transcribe_stream_free (AtTranscribeStream *s);
 * Until then at_transcribe_stream_new() builds a decoder configured as
 * at_transcriber_new() does (model folder, vocabulary grammar, language
 * model), about a second's work, and ending returns the text only.
 */
#pragma once

#include <gio/gio.h>

#include "audio/transcribe.h"

G_BEGIN_DECLS

typedef struct _AtTranscribeStream AtTranscribeStream;

/* Loads a decoder (options as for at_transcriber_new(); NULL: defaults) and
 * starts an utterance. */
AtTranscribeStream *at_transcribe_stream_new (const AtTranscribeOptions *options, GError **error);
/* Decodes n more samples at AT_TRANSCRIBE_RATE (16 kHz), mono, in [-1, 1]. */
gboolean at_transcribe_stream_feed (AtTranscribeStream *stream, const float *samples, gsize n, GError **error);
/* Words recognised so far, separated by single spaces; "" before any.
 * Owned by the stream, valid until the next feed. */
const char *at_transcribe_stream_get_hypothesis (AtTranscribeStream *stream);
/* Seconds of audio fed so far. */
double at_transcribe_stream_get_seconds (AtTranscribeStream *stream);
/* Ends the utterance; returns the final words ("" when none). The stream
 * takes no more samples afterwards. */
char *at_transcribe_stream_end (AtTranscribeStream *stream, GError **error);
void at_transcribe_stream_free (AtTranscribeStream *stream);

typedef struct _AtLiveCaptions AtLiveCaptions;

/* Starts the worker, which loads the decoder while the first samples
 * queue. partial runs on the caller's thread-default main context each time
 * the hypothesis changes, never after at_live_captions_free(). */
AtLiveCaptions *at_live_captions_new (const AtTranscribeOptions *options, AtPartialFunc partial, gpointer user_data);
/* Queues a copy of n samples at 16 kHz. Ignored after the end was asked. */
void at_live_captions_feed (AtLiveCaptions *captions, const float *samples, gsize n);
/* No more samples: callback runs on the caller's thread-default main
 * context once every queued sample is decoded (after the last partial). */
void at_live_captions_end_async (AtLiveCaptions *captions, GAsyncReadyCallback callback, gpointer user_data);
/* The final words, or NULL with the error (the model could not be loaded,
 * pocketsphinx refused the audio). */
char *at_live_captions_end_finish (GAsyncResult *result, GError **error);
/* Stops delivering; the worker drops what is queued and ends on its own. */
void at_live_captions_free (AtLiveCaptions *captions);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtTranscribeStream, at_transcribe_stream_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtLiveCaptions, at_live_captions_free)

G_END_DECLS
