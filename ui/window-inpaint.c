/* window-inpaint.c — the studio's side of masks: a painted mask makes
 * Generate repaint only that region of the image on show (or of the init
 * image), and a History item's menu offers "Regenerate Selection". The
 * mask itself lives in the sketch canvas (sketch-mask.c). */
#define G_LOG_DOMAIN "atelier-ui"

#include "ui/window-private.h"

/* The image a mask applies to: the init image if one is set, else the
 * result on show. */
static const AtImage *
masked_image (AtWindow *self)
{
  return self->init_image != NULL ? self->init_image : at_preview_get_image (self->preview);
}

void
_at_window_add_mask (AtWindow *self, AtRequest *r)
{
  const AtImage *base = masked_image (self);
  if (!at_sketch_canvas_has_mask (self->canvas) || base == NULL)
    return;
  if (r->init == NULL)
    {
      /* the result on show, redrawn where masked: all the way there */
      r->init = at_image_copy (base);
      r->strength = 1.0f;
    }
  r->mask = at_sketch_canvas_get_mask (self->canvas, r->init->width, r->init->height);
  r->mask_feather = (float) at_sketch_canvas_get_mask_feather (self->canvas);
}

/* With a mask tool the sheet shows the image the mask applies to. */
static void
tool_changed (AtSketchCanvas *canvas, GParamSpec *pspec, AtWindow *self)
{
  at_sketch_canvas_set_mask_backdrop (canvas, masked_image (self));
}

static void
regenerate_selection (GSimpleAction *action, GVariant *param, gpointer data)
{
  AtWindow *self = data;
  guint index = g_variant_get_uint32 (param);
  if (index >= self->history->len)
    return;
  AtHistoryItem *item = g_ptr_array_index (self->history, index);
  if (!at_sketch_canvas_has_mask (self->canvas))
    {
      at_sketch_canvas_set_tool (self->canvas, AT_SKETCH_TOOL_MASK_BRUSH);
      at_sketch_canvas_set_mask_backdrop (self->canvas, item->image);
      _at_window_show_toast (self, "Paint the region to regenerate with the mask brush or rectangle, then choose Regenerate Selection again");
      return;
    }
  /* its settings, a fresh seed, and the image itself as what to keep */
  at_window_activate_history (self, index);
  gtk_toggle_button_set_active (self->seed_lock, FALSE);
  _at_window_set_init_image (self, item->image);
  gtk_spin_button_set_value (self->strength_spin, 1.0);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.generate", NULL);
}

/* The History item's menu, on a right click or a long press. */
static void
show_item_menu (GtkWidget *button, AtWindow *self)
{
  AtHistoryItem *item = g_object_get_data (G_OBJECT (button), "item");
  guint index;
  if (item == NULL || !g_ptr_array_find (self->history, item, &index))
    return;
  g_autoptr (GMenu) menu = g_menu_new ();
  g_autoptr (GMenuItem) regenerate = g_menu_item_new ("Regenerate Selection", NULL);
  g_menu_item_set_action_and_target_value (regenerate, "inpaint.regenerate-selection", g_variant_new_uint32 (index));
  g_menu_append_item (menu, regenerate);
  g_autoptr (GMenuItem) like = g_menu_item_new ("More Like This", NULL);
  g_menu_item_set_action_and_target_value (like, "history-search.more-like", g_variant_new_uint32 (index));
  g_menu_append_item (menu, like);
  g_autoptr (GMenuItem) delete = g_menu_item_new ("Delete", NULL);
  g_menu_item_set_action_and_target_value (delete, "history.delete-item", g_variant_new_uint32 (index));
  g_menu_append_item (menu, delete);
  GtkWidget *popover = gtk_popover_menu_new_from_model (G_MENU_MODEL (menu));
  gtk_widget_set_parent (popover, button);
  g_signal_connect (popover, "closed", G_CALLBACK (gtk_widget_unparent), NULL);
  gtk_popover_popup (GTK_POPOVER (popover));
}

static void
item_right_clicked (GtkGestureClick *click, int n_press, double x, double y, AtWindow *self)
{
  show_item_menu (gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (click)), self);
}

static void
item_long_pressed (GtkGestureLongPress *press, double x, double y, AtWindow *self)
{
  show_item_menu (gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (press)), self);
}

void
_at_window_add_history_menu (AtWindow *self, GtkWidget *button)
{
  GtkGesture *click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect (click, "pressed", G_CALLBACK (item_right_clicked), self);
  gtk_widget_add_controller (button, GTK_EVENT_CONTROLLER (click));
  GtkGesture *press = gtk_gesture_long_press_new ();
  g_signal_connect (press, "pressed", G_CALLBACK (item_long_pressed), self);
  gtk_widget_add_controller (button, GTK_EVENT_CONTROLLER (press));
}

void
_at_window_inpaint_init (AtWindow *self)
{
  g_autoptr (GSimpleActionGroup) group = g_simple_action_group_new ();
  g_autoptr (GSimpleAction) regenerate = g_simple_action_new ("regenerate-selection", G_VARIANT_TYPE_UINT32);
  g_signal_connect (regenerate, "activate", G_CALLBACK (regenerate_selection), self);
  g_action_map_add_action (G_ACTION_MAP (group), G_ACTION (regenerate));
  gtk_widget_insert_action_group (GTK_WIDGET (self), "inpaint", G_ACTION_GROUP (group));
  g_signal_connect (self->canvas, "notify::tool", G_CALLBACK (tool_changed), self);
}
