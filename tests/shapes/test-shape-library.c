/* test-shape-library.c — the built-in shape library: loading, its size
 * budget, damaged files, drawing (checked against librsvg drawing the
 * same shape's SVG), and words matched by name, tag and WordNet (checked
 * against WordNet's own data through libwordnet). */
#include <string.h>

#include <glib/gstdio.h>
#include <librsvg/rsvg.h>
#include <wn.h>

#include "shapes/shape-library.h"
#include "shapes/shape-match.h"
#include "shapes/shape-raster.h"
#include "shapes/shape-suggest.h"

#define BUDGET_BYTES (6u << 20)

static AtShapeLibrary *
library (void)
{
  g_autoptr (GError) error = NULL;
  AtShapeLibrary *lib = at_shape_library_get_default (&error);
  g_assert_no_error (error);
  return lib;
}

static void
test_loads (void)
{
  AtShapeLibrary *lib = library ();
  g_assert_cmpuint (at_shape_library_get_n_shapes (lib), >, 1000);
  g_assert_cmpuint (at_shape_library_get_n_sources (lib), ==, 2);
  for (guint s = 0; s < at_shape_library_get_n_sources (lib); s++)
    g_assert_cmpstr (at_shape_library_get_source_licence (lib, s), !=, "");
  for (guint i = 0; i < at_shape_library_get_n_shapes (lib); i++)
    {
      const AtShape *shape = at_shape_library_get_shape (lib, i);
      g_assert_cmpstr (shape->name, !=, "");
      g_assert_cmpuint (shape->n_strokes, >, 0);
      g_assert_cmpuint (shape->source, <, at_shape_library_get_n_sources (lib));
      for (guint k = 0; k < shape->n_strokes; k++)
        for (guint j = 0; j < shape->strokes[k].n_points; j++)
          {
            g_assert_cmpfloat (shape->strokes[k].points[j].x, >=, 0.0f);
            g_assert_cmpfloat (shape->strokes[k].points[j].x, <=, 1.0f);
          }
    }
  int cat = at_shape_library_lookup (lib, "cat");
  g_assert_cmpint (cat, >=, 0);
  g_assert_cmpstr (at_shape_library_get_shape (lib, cat)->name, ==, "cat");
  g_assert_cmpint (at_shape_library_lookup (lib, "no such shape at all"), ==, -1);
}

/* The library and the model's shape embeddings together stay within budget. */
static void
test_budget (void)
{
  g_autofree char *embeddings = g_build_filename (g_getenv ("MESON_SOURCE_ROOT"), "resources", "models",
                                                  AT_SHAPE_EMBEDDINGS_FILE, NULL);
  GStatBuf st;
  g_assert_cmpint (g_stat (embeddings, &st), ==, 0);
  gsize total = at_shape_library_get_file_size (library ()) + st.st_size;
  g_test_message ("library + embeddings: %zu bytes", total);
  g_assert_cmpuint (total, <=, BUDGET_BYTES);
}

static GBytes *
builtin_bytes (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("MESON_SOURCE_ROOT"), "resources", "shapes",
                                            "shapes.atshapes.gz", NULL);
  g_autofree char *data = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  return g_bytes_new_take (g_steal_pointer (&data), len);
}

static GBytes *
gzip_bytes (const guint8 *data, gsize len)
{
  g_autoptr (GZlibCompressor) z = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 6);
  g_autoptr (GInputStream) raw = g_memory_input_stream_new_from_data (data, len, NULL);
  g_autoptr (GInputStream) in = g_converter_input_stream_new (raw, G_CONVERTER (z));
  g_autoptr (GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_assert_cmpint (g_output_stream_splice (out, in, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, NULL), >=, 0);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

static void
assert_corrupt (GBytes *bytes)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AtShapeLibrary) lib = at_shape_library_new_from_bytes (bytes, &error);
  g_assert_null (lib);
  g_assert_error (error, AT_SHAPE_ERROR, AT_SHAPE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "damaged"));
}

static void
test_damaged (void)
{
  g_autoptr (GBytes) good = builtin_bytes ();
  g_autoptr (AtShapeLibrary) lib = at_shape_library_new_from_bytes (good, NULL);
  g_assert_nonnull (lib);
  g_assert_cmpuint (at_shape_library_get_n_shapes (lib), ==, at_shape_library_get_n_shapes (library ()));

  /* truncated gzip */
  gsize len = g_bytes_get_size (good);
  for (gsize cut = 0; cut < len; cut += len / 7 + 1)
    {
      g_autoptr (GBytes) part = g_bytes_new_from_bytes (good, 0, cut);
      assert_corrupt (part);
    }
  /* not gzip at all */
  g_autoptr (GBytes) text = g_bytes_new_static ("hello", 5);
  assert_corrupt (text);

  /* valid gzip of a truncated or altered library */
  g_autoptr (GError) error = NULL;
  g_autoptr (GZlibDecompressor) z = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
  g_autoptr (GInputStream) raw = g_memory_input_stream_new_from_bytes (good);
  g_autoptr (GInputStream) in = g_converter_input_stream_new (raw, G_CONVERTER (z));
  g_autoptr (GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_output_stream_splice (out, in, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, &error);
  g_assert_no_error (error);
  g_autoptr (GBytes) plain = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
  gsize plain_len = 0;
  const guint8 *p = g_bytes_get_data (plain, &plain_len);
  for (gsize cut = 3; cut < plain_len; cut += plain_len / 11)
    {
      g_autoptr (GBytes) gz = gzip_bytes (p, cut);
      assert_corrupt (gz);
    }
  g_autofree guint8 *bad_magic = g_memdup2 (p, plain_len);
  bad_magic[0] = 'X';
  g_autoptr (GBytes) gz = gzip_bytes (bad_magic, plain_len);
  assert_corrupt (gz);

  g_autoptr (AtShapeLibrary) none = at_shape_library_new_from_file ("/nonexistent/shapes.gz", &error);
  g_assert_null (none);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
}

/* Ink (0..1) of a gray image or of a cairo ARGB32 surface's alpha. */
static double
iou (const AtImage *a, cairo_surface_t *b)
{
  const guint8 *bp = cairo_image_surface_get_data (b);
  int stride = cairo_image_surface_get_stride (b);
  guint both = 0, either = 0;
  for (guint y = 0; y < a->height; y++)
    for (guint x = 0; x < a->width; x++)
      {
        gboolean ia = a->pixels[y * a->width + x] < 128;
        gboolean ib = bp[y * stride + x * 4 + 3] >= 128;  /* alpha of ARGB32, little endian */
        both += ia && ib;
        either += ia || ib;
      }
  return either > 0 ? (double) both / either : 1.0;
}

/* The cairo drawing and librsvg's drawing of the exported SVG agree. */
static void
test_render_matches_librsvg (void)
{
  AtShapeLibrary *lib = library ();
  const char *names[] = { "cat", "house", "rocket", "car", "flower", "star" };
  const guint size = 96;
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      int index = at_shape_library_lookup (lib, names[i]);
      g_assert_cmpint (index, >=, 0);
      const AtShape *shape = at_shape_library_get_shape (lib, index);
      g_autoptr (AtImage) ours = at_shape_render (shape, size, 0.0f, AT_SHAPE_LINE_WIDTH, TRUE);
      g_autofree char *svg = at_shape_to_svg (shape);
      g_autoptr (GError) error = NULL;
      g_autoptr (GObject) handle = (GObject *) rsvg_handle_new_from_data ((const guint8 *) svg, strlen (svg), &error);
      g_assert_no_error (error);
      cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, size, size);
      cairo_t *cr = cairo_create (surface);
      RsvgRectangle viewport = { 0, 0, size, size };
      g_assert_true (rsvg_handle_render_document (RSVG_HANDLE (handle), cr, &viewport, &error));
      cairo_destroy (cr);
      cairo_surface_flush (surface);
      double overlap = iou (ours, surface);
      g_test_message ("%s: IoU %.3f", names[i], overlap);
      g_assert_cmpfloat (overlap, >, 0.9);
      cairo_surface_destroy (surface);
    }
}

/* The first shape of a match list. */
static const AtShapeMatch *
best (const AtShapeMatches *m)
{
  g_assert_cmpuint (m->matches->len, >, 0);
  return m->matches->pdata[0];
}

static const char *
best_name (const AtShapeMatches *m)
{
  return at_shape_library_get_shape (library (), best (m)->shape)->name;
}

static void
test_words_by_name_and_tag (void)
{
  g_autoptr (AtShapeMatches) rocket = at_shape_match_words (library (), "A Rocket!");
  g_assert_cmpstr (best_name (rocket), ==, "rocket");
  g_assert_cmpint (best (rocket)->kind, ==, AT_SHAPE_MATCH_NAME);
  g_assert_cmpint (best (rocket)->word, ==, 1);

  /* "kitty" is one of the cat's tags in the icon set */
  guint n = 0;
  const guint *tagged = at_shape_library_find_tagged (library (), "kitty", &n);
  g_assert_cmpuint (n, >, 0);
  g_autoptr (AtShapeMatches) kitty = at_shape_match_words (library (), "a kitty");
  g_assert_cmpstr (best_name (kitty), ==, "cat");
  g_assert_cmpint (best (kitty)->kind, ==, AT_SHAPE_MATCH_TAG);
  g_assert_cmpuint (best (kitty)->shape, ==, tagged[0]);

  /* two-word names */
  g_autoptr (AtShapeMatches) plane = at_shape_match_words (library (), "ice cream");
  g_assert_cmpstr (best_name (plane), ==, "ice cream");
}

/* Whether lemma is a word of one of the synsets chained from s (nextss:
 * siblings, ptrlist: one hypernym level up) within steps levels. */
static gboolean
chain_has (SynsetPtr s, const char *lemma, int steps)
{
  for (; s != NULL; s = s->nextss)
    {
      for (int i = 0; i < s->wcount; i++)
        if (g_ascii_strcasecmp (s->words[i], lemma) == 0)
          return TRUE;
      if (steps > 0 && chain_has (s->ptrlist, lemma, steps - 1))
        return TRUE;
    }
  return FALSE;
}

/* Whether WordNet itself lists lemma among word's synonyms or hypernyms
 * (up to steps) — the oracle for the matcher's WordNet cases. */
static gboolean
wordnet_relates (const char *word, const char *lemma, int steps)
{
  g_autofree char *w = g_strdup (word);
  char *base = morphstr (w, NOUN);
  g_autofree char *query = g_strdup (base != NULL ? base : word);
  SynsetPtr senses = findtheinfo_ds (query, NOUN, -HYPERPTR, ALLSENSES)  /* negative: recursive */;
  gboolean found = FALSE;
  for (SynsetPtr s = senses; s != NULL && !found; s = s->nextss)
    {
      for (int i = 0; i < s->wcount && !found; i++)
        found = g_ascii_strcasecmp (s->words[i], lemma) == 0;
      found = found || (steps > 0 && chain_has (s->ptrlist, lemma, steps - 1));
    }
  free_syns (senses);
  return found;
}

static void
test_words_by_wordnet (void)
{
  g_assert_cmpint (wninit (), ==, 0);
  /* word, shape it should find, WordNet steps: none is an icon tag */
  const struct { const char *word, *shape; int steps; } cases[] = {
    { "motorcar", "car", 0 },
    { "pussycat", "cat", 2 },
    { "blossom", "flower", 0 },
    { "hound", "dog", 1 },
    { "tomcat", "cat", 2 },
    { "jalopy", "bus", 0 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("%s -> %s", cases[i].word, cases[i].shape);
      g_assert_true (wordnet_relates (cases[i].word, cases[i].shape, cases[i].steps));
      g_autoptr (AtShapeMatches) m = at_shape_match_words (library (), cases[i].word);
      gboolean found = FALSE;
      for (guint k = 0; k < m->matches->len && k < 5 && !found; k++)
        {
          const AtShapeMatch *match = m->matches->pdata[k];
          found = strcmp (at_shape_library_get_shape (library (), match->shape)->name, cases[i].shape) == 0;
        }
      g_assert_true (found);
    }
  /* plurals through WordNet's morphology (exception list and rules) */
  g_autofree char *mice = g_strdup ("mice");
  g_assert_cmpstr (morphstr (mice, NOUN), ==, "mouse");
  g_autoptr (AtShapeMatches) m = at_shape_match_words (library (), "three mice");
  g_assert_cmpstr (best_name (m), ==, "mouse");
  g_autoptr (AtShapeMatches) houses = at_shape_match_words (library (), "two leaves");
  g_assert_cmpstr (best_name (houses), ==, "leaf");
}

static void
test_unknown_and_ignored_words (void)
{
  g_autoptr (AtShapeMatches) m = at_shape_match_words (library (), "a big blue zorblaxian outline house");
  g_assert_cmpstr (best_name (m), ==, "house");
  g_assert_cmpuint (m->unknown->len, ==, 1);
  g_assert_cmpstr (m->unknown->pdata[0], ==, "zorblaxian");
  g_assert_true (g_ptr_array_find_with_equal_func (m->ignored, "blue", g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (m->ignored, "outline", g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (m->ignored, "big", g_str_equal, NULL));

  g_autoptr (AtShapeMatches) none = at_shape_match_words (library (), "qwzx vvkp");
  g_assert_cmpuint (none->matches->len, ==, 0);
  g_assert_cmpuint (none->unknown->len, ==, 2);
  g_autoptr (AtShapeMatches) empty = at_shape_match_words (library (), "");
  g_assert_cmpuint (empty->matches->len, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/shapes/library/loads", test_loads);
  g_test_add_func ("/shapes/library/budget", test_budget);
  g_test_add_func ("/shapes/library/damaged", test_damaged);
  g_test_add_func ("/shapes/render/librsvg", test_render_matches_librsvg);
  g_test_add_func ("/shapes/words/name-and-tag", test_words_by_name_and_tag);
  g_test_add_func ("/shapes/words/wordnet", test_words_by_wordnet);
  g_test_add_func ("/shapes/words/unknown", test_unknown_and_ignored_words);
  return g_test_run ();
}
