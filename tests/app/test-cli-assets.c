/* test-cli-assets.c — `atelier generate` writing assets: sizes, the
 * transparent background, SVG and icon sets as a user runs them, and bad
 * input refused with exit code 2 before anything is written.
 *
 * The real model runs (one step, no guidance, to stay quick). What it
 * wrote is read back by libpng (at_image_load), librsvg (the SVG, rendered
 * and compared with the PNG's alpha) and json-glib.
 */
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "asset-fixture.h"
#include "test-util.h"
#include "media/image.h"

typedef struct {
  char *out, *err;
  int status;
} Exit;

static void
exit_clear (Exit *e)
{
  g_free (e->out);
  g_free (e->err);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Exit, exit_clear)

/* atelier generate with the quick settings and args (NULL-ended). */
static void
generate (Exit *e, const char *const *args)
{
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
  g_strv_builder_add_many (b, g_getenv ("ATELIER_BIN"), "generate", "--prompt", "orange fish", "--steps", "1",
                           "--guidance", "1", "--seed", "5", NULL);
  g_strv_builder_addv (b, (const char **) args);
  g_auto (GStrv) argv = g_strv_builder_end (b);
  g_autoptr (GError) error = NULL;
  int wait_status = 0;
  g_spawn_sync (NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &e->out, &e->err, &wait_status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  e->status = WEXITSTATUS (wait_status);
  g_autofree char *line = g_strjoinv (" ", argv + 1);
  g_test_message ("atelier %s: exit %d\n%s", line, e->status, e->err);
}

#define GENERATE(e, ...) generate ((e), (const char *[]) { __VA_ARGS__, NULL })

static AtImage *
load (const char *path)
{
  g_autoptr (GError) error = NULL;
  AtImage *img = at_image_load (path, &error);
  g_assert_no_error (error);
  return img;
}

static char *
parameters_of (const char *path)
{
  g_autoptr (GError) error = NULL;
  char *text = at_image_read_png_text (path, "parameters", &error);
  g_assert_no_error (error);
  return text;
}

static JsonObject *
parse_json (JsonParser *parser, const char *text)
{
  g_autoptr (GError) error = NULL;
  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  return json_node_get_object (json_parser_get_root (parser));
}

/* A fish sketch (dark strokes on white) of side × side pixels. */
static char *
write_sketch (const char *name, guint width, guint height)
{
  g_autoptr (AtImage) sketch = at_image_new (width, height, 1);
  memset (sketch->pixels, 255, (gsize) width * height);
  for (guint y = height / 3; y < 2 * height / 3; y++)
    for (guint x = width / 4; x < 3 * width / 4; x++)
      if (y == height / 3 || y + 1 == 2 * height / 3 || x == width / 4 || x + 1 == 3 * width / 4)
        sketch->pixels[(gsize) y * width + x] = 0;
  char *path = test_tmp_path (name);
  g_assert_true (at_image_save_png (sketch, path, NULL, NULL, NULL));
  return path;
}

static void
test_transparent_svg_and_icons (void)
{
  g_autofree char *sketch = write_sketch ("sketch.png", 256, 256);
  g_autofree char *png = test_tmp_path ("fish.png");
  g_autofree char *svg = test_tmp_path ("fish.svg");
  g_autofree char *icons = test_tmp_path ("icons");
  Exit e = { 0 };
  GENERATE (&e, "--sketch", sketch, "--background", "transparent", "--svg", svg, "--icon-set", icons, "--json",
            "-o", png);
  g_assert_cmpint (e.status, ==, 0);

  g_autoptr (AtImage) img = load (png);
  g_assert_cmpuint (img->width, ==, 256);
  g_assert_cmpuint (img->channels, ==, 4);
  g_autofree char *params = parameters_of (png);
  g_assert_nonnull (strstr (params, "Size: 256x256"));
  g_assert_nonnull (strstr (params, "Background: transparent"));
  g_assert_nonnull (strstr (params, "Upscaler: refiner (alpha predicted)"));

  /* the SVG, rendered by librsvg, covers what the PNG covers */
  g_autofree char *svg_text = NULL;
  g_assert_true (g_file_get_contents (svg, &svg_text, NULL, NULL));
  g_autoptr (AtImage) drawn = asset_render_svg (svg_text, 256);
  gsize both = 0, either = 0, opaque = 0;
  for (gsize i = 0; i < 256 * 256; i++)
    {
      gboolean a = img->pixels[i * 4 + 3] >= 128, b = drawn->pixels[i * 4 + 3] >= 128;
      both += a && b;
      either += a || b;
      opaque += a;
    }
  g_test_message ("PNG foreground %" G_GSIZE_FORMAT " px, IoU with the SVG %.3f", opaque, (double) both / either);
  g_assert_cmpuint (opaque, >, 0);
  g_assert_cmpfloat ((double) both / either, >=, 0.9);
  g_assert_nonnull (strstr (svg_text, "<dc:description>orange fish"));

  for (guint s = 16; s <= 512; s = s == 48 ? 64 : (s == 16 ? 24 : (s == 24 ? 32 : (s == 32 ? 48 : s * 2))))
    {
      g_autofree char *file = g_strdup_printf ("fish-%u.png", s);
      g_autofree char *path = g_build_filename (icons, file, NULL);
      g_autoptr (AtImage) icon = load (path);
      g_assert_cmpuint (icon->width, ==, s);
      g_assert_cmpuint (icon->channels, ==, 4);
      g_autofree char *icon_params = parameters_of (path);
      g_assert_cmpstr (icon_params, ==, params);
    }
  g_autofree char *icon_svg = g_build_filename (icons, "fish.svg", NULL);
  g_assert_true (g_file_test (icon_svg, G_FILE_TEST_IS_REGULAR));

  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *o = parse_json (parser, e.out);
  g_assert_cmpint (json_object_get_int_member (o, "size"), ==, 256);
  g_assert_cmpstr (json_object_get_string_member (o, "background"), ==, "transparent");
  JsonArray *stages = json_object_get_array_member (o, "stages");
  const char *names[] = { "encode", "denoise", "upscale", "svg", "icon-set" };
  g_assert_cmpuint (json_array_get_length (stages), ==, G_N_ELEMENTS (names));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      JsonObject *stage = json_array_get_object_element (stages, i);
      g_assert_cmpstr (json_object_get_string_member (stage, "name"), ==, names[i]);
      g_assert_cmpfloat (json_object_get_double_member (stage, "ms"), >, 0);
    }
  JsonObject *svg_stats = json_object_get_object_member (o, "svg");
  g_assert_cmpint (json_object_get_int_member (svg_stats, "bytes"), ==, (gint64) strlen (svg_text));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "icon_set")), ==, 9);
  exit_clear (&e);
}

/* No --size: 256 on white, RGB; --size 64: the model's own image. */
static void
test_default_and_native_sizes (void)
{
  g_autofree char *png = test_tmp_path ("default.png");
  Exit e = { 0 };
  GENERATE (&e, "-q", "-o", png);
  g_assert_cmpint (e.status, ==, 0);
  g_autoptr (AtImage) img = load (png);
  g_assert_cmpuint (img->width, ==, 256);
  g_assert_cmpuint (img->channels, ==, 3);
  g_autofree char *params = parameters_of (png);
  g_assert_nonnull (strstr (params, "Upscaler: refiner"));
  g_assert_null (strstr (params, "Background"));
  exit_clear (&e);

  g_autofree char *small = test_tmp_path ("native.png");
  Exit n = { 0 };
  GENERATE (&n, "-q", "--size", "64", "-o", small);
  g_assert_cmpint (n.status, ==, 0);
  g_autoptr (AtImage) native = load (small);
  g_assert_cmpuint (native->width, ==, 64);
  g_autofree char *native_params = parameters_of (small);
  g_assert_null (strstr (native_params, "Upscaler"));
  exit_clear (&n);
}

static guint
n_entries (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;
  while (d != NULL && g_dir_read_name (d) != NULL)
    n++;
  return n;
}

/* Each is refused with exit code 2 and a message, writing nothing. */
static void
test_bad_input (void)
{
  g_autofree char *dir = test_tmp_path ("bad");
  g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
  g_autofree char *png = g_build_filename (dir, "out.png", NULL);
  g_autofree char *svg = g_build_filename (dir, "out.svg", NULL);
  g_autofree char *icons = g_build_filename (dir, "icons", NULL);
  g_autofree char *plain = test_tmp_path ("plain-file");
  g_assert_true (g_file_set_contents (plain, "x", -1, NULL));
  g_autofree char *under_file = g_build_filename (plain, "x.svg", NULL);
  g_autofree char *no_dir = test_tmp_path ("missing/x.svg");
  g_autofree char *one = write_sketch ("one.png", 1, 1);
  g_autofree char *wide = write_sketch ("wide.png", 300, 200);
  struct {
    const char *args[8];
    const char *message;
  } cases[] = {
    { { "--size", "100", "--svg", svg, "-o", png }, "--size must be 64, 128, 256 or 512 (got 100)" },
    { { "--svg", under_file, "--icon-set", icons, "-o", png }, "--svg: cannot write" },
    { { "--svg", no_dir, "-o", png }, "does not exist" },
    { { "--sketch", one, "--svg", svg, "-o", png }, "The sketch is 1 × 1 pixels" },
    { { "--sketch", wide, "--svg", svg, "-o", png }, "The sketch is 300 × 200 pixels, but images are square" },
    { { "--background", "green", "-o", png }, "--background must be white or transparent" },
    { { "--count", "2", "--svg", svg, "-o", png }, "use them with --count 1" },
    { { "--icon-set", plain, "-o", png }, "is not a folder" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      Exit e = { 0 };
      generate (&e, cases[i].args);
      g_assert_cmpint (e.status, ==, 2);
      g_assert_nonnull (strstr (e.err, cases[i].message));
      g_assert_cmpuint (n_entries (dir), ==, 0);
      exit_clear (&e);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli-assets/transparent-svg-and-icons", test_transparent_svg_and_icons);
  g_test_add_func ("/cli-assets/default-and-native-sizes", test_default_and_native_sizes);
  g_test_add_func ("/cli-assets/bad-input", test_bad_input);
  return g_test_run ();
}
