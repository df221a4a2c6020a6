/* caption-bank.c — object words by nearest training images (caption-bank.h). */
#define G_LOG_DOMAIN "atelier-engine"

#include <math.h>
#include <string.h>

#include "engine-private.h"
#include "model/safetensors.h"
#include "search/caption-bank.h"
#include "search/caption.h"
#include "search/search-query.h"

#define BANK_KEY "atelier-caption-bank"

struct _AtCaptionBank {
  int dim;
  guint n;
  float *embeddings;    /* [n, dim] */
  gint32 *words;        /* [n, AT_CAPTION_BANK_WORDS], -1 = none */
  GStrv vocab;
  guint n_vocab;
  guint k;
  float temperature;
};

AtCaptionBank *
at_caption_bank_new (int dim, guint n, const float *embeddings, const gint32 *words, const char *const *vocab,
                     guint k, float temperature)
{
  g_return_val_if_fail (dim > 0 && n > 0 && embeddings != NULL && words != NULL && vocab != NULL, NULL);
  g_return_val_if_fail (k > 0 && temperature > 0.0f, NULL);
  AtCaptionBank *bank = g_new0 (AtCaptionBank, 1);
  bank->dim = dim;
  bank->n = n;
  bank->embeddings = g_memdup2 (embeddings, sizeof (float) * n * dim);
  bank->words = g_memdup2 (words, sizeof (gint32) * n * AT_CAPTION_BANK_WORDS);
  bank->vocab = g_strdupv ((GStrv) vocab);
  bank->n_vocab = g_strv_length (bank->vocab);
  bank->k = MIN (k, n);
  bank->temperature = temperature;
  return bank;
}

void
at_caption_bank_free (AtCaptionBank *bank)
{
  if (bank == NULL)
    return;
  g_free (bank->embeddings);
  g_free (bank->words);
  g_strfreev (bank->vocab);
  g_free (bank);
}

static gboolean
invalid (GError **error, const char *path, const char *what)
{
  g_set_error (error, AT_SAFETENSORS_ERROR, AT_SAFETENSORS_ERROR_INVALID, "%s: %s", path, what);
  return FALSE;
}

/* The word ids (stored as floats) as integers, each -1 or a word of vocab. */
static gint32 *
word_ids (const float *ids, gsize n, guint n_vocab, const char *path, GError **error)
{
  g_autofree gint32 *out = g_new (gint32, n);
  for (gsize i = 0; i < n; i++)
    {
      if (ids[i] != floorf (ids[i]) || ids[i] < -1.0f || ids[i] >= (float) n_vocab)
        {
          invalid (error, path, "a word id is not a word of its vocabulary");
          return NULL;
        }
      out[i] = (gint32) ids[i];
    }
  return g_steal_pointer (&out);
}

AtCaptionBank *
at_caption_bank_load (const char *path, const char *model_sha256, int dim, GError **error)
{
  g_autoptr (AtSafetensors) st = at_safetensors_open (path, error);
  if (st == NULL)
    return NULL;
  if (g_strcmp0 (at_safetensors_get_metadata_value (st, "model_sha256"), model_sha256) != 0)
    {
      invalid (error, path, "made with other model weights; run tools/train/caption_bank.py");
      return NULL;
    }
  const char *vocab_text = at_safetensors_get_metadata_value (st, "vocab");
  const char *k_text = at_safetensors_get_metadata_value (st, "k");
  const char *t_text = at_safetensors_get_metadata_value (st, "temperature");
  guint64 k = 0;
  double t = k_text != NULL && t_text != NULL ? g_ascii_strtod (t_text, NULL) : 0.0;
  if (vocab_text == NULL || k_text == NULL || !g_ascii_string_to_unsigned (k_text, 10, 1, 1000, &k, NULL)
      || !(t > 0.0))
    {
      invalid (error, path, "no vocabulary, k or temperature in its metadata");
      return NULL;
    }
  g_auto (GStrv) vocab = g_strsplit (vocab_text, " ", -1);
  const AtSafetensorsInfo *info = at_safetensors_require (st, "image", error);
  if (info == NULL)
    return NULL;
  gint64 n = info->ndim == 2 ? info->shape[0] : 0;
  g_autofree float *e = NULL, *ids = NULL;
  gsize count = 0;
  if (!at_safetensors_get_f32 (st, "image", 2, AT_SHAPE (n, dim), &e, &count, error)
      || !at_safetensors_get_f32 (st, "words", 2, AT_SHAPE (n, AT_CAPTION_BANK_WORDS), &ids, &count, error))
    return NULL;
  if (n == 0)
    {
      invalid (error, path, "the bank is empty");
      return NULL;
    }
  g_autofree gint32 *words = word_ids (ids, count, g_strv_length (vocab), path, error);
  if (words == NULL)
    return NULL;
  return at_caption_bank_new (dim, (guint) n, e, words, (const char *const *) vocab, (guint) k, (float) t);
}

typedef struct {
  float score;
  guint index;
} Near;

static int
by_score (gconstpointer a, gconstpointer b)
{
  float x = ((const Near *) a)->score, y = ((const Near *) b)->score;
  return (x < y) - (x > y);
}

/* The k items nearest embedding (cosine; both normalised), best first. */
static guint
nearest (const AtCaptionBank *bank, const float *embedding, Near *best)
{
  guint kept = 0;
  for (guint i = 0; i < bank->n; i++)
    {
      const float *row = bank->embeddings + (gsize) i * bank->dim;
      float dot = 0.0f;
      for (int c = 0; c < bank->dim; c++)
        dot += row[c] * embedding[c];
      if (kept == bank->k && dot <= best[kept - 1].score)
        continue;
      guint at = MIN (kept, bank->k - 1);
      while (at > 0 && best[at - 1].score < dot)
        {
          best[at] = best[at - 1];
          at--;
        }
      best[at] = (Near) { dot, i };
      kept = MIN (kept + 1, bank->k);
    }
  return kept;
}

static void
word_clear (AtCaptionWord *w)
{
  g_free (w->word);
}

/* Every word's share of the votes of embedding's k nearest items (n_vocab floats). */
static float *
votes_of (const AtCaptionBank *bank, const float *embedding)
{
  g_autofree Near *near = g_new (Near, bank->k);
  guint kept = nearest (bank, embedding, near);
  /* softmax of cosine / T over the neighbours, each share split among its words */
  float *votes = g_new0 (float, bank->n_vocab);
  double total = 0.0;
  for (guint j = 0; j < kept; j++)
    total += exp ((near[j].score - near[0].score) / bank->temperature);
  for (guint j = 0; j < kept; j++)
    {
      const gint32 *w = bank->words + (gsize) near[j].index * AT_CAPTION_BANK_WORDS;
      guint n_words = 0;
      while (n_words < AT_CAPTION_BANK_WORDS && w[n_words] >= 0)
        n_words++;
      float share = (float) (exp ((near[j].score - near[0].score) / bank->temperature) / total);
      for (guint i = 0; i < n_words; i++)
        votes[w[i]] += share / n_words;
    }
  return votes;
}

float
at_caption_bank_vote (const AtCaptionBank *bank, const float *embedding, const char *const *words)
{
  g_return_val_if_fail (bank != NULL && embedding != NULL && words != NULL, 0.0f);
  g_autofree float *votes = votes_of (bank, embedding);
  float sum = 0.0f;
  for (guint i = 0; i < bank->n_vocab; i++)
    if (g_strv_contains (words, bank->vocab[i]))
      sum += votes[i];
  return sum;
}

GArray *
at_caption_bank_rank (const AtCaptionBank *bank, const float *embedding, guint count)
{
  g_return_val_if_fail (bank != NULL && embedding != NULL, NULL);
  g_autofree float *votes = votes_of (bank, embedding);
  g_autoptr (GArray) ranked = g_array_new (FALSE, FALSE, sizeof (Near));
  for (guint i = 0; i < bank->n_vocab; i++)
    if (votes[i] > 0.0f)
      g_array_append_val (ranked, ((Near) { votes[i], i }));
  g_array_sort (ranked, by_score);
  GArray *words = g_array_new (FALSE, TRUE, sizeof (AtCaptionWord));
  g_array_set_clear_func (words, (GDestroyNotify) word_clear);
  for (guint i = 0; i < MIN (count, ranked->len); i++)
    {
      const Near *r = &g_array_index (ranked, Near, i);
      AtCaptionWord w = { g_strdup (bank->vocab[r->index]), r->score };
      g_array_append_val (words, w);
    }
  return words;
}

typedef struct {
  AtCaptionBank *bank;
  char *notice;
} BankSlot;

static void
bank_slot_free (BankSlot *slot)
{
  at_caption_bank_free (slot->bank);
  g_free (slot->notice);
  g_free (slot);
}

const AtCaptionBank *
at_engine_get_caption_bank (AtEngine *engine, const char **notice)
{
  g_return_val_if_fail (engine != NULL && notice != NULL, NULL);
  g_autoptr (GError) error = NULL;
  const char *model = at_engine_search_get_model_id (engine, &error);
  at_engine_lock_model (engine);
  BankSlot *slot = at_engine_get_data (engine, BANK_KEY);
  if (slot == NULL)
    {
      slot = g_new0 (BankSlot, 1);
      g_autofree char *path = g_build_filename (at_engine_get_model_dir (engine), AT_CAPTION_BANK_FILE, NULL);
      if (model != NULL)
        slot->bank = at_caption_bank_load (path, model, at_engine_search_get_dim (engine), &error);
      if (slot->bank == NULL)
        slot->notice = g_strdup_printf ("no caption bank for this model (%s): object words are zero-shot",
                                        error->message);
      if (slot->notice != NULL)
        g_message ("Captions: %s", slot->notice);
      at_engine_set_data (engine, BANK_KEY, slot, (GDestroyNotify) bank_slot_free);
    }
  at_engine_unlock_model (engine);
  *notice = slot->notice;
  return slot->bank;
}
