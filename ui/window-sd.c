/* window-sd.c — the studio with a user's Stable Diffusion checkpoint: the
 * model picker in the generation panel (model-picker.h), the model's
 * defaults put into the controls when the choice changes, and runs on the
 * checkpoint's worker (engine/sd/sd-job.h) with progress per step, cancel
 * and the results in the History as the built-in model's are.
 *
 * The prompt, negative prompt, steps, guidance, seed and sampler come from
 * the controls (Heun is the built-in model's alone); a voice clip gives
 * its transcript and cues (at_window_build_request()), not its audio
 * embedding. The start image is the init image, else the sketch: img2img
 * through the VAE encoder, repainting 1 - Sketch Strength / 2 of the steps
 * (full strength keeps the sketch's layout, 0 ignores it).
 *
 * With a ControlNet chosen (control-picker.h) and a sketch drawn, the
 * sketch is the ControlNet's hint instead of a start image (the init
 * image, when one is loaded, is still the start); without a sketch the
 * run goes without it. Live mode keeps the built-in model (a
 * checkpoint's run is far too slow to follow the pen): the Model row's
 * subtitle and a toast when Live is turned on say so.
 */
#define G_LOG_DOMAIN "atelier-ui"

#include "sd/sd-defaults.h"
#include "sd/sd-job.h"
#include "sd/sd-parameters.h"
#include "ui/control-picker.h"
#include "ui/model-picker.h"
#include "ui/window-private.h"

/* The sampler list's order (window.ui): Euler, Heun, DPM++ 2M, Euler a. */
static const int sd_sampler_of_row[] = { AT_SD_SAMPLER_EULER, -1, AT_SD_SAMPLER_DPMPP_2M,
                                         AT_SD_SAMPLER_EULER_ANCESTRAL };

static guint
row_of_sampler (AtSdSamplerKind kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (sd_sampler_of_row); i++)
    if (sd_sampler_of_row[i] == (int) kind)
      return i;
  return 0;
}

static void
project_model_free (AtProjectModel *m)
{
  at_project_model_clear (m);
  g_free (m);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtProjectModel, project_model_free)

static void
project_model_copy (const AtProjectModel *from, AtProjectModel *to)
{
  at_project_model_clear (to);
  to->name = g_strdup (from->name);
  to->size = from->size;
  to->controlnet = g_strdup (from->controlnet);
  to->control_strength = from->control_strength;
}

static void
on_model_changed (gpointer data)
{
  AtWindow *self = data;
  const AtSdLibraryEntry *e = at_model_picker_get_selected (self->model_picker);
  if (self->control_picker != NULL)
    at_control_picker_set_model (self->control_picker, at_model_picker_get_entries (self->model_picker), e);
  g_autofree char *added = at_model_picker_take_added_controlnet (self->model_picker);
  if (added != NULL && !at_control_picker_select (self->control_picker, added))
    {
      g_autofree char *text = e != NULL ? g_strdup_printf ("Added the ControlNet “%s”; it does not fit %s, so it is "
                                                           "listed when a model it fits is chosen", added, e->name)
                                        : g_strdup_printf ("Added the ControlNet “%s”; choose a Stable Diffusion "
                                                           "model to use it with", added);
      _at_window_show_toast (self, text);
    }
  if (self->restoring_model)   /* the restored item's settings follow */
    return;
  if (self->sd_pending != NULL && !at_model_picker_is_busy (self->model_picker))
    {
      g_autoptr (AtProjectModel) pending = g_steal_pointer (&self->sd_pending);
      _at_window_sd_apply (self, pending);
      return;
    }
  if (e == NULL || e->kind == NULL)
    {
      _at_window_apply_model_defaults (self);
      return;
    }
  AtSdDefaults d;
  at_sd_defaults_for_kind (e->kind, &d);
  gboolean was_applying = self->applying;
  self->applying = TRUE;
  gtk_spin_button_set_value (self->steps_spin, d.steps);
  gtk_spin_button_set_value (self->guidance_spin, d.guidance);
  adw_combo_row_set_selected (self->sampler_row, row_of_sampler (d.sampler));
  at_model_picker_set_size (self->model_picker, d.size);
  self->applying = was_applying;
}

static void
on_model_failed (gpointer data, const char *message)
{
  _at_window_show_toast (data, message);
}

static void
on_live_toggled (AtWindow *self)
{
  const AtSdLibraryEntry *e = at_model_picker_get_selected (self->model_picker);
  if (e == NULL || !gtk_toggle_button_get_active (self->live_button))
    return;
  g_autofree char *text = g_strdup_printf ("Live previews draw with the built-in model; Generate uses %s", e->name);
  _at_window_show_toast (self, text);
}

void
_at_window_sd_init (AtWindow *self)
{
  GtkWidget *box = gtk_widget_get_parent (GTK_WIDGET (self->sampler_row));
  g_return_if_fail (GTK_IS_LIST_BOX (box));
  int position = gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (self->sampler_row));
  /* model, size, ControlNet, strength: the last two inserted first, so
   * that they land under the model's rows */
  self->control_picker = at_control_picker_new (GTK_LIST_BOX (box), position, NULL, NULL);
  self->model_picker = at_model_picker_new (GTK_LIST_BOX (box), position, on_model_changed, on_model_failed, self);
  self->sd_jobs = at_sd_jobs_new (NULL);
  g_signal_connect_swapped (self->live_button, "toggled", G_CALLBACK (on_live_toggled), self);
}

void
_at_window_sd_dispose (AtWindow *self)
{
  if (self->live_button != NULL)
    g_signal_handlers_disconnect_by_func (self->live_button, on_live_toggled, self);
  g_clear_pointer (&self->model_picker, at_model_picker_free);
  g_clear_pointer (&self->control_picker, at_control_picker_free);
  g_clear_pointer (&self->sd_pending, project_model_free);
  g_clear_pointer (&self->sd_jobs, at_sd_jobs_unref);
}

typedef struct {
  AtWindow *self;            /* a reference */
  GCancellable *cancellable; /* a reference */
  guint32 seed;
  char *model;               /* the checkpoint's name */
} SdRunData;

static void
on_sd_step (guint step, guint n_steps, gpointer user_data)
{
  SdRunData *run = user_data;
  AtWindow *self = run->self;
  if (self->disposed || run->cancellable != self->cancellable)
    return;
  gtk_progress_bar_set_fraction (self->progress_bar, (double) step / MAX (n_steps, 1));
  g_autofree char *text = g_strdup_printf ("Step %u of %u", step, n_steps);
  gtk_progress_bar_set_text (self->progress_bar, text);
}

static void
sd_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SdRunData *run = user_data;
  AtWindow *self = run->self;
  g_autoptr (GError) error = NULL;
  g_autofree char *parameters = NULL;
  g_autoptr (AtImage) img = at_sd_jobs_generate_finish (self->sd_jobs, result, &parameters, &error);
  self->runs_in_flight--;
  if (!self->disposed && run->cancellable == self->cancellable)
    {
      if (img != NULL)
        {
          g_autoptr (AtResult) res = at_result_new ();
          g_ptr_array_add (res->base_images, at_image_copy (img));
          g_ptr_array_add (res->images, g_steal_pointer (&img));
          guint64 seed = run->seed;
          g_array_append_val (res->seeds, seed);
          g_ptr_array_add (res->parameters, g_steal_pointer (&parameters));
          g_clear_object (&self->cancellable);
          gtk_revealer_set_reveal_child (self->progress_revealer, FALSE);
          self->sd_run_model = run->model;
          _at_window_add_results (self, res, self->run_request);
          self->sd_run_model = NULL;
          _at_window_set_dirty (self, TRUE);
          _at_window_autosave_now (self);
        }
      else
        {
          _at_window_end_run_without_image (self);
          if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            _at_window_show_toast (self, error->message);
        }
      _at_window_update_actions (self);
    }
  g_object_unref (run->cancellable);
  g_object_unref (run->self);
  g_free (run->model);
  g_free (run);
}

/* The run the controls describe for entry; FALSE (and a toast) when they
 * cannot. The start image, when any, is returned in *init, and with a
 * ControlNet (*control, NULL when none guides this run) its sketch in
 * *sketch. */
static gboolean
make_run (AtWindow *self, const AtSdLibraryEntry *e, const AtRequest *r, AtSdRun *run, AtImage **init,
          const AtSdLibraryEntry **control, AtImage **sketch)
{
  if (e->problem != NULL)
    {
      _at_window_show_toast (self, e->problem);
      return FALSE;
    }
  int sampler = sd_sampler_of_row[MIN (adw_combo_row_get_selected (self->sampler_row), G_N_ELEMENTS (sd_sampler_of_row) - 1)];
  if (sampler < 0)
    {
      _at_window_show_toast (self, "Heun is the built-in model's sampler; choose Euler, Euler a or DPM++ 2M");
      return FALSE;
    }
  guint size = at_model_picker_get_size (self->model_picker);
  *run = (AtSdRun) { r->prompt, r->negative, size, (guint) r->steps, (AtSdSamplerKind) sampler,
                     at_sd_sigmas_for_kind (e->kind, (AtSdSamplerKind) sampler), r->guidance, (guint32) r->seed,
                     NULL, r->strength };
  gboolean sketched = !at_sketch_canvas_is_empty (self->canvas);
  *control = sketched ? at_control_picker_get_selected (self->control_picker) : NULL;   /* else nothing to follow */
  if (self->init_image != NULL)
    *init = at_image_copy (self->init_image);
  else if (sketched && *control == NULL)
    {
      *init = at_sketch_canvas_render_for_request (self->canvas, size);
      run->strength = 1.0f - 0.5f * r->sketch_strength;
    }
  run->init = *init;
  if (*control != NULL)   /* the sketch guides; it is no start image */
    {
      *sketch = at_sketch_canvas_render_for_request (self->canvas, size);
      run->control = (AtSdRunControl) { NULL, (*control)->name, *sketch,
                                        at_control_picker_get_strength (self->control_picker) };
    }
  g_autoptr (GError) error = NULL;
  if (!at_sd_run_validate (run, &error))
    {
      _at_window_show_toast (self, error->message);
      return FALSE;
    }
  return TRUE;
}

gboolean
_at_window_sd_start (AtWindow *self, AtRequest **request, gboolean live)
{
  const AtSdLibraryEntry *e = self->model_picker != NULL ? at_model_picker_get_selected (self->model_picker) : NULL;
  if (e == NULL)
    return FALSE;
  if (live)   /* a checkpoint's run is far too slow to follow the pen: the built-in model's */
    return FALSE;
  AtSdRun run;
  g_autoptr (AtImage) init = NULL;
  g_autoptr (AtImage) sketch = NULL;
  const AtSdLibraryEntry *control = NULL;
  if (!make_run (self, e, *request, &run, &init, &control, &sketch))
    return TRUE;
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_clear_pointer (&self->run_request, at_request_free);
  self->run_request = g_steal_pointer (request);
  _at_window_take_run_inputs (self, FALSE);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_progress_bar_set_text (self->progress_bar, "Loading the model…");
  gtk_revealer_set_reveal_child (self->progress_revealer, TRUE);
  SdRunData *data = g_new0 (SdRunData, 1);
  data->self = g_object_ref (self);
  data->cancellable = g_object_ref (self->cancellable);
  data->seed = run.seed;
  data->model = g_strdup (e->name);
  self->runs_in_flight++;
  /* data outlives every step: the steps are queued before the result */
  at_sd_jobs_generate_async (self->sd_jobs, e->path, control != NULL ? control->path : NULL, &run, on_sd_step, data,
                             NULL, self->cancellable, sd_done, data);
  _at_window_update_actions (self);
  return TRUE;
}

AtModelPicker *
at_window_get_model_picker (AtWindow *self)
{
  return self->model_picker;
}

AtControlPicker *
at_window_get_control_picker (AtWindow *self)
{
  return self->control_picker;
}

/* A library model's item: its model, size and ControlNet chosen again.
 * The built-in model's: Built-in. */
char *
_at_window_sd_restore (AtWindow *self, const AtHistoryItem *item)
{
  if (item->model == NULL || self->model_picker == NULL)
    return NULL;
  g_auto (AtSdParameters) made = { 0 };
  at_sd_parameters_parse (item->parameters, &made);
  self->restoring_model = TRUE;
  gboolean found = at_model_picker_select (self->model_picker, item->model);
  self->restoring_model = FALSE;
  if (!found)
    {
      if (self->engine != NULL && g_strcmp0 (item->model, at_engine_get_model_name (self->engine)) != 0)
        return g_strdup_printf ("generate with the model “%s” it was made with", item->model);
      self->restoring_model = TRUE;
      at_model_picker_select (self->model_picker, NULL);   /* the built-in model's own item */
      self->restoring_model = FALSE;
      return NULL;
    }
  if (made.size > 0)
    at_model_picker_set_size (self->model_picker, made.size);
  at_control_picker_set_strength (self->control_picker, made.control_strength);
  if (at_control_picker_select (self->control_picker, made.controlnet))
    return NULL;
  return g_strdup_printf ("add the ControlNet “%s” it was made with", made.controlnet);
}

void
_at_window_sd_collect (AtWindow *self, AtProjectModel *m)
{
  if (self->sd_pending != NULL)   /* not applied yet: kept as it was */
    {
      project_model_copy (self->sd_pending, m);
      return;
    }
  at_project_model_clear (m);
  const AtSdLibraryEntry *e = self->model_picker != NULL ? at_model_picker_get_selected (self->model_picker) : NULL;
  if (e == NULL)
    return;
  m->name = g_strdup (e->name);
  m->size = at_model_picker_get_size (self->model_picker);
  const AtSdLibraryEntry *c = at_control_picker_get_selected (self->control_picker);
  m->controlnet = c != NULL ? g_strdup (c->name) : NULL;
  m->control_strength = at_control_picker_get_strength (self->control_picker);
}

void
_at_window_sd_apply (AtWindow *self, const AtProjectModel *m)
{
  g_clear_pointer (&self->sd_pending, project_model_free);
  if (self->model_picker == NULL)
    return;
  if (at_model_picker_is_busy (self->model_picker))
    {
      self->sd_pending = g_new0 (AtProjectModel, 1);
      project_model_copy (m, self->sd_pending);
      return;
    }
  self->restoring_model = TRUE;
  gboolean found = at_model_picker_select (self->model_picker, m->name);
  if (!found)
    at_model_picker_select (self->model_picker, NULL);
  self->restoring_model = FALSE;
  if (!found)
    {
      g_autofree char *text = g_strdup_printf ("This project was made with the model “%s”, which is not among your "
                                               "models, so the built-in model is chosen; add %s.safetensors with "
                                               "Add Model… to use it again", m->name, m->name);
      _at_window_show_toast (self, text);
      return;
    }
  if (m->name == NULL)
    return;
  if (m->size > 0)
    at_model_picker_set_size (self->model_picker, m->size);
  at_control_picker_set_strength (self->control_picker, (float) m->control_strength);
  if (!at_control_picker_select (self->control_picker, m->controlnet))
    {
      at_control_picker_select (self->control_picker, NULL);
      g_autofree char *text = g_strdup_printf ("This project used the ControlNet “%s”, which is not among your "
                                               "models or does not fit %s, so none is chosen", m->controlnet, m->name);
      _at_window_show_toast (self, text);
    }
}
