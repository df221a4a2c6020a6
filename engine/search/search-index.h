/* search-index.h — embeddings of a set of images, kept so that only new or
 * changed images are embedded again, and ranked by cosine against a query.
 *
 * An entry is a key (a file's name in a folder, or an image's digest in a
 * project), a stamp that changes when its source does (size and time of a
 * file; the digest again for an image) and its L2-normalised embedding.
 * The index records which weights made the embeddings (their SHA-256):
 * embeddings of other weights are not comparable and are never mixed.
 *
 * Stored as JSON (at_search_index_to_json(): a member of a project file, or
 * a cache file of its own written atomically beside a folder); embeddings
 * are base64 of little-endian float32. The index owns its entries.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define AT_SEARCH_ERROR (at_search_error_quark ())
GQuark at_search_error_quark (void);

typedef enum {
  AT_SEARCH_ERROR_EMPTY_QUERY,     /* no text, no ink, silence */
  AT_SEARCH_ERROR_UNKNOWN_WORDS,   /* no word of the text is in the model's vocabulary */
  AT_SEARCH_ERROR_INVALID,         /* a damaged index or cache file */
  AT_SEARCH_ERROR_NOT_FOUND,       /* nothing to search in */
} AtSearchError;

typedef struct {
  char *key;
  char *stamp;
  float *embedding;   /* [dim] */
} AtSearchEntry;

typedef struct _AtSearchIndex AtSearchIndex;

typedef struct {
  const AtSearchEntry *entry;   /* borrowed from the index */
  float score;                  /* cosine, -1 to 1 */
} AtSearchHit;

AtSearchIndex *at_search_index_new (const char *model, int dim);
void at_search_index_free (AtSearchIndex *index);
AtSearchIndex *at_search_index_copy (const AtSearchIndex *index);

const char *at_search_index_get_model (const AtSearchIndex *index);
int at_search_index_get_dim (const AtSearchIndex *index);
guint at_search_index_get_size (const AtSearchIndex *index);

/* The entry for key when its stamp is stamp, else NULL. */
const AtSearchEntry *at_search_index_lookup (const AtSearchIndex *index, const char *key, const char *stamp);
/* Adds or replaces key's entry (copies embedding, dim floats). */
void at_search_index_set (AtSearchIndex *index, const char *key, const char *stamp, const float *embedding);
/* Removes every entry whose key is not in keys (a set of strings);
 * returns how many. */
guint at_search_index_retain (AtSearchIndex *index, GHashTable *keys);

/* Up to count entries by cosine with query (dim floats, normalised),
 * best first; equal scores keep the order entries were added in. An
 * array of AtSearchHit valid while the index is unchanged. */
GArray *at_search_index_rank (const AtSearchIndex *index, const float *query, guint count);

JsonNode *at_search_index_to_json (const AtSearchIndex *index);
AtSearchIndex *at_search_index_from_json (JsonNode *node, GError **error);
/* Atomic (media/atomic-file.h): a failed save leaves the old file. */
gboolean at_search_index_save (const AtSearchIndex *index, const char *path, GError **error);
AtSearchIndex *at_search_index_load (const char *path, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtSearchIndex, at_search_index_free)

G_END_DECLS
