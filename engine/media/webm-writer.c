/* webm-writer.c — frames and a sound track into WebM through GStreamer:
 * appsrc ! videoconvert ! vp8enc ! webmmux, appsrc ! audioconvert !
 * audioresample ! opusenc ! the same mux, into a temporary file that
 * replaces the target only when the muxer has finished it. */
#define G_LOG_DOMAIN "atelier-media"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gst/app/gstappsrc.h>
#include <gst/gst.h>

#include "media/video-writer.h"

typedef struct {
  GstElement *pipeline;
  GstAppSrc *video, *audio;
  gsize audio_sent;      /* samples pushed so far */
} Encoder;

static void
encoder_clear (Encoder *e)
{
  if (e->pipeline != NULL)
    gst_element_set_state (e->pipeline, GST_STATE_NULL);
  g_clear_object (&e->video);
  g_clear_object (&e->audio);
  g_clear_object (&e->pipeline);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Encoder, encoder_clear)

static gboolean
encoder_error (GError **error, const char *what, const GError *cause)
{
  g_set_error (error, AT_VIDEO_ERROR, AT_VIDEO_ERROR_ENCODER,
               "%s: %s (the WebM writer needs GStreamer's vp8enc and webmmux from gstreamer1.0-plugins-good "
               "and opusenc from gstreamer1.0-plugins-base)", what, cause->message);
  return FALSE;
}

/* Quality rather than speed: clips are short and small. */
static char *
pipeline_description (const AtVideoSource *s, const char *tmp)
{
  int bitrate = MAX (256000, s->width * s->height * s->fps / 2);
  g_autofree char *location = g_strescape (tmp, NULL);
  GString *d = g_string_new (NULL);
  g_string_append_printf (d,
                          "appsrc name=video format=time block=true max-bytes=8000000 ! videoconvert ! "
                          "vp8enc deadline=1 cpu-used=2 target-bitrate=%d keyframe-max-dist=%d ! queue ! "
                          "webmmux name=mux ! filesink location=\"%s\"",
                          bitrate, MAX (1, s->fps * 2), location);
  if (s->audio != NULL)
    g_string_append (d, " appsrc name=audio format=time block=true max-bytes=2000000 ! audioconvert ! "
                        "audioresample ! opusenc bitrate=64000 ! queue ! mux.");
  return g_string_free (d, FALSE);
}

static gboolean
encoder_start (Encoder *e, const AtVideoSource *s, const char *tmp, GError **error)
{
  g_autoptr (GError) local = NULL;
  if (!gst_init_check (NULL, NULL, &local))
    return encoder_error (error, "GStreamer cannot start", local);
  g_autofree char *description = pipeline_description (s, tmp);
  e->pipeline = gst_parse_launch (description, &local);
  if (e->pipeline == NULL || local != NULL)
    return encoder_error (error, "Cannot build the WebM encoder", local);
  gst_object_ref_sink (e->pipeline);
  e->video = GST_APP_SRC (gst_bin_get_by_name (GST_BIN (e->pipeline), "video"));
  g_autoptr (GstCaps) vcaps = gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING, "RGB", "width", G_TYPE_INT,
                                                   s->width, "height", G_TYPE_INT, s->height, "framerate",
                                                   GST_TYPE_FRACTION, s->fps, 1, "pixel-aspect-ratio",
                                                   GST_TYPE_FRACTION, 1, 1, NULL);
  gst_app_src_set_caps (e->video, vcaps);
  if (s->audio != NULL)
    {
      e->audio = GST_APP_SRC (gst_bin_get_by_name (GST_BIN (e->pipeline), "audio"));
      g_autoptr (GstCaps) acaps = gst_caps_new_simple ("audio/x-raw", "format", G_TYPE_STRING, "F32LE", "layout",
                                                       G_TYPE_STRING, "interleaved", "rate", G_TYPE_INT,
                                                       s->audio->rate, "channels", G_TYPE_INT, 1, NULL);
      gst_app_src_set_caps (e->audio, acaps);
    }
  if (gst_element_set_state (e->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_set_error_literal (error, AT_VIDEO_ERROR, AT_VIDEO_ERROR_ENCODER, "The WebM encoder would not start");
      return FALSE;
    }
  return TRUE;
}

/* The first error the pipeline posted, if any, without waiting. */
static gboolean
encoder_check (Encoder *e, GError **error)
{
  g_autoptr (GstBus) bus = gst_element_get_bus (e->pipeline);
  g_autoptr (GstMessage) msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  if (msg == NULL)
    return TRUE;
  g_autoptr (GError) cause = NULL;
  gst_message_parse_error (msg, &cause, NULL);
  return encoder_error (error, "Encoding the WebM failed", cause);
}

static gboolean
push (GstAppSrc *src, GstBuffer *buffer, GError **error)
{
  GstFlowReturn flow = gst_app_src_push_buffer (src, buffer);
  if (flow != GST_FLOW_OK)
    {
      g_set_error (error, AT_VIDEO_ERROR, AT_VIDEO_ERROR_ENCODER, "The WebM encoder stopped taking data (%s)",
                   gst_flow_get_name (flow));
      return FALSE;
    }
  return TRUE;
}

/* Sound up to time `until` (ns), so that the muxer gets both streams in
 * step and never waits on one that is not coming. */
static gboolean
push_audio_until (Encoder *e, const AtAudio *audio, GstClockTime until, GError **error)
{
  if (e->audio == NULL)
    return TRUE;
  gsize end = MIN (audio->n, gst_util_uint64_scale (until, audio->rate, GST_SECOND));
  if (end <= e->audio_sent)
    return TRUE;
  gsize n = end - e->audio_sent;
  GstBuffer *buf = gst_buffer_new_memdup (audio->samples + e->audio_sent, n * sizeof (float));
  GST_BUFFER_PTS (buf) = gst_util_uint64_scale (e->audio_sent, GST_SECOND, audio->rate);
  GST_BUFFER_DURATION (buf) = gst_util_uint64_scale (n, GST_SECOND, audio->rate);
  e->audio_sent = end;
  return push (e->audio, buf, error);
}

static gboolean
push_frame (Encoder *e, const AtVideoSource *s, guint k, GError **error)
{
  g_autoptr (AtImage) frame = s->frame (k, s->data);
  g_autoptr (AtImage) rgb = frame->channels == 3 ? NULL : at_image_convert (frame, 3);
  const AtImage *img = rgb != NULL ? rgb : frame;
  g_return_val_if_fail ((int) img->width == s->width && (int) img->height == s->height, FALSE);
  /* GStreamer's RGB rows are padded to 4 bytes */
  gsize stride = GST_ROUND_UP_4 (img->width * 3);
  GstBuffer *buf = gst_buffer_new_allocate (NULL, stride * img->height, NULL);
  GstMapInfo map;
  gst_buffer_map (buf, &map, GST_MAP_WRITE);
  for (guint y = 0; y < img->height; y++)
    memcpy (map.data + y * stride, img->pixels + (gsize) y * img->width * 3, img->width * 3);
  gst_buffer_unmap (buf, &map);
  GST_BUFFER_PTS (buf) = gst_util_uint64_scale (k, GST_SECOND, s->fps);
  GST_BUFFER_DURATION (buf) = gst_util_uint64_scale (k + 1, GST_SECOND, s->fps) - GST_BUFFER_PTS (buf);
  return push (e->video, buf, error);
}

static gboolean
encoder_finish (Encoder *e, GError **error)
{
  gst_app_src_end_of_stream (e->video);
  if (e->audio != NULL)
    gst_app_src_end_of_stream (e->audio);
  g_autoptr (GstBus) bus = gst_element_get_bus (e->pipeline);
  g_autoptr (GstMessage) msg = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE,
                                                           GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR)
    {
      g_autoptr (GError) cause = NULL;
      gst_message_parse_error (msg, &cause, NULL);
      return encoder_error (error, "Encoding the WebM failed", cause);
    }
  gst_element_set_state (e->pipeline, GST_STATE_NULL);
  return TRUE;
}

static gboolean
encode (const AtVideoSource *s, const char *tmp, GCancellable *cancellable, GError **error)
{
  g_auto (Encoder) e = { 0 };
  if (!encoder_start (&e, s, tmp, error))
    return FALSE;
  for (guint k = 0; k < s->n_frames; k++)
    {
      GstClockTime end = gst_util_uint64_scale (k + 1, GST_SECOND, s->fps);
      if (g_cancellable_set_error_if_cancelled (cancellable, error) || !encoder_check (&e, error) ||
          !push_audio_until (&e, s->audio, end, error) || !push_frame (&e, s, k, error))
        return FALSE;
    }
  return push_audio_until (&e, s->audio, GST_CLOCK_TIME_NONE - 1, error) && encoder_finish (&e, error);
}

/* A new empty file beside path, for the encoder to fill. */
static char *
temp_beside (const char *path, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *tmp_name = g_strdup_printf (".%s.XXXXXX", base);
  g_autofree char *tmp = g_build_filename (dir, tmp_name, NULL);
  int fd = g_mkstemp_full (tmp, O_RDWR | O_CLOEXEC, 0666);
  if (fd < 0)
    {
      int saved = errno;
      g_autofree char *name = g_filename_display_name (path);
      g_set_error (error, AT_VIDEO_ERROR, AT_VIDEO_ERROR_WRITE, "Cannot write “%s”: %s", name, g_strerror (saved));
      return NULL;
    }
  close (fd);
  return g_steal_pointer (&tmp);
}

/* fsync, so that the rename never exposes a file still in the page cache */
static gboolean
commit (const char *tmp, const char *path, GError **error)
{
  int fd = g_open (tmp, O_RDONLY | O_CLOEXEC, 0);
  gboolean ok = fd >= 0 && fsync (fd) == 0;
  int saved = errno;
  if (fd >= 0)
    close (fd);
  if (ok && g_rename (tmp, path) != 0)
    ok = FALSE, saved = errno;
  if (!ok)
    {
      g_autofree char *name = g_filename_display_name (path);
      g_set_error (error, AT_VIDEO_ERROR, AT_VIDEO_ERROR_WRITE, "Cannot write “%s”: %s", name, g_strerror (saved));
    }
  return ok;
}

gboolean
at_video_write_webm (const AtVideoSource *source, const char *path, GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (source != NULL && source->n_frames > 0 && source->fps > 0, FALSE);
  g_autofree char *tmp = temp_beside (path, error);
  if (tmp == NULL)
    return FALSE;
  gboolean ok = encode (source, tmp, cancellable, error) && commit (tmp, path, error);
  if (!ok)
    g_unlink (tmp);
  return ok;
}
