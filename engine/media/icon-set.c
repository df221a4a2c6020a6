/* icon-set.c — PNGs at icon sizes and an SVG, staged then renamed in. */
#define G_LOG_DOMAIN "atelier-media"

#include <errno.h>

#include <glib/gstdio.h>

#include "media/asset.h"
#include "media/icon-set.h"

const guint at_icon_set_sizes[AT_ICON_SET_N_SIZES] = { 16, 24, 32, 48, 64, 128, 256, 512 };

char *
at_icon_set_file_name (const char *name, guint size)
{
  return size == 0 ? g_strdup_printf ("%s.svg", name) : g_strdup_printf ("%s-%u.png", name, size);
}

/* Removes the staging folder and whatever is left in it. */
static void
remove_staging (const char *staging)
{
  g_autoptr (GDir) d = g_dir_open (staging, 0, NULL);
  const char *entry;
  while (d != NULL && (entry = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (staging, entry, NULL);
      g_unlink (path);
    }
  g_rmdir (staging);
}

/* Writes every file of the set into staging. */
static gboolean
write_files (const AtImage *img, const char *staging, const char *name, const char *parameters,
             AtSvgStats *svg_stats, GCancellable *cancellable, GError **error)
{
  for (guint i = 0; i < AT_ICON_SET_N_SIZES; i++)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      guint s = at_icon_set_sizes[i];
      /* shrinking averages areas; enlarging (a small source) is bicubic */
      g_autoptr (AtImage) icon = at_image_resize (img, s, s, AT_IMAGE_FILTER_BICUBIC);
      g_autofree char *file = at_icon_set_file_name (name, s);
      g_autofree char *path = g_build_filename (staging, file, NULL);
      if (!at_asset_save_png (icon, path, parameters, error))
        return FALSE;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  g_autofree char *file = at_icon_set_file_name (name, 0);
  g_autofree char *path = g_build_filename (staging, file, NULL);
  AtSvgOptions options = { .parameters = parameters };
  return at_svg_save (img, path, &options, svg_stats, error);
}

/* File i of the set: the PNGs by size, then the SVG. */
static char *
set_file (const char *dir, const char *name, guint i)
{
  g_autofree char *file = at_icon_set_file_name (name, i < AT_ICON_SET_N_SIZES ? at_icon_set_sizes[i] : 0);
  return g_build_filename (dir, file, NULL);
}

/* Refuses a set whose names are taken by something other than a file
 * (a folder, say), before anything is written. */
static gboolean
check_names_free (const char *dir, const char *name, GError **error)
{
  for (guint i = 0; i <= AT_ICON_SET_N_SIZES; i++)
    {
      g_autofree char *path = set_file (dir, name, i);
      if (g_file_test (path, G_FILE_TEST_EXISTS) && !g_file_test (path, G_FILE_TEST_IS_REGULAR))
        {
          g_autofree char *display = g_filename_display_name (path);
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_EXIST,
                       "Cannot write the icon set: %s exists and is not a file", display);
          return FALSE;
        }
    }
  return TRUE;
}

/* Moves the staged files into dir. Should a rename still fail, the files
 * already moved are removed again, so the set is never left half there. */
static gboolean
commit_files (const char *staging, const char *dir, const char *name, GError **error)
{
  for (guint i = 0; i <= AT_ICON_SET_N_SIZES; i++)
    {
      g_autofree char *from = set_file (staging, name, i);
      g_autofree char *to = set_file (dir, name, i);
      if (g_rename (from, to) == 0)
        continue;
      int saved = errno;
      g_autofree char *display = g_filename_display_name (to);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "Could not write %s: %s", display,
                   g_strerror (saved));
      for (guint j = 0; j < i; j++)
        {
          g_autofree char *moved = set_file (dir, name, j);
          g_unlink (moved);
        }
      return FALSE;
    }
  return TRUE;
}

gboolean
at_icon_set_write (const AtImage *img, const char *dir, const char *name, const char *parameters,
                   AtSvgStats *svg_stats, GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (img != NULL && dir != NULL && name != NULL && *name != '\0', FALSE);
  g_autofree char *display = g_filename_display_name (dir);
  gboolean made_dir = !g_file_test (dir, G_FILE_TEST_EXISTS);
  if (g_mkdir_with_parents (dir, 0777) != 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "Cannot make the icon folder %s: %s",
                   display, g_strerror (saved));
      return FALSE;
    }
  g_autofree char *staging = g_build_filename (dir, ".icon-set-XXXXXX", NULL);
  if (g_mkdtemp (staging) == NULL)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "Cannot write into the icon folder %s: %s",
                   display, g_strerror (saved));
      if (made_dir)
        g_rmdir (dir);
      return FALSE;
    }
  gboolean ok = check_names_free (dir, name, error) &&
                write_files (img, staging, name, parameters, svg_stats, cancellable, error) &&
                commit_files (staging, dir, name, error);
  remove_staging (staging);
  if (!ok && made_dir)
    g_rmdir (dir);
  return ok;
}
