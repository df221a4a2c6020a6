/* live-captions.h — captions of speech while it is being recorded.
 *
 * AtLiveCaptions decodes audio as it arrives on a worker thread of its
 * own, through a stream of an AtTranscriber (transcribe.h): the studio
 * feeds it from the main loop (it copies and queues the samples, so the
 * caller never waits on the recogniser), receives the changing hypothesis
 * through an AtPartialFunc on the creating thread's thread-default main
 * context, and may ask for the final text at the end. Call its functions
 * on that thread. The caller owns the captions and may free them at any
 * time; the worker then drops what is queued and ends on its own.
 */
#pragma once

#include <gio/gio.h>

#include "audio/transcribe.h"

G_BEGIN_DECLS

typedef struct _AtLiveCaptions AtLiveCaptions;

/* Starts the worker, which loads a transcriber (options as for
 * at_transcriber_new(), copied; NULL: defaults, the prompt language model)
 * while the first samples queue. partial runs each time the hypothesis
 * changes, never after at_live_captions_free(). */
AtLiveCaptions *at_live_captions_new (const AtTranscribeOptions *options, AtPartialFunc partial, gpointer user_data);
/* The same with a transcriber already loaded (a reference is taken). Its
 * stream holds the transcriber until the captions end or are freed: runs
 * on it wait until then. */
AtLiveCaptions *at_live_captions_new_for (AtTranscriber *transcriber, AtPartialFunc partial, gpointer user_data);
/* Queues a copy of n samples at 16 kHz. Ignored after the end was asked. */
void at_live_captions_feed (AtLiveCaptions *captions, const float *samples, gsize n);
/* No more samples: callback runs on the caller's thread-default main
 * context once every queued sample is decoded (after the last partial). */
void at_live_captions_end_async (AtLiveCaptions *captions, GAsyncReadyCallback callback, gpointer user_data);
/* The final words, or NULL with the error (the model could not be loaded,
 * pocketsphinx refused the audio; G_IO_ERROR_CANCELLED when the captions
 * were freed first). */
char *at_live_captions_end_finish (GAsyncResult *result, GError **error);
void at_live_captions_free (AtLiveCaptions *captions);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtLiveCaptions, at_live_captions_free)

G_END_DECLS
