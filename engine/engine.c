/* engine.c — requests in, images out; sync on the caller's thread or async
 * on a worker with progress marshalled back to the main context. */
#define G_LOG_DOMAIN "atelier-engine"

#include <math.h>
#include <string.h>

#include "conditioning.h"
#include "denoiser.h"
#include "engine-private.h"
#include "model/model-dir.h"
#include "model/sampler.h"
#include "shapes/shape-prior.h"

struct _AtEngine {
  AtGpu *gpu;
  AtModel *model;
  char *model_dir;
  GMutex lock;   /* one generation at a time */
  GData *data;   /* other modules' per-engine data (engine-private.h) */
};

AtEngine *
at_engine_new (const char *device, const char *model_dir, GError **error)
{
  g_autoptr (AtGpu) gpu = at_gpu_new (device, error);
  if (gpu == NULL)
    return NULL;
  g_autofree char *dir = model_dir != NULL ? g_strdup (model_dir) : at_model_dir_find ("atelier-model.json");
  AtModel *model = at_model_load (gpu, dir, error);
  if (model == NULL)
    return NULL;
  AtEngine *engine = g_new0 (AtEngine, 1);
  engine->gpu = g_steal_pointer (&gpu);
  engine->model = model;
  engine->model_dir = g_steal_pointer (&dir);
  g_mutex_init (&engine->lock);
  return engine;
}

void
at_engine_free (AtEngine *engine)
{
  if (engine == NULL)
    return;
  g_mutex_lock (&engine->lock);   /* wait for a running generation */
  g_datalist_clear (&engine->data);
  g_clear_pointer (&engine->model, at_model_free);
  g_clear_pointer (&engine->gpu, at_gpu_free);
  g_mutex_unlock (&engine->lock);
  g_mutex_clear (&engine->lock);
  g_free (engine->model_dir);
  g_free (engine);
}

AtModel *
at_engine_lock_model (AtEngine *engine)
{
  g_mutex_lock (&engine->lock);
  return engine->model;
}

void
at_engine_unlock_model (AtEngine *engine)
{
  g_mutex_unlock (&engine->lock);
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

/* Starting point of one variant: noise, or the init image noised to ts[0]. */
static void
initial_x (AtEngine *engine, const AtRequest *r, guint64 seed, float t0, float *x, gsize n)
{
  at_sampler_noise (seed, x, n);
  if (r->init == NULL)
    return;
  int size = engine->model->config->image_size;
  g_autoptr (AtImage) rgb = at_image_convert (r->init, engine->model->config->image_channels);
  g_autoptr (AtImage) small = at_image_resize (rgb, size, size, AT_IMAGE_FILTER_BILINEAR);
  g_autofree float *init = at_image_to_chw_new (small);
  for (gsize i = 0; i < n; i++)
    x[i] = (1.0f - t0) * init[i] + t0 * x[i];
}

static gboolean
make_denoisers (AtEngine *engine, const AtRequest *r, AtConditioning *cond, Run *run, GError **error)
{
  AtModel *m = engine->model;
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
  g_return_val_if_fail (engine != NULL && r != NULL, NULL);
  if (!at_request_validate (r, error))
    return NULL;
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
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&engine->lock);
  g_autoptr (AtResult) result = at_result_new ();
  gint64 start = g_get_monotonic_time ();
  g_autoptr (AtConditioning) cond = at_conditioning_new (engine->model, engine->gpu, r, error);
  if (cond == NULL)
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
  gboolean ok = make_denoisers (engine, r, cond, &run, error);
  gsize n = ok ? run.with_sketch->n : 0;
  g_autofree float *x = g_new (float, MAX (n, 1));
  for (int i = 0; ok && i < r->count; i++)
    {
      guint64 seed = r->seed + i;
      run.variant = i;
      initial_x (engine, r, seed, t_start, x, n);
      ok = t_start <= 0.0f ||
           at_sampler_run (r->sampler, ts, n_steps, x, n, seed, denoise_cb, step_cb, &run, cancellable, error);
      if (ok)
        {
          g_ptr_array_add (result->images, to_image (engine, x, r->size));
          g_array_append_val (result->seeds, seed);
          g_ptr_array_add (result->parameters, at_request_to_parameters (r, seed, engine->model->config->name));
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
  g_main_context_invoke_full (wp->data->context, G_PRIORITY_DEFAULT, deliver_progress, event,
                              (GDestroyNotify) progress_event_free);
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
  g_task_run_in_thread (task, generate_thread);
}

AtResult *
at_engine_generate_finish (AtEngine *engine, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == at_engine_generate_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
