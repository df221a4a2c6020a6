/* output-set.h — the files one command writes, as one unit.
 *
 * Every output is added (checked and opened, see atomic-file.h) before any
 * work starts, so a wrong path fails at once and costs nothing; the work
 * writes each through its AtAtomicFile; at_output_set_commit() names them
 * all only when every one was written. Freeing an uncommitted set leaves
 * no file behind and every existing file as it was.
 */
#pragma once

#include "media/atomic-file.h"

G_BEGIN_DECLS

typedef struct _AtOutputSet AtOutputSet;

AtOutputSet *at_output_set_new (void);
void at_output_set_free (AtOutputSet *set);

/* Checks and opens path; what names it in messages (e.g. "-o", "--srt").
 * Two outputs naming the same regular file are refused (G_FILE_ERROR_EXIST);
 * devices and FIFOs may take several. The file belongs to the set. */
AtAtomicFile *at_output_set_add (AtOutputSet *set, const char *what, const char *path, GError **error);

guint at_output_set_get_length (AtOutputSet *set);
AtAtomicFile *at_output_set_get (AtOutputSet *set, guint index);

/* Commits every file in the order added. */
gboolean at_output_set_commit (AtOutputSet *set, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtOutputSet, at_output_set_free)

G_END_DECLS
