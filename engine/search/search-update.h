/* search-update.h — bringing an index up to date with what it indexes:
 * the PNG files of a folder (with a cache file beside them) or a list of
 * images (a project's history). Only new or changed images are embedded;
 * entries of images that are gone are dropped.
 *
 * A file that cannot be read as an image is skipped and named in the
 * report, so one damaged file does not stop a folder from being searched.
 * Cancellable between images; a cancelled update leaves the cache file as
 * it was. Runs the model: call from a worker.
 */
#pragma once

#include "engine.h"
#include "media/image.h"
#include "search/search-index.h"

G_BEGIN_DECLS

/* The cache file's name inside an indexed folder. */
#define AT_SEARCH_FOLDER_CACHE ".atelier-search.json"

typedef struct {
  guint embedded;      /* new or changed images embedded now */
  guint kept;          /* unchanged, their stored embeddings reused */
  guint removed;       /* entries of images no longer there */
  GPtrArray *skipped;  /* char*: "NAME: why" for files that are not images */
  char *notice;        /* why the stored index was not used, or NULL */
} AtSearchUpdate;

void at_search_update_clear (AtSearchUpdate *update);

/* The folder's index: its cache file read (when it is of this model),
 * brought up to date and written back atomically when anything changed.
 * Keys are file names; stamps the size and modification time. */
AtSearchIndex *at_engine_search_index_folder (AtEngine *engine, const char *dir, GCancellable *cancellable,
                                              AtSearchUpdate *update, GError **error);

/* A key for an image: the SHA-256 of its size, channels and pixels. */
char *at_search_image_key (const AtImage *image);

/* Brings *index (NULL, or one of another model: replaced by a new one) up
 * to date with n images keyed by at_search_image_key(). */
gboolean at_engine_search_index_images (AtEngine *engine, AtSearchIndex **index, AtImage *const *images, guint n,
                                        GCancellable *cancellable, AtSearchUpdate *update, GError **error);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (AtSearchUpdate, at_search_update_clear)

G_END_DECLS
