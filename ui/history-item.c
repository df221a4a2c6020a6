/* history-item.c — see history-item.h. */
#define G_LOG_DOMAIN "atelier-ui"

#include <math.h>
#include <string.h>

#include "ui/history-item.h"

AtHistoryItem *
at_history_item_new (const AtImage *image, const char *parameters, const AtRequest *request, guint64 seed)
{
  AtHistoryItem *item = g_new0 (AtHistoryItem, 1);
  item->image = at_image_copy (image);
  item->parameters = g_strdup (parameters);
  item->request = at_request_copy (request);
  /* the images travel in fields of their own; the voice stays the project's */
  g_clear_pointer (&item->request->sketch, at_image_free);
  item->init = g_steal_pointer (&item->request->init);
  g_clear_pointer (&item->request->voice, g_free);
  item->request->voice_len = 0;
  item->strokes = at_stroke_list_new ();
  item->seed = seed;
  item->created = g_get_real_time () / G_USEC_PER_SEC;
  return item;
}

static AtImage *
copy_or_null (const AtImage *img)
{
  return img != NULL ? at_image_copy (img) : NULL;
}

AtHistoryItem *
at_history_item_copy (const AtHistoryItem *h)
{
  AtHistoryItem *item = at_history_item_new (h->image, h->parameters, h->request, h->seed);
  item->created = h->created;
  item->init = copy_or_null (h->init);
  if (h->has_inputs)
    at_history_item_set_sketch (item, h->strokes, h->sketch_image, h->underlay);
  item->voice_name = g_strdup (h->voice_name);
  item->voice_digest = g_strdup (h->voice_digest);
  item->model = g_strdup (h->model);
  item->favourite = h->favourite;
  item->live = h->live;
  return item;
}

void
at_history_item_free (AtHistoryItem *item)
{
  if (item == NULL)
    return;
  g_clear_pointer (&item->image, at_image_free);
  g_clear_pointer (&item->request, at_request_free);
  g_clear_pointer (&item->strokes, at_stroke_list_free);
  g_clear_pointer (&item->sketch_image, at_image_free);
  g_clear_pointer (&item->underlay, at_image_free);
  g_clear_pointer (&item->init, at_image_free);
  g_free (item->parameters);
  g_free (item->voice_name);
  g_free (item->voice_digest);
  g_free (item->model);
  g_free (item);
}

void
at_history_item_set_sketch (AtHistoryItem *item, const AtStrokeList *strokes, const AtImage *sketch_image,
                            const AtImage *underlay)
{
  g_return_if_fail (item != NULL && strokes != NULL);
  at_stroke_list_free (item->strokes);
  item->strokes = at_stroke_list_copy_drawing (strokes);
  g_clear_pointer (&item->sketch_image, at_image_free);
  item->sketch_image = copy_or_null (sketch_image);
  g_clear_pointer (&item->underlay, at_image_free);
  item->underlay = copy_or_null (underlay);
  item->has_inputs = TRUE;
}

char *
at_history_voice_digest (const float *samples, gsize n, int rate)
{
  /* over the 16-bit PCM a project stores, so that a clip saved and opened
   * again is still the same clip */
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint32 r = GUINT32_TO_LE ((guint32) rate);
  g_checksum_update (sum, (const guchar *) &r, sizeof r);
  gint16 block[4096];
  for (gsize i = 0; i < n; i += G_N_ELEMENTS (block))
    {
      gsize m = MIN (G_N_ELEMENTS (block), n - i);
      for (gsize k = 0; k < m; k++)
        block[k] = GINT16_TO_LE ((gint16) lrintf (CLAMP (samples[i + k], -1.0f, 1.0f) * 32767.0f));
      g_checksum_update (sum, (const guchar *) block, m * sizeof (gint16));
    }
  return g_strdup (g_checksum_get_string (sum));
}

static gboolean
same_image (const AtImage *a, const AtImage *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return a->width == b->width && a->height == b->height && a->channels == b->channels &&
         memcmp (a->pixels, b->pixels, at_image_get_nbytes (a)) == 0;
}

static gboolean
same_stroke (const AtStroke *a, const AtStroke *b)
{
  if (a == b)
    return TRUE;
  guint n = at_stroke_get_n_points (a);
  return a->width == b->width && a->eraser == b->eraser && memcmp (a->color, b->color, sizeof a->color) == 0 &&
         n == at_stroke_get_n_points (b) &&
         (n == 0 || memcmp (at_stroke_get_point (a, 0), at_stroke_get_point (b, 0), n * sizeof (AtStrokePoint)) == 0);
}

static gboolean
same_drawing (const AtStrokeList *a, const AtStrokeList *b)
{
  guint n = at_stroke_list_get_n_strokes (a);
  if (n != at_stroke_list_get_n_strokes (b))
    return FALSE;
  for (guint i = 0; i < n; i++)
    if (!same_stroke (at_stroke_list_get_stroke (a, i), at_stroke_list_get_stroke (b, i)))
      return FALSE;
  return TRUE;
}

gboolean
at_history_item_same_making (const AtHistoryItem *a, const AtHistoryItem *b)
{
  /* the parameters text holds the prompts, the numbers, the seed and the model */
  return a->has_inputs && b->has_inputs && g_strcmp0 (a->parameters, b->parameters) == 0 &&
         g_strcmp0 (a->voice_digest, b->voice_digest) == 0 && same_image (a->init, b->init) &&
         same_image (a->sketch_image, b->sketch_image) && same_drawing (a->strokes, b->strokes);
}

gboolean
at_history_item_is_duplicate (const AtHistoryItem *a, const AtHistoryItem *b)
{
  return at_history_item_same_making (a, b) && same_image (a->image, b->image);
}
