/* engine.h — the one door to the engine for the studio and the command line.
 *
 * An AtEngine keeps the Vulkan device and the built-in model resident
 * (weights uploaded once). at_engine_generate() turns an AtRequest into an
 * AtResult on the calling thread; the _async variant runs it on a worker
 * thread and delivers progress and the result on the caller's main context.
 * Every generation can be cancelled with a GCancellable and stops within
 * one denoiser step. One generation runs at a time per engine; others wait.
 */
#pragma once

#include <gio/gio.h>

#include "gpu/gpu.h"
#include "model/tokenizer.h"
#include "request.h"

G_BEGIN_DECLS

typedef struct _AtEngine AtEngine;

#define AT_ENGINE_ERROR (at_engine_error_quark ())
GQuark at_engine_error_quark (void);

typedef enum {
  AT_ENGINE_ERROR_MODEL,       /* the model folder is missing, damaged or inconsistent */
  AT_ENGINE_ERROR_NON_FINITE,  /* the model computed NaN or infinity */
} AtEngineError;

typedef struct {
  int variant, n_variants;   /* 0-based variant being made */
  int step, n_steps;         /* steps done in this variant */
  double elapsed_ms;
  double remaining_ms;       /* estimate for the whole request */
  AtImage *preview;          /* x0 prediction, or NULL; borrowed */
} AtProgress;

typedef void (*AtProgressFunc) (const AtProgress *progress, gpointer user_data);

/* device: NULL for the default choice; model_dir: NULL for the built-in
 * model ($ATELIER_MODEL_DIR, else the installed or source-tree copy). A
 * model that cannot be used is AT_ENGINE_ERROR_MODEL, whatever the cause
 * (missing file, bad JSON, wrong shape, NaN weights); the device's own
 * failures keep their AT_GPU_ERROR. */
AtEngine *at_engine_new (const char *device, const char *model_dir, GError **error);
void at_engine_free (AtEngine *engine);

AtGpu *at_engine_get_gpu (AtEngine *engine);
const char *at_engine_get_model_name (AtEngine *engine);
/* The folder the model was loaded from. */
const char *at_engine_get_model_dir (AtEngine *engine);
int at_engine_get_native_size (AtEngine *engine);
/* The model's tokenizer: which words of a prompt it reads (read-only, any
 * thread). */
AtTokenizer *at_engine_get_tokenizer (AtEngine *engine);
/* The model's recommended steps and guidance. */
void at_engine_get_defaults (AtEngine *engine, int *steps, float *guidance);
/* The few-step student's steps and guidance (request->fast); FALSE when
 * the model folder has no student. Read when the engine was made: never
 * waits for a run. */
gboolean at_engine_get_fast_defaults (AtEngine *engine, int *steps, float *guidance, GError **error);
/* Sets r to run on the student with its steps (its preview steps when
 * preview, for live mode) and guidance; FALSE (r as it was) when the
 * folder has none. */
gboolean at_engine_use_fast (AtEngine *engine, AtRequest *r, gboolean preview, GError **error);

AtResult *at_engine_generate (AtEngine *engine, const AtRequest *request,
                              AtProgressFunc progress, gpointer progress_data,
                              GCancellable *cancellable, GError **error);

/* Called with each finished image (borrowed) and its parameters text as
 * soon as it is done, on the generating thread with the engine held (it
 * may call the engine, e.g. to caption the image); FALSE (error set)
 * stops the run. */
typedef gboolean (*AtImageFunc) (guint index, const AtImage *image, const char *parameters, gpointer data,
                                 GError **error);

/* at_engine_generate() for many images without holding them: each gets
 * every image as it is done, and the result keeps only the first (for
 * previews and assets); its seeds, parameters and base images are all
 * there. */
AtResult *at_engine_generate_each (AtEngine *engine, const AtRequest *request,
                                   AtProgressFunc progress, gpointer progress_data,
                                   AtImageFunc each, gpointer each_data,
                                   GCancellable *cancellable, GError **error);

/* The upscale stage (upscale.h) with the engine's refiner, for an image
 * the engine made (an AtResult's base_images) at another size or
 * background than it was generated with: RGB on white, RGBA when
 * transparent. Waits for a running generation. */
AtImage *at_engine_upscale (AtEngine *engine, const AtImage *base, const AtImage *sketch, int size,
                            AtBackground background, GCancellable *cancellable, GError **error);
/* Which path the upscale stage takes, for the parameters text. */
const char *at_engine_describe_upscale (AtEngine *engine, AtBackground background);

/* progress is called on the thread-default main context of the caller. */
void at_engine_generate_async (AtEngine *engine, const AtRequest *request,
                               AtProgressFunc progress, gpointer progress_data,
                               GDestroyNotify progress_data_free, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data);
AtResult *at_engine_generate_finish (AtEngine *engine, GAsyncResult *result, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtEngine, at_engine_free)

G_END_DECLS
