/* test-safetensors.c — the safetensors reader against files written by an
 * independent implementation, hand-made malformed files, and fuzzing.
 *
 * The fixtures in tests/data/safetensors/ come from
 * tools/golden/make_safetensors_fixtures.py, where PyTorch rounds values to
 * F16/BF16 and converts them back to F32 (the *_ref tensors): the reader's
 * conversion must match PyTorch bit for bit, NaN payloads included.
 *
 * Fuzzing is deterministic (fixed seeds): every truncation of both
 * fixtures, and a few hundred header mutations. Each case must either load
 * (and then read every tensor) or fail with a GError; a crash, an abort or
 * a critical fails the test.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "test-util.h"
#include "model/safetensors.h"

#define SHAPE(...) ((const gint64[]) { __VA_ARGS__ })

static char *
fixture_path (const char *name)
{
  return test_source_path ("tests", "data", "safetensors", name, NULL);
}

static GBytes *
read_fixture (const char *name)
{
  g_autofree char *path = fixture_path (name);
  return test_read_bytes (path);
}

/* A file with header length header_len (or strlen (header) when -1), the
 * header text, and data_len zero bytes. */
static void
write_safetensors (const char *path, const char *header, gint64 header_len, gsize data_len)
{
  gsize text_len = strlen (header);
  guint64 len_le = GUINT64_TO_LE (header_len < 0 ? (guint64) text_len : (guint64) header_len);
  g_autoptr (GByteArray) bytes = g_byte_array_new ();
  g_byte_array_append (bytes, (const guint8 *) &len_le, 8);
  g_byte_array_append (bytes, (const guint8 *) header, text_len);
  g_autofree guint8 *zeros = g_malloc0 (MAX (data_len, 1));
  g_byte_array_append (bytes, zeros, data_len);
  test_write_bytes (path, bytes->data, bytes->len);
}

static guint32
float_bits (float f)
{
  guint32 bits;
  memcpy (&bits, &f, 4);
  return bits;
}

/* Reads every tensor of st, as a model load would. */
static void
touch_all_tensors (AtSafetensors *st)
{
  const char *const *names = at_safetensors_list (st);
  g_assert_cmpuint (g_strv_length ((char **) names), ==, at_safetensors_get_n_tensors (st));
  for (guint i = 0; names[i] != NULL; i++)
    {
      const AtSafetensorsInfo *info = at_safetensors_lookup (st, names[i]);
      g_assert_nonnull (info);
      g_autoptr (GError) error = NULL;
      g_autofree float *data = NULL;
      gsize n = 0;
      gboolean ok = at_safetensors_get_f32 (st, names[i], info->ndim, info->shape, &data, &n, &error);
      if (info->dtype == AT_DTYPE_OTHER)
        {
          g_assert_false (ok);
          g_assert_error (error, AT_SAFETENSORS_ERROR, AT_SAFETENSORS_ERROR_UNSUPPORTED);
          continue;
        }
      g_assert_no_error (error);
      g_assert_true (ok);
      g_assert_cmpuint (n, ==, info->numel);
      volatile float sum = 0;
      for (gsize k = 0; k < n; k++)
        sum += data[k];
      (void) sum;
    }
}

static void
test_basic_f32 (void)
{
  g_autofree char *path = fixture_path ("basic-f32.safetensors");
  g_autoptr (GError) error = NULL;
  g_autoptr (AtSafetensors) st = at_safetensors_open (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (st);
  g_assert_cmpstr (at_safetensors_get_path (st), ==, path);

  const char *want_names[] = { "unet.conv_in.weight", "unet.conv_in.bias", "scalar", "empty", "ramp", NULL };
  g_assert_cmpstrv (at_safetensors_list (st), want_names);
  g_assert_cmpuint (at_safetensors_get_n_tensors (st), ==, 5);

  g_assert_cmpuint (g_hash_table_size (at_safetensors_get_metadata (st)), ==, 2);
  g_assert_cmpstr (at_safetensors_get_metadata_value (st, "format"), ==, "pt");
  g_assert_cmpstr (at_safetensors_get_metadata_value (st, "note"), ==, "Atelier fixture \u2713 (UTF-8)");
  g_assert_null (at_safetensors_get_metadata_value (st, "missing"));

  const AtSafetensorsInfo *w = at_safetensors_lookup (st, "unet.conv_in.weight");
  g_assert_nonnull (w);
  g_assert_cmpstr (w->name, ==, "unet.conv_in.weight");
  g_assert_cmpint (w->dtype, ==, AT_DTYPE_F32);
  g_assert_cmpstr (w->dtype_name, ==, "F32");
  g_assert_cmpuint (w->ndim, ==, 2);
  g_assert_cmpint (w->shape[0], ==, 2);
  g_assert_cmpint (w->shape[1], ==, 3);
  g_assert_cmpint (w->numel, ==, 6);
  g_assert_cmpuint (w->nbytes, ==, 24);
  g_assert_null (at_safetensors_lookup (st, "unet.conv_in"));

  g_autofree float *data = NULL;
  gsize n = 0;
  g_assert_true (at_safetensors_get_f32 (st, "unet.conv_in.weight", 2, SHAPE (2, 3), &data, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 6);
  const float want[] = { 0.5f, -1.25f, 3.0f, 1e-30f, -0.0f, 123456.789f };
  for (int i = 0; i < 6; i++)
    g_assert_cmphex (float_bits (data[i]), ==, float_bits (want[i]));
  g_assert_true (signbit (data[4]));
  g_clear_pointer (&data, g_free);

  /* A 0-d scalar and an empty tensor. */
  const AtSafetensorsInfo *scalar = at_safetensors_lookup (st, "scalar");
  g_assert_cmpuint (scalar->ndim, ==, 0);
  g_assert_cmpint (scalar->numel, ==, 1);
  g_assert_true (at_safetensors_get_f32 (st, "scalar", 0, NULL, &data, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpfloat (data[0], ==, 3.5f);
  g_clear_pointer (&data, g_free);

  g_assert_true (at_safetensors_get_f32 (st, "empty", 2, SHAPE (0, 3), &data, &n, &error));
  g_assert_no_error (error);
  g_assert_nonnull (data);
  g_assert_cmpuint (n, ==, 0);
  g_assert_cmpuint (at_safetensors_lookup (st, "empty")->nbytes, ==, 0);
  g_clear_pointer (&data, g_free);

  g_assert_true (at_safetensors_get_f32 (st, "ramp", 3, NULL, &data, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 24);
  for (int i = 0; i < 24; i++)
    g_assert_cmpfloat (data[i], ==, i / 8.0f - 1.0f);
}

/* Tensor a converted by us must equal tensor b converted by PyTorch. */
static void
assert_same_bits (AtSafetensors *st, const char *a, const char *b, guint ndim)
{
  g_autoptr (GError) error = NULL;
  g_autofree float *got = NULL, *want = NULL;
  gsize n_got = 0, n_want = 0;
  g_assert_true (at_safetensors_get_f32 (st, a, ndim, NULL, &got, &n_got, &error));
  g_assert_no_error (error);
  g_assert_true (at_safetensors_get_f32 (st, b, ndim, NULL, &want, &n_want, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_got, ==, n_want);
  for (gsize i = 0; i < n_got; i++)
    if (float_bits (got[i]) != float_bits (want[i]))
      g_error ("%s[%zu] = %g (0x%08x), PyTorch gives %g (0x%08x)", a, i, got[i], float_bits (got[i]), want[i],
               float_bits (want[i]));
}

static void
test_halves (void)
{
  g_autofree char *path = fixture_path ("halves.safetensors");
  g_autoptr (GError) error = NULL;
  g_autoptr (AtSafetensors) st = at_safetensors_open (path, &error);
  g_assert_no_error (error);

  assert_same_bits (st, "f16", "f16_ref", 1);
  assert_same_bits (st, "bf16", "bf16_ref", 1);
  assert_same_bits (st, "f16_matrix", "f16_matrix_ref", 2);

  /* A few values spelled out, in case the fixture itself were wrong. */
  g_autofree float *f16 = NULL;
  gsize n = 0;
  g_assert_true (at_safetensors_get_f32 (st, "f16", 1, NULL, &f16, &n, &error));
  g_assert_cmpuint (n, ==, 23);
  g_assert_cmpfloat (f16[2], ==, 1.0f);
  g_assert_true (f16[1] == 0.0f && signbit (f16[1]));
  g_assert_cmpfloat (f16[6], ==, 65504.0f);
  g_assert_cmpfloat (f16[8], ==, ldexpf (1, -14));   /* smallest normal */
  g_assert_cmpfloat (f16[9], ==, ldexpf (1, -24));   /* smallest subnormal */
  g_assert_cmpfloat (f16[12], ==, 0.0f);
  g_assert_true (isinf (f16[13]) && f16[13] > 0);
  g_assert_true (isinf (f16[15]) && f16[15] < 0);
  g_assert_true (isnan (f16[16]));
  g_assert_cmpfloat (f16[19], ==, 1023 * ldexpf (1, -24)); /* largest subnormal */

  g_autofree float *bf16 = NULL;
  g_assert_true (at_safetensors_get_f32 (st, "bf16", 1, NULL, &bf16, &n, &error));
  g_assert_cmpuint (n, ==, 21);
  g_assert_cmpfloat (bf16[2], ==, 1.0f);
  g_assert_cmpfloat (bf16[16], ==, ldexpf (1, -133));  /* smallest bf16 subnormal */
  g_assert_true (isinf (bf16[12]));
  g_assert_true (isnan (bf16[15]));

  /* Stored at byte offset 0 of an odd-length neighbourhood: everything
   * after it is unaligned. */
  g_autofree float *odd = NULL;
  g_assert_true (at_safetensors_get_f32 (st, "odd", 1, SHAPE (3), &odd, &n, &error));
  g_assert_cmpfloat (odd[0], ==, 1.5f);
  g_assert_cmpfloat (odd[1], ==, -0.25f);
  g_assert_cmpfloat (odd[2], ==, 2.0f);

  /* A valid dtype Atelier does not convert: listed, refused by name. */
  const AtSafetensorsInfo *ids = at_safetensors_lookup (st, "position_ids");
  g_assert_nonnull (ids);
  g_assert_cmpint (ids->dtype, ==, AT_DTYPE_OTHER);
  g_assert_cmpstr (ids->dtype_name, ==, "I64");
  g_assert_cmpuint (ids->nbytes, ==, 40);
  g_autofree float *none = NULL;
  g_assert_false (at_safetensors_get_f32 (st, "position_ids", 1, NULL, &none, &n, &error));
  g_assert_error (error, AT_SAFETENSORS_ERROR, AT_SAFETENSORS_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "I64"));
  g_assert_nonnull (strstr (error->message, "position_ids"));
  g_assert_null (none);
}

/* Every binary16 pattern against a reference built another way: the value
 * is (1024 + mantissa) * 2^(exponent - 25), or mantissa * 2^-24 when the
 * exponent field is zero. */
static void
test_half_exhaustive (void)
{
  for (guint h = 0; h <= 0xffff; h++)
    {
      guint exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff;
      gboolean negative = (h & 0x8000) != 0;
      float got = at_half_to_float ((guint16) h);
      if (exponent == 0x1f)
        {
          if (mantissa == 0)
            g_assert_true (isinf (got) && (got < 0) == negative);
          else
            {
              g_assert_true (isnan (got));
              /* quiet, payload in the top mantissa bits, sign kept */
              g_assert_cmphex (float_bits (got) & 0x7fffffff, ==, 0x7fc00000 | (mantissa << 13));
              g_assert_cmpint (signbit (got) != 0, ==, negative);
            }
          continue;
        }
      double want = exponent == 0 ? ldexp (mantissa, -24) : ldexp (1024 + mantissa, (int) exponent - 25);
      if (negative)
        want = -want;
      if ((double) got != want || (signbit (got) != 0) != negative)
        g_error ("half 0x%04x: got %.10g, want %.10g", h, got, want);
    }
  /* bfloat16 is the top half of a float. */
  for (guint b = 0; b <= 0xffff; b += 7)
    g_assert_cmphex (float_bits (at_bf16_to_float ((guint16) b)), ==, b << 16);
}

/* float -> half: every finite half comes back as itself; random floats of
 * every magnitude (subnormal halves and overflow included) go to the
 * nearest half, ties to the even one, as judged by the exact decoding
 * above; beyond the largest half (65504, the midpoint 65520 and up) is
 * infinity; NaN stays NaN. */
static void
test_float_to_half (void)
{
  for (guint h = 0; h <= 0xffff; h++)
    if (((h >> 10) & 0x1f) != 0x1f)
      g_assert_cmphex (at_float_to_half (at_half_to_float ((guint16) h)), ==, h);
  g_autoptr (GRand) rand = g_rand_new_with_seed (5);
  for (guint i = 0; i < 200000; i++)
    {
      /* a random mantissa at a random power of two from 2^-27 to 2^17 */
      float f = (float) ldexp (g_rand_double_range (rand, 1.0, 2.0), g_rand_int_range (rand, -27, 17));
      if (i % 2)
        f = -f;
      guint16 h = at_float_to_half (f);
      double d = fabs ((double) at_half_to_float (h) - f);
      if (fabsf (f) >= 65520.0f)
        {
          g_assert_true (isinf (at_half_to_float (h)) && (f < 0) == ((h & 0x8000) != 0));
          continue;
        }
      guint16 mag = h & 0x7fff;
      for (int step = -1; step <= 1; step += 2)
        {
          guint16 other = (guint16) ((h & 0x8000) | (mag + step));
          if ((step < 0 && mag == 0) || (step > 0 && mag >= 0x7bff))
            continue;
          double od = fabs ((double) at_half_to_float (other) - f);
          if (od < d || (od == d && (h & 1)))
            g_error ("%.10g -> half 0x%04x (off by %g); 0x%04x is off by %g", f, h, d, other, od);
        }
    }
  g_assert_cmphex (at_float_to_half (65519.0f), ==, 0x7bff);
  g_assert_cmphex (at_float_to_half (-1e9f), ==, 0xfc00);
  g_assert_true (isnan (at_half_to_float (at_float_to_half (NAN))));
}

static void
test_shape_errors (void)
{
  g_autofree char *path = fixture_path ("basic-f32.safetensors");
  g_autoptr (GError) error = NULL;
  g_autoptr (AtSafetensors) st = at_safetensors_open (path, &error);
  g_assert_no_error (error);
  float *data = NULL;
  gsize n = 0;

  g_assert_false (at_safetensors_get_f32 (st, "unet.conv_in.weight", 2, SHAPE (2, 4), &data, &n, &error));
  g_assert_error (error, AT_SAFETENSORS_ERROR, AT_SAFETENSORS_ERROR_SHAPE);
  g_assert_cmpstr (error->message, ==, "weight 'unet.conv_in.weight' has shape (2, 3), the config expects (2, 4)");
  g_clear_error (&error);

  g_assert_false (at_safetensors_get_f32 (st, "unet.conv_in.weight", 1, SHAPE (6), &data, &n, &error));
  g_assert_cmpstr (error->message, ==, "weight 'unet.conv_in.weight' has shape (2, 3), the config expects (6,)");
  g_clear_error (&error);

  g_assert_false (at_safetensors_get_f32 (st, "unet.conv_in.bias", 2, NULL, &data, &n, &error));
  g_assert_cmpstr (error->message, ==, "weight 'unet.conv_in.bias' has shape (4,), the config expects 2 dimensions");
  g_clear_error (&error);
  g_assert_null (data);

  g_assert_false (at_safetensors_get_f32 (st, "unet.conv_out.weight", 2, NULL, &data, &n, &error));
  g_assert_error (error, AT_SAFETENSORS_ERROR, AT_SAFETENSORS_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "'unet.conv_out.weight'"));
  g_assert_nonnull (strstr (error->message, "basic-f32.safetensors"));
  g_clear_error (&error);

  /* A negative expected size matches any. */
  const AtSafetensorsInfo *info = at_safetensors_lookup (st, "unet.conv_in.weight");
  g_assert_true (at_safetensors_check_shape (info, 2, SHAPE (-1, 3), &error));
  g_assert_no_error (error);
  g_assert_false (at_safetensors_check_shape (info, 2, SHAPE (-1, 4), &error));
  g_assert_cmpstr (error->message, ==, "weight 'unet.conv_in.weight' has shape (2, 3), the config expects (?, 4)");
}

typedef struct {
  const char *what;
  const char *header;
  gint64 header_len;     /* -1: the header's own length */
  gsize data_len;
  const char *expect;    /* a part of the message */
} BadCase;

#define W "\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}"

static const BadCase bad_cases[] = {
  { "header length beyond the file", "{" W "}", 4000, 24, "header length 4000 is larger than the file (89 bytes)" },
  { "header not JSON", "{not json at all", -1, 0, "not valid JSON" },
  { "header JSON but cut", "{\"w\":{\"dtype\":\"F32\"", -1, 0, "not valid JSON" },
  { "header an array", "[1, 2]", -1, 0, "header is an array, not a JSON object" },
  { "header a string", "\"hello\"", -1, 0, "not a JSON object" },
  { "empty header", "", -1, 0, "header is empty, not a JSON object" },
  { "blank header", "        ", -1, 0, "header is empty, not a JSON object" },
  { "overlapping tensors",
    "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
    "\"b\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[8,24]}}", -1, 24,
    "tensor 'b': data_offsets [8, 24] overlap tensor 'a' at [0, 16]" },
  { "identical offsets",
    "{\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},"
    "\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]}}", -1, 4, "overlap" },
  { "shape and size disagree", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,20]}}", -1, 24,
    "tensor 'w': shape (2, 3) of F32 needs 24 bytes, but data_offsets [0, 20] hold 20" },
  { "unknown dtype", "{\"w\":{\"dtype\":\"F7\",\"shape\":[2],\"data_offsets\":[0,8]}}", -1, 8,
    "tensor 'w': unknown dtype 'F7'" },
  { "end beyond the file",
    "{\"unet.conv_in.weight\":{\"dtype\":\"F32\",\"shape\":[100],\"data_offsets\":[0,400]}}", -1, 16,
    "tensor 'unet.conv_in.weight': data_offsets [0, 400] end beyond the file (16 bytes" },
  { "negative dimension", "{\"w\":{\"dtype\":\"F32\",\"shape\":[-2,3],\"data_offsets\":[0,24]}}", -1, 24,
    "shape dimension 0 is negative (-2)" },
  { "fractional dimension", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2.0,3],\"data_offsets\":[0,24]}}", -1, 24,
    "shape dimension 0 is a number, not a non-negative integer" },
  { "string dimension", "{\"w\":{\"dtype\":\"F32\",\"shape\":[\"2\",3],\"data_offsets\":[0,24]}}", -1, 24,
    "shape dimension 0 is a string" },
  { "shape overflow", "{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296,16],\"data_offsets\":[0,0]}}",
    -1, 0, "too large" },
  { "byte size overflow", "{\"w\":{\"dtype\":\"F64\",\"shape\":[2305843009213693952],\"data_offsets\":[0,0]}}",
    -1, 0, "too large" },
  { "too many dimensions", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1,1,1,1,1,1,1,1,1],\"data_offsets\":[0,4]}}",
    -1, 4, "9 dimensions" },
  { "no dtype", "{\"w\":{\"shape\":[2],\"data_offsets\":[0,8]}}", -1, 8, "tensor 'w': no \"dtype\"" },
  { "dtype a number", "{\"w\":{\"dtype\":4,\"shape\":[2],\"data_offsets\":[0,8]}}", -1, 8,
    "\"dtype\" is an integer, not a string" },
  { "no shape", "{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", -1, 8, "no \"shape\"" },
  { "shape an object", "{\"w\":{\"dtype\":\"F32\",\"shape\":{},\"data_offsets\":[0,8]}}", -1, 8,
    "\"shape\" is an object, not an array" },
  { "no offsets", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2]}}", -1, 8, "no \"data_offsets\"" },
  { "three offsets", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4,8]}}", -1, 8,
    "not an array of two integers" },
  { "offsets backwards", "{\"w\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,0]}}", -1, 8,
    "are not an increasing pair" },
  { "negative offset", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[-8,0]}}", -1, 8,
    "are not an increasing pair" },
  { "entry not an object", "{\"w\":[1,2]}", -1, 0, "tensor 'w': entry is an array, not an object" },
  { "metadata not strings", "{\"__metadata__\":{\"epoch\":3}," W "}", -1, 24,
    "\"__metadata__\" entry 'epoch' is an integer, not a string" },
  { "metadata an array", "{\"__metadata__\":[]}", -1, 0, "\"__metadata__\" is an array" },
  { "empty name", "{\"\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}", -1, 4, "empty name" },
  { "deep nesting", "{\"a\":[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]}", -1, 0, "nested deeper" },
  { "hex number", "{\"w\":{\"dtype\":\"F32\",\"shape\":[0x2],\"data_offsets\":[0,8]}}", -1, 8,
    "invalid or out-of-range number '0x2'" },
  { "integer overflow", "{\"w\":{\"dtype\":\"F32\",\"shape\":[18446744073709551617],\"data_offsets\":[0,4]}}",
    -1, 4, "out-of-range number" },
  { "single quotes", "{'w':{}}", -1, 0, "unexpected character 0x27" },
  { "comment", "{/* x */}", -1, 0, "unexpected character 0x2f" },
  { "bare word", "{\"w\":nope}", -1, 0, "unexpected 'nope'" },
  { "invalid UTF-8", "{\"w\xff\":{}}", -1, 0, "not valid UTF-8" },
  { "control character", "{\"w\x01\":{}}", -1, 0, "control character" },
  { "unterminated string", "{\"w", -1, 0, "unterminated string" },
  { "NUL in a name", "{\"a\\u0000x\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]},"
    "\"a\\u0000y\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[1,2]}}", -1, 2, "\\u0000" },
};

static void
test_malformed (TestScratch *s, gconstpointer unused)
{
  for (gsize i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      const BadCase *c = &bad_cases[i];
      g_autofree char *path = g_build_filename (s->dir, "bad.safetensors", NULL);
      write_safetensors (path, c->header, c->header_len, c->data_len);
      g_autoptr (GError) error = NULL;
      g_autoptr (AtSafetensors) st = at_safetensors_open (path, &error);
      if (st != NULL)
        g_error ("case '%s' loaded", c->what);
      g_assert_error (error, AT_SAFETENSORS_ERROR, AT_SAFETENSORS_ERROR_INVALID);
      if (strstr (error->message, c->expect) == NULL || !g_str_has_prefix (error->message, "bad.safetensors: "))
        g_error ("case '%s': message \"%s\" lacks \"%s\"", c->what, error->message, c->expect);
      g_test_message ("%s: %s", c->what, error->message);
    }

  /* Too short for the length field, and missing. */
  g_autofree char *path = g_build_filename (s->dir, "short.safetensors", NULL);
  test_write_bytes (path, "\x10\0\0", 3);
  g_autoptr (GError) error = NULL;
  g_assert_null (at_safetensors_open (path, &error));
  g_assert_error (error, AT_SAFETENSORS_ERROR, AT_SAFETENSORS_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "3 bytes, too short"));
  g_clear_error (&error);
  g_autofree char *missing = g_build_filename (s->dir, "missing.safetensors", NULL);
  g_assert_null (at_safetensors_open (missing, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
}

static void
test_valid_edge_cases (TestScratch *s, gconstpointer unused)
{
  /* Header padding, gaps between tensors, unknown keys in an entry, empty
   * tensors sharing an offset, and no tensors at all are all allowed. */
  static const struct { const char *header; gsize data_len; guint n; } cases[] = {
    { "{" W "}      ", 24, 1 },
    { "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]},"
      "\"b\":{\"dtype\":\"U8\",\"shape\":[3],\"data_offsets\":[16,19],\"x\":null}}", 32, 2 },
    { "{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]},"
      "\"b\":{\"dtype\":\"F16\",\"shape\":[0,5],\"data_offsets\":[0,0]},"
      "\"c\":{\"dtype\":\"BOOL\",\"shape\":[2],\"data_offsets\":[0,2]}}", 2, 3 },
    { "{}", 0, 0 },
    { "{\"__metadata__\":{}}", 0, 0 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_build_filename (s->dir, "edge.safetensors", NULL);
      write_safetensors (path, cases[i].header, -1, cases[i].data_len);
      g_autoptr (GError) error = NULL;
      g_autoptr (AtSafetensors) st = at_safetensors_open (path, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (at_safetensors_get_n_tensors (st), ==, cases[i].n);
      touch_all_tensors (st);
    }
}

/* Every prefix of a valid file is invalid (all of its bytes belong to
 * the header or a tensor) and must fail cleanly. */
static void
check_truncations (TestScratch *s, const char *fixture)
{
  g_autoptr (GBytes) bytes = read_fixture (fixture);
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  g_autofree char *path = g_build_filename (s->dir, "cut.safetensors", NULL);
  for (gsize len = 0; len < size; len++)
    {
      test_write_bytes (path, data, len);
      g_autoptr (GError) error = NULL;
      g_autoptr (AtSafetensors) st = at_safetensors_open (path, &error);
      if (st != NULL)
        g_error ("%s cut to %zu of %zu bytes loaded", fixture, len, size);
      g_assert_error (error, AT_SAFETENSORS_ERROR, AT_SAFETENSORS_ERROR_INVALID);
    }
  test_write_bytes (path, data, size);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtSafetensors) st = at_safetensors_open (path, &error);
  g_assert_no_error (error);
}

static void
test_truncations (TestScratch *s, gconstpointer unused)
{
  check_truncations (s, "basic-f32.safetensors");
  check_truncations (s, "halves.safetensors");
}

/* Random damage to the length field and header: random bytes, and bytes
 * from JSON's own alphabet, which more often give a file that still
 * parses but says something else. Loaded or refused, never a crash. */
static void
test_fuzz_header (TestScratch *s, gconstpointer unused)
{
  static const char json_bytes[] = "{}[]\":,0123456789-. e";
  g_autoptr (GBytes) bytes = read_fixture ("halves.safetensors");
  gsize size;
  const guint8 *original = g_bytes_get_data (bytes, &size);
  guint64 header_len;
  memcpy (&header_len, original, 8);
  header_len = GUINT64_FROM_LE (header_len);
  g_autofree guint8 *data = g_malloc (size);
  g_autofree char *path = g_build_filename (s->dir, "fuzz.safetensors", NULL);
  g_autoptr (GRand) rand = g_rand_new_with_seed (20240601);
  guint loaded = 0, refused = 0;
  for (int iter = 0; iter < 600; iter++)
    {
      memcpy (data, original, size);
      int flips = g_rand_int_range (rand, 1, 5);
      for (int f = 0; f < flips; f++)
        {
          /* mostly the header, sometimes its length field */
          gsize at = g_rand_int_range (rand, 0, 10) == 0 ? (gsize) g_rand_int_range (rand, 0, 8)
                                                          : 8 + (gsize) g_rand_int_range (rand, 0, (gint32) header_len);
          if (iter % 2 == 0)
            data[at] ^= 1u << g_rand_int_range (rand, 0, 8);
          else
            data[at] = json_bytes[g_rand_int_range (rand, 0, sizeof json_bytes - 1)];
        }
      gsize len = iter % 5 == 0 ? (gsize) g_rand_int_range (rand, 0, (gint32) size + 1) : size;
      test_write_bytes (path, data, len);
      g_autoptr (GError) error = NULL;
      g_autoptr (AtSafetensors) st = at_safetensors_open (path, &error);
      g_assert_true ((st == NULL) != (error == NULL));
      if (st != NULL)
        {
          touch_all_tensors (st);
          loaded++;
        }
      else
        {
          g_assert_error (error, AT_SAFETENSORS_ERROR, AT_SAFETENSORS_ERROR_INVALID);
          refused++;
        }
    }
  g_test_message ("fuzz: %u mutated files loaded, %u refused", loaded, refused);
  g_assert_cmpuint (refused, >, 0);
}

static void
test_write_read (TestScratch *s, gconstpointer unused)
{
  float w[6] = { 1, -2, 3.25f, NAN, INFINITY, -0.0f };
  float b[3] = { 0.125f, 1e-40f, -7 };
  float scalar = 42;
  AtSafetensorsTensor tensors[] = {
    { "layer.weight", 2, SHAPE (2, 3), w },
    { "layer.bias", 1, SHAPE (3), b },
    { "step", 0, NULL, &scalar },
    { "nothing", 2, SHAPE (0, 4), NULL },
  };
  const char *keys[] = { "format", "config", NULL };
  const char *values[] = { "pt", "{\"width\": 64}", NULL };
  g_autofree char *path = g_build_filename (s->dir, "written.safetensors", NULL);
  g_autoptr (GError) error = NULL;
  g_assert_true (at_safetensors_write_f32 (path, tensors, G_N_ELEMENTS (tensors), keys, values, &error));
  g_assert_no_error (error);

  /* The data section starts 8-byte aligned, as the reference writer has it. */
  g_autoptr (GBytes) bytes = NULL;
  {
    char *contents;
    gsize len;
    g_file_get_contents (path, &contents, &len, &error);
    g_assert_no_error (error);
    bytes = g_bytes_new_take (contents, len);
    guint64 header_len;
    memcpy (&header_len, contents, 8);
    g_assert_cmpuint (GUINT64_FROM_LE (header_len) % 8, ==, 0);
    g_assert_cmpint (contents[8], ==, '{');
  }

  g_autoptr (AtSafetensors) st = at_safetensors_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (at_safetensors_get_n_tensors (st), ==, 4);
  g_assert_cmpstr (at_safetensors_get_metadata_value (st, "config"), ==, "{\"width\": 64}");
  for (gsize t = 0; t < G_N_ELEMENTS (tensors); t++)
    {
      g_autofree float *data = NULL;
      gsize n = 0;
      g_assert_true (at_safetensors_get_f32 (st, tensors[t].name, tensors[t].ndim, tensors[t].shape, &data, &n,
                                             &error));
      g_assert_no_error (error);
      for (gsize i = 0; i < n; i++)
        g_assert_cmphex (float_bits (data[i]), ==, float_bits (tensors[t].data[i]));
    }

  /* Refusals leave the existing file alone. */
  AtSafetensorsTensor twice[] = { tensors[1], tensors[1] };
  g_assert_false (at_safetensors_write_f32 (path, twice, 2, NULL, NULL, &error));
  g_assert_error (error, AT_SAFETENSORS_ERROR, AT_SAFETENSORS_ERROR_INVALID);
  g_clear_error (&error);
  g_autofree char *nowhere = g_build_filename (s->dir, "no-such-dir", "x.safetensors", NULL);
  g_assert_false (at_safetensors_write_f32 (nowhere, tensors, 1, NULL, NULL, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_clear_error (&error);
  g_autoptr (GBytes) after = NULL;
  {
    char *contents;
    gsize len;
    g_file_get_contents (path, &contents, &len, &error);
    after = g_bytes_new_take (contents, len);
  }
  g_assert_true (g_bytes_equal (bytes, after));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/safetensors/basic-f32", test_basic_f32);
  g_test_add_func ("/safetensors/halves-match-pytorch", test_halves);
  g_test_add_func ("/safetensors/half-exhaustive", test_half_exhaustive);
  g_test_add_func ("/safetensors/float-to-half", test_float_to_half);
  g_test_add_func ("/safetensors/shape-errors", test_shape_errors);
  g_test_add ("/safetensors/malformed", TestScratch, NULL, test_scratch_setup, test_malformed, test_scratch_teardown);
  g_test_add ("/safetensors/valid-edge-cases", TestScratch, NULL, test_scratch_setup, test_valid_edge_cases,
              test_scratch_teardown);
  g_test_add ("/safetensors/truncations", TestScratch, NULL, test_scratch_setup, test_truncations, test_scratch_teardown);
  g_test_add ("/safetensors/fuzz-header", TestScratch, NULL, test_scratch_setup, test_fuzz_header, test_scratch_teardown);
  g_test_add ("/safetensors/write-read", TestScratch, NULL, test_scratch_setup, test_write_read, test_scratch_teardown);
  return g_test_run ();
}
