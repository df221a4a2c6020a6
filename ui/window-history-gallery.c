/* window-history-gallery.c — the History gallery as a designer manages it.
 *
 * Each image is a tile (newest first) with a star: starred images are the
 * favourites, kept in the project. A click restores an image
 * (window-history.c) and selects it; Ctrl+click and Shift+click select
 * several, and
 * Delete (the key or the trash button) removes the selection at once, with
 * Undo in the toast that says so, as GNOME's Files does: no question first.
 * The same settings, seed and inputs twice make the same image, so a run
 * that makes one already in the History adds no second copy.
 *
 * Live mode keeps one item per live session: each live result replaces the
 * live result before it, until the designer stars it, presses Generate or
 * turns Live off; that one stays. A "Live" filter would still fill the
 * project file with every intermediate image (each with its sketch), most
 * a moment apart; a star is how to keep one met on the way.
 *
 * The window owns the AtHistoryItems; each tile and its star point at
 * theirs. Deleted items wait in the deletions for Undo.
 */
#define G_LOG_DOMAIN "atelier-ui"

#include "ui/image-util.h"
#include "ui/window-private.h"

/* Deletions kept for Undo, the oldest dropped first. */
#define MAX_DELETIONS 16
#define THUMBNAIL_SIDE 56

typedef struct {
  GPtrArray *items;   /* AtHistoryItem*, owned, in the History's order */
  GArray *indices;    /* guint: where each stood */
} Deletion;

static void
deletion_free (Deletion *d)
{
  g_ptr_array_unref (d->items);
  g_array_unref (d->indices);
  g_free (d);
}

/* --- tiles ------------------------------------------------------------------ */

static GtkFlowBoxChild *
child_at (AtWindow *self, guint index)
{
  /* the gallery shows the newest first */
  return gtk_flow_box_get_child_at_index (self->history_box, self->history->len - 1 - index);
}

static AtHistoryItem *
child_item (GtkFlowBoxChild *child)
{
  return g_object_get_data (G_OBJECT (gtk_flow_box_child_get_child (child)), "item");
}

static void
show_star (GtkToggleButton *star)
{
  gboolean on = gtk_toggle_button_get_active (star);
  const char *what = on ? "Remove from Favourites" : "Add to Favourites";
  gtk_button_set_icon_name (GTK_BUTTON (star), on ? "starred-symbolic" : "non-starred-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (star), what);
  gtk_accessible_update_property (GTK_ACCESSIBLE (star), GTK_ACCESSIBLE_PROPERTY_LABEL, what, -1);
}

static void update_actions (AtWindow *self);

static void
star_toggled (GtkToggleButton *star, AtWindow *self)
{
  AtHistoryItem *item = g_object_get_data (G_OBJECT (star), "item");
  item->favourite = gtk_toggle_button_get_active (star);
  /* a starred live result stays */
  if (item->favourite)
    g_ptr_array_remove (self->gallery.live_items, item);
  show_star (star);
  update_actions (self);
  _at_window_update_dirty (self);
}

static void tile_pressed (GtkGestureClick *click, int n_press, double x, double y, AtWindow *self);
static void tile_released (GtkGestureClick *click, int n_press, double x, double y, AtWindow *self);

static GtkWidget *
new_tile (AtWindow *self, AtHistoryItem *item)
{
  GtkWidget *tile = gtk_overlay_new ();
  gtk_overlay_set_child (GTK_OVERLAY (tile), at_thumbnail_new (item->image, THUMBNAIL_SIDE));
  gtk_widget_add_css_class (tile, "history-tile");

  GtkWidget *star = gtk_toggle_button_new ();
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (star), item->favourite);
  gtk_widget_add_css_class (star, "flat");
  gtk_widget_add_css_class (star, "circular");
  gtk_widget_add_css_class (star, "history-star");
  gtk_widget_set_halign (star, GTK_ALIGN_END);
  gtk_widget_set_valign (star, GTK_ALIGN_START);
  show_star (GTK_TOGGLE_BUTTON (star));
  g_object_set_data (G_OBJECT (star), "item", item);
  g_signal_connect (star, "toggled", G_CALLBACK (star_toggled), self);
  gtk_overlay_add_overlay (GTK_OVERLAY (tile), star);
  if (item->live)
    {
      GtkWidget *badge = gtk_label_new ("Live");
      gtk_widget_add_css_class (badge, "history-live");
      gtk_widget_set_halign (badge, GTK_ALIGN_START);
      gtk_widget_set_valign (badge, GTK_ALIGN_END);
      gtk_widget_set_can_target (badge, FALSE);
      gtk_overlay_add_overlay (GTK_OVERLAY (tile), badge);
    }

  g_autofree char *tip = g_strdup_printf ("%s%s", item->live ? "Live result\n" : "",
                                          item->parameters != NULL ? item->parameters : "");
  gtk_widget_set_tooltip_text (tile, tip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (tile), GTK_ACCESSIBLE_PROPERTY_LABEL, tip, -1);
  g_object_set_data (G_OBJECT (tile), "item", item);
  GtkGesture *click = gtk_gesture_click_new ();
  g_signal_connect (click, "pressed", G_CALLBACK (tile_pressed), self);
  g_signal_connect (click, "released", G_CALLBACK (tile_released), self);
  gtk_widget_add_controller (tile, GTK_EVENT_CONTROLLER (click));
  _at_window_add_history_menu (self, tile);
  return tile;
}

/* The tile of the item at index of the History, among the tiles of the
 * items before and after it. */
static void
insert_tile (AtWindow *self, AtHistoryItem *item, guint index)
{
  guint n_tiles = 0;
  for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (self->history_box)); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    n_tiles++;
  GtkWidget *tile = new_tile (self, item);
  gtk_flow_box_insert (self->history_box, tile, (int) (n_tiles - index));
  GtkWidget *child = gtk_widget_get_parent (tile);
  gtk_widget_set_tooltip_text (child, gtk_widget_get_tooltip_text (tile));
  gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  gtk_widget_get_tooltip_text (tile), -1);
  at_history_search_history_changed (self->history_search);
}

static void
append_item (AtWindow *self, AtHistoryItem *item)
{
  g_ptr_array_add (self->history, item);
  insert_tile (self, item, self->history->len - 1);
}

/* Takes the item at index out of the History and the gallery. */
static AtHistoryItem *
steal_item (AtWindow *self, guint index)
{
  gtk_flow_box_remove (self->history_box, GTK_WIDGET (child_at (self, index)));
  AtHistoryItem *item = g_ptr_array_steal_index (self->history, index);
  g_ptr_array_remove (self->gallery.live_items, item);
  at_history_search_history_changed (self->history_search);
  return item;
}

GtkWidget *
at_window_get_history_tile (AtWindow *self, guint i)
{
  g_return_val_if_fail (AT_IS_WINDOW (self), NULL);
  g_return_val_if_fail (i < self->history->len, NULL);
  return gtk_flow_box_child_get_child (child_at (self, i));
}

void
at_window_activate_history (AtWindow *self, guint i)
{
  g_return_if_fail (AT_IS_WINDOW (self));
  g_return_if_fail (i < self->history->len);
  g_signal_emit_by_name (self->history_box, "child-activated", child_at (self, i));
}

/* Enter or Space on a tile, as the flow box calls activation. */
static void
child_activated (GtkFlowBox *box, GtkFlowBoxChild *child, AtWindow *self)
{
  _at_window_restore_history_item (self, child_item (child));
}

/* The flow box activates on a single click only by selecting nothing but
 * that tile, Ctrl or not; so the tile restores on a plain click itself and
 * leaves Ctrl+click and Shift+click to the flow box's selection. */
static void
tile_pressed (GtkGestureClick *click, int n_press, double x, double y, AtWindow *self)
{
  /* a double click is no second restore */
  if (n_press > 1)
    gtk_gesture_set_state (GTK_GESTURE (click), GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
tile_released (GtkGestureClick *click, int n_press, double x, double y, AtWindow *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (click));
  if (n_press != 1 || (state & (GDK_CONTROL_MASK | GDK_SHIFT_MASK)) != 0)
    return;
  GtkWidget *tile = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (click));
  _at_window_restore_history_item (self, g_object_get_data (G_OBJECT (tile), "item"));
}

/* --- what joins the History ----------------------------------------------- */

static AtHistoryItem *
find_duplicate (AtWindow *self, const AtHistoryItem *item)
{
  for (guint i = 0; i < self->history->len; i++)
    {
      AtHistoryItem *old = g_ptr_array_index (self->history, i);
      if (at_history_item_is_duplicate (old, item))
        return old;
    }
  return NULL;
}

/* The live session's items, but for those in keep, leave the History. */
static void
drop_live_items (AtWindow *self, GPtrArray *keep)
{
  g_autoptr (GPtrArray) going = g_ptr_array_copy (self->gallery.live_items, NULL, NULL);
  for (guint i = 0; i < going->len; i++)
    {
      AtHistoryItem *item = g_ptr_array_index (going, i);
      guint index;
      if (g_ptr_array_find (keep, item, NULL) || !g_ptr_array_find (self->history, item, &index))
        continue;
      at_history_item_free (steal_item (self, index));
    }
  g_ptr_array_set_size (self->gallery.live_items, 0);
}

void
_at_window_history_add (AtWindow *self, GPtrArray *made, gboolean live)
{
  /* the images in the History already: found there, not added again */
  g_autoptr (GPtrArray) found = g_ptr_array_new ();
  g_autoptr (GPtrArray) fresh = g_ptr_array_new ();
  for (guint i = 0; i < made->len; i++)
    {
      AtHistoryItem *item = g_ptr_array_index (made, i), *old = find_duplicate (self, item);
      if (old != NULL)
        g_ptr_array_add (found, old);
      else
        {
          g_ptr_array_add (fresh, item);
          made->pdata[i] = NULL;   /* the History's now; made frees the rest */
        }
    }
  /* the session's items made again stay, and stay the session's */
  g_autoptr (GPtrArray) again = g_ptr_array_new ();
  for (guint i = 0; live && i < found->len; i++)
    if (g_ptr_array_find (self->gallery.live_items, found->pdata[i], NULL))
      g_ptr_array_add (again, found->pdata[i]);
  if (live)
    drop_live_items (self, found);
  g_ptr_array_set_size (self->gallery.live_items, 0);   /* Generate keeps the last live result */
  g_ptr_array_extend (self->gallery.live_items, again, NULL, NULL);
  for (guint i = 0; i < fresh->len; i++)
    {
      append_item (self, fresh->pdata[i]);
      if (live)
        g_ptr_array_add (self->gallery.live_items, fresh->pdata[i]);
    }
  if (!live && found->len > 0)
    _at_window_show_toast (self, fresh->len == 0
                                   ? "Already in History: the same settings, seed and sketch made this image before"
                                   : "Some of these images were in History already; only the new ones were added");
  update_actions (self);
}

void
_at_window_history_rebuild (AtWindow *self)
{
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->history_box))) != NULL)
    gtk_flow_box_remove (self->history_box, child);
  /* another project: nothing of the last one comes back */
  g_ptr_array_set_size (self->gallery.live_items, 0);
  g_ptr_array_set_size (self->gallery.deletions, 0);
  for (guint i = 0; i < self->history->len; i++)
    insert_tile (self, g_ptr_array_index (self->history, i), i);
  update_actions (self);
}

/* --- deleting, and Undo --------------------------------------------------- */

static gint
compare_guint (gconstpointer a, gconstpointer b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;
  return x < y ? -1 : x > y;
}

static void
show_undo_toast (AtWindow *self, guint n)
{
  g_autofree char *text = n == 1 ? g_strdup ("Deleted 1 image from History")
                                 : g_strdup_printf ("Deleted %u images from History", n);
  g_free (self->last_toast);
  self->last_toast = g_strdup (text);
  AdwToast *toast = adw_toast_new (text);
  adw_toast_set_button_label (toast, "_Undo");
  adw_toast_set_action_name (toast, "history.undo-delete");
  /* the newest deletion's toast at once: its Undo is the one the latest
   * deletion takes back */
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_set_timeout (toast, 10);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
_at_window_history_delete (AtWindow *self, const guint *indices, guint n)
{
  g_autoptr (GArray) order = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; i < n; i++)
    if (indices[i] < self->history->len)
      g_array_append_val (order, indices[i]);
  g_array_sort (order, compare_guint);
  for (guint k = order->len; k-- > 1;)
    if (g_array_index (order, guint, k) == g_array_index (order, guint, k - 1))
      g_array_remove_index (order, k);
  if (order->len == 0)
    return;
  Deletion *d = g_new0 (Deletion, 1);
  d->items = g_ptr_array_new_full (order->len, (GDestroyNotify) at_history_item_free);
  g_ptr_array_set_size (d->items, order->len);
  d->indices = g_steal_pointer (&order);
  /* from the last, so that the indices before stay true */
  for (guint k = d->indices->len; k-- > 0;)
    d->items->pdata[k] = steal_item (self, g_array_index (d->indices, guint, k));
  g_ptr_array_add (self->gallery.deletions, d);
  if (self->gallery.deletions->len > MAX_DELETIONS)
    g_ptr_array_remove_index (self->gallery.deletions, 0);
  show_undo_toast (self, d->items->len);
  update_actions (self);
  _at_window_update_dirty (self);
}

void
_at_window_history_undo_delete (AtWindow *self)
{
  if (self->gallery.deletions->len == 0)
    return;
  Deletion *d = g_ptr_array_steal_index (self->gallery.deletions, self->gallery.deletions->len - 1);
  /* in order, each back where it stood (or at the end, if the History has
   * shrunk since) */
  for (guint k = 0; k < d->items->len; k++)
    {
      guint index = MIN (g_array_index (d->indices, guint, k), self->history->len);
      AtHistoryItem *item = d->items->pdata[k];
      d->items->pdata[k] = NULL;   /* the History's again */
      g_ptr_array_insert (self->history, (int) index, item);
      insert_tile (self, item, index);
    }
  deletion_free (d);
  update_actions (self);
  _at_window_update_dirty (self);
}

static void
delete_selected (AtWindow *self)
{
  g_autoptr (GArray) indices = g_array_new (FALSE, FALSE, sizeof (guint));
  GList *selected = gtk_flow_box_get_selected_children (self->history_box);
  for (GList *l = selected; l != NULL; l = l->next)
    {
      guint index;
      if (g_ptr_array_find (self->history, child_item (l->data), &index))
        g_array_append_val (indices, index);
    }
  g_list_free (selected);
  _at_window_history_delete (self, (const guint *) indices->data, indices->len);
}

/* --- actions ("history.*") -------------------------------------------------- */

static gboolean
any_favourite (AtWindow *self)
{
  for (guint i = 0; i < self->history->len; i++)
    if (((AtHistoryItem *) g_ptr_array_index (self->history, i))->favourite)
      return TRUE;
  return FALSE;
}

static void
enable (AtWindow *self, const char *name, gboolean enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self->gallery.actions), name);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

static void
update_actions (AtWindow *self)
{
  /* the flow box may tell of its selection while the window goes */
  if (self->gallery.actions == NULL)
    return;
  GList *selected = gtk_flow_box_get_selected_children (self->history_box);
  enable (self, "delete-selected", selected != NULL);
  g_list_free (selected);
  enable (self, "undo-delete", self->gallery.deletions->len > 0);
  enable (self, "export-all", self->history->len > 0);
  enable (self, "export-favourites", any_favourite (self));
}

static void
on_action (GSimpleAction *action, GVariant *param, gpointer data)
{
  AtWindow *self = data;
  const char *name = g_action_get_name (G_ACTION (action));
  if (g_str_equal (name, "delete-selected"))
    delete_selected (self);
  else if (g_str_equal (name, "delete-item"))
    {
      guint index = g_variant_get_uint32 (param);
      _at_window_history_delete (self, &index, 1);
    }
  else if (g_str_equal (name, "undo-delete"))
    _at_window_history_undo_delete (self);
  else if (g_str_equal (name, "export-all"))
    _at_window_choose_history_folder (self, FALSE);
  else if (g_str_equal (name, "export-favourites"))
    _at_window_choose_history_folder (self, TRUE);
}

static void
add_actions (AtWindow *self)
{
  static const GActionEntry entries[] = {
    { "delete-selected", on_action, NULL, NULL, NULL, { 0 } },
    { "delete-item", on_action, "u", NULL, NULL, { 0 } },
    { "undo-delete", on_action, NULL, NULL, NULL, { 0 } },
    { "export-all", on_action, NULL, NULL, NULL, { 0 } },
    { "export-favourites", on_action, NULL, NULL, NULL, { 0 } },
  };
  self->gallery.actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->gallery.actions), entries, G_N_ELEMENTS (entries), self);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "history", G_ACTION_GROUP (self->gallery.actions));
}

/* The trash button and the menu with the exports, beside the title. */
static void
add_header_buttons (AtWindow *self)
{
  GtkWidget *group = gtk_widget_get_ancestor (GTK_WIDGET (self->history_box), ADW_TYPE_PREFERENCES_GROUP);
  g_return_if_fail (group != NULL);
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         "Click an image to restore it; Ctrl+click to select several");
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *trash = gtk_button_new_from_icon_name ("user-trash-symbolic");
  gtk_widget_add_css_class (trash, "flat");
  gtk_widget_set_tooltip_text (trash, "Delete Selected Images (Delete)");
  gtk_accessible_update_property (GTK_ACCESSIBLE (trash), GTK_ACCESSIBLE_PROPERTY_LABEL, "Delete Selected Images", -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (trash), "history.delete-selected");
  gtk_box_append (GTK_BOX (box), trash);

  g_autoptr (GMenu) menu = g_menu_new ();
  g_menu_append (menu, "Export _All…", "history.export-all");
  g_menu_append (menu, "Export _Favourites…", "history.export-favourites");
  GtkWidget *more = gtk_menu_button_new ();
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (more), "view-more-symbolic");
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (more), G_MENU_MODEL (menu));
  gtk_widget_add_css_class (more, "flat");
  gtk_widget_set_tooltip_text (more, "History Actions");
  gtk_accessible_update_property (GTK_ACCESSIBLE (more), GTK_ACCESSIBLE_PROPERTY_LABEL, "History Actions", -1);
  gtk_box_append (GTK_BOX (box), more);
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), box);
}

/* Turning Live off ends its session: its last result stays. */
static void
live_toggled (GtkToggleButton *button, AtWindow *self)
{
  if (!gtk_toggle_button_get_active (button))
    g_ptr_array_set_size (self->gallery.live_items, 0);
}

void
_at_window_history_gallery_init (AtWindow *self)
{
  self->gallery.deletions = g_ptr_array_new_with_free_func ((GDestroyNotify) deletion_free);
  self->gallery.live_items = g_ptr_array_new ();
  add_actions (self);
  add_header_buttons (self);
  _at_window_history_search_init (self);
  _at_window_remix_init (self);
  gtk_flow_box_set_selection_mode (self->history_box, GTK_SELECTION_MULTIPLE);
  gtk_flow_box_set_activate_on_single_click (self->history_box, FALSE);
  g_signal_connect (self->history_box, "child-activated", G_CALLBACK (child_activated), self);
  g_signal_connect_swapped (self->history_box, "selected-children-changed", G_CALLBACK (update_actions), self);
  GtkEventController *keys = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (keys),
                                        gtk_shortcut_new (gtk_shortcut_trigger_parse_string ("Delete|KP_Delete"),
                                                          gtk_named_action_new ("history.delete-selected")));
  gtk_widget_add_controller (GTK_WIDGET (self->history_box), keys);
  g_signal_connect (self->live_button, "toggled", G_CALLBACK (live_toggled), self);
}

void
_at_window_history_gallery_dispose (AtWindow *self)
{
  if (self->gallery.exporting != NULL)
    g_cancellable_cancel (self->gallery.exporting);
  g_clear_object (&self->gallery.exporting);
  g_clear_object (&self->gallery.actions);
  g_clear_pointer (&self->gallery.deletions, g_ptr_array_unref);
  g_clear_pointer (&self->gallery.live_items, g_ptr_array_unref);
}
