/* atomic-file.h — writing a file so that it appears whole or not at all.
 *
 * at_atomic_file_new() opens an unnamed file in the target's folder
 * (O_TMPFILE on Linux, so a crash or kill -9 leaves nothing behind; where
 * the file system cannot, a hidden ".NAME.XXXXXX" beside it). The caller
 * writes through the descriptor; at_atomic_file_commit() syncs it and gives
 * it the target's name in one step (link, or rename over an existing file),
 * so readers see the old file or the new one, never half of one. Freeing
 * an uncommitted file discards it.
 *
 * What is at the target decides how it is written:
 *  - nothing, or a regular file: replaced atomically, keeping the old
 *    file's permissions; a symbolic link is followed, so the file it names
 *    is replaced and the link stays;
 *  - a character device or FIFO (/dev/null, /dev/stdout, a named pipe):
 *    the finished bytes are written into it at commit; it is never
 *    replaced by a regular file;
 *  - a folder, block device or socket: refused (G_FILE_ERROR).
 *
 * Errors are G_FILE_ERROR with the code of the errno behind them; messages
 * name the file.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _AtAtomicFile AtAtomicFile;

AtAtomicFile *at_atomic_file_new (const char *path, GError **error);
/* Discards the file unless it was committed. */
void at_atomic_file_free (AtAtomicFile *file);

/* Where the data goes until commit; do not close it. */
int at_atomic_file_get_fd (AtAtomicFile *file);
/* The path given to at_atomic_file_new(). */
const char *at_atomic_file_get_path (AtAtomicFile *file);
/* TRUE when the target is a device or FIFO that is written through. */
gboolean at_atomic_file_is_special (AtAtomicFile *file);

/* Writes len bytes at the current position. */
gboolean at_atomic_file_write_all (AtAtomicFile *file, const void *data, gsize len, GError **error);

/* Syncs the data and makes it the target. Once only. */
gboolean at_atomic_file_commit (AtAtomicFile *file, GError **error);

/* The whole of data as path, atomically (new + write + commit). */
gboolean at_atomic_file_set_contents (const char *path, const void *data, gsize len, GError **error);

/* Tests: behave as on a file system without O_TMPFILE. */
void at_atomic_file_set_no_tmpfile_for_testing (gboolean disable);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtAtomicFile, at_atomic_file_free)

G_END_DECLS
