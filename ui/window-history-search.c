/* window-history-search.c — the search field above the History gallery and
 * the tags under it (ui/history-search.h), wired to the window: the
 * gallery shows only a search's best matches, "More Like This" in a tile's
 * menu searches with its image, restoring an image shows its tags. */
#define G_LOG_DOMAIN "atelier-ui"

#include "ui/window-private.h"

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
  g_autoptr (GSimpleAction) like = g_simple_action_new ("more-like", G_VARIANT_TYPE_UINT32);
  g_signal_connect (like, "activate", G_CALLBACK (more_like), self);
  g_action_map_add_action (G_ACTION_MAP (group), G_ACTION (like));
  gtk_widget_insert_action_group (GTK_WIDGET (self), "history-search", G_ACTION_GROUP (group));
}

AtHistorySearch *
at_window_get_history_search (AtWindow *self)
{
  g_return_val_if_fail (AT_IS_WINDOW (self), NULL);
  return self->history_search;
}
