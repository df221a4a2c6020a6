/* test-sd-generate.c — a whole 2-step SD 1.x sample (sd-generate.h) against
 * the reference loop of tools/sd/make-sample-golden.py: OpenAI CLIP's text
 * tower, ldm's UNetModel under k-diffusion's DPM++ 2M (Karras) with CFG 6
 * on a negative prompt, and ldm's VAE decoder, all at the reduced widths
 * of the other golden tests, on weights generated from their names
 * (sd-fill.h) into one checkpoint file.
 * Tolerance: the latent reaches ~7 (an untrained UNet, σ_max 14.6, CFG 6
 * amplifying the difference of two fp32 passes). Measured on lavapipe:
 * latent NSE 2e-11, max_abs 1e-4; image (scale ~0.4) NSE 2e-11, max_abs
 * 9e-6. Allowed: NSE 1e-9, max_abs 1e-3 (latent), 1e-4 (image).
 *
 * /sd/generate/controlnet: the same sample under a ControlNet as cldm's
 * ControlLDM runs it (make-sample-golden.py --control): the reduced
 * ControlNet of test-controlnet.c on the scribble hint of a 64×64 sketch
 * (sd-hint.h against the reference front end's rule), strength 0.8, on
 * both CFG halves; the latent with the same tolerance.
 *
 * /sd/generate/half-weights: an F16 checkpoint against the F32 one of the
 * same values (fp16 weights on the device).
 */
#include <math.h>
#include <string.h>

#include "sd/controlnet.h"
#include "sd/sd-generate.h"
#include "sd/sd-hint.h"
#include "ops/half.h"
#include "sd-fill.h"
#include "sd-manifest.h"
#include "test-util.h"

#define CTX 77
#define MAX_NSE 1e-9
#define LATENT_ABS 1e-3
#define IMAGE_ABS 1e-4

/* The reduced SD 1.x networks of a sample golden, its prompt windows
 * and everything a 2-step DPM++ 2M sample with CFG 6 takes. */
typedef struct {
  AtSafetensors *golden, *weights;
  guint32 ids[2 * CTX];        /* negative, prompt */
  AtClipText *text;
  AtSdUnet *unet;
  AtSdUnetShape unet_shape;
  AtSdSchedule schedule;
  float *noise;
  AtSdModelParts parts;
  AtSdGenerateParams params;
} Tiny;

/* The networks of golden_name on the checkpoint at wpath. */
static void
tiny_open_file (Tiny *t, const char *golden_name, const char *wpath)
{
  g_autoptr (GError) error = NULL;
  t->golden = sd_fill_open_golden (golden_name, NULL, NULL);
  t->weights = at_safetensors_open (wpath, &error);
  g_assert_no_error (error);
  g_autofree float *ids_f = NULL;
  gsize n_ids, n_noise;
  g_assert_true (at_safetensors_get_f32 (t->golden, "ids", 2, (gint64[]) { 2, CTX }, &ids_f, &n_ids, &error));
  for (guint i = 0; i < 2 * CTX; i++)
    t->ids[i] = (guint32) ids_f[i];
  AtSdTextConfig text_config = { 32, 2, 2, 256, CTX, 32 };
  t->text = at_clip_text_new (test_gpu (), t->weights, "sd1.transformer.text_model.", AT_SD_TEXT_CLIP_HF,
                              &text_config, TRUE, FALSE, &error);
  g_assert_no_error (error);
  t->unet_shape = (AtSdUnetShape) { 4, 4, 32, 3, { 1, 2, 2 }, 2, 0x3, 2, 0, 32, 0 };
  t->unet = at_sd_unet_new (test_gpu (), t->weights, "", &t->unet_shape, &error);
  g_assert_no_error (error);
  at_sd_schedule_init (&t->schedule);
  t->noise = sd_fill ("noise", 4, (gint64[]) { 1, 4, 8, 8 }, &n_noise);
  t->parts = (AtSdModelParts) { t->text, CTX, t->unet, FALSE, &t->schedule };
  t->params = (AtSdGenerateParams) { t->ids + CTX, t->ids, 6.0f, AT_SD_SAMPLER_DPMPP_2M, AT_SD_SIGMAS_KARRAS, 2,
                                     8, 8, t->noise, 0 };
}

/* The same on the golden's weights generated from their names. */
static void
tiny_open (Tiny *t, const char *golden_name, const char *weights_name)
{
  g_autoptr (AtSafetensors) golden = sd_fill_open_golden (golden_name, NULL, NULL);
  g_autofree char *wpath = sd_fill_write_weights (golden, weights_name);
  tiny_open_file (t, golden_name, wpath);
}

/* The golden's tensor name of shape. */
static float *
tiny_get (Tiny *t, const char *name, guint ndim, const gint64 *shape, gsize *n)
{
  g_autoptr (GError) error = NULL;
  float *v = NULL;
  g_assert_true (at_safetensors_get_f32 (t->golden, name, ndim, shape, &v, n, &error));
  g_assert_no_error (error);
  return v;
}

/* The networks before the file they borrow. */
static void
tiny_close (Tiny *t)
{
  g_clear_pointer (&t->text, at_clip_text_free);
  g_clear_pointer (&t->unet, at_sd_unet_free);
  g_clear_pointer (&t->noise, g_free);
  at_safetensors_free (t->weights);
  at_safetensors_free (t->golden);
}

static void
test_sample (void)
{
  g_autoptr (GError) error = NULL;
  Tiny t;
  tiny_open (&t, "sample-golden.safetensors", "sd1-tiny.safetensors");
  gsize n_latent, n_image;
  g_autofree float *want_latent = tiny_get (&t, "latent", 4, (gint64[]) { 1, 4, 8, 8 }, &n_latent);
  g_autofree float *want_image = tiny_get (&t, "image", 4, (gint64[]) { 1, 3, 32, 32 }, &n_image);
  AtSdVaeConfig vae_config = { 32, 3, { 1, 2, 2 }, 1, 4, 3 };
  g_autoptr (AtSdVaeDecoder) vae = at_sd_vae_decoder_new (test_gpu (), t.weights, "", &vae_config, &error);
  g_assert_no_error (error);

  float latent[4 * 8 * 8], image[3 * 32 * 32];
  g_assert_true (at_sd_generate_latent (&t.parts, &t.params, latent, NULL, &error));
  g_assert_no_error (error);
  test_assert_close ("latent", latent, want_latent, n_latent, MAX_NSE, LATENT_ABS);
  g_assert_true (at_sd_decode_latent (vae, latent, 8, 8, image, &error));
  g_assert_no_error (error);
  test_assert_close ("image", image, want_image, n_image, MAX_NSE, IMAGE_ABS);

  /* no steps: refused, named */
  t.params.steps = 0;
  g_assert_false (at_sd_generate_latent (&t.parts, &t.params, latent, NULL, &error));
  g_assert_error (error, AT_SD_ERROR, AT_SD_ERROR_MISMATCH);
  g_clear_pointer (&vae, at_sd_vae_decoder_free);
  tiny_close (&t);
}

/* The sketch make-sample-golden.py --control made its hint from. */
static AtImage *
golden_sketch (void)
{
  gsize n;
  g_autofree float *v = sd_fill ("sketch", 3, (gint64[]) { 64, 64, 3 }, &n);
  AtImage *img = at_image_new (64, 64, 3);
  for (gsize i = 0; i < n; i++)
    img->pixels[i] = (guint8) floor (((double) v[i] + 1.0) * 127.5);
  return img;
}

static void
test_controlnet (void)
{
  g_autoptr (GError) error = NULL;
  Tiny t;
  tiny_open (&t, "sample-controlnet-golden.safetensors", "sd1-tiny-controlnet.safetensors");
  gsize n_latent, n_strength;
  g_autofree float *want = tiny_get (&t, "latent", 4, (gint64[]) { 1, 4, 8, 8 }, &n_latent);
  g_autofree float *strength = tiny_get (&t, "strength", 1, (gint64[]) { 1 }, &n_strength);
  g_autoptr (AtSdControlNet) cn = at_sd_controlnet_new (test_gpu (), t.weights, "control_model.", &t.unet_shape,
                                                        &error);
  g_assert_no_error (error);
  g_autoptr (AtImage) sketch = golden_sketch ();
  g_autofree float *hint = at_sd_scribble_hint (sketch, 8, 8);
  AtSdControl control = { cn, hint, strength[0] };
  t.params.control = &control;
  float latent[4 * 8 * 8];
  g_assert_true (at_sd_generate_latent (&t.parts, &t.params, latent, NULL, &error));
  g_assert_no_error (error);
  test_assert_close ("controlled latent", latent, want, n_latent, MAX_NSE, LATENT_ABS);
  /* a strength out of range: refused, named */
  const float bad[] = { -0.5f, AT_SD_CONTROL_MAX_STRENGTH * 2, NAN };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      control.strength = bad[i];
      g_assert_false (at_sd_generate_latent (&t.parts, &t.params, latent, NULL, &error));
      g_assert_error (error, AT_SD_ERROR, AT_SD_ERROR_MISMATCH);
      g_assert_nonnull (strstr (error->message, "strength"));
      g_clear_error (&error);
    }
  g_clear_pointer (&cn, at_sd_controlnet_free);
  tiny_close (&t);
}

/* The manifest writer's fill: src's values rounded to binary16. */
static float *
rounded_fill (const AtSafetensorsInfo *info, gpointer src)
{
  gsize n;
  float *v = test_safetensors_f32 (src, info->name, &n);
  for (gsize i = 0; i < n; i++)
    v[i] = at_half_to_float (at_float_to_half (v[i]));
  return v;
}

/* Every tensor of src rounded to binary16, stored as dtype_name. */
static char *
write_rounded (AtSafetensors *src, const char *file_name, const char *dtype_name)
{
  g_autoptr (SdManifest) m = sd_manifest_new ();
  for (const char *const *name = at_safetensors_list (src); *name != NULL; name++)
    {
      const AtSafetensorsInfo *info = at_safetensors_lookup (src, *name);
      sd_manifest_add (m, info->name, dtype_name, info->ndim, info->shape);
    }
  char *path = test_tmp_path (file_name);
  sd_manifest_write_sparse_with (m, path, rounded_fill, src);
  return path;
}

/* fp16 weights as a file stores them: the tiny model written F16 and
 * written F32 with the same (rounded) values gives the same latent and
 * image — the kernels read fp16 weights as the floats they are and
 * accumulate in fp32, so only rounding order could differ — while the F16
 * file's linear and convolution weights take half the device memory. */
static void
test_half_weights (void)
{
  /* Vulkan requires R16F and RGBA16F uniform texel buffers of every device */
  g_assert_true (at_gpu_supports_half_weights (test_gpu ()));
  AtSafetensors *src;
  g_autoptr (AtSafetensors) golden = sd_fill_open_golden ("sample-golden.safetensors", "sd1-tiny.safetensors", &src);
  g_autoptr (GError) error = NULL;
  char *paths[2] = { write_rounded (src, "sd1-tiny-f16.safetensors", "F16"),
                     write_rounded (src, "sd1-tiny-rounded.safetensors", "F32") };
  float latent[2][4 * 8 * 8], image[2][3 * 32 * 32];
  guint64 bytes[2];
  for (guint i = 0; i < 2; i++)
    {
      guint64 before, after, peak, reserved;
      at_gpu_get_memory_usage (test_gpu (), &before, &peak, &reserved);
      Tiny t;
      tiny_open_file (&t, "sample-golden.safetensors", paths[i]);
      AtSdVaeConfig vae_config = { 32, 3, { 1, 2, 2 }, 1, 4, 3 };
      g_autoptr (AtSdVaeDecoder) vae = at_sd_vae_decoder_new (test_gpu (), t.weights, "", &vae_config, &error);
      g_assert_no_error (error);
      at_gpu_get_memory_usage (test_gpu (), &after, &peak, &reserved);
      bytes[i] = after - before;
      g_assert_true (at_sd_generate_latent (&t.parts, &t.params, latent[i], NULL, &error));
      g_assert_no_error (error);
      g_assert_true (at_sd_decode_latent (vae, latent[i], 8, 8, image[i], &error));
      g_assert_no_error (error);
      g_clear_pointer (&vae, at_sd_vae_decoder_free);
      tiny_close (&t);
      g_free (paths[i]);
    }
  test_assert_close ("latent, fp16 weights against fp32", latent[0], latent[1], G_N_ELEMENTS (latent[0]), 1e-12,
                     1e-5);
  test_assert_close ("image, fp16 weights against fp32", image[0], image[1], G_N_ELEMENTS (image[0]), 1e-12, 1e-6);
  g_test_message ("device memory of the networks: %" G_GUINT64_FORMAT " bytes fp16, %" G_GUINT64_FORMAT " fp32",
                  bytes[0], bytes[1]);
  g_assert_cmpuint (bytes[0], <, bytes[1] * 3 / 4);
  at_safetensors_free (src);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sd/generate/sample", test_sample);
  g_test_add_func ("/sd/generate/controlnet", test_controlnet);
  g_test_add_func ("/sd/generate/half-weights", test_half_weights);
  return g_test_run ();
}
