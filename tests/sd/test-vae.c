/* test-vae.c — SD's VAE decoder and encoder on the engine against the
 * original code (ldm's Decoder after AutoencoderKL's post_quant_conv;
 * its Encoder followed by quant_conv).
 *
 * tests/data/sd/vae-golden.safetensors (tools/sd/make-vae-golden.py)
 * holds a 1×4×8×8 latent, the reference's 1×3×32×32 image decoded from
 * it, the 1×8×8×8 moments it encodes a generated image to, and the names
 * and shapes of the weights of a reduced decoder (ch 32, ch_mult 1,2,2,
 * one ResnetBlock a level). The weights themselves are generated here from
 * their names exactly as the script generated them (fill() mirrors its
 * fill(): every value exact in fp32, so both sides have the same bits),
 * written to a checkpoint file and loaded through the SD loader.
 * Tolerance (both): fp32 convolutions of up to 576 terms through ~20 layers and
 * GroupNorms: NSE 1e-9, max_abs 1e-4 (outputs of unit scale).
 */
#include <math.h>
#include <string.h>

#include "sd/sd-detect.h"
#include "sd/vae-decoder.h"
#include "sd/vae-encoder.h"
#include "test-util.h"

#define MAX_NSE 1e-9
#define MAX_ABS 1e-4

static guint32
fnv1a (const char *s)
{
  guint32 h = 2166136261u;
  for (; *s; s++)
    h = (h ^ (guint8) *s) * 16777619u;
  return h;
}

/* 2u - 1, u = (lowbias32(seed ^ i·0x9E3779B9) >> 8) / 2^24: exact in float. */
static float
uniform (guint32 seed, guint32 i)
{
  guint32 x = seed ^ (i * 0x9E3779B9u);
  x ^= x >> 16;
  x *= 0x7FEB352Du;
  x ^= x >> 15;
  x *= 0x846CA68Bu;
  x ^= x >> 16;
  return 2.0f * ((x >> 8) / 16777216.0f) - 1.0f;
}

static float *
fill (const char *name, guint ndim, const gint64 *shape, gsize *n_out)
{
  gsize n = test_numel (shape, ndim);
  float *v = g_new (float, MAX (n, 1));
  guint32 seed = fnv1a (name);
  gboolean norm = strstr (name, "norm") != NULL, bias = g_str_has_suffix (name, ".bias");
  gsize fan = ndim > 0 ? n / shape[0] : 1;
  int e = (g_bit_nth_msf (fan, -1)) / 2;
  for (gsize i = 0; i < n; i++)
    {
      float u = uniform (seed, i);
      if (norm && !bias)
        v[i] = 1.0f + u * 0.125f;
      else if (norm || bias)
        v[i] = u * (norm ? 0.125f : 0.0625f);
      else
        v[i] = ldexpf (u, -e);
    }
  *n_out = n;
  return v;
}

/* The weights the golden file lists, generated, as a checkpoint file. */
static char *
write_weights (AtSafetensors *golden)
{
  const char *list = at_safetensors_get_metadata_value (golden, "tensors");
  g_assert_nonnull (list);
  g_auto (GStrv) lines = g_strsplit (list, "\n", -1);
  guint n = g_strv_length (lines);
  AtSafetensorsTensor *tensors = g_new0 (AtSafetensorsTensor, n);
  gint64 *shapes = g_new0 (gint64, 4 * (gsize) n);
  for (guint i = 0; i < n; i++)
    {
      g_auto (GStrv) f = g_strsplit (lines[i], " ", 2);
      g_auto (GStrv) dims = g_strsplit (f[1], ",", -1);
      tensors[i].name = g_strdup (f[0]);
      tensors[i].ndim = g_strv_length (dims);
      for (guint d = 0; d < tensors[i].ndim; d++)
        shapes[4 * i + d] = g_ascii_strtoll (dims[d], NULL, 10);
      tensors[i].shape = shapes + 4 * i;
      gsize count;
      tensors[i].data = fill (tensors[i].name, tensors[i].ndim, shapes + 4 * i, &count);
    }
  char *path = test_tmp_path ("vae.safetensors");
  g_autoptr (GError) error = NULL;
  g_assert_true (at_safetensors_write_f32 (path, tensors, n, NULL, NULL, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      g_free ((char *) tensors[i].name);
      g_free ((float *) tensors[i].data);
    }
  g_free (tensors);
  g_free (shapes);
  return path;
}

static const AtSdVaeConfig reduced = { 32, 3, { 1, 2, 2 }, 1, 4, 3 };
static AtSafetensors *golden, *weights;

static void
test_decoder (void)
{
  g_autoptr (GError) error = NULL;

  /* the generator reproduces the script's latent too: same bits */
  g_autofree float *z = NULL, *want = NULL;
  gsize nz, nout;
  g_assert_true (at_safetensors_get_f32 (golden, "latent", 4, (gint64[]) { 1, 4, 8, 8 }, &z, &nz, &error));
  g_assert_true (at_safetensors_get_f32 (golden, "image", 4, (gint64[]) { 1, 3, 32, 32 }, &want, &nout, &error));
  gsize n;
  g_autofree float *mine = fill ("latent", 4, (gint64[]) { 1, 4, 8, 8 }, &n);
  for (gsize i = 0; i < nz; i++)
    g_assert_cmpfloat (mine[i] * 2.0f, ==, z[i]);

  g_autoptr (AtSdVaeDecoder) d = at_sd_vae_decoder_new (test_gpu (), weights, "", &reduced, &error);
  g_assert_no_error (error);
  g_autofree float *got = g_new (float, nout);
  g_assert_true (at_sd_vae_decode (d, z, 8, 8, got, &error));
  g_assert_no_error (error);
  test_assert_close ("vae decoder", got, want, nout, MAX_NSE, MAX_ABS);

  /* the SD configuration asks for tensors this file lacks: named */
  g_assert_null (at_sd_vae_decoder_new (test_gpu (), weights, "", &at_sd_vae_config, &error));
  g_assert_nonnull (error);
}

static void
test_encoder (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree float *want = NULL;
  gsize n_want, n_image;
  g_assert_true (at_safetensors_get_f32 (golden, "moments", 4, (gint64[]) { 1, 8, 8, 8 }, &want, &n_want, &error));
  g_autofree float *image = fill ("image_in", 4, (gint64[]) { 1, 3, 32, 32 }, &n_image);
  g_autoptr (AtSdVaeEncoder) e = at_sd_vae_encoder_new (test_gpu (), weights, "", &reduced, &error);
  g_assert_no_error (error);
  g_autofree float *got = g_new (float, n_want);
  g_assert_true (at_sd_vae_encode (e, image, 32, 32, got, &error));
  g_assert_no_error (error);
  test_assert_close ("vae encoder", got, want, n_want, MAX_NSE, MAX_ABS);

  /* sides must be multiples of the downsampling factor (4 here) */
  g_assert_false (at_sd_vae_encode (e, image, 30, 32, got, &error));
  g_assert_error (error, AT_SD_ERROR, AT_SD_ERROR_MISMATCH);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_autofree char *gpath = test_source_path ("tests", "data", "sd", "vae-golden.safetensors", NULL);
  g_autoptr (GError) error = NULL;
  golden = at_safetensors_open (gpath, &error);
  g_assert_no_error (error);
  g_autofree char *wpath = write_weights (golden);
  weights = at_safetensors_open (wpath, &error);
  g_assert_no_error (error);
  g_test_add_func ("/sd/vae/decoder", test_decoder);
  g_test_add_func ("/sd/vae/encoder", test_encoder);
  int rc = g_test_run ();
  at_safetensors_free (weights);
  at_safetensors_free (golden);
  return rc;
}
