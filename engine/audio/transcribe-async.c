/* transcribe-async.c — the transcriber's work on a GTask thread, because
 * the studio's main thread never computes: loading (about a second) and
 * whole-clip runs, whose partial hypotheses come back through an
 * AtPartialSink (transcribe.h, transcribe-private.h). */
#define G_LOG_DOMAIN "atelier-transcribe"

#include "audio/transcribe-private.h"
#include "context-call.h"

typedef struct {
  AtTranscriber *transcriber;
  AtAudio *audio;
  AtPartialSink *sink;
  AtPartialFunc forward;   /* at_partial_sink_forward, or NULL when nobody listens */
} RunData;

static void
run_data_free (RunData *d)
{
  at_transcriber_free (d->transcriber);
  at_audio_free (d->audio);
  at_partial_sink_unref (d->sink);
  g_free (d);
}

static void
run_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  RunData *d = task_data;
  GError *error = NULL;
  AtTranscript *r = at_transcriber_run (d->transcriber, d->audio, d->forward, d->sink, cancellable, &error);
  if (r == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, r, (GDestroyNotify) at_transcript_free);
}

void
at_transcriber_run_async (AtTranscriber *t, const AtAudio *audio, AtPartialFunc partial, gpointer partial_data,
                          GDestroyNotify partial_destroy, GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer user_data)
{
  g_return_if_fail (t != NULL && audio != NULL);
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, at_transcriber_run_async);
  RunData *d = g_new0 (RunData, 1);
  d->transcriber = at_transcriber_ref (t);
  d->audio = at_audio_new_from (audio->samples, audio->n, audio->rate);
  d->sink = at_partial_sink_new (partial, partial_data, partial_destroy);
  d->forward = partial != NULL ? at_partial_sink_forward : NULL;
  g_task_set_task_data (task, d, (GDestroyNotify) run_data_free);
  /* its own error on cancellation, not GIO's */
  g_task_set_check_cancellable (task, FALSE);
  at_task_run_in_thread (task, run_thread);
}

AtTranscript *
at_transcriber_run_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, at_transcriber_run_async), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
new_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;
  AtTranscriber *t = at_transcriber_new (task_data, &error);
  if (t == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, t, (GDestroyNotify) at_transcriber_free);
}

void
at_transcriber_new_async (const AtTranscribeOptions *options, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, at_transcriber_new_async);
  g_task_set_task_data (task, at_transcribe_options_copy (options), (GDestroyNotify) at_transcribe_options_free);
  at_task_run_in_thread (task, new_thread);
}

AtTranscriber *
at_transcriber_new_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, at_transcriber_new_async), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
