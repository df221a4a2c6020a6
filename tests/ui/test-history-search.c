/* test-history-search.c — the search field above the History gallery with
 * the real engine on lavapipe: typed words leave the best matches in the
 * gallery, in the order the engine's own embeddings give (computed here
 * one by one, apart from the widget's index and worker); "More Like This"
 * puts the chosen image first; the sketch and voice buttons rank by the
 * canvas's drawing and the voice clip; restoring an image shows its tags; an empty
 * field shows every image again; Export All… writes the tags into the
 * PNGs; the index is saved with the project and
 * read back when it is opened. */
#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "search/caption.h"
#include "search/search-query.h"
#include "search/search-update.h"
#include "search/search-voice.h"
#include "search/search-words.h"
#include "ui/window-private.h"
#include "ui-test-util.h"

static AtApplication *app;

#define N_ITEMS 11

/* Discs of different colours and sizes on white. */
static const guint8 COLOURS[][3] = {
  { 214, 40, 40 }, { 35, 95, 215 }, { 46, 160, 67 }, { 130, 60, 190 }, { 245, 130, 25 }, { 240, 200, 30 },
  { 235, 100, 170 }, { 130, 80, 40 }, { 25, 25, 25 }, { 125, 125, 125 }, { 35, 95, 215 },
};

static AtHistoryItem *
disc_item (guint k)
{
  g_autoptr (AtImage) img = at_image_new (64, 64, 3);
  double radius = 10 + 2 * k;
  for (int y = 0; y < 64; y++)
    for (int x = 0; x < 64; x++)
      {
        gboolean in = hypot (x - 31.5, y - 31.5 - (k % 3)) < radius;
        for (int c = 0; c < 3; c++)
          img->pixels[(y * 64 + x) * 3 + c] = in ? COLOURS[k][c] : 255;
      }
  g_autoptr (AtRequest) r = at_request_new ();
  g_autofree char *params = g_strdup_printf ("disc %u\nSteps: 2, Seed: %u", k, k);
  AtHistoryItem *item = at_history_item_new (img, params, r, k);
  g_autoptr (AtStrokeList) strokes = at_stroke_list_new ();
  at_history_item_set_sketch (item, strokes, NULL, NULL);
  return item;
}

static AtWindow *
window_with_discs (void)
{
  AtWindow *window = ui_test_open_window (app);
  ui_test_wait_for_engine (window);
  g_autoptr (GPtrArray) made = g_ptr_array_new_with_free_func ((GDestroyNotify) at_history_item_free);
  for (guint k = 0; k < N_ITEMS; k++)
    g_ptr_array_add (made, disc_item (k));
  _at_window_history_add (window, made, FALSE);
  g_assert_cmpuint (at_window_get_history_length (window), ==, N_ITEMS);
  return window;
}

static gboolean
search_idle (gpointer data)
{
  return !at_history_search_is_busy (data);
}

static void
wait_search (AtWindow *window)
{
  g_assert_true (ui_test_wait_until (search_idle, at_window_get_history_search (window), 120));
}

typedef struct {
  AtHistoryItem *item;
  float score;
  guint order;
} Expected;

static int
compare_expected (gconstpointer pa, gconstpointer pb)
{
  const Expected *a = pa, *b = pb;
  if (a->score != b->score)
    return a->score > b->score ? -1 : 1;
  return a->order > b->order ? -1 : 1;
}

/* The History by cosine with query (plus the object words' bonus of the
 * words typed or heard, search-words.h), best first, each image embedded here. */
static Expected *
expected_ranking (AtWindow *window, const float *query, const char *said)
{
  g_auto (GStrv) words = at_search_object_words (said);
  Expected *all = g_new (Expected, N_ITEMS);
  int dim = at_engine_search_get_dim (window->engine);
  for (guint i = 0; i < N_ITEMS; i++)
    {
      AtHistoryItem *item = g_ptr_array_index (window->history, i);
      g_autoptr (GError) error = NULL;
      g_autofree float *e = at_engine_search_embed_image (window->engine, item->image, &error);
      g_assert_no_error (error);
      double dot = 0.0;
      for (int c = 0; c < dim; c++)
        dot += (double) e[c] * query[c];
      dot += at_engine_search_word_bonus (window->engine, (const char *const *) words, e);
      all[i] = (Expected) { item, (float) dot, i };
    }
  qsort (all, N_ITEMS, sizeof *all, compare_expected);
  return all;
}

/* The widget's ranking is the expected one, and the gallery shows exactly
 * its items. */
static void
assert_ranking (AtWindow *window, const Expected *want)
{
  GPtrArray *got = at_history_search_get_ranking (at_window_get_history_search (window));
  g_assert_cmpuint (got->len, ==, AT_HISTORY_SEARCH_SHOWN);
  for (guint i = 0; i < got->len; i++)
    g_assert_true (got->pdata[i] == want[i].item);
  for (guint i = 0; i < N_ITEMS; i++)
    {
      GtkWidget *tile = gtk_widget_get_parent (at_window_get_history_tile (window, i));
      gboolean listed = g_ptr_array_find (got, g_ptr_array_index (window->history, i), NULL);
      g_assert_cmpint (gtk_widget_get_child_visible (tile), ==, listed);
    }
}

static void
test_text_search (void)
{
  AtWindow *window = window_with_discs ();
  AtHistorySearch *search = at_window_get_history_search (window);
  at_history_search_set_text (search, "blue circle");
  wait_search (window);
  g_test_message ("%s", at_history_search_get_status (search));
  g_autoptr (GError) error = NULL;
  g_autofree float *q = at_engine_search_embed_text (window->engine, "blue circle", &error);
  g_assert_no_error (error);
  g_autofree Expected *want = expected_ranking (window, q, "blue circle");
  assert_ranking (window, want);
  g_assert_nonnull (strstr (at_history_search_get_status (search), "8 best matches of 11"));

  /* a word the model does not know: said under the field, every image shown */
  at_history_search_set_text (search, "qzxvw");
  wait_search (window);
  g_assert_nonnull (strstr (at_history_search_get_status (search), "qzxvw"));
  for (guint i = 0; i < N_ITEMS; i++)
    g_assert_true (gtk_widget_get_child_visible (gtk_widget_get_parent (at_window_get_history_tile (window, i))));

  /* "More Like This" from the tile's menu: that image first */
  gtk_widget_activate_action (GTK_WIDGET (window), "history-search.more-like", "u", 4);
  wait_search (window);
  AtHistoryItem *chosen = g_ptr_array_index (window->history, 4);
  g_autofree float *like = at_engine_search_embed_image (window->engine, chosen->image, &error);
  g_autofree Expected *want_like = expected_ranking (window, like, NULL);
  g_assert_true (want_like[0].item == chosen);
  assert_ranking (window, want_like);

  /* cleared: every image again */
  at_history_search_set_text (search, "");
  wait_search (window);
  g_assert_cmpuint (at_history_search_get_ranking (search)->len, ==, 0);
  for (guint i = 0; i < N_ITEMS; i++)
    g_assert_true (gtk_widget_get_child_visible (gtk_widget_get_parent (at_window_get_history_tile (window, i))));
  ui_test_close_window (window);
}

/* The buttons beside the field: the canvas's sketch, the voice clip. */
static void
test_sketch_and_voice (void)
{
  AtWindow *window = window_with_discs ();
  AtHistorySearch *search = at_window_get_history_search (window);
  /* nothing drawn, no clip: said, nothing ranked */
  gtk_widget_activate_action (GTK_WIDGET (window), "history-search.sketch", NULL);
  g_assert_nonnull (strstr (at_history_search_get_status (search), "Draw"));
  gtk_widget_activate_action (GTK_WIDGET (window), "history-search.voice", NULL);
  g_assert_nonnull (strstr (at_history_search_get_status (search), "voice clip"));
  g_assert_cmpuint (at_history_search_get_ranking (search)->len, ==, 0);

  ui_test_draw_line (window, 0.3, 0.3, 0.7, 0.3);
  ui_test_draw_line (window, 0.7, 0.3, 0.5, 0.7);
  ui_test_draw_line (window, 0.5, 0.7, 0.3, 0.3);
  gtk_widget_activate_action (GTK_WIDGET (window), "history-search.sketch", NULL);
  wait_search (window);
  g_autoptr (AtImage) sketch = at_sketch_canvas_render_for_request (window->canvas, 256);
  g_autoptr (GError) error = NULL;
  g_autofree float *qs = at_engine_search_embed_sketch (window->engine, sketch, &error);
  g_assert_no_error (error);
  g_autofree Expected *want_sketch = expected_ranking (window, qs, NULL);
  assert_ranking (window, want_sketch);

  /* a hummed clip: 1.5 s of a 220 Hz tone with harmonics */
  g_autoptr (AtAudio) clip = at_audio_new (24000, 16000);
  for (gsize i = 0; i < clip->n; i++)
    for (int h = 1; h <= 4; h++)
      clip->samples[i] += 0.2f / h * sinf (2.0f * G_PI * 220.0f * h * i / 16000.0f);
  _at_window_set_voice (window, at_audio_new_from (clip->samples, clip->n, clip->rate), "hum");
  gtk_widget_activate_action (GTK_WIDGET (window), "history-search.voice", NULL);
  wait_search (window);
  g_autoptr (AtVoiceQuery) qv = at_engine_search_embed_spoken (window->engine, clip, NULL, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("the hum heard as “%s”", qv->transcript != NULL ? qv->transcript : "(no recogniser)");
  g_autofree Expected *want_voice = expected_ranking (window, qv->embedding, qv->has_words ? qv->transcript : NULL);
  assert_ranking (window, want_voice);
  ui_test_close_window (window);
}

static gboolean
export_over (gpointer data)
{
  return !at_window_is_exporting_history (data);
}

/* Export All… with the engine loaded: every PNG carries its caption as
 * "Description" beside its "parameters". */
static void
test_export_tags (void)
{
  AtWindow *window = window_with_discs ();
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("history-tags-XXXXXX", &error);
  g_autoptr (GFile) folder = g_file_new_for_path (dir);
  _at_window_export_history (window, folder, FALSE);
  g_assert_true (ui_test_wait_until (export_over, window, 120));
  g_autoptr (GDir) d = g_dir_open (dir, 0, &error);
  g_assert_no_error (error);
  const char *name;
  guint n = 0;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr (AtImage) img = at_image_load (path, &error);
      g_assert_no_error (error);
      g_autofree char *description = at_image_read_png_text (path, "Description", &error);
      g_assert_no_error (error);
      g_autofree char *params = at_image_read_png_text (path, "parameters", &error);
      g_assert_no_error (error);
      g_autoptr (AtCaption) c = at_engine_caption_image (window->engine, img, 3, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (description, ==, c->text);
      g_assert_true (g_str_has_prefix (params, "disc "));
      g_remove (path);
      n++;
    }
  g_assert_cmpuint (n, ==, N_ITEMS);
  g_rmdir (dir);
  ui_test_close_window (window);
}

static gboolean
tags_shown (gpointer data)
{
  AtHistorySearch *search = data;
  return !at_history_search_is_busy (search)
         && gtk_label_get_text (GTK_LABEL (at_history_search_get_tags_label (search)))[0] != '\0';
}

static void
test_tags_and_project (void)
{
  AtWindow *window = window_with_discs ();
  AtHistorySearch *search = at_window_get_history_search (window);
  at_window_activate_history (window, 1);
  g_assert_true (ui_test_wait_until (tags_shown, search, 120));
  const char *shown = gtk_label_get_text (GTK_LABEL (at_history_search_get_tags_label (search)));
  g_test_message ("%s", shown);
  g_autoptr (GError) error = NULL;
  AtHistoryItem *item = g_ptr_array_index (window->history, 1);
  g_autoptr (AtCaption) c = at_engine_caption_image (window->engine, item->image, 2, &error);
  g_assert_no_error (error);
  g_autofree char *tags = g_strjoinv (" · ", c->tags);
  g_autofree char *want = g_strdup_printf ("Tags: %s", tags);
  g_assert_cmpstr (shown, ==, want);

  /* a search makes the index; the project keeps it */
  at_history_search_set_text (search, "circle");
  wait_search (window);
  g_autofree char *dir = g_dir_make_tmp ("history-search-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "discs.atelier", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_assert_true (ui_test_save (window, file, &error));
  g_assert_no_error (error);
  ui_test_close_window (window);

  AtWindow *again = ui_test_open_window (app);
  ui_test_wait_for_engine (again);
  g_assert_true (ui_test_open (again, file, &error));
  g_assert_no_error (error);
  g_autoptr (AtSearchIndex) index = at_history_search_copy_index (at_window_get_history_search (again));
  g_assert_nonnull (index);
  g_assert_cmpuint (at_search_index_get_size (index), ==, N_ITEMS);
  for (guint i = 0; i < N_ITEMS; i++)
    {
      AtHistoryItem *it = g_ptr_array_index (again->history, i);
      g_autofree char *key = at_search_image_key (it->image);
      const AtSearchEntry *e = at_search_index_lookup (index, key, key);
      g_assert_nonnull (e);
      g_autofree float *now = at_engine_search_embed_image (again->engine, it->image, &error);
      g_assert_cmpmem (e->embedding, sizeof (float) * at_search_index_get_dim (index), now,
                       sizeof (float) * at_search_index_get_dim (index));
    }
  ui_test_close_window (again);
  g_remove (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  ui_test_init (&argc, &argv);
  app = ui_test_application_new ();
  g_test_add_func ("/ui/history-search/text-and-more-like", test_text_search);
  g_test_add_func ("/ui/history-search/sketch-and-voice", test_sketch_and_voice);
  g_test_add_func ("/ui/history-search/tags-and-project", test_tags_and_project);
  g_test_add_func ("/ui/history-search/export-tags", test_export_tags);
  return ui_test_application_finish (app, g_test_run ());
}
