/* search-index.c — stored image embeddings and cosine ranking (search-index.h). */
#define G_LOG_DOMAIN "atelier-engine"

#include <string.h>

#include "media/atomic-file.h"
#include "search/search-index.h"

#define FORMAT_NAME "atelier-search-index"
#define FORMAT_VERSION 1

G_DEFINE_QUARK (at-search-error-quark, at_search_error)

struct _AtSearchIndex {
  char *model;
  int dim;
  GPtrArray *entries;   /* AtSearchEntry*, owned, in the order added */
  GHashTable *by_key;   /* key -> entry, borrowed */
};

static void
entry_free (AtSearchEntry *e)
{
  g_free (e->key);
  g_free (e->stamp);
  g_free (e->embedding);
  g_free (e);
}

AtSearchIndex *
at_search_index_new (const char *model, int dim)
{
  g_return_val_if_fail (dim > 0, NULL);
  AtSearchIndex *index = g_new0 (AtSearchIndex, 1);
  index->model = g_strdup (model != NULL ? model : "");
  index->dim = dim;
  index->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  index->by_key = g_hash_table_new (g_str_hash, g_str_equal);
  return index;
}

void
at_search_index_free (AtSearchIndex *index)
{
  if (index == NULL)
    return;
  g_hash_table_unref (index->by_key);
  g_ptr_array_unref (index->entries);
  g_free (index->model);
  g_free (index);
}

AtSearchIndex *
at_search_index_copy (const AtSearchIndex *index)
{
  AtSearchIndex *copy = at_search_index_new (index->model, index->dim);
  for (guint i = 0; i < index->entries->len; i++)
    {
      const AtSearchEntry *e = index->entries->pdata[i];
      at_search_index_set (copy, e->key, e->stamp, e->embedding);
    }
  return copy;
}

const char *
at_search_index_get_model (const AtSearchIndex *index)
{
  return index->model;
}

int
at_search_index_get_dim (const AtSearchIndex *index)
{
  return index->dim;
}

guint
at_search_index_get_size (const AtSearchIndex *index)
{
  return index->entries->len;
}

const AtSearchEntry *
at_search_index_lookup (const AtSearchIndex *index, const char *key, const char *stamp)
{
  const AtSearchEntry *e = g_hash_table_lookup (index->by_key, key);
  return e != NULL && g_strcmp0 (e->stamp, stamp) == 0 ? e : NULL;
}

void
at_search_index_set (AtSearchIndex *index, const char *key, const char *stamp, const float *embedding)
{
  AtSearchEntry *e = g_hash_table_lookup (index->by_key, key);
  if (e == NULL)
    {
      e = g_new0 (AtSearchEntry, 1);
      e->key = g_strdup (key);
      g_ptr_array_add (index->entries, e);
      g_hash_table_insert (index->by_key, e->key, e);
    }
  g_free (e->stamp);
  e->stamp = g_strdup (stamp);
  g_free (e->embedding);
  e->embedding = g_memdup2 (embedding, sizeof (float) * index->dim);
}

guint
at_search_index_retain (AtSearchIndex *index, GHashTable *keys)
{
  guint removed = 0;
  for (guint i = index->entries->len; i-- > 0;)
    {
      AtSearchEntry *e = index->entries->pdata[i];
      if (g_hash_table_contains (keys, e->key))
        continue;
      g_hash_table_remove (index->by_key, e->key);
      g_ptr_array_remove_index (index->entries, i);
      removed++;
    }
  return removed;
}

typedef struct {
  AtSearchHit hit;
  guint order;
} RankedHit;

static int
compare_hits (gconstpointer pa, gconstpointer pb)
{
  const RankedHit *a = pa, *b = pb;
  if (a->hit.score != b->hit.score)
    return a->hit.score > b->hit.score ? -1 : 1;
  return a->order < b->order ? -1 : a->order > b->order;
}

GArray *
at_search_index_rank (const AtSearchIndex *index, const float *query, guint count)
{
  guint n = index->entries->len;
  g_autofree RankedHit *all = g_new (RankedHit, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      const AtSearchEntry *e = index->entries->pdata[i];
      double dot = 0.0;
      for (int c = 0; c < index->dim; c++)
        dot += (double) e->embedding[c] * query[c];
      all[i] = (RankedHit) { { e, (float) dot }, i };
    }
  qsort (all, n, sizeof *all, compare_hits);
  GArray *hits = g_array_new (FALSE, FALSE, sizeof (AtSearchHit));
  for (guint i = 0; i < MIN (n, count); i++)
    g_array_append_val (hits, all[i].hit);
  return hits;
}

static char *
encode_embedding (const float *v, int dim)
{
  g_autofree guint32 *le = g_new (guint32, dim);
  for (int c = 0; c < dim; c++)
    {
      guint32 bits;
      memcpy (&bits, &v[c], 4);
      le[c] = GUINT32_TO_LE (bits);
    }
  return g_base64_encode ((const guchar *) le, (gsize) dim * 4);
}

static float *
decode_embedding (const char *text, int dim)
{
  gsize len = 0;
  g_autofree guchar *raw = g_base64_decode (text, &len);
  if (len != (gsize) dim * 4)
    return NULL;
  float *v = g_new (float, dim);
  for (int c = 0; c < dim; c++)
    {
      guint32 bits;
      memcpy (&bits, raw + 4 * c, 4);
      bits = GUINT32_FROM_LE (bits);
      memcpy (&v[c], &bits, 4);
    }
  return v;
}

JsonNode *
at_search_index_to_json (const AtSearchIndex *index)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "format");
  json_builder_add_string_value (b, FORMAT_NAME);
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, FORMAT_VERSION);
  json_builder_set_member_name (b, "model_sha256");
  json_builder_add_string_value (b, index->model);
  json_builder_set_member_name (b, "dim");
  json_builder_add_int_value (b, index->dim);
  json_builder_set_member_name (b, "entries");
  json_builder_begin_array (b);
  for (guint i = 0; i < index->entries->len; i++)
    {
      const AtSearchEntry *e = index->entries->pdata[i];
      g_autofree char *emb = encode_embedding (e->embedding, index->dim);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "key");
      json_builder_add_string_value (b, e->key);
      json_builder_set_member_name (b, "stamp");
      json_builder_add_string_value (b, e->stamp);
      json_builder_set_member_name (b, "embedding");
      json_builder_add_string_value (b, emb);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static gboolean
invalid (GError **error, const char *what)
{
  g_set_error (error, AT_SEARCH_ERROR, AT_SEARCH_ERROR_INVALID, "Not a valid search index: %s", what);
  return FALSE;
}

/* A string member, or NULL. */
static const char *
string_member (JsonObject *o, const char *name)
{
  JsonNode *n = json_object_get_member (o, name);
  return n != NULL && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING
           ? json_node_get_string (n) : NULL;
}

static gboolean
read_entries (AtSearchIndex *index, JsonArray *entries, GError **error)
{
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonNode *node = json_array_get_element (entries, i);
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *key = o != NULL ? string_member (o, "key") : NULL;
      const char *stamp = o != NULL ? string_member (o, "stamp") : NULL;
      const char *emb = o != NULL ? string_member (o, "embedding") : NULL;
      g_autofree float *v = emb != NULL ? decode_embedding (emb, index->dim) : NULL;
      if (key == NULL || stamp == NULL || v == NULL)
        return invalid (error, "an entry lacks its key, stamp or embedding");
      at_search_index_set (index, key, stamp, v);
    }
  return TRUE;
}

AtSearchIndex *
at_search_index_from_json (JsonNode *node, GError **error)
{
  JsonObject *o = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  if (o == NULL || g_strcmp0 (string_member (o, "format"), FORMAT_NAME) != 0)
    return invalid (error, "not an object of format " FORMAT_NAME), NULL;
  if (json_object_get_int_member_with_default (o, "version", 0) != FORMAT_VERSION)
    return invalid (error, "another version"), NULL;
  gint64 dim = json_object_get_int_member_with_default (o, "dim", 0);
  JsonNode *entries = json_object_get_member (o, "entries");
  const char *model = string_member (o, "model_sha256");
  if (dim < 1 || dim > 4096 || model == NULL || entries == NULL || !JSON_NODE_HOLDS_ARRAY (entries))
    return invalid (error, "no model, size or entries"), NULL;
  g_autoptr (AtSearchIndex) index = at_search_index_new (model, (int) dim);
  if (!read_entries (index, json_node_get_array (entries), error))
    return NULL;
  return g_steal_pointer (&index);
}

gboolean
at_search_index_save (const AtSearchIndex *index, const char *path, GError **error)
{
  g_autoptr (JsonNode) root = at_search_index_to_json (index);
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  json_generator_set_root (gen, root);
  gsize len = 0;
  g_autofree char *data = json_generator_to_data (gen, &len);
  return at_atomic_file_set_contents (path, data, len, error);
}

AtSearchIndex *
at_search_index_load (const char *path, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  if (!json_parser_load_from_file (parser, path, error))
    return NULL;
  GError *local = NULL;
  AtSearchIndex *index = at_search_index_from_json (json_parser_get_root (parser), &local);
  if (local != NULL)
    g_propagate_prefixed_error (error, local, "%s: ", path);
  return index;
}
