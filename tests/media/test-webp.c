/* test-webp.c — WebP files decoded back by libwebp's own decoder: lossless
 * keeps every pixel, lossy stays close (PSNR), the parameters come back
 * from the XMP chunk through libwebpdemux and an XML parser. */
#include <math.h>
#include <string.h>

#include <webp/decode.h>
#include <webp/demux.h>

#include "asset-fixture.h"
#include "test-util.h"
#include "media/webp.h"

/* The file at path decoded to RGBA. */
static AtImage *
decode (const char *path)
{
  g_autoptr (GBytes) bytes = test_read_bytes (path);
  gsize n;
  const guint8 *data = g_bytes_get_data (bytes, &n);
  int w = 0, h = 0;
  guint8 *rgba = WebPDecodeRGBA (data, n, &w, &h);
  g_assert_nonnull (rgba);
  AtImage *img = at_image_new (w, h, 4);
  memcpy (img->pixels, rgba, (gsize) w * h * 4);
  WebPFree (rgba);
  return img;
}

static void
test_lossless_rgba (void)
{
  g_autoptr (AtImage) img = asset_fixture_fish (200, TRUE, 5);
  g_autofree char *path = test_tmp_path ("fish.webp");
  g_autoptr (GError) error = NULL;
  g_assert_true (at_image_save_webp (img, path, AT_WEBP_LOSSLESS, NULL, &error));
  g_assert_no_error (error);
  g_autoptr (AtImage) back = decode (path);
  g_assert_cmpuint (back->width, ==, 200);
  g_assert_cmpuint (back->height, ==, 200);
  for (gsize i = 0; i < 200 * 200; i++)
    {
      const guint8 *a = img->pixels + i * 4, *b = back->pixels + i * 4;
      g_assert_cmpuint (a[3], ==, b[3]);
      /* the colour of a fully transparent pixel is not kept */
      if (a[3] > 0)
        g_assert_cmpmem (a, 3, b, 3);
    }
}

static void
test_lossy_rgb (void)
{
  g_autoptr (AtImage) img = asset_fixture_fish (160, FALSE, 3);
  g_autofree char *path = test_tmp_path ("fish-lossy.webp");
  g_autoptr (GError) error = NULL;
  g_assert_true (at_image_save_webp (img, path, 90, NULL, &error));
  g_autoptr (AtImage) back = decode (path);
  double se = 0;
  for (gsize i = 0; i < 160 * 160; i++)
    {
      g_assert_cmpuint (back->pixels[i * 4 + 3], ==, 255);
      for (int c = 0; c < 3; c++)
        {
          double d = (double) img->pixels[i * 3 + c] - back->pixels[i * 4 + c];
          se += d * d;
        }
    }
  double psnr = 10 * log10 (255.0 * 255.0 / (se / (160 * 160 * 3)));
  g_test_message ("lossy q90: PSNR %.1f dB", psnr);
  g_assert_cmpfloat (psnr, >, 30.0);
}

static void
xmp_text (GMarkupParseContext *ctx, const char *text, gsize len, gpointer data, GError **error)
{
  if (g_strcmp0 (g_markup_parse_context_get_element (ctx), "dc:description") == 0)
    g_string_append_len (data, text, len);
}

static void
test_parameters_in_xmp (void)
{
  const char *parameters = "orange fish & <friends>\nSteps: 8, Seed: 3, Size: 256x256, Background: transparent";
  g_autoptr (AtImage) img = asset_fixture_fish (64, TRUE, 0);
  g_autofree char *path = test_tmp_path ("fish-xmp.webp");
  g_autoptr (GError) error = NULL;
  g_assert_true (at_image_save_webp (img, path, AT_WEBP_LOSSLESS, parameters, &error));
  g_autoptr (GBytes) bytes = test_read_bytes (path);
  WebPData data = { g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes) };
  WebPDemuxer *demux = WebPDemux (&data);
  g_assert_nonnull (demux);
  g_assert_true (WebPDemuxGetI (demux, WEBP_FF_FORMAT_FLAGS) & XMP_FLAG);
  WebPChunkIterator it;
  g_assert_true (WebPDemuxGetChunk (demux, "XMP ", 1, &it));
  g_autofree char *xmp = g_strndup ((const char *) it.chunk.bytes, it.chunk.size);
  WebPDemuxReleaseChunkIterator (&it);
  WebPDemuxDelete (demux);
  GString *text = g_string_new (NULL);
  GMarkupParser parser = { NULL, NULL, xmp_text, NULL, NULL };
  GMarkupParseContext *ctx = g_markup_parse_context_new (&parser, 0, text, NULL);
  g_assert_true (g_markup_parse_context_parse (ctx, xmp, -1, &error));
  g_assert_no_error (error);
  g_markup_parse_context_free (ctx);
  g_assert_cmpstr (text->str, ==, parameters);
  g_string_free (text, TRUE);
  /* the pixels are still there */
  g_autoptr (AtImage) back = decode (path);
  g_assert_cmpuint (back->width, ==, 64);
}

/* A failed save leaves the existing file as it was. */
static void
test_failed_save_keeps_file (void)
{
  g_autoptr (AtImage) img = asset_fixture_fish (48, TRUE, 0);
  g_autofree char *path = test_tmp_path ("keep.webp");
  g_assert_true (at_image_save_webp (img, path, AT_WEBP_LOSSLESS, NULL, NULL));
  g_autoptr (GBytes) before = test_read_bytes (path);
  g_autofree char *bad = g_build_filename (path, "x.webp", NULL);
  g_autoptr (GError) error = NULL;
  g_assert_false (at_image_save_webp (img, bad, 80, NULL, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOTDIR);
  g_autoptr (GBytes) after = test_read_bytes (path);
  g_assert_true (g_bytes_equal (before, after));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/webp/lossless-rgba", test_lossless_rgba);
  g_test_add_func ("/webp/lossy-rgb", test_lossy_rgb);
  g_test_add_func ("/webp/parameters-in-xmp", test_parameters_in_xmp);
  g_test_add_func ("/webp/failed-save-keeps-file", test_failed_save_keeps_file);
  return g_test_run ();
}
