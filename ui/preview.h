/* preview.h — shows a generated image, crisp (nearest) or smooth, fitted to
 * the widget or at 1:1. Holds its own copy of the image. */
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
void at_preview_set_fit (AtPreview *self, gboolean fit);

G_END_DECLS
