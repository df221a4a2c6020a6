/* test-search-index.c — the search index without a model: ranking of fixed
 * embeddings against a brute-force reference, replacing and dropping
 * entries, the JSON and file round trips (a damaged file is refused,
 * a failed save keeps the old file), and query arithmetic (remix). */
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "search/search-index.h"
#include "search/search-remix.h"

#define DIM 16

/* A random unit vector. */
static void
random_unit (GRand *rand, float *v)
{
  double norm = 0.0;
  for (int c = 0; c < DIM; c++)
    {
      v[c] = (float) g_rand_double_range (rand, -1.0, 1.0);
      norm += (double) v[c] * v[c];
    }
  for (int c = 0; c < DIM; c++)
    v[c] /= sqrt (norm);
}

static AtSearchIndex *
random_index (GRand *rand, guint n, float *vectors)
{
  AtSearchIndex *index = at_search_index_new ("model-a", DIM);
  for (guint i = 0; i < n; i++)
    {
      random_unit (rand, vectors + i * DIM);
      g_autofree char *key = g_strdup_printf ("image-%03u.png", i);
      g_autofree char *stamp = g_strdup_printf ("%u-1", i);
      at_search_index_set (index, key, stamp, vectors + i * DIM);
    }
  return index;
}

/* The ranking is the brute-force one: for each rank, the best remaining
 * entry by a double-precision dot product. */
static void
test_rank_matches_brute_force (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (7);
  enum { N = 200, COUNT = 25 };
  g_autofree float *vectors = g_new (float, N * DIM);
  g_autoptr (AtSearchIndex) index = random_index (rand, N, vectors);
  float query[DIM];
  for (int trial = 0; trial < 20; trial++)
    {
      random_unit (rand, query);
      g_autoptr (GArray) hits = at_search_index_rank (index, query, COUNT);
      g_assert_cmpuint (hits->len, ==, COUNT);
      gboolean used[N] = { FALSE };
      for (guint r = 0; r < COUNT; r++)
        {
          int best = -1;
          double best_dot = -2.0;
          for (int i = 0; i < N; i++)
            {
              double dot = 0.0;
              for (int c = 0; c < DIM; c++)
                dot += (double) vectors[i * DIM + c] * query[c];
              if (!used[i] && dot > best_dot)
                best = i, best_dot = dot;
            }
          used[best] = TRUE;
          const AtSearchHit *hit = &g_array_index (hits, AtSearchHit, r);
          g_autofree char *key = g_strdup_printf ("image-%03d.png", best);
          g_assert_cmpstr (hit->entry->key, ==, key);
          g_assert_cmpfloat_with_epsilon (hit->score, best_dot, 1e-5);
        }
    }
  /* more asked than there are: all of them */
  g_autoptr (GArray) all = at_search_index_rank (index, query, N + 10);
  g_assert_cmpuint (all->len, ==, N);
}

/* The query's own entry is first with cosine 1; equal scores keep the
 * order entries were added in. */
static void
test_rank_self_and_ties (void)
{
  g_autoptr (AtSearchIndex) index = at_search_index_new ("m", DIM);
  float a[DIM] = { 1.0f }, b[DIM] = { 0.0f, 1.0f };
  at_search_index_set (index, "b1", "s", b);
  at_search_index_set (index, "a", "s", a);
  at_search_index_set (index, "b2", "s", b);
  g_autoptr (GArray) hits = at_search_index_rank (index, b, 3);
  g_assert_cmpstr (g_array_index (hits, AtSearchHit, 0).entry->key, ==, "b1");
  g_assert_cmpstr (g_array_index (hits, AtSearchHit, 1).entry->key, ==, "b2");
  g_assert_cmpstr (g_array_index (hits, AtSearchHit, 2).entry->key, ==, "a");
  g_assert_cmpfloat (g_array_index (hits, AtSearchHit, 0).score, ==, 1.0f);
  g_assert_cmpfloat (g_array_index (hits, AtSearchHit, 2).score, ==, 0.0f);
}

static void
test_lookup_set_retain (void)
{
  g_autoptr (AtSearchIndex) index = at_search_index_new ("m", DIM);
  float a[DIM] = { 1.0f }, b[DIM] = { 0.0f, 1.0f };
  at_search_index_set (index, "x", "1", a);
  at_search_index_set (index, "y", "1", a);
  g_assert_nonnull (at_search_index_lookup (index, "x", "1"));
  g_assert_null (at_search_index_lookup (index, "x", "2"));   /* changed since */
  g_assert_null (at_search_index_lookup (index, "z", "1"));
  at_search_index_set (index, "x", "2", b);                   /* replaced, not added */
  g_assert_cmpuint (at_search_index_get_size (index), ==, 2);
  const AtSearchEntry *x = at_search_index_lookup (index, "x", "2");
  g_assert_nonnull (x);
  g_assert_cmpfloat (x->embedding[1], ==, 1.0f);
  g_autoptr (GHashTable) keep = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_add (keep, "y");
  g_hash_table_add (keep, "w");
  g_assert_cmpuint (at_search_index_retain (index, keep), ==, 1);
  g_assert_cmpuint (at_search_index_get_size (index), ==, 1);
  g_assert_null (at_search_index_lookup (index, "x", "2"));
  g_assert_nonnull (at_search_index_lookup (index, "y", "1"));
}

static void
assert_same_index (const AtSearchIndex *a, const AtSearchIndex *b, const float *vectors)
{
  g_assert_cmpstr (at_search_index_get_model (a), ==, at_search_index_get_model (b));
  g_assert_cmpint (at_search_index_get_dim (a), ==, at_search_index_get_dim (b));
  g_assert_cmpuint (at_search_index_get_size (a), ==, at_search_index_get_size (b));
  for (guint i = 0; i < at_search_index_get_size (a); i++)
    {
      g_autofree char *key = g_strdup_printf ("image-%03u.png", i);
      g_autofree char *stamp = g_strdup_printf ("%u-1", i);
      const AtSearchEntry *e = at_search_index_lookup (b, key, stamp);
      g_assert_nonnull (e);
      g_assert_cmpmem (e->embedding, DIM * sizeof (float), vectors + i * DIM, DIM * sizeof (float));
    }
}

static void
test_json_and_file_round_trip (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (3);
  g_autofree float *vectors = g_new (float, 30 * DIM);
  g_autoptr (AtSearchIndex) index = random_index (rand, 30, vectors);
  g_autoptr (JsonNode) node = at_search_index_to_json (index);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtSearchIndex) back = at_search_index_from_json (node, &error);
  g_assert_no_error (error);
  assert_same_index (index, back, vectors);

  g_autofree char *dir = g_dir_make_tmp ("search-index-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *path = g_build_filename (dir, "index.json", NULL);
  g_assert_true (at_search_index_save (index, path, &error));
  g_assert_no_error (error);
  g_autoptr (AtSearchIndex) loaded = at_search_index_load (path, &error);
  g_assert_no_error (error);
  assert_same_index (index, loaded, vectors);

  /* a save into a folder that is not there fails and leaves nothing */
  g_autofree char *bad = g_build_filename (dir, "missing", "index.json", NULL);
  g_assert_false (at_search_index_save (index, bad, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_clear_error (&error);
  g_remove (path);
  g_rmdir (dir);
}

/* Damaged indexes: each refused with AT_SEARCH_ERROR_INVALID. */
static void
test_damaged_index_refused (void)
{
  const char *cases[] = {
    "[]",
    "{\"format\": \"something-else\", \"version\": 1}",
    "{\"format\": \"atelier-search-index\", \"version\": 99, \"model_sha256\": \"m\", \"dim\": 2, \"entries\": []}",
    "{\"format\": \"atelier-search-index\", \"version\": 1, \"model_sha256\": \"m\", \"dim\": 0, \"entries\": []}",
    "{\"format\": \"atelier-search-index\", \"version\": 1, \"model_sha256\": \"m\", \"dim\": 2}",
    /* an embedding of 1 float where 2 are due */
    "{\"format\": \"atelier-search-index\", \"version\": 1, \"model_sha256\": \"m\", \"dim\": 2,"
    " \"entries\": [{\"key\": \"a\", \"stamp\": \"s\", \"embedding\": \"AACAPw==\"}]}",
    "{\"format\": \"atelier-search-index\", \"version\": 1, \"model_sha256\": \"m\", \"dim\": 1,"
    " \"entries\": [{\"stamp\": \"s\", \"embedding\": \"AACAPw==\"}]}",
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (JsonParser) parser = json_parser_new ();
      g_assert_true (json_parser_load_from_data (parser, cases[i], -1, NULL));
      g_autoptr (GError) error = NULL;
      g_autoptr (AtSearchIndex) index = at_search_index_from_json (json_parser_get_root (parser), &error);
      g_assert_null (index);
      g_assert_error (error, AT_SEARCH_ERROR, AT_SEARCH_ERROR_INVALID);
    }
  /* the well-formed twin of the last case is accepted: 1.0f */
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_data (parser,
      "{\"format\": \"atelier-search-index\", \"version\": 1, \"model_sha256\": \"m\", \"dim\": 1,"
      " \"entries\": [{\"key\": \"a\", \"stamp\": \"s\", \"embedding\": \"AACAPw==\"}]}", -1, NULL));
  g_autoptr (GError) error = NULL;
  g_autoptr (AtSearchIndex) ok = at_search_index_from_json (json_parser_get_root (parser), &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (at_search_index_lookup (ok, "a", "s")->embedding[0], ==, 1.0f);
}

/* "a − minus + plus", renormalised; nothing left is refused. */
static void
test_remix (void)
{
  float q[DIM] = { 0.8f, 0.6f }, red[DIM] = { 0.8f }, blue[DIM] = { 0.0f, 0.0f, 1.0f };
  g_assert_true (at_search_remix (q, DIM, blue, red));
  /* (0, 0.6, 1) / |..| */
  double n = sqrt (0.36 + 1.0);
  g_assert_cmpfloat_with_epsilon (q[0], 0.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (q[1], 0.6 / n, 1e-6);
  g_assert_cmpfloat_with_epsilon (q[2], 1.0 / n, 1e-6);
  float only[DIM] = { 1.0f };
  g_assert_true (at_search_remix (only, DIM, NULL, NULL));
  g_assert_cmpfloat (only[0], ==, 1.0f);
  g_assert_false (at_search_remix (only, DIM, NULL, only));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/search-index/rank-brute-force", test_rank_matches_brute_force);
  g_test_add_func ("/search-index/rank-self-and-ties", test_rank_self_and_ties);
  g_test_add_func ("/search-index/lookup-set-retain", test_lookup_set_retain);
  g_test_add_func ("/search-index/round-trip", test_json_and_file_round_trip);
  g_test_add_func ("/search-index/damaged", test_damaged_index_refused);
  g_test_add_func ("/search-index/remix", test_remix);
  return g_test_run ();
}
