/* model-picker.c — the model choice of the generation panel
 * (model-picker.h). */
#define G_LOG_DOMAIN "atelier-ui"

#include "ui/model-picker.h"
#include "context-call.h"

#include "sd/sd-control.h"
#include "sd/sd-pipeline.h"

#define LIVE_NOTE "Live previews use the built-in model"
#define VOICE_NOTE "A voice gives its transcript and cues; the audio embedding is the built-in model's alone"

struct _AtModelPicker {
  AdwComboRow *row;
  GtkStringList *names;
  AdwActionRow *size_row;
  GtkSpinButton *size_spin;
  GPtrArray *entries;          /* AtSdLibraryEntry*, the whole library */
  GPtrArray *models;           /* those of entries that are not ControlNets, in the list's order after "Built-in" */
  char *want;                  /* a name to choose once listed */
  char *added_control;         /* a ControlNet just added, until the window takes it */
  guint busy;
  gboolean *alive;             /* shared with workers' callbacks: FALSE once freed */
  void (*changed) (gpointer data);
  void (*failed) (gpointer data, const char *message);
  gpointer data;
};

static void
update_subtitle (AtModelPicker *p)
{
  const AtSdLibraryEntry *e = at_model_picker_get_selected (p);
  gtk_widget_set_visible (GTK_WIDGET (p->size_row), e != NULL);
  if (e == NULL)
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (p->row), "Atelier's own model");
      return;
    }
  g_autofree char *size = g_format_size (e->size);
  g_autofree char *text = e->problem != NULL
                            ? g_strdup_printf ("Cannot be used: %s", e->problem)
                            : g_strdup_printf ("%s · %s. " LIVE_NOTE ". " VOICE_NOTE, e->kind, size);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (p->row), text);
}

static void
on_selected (AtModelPicker *p)
{
  update_subtitle (p);
  if (p->changed != NULL)
    p->changed (p->data);
}

/* Replaces the list (entries taken), keeping the choice by name. */
static void
set_entries (AtModelPicker *p, GPtrArray *entries)
{
  const AtSdLibraryEntry *old = at_model_picker_get_selected (p);
  g_autofree char *keep = g_strdup (old != NULL ? old->name : NULL);
  g_autofree char *want = g_steal_pointer (&p->want);   /* just added: chosen when it is a model */
  g_clear_pointer (&p->entries, g_ptr_array_unref);
  p->entries = entries;
  g_ptr_array_set_size (p->models, 0);
  for (guint i = 0; i < entries->len; i++)
    {
      const AtSdLibraryEntry *e = entries->pdata[i];
      /* ControlNets are chosen in their own row (control-picker.h); an
       * unreadable file stays listed with its problem */
      if (e->kind == NULL || !at_sd_arch_is_controlnet (&e->arch))
        g_ptr_array_add (p->models, (gpointer) e);
    }
  g_signal_handlers_block_by_func (p->row, on_selected, p);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (p->names));
  g_autoptr (GPtrArray) labels = g_ptr_array_new ();
  g_ptr_array_add (labels, "Built-in");
  for (guint i = 0; i < p->models->len; i++)
    g_ptr_array_add (labels, ((AtSdLibraryEntry *) p->models->pdata[i])->name);
  g_ptr_array_add (labels, NULL);
  gtk_string_list_splice (p->names, 0, n, (const char *const *) labels->pdata);
  adw_combo_row_set_selected (p->row, 0);
  g_signal_handlers_unblock_by_func (p->row, on_selected, p);
  gint added = want != NULL ? at_sd_library_find (entries, want) : -1;
  if (added >= 0 && at_sd_arch_is_controlnet (&((AtSdLibraryEntry *) entries->pdata[added])->arch))
    {
      g_free (p->added_control);
      p->added_control = g_strdup (want);
    }
  if ((want == NULL || !at_model_picker_select (p, want)) && (keep == NULL || !at_model_picker_select (p, keep)))
    on_selected (p);
}

static void
list_in_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  GFile *add = data;
  if (add != NULL)
    {
      g_autofree char *path = g_file_get_path (add);
      g_autoptr (AtSdLibraryEntry) e = at_sd_library_add (path, FALSE, cancellable, &error);
      if (e == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
    }
  GPtrArray *entries = at_sd_library_list (&error);
  if (entries == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, entries, (GDestroyNotify) g_ptr_array_unref);
}

typedef struct {
  AtModelPicker *picker;
  gboolean *alive;
  GTask *outer;        /* the caller's, for an add; or NULL */
} ListJob;

static void
list_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ListJob *job = user_data;
  GError *error = NULL;
  GPtrArray *entries = g_task_propagate_pointer (G_TASK (result), &error);
  if (*job->alive)
    {
      job->picker->busy--;
      if (entries != NULL)
        set_entries (job->picker, g_ptr_array_ref (entries));
      else if (job->picker->failed != NULL)
        job->picker->failed (job->picker->data, error->message);
    }
  if (job->outer != NULL)
    {
      if (entries != NULL)
        g_task_return_boolean (job->outer, TRUE);
      else
        g_task_return_error (job->outer, g_error_copy (error));
      g_object_unref (job->outer);
    }
  g_clear_error (&error);
  g_clear_pointer (&entries, g_ptr_array_unref);
  g_rc_box_release (job->alive);
  g_free (job);
}

static void
list_async (AtModelPicker *p, GFile *add, GTask *outer)
{
  ListJob *job = g_new0 (ListJob, 1);
  job->picker = p;
  job->alive = g_rc_box_acquire (p->alive);
  job->outer = outer;
  p->busy++;
  g_autoptr (GTask) task = g_task_new (NULL, outer != NULL ? g_task_get_cancellable (outer) : NULL, list_done, job);
  if (add != NULL)
    g_task_set_task_data (task, g_object_ref (add), g_object_unref);
  at_task_run_in_thread (task, list_in_thread);
}

static void
add_chosen (GtkNativeDialog *dialog, int response, gpointer user_data)
{
  ListJob *job = user_data;
  g_autoptr (GFile) file = response == GTK_RESPONSE_ACCEPT ? gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog))
                                                           : NULL;
  if (file != NULL && *job->alive)
    at_model_picker_add_async (job->picker, file, NULL, NULL, NULL);
  g_rc_box_release (job->alive);
  g_free (job);
  g_object_unref (dialog);
}

static void
on_add_clicked (AtModelPicker *p, GtkWidget *button)
{
  GtkRoot *root = gtk_widget_get_root (button);
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new ("Add a Stable Diffusion Model",
                                                              GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                              GTK_FILE_CHOOSER_ACTION_OPEN, "_Add", "_Cancel");
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, "Checkpoints (.safetensors)");
  gtk_file_filter_add_pattern (filter, "*.safetensors");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  ListJob *job = g_new0 (ListJob, 1);
  job->picker = p;
  job->alive = g_rc_box_acquire (p->alive);
  g_signal_connect (dialog, "response", G_CALLBACK (add_chosen), job);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

AtModelPicker *
at_model_picker_new (GtkListBox *box, int position, void (*changed) (gpointer data),
                     void (*failed) (gpointer data, const char *message), gpointer data)
{
  AtModelPicker *p = g_new0 (AtModelPicker, 1);
  p->alive = g_rc_box_new (gboolean);
  *p->alive = TRUE;
  p->changed = changed;
  p->failed = failed;
  p->data = data;
  p->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) at_sd_library_entry_free);
  p->models = g_ptr_array_new ();
  p->names = gtk_string_list_new ((const char *const[]) { "Built-in", NULL });
  p->row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (p->row), "Model");
  adw_combo_row_set_model (p->row, G_LIST_MODEL (p->names));
  GtkWidget *add = gtk_button_new_from_icon_name ("list-add-symbolic");
  gtk_widget_set_valign (add, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (add, "Add Model… (a Stable Diffusion 1.x, 2.x or SD-Turbo .safetensors file, "
                                    "or a ControlNet for one)");
  gtk_accessible_update_property (GTK_ACCESSIBLE (add), GTK_ACCESSIBLE_PROPERTY_LABEL, "Add Model…", -1);
  g_signal_connect_swapped (add, "clicked", G_CALLBACK (on_add_clicked), p);
  adw_action_row_add_suffix (ADW_ACTION_ROW (p->row), add);
  g_signal_connect_swapped (p->row, "notify::selected", G_CALLBACK (on_selected), p);

  p->size_row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (p->size_row), "Image Size");
  adw_action_row_set_subtitle (p->size_row, "Pixels a side (a multiple of 64); the model's own is 512");
  p->size_spin = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (AT_SD_SIZE_MULTIPLE, AT_SD_SIZE_MAX,
                                                                  AT_SD_SIZE_MULTIPLE));
  gtk_widget_set_valign (GTK_WIDGET (p->size_spin), GTK_ALIGN_CENTER);
  gtk_spin_button_set_value (p->size_spin, 512);
  gtk_accessible_update_property (GTK_ACCESSIBLE (p->size_spin), GTK_ACCESSIBLE_PROPERTY_LABEL, "Image size", -1);
  adw_action_row_add_suffix (p->size_row, GTK_WIDGET (p->size_spin));
  adw_action_row_set_activatable_widget (p->size_row, GTK_WIDGET (p->size_spin));

  gtk_list_box_insert (box, GTK_WIDGET (p->row), position);
  gtk_list_box_insert (box, GTK_WIDGET (p->size_row), position + 1);
  update_subtitle (p);
  list_async (p, NULL, NULL);
  return p;
}

void
at_model_picker_free (AtModelPicker *p)
{
  if (p == NULL)
    return;
  *p->alive = FALSE;
  g_rc_box_release (p->alive);
  g_signal_handlers_disconnect_by_data (p->row, p);
  g_clear_pointer (&p->entries, g_ptr_array_unref);
  g_clear_pointer (&p->models, g_ptr_array_unref);
  g_free (p->want);
  g_free (p->added_control);
  g_free (p);
}

const AtSdLibraryEntry *
at_model_picker_get_selected (AtModelPicker *p)
{
  guint i = adw_combo_row_get_selected (p->row);
  return i >= 1 && i - 1 < p->models->len ? p->models->pdata[i - 1] : NULL;
}

GPtrArray *
at_model_picker_get_entries (AtModelPicker *p)
{
  return p->entries;
}

guint
at_model_picker_get_size (AtModelPicker *p)
{
  return (guint) gtk_spin_button_get_value_as_int (p->size_spin);
}

void
at_model_picker_set_size (AtModelPicker *p, guint size)
{
  gtk_spin_button_set_value (p->size_spin, size);
}

gboolean
at_library_row_select (AdwComboRow *row, GPtrArray *listed, const char *name)
{
  gint i = name != NULL ? at_sd_library_find (listed, name) : -1;
  if (name != NULL && i < 0)
    return FALSE;
  adw_combo_row_set_selected (row, (guint) (i + 1));
  return TRUE;
}

gboolean
at_model_picker_select (AtModelPicker *p, const char *name)
{
  return at_library_row_select (p->row, p->models, name);
}

void
at_model_picker_add_async (AtModelPicker *p, GFile *file, GCancellable *cancellable, GAsyncReadyCallback callback,
                           gpointer user_data)
{
  g_autofree char *base = g_file_get_basename (file);
  char *dot = g_strrstr (base, ".safetensors");
  if (dot != NULL)
    *dot = '\0';
  g_free (p->want);
  p->want = g_strdup (base);
  GTask *outer = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (outer, at_model_picker_add_async);
  list_async (p, file, outer);
}

gboolean
at_model_picker_add_finish (AtModelPicker *p, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

char *
at_model_picker_take_added_controlnet (AtModelPicker *p)
{
  return g_steal_pointer (&p->added_control);
}

gboolean
at_model_picker_is_busy (AtModelPicker *p)
{
  return p->busy > 0;
}
