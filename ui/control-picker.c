/* control-picker.c — the ControlNet choice of the generation panel
 * (control-picker.h). */
#define G_LOG_DOMAIN "atelier-ui"

#include "ui/control-picker.h"
#include "ui/model-picker.h"

#include "sd/sd-control.h"
#include "sd/sd-generate.h"

#define STRENGTH_STEP 0.05
#define DEFAULT_STRENGTH 1.0

struct _AtControlPicker {
  AdwComboRow *row;
  GtkStringList *names;
  AdwActionRow *strength_row;
  GtkSpinButton *strength_spin;
  GPtrArray *fitting;          /* AtSdLibraryEntry* of entries, in the list's order after "None" */
  GPtrArray *entries;          /* the library's, kept while fitting points into it */
  void (*changed) (gpointer data);
  gpointer data;
};

static void
update_subtitle (AtControlPicker *p)
{
  const AtSdLibraryEntry *e = at_control_picker_get_selected (p);
  gtk_widget_set_visible (GTK_WIDGET (p->strength_row), e != NULL);
  const char *text;
  if (e != NULL)
    text = "Follows the sketch's dark lines (as a scribble) when a sketch is drawn";
  else if (p->fitting->len == 0)
    text = "No ControlNet in the library fits this model; add one with Add Model…";
  else
    text = "The sketch is the starting image; a ControlNet follows its lines instead";
  adw_action_row_set_subtitle (ADW_ACTION_ROW (p->row), text);
}

static void
on_selected (AtControlPicker *p)
{
  update_subtitle (p);
  if (p->changed != NULL)
    p->changed (p->data);
}

AtControlPicker *
at_control_picker_new (GtkListBox *box, int position, void (*changed) (gpointer data), gpointer data)
{
  AtControlPicker *p = g_new0 (AtControlPicker, 1);
  p->changed = changed;
  p->data = data;
  p->fitting = g_ptr_array_new ();
  p->names = gtk_string_list_new ((const char *const[]) { "None", NULL });
  p->row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (p->row), "ControlNet");
  adw_combo_row_set_model (p->row, G_LIST_MODEL (p->names));
  g_signal_connect_swapped (p->row, "notify::selected", G_CALLBACK (on_selected), p);

  p->strength_row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (p->strength_row), "Control Strength");
  adw_action_row_set_subtitle (p->strength_row, "How closely the image keeps to the sketch; 1 as trained");
  p->strength_spin = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (0, AT_SD_CONTROL_MAX_STRENGTH, STRENGTH_STEP));
  gtk_spin_button_set_digits (p->strength_spin, 2);
  gtk_spin_button_set_value (p->strength_spin, DEFAULT_STRENGTH);
  gtk_widget_set_valign (GTK_WIDGET (p->strength_spin), GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (p->strength_spin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Control strength", -1);
  adw_action_row_add_suffix (p->strength_row, GTK_WIDGET (p->strength_spin));
  adw_action_row_set_activatable_widget (p->strength_row, GTK_WIDGET (p->strength_spin));

  gtk_list_box_insert (box, GTK_WIDGET (p->row), position);
  gtk_list_box_insert (box, GTK_WIDGET (p->strength_row), position + 1);
  gtk_widget_set_visible (GTK_WIDGET (p->row), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (p->strength_row), FALSE);
  return p;
}

void
at_control_picker_free (AtControlPicker *p)
{
  if (p == NULL)
    return;
  g_signal_handlers_disconnect_by_data (p->row, p);
  g_ptr_array_unref (p->fitting);
  g_clear_pointer (&p->entries, g_ptr_array_unref);
  g_free (p);
}

void
at_control_picker_set_model (AtControlPicker *p, GPtrArray *entries, const AtSdLibraryEntry *model)
{
  const AtSdLibraryEntry *old = at_control_picker_get_selected (p);
  g_autofree char *keep = old != NULL ? g_strdup (old->name) : NULL;
  g_ptr_array_set_size (p->fitting, 0);
  for (guint i = 0; model != NULL && model->kind != NULL && i < entries->len; i++)
    {
      const AtSdLibraryEntry *e = entries->pdata[i];
      if (e->kind != NULL && at_sd_arch_is_controlnet (&e->arch) && at_sd_control_fits (&e->arch, e->name,
                                                                                         &model->arch, NULL))
        g_ptr_array_add (p->fitting, (gpointer) e);
    }
  g_ptr_array_ref (entries);
  g_clear_pointer (&p->entries, g_ptr_array_unref);
  p->entries = entries;
  g_signal_handlers_block_by_func (p->row, on_selected, p);
  g_autoptr (GPtrArray) labels = g_ptr_array_new ();
  g_ptr_array_add (labels, "None");
  for (guint i = 0; i < p->fitting->len; i++)
    g_ptr_array_add (labels, ((AtSdLibraryEntry *) p->fitting->pdata[i])->name);
  g_ptr_array_add (labels, NULL);
  gtk_string_list_splice (p->names, 0, g_list_model_get_n_items (G_LIST_MODEL (p->names)),
                          (const char *const *) labels->pdata);
  adw_combo_row_set_selected (p->row, 0);
  g_signal_handlers_unblock_by_func (p->row, on_selected, p);
  gtk_widget_set_visible (GTK_WIDGET (p->row), model != NULL);
  if (keep == NULL || !at_control_picker_select (p, keep))
    on_selected (p);
}

const AtSdLibraryEntry *
at_control_picker_get_selected (AtControlPicker *p)
{
  guint i = adw_combo_row_get_selected (p->row);
  if (!gtk_widget_get_visible (GTK_WIDGET (p->row)))
    return NULL;
  return i >= 1 && i - 1 < p->fitting->len ? p->fitting->pdata[i - 1] : NULL;
}

gboolean
at_control_picker_select (AtControlPicker *p, const char *name)
{
  return at_library_row_select (p->row, p->fitting, name);
}

float
at_control_picker_get_strength (AtControlPicker *p)
{
  return (float) gtk_spin_button_get_value (p->strength_spin);
}

void
at_control_picker_set_strength (AtControlPicker *p, float strength)
{
  gtk_spin_button_set_value (p->strength_spin, strength);
}
