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
 */
#define G_LOG_DOMAIN "atelier-ui"

#include "sd/sd-defaults.h"
#include "sd/sd-job.h"
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
on_model_changed (gpointer data)
{
  AtWindow *self = data;
  const AtSdLibraryEntry *e = at_model_picker_get_selected (self->model_picker);
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

void
_at_window_sd_init (AtWindow *self)
{
  GtkWidget *box = gtk_widget_get_parent (GTK_WIDGET (self->sampler_row));
  g_return_if_fail (GTK_IS_LIST_BOX (box));
  int position = gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (self->sampler_row));
  self->model_picker = at_model_picker_new (GTK_LIST_BOX (box), position, on_model_changed, on_model_failed, self);
  self->sd_jobs = at_sd_jobs_new (NULL);
}

void
_at_window_sd_dispose (AtWindow *self)
{
  g_clear_pointer (&self->model_picker, at_model_picker_free);
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
 * cannot. The start image, when any, is returned in *init. */
static gboolean
make_run (AtWindow *self, const AtSdLibraryEntry *e, const AtRequest *r, AtSdRun *run, AtImage **init)
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
  if (self->init_image != NULL)
    *init = at_image_copy (self->init_image);
  else if (!at_sketch_canvas_is_empty (self->canvas))
    {
      *init = at_sketch_canvas_render_for_request (self->canvas, size);
      run->strength = 1.0f - 0.5f * r->sketch_strength;
    }
  run->init = *init;
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
  if (live)   /* a checkpoint's run is far too slow to follow the pen */
    return TRUE;
  AtSdRun run;
  g_autoptr (AtImage) init = NULL;
  if (!make_run (self, e, *request, &run, &init))
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
  at_sd_jobs_generate_async (self->sd_jobs, e->path, NULL, &run, on_sd_step, data, NULL, self->cancellable, sd_done, data);
  _at_window_update_actions (self);
  return TRUE;
}

AtModelPicker *
at_window_get_model_picker (AtWindow *self)
{
  return self->model_picker;
}
