/* window-prompt.c — the prompt field shows which words the built-in model
 * reads: a word it does not know is underlined with a tooltip, words past
 * its limit are struck through, and a line under the field names both, so
 * that nothing typed is dropped in silence. The tokenizer's own rules
 * decide (at_tokenizer_split()), British spellings included. */
#define G_LOG_DOMAIN "atelier-ui"

#include "ui/window-private.h"

#define TAG_UNKNOWN "unknown-word"
#define TAG_CUT "cut-word"

static void
tag_word (GtkTextBuffer *buffer, const char *text, const AtTokenizerWord *w, const char *tag)
{
  GtkTextIter start, end;
  gtk_text_buffer_get_iter_at_offset (buffer, &start, (int) g_utf8_pointer_to_offset (text, text + w->start));
  gtk_text_buffer_get_iter_at_offset (buffer, &end, (int) g_utf8_pointer_to_offset (text, text + w->end));
  gtk_text_buffer_apply_tag_by_name (buffer, tag, &start, &end);
}

void
_at_window_check_prompt (AtWindow *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->prompt_view);
  GtkTextIter start, end;
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_text_buffer_remove_tag_by_name (buffer, TAG_UNKNOWN, &start, &end);
  gtk_text_buffer_remove_tag_by_name (buffer, TAG_CUT, &start, &end);
  AtTokenizer *tok = self->engine != NULL ? at_engine_get_tokenizer (self->engine) : NULL;
  g_autofree char *text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  g_autofree char *note = tok != NULL ? at_tokenizer_describe (tok, text) : NULL;
  gtk_label_set_text (self->prompt_note, note != NULL ? note : "");
  gtk_widget_set_visible (GTK_WIDGET (self->prompt_note), note != NULL);
  if (note == NULL)
    return;
  g_autoptr (GArray) words = at_tokenizer_split (tok, text);
  for (guint i = 0; i < words->len; i++)
    {
      const AtTokenizerWord *w = &g_array_index (words, AtTokenizerWord, i);
      if (!w->kept)
        tag_word (buffer, text, w, TAG_CUT);
      else if (!w->known)
        tag_word (buffer, text, w, TAG_UNKNOWN);
    }
}

static gboolean
on_query_tooltip (GtkWidget *widget, int x, int y, gboolean keyboard, GtkTooltip *tooltip, AtWindow *self)
{
  GtkTextView *view = GTK_TEXT_VIEW (widget);
  int bx, by;
  gtk_text_view_window_to_buffer_coords (view, GTK_TEXT_WINDOW_WIDGET, x, y, &bx, &by);
  GtkTextIter iter;
  if (!gtk_text_view_get_iter_at_location (view, &iter, bx, by))
    return FALSE;
  GtkTextTagTable *table = gtk_text_buffer_get_tag_table (gtk_text_view_get_buffer (view));
  if (gtk_text_iter_has_tag (&iter, gtk_text_tag_table_lookup (table, TAG_UNKNOWN)))
    gtk_tooltip_set_text (tooltip, "Not known to the built-in model: it leaves this word out");
  else if (gtk_text_iter_has_tag (&iter, gtk_text_tag_table_lookup (table, TAG_CUT)))
    gtk_tooltip_set_text (tooltip, "Past the words the built-in model reads: left out");
  else
    return FALSE;
  return TRUE;
}

void
_at_window_prompt_init (AtWindow *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->prompt_view);
  gtk_text_buffer_create_tag (buffer, TAG_UNKNOWN, "underline", PANGO_UNDERLINE_ERROR, NULL);
  gtk_text_buffer_create_tag (buffer, TAG_CUT, "strikethrough", TRUE, "foreground-rgba",
                              &(GdkRGBA) { 0.5, 0.5, 0.5, 1 }, NULL);
  g_signal_connect_swapped (buffer, "changed", G_CALLBACK (_at_window_check_prompt), self);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self->prompt_view), TRUE);
  g_signal_connect (self->prompt_view, "query-tooltip", G_CALLBACK (on_query_tooltip), self);
}
