/* cli-generate-sd.h — `atelier generate --model NAME|FILE`: a user's own
 * Stable Diffusion checkpoint (engine/sd/sd-pipeline.h) from the command
 * line. cli-generate.c parses the flags and opens the outputs. */
#pragma once

#include <glib.h>

#include "media/output-set.h"

typedef struct {
  const char *model, *prediction;
  const char *prompt, *negative, *init, *sketch, *sampler, *device;
  /* as typed, NULL when not given */
  const char *seed_text, *steps_text, *guidance_text, *size_text, *strength_text;
  guint64 seed;
  gint64 steps, size;
  double guidance, strength;
  int count;
  gboolean json, quiet;
  const char *unused;   /* the first option given that --model does not take, or NULL */
  const char *controlnet, *control_strength_text;   /* NULL when not given */
} AtCliSdOptions;

/* Runs the checkpoint for each of outputs' images (seed + i for image i)
 * and writes them; the exit code. */
int at_cli_generate_sd (const AtCliSdOptions *o, AtOutputSet *outputs);
