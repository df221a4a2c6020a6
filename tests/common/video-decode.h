/* video-decode.h — reading a video file back with GStreamer's own
 * decoders (decodebin), for tests of what Atelier writes. */
#pragma once

#include "audio/audio-file.h"
#include "media/image.h"

G_BEGIN_DECLS

typedef struct {
  GPtrArray *frames;        /* AtImage*, RGB, every decoded frame in order */
  int width, height;
  int fps_n, fps_d;         /* the stream's frame rate */
  guint64 duration_ns;      /* end of the last video frame */
  AtAudio *audio;           /* mono at the stream's rate, or NULL without a sound track */
} TestVideo;

/* Decodes path, failing the test on any GStreamer error. */
TestVideo *test_video_decode (const char *path);
void test_video_free (TestVideo *v);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestVideo, test_video_free)

G_END_DECLS
