/* text-util.c — reading what the user typed in a text field. */
#define G_LOG_DOMAIN "atelier-ui"

#include "ui/text-util.h"

char *
at_text_buffer_dup_text (GtkTextBuffer *buffer)
{
  g_return_val_if_fail (GTK_IS_TEXT_BUFFER (buffer), NULL);
  GtkTextIter start, end;
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return g_strstrip (gtk_text_buffer_get_text (buffer, &start, &end, FALSE));
}
