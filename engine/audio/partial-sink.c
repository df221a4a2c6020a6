/* partial-sink.c — partial hypotheses carried from a decoding thread to
 * the thread that asked for them, because the studio's widgets may only
 * be touched on their own main context (transcribe-private.h). */
#define G_LOG_DOMAIN "atelier-transcribe"

#include "audio/transcribe-private.h"

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
