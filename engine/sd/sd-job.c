/* sd-job.c — a user's SD checkpoint run on workers (sd-job.h). */
#include "sd/sd-job.h"

#include "context-call.h"
#include "sd/sd-control.h"
#include "sd/sd-memory.h"

struct _AtSdJobs {
  char *device;
  GMutex lock;             /* held for a whole run: runs are serialised */
  AtGpu *gpu;
  char *path;              /* of the loaded pipeline */
  AtSdPipeline *pipeline;
  AtSdControlFile *control;   /* the last ControlNet used, kept loaded */
};

typedef struct {
  AtSdJobs *jobs;
  char *path;
  char *control_path;      /* NULL: no ControlNet */
  AtSdRun run;
  char *prompt, *negative;
  AtImage *init, *sketch;
  AtSdStepFunc progress;
  gpointer progress_data;
  GDestroyNotify progress_destroy;
  GMainContext *context;
  char *parameters;
} Job;

typedef struct {
  Job *job;
  guint step, n_steps;
} Step;

static void
jobs_clear (AtSdJobs *jobs)
{
  g_clear_pointer (&jobs->control, at_sd_control_file_free);
  g_clear_pointer (&jobs->pipeline, at_sd_pipeline_free);
  g_clear_pointer (&jobs->gpu, at_gpu_free);
  g_free (jobs->path);
  g_free (jobs->device);
  g_mutex_clear (&jobs->lock);
}

AtSdJobs *
at_sd_jobs_new (const char *device)
{
  AtSdJobs *jobs = g_atomic_rc_box_new0 (AtSdJobs);
  jobs->device = g_strdup (device);
  g_mutex_init (&jobs->lock);
  return jobs;
}

AtSdJobs *
at_sd_jobs_ref (AtSdJobs *jobs)
{
  return g_atomic_rc_box_acquire (jobs);
}

void
at_sd_jobs_unref (AtSdJobs *jobs)
{
  g_atomic_rc_box_release_full (jobs, (GDestroyNotify) jobs_clear);
}

static void
job_free (Job *job)
{
  at_sd_jobs_unref (job->jobs);
  g_free (job->path);
  g_free (job->control_path);
  g_free (job->prompt);
  g_free (job->negative);
  g_clear_pointer (&job->init, at_image_free);
  g_clear_pointer (&job->sketch, at_image_free);
  /* on the caller's context: the task ends there (at_task_run_in_thread) */
  if (job->progress_destroy != NULL)
    job->progress_destroy (job->progress_data);
  g_main_context_unref (job->context);
  g_free (job->parameters);
  g_free (job);
}

static gboolean
report_step (gpointer data)
{
  Step *s = data;
  s->job->progress (s->step, s->n_steps, s->job->progress_data);
  return G_SOURCE_REMOVE;
}

static void
on_step (guint step, guint n_steps, gpointer user_data)
{
  Job *job = user_data;
  Step *s = g_new (Step, 1);
  *s = (Step) { job, step, n_steps };
  at_context_post (job->context, report_step, s, g_free);
}

/* The ControlNet of path for the model of arch, kept from the last run
 * when it is the same file; jobs->lock held. */
static AtSdControlFile *
control_for (AtSdJobs *jobs, const char *path, const AtSdArch *arch, GError **error)
{
  AtSdControlFile *c = jobs->control;
  if (c != NULL && g_strcmp0 (at_sd_control_file_get_path (c), path) == 0)
    return at_sd_control_fits (at_sd_control_file_get_arch (c), at_sd_control_file_get_name (c), arch, error) ? c
                                                                                                               : NULL;
  g_clear_pointer (&jobs->control, at_sd_control_file_free);
  return jobs->control = at_sd_control_file_open (path, arch, error);
}

/* The pipeline of path, loading it (and the device) when another or none
 * is loaded, and the job's ControlNet into its run; jobs->lock held. */
static AtSdPipeline *
pipeline_for (AtSdJobs *jobs, Job *job, GError **error)
{
  const AtSdRun *run = &job->run;
  if (jobs->gpu == NULL && (jobs->gpu = at_gpu_new (jobs->device, error)) == NULL)
    return NULL;
  g_autoptr (AtSdCheckpoint) ckpt = NULL;
  if (jobs->pipeline == NULL || g_strcmp0 (jobs->path, job->path) != 0)
    {
      g_clear_pointer (&jobs->pipeline, at_sd_pipeline_free);
      g_clear_pointer (&jobs->path, g_free);
      if ((ckpt = at_sd_checkpoint_open (job->path, AT_SD_PREDICTION_AUTO, error)) == NULL)
        return NULL;
    }
  const AtSdArch *arch = at_sd_checkpoint_get_arch (ckpt != NULL ? ckpt
                                                                  : at_sd_pipeline_get_checkpoint (jobs->pipeline));
  AtSdControlFile *control = NULL;
  if (job->control_path != NULL && (control = control_for (jobs, job->control_path, arch, error)) == NULL)
    return NULL;
  const AtSdArch *control_arch = control != NULL ? at_sd_control_file_get_arch (control) : NULL;
  if (!at_sd_memory_check_controlled (jobs->gpu, arch, control_arch, run->size, run->guidance != 1.0f, error))
    return NULL;
  if (ckpt != NULL)
    {
      if ((jobs->pipeline = at_sd_pipeline_new (jobs->gpu, g_steal_pointer (&ckpt), error)) == NULL)
        return NULL;
      jobs->path = g_strdup (job->path);
    }
  if (control != NULL)
    {
      job->run.control.name = at_sd_control_file_get_name (control);
      if ((job->run.control.net = at_sd_control_file_get_net (control, jobs->gpu, error)) == NULL)
        return NULL;
    }
  return jobs->pipeline;
}

static void
run_job (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  Job *job = task_data;
  GError *error = NULL;
  g_mutex_lock (&job->jobs->lock);
  AtImage *img = NULL;
  AtSdPipeline *p = NULL;
  if (!g_cancellable_set_error_if_cancelled (cancellable, &error))
    p = pipeline_for (job->jobs, job, &error);
  if (p != NULL)
    img = at_sd_pipeline_generate (p, &job->run, job->progress != NULL ? on_step : NULL, job, cancellable, &error);
  if (img != NULL)
    {
      g_autofree char *name = at_sd_model_name_of_path (job->path);
      job->parameters = at_sd_run_describe (&job->run, name);
    }
  job->run.control.net = NULL;   /* the jobs' own, which a later run may replace */
  job->run.control.name = NULL;
  g_mutex_unlock (&job->jobs->lock);
  if (img != NULL)
    g_task_return_pointer (task, img, (GDestroyNotify) at_image_free);
  else
    g_task_return_error (task, error);
}

void
at_sd_jobs_generate_async (AtSdJobs *jobs, const char *path, const char *control_path, const AtSdRun *run,
                           AtSdStepFunc progress, gpointer progress_data, GDestroyNotify progress_destroy,
                           GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  Job *job = g_new0 (Job, 1);
  job->jobs = at_sd_jobs_ref (jobs);
  job->path = g_strdup (path);
  job->control_path = g_strdup (control_path);
  job->run = *run;
  job->run.control.net = NULL;
  job->run.control.name = NULL;
  job->run.control.sketch = job->sketch = control_path != NULL && run->control.sketch != NULL
                                            ? at_image_copy (run->control.sketch) : NULL;
  job->run.prompt = job->prompt = g_strdup (run->prompt);
  job->run.negative = job->negative = g_strdup (run->negative);
  job->run.init = job->init = run->init != NULL ? at_image_copy (run->init) : NULL;
  job->progress = progress;
  job->progress_data = progress_data;
  job->progress_destroy = progress_destroy;
  job->context = g_main_context_ref_thread_default ();
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, at_sd_jobs_generate_async);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  at_task_run_in_thread (task, run_job);
}

AtImage *
at_sd_jobs_generate_finish (AtSdJobs *jobs, GAsyncResult *result, char **parameters, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  AtImage *img = g_task_propagate_pointer (G_TASK (result), error);
  if (img != NULL && parameters != NULL)
    *parameters = g_strdup (((Job *) g_task_get_task_data (G_TASK (result)))->parameters);
  return img;
}
