/* shape-suggest.c — words, then the model's embeddings (shape-suggest.h). */
#define G_LOG_DOMAIN "atelier-engine"

#include <string.h>

#include "engine-private.h"
#include "model/embedding.h"
#include "model/safetensors.h"
#include "shapes/shape-raster.h"
#include "shapes/shape-suggest.h"
#include "weights-checksum.h"

#define INDEX_KEY "atelier-shape-index"

/* What one engine keeps for matching: the heads, and the shapes' embeddings
 * when they fit the model and the library (else why not, in notice). */
typedef struct {
  AtShapeLibrary *lib;       /* the default library, not owned */
  AtEmbedHeads *heads;
  float *embeddings;         /* [n_shapes, dim], or NULL */
  char *notice;
} ShapeIndex;

static void
shape_index_free (ShapeIndex *index)
{
  g_clear_pointer (&index->heads, at_embed_heads_free);
  g_free (index->embeddings);
  g_free (index->notice);
  g_free (index);
}

/* The shapes' embeddings from the model folder, or NULL and why not. */
static float *
load_embeddings (AtEngine *engine, AtShapeLibrary *lib, int dim, char **notice)
{
  g_autofree char *path = g_build_filename (at_engine_get_model_dir (engine), AT_SHAPE_EMBEDDINGS_FILE, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtSafetensors) st = at_safetensors_open (path, &error);
  g_autofree char *weights = st != NULL ? at_engine_compute_weights_checksum (engine, &error) : NULL;
  if (weights == NULL)
    {
      *notice = g_strdup_printf ("no shape embeddings for this model (%s); run tools/shapes/embed.sh", error->message);
      return NULL;
    }
  if (g_strcmp0 (at_safetensors_get_metadata_value (st, "model_sha256"), weights) != 0
      || g_strcmp0 (at_safetensors_get_metadata_value (st, "library_sha256"), at_shape_library_get_checksum (lib)) != 0)
    {
      *notice = g_strdup ("the shape embeddings were made with other model weights or another shape library; "
                          "run tools/shapes/embed.sh");
      return NULL;
    }
  float *data = NULL;
  gsize n = 0;
  if (!at_safetensors_get_f32 (st, "sketch", 2, AT_SHAPE (at_shape_library_get_n_shapes (lib), dim), &data, &n, &error))
    {
      *notice = g_strdup_printf ("the shape embeddings cannot be used: %s", error->message);
      return NULL;
    }
  return data;
}

/* With the engine locked: the index, made on first use. */
static ShapeIndex *
get_index (AtEngine *engine, AtModel *model, GError **error)
{
  ShapeIndex *index = at_engine_get_data (engine, INDEX_KEY);
  if (index != NULL)
    return index;
  AtShapeLibrary *lib = at_shape_library_get_default (error);
  if (lib == NULL)
    return NULL;
  AtEmbedHeads *heads = at_embed_heads_load (model, error);
  if (heads == NULL)
    return NULL;
  index = g_new0 (ShapeIndex, 1);
  index->lib = lib;
  index->heads = heads;
  index->embeddings = load_embeddings (engine, lib, heads->dim, &index->notice);
  if (index->notice != NULL)
    g_message ("Shape suggestions: %s", index->notice);
  at_engine_set_data (engine, INDEX_KEY, index, (GDestroyNotify) shape_index_free);
  return index;
}

/* Adds the count shapes nearest query (cosine) as kind. */
static void
add_nearest (AtShapeMatches *out, const ShapeIndex *index, const float *query, guint count, AtShapeMatchKind kind)
{
  guint n = at_shape_library_get_n_shapes (index->lib);
  int dim = index->heads->dim;
  g_autofree float *best = g_new (float, count + 1);
  g_autofree guint *which = g_new (guint, count + 1);
  guint kept = 0;
  for (guint i = 0; i < n; i++)
    {
      float dot = 0.0f;
      for (int c = 0; c < dim; c++)
        dot += index->embeddings[(gsize) i * dim + c] * query[c];
      guint at = kept;
      while (at > 0 && best[at - 1] < dot)
        {
          best[at] = best[at - 1];
          which[at] = which[at - 1];
          at--;
        }
      best[at] = dot;
      which[at] = i;
      kept = MIN (kept + 1, count);
    }
  const char *how = kind == AT_SHAPE_MATCH_SKETCH ? "sketch embedding" : "text embedding";
  for (guint i = 0; i < kept; i++)
    at_shape_matches_add (out, at_shape_match_new (which[i], best[i], kind, -1, how));
}

static void truncate_to (AtShapeMatches *m, guint count);

/* The doodle's nearest shapes by embedding, then re-ranked with how well
 * their lines overlap the doodle's: the embedding finds the family (hearts),
 * the overlap prefers the plain heart to one with a badge. */
#define RERANK_POOL 256
#define OVERLAP_TOLERANCE 2     /* pixels at the model's size */
#define OVERLAP_WEIGHT 0.5f

static void
add_nearest_drawings (AtShapeMatches *out, const ShapeIndex *index, const float *query, const AtImage *fitted,
                      guint count)
{
  g_autoptr (AtShapeMatches) pool = at_shape_match_words (index->lib, NULL);
  add_nearest (pool, index, query, MAX (count, RERANK_POOL), AT_SHAPE_MATCH_SKETCH);
  for (guint i = 0; i < pool->matches->len; i++)
    {
      AtShapeMatch *m = pool->matches->pdata[i];
      g_autoptr (AtImage) drawn = at_shape_render_model_sketch (at_shape_library_get_shape (index->lib, m->shape),
                                                                4 * fitted->width);
      g_autoptr (AtImage) shape = at_shape_normalize_doodle (drawn, fitted->width);
      double overlap = shape != NULL ? at_shape_sketch_overlap (fitted, shape, OVERLAP_TOLERANCE) : 0.0;
      float score = (1.0f - OVERLAP_WEIGHT) * m->score + OVERLAP_WEIGHT * (float) overlap;
      at_shape_matches_add (out, at_shape_match_new (m->shape, score, AT_SHAPE_MATCH_SKETCH, -1,
                                                     "sketch embedding and line overlap"));
    }
  truncate_to (out, count);
}

static void
truncate_to (AtShapeMatches *m, guint count)
{
  if (m->matches->len > count)
    g_ptr_array_set_size (m->matches, count);
}

AtShapeMatches *
at_engine_suggest_text (AtEngine *engine, const char *text, guint count, GError **error)
{
  g_return_val_if_fail (engine != NULL && count > 0, NULL);
  AtModel *model = at_engine_lock_model (engine);
  ShapeIndex *index = get_index (engine, model, error);
  AtShapeMatches *out = NULL;
  if (index != NULL)
    {
      out = at_shape_match_words (index->lib, text);
      g_autofree float *q = NULL;
      if (index->embeddings != NULL && out->matches->len < count)
        {
          GError *local = NULL;
          q = at_model_embed_text (model, at_engine_get_gpu (engine), index->heads, text, &local);
          if (local != NULL)
            {
              g_propagate_error (error, local);
              g_clear_pointer (&out, at_shape_matches_free);
            }
        }
      if (q != NULL)
        add_nearest (out, index, q, count, AT_SHAPE_MATCH_TEXT);
      if (out != NULL)
        {
          truncate_to (out, count);
          out->notice = g_strdup (index->notice);
        }
    }
  at_engine_unlock_model (engine);
  return out;
}

AtShapeMatches *
at_engine_suggest_sketch (AtEngine *engine, const AtImage *sketch, guint count, GError **error)
{
  g_return_val_if_fail (engine != NULL && sketch != NULL && count > 0, NULL);
  AtModel *model = at_engine_lock_model (engine);
  ShapeIndex *index = get_index (engine, model, error);
  AtShapeMatches *out = NULL;
  if (index != NULL && index->embeddings == NULL)
    g_set_error (error, AT_SHAPE_ERROR, AT_SHAPE_ERROR_STALE, "Cannot rank shapes for a sketch: %s", index->notice);
  else if (index != NULL)
    {
      g_autoptr (AtImage) fitted = at_shape_normalize_doodle (sketch, model->config->image_size);
      g_autofree float *q = fitted != NULL ? at_model_embed_sketch (model, at_engine_get_gpu (engine), index->heads,
                                                                    fitted, error)
                                           : NULL;
      if (fitted == NULL)
        g_set_error (error, AT_SHAPE_ERROR, AT_SHAPE_ERROR_EMPTY, "The sketch has no strokes to match");
      if (q != NULL)
        {
          out = at_shape_match_words (index->lib, NULL);
          add_nearest_drawings (out, index, q, fitted, count);
        }
    }
  at_engine_unlock_model (engine);
  return out;
}

static gboolean
write_embeddings (AtEngine *engine, AtModel *model, ShapeIndex *index, const char *path, GCancellable *cancellable,
                  GError **error)
{
  guint n = at_shape_library_get_n_shapes (index->lib);
  int dim = index->heads->dim, size = model->config->image_size;
  g_autofree float *all = g_new (float, (gsize) n * dim);
  for (guint i = 0; i < n; i++)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      /* through the same fitting as a doodle, so that both sides match */
      g_autoptr (AtImage) img = at_shape_render_model_sketch (at_shape_library_get_shape (index->lib, i), 4 * size);
      g_autoptr (AtImage) fitted = at_shape_normalize_doodle (img, size);
      g_autofree float *e = at_model_embed_sketch (model, at_engine_get_gpu (engine), index->heads, fitted, error);
      if (e == NULL)
        return FALSE;
      memcpy (all + (gsize) i * dim, e, sizeof (float) * dim);
    }
  g_autofree char *weights = at_engine_compute_weights_checksum (engine, error);
  if (weights == NULL)
    return FALSE;
  const char *keys[] = { "model_sha256", "library_sha256", "model", NULL };
  const char *values[] = { weights, at_shape_library_get_checksum (index->lib), model->config->name, NULL };
  AtSafetensorsTensor t = { "sketch", 2, AT_SHAPE ((gint64) n, dim), all };
  if (!at_safetensors_write_f32 (path, &t, 1, keys, values, error))
    return FALSE;
  /* the next suggestion reloads them */
  g_clear_pointer (&index->embeddings, g_free);
  g_clear_pointer (&index->notice, g_free);
  index->embeddings = load_embeddings (engine, index->lib, dim, &index->notice);
  return TRUE;
}

gboolean
at_engine_write_shape_embeddings (AtEngine *engine, const char *path, GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (engine != NULL && path != NULL, FALSE);
  AtModel *model = at_engine_lock_model (engine);
  ShapeIndex *index = get_index (engine, model, error);
  gboolean ok = index != NULL && write_embeddings (engine, model, index, path, cancellable, error);
  at_engine_unlock_model (engine);
  return ok;
}
