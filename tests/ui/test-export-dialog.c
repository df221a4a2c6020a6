/* test-export-dialog.c — the Export dialog with the real engine: each
 * choice's preview is what gets written (the SVG preview is the SVG drawn
 * back by GTK's loader, compared with the upscale stage's alpha), the
 * choices are remembered in the settings, and Export writes the file (or
 * the icon-set folder) with the parameters. */
#include <string.h>

#include <glib/gstdio.h>

#include "asset-fixture.h"
#include "ui-test-util.h"
#include "ui/export-dialog.h"

static AtEngine *engine;

static gboolean
idle (gpointer dialog)
{
  return !at_export_dialog_is_busy (dialog);
}

static void
wait_idle (AtExportDialog *dialog)
{
  g_assert_true (ui_test_wait_until (idle, dialog, 60));
}

static AtExportDialog *
open_dialog (const AtImage *base, GSettings *settings)
{
  AtExportDialog *dialog = at_export_dialog_new (NULL, engine, base, "orange fish\nSteps: 8, Seed: 3, Size: 64x64",
                                                 "fish", settings);
  gtk_window_present (GTK_WINDOW (dialog));
  g_assert_true (ui_test_wait_until (ui_test_is_mapped, dialog, 10));
  wait_idle (dialog);
  return dialog;
}

static void
on_exported (AtExportDialog *dialog, const char *message, char **slot)
{
  *slot = g_strdup (message);
}

static gboolean
has_message (gpointer slot)
{
  return *(char **) slot != NULL;
}

static char *
export_to (AtExportDialog *dialog, GFile *file)
{
  char *message = NULL;
  gulong id = g_signal_connect (dialog, "exported", G_CALLBACK (on_exported), &message);
  at_export_dialog_export (dialog, file);
  g_assert_true (ui_test_wait_until (has_message, &message, 60));
  g_signal_handler_disconnect (dialog, id);
  return message;
}

static void
test_previews_and_export (void)
{
  g_autoptr (GSettings) settings = g_settings_new ("org.atelier.Studio");
  g_settings_reset (settings, "export-format");
  g_settings_reset (settings, "export-size");
  g_settings_reset (settings, "export-background");
  g_autoptr (AtImage) base = asset_fixture_fish (64, FALSE, 3);
  AtExportDialog *dialog = g_object_ref_sink (open_dialog (base, settings));

  /* the default: PNG at 256 on white, the upscale stage's image */
  const AtImage *shown = at_export_dialog_get_preview_image (dialog);
  g_assert_nonnull (shown);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtImage) white = at_engine_upscale (engine, base, NULL, 256, AT_BACKGROUND_WHITE, NULL, &error);
  g_assert_cmpuint (shown->width, ==, 256);
  g_assert_cmpuint (shown->channels, ==, 3);
  g_assert_cmpmem (shown->pixels, at_image_get_nbytes (shown), white->pixels, at_image_get_nbytes (white));
  g_assert_true (g_str_has_prefix (at_export_dialog_get_summary (dialog), "PNG · 256 × 256"));

  /* SVG at 128, transparent: the preview is the SVG drawn back */
  at_export_dialog_set_choice (dialog, AT_ASSET_SVG, 128, AT_BACKGROUND_TRANSPARENT);
  wait_idle (dialog);
  shown = at_export_dialog_get_preview_image (dialog);
  g_autoptr (AtImage) clear = at_engine_upscale (engine, base, NULL, 128, AT_BACKGROUND_TRANSPARENT, NULL, &error);
  g_assert_cmpuint (shown->width, ==, 128);
  g_assert_cmpuint (shown->channels, ==, 4);
  gsize both = 0, either = 0;
  for (gsize i = 0; i < 128 * 128; i++)
    {
      gboolean a = shown->pixels[i * 4 + 3] >= 128, b = clear->pixels[i * 4 + 3] >= 128;
      both += a && b;
      either += a || b;
    }
  g_test_message ("SVG preview against the transparent image: IoU %.3f", (double) both / either);
  g_assert_cmpfloat ((double) both / either, >=, 0.9);
  g_assert_true (g_str_has_prefix (at_export_dialog_get_summary (dialog), "SVG · 128 × 128"));

  /* remembered */
  g_autofree char *format = g_settings_get_string (settings, "export-format");
  g_autofree char *background = g_settings_get_string (settings, "export-background");
  g_assert_cmpstr (format, ==, "svg");
  g_assert_cmpstr (background, ==, "transparent");
  g_assert_cmpint (g_settings_get_int (settings, "export-size"), ==, 128);
  AtExportDialog *again = g_object_ref_sink (open_dialog (base, settings));
  AtAssetFormat f;
  int size;
  AtBackground bg;
  at_export_dialog_get_choice (again, &f, &size, &bg);
  g_assert_cmpint (f, ==, AT_ASSET_SVG);
  g_assert_cmpint (size, ==, 128);
  g_assert_cmpint (bg, ==, AT_BACKGROUND_TRANSPARENT);
  gtk_window_destroy (GTK_WINDOW (again));
  g_object_unref (again);

  /* export writes what the preview showed, with the parameters */
  g_autoptr (GFile) file = ui_test_temp_file ("fish.svg");
  g_autofree char *message = export_to (dialog, file);
  g_assert_cmpstr (message, ==, "Exported “fish.svg”");
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *svg = NULL;
  g_assert_true (g_file_get_contents (path, &svg, NULL, NULL));
  g_assert_nonnull (strstr (svg, "width=\"128\""));
  g_assert_nonnull (strstr (svg, "Export: 128x128 transparent"));
  ui_test_remove_temp (file);
  g_object_unref (dialog);
}

static void
test_icon_set (void)
{
  g_autoptr (AtImage) base = asset_fixture_fish (64, FALSE, 3);
  AtExportDialog *dialog = g_object_ref_sink (open_dialog (base, NULL));
  at_export_dialog_set_choice (dialog, AT_ASSET_ICON_SET, 128, AT_BACKGROUND_TRANSPARENT);
  wait_idle (dialog);
  /* an icon set is rendered at 512, whatever the size */
  g_assert_cmpuint (at_export_dialog_get_preview_image (dialog)->width, ==, 512);
  g_autoptr (GFile) folder = ui_test_temp_file ("fish-icons");
  g_autofree char *message = export_to (dialog, folder);
  g_assert_cmpstr (message, ==, "Exported “fish-icons”");
  g_autofree char *dir = g_file_get_path (folder);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;
  const char *name;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_assert_true (g_str_has_prefix (name, "fish-icons"));
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
      n++;
    }
  g_assert_cmpuint (n, ==, 9);
  g_rmdir (dir);
  g_autoptr (GFile) parent = g_file_get_parent (folder);
  g_autofree char *parent_path = g_file_get_path (parent);
  g_rmdir (parent_path);
  g_object_unref (dialog);
}

int
main (int argc, char **argv)
{
  ui_test_init (&argc, &argv);
  g_autoptr (GError) error = NULL;
  engine = at_engine_new (NULL, NULL, &error);
  g_assert_no_error (error);
  g_test_add_func ("/export-dialog/previews-and-export", test_previews_and_export);
  g_test_add_func ("/export-dialog/icon-set", test_icon_set);
  int status = g_test_run ();
  at_engine_free (engine);
  return status;
}
