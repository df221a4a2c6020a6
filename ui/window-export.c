/* window-export.c — the image on show exported: through the Export dialog
 * (any asset format, size and background), or as a PNG scaled up with
 * nearest-neighbour pixels; with the generation parameters, written on a
 * worker, from copies, with a toast for the outcome. */
#define G_LOG_DOMAIN "atelier-ui"

#include "atelier-config.h"
#include "context-call.h"
#include "ui/engine-hold.h"
#include "ui/export-dialog.h"
#include "ui/window-private.h"

/* Thread-safe: touches no widget. */
static gboolean
write_png (const AtImage *img, const char *parameters, const char *path, int scale, GError **error)
{
  scale = CLAMP (scale, 1, 8);
  /* crisp upscaling: the model's pixels stay square blocks */
  g_autoptr (AtImage) out = scale > 1 ? at_image_resize (img, img->width * scale, img->height * scale, AT_IMAGE_FILTER_NEAREST)
                                      : at_image_copy (img);
  const char *keys[] = { "parameters", "Software", NULL };
  const char *values[] = { parameters, "Atelier " AT_VERSION, NULL };
  return at_image_save_png (out, path, keys, values, error);
}

static gboolean
check_export (AtWindow *self, GFile *file, char **path, GError **error)
{
  if (at_preview_get_image (self->preview) == NULL || self->current_parameters == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "There is no finished image to export yet; generate one first");
      return FALSE;
    }
  *path = g_file_get_path (file);
  if (*path == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "Images can only be exported to local folders");
      return FALSE;
    }
  return TRUE;
}

gboolean
at_window_export_png (AtWindow *self, GFile *file, int scale, GError **error)
{
  g_return_val_if_fail (AT_IS_WINDOW (self), FALSE);
  g_autofree char *path = NULL;
  if (!check_export (self, file, &path, error))
    return FALSE;
  return write_png (at_preview_get_image (self->preview), self->current_parameters, path, scale, error);
}

typedef struct {
  AtImage *image;
  char *parameters;
  char *path;
  int scale;
} ExportJob;

static void
export_job_free (ExportJob *job)
{
  at_image_free (job->image);
  g_free (job->parameters);
  g_free (job->path);
  g_free (job);
}

static void
export_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  ExportJob *job = task_data;
  GError *error = NULL;
  if (write_png (job->image, job->parameters, job->path, job->scale, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
export_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  AtWindow *self = AT_WINDOW (object);
  g_autoptr (GError) error = NULL;
  if (self->disposed)
    return;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *msg = g_strdup_printf ("Could not export: %s", error->message);
      _at_window_show_toast (self, msg);
      return;
    }
  ExportJob *job = g_task_get_task_data (G_TASK (result));
  g_autofree char *base = g_path_get_basename (job->path);
  g_autofree char *msg = g_strdup_printf ("Exported “%s”", base);
  _at_window_show_toast (self, msg);
}

void
_at_window_export_async (AtWindow *self, GFile *file, int scale)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  if (!check_export (self, file, &path, &error))
    {
      _at_window_show_toast (self, error->message);
      return;
    }
  /* resizing and PNG encoding happen on a worker, on copies */
  ExportJob *job = g_new0 (ExportJob, 1);
  job->image = at_image_copy (at_preview_get_image (self->preview));
  job->parameters = g_strdup (self->current_parameters);
  job->path = g_steal_pointer (&path);
  job->scale = scale;
  g_autoptr (GTask) task = g_task_new (self, NULL, export_done, NULL);
  g_task_set_source_tag (task, _at_window_export_async);
  g_task_set_task_data (task, job, (GDestroyNotify) export_job_free);
  at_task_run_in_thread (task, export_thread);
}

static void
export_dialog_done (AtExportDialog *dialog, const char *message, AtWindow *self)
{
  _at_window_show_toast (self, message);
}

/* The dialog's hold on the engine, dropped when the dialog (and with it
 * every job it started) is gone. */
static void
release_hold (gpointer hold, GObject *dialog)
{
  at_engine_hold_free (hold);
}

void
_at_window_show_export_dialog (AtWindow *self)
{
  const AtImage *img = at_preview_get_image (self->preview);
  if (img == NULL || self->current_parameters == NULL || self->engine == NULL || self->app == NULL)
    {
      _at_window_show_toast (self, "There is no finished image to export yet; generate one first");
      return;
    }
  guint64 seed = self->variants != NULL
                   ? ((AtHistoryItem *) g_ptr_array_index (self->variants, self->current_variant))->seed
                   : (guint64) gtk_spin_button_get_value (self->seed_spin);
  g_autofree char *name = g_strdup_printf ("atelier-%" G_GUINT64_FORMAT, seed);
  AtExportDialog *dialog = at_export_dialog_new (GTK_WINDOW (self), self->engine, img, self->current_parameters,
                                                 name, self->settings);
  g_signal_connect_object (dialog, "exported", G_CALLBACK (export_dialog_done), self, 0);
  g_object_weak_ref (G_OBJECT (dialog), release_hold, at_engine_hold_new (self->app, self->engine));
  gtk_window_present (GTK_WINDOW (dialog));
}
