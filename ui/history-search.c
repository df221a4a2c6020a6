/* history-search.c — search field and tags for the History (history-search.h). */
#define G_LOG_DOMAIN "atelier-ui"

#include "search/caption.h"
#include "context-call.h"
#include "search/search-query.h"
#include "search/search-update.h"
#include "search/search-voice.h"
#include "search/search-words.h"
#include "ui/engine-hold.h"
#include "ui/history-search.h"

#define CAPTION_OBJECTS 2
#define SEARCH_PLACEHOLDER "Search the History (“purple umbrella”)"

/* What a search compares the images with. */
typedef enum { QUERY_TEXT, QUERY_IMAGE, QUERY_SKETCH, QUERY_VOICE } QueryKind;

struct _AtHistorySearch {
  GtkWidget parent_instance;

  GtkWidget *box;            /* the one child: entry and status */
  GtkSearchEntry *entry;
  GtkLabel *status;
  GtkLabel *tags;            /* placed by the window, a reference */

  AtApplication *app;        /* borrowed, with the engine it lent */
  AtEngine *engine;
  GPtrArray *history;        /* borrowed: the window's */
  AtSearchIndex *index;      /* the project's embeddings, or NULL */
  QueryKind kind;            /* the text, or what replaced it: */
  AtImage *picture;          /* the image ("More like this") or sketch */
  AtAudio *voice;
  GPtrArray *ranking;        /* AtHistoryItem*, borrowed, best first */
  GHashTable *shown;         /* the same as a set */
  GCancellable *searching, *captioning;
  guint again_id;            /* an idle that searches again after history changes */
  gboolean disposed;
};

G_DEFINE_FINAL_TYPE (AtHistorySearch, at_history_search, GTK_TYPE_WIDGET)

enum { RESULTS_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* --- searching on a worker ----------------------------------------------- */

typedef struct {
  AtEngineHold *hold;
  QueryKind kind;
  char *text;              /* the query: text, */
  AtImage *picture;        /* an image or sketch, */
  AtAudio *voice;          /* or a voice clip */
  GPtrArray *items;        /* AtHistoryItem*, borrowed: the history when asked */
  GPtrArray *images;       /* AtImage*, copies of theirs */
  AtSearchIndex *index;    /* a copy, updated by the worker */
  float *scores;           /* the worker's answer, per item */
} Search;

static void
search_free (Search *s)
{
  at_engine_hold_free (s->hold);
  g_free (s->text);
  g_clear_pointer (&s->picture, at_image_free);
  g_clear_pointer (&s->voice, at_audio_free);
  g_ptr_array_unref (s->items);
  g_ptr_array_unref (s->images);
  g_clear_pointer (&s->index, at_search_index_free);
  g_free (s->scores);
  g_free (s);
}

/* The query's embedding; *words: the typed or heard words that the
 * images' object words are matched with (search-words.h). */
static float *
embed_query (const Search *s, GCancellable *cancellable, char **words, GError **error)
{
  AtEngine *engine = s->hold->engine;
  g_autoptr (AtVoiceQuery) spoken = NULL;
  switch (s->kind)
    {
    case QUERY_IMAGE:
      return at_engine_search_embed_image (engine, s->picture, error);
    case QUERY_SKETCH:
      return at_engine_search_embed_sketch (engine, s->picture, error);
    case QUERY_VOICE:
      if ((spoken = at_engine_search_embed_spoken (engine, s->voice, NULL, cancellable, error)) == NULL)
        return NULL;
      if (spoken->has_words)
        *words = g_steal_pointer (&spoken->transcript);
      return g_steal_pointer (&spoken->embedding);
    case QUERY_TEXT:
    default:
      *words = g_strdup (s->text);
      return at_engine_search_embed_text (engine, s->text, error);
    }
}

static void
search_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Search *s = data;
  AtEngine *engine = s->hold->engine;
  GError *error = NULL;
  g_auto (AtSearchUpdate) update = { 0 };
  g_autofree char *said = NULL;
  g_autofree float *q = embed_query (s, cancellable, &said, &error);
  g_auto (GStrv) words = at_search_object_words (said);
  if (q == NULL || !at_engine_search_index_images (engine, &s->index, (AtImage *const *) s->images->pdata,
                                                   s->images->len, cancellable, &update, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  int dim = at_search_index_get_dim (s->index);
  s->scores = g_new (float, s->images->len);
  for (guint i = 0; i < s->images->len; i++)
    {
      g_autofree char *key = at_search_image_key (s->images->pdata[i]);
      const AtSearchEntry *e = at_search_index_lookup (s->index, key, key);
      double dot = 0.0;
      for (int c = 0; e != NULL && c < dim; c++)
        dot += (double) e->embedding[c] * q[c];
      s->scores[i] = e != NULL ? (float) dot + at_engine_search_word_bonus (engine, (const char *const *) words,
                                                                            e->embedding)
                               : -2.0f;
    }
  g_task_return_boolean (task, TRUE);
}

static void
set_ranking (AtHistorySearch *self, GPtrArray *ranking)
{
  g_ptr_array_unref (self->ranking);
  self->ranking = ranking;
  g_hash_table_remove_all (self->shown);
  for (guint i = 0; i < ranking->len; i++)
    g_hash_table_add (self->shown, ranking->pdata[i]);
  g_signal_emit (self, signals[RESULTS_CHANGED], 0);
}

typedef struct {
  gpointer item;
  float score;
  guint order;
} Ranked;

static int
compare_ranked (gconstpointer pa, gconstpointer pb)
{
  const Ranked *a = pa, *b = pb;
  if (a->score != b->score)
    return a->score > b->score ? -1 : 1;
  return a->order > b->order ? -1 : a->order < b->order;   /* newer first, as the gallery */
}

/* The best AT_HISTORY_SEARCH_SHOWN items by score. */
static GPtrArray *
best_items (const Search *s)
{
  guint n = s->items->len;
  g_autofree Ranked *all = g_new (Ranked, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    all[i] = (Ranked) { s->items->pdata[i], s->scores[i], i };
  qsort (all, n, sizeof *all, compare_ranked);
  GPtrArray *best = g_ptr_array_new ();
  for (guint i = 0; i < MIN (n, AT_HISTORY_SEARCH_SHOWN); i++)
    g_ptr_array_add (best, all[i].item);
  return best;
}

static void
searched (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (AtHistorySearch) self = user_data;
  g_autoptr (GError) error = NULL;
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);
  if (self->disposed || g_task_get_cancellable (G_TASK (result)) != self->searching)
    return;
  g_clear_object (&self->searching);
  if (!ok)
    {
      gtk_label_set_text (self->status, error->message);
      set_ranking (self, g_ptr_array_new ());
      return;
    }
  Search *s = g_task_get_task_data (G_TASK (result));
  g_clear_pointer (&self->index, at_search_index_free);
  self->index = g_steal_pointer (&s->index);
  g_autofree char *status = g_strdup_printf ("The %u best matches of %u images",
                                             MIN (s->items->len, AT_HISTORY_SEARCH_SHOWN), s->items->len);
  gtk_label_set_text (self->status, status);
  set_ranking (self, best_items (s));
}

/* Runs the query on show again (or clears the results without one). */
static void
search (AtHistorySearch *self)
{
  g_cancellable_cancel (self->searching);
  g_clear_object (&self->searching);
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->entry));
  if (self->kind == QUERY_TEXT && (text == NULL || text[0] == '\0'))
    {
      gtk_label_set_text (self->status, "");
      set_ranking (self, g_ptr_array_new ());
      return;
    }
  if (self->engine == NULL || self->history == NULL || self->history->len == 0)
    {
      gtk_label_set_text (self->status, self->engine == NULL ? "Search works once the model is loaded"
                                                             : "No images to search yet");
      set_ranking (self, g_ptr_array_new ());
      return;
    }
  self->searching = g_cancellable_new ();
  Search *s = g_new0 (Search, 1);
  s->hold = at_engine_hold_new (self->app, self->engine);
  s->text = g_strdup (text);
  s->kind = self->kind;
  s->picture = self->picture != NULL ? at_image_copy (self->picture) : NULL;
  s->voice = self->voice != NULL ? at_audio_new_from (self->voice->samples, self->voice->n, self->voice->rate) : NULL;
  /* not g_ptr_array_copy(): it would take the history's free function */
  s->items = g_ptr_array_new ();
  s->images = g_ptr_array_new_with_free_func ((GDestroyNotify) at_image_free);
  for (guint i = 0; i < self->history->len; i++)
    {
      g_ptr_array_add (s->items, self->history->pdata[i]);
      g_ptr_array_add (s->images, at_image_copy (((AtHistoryItem *) self->history->pdata[i])->image));
    }
  s->index = self->index != NULL ? at_search_index_copy (self->index) : NULL;
  gtk_label_set_text (self->status, "Searching…");
  g_autoptr (GTask) task = g_task_new (NULL, self->searching, searched, g_object_ref (self));
  g_task_set_source_tag (task, search);
  g_task_set_task_data (task, s, (GDestroyNotify) search_free);
  at_task_run_in_thread (task, search_thread);
}

static void text_changed (GtkSearchEntry *entry, AtHistorySearch *self);

/* The query becomes kind (taking picture or voice), the field empty with
 * placeholder saying so. */
static void
set_query (AtHistorySearch *self, QueryKind kind, AtImage *picture, AtAudio *voice, const char *placeholder)
{
  self->kind = kind;
  g_clear_pointer (&self->picture, at_image_free);
  g_clear_pointer (&self->voice, at_audio_free);
  self->picture = picture;
  self->voice = voice;
  g_object_set (self->entry, "placeholder-text", placeholder, NULL);
  if (kind != QUERY_TEXT)
    {
      g_signal_handlers_block_by_func (self->entry, text_changed, self);
      gtk_editable_set_text (GTK_EDITABLE (self->entry), "");
      g_signal_handlers_unblock_by_func (self->entry, text_changed, self);
    }
}

static void
text_changed (GtkSearchEntry *entry, AtHistorySearch *self)
{
  /* typing, or clearing the field, leaves a search by image, sketch or voice */
  set_query (self, QUERY_TEXT, NULL, NULL, SEARCH_PLACEHOLDER);
  search (self);
}

static void
stop_search (GtkSearchEntry *entry, AtHistorySearch *self)
{
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  text_changed (entry, self);
}

/* --- tags on a worker ---------------------------------------------------- */

typedef struct {
  AtEngineHold *hold;
  AtImage *image;
  const char *tone;   /* static (voice-tone.h), or NULL */
} Tagging;

static void
tagging_free (Tagging *t)
{
  at_engine_hold_free (t->hold);
  at_image_free (t->image);
  g_free (t);
}

static void
tag_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Tagging *t = data;
  GError *error = NULL;
  AtCaption *c = at_engine_caption_image (t->hold->engine, t->image, CAPTION_OBJECTS, &error);
  if (c == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (t->tone != NULL)
    at_caption_add_tone (c, t->tone);
  g_task_return_pointer (task, c, (GDestroyNotify) at_caption_free);
}

static void
tagged (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (AtHistorySearch) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (AtCaption) c = g_task_propagate_pointer (G_TASK (result), &error);
  if (self->disposed || g_task_get_cancellable (G_TASK (result)) != self->captioning)
    return;
  g_clear_object (&self->captioning);
  g_autofree char *tags = c != NULL ? g_strjoinv (" · ", c->tags) : NULL;
  g_autofree char *text = c != NULL ? g_strdup_printf ("Tags: %s", tags) : g_strdup_printf ("No tags: %s", error->message);
  gtk_label_set_text (self->tags, text);
}

void
at_history_search_show_tags (AtHistorySearch *self, const AtHistoryItem *item, const char *tone)
{
  g_return_if_fail (AT_IS_HISTORY_SEARCH (self));
  g_cancellable_cancel (self->captioning);
  g_clear_object (&self->captioning);
  gtk_label_set_text (self->tags, "");
  if (item == NULL || self->engine == NULL)
    return;
  self->captioning = g_cancellable_new ();
  Tagging *t = g_new0 (Tagging, 1);
  t->hold = at_engine_hold_new (self->app, self->engine);
  t->image = at_image_copy (item->image);
  t->tone = tone;
  g_autoptr (GTask) task = g_task_new (NULL, self->captioning, tagged, g_object_ref (self));
  g_task_set_source_tag (task, at_history_search_show_tags);
  g_task_set_task_data (task, t, (GDestroyNotify) tagging_free);
  at_task_run_in_thread (task, tag_thread);
}

/* --- the rest of the API ------------------------------------------------- */

void
at_history_search_set_engine (AtHistorySearch *self, AtApplication *app, AtEngine *engine)
{
  g_return_if_fail (AT_IS_HISTORY_SEARCH (self));
  g_return_if_fail (engine == NULL || AT_IS_APPLICATION (app));
  g_cancellable_cancel (self->searching);
  g_clear_object (&self->searching);
  g_cancellable_cancel (self->captioning);
  g_clear_object (&self->captioning);
  self->app = engine != NULL ? app : NULL;
  self->engine = engine;
  if (engine != NULL)
    search (self);
}

void
at_history_search_set_history (AtHistorySearch *self, GPtrArray *history)
{
  g_return_if_fail (AT_IS_HISTORY_SEARCH (self));
  self->history = history;
}

static gboolean
search_again (gpointer user_data)
{
  AtHistorySearch *self = user_data;
  self->again_id = 0;
  search (self);
  return G_SOURCE_REMOVE;
}

void
at_history_search_history_changed (AtHistorySearch *self)
{
  g_return_if_fail (AT_IS_HISTORY_SEARCH (self));
  /* once for a whole batch of added or removed images */
  if (self->again_id == 0 && (self->kind != QUERY_TEXT || gtk_editable_get_text (GTK_EDITABLE (self->entry))[0] != '\0'))
    self->again_id = g_idle_add (search_again, self);
}

void
at_history_search_set_text (AtHistorySearch *self, const char *text)
{
  g_return_if_fail (AT_IS_HISTORY_SEARCH (self));
  gtk_editable_set_text (GTK_EDITABLE (self->entry), text != NULL ? text : "");
  /* at once, not after the entry's typing pause */
  text_changed (self->entry, self);
}

void
at_history_search_more_like (AtHistorySearch *self, const AtHistoryItem *item)
{
  g_return_if_fail (AT_IS_HISTORY_SEARCH (self) && item != NULL);
  set_query (self, QUERY_IMAGE, at_image_copy (item->image), NULL, "Images like the one chosen (type to search by words)");
  search (self);
}

void
at_history_search_with_sketch (AtHistorySearch *self, AtImage *sketch)
{
  g_return_if_fail (AT_IS_HISTORY_SEARCH (self));
  if (sketch == NULL)
    {
      gtk_label_set_text (self->status, "Draw on the canvas first, then search with the sketch");
      return;
    }
  set_query (self, QUERY_SKETCH, sketch, NULL, "Images shaped like the sketch (type to search by words)");
  search (self);
}

void
at_history_search_with_voice (AtHistorySearch *self, AtAudio *voice)
{
  g_return_if_fail (AT_IS_HISTORY_SEARCH (self));
  if (voice == NULL)
    {
      gtk_label_set_text (self->status, "Record or open a voice clip first, then search with it");
      return;
    }
  set_query (self, QUERY_VOICE, NULL, voice, "Images that match the voice clip (type to search by words)");
  search (self);
}

gboolean
at_history_search_shows (AtHistorySearch *self, const AtHistoryItem *item)
{
  g_return_val_if_fail (AT_IS_HISTORY_SEARCH (self), TRUE);
  return self->ranking->len == 0 || g_hash_table_contains (self->shown, item);
}

GPtrArray *
at_history_search_get_ranking (AtHistorySearch *self)
{
  return self->ranking;
}

gboolean
at_history_search_is_busy (AtHistorySearch *self)
{
  return self->searching != NULL || self->captioning != NULL || self->again_id != 0;
}

const char *
at_history_search_get_status (AtHistorySearch *self)
{
  return gtk_label_get_text (self->status);
}

GtkWidget *
at_history_search_get_tags_label (AtHistorySearch *self)
{
  return GTK_WIDGET (self->tags);
}

AtSearchIndex *
at_history_search_copy_index (AtHistorySearch *self)
{
  return self->index != NULL ? at_search_index_copy (self->index) : NULL;
}

void
at_history_search_take_index (AtHistorySearch *self, AtSearchIndex *index)
{
  g_clear_pointer (&self->index, at_search_index_free);
  self->index = index;
}

static void
at_history_search_dispose (GObject *object)
{
  AtHistorySearch *self = AT_HISTORY_SEARCH (object);
  self->disposed = TRUE;
  g_clear_handle_id (&self->again_id, g_source_remove);
  g_cancellable_cancel (self->searching);
  g_clear_object (&self->searching);
  g_cancellable_cancel (self->captioning);
  g_clear_object (&self->captioning);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_object (&self->tags);
  G_OBJECT_CLASS (at_history_search_parent_class)->dispose (object);
}

static void
at_history_search_finalize (GObject *object)
{
  AtHistorySearch *self = AT_HISTORY_SEARCH (object);
  g_clear_pointer (&self->index, at_search_index_free);
  g_clear_pointer (&self->picture, at_image_free);
  g_clear_pointer (&self->voice, at_audio_free);
  g_ptr_array_unref (self->ranking);
  g_hash_table_unref (self->shown);
  G_OBJECT_CLASS (at_history_search_parent_class)->finalize (object);
}

static void
at_history_search_class_init (AtHistorySearchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = at_history_search_dispose;
  object_class->finalize = at_history_search_finalize;
  signals[RESULTS_CHANGED] = g_signal_new ("results-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                           NULL, NULL, NULL, G_TYPE_NONE, 0);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "historysearch");
}

static GtkWidget *
query_button (const char *icon, const char *label, const char *action)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  return button;
}

static void
at_history_search_init (AtHistorySearch *self)
{
  self->ranking = g_ptr_array_new ();
  self->shown = g_hash_table_new (NULL, NULL);
  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
  self->entry = GTK_SEARCH_ENTRY (gtk_search_entry_new ());
  g_object_set (self->entry, "placeholder-text", SEARCH_PLACEHOLDER, NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->entry), GTK_ACCESSIBLE_PROPERTY_LABEL, "Search the History", -1);
  g_signal_connect (self->entry, "search-changed", G_CALLBACK (text_changed), self);
  g_signal_connect (self->entry, "stop-search", G_CALLBACK (stop_search), self);
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  gtk_widget_set_hexpand (GTK_WIDGET (self->entry), TRUE);
  gtk_box_append (GTK_BOX (row), GTK_WIDGET (self->entry));
  gtk_box_append (GTK_BOX (row), query_button ("document-edit-symbolic", "Search with the Sketch", "history-search.sketch"));
  gtk_box_append (GTK_BOX (row), query_button ("audio-input-microphone-symbolic", "Search with the Voice Clip",
                                               "history-search.voice"));
  gtk_box_append (GTK_BOX (self->box), row);
  self->status = GTK_LABEL (gtk_label_new (""));
  gtk_label_set_xalign (self->status, 0.0f);
  gtk_label_set_wrap (self->status, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->status), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (self->status), "caption");
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->status));
  self->tags = GTK_LABEL (g_object_ref_sink (gtk_label_new ("")));
  gtk_label_set_xalign (self->tags, 0.0f);
  gtk_label_set_wrap (self->tags, TRUE);
  gtk_label_set_selectable (self->tags, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->tags), "dim-label");
}

GtkWidget *
at_history_search_new (void)
{
  return g_object_new (AT_TYPE_HISTORY_SEARCH, NULL);
}
