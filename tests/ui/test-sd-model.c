/* test-sd-model.c — the studio with a user's Stable Diffusion checkpoint:
 * the reduced SD 1.x file of tests/sd/sd-tiny.h added through the model
 * picker (as "Add Model…" does after the file chooser), chosen, its
 * defaults put into the controls, a run at 64 px through the window's
 * Generate, and the image in the History — the same image the pipeline
 * (engine/sd/sd-pipeline.h) makes from the same settings in this process;
 * a run cancelled at once adds nothing.
 *
 * ControlNet: a model with SD 1.x's 768-wide text attention and two
 * ControlNets added (sd-tiny.h); the ControlNet row lists the one that
 * fits the model (and chooses it once added), not the other (a notice
 * says why), and never as a model; with a sketch
 * drawn, Generate makes the pipeline's controlled image of the sketch as
 * the window renders it; the choice is saved in the project and comes
 * back on open (also in a new window, whose library is still being
 * read), and when the model is gone, the built-in model and a notice
 * instead; restoring the History item switches the pickers back; Live
 * says that it draws with the built-in model.
 * The library is a folder of the test's own (XDG_DATA_HOME). */
#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "sd-tiny.h"
#include "sd/sd-control.h"
#include "sd/sd-pipeline.h"
#include "ui/control-picker.h"
#include "ui/model-picker.h"
#include "ui/window-private.h"
#include "ui-test-util.h"

static AtApplication *app;

static gboolean
picker_idle (gpointer picker)
{
  return !at_model_picker_is_busy (picker);
}

static gboolean
window_idle (gpointer window)
{
  return !at_window_is_generating (window);
}

/* Adds the file at path through the picker, as Add Model… does. */
static void
add_model (AtModelPicker *picker, const char *path)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  GAsyncResult *slot = NULL;
  at_model_picker_add_async (picker, file, NULL, ui_test_keep_result, &slot);
  g_autoptr (GAsyncResult) added = ui_test_take_result (&slot, 120);
  g_autoptr (GError) error = NULL;
  g_assert_true (at_model_picker_add_finish (picker, added, &error));
  g_assert_no_error (error);
}

static void
test_add_pick_generate (void)
{
  g_autoptr (GFile) file = ui_test_temp_file ("tiny-sd.safetensors");
  g_autofree char *path = g_file_get_path (file);
  sd_tiny_write (path);
  AtWindow *window = ui_test_open_window (app);
  AtModelPicker *picker = at_window_get_model_picker (window);
  g_assert_true (ui_test_wait_until (picker_idle, picker, 30));
  g_assert_null (at_model_picker_get_selected (picker));

  add_model (picker, path);
  g_autoptr (GError) error = NULL;
  const AtSdLibraryEntry *e = at_model_picker_get_selected (picker);
  g_assert_nonnull (e);
  g_assert_cmpstr (e->name, ==, "tiny-sd");
  g_assert_cmpstr (e->kind, ==, "SD 1.x");
  /* SD's defaults: 512 px, 20 steps, guidance 7, DPM++ 2M */
  g_assert_cmpuint (at_model_picker_get_size (picker), ==, 512);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (window->steps_spin), ==, 20);
  g_assert_cmpfloat (gtk_spin_button_get_value (window->guidance_spin), ==, 7);
  g_assert_cmpuint (adw_combo_row_get_selected (window->sampler_row), ==, 2);

  at_model_picker_set_size (picker, 64);
  at_window_set_prompt (window, "a small boat on a lake");
  at_window_set_params (window, 2, 5, 1);
  guint before = at_window_get_history_length (window);
  ui_test_generate (window);
  g_assert_cmpuint (at_window_get_history_length (window), ==, before + 1);
  const AtImage *shown = at_preview_get_image (at_window_get_preview (window));
  g_assert_nonnull (shown);
  g_assert_cmpuint (shown->width, ==, 64);
  const AtHistoryItem *item = g_ptr_array_index (window->history, window->history->len - 1);
  g_assert_cmpstr (item->model, ==, "tiny-sd");
  g_assert_nonnull (strstr (item->parameters, "Model: tiny-sd"));

  /* the same run through the library */
  AtSdCheckpoint *ckpt = at_sd_checkpoint_open (e->path, AT_SD_PREDICTION_AUTO, &error);
  g_assert_no_error (error);
  AtGpu *gpu = at_gpu_new (NULL, &error);
  g_assert_no_error (error);
  AtSdPipeline *p = at_sd_pipeline_new (gpu, ckpt, &error);
  g_assert_no_error (error);
  AtSdRun run = { "a small boat on a lake", NULL, 64, 2, AT_SD_SAMPLER_DPMPP_2M, AT_SD_SIGMAS_KARRAS, 7, 5, NULL, 1 };
  g_autoptr (AtImage) want = at_sd_pipeline_generate (p, &run, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (shown->pixels, at_image_get_nbytes (shown), want->pixels, at_image_get_nbytes (want));
  at_sd_pipeline_free (p);
  at_gpu_free (gpu);

  /* cancelled at once: the worker stops between steps, nothing is added */
  at_window_set_params (window, 20, 6, 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.generate", NULL));
  g_assert_true (at_window_is_generating (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.cancel", NULL));
  g_assert_true (ui_test_wait_until (window_idle, window, 60));
  g_assert_cmpuint (at_window_get_history_length (window), ==, before + 1);
  ui_test_close_window (window);
  ui_test_remove_temp (file);
}

/* The pipeline's image of the window's last run: model and ControlNet at
 * 64 px, 2 steps of DPM++ 2M Karras, guidance 7, seed 5, strength 0.8 on
 * sketch. */
static AtImage *
pipeline_controlled (const char *model_path, const char *cn_path, const AtImage *sketch)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AtGpu) gpu = at_gpu_new (NULL, &error);
  g_assert_no_error (error);
  g_autoptr (AtSdControlFile) cn = NULL;
  g_autoptr (AtSdPipeline) p = NULL;
  AtSdCheckpoint *ckpt = at_sd_checkpoint_open (model_path, AT_SD_PREDICTION_AUTO, &error);
  g_assert_no_error (error);
  cn = at_sd_control_file_open (cn_path, at_sd_checkpoint_get_arch (ckpt), &error);
  g_assert_no_error (error);
  p = at_sd_pipeline_new (gpu, ckpt, &error);
  g_assert_no_error (error);
  AtSdRun run = { "a round house", NULL, 64, 2, AT_SD_SAMPLER_DPMPP_2M, AT_SD_SIGMAS_KARRAS, 7, 5, NULL, 1,
                  { at_sd_control_file_get_net (cn, gpu, &error), "scribble", sketch, 0.8f } };
  g_assert_no_error (error);
  AtImage *img = at_sd_pipeline_generate (p, &run, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&p, at_sd_pipeline_free);
  g_clear_pointer (&cn, at_sd_control_file_free);
  return img;
}

static void
assert_choice (AtWindow *window, const char *model, const char *controlnet, float strength)
{
  const AtSdLibraryEntry *m = at_model_picker_get_selected (at_window_get_model_picker (window));
  const AtSdLibraryEntry *c = at_control_picker_get_selected (at_window_get_control_picker (window));
  g_assert_cmpstr (m != NULL ? m->name : NULL, ==, model);
  g_assert_cmpstr (c != NULL ? c->name : NULL, ==, controlnet);
  if (controlnet != NULL)
    g_assert_cmpfloat_with_epsilon (at_control_picker_get_strength (at_window_get_control_picker (window)), strength,
                                    1e-6);
}

static void
test_controlnet (void)
{
  g_autoptr (GFile) dir_file = ui_test_temp_file ("cn-files");
  g_autofree char *dir = g_file_get_path (dir_file);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_autofree char *model = g_build_filename (dir, "tiny-768.safetensors", NULL);
  g_autofree char *scribble = g_build_filename (dir, "scribble.safetensors", NULL);
  g_autofree char *wide = g_build_filename (dir, "wide-scribble.safetensors", NULL);
  sd_tiny_write_768 (model);
  sd_tiny_write_controlnet (scribble, 32);
  sd_tiny_write_controlnet (wide, 64);

  AtWindow *window = ui_test_open_window (app);
  AtModelPicker *picker = at_window_get_model_picker (window);
  AtControlPicker *controls = at_window_get_control_picker (window);
  g_assert_true (ui_test_wait_until (picker_idle, picker, 30));
  add_model (picker, model);
  add_model (picker, scribble);
  /* a ControlNet added is chosen as one; the model stays chosen */
  assert_choice (window, "tiny-768", "scribble", 1);
  add_model (picker, wide);
  g_assert_nonnull (strstr (at_window_get_last_toast (window), "“wide-scribble”; it does not fit tiny-768"));
  assert_choice (window, "tiny-768", "scribble", 1);
  g_assert_false (at_model_picker_select (picker, "scribble"));   /* ControlNets are no models */
  g_assert_false (at_control_picker_select (controls, "wide-scribble"));   /* 64 channels: does not fit */
  g_assert_true (at_control_picker_select (controls, "scribble"));
  at_control_picker_set_strength (controls, 0.8f);
  assert_choice (window, "tiny-768", "scribble", 0.8f);

  at_model_picker_set_size (picker, 64);
  at_window_set_prompt (window, "a round house");
  at_window_set_params (window, 2, 5, 1);
  ui_test_draw_line (window, 0.2, 0.3, 0.8, 0.7);
  ui_test_draw_line (window, 0.2, 0.7, 0.8, 0.3);
  g_autoptr (AtImage) sketch = at_sketch_canvas_render_for_request (at_window_get_canvas (window), 64);
  guint before = at_window_get_history_length (window);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.generate", NULL));
  g_assert_true (ui_test_wait_until (window_idle, window, 300));
  g_assert_cmpuint (at_window_get_history_length (window), ==, before + 1);
  const AtHistoryItem *item = g_ptr_array_index (window->history, window->history->len - 1);
  g_assert_cmpstr (item->model, ==, "tiny-768");
  g_assert_nonnull (strstr (item->parameters, "ControlNet 0: \"Module: scribble, Model: scribble, Weight: 0.8\""));
  const AtImage *shown = at_preview_get_image (at_window_get_preview (window));
  g_autoptr (AtImage) want = pipeline_controlled (model, scribble, sketch);
  g_assert_cmpmem (shown->pixels, at_image_get_nbytes (shown), want->pixels, at_image_get_nbytes (want));

  /* saved with the project; the built-in model chosen meanwhile */
  g_autoptr (GFile) project = ui_test_temp_file ("controlnet.atelier");
  g_autoptr (GError) error = NULL;
  g_assert_true (ui_test_save (window, project, &error));
  g_assert_no_error (error);
  at_model_picker_select (picker, NULL);
  g_assert_null (at_control_picker_get_selected (controls));
  g_assert_true (ui_test_open (window, project, &error));
  g_assert_no_error (error);
  assert_choice (window, "tiny-768", "scribble", 0.8f);
  g_assert_cmpuint (at_model_picker_get_size (picker), ==, 64);

  /* the History item puts its model and ControlNet back */
  at_model_picker_select (picker, NULL);
  item = g_ptr_array_index (window->history, window->history->len - 1);
  _at_window_restore_history_item (window, item);
  assert_choice (window, "tiny-768", "scribble", 0.8f);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (window->steps_spin), ==, 2);

  /* Live keeps the built-in model, and says so */
  gtk_toggle_button_set_active (window->live_button, TRUE);
  g_assert_nonnull (strstr (at_window_get_last_toast (window), "Live previews draw with the built-in model"));
  gtk_toggle_button_set_active (window->live_button, FALSE);

  /* in a new window, whose library is read on a worker meanwhile */
  AtWindow *second = ui_test_open_window (app);
  g_assert_true (ui_test_open (second, project, &error));
  g_assert_no_error (error);
  g_assert_true (ui_test_wait_until (picker_idle, at_window_get_model_picker (second), 30));
  assert_choice (second, "tiny-768", "scribble", 0.8f);
  ui_test_close_window (second);

  /* the model gone: the built-in model, a notice, and the project's images */
  g_assert_true (at_sd_library_remove ("tiny-768", &error));
  g_assert_no_error (error);
  AtWindow *third = ui_test_open_window (app);
  g_assert_true (ui_test_open (third, project, &error));
  g_assert_no_error (error);
  g_assert_true (ui_test_wait_until (picker_idle, at_window_get_model_picker (third), 30));
  assert_choice (third, NULL, NULL, 1);
  g_assert_nonnull (strstr (at_window_get_last_toast (third), "“tiny-768”, which is not among your models"));
  g_assert_cmpuint (at_window_get_history_length (third), ==, before + 1);
  ui_test_close_window (third);

  ui_test_close_window (window);
  at_sd_library_remove ("scribble", NULL);
  at_sd_library_remove ("wide-scribble", NULL);
  g_unlink (model);
  g_unlink (scribble);
  g_unlink (wide);
  ui_test_remove_temp (project);
  ui_test_remove_temp (dir_file);
}

int
main (int argc, char **argv)
{
  g_autofree char *data = g_dir_make_tmp ("atelier-sd-model-XXXXXX", NULL);
  g_setenv ("XDG_DATA_HOME", data, TRUE);
  ui_test_init (&argc, &argv);
  app = ui_test_application_new ();
  g_test_add_func ("/ui/sd-model/add-pick-generate", test_add_pick_generate);
  g_test_add_func ("/ui/sd-model/controlnet", test_controlnet);
  return ui_test_application_finish (app, g_test_run ());
}
