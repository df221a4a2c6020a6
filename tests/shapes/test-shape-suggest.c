/* test-shape-suggest.c — shapes ranked through the engine's model: a
 * library shape drawn as a doodle finds itself, prompts find their shapes,
 * the shape prior becomes a text-only request's sketch, and embeddings
 * made with other weights are refused. Everything runs the real model on
 * lavapipe; nothing compares against stored numbers, so the test holds
 * for new weights once tools/shapes/embed.sh has been run. */
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "engine.h"
#include "model/safetensors.h"
#include "ops/tensor.h"
#include "shapes/shape-raster.h"
#include "shapes/shape-suggest.h"

static AtEngine *engine;

static AtShapeLibrary *
library (void)
{
  AtShapeLibrary *lib = at_shape_library_get_default (NULL);
  g_assert_nonnull (lib);
  return lib;
}

/* 0-based rank of the first suggestion called name, or -1. */
static int
rank_of (const AtShapeMatches *m, const char *name)
{
  for (guint i = 0; i < m->matches->len; i++)
    if (strcmp (at_shape_library_get_shape (library (), ((AtShapeMatch *) m->matches->pdata[i])->shape)->name, name) == 0)
      return i;
  return -1;
}

static AtShapeMatches *
suggest_image (const AtImage *img, guint count)
{
  g_autoptr (GError) error = NULL;
  AtShapeMatches *m = at_engine_suggest_sketch (engine, img, count, &error);
  g_assert_no_error (error);
  g_assert_null (m->notice);
  return m;
}

/* A shape drawn exactly as the library was embedded ranks itself first:
 * the stored embeddings and the engine agree. */
static void
test_exact_drawing_finds_itself (void)
{
  AtShapeLibrary *lib = library ();
  guint n = at_shape_library_get_n_shapes (lib);
  for (guint i = 0; i < n; i += n / 12)
    {
      const AtShape *shape = at_shape_library_get_shape (lib, i);
      g_autoptr (AtImage) img = at_shape_render_model_sketch (shape, 4 * at_engine_get_native_size (engine));
      g_autoptr (AtShapeMatches) m = suggest_image (img, 3);
      g_test_message ("%s: rank %d, cosine %.4f", shape->name, rank_of (m, shape->name),
                      ((AtShapeMatch *) m->matches->pdata[0])->score);
      g_assert_cmpint (rank_of (m, shape->name), ==, 0);
      g_assert_cmpfloat (((AtShapeMatch *) m->matches->pdata[0])->score, >, 0.999);
      g_assert_cmpint (((AtShapeMatch *) m->matches->pdata[0])->kind, ==, AT_SHAPE_MATCH_SKETCH);
    }
}

/* Redrawn with a hand's wobble, most shapes stay in the first five. */
static void
test_wobbled_drawing_top5 (void)
{
  AtShapeLibrary *lib = library ();
  guint n = at_shape_library_get_n_shapes (lib), hits = 0, tries = 0;
  for (guint i = 7; i < n; i += n / 24, tries++)
    {
      const AtShape *shape = at_shape_library_get_shape (lib, i);
      g_autoptr (AtImage) img = at_shape_render_wobbled (shape, 4 * at_engine_get_native_size (engine), 0.006f, i);
      g_autoptr (AtShapeMatches) m = suggest_image (img, 5);
      int r = rank_of (m, shape->name);
      g_test_message ("%s: rank %d", shape->name, r);
      hits += r >= 0;
    }
  g_assert_cmpuint (hits * 10, >=, tries * 7);
}

/* A doodle as the studio sends it: a big page, a thick pen, a margin. */
static void
test_studio_sized_doodle (void)
{
  const char *names[] = { "house", "cat", "car" };
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      int index = at_shape_library_lookup (library (), names[i]);
      g_autoptr (AtImage) img = at_shape_render (at_shape_library_get_shape (library (), index), 512, 0.2f,
                                                 0.025f, TRUE);
      g_autoptr (AtShapeMatches) m = suggest_image (img, 8);
      g_test_message ("%s: rank %d", names[i], rank_of (m, names[i]));
      g_assert_cmpint (rank_of (m, names[i]), >=, 0);
    }
  g_autoptr (AtImage) blank = at_image_new (64, 64, 1);
  memset (blank->pixels, 255, 64 * 64);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtShapeMatches) none = at_engine_suggest_sketch (engine, blank, 5, &error);
  g_assert_null (none);
  g_assert_error (error, AT_SHAPE_ERROR, AT_SHAPE_ERROR_EMPTY);
}

static void
test_text (void)
{
  g_autoptr (GError) error = NULL;
  const char *cases[][2] = { { "a rocket", "rocket" }, { "a kitty", "cat" }, { "an automobile", "car" },
                             { "a blossom", "flower" } };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (AtShapeMatches) m = at_engine_suggest_text (engine, cases[i][0], 8, &error);
      g_assert_no_error (error);
      g_assert_cmpint (rank_of (m, cases[i][1]), ==, 0);
      g_assert_cmpuint (m->matches->len, ==, 8);
    }
  /* the list is filled from the text embedding after the word matches,
   * best first, and the words that name no shape are reported */
  g_autoptr (AtShapeMatches) m = at_engine_suggest_text (engine, "something soft", 12, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (m->matches->len, ==, 12);
  guint text = 0;
  for (guint i = 0; i < m->matches->len; i++)
    {
      const AtShapeMatch *s = m->matches->pdata[i], *prev = i > 0 ? m->matches->pdata[i - 1] : NULL;
      text += s->kind == AT_SHAPE_MATCH_TEXT;
      if (prev != NULL && prev->kind == AT_SHAPE_MATCH_TEXT)
        {
          g_assert_cmpint (s->kind, ==, AT_SHAPE_MATCH_TEXT);
          g_assert_cmpfloat (s->score, <=, prev->score);
        }
    }
  g_assert_cmpuint (text, >, 0);
  g_assert_true (g_ptr_array_find_with_equal_func (m->unknown, "something", g_str_equal, NULL));
}

static AtRequest *
text_request (const char *prompt, const char *shape)
{
  AtRequest *r = at_request_new ();
  r->prompt = g_strdup (prompt);
  r->shape = g_strdup (shape);
  r->steps = 2;
  r->guidance = 1.0f;
  r->size = at_engine_get_native_size (engine);
  return r;
}

static void
test_prior (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AtRequest) r = text_request ("a kitty", "auto");
  g_autoptr (AtResult) with = at_engine_generate (engine, r, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (with->shape, ==, "cat");
  g_assert_nonnull (strstr (with->parameters->pdata[0], "Shape: cat"));
  g_assert_nonnull (strstr (with->parameters->pdata[0], "Sketch strength: 0.6"));

  g_autoptr (AtRequest) off = text_request ("a kitty", "none");
  g_autoptr (AtResult) without = at_engine_generate (engine, off, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (without->shape);
  g_assert_null (strstr (without->parameters->pdata[0], "Shape:"));
  /* the prior changes the picture (the same seed otherwise) */
  AtImage *a = with->images->pdata[0], *b = without->images->pdata[0];
  g_assert_true (memcmp (a->pixels, b->pixels, at_image_get_nbytes (a)) != 0);

  g_autoptr (AtRequest) named = text_request ("something", "house");
  g_autoptr (AtResult) house = at_engine_generate (engine, named, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (house->shape, ==, "house");

  g_autoptr (AtRequest) unknown = text_request ("a kitty", "no-such-shape");
  g_autoptr (AtResult) none = at_engine_generate (engine, unknown, NULL, NULL, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, AT_SHAPE_ERROR, AT_SHAPE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_autoptr (AtRequest) nothing = text_request ("qwzx", "auto");
  g_autoptr (AtResult) plain = at_engine_generate (engine, nothing, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (plain->shape);
  g_assert_nonnull (plain->shape_note);
}

/* Embeddings made with other weights are not used, and the reason is given. */
static void
test_stale_embeddings (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("atelier-shapes-XXXXXX", &error);
  g_assert_no_error (error);
  const char *files[] = { "atelier-model.json", "atelier-model.safetensors", "tokenizer.json" };
  for (gsize i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *from = g_build_filename (at_engine_get_model_dir (engine), files[i], NULL);
      g_autofree char *to = g_build_filename (dir, files[i], NULL);
      g_assert_cmpint (symlink (from, to), ==, 0);
    }
  g_autofree char *stale = g_build_filename (dir, AT_SHAPE_EMBEDDINGS_FILE, NULL);
  guint n = at_shape_library_get_n_shapes (library ());
  g_autofree float *zeros = g_new0 (float, (gsize) n * 128);
  const char *keys[] = { "model_sha256", "library_sha256", NULL };
  const char *values[] = { "0000", at_shape_library_get_checksum (library ()), NULL };
  AtSafetensorsTensor t = { "sketch", 2, AT_SHAPE ((gint64) n, 128), zeros };
  g_assert_true (at_safetensors_write_f32 (stale, &t, 1, keys, values, &error));

  g_autoptr (AtEngine) other = at_engine_new (NULL, dir, &error);
  g_assert_no_error (error);
  g_autoptr (AtImage) img = at_shape_render_model_sketch (at_shape_library_get_shape (library (), 0), 64);
  g_autoptr (AtShapeMatches) none = at_engine_suggest_sketch (other, img, 5, &error);
  g_assert_null (none);
  g_assert_error (error, AT_SHAPE_ERROR, AT_SHAPE_ERROR_STALE);
  g_assert_nonnull (strstr (error->message, "embed.sh"));
  g_clear_error (&error);
  /* words still work, and say what is missing */
  g_autoptr (AtShapeMatches) words = at_engine_suggest_text (other, "a rocket", 5, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rank_of (words, "rocket"), ==, 0);
  g_assert_nonnull (words->notice);

  for (gsize i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *to = g_build_filename (dir, files[i], NULL);
      g_unlink (to);
    }
  g_unlink (stale);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_autoptr (GError) error = NULL;
  engine = at_engine_new (NULL, NULL, &error);
  g_assert_no_error (error);
  g_test_add_func ("/shapes/suggest/exact-drawing", test_exact_drawing_finds_itself);
  g_test_add_func ("/shapes/suggest/wobbled-drawing", test_wobbled_drawing_top5);
  g_test_add_func ("/shapes/suggest/studio-doodle", test_studio_sized_doodle);
  g_test_add_func ("/shapes/suggest/text", test_text);
  g_test_add_func ("/shapes/prior", test_prior);
  g_test_add_func ("/shapes/suggest/stale-embeddings", test_stale_embeddings);
  int status = g_test_run ();
  at_engine_free (engine);
  return status;
}
