/* window-history.c — what the History gallery keeps of each run and puts
 * back: the run's inputs are taken when it starts (the canvas may change
 * while it runs), joined to each of its images when it ends, and a click
 * on an image restores all of it; the toast says exactly what could not
 * be restored. */
#define G_LOG_DOMAIN "atelier-ui"

#include "ui/window-private.h"

void
_at_window_clear_run_inputs (AtWindow *self)
{
  AtRunInputs *in = &self->run_inputs;
  g_clear_pointer (&in->strokes, at_stroke_list_free);
  g_clear_pointer (&in->sketch_image, at_image_free);
  g_clear_pointer (&in->underlay, at_image_free);
  g_clear_pointer (&in->voice_name, g_free);
  g_clear_pointer (&in->voice_digest, g_free);
  in->live = FALSE;
}

void
_at_window_take_run_inputs (AtWindow *self, gboolean live)
{
  _at_window_clear_run_inputs (self);
  AtRunInputs *in = &self->run_inputs;
  in->strokes = at_stroke_list_copy_drawing (at_sketch_canvas_get_strokes (self->canvas));
  const AtImage *img = at_sketch_canvas_get_sketch_image (self->canvas);
  in->sketch_image = img != NULL ? at_image_copy (img) : NULL;
  img = at_sketch_canvas_get_underlay (self->canvas);
  in->underlay = img != NULL ? at_image_copy (img) : NULL;
  if (self->voice != NULL)
    {
      in->voice_name = g_strdup (self->voice_name);
      in->voice_digest = g_strdup (self->voice_digest);
    }
  in->live = live;
}

AtHistoryItem *
_at_window_history_item_new (AtWindow *self, const AtResult *res, guint i, const AtRequest *request)
{
  const AtRunInputs *in = &self->run_inputs;
  AtHistoryItem *item = at_history_item_new (g_ptr_array_index (res->images, i), g_ptr_array_index (res->parameters, i),
                                             request, g_array_index (res->seeds, guint64, i));
  if (in->strokes != NULL)
    at_history_item_set_sketch (item, in->strokes, in->sketch_image, in->underlay);
  item->voice_name = g_strdup (in->voice_name);
  item->voice_digest = g_strdup (in->voice_digest);
  if (self->sd_run_model != NULL)   /* a user's checkpoint (window-sd.c) */
    item->model = g_strdup (self->sd_run_model);
  else
    item->model = self->engine != NULL ? g_strdup (at_engine_get_model_name (self->engine)) : NULL;
  item->live = in->live;
  return item;
}

static gboolean
same_text (const char *a, const char *b)
{
  return g_strcmp0 (a != NULL ? a : "", b != NULL ? b : "") == 0;
}

/* What the controls would ask now differs from what made item in a way the
 * restore could not put right (the voice panel's transcript or cues). */
static gboolean
request_differs (AtWindow *self, const AtHistoryItem *item)
{
  g_autoptr (AtRequest) now = at_window_build_request (self);
  const AtRequest *then = item->request;
  return !same_text (now->prompt, then->prompt) || !same_text (now->negative, then->negative) ||
         now->steps != then->steps || now->guidance != then->guidance || now->sampler != then->sampler;
}

/* The toast after a restore: true to what Generate will do now.
 * model_todo: what _at_window_sd_restore() could not do, or NULL. */
static char *
restore_note (AtWindow *self, const AtHistoryItem *item, const char *model_todo)
{
  if (!item->has_inputs)
    return g_strdup ("Settings restored. This image's sketch was not kept (the project is from an older Atelier), "
                     "so Generate may draw another");
  g_autoptr (GPtrArray) todo = g_ptr_array_new_with_free_func (g_free);
  if (item->voice_digest != NULL && g_strcmp0 (item->voice_digest, self->voice_digest) != 0)
    g_ptr_array_add (todo, g_strdup_printf ("load its voice clip “%s” again",
                                            item->voice_name != NULL ? item->voice_name : "Voice clip"));
  else if (item->voice_digest == NULL && self->voice != NULL)
    g_ptr_array_add (todo, g_strdup ("remove the voice clip, which it was made without"));
  if (model_todo != NULL)
    g_ptr_array_add (todo, g_strdup (model_todo));
  if (todo->len == 0 && request_differs (self, item))
    g_ptr_array_add (todo, g_strdup ("set the transcript and voice cues as they were"));
  if (todo->len == 0)
    return g_strdup ("Sketch and settings restored; Generate makes this image again");
  g_ptr_array_add (todo, NULL);
  g_autofree char *joined = g_strjoinv (" and ", (char **) todo->pdata);
  return g_strdup_printf ("Sketch and settings restored; to make this image again, %s", joined);
}

void
_at_window_restore_history_item (AtWindow *self, const AtHistoryItem *item)
{
  /* the model first: choosing one puts its defaults into the controls */
  g_autofree char *model_todo = _at_window_sd_restore (self, item);
  _at_window_params_to_ui (self, item->request, TRUE);
  self->applying = TRUE;
  gtk_spin_button_set_value (self->seed_spin, (double) (item->seed & 0xffffffffu));
  gtk_spin_button_set_value (self->count_spin, 1);
  gtk_toggle_button_set_active (self->seed_lock, TRUE);
  if (item->has_inputs)
    {
      /* one step that Undo takes back, like a stroke */
      at_stroke_list_replace (at_sketch_canvas_get_strokes (self->canvas), item->strokes);
      at_sketch_canvas_set_sketch_image (self->canvas, item->sketch_image);
      at_sketch_canvas_set_underlay (self->canvas, item->underlay);
      _at_window_set_init_image (self, item->init);
    }
  self->applying = FALSE;
  _at_window_set_dirty (self, TRUE);
  _at_window_show_history_item (self, item);
  at_history_search_show_tags (self->history_search, item, _at_window_item_tone (self, item));
  _at_window_remix_set_source (self, item);
  g_autofree char *note = restore_note (self, item, model_todo);
  _at_window_show_toast (self, note);
}
