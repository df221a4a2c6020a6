/* engine.c — requests in, images out; sync on the caller's thread or async
 * on a worker with progress marshalled back to the main context. */
#define G_LOG_DOMAIN "atelier-engine"

#include <math.h>
#include <string.h>

#include "conditioning.h"
#include "context-call.h"
#include "denoiser.h"
#include "engine-private.h"
#include "guides.h"
#include "model/finite.h"
#include "model/model-dir.h"
#include "model/refiner.h"
#include "model/sampler.h"
#include "shapes/shape-prior.h"

G_DEFINE_QUARK (at-engine-error-quark, at_engine_error)

/* The student's settings, read once so that asking for them never waits
 * for a run (its weights load on first use); NULL when the folder has no
 * usable student. */
static AtModelConfig *
load_student_config (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "atelier-student.json", NULL);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return NULL;
  g_autoptr (GError) error = NULL;
  AtModelConfig *config = at_model_config_load (path, &error);
  if (config == NULL)
    g_message ("The fast model in %s cannot be used: %s", dir, error->message);
  return config;
}

AtEngine *
at_engine_new (const char *device, const char *model_dir, GError **error)
{
  g_autoptr (AtGpu) gpu = at_gpu_new (device, error);
  if (gpu == NULL)
    return NULL;
  g_autofree char *dir = model_dir != NULL ? g_strdup (model_dir) : at_model_dir_find ("atelier-model.json");
  g_autoptr (GError) local = NULL;
  AtModel *model = at_model_load (gpu, dir, &local);
  if (model == NULL)
    {
      gboolean device_failed = local->domain == AT_GPU_ERROR &&
                        (local->code == AT_GPU_ERROR_OUT_OF_MEMORY || local->code == AT_GPU_ERROR_FAILED ||
                         local->code == AT_GPU_ERROR_DEVICE_LOST);
      if (device_failed)
        g_propagate_error (error, g_steal_pointer (&local));
      else
        g_set_error (error, AT_ENGINE_ERROR, AT_ENGINE_ERROR_MODEL, "The model in %s cannot be used: %s", dir,
                     local->message);
      return NULL;
    }
  /* The refiner is optional (a folder with only a base model upscales
   * bicubically), but one that is there and damaged is an error. */
  g_autofree char *refiner_config = g_build_filename (dir, "atelier-refiner.json", NULL);
  AtRefiner *refiner = NULL;
  if (g_file_test (refiner_config, G_FILE_TEST_EXISTS) && (refiner = at_refiner_load (gpu, dir, &local)) == NULL)
    {
      g_set_error (error, AT_ENGINE_ERROR, AT_ENGINE_ERROR_MODEL, "The refiner in %s cannot be used: %s", dir,
                   local->message);
      at_model_free (model);
      return NULL;
    }
  AtEngine *engine = g_new0 (AtEngine, 1);
  engine->gpu = g_steal_pointer (&gpu);
  engine->model = model;
  engine->refiner = refiner;
  engine->student_config = load_student_config (dir);
  engine->model_dir = g_steal_pointer (&dir);
  g_rec_mutex_init (&engine->lock);
  return engine;
}

void
at_engine_free (AtEngine *engine)
{
  if (engine == NULL)
    return;
  g_rec_mutex_lock (&engine->lock);   /* wait for a running generation */
  g_datalist_clear (&engine->data);
  g_clear_pointer (&engine->model, at_model_free);
  g_clear_pointer (&engine->student, at_model_free);
  g_clear_pointer (&engine->student_config, at_model_config_free);
  g_clear_pointer (&engine->refiner, at_refiner_free);
  g_clear_pointer (&engine->gpu, at_gpu_free);
  g_rec_mutex_unlock (&engine->lock);
  g_rec_mutex_clear (&engine->lock);
  g_free (engine->model_dir);
  g_free (engine);
}

AtModel *
at_engine_lock_model (AtEngine *engine)
{
  g_rec_mutex_lock (&engine->lock);
  return engine->model;
}

void
at_engine_unlock_model (AtEngine *engine)
{
  g_rec_mutex_unlock (&engine->lock);
}

gpointer
at_engine_get_data (AtEngine *engine, const char *key)
{
  return g_datalist_get_data (&engine->data, key);
}

void
at_engine_set_data (AtEngine *engine, const char *key, gpointer data, GDestroyNotify destroy)
{
  g_datalist_set_data_full (&engine->data, key, data, destroy);
}

AtGpu *
at_engine_get_gpu (AtEngine *engine)
{
  return engine->gpu;
}

const char *
at_engine_get_model_dir (AtEngine *engine)
{
  return engine->model_dir;
}

const char *
at_engine_get_model_name (AtEngine *engine)
{
  return engine->model->config->name;
}

AtTokenizer *
at_engine_get_tokenizer (AtEngine *engine)
{
  return engine->model->tokenizer;
}

int
at_engine_get_native_size (AtEngine *engine)
{
  return engine->model->config->image_size;
}

void
at_engine_get_defaults (AtEngine *engine, int *steps, float *guidance)
{
  *steps = engine->model->config->default_steps;
  *guidance = engine->model->config->default_guidance;
}

/* The network a request runs on: the model, or its few-step student
 * (loaded once, kept resident like the model). Call with the lock held. */
AtModel *
at_engine_model_for (AtEngine *engine, gboolean fast, GError **error)
{
  if (!fast)
    return engine->model;
  if (engine->student == NULL)
    {
      engine->student = at_model_load_named (engine->gpu, engine->model_dir, "atelier-student", error);
      if (engine->student == NULL)
        g_prefix_error (error, "The fast model is not available (%s): ", engine->model_dir);
    }
  return engine->student;
}

gboolean
at_engine_get_fast_defaults (AtEngine *engine, int *steps, float *guidance, GError **error)
{
  if (engine->student_config == NULL)
    {
      g_set_error (error, AT_ENGINE_ERROR, AT_ENGINE_ERROR_MODEL,
                   "The fast model is not available: %s has no usable atelier-student.json", engine->model_dir);
      return FALSE;
    }
  *steps = engine->student_config->default_steps;
  *guidance = engine->student_config->default_guidance;
  return TRUE;
}

gboolean
at_engine_use_fast (AtEngine *engine, AtRequest *r, gboolean preview, GError **error)
{
  int steps;
  float guidance;
  if (!at_engine_get_fast_defaults (engine, &steps, &guidance, error))
    return FALSE;
  r->fast = TRUE;
  r->steps = preview ? engine->student_config->preview_steps : steps;
  r->guidance = guidance;
  return TRUE;
}

/* State shared by the sampler callbacks of one request. */
typedef struct {
  AtEngine *engine;
  const AtRequest *request;
  AtDenoiser *with_sketch;      /* used for the first sketch_steps steps */
  AtDenoiser *without_sketch;   /* NULL when the sketch conditions every step */
  int sketch_steps;
  int variant;
  int n_steps;
  guint calls;
  gint64 start_us;
  double call_ms;
  AtProgressFunc progress;
  gpointer progress_data;
} Run;

static gboolean
denoise_cb (const float *x, float t, int step, float *v, gpointer data, GError **error)
{
  Run *run = data;
  AtDenoiser *d = run->without_sketch != NULL && step >= run->sketch_steps ? run->without_sketch
                                                                           : run->with_sketch;
  gint64 t0 = g_get_monotonic_time ();
  gboolean ok = at_denoiser_run (d, x, t, v, error);
  run->call_ms += (g_get_monotonic_time () - t0) / 1000.0;
  run->calls++;
  return ok;
}

/* The model's output as an image of the requested size. */
static AtImage *
to_image (AtEngine *engine, const float *x, int size)
{
  int native = engine->model->config->image_size;
  g_autoptr (AtImage) img = at_image_new_from_chw (x, engine->model->config->image_channels, native, native);
  if (size == native)
    return g_steal_pointer (&img);
  return at_image_resize (img, size, size, AT_IMAGE_FILTER_NEAREST);
}

/* The upscale stage with the engine's refiner (bicubic when the model
 * folder has none). */
static AtImage *
upscale (AtEngine *engine, const AtImage *base, const AtImage *sketch, int size, AtBackground background,
         GCancellable *cancellable, GError **error)
{
  g_autoptr (AtImage) rgba = at_upscale_image (engine->refiner, base, sketch, size, background, cancellable, error);
  if (rgba == NULL || background == AT_BACKGROUND_TRANSPARENT)
    return g_steal_pointer (&rgba);
  return at_image_convert (rgba, 3);
}

AtImage *
at_engine_upscale (AtEngine *engine, const AtImage *base, const AtImage *sketch, int size,
                   AtBackground background, GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (engine != NULL && base != NULL, NULL);
  g_autoptr (GRecMutexLocker) locker = g_rec_mutex_locker_new (&engine->lock);
  return upscale (engine, base, sketch, size, background, cancellable, error);
}

/* The finished image: the model's, or the upscale stage's at another
 * size or background (RGB for white, RGBA for transparent). */
static AtImage *
final_image (AtEngine *engine, const AtRequest *r, const AtImage *base, double *upscale_ms,
             GCancellable *cancellable, GError **error)
{
  if (r->size == engine->model->config->image_size && r->background == AT_BACKGROUND_WHITE)
    return at_image_copy (base);
  gint64 t0 = g_get_monotonic_time ();
  AtImage *img = upscale (engine, base, r->sketch, r->size, r->background, cancellable, error);
  *upscale_ms += (g_get_monotonic_time () - t0) / 1000.0;
  return img;
}

const char *
at_engine_describe_upscale (AtEngine *engine, AtBackground background)
{
  return at_upscale_describe (engine->refiner, background);
}

/* The parameters text, naming the upscale stage's path when it ran. */
static char *
parameters_for (AtEngine *engine, AtModel *model, const AtRequest *r, guint64 seed)
{
  g_autofree char *text = at_request_to_parameters (r, seed, model->config->name);
  if (r->size == engine->model->config->image_size && r->background == AT_BACKGROUND_WHITE)
    return g_steal_pointer (&text);
  return g_strdup_printf ("%s, Upscaler: %s", text, at_engine_describe_upscale (engine, r->background));
}

static void
step_cb (int step, int n_steps, const float *x0_pred, gpointer data)
{
  Run *run = data;
  if (run->progress == NULL)
    return;
  const AtRequest *r = run->request;
  double elapsed = (g_get_monotonic_time () - run->start_us) / 1000.0;
  int done = run->variant * n_steps + step, total = r->count * n_steps;
  gboolean want_preview = r->preview_every > 0 && (step % r->preview_every == 0) && step < n_steps;
  g_autoptr (AtImage) preview = want_preview ? to_image (run->engine, x0_pred, r->size) : NULL;
  AtProgress p = {
    .variant = run->variant, .n_variants = r->count,
    .step = step, .n_steps = n_steps,
    .elapsed_ms = elapsed,
    .remaining_ms = done > 0 ? elapsed * (total - done) / done : 0,
    .preview = preview,
  };
  run->progress (&p, run->progress_data);
}

static gboolean
make_denoisers (AtEngine *engine, AtModel *m, const AtRequest *r, AtConditioning *cond, Run *run,
                GError **error)
{
  gboolean guided = r->guidance != 1.0f;
  run->with_sketch = at_denoiser_new (m, engine->gpu, r->guidance, cond->sketch, cond->ctx, cond->pooled,
                                      cond->zeros, guided ? cond->ctx_uncond : NULL, cond->pooled_uncond, error);
  if (run->with_sketch == NULL)
    return FALSE;
  if (cond->ctx_no_sketch == NULL)
    return TRUE;
  run->without_sketch = at_denoiser_new (m, engine->gpu, r->guidance, cond->zeros, cond->ctx_no_sketch,
                                         cond->pooled_no_sketch, cond->zeros,
                                         guided ? cond->ctx_uncond : NULL, cond->pooled_uncond, error);
  return run->without_sketch != NULL;
}

AtResult *
at_engine_generate (AtEngine *engine, const AtRequest *r, AtProgressFunc progress,
                    gpointer progress_data, GCancellable *cancellable, GError **error)
{
  return at_engine_generate_each (engine, r, progress, progress_data, NULL, NULL, cancellable, error);
}

/* Hands a finished image to each (keeping only the first) or keeps it. */
static gboolean
deliver_image (AtResult *result, guint index, AtImage *image, const char *parameters, AtImageFunc each,
               gpointer each_data, GError **error)
{
  gboolean ok = each == NULL || each (index, image, parameters, each_data, error);
  if (ok && (each == NULL || index == 0))
    g_ptr_array_add (result->images, image);
  else
    at_image_free (image);
  return ok;
}

AtResult *
at_engine_generate_each (AtEngine *engine, const AtRequest *r, AtProgressFunc progress, gpointer progress_data,
                         AtImageFunc each, gpointer each_data, GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (engine != NULL && r != NULL, NULL);
  if (!at_request_validate (r, error))
    return NULL;
  if (r->size != engine->model->config->image_size && !at_upscale_size_is_valid (r->size))
    {
      g_set_error (error, AT_REQUEST_ERROR, AT_REQUEST_ERROR_INVALID, "The size must be %s pixels (got %d)",
                   at_upscale_sizes_text (), r->size);
      return NULL;
    }
  g_autofree char *shape_note = NULL;
  GError *shape_error = NULL;
  g_autoptr (AtRequest) with_shape = at_shape_prior_apply (r, engine->model->config->image_size, &shape_note,
                                                           &shape_error);
  if (shape_error != NULL)
    {
      g_propagate_error (error, shape_error);
      return NULL;
    }
  if (with_shape != NULL)
    r = with_shape;
  g_autoptr (GRecMutexLocker) locker = g_rec_mutex_locker_new (&engine->lock);
  /* a run cancelled while it waited for the engine, or while it prepared,
   * stops between the stages, not only at the sampler's steps */
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  g_autoptr (AtResult) result = at_result_new ();
  gint64 start = g_get_monotonic_time ();
  AtModel *model = at_engine_model_for (engine, r->fast, error);
  if (model == NULL)
    return NULL;
  g_autoptr (AtConditioning) cond = at_conditioning_new (model, engine->gpu, r, error);
  if (cond == NULL || g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  result->encode_ms = (g_get_monotonic_time () - start) / 1000.0;

  /* image-to-image runs the last `strength` of the schedule, as A1111 does */
  float t_start = r->init != NULL ? r->strength : 1.0f;
  int n_steps = r->init != NULL ? MAX (1, (int) lround (r->steps * r->strength)) : r->steps;
  g_autofree float *ts = at_sampler_schedule (n_steps, t_start);
  Run run = {
    .engine = engine, .request = r, .n_steps = n_steps,
    .sketch_steps = (int) lround (n_steps * r->sketch_strength),
    .start_us = g_get_monotonic_time (), .progress = progress, .progress_data = progress_data,
  };
  gboolean ok = make_denoisers (engine, model, r, cond, &run, error) && !g_cancellable_set_error_if_cancelled (cancellable, error);
  gsize n = ok ? run.with_sketch->n : 0;
  g_autofree float *x = g_new (float, MAX (n, 1));
  const AtModelConfig *config = engine->model->config;
  g_autoptr (AtGuides) guides = at_guides_new (r, config->image_channels, config->image_size);
  for (int i = 0; ok && i < r->count; i++)
    {
      guint64 seed = r->seed + i;
      run.variant = i;
      at_guides_start (guides, seed, t_start, x);
      ok = t_start <= 0.0f ||
           at_sampler_run_blended (r->sampler, ts, n_steps, x, n, seed, guides->blends, guides->n_blends,
                                   denoise_cb, step_cb, &run, cancellable, error);
      if (ok && at_find_non_finite (x, n) >= 0)
        {
          g_set_error (error, AT_ENGINE_ERROR, AT_ENGINE_ERROR_NON_FINITE,
                       "The model computed NaN or infinite values for image %d; its weights may be damaged", i + 1);
          ok = FALSE;
        }
      int native = engine->model->config->image_size;
      g_autoptr (AtImage) base = ok ? at_image_new_from_chw (x, engine->model->config->image_channels, native, native)
                                    : NULL;
      AtImage *img = ok ? final_image (engine, r, base, &result->upscale_ms, cancellable, error) : NULL;
      ok = img != NULL;
      if (ok)
        {
          char *parameters = parameters_for (engine, model, r, seed);
          g_ptr_array_add (result->parameters, parameters);
          g_ptr_array_add (result->base_images, g_steal_pointer (&base));
          g_array_append_val (result->seeds, seed);
          ok = deliver_image (result, i, at_guides_finish (guides, r, img), parameters, each, each_data, error);
        }
    }
  at_denoiser_free (run.with_sketch);
  at_denoiser_free (run.without_sketch);
  if (!ok)
    return NULL;
  result->denoiser_calls = run.calls;
  result->denoise_ms = (g_get_monotonic_time () - run.start_us) / 1000.0;
  result->per_call_ms = run.calls > 0 ? run.call_ms / run.calls : 0;
  result->total_ms = (g_get_monotonic_time () - start) / 1000.0;
  result->shape = r->sketch != NULL ? g_strdup (r->shape) : NULL;
  result->shape_note = g_steal_pointer (&shape_note);
  return g_steal_pointer (&result);
}

/* --- async: a GTask on a worker thread, progress posted to the caller ---- */

typedef struct {
  AtRequest *request;
  AtProgressFunc progress;
  gpointer progress_data;
  GDestroyNotify progress_data_free;
  GMainContext *context;
} AsyncData;

static void
async_data_free (AsyncData *data)
{
  at_request_free (data->request);
  /* on the caller's context: the task ends there (at_task_run_in_thread) */
  if (data->progress_data_free != NULL)
    data->progress_data_free (data->progress_data);
  g_main_context_unref (data->context);
  g_free (data);
}

typedef struct {
  AtProgress progress;
  AtImage *preview;
  AsyncData *data;
  GCancellable *cancellable;
} ProgressEvent;

static void
progress_event_free (ProgressEvent *event)
{
  g_clear_pointer (&event->preview, at_image_free);
  g_clear_object (&event->cancellable);
  g_free (event);
}

static gboolean
deliver_progress (gpointer user_data)
{
  ProgressEvent *event = user_data;
  /* a cancelled job stops reporting at once, even for events in flight */
  if (!g_cancellable_is_cancelled (event->cancellable))
    event->data->progress (&event->progress, event->data->progress_data);
  return G_SOURCE_REMOVE;
}

typedef struct {
  AsyncData *data;
  GTask *task;
} WorkerProgress;

static void
post_progress (const AtProgress *progress, gpointer user_data)
{
  WorkerProgress *wp = user_data;
  ProgressEvent *event = g_new0 (ProgressEvent, 1);
  event->progress = *progress;
  event->preview = progress->preview != NULL ? at_image_copy (progress->preview) : NULL;
  event->progress.preview = event->preview;
  event->data = wp->data;
  GCancellable *cancellable = g_task_get_cancellable (wp->task);
  event->cancellable = cancellable != NULL ? g_object_ref (cancellable) : g_cancellable_new ();
  /* the task holds data until it completes, and completion is queued on
   * the same context after every progress event */
  at_context_post (wp->data->context, deliver_progress, event, (GDestroyNotify) progress_event_free);
}

static void
generate_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  AsyncData *data = task_data;
  WorkerProgress wp = { data, task };
  GError *error = NULL;
  AtEngine *engine = g_object_get_data (G_OBJECT (task), "at-engine");
  AtResult *result = at_engine_generate (engine, data->request, data->progress ? post_progress : NULL,
                                         &wp, cancellable, &error);
  if (result != NULL)
    g_task_return_pointer (task, result, (GDestroyNotify) at_result_free);
  else
    g_task_return_error (task, error);
}

void
at_engine_generate_async (AtEngine *engine, const AtRequest *request, AtProgressFunc progress,
                          gpointer progress_data, GDestroyNotify progress_data_free,
                          GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (engine != NULL && request != NULL);
  AsyncData *data = g_new0 (AsyncData, 1);
  data->request = at_request_copy (request);
  data->progress = progress;
  data->progress_data = progress_data;
  data->progress_data_free = progress_data_free;
  data->context = g_main_context_ref_thread_default ();
  /* AtEngine is not a GObject, so it cannot be the task's source object;
   * it rides along as object data. Callers keep it alive until finish. */
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, at_engine_generate_async);
  g_task_set_task_data (task, data, (GDestroyNotify) async_data_free);
  g_object_set_data (G_OBJECT (task), "at-engine", engine);
  at_task_run_in_thread (task, generate_thread);
}

AtResult *
at_engine_generate_finish (AtEngine *engine, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == at_engine_generate_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
