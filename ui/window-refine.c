/* window-refine.c — the preview's refined rendering: when a finished image
 * goes on show, the engine's upscale stage makes it at 256 px on a worker (with
 * the background last chosen for export, so a transparent result shows
 * over a checkerboard) and the preview draws that in place of the model's
 * 64 px image. A newer image cancels the job for the older one.
 *
 * The learned refiner will also want the sketch that guided the image;
 * history items do not keep sketches yet, so none is passed. */
#define G_LOG_DOMAIN "atelier-ui"

#include "ui/engine-hold.h"
#include "context-call.h"
#include "ui/widget-job.h"
#include "ui/window-private.h"

#define PREVIEW_SIZE 256

typedef struct {
  AtEngineHold *hold;   /* until the job ends, so that a device change cannot free it */
  AtImage *base;
  AtBackground background;
  guint serial;
} Refine;

static void
refine_free (Refine *r)
{
  at_engine_hold_free (r->hold);
  at_image_free (r->base);
  g_free (r);
}

static void
refine_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  Refine *r = task_data;
  GError *error = NULL;
  /* a newer image may have come while this job waited for a thread */
  if (g_cancellable_set_error_if_cancelled (cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  AtImage *img = at_engine_upscale (r->hold->engine, r->base, NULL, PREVIEW_SIZE, r->background, cancellable, &error);
  if (img != NULL)
    g_task_return_pointer (task, img, (GDestroyNotify) at_image_free);
  else
    g_task_return_error (task, error);
}

static void
refined (GObject *object, GAsyncResult *result, gpointer user_data)
{
  AtWidgetJob *job = user_data;
  AtWindow *self = job->self;
  g_autoptr (GError) error = NULL;
  g_autoptr (AtImage) img = g_task_propagate_pointer (G_TASK (result), &error);
  Refine *r = g_task_get_task_data (G_TASK (result));
  /* the serial drops a rendering of an image no longer on show */
  if (!at_widget_job_is_stale (job) && img != NULL)
    at_preview_set_refined (self->preview, img, r->serial);
  else if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
           !at_application_engine_failed (r->hold->app, r->hold->engine, error))
    g_warning ("Could not refine the preview: %s", error->message);
  /* a lost device: the application makes a new engine, as after a run
   * that meets it; the preview keeps the model's image meanwhile */
  at_widget_job_release (job);
}

void
_at_window_refine_preview (AtWindow *self)
{
  GCancellable *previous = g_object_get_data (G_OBJECT (self), "at-refine-cancellable");
  if (previous != NULL)
    g_cancellable_cancel (previous);
  g_object_set_data (G_OBJECT (self), "at-refine-cancellable", NULL);
  const AtImage *img = at_preview_get_image (self->preview);
  if (img == NULL || self->engine == NULL || self->app == NULL || img->width != img->height)
    return;
  Refine *r = g_new0 (Refine, 1);
  r->hold = at_engine_hold_new (self->app, self->engine);
  r->base = at_image_copy (img);
  r->serial = at_preview_get_serial (self->preview);
  g_autofree char *bg = self->settings != NULL ? g_settings_get_string (self->settings, "export-background") : NULL;
  if (bg == NULL || !at_background_from_string (bg, &r->background))
    r->background = AT_BACKGROUND_WHITE;
  GCancellable *cancellable = g_cancellable_new ();
  g_object_set_data_full (G_OBJECT (self), "at-refine-cancellable", cancellable, g_object_unref);
  AtWidgetJob *job = at_widget_job_new (self, &self->disposed, cancellable);
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, refined, job);
  g_task_set_source_tag (task, _at_window_refine_preview);
  g_task_set_task_data (task, r, (GDestroyNotify) refine_free);
  at_task_run_in_thread (task, refine_thread);
}
