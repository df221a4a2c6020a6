/* sd-manifest.h — the tensor manifests of real SD checkpoints
 * (tests/data/sd/KIND.manifest.gz, made by tools/sd/make-manifests.py from
 * the original code) as tables the detector reads, and as sparse
 * .safetensors files of the real size whose data is all holes. */
#pragma once

#include <glib.h>

#include "model/safetensors.h"

typedef struct {
  GPtrArray *infos;      /* AtSafetensorsInfo*, owned, names owned */
} SdManifest;

SdManifest *sd_manifest_load (const char *kind);
void sd_manifest_free (SdManifest *m);
/* An empty one, to add to. */
SdManifest *sd_manifest_new (void);
/* A deep copy, to mutate. */
SdManifest *sd_manifest_copy (const SdManifest *m);
/* name -> AtSafetensorsInfo* over m (m owns them). */
GHashTable *sd_manifest_table (const SdManifest *m);
AtSafetensorsInfo *sd_manifest_find (const SdManifest *m, const char *name);
/* Removes every tensor whose name starts with prefix; returns how many. */
guint sd_manifest_remove_prefix (SdManifest *m, const char *prefix);
/* Adds a tensor (ndim <= 4). */
void sd_manifest_add (SdManifest *m, const char *name, const char *dtype_name, guint ndim, const gint64 *shape);
/* Every floating-point tensor stored as dtype_name ("F16", "BF16", "F32"). */
void sd_manifest_set_float_dtype (SdManifest *m, const char *dtype_name);
void sd_manifest_set_dtype (AtSafetensorsInfo *info, const char *dtype_name);

/* Writes m as a .safetensors file of the full size: header, then a hole
 * (ftruncate) for the data, so no disk space is used; the tensor called
 * fill_name (or none) gets fill_values (numel floats; its dtype must be F32). */
void sd_manifest_write_sparse (const SdManifest *m, const char *path, const char *fill_name,
                               const float *fill_values);

/* The values (numel floats, g_free()d by the writer; the dtype must be
 * F32, or F16: rounded to binary16 by the writer) of a tensor, or NULL to
 * leave it a hole: zeros. */
typedef float *(*SdManifestFill) (const AtSafetensorsInfo *info, gpointer data);
/* The same, each tensor filled by fill. */
void sd_manifest_write_sparse_with (const SdManifest *m, const char *path, SdManifestFill fill, gpointer data);

/* The SD-Turbo manifest in F16 written sparse to path, but for the UNet
 * tensor that decides v-prediction (sd-checkpoint.h): F32 values ±std, so
 * its population deviation is exactly std. */
void sd_manifest_write_turbo (const char *path, double std);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdManifest, sd_manifest_free)
