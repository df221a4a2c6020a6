/* test-cli-search.c — `atelier search` and `atelier caption` as a user runs
 * them: an image query finds its own file first (cosine 1), the JSON says
 * what was embedded and what was reused from the folder's cache, a second
 * run reuses all; captions come as JSON with ranked words; bad input exits
 * 2 with one line on stderr and writes nothing. */
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "media/image.h"
#include "search/search-update.h"

typedef struct {
  int status;
  char *out, *err;
} Run;

static void
run_clear (Run *r)
{
  g_free (r->out);
  g_free (r->err);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static void
run (Run *r, const char *first, ...)
{
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
  g_strv_builder_add (b, g_getenv ("ATELIER_BIN"));
  va_list ap;
  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_strv_builder_add (b, a);
  va_end (ap);
  g_auto (GStrv) argv = g_strv_builder_end (b);
  int wait_status = 0;
  g_autoptr (GError) error = NULL;
  g_spawn_sync (NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &r->out, &r->err, &wait_status, &error);
  g_assert_no_error (error);
  r->status = g_spawn_check_wait_status (wait_status, NULL) ? 0 : WEXITSTATUS (wait_status);
}

static JsonNode *
parse (const char *text)
{
  g_autoptr (JsonParser) p = json_parser_new ();
  g_autoptr (GError) error = NULL;
  json_parser_load_from_data (p, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (p));
}

static void
save_disc (const char *dir, const char *name, guint8 r, guint8 g, guint8 b, double radius)
{
  g_autoptr (AtImage) img = at_image_new (64, 64, 3);
  for (int y = 0; y < 64; y++)
    for (int x = 0; x < 64; x++)
      {
        gboolean in = hypot (x - 31.5, y - 31.5) < radius;
        guint8 *p = img->pixels + (y * 64 + x) * 3;
        p[0] = in ? r : 255, p[1] = in ? g : 255, p[2] = in ? b : 255;
      }
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_assert_true (at_image_save_png (img, path, NULL, NULL, NULL));
}

/* One line on stderr naming the problem, exit 2, nothing on stdout. */
static void
assert_refused (Run *r, const char *word)
{
  g_assert_cmpint (r->status, ==, 2);
  g_assert_cmpstr (r->out, ==, "");
  g_assert_nonnull (strstr (r->err, word));
  g_assert_true (g_str_has_suffix (r->err, "\n") && strchr (r->err, '\n') == r->err + strlen (r->err) - 1);
}

static void
test_search_and_caption (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("cli-search-XXXXXX", &error);
  save_disc (dir, "red.png", 214, 40, 40, 20);
  save_disc (dir, "blue.png", 35, 95, 215, 24);
  save_disc (dir, "green.png", 46, 160, 67, 14);
  g_autofree char *blue = g_build_filename (dir, "blue.png", NULL);

  g_auto (Run) first = { 0 };
  run (&first, "search", dir, "--image", blue, "--json", NULL);
  g_assert_cmpint (first.status, ==, 0);
  g_autoptr (JsonNode) root = parse (first.out);
  JsonObject *o = json_node_get_object (root);
  g_assert_cmpint (json_object_get_int_member (o, "embedded"), ==, 3);
  JsonArray *results = json_object_get_array_member (o, "results");
  g_assert_cmpuint (json_array_get_length (results), ==, 3);
  JsonObject *top = json_array_get_object_element (results, 0);
  g_assert_cmpstr (json_object_get_string_member (top, "path"), ==, blue);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (top, "score"), 1.0, 1e-4);
  for (guint i = 1; i < 3; i++)
    g_assert_cmpfloat (json_object_get_double_member (json_array_get_object_element (results, i), "score"), <=,
                       json_object_get_double_member (json_array_get_object_element (results, i - 1), "score"));

  g_auto (Run) second = { 0 };
  run (&second, "search", dir, "--text", "blue circle", "--count", "2", "--json", NULL);
  g_assert_cmpint (second.status, ==, 0);
  g_autoptr (JsonNode) root2 = parse (second.out);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (root2), "reused"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (root2), "embedded"), ==, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (root2), "results")), ==, 2);

  g_auto (Run) cap = { 0 };
  run (&cap, "caption", blue, "--json", "--objects", "2", NULL);
  g_assert_cmpint (cap.status, ==, 0);
  g_autoptr (JsonNode) root3 = parse (cap.out);
  JsonObject *c = json_array_get_object_element (json_node_get_array (root3), 0);
  JsonArray *tags = json_object_get_array_member (c, "tags");
  g_assert_cmpuint (json_array_get_length (tags), ==, 4);   /* colour, 2 objects, style */
  JsonArray *colours = json_object_get_array_member (c, "colours");
  g_assert_cmpstr (json_array_get_string_element (tags, 0), ==,
                   json_object_get_string_member (json_array_get_object_element (colours, 0), "word"));

  /* bad input */
  g_auto (Run) r1 = { 0 }, r2 = { 0 }, r3 = { 0 }, r4 = { 0 }, r5 = { 0 }, r6 = { 0 }, r7 = { 0 };
  run (&r1, "search", dir, "--text", "  ", NULL);
  assert_refused (&r1, "empty");
  run (&r2, "search", dir, NULL);
  assert_refused (&r2, "one query");
  run (&r3, "search", dir, "--text", "red", "--image", blue, NULL);
  assert_refused (&r3, "one query");
  run (&r4, "search", dir, "--text", "red", "--count", "0", NULL);
  assert_refused (&r4, "--count");
  g_autofree char *white = g_build_filename (dir, "white.png", NULL);
  g_autoptr (AtImage) paper = at_image_new (32, 32, 3);
  memset (paper->pixels, 255, at_image_get_nbytes (paper));
  g_assert_true (at_image_save_png (paper, white, NULL, NULL, NULL));
  run (&r5, "search", dir, "--sketch", white, NULL);
  assert_refused (&r5, "blank");
  g_remove (white);
  run (&r6, "caption", NULL);
  assert_refused (&r6, "PNG");
  g_autofree char *missing = g_build_filename (dir, "missing.png", NULL);
  run (&r7, "caption", blue, missing, NULL);
  assert_refused (&r7, "missing.png");

  const char *names[] = { "red.png", "blue.png", "green.png", AT_SEARCH_FOLDER_CACHE };
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *p = g_build_filename (dir, names[i], NULL);
      g_assert_cmpint (g_remove (p), ==, 0);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/search-and-caption", test_search_and_caption);
  return g_test_run ();
}
