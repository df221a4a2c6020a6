/* test-video-window.c — the Video window under Xvfb with the real engine
 * (lavapipe, 1 step, 64 px, 4 frames a second): keyframes from the
 * studio's prompt and seed, Render on a worker while the main loop keeps
 * running, the preview read back by GStreamer and prepared by GtkVideo's
 * media stream with the clip's length, cancel mid-render keeping the last
 * preview, and Export writing a WebM that decodes to the same frames. */
#include <adwaita.h>
#include <math.h>

#include "test-util.h"
#include "video-decode.h"
#include "animation.h"
#include "ui/video-window.h"
#include "ui/window-private.h"
#include "ui-test-util.h"

static AtApplication *app;

static gboolean
render_done (gpointer video)
{
  return !at_video_window_is_rendering (video);
}

static gboolean
rendering_frames (gpointer video)
{
  const char *status = at_video_window_get_status (video);
  return status != NULL && g_str_has_prefix (status, "Frame");
}

static gboolean
player_ready (gpointer data)
{
  GtkMediaStream *stream = gtk_video_get_media_stream (data);
  return stream != NULL && (gtk_media_stream_is_prepared (stream) || gtk_media_stream_get_error (stream) != NULL);
}

static gboolean
is_video (GtkWidget *widget, gconstpointer unused)
{
  return GTK_IS_VIDEO (widget);
}

static void
add_keyframe (AtWindow *window, const char *prompt, double seconds)
{
  at_window_set_prompt (window, prompt);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.video-keyframe", "d", seconds);
}

static void
test_render_preview_cancel_export (void)
{
  AtWindow *window = ui_test_open_window (app);
  ui_test_wait_for_engine (window);
  /* the README's still shows the model's own steps, not a quick test's */
  at_window_set_params (window, g_getenv ("ATELIER_SCREENSHOT_DIR") != NULL ? 12 : 1, 5, 1);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.video", NULL);
  AtVideoWindow *video = at_window_get_video_window (window);
  g_assert_nonnull (video);
  g_assert_true (ui_test_wait_until (ui_test_is_mapped, video, 20));

  add_keyframe (window, "red apple", 0.0);
  add_keyframe (window, "green apple", 1.0);
  g_assert_cmpuint (at_video_window_get_n_keyframes (video), ==, 2);
  at_video_window_set_clip (video, 4, 64, 0.5);

  guint ticks = 0;
  guint source = g_timeout_add (20, ui_test_tick, &ticks);
  at_video_window_render (video);
  g_assert_true (at_video_window_is_rendering (video));
  g_assert_true (ui_test_wait_until (render_done, video, 300));
  g_source_remove (source);
  g_assert_cmpuint (ticks, >, 0);   /* the main loop ran while it rendered */
  g_test_message ("status: %s", at_video_window_get_status (video));
  const char *preview = at_video_window_get_preview_path (video);
  g_assert_nonnull (preview);
  g_autoptr (TestVideo) decoded = test_video_decode (preview);
  g_assert_cmpuint (decoded->frames->len, ==, 6);
  g_assert_cmpint (decoded->width, ==, 64);

  /* the studio's player has it, prepared, with the clip's length */
  GtkVideo *player = GTK_VIDEO (ui_test_find_widget (GTK_WIDGET (video), is_video, NULL));
  g_assert_true (ui_test_wait_until (player_ready, player, 30));
  GtkMediaStream *stream = gtk_video_get_media_stream (player);
  g_assert_no_error (gtk_media_stream_get_error (stream));
  g_assert_cmpfloat (fabs (gtk_media_stream_get_duration (stream) / 1e6 - 1.5), <, 0.05);
  if (g_getenv ("ATELIER_SCREENSHOT_DIR") != NULL)
    {
      gint64 deadline = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;   /* a frame or two on show */
      ui_test_wait_until (ui_test_after, &deadline, 5);
      ui_test_maybe_screenshot (GTK_WIDGET (video), "video-window.png");
    }

  /* a new keyframe to render, cancelled in its first frames */
  g_autofree char *kept = g_strdup (preview);
  add_keyframe (window, "blue house", 2.0);
  at_video_window_render (video);
  g_assert_true (ui_test_wait_until (rendering_frames, video, 120));
  at_video_window_cancel (video);
  g_assert_true (ui_test_wait_until (render_done, video, 120));
  g_assert_cmpstr (at_video_window_get_status (video), ==, "Cancelled");
  g_assert_cmpstr (at_video_window_get_preview_path (video), ==, kept);

  /* export the clip rendered */
  g_autoptr (GFile) file = ui_test_temp_file ("clip.webm");
  GAsyncResult *slot = NULL;
  at_video_window_export_async (video, file, ui_test_keep_result, &slot);
  g_autoptr (GAsyncResult) result = ui_test_take_result (&slot, 120);
  g_autoptr (GError) error = NULL;
  g_assert_true (at_video_window_export_finish (video, result, &error));
  g_assert_no_error (error);
  g_autofree char *path = g_file_get_path (file);
  g_autoptr (TestVideo) exported = test_video_decode (path);
  g_assert_cmpuint (exported->frames->len, ==, 6);
  for (guint k = 0; k < 6; k++)
    g_assert_cmpfloat (at_animation_frame_diff (exported->frames->pdata[k], decoded->frames->pdata[k]), <, 1.0);
  ui_test_remove_temp (file);

  gtk_window_destroy (GTK_WINDOW (video));
  ui_test_close_window (window);
}

/* The keyframes and the clip's settings are the project's: a change marks
 * it modified, a save keeps them, opening the file shows them again in a
 * new Video window. */
static void
test_saved_with_project (void)
{
  AtWindow *window = ui_test_open_window (app);
  ui_test_wait_for_engine (window);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.video", NULL);
  AtVideoWindow *video = at_window_get_video_window (window);
  g_assert_false (at_window_get_dirty (window));
  add_keyframe (window, "red apple", 0.0);
  g_assert_true (at_window_get_dirty (window));
  add_keyframe (window, "green apple", 1.5);
  at_video_window_set_clip (video, 8, 128, 2.0);
  g_autoptr (AtClip) before = at_video_window_dup_clip (video);

  g_autoptr (GFile) file = ui_test_temp_file ("clip.atelier");
  g_autoptr (GError) error = NULL;
  g_assert_true (ui_test_save (window, file, &error));
  g_assert_no_error (error);
  g_assert_false (at_window_get_dirty (window));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.new", NULL);
  ui_test_flush ();
  g_assert_null (at_window_get_video_window (window));   /* it showed the project before */

  g_assert_true (ui_test_open (window, file, &error));
  g_assert_no_error (error);
  g_assert_false (at_window_get_dirty (window));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.video", NULL);
  video = at_window_get_video_window (window);
  g_assert_cmpuint (at_video_window_get_n_keyframes (video), ==, 2);
  g_autoptr (AtClip) after = at_video_window_dup_clip (video);
  g_assert_cmpint (after->fps, ==, 8);
  g_assert_cmpint (after->size, ==, 128);
  g_assert_cmpfloat (after->duration, ==, before->duration);
  for (guint i = 0; i < 2; i++)
    {
      const AtKeyframe *x = before->keyframes->pdata[i], *y = after->keyframes->pdata[i];
      g_assert_cmpfloat (x->time, ==, y->time);
      g_assert_cmpstr (x->prompt, ==, y->prompt);
      g_assert_cmpuint (x->seed, ==, y->seed);
    }
  g_assert_false (at_window_get_dirty (window));   /* showing them is no edit */

  gtk_window_destroy (GTK_WINDOW (video));
  ui_test_remove_temp (file);
  ui_test_close_window (window);
}

int
main (int argc, char **argv)
{
  ui_test_init (&argc, &argv);
  app = ui_test_application_new ();
  g_test_add_func ("/video-window/render-preview-cancel-export", test_render_preview_cancel_export);
  g_test_add_func ("/video-window/saved-with-project", test_saved_with_project);
  int status = g_test_run ();
  return ui_test_application_finish (app, status);
}
