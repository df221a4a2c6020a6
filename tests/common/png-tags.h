/* png-tags.h — what asset managers read from an image, read back for
 * tests: a PNG's text chunks by libpng (tEXt/iTXt), and the dc:subject
 * words and dc:description of an XMP packet or SVG <metadata> by GLib's
 * XML parser. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Every text chunk of a PNG, key -> value; the keys of iTXt chunks are
 * added to itxt. */
GHashTable *test_png_texts (const char *path, GHashTable *itxt);

/* The text of every rdf:li inside a dc:subject, and of dc:description's. */
typedef struct {
  GPtrArray *subjects;
  gboolean in_subject, in_description, in_li;
  GString *description;
} TestRdfWords;

void test_parse_rdf (const char *xml, TestRdfWords *w);
void test_rdf_words_clear (TestRdfWords *w);

G_END_DECLS
