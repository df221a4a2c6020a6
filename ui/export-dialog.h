/* export-dialog.h — the Export dialog: format (PNG, SVG, WebP, icon set),
 * size and background, with a preview of exactly what will be written.
 *
 * The dialog takes the model's image (native size) and its parameters;
 * every change of choice renders the asset on a worker (the engine's
 * upscale stage, then the vectoriser for SVG, rendered back for the
 * preview), cancelling the one before. Export asks where to write and
 * writes on a worker, atomically (media/asset.h). The choices are
 * remembered in the settings (export-format, export-size,
 * export-background) when settings are given.
 */
#pragma once

#include <adwaita.h>

#include "engine.h"
#include "media/asset.h"

G_BEGIN_DECLS

#define AT_TYPE_EXPORT_DIALOG (at_export_dialog_get_type ())
G_DECLARE_FINAL_TYPE (AtExportDialog, at_export_dialog, AT, EXPORT_DIALOG, AdwWindow)

/* engine: kept alive by the caller while the dialog is open; settings
 * may be NULL; name_hint: the file name offered, without extension. */
AtExportDialog *at_export_dialog_new (GtkWindow *parent, AtEngine *engine, const AtImage *base,
                                      const char *parameters, const char *name_hint, GSettings *settings);

void at_export_dialog_set_choice (AtExportDialog *self, AtAssetFormat format, int size, AtBackground background);
void at_export_dialog_get_choice (AtExportDialog *self, AtAssetFormat *format, int *size, AtBackground *background);
/* TRUE while the preview is being rendered. */
gboolean at_export_dialog_is_busy (AtExportDialog *self);
/* The image the preview shows (for SVG, the SVG rendered back), or NULL. */
const AtImage *at_export_dialog_get_preview_image (AtExportDialog *self);
/* The line under the preview ("SVG · 256 × 256 · 8 colours, …"). */
const char *at_export_dialog_get_summary (AtExportDialog *self);

/* Writes the current choice to file (for an icon set, a folder of that
 * name) on a worker; then emits "exported" with a message for the user
 * (success or what went wrong) and, on success, closes the dialog. */
void at_export_dialog_export (AtExportDialog *self, GFile *file);

G_END_DECLS
