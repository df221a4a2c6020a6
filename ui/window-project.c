/* window-project.c — the window as a project: what it saves
 * (collect_project) and what opening one puts back in the controls, the
 * file it belongs to, and the recent projects (GSettings
 * "recent-projects") in the menu. Project files themselves are project.c's.
 */
#define G_LOG_DOMAIN "atelier-ui"

#include "ui/window-private.h"

#define MAX_RECENT 8

/* Appends copies of from's AtHistoryItems to to. */
static void
copy_history (GPtrArray *from, GPtrArray *to)
{
  for (guint i = 0; i < from->len; i++)
    {
      AtHistoryItem *h = g_ptr_array_index (from, i);
      AtHistoryItem *copy = at_history_item_new (h->image, h->parameters, h->request, h->seed);
      copy->created = h->created;
      g_ptr_array_add (to, copy);
    }
}

static AtProject *
collect_project (AtWindow *self)
{
  AtProject *p = at_project_new ();
  AtStrokeList *strokes = at_sketch_canvas_get_strokes (self->canvas);
  for (guint i = 0; i < at_stroke_list_get_n_strokes (strokes); i++)
    at_stroke_list_append (p->strokes, at_stroke_list_get_stroke (strokes, i));
  const AtImage *img = at_sketch_canvas_get_sketch_image (self->canvas);
  p->sketch_image = img != NULL ? at_image_copy (img) : NULL;
  img = at_sketch_canvas_get_underlay (self->canvas);
  p->underlay = img != NULL ? at_image_copy (img) : NULL;
  at_request_free (p->params);
  g_autoptr (AtRequest) r = _at_window_build_controls_request (self);
  p->params = at_request_copy (r);
  p->seed_locked = gtk_toggle_button_get_active (self->seed_lock);
  if (self->voice != NULL)
    {
      p->voice = at_audio_new_from (self->voice->samples, self->voice->n, self->voice->rate);
      p->voice_name = g_strdup (self->voice_name);
    }
  at_voice_panel_get_settings (self->voice_panel, &p->voice_settings);
  copy_history (self->history, p->history);
  return p;
}

void
_at_window_apply_project (AtWindow *self, AtProject *p)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  self->applying = TRUE;
  at_sketch_canvas_set_strokes (self->canvas, g_steal_pointer (&p->strokes));
  p->strokes = at_stroke_list_new ();
  at_sketch_canvas_set_sketch_image (self->canvas, p->sketch_image);
  at_sketch_canvas_set_underlay (self->canvas, p->underlay);
  self->applying = FALSE;
  _at_window_params_to_ui (self, p->params, TRUE);
  self->applying = TRUE;
  gtk_toggle_button_set_active (self->seed_lock, p->seed_locked);
  _at_window_set_voice (self, g_steal_pointer (&p->voice), p->voice_name);
  at_voice_panel_set_settings (self->voice_panel, &p->voice_settings);
  _at_window_set_init_image (self, NULL);
  g_ptr_array_set_size (self->history, 0);
  copy_history (p->history, self->history);
  _at_window_show_history (self);
  self->applying = FALSE;
  _at_window_update_actions (self);
}

/* --- recent projects ------------------------------------------------------ */

static void
remember_recent (AtWindow *self, GFile *file)
{
  if (self->settings == NULL)
    return;
  g_autofree char *path = g_file_get_path (file);
  if (path == NULL)
    return;
  g_auto (GStrv) old = g_settings_get_strv (self->settings, "recent-projects");
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_strv_builder_add (builder, path);
  guint n = 1;
  for (guint i = 0; old[i] != NULL && n < MAX_RECENT; i++)
    if (g_strcmp0 (old[i], path) != 0)
      g_strv_builder_add (builder, old[i]), n++;
  g_auto (GStrv) recent = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "recent-projects", (const char *const *) recent);
}

static void
rebuild_recent_menu (AtWindow *self)
{
  if (self->recent_submenu == NULL)
    return;
  g_menu_remove_all (self->recent_submenu);
  if (self->settings == NULL)
    return;
  g_auto (GStrv) recent = g_settings_get_strv (self->settings, "recent-projects");
  for (guint i = 0; recent[i] != NULL; i++)
    {
      g_autofree char *base = g_path_get_basename (recent[i]);
      g_autoptr (GMenuItem) item = g_menu_item_new (base, NULL);
      g_menu_item_set_action_and_target_value (item, "win.open-recent", g_variant_new_string (recent[i]));
      g_menu_append_item (self->recent_submenu, item);
    }
}

static void
on_settings_changed (GSettings *settings, const char *key, AtWindow *self)
{
  if (g_str_equal (key, "recent-projects"))
    rebuild_recent_menu (self);
}

void
_at_window_project_init (AtWindow *self)
{
  if (self->settings != NULL)
    g_signal_connect (self->settings, "changed", G_CALLBACK (on_settings_changed), self);
  rebuild_recent_menu (self);
}

/* --- saving and opening --------------------------------------------------- */

/* The project is file's now, as saved: the title names it, unmarked, and
 * it leads the recent projects. */
static void
belong_to (AtWindow *self, GFile *file)
{
  if (self->file != file)
    {
      g_clear_object (&self->file);
      self->file = g_object_ref (file);
    }
  self->dirty = TRUE;   /* so that clearing it updates the title */
  _at_window_set_dirty (self, FALSE);
  remember_recent (self, file);
}

gboolean
at_window_save_to (AtWindow *self, GFile *file, GError **error)
{
  g_return_val_if_fail (AT_IS_WINDOW (self), FALSE);
  g_autoptr (AtProject) p = collect_project (self);
  if (!at_project_save (p, file, error))
    return FALSE;
  belong_to (self, file);
  return TRUE;
}

gboolean
at_window_open_file (AtWindow *self, GFile *file, GError **error)
{
  g_return_val_if_fail (AT_IS_WINDOW (self), FALSE);
  g_autoptr (AtProject) p = at_project_load (file, error);
  if (p == NULL)
    return FALSE;
  _at_window_apply_project (self, p);
  belong_to (self, file);
  return TRUE;
}

void
at_window_open (AtWindow *self, GFile *file)
{
  g_return_if_fail (AT_IS_WINDOW (self));
  g_autoptr (GError) error = NULL;
  if (!at_window_open_file (self, file, &error))
    _at_window_show_toast (self, error->message);
}
