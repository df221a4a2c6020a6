/* webp.c — WebP encoding through libwebp and libwebpmux. */
#define G_LOG_DOMAIN "atelier-media"

#include <string.h>

#include <webp/encode.h>
#include <webp/mux.h>

#include "media/webp.h"

static char *
xmp_packet (const char *parameters)
{
  g_autofree char *escaped = g_markup_escape_text (parameters, -1);
  return g_strdup_printf ("<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF "
                          "xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description "
                          "xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:description>%s</dc:description>"
                          "</rdf:Description></rdf:RDF></x:xmpmeta>",
                          escaped);
}

/* The bare bitstream (RIFF/WEBP with one image) as libwebp encodes it. */
static GBytes *
encode_pixels (const AtImage *img, int quality, GError **error)
{
  g_autoptr (AtImage) rgb = img->channels == 1 ? at_image_convert (img, 3) : NULL;
  const AtImage *src = rgb != NULL ? rgb : img;
  int stride = src->width * src->channels;
  uint8_t *out = NULL;
  size_t n;
  if (src->channels == 4)
    n = quality == AT_WEBP_LOSSLESS ? WebPEncodeLosslessRGBA (src->pixels, src->width, src->height, stride, &out)
                                    : WebPEncodeRGBA (src->pixels, src->width, src->height, stride, quality, &out);
  else
    n = quality == AT_WEBP_LOSSLESS ? WebPEncodeLosslessRGB (src->pixels, src->width, src->height, stride, &out)
                                    : WebPEncodeRGB (src->pixels, src->width, src->height, stride, quality, &out);
  if (n == 0)
    {
      WebPFree (out);
      g_set_error (error, AT_IMAGE_ERROR, AT_IMAGE_ERROR_WRITE, "libwebp could not encode the %u × %u image",
                   src->width, src->height);
      return NULL;
    }
  GBytes *bytes = g_bytes_new (out, n);
  WebPFree (out);
  return bytes;
}

/* The bitstream with an XMP chunk added (which makes it an extended,
 * VP8X, file). */
static GBytes *
add_xmp (GBytes *bitstream, const char *parameters, GError **error)
{
  g_autofree char *xmp = xmp_packet (parameters);
  WebPData image = { g_bytes_get_data (bitstream, NULL), g_bytes_get_size (bitstream) };
  WebPData chunk = { (const uint8_t *) xmp, strlen (xmp) };
  WebPData assembled = { NULL, 0 };
  WebPMux *mux = WebPMuxCreate (&image, 0);
  gboolean ok = mux != NULL && WebPMuxSetChunk (mux, "XMP ", &chunk, 1) == WEBP_MUX_OK &&
                WebPMuxAssemble (mux, &assembled) == WEBP_MUX_OK;
  WebPMuxDelete (mux);
  if (!ok)
    {
      WebPDataClear (&assembled);
      g_set_error_literal (error, AT_IMAGE_ERROR, AT_IMAGE_ERROR_WRITE, "libwebpmux could not add the parameters");
      return NULL;
    }
  GBytes *bytes = g_bytes_new (assembled.bytes, assembled.size);
  WebPDataClear (&assembled);
  return bytes;
}

GBytes *
at_webp_encode (const AtImage *img, int quality, const char *parameters, GError **error)
{
  g_return_val_if_fail (img != NULL, NULL);
  g_return_val_if_fail (quality == AT_WEBP_LOSSLESS || (quality >= 0 && quality <= 100), NULL);
  g_autoptr (GBytes) bitstream = encode_pixels (img, quality, error);
  if (bitstream == NULL || parameters == NULL)
    return g_steal_pointer (&bitstream);
  return add_xmp (bitstream, parameters, error);
}

gboolean
at_image_save_webp (const AtImage *img, const char *path, int quality, const char *parameters, GError **error)
{
  g_return_val_if_fail (img != NULL && path != NULL, FALSE);
  g_autoptr (GBytes) bytes = at_webp_encode (img, quality, parameters, error);
  if (bytes == NULL)
    return FALSE;
  /* CONSISTENT: a temporary file beside path, fsynced, renamed over it */
  if (!g_file_set_contents_full (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0644, error))
    return g_prefix_error (error, "Could not save the WebP image: "), FALSE;
  return TRUE;
}
