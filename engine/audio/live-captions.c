/* live-captions.c — a transcriber's stream on a worker thread, fed from a queue. */
#define G_LOG_DOMAIN "atelier-transcribe"

#include "audio/live-captions.h"
#include "audio/transcribe-private.h"

/* Shared by the owner and the worker (reference counted); the owner's
 * at_live_captions_free() only marks it cancelled. */
struct _AtLiveCaptions {
  GAsyncQueue *queue;            /* Message* for the worker */
  AtPartialSink *sink;           /* partials to the owner's context */
  gint cancelled;                /* atomic */
  gboolean ended;                /* owner side: the end was asked */
  AtTranscriber *transcriber;    /* given; NULL: the worker loads one with options */
  AtTranscribeOptions *options;
};

typedef enum {
  MESSAGE_SAMPLES,
  MESSAGE_END,                   /* return the final text through task */
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
  at_partial_sink_unref (c->sink);
  at_transcriber_free (c->transcriber);
  at_transcribe_options_free (c->options);
}

static void
captions_release (AtLiveCaptions *c)
{
  g_atomic_rc_box_release_full (c, captions_clear);
}

/* Answers the end: the stream's final words, or why there are none. */
static void
return_final (GTask *task, AtTranscribeStream *stream, gboolean cancelled, GError **error)
{
  g_autoptr (AtTranscript) transcript = NULL;
  if (cancelled)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Live captions stopped");
  else if (*error == NULL && (transcript = at_transcribe_stream_end (stream, error)) != NULL)
    g_task_return_pointer (task, g_steal_pointer (&transcript->text), g_free);
  else
    g_task_return_error (task, g_error_copy (*error));
}

static gpointer
captions_thread (gpointer data)
{
  AtLiveCaptions *c = data;
  GError *error = NULL;
  g_autoptr (AtTranscriber) transcriber =
    c->transcriber != NULL ? at_transcriber_ref (c->transcriber) : at_transcriber_new (c->options, &error);
  g_autoptr (AtTranscribeStream) stream = transcriber != NULL ? at_transcriber_stream_begin (transcriber, &error)
                                                              : NULL;
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
        return_final (m->task, stream, cancelled, &error);
      else if (!cancelled && error == NULL && at_transcribe_stream_feed (stream, m->samples, m->n, &error))
        at_partial_sink_forward (at_transcribe_stream_get_hypothesis (stream),
                                 at_transcribe_stream_get_seconds (stream), c->sink);
      message_free (m);
    }
  g_clear_error (&error);
  captions_release (c);
  return NULL;
}

static AtLiveCaptions *
captions_start (AtTranscriber *transcriber, const AtTranscribeOptions *options, AtPartialFunc partial,
                gpointer user_data)
{
  AtLiveCaptions *c = g_atomic_rc_box_new0 (AtLiveCaptions);
  c->queue = g_async_queue_new_full (message_free);
  c->sink = at_partial_sink_new (partial, user_data, NULL);
  c->transcriber = transcriber != NULL ? at_transcriber_ref (transcriber) : NULL;
  c->options = at_transcribe_options_copy (options);
  /* a thread of its own: it waits on the queue for a whole recording */
  g_thread_unref (g_thread_new ("live-captions", captions_thread, g_atomic_rc_box_acquire (c)));
  return c;
}

AtLiveCaptions *
at_live_captions_new (const AtTranscribeOptions *options, AtPartialFunc partial, gpointer user_data)
{
  return captions_start (NULL, options, partial, user_data);
}

AtLiveCaptions *
at_live_captions_new_for (AtTranscriber *transcriber, AtPartialFunc partial, gpointer user_data)
{
  g_return_val_if_fail (transcriber != NULL, NULL);
  return captions_start (transcriber, NULL, partial, user_data);
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
  at_partial_sink_close (c->sink);
  push (c, MESSAGE_QUIT, NULL, 0, NULL);
  captions_release (c);
}
