/* window-project.c — the window as a project: what it saves
 * (_at_window_collect_project) and what opening one puts back in the
 * controls, the file it belongs to, and the recent projects (GSettings
 * "recent-projects") in the menu. Project files themselves are project.c's.
 *
 * Saving hands a snapshot (copies, taken on the main thread) to a worker,
 * so drawing goes on meanwhile; edits made during the save keep the
 * project marked. Opening reads and parses on a worker and replaces the
 * project only when that worked. One save or open at a time: the file
 * actions wait (window.c disables them) and a close waits for the save.
 */
#define G_LOG_DOMAIN "atelier-ui"

#include "ui/window-private.h"

#define MAX_RECENT 8

/* Appends copies of from's AtHistoryItems to to. */
static void
copy_history (GPtrArray *from, GPtrArray *to)
{
  for (guint i = 0; i < from->len; i++)
    g_ptr_array_add (to, at_history_item_copy (g_ptr_array_index (from, i)));
}

AtProject *
_at_window_collect_project (AtWindow *self)
{
  AtProject *p = at_project_new ();
  at_stroke_list_free (p->strokes);
  p->strokes = at_stroke_list_copy_drawing (at_sketch_canvas_get_strokes (self->canvas));
  const AtImage *img = at_sketch_canvas_get_sketch_image (self->canvas);
  p->sketch_image = img != NULL ? at_image_copy (img) : NULL;
  img = at_sketch_canvas_get_underlay (self->canvas);
  p->underlay = img != NULL ? at_image_copy (img) : NULL;
  at_request_free (p->params);
  p->params = _at_window_build_controls_request (self);
  p->seed_locked = gtk_toggle_button_get_active (self->seed_lock);
  if (self->voice != NULL)
    {
      p->voice = at_audio_new_from (self->voice->samples, self->voice->n, self->voice->rate);
      p->voice_name = g_strdup (self->voice_name);
    }
  at_voice_panel_get_settings (self->voice_panel, &p->voice_settings);
  AtNarrationPanel *narration = at_window_get_narration_panel (self);
  const AtAudio *spoken = at_narration_panel_get_narration (narration);
  /* the subtitle lines are never changed, only replaced: shared */
  if (spoken != NULL && at_narration_panel_get_subtitles (narration) != NULL)
    {
      p->narration = at_audio_new_from (spoken->samples, spoken->n, spoken->rate);
      p->narration_cues = g_ptr_array_ref (at_narration_panel_get_subtitles (narration));
    }
  copy_history (self->history, p->history);
  p->video = self->video_clip != NULL ? at_clip_copy (self->video_clip) : NULL;
  p->search_index = at_history_search_copy_index (self->history_search);
  _at_window_sd_collect (self, &p->model);
  return p;
}

void
_at_window_apply_project (AtWindow *self, AtProject *p)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  self->model_defaults_pending = FALSE;
  self->applying = TRUE;
  at_sketch_canvas_set_strokes (self->canvas, g_steal_pointer (&p->strokes));
  p->strokes = at_stroke_list_new ();
  at_sketch_canvas_set_sketch_image (self->canvas, p->sketch_image);
  at_sketch_canvas_set_underlay (self->canvas, p->underlay);
  _at_window_sd_apply (self, &p->model);   /* before the parameters: a model puts its defaults in */
  self->applying = FALSE;
  _at_window_params_to_ui (self, p->params, TRUE);
  self->applying = TRUE;
  gtk_toggle_button_set_active (self->seed_lock, p->seed_locked);
  _at_window_set_voice (self, g_steal_pointer (&p->voice), p->voice_name);
  at_voice_panel_set_settings (self->voice_panel, &p->voice_settings);
  at_narration_panel_set_narration (at_window_get_narration_panel (self), p->narration, p->narration_cues);
  _at_window_set_init_image (self, NULL);
  g_ptr_array_set_size (self->history, 0);
  copy_history (p->history, self->history);
  at_history_search_take_index (self->history_search, g_steal_pointer (&p->search_index));
  _at_window_show_history (self);
  _at_window_set_video_clip (self, g_steal_pointer (&p->video));
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

/* --- saving and opening, on workers ------------------------------------- */

/* The project is file's now: the title names it, marked if it has changes
 * the file lacks, and it leads the recent projects. */
static void
belong_to (AtWindow *self, GFile *file, gboolean dirty)
{
  g_set_object (&self->file, file);
  self->dirty = !dirty;   /* so that setting it updates the title */
  _at_window_set_dirty (self, dirty);
  remember_recent (self, file);
}

gboolean
_at_window_file_busy (AtWindow *self)
{
  return self->saving || self->opening;
}

/* A task for a save or an open, with flag set; or NULL, the task failed,
 * when one is under way already. */
static GTask *
file_task_new (AtWindow *self, gpointer source_tag, gboolean *flag, GCancellable *cancellable,
               GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  /* the result says what was done, even if cancelled too late to stop it */
  g_task_set_check_cancellable (task, FALSE);
  if (_at_window_file_busy (self))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               "The project is being saved or opened; try again when that is done");
      return NULL;
    }
  *flag = TRUE;
  _at_window_update_actions (self);
  return g_steal_pointer (&task);
}

static gboolean
file_task_finish (AtWindow *self, GAsyncResult *result, gpointer source_tag, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, source_tag), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
end_file_work (AtWindow *self, gboolean *flag)
{
  *flag = FALSE;
  if (!self->disposed)
    _at_window_update_actions (self);
}

typedef struct {
  GFile *file;
  char *digest;            /* the snapshot's state */
  AtStrokeList *strokes;   /* and its drawing */
} SaveRun;

static void
save_run_free (SaveRun *run)
{
  g_object_unref (run->file);
  g_free (run->digest);
  g_clear_pointer (&run->strokes, at_stroke_list_free);
  g_free (run);
}

/* A close asked for during the save is asked again now: it closes, or
 * offers to save what changed since. */
static void
close_if_asked (AtWindow *self)
{
  if (!self->close_after_save || self->disposed)
    return;
  self->close_after_save = FALSE;
  gtk_window_close (GTK_WINDOW (self));
}

static void
project_saved (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  AtWindow *self = g_task_get_source_object (task);
  SaveRun *run = g_task_get_task_data (task);
  GError *error = NULL;
  gboolean ok = at_project_save_finish (result, &error);
  end_file_work (self, &self->saving);
  if (ok && !self->disposed)
    {
      /* what was edited during the save keeps the project marked */
      _at_window_mark_saved (self, run->digest, g_steal_pointer (&run->strokes));
      belong_to (self, run->file, !_at_window_is_as_saved (self));
      _at_window_autosave_discard (self);
    }
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
  close_if_asked (self);
}

void
at_window_save_async (AtWindow *self, GFile *file, GCancellable *cancellable, GAsyncReadyCallback callback,
                      gpointer user_data)
{
  g_return_if_fail (AT_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));
  GTask *task = file_task_new (self, at_window_save_async, &self->saving, cancellable, callback, user_data);
  if (task == NULL)
    return;
  SaveRun *run = g_new0 (SaveRun, 1);
  run->file = g_object_ref (file);
  run->digest = _at_window_state_digest (self);
  run->strokes = at_stroke_list_copy_drawing (at_sketch_canvas_get_strokes (self->canvas));
  g_task_set_task_data (task, run, (GDestroyNotify) save_run_free);
  at_project_save_async (_at_window_collect_project (self), file, cancellable, project_saved, task);
}

gboolean
at_window_save_finish (AtWindow *self, GAsyncResult *result, GError **error)
{
  return file_task_finish (self, result, at_window_save_async, error);
}

static void
project_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  AtWindow *self = g_task_get_source_object (task);
  GError *error = NULL;
  g_autoptr (AtProject) p = at_project_load_finish (result, &error);
  end_file_work (self, &self->opening);
  if (p != NULL && self->disposed)
    error = g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "The window was closed");
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  _at_window_apply_project (self, p);
  _at_window_mark_saved_now (self);
  belong_to (self, g_task_get_task_data (task), FALSE);
  _at_window_autosave_discard (self);
  g_task_return_boolean (task, TRUE);
}

void
at_window_open_async (AtWindow *self, GFile *file, GCancellable *cancellable, GAsyncReadyCallback callback,
                      gpointer user_data)
{
  g_return_if_fail (AT_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));
  GTask *task = file_task_new (self, at_window_open_async, &self->opening, cancellable, callback, user_data);
  if (task == NULL)
    return;
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  at_project_load_async (file, cancellable, project_loaded, task);
}

gboolean
at_window_open_finish (AtWindow *self, GAsyncResult *result, GError **error)
{
  return file_task_finish (self, result, at_window_open_async, error);
}

gboolean
at_window_is_saving (AtWindow *self)
{
  return self->saving;
}

static void
opened (GObject *object, GAsyncResult *result, gpointer user_data)
{
  AtWindow *self = AT_WINDOW (object);
  g_autoptr (GFile) file = user_data;
  g_autoptr (GError) error = NULL;
  if (at_window_open_finish (self, result, &error) || self->disposed)
    return;
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *msg = g_strdup_printf ("Could not open “%s”: %s", name, error->message);
  _at_window_show_toast (self, msg);
}

void
at_window_open (AtWindow *self, GFile *file)
{
  g_return_if_fail (AT_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));
  at_window_open_async (self, file, NULL, opened, g_object_ref (file));
}
