/* sd-library.h — the user's own Stable Diffusion models: checkpoint files
 * kept (copied, or linked to where they are) in
 * $XDG_DATA_HOME/atelier/models, one NAME.safetensors each.
 *
 * A file is added only when at_sd_checkpoint_open() accepts it, so the
 * library holds runnable checkpoints; the refusal carries the loader's
 * message. Copies are written atomically (media/atomic-file.h) and keep
 * holes of sparse files as holes. Removing a linked model removes the
 * link, never the file it points to.
 */
#pragma once

#include <gio/gio.h>

#include "sd/sd-checkpoint.h"

G_BEGIN_DECLS

typedef struct {
  char *name;          /* file name without ".safetensors" */
  char *path;          /* in the library folder */
  char *target;        /* what a link points to; NULL for a copy */
  char *kind;          /* AtSdArch's kind_name; NULL when unreadable */
  AtSdArch arch;       /* with kind: what was recognised (a ControlNet's fit, sd-control.h) */
  AtSdPrediction prediction;
  guint64 size;        /* bytes of the checkpoint */
  char *problem;       /* why it cannot be opened now (a moved link target, ...) or NULL */
} AtSdLibraryEntry;

void at_sd_library_entry_free (AtSdLibraryEntry *entry);

/* $XDG_DATA_HOME/atelier/models (not created). */
char *at_sd_library_dir (void);

/* Every model in the library, sorted by name (AtSdLibraryEntry*); empty
 * when the folder does not exist. */
GPtrArray *at_sd_library_list (GError **error);

/* The index of the entry called name in entries (AtSdLibraryEntry*), or
 * -1. */
gint at_sd_library_find (GPtrArray *entries, const char *name);

/* Checks file, then copies it (or, with link, symlinks it by absolute
 * path) into the library under its base name. Refuses a name already
 * there (G_IO_ERROR_EXISTS). */
AtSdLibraryEntry *at_sd_library_add (const char *file, gboolean link, GCancellable *cancellable, GError **error);

/* Removes the model called name (G_IO_ERROR_NOT_FOUND when none). */
gboolean at_sd_library_remove (const char *name, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtSdLibraryEntry, at_sd_library_entry_free)

G_END_DECLS
