/* test-vae.c — SD's VAE decoder and encoder on the engine against the
 * original code (ldm's Decoder after AutoencoderKL's post_quant_conv;
 * its Encoder followed by quant_conv).
 *
 * tests/data/sd/vae-golden.safetensors (tools/sd/make-vae-golden.py)
 * holds a 1×4×8×8 latent, the reference's 1×3×32×32 image decoded from
 * it, the 1×8×8×8 moments it encodes a generated image to, and the names
 * and shapes of the weights of a reduced decoder (ch 32, ch_mult 1,2,2,
 * one ResnetBlock a level). The weights themselves are generated from
 * their names exactly as the script generated them (sd-fill.h), written
 * to a checkpoint file and loaded through the SD loader.
 * Tolerance (both): fp32 convolutions of up to 576 terms through ~20 layers and
 * GroupNorms: NSE 1e-9, max_abs 1e-4 (outputs of unit scale).
 */
#include <string.h>

#include "sd/sd-detect.h"
#include "sd/vae-decoder.h"
#include "sd/vae-encoder.h"
#include "sd-fill.h"
#include "test-util.h"

#define MAX_NSE 1e-9
#define MAX_ABS 1e-4

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
  g_autofree float *mine = sd_fill ("latent", 4, (gint64[]) { 1, 4, 8, 8 }, &n);
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
  g_autofree float *image = sd_fill ("image_in", 4, (gint64[]) { 1, 3, 32, 32 }, &n_image);
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
  golden = sd_fill_open_golden ("vae-golden.safetensors", "vae.safetensors", &weights);
  g_test_add_func ("/sd/vae/decoder", test_decoder);
  g_test_add_func ("/sd/vae/encoder", test_encoder);
  int rc = g_test_run ();
  at_safetensors_free (weights);
  at_safetensors_free (golden);
  return rc;
}
