/* preferences-window.c — edits the org.atelier.Studio settings. */
#define G_LOG_DOMAIN "atelier-ui"

#include "gpu/gpu.h"
#include "context-call.h"
#include "request.h"
#include "ui/preferences-window.h"
#include "ui/settings.h"

struct _AtPreferencesWindow {
  AdwPreferencesWindow parent_instance;
  AdwComboRow *device_row;
  GtkStringList *device_list;
  GtkSpinButton *steps_spin;
  AdwComboRow *sampler_row;
  AdwComboRow *style_row;
  GtkSwitch *voice_cues_switch;
  GtkSwitch *fast_switch;
  GtkSwitch *tone_hint_switch;
  GtkSpinButton *record_max_spin;
  AdwActionRow *folder_row;
  GtkButton *folder_button;
  GSettings *settings;
  GPtrArray *device_ids;     /* char*: "" for automatic, else the index */
  gboolean filling;
  gboolean disposed;         /* the device list may arrive after closing */
};

G_DEFINE_FINAL_TYPE (AtPreferencesWindow, at_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static void
list_devices_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *devices = at_gpu_list_devices (&error);
  if (devices == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, devices, (GDestroyNotify) g_ptr_array_unref);
}

static void
devices_listed (GObject *object, GAsyncResult *result, gpointer user_data)
{
  AtPreferencesWindow *self = AT_PREFERENCES_WINDOW (object);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) devices = g_task_propagate_pointer (G_TASK (result), &error);
  if (self->disposed)
    return;
  if (devices == NULL)
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->device_row), error->message);
      return;
    }
  g_autofree char *current = self->settings != NULL ? g_settings_get_string (self->settings, "device") : g_strdup ("");
  guint selected = 0;
  self->filling = TRUE;
  for (guint i = 0; i < devices->len; i++)
    {
      AtGpuDeviceInfo *info = g_ptr_array_index (devices, i);
      if (!info->has_compute)
        continue;
      g_autofree char *label = g_strdup_printf ("%s (%s)", info->name, at_gpu_device_type_to_string (info->type));
      gtk_string_list_append (self->device_list, label);
      g_ptr_array_add (self->device_ids, g_strdup_printf ("%u", info->index));
      if (g_strcmp0 (current, g_ptr_array_index (self->device_ids, self->device_ids->len - 1)) == 0)
        selected = self->device_ids->len - 1;
    }
  adw_combo_row_set_selected (self->device_row, selected);
  self->filling = FALSE;
  /* the chosen device's whole name under the title, where there is room */
  adw_combo_row_set_use_subtitle (self->device_row, TRUE);
}

static void
device_selected (AtPreferencesWindow *self)
{
  guint i = adw_combo_row_get_selected (self->device_row);
  if (self->filling || self->settings == NULL || i >= self->device_ids->len)
    return;
  g_settings_set_string (self->settings, "device", g_ptr_array_index (self->device_ids, i));
}

static void
sampler_selected (AtPreferencesWindow *self)
{
  guint i = adw_combo_row_get_selected (self->sampler_row);
  if (self->filling || self->settings == NULL || i >= AT_N_SAMPLERS)
    return;
  g_settings_set_string (self->settings, "default-sampler", at_sampler_kind_to_string ((AtSamplerKind) i));
}

static const char *const styles[] = { "default", "light", "dark" };

static void
style_selected (AtPreferencesWindow *self)
{
  guint i = adw_combo_row_get_selected (self->style_row);
  if (self->filling || self->settings == NULL || i >= G_N_ELEMENTS (styles))
    return;
  g_settings_set_string (self->settings, "style", styles[i]);
}

static void
show_folder (AtPreferencesWindow *self)
{
  /* where the Export dialog will open, not a name that may not exist */
  g_autofree char *folder = at_settings_get_export_folder (self->settings);
  adw_action_row_set_subtitle (self->folder_row, folder);
}

static void
folder_response (GtkNativeDialog *dialog, int response, AtPreferencesWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT && self->settings != NULL)
    {
      g_autoptr (GFile) folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = folder != NULL ? g_file_get_path (folder) : NULL;
      if (path != NULL)
        g_settings_set_string (self->settings, "export-folder", path);
      show_folder (self);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
choose_folder (AtPreferencesWindow *self)
{
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new ("Export Folder", GTK_WINDOW (self),
                                                              GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, "_Select", "_Cancel");
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (folder_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
at_preferences_window_dispose (GObject *object)
{
  AtPreferencesWindow *self = AT_PREFERENCES_WINDOW (object);
  self->disposed = TRUE;
  gtk_widget_dispose_template (GTK_WIDGET (self), AT_TYPE_PREFERENCES_WINDOW);
  G_OBJECT_CLASS (at_preferences_window_parent_class)->dispose (object);
}

static void
at_preferences_window_finalize (GObject *object)
{
  AtPreferencesWindow *self = AT_PREFERENCES_WINDOW (object);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->device_ids, g_ptr_array_unref);
  G_OBJECT_CLASS (at_preferences_window_parent_class)->finalize (object);
}

static void
at_preferences_window_class_init (AtPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = at_preferences_window_dispose;
  object_class->finalize = at_preferences_window_finalize;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/atelier/Studio/ui/preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, AtPreferencesWindow, device_row);
  gtk_widget_class_bind_template_child (widget_class, AtPreferencesWindow, device_list);
  gtk_widget_class_bind_template_child (widget_class, AtPreferencesWindow, steps_spin);
  gtk_widget_class_bind_template_child (widget_class, AtPreferencesWindow, sampler_row);
  gtk_widget_class_bind_template_child (widget_class, AtPreferencesWindow, style_row);
  gtk_widget_class_bind_template_child (widget_class, AtPreferencesWindow, voice_cues_switch);
  gtk_widget_class_bind_template_child (widget_class, AtPreferencesWindow, fast_switch);
  gtk_widget_class_bind_template_child (widget_class, AtPreferencesWindow, tone_hint_switch);
  gtk_widget_class_bind_template_child (widget_class, AtPreferencesWindow, record_max_spin);
  gtk_widget_class_bind_template_child (widget_class, AtPreferencesWindow, folder_row);
  gtk_widget_class_bind_template_child (widget_class, AtPreferencesWindow, folder_button);
}

static void
at_preferences_window_init (AtPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->settings = at_settings_new ();
  self->device_ids = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->device_ids, g_strdup (""));

  if (self->settings != NULL)
    {
      g_settings_bind (self->settings, "default-steps", self->steps_spin, "value", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (self->settings, "voice-cues", self->voice_cues_switch, "active", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (self->settings, "fast-generate", self->fast_switch, "active", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (self->settings, "tone-hint", self->tone_hint_switch, "active", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (self->settings, "record-max-seconds", self->record_max_spin, "value",
                       G_SETTINGS_BIND_DEFAULT);
      g_autofree char *sampler = g_settings_get_string (self->settings, "default-sampler");
      AtSamplerKind kind = AT_SAMPLER_EULER;
      at_sampler_kind_from_string (sampler, &kind);
      self->filling = TRUE;
      adw_combo_row_set_selected (self->sampler_row, kind);
      g_autofree char *style = g_settings_get_string (self->settings, "style");
      for (guint i = 0; i < G_N_ELEMENTS (styles); i++)
        if (g_str_equal (style, styles[i]))
          adw_combo_row_set_selected (self->style_row, i);
      self->filling = FALSE;
    }
  g_signal_connect_swapped (self->device_row, "notify::selected", G_CALLBACK (device_selected), self);
  g_signal_connect_swapped (self->sampler_row, "notify::selected", G_CALLBACK (sampler_selected), self);
  g_signal_connect_swapped (self->style_row, "notify::selected", G_CALLBACK (style_selected), self);
  g_signal_connect_swapped (self->folder_button, "clicked", G_CALLBACK (choose_folder), self);
  show_folder (self);

  /* listing devices starts a Vulkan instance: not on the main thread */
  g_autoptr (GTask) task = g_task_new (self, NULL, devices_listed, NULL);
  g_task_set_source_tag (task, at_preferences_window_init);
  at_task_run_in_thread (task, list_devices_thread);
}

GtkWidget *
at_preferences_window_new (GtkWindow *parent)
{
  return g_object_new (AT_TYPE_PREFERENCES_WINDOW, "transient-for", parent, "modal", TRUE, NULL);
}
