/* sd-fill.h — weights generated from their names, bit for bit as
 * tools/sd/goldenlib.py fill() makes them for the reference (the rule is
 * written there), so golden files store only inputs, outputs and the
 * list of weight names and shapes (metadata "tensors"). */
#pragma once

#include <glib.h>

#include "model/safetensors.h"

/* The n_out floats of tensor name with shape. */
float *sd_fill (const char *name, guint ndim, const gint64 *shape, gsize *n_out);

/* Every weight golden's "tensors" metadata lists, generated, written as a
 * checkpoint file_name in the test's scratch folder; returns its path. */
char *sd_fill_write_weights (AtSafetensors *golden, const char *file_name);

/* tests/data/sd/golden_name, opened; and, with weights non-NULL, the
 * checkpoint of its weights written as sd_fill_write_weights() does into
 * weights_name and opened into *weights. */
AtSafetensors *sd_fill_open_golden (const char *golden_name, const char *weights_name, AtSafetensors **weights);
