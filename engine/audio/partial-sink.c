/* partial-sink.c — partial hypotheses carried from a decoding thread to
 * the thread that asked for them, because the studio's widgets may only
 * be touched on their own main context (transcribe-private.h). */
#define G_LOG_DOMAIN "atelier-transcribe"

#include "audio/transcribe-private.h"
#include "context-call.h"

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

static void
sink_clear (gpointer data)
{
  AtPartialSink *sink = data;
  at_context_destroy (sink->context, sink->destroy, sink->data);
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
  at_context_post (sink->context, deliver_partial, call, partial_call_free);
}
