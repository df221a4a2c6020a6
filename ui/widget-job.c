/* widget-job.c — a worker job's link back to its widget (widget-job.h). */
#define G_LOG_DOMAIN "atelier-ui"

#include "ui/widget-job.h"

AtWidgetJob *
at_widget_job_new (gpointer widget, const gboolean *disposed, GCancellable *cancellable)
{
  g_return_val_if_fail (G_IS_OBJECT (widget), NULL);
  g_return_val_if_fail (disposed != NULL, NULL);
  AtWidgetJob *job = g_new0 (AtWidgetJob, 1);
  job->self = g_object_ref (widget);
  job->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  job->disposed = disposed;
  return job;
}

static gboolean
job_free_idle (gpointer data)
{
  AtWidgetJob *job = data;
  g_clear_object (&job->cancellable);
  g_clear_object (&job->self);
  g_free (job);
  return G_SOURCE_REMOVE;
}

void
at_widget_job_release (AtWidgetJob *job)
{
  g_return_if_fail (job != NULL);
  g_idle_add_full (G_PRIORITY_LOW, job_free_idle, job, NULL);
}

gboolean
at_widget_job_is_stale (AtWidgetJob *job)
{
  g_return_val_if_fail (job != NULL, TRUE);
  return *job->disposed || (job->cancellable != NULL && g_cancellable_is_cancelled (job->cancellable));
}
