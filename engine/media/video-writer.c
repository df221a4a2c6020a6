/* video-writer.c — choosing a writer by name, and PNG frame folders. */
#define G_LOG_DOMAIN "atelier-media"

#include <errno.h>

#include <glib/gstdio.h>

#include "media/video-writer.h"

G_DEFINE_QUARK (at-video-error-quark, at_video_error)

gboolean
at_video_format_from_path (const char *path, AtVideoFormat *format, GError **error)
{
  if (g_str_has_suffix (path, "/") || g_file_test (path, G_FILE_TEST_IS_DIR))
    *format = AT_VIDEO_FRAMES;
  else if (g_str_has_suffix (path, ".webm") || g_str_has_suffix (path, ".WEBM"))
    *format = AT_VIDEO_WEBM;
  else if (g_str_has_suffix (path, ".gif") || g_str_has_suffix (path, ".GIF"))
    *format = AT_VIDEO_GIF;
  else
    {
      g_autofree char *name = g_filename_display_name (path);
      g_set_error (error, AT_VIDEO_ERROR, AT_VIDEO_ERROR_FORMAT,
                   "Cannot tell what to write to “%s”: end the name in .webm or .gif, or in / for a folder "
                   "of PNG frames", name);
      return FALSE;
    }
  return TRUE;
}

gboolean
at_video_write_frames (const AtVideoSource *source, const char *folder, GCancellable *cancellable,
                       GError **error)
{
  g_autofree char *name = g_filename_display_name (folder);
  if (g_mkdir_with_parents (folder, 0777) != 0)
    {
      int saved = errno;
      g_set_error (error, AT_VIDEO_ERROR, AT_VIDEO_ERROR_WRITE, "Cannot make the folder “%s”: %s", name,
                   g_strerror (saved));
      return FALSE;
    }
  for (guint k = 0; k < source->n_frames; k++)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      g_autoptr (AtImage) img = source->frame (k, source->data);
      g_autofree char *file = g_strdup_printf ("frame-%04u.png", k + 1);
      g_autofree char *path = g_build_filename (folder, file, NULL);
      if (!at_image_save_png (img, path, NULL, NULL, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
at_video_write (const AtVideoSource *source, const char *path, GCancellable *cancellable, GError **error)
{
  AtVideoFormat format;
  if (!at_video_format_from_path (path, &format, error))
    return FALSE;
  switch (format)
    {
    case AT_VIDEO_WEBM:
      return at_video_write_webm (source, path, cancellable, error);
    case AT_VIDEO_GIF:
      return at_video_write_gif (source, path, cancellable, error);
    case AT_VIDEO_FRAMES:
      return at_video_write_frames (source, path, cancellable, error);
    default:
      g_assert_not_reached ();
    }
}
