/* caption.c — tags from the model's vocabulary and the caption bank (caption.h). */
#define G_LOG_DOMAIN "atelier-engine"

#include <errno.h>
#include <string.h>

#include "engine-private.h"
#include "search/caption.h"
#include "search/search-query.h"

#define VOCAB_KEY "atelier-caption-vocab"
#define OBJECT_CACHE "caption-objects-%s.json"
/* Chosen on the validation split: the 2,000 most frequent scored objects
 * better than all 7,331 (MODEL_CARD.md, Search and captions). */
#define MAX_OBJECT_WORDS 2000
#define MAX_OBJECTS 20
#define LISTED 5     /* words of each kind kept beside the tags */

/* As tools/dataset/build.py names colours (colour_name). */
static const char *const colour_words[] = {
  "red", "orange", "brown", "yellow", "green", "blue", "purple", "pink", "white", "black", "gray", NULL
};
static const char *const style_words[] = { "outline", "filled", "shaded", "flat", NULL };
/* Words of the captions that name no object: sizes, shapes of letters,
 * other colour words, articles and the like (tools/train/train.py's
 * EXTRA_WORDS beside the colours). */
static const char *const other_words[] = {
  "grey", "cyan", "teal", "gold", "silver", "violet", "magenta", "dark", "light", "bright", "pale", "colorful",
  "colourful", "a", "an", "the", "of", "with", "and", "in", "on", "at", "small", "big", "large", "tiny", "little",
  "icon", "emoji", "drawing", "sketch", "picture", "illustration", "simple", "or", "to", "for", "off", "up",
  "down", "left", "right", "plus", "minus", "alt", "new", "by", "from", "no", "not", "is", "it", "as", NULL
};

static const char *const kind_names[] = { "colour", "object", "style" };

const char *
at_caption_kind_to_string (AtCaptionKind kind)
{
  return kind < AT_CAPTION_N_KINDS ? kind_names[kind] : "?";
}

void
at_caption_free (AtCaption *caption)
{
  if (caption == NULL)
    return;
  for (int k = 0; k < AT_CAPTION_N_KINDS; k++)
    if (caption->words[k] != NULL)
      g_array_unref (caption->words[k]);
  g_free (caption->text);
  g_strfreev (caption->tags);
  g_free (caption);
}

gboolean
at_caption_is_object_word (const char *word)
{
  gsize len = strlen (word);
  if (len < 3 || strspn (word, "0123456789") == len || word[0] == '<')
    return FALSE;
  return !g_strv_contains (colour_words, word) && !g_strv_contains (style_words, word)
         && !g_strv_contains (other_words, word);
}

static void
word_clear (AtCaptionWord *w)
{
  g_free (w->word);
}

static GArray *
ranked_words (AtSearchIndex *vocab, const float *embedding, guint count)
{
  g_autoptr (GArray) hits = at_search_index_rank (vocab, embedding, count);
  GArray *words = g_array_new (FALSE, TRUE, sizeof (AtCaptionWord));
  g_array_set_clear_func (words, (GDestroyNotify) word_clear);
  for (guint i = 0; i < hits->len; i++)
    {
      const AtSearchHit *h = &g_array_index (hits, AtSearchHit, i);
      AtCaptionWord w = { g_strdup (h->entry->key), h->score };
      g_array_append_val (words, w);
    }
  return words;
}

static const char *
best (const AtCaption *c, AtCaptionKind kind)
{
  GArray *w = c->words[kind];
  return w->len > 0 ? g_array_index (w, AtCaptionWord, 0).word : NULL;
}

/* The caption of ranked words of each kind (taken). */
static AtCaption *
caption_new (GArray *words[AT_CAPTION_N_KINDS], guint n_objects)
{
  AtCaption *c = g_new0 (AtCaption, 1);
  for (int k = 0; k < AT_CAPTION_N_KINDS; k++)
    c->words[k] = words[k];
  g_autoptr (GStrvBuilder) tags = g_strv_builder_new ();
  g_autoptr (GString) text = g_string_new (NULL);
  if (best (c, AT_CAPTION_COLOUR) != NULL)
    {
      g_strv_builder_add (tags, best (c, AT_CAPTION_COLOUR));
      g_string_append_printf (text, "%s ", best (c, AT_CAPTION_COLOUR));
    }
  GArray *objects = c->words[AT_CAPTION_OBJECT];
  for (guint i = 0; i < MIN (n_objects, objects->len); i++)
    {
      const char *word = g_array_index (objects, AtCaptionWord, i).word;
      g_strv_builder_add (tags, word);
      g_string_append_printf (text, i == 0 ? "%s" : i == 1 ? " (%s" : ", %s", word);
    }
  if (MIN (n_objects, objects->len) > 1)
    g_string_append_c (text, ')');
  if (best (c, AT_CAPTION_STYLE) != NULL)
    {
      g_strv_builder_add (tags, best (c, AT_CAPTION_STYLE));
      g_string_append_printf (text, ", %s", best (c, AT_CAPTION_STYLE));
    }
  c->text = g_strstrip (g_string_free (g_steal_pointer (&text), FALSE));
  c->tags = g_strv_builder_end (tags);
  return c;
}

static guint
listed (AtCaptionKind kind, guint n_objects)
{
  return kind == AT_CAPTION_OBJECT ? MAX (n_objects, LISTED) : LISTED;
}

AtCaption *
at_caption_from_embedding (AtSearchIndex *const vocab[AT_CAPTION_N_KINDS], const float *embedding,
                           guint n_objects)
{
  n_objects = CLAMP (n_objects, 1, MAX_OBJECTS);
  GArray *words[AT_CAPTION_N_KINDS];
  for (int k = 0; k < AT_CAPTION_N_KINDS; k++)
    words[k] = ranked_words (vocab[k], embedding, listed (k, n_objects));
  return caption_new (words, n_objects);
}

AtCaption *
at_caption_from_bank (AtSearchIndex *colours, AtSearchIndex *styles, const AtCaptionBank *bank,
                      const float *embedding, guint n_objects)
{
  n_objects = CLAMP (n_objects, 1, MAX_OBJECTS);
  GArray *words[AT_CAPTION_N_KINDS] = {
    [AT_CAPTION_COLOUR] = ranked_words (colours, embedding, LISTED),
    [AT_CAPTION_OBJECT] = at_caption_bank_rank (bank, embedding, listed (AT_CAPTION_OBJECT, n_objects)),
    [AT_CAPTION_STYLE] = ranked_words (styles, embedding, LISTED),
  };
  return caption_new (words, n_objects);
}

void
at_caption_add_tone (AtCaption *caption, const char *tone)
{
  g_return_if_fail (caption != NULL && tone != NULL);
  char *text = g_strdup_printf ("%s, %s voice", caption->text, tone);
  g_free (caption->text);
  caption->text = text;
  guint n = g_strv_length (caption->tags);
  caption->tags = g_renew (char *, caption->tags, n + 2);
  caption->tags[n] = g_strdup (tone);
  caption->tags[n + 1] = NULL;
}

/* n words embedded into a new index keyed by word, each as "PREFIX WORD"
 * when prefix is given; words the model does not know are left out. */
static AtSearchIndex *
embed_words (AtEngine *engine, const char *const *words, guint n, const char *prefix, GError **error)
{
  g_autoptr (AtSearchIndex) index = at_engine_search_index_new (engine, error);
  if (index == NULL)
    return NULL;
  g_autoptr (GPtrArray) kept = g_ptr_array_new ();
  g_autofree float *e = at_engine_search_embed_words (engine, words, n, prefix, kept, error);
  if (e == NULL)
    return NULL;
  int dim = at_search_index_get_dim (index);
  for (guint i = 0; i < kept->len; i++)
    at_search_index_set (index, kept->pdata[i], "word", e + (gsize) i * dim);
  return g_steal_pointer (&index);
}

/* The first MAX_OBJECT_WORDS object words of the tokenizer: its order is
 * the training captions' word frequency. */
static GPtrArray *
object_words (AtEngine *engine)
{
  AtTokenizer *tok = engine->model->tokenizer;
  GPtrArray *words = g_ptr_array_new ();
  for (guint id = 2; id < at_tokenizer_get_vocab_size (tok) && words->len < MAX_OBJECT_WORDS; id++)
    if (at_caption_is_object_word (at_tokenizer_get_word (tok, id)))
      g_ptr_array_add (words, (gpointer) at_tokenizer_get_word (tok, id));
  return words;
}

/* The object words as "COLOUR WORD" (as the training captions begin),
 * from the cache when it is this model's and complete, else embedded now
 * (seconds) and cached. */
static AtSearchIndex *
object_vocab (AtEngine *engine, const char *colour, GError **error)
{
  g_autoptr (GPtrArray) words = object_words (engine);
  const char *model = at_engine_search_get_model_id (engine, error);
  if (model == NULL)
    return NULL;
  g_autofree char *name = g_strdup_printf (OBJECT_CACHE, colour);
  g_autofree char *path = g_build_filename (g_get_user_cache_dir (), "atelier", name, NULL);
  g_autoptr (AtSearchIndex) cached = at_search_index_load (path, NULL);
  if (cached != NULL && g_strcmp0 (at_search_index_get_model (cached), model) == 0
      && at_search_index_get_size (cached) == words->len)
    return g_steal_pointer (&cached);
  AtSearchIndex *index = embed_words (engine, (const char *const *) words->pdata, words->len, colour, error);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr (GError) local = NULL;
  if (index != NULL && (g_mkdir_with_parents (dir, 0755) != 0 || !at_search_index_save (index, path, &local)))
    g_message ("Captions: the word embeddings were not cached in %s: %s", path,
               local != NULL ? local->message : g_strerror (errno));
  return index;
}

typedef struct {
  AtSearchIndex *colours, *styles;
  GHashTable *objects;   /* colour word -> AtSearchIndex*, made on first use */
} CaptionVocab;

static void
caption_vocab_free (CaptionVocab *v)
{
  at_search_index_free (v->colours);
  at_search_index_free (v->styles);
  g_hash_table_unref (v->objects);
  g_free (v);
}

/* Making the vocabularies: one at a time, not under the engine's lock
 * (each embedding takes it in turn). */
static GMutex making;

/* The engine's colour and style vocabularies, made on first use. Call
 * with making held. */
static CaptionVocab *
get_vocab (AtEngine *engine, GError **error)
{
  at_engine_lock_model (engine);
  CaptionVocab *v = at_engine_get_data (engine, VOCAB_KEY);
  at_engine_unlock_model (engine);
  if (v != NULL)
    return v;
  v = g_new0 (CaptionVocab, 1);
  v->objects = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) at_search_index_free);
  if ((v->colours = embed_words (engine, colour_words, g_strv_length ((GStrv) colour_words), NULL, error)) == NULL
      || (v->styles = embed_words (engine, style_words, g_strv_length ((GStrv) style_words), NULL, error)) == NULL)
    {
      caption_vocab_free (v);
      return NULL;
    }
  at_engine_lock_model (engine);
  at_engine_set_data (engine, VOCAB_KEY, v, (GDestroyNotify) caption_vocab_free);
  at_engine_unlock_model (engine);
  return v;
}

/* The object vocabulary for colour. Call with making held. */
static AtSearchIndex *
get_objects (AtEngine *engine, CaptionVocab *v, const char *colour, GError **error)
{
  AtSearchIndex *objects = g_hash_table_lookup (v->objects, colour);
  if (objects == NULL && (objects = object_vocab (engine, colour, error)) != NULL)
    g_hash_table_insert (v->objects, g_strdup (colour), objects);
  return objects;
}

AtCaption *
at_engine_caption_image (AtEngine *engine, const AtImage *image, guint n_objects, GError **error)
{
  g_return_val_if_fail (engine != NULL && image != NULL, NULL);
  g_autofree float *e = at_engine_search_embed_image (engine, image, error);
  return e != NULL ? at_engine_caption_embedding (engine, e, n_objects, error) : NULL;
}

AtCaption *
at_engine_caption_embedding (AtEngine *engine, const float *e, guint n_objects, GError **error)
{
  g_return_val_if_fail (engine != NULL && e != NULL, NULL);
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&making);
  CaptionVocab *v = get_vocab (engine, error);
  if (v == NULL)
    return NULL;
  /* objects from the nearest training images when the model has its bank */
  const char *notice = NULL;
  const AtCaptionBank *bank = at_engine_get_caption_bank (engine, &notice);
  if (bank != NULL)
    return at_caption_from_bank (v->colours, v->styles, bank, e, n_objects);
  /* objects are scored as "COLOUR WORD" with the image's best colour */
  g_autoptr (GArray) colour = at_search_index_rank (v->colours, e, 1);
  const char *best = colour->len > 0 ? g_array_index (colour, AtSearchHit, 0).entry->key : NULL;
  AtSearchIndex *objects = best != NULL ? get_objects (engine, v, best, error) : NULL;
  if (objects == NULL)
    return NULL;
  AtSearchIndex *vocab[AT_CAPTION_N_KINDS] = { v->colours, objects, v->styles };
  return at_caption_from_embedding (vocab, e, n_objects);
}
