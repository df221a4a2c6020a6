/* cli-assets.c — size, background, SVG and icon sets on the command line. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "app/cli-args.h"
#include "app/cli-assets.h"
#include "media/icon-set.h"

void
at_cli_assets_clear (AtCliAssets *a)
{
  g_free (a->background_name);
  g_free (a->svg);
  g_free (a->icon_set);
  g_free (a->icon_set_name);
}

GOptionEntry *
at_cli_assets_entries (AtCliAssets *a)
{
  GOptionEntry entries[] = {
    { "background", 0, 0, G_OPTION_ARG_STRING, &a->background_name,
      "white, or transparent for an RGBA image (default white)", "white|transparent" },
    { "svg", 0, 0, G_OPTION_ARG_FILENAME, &a->svg, "Also write the image as a vector SVG", "FILE.svg" },
    { "icon-set", 0, 0, G_OPTION_ARG_FILENAME, &a->icon_set,
      "Also write PNGs at 16, 24, 32, 48, 64, 128, 256 and 512 px and an SVG into DIR", "DIR" },
    { NULL }
  };
  return g_memdup2 (entries, sizeof entries);
}

/* path's folder must exist and take new files, and path must not be a
 * folder itself. what names the option in the message. */
static gboolean
check_file_target (const char *what, const char *path, GError **error)
{
  g_autofree char *display = g_filename_display_name (path);
  g_autofree char *dir = g_path_get_dirname (path);
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    return at_cli_bad_value (error, "%s: %s is a folder; give a file name", what, display);
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    return at_cli_bad_value (error, "%s: cannot write %s: the folder %s does not exist", what, display, dir);
  if (access (dir, W_OK) != 0)
    return at_cli_bad_value (error, "%s: cannot write %s: %s", what, display, g_strerror (errno));
  return TRUE;
}

/* The icon folder may be new, but its parent must be a writable folder. */
static gboolean
check_dir_target (const char *path, GError **error)
{
  g_autofree char *display = g_filename_display_name (path);
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      if (!g_file_test (path, G_FILE_TEST_IS_DIR))
        return at_cli_bad_value (error, "--icon-set: %s is not a folder", display);
      if (access (path, W_OK) != 0)
        return at_cli_bad_value (error, "--icon-set: cannot write into %s: %s", display, g_strerror (errno));
      return TRUE;
    }
  g_autofree char *parent = g_path_get_dirname (path);
  if (!g_file_test (parent, G_FILE_TEST_IS_DIR))
    return at_cli_bad_value (error, "--icon-set: cannot make %s: the folder %s does not exist", display, parent);
  if (access (parent, W_OK) != 0)
    return at_cli_bad_value (error, "--icon-set: cannot make %s: %s", display, g_strerror (errno));
  return TRUE;
}

/* "fish" for "out/fish.png": the icon files' name. */
static char *
stem_of (const char *output)
{
  g_autofree char *base = g_path_get_basename (output);
  char *dot = strrchr (base, '.');
  if (dot != NULL && dot != base)
    *dot = '\0';
  return g_strdup (base);
}

gboolean
at_cli_assets_check (AtCliAssets *a, int *size, int count, const char *output, const char *sketch,
                     GError **error)
{
  if (*size == -1)
    *size = AT_CLI_DEFAULT_SIZE;
  else if (!at_upscale_size_is_valid (*size))
    return at_cli_bad_value (error, "--size must be %s (got %d): 64 is the model's own image, larger sizes are "
                       "upscaled from it", at_upscale_sizes_text (), *size);
  if (a->background_name != NULL && !at_background_from_string (a->background_name, &a->background))
    return at_cli_bad_value (error, "--background must be white or transparent (got \"%s\")", a->background_name);
  if ((a->svg != NULL || a->icon_set != NULL) && count != 1)
    return at_cli_bad_value (error, "--svg and --icon-set write one image: use them with --count 1");
  if (!check_file_target ("-o", output, error))
    return FALSE;
  if (a->svg != NULL && !check_file_target ("--svg", a->svg, error))
    return FALSE;
  if (a->icon_set != NULL && !check_dir_target (a->icon_set, error))
    return FALSE;
  g_autoptr (AtImage) strokes = sketch != NULL ? at_image_load_reduced (sketch, AT_REQUEST_MAX_INPUT_SIDE, NULL) : NULL;
  if (strokes != NULL && !at_upscale_check_sketch (strokes, error))
    return g_prefix_error (error, "Sketch: "), FALSE;
  a->output_existed = g_file_test (output, G_FILE_TEST_EXISTS);
  a->svg_existed = a->svg != NULL && g_file_test (a->svg, G_FILE_TEST_EXISTS);
  a->icon_set_name = stem_of (output);
  return TRUE;
}

void
at_cli_assets_apply (const AtCliAssets *a, AtRequest *r)
{
  r->background = a->background;
}

static double
ms_since (gint64 t0)
{
  return (g_get_monotonic_time () - t0) / 1000.0;
}

/* The icon set from the 512 px rendering of the image. */
static gboolean
write_icon_set (AtCliAssets *a, AtEngine *engine, const AtRequest *r, const AtResult *result, GError **error)
{
  const AtImage *img = result->images->pdata[0];
  g_autoptr (AtImage) big = img->width == 512 ? NULL
                                              : at_engine_upscale (engine, result->base_images->pdata[0], r->sketch,
                                                                   512, r->background, NULL, error);
  if (img->width != 512 && big == NULL)
    return FALSE;
  AtSvgStats stats;
  return at_icon_set_write (big != NULL ? big : img, a->icon_set, a->icon_set_name, result->parameters->pdata[0],
                            &stats, NULL, error);
}

gboolean
at_cli_assets_write (AtCliAssets *a, AtEngine *engine, const AtRequest *r, const AtResult *result,
                     const char *output, gboolean quiet, GError **error)
{
  gboolean ok = TRUE;
  if (a->svg != NULL)
    {
      gint64 t0 = g_get_monotonic_time ();
      AtSvgOptions options = { .parameters = result->parameters->pdata[0] };
      ok = at_svg_save (result->images->pdata[0], a->svg, &options, &a->svg_stats, error);
      a->svg_ms = ms_since (t0);
      a->wrote_svg = ok;
      if (ok && !quiet)
        fprintf (stderr, "wrote %s (%u colours, %u paths, %" G_GSIZE_FORMAT " bytes)\n", a->svg,
                 a->svg_stats.n_colors, a->svg_stats.n_paths, a->svg_stats.bytes);
    }
  if (ok && a->icon_set != NULL)
    {
      gint64 t0 = g_get_monotonic_time ();
      ok = write_icon_set (a, engine, r, result, error);
      a->icon_set_ms = ms_since (t0);
      a->wrote_icon_set = ok;
      if (ok && !quiet)
        fprintf (stderr, "wrote the icon set %s/%s-{16…512}.png and %s.svg\n", a->icon_set, a->icon_set_name,
                 a->icon_set_name);
    }
  if (ok)
    return TRUE;
  /* loses nothing that was there; leaves nothing half made */
  if (!a->output_existed)
    g_unlink (output);
  if (a->wrote_svg && !a->svg_existed)
    g_unlink (a->svg);
  return FALSE;
}

static void
add_stage (JsonBuilder *b, const char *name, double ms)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, name);
  json_builder_set_member_name (b, "ms");
  json_builder_add_double_value (b, ms);
  json_builder_end_object (b);
}

static void
add_svg_stats (JsonBuilder *b, const char *path, const AtSvgStats *s)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "path");
  json_builder_add_string_value (b, path);
  json_builder_set_member_name (b, "bytes");
  json_builder_add_int_value (b, s->bytes);
  json_builder_set_member_name (b, "colors");
  json_builder_add_int_value (b, s->n_colors);
  json_builder_set_member_name (b, "paths");
  json_builder_add_int_value (b, s->n_paths);
  json_builder_set_member_name (b, "outlines");
  json_builder_add_int_value (b, s->n_outlines);
  json_builder_end_object (b);
}

void
at_cli_assets_add_json (JsonBuilder *b, const AtCliAssets *a, AtEngine *engine, const AtRequest *r,
                        const AtResult *result)
{
  gboolean upscaled = r->size != at_engine_get_native_size (engine) || r->background != AT_BACKGROUND_WHITE;
  json_builder_set_member_name (b, "size");
  json_builder_add_int_value (b, r->size);
  json_builder_set_member_name (b, "background");
  json_builder_add_string_value (b, at_background_to_string (r->background));
  if (upscaled)
    {
      json_builder_set_member_name (b, "upscaler");
      json_builder_add_string_value (b, at_engine_describe_upscale (engine, r->background));
    }
  json_builder_set_member_name (b, "stages");
  json_builder_begin_array (b);
  add_stage (b, "encode", result->encode_ms);
  add_stage (b, "denoise", result->denoise_ms);
  if (upscaled)
    add_stage (b, "upscale", result->upscale_ms);
  if (a->wrote_svg)
    add_stage (b, "svg", a->svg_ms);
  if (a->wrote_icon_set)
    add_stage (b, "icon-set", a->icon_set_ms);
  json_builder_end_array (b);
  if (a->wrote_svg)
    {
      json_builder_set_member_name (b, "svg");
      add_svg_stats (b, a->svg, &a->svg_stats);
    }
  if (a->wrote_icon_set)
    {
      json_builder_set_member_name (b, "icon_set");
      json_builder_begin_array (b);
      for (guint i = 0; i <= AT_ICON_SET_N_SIZES; i++)
        {
          g_autofree char *file = at_icon_set_file_name (a->icon_set_name,
                                                         i < AT_ICON_SET_N_SIZES ? at_icon_set_sizes[i] : 0);
          g_autofree char *path = g_build_filename (a->icon_set, file, NULL);
          json_builder_add_string_value (b, path);
        }
      json_builder_end_array (b);
    }
}
