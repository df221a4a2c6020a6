/* test-caption-bank.c — object words voted by the nearest bank items,
 * against a reference written here the plain way (every item scored in
 * double precision, sorted, the first k softmaxed), on random banks; a
 * caption with the bank's objects, on vectors whose answer is known by
 * construction; and the bank file: loaded as written, refused for other
 * weights or word ids outside its vocabulary. */
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "model/safetensors.h"
#include "search/caption.h"

#define DIM 16
#define N 40
#define WORDS AT_CAPTION_BANK_WORDS

static const char *const vocab[] = { "apple", "car", "flag", "house", "tree", "umbrella", "woman", NULL };
#define N_VOCAB 7

typedef struct {
  float e[N * DIM];
  gint32 words[N * WORDS];
} Bank;

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
    v[c] /= (float) sqrt (norm);
}

/* Items with one to three distinct words, or none. */
static void
random_bank (GRand *rand, Bank *b)
{
  for (int i = 0; i < N; i++)
    {
      random_unit (rand, b->e + i * DIM);
      int n = g_rand_int_range (rand, 0, 4);
      int first = g_rand_int_range (rand, 0, N_VOCAB);
      for (int j = 0; j < WORDS; j++)
        b->words[i * WORDS + j] = j < n ? (first + 2 * j) % N_VOCAB : -1;
    }
}

typedef struct {
  double score;
  int index;
} Ref;

static int
by_score (const void *a, const void *b)
{
  double x = ((const Ref *) a)->score, y = ((const Ref *) b)->score;
  return (x < y) - (x > y);
}

/* The votes of every word the plain way. */
static void
reference_votes (const Bank *b, const float *q, guint k, double t, double *votes)
{
  Ref all[N];
  for (int i = 0; i < N; i++)
    {
      all[i] = (Ref) { 0.0, i };
      for (int c = 0; c < DIM; c++)
        all[i].score += (double) b->e[i * DIM + c] * q[c];
    }
  qsort (all, N, sizeof (Ref), by_score);
  double total = 0.0;
  for (guint j = 0; j < k; j++)
    total += exp (all[j].score / t);
  memset (votes, 0, sizeof (double) * N_VOCAB);
  for (guint j = 0; j < k; j++)
    {
      const gint32 *w = b->words + all[j].index * WORDS;
      int n = 0;
      while (n < WORDS && w[n] >= 0)
        n++;
      for (int i = 0; i < n; i++)
        votes[w[i]] += exp (all[j].score / t) / total / n;
    }
}

static void
assert_matches_reference (const AtCaptionBank *bank, const Bank *b, const float *q, guint k, double t)
{
  double votes[N_VOCAB];
  reference_votes (b, q, k, t, votes);
  g_autoptr (GArray) got = at_caption_bank_rank (bank, q, N_VOCAB);
  guint voted = 0;
  for (int i = 0; i < N_VOCAB; i++)
    voted += votes[i] > 0.0;
  g_assert_cmpuint (got->len, ==, voted);
  for (guint i = 0; i < got->len; i++)
    {
      const AtCaptionWord *w = &g_array_index (got, AtCaptionWord, i);
      guint id = 0;
      while (g_strcmp0 (vocab[id], w->word) != 0)
        id++;
      g_assert_cmpfloat_with_epsilon (w->score, votes[id], 1e-5);
      if (i > 0)
        g_assert_cmpfloat (w->score, <=, g_array_index (got, AtCaptionWord, i - 1).score);
    }
}

static void
test_votes (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (7);
  for (int round = 0; round < 20; round++)
    {
      Bank b;
      random_bank (rand, &b);
      guint k = (guint) g_rand_int_range (rand, 1, 12);
      double t = g_rand_double_range (rand, 0.01, 0.5);
      g_autoptr (AtCaptionBank) bank = at_caption_bank_new (DIM, N, b.e, b.words, vocab, k, (float) t);
      float q[DIM];
      random_unit (rand, q);
      assert_matches_reference (bank, &b, q, k, t);
    }
}

/* An item's own embedding, with k = 1: its words, shared equally. */
static void
test_own_words (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (3);
  Bank b;
  random_bank (rand, &b);
  gint32 *w = b.words + 5 * WORDS;
  w[0] = 5, w[1] = 2, w[2] = -1, w[3] = -1;   /* umbrella, flag */
  g_autoptr (AtCaptionBank) bank = at_caption_bank_new (DIM, N, b.e, b.words, vocab, 1, 0.02f);
  g_autoptr (GArray) got = at_caption_bank_rank (bank, b.e + 5 * DIM, 5);
  g_assert_cmpuint (got->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      const AtCaptionWord *cw = &g_array_index (got, AtCaptionWord, i);
      g_assert_true (g_str_equal (cw->word, "umbrella") || g_str_equal (cw->word, "flag"));
      g_assert_cmpfloat_with_epsilon (cw->score, 0.5, 1e-6);
    }
}

static char *
write_bank (const char *dir, const Bank *b, const char *sha, gboolean bad_id)
{
  float ids[N * WORDS];
  for (int i = 0; i < N * WORDS; i++)
    ids[i] = (float) b->words[i];
  if (bad_id)
    ids[3] = N_VOCAB;
  gint64 se[] = { N, DIM }, sw[] = { N, WORDS };
  AtSafetensorsTensor t[] = { { "image", 2, se, b->e }, { "words", 2, sw, ids } };
  g_autofree char *joined = g_strjoinv (" ", (char **) vocab);
  const char *keys[] = { "model_sha256", "vocab", "k", "temperature", NULL };
  const char *values[] = { sha, joined, "4", "0.05", NULL };
  char *path = g_build_filename (dir, "bank.safetensors", NULL);
  g_autoptr (GError) error = NULL;
  g_assert_true (at_safetensors_write_f32 (path, t, 2, keys, values, &error));
  g_assert_no_error (error);
  return path;
}

static void
test_file (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (11);
  Bank b;
  random_bank (rand, &b);
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("caption-bank-XXXXXX", &error);
  g_autofree char *path = write_bank (dir, &b, "abc", FALSE);
  g_autoptr (AtCaptionBank) bank = at_caption_bank_load (path, "abc", DIM, &error);
  g_assert_no_error (error);
  float q[DIM];
  random_unit (rand, q);
  assert_matches_reference (bank, &b, q, 4, 0.05);

  g_assert_null (at_caption_bank_load (path, "other weights", DIM, &error));
  g_assert_error (error, AT_SAFETENSORS_ERROR, AT_SAFETENSORS_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "other model weights"));
  g_clear_error (&error);
  g_assert_null (at_caption_bank_load (path, "abc", DIM + 1, &error));
  g_assert_error (error, AT_SAFETENSORS_ERROR, AT_SAFETENSORS_ERROR_SHAPE);
  g_clear_error (&error);
  g_free (write_bank (dir, &b, "abc", TRUE));
  g_assert_null (at_caption_bank_load (path, "abc", DIM, &error));
  g_assert_error (error, AT_SAFETENSORS_ERROR, AT_SAFETENSORS_ERROR_INVALID);
  g_clear_error (&error);
  g_remove (path);
  g_rmdir (dir);
}

static AtSearchIndex *
axes (const char *const *words, int first_axis)
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

/* Colour and style zero-shot, objects from the bank: "red flag (car), filled". */
static void
test_caption (void)
{
  static const char *const colour_words[] = { "blue", "red", NULL };       /* axes 0, 1 */
  static const char *const style_words[] = { "outline", "filled", NULL };  /* 2, 3 */
  g_autoptr (AtSearchIndex) colours = axes (colour_words, 0), styles = axes (style_words, 2);
  float e[3 * DIM] = { 0 };
  gint32 words[3 * WORDS] = { 5, -1, -1, -1, 2, -1, -1, -1, 1, -1, -1, -1 };   /* umbrella; flag; car */
  for (int i = 0; i < 3; i++)
    e[i * DIM + 4 + i] = 1.0f;                                               /* axes 4, 5, 6 */
  g_autoptr (AtCaptionBank) bank = at_caption_bank_new (DIM, 3, e, words, vocab, 2, 0.05f);
  float q[DIM] = { 0.1f, 0.6f, 0.05f, 0.3f, 0.1f, 0.7f, 0.2f };
  g_autoptr (AtCaption) c = at_caption_from_bank (colours, styles, bank, q, 2);
  g_assert_cmpstr (c->text, ==, "red flag (car), filled");
  const char *want[] = { "red", "flag", "car", "filled", NULL };
  g_assert_cmpstrv (c->tags, want);
  GArray *objects = c->words[AT_CAPTION_OBJECT];
  g_assert_cmpuint (objects->len, ==, 2);   /* umbrella is not among the two nearest */
  double flag = exp (0.7 / 0.05) / (exp (0.7 / 0.05) + exp (0.2 / 0.05));
  g_assert_cmpfloat_with_epsilon (g_array_index (objects, AtCaptionWord, 0).score, flag, 1e-5);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/caption-bank/votes", test_votes);
  g_test_add_func ("/caption-bank/own-words", test_own_words);
  g_test_add_func ("/caption-bank/file", test_file);
  g_test_add_func ("/caption-bank/caption", test_caption);
  return g_test_run ();
}
