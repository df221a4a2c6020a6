/* test-caption-tags.c — captions from fixed embeddings, and the tags they
 * put into exported files, read back by the libraries asset managers use:
 * libpng for the PNG's text chunks (tEXt/iTXt), GLib's XML parser for the
 * XMP packet and the SVG's <metadata>, librsvg to check the SVG still
 * parses. No model: the vocabulary is made of orthogonal vectors, so the
 * right words are known by construction. */
#include <string.h>

#include <glib/gstdio.h>

#include <librsvg/rsvg.h>

#include "png-tags.h"
#include "search/caption.h"
#include "search/tagged-asset.h"

#define DIM 8

static AtSearchIndex *
vocab (const char *const *words, int first_axis)
{
  AtSearchIndex *index = at_search_index_new ("m", DIM);
  for (int i = 0; words[i] != NULL; i++)
    {
      float v[DIM] = { 0 };
      v[first_axis + i] = 1.0f;
      at_search_index_set (index, words[i], "w", v);
    }
  return index;
}

/* red apple (fruit), filled: weights decide the order within each kind. */
static AtCaption *
known_caption (void)
{
  static const char *const colours[] = { "blue", "red", NULL };          /* axes 0, 1 */
  static const char *const objects[] = { "car", "apple", "fruit", NULL }; /* 2, 3, 4 */
  static const char *const styles[] = { "outline", "filled", NULL };     /* 5, 6 */
  g_autoptr (AtSearchIndex) c = vocab (colours, 0), o = vocab (objects, 2), s = vocab (styles, 5);
  AtSearchIndex *v[AT_CAPTION_N_KINDS] = { [AT_CAPTION_COLOUR] = c, [AT_CAPTION_OBJECT] = o, [AT_CAPTION_STYLE] = s };
  float e[DIM] = { 0.1f, 0.6f, 0.05f, 0.5f, 0.4f, 0.2f, 0.3f, 0.0f };
  return at_caption_from_embedding (v, e, 2);
}

static void
test_caption_from_embedding (void)
{
  g_autoptr (AtCaption) c = known_caption ();
  g_assert_cmpstr (c->text, ==, "red apple (fruit), filled");
  const char *want[] = { "red", "apple", "fruit", "filled", NULL };
  g_assert_cmpstrv (c->tags, want);
  GArray *objects = c->words[AT_CAPTION_OBJECT];
  g_assert_cmpuint (objects->len, ==, 3);
  g_assert_cmpstr (g_array_index (objects, AtCaptionWord, 2).word, ==, "car");
  g_assert_cmpfloat_with_epsilon (g_array_index (objects, AtCaptionWord, 0).score, 0.5, 1e-6);
  g_assert_true (at_caption_is_object_word ("umbrella"));
  g_assert_false (at_caption_is_object_word ("purple"));
  g_assert_false (at_caption_is_object_word ("outline"));
  g_assert_false (at_caption_is_object_word ("the"));
  g_assert_false (at_caption_is_object_word ("42"));
}

static AtImage *
test_image (void)
{
  AtImage *img = at_image_new (48, 32, 3);
  for (gsize i = 0; i < at_image_get_nbytes (img); i++)
    img->pixels[i] = (guint8) ((i * 37) % 251);
  return img;
}

static void
test_png_tags (void)
{
  g_autoptr (AtCaption) c = known_caption ();
  g_autoptr (AtImage) img = test_image ();
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("caption-tags-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "tagged.png", NULL);
  g_assert_true (at_caption_save_png (img, path, "red apple, Steps: 12", c, &error));
  g_assert_no_error (error);

  g_autoptr (GHashTable) itxt = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GHashTable) texts = test_png_texts (path, itxt);
  g_assert_cmpstr (g_hash_table_lookup (texts, "Description"), ==, c->text);
  g_assert_cmpstr (g_hash_table_lookup (texts, "parameters"), ==, "red apple, Steps: 12");
  g_assert_true (g_hash_table_contains (itxt, AT_XMP_PNG_KEY));   /* XMP is UTF-8: iTXt */
  TestRdfWords w = { 0 };
  test_parse_rdf (g_hash_table_lookup (texts, AT_XMP_PNG_KEY), &w);
  g_assert_cmpstrv ((char **) w.subjects->pdata, c->tags);
  g_assert_cmpstr (w.description->str, ==, c->text);
  test_rdf_words_clear (&w);

  /* the pixels are the image's */
  g_autoptr (AtImage) back = at_image_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (back->pixels, at_image_get_nbytes (back), img->pixels, at_image_get_nbytes (img));
  g_remove (path);
  g_rmdir (dir);
}

static void
test_svg_tags (void)
{
  g_autoptr (AtCaption) c = known_caption ();
  g_autoptr (AtImage) img = test_image ();
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("caption-tags-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "tagged.svg", NULL);
  g_assert_true (at_caption_save_svg (img, path, "red apple <&> Steps: 12", c, &error));
  g_assert_no_error (error);

  RsvgHandle *handle = rsvg_handle_new_from_file (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (handle);
  g_object_unref (handle);
  g_autofree char *svg = NULL;
  g_assert_true (g_file_get_contents (path, &svg, NULL, NULL));
  TestRdfWords w = { 0 };
  test_parse_rdf (svg, &w);
  g_assert_cmpstrv ((char **) w.subjects->pdata, c->tags);
  g_autofree char *want = g_strdup_printf ("%s\n%s", c->text, "red apple <&> Steps: 12");
  g_assert_cmpstr (w.description->str, ==, want);
  test_rdf_words_clear (&w);
  g_remove (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/caption/from-embedding", test_caption_from_embedding);
  g_test_add_func ("/caption/png-tags", test_png_tags);
  g_test_add_func ("/caption/svg-tags", test_svg_tags);
  return g_test_run ();
}
