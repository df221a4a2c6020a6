/* test-caption-tags.c — captions from fixed embeddings, and the tags they
 * put into exported files, read back by the libraries asset managers use:
 * libpng for the PNG's text chunks (tEXt/iTXt), GLib's XML parser for the
 * XMP packet and the SVG's <metadata>, librsvg to check the SVG still
 * parses. No model: the vocabulary is made of orthogonal vectors, so the
 * right words are known by construction. */
#include <string.h>

#include <glib/gstdio.h>

#include <librsvg/rsvg.h>
#include <png.h>

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

/* --- reading back --------------------------------------------------------- */

/* Every text chunk of a PNG, key -> value, and which were iTXt. */
static GHashTable *
png_texts (const char *path, GHashTable *itxt)
{
  FILE *f = fopen (path, "rb");
  g_assert_nonnull (f);
  png_structp png = png_create_read_struct (PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  png_infop info = png_create_info_struct (png);
  g_assert_cmpint (setjmp (png_jmpbuf (png)), ==, 0);
  png_init_io (png, f);
  png_read_png (png, info, PNG_TRANSFORM_IDENTITY, NULL);
  png_textp text = NULL;
  int n = png_get_text (png, info, &text, NULL);
  GHashTable *texts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (int i = 0; i < n; i++)
    {
      gsize len = text[i].compression >= PNG_ITXT_COMPRESSION_NONE ? text[i].itxt_length : text[i].text_length;
      g_hash_table_insert (texts, g_strdup (text[i].key), g_strndup (text[i].text, len));
      if (text[i].compression >= PNG_ITXT_COMPRESSION_NONE)
        g_hash_table_add (itxt, g_strdup (text[i].key));
    }
  png_destroy_read_struct (&png, &info, NULL);
  fclose (f);
  return texts;
}

/* The text of every rdf:li inside a dc:subject, and of dc:description's. */
typedef struct {
  GPtrArray *subjects;
  gboolean in_subject, in_description, in_li;
  GString *description;
} RdfWords;

static void
rdf_start (GMarkupParseContext *ctx, const char *name, const char **an, const char **av, gpointer data, GError **e)
{
  RdfWords *w = data;
  if (strcmp (name, "dc:subject") == 0)
    w->in_subject = TRUE;
  else if (strcmp (name, "dc:description") == 0)
    w->in_description = TRUE;
  else if (strcmp (name, "rdf:li") == 0 && w->in_subject)
    {
      w->in_li = TRUE;
      g_ptr_array_add (w->subjects, g_strdup (""));
    }
}

static void
rdf_end (GMarkupParseContext *ctx, const char *name, gpointer data, GError **e)
{
  RdfWords *w = data;
  if (strcmp (name, "dc:subject") == 0)
    w->in_subject = FALSE;
  else if (strcmp (name, "dc:description") == 0)
    w->in_description = FALSE;
  else if (strcmp (name, "rdf:li") == 0)
    w->in_li = FALSE;
}

static void
rdf_text (GMarkupParseContext *ctx, const char *text, gsize len, gpointer data, GError **e)
{
  RdfWords *w = data;
  if (w->in_li && w->in_subject)
    {
      char *old = w->subjects->pdata[w->subjects->len - 1];
      w->subjects->pdata[w->subjects->len - 1] = g_strconcat (old, text, NULL);
      g_free (old);
    }
  else if (w->in_description)
    g_string_append_len (w->description, text, len);
}

static void
parse_rdf (const char *xml, RdfWords *w)
{
  static const GMarkupParser parser = { rdf_start, rdf_end, rdf_text, NULL, NULL };
  w->subjects = g_ptr_array_new_with_free_func (g_free);
  w->description = g_string_new (NULL);
  g_autoptr (GMarkupParseContext) ctx = g_markup_parse_context_new (&parser, 0, w, NULL);
  g_autoptr (GError) error = NULL;
  if (g_markup_parse_context_parse (ctx, xml, -1, &error))
    g_markup_parse_context_end_parse (ctx, &error);
  g_assert_no_error (error);
  g_ptr_array_add (w->subjects, NULL);
}

static void
rdf_words_clear (RdfWords *w)
{
  g_ptr_array_unref (w->subjects);
  g_string_free (w->description, TRUE);
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
  g_autoptr (GHashTable) texts = png_texts (path, itxt);
  g_assert_cmpstr (g_hash_table_lookup (texts, "Description"), ==, c->text);
  g_assert_cmpstr (g_hash_table_lookup (texts, "parameters"), ==, "red apple, Steps: 12");
  g_assert_true (g_hash_table_contains (itxt, AT_XMP_PNG_KEY));   /* XMP is UTF-8: iTXt */
  RdfWords w = { 0 };
  parse_rdf (g_hash_table_lookup (texts, AT_XMP_PNG_KEY), &w);
  g_assert_cmpstrv ((char **) w.subjects->pdata, c->tags);
  g_assert_cmpstr (w.description->str, ==, c->text);
  rdf_words_clear (&w);

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
  RdfWords w = { 0 };
  parse_rdf (svg, &w);
  g_assert_cmpstrv ((char **) w.subjects->pdata, c->tags);
  g_autofree char *want = g_strdup_printf ("%s\n%s", c->text, "red apple <&> Steps: 12");
  g_assert_cmpstr (w.description->str, ==, want);
  rdf_words_clear (&w);
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
