/* sd-pipeline.h — a user's Stable Diffusion checkpoint run end to end:
 * its networks loaded once (CLIP text tower, UNet, VAE decoder; the VAE
 * encoder on the first img2img run), then per image: the prompt and the
 * negative prompt tokenized in AUTOMATIC1111's 75-token chunks (the
 * shorter padded with empty windows to the longer's count), the text
 * tower, the sampler (sd-generate.h), the VAE decoder, an RGB image.
 *
 * img2img (an init image, the studio's sketch or --init): the image
 * resized to the run's size, through the VAE encoder; the latent is the
 * posterior's mean (ldm's mode()) · 0.18215, noised to the sigma where
 * the last int(strength · steps) + 1 steps begin.
 *
 * With a ControlNet (sd-control.h): the run's sketch made a scribble hint
 * at the run's size (sd-hint.h), the ControlNet's residuals added to the
 * UNet's at every step, scaled by the run's control strength.
 *
 * Nothing here checks memory: sd-memory.h does, before the networks are
 * loaded.
 */
#pragma once

#include "media/image.h"
#include "sd/sd-checkpoint.h"
#include "sd/sd-generate.h"

G_BEGIN_DECLS

#define AT_SD_SIZE_MULTIPLE 64
#define AT_SD_SIZE_MAX 1024

/* A ControlNet guiding a run. */
typedef struct {
  AtSdControlNet *net;       /* NULL: none */
  const char *name;          /* its model name, for the parameters text */
  const AtImage *sketch;     /* the hint's source: dark strokes on light */
  float strength;            /* 0 to AT_SD_CONTROL_MAX_STRENGTH; 1 as trained */
} AtSdRunControl;

typedef struct {
  const char *prompt;
  const char *negative;      /* NULL: none */
  guint size;                /* px, square, a multiple of 64 up to 1024 */
  guint steps;
  AtSdSamplerKind sampler;
  AtSdSigmasKind sigmas;
  float guidance;            /* 1: no guidance (the prompt alone, one UNet pass a step) */
  guint32 seed;
  const AtImage *init;       /* NULL, or the starting image */
  float strength;            /* with init: how much of it is repainted, (0, 1] */
  AtSdRunControl control;
} AtSdRun;

/* Checks run's numbers; the message names the bad one
 * (AT_SD_ERROR_INVALID). */
gboolean at_sd_run_validate (const AtSdRun *run, GError **error);

/* The PNG "parameters" text, as AUTOMATIC1111 writes it. */
char *at_sd_run_describe (const AtSdRun *run, const char *model_name);

typedef struct _AtSdPipeline AtSdPipeline;

/* Loads ckpt's networks (it must be an SD 1.x/2.x checkpoint, not a
 * ControlNet); takes ckpt, and frees it on failure too. */
AtSdPipeline *at_sd_pipeline_new (AtGpu *gpu, AtSdCheckpoint *ckpt, GError **error);
void at_sd_pipeline_free (AtSdPipeline *p);
AtSdCheckpoint *at_sd_pipeline_get_checkpoint (AtSdPipeline *p);

/* One image (3 channels, run->size square). progress is called after each
 * step; cancellable between steps. */
AtImage *at_sd_pipeline_generate (AtSdPipeline *p, const AtSdRun *run, AtSdStepFunc progress, gpointer user_data,
                                  GCancellable *cancellable, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtSdPipeline, at_sd_pipeline_free)

G_END_DECLS
