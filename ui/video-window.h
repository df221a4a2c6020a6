/* video-window.h — the Video window: a clip's keyframes (added from the
 * studio's current prompt, sketch and seed, retimed, deleted), its frame
 * rate, size and hold, Render with progress and cancel, a looping player
 * of the rendered clip, and Export to WebM, GIF or PNG frames.
 *
 * Rendering and writing run on workers (engine/animation.h,
 * media/video-writer.h); the window keeps its AtAnimator, so rendering
 * again after changing one keyframe redoes only the frames it touches. */
#pragma once

#include <adwaita.h>

#include "engine.h"
#include "media/clip.h"
#include "ui/application.h"

G_BEGIN_DECLS

#define AT_TYPE_VIDEO_WINDOW (at_video_window_get_type ())
G_DECLARE_FINAL_TYPE (AtVideoWindow, at_video_window, AT, VIDEO_WINDOW, AdwWindow)

/* engine: the application's (it outlives the window). */
AtVideoWindow *at_video_window_new (GtkWindow *parent, AtApplication *app, AtEngine *engine);

/* A keyframe from a request's prompt, sketch and seed at time seconds;
 * the first one's steps, guidance and sampler are the clip's. */
void at_video_window_add_keyframe (AtVideoWindow *self, const AtRequest *request, double seconds);
guint at_video_window_get_n_keyframes (AtVideoWindow *self);
void at_video_window_set_clip (AtVideoWindow *self, int fps, int size, double hold);
/* The keyframes and settings of clip (copied), as a project saved them;
 * params: the request of the clip's settings (the studio's controls).
 * Emits no "changed". */
void at_video_window_set_keyframes (AtVideoWindow *self, const AtClip *clip, const AtRequest *params);
/* The keyframes and settings as a new clip (duration: the last keyframe's
 * time plus the hold). "changed" (void (*) (AtVideoWindow *, gpointer))
 * says when the user changed them. */
AtClip *at_video_window_dup_clip (AtVideoWindow *self);

/* As the Render and Cancel buttons. */
void at_video_window_render (AtVideoWindow *self);
void at_video_window_cancel (AtVideoWindow *self);
gboolean at_video_window_is_rendering (AtVideoWindow *self);
/* The WebM the player shows, or NULL before a render. */
const char *at_video_window_get_preview_path (AtVideoWindow *self);
/* The progress bar's line. */
const char *at_video_window_get_status (AtVideoWindow *self);

/* Writes the rendered clip to file (by its extension) on a worker. */
void at_video_window_export_async (AtVideoWindow *self, GFile *file, GAsyncReadyCallback callback,
                                   gpointer user_data);
gboolean at_video_window_export_finish (AtVideoWindow *self, GAsyncResult *result, GError **error);

G_END_DECLS
