/* png-tags.c — PNG text chunks and XMP words read back (png-tags.h). */
#include <stdio.h>
#include <string.h>

#include <png.h>

#include "png-tags.h"

/* Every text chunk of a PNG, key -> value, and which were iTXt. */
GHashTable *
test_png_texts (const char *path, GHashTable *itxt)
{
  FILE *f = fopen (path, "rb");
  g_assert_nonnull (f);
  png_structp png = png_create_read_struct (PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  png_infop info = png_create_info_struct (png);
  g_assert_cmpint (setjmp (png_jmpbuf (png)), ==, 0);
  png_init_io (png, f);
  png_read_png (png, info, PNG_TRANSFORM_IDENTITY, NULL);
  png_textp text = NULL;
  int n = png_get_text (png, info, &text, NULL);
  GHashTable *texts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (int i = 0; i < n; i++)
    {
      gsize len = text[i].compression >= PNG_ITXT_COMPRESSION_NONE ? text[i].itxt_length : text[i].text_length;
      g_hash_table_insert (texts, g_strdup (text[i].key), g_strndup (text[i].text, len));
      if (text[i].compression >= PNG_ITXT_COMPRESSION_NONE)
        g_hash_table_add (itxt, g_strdup (text[i].key));
    }
  png_destroy_read_struct (&png, &info, NULL);
  fclose (f);
  return texts;
}


static void
rdf_start (GMarkupParseContext *ctx, const char *name, const char **an, const char **av, gpointer data, GError **e)
{
  TestRdfWords *w = data;
  if (strcmp (name, "dc:subject") == 0)
    w->in_subject = TRUE;
  else if (strcmp (name, "dc:description") == 0)
    w->in_description = TRUE;
  else if (strcmp (name, "rdf:li") == 0 && w->in_subject)
    {
      w->in_li = TRUE;
      g_ptr_array_add (w->subjects, g_strdup (""));
    }
}

static void
rdf_end (GMarkupParseContext *ctx, const char *name, gpointer data, GError **e)
{
  TestRdfWords *w = data;
  if (strcmp (name, "dc:subject") == 0)
    w->in_subject = FALSE;
  else if (strcmp (name, "dc:description") == 0)
    w->in_description = FALSE;
  else if (strcmp (name, "rdf:li") == 0)
    w->in_li = FALSE;
}

static void
rdf_text (GMarkupParseContext *ctx, const char *text, gsize len, gpointer data, GError **e)
{
  TestRdfWords *w = data;
  if (w->in_li && w->in_subject)
    {
      char *old = w->subjects->pdata[w->subjects->len - 1];
      w->subjects->pdata[w->subjects->len - 1] = g_strconcat (old, text, NULL);
      g_free (old);
    }
  else if (w->in_description)
    g_string_append_len (w->description, text, len);
}

void
test_parse_rdf (const char *xml, TestRdfWords *w)
{
  static const GMarkupParser parser = { rdf_start, rdf_end, rdf_text, NULL, NULL };
  w->subjects = g_ptr_array_new_with_free_func (g_free);
  w->description = g_string_new (NULL);
  g_autoptr (GMarkupParseContext) ctx = g_markup_parse_context_new (&parser, 0, w, NULL);
  g_autoptr (GError) error = NULL;
  if (g_markup_parse_context_parse (ctx, xml, -1, &error))
    g_markup_parse_context_end_parse (ctx, &error);
  g_assert_no_error (error);
  g_ptr_array_add (w->subjects, NULL);
}

void
test_rdf_words_clear (TestRdfWords *w)
{
  g_ptr_array_unref (w->subjects);
  g_string_free (w->description, TRUE);
}
