/* tokenizer.c — word-level tokenizer read from tokenizer.json. */
#define G_LOG_DOMAIN "atelier-model"

#include <json-glib/json-glib.h>

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

guint32 *
at_tokenizer_encode (AtTokenizer *tok, const char *text, guint *n_ids, guint *n_unknown)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (guint32));
  GString *word = g_string_new (NULL);
  guint unknown = 0;
  for (const char *p = text != NULL ? text : "";; p++)
    {
      char c = g_ascii_tolower (*p);
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
        {
          g_string_append_c (word, c);
          continue;
        }
      if (word->len > 0 && ids->len < tok->max_tokens)
        {
          gpointer hit = g_hash_table_lookup (tok->index, word->str);
          guint32 id = hit != NULL ? GPOINTER_TO_UINT (hit) - 1 : tok->unk_id;
          unknown += hit == NULL;
          g_array_append_val (ids, id);
        }
      g_string_truncate (word, 0);
      if (*p == '\0')
        break;
    }
  g_string_free (word, TRUE);
  *n_ids = ids->len;
  if (n_unknown != NULL)
    *n_unknown = unknown;
  return (guint32 *) g_array_free (ids, FALSE);
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
