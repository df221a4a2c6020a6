/* autosave.h — where the studio keeps unsaved work between saves, so that a
 * crash or kill -9 loses no more than the last few minutes.
 *
 * Each window writing autosaves has a slot in $XDG_STATE_HOME/atelier/autosave/:
 * "ID.atelier", an ordinary project file (project.h) whose "autosave_of"
 * names the project's own file, and "ID.lock", which the slot's holder keeps
 * locked (flock) for as long as it lives. The kernel drops the lock when the
 * process dies however it dies, so a project file whose lock is free was left
 * by a studio that did not close cleanly: an orphan, offered for recovery at
 * the next start. A slot never touches the user's own project file.
 *
 * An AtAutosave is owned by whoever created or claimed it; freeing it
 * releases the lock (and removes the lock file once the project file is
 * gone).
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _AtAutosave AtAutosave;

/* $XDG_STATE_HOME/atelier/autosave (not created). */
char *at_autosave_dir (void);

/* A new, empty slot, locked; the folder is made if needed. */
AtAutosave *at_autosave_new (GError **error);
/* The newest orphan, locked now by the caller; NULL when there is none. */
AtAutosave *at_autosave_claim_orphan (void);
void at_autosave_free (AtAutosave *slot);

/* The slot's project file (it may not exist yet). */
GFile *at_autosave_get_file (AtAutosave *slot);
/* Deletes the project file, if any; the slot stays usable. */
void at_autosave_remove (AtAutosave *slot);
/* Renames a damaged project file to "ID.damaged-DATE.atelier" beside it, out of
 * the way of recovery but kept for the user; returns the new path. */
char *at_autosave_set_aside (AtAutosave *slot, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtAutosave, at_autosave_free)

G_END_DECLS
