/* window-private.h — what the UI tests reach into; not for other widgets. */
#pragma once

#include "engine.h"
#include "ui/preview.h"
#include "ui/project.h"
#include "ui/sketch-canvas.h"
#include "ui/window.h"

G_BEGIN_DECLS

AtSketchCanvas *at_window_get_canvas (AtWindow *self);
AtPreview *at_window_get_preview (AtWindow *self);
GtkProgressBar *at_window_get_progress_bar (AtWindow *self);
void at_window_set_prompt (AtWindow *self, const char *prompt);
void at_window_set_negative (AtWindow *self, const char *negative);
/* Steps, seed (and locks it), variants. */
void at_window_set_params (AtWindow *self, int steps, guint64 seed, int count);
gboolean at_window_is_generating (AtWindow *self);
/* TRUE once the engine is loaded, or failed (then error is set). */
gboolean at_window_engine_settled (AtWindow *self, const GError **error);
/* Loads on a worker; the voice row shows it when done. */
void at_window_load_voice (AtWindow *self, GFile *file);
const char *at_window_get_voice_label (AtWindow *self);
/* The last toast's text, or NULL. */
const char *at_window_get_last_toast (AtWindow *self);
/* The request the controls describe now (sketch rendered). */
AtRequest *at_window_build_request (AtWindow *self);
guint at_window_get_history_length (AtWindow *self);
/* The parameters text of the image on show, or NULL. */
const char *at_window_get_current_parameters (AtWindow *self);

gboolean at_window_save_to (AtWindow *self, GFile *file, GError **error);
gboolean at_window_open_file (AtWindow *self, GFile *file, GError **error);
gboolean at_window_export_png (AtWindow *self, GFile *file, int scale, GError **error);
gboolean at_window_get_dirty (AtWindow *self);

G_END_DECLS
