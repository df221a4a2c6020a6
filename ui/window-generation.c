/* window-generation.c — from the controls to the engine: the request the
 * controls describe, the init image, runs through
 * at_engine_generate_async() with their progress, and live mode (a run
 * shortly after each edit).
 *
 * The window owns the GCancellable of the run on show; a newer run cancels
 * it. Progress and results arrive on the main loop; a run that is no
 * longer the one on show only gives its engine back.
 */
#define G_LOG_DOMAIN "atelier-ui"

#include <math.h>

#include "ui/stall-meter.h"
#include "ui/text-util.h"
#include "ui/window-private.h"

#define LIVE_DELAY_MS 600

/* --- requests ------------------------------------------------------------ */

static int
native_size (AtWindow *self)
{
  return self->engine != NULL ? at_engine_get_native_size (self->engine) : 64;
}

AtRequest *
_at_window_build_controls_request (AtWindow *self)
{
  AtRequest *r = at_request_new ();
  g_autofree char *negative = at_text_buffer_dup_text (gtk_text_view_get_buffer (self->negative_view));
  r->prompt = at_text_buffer_dup_text (gtk_text_view_get_buffer (self->prompt_view));
  r->negative = *negative != '\0' ? g_steal_pointer (&negative) : NULL;
  r->size = native_size (self);
  r->steps = gtk_spin_button_get_value_as_int (self->steps_spin);
  r->guidance = (float) gtk_spin_button_get_value (self->guidance_spin);
  r->seed = (guint64) gtk_spin_button_get_value (self->seed_spin);
  r->sampler = (AtSamplerKind) MIN (adw_combo_row_get_selected (self->sampler_row), AT_N_SAMPLERS - 1);
  r->sketch_strength = (float) gtk_spin_button_get_value (self->sketch_strength_spin);
  r->count = gtk_spin_button_get_value_as_int (self->count_spin);
  if (self->init_image != NULL)
    r->strength = (float) gtk_spin_button_get_value (self->strength_spin);
  /* previews cost a decode each: a few per run, not one per step */
  r->preview_every = MAX (1, r->steps / 4);
  return r;
}

/* The sketch rendered at the model's size, copies of the voice clip and
 * the init image. */
static void
add_inputs (AtWindow *self, AtRequest *r)
{
  if (!at_sketch_canvas_is_empty (self->canvas))
    r->sketch = at_sketch_canvas_render_for_request (self->canvas, r->size);
  if (self->voice != NULL)
    {
      r->voice = g_memdup2 (self->voice->samples, self->voice->n * sizeof (float));
      r->voice_len = self->voice->n;
      r->voice_rate = self->voice->rate;
    }
  if (self->init_image != NULL)
    r->init = at_image_copy (self->init_image);
  _at_window_add_mask (self, r);
}

AtRequest *
at_window_build_request (AtWindow *self)
{
  AtRequest *r = _at_window_build_controls_request (self);
  add_inputs (self, r);
  _at_window_shapes_apply_to_request (self, r);
  /* the transcript joins the prompt; voice cues may adjust guidance and steps */
  at_voice_panel_apply_to_request (self->voice_panel, r);
  _at_window_apply_tone_hint (self, r);
  return r;
}

/* Fills the parameter controls (not the inputs) from r. */
void
_at_window_params_to_ui (AtWindow *self, const AtRequest *r, gboolean with_prompts)
{
  self->applying = TRUE;
  if (with_prompts)
    {
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->prompt_view), r->prompt != NULL ? r->prompt : "", -1);
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->negative_view), r->negative != NULL ? r->negative : "", -1);
    }
  gtk_spin_button_set_value (self->steps_spin, r->steps);
  gtk_spin_button_set_value (self->guidance_spin, r->guidance);
  gtk_spin_button_set_value (self->seed_spin, (double) (r->seed & 0xffffffffu));
  adw_combo_row_set_selected (self->sampler_row, r->sampler);
  gtk_spin_button_set_value (self->sketch_strength_spin, r->sketch_strength);
  gtk_spin_button_set_value (self->count_spin, MAX (1, r->count));
  gtk_spin_button_set_value (self->strength_spin, r->strength);
  self->applying = FALSE;
}

void
_at_window_set_init_image (AtWindow *self, const AtImage *img)
{
  g_clear_pointer (&self->init_image, at_image_free);
  if (img != NULL)
    self->init_image = at_image_copy (img);
  adw_action_row_set_subtitle (self->init_row, img != NULL ? "The last result: the next image starts from it"
                                                           : "None: generating from noise");
  gtk_widget_set_sensitive (GTK_WIDGET (self->strength_spin), img != NULL);
}

void
_at_window_apply_model_defaults (AtWindow *self)
{
  self->model_defaults_pending = self->engine == NULL;
  if (self->engine == NULL)
    return;
  int steps;
  float guidance;
  at_engine_get_defaults (self->engine, &steps, &guidance);
  g_autoptr (GVariant) chosen = self->settings != NULL ? g_settings_get_user_value (self->settings, "default-steps")
                                                       : NULL;
  gboolean was_applying = self->applying;
  self->applying = TRUE;
  gtk_spin_button_set_value (self->guidance_spin, guidance);
  if (chosen == NULL)
    gtk_spin_button_set_value (self->steps_spin, steps);
  self->applying = was_applying;
}

/* The designer's own steps or guidance win over the model's defaults. */
static void
on_number_set (AtWindow *self)
{
  if (!self->applying)
    self->model_defaults_pending = FALSE;
}

/* --- generation ---------------------------------------------------------- */

typedef struct {
  AtWindow *self;          /* a reference */
  GCancellable *cancellable;
  AtEngine *engine;        /* held from the application while it runs */
} RunData;

static void
run_data_free (RunData *run)
{
  g_object_unref (run->self);
  g_object_unref (run->cancellable);
  g_free (run);
}

static void
on_progress (const AtProgress *progress, gpointer user_data)
{
  RunData *run = user_data;
  AtWindow *self = run->self;
  if (self->disposed || run->cancellable != self->cancellable)
    return;   /* a stale run still finishing */
  double total = MAX (1, progress->n_variants * progress->n_steps);
  double done = progress->variant * progress->n_steps + progress->step;
  gtk_progress_bar_set_fraction (self->progress_bar, done / total);
  g_autofree char *left = progress->remaining_ms >= 0 && progress->step > 0
                            ? g_strdup_printf (" · about %.0f s left", ceil (progress->remaining_ms / 1000.0))
                            : g_strdup ("");
  g_autofree char *text = progress->n_variants > 1
                            ? g_strdup_printf ("Variant %d of %d · step %d of %d%s", progress->variant + 1,
                                               progress->n_variants, progress->step, progress->n_steps, left)
                            : g_strdup_printf ("Step %d of %d%s", progress->step, progress->n_steps, left);
  gtk_progress_bar_set_text (self->progress_bar, text);
  if (progress->preview != NULL)
    {
      /* an unfinished image: nothing to export or iterate on until done */
      _at_window_show_image (self, progress->preview, NULL);
    }
}

/* The run on show has ended without an image: the seed box shows the seed
 * of the image on show again (the one before Generate drew a new one). */
void
_at_window_end_run_without_image (AtWindow *self)
{
  g_clear_object (&self->cancellable);
  gtk_revealer_set_reveal_child (self->progress_revealer, FALSE);
  _at_window_show_last_variant (self);
  if (!gtk_toggle_button_get_active (self->seed_lock))
    {
      self->applying = TRUE;
      gtk_spin_button_set_value (self->seed_spin, self->seed_before_run);
      self->applying = FALSE;
    }
}

static void
generation_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  RunData *run = user_data;
  AtWindow *self = run->self;
  g_autoptr (GError) error = NULL;
  g_autoptr (AtResult) res = at_engine_generate_finish (run->engine, result, &error);
  self->runs_in_flight--;
  at_stall_meter_end ();
  at_application_release_engine (self->app, run->engine);
  if (self->disposed)
    {
      run_data_free (run);
      return;
    }
  gboolean current = run->cancellable == self->cancellable;
  if (current && res != NULL)
    {
      g_clear_object (&self->cancellable);
      gtk_revealer_set_reveal_child (self->progress_revealer, FALSE);
      _at_window_add_results (self, res, self->run_request);
      _at_window_shapes_report (self, res);
      _at_window_set_dirty (self, TRUE);
      _at_window_autosave_now (self);
    }
  else if (current)
    {
      /* an interrupted or failed run leaves the last finished image on show */
      _at_window_end_run_without_image (self);
      if (at_application_engine_failed (self->app, run->engine, error))
        _at_window_show_toast (self, "The graphics device stopped; the engine is restarting. Nothing was lost");
      else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _at_window_show_toast (self, error->message);
    }
  _at_window_update_actions (self);
  run_data_free (run);
}

void
_at_window_cancel_run (AtWindow *self)
{
  g_clear_handle_id (&self->live_timeout, g_source_remove);
  if (self->cancellable == NULL)
    return;
  /* the worker finishes as a stale run: it only gives the engine back */
  g_cancellable_cancel (self->cancellable);
  _at_window_end_run_without_image (self);
  _at_window_show_toast (self, "Cancelled");
  _at_window_update_actions (self);
}

/* Live mode draws with the few-step student where the model folder has
 * one: one image, the student's preview steps and guidance, so that the picture
 * follows the pen. Generate keeps the full model and the settings unless
 * the Fast Generate preference is on. */
static void
choose_model (AtWindow *self, AtRequest *r, gboolean live)
{
  gboolean fast = live || (self->settings != NULL && g_settings_get_boolean (self->settings, "fast-generate"));
  if (fast && at_engine_use_fast (self->engine, r, live, NULL) && live)
    r->count = 1;
}

void
_at_window_start_generation (AtWindow *self, gboolean live)
{
  g_autoptr (AtRequest) request = at_window_build_request (self);
  if (!at_request_has_input (request))
    {
      _at_window_show_toast (self, "Nothing to generate from: draw a sketch, type a prompt or load a voice clip");
      return;
    }
  g_autoptr (GError) error = NULL;
  if (!at_request_validate (request, &error))
    {
      _at_window_show_toast (self, error->message);
      return;
    }
  if (_at_window_sd_start (self, &request, live))   /* a user's own model (window-sd.c) */
    return;
  if (self->engine == NULL)
    {
      if (self->engine_loading)
        {
          self->generate_when_ready = TRUE;
          _at_window_show_toast (self, "The model is still loading; generation starts when it is ready");
        }
      else
        {
          _at_window_show_toast (self, "No engine to generate with; see the message at the top");
          if (self->engine_error != NULL)
            _at_window_show_engine_error (self, self->engine_error);
        }
      return;
    }
  _at_window_run_request (self, g_steal_pointer (&request), live);
}

void
_at_window_run_request (AtWindow *self, AtRequest *request, gboolean live)
{
  choose_model (self, request, live);
  /* a newer request makes the one in flight stale: it stops within a step */
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_clear_pointer (&self->run_request, at_request_free);
  self->run_request = request;
  _at_window_take_run_inputs (self, live);

  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_progress_bar_set_text (self->progress_bar, "Preparing…");
  gtk_revealer_set_reveal_child (self->progress_revealer, TRUE);

  RunData *progress_run = g_new0 (RunData, 1);
  progress_run->self = g_object_ref (self);
  progress_run->cancellable = g_object_ref (self->cancellable);
  RunData *done_run = g_new0 (RunData, 1);
  done_run->self = g_object_ref (self);
  done_run->cancellable = g_object_ref (self->cancellable);
  done_run->engine = self->engine;
  at_application_hold_engine (self->app, self->engine);
  self->runs_in_flight++;
  at_stall_meter_begin (live ? "live" : "generate", GTK_WIDGET (self));
  at_engine_generate_async (self->engine, self->run_request, on_progress, progress_run,
                            (GDestroyNotify) run_data_free, self->cancellable, generation_done, done_run);
  _at_window_update_actions (self);
}

/* --- live mode ------------------------------------------------------------ */

static void
live_fire (gpointer user_data)
{
  AtWindow *self = user_data;
  self->live_timeout = 0;
  g_autoptr (AtRequest) request = at_window_build_request (self);
  if (at_request_has_input (request))   /* live mode never nags */
    _at_window_start_generation (self, TRUE);
}

void
_at_window_schedule_live (AtWindow *self)
{
  if (!gtk_toggle_button_get_active (self->live_button))
    return;
  g_clear_handle_id (&self->live_timeout, g_source_remove);
  self->live_timeout = g_timeout_add_once (LIVE_DELAY_MS, live_fire, self);
}

static void
on_live_toggled (AtWindow *self)
{
  if (gtk_toggle_button_get_active (self->live_button))
    _at_window_schedule_live (self);
  else
    g_clear_handle_id (&self->live_timeout, g_source_remove);
}

void
_at_window_generation_init (AtWindow *self)
{
  g_signal_connect_swapped (self->live_button, "toggled", G_CALLBACK (on_live_toggled), self);
  g_signal_connect_swapped (self->steps_spin, "value-changed", G_CALLBACK (on_number_set), self);
  g_signal_connect_swapped (self->guidance_spin, "value-changed", G_CALLBACK (on_number_set), self);
}
