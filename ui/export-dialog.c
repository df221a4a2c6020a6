/* export-dialog.c — choose an asset format, size and background; see what
 * will be written; write it. */
#define G_LOG_DOMAIN "atelier-ui"

#include "media/svg.h"
#include "context-call.h"
#include "media/webp.h"
#include "search/tagged-asset.h"
#include "ui/settings.h"
#include "ui/export-dialog.h"
#include "ui/preview.h"
#include "ui/widget-job.h"

static const int SIZES[] = { 64, 128, 256, 512 };
#define ICON_SET_SOURCE 512

struct _AtExportDialog {
  AdwWindow parent_instance;
  AtPreview *preview;
  GtkLabel *summary_label;
  AdwComboRow *format_row;
  AdwComboRow *size_row;
  AdwComboRow *background_row;
  GtkButton *export_button;

  AtEngine *engine;
  AtImage *base;
  char *parameters;
  char *name_hint;
  GSettings *settings;
  GCancellable *cancellable;   /* the render or write in flight */
  AtImage *asset;              /* the rendered image to write, or NULL */
  char *summary;
  gboolean busy;
  gboolean writing;
  gboolean filling;
  gboolean disposed;
};

G_DEFINE_FINAL_TYPE (AtExportDialog, at_export_dialog, ADW_TYPE_WINDOW)

enum { SIGNAL_EXPORTED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* ---- the choice ---- */

void
at_export_dialog_get_choice (AtExportDialog *self, AtAssetFormat *format, int *size, AtBackground *background)
{
  g_return_if_fail (AT_IS_EXPORT_DIALOG (self));
  *format = MIN (adw_combo_row_get_selected (self->format_row), AT_N_ASSET_FORMATS - 1);
  *size = SIZES[MIN (adw_combo_row_get_selected (self->size_row), G_N_ELEMENTS (SIZES) - 1)];
  *background = adw_combo_row_get_selected (self->background_row) == 1 ? AT_BACKGROUND_TRANSPARENT
                                                                        : AT_BACKGROUND_WHITE;
}

/* The size an icon set is rendered at, whatever the size row says. */
static int
render_size (AtAssetFormat format, int size)
{
  return format == AT_ASSET_ICON_SET ? ICON_SET_SOURCE : size;
}

/* The parameters the written file carries: the generation's, and how the
 * asset was made from it when it is not the model's own image. */
static char *
export_parameters (AtExportDialog *self, int size, AtBackground background)
{
  if (size == (int) self->base->width && background == AT_BACKGROUND_WHITE)
    return g_strdup (self->parameters);
  return g_strdup_printf ("%s, Export: %dx%d %s, Upscaler: %s", self->parameters != NULL ? self->parameters : "",
                          size, size, at_background_to_string (background),
                          at_engine_describe_upscale (self->engine, background));
}

/* ---- rendering the preview on a worker ---- */

typedef struct {
  AtEngine *engine;
  AtImage *base;
  AtAssetFormat format;
  int size;
  AtBackground background;
  char *parameters;
  /* results */
  AtImage *asset;
  AtImage *shown;
  char *summary;
} Render;

static void
render_free (Render *r)
{
  at_image_free (r->base);
  g_free (r->parameters);
  at_image_free (r->asset);
  at_image_free (r->shown);
  g_free (r->summary);
  g_free (r);
}

/* An SVG drawn by GTK's image loaders (librsvg's), as straight RGBA. */
static AtImage *
rasterise_svg (const char *svg, GError **error)
{
  g_autoptr (GBytes) bytes = g_bytes_new (svg, strlen (svg));
  g_autoptr (GdkTexture) texture = gdk_texture_new_from_bytes (bytes, error);
  if (texture == NULL)
    return NULL;
  int w = gdk_texture_get_width (texture), h = gdk_texture_get_height (texture);
  g_autofree guint8 *argb = g_malloc ((gsize) w * h * 4);
  gdk_texture_download (texture, argb, (gsize) w * 4);
  AtImage *img = at_image_new (w, h, 4);
  for (gsize i = 0; i < (gsize) w * h; i++)
    {
      guint32 px = ((guint32 *) argb)[i];   /* premultiplied, native endian */
      guint a = px >> 24;
      guint8 *d = img->pixels + i * 4;
      for (int c = 0; c < 3; c++)
        d[c] = a > 0 ? (guint8) MIN (255u, (((px >> (16 - 8 * c)) & 0xff) * 255 + a / 2) / a) : 0;
      d[3] = a;
    }
  return img;
}

static const char *
kind_of (const AtImage *img)
{
  return img->channels == 4 ? "transparent background" : "white background";
}

static gboolean
render_run (Render *r, GCancellable *cancellable, GError **error)
{
  int size = render_size (r->format, r->size);
  r->asset = at_engine_upscale (r->engine, r->base, NULL, size, r->background, cancellable, error);
  if (r->asset == NULL)
    return FALSE;
  AtSvgStats stats = { 0 };
  AtSvgOptions options = { .parameters = r->parameters };
  switch (r->format)
    {
    case AT_ASSET_SVG:
      {
        g_autofree char *svg = at_svg_from_image (r->asset, &options, &stats, error);
        r->shown = svg != NULL ? rasterise_svg (svg, error) : NULL;
        if (r->shown == NULL)
          return FALSE;
        r->summary = g_strdup_printf ("SVG · %d × %d · %u colours in %u paths · %.1f KiB", size, size,
                                      stats.n_colors, stats.n_paths, stats.bytes / 1024.0);
        return TRUE;
      }
    case AT_ASSET_WEBP:
      {
        g_autoptr (GBytes) webp = at_webp_encode (r->asset, AT_WEBP_LOSSLESS, r->parameters, error);
        if (webp == NULL)
          return FALSE;
        r->summary = g_strdup_printf ("WebP, lossless · %d × %d · %s · %.1f KiB", size, size, kind_of (r->asset),
                                      g_bytes_get_size (webp) / 1024.0);
        break;
      }
    case AT_ASSET_ICON_SET:
      r->summary = g_strdup_printf ("Icon set · a folder of PNGs at 16, 24, 32, 48, 64, 128, 256 and 512 px "
                                    "and an SVG · %s", kind_of (r->asset));
      break;
    case AT_ASSET_PNG:
    default:
      r->summary = g_strdup_printf ("PNG · %d × %d · %s · with the generation parameters", size, size,
                                    kind_of (r->asset));
      break;
    }
  r->shown = at_image_copy (r->asset);
  return TRUE;
}

static void
render_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;
  if (render_run (task_data, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
update_sensitivity (AtExportDialog *self)
{
  AtAssetFormat format;
  int size;
  AtBackground background;
  at_export_dialog_get_choice (self, &format, &size, &background);
  gtk_widget_set_sensitive (GTK_WIDGET (self->size_row), format != AT_ASSET_ICON_SET && !self->writing);
  gtk_widget_set_sensitive (GTK_WIDGET (self->format_row), !self->writing);
  gtk_widget_set_sensitive (GTK_WIDGET (self->background_row), !self->writing);
  gtk_widget_set_sensitive (GTK_WIDGET (self->export_button), !self->busy && !self->writing && self->asset != NULL);
}

static void
set_summary (AtExportDialog *self, const char *summary)
{
  g_free (self->summary);
  self->summary = g_strdup (summary);
  gtk_label_set_text (self->summary_label, summary);
}

static void
rendered (GObject *object, GAsyncResult *result, gpointer user_data)
{
  AtWidgetJob *job = user_data;
  AtExportDialog *self = job->self;
  g_autoptr (GError) error = NULL;
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);
  if (!at_widget_job_is_stale (job))
    {
      Render *r = g_task_get_task_data (G_TASK (result));
      self->busy = FALSE;
      g_clear_pointer (&self->asset, at_image_free);
      if (ok)
        {
          self->asset = g_steal_pointer (&r->asset);
          at_preview_set_image (self->preview, r->shown);
          set_summary (self, r->summary);
        }
      else
        {
          at_preview_set_image (self->preview, NULL);
          g_autofree char *message = g_strdup_printf ("Cannot make the preview: %s", error->message);
          set_summary (self, message);
        }
      update_sensitivity (self);
    }
  at_widget_job_release (job);
}

static void
start_render (AtExportDialog *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  Render *r = g_new0 (Render, 1);
  r->engine = self->engine;
  r->base = at_image_copy (self->base);
  at_export_dialog_get_choice (self, &r->format, &r->size, &r->background);
  r->parameters = export_parameters (self, render_size (r->format, r->size), r->background);
  self->busy = TRUE;
  set_summary (self, "Rendering the preview…");
  update_sensitivity (self);
  AtWidgetJob *job = at_widget_job_new (self, &self->disposed, self->cancellable);
  g_autoptr (GTask) task = g_task_new (NULL, self->cancellable, rendered, job);
  g_task_set_source_tag (task, start_render);
  g_task_set_task_data (task, r, (GDestroyNotify) render_free);
  at_task_run_in_thread (task, render_thread);
}

/* ---- settings ---- */

static void
save_choice (AtExportDialog *self)
{
  if (self->settings == NULL)
    return;
  AtAssetFormat format;
  int size;
  AtBackground background;
  at_export_dialog_get_choice (self, &format, &size, &background);
  g_settings_set_string (self->settings, "export-format", at_asset_format_to_string (format));
  g_settings_set_int (self->settings, "export-size", size);
  g_settings_set_string (self->settings, "export-background", at_background_to_string (background));
}

static void
load_choice (AtExportDialog *self)
{
  AtAssetFormat format = AT_ASSET_PNG;
  int size = 256;
  AtBackground background = AT_BACKGROUND_WHITE;
  if (self->settings != NULL)
    {
      g_autofree char *f = g_settings_get_string (self->settings, "export-format");
      g_autofree char *b = g_settings_get_string (self->settings, "export-background");
      at_asset_format_from_string (f, &format);
      at_background_from_string (b, &background);
      size = g_settings_get_int (self->settings, "export-size");
    }
  at_export_dialog_set_choice (self, format, size, background);
}

void
at_export_dialog_set_choice (AtExportDialog *self, AtAssetFormat format, int size, AtBackground background)
{
  g_return_if_fail (AT_IS_EXPORT_DIALOG (self));
  guint size_index = 2;
  for (guint i = 0; i < G_N_ELEMENTS (SIZES); i++)
    if (SIZES[i] == size)
      size_index = i;
  self->filling = TRUE;
  adw_combo_row_set_selected (self->format_row, MIN (format, AT_N_ASSET_FORMATS - 1));
  adw_combo_row_set_selected (self->size_row, size_index);
  adw_combo_row_set_selected (self->background_row, background == AT_BACKGROUND_TRANSPARENT ? 1 : 0);
  self->filling = FALSE;
  save_choice (self);
  start_render (self);
}

static void
choice_changed (AtExportDialog *self)
{
  if (self->filling || self->base == NULL)
    return;
  save_choice (self);
  start_render (self);
}

/* ---- writing ---- */

typedef struct {
  AtEngine *engine;   /* held by the dialog's window while the dialog lives */
  AtImage *asset;
  AtAssetFormat format;
  char *path;
  char *parameters;
} Write;

static void
write_free (Write *w)
{
  at_image_free (w->asset);
  g_free (w->path);
  g_free (w->parameters);
  g_free (w);
}

static void
write_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  Write *w = task_data;
  GError *error = NULL;
  /* PNG and SVG carry their tags (search/tagged-asset.h) */
  if (at_engine_save_tagged_asset (w->engine, w->asset, w->format, w->path, w->parameters, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
written (GObject *object, GAsyncResult *result, gpointer user_data)
{
  AtWidgetJob *job = user_data;
  AtExportDialog *self = job->self;
  g_autoptr (GError) error = NULL;
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);
  if (!self->disposed)
    {
      Write *w = g_task_get_task_data (G_TASK (result));
      g_autofree char *base = g_path_get_basename (w->path);
      g_autofree char *message = ok ? g_strdup_printf ("Exported “%s”", base)
                                    : g_strdup_printf ("Could not export: %s", error->message);
      self->writing = FALSE;
      update_sensitivity (self);
      g_signal_emit (self, signals[SIGNAL_EXPORTED], 0, message);
      if (ok)
        gtk_window_close (GTK_WINDOW (self));
      else
        set_summary (self, message);
    }
  at_widget_job_release (job);
}

void
at_export_dialog_export (AtExportDialog *self, GFile *file)
{
  g_return_if_fail (AT_IS_EXPORT_DIALOG (self));
  g_return_if_fail (self->asset != NULL && !self->busy);
  Write *w = g_new0 (Write, 1);
  int size;
  AtBackground background;
  at_export_dialog_get_choice (self, &w->format, &size, &background);
  w->engine = self->engine;
  w->asset = at_image_copy (self->asset);
  w->path = g_file_get_path (file);
  w->parameters = export_parameters (self, self->asset->width, background);
  if (w->path == NULL)
    {
      write_free (w);
      g_signal_emit (self, signals[SIGNAL_EXPORTED], 0, "Could not export: only local folders can be written");
      return;
    }
  self->writing = TRUE;
  update_sensitivity (self);
  AtWidgetJob *job = at_widget_job_new (self, &self->disposed, NULL);
  g_autoptr (GTask) task = g_task_new (NULL, NULL, written, job);
  g_task_set_source_tag (task, at_export_dialog_export);
  g_task_set_task_data (task, w, (GDestroyNotify) write_free);
  at_task_run_in_thread (task, write_thread);
}

static void
chooser_response (GtkNativeDialog *chooser, int response, AtExportDialog *self)
{
  g_autoptr (GFile) file = response == GTK_RESPONSE_ACCEPT ? gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))
                                                           : NULL;
  if (file != NULL && !self->disposed && self->asset != NULL && !self->busy)
    {
      if (self->settings != NULL)
        {
          g_autoptr (GFile) parent = g_file_get_parent (file);
          g_autofree char *folder = parent != NULL ? g_file_get_path (parent) : NULL;
          if (folder != NULL)
            g_settings_set_string (self->settings, "export-folder", folder);
        }
      at_export_dialog_export (self, file);
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
  g_object_unref (self);
}

static void
export_clicked (AtExportDialog *self)
{
  AtAssetFormat format;
  int size;
  AtBackground background;
  at_export_dialog_get_choice (self, &format, &size, &background);
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (
    format == AT_ASSET_ICON_SET ? "Export Icon Set (a new folder)" : "Export", GTK_WINDOW (self),
    GTK_FILE_CHOOSER_ACTION_SAVE, "_Export", "_Cancel");
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_autofree char *name = g_strconcat (self->name_hint, at_asset_format_extension (format), NULL);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_autofree char *folder = at_settings_get_export_folder (self->settings);
  g_autoptr (GFile) dir = g_file_new_for_path (folder);
  gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), dir, NULL);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* ---- accessors, life cycle ---- */

gboolean
at_export_dialog_is_busy (AtExportDialog *self)
{
  g_return_val_if_fail (AT_IS_EXPORT_DIALOG (self), FALSE);
  return self->busy || self->writing;
}

const AtImage *
at_export_dialog_get_preview_image (AtExportDialog *self)
{
  g_return_val_if_fail (AT_IS_EXPORT_DIALOG (self), NULL);
  return at_preview_get_image (self->preview);
}

const char *
at_export_dialog_get_summary (AtExportDialog *self)
{
  g_return_val_if_fail (AT_IS_EXPORT_DIALOG (self), NULL);
  return self->summary;
}

AtExportDialog *
at_export_dialog_new (GtkWindow *parent, AtEngine *engine, const AtImage *base, const char *parameters,
                      const char *name_hint, GSettings *settings)
{
  g_return_val_if_fail (engine != NULL && base != NULL, NULL);
  AtExportDialog *self = g_object_new (AT_TYPE_EXPORT_DIALOG, "transient-for", parent, NULL);
  self->engine = engine;
  self->base = at_image_copy (base);
  self->parameters = g_strdup (parameters);
  self->name_hint = g_strdup (name_hint != NULL ? name_hint : "atelier");
  self->settings = settings != NULL ? g_object_ref (settings) : NULL;
  load_choice (self);
  return self;
}

static void
at_export_dialog_dispose (GObject *object)
{
  AtExportDialog *self = AT_EXPORT_DIALOG (object);
  self->disposed = TRUE;
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), AT_TYPE_EXPORT_DIALOG);
  G_OBJECT_CLASS (at_export_dialog_parent_class)->dispose (object);
}

static void
at_export_dialog_finalize (GObject *object)
{
  AtExportDialog *self = AT_EXPORT_DIALOG (object);
  g_clear_pointer (&self->base, at_image_free);
  g_clear_pointer (&self->asset, at_image_free);
  g_free (self->parameters);
  g_free (self->name_hint);
  g_free (self->summary);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (at_export_dialog_parent_class)->finalize (object);
}

static void
at_export_dialog_class_init (AtExportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = at_export_dialog_dispose;
  object_class->finalize = at_export_dialog_finalize;
  /* a message for the user once a write ends, success or not */
  signals[SIGNAL_EXPORTED] = g_signal_new ("exported", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                           NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  g_type_ensure (AT_TYPE_PREVIEW);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/atelier/Studio/ui/export-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, AtExportDialog, preview);
  gtk_widget_class_bind_template_child (widget_class, AtExportDialog, summary_label);
  gtk_widget_class_bind_template_child (widget_class, AtExportDialog, format_row);
  gtk_widget_class_bind_template_child (widget_class, AtExportDialog, size_row);
  gtk_widget_class_bind_template_child (widget_class, AtExportDialog, background_row);
  gtk_widget_class_bind_template_child (widget_class, AtExportDialog, export_button);
  gtk_widget_class_bind_template_callback (widget_class, export_clicked);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
at_export_dialog_init (AtExportDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_swapped (self->format_row, "notify::selected", G_CALLBACK (choice_changed), self);
  g_signal_connect_swapped (self->size_row, "notify::selected", G_CALLBACK (choice_changed), self);
  g_signal_connect_swapped (self->background_row, "notify::selected", G_CALLBACK (choice_changed), self);
}
