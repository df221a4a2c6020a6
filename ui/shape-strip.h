/* shape-strip.h — a row of shape suggestions under the canvas.
 *
 * Up to eight small drawings from the shape library: from the prompt when
 * the canvas is empty, from the doodle otherwise (AutoDraw). The strip
 * asks the engine on a worker thread a moment after the last edit
 * (at_shape_strip_update()), cancelling a question still running, and
 * shows the prompt's words that name no shape. Activating a drawing emits
 * ::shape-chosen with the shape's index in the default library; the
 * window turns it into strokes. A check button says whether a text-only
 * prompt's shape guides generation (the shape prior).
 */
#pragma once

#include <gtk/gtk.h>

#include "engine.h"
#include "media/image.h"
#include "ui/application.h"

G_BEGIN_DECLS

#define AT_TYPE_SHAPE_STRIP (at_shape_strip_get_type ())
G_DECLARE_FINAL_TYPE (AtShapeStrip, at_shape_strip, AT, SHAPE_STRIP, GtkWidget)

GtkWidget *at_shape_strip_new (void);
/* NULL hides the suggestions until an engine is set; app lent it, and each
 * suggestion holds it through app while it runs. */
void at_shape_strip_set_engine (AtShapeStrip *self, AtApplication *app, AtEngine *engine);
/* Suggestions for doodle (taken; NULL when the canvas is empty) or else
 * prompt, after a short pause. */
void at_shape_strip_update (AtShapeStrip *self, const char *prompt, AtImage *doodle);
/* Shapes on show (for tests): their library indices, best first. */
GArray *at_shape_strip_get_shapes (AtShapeStrip *self);
/* A line under the suggestions (until the next ones arrive). */
void at_shape_strip_set_note (AtShapeStrip *self, const char *note);
const char *at_shape_strip_get_note (AtShapeStrip *self);
gboolean at_shape_strip_get_use_prior (AtShapeStrip *self);
void at_shape_strip_set_use_prior (AtShapeStrip *self, gboolean use);

G_END_DECLS
