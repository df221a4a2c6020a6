/* test-cli-search.c — `atelier search`, `atelier caption` and the tags and
 * remixes of `atelier generate` and `atelier remix` as a user runs them: an
 * image query finds its own file first (cosine 1), the JSON says what was
 * embedded and what was reused from the folder's cache, a second run
 * reuses all; captions come as JSON with ranked words; a generated PNG's
 * Description and XMP keywords (read back by libpng) are what `atelier
 * caption` says of the same file; a quiet, slow voice adds "calm" to the
 * tags and, with --tone-hint only, its words to the prompt; a red disc
 * remixed − "red" + "blue" is prompted and captioned blue, a ring sketch
 * with a blue or a red style image is prompted so; bad input exits
 * 2 with one line on stderr and writes nothing. */
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "audio/narration.h"
#include "media/image.h"
#include "png-tags.h"
#include "search/search-update.h"
#include "search/tagged-asset.h"
#include "test-util.h"

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

/* The caption `atelier caption --json` gives path (one object of its array). */
static JsonNode *
caption_of (const char *path, const char *voice)
{
  g_auto (Run) cap = { 0 };
  if (voice != NULL)
    run (&cap, "caption", path, "--json", "--voice", voice, NULL);
  else
    run (&cap, "caption", path, "--json", NULL);
  g_assert_cmpint (cap.status, ==, 0);
  g_autoptr (JsonNode) root = parse (cap.out);
  return json_node_copy (json_array_get_element (json_node_get_array (root), 0));
}

/* path's Description and XMP keywords are the caption's text and tags. */
static void
assert_tagged_as (const char *path, JsonObject *caption)
{
  g_autoptr (GHashTable) itxt = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GHashTable) texts = test_png_texts (path, itxt);
  g_assert_cmpstr (g_hash_table_lookup (texts, "Description"), ==, json_object_get_string_member (caption, "caption"));
  TestRdfWords w = { 0 };
  test_parse_rdf (g_hash_table_lookup (texts, AT_XMP_PNG_KEY), &w);
  JsonArray *tags = json_object_get_array_member (caption, "tags");
  g_assert_cmpuint (w.subjects->len - 1, ==, json_array_get_length (tags));
  for (guint i = 0; i < json_array_get_length (tags); i++)
    g_assert_cmpstr (w.subjects->pdata[i], ==, json_array_get_string_element (tags, i));
  g_assert_cmpstr (w.description->str, ==, json_object_get_string_member (caption, "caption"));
  test_rdf_words_clear (&w);
}

static char *
png_text (const char *path, const char *key)
{
  g_autoptr (GError) error = NULL;
  char *value = at_image_read_png_text (path, key, &error);
  g_assert_no_error (error);
  return value;
}

/* The prompt of a PNG's parameters: their first line. */
static char *
prompt_of (const char *path)
{
  g_autofree char *params = png_text (path, "parameters");
  return g_strndup (params, strcspn (params, "\n"));
}

static void
test_generate_tags (void)
{
  g_autofree char *out = test_tmp_path ("tagged.png");
  g_auto (Run) gen = { 0 };
  run (&gen, "generate", "--prompt", "red apple", "--size", "64", "--steps", "4", "--seed", "3", "--json", "-o", out,
       NULL);
  g_assert_cmpint (gen.status, ==, 0);
  g_autoptr (JsonNode) caption = caption_of (out, NULL);
  assert_tagged_as (out, json_node_get_object (caption));
  /* the JSON summary names the same tags */
  g_autoptr (JsonNode) summary = parse (gen.out);
  JsonObject *image = json_array_get_object_element (json_object_get_array_member (json_node_get_object (summary),
                                                                                   "images"), 0);
  g_assert_cmpstr (json_object_get_string_member (image, "caption"), ==,
                   json_object_get_string_member (json_node_get_object (caption), "caption"));

  g_autofree char *plain = test_tmp_path ("untagged.png");
  g_auto (Run) untagged = { 0 };
  run (&untagged, "generate", "--prompt", "red apple", "--size", "64", "--steps", "4", "--seed", "3", "--no-tags",
       "-q", "-o", plain, NULL);
  g_assert_cmpint (untagged.status, ==, 0);
  g_autoptr (GHashTable) itxt = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GHashTable) texts = test_png_texts (plain, itxt);
  g_assert_false (g_hash_table_contains (texts, "Description"));
  g_assert_false (g_hash_table_contains (texts, AT_XMP_PNG_KEY));
  g_assert_true (g_hash_table_contains (texts, "parameters"));
  g_remove (out);
  g_remove (plain);
}

/* Slow narration at -26 dB under the neutral level: calm by the rule of
 * docs/VOICE_CUES.md (quiet, not fast), whatever its pitch. */
static char *
calm_clip (void)
{
  AtNarrationOptions o = { NULL, 110, -1 };
  g_autoptr (GError) error = NULL;
  g_autoptr (AtAudio) speech = at_narrate ("a small grey cat sleeps on a soft blue chair", &o, NULL, NULL, &error);
  g_assert_no_error (error);
  for (gsize i = 0; i < speech->n; i++)
    speech->samples[i] *= 0.05f;
  char *path = test_tmp_path ("calm.wav");
  g_assert_true (at_audio_save (speech, path, &error));
  g_assert_no_error (error);
  return path;
}

static void
test_tone (void)
{
  g_autofree char *wav = calm_clip ();
  g_autofree char *hinted = test_tmp_path ("hinted.png"), *plain = test_tmp_path ("plain.png");
  g_auto (Run) on = { 0 }, off = { 0 };
  run (&on, "generate", "--prompt", "red apple", "--voice", wav, "--tone-hint", "--size", "64", "--steps", "4",
       "--seed", "5", "--json", "-o", hinted, NULL);
  g_assert_cmpint (on.status, ==, 0);
  run (&off, "generate", "--prompt", "red apple", "--voice", wav, "--size", "64", "--steps", "4", "--seed", "5",
       "--json", "-o", plain, NULL);
  g_assert_cmpint (off.status, ==, 0);
  g_autoptr (JsonNode) on_json = parse (on.out);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (on_json), "tone"), ==, "calm");
  /* the hint is in the conditioning only when asked for */
  g_autofree char *on_prompt = prompt_of (hinted), *off_prompt = prompt_of (plain);
  g_assert_cmpstr (on_prompt, ==, "red apple, soft pale");
  g_assert_cmpstr (off_prompt, ==, "red apple");
  /* either way the tags carry the tone, as `atelier caption --voice` does */
  g_autoptr (JsonNode) caption = caption_of (plain, wav);
  JsonObject *c = json_node_get_object (caption);
  g_assert_true (g_str_has_suffix (json_object_get_string_member (c, "caption"), ", calm voice"));
  JsonArray *tags = json_object_get_array_member (c, "tags");
  g_assert_cmpstr (json_array_get_string_element (tags, json_array_get_length (tags) - 1), ==, "calm");
  assert_tagged_as (plain, c);

  g_auto (Run) bad = { 0 };
  run (&bad, "generate", "--prompt", "red apple", "--tone-hint", "-o", plain, NULL);
  assert_refused (&bad, "--voice");
  g_remove (wav);
  g_remove (hinted);
  g_remove (plain);
}

static void
test_remix (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("cli-remix-XXXXXX", &error);
  save_disc (dir, "red.png", 214, 40, 40, 20);
  g_autofree char *red = g_build_filename (dir, "red.png", NULL);
  g_autofree char *out = g_build_filename (dir, "blue.png", NULL);
  g_auto (Run) remix = { 0 };
  run (&remix, "remix", red, "--minus", "red", "--plus", "blue", "--size", "64", "--steps", "6", "--seed", "2",
       "--json", "-o", out, NULL);
  g_assert_cmpint (remix.status, ==, 0);
  g_autoptr (JsonNode) root = parse (remix.out);
  JsonObject *o = json_node_get_object (root);
  /* the remixed query reads blue, and that is what the image was made from */
  const char *prompt = json_object_get_string_member (o, "prompt");
  g_assert_true (g_str_has_prefix (prompt, "blue "));
  g_autofree char *made_from = prompt_of (out);
  g_assert_cmpstr (made_from, ==, prompt);
  /* drawn over the disc's outlines, not repainted from it */
  g_autofree char *params = png_text (out, "parameters");
  g_assert_null (strstr (params, "Denoising strength"));
  g_autoptr (JsonNode) caption = caption_of (out, NULL);
  const char *said = json_object_get_string_member (json_node_get_object (caption), "caption");
  g_test_message ("remixed: %s; output captioned %s", prompt, said);
  g_assert_true (g_str_has_prefix (said, "blue "));
  assert_tagged_as (out, json_node_get_object (caption));

  /* "this sketch + that image's style": a black ring takes the colour of
   * the style image, blue or red */
  g_autofree char *ring = g_build_filename (dir, "ring.png", NULL);
  g_autoptr (AtImage) ink = at_image_new (64, 64, 3);
  for (int y = 0; y < 64; y++)
    for (int x = 0; x < 64; x++)
      memset (ink->pixels + (y * 64 + x) * 3, fabs (hypot (x - 31.5, y - 31.5) - 20) < 1.5 ? 0 : 255, 3);
  g_assert_true (at_image_save_png (ink, ring, NULL, NULL, NULL));
  save_disc (dir, "blue.png", 35, 95, 215, 12);
  g_autofree char *blue = g_build_filename (dir, "blue.png", NULL);
  const char *styles[] = { blue, red };
  const char *want[] = { "blue ", "red " };
  for (guint i = 0; i < G_N_ELEMENTS (styles); i++)
    {
      g_auto (Run) styled = { 0 };
      run (&styled, "remix", ring, "--keep", "sketch", "--style", styles[i], "--size", "64", "--steps", "4",
           "--json", "-o", out, NULL);
      g_assert_cmpint (styled.status, ==, 0);
      g_autoptr (JsonNode) got = parse (styled.out);
      g_assert_true (g_str_has_prefix (json_object_get_string_member (json_node_get_object (got), "prompt"), want[i]));
      g_autofree char *styled_params = png_text (out, "parameters");
      g_assert_nonnull (strstr (styled_params, "Sketch strength"));
    }

  g_auto (Run) r1 = { 0 }, r2 = { 0 }, r3 = { 0 }, r4 = { 0 }, r5 = { 0 };
  g_autofree char *other = g_build_filename (dir, "other.png", NULL);
  run (&r1, "remix", red, "-o", other, NULL);
  assert_refused (&r1, "--minus");
  run (&r2, "remix", red, "--plus", "qzxv", "-o", other, NULL);
  assert_refused (&r2, "qzxv");
  g_autofree char *missing = g_build_filename (dir, "missing.png", NULL);
  run (&r3, "remix", missing, "--plus", "blue", "-o", other, NULL);
  assert_refused (&r3, "missing.png");
  run (&r4, "remix", red, "--plus", "blue", "--keep", "init", "--strength", "2", "-o", other, NULL);
  assert_refused (&r4, "between 0 and 1");
  run (&r5, "remix", red, "--plus", "blue", "--keep", "edges", "-o", other, NULL);
  assert_refused (&r5, "--keep");
  g_assert_false (g_file_test (other, G_FILE_TEST_EXISTS));
  g_remove (out);
  g_remove (red);
  g_remove (ring);
  g_remove (blue);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/search-and-caption", test_search_and_caption);
  g_test_add_func ("/cli/generate-tags", test_generate_tags);
  g_test_add_func ("/cli/tone", test_tone);
  g_test_add_func ("/cli/remix", test_remix);
  return g_test_run ();
}
