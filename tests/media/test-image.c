/* test-image.c — AtImage conversions and resampling against plain
 * references, and PNG files against independent implementations.
 *
 * Loading: tests/data/png/ holds one file per PNG colour type and bit depth
 * (tools/golden/make_png_fixtures.py; PIL and a hand-written encoder), with
 * pixels from formulas repeated below. Saving: what we write is read back by
 * PIL (/usr/bin/python3 with python3-pil, both in tools/install-deps.sh) to
 * check that the pixels and the "parameters" tEXt chunk are standard.
 *
 * Resampling is compared with a direct two-dimensional evaluation of the
 * same filters (a box as exact area overlap, bilinear as a triangle) in
 * double precision: within 1 level after rounding.
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "test-util.h"
#include "media/image.h"

/* ---- the fixture formulas, as in make_png_fixtures.py ---- */

static guint sample8 (guint x, guint y, guint c) { return (x * 37 + y * 71 + c * 101 + 13) % 256; }
static guint sample16 (guint x, guint y, guint c) { return (x * 9973 + y * 15013 + c * 21011 + 777) % 65536; }
static guint sample_low (guint x, guint y, guint bits) { return (x + 2 * y) % (1u << bits); }
static guint palette_index (guint x, guint y) { return (x * 3 + y * 5) % 16; }
static guint palette_alpha (guint i) { return (i * 17) % 256; }
/* 16 to 8 bits, rounded to nearest. */
static guint scale16 (guint v) { return (v * 255 + 32767) / 65535; }

static guint
palette_rgb (guint i, guint c)
{
  guint rgb[3] = { (i * 16 + 3) % 256, (i * 47) % 256, (255 - i * 9) % 256 };
  return rgb[c];
}

static char *
png_fixture (const char *name)
{
  return test_source_path ("tests", "data", "png", name, NULL);
}

static guint
dir_n_files (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

static AtImage *
random_image (guint width, guint height, guint channels, guint32 seed)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
  AtImage *img = at_image_new (width, height, channels);
  for (gsize i = 0; i < at_image_get_nbytes (img); i++)
    img->pixels[i] = g_rand_int_range (rand, 0, 256);
  return img;
}

static void
assert_same_image (const AtImage *a, const AtImage *b)
{
  g_assert_cmpuint (a->width, ==, b->width);
  g_assert_cmpuint (a->height, ==, b->height);
  g_assert_cmpuint (a->channels, ==, b->channels);
  g_assert_cmpmem (a->pixels, at_image_get_nbytes (a), b->pixels, at_image_get_nbytes (b));
}

/* ---- loading every colour type ---- */

typedef guint (*ExpectFunc) (guint x, guint y, guint c);

static guint e_gray8 (guint x, guint y, guint c) { return sample8 (x, y, 0); }
static guint e_gray_alpha8 (guint x, guint y, guint c) { return c < 3 ? sample8 (x, y, 0) : sample8 (x, y, 3); }
static guint e_rgb8 (guint x, guint y, guint c) { return sample8 (x, y, c); }
static guint e_palette (guint x, guint y, guint c) { return palette_rgb (palette_index (x, y), c); }
static guint
e_palette_trns (guint x, guint y, guint c)
{
  return c < 3 ? palette_rgb (palette_index (x, y), c) : palette_alpha (palette_index (x, y));
}
static guint e_gray16 (guint x, guint y, guint c) { return scale16 (sample16 (x, y, 0)); }
static guint e_rgb16 (guint x, guint y, guint c) { return scale16 (sample16 (x, y, c)); }
static guint
e_gray_alpha16 (guint x, guint y, guint c)
{
  return scale16 (sample16 (x, y, c < 3 ? 0 : 3));
}
static guint e_gray1 (guint x, guint y, guint c) { return sample_low (x, y, 1) * 255; }
static guint e_gray2 (guint x, guint y, guint c) { return sample_low (x, y, 2) * 85; }
static guint e_gray4 (guint x, guint y, guint c) { return sample_low (x, y, 4) * 17; }
static guint
e_gray8_trns (guint x, guint y, guint c)
{
  if (c < 3)
    return sample8 (x, y, 0);
  return sample8 (x, y, 0) == sample8 (1, 1, 0) ? 0 : 255;
}
static guint
e_rgb8_trns (guint x, guint y, guint c)
{
  if (c < 3)
    return sample8 (x, y, c);
  gboolean key = TRUE;
  for (guint k = 0; k < 3; k++)
    key = key && sample8 (x, y, k) == sample8 (2, 3, k);
  return key ? 0 : 255;
}

static const struct {
  const char *file;
  guint width, height, channels;
  ExpectFunc expect;
} color_types[] = {
  { "gray8.png", 7, 5, 1, e_gray8 },
  { "gray-alpha8.png", 7, 5, 4, e_gray_alpha8 },
  { "rgb8.png", 7, 5, 3, e_rgb8 },
  { "rgba8.png", 7, 5, 4, e_rgb8 },
  { "palette8.png", 7, 5, 3, e_palette },
  { "palette8-trns.png", 7, 5, 4, e_palette_trns },
  { "palette4.png", 7, 5, 3, e_palette },
  { "gray16.png", 7, 5, 1, e_gray16 },
  { "rgb16.png", 7, 5, 3, e_rgb16 },
  { "rgba16.png", 7, 5, 4, e_rgb16 },
  { "gray-alpha16.png", 7, 5, 4, e_gray_alpha16 },
  { "gray1.png", 7, 5, 1, e_gray1 },
  { "gray2.png", 7, 5, 1, e_gray2 },
  { "gray4.png", 7, 5, 1, e_gray4 },
  { "gray8-trns.png", 7, 5, 4, e_gray8_trns },
  { "rgb8-trns.png", 7, 5, 4, e_rgb8_trns },
  { "rgb8-adam7.png", 9, 10, 3, e_rgb8 },
  { "text-chunks.png", 7, 5, 1, e_gray8 },
};

static void
test_load_color_types (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (color_types); i++)
    {
      g_autofree char *path = png_fixture (color_types[i].file);
      g_autoptr (GError) error = NULL;
      g_autoptr (AtImage) img = at_image_load (path, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (img->width, ==, color_types[i].width);
      g_assert_cmpuint (img->height, ==, color_types[i].height);
      if (img->channels != color_types[i].channels)
        g_error ("%s: %u channels, want %u", color_types[i].file, img->channels, color_types[i].channels);
      for (guint y = 0; y < img->height; y++)
        for (guint x = 0; x < img->width; x++)
          for (guint c = 0; c < img->channels; c++)
            {
              guint got = img->pixels[((gsize) y * img->width + x) * img->channels + c];
              guint want = color_types[i].expect (x, y, c);
              if (got != want)
                g_error ("%s: pixel (%u, %u) channel %u is %u, want %u", color_types[i].file, x, y, c, got, want);
            }
    }
}

static void
test_read_text_chunks (void)
{
  g_autofree char *path = png_fixture ("text-chunks.png");
  g_autoptr (GError) error = NULL;
  /* tEXt after the pixels, Latin-1 converted to UTF-8 */
  g_autofree char *parameters = at_image_read_png_text (path, "parameters", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (parameters, ==, "red apple\nSteps: 20, Seed: 42, caf\u00e9");
  /* zTXt before */
  g_autofree char *comment = at_image_read_png_text (path, "Comment", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (comment, ==, "compressed caf\u00e9");
  /* iTXt before, and compressed iTXt after */
  g_autofree char *title = at_image_read_png_text (path, "Title", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (title, ==, "pomme rouge \u2014 \u82f9\u679c");
  g_autofree char *description = at_image_read_png_text (path, "Description", &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (description, "zipped \u2713 xxx"));
  g_assert_cmpuint (strlen (description), ==, strlen ("zipped \u2713 ") + 200);

  g_assert_null (at_image_read_png_text (path, "Author", &error));
  g_assert_error (error, AT_IMAGE_ERROR, AT_IMAGE_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "'Author'"));
  g_clear_error (&error);
  g_assert_null (at_image_read_png_text (path, "", &error));
  g_assert_error (error, AT_IMAGE_ERROR, AT_IMAGE_ERROR_INVALID_ARGUMENT);
}

/* ---- refusing what is not a usable PNG ---- */

static void
test_reject_formats (TestScratch *s, gconstpointer unused)
{
  static const struct { const char *magic; gsize len; const char *expect; } cases[] = {
    { "\xff\xd8\xff\xe0\0\x10JFIF\0", 11, "is a JPEG image; Atelier reads PNG images only" },
    { "GIF89a\x01\0\x01\0", 10, "is a GIF image" },
    { "RIFF\x24\0\0\0WEBPVP8 ", 16, "is a WebP image" },
    { "BM\x36\0\0\0\0\0\0\0\x36\0", 12, "is a BMP image" },
    { "II*\0\x08\0\0\0", 8, "is a TIFF image" },
    { "hello, world\n", 13, "is not a PNG image" },
    { "", 0, "is empty" },
    { "\x89PNG\r", 5, "truncated" },
  };
  g_autofree char *path = g_build_filename (s->dir, "picture.png", NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      test_write_bytes (path, cases[i].magic, cases[i].len);
      g_autoptr (GError) error = NULL;
      g_assert_null (at_image_load (path, &error));
      g_assert_nonnull (error);
      g_assert_true (error->domain == AT_IMAGE_ERROR);
      if (strstr (error->message, cases[i].expect) == NULL || strstr (error->message, "picture.png") == NULL)
        g_error ("message \"%s\" lacks \"%s\"", error->message, cases[i].expect);
    }

  g_autofree char *missing = g_build_filename (s->dir, "missing.png", NULL);
  g_autoptr (GError) error = NULL;
  g_assert_null (at_image_load (missing, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_clear_error (&error);

  g_autofree char *huge = png_fixture ("huge-dimensions.png");
  g_assert_null (at_image_load (huge, &error));
  g_assert_error (error, AT_IMAGE_ERROR, AT_IMAGE_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "100000 × 100000"));
}

static void
test_truncated_and_corrupt (TestScratch *s, gconstpointer unused)
{
  g_autofree char *fixture = png_fixture ("rgb8-adam7.png");
  g_autoptr (GBytes) bytes = test_read_bytes (fixture);
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  g_autofree char *path = g_build_filename (s->dir, "cut.png", NULL);
  for (gsize len = 1; len < size; len++)
    {
      test_write_bytes (path, data, len);
      g_autoptr (GError) error = NULL;
      g_assert_null (at_image_load (path, &error));
      g_assert_error (error, AT_IMAGE_ERROR, AT_IMAGE_ERROR_CORRUPT);
      if (strstr (error->message, "truncated") == NULL)
        g_error ("cut at %zu: \"%s\"", len, error->message);
    }

  /* A flipped bit in the pixel data breaks IDAT's checksum. */
  g_autofree guint8 *copy = g_memdup2 (data, size);
  const guint8 *idat = memmem (copy, size, "IDAT", 4);
  g_assert_nonnull (idat);
  copy[idat - copy + 10] ^= 0x10;
  test_write_bytes (path, copy, size);
  g_autoptr (GError) error = NULL;
  g_assert_null (at_image_load (path, &error));
  g_assert_error (error, AT_IMAGE_ERROR, AT_IMAGE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "damaged PNG"));
  g_assert_nonnull (strstr (error->message, "IDAT"));
  g_clear_error (&error);

  /* A damaged checksum of the header chunk. */
  memcpy (copy, data, size);
  copy[8 + 4 + 4 + 13] ^= 0x01;
  test_write_bytes (path, copy, size);
  g_assert_null (at_image_load (path, &error));
  g_assert_error (error, AT_IMAGE_ERROR, AT_IMAGE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "IHDR: CRC error"));
}

/* Random damage anywhere in two files: load and text lookup either work
 * or fail with a GError. */
static void
test_fuzz (TestScratch *s, gconstpointer unused)
{
  const char *fixtures[] = { "text-chunks.png", "palette8-trns.png", "rgba16.png" };
  g_autofree char *path = g_build_filename (s->dir, "fuzz.png", NULL);
  g_autoptr (GRand) rand = g_rand_new_with_seed (77);
  guint loaded = 0, refused = 0;
  for (gsize f = 0; f < G_N_ELEMENTS (fixtures); f++)
    {
      g_autofree char *fixture = png_fixture (fixtures[f]);
      g_autoptr (GBytes) bytes = test_read_bytes (fixture);
      gsize size;
      const guint8 *original = g_bytes_get_data (bytes, &size);
      g_autofree guint8 *data = g_malloc (size);
      for (int iter = 0; iter < 150; iter++)
        {
          memcpy (data, original, size);
          int flips = g_rand_int_range (rand, 1, 4);
          for (int k = 0; k < flips; k++)
            data[g_rand_int_range (rand, 8, (gint32) size)] ^= 1u << g_rand_int_range (rand, 0, 8);
          test_write_bytes (path, data, size);
          g_autoptr (GError) error = NULL;
          g_autoptr (AtImage) img = at_image_load (path, &error);
          g_assert_true ((img == NULL) != (error == NULL));
          if (img != NULL)
            loaded++;
          else
            {
              g_assert_true (error->domain == AT_IMAGE_ERROR);
              refused++;
            }
          g_clear_error (&error);
          g_autofree char *text = at_image_read_png_text (path, "parameters", &error);
          g_assert_true ((text == NULL) != (error == NULL));
        }
    }
  g_test_message ("fuzz: %u damaged files loaded (ancillary damage), %u refused", loaded, refused);
  g_assert_cmpuint (refused, >, 0);
}

/* ---- saving ---- */

static const char *python_reader =
  "import json, struct, sys\n"
  "from PIL import Image\n"
  "im = Image.open(sys.argv[1]); im.load()\n"
  "raw = open(sys.argv[1], 'rb').read(); chunks = []; i = 8\n"
  "while i < len(raw):\n"
  "    n = struct.unpack('>I', raw[i:i + 4])[0]; chunks.append(raw[i + 4:i + 8].decode('latin-1')); i += 12 + n\n"
  "print(json.dumps({'mode': im.mode, 'size': list(im.size), 'text': im.text, 'chunks': chunks,\n"
  "                  'pixels': im.tobytes().hex()}))\n";

/* PIL's view of the file at path, as a JSON object. */
static JsonObject *
read_with_pil (const char *path)
{
  const char *python = g_file_test ("/usr/bin/python3", G_FILE_TEST_IS_EXECUTABLE) ? "/usr/bin/python3" : "python3";
  const char *argv[] = { python, "-c", python_reader, path, NULL };
  g_autofree char *out = NULL, *err = NULL;
  int status = 0;
  g_autoptr (GError) error = NULL;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("PIL could not read %s (python3-pil is installed by tools/install-deps.sh): %s", path, err);
  g_autoptr (JsonParser) parser = json_parser_new ();
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
assert_pil_pixels (JsonObject *pil, const AtImage *img)
{
  g_autofree char *hex = g_malloc (at_image_get_nbytes (img) * 2 + 1);
  for (gsize i = 0; i < at_image_get_nbytes (img); i++)
    g_snprintf (hex + 2 * i, 3, "%02x", img->pixels[i]);
  g_assert_cmpstr (json_object_get_string_member (pil, "pixels"), ==, hex);
  JsonArray *size = json_object_get_array_member (pil, "size");
  g_assert_cmpint (json_array_get_int_element (size, 0), ==, img->width);
  g_assert_cmpint (json_array_get_int_element (size, 1), ==, img->height);
}

#define A1111_PARAMETERS \
  "red apple, studio light\n" \
  "Negative prompt: blurry\n" \
  "Steps: 20, Sampler: Euler a, CFG scale: 7.5, Seed: 1234, Size: 64x64, Model: atelier-model"

static void
test_save_round_trip (TestScratch *s, gconstpointer unused)
{
  g_autoptr (AtImage) img = random_image (13, 9, 4, 5);
  g_autofree char *path = g_build_filename (s->dir, "out.png", NULL);
  const char *keys[] = { "parameters", "Software", "Title", NULL };
  const char *values[] = { A1111_PARAMETERS, "Atelier caf\u00e9", "\u82f9\u679c \u2713", NULL };
  g_autoptr (GError) error = NULL;
  g_assert_true (at_image_save_png (img, path, keys, values, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (dir_n_files (s->dir), ==, 1);   /* no temporary left */

  g_autoptr (AtImage) back = at_image_load (path, &error);
  g_assert_no_error (error);
  assert_same_image (img, back);
  for (int i = 0; keys[i] != NULL; i++)
    {
      g_autofree char *value = at_image_read_png_text (path, keys[i], &error);
      g_assert_no_error (error);
      g_assert_cmpstr (value, ==, values[i]);
    }

  /* PIL: same pixels, same text; Latin-1 values in tEXt (where
   * AUTOMATIC1111 readers look), the rest in iTXt, all before IDAT. */
  g_autoptr (JsonObject) pil = read_with_pil (path);
  g_assert_cmpstr (json_object_get_string_member (pil, "mode"), ==, "RGBA");
  assert_pil_pixels (pil, img);
  JsonObject *text = json_object_get_object_member (pil, "text");
  for (int i = 0; keys[i] != NULL; i++)
    g_assert_cmpstr (json_object_get_string_member (text, keys[i]), ==, values[i]);
  JsonArray *chunks = json_object_get_array_member (pil, "chunks");
  GString *order = g_string_new (NULL);
  for (guint i = 0; i < json_array_get_length (chunks); i++)
    {
      const char *chunk = json_array_get_string_element (chunks, i);
      if (order->len == 0 || !g_str_has_suffix (order->str, chunk))
        g_string_append_printf (order, "%s%s", order->len ? " " : "", chunk);
    }
  g_autofree char *order_str = g_string_free (order, FALSE);
  g_assert_cmpstr (order_str, ==, "IHDR tEXt iTXt IDAT IEND");

  /* Gray and RGB too. */
  for (guint channels = 1; channels <= 3; channels += 2)
    {
      g_autoptr (AtImage) small = random_image (5, 3, channels, 6 + channels);
      g_assert_true (at_image_save_png (small, path, NULL, NULL, &error));
      g_assert_no_error (error);
      g_autoptr (AtImage) small_back = at_image_load (path, &error);
      g_assert_no_error (error);
      assert_same_image (small, small_back);
      g_autoptr (JsonObject) pil_small = read_with_pil (path);
      g_assert_cmpstr (json_object_get_string_member (pil_small, "mode"), ==, channels == 1 ? "L" : "RGB");
      assert_pil_pixels (pil_small, small);
    }
}

static void
test_save_failures_keep_file (TestScratch *s, gconstpointer unused)
{
  g_autofree char *path = g_build_filename (s->dir, "keep.png", NULL);
  g_autoptr (AtImage) old_img = random_image (8, 8, 3, 11);
  g_autoptr (GError) error = NULL;
  const char *keys[] = { "parameters", NULL };
  const char *values[] = { "old", NULL };
  g_assert_true (at_image_save_png (old_img, path, keys, values, &error));
  g_assert_no_error (error);
  g_autoptr (GBytes) old_bytes = test_read_bytes (path);

  /* Noise does not compress: this needs far more than 4 KiB. */
  g_autoptr (AtImage) big = random_image (256, 256, 3, 12);

  /* 1. A folder that does not exist. */
  g_autofree char *nowhere = g_build_filename (s->dir, "no-such-dir", "keep.png", NULL);
  g_assert_false (at_image_save_png (big, nowhere, NULL, NULL, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_assert_nonnull (strstr (error->message, "keep.png"));
  g_clear_error (&error);

  /* 2. The disk "fills up" halfway through: a file size limit makes the
   * write fail after 4 KiB (root included). */
  struct rlimit saved_limit;
  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &saved_limit), ==, 0);
  struct rlimit small = saved_limit;
  small.rlim_cur = 4096;
  void (*saved_handler) (int) = signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &small), ==, 0);
  gboolean ok = at_image_save_png (big, path, NULL, NULL, &error);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &saved_limit), ==, 0);
  signal (SIGXFSZ, saved_handler);
  g_assert_false (ok);
  g_assert_nonnull (error);
  g_test_message ("write failure: %s", error->message);
  g_assert_nonnull (strstr (error->message, g_strerror (EFBIG)));
  g_clear_error (&error);
  g_autoptr (GBytes) after_full = test_read_bytes (path);
  g_assert_true (g_bytes_equal (old_bytes, after_full));
  g_assert_cmpuint (dir_n_files (s->dir), ==, 1);

  /* 3. A read-only folder (meaningless for root, who may write anyway). */
  if (geteuid () != 0)
    {
      g_assert_cmpint (g_chmod (s->dir, 0500), ==, 0);
      g_assert_false (at_image_save_png (big, path, NULL, NULL, &error));
      g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_ACCES);
      g_clear_error (&error);
      g_assert_cmpint (g_chmod (s->dir, 0700), ==, 0);
    }

  /* 4. Text PNG cannot hold. */
  const char *bad_keys[][2] = { { "", NULL }, { " lead", NULL }, { "double  space", NULL },
                                { "k\u2713", NULL },
                                { "0123456789012345678901234567890123456789012345678901234567890123456789012345678x", NULL } };
  for (gsize i = 0; i < G_N_ELEMENTS (bad_keys); i++)
    {
      g_assert_false (at_image_save_png (big, path, bad_keys[i], values, &error));
      g_assert_error (error, AT_IMAGE_ERROR, AT_IMAGE_ERROR_INVALID_ARGUMENT);
      g_clear_error (&error);
    }

  g_autoptr (GBytes) after = test_read_bytes (path);
  g_assert_true (g_bytes_equal (old_bytes, after));
  g_assert_cmpuint (dir_n_files (s->dir), ==, 1);
  g_autofree char *text = at_image_read_png_text (path, "parameters", &error);
  g_assert_cmpstr (text, ==, "old");

  /* And a save that works replaces it, with the usual permissions. */
  g_assert_true (at_image_save_png (big, path, NULL, NULL, &error));
  g_assert_no_error (error);
  g_autoptr (AtImage) now = at_image_load (path, &error);
  g_assert_no_error (error);
  assert_same_image (big, now);
  mode_t mask = umask (022);
  umask (mask);
  GStatBuf st;
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0666 & ~mask);
}

/* ---- conversions ---- */

static void
test_float_round_trip (void)
{
  g_autoptr (AtImage) ramp = at_image_new (256, 1, 1);
  for (guint i = 0; i < 256; i++)
    ramp->pixels[i] = i;
  g_autofree float *f = at_image_to_chw_new (ramp);
  g_assert_cmpfloat (f[0], ==, -1.0f);
  g_assert_cmpfloat (f[255], ==, 1.0f);
  for (guint i = 0; i < 256; i++)
    g_assert_cmpfloat_with_epsilon (f[i], i / 127.5 - 1.0, 1e-6);
  g_autoptr (AtImage) back = at_image_new_from_chw (f, 1, 256, 1);
  assert_same_image (ramp, back);

  /* Planar layout: all of R, then G, then B. */
  g_autoptr (AtImage) rgb = random_image (5, 3, 3, 21);
  g_autofree float *chw = at_image_to_chw_new (rgb);
  for (guint y = 0; y < 3; y++)
    for (guint x = 0; x < 5; x++)
      for (guint c = 0; c < 3; c++)
        g_assert_cmpfloat (chw[c * 15 + y * 5 + x], ==, rgb->pixels[(y * 5 + x) * 3 + c] / 127.5f - 1.0f);
  g_autoptr (AtImage) rgb_back = at_image_new_from_chw (chw, 3, 5, 3);
  assert_same_image (rgb, rgb_back);

  /* Out of range, and NaN. */
  const float odd[] = { 2.0f, -3.0f, NAN, INFINITY, -INFINITY, 0.0f };
  g_autoptr (AtImage) clamped = at_image_new_from_chw (odd, 1, 6, 1);
  const guint8 want[] = { 255, 0, 0, 255, 0, 128 };
  g_assert_cmpmem (clamped->pixels, 6, want, 6);
}

static void
test_convert (void)
{
  g_autoptr (AtImage) rgba = random_image (17, 11, 4, 31);
  rgba->pixels[3] = 0;
  rgba->pixels[7] = 255;
  g_autoptr (AtImage) rgb = at_image_convert (rgba, 3);
  g_autoptr (AtImage) gray = at_image_to_gray (rgba);
  g_autoptr (AtImage) gray_from_rgb = at_image_to_gray (rgb);
  assert_same_image (gray, gray_from_rgb);
  for (gsize i = 0; i < 17 * 11; i++)
    {
      const guint8 *p = rgba->pixels + i * 4;
      double a = p[3] / 255.0, over[3];
      for (int c = 0; c < 3; c++)
        {
          over[c] = p[c] * a + 255 * (1 - a);
          g_assert_cmpfloat (fabs (rgb->pixels[i * 3 + c] - over[c]), <=, 0.5 + 1e-9);
        }
      double y = 0.299 * over[0] + 0.587 * over[1] + 0.114 * over[2];
      g_assert_cmpfloat (fabs (gray->pixels[i] - y), <=, 1.0);
    }
  /* Fully transparent is white paper; opaque keeps its colour. */
  g_assert_cmpuint (rgb->pixels[0], ==, 255);
  g_assert_cmpmem (rgb->pixels + 3, 3, rgba->pixels + 4, 3);

  g_autoptr (AtImage) gray_rgba = at_image_convert (gray, 4);
  g_autoptr (AtImage) gray_rgb = at_image_convert (gray, 3);
  for (gsize i = 0; i < 17 * 11; i++)
    {
      for (int c = 0; c < 3; c++)
        {
          g_assert_cmpuint (gray_rgba->pixels[i * 4 + c], ==, gray->pixels[i]);
          g_assert_cmpuint (gray_rgb->pixels[i * 3 + c], ==, gray->pixels[i]);
        }
      g_assert_cmpuint (gray_rgba->pixels[i * 4 + 3], ==, 255);
    }
  g_autoptr (AtImage) same = at_image_convert (rgba, 4);
  assert_same_image (rgba, same);
}

/* ---- resampling against a direct 2-D evaluation ---- */

/* Weight of source pixel j for output pixel i along one axis. */
static double
ref_weight (guint src, guint dst, AtImageFilter filter, guint i, guint j)
{
  double scale = (double) src / dst;
  if (dst < src)
    {
      double lo = MAX ((double) j, i * scale), hi = MIN (j + 1.0, (i + 1) * scale);
      return hi > lo ? (hi - lo) / scale : 0.0;
    }
  if (filter == AT_IMAGE_FILTER_NEAREST || dst == src)
    return j == MIN ((guint) floor ((i + 0.5) * scale), src - 1) ? 1.0 : 0.0;
  double centre = CLAMP ((i + 0.5) * scale - 0.5, 0.0, src - 1.0);
  return MAX (0.0, 1.0 - fabs (j - centre));
}

static void
check_resize (const AtImage *img, guint width, guint height, AtImageFilter filter)
{
  g_autoptr (AtImage) out = at_image_resize (img, width, height, filter);
  g_assert_cmpuint (out->width, ==, width);
  g_assert_cmpuint (out->height, ==, height);
  g_assert_cmpuint (out->channels, ==, img->channels);
  guint C = img->channels;
  for (guint Y = 0; Y < height; Y++)
    for (guint X = 0; X < width; X++)
      {
        double acc[4] = { 0 };
        for (guint y = 0; y < img->height; y++)
          for (guint x = 0; x < img->width; x++)
            {
              double w = ref_weight (img->width, width, filter, X, x) * ref_weight (img->height, height, filter, Y, y);
              if (w == 0)
                continue;
              const guint8 *p = img->pixels + ((gsize) y * img->width + x) * C;
              double a = C == 4 ? p[3] / 255.0 : 1.0;
              for (guint c = 0; c < C; c++)
                acc[c] += w * (C == 4 && c < 3 ? p[c] * a : p[c]);
            }
        for (guint c = 0; c < C; c++)
          {
            double want = acc[c];
            if (C == 4 && c < 3)
              want = acc[3] > 0 ? want / (acc[3] / 255.0) : 0.0;
            guint got = out->pixels[((gsize) Y * width + X) * C + c];
            if (fabs (got - want) > 1.0)
              g_error ("%ux%u -> %ux%u (%s): (%u, %u) channel %u is %u, want %.3f", img->width, img->height, width,
                       height, filter == AT_IMAGE_FILTER_NEAREST ? "nearest" : "bilinear", X, Y, c, got, want);
          }
      }
}

static void
test_resize (void)
{
  static const struct { guint sw, sh, dw, dh; } sizes[] = {
    { 8, 8, 4, 4 }, { 10, 7, 3, 5 }, { 5, 4, 13, 9 }, { 6, 6, 9, 3 }, { 1, 1, 4, 3 }, { 7, 5, 1, 1 },
    { 64, 48, 17, 31 }, { 3, 2, 3, 7 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (sizes); i++)
    for (guint channels = 1; channels <= 4; channels++)
      {
        if (channels == 2)
          continue;
        g_autoptr (AtImage) img = random_image (sizes[i].sw, sizes[i].sh, channels, 40 + i);
        check_resize (img, sizes[i].dw, sizes[i].dh, AT_IMAGE_FILTER_BILINEAR);
        check_resize (img, sizes[i].dw, sizes[i].dh, AT_IMAGE_FILTER_NEAREST);
      }

  /* Halving averages 2x2 blocks exactly (to rounding). */
  g_autoptr (AtImage) img = random_image (6, 4, 1, 50);
  g_autoptr (AtImage) half = at_image_resize (img, 3, 2, AT_IMAGE_FILTER_BILINEAR);
  for (guint y = 0; y < 2; y++)
    for (guint x = 0; x < 3; x++)
      {
        const guint8 *p = img->pixels;
        guint sum = p[(2 * y) * 6 + 2 * x] + p[(2 * y) * 6 + 2 * x + 1] + p[(2 * y + 1) * 6 + 2 * x] +
                    p[(2 * y + 1) * 6 + 2 * x + 1];
        g_assert_cmpuint (half->pixels[y * 3 + x], ==, (sum * 2 + 4) / 8);
      }

  /* Nearest doubling copies each pixel into a 2x2 block. */
  g_autoptr (AtImage) twice = at_image_resize (img, 12, 8, AT_IMAGE_FILTER_NEAREST);
  for (guint y = 0; y < 8; y++)
    for (guint x = 0; x < 12; x++)
      g_assert_cmpuint (twice->pixels[y * 12 + x], ==, img->pixels[(y / 2) * 6 + x / 2]);

  /* Transparent pixels' colour does not bleed: a transparent red
   * neighbour leaves opaque blue blue. */
  g_autoptr (AtImage) rgba = at_image_new (2, 1, 4);
  const guint8 px[] = { 255, 0, 0, 0, 0, 0, 255, 255 };
  memcpy (rgba->pixels, px, 8);
  g_autoptr (AtImage) one = at_image_resize (rgba, 1, 1, AT_IMAGE_FILTER_BILINEAR);
  const guint8 want[] = { 0, 0, 255, 128 };
  g_assert_cmpmem (one->pixels, 4, want, 4);

  g_autoptr (AtImage) same = at_image_resize (img, 6, 4, AT_IMAGE_FILTER_NEAREST);
  assert_same_image (img, same);
}

/* The reduced load's reference: each output pixel the average of the
 * source block it covers (edge blocks are smaller), colour weighted by
 * alpha, in double precision. */
static guint
block_average (const AtImage *img, guint factor, guint ox, guint oy, guint c)
{
  double sum = 0, weight = 0;
  for (guint y = oy * factor; y < MIN (img->height, (oy + 1) * factor); y++)
    for (guint x = ox * factor; x < MIN (img->width, (ox + 1) * factor); x++)
      {
        const guint8 *p = img->pixels + ((gsize) y * img->width + x) * img->channels;
        double w = img->channels == 4 && c != 3 ? p[3] : 1;
        sum += w * p[c];
        weight += w;
      }
  return weight > 0 ? (guint) lround (sum / weight) : 0;
}

static void
test_load_reduced (TestScratch *s, gconstpointer unused)
{
  static const struct { guint w, h, max_side, factor; } cases[] = {
    { 40, 24, 10, 4 }, { 37, 23, 10, 4 }, { 9, 30, 16, 2 }, { 33, 33, 11, 3 }, { 12, 8, 12, 1 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    for (guint channels = 1; channels <= 4; channels++)
      {
        if (channels == 2)
          continue;
        g_autoptr (AtImage) img = random_image (cases[i].w, cases[i].h, channels, 70 + i);
        g_autofree char *path = g_build_filename (s->dir, "big.png", NULL);
        g_autoptr (GError) error = NULL;
        g_assert_true (at_image_save_png (img, path, NULL, NULL, &error));
        g_autoptr (AtImage) small = at_image_load_reduced (path, cases[i].max_side, &error);
        g_assert_no_error (error);
        guint f = cases[i].factor;
        g_assert_cmpuint (small->width, ==, (cases[i].w + f - 1) / f);
        g_assert_cmpuint (small->height, ==, (cases[i].h + f - 1) / f);
        g_assert_cmpuint (small->channels, ==, channels);
        for (guint y = 0; y < small->height; y++)
          for (guint x = 0; x < small->width; x++)
            for (guint c = 0; c < channels; c++)
              {
                int got = small->pixels[((gsize) y * small->width + x) * channels + c];
                g_assert_cmpint (abs (got - (int) block_average (img, f, x, y, c)), <=, 1);
              }
        /* where the blocks divide the image, the same as at_image_resize */
        if (cases[i].w % f == 0 && cases[i].h % f == 0)
          {
            g_autoptr (AtImage) resized = at_image_resize (img, small->width, small->height, AT_IMAGE_FILTER_BILINEAR);
            for (gsize k = 0; k < at_image_get_nbytes (small); k++)
              g_assert_cmpint (abs ((int) small->pixels[k] - (int) resized->pixels[k]), <=, 1);
          }
      }

  /* An interlaced PNG is decoded whole, then reduced the same way. */
  g_autofree char *adam7 = png_fixture ("rgb8-adam7.png");
  g_autoptr (GError) error = NULL;
  g_autoptr (AtImage) full = at_image_load (adam7, &error);
  g_assert_no_error (error);
  guint side = MAX (full->width, full->height);
  g_autoptr (AtImage) reduced = at_image_load_reduced (adam7, side / 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (reduced->width, <=, side / 2);
  g_assert_cmpuint (reduced->height, <=, side / 2);

  /* Damaged files fail as at_image_load does. */
  g_autofree char *bad = g_build_filename (s->dir, "bad.png", NULL);
  g_assert_true (g_file_set_contents (bad, "\x89PNG\r\n\x1a\n", 8, NULL));
  g_assert_null (at_image_load_reduced (bad, 16, &error));
  g_assert_error (error, AT_IMAGE_ERROR, AT_IMAGE_ERROR_CORRUPT);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/image/load-color-types", test_load_color_types);
  g_test_add_func ("/image/read-text-chunks", test_read_text_chunks);
  g_test_add ("/image/reject-formats", TestScratch, NULL, test_scratch_setup, test_reject_formats, test_scratch_teardown);
  g_test_add ("/image/truncated-and-corrupt", TestScratch, NULL, test_scratch_setup, test_truncated_and_corrupt,
              test_scratch_teardown);
  g_test_add ("/image/fuzz", TestScratch, NULL, test_scratch_setup, test_fuzz, test_scratch_teardown);
  g_test_add ("/image/save-round-trip", TestScratch, NULL, test_scratch_setup, test_save_round_trip, test_scratch_teardown);
  g_test_add ("/image/save-failures-keep-file", TestScratch, NULL, test_scratch_setup, test_save_failures_keep_file,
              test_scratch_teardown);
  g_test_add_func ("/image/float-round-trip", test_float_round_trip);
  g_test_add_func ("/image/convert", test_convert);
  g_test_add_func ("/image/resize", test_resize);
  g_test_add ("/image/load-reduced", TestScratch, NULL, test_scratch_setup, test_load_reduced, test_scratch_teardown);
  return g_test_run ();
}
