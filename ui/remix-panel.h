/* remix-panel.h — the Remix panel under the History: "this image − 'red'
 * + 'blue'". The source is the History image last restored; the panel
 * computes the remix on a worker (search/remix-request.h: the remixed
 * query's caption as the prompt, the source's outlines as the sketch) and
 * emits ::remixed with a request holding that prompt and sketch, which
 * the window runs as a generation whose result lands in the History.
 */
#pragma once

#include <gtk/gtk.h>

#include "engine.h"
#include "ui/application.h"

G_BEGIN_DECLS

#define AT_TYPE_REMIX_PANEL (at_remix_panel_get_type ())
G_DECLARE_FINAL_TYPE (AtRemixPanel, at_remix_panel, AT, REMIX_PANEL, GtkWidget)

GtkWidget *at_remix_panel_new (void);
/* NULL until the engine is loaded; app lent it (engine-hold.h). */
void at_remix_panel_set_engine (AtRemixPanel *self, AtApplication *app, AtEngine *engine);
/* The image to remix (copied; NULL: none). */
void at_remix_panel_set_source (AtRemixPanel *self, const AtImage *image);
/* As if typed into the two fields. */
void at_remix_panel_set_words (AtRemixPanel *self, const char *minus, const char *plus);
/* As a click on Remix: the status line says what is missing, if anything. */
void at_remix_panel_activate (AtRemixPanel *self);
gboolean at_remix_panel_is_busy (AtRemixPanel *self);
/* The line under the fields: what the remix reads as, or what was wrong. */
const char *at_remix_panel_get_status (AtRemixPanel *self);

G_END_DECLS
