/* test-search-embed.c — search through the engine's model on lavapipe.
 *
 * The four embeddings (text, sketch, voice, image) against PyTorch's
 * (tests/data/model_golden.safetensors, tools/train/export_golden.py);
 * bad queries (empty text, unknown words, a blank sketch, a silent clip)
 * refused with AT_SEARCH_ERROR; a folder index built, reused, updated for
 * a changed, a removed and a damaged file, with every stored embedding
 * equal to the image's own and an image query finding itself. */
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "test-util.h"
#include "model/embedding.h"
#include "model/safetensors.h"
#include "search/search-query.h"
#include "search/search-update.h"

static AtEngine *engine;
static AtModel *model;
static AtEmbedHeads *heads;
static AtSafetensors *golden;

#define golden_f32(name, n) test_safetensors_f32 (golden, name, n)

/* got (normalised) against PyTorch's unnormalised embedding name. */
static void
assert_embedding (const char *name, const float *got)
{
  gsize n = 0;
  g_autofree float *want = golden_f32 (name, &n);
  g_assert_nonnull (got);
  g_assert_cmpuint (n, ==, heads->dim);
  double norm = 0.0, dot = 0.0, worst = 0.0;
  for (gsize i = 0; i < n; i++)
    norm += (double) want[i] * want[i];
  norm = sqrt (norm);
  for (gsize i = 0; i < n; i++)
    {
      dot += got[i] * want[i] / norm;
      worst = MAX (worst, fabs (got[i] - want[i] / norm));
    }
  g_test_message ("%s: cosine %.7f, max |diff| %.2e", name, dot, worst);
  g_assert_cmpfloat (dot, >, 0.99999);
  g_assert_cmpfloat (worst, <, 1e-3);
}

static void
test_golden_text (void)
{
  g_autoptr (GError) error = NULL;
  const char *prompt = at_safetensors_get_metadata_value (golden, "prompt");
  g_autofree float *e = at_model_embed_text (model, test_gpu (), heads, prompt, &error);
  g_assert_no_error (error);
  assert_embedding ("embed.text", e);
}

static void
test_golden_sketch (void)
{
  gsize n = 0;
  g_autofree float *ink = golden_f32 ("sketch.in", &n);
  g_assert_cmpuint (n, ==, 64 * 64);
  g_autoptr (AtImage) img = at_image_new (64, 64, 1);
  for (gsize i = 0; i < n; i++)
    {
      g_assert_true (ink[i] == 0.0f || ink[i] == 1.0f);   /* so that 8 bits hold it exactly */
      img->pixels[i] = ink[i] > 0.5f ? 0 : 255;
    }
  g_autoptr (GError) error = NULL;
  g_autofree float *e = at_model_embed_sketch (model, test_gpu (), heads, img, &error);
  g_assert_no_error (error);
  assert_embedding ("embed.sketch", e);
}

static void
test_golden_audio (void)
{
  gsize n = 0;
  g_autofree float *wave = golden_f32 ("audio.wave", &n);
  g_autoptr (AtAudio) voice = at_audio_new_from (wave, n, model->config->mel.sample_rate);
  g_autoptr (GError) error = NULL;
  g_autofree float *e = at_model_embed_audio (model, test_gpu (), heads, voice, &error);
  g_assert_no_error (error);
  assert_embedding ("embed.audio", e);
}

static void
test_golden_image (void)
{
  g_autofree float *chw = golden_f32 ("sample.out", NULL);
  g_autoptr (GError) error = NULL;
  g_autofree float *e = at_model_embed_image_chw (model, test_gpu (), heads, chw, &error);
  g_assert_no_error (error);
  assert_embedding ("embed.image.sample", e);
}

/* e must be NULL with error AT_SEARCH_ERROR code, whose message names word. */
/* Words embedded many at a time (captions) are the words embedded alone. */
static void
test_words_batch_matches_single (void)
{
  const char *words[] = { "umbrella", "red", "qzxvw", "cat", "outline", "two words" };
  g_autoptr (GPtrArray) kept = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  g_autofree float *batch = at_engine_search_embed_words (engine, words, G_N_ELEMENTS (words), NULL, kept, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kept->len, ==, 4);   /* not the unknown word, not two words */
  int dim = at_engine_search_get_dim (engine);
  for (guint i = 0; i < kept->len; i++)
    {
      g_autofree float *one = at_engine_search_embed_text (engine, kept->pdata[i], &error);
      g_assert_no_error (error);
      for (int c = 0; c < dim; c++)
        g_assert_cmpfloat_with_epsilon (batch[i * dim + c], one[c], 1e-5);
    }
  /* with a first word: "blue umbrella", "blue cat" */
  g_autoptr (GPtrArray) kept2 = g_ptr_array_new ();
  g_autofree float *pairs = at_engine_search_embed_words (engine, words, G_N_ELEMENTS (words), "blue", kept2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kept2->len, ==, 4);
  for (guint i = 0; i < kept2->len; i++)
    {
      g_autofree char *text = g_strconcat ("blue ", kept2->pdata[i], NULL);
      g_autofree float *one = at_engine_search_embed_text (engine, text, &error);
      g_assert_no_error (error);
      for (int c = 0; c < dim; c++)
        g_assert_cmpfloat_with_epsilon (pairs[i * dim + c], one[c], 1e-5);
    }
}

static void
assert_refused (float *e, GError **error, int code, const char *word)
{
  g_assert_null (e);
  g_assert_error (*error, AT_SEARCH_ERROR, code);
  g_test_message ("%s", (*error)->message);
  g_assert_nonnull (strstr ((*error)->message, word));
  g_clear_error (error);
}

static void
test_bad_queries (void)
{
  GError *error = NULL;
  float *e = at_engine_search_embed_text (engine, "", &error);
  assert_refused (e, &error, AT_SEARCH_ERROR_EMPTY_QUERY, "empty");
  e = at_engine_search_embed_text (engine, " \t\n", &error);
  assert_refused (e, &error, AT_SEARCH_ERROR_EMPTY_QUERY, "empty");
  e = at_engine_search_embed_text (engine, "qzxvw blorptk", &error);
  assert_refused (e, &error, AT_SEARCH_ERROR_UNKNOWN_WORDS, "qzxvw");
  g_autoptr (AtImage) blank = at_image_new (200, 120, 3);
  memset (blank->pixels, 250, at_image_get_nbytes (blank));   /* near-white paper */
  e = at_engine_search_embed_sketch (engine, blank, &error);
  assert_refused (e, &error, AT_SEARCH_ERROR_EMPTY_QUERY, "blank");
  g_autoptr (AtAudio) silent = at_audio_new (16000, 16000);
  silent->samples[100] = 0.0005f;   /* below -60 dBFS */
  e = at_engine_search_embed_voice (engine, silent, &error);
  assert_refused (e, &error, AT_SEARCH_ERROR_EMPTY_QUERY, "silent");

  /* one real word among unknown ones is a query; a faint but real sketch is one */
  g_autofree float *ok = at_engine_search_embed_text (engine, "qzxvw umbrella", &error);
  g_assert_no_error (error);
  g_assert_nonnull (ok);
  for (int x = 50; x < 150; x++)
    blank->pixels[(60 * 200 + x) * 3] = blank->pixels[(60 * 200 + x) * 3 + 1] = 90;
  g_autofree float *line = at_engine_search_embed_sketch (engine, blank, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
}

/* A 64 px test picture: a disc of colour rgb on white. */
static AtImage *
disc (guint8 r, guint8 g, guint8 b, double radius)
{
  AtImage *img = at_image_new (64, 64, 3);
  for (int y = 0; y < 64; y++)
    for (int x = 0; x < 64; x++)
      {
        gboolean in = hypot (x - 31.5, y - 31.5) < radius;
        guint8 *p = img->pixels + (y * 64 + x) * 3;
        p[0] = in ? r : 255, p[1] = in ? g : 255, p[2] = in ? b : 255;
      }
  return img;
}

static void
save (const AtImage *img, const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;
  g_assert_true (at_image_save_png (img, path, NULL, NULL, &error));
  g_assert_no_error (error);
}

static AtSearchIndex *
index_folder (const char *dir, guint embedded, guint kept, guint removed, guint skipped)
{
  g_auto (AtSearchUpdate) update = { 0 };
  g_autoptr (GError) error = NULL;
  AtSearchIndex *index = at_engine_search_index_folder (engine, dir, NULL, &update, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (update.embedded, ==, embedded);
  g_assert_cmpuint (update.kept, ==, kept);
  g_assert_cmpuint (update.removed, ==, removed);
  g_assert_cmpuint (update.skipped->len, ==, skipped);
  return index;
}

/* Every entry is the embedding of its file now. */
static void
assert_entries_current (const AtSearchIndex *index, const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr (AtImage) img = g_str_has_suffix (name, ".png") ? at_image_load (path, NULL) : NULL;
      if (img == NULL)
        continue;
      g_autoptr (GError) error = NULL;
      g_autofree float *want = at_engine_search_embed_image (engine, img, &error);
      g_assert_no_error (error);
      GStatBuf st;
      g_assert_cmpint (g_stat (path, &st), ==, 0);
      g_autofree char *stamp = g_strdup_printf ("%" G_GINT64_FORMAT "-%" G_GINT64_FORMAT, (gint64) st.st_size,
                                                (gint64) st.st_mtime);
      const AtSearchEntry *e = at_search_index_lookup (index, name, stamp);
      g_assert_nonnull (e);
      g_assert_cmpmem (e->embedding, sizeof (float) * heads->dim, want, sizeof (float) * heads->dim);
      n++;
    }
  g_assert_cmpuint (n, ==, at_search_index_get_size (index));
}

static void
test_folder_index (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("search-folder-XXXXXX", &error);
  g_assert_no_error (error);
  g_autoptr (AtImage) red = disc (214, 40, 40, 22), blue = disc (35, 95, 215, 22), green = disc (46, 160, 67, 12);
  save (red, dir, "red.png");
  save (blue, dir, "blue.png");
  save (green, dir, "green.png");
  g_autofree char *notes = g_build_filename (dir, "notes.txt", NULL);
  g_assert_true (g_file_set_contents (notes, "not an image", -1, NULL));

  g_autoptr (AtSearchIndex) first = index_folder (dir, 3, 0, 0, 0);
  assert_entries_current (first, dir);
  g_autofree char *cache = g_build_filename (dir, AT_SEARCH_FOLDER_CACHE, NULL);
  g_assert_true (g_file_test (cache, G_FILE_TEST_IS_REGULAR));

  /* unchanged: nothing embedded, the cache gives the same vectors */
  g_autoptr (AtSearchIndex) second = index_folder (dir, 0, 3, 0, 0);
  assert_entries_current (second, dir);

  /* blue.png replaced by another picture (a second later, so its stamp differs),
   * green.png removed, a damaged PNG added */
  g_usleep (1100 * 1000);
  g_autoptr (AtImage) purple = disc (130, 60, 190, 26);
  save (purple, dir, "blue.png");
  g_autofree char *green_path = g_build_filename (dir, "green.png", NULL);
  g_remove (green_path);
  g_autofree char *broken = g_build_filename (dir, "broken.png", NULL);
  g_assert_true (g_file_set_contents (broken, "\x89PNG\r\n\x1a\n truncated", -1, NULL));
  g_autoptr (AtSearchIndex) third = index_folder (dir, 1, 1, 1, 1);
  assert_entries_current (third, dir);

  /* an image query finds its own file first, with cosine 1 */
  g_autofree float *q = at_engine_search_embed_image (engine, purple, &error);
  g_assert_no_error (error);
  g_autoptr (GArray) hits = at_search_index_rank (third, q, 5);
  g_assert_cmpuint (hits->len, ==, 2);
  g_assert_cmpstr (g_array_index (hits, AtSearchHit, 0).entry->key, ==, "blue.png");
  g_assert_cmpfloat_with_epsilon (g_array_index (hits, AtSearchHit, 0).score, 1.0, 1e-5);

  /* a damaged cache is replaced, with a notice */
  g_assert_true (g_file_set_contents (cache, "{ damaged", -1, NULL));
  g_auto (AtSearchUpdate) update = { 0 };
  g_autoptr (AtSearchIndex) fourth = at_engine_search_index_folder (engine, dir, NULL, &update, &error);
  g_assert_no_error (error);
  g_assert_nonnull (update.notice);
  g_assert_cmpuint (update.embedded, ==, 2);
  assert_entries_current (fourth, dir);

  const char *names[] = { "red.png", "blue.png", "broken.png", "notes.txt", AT_SEARCH_FOLDER_CACHE };
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);
      g_remove (path);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* A project's images: keyed by their pixels, updated incrementally. */
static void
test_image_list_index (void)
{
  g_autoptr (AtImage) red = disc (214, 40, 40, 22), blue = disc (35, 95, 215, 22);
  AtImage *images[] = { red, blue };
  g_autoptr (AtSearchIndex) index = NULL;
  g_auto (AtSearchUpdate) a = { 0 };
  g_autoptr (GError) error = NULL;
  g_assert_true (at_engine_search_index_images (engine, &index, images, 2, NULL, &a, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (a.embedded, ==, 2);
  g_auto (AtSearchUpdate) b = { 0 };
  AtImage *only_blue[] = { blue };
  g_assert_true (at_engine_search_index_images (engine, &index, only_blue, 1, NULL, &b, &error));
  g_assert_cmpuint (b.embedded, ==, 0);
  g_assert_cmpuint (b.kept, ==, 1);
  g_assert_cmpuint (b.removed, ==, 1);
  g_autofree char *key = at_search_image_key (blue);
  g_assert_nonnull (at_search_index_lookup (index, key, key));

  /* an index of other weights is not mixed in */
  g_autoptr (AtSearchIndex) other = at_search_index_new ("other-weights", at_engine_search_get_dim (engine));
  g_auto (AtSearchUpdate) c = { 0 };
  g_assert_true (at_engine_search_index_images (engine, &other, only_blue, 1, NULL, &c, &error));
  g_assert_nonnull (c.notice);
  g_assert_cmpuint (c.embedded, ==, 1);
  g_assert_cmpstr (at_search_index_get_model (other), ==, at_engine_search_get_model_id (engine, NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = test_source_path ("resources", "models", NULL);
  g_autofree char *path = test_source_path ("tests", "data", "model_golden.safetensors", NULL);
  model = at_model_load (test_gpu (), dir, &error);
  g_assert_no_error (error);
  heads = at_embed_heads_load (model, &error);
  g_assert_no_error (error);
  golden = at_safetensors_open (path, &error);
  g_assert_no_error (error);
  engine = at_engine_new (NULL, dir, &error);
  g_assert_no_error (error);
  g_test_add_func ("/search/golden/text", test_golden_text);
  g_test_add_func ("/search/golden/sketch", test_golden_sketch);
  g_test_add_func ("/search/golden/audio", test_golden_audio);
  g_test_add_func ("/search/golden/image", test_golden_image);
  g_test_add_func ("/search/words-batch", test_words_batch_matches_single);
  g_test_add_func ("/search/bad-queries", test_bad_queries);
  g_test_add_func ("/search/folder-index", test_folder_index);
  g_test_add_func ("/search/image-list-index", test_image_list_index);
  int status = g_test_run ();
  at_engine_free (engine);
  at_safetensors_free (golden);
  at_embed_heads_free (heads);
  at_model_free (model);
  return status;
}
