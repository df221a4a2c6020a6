/* test-sd-model.c — the studio with a user's Stable Diffusion checkpoint:
 * the reduced SD 1.x file of tests/sd/sd-tiny.h added through the model
 * picker (as "Add Model…" does after the file chooser), chosen, its
 * defaults put into the controls, a run at 64 px through the window's
 * Generate, and the image in the History — the same image the pipeline
 * (engine/sd/sd-pipeline.h) makes from the same settings in this process;
 * a run cancelled at once adds nothing.
 * The library is a folder of the test's own (XDG_DATA_HOME). */
#include <adwaita.h>
#include <string.h>

#include "sd-tiny.h"
#include "sd/sd-pipeline.h"
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

  GAsyncResult *slot = NULL;
  at_model_picker_add_async (picker, file, NULL, ui_test_keep_result, &slot);
  g_autoptr (GAsyncResult) added = ui_test_take_result (&slot, 60);
  g_autoptr (GError) error = NULL;
  g_assert_true (at_model_picker_add_finish (picker, added, &error));
  g_assert_no_error (error);
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

int
main (int argc, char **argv)
{
  g_autofree char *data = g_dir_make_tmp ("atelier-sd-model-XXXXXX", NULL);
  g_setenv ("XDG_DATA_HOME", data, TRUE);
  ui_test_init (&argc, &argv);
  app = ui_test_application_new ();
  g_test_add_func ("/ui/sd-model/add-pick-generate", test_add_pick_generate);
  return ui_test_application_finish (app, g_test_run ());
}
