/* spelling.h — British spellings the built-in model knows under their
 * American form ("watercolour" → "watercolor"), as its training captions
 * were American. A table of common words, then the regular endings
 * (-our, -tre, -ise, -yse, -ogue); the tokenizer uses a result only when
 * its vocabulary holds it. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The American spellings word (lower case) may stand for, most likely
 * first; NULL-terminated, caller frees (g_strfreev). Empty for a word with
 * no British form. */
char **at_spelling_american (const char *word);

G_END_DECLS
