/* test-engine.c — the job API with the built-in model: reproducible seeds,
 * cancellation within a step, async progress on the main context, and
 * clear errors for empty requests and broken model files. Requests use few
 * steps and guidance 1 (one UNet pass a step) to stay quick on lavapipe. */
#include <string.h>

#include <glib/gstdio.h>

#include "test-util.h"
#include "engine.h"
#include "gpu/fault.h"

static AtEngine *engine;

static AtRequest *
quick_request (const char *prompt, guint64 seed)
{
  AtRequest *r = at_request_new ();
  r->prompt = g_strdup (prompt);
  r->seed = seed;
  r->steps = 2;
  r->guidance = 1.0f;
  return r;
}

static AtResult *
generate (const AtRequest *r)
{
  g_autoptr (GError) error = NULL;
  AtResult *result = at_engine_generate (engine, r, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  return result;
}

static void
test_same_seed_same_image (void)
{
  g_autoptr (AtRequest) r = quick_request ("red apple", 1234);
  r->count = 2;   /* variant 2 uses seed 1235 */
  g_autoptr (AtResult) a = generate (r);
  r->count = 1;
  g_autoptr (AtResult) b = generate (r);
  AtImage *first = a->images->pdata[0], *again = b->images->pdata[0], *other = a->images->pdata[1];
  g_assert_cmpuint (first->width, ==, 64);
  g_assert_cmpmem (first->pixels, at_image_get_nbytes (first), again->pixels, at_image_get_nbytes (again));
  g_assert_cmpuint (g_array_index (a->seeds, guint64, 1), ==, 1235);
  g_assert_true (memcmp (first->pixels, other->pixels, at_image_get_nbytes (first)) != 0);
  g_assert_nonnull (strstr (a->parameters->pdata[0], "Seed: 1234,"));
  g_assert_nonnull (strstr (a->parameters->pdata[1], "Seed: 1235,"));
  g_assert_cmpuint (a->denoiser_calls, ==, 4);
}

typedef struct {
  GPtrArray *images;
  guint fail_at;
} Each;

static gboolean
collect (guint index, const AtImage *image, const char *parameters, gpointer data, GError **error)
{
  Each *each = data;
  g_assert_cmpuint (index, ==, each->images->len);
  g_assert_nonnull (strstr (parameters, "Seed: "));
  if (index == each->fail_at)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOSPC, "disk full at image %u", index + 1);
      return FALSE;
    }
  if (index == 0)
    {
      /* the engine is held by this thread: it may be called again */
      g_autoptr (AtImage) bigger = at_engine_upscale (engine, image, NULL, 128, AT_BACKGROUND_WHITE, NULL, error);
      g_assert_nonnull (bigger);
    }
  g_ptr_array_add (each->images, at_image_copy (image));
  return TRUE;
}

/* Images handed over one by one as they are done are the images a whole
 * run returns; the result keeps only the first; a failing hand-over stops
 * the run with its error. */
static void
test_each_image (void)
{
  g_autoptr (AtRequest) r = quick_request ("blue car", 77);
  r->count = 3;
  g_autoptr (AtResult) whole = generate (r);
  Each each = { g_ptr_array_new_with_free_func ((GDestroyNotify) at_image_free), G_MAXUINT };
  g_autoptr (GError) error = NULL;
  g_autoptr (AtResult) streamed = at_engine_generate_each (engine, r, NULL, NULL, collect, &each, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (each.images->len, ==, 3);
  g_assert_cmpuint (streamed->images->len, ==, 1);
  g_assert_cmpuint (streamed->seeds->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      AtImage *a = whole->images->pdata[i], *b = each.images->pdata[i];
      g_assert_cmpmem (a->pixels, at_image_get_nbytes (a), b->pixels, at_image_get_nbytes (b));
      g_assert_cmpstr (whole->parameters->pdata[i], ==, streamed->parameters->pdata[i]);
    }
  g_ptr_array_set_size (each.images, 0);
  each.fail_at = 1;
  g_autoptr (AtResult) failed = at_engine_generate_each (engine, r, NULL, NULL, collect, &each, NULL, &error);
  g_assert_null (failed);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOSPC);
  g_assert_cmpuint (each.images->len, ==, 1);
  g_ptr_array_unref (each.images);
}

static void
test_empty_request_is_explained (void)
{
  g_autoptr (AtRequest) r = quick_request ("   ", 1);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtResult) result = at_engine_generate (engine, r, NULL, NULL, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, AT_REQUEST_ERROR, AT_REQUEST_ERROR_EMPTY);
  g_assert_nonnull (strstr (error->message, "prompt"));
}

static void
test_sketch_and_init_paths (void)
{
  g_autoptr (AtRequest) r = quick_request ("blue house", 5);
  r->sketch = at_image_new (200, 150, 3);
  memset (r->sketch->pixels, 255, at_image_get_nbytes (r->sketch));
  for (guint x = 20; x < 180; x++)   /* a horizontal pen line */
    memset (r->sketch->pixels + (75 * 200 + x) * 3, 0, 3);
  r->sketch_strength = 0.5f;
  r->size = 128;
  g_autoptr (AtResult) sketched = generate (r);
  AtImage *img = sketched->images->pdata[0];
  g_assert_cmpuint (img->width, ==, 128);
  g_assert_nonnull (strstr (sketched->parameters->pdata[0], "Sketch strength: 0.5"));

  r->init = at_image_copy (img);
  r->strength = 0.5f;
  r->steps = 4;   /* image-to-image runs steps x strength = 2 steps */
  g_autoptr (AtResult) repainted = generate (r);
  g_assert_cmpuint (repainted->denoiser_calls, ==, 2);
  g_assert_nonnull (strstr (repainted->parameters->pdata[0], "Denoising strength: 0.5"));
}

typedef struct {
  GMainLoop *loop;
  GCancellable *cancellable;
  int progress_calls;
  int last_step;
  gboolean saw_preview;
  AtResult *result;
  GError *error;
  GThread *main_thread;
  GThread *freed_on;
} AsyncRun;

/* The progress data is the caller's: freed on its thread, whichever
 * thread ends the task. */
static void
progress_data_freed (gpointer data)
{
  AsyncRun *run = data;
  run->freed_on = g_thread_self ();
}

static void
on_progress (const AtProgress *p, gpointer data)
{
  AsyncRun *run = data;
  g_assert_true (g_thread_self () == run->main_thread);
  run->progress_calls++;
  run->last_step = p->step;
  run->saw_preview |= p->preview != NULL;
  if (run->cancellable != NULL && p->step == 1)
    g_cancellable_cancel (run->cancellable);
}

static void
on_done (GObject *source, GAsyncResult *res, gpointer data)
{
  AsyncRun *run = data;
  run->result = at_engine_generate_finish (engine, res, &run->error);
  g_main_loop_quit (run->loop);
}

static void
run_async (AtRequest *r, AsyncRun *run)
{
  run->loop = g_main_loop_new (NULL, FALSE);
  run->main_thread = g_thread_self ();
  at_engine_generate_async (engine, r, on_progress, run, progress_data_freed, run->cancellable, on_done, run);
  g_main_loop_run (run->loop);
  g_main_loop_unref (run->loop);
  while (run->freed_on == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (run->freed_on == run->main_thread);
}

static void
test_async_progress (void)
{
  g_autoptr (AtRequest) r = quick_request ("yellow star", 9);
  r->steps = 3;
  r->preview_every = 1;
  AsyncRun run = { 0 };
  run_async (r, &run);
  g_assert_no_error (run.error);
  g_assert_nonnull (run.result);
  g_assert_cmpint (run.progress_calls, ==, 3);
  g_assert_cmpint (run.last_step, ==, 3);
  g_assert_true (run.saw_preview);
  at_result_free (run.result);
}

/* Cancelled at the end of step 1 of 6: no further step runs. */
static void
test_cancel_within_a_step (void)
{
  g_autoptr (AtRequest) r = quick_request ("green tree", 3);
  r->steps = 6;
  AsyncRun run = { 0 };
  run.cancellable = g_cancellable_new ();
  gint64 start = g_get_monotonic_time ();
  run_async (r, &run);
  g_assert_null (run.result);
  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (run.progress_calls, ==, 1);
  g_test_message ("cancelled after %.1f s", (g_get_monotonic_time () - start) / 1e6);
  g_clear_error (&run.error);
  g_object_unref (run.cancellable);
}

/* A copy of the model folder with its weights cut short. */
static void
test_truncated_weights_fail_cleanly (void)
{
  g_autofree char *src = test_source_path ("resources", "models", NULL);
  g_autofree char *dir = g_dir_make_tmp ("atelier-model-XXXXXX", NULL);
  const char *files[] = { "atelier-model.json", "tokenizer.json", "atelier-model.safetensors" };
  for (gsize i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *from = g_build_filename (src, files[i], NULL);
      g_autofree char *to = g_build_filename (dir, files[i], NULL);
      g_autofree char *data = NULL;
      gsize len = 0;
      g_assert_true (g_file_get_contents (from, &data, &len, NULL));
      if (i == 2)
        len /= 3;
      g_assert_true (g_file_set_contents (to, data, len, NULL));
    }
  g_autoptr (GError) error = NULL;
  g_autoptr (AtEngine) broken = at_engine_new (NULL, dir, &error);
  g_assert_null (broken);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "atelier-model.safetensors"));
  for (gsize i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (dir, files[i], NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

static void
test_missing_model_is_explained (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AtEngine) none = at_engine_new (NULL, "/nonexistent/atelier-model-dir", &error);
  g_assert_null (none);
  g_assert_nonnull (strstr (error->message, "atelier-model.json"));
}

/* The run that meets an injected fault fails with its error and leaves
 * nothing; after out-of-memory the engine works on, after a lost device it
 * refuses until a new engine (a new device) is made, which works. */
static void
test_device_faults (void)
{
  g_autoptr (AtRequest) r = quick_request ("red apple", 77);
  g_autoptr (AtResult) before = generate (r);

  at_gpu_fault_inject (AT_GPU_FAULT_OUT_OF_MEMORY, 1);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtResult) failed = at_engine_generate (engine, r, NULL, NULL, NULL, &error);
  g_assert_null (failed);
  g_assert_error (error, AT_GPU_ERROR, AT_GPU_ERROR_OUT_OF_MEMORY);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "ran out of memory"));
  g_autoptr (AtResult) after_oom = generate (r);
  AtImage *a = before->images->pdata[0], *b = after_oom->images->pdata[0];
  g_assert_cmpmem (a->pixels, at_image_get_nbytes (a), b->pixels, at_image_get_nbytes (b));

  g_autoptr (GError) lost_error = NULL;
  g_autoptr (AtEngine) doomed = at_engine_new (NULL, NULL, &lost_error);
  g_assert_no_error (lost_error);
  at_gpu_fault_inject (AT_GPU_FAULT_DEVICE_LOST, 2);   /* in the middle of a run */
  for (int round = 0; round < 2; round++)
    {
      g_autoptr (AtResult) none = at_engine_generate (doomed, r, NULL, NULL, NULL, &lost_error);
      g_assert_null (none);
      g_assert_error (lost_error, AT_GPU_ERROR, AT_GPU_ERROR_DEVICE_LOST);
      g_test_message ("%s", lost_error->message);
      g_clear_error (&lost_error);
    }
  /* the other engine's device was not lost */
  g_autoptr (AtResult) elsewhere = generate (r);
  AtImage *c = elsewhere->images->pdata[0];
  g_assert_cmpmem (a->pixels, at_image_get_nbytes (a), c->pixels, at_image_get_nbytes (c));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_autoptr (GError) error = NULL;
  engine = at_engine_new (NULL, NULL, &error);
  g_assert_no_error (error);
  g_test_add_func ("/engine/same-seed", test_same_seed_same_image);
  g_test_add_func ("/engine/each-image", test_each_image);
  g_test_add_func ("/engine/empty-request", test_empty_request_is_explained);
  g_test_add_func ("/engine/sketch-and-init", test_sketch_and_init_paths);
  g_test_add_func ("/engine/async-progress", test_async_progress);
  g_test_add_func ("/engine/cancel", test_cancel_within_a_step);
  g_test_add_func ("/engine/truncated-weights", test_truncated_weights_fail_cleanly);
  g_test_add_func ("/engine/missing-model", test_missing_model_is_explained);
  g_test_add_func ("/engine/device-faults", test_device_faults);
  int status = g_test_run ();
  at_engine_free (engine);
  return status;
}
