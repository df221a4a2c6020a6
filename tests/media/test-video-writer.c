/* test-video-writer.c — WebM, GIF and PNG frames written from synthetic
 * frames and read back by other decoders: GStreamer's (decodebin) for
 * WebM, giflib's for GIF, libpng's for frames. Pixels are compared with
 * the frames given, within what a lossy codec changes (VP8 at these rates:
 * a mean absolute error under 6 of 255; GIF's 256 colours: under 4).
 * Failed and cancelled writes must leave an existing file as it was. */
#include <gif_lib.h>
#include <gst/gst.h>
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "test-util.h"
#include "video-decode.h"
#include "animation.h"
#include "media/video-writer.h"

/* A smooth gradient with a square moving across it: every frame differs. */
static AtImage *
moving_square (guint k, gpointer data)
{
  const AtVideoSource *s = data;
  AtImage *img = at_image_new (s->width, s->height, 3);
  int side = s->width / 4, x0 = (int) (k * (s->width - side) / MAX (1u, s->n_frames - 1)), y0 = s->height / 3;
  for (int y = 0; y < s->height; y++)
    for (int x = 0; x < s->width; x++)
      {
        guint8 *p = img->pixels + ((gsize) y * s->width + x) * 3;
        gboolean in = x >= x0 && x < x0 + side && y >= y0 && y < y0 + side;
        p[0] = in ? 230 : 40 + 150 * x / s->width;
        p[1] = in ? 60 : 40 + 150 * y / s->height;
        p[2] = in ? 40 : 120;
      }
  return img;
}

static AtVideoSource
source (guint n_frames, int fps, int size)
{
  AtVideoSource s = { .n_frames = n_frames, .fps = fps, .width = size, .height = size, .frame = moving_square };
  return s;
}

static AtAudio *
tone (double seconds, int rate)
{
  AtAudio *a = at_audio_new ((gsize) (seconds * rate), rate);
  for (gsize i = 0; i < a->n; i++)
    a->samples[i] = 0.3f * sinf (2 * G_PI * 440 * i / rate);
  return a;
}

static void
assert_frames_match (GPtrArray *got, AtVideoSource *s, double max_mad)
{
  g_assert_cmpuint (got->len, ==, s->n_frames);
  for (guint k = 0; k < got->len; k++)
    {
      g_autoptr (AtImage) want = s->frame (k, s);
      double mad = at_animation_frame_diff (got->pdata[k], want);
      if (mad > max_mad)
        g_error ("frame %u differs by %.2f (more than %.2f)", k, mad, max_mad);
    }
}

static void
test_webm_decodes_with_sound (TestScratch *scratch, gconstpointer unused)
{
  AtVideoSource s = source (24, 12, 96);
  s.data = &s;
  g_autoptr (AtAudio) audio = tone (1.9, 22050);
  s.audio = audio;
  g_autofree char *path = g_build_filename (scratch->dir, "clip.webm", NULL);
  g_autoptr (GError) error = NULL;
  g_assert_true (at_video_write (&s, path, NULL, &error));
  g_assert_no_error (error);

  g_autoptr (TestVideo) v = test_video_decode (path);
  g_assert_cmpint (v->width, ==, 96);
  g_assert_cmpint (v->height, ==, 96);
  g_assert_cmpint (v->fps_n * 1, ==, 12 * v->fps_d);
  assert_frames_match (v->frames, &s, 6.0);
  /* WebM keeps times in milliseconds */
  g_assert_cmpfloat (fabs ((double) v->duration_ns - 2.0 * GST_SECOND), <, 2.0 * GST_MSECOND);
  /* Opus decodes at 48 kHz; the track lasts as long as the tone (Opus
   * pads the end to a 20 ms frame) */
  g_assert_nonnull (v->audio);
  double seconds = (double) v->audio->n / v->audio->rate;
  g_assert_cmpfloat (fabs (seconds - 1.9), <, 0.05);
  float peak = 0;
  for (gsize i = 0; i < v->audio->n; i++)
    peak = MAX (peak, fabsf (v->audio->samples[i]));
  g_assert_cmpfloat (fabsf (peak - 0.3f), <, 0.05f);
}

static void
test_webm_without_sound (TestScratch *scratch, gconstpointer unused)
{
  AtVideoSource s = source (5, 4, 64);
  s.data = &s;
  g_autofree char *path = g_build_filename (scratch->dir, "silent.webm", NULL);
  g_assert_true (at_video_write_webm (&s, path, NULL, NULL));
  g_autoptr (TestVideo) v = test_video_decode (path);
  g_assert_null (v->audio);
  assert_frames_match (v->frames, &s, 6.0);
  g_assert_cmpfloat (fabs ((double) v->duration_ns - 1.25 * GST_SECOND), <, 2.0 * GST_MSECOND);
}

static void
test_gif_decodes_with_giflib (TestScratch *scratch, gconstpointer unused)
{
  AtVideoSource s = source (8, 8, 64);
  s.data = &s;
  g_autofree char *path = g_build_filename (scratch->dir, "loop.gif", NULL);
  g_autoptr (GError) error = NULL;
  g_assert_true (at_video_write (&s, path, NULL, &error));
  g_assert_no_error (error);

  int code = 0;
  GifFileType *gif = DGifOpenFileName (path, &code);
  g_assert_nonnull (gif);
  g_assert_cmpint (DGifSlurp (gif), ==, GIF_OK);
  g_assert_cmpint (gif->SWidth, ==, 64);
  g_assert_cmpint (gif->SHeight, ==, 64);
  g_assert_cmpint (gif->ImageCount, ==, 8);
  g_assert_nonnull (gif->SColorMap);   /* one palette for the clip */
  int total_cs = 0;
  g_autoptr (GPtrArray) frames = g_ptr_array_new_with_free_func ((GDestroyNotify) at_image_free);
  for (int i = 0; i < gif->ImageCount; i++)
    {
      SavedImage *si = &gif->SavedImages[i];
      g_assert_null (si->ImageDesc.ColorMap);
      GraphicsControlBlock gcb;
      g_assert_cmpint (DGifSavedExtensionToGCB (gif, i, &gcb), ==, GIF_OK);
      total_cs += gcb.DelayTime;
      AtImage *img = at_image_new (64, 64, 3);
      for (int p = 0; p < 64 * 64; p++)
        {
          GifColorType c = gif->SColorMap->Colors[si->RasterBits[p]];
          img->pixels[p * 3] = c.Red, img->pixels[p * 3 + 1] = c.Green, img->pixels[p * 3 + 2] = c.Blue;
        }
      g_ptr_array_add (frames, img);
    }
  g_assert_cmpint (total_cs, ==, 100);   /* 8 frames at 8 fps: one second */
  /* the loop extension is there: NETSCAPE2.0 */
  gboolean loops = FALSE;
  for (int i = 0; i < gif->SavedImages[0].ExtensionBlockCount; i++)
    {
      ExtensionBlock *e = &gif->SavedImages[0].ExtensionBlocks[i];
      loops = loops || (e->Function == APPLICATION_EXT_FUNC_CODE && e->ByteCount == 11 &&
                        memcmp (e->Bytes, "NETSCAPE2.0", 11) == 0);
    }
  g_assert_true (loops);
  DGifCloseFile (gif, &code);
  assert_frames_match (frames, &s, 4.0);
}

static void
test_png_frames (TestScratch *scratch, gconstpointer unused)
{
  AtVideoSource s = source (3, 4, 64);
  s.data = &s;
  g_autofree char *folder = g_build_filename (scratch->dir, "frames/", NULL);
  g_assert_true (at_video_write (&s, folder, NULL, NULL));
  g_autoptr (GPtrArray) frames = g_ptr_array_new_with_free_func ((GDestroyNotify) at_image_free);
  for (guint k = 1; k <= 3; k++)
    {
      g_autofree char *name = g_strdup_printf ("frame-%04u.png", k);
      g_autofree char *path = g_build_filename (folder, name, NULL);
      g_autoptr (GError) error = NULL;
      g_ptr_array_add (frames, at_image_load (path, &error));
      g_assert_no_error (error);
    }
  assert_frames_match (frames, &s, 0.0);
}

static void
assert_only_file (const char *dir, const char *name, const char *contents)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *entry;
  while ((entry = g_dir_read_name (d)) != NULL)
    if (strcmp (entry, name) != 0)
      g_error ("left behind: %s", entry);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, contents);
}

typedef struct {
  AtVideoSource s;
  GCancellable *cancellable;
} CancelSource;

static AtImage *
cancel_at_third (guint k, gpointer data)
{
  CancelSource *c = data;
  if (k == 2)
    g_cancellable_cancel (c->cancellable);
  return moving_square (k, &c->s);
}

static void
test_cancel_and_failure_keep_old_file (TestScratch *scratch, gconstpointer unused)
{
  const char *formats[] = { "old.webm", "old.gif" };
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autofree char *path = g_build_filename (scratch->dir, formats[i], NULL);
      g_assert_true (g_file_set_contents (path, "precious", -1, NULL));
      g_autoptr (GCancellable) cancellable = g_cancellable_new ();
      CancelSource c = { source (10, 4, 64), cancellable };
      c.s.frame = cancel_at_third;
      c.s.data = &c;
      g_autoptr (GError) error = NULL;
      g_assert_false (at_video_write (&c.s, path, cancellable, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      assert_only_file (scratch->dir, formats[i], "precious");
      g_unlink (path);
    }

  /* an unwritable place and an unknown kind of file */
  AtVideoSource s = source (2, 4, 64);
  s.data = &s;
  g_autoptr (GError) error = NULL;
  g_autofree char *missing = g_build_filename (scratch->dir, "no", "such", "clip.webm", NULL);
  g_assert_false (at_video_write (&s, missing, NULL, &error));
  g_assert_error (error, AT_VIDEO_ERROR, AT_VIDEO_ERROR_WRITE);
  g_clear_error (&error);
  g_assert_false (at_video_write (&s, "clip.mp4", NULL, &error));
  g_assert_error (error, AT_VIDEO_ERROR, AT_VIDEO_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, ".webm"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/video-writer/webm", TestScratch, NULL, test_scratch_setup, test_webm_decodes_with_sound,
              test_scratch_teardown);
  g_test_add ("/video-writer/webm-silent", TestScratch, NULL, test_scratch_setup, test_webm_without_sound,
              test_scratch_teardown);
  g_test_add ("/video-writer/gif", TestScratch, NULL, test_scratch_setup, test_gif_decodes_with_giflib,
              test_scratch_teardown);
  g_test_add ("/video-writer/png-frames", TestScratch, NULL, test_scratch_setup, test_png_frames,
              test_scratch_teardown);
  g_test_add ("/video-writer/cancel-and-failure", TestScratch, NULL, test_scratch_setup,
              test_cancel_and_failure_keep_old_file, test_scratch_teardown);
  return g_test_run ();
}
