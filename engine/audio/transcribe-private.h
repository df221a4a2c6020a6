/* transcribe-private.h — what the transcriber's asynchronous forms
 * (transcribe-async.c) share with live-captions.c; made in partial-sink.c.
 *
 * An AtPartialSink carries partial hypotheses from a decoding thread to
 * the thread-default main context of the thread that made it, in order,
 * each only when it differs from the one before. Reference counted: the
 * decoding side and every queued call hold a reference; destroy (data)
 * runs on that context when the last goes, so after the last call.
 */
#pragma once

#include "audio/transcribe.h"

G_BEGIN_DECLS

typedef struct _AtPartialSink AtPartialSink;

AtPartialSink *at_partial_sink_new (AtPartialFunc func, gpointer data, GDestroyNotify destroy);
AtPartialSink *at_partial_sink_ref (AtPartialSink *sink);
void at_partial_sink_unref (AtPartialSink *sink);
/* An AtPartialFunc (pass the sink as its data) for one decoding thread at
 * a time: queues a call with a copy of hypothesis when it changed. */
void at_partial_sink_forward (const char *hypothesis, double seconds_done, gpointer sink);
/* Queued and later calls are dropped from now on; any thread. */
void at_partial_sink_close (AtPartialSink *sink);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtPartialSink, at_partial_sink_unref)

G_END_DECLS
