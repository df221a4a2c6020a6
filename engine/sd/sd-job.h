/* sd-job.h — runs of a user's SD checkpoint on a worker thread, for the
 * studio: the checkpoint's networks stay loaded between runs (one model
 * at a time; picking another loads it on the next run), progress comes
 * back per step on the caller's main context, and every run is
 * cancellable between steps.
 *
 * Before loading, a run is checked against the device's memory
 * (sd-memory.h); the refusal carries the estimate. Runs are serialised:
 * a second waits for the first to end (a cancelled one ends within a
 * step).
 */
#pragma once

#include "sd/sd-pipeline.h"

G_BEGIN_DECLS

typedef struct _AtSdJobs AtSdJobs;

/* device: as at_gpu_new(); the device is opened by the first run. */
AtSdJobs *at_sd_jobs_new (const char *device);
AtSdJobs *at_sd_jobs_ref (AtSdJobs *jobs);
void at_sd_jobs_unref (AtSdJobs *jobs);

/* One image of the checkpoint at path for run (copied, the init image
 * too), guided by the ControlNet at control_path (NULL: none) on
 * run->control's sketch and strength (its net and name are the job's to
 * fill: the ControlNet stays loaded for the next run); progress (may be NULL) is called on the thread-default main
 * context of the caller after each step, always before callback;
 * progress_destroy runs on that context too (context-call.h). */
void at_sd_jobs_generate_async (AtSdJobs *jobs, const char *path, const char *control_path, const AtSdRun *run,
                                AtSdStepFunc progress, gpointer progress_data, GDestroyNotify progress_destroy,
                                GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
/* The image, and the PNG parameters text in *parameters. */
AtImage *at_sd_jobs_generate_finish (AtSdJobs *jobs, GAsyncResult *result, char **parameters, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtSdJobs, at_sd_jobs_unref)

G_END_DECLS
