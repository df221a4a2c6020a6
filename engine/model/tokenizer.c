/* tokenizer.c — word-level tokenizer read from tokenizer.json. */
#define G_LOG_DOMAIN "atelier-model"

#include <json-glib/json-glib.h>

#include "model/spelling.h"
#include "model/tokenizer.h"

struct _AtTokenizer {
  GPtrArray *vocab;        /* char* by id */
  GHashTable *index;       /* word -> id + 1 */
  guint max_tokens;
  guint32 unk_id;
};

static gboolean
invalid (GError **error, const char *path, const char *what)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "Tokenizer %s: %s", path, what);
  return FALSE;
}

AtTokenizer *
at_tokenizer_load (const char *path, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  if (!json_parser_load_from_mapped_file (parser, path, error))
    {
      g_prefix_error (error, "Tokenizer %s: ", path);
      return NULL;
    }
  JsonNode *root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return invalid (error, path, "not a JSON object"), NULL;
  JsonObject *obj = json_node_get_object (root);
  JsonNode *vocab = json_object_get_member (obj, "vocab");
  if (vocab == NULL || !JSON_NODE_HOLDS_ARRAY (vocab) ||
      g_strcmp0 (json_object_get_string_member_with_default (obj, "type", ""), "word") != 0)
    return invalid (error, path, "expected a word tokenizer with a \"vocab\" list"), NULL;

  g_autoptr (AtTokenizer) tok = g_new0 (AtTokenizer, 1);
  tok->vocab = g_ptr_array_new_with_free_func (g_free);
  tok->index = g_hash_table_new (g_str_hash, g_str_equal);
  tok->max_tokens = json_object_get_int_member_with_default (obj, "max_tokens", 0);
  tok->unk_id = json_object_get_int_member_with_default (obj, "unk_id", 1);
  JsonArray *words = json_node_get_array (vocab);
  guint n = json_array_get_length (words);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (words, i);
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        return invalid (error, path, "a vocabulary entry is not a string"), NULL;
      char *word = g_strdup (json_node_get_string (node));
      g_ptr_array_add (tok->vocab, word);
      g_hash_table_insert (tok->index, word, GUINT_TO_POINTER (i + 1));
    }
  if (tok->max_tokens < 1 || tok->unk_id >= n)
    return invalid (error, path, "max_tokens or unk_id out of range"), NULL;
  return g_steal_pointer (&tok);
}

void
at_tokenizer_free (AtTokenizer *tok)
{
  if (tok == NULL)
    return;
  g_clear_pointer (&tok->index, g_hash_table_unref);
  g_clear_pointer (&tok->vocab, g_ptr_array_unref);
  g_free (tok);
}

/* word's id, directly or under its American spelling; FALSE when the
 * vocabulary has neither */
static gboolean
lookup (AtTokenizer *tok, const char *word, guint32 *id, gboolean *respelled)
{
  gpointer hit = g_hash_table_lookup (tok->index, word);
  *respelled = FALSE;
  if (hit == NULL)
    {
      g_auto (GStrv) american = at_spelling_american (word);
      for (guint i = 0; hit == NULL && american[i] != NULL; i++)
        hit = g_hash_table_lookup (tok->index, american[i]);
      *respelled = hit != NULL;
    }
  *id = hit != NULL ? GPOINTER_TO_UINT (hit) - 1 : tok->unk_id;
  return hit != NULL;
}

GArray *
at_tokenizer_split (AtTokenizer *tok, const char *text)
{
  GArray *words = g_array_new (FALSE, FALSE, sizeof (AtTokenizerWord));
  g_autoptr (GString) word = g_string_new (NULL);
  text = text != NULL ? text : "";
  gsize start = 0;
  for (const char *p = text;; p++)
    {
      char c = g_ascii_tolower (*p);
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
        {
          if (word->len == 0)
            start = p - text;
          g_string_append_c (word, c);
          continue;
        }
      if (word->len > 0)
        {
          AtTokenizerWord w = { .start = start, .end = p - text, .kept = words->len < tok->max_tokens };
          w.known = lookup (tok, word->str, &w.id, &w.respelled);
          g_array_append_val (words, w);
        }
      g_string_truncate (word, 0);
      if (*p == '\0')
        break;
    }
  return words;
}

guint32 *
at_tokenizer_encode (AtTokenizer *tok, const char *text, guint *n_ids, guint *n_unknown)
{
  g_autoptr (GArray) words = at_tokenizer_split (tok, text);
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (guint32));
  guint unknown = 0;
  for (guint i = 0; i < words->len; i++)
    {
      const AtTokenizerWord *w = &g_array_index (words, AtTokenizerWord, i);
      if (!w->kept)
        break;
      unknown += !w->known;
      g_array_append_val (ids, w->id);
    }
  *n_ids = ids->len;
  if (n_unknown != NULL)
    *n_unknown = unknown;
  return (guint32 *) g_array_free (ids, FALSE);
}

guint
at_tokenizer_get_max_tokens (AtTokenizer *tok)
{
  return tok->max_tokens;
}

/* "a, b and c" of the words of text at the given indices */
static char *
list_words (const char *text, GArray *words, gboolean (*pick) (const AtTokenizerWord *w))
{
  g_autoptr (GPtrArray) picked = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < words->len; i++)
    {
      const AtTokenizerWord *w = &g_array_index (words, AtTokenizerWord, i);
      if (pick (w))
        g_ptr_array_add (picked, g_strndup (text + w->start, w->end - w->start));
    }
  if (picked->len == 0)
    return NULL;
  g_ptr_array_add (picked, NULL);
  return g_strjoinv (", ", (char **) picked->pdata);
}

static gboolean
unknown_kept (const AtTokenizerWord *w)
{
  return w->kept && !w->known;
}

static gboolean
cut (const AtTokenizerWord *w)
{
  return !w->kept;
}

char *
at_tokenizer_describe (AtTokenizer *tok, const char *text)
{
  g_autoptr (GArray) words = at_tokenizer_split (tok, text);
  g_autofree char *unknown = list_words (text, words, unknown_kept);
  g_autofree char *dropped = list_words (text, words, cut);
  g_autoptr (GString) out = g_string_new (NULL);
  if (unknown != NULL)
    g_string_append_printf (out, "Not known to the built-in model, so left out: %s.", unknown);
  if (dropped != NULL)
    g_string_append_printf (out, "%sOnly the first %u words are used; left out: %s.", out->len > 0 ? " " : "",
                            tok->max_tokens, dropped);
  return out->len > 0 ? g_string_free (g_steal_pointer (&out), FALSE) : NULL;
}

guint
at_tokenizer_get_vocab_size (AtTokenizer *tok)
{
  return tok->vocab->len;
}

const char *
at_tokenizer_get_word (AtTokenizer *tok, guint32 id)
{
  return id < tok->vocab->len ? tok->vocab->pdata[id] : NULL;
}
