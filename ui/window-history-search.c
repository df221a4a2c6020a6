/* window-history-search.c — the search field above the History gallery and
 * the tags under it (ui/history-search.h), wired to the window: the
 * gallery shows only a search's best matches, "More Like This" in a tile's
 * menu searches with its image, the buttons beside the field with the
 * canvas's sketch or the voice clip; restoring an image shows its tags. */
#define G_LOG_DOMAIN "atelier-ui"

#include "ui/window-private.h"

/* The sketch as a search query: the model sees 64 px. */
#define SKETCH_SIDE 256

static gboolean
tile_shown (GtkFlowBoxChild *child, gpointer user_data)
{
  AtWindow *self = user_data;
  AtHistoryItem *item = g_object_get_data (G_OBJECT (gtk_flow_box_child_get_child (child)), "item");
  return item == NULL || at_history_search_shows (self->history_search, item);
}

static void
results_changed (AtHistorySearch *search, AtWindow *self)
{
  gtk_flow_box_invalidate_filter (self->history_box);
}

static void
more_like (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  AtWindow *self = user_data;
  guint index = g_variant_get_uint32 (parameter);
  if (index < self->history->len)
    at_history_search_more_like (self->history_search, g_ptr_array_index (self->history, index));
}

static void
search_sketch (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  AtWindow *self = user_data;
  AtImage *sketch = at_sketch_canvas_is_empty (self->canvas) ? NULL
                    : at_sketch_canvas_render_for_request (self->canvas, SKETCH_SIDE);
  at_history_search_with_sketch (self->history_search, sketch);
}

static void
search_voice (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  AtWindow *self = user_data;
  AtAudio *voice = self->voice != NULL ? at_audio_new_from (self->voice->samples, self->voice->n, self->voice->rate)
                                       : NULL;
  at_history_search_with_voice (self->history_search, voice);
}

void
_at_window_history_search_init (AtWindow *self)
{
  self->history_search = AT_HISTORY_SEARCH (at_history_search_new ());
  at_history_search_set_history (self->history_search, self->history);
  GtkWidget *gallery = GTK_WIDGET (self->history_box);
  GtkWidget *parent = gtk_widget_get_parent (gallery);
  gtk_widget_insert_before (GTK_WIDGET (self->history_search), parent, gallery);
  gtk_widget_insert_after (at_history_search_get_tags_label (self->history_search), parent, gallery);
  gtk_flow_box_set_filter_func (self->history_box, tile_shown, self, NULL);
  g_signal_connect (self->history_search, "results-changed", G_CALLBACK (results_changed), self);

  g_autoptr (GSimpleActionGroup) group = g_simple_action_group_new ();
  const GActionEntry entries[] = {
    { "more-like", more_like, "u", NULL, NULL, { 0 } },
    { "sketch", search_sketch, NULL, NULL, NULL, { 0 } },
    { "voice", search_voice, NULL, NULL, NULL, { 0 } },
  };
  g_action_map_add_action_entries (G_ACTION_MAP (group), entries, G_N_ELEMENTS (entries), self);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "history-search", G_ACTION_GROUP (group));
}

AtHistorySearch *
at_window_get_history_search (AtWindow *self)
{
  g_return_val_if_fail (AT_IS_WINDOW (self), NULL);
  return self->history_search;
}
