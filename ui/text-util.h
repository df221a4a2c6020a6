/* text-util.h — reading what the user typed in a text field. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The buffer's whole text without leading or trailing white space; newly
 * allocated. */
char *at_text_buffer_dup_text (GtkTextBuffer *buffer);

G_END_DECLS
