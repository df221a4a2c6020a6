/* preview.h — shows a generated image, crisp (nearest) or smooth, fitted to
 * the widget or at 1:1. Holds its own copy of the image. A refined
 * rendering of the same image (the upscale stage's, e.g. 256 px) can be
 * laid over it for display only: at_preview_get_image () stays the model's
 * image. Images with alpha are drawn over a checkerboard. */
#pragma once

#include <gtk/gtk.h>

#include "media/image.h"

G_BEGIN_DECLS

#define AT_TYPE_PREVIEW (at_preview_get_type ())
G_DECLARE_FINAL_TYPE (AtPreview, at_preview, AT, PREVIEW, GtkWidget)

GtkWidget *at_preview_new (void);
/* Copies img; NULL shows the empty state. */
void at_preview_set_image (AtPreview *self, const AtImage *img);
const AtImage *at_preview_get_image (AtPreview *self);
/* Bumped on each set_image: tests and the window watch it. */
guint at_preview_get_serial (AtPreview *self);
void at_preview_set_smooth (AtPreview *self, gboolean smooth);
/* Shows refined (copied) in place of the image while the image is the one
 * set when at_preview_get_serial () returned serial; a stale serial is
 * ignored. NULL goes back to the image itself. */
void at_preview_set_refined (AtPreview *self, const AtImage *refined, guint serial);
/* The refined image on show, or NULL. */
const AtImage *at_preview_get_refined (AtPreview *self);
void at_preview_set_fit (AtPreview *self, gboolean fit);

G_END_DECLS
