/* window-history-export.c — Export All… and Export Favourites… of the
 * History gallery: a folder chosen, the images written there on a worker
 * (history-export.h: PNG with their parameters, names of their own, each
 * atomically) and a toast that says how many were written, and where. */
#define G_LOG_DOMAIN "atelier-ui"

#include "ui/settings.h"
#include "ui/history-export.h"
#include "ui/window-private.h"

typedef struct {
  AtWindow *self;          /* a reference */
  GCancellable *cancellable;
  guint n_images;
  gboolean favourites;
  char *folder_name;
} ExportRun;

static void
export_run_free (ExportRun *run)
{
  g_object_unref (run->self);
  g_object_unref (run->cancellable);
  g_free (run->folder_name);
  g_free (run);
}

/* "3 images", "1 favourite" */
static char *
count_of (guint n, gboolean favourites)
{
  return g_strdup_printf ("%u %s", n, favourites ? (n == 1 ? "favourite" : "favourites") : (n == 1 ? "image" : "images"));
}

static void
exported (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ExportRun *run = user_data;
  AtWindow *self = run->self;
  guint written = 0;
  g_autoptr (GError) error = NULL;
  gboolean ok = at_history_export_finish (result, &written, &error);
  if (!self->disposed)
    {
      if (run->cancellable == self->gallery.exporting)
        g_clear_object (&self->gallery.exporting);
      g_autofree char *all = count_of (run->n_images, run->favourites);
      g_autofree char *done = count_of (written, run->favourites);
      g_autofree char *message =
        ok ? g_strdup_printf ("Exported %s to “%s”", done, run->folder_name)
           : g_strdup_printf ("Exported %u of %s to “%s”: %s", written, all, run->folder_name, error->message);
      _at_window_show_toast (self, message);
    }
  export_run_free (run);
}

void
_at_window_export_history (AtWindow *self, GFile *folder, gboolean favourites)
{
  if (self->gallery.exporting != NULL)
    {
      _at_window_show_toast (self, "An export of the History is under way; try again when it is done");
      return;
    }
  g_autofree char *path = g_file_get_path (folder);
  if (path == NULL)
    {
      _at_window_show_toast (self, "Images can only be exported to local folders");
      return;
    }
  /* copies: the History may change while the worker writes */
  g_autoptr (AtHistoryExport) job = at_history_export_new (path);
  for (guint i = 0; i < self->history->len; i++)
    {
      const AtHistoryItem *item = g_ptr_array_index (self->history, i);
      if (!favourites || item->favourite)
        at_history_export_add (job, item, i + 1, self->history->len);
    }
  if (at_history_export_get_n_images (job) == 0)
    {
      _at_window_show_toast (self, favourites ? "No favourites to export: star images in History first"
                                              : "History is empty: generate an image first");
      return;
    }
  if (self->engine != NULL)
    at_history_export_set_tagger (job, at_engine_hold_new (self->app, self->engine));
  ExportRun *run = g_new0 (ExportRun, 1);
  run->self = g_object_ref (self);
  run->cancellable = g_cancellable_new ();
  run->n_images = at_history_export_get_n_images (job);
  run->favourites = favourites;
  run->folder_name = g_path_get_basename (path);
  self->gallery.exporting = g_object_ref (run->cancellable);
  at_history_export_async (g_steal_pointer (&job), run->cancellable, exported, run);
}

gboolean
at_window_is_exporting_history (AtWindow *self)
{
  g_return_val_if_fail (AT_IS_WINDOW (self), FALSE);
  return self->gallery.exporting != NULL;
}

static void
folder_chosen (GtkNativeDialog *chooser, int response, AtWindow *self)
{
  g_autoptr (GFile) folder = response == GTK_RESPONSE_ACCEPT ? gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))
                                                             : NULL;
  gboolean favourites = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (chooser), "favourites"));
  if (folder != NULL && !self->disposed)
    {
      g_autofree char *path = g_file_get_path (folder);
      if (self->settings != NULL && path != NULL)
        g_settings_set_string (self->settings, "export-folder", path);
      _at_window_export_history (self, folder, favourites);
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
  g_object_unref (self);
}

void
_at_window_choose_history_folder (AtWindow *self, gboolean favourites)
{
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (
    favourites ? "Export Favourites to a Folder" : "Export All Images to a Folder", GTK_WINDOW (self),
    GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, "_Export", "_Cancel");
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_autofree char *folder = at_settings_get_export_folder (self->settings);
  g_autoptr (GFile) dir = g_file_new_for_path (folder);
  gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), dir, NULL);
  g_object_set_data (G_OBJECT (chooser), "favourites", GINT_TO_POINTER (favourites));
  g_signal_connect (chooser, "response", G_CALLBACK (folder_chosen), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}
