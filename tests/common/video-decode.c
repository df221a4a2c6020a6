/* video-decode.c — decodebin into two appsinks, pulled to the end. */
#include <string.h>

#include <gst/app/gstappsink.h>
#include <gst/gst.h>

#include "video-decode.h"

typedef struct {
  GstElement *pipeline;
  GstElement *video_sink, *audio_sink;
} Decoder;

/* decodebin's pads appear as it finds the streams: each goes to a
 * converter and an appsink of its own. */
static void
pad_added (GstElement *decodebin, GstPad *pad, gpointer data)
{
  Decoder *d = data;
  g_autoptr (GstCaps) caps = gst_pad_get_current_caps (pad);
  const char *name = gst_structure_get_name (gst_caps_get_structure (caps, 0));
  gboolean video = g_str_has_prefix (name, "video/");
  const char *desc = video ? "videoconvert ! video/x-raw,format=RGB ! appsink name=v sync=false"
                           : "audioconvert ! audio/x-raw,format=F32LE,channels=1,layout=interleaved ! "
                             "appsink name=a sync=false";
  g_autoptr (GError) error = NULL;
  GstElement *bin = gst_parse_bin_from_description (desc, TRUE, &error);
  g_assert_no_error (error);
  gst_bin_add (GST_BIN (d->pipeline), bin);
  GstElement **sink = video ? &d->video_sink : &d->audio_sink;
  *sink = gst_bin_get_by_name (GST_BIN (bin), video ? "v" : "a");
  gst_element_sync_state_with_parent (bin);
  g_autoptr (GstPad) sinkpad = gst_element_get_static_pad (bin, "sink");
  g_assert_cmpint (gst_pad_link (pad, sinkpad), ==, GST_PAD_LINK_OK);
}

static void
pull_video (TestVideo *v, GstElement *sink)
{
  GstSample *sample;
  while ((sample = gst_app_sink_pull_sample (GST_APP_SINK (sink))) != NULL)
    {
      GstStructure *s = gst_caps_get_structure (gst_sample_get_caps (sample), 0);
      gst_structure_get_int (s, "width", &v->width);
      gst_structure_get_int (s, "height", &v->height);
      gst_structure_get_fraction (s, "framerate", &v->fps_n, &v->fps_d);
      GstBuffer *buf = gst_sample_get_buffer (sample);
      GstMapInfo map;
      gst_buffer_map (buf, &map, GST_MAP_READ);
      AtImage *img = at_image_new (v->width, v->height, 3);
      gsize stride = GST_ROUND_UP_4 (v->width * 3);
      for (int y = 0; y < v->height; y++)
        memcpy (img->pixels + (gsize) y * v->width * 3, map.data + y * stride, v->width * 3);
      gst_buffer_unmap (buf, &map);
      g_ptr_array_add (v->frames, img);
      if (GST_BUFFER_PTS_IS_VALID (buf) && GST_BUFFER_DURATION_IS_VALID (buf))
        v->duration_ns = MAX (v->duration_ns, GST_BUFFER_PTS (buf) + GST_BUFFER_DURATION (buf));
      gst_sample_unref (sample);
    }
}

static AtAudio *
pull_audio (GstElement *sink)
{
  g_autoptr (GByteArray) bytes = g_byte_array_new ();
  int rate = 0;
  GstSample *sample;
  while ((sample = gst_app_sink_pull_sample (GST_APP_SINK (sink))) != NULL)
    {
      gst_structure_get_int (gst_caps_get_structure (gst_sample_get_caps (sample), 0), "rate", &rate);
      GstMapInfo map;
      GstBuffer *buf = gst_sample_get_buffer (sample);
      gst_buffer_map (buf, &map, GST_MAP_READ);
      g_byte_array_append (bytes, map.data, map.size);
      gst_buffer_unmap (buf, &map);
      gst_sample_unref (sample);
    }
  return at_audio_new_from ((const float *) bytes->data, bytes->len / sizeof (float), rate);
}

TestVideo *
test_video_decode (const char *path)
{
  gst_init (NULL, NULL);
  Decoder d = { 0 };
  g_autoptr (GError) error = NULL;
  g_autofree char *location = g_strescape (path, NULL);
  g_autofree char *desc = g_strdup_printf ("filesrc location=\"%s\" ! decodebin name=dec", location);
  d.pipeline = gst_parse_launch (desc, &error);
  g_assert_no_error (error);
  g_autoptr (GstElement) dec = gst_bin_get_by_name (GST_BIN (d.pipeline), "dec");
  g_signal_connect (dec, "pad-added", G_CALLBACK (pad_added), &d);
  /* PAUSED: every stream found and prerolled before pulling */
  gst_element_set_state (d.pipeline, GST_STATE_PAUSED);
  GstStateChangeReturn ret = gst_element_get_state (d.pipeline, NULL, NULL, 30 * GST_SECOND);
  if (ret == GST_STATE_CHANGE_FAILURE)
    {
      g_autoptr (GstBus) bus = gst_element_get_bus (d.pipeline);
      g_autoptr (GstMessage) msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
      g_autoptr (GError) cause = NULL;
      if (msg != NULL)
        gst_message_parse_error (msg, &cause, NULL);
      g_error ("GStreamer cannot decode %s: %s", path, cause != NULL ? cause->message : "unknown error");
    }
  gst_element_set_state (d.pipeline, GST_STATE_PLAYING);
  TestVideo *v = g_new0 (TestVideo, 1);
  v->frames = g_ptr_array_new_with_free_func ((GDestroyNotify) at_image_free);
  /* both sinks fill at once; the audio one waits in its queue (unbounded) */
  if (d.audio_sink != NULL)
    g_object_set (d.audio_sink, "max-buffers", 0, NULL);
  if (d.video_sink != NULL)
    g_object_set (d.video_sink, "max-buffers", 0, NULL);
  if (d.video_sink != NULL)
    pull_video (v, d.video_sink);
  if (d.audio_sink != NULL)
    v->audio = pull_audio (d.audio_sink);
  g_autoptr (GstBus) bus = gst_element_get_bus (d.pipeline);
  g_autoptr (GstMessage) msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  g_assert_null (msg);
  gst_element_set_state (d.pipeline, GST_STATE_NULL);
  g_clear_object (&d.video_sink);
  g_clear_object (&d.audio_sink);
  gst_object_unref (d.pipeline);
  return v;
}

void
test_video_free (TestVideo *v)
{
  if (v == NULL)
    return;
  g_ptr_array_unref (v->frames);
  g_clear_pointer (&v->audio, at_audio_free);
  g_free (v);
}
