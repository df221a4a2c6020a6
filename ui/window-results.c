/* window-results.c — the window's results: the image on show, the strip
 * of the last run's variants, and what a run adds to the History gallery
 * (window-history-gallery.c). */
#define G_LOG_DOMAIN "atelier-ui"

#include "ui/image-util.h"
#include "ui/window-private.h"

void
_at_window_show_image (AtWindow *self, const AtImage *img, const char *parameters)
{
  at_preview_set_image (self->preview, img);
  /* finished images only (they have parameters); progress previews pass by */
  if (parameters != NULL)
    _at_window_refine_preview (self);
  gtk_stack_set_visible_child_name (self->preview_stack, img != NULL ? "image" : "empty");
  g_free (self->current_parameters);
  self->current_parameters = g_strdup (parameters);
  _at_window_update_actions (self);
}

static GtkWidget *
thumbnail_button (const AtImage *img, const char *tooltip, int side)
{
  GtkWidget *button = gtk_button_new ();
  gtk_button_set_child (GTK_BUTTON (button), at_thumbnail_new (img, side));
  gtk_widget_add_css_class (button, "variant-button");
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  return button;
}

static void
select_variant (AtWindow *self, guint i)
{
  if (self->variants == NULL || i >= self->variants->len)
    return;
  self->current_variant = i;
  AtHistoryItem *item = g_ptr_array_index (self->variants, i);
  _at_window_show_image (self, item->image, item->parameters);
  guint k = 0;
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->variants_box)); child != NULL;
       child = gtk_widget_get_next_sibling (child), k++)
    {
      if (k == i)
        gtk_widget_add_css_class (child, "current");
      else
        gtk_widget_remove_css_class (child, "current");
    }
}

static void
variant_clicked (GtkButton *button, AtWindow *self)
{
  select_variant (self, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "variant")));
}

static void
set_variants (AtWindow *self, GPtrArray *variants)
{
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->variants_box))) != NULL)
    gtk_box_remove (self->variants_box, child);
  g_clear_pointer (&self->variants, g_ptr_array_unref);
  self->variants = variants;
  if (variants == NULL)
    {
      gtk_widget_set_visible (self->variants_scroller, FALSE);
      return;
    }
  for (guint i = 0; i < variants->len; i++)
    {
      AtHistoryItem *item = g_ptr_array_index (variants, i);
      g_autofree char *tip = g_strdup_printf ("Variant %u (seed %" G_GUINT64_FORMAT ")", i + 1, item->seed);
      GtkWidget *button = thumbnail_button (item->image, tip, 48);
      g_object_set_data (G_OBJECT (button), "variant", GUINT_TO_POINTER (i));
      g_signal_connect (button, "clicked", G_CALLBACK (variant_clicked), self);
      gtk_box_append (self->variants_box, button);
    }
  gtk_widget_set_visible (self->variants_scroller, variants->len > 1);
  select_variant (self, 0);
}

void
_at_window_add_results (AtWindow *self, const AtResult *res, const AtRequest *request)
{
  GPtrArray *variants = g_ptr_array_new_with_free_func ((GDestroyNotify) at_history_item_free);
  g_autoptr (GPtrArray) made = g_ptr_array_new_with_free_func ((GDestroyNotify) at_history_item_free);
  for (guint i = 0; i < res->images->len; i++)
    {
      AtHistoryItem *item = _at_window_history_item_new (self, res, i, request);
      g_ptr_array_add (variants, at_history_item_copy (item));
      g_ptr_array_add (made, item);
    }
  _at_window_history_add (self, made, self->run_inputs.live);
  set_variants (self, variants);
}

void
_at_window_show_history_item (AtWindow *self, const AtHistoryItem *item)
{
  set_variants (self, NULL);
  _at_window_show_image (self, item->image, item->parameters);
}

void
_at_window_show_last_variant (AtWindow *self)
{
  if (self->variants != NULL)
    select_variant (self, self->current_variant);
  else
    _at_window_show_image (self, NULL, NULL);
}

void
_at_window_show_history (AtWindow *self)
{
  _at_window_history_rebuild (self);
  set_variants (self, NULL);
  if (self->history->len > 0)
    {
      AtHistoryItem *last = g_ptr_array_index (self->history, self->history->len - 1);
      _at_window_show_image (self, last->image, last->parameters);
    }
  else
    _at_window_show_image (self, NULL, NULL);
}
