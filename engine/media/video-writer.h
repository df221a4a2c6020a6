/* video-writer.h — a clip's frames (and a sound track) into a file: WebM
 * (VP8 video, Opus audio, through GStreamer), animated GIF (giflib, one
 * palette for the whole clip, looping) or a folder of PNG frames.
 *
 * Frames come from a callback, one at a time in order, so a long clip is
 * never all in memory at its full size. Every file is written atomically:
 * WebM to a temporary file beside the target, renamed when complete; GIF
 * in memory, then g_file_set_contents_full(); each PNG frame by
 * at_image_save_png(). A failed or cancelled write leaves an existing file
 * as it was and no temporary behind.
 */
#pragma once

#include <gio/gio.h>

#include "audio/audio-file.h"
#include "media/image.h"

G_BEGIN_DECLS

#define AT_VIDEO_ERROR (at_video_error_quark ())
GQuark at_video_error_quark (void);

typedef enum {
  AT_VIDEO_ERROR_FORMAT,      /* an output name this writer cannot make */
  AT_VIDEO_ERROR_WRITE,       /* the file or folder could not be written */
  AT_VIDEO_ERROR_ENCODER,     /* a GStreamer element is missing or failed */
} AtVideoError;

/* Frame index as a new RGB image of the source's width × height. */
typedef AtImage *(*AtVideoFrameFunc) (guint index, gpointer data);

typedef struct {
  guint n_frames;
  int fps;
  int width, height;
  AtVideoFrameFunc frame;
  gpointer data;
  const AtAudio *audio;    /* the sound track, or NULL (WebM only) */
} AtVideoSource;

typedef enum {
  AT_VIDEO_WEBM,
  AT_VIDEO_GIF,
  AT_VIDEO_FRAMES,         /* a folder of frame-0001.png, ... */
} AtVideoFormat;

/* WebM for ".webm", GIF for ".gif", frames for a name ending in '/' (or
 * an existing folder); otherwise FALSE with a message naming the choices. */
gboolean at_video_format_from_path (const char *path, AtVideoFormat *format, GError **error);

gboolean at_video_write_webm (const AtVideoSource *source, const char *path, GCancellable *cancellable,
                              GError **error);
gboolean at_video_write_gif (const AtVideoSource *source, const char *path, GCancellable *cancellable,
                             GError **error);
/* Makes the folder when missing. */
gboolean at_video_write_frames (const AtVideoSource *source, const char *folder, GCancellable *cancellable,
                                GError **error);
/* By the path's format. */
gboolean at_video_write (const AtVideoSource *source, const char *path, GCancellable *cancellable,
                         GError **error);

G_END_DECLS
