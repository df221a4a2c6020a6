/* window-video.c — the studio window's side of the Video window: opening
 * it (win.video) and answering its "Add Current" (win.video-keyframe) with
 * the request the controls describe. */
#include "ui/video-window.h"
#include "ui/window-private.h"

#define VIDEO_WINDOW_KEY "at-video-window"

static void
forget_video_window (AtWindow *self)
{
  g_object_set_data (G_OBJECT (self), VIDEO_WINDOW_KEY, NULL);
}

/* The Video window's keyframes as the project saves them. */
static void
on_video_changed (AtVideoWindow *video, AtWindow *self)
{
  g_clear_pointer (&self->video_clip, at_clip_free);
  AtClip *clip = at_video_window_dup_clip (video);
  if (clip->keyframes->len > 0)
    self->video_clip = clip;
  else
    at_clip_free (clip);
  _at_window_update_dirty (self);
}

/* The project's keyframes into the Video window, with the controls'
 * settings for the clip. */
static void
show_video_clip (AtWindow *self, AtVideoWindow *video)
{
  if (self->video_clip == NULL)
    return;
  g_autoptr (AtRequest) params = _at_window_build_controls_request (self);
  at_video_window_set_keyframes (video, self->video_clip, params);
}

void
_at_window_set_video_clip (AtWindow *self, AtClip *clip)
{
  g_clear_pointer (&self->video_clip, at_clip_free);
  self->video_clip = clip;
  AtVideoWindow *video = g_object_get_data (G_OBJECT (self), VIDEO_WINDOW_KEY);
  /* an open Video window shows the project it belongs to */
  if (video != NULL)
    gtk_window_destroy (GTK_WINDOW (video));
}

static void
open_video_window (AtWindow *self)
{
  AtVideoWindow *video = g_object_get_data (G_OBJECT (self), VIDEO_WINDOW_KEY);
  if (video == NULL)
    {
      if (self->engine == NULL)
        {
          _at_window_show_toast (self, "The model is still loading; open Video once it is ready");
          return;
        }
      video = at_video_window_new (GTK_WINDOW (self), self->app, self->engine);
      g_object_set_data (G_OBJECT (self), VIDEO_WINDOW_KEY, video);
      g_signal_connect_object (video, "destroy", G_CALLBACK (forget_video_window), self, G_CONNECT_SWAPPED);
      show_video_clip (self, video);
      g_signal_connect_object (video, "changed", G_CALLBACK (on_video_changed), self, 0);
    }
  gtk_window_present (GTK_WINDOW (video));
}

gboolean
_at_window_video_action (AtWindow *self, const char *name, GVariant *param)
{
  if (g_str_equal (name, "win.video"))
    open_video_window (self);
  else if (g_str_equal (name, "win.video-keyframe"))
    {
      AtVideoWindow *video = g_object_get_data (G_OBJECT (self), VIDEO_WINDOW_KEY);
      g_autoptr (AtRequest) request = at_window_build_request (self);
      if (video != NULL && request != NULL)
        at_video_window_add_keyframe (video, request, g_variant_get_double (param));
    }
  else
    return FALSE;
  return TRUE;
}

AtVideoWindow *
at_window_get_video_window (AtWindow *self)
{
  return g_object_get_data (G_OBJECT (self), VIDEO_WINDOW_KEY);
}
