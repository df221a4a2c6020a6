/* history-export.h — History images written into a folder: each as a PNG
 * with its "parameters" text (as the single Export writes it), under a
 * name that says where it stands in the History, what it shows and its
 * seed ("03-a-red-fox-11.png"), never the name of a file already there
 * ("03-a-red-fox-11-2.png" then), each atomically; with an engine, each
 * with its tags too.
 *
 * An AtHistoryExport holds its own copies of the images and texts, so a
 * worker can write them while the History changes; nothing here touches
 * a widget.
 */
#pragma once

#include <gio/gio.h>

#include "ui/engine-hold.h"
#include "ui/history-item.h"

G_BEGIN_DECLS

typedef struct _AtHistoryExport AtHistoryExport;

AtHistoryExport *at_history_export_new (const char *folder);
void at_history_export_free (AtHistoryExport *job);
/* item is number (1 = the oldest) of n_items in the History: the number
 * leads its file name, padded to the width of n_items so that names sort
 * as the History does. Copies what it needs. */
void at_history_export_add (AtHistoryExport *job, const AtHistoryItem *item, guint number, guint n_items);
guint at_history_export_get_n_images (const AtHistoryExport *job);
const char *at_history_export_get_folder (const AtHistoryExport *job);
/* Takes hold: each PNG then also carries its tags (a Description chunk and
 * XMP keywords, search/tagged-asset.h), captioned by the held engine. */
void at_history_export_set_tagger (AtHistoryExport *job, AtEngineHold *hold);

/* Writes the images in order. Stops at the first failure (or when
 * cancelled) with error set; *n_written says how many files were written
 * either way. */
gboolean at_history_export_run (AtHistoryExport *job, GCancellable *cancellable, guint *n_written, GError **error);

/* The same on a worker; takes job. */
void at_history_export_async (AtHistoryExport *job, GCancellable *cancellable, GAsyncReadyCallback callback,
                              gpointer user_data);
gboolean at_history_export_finish (GAsyncResult *result, guint *n_written, GError **error);

/* The file name stem for item ("03-a-red-fox-11"): its number, the first
 * words of its prompt in lower-case ASCII, its seed. */
char *at_history_export_stem (const AtHistoryItem *item, guint number, guint n_items);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtHistoryExport, at_history_export_free)

G_END_DECLS
