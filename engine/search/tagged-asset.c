/* tagged-asset.c — PNG and SVG exports with their tags (tagged-asset.h). */
#define G_LOG_DOMAIN "atelier-engine"

#include "atelier-config.h"
#include "media/svg.h"
#include "search/tagged-asset.h"

static void
append_element (GString *s, const char *element, const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);
  g_string_append_printf (s, "<%s>%s</%s>", element, escaped, element);
}

char *
at_caption_to_xmp (const AtCaption *caption)
{
  g_return_val_if_fail (caption != NULL, NULL);
  GString *s = g_string_new ("<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
                             "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">"
                             "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">"
                             "<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
                             "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">");
  g_autofree char *text = g_markup_escape_text (caption->text, -1);
  g_string_append_printf (s, "%s</rdf:li></rdf:Alt></dc:description><dc:subject><rdf:Bag>", text);
  for (guint i = 0; caption->tags[i] != NULL; i++)
    append_element (s, "rdf:li", caption->tags[i]);
  g_string_append (s, "</rdf:Bag></dc:subject></rdf:Description></rdf:RDF></x:xmpmeta>\n"
                      "<?xpacket end=\"w\"?>");
  return g_string_free (s, FALSE);
}

/* The text chunks of a tagged PNG: parameters (when given), Software,
 * the caption as Description and the XMP packet *xmp (caller frees). */
static void
png_chunks (const char *parameters, const AtCaption *caption, const char *keys[5], const char *values[5], char **xmp)
{
  *xmp = at_caption_to_xmp (caption);
  guint n = 0;
  if (parameters != NULL)
    keys[n] = "parameters", values[n++] = parameters;
  keys[n] = "Software", values[n++] = "Atelier " AT_VERSION;
  keys[n] = "Description", values[n++] = caption->text;
  keys[n] = AT_XMP_PNG_KEY, values[n++] = *xmp;
  keys[n] = values[n] = NULL;
}

gboolean
at_caption_save_png (const AtImage *img, const char *path, const char *parameters, const AtCaption *caption,
                     GError **error)
{
  g_return_val_if_fail (img != NULL && path != NULL && caption != NULL, FALSE);
  g_autofree char *xmp = NULL;
  const char *keys[5], *values[5];
  png_chunks (parameters, caption, keys, values, &xmp);
  return at_image_save_png (img, path, keys, values, error);
}

gboolean
at_caption_write_png (const AtImage *img, AtAtomicFile *file, const char *parameters, const AtCaption *caption,
                      GError **error)
{
  g_return_val_if_fail (img != NULL && file != NULL && caption != NULL, FALSE);
  g_autofree char *xmp = NULL;
  const char *keys[5], *values[5];
  png_chunks (parameters, caption, keys, values, &xmp);
  return at_image_write_png (img, file, keys, values, error);
}

gboolean
at_caption_save_svg (const AtImage *img, const char *path, const char *parameters, const AtCaption *caption,
                     GError **error)
{
  g_return_val_if_fail (img != NULL && path != NULL && caption != NULL, FALSE);
  g_autofree char *description = g_strdup_printf ("%s%s%s", caption->text, parameters != NULL ? "\n" : "",
                                                  parameters != NULL ? parameters : "");
  AtSvgOptions options = { .parameters = description, .keywords = (const char *const *) caption->tags };
  return at_svg_save (img, path, &options, NULL, error);
}

gboolean
at_engine_save_tagged_asset (AtEngine *engine, const AtImage *img, AtAssetFormat format, const char *path,
                             const char *parameters, GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (engine != NULL && img != NULL && path != NULL, FALSE);
  if (format != AT_ASSET_PNG && format != AT_ASSET_SVG)
    return at_asset_save (img, format, path, parameters, NULL, cancellable, error);
  g_autoptr (AtCaption) caption = at_engine_caption_image (engine, img, AT_CAPTION_DEFAULT_OBJECTS, error);
  if (caption == NULL || g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  return format == AT_ASSET_PNG ? at_caption_save_png (img, path, parameters, caption, error)
                                : at_caption_save_svg (img, path, parameters, caption, error);
}
