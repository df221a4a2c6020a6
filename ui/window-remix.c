/* window-remix.c — the Remix panel (ui/remix-panel.h) wired to the window:
 * under the History's tags, remixing the image last restored; its request
 * runs as a generation with the controls' settings (steps, guidance,
 * seed, count) and the History records it with the outlines it was drawn
 * over as its sketch, so restoring the result makes it again. */
#define G_LOG_DOMAIN "atelier-ui"

#include "ui/window-private.h"

static void
remixed (AtRemixPanel *panel, AtRequest *remix, AtWindow *self)
{
  if (self->engine == NULL)
    {
      _at_window_show_toast (self, "No engine to generate with; see the message at the top");
      return;
    }
  AtRequest *r = _at_window_build_controls_request (self);
  g_free (r->prompt);
  r->prompt = g_strdup (remix->prompt);
  r->sketch = remix->sketch != NULL ? at_image_copy (remix->sketch) : NULL;
  r->init = remix->init != NULL ? at_image_copy (remix->init) : NULL;
  g_autoptr (GError) error = NULL;
  if (!at_request_validate (r, &error))
    {
      _at_window_show_toast (self, error->message);
      at_request_free (r);
      return;
    }
  _at_window_run_request (self, r, FALSE);
  /* what made it: the outlines as an imported sketch, no strokes, no voice */
  _at_window_clear_run_inputs (self);
  self->run_inputs.strokes = at_stroke_list_new ();
  self->run_inputs.sketch_image = remix->sketch != NULL ? at_image_copy (remix->sketch) : NULL;
}

void
_at_window_remix_init (AtWindow *self)
{
  self->remix_panel = AT_REMIX_PANEL (at_remix_panel_new ());
  GtkWidget *tags = at_history_search_get_tags_label (self->history_search);
  gtk_widget_insert_after (GTK_WIDGET (self->remix_panel), gtk_widget_get_parent (tags), tags);
  g_signal_connect (self->remix_panel, "remixed", G_CALLBACK (remixed), self);
}

void
_at_window_remix_set_source (AtWindow *self, const AtHistoryItem *item)
{
  at_remix_panel_set_source (self->remix_panel, item != NULL ? item->image : NULL);
}

AtRemixPanel *
at_window_get_remix_panel (AtWindow *self)
{
  g_return_val_if_fail (AT_IS_WINDOW (self), NULL);
  return self->remix_panel;
}
