/* widget-job.h — what a worker's callback needs to find the widget that
 * started it, and to tell whether its result still matters.
 *
 * A job holds a reference to its widget and to the job's cancellable (may
 * be NULL). Its result is stale once the cancellable is cancelled or the
 * widget disposed: the widget's own flag, which the job reads through the
 * reference it holds. Partial results can still be queued when the job's
 * callback runs, so at_widget_job_release() frees the job (and drops its
 * references) at low priority, after them.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct {
  gpointer self;                  /* the widget, a reference */
  GCancellable *cancellable;      /* a reference, or NULL */
  const gboolean *disposed;       /* the widget's flag, set in its dispose */
} AtWidgetJob;

AtWidgetJob *at_widget_job_new (gpointer widget, const gboolean *disposed, GCancellable *cancellable);
void at_widget_job_release (AtWidgetJob *job);
gboolean at_widget_job_is_stale (AtWidgetJob *job);

G_END_DECLS
