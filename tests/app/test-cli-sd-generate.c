/* test-cli-sd-generate.c — `atelier generate --model` on a user's SD
 * checkpoint: a reduced SD 1.x file written here (sd-tiny.h), which the
 * loader's detection takes as a user's file.
 *
 * Checks: the PNG the command writes, decoded, is the library's result on
 * the same seed — the text tower, at_sd_generate_latent() and the VAE
 * decoder driven here from the file's networks (sd-generate.h), within the
 * PNG's 8-bit rounding; the same for a prompt of three 75-token windows
 * (the negative padded with empty ones), through a library name
 * (`atelier models add`) and for img2img (--init through the VAE encoder); the memory
 * estimate is above the device allocator's measured peak and refuses a
 * device too small; bad input exits 2 with one line and leaves an
 * existing output as it was.
 *
 * --controlnet: a model with SD 1.x's 768-wide text attention and a
 * ControlNet that fits it (sd-tiny.h); the PNG is the library's image
 * with the ControlNet's residuals on the sketch's scribble hint
 * (sd-hint.h), which differs from the image without them; what the
 * memory estimate adds for the ControlNet holds what a controlled run
 * takes beyond a plain one (in a subprocess, so that the peaks are these
 * runs'); a ControlNet that is a checkpoint,
 * one of another width, one for another context width, a run without a
 * sketch and strengths out of range are refused with exit 2.
 */
#include <math.h>
#include <string.h>
#include <sys/wait.h>

#include <glib/gstdio.h>

#include "media/image.h"
#include "sd-tiny.h"
#include "sd/clip-tokenizer.h"
#include "sd/sd-checkpoint.h"
#include "sd/sd-defaults.h"
#include "sd/controlnet.h"
#include "sd/sd-generate.h"
#include "sd/sd-hint.h"
#include "sd/sd-memory.h"
#include "sd/vae-encoder.h"
#include "test-util.h"

#define SIZE 64
#define L (SIZE / 8)
/* one 8-bit step of [-1, 1], half of it for rounding, and float slack */
#define PNG_TOLERANCE (0.5 / 127.5 + 1e-4)

static char *model;   /* the tiny checkpoint's path */
#define FILES_ENV "ATELIER_TEST_SD_FILES"
static char *model_768, *controlnet, *controlnet_wide;   /* for --controlnet */

/* atelier generate ARGS...; asserts the exit status; stderr into *err. */
static void
generate (int status, char **err, ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (gpointer) g_getenv ("ATELIER_BIN"));
  va_list ap;
  va_start (ap, err);
  for (const char *a; (a = va_arg (ap, const char *)) != NULL;)
    g_ptr_array_add (argv, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  char *errs = NULL;
  int wait_status;
  g_autoptr (GError) error = NULL;
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &errs,
                &wait_status, &error);
  g_assert_no_error (error);
  g_test_message ("%s: %s", (char *) argv->pdata[1], errs);
  g_assert_true (WIFEXITED (wait_status));
  g_assert_cmpint (WEXITSTATUS (wait_status), ==, status);
  if (err != NULL)
    *err = errs;
  else
    g_free (errs);
}

typedef struct {
  AtSdCheckpoint *ckpt;
  AtSafetensors *file;
  AtSdArch arch;
  AtClipText *text;
  AtSdUnet *unet;
  AtSdVaeDecoder *decoder;
  AtSdVaeConfig vae;
  AtSdSchedule schedule;
} Library;

static void
library_open_path (Library *lib, const char *path)
{
  g_autoptr (GError) error = NULL;
  lib->ckpt = at_sd_checkpoint_open (path, AT_SD_PREDICTION_AUTO, &error);
  g_assert_no_error (error);
  lib->file = at_sd_checkpoint_get_file (lib->ckpt);
  lib->arch = *at_sd_checkpoint_get_arch (lib->ckpt);
  g_assert_cmpstr (lib->arch.kind_name, ==, "SD 1.x");
  AtSdUnetShape shape;
  at_sd_unet_shape_for (&lib->arch.unet, &shape);
  lib->vae = at_sd_vae_config;
  lib->vae.ch = lib->arch.vae_channels;
  lib->text = at_clip_text_new_for_arch (test_gpu (), lib->file, &lib->arch, &error);
  g_assert_no_error (error);
  lib->unet = at_sd_unet_new (test_gpu (), lib->file, lib->arch.unet_prefix, &shape, &error);
  g_assert_no_error (error);
  lib->decoder = at_sd_vae_decoder_new (test_gpu (), lib->file, lib->arch.vae_prefix, &lib->vae, &error);
  g_assert_no_error (error);
  at_sd_schedule_init (&lib->schedule);
}

static void
library_open (Library *lib)
{
  library_open_path (lib, model);
}

static void
library_close (Library *lib)
{
  at_clip_text_free (lib->text);
  at_sd_unet_free (lib->unet);
  at_sd_vae_decoder_free (lib->decoder);
  at_sd_checkpoint_free (lib->ckpt);
}

/* The library's image: params' latent decoded, into image (3 × SIZE²).
 * The prompt may take n_windows windows; the negative prompt one, then
 * empty windows (AUTOMATIC1111 pads the shorter with empty chunks). */
static void
library_image (Library *lib, const char *prompt, const char *negative, guint n_windows, AtSdGenerateParams *params,
               float *image)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AtClipTokenizer) tok = at_clip_tokenizer_new_default (&error);
  g_assert_no_error (error);
  guint n;
  g_autofree guint32 *ids = at_clip_tokenizer_windows (tok, prompt, AT_CLIP_PAD_EOS, &n);
  g_assert_cmpuint (n, ==, n_windows);
  g_autofree guint32 *neg = g_new (guint32, n_windows * AT_CLIP_WINDOW);
  for (guint w = 0; w < n_windows; w++)
    {
      g_autofree guint32 *one = at_clip_tokenizer_windows (tok, w == 0 ? negative : "", AT_CLIP_PAD_EOS, &n);
      g_assert_cmpuint (n, ==, 1);
      memcpy (neg + w * AT_CLIP_WINDOW, one, AT_CLIP_WINDOW * sizeof (guint32));
    }
  params->prompt_ids = ids;
  params->negative_ids = neg;
  params->n_windows = n_windows;
  params->latent_h = params->latent_w = L;
  AtSdModelParts parts = { lib->text, AT_CLIP_WINDOW, lib->unet, FALSE, &lib->schedule };
  float latent[4 * L * L];
  g_assert_true (at_sd_generate_latent (&parts, params, latent, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (at_sd_decode_latent (lib->decoder, latent, L, L, image, &error));
  g_assert_no_error (error);
}

/* The PNG at path against the float image, and not flat. */
static void
assert_png_is (const char *path, const float *want, const char *parameters)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AtImage) png = at_image_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (png->width, ==, SIZE);
  g_assert_cmpuint (png->height, ==, SIZE);
  g_assert_cmpuint (png->channels, ==, 3);
  double worst = 0;
  guint lo = 255, hi = 0;
  for (guint c = 0; c < 3; c++)
    for (guint i = 0; i < SIZE * SIZE; i++)
      {
        guint8 v = png->pixels[i * 3 + c];
        double w = CLAMP (want[c * SIZE * SIZE + i], -1.0, 1.0);
        worst = MAX (worst, fabs (v / 127.5 - 1.0 - w));
        lo = MIN (lo, v);
        hi = MAX (hi, v);
      }
  g_test_message ("%s: max |png - library| %.5f, values %u..%u", path, worst, lo, hi);
  g_assert_cmpfloat (worst, <=, PNG_TOLERANCE);
  g_assert_cmpuint (hi - lo, >, 16);
  g_autofree char *bytes = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (path, &bytes, &len, NULL));
  g_assert_nonnull (memmem (bytes, len, parameters, strlen (parameters)));
}

static void
test_text_to_image (void)
{
  g_autofree char *out = test_tmp_path ("fox.png");
  generate (0, NULL, "generate", "--model", model, "-p", "a red fox in the snow", "--negative", "blurry",
            "--size", "64", "--steps", "2", "--sampler", "dpmpp_2m", "--guidance", "5", "--seed", "7", "-o", out,
            NULL);
  Library lib = { 0 };
  library_open (&lib);
  AtSdGenerateParams params = { .cfg_scale = 5, .sampler = AT_SD_SAMPLER_DPMPP_2M, .sigmas = AT_SD_SIGMAS_KARRAS,
                                .steps = 2, .seed = 7 };
  float image[3 * SIZE * SIZE];
  library_image (&lib, "a red fox in the snow", "blurry", 1, &params, image);
  assert_png_is (out, image, "Steps: 2, Sampler: DPM++ 2M Karras, CFG scale: 5, Seed: 7, Size: 64x64, Model: tiny");
  library_close (&lib);
}

/* A prompt of more than 75 tokens: two windows, their contexts joined. */
static void
test_long_prompt (void)
{
  GString *long_prompt = g_string_new ("a lighthouse");
  for (guint i = 0; i < 40; i++)
    g_string_append_printf (long_prompt, ", wave %u", i);   /* about 4 tokens each */
  g_autofree char *prompt = g_string_free (long_prompt, FALSE);
  g_autofree char *out = test_tmp_path ("long.png");
  generate (0, NULL, "generate", "--model", model, "-p", prompt, "--negative", "fog", "--size", "64", "--steps", "1",
            "--sampler", "euler", "--guidance", "3", "--seed", "11", "-o", out, NULL);
  Library lib = { 0 };
  library_open (&lib);
  AtSdGenerateParams params = { .cfg_scale = 3, .sampler = AT_SD_SAMPLER_EULER, .sigmas = AT_SD_SIGMAS_DEFAULT,
                                .steps = 1, .seed = 11 };
  float image[3 * SIZE * SIZE];
  library_image (&lib, prompt, "fog", 3, &params, image);
  assert_png_is (out, image, "Steps: 1, Sampler: Euler, CFG scale: 3, Seed: 11");
  library_close (&lib);
}

/* Added to the library, run by name, from an init image. */
static void
test_image_to_image (void)
{
  generate (0, NULL, "models", "add", model, NULL);
  g_autoptr (AtImage) init = at_image_new (SIZE, SIZE, 3);
  for (guint i = 0; i < SIZE * SIZE * 3; i++)
    init->pixels[i] = (guint8) ((i * 7) % 256);
  g_autofree char *init_path = test_tmp_path ("init.png");
  g_autoptr (GError) error = NULL;
  g_assert_true (at_image_save_png (init, init_path, NULL, NULL, &error));
  g_autofree char *out = test_tmp_path ("from-init.png");
  generate (0, NULL, "generate", "--model", "tiny", "-p", "a boat", "--init", init_path, "--strength", "0.5",
            "--size", "64", "--steps", "4", "--sampler", "euler", "--guidance", "1", "--seed", "3", "-o", out,
            NULL);

  Library lib = { 0 };
  library_open (&lib);
  g_autoptr (AtSdVaeEncoder) enc = at_sd_vae_encoder_new (test_gpu (), lib.file, lib.arch.vae_prefix, &lib.vae,
                                                          &error);
  g_assert_no_error (error);
  g_autofree float *chw = at_image_to_chw_new (init);
  float moments[8 * L * L], start[4 * L * L];
  g_assert_true (at_sd_vae_encode (enc, chw, SIZE, SIZE, moments, &error));
  for (guint i = 0; i < 4 * L * L; i++)
    start[i] = moments[i] * AT_SD_LATENT_SCALE;
  /* 4 steps at 0.5: the last int(0.5 · 4) + 1 = 3 run */
  AtSdGenerateParams params = { .cfg_scale = 1, .sampler = AT_SD_SAMPLER_EULER, .sigmas = AT_SD_SIGMAS_DEFAULT,
                                .steps = 4, .seed = 3, .init_latent = start, .first_step = 1 };
  g_assert_cmpuint (at_sd_img2img_first_step (4, 0.5f), ==, 1);
  float image[3 * SIZE * SIZE];
  library_image (&lib, "a boat", "", 1, &params, image);
  assert_png_is (out, image, "Sampler: Euler, CFG scale: 1, Seed: 3, Size: 64x64, Model: tiny, Denoising strength: 0.5");
  g_clear_pointer (&enc, at_sd_vae_encoder_free);
  library_close (&lib);
}

/* The estimate holds what a run takes, and refuses a small device. */
static void
test_memory (void)
{
  Library lib = { 0 };
  guint64 before, peak, reserved;
  at_gpu_get_memory_usage (test_gpu (), &before, &peak, &reserved);
  library_open (&lib);
  AtSdGenerateParams params = { .cfg_scale = 7, .sampler = AT_SD_SAMPLER_EULER, .steps = 1, .seed = 1 };
  float image[3 * SIZE * SIZE];
  library_image (&lib, "a house", "", 1, &params, image);
  guint64 now;
  at_gpu_get_memory_usage (test_gpu (), &now, &peak, &reserved);
  AtSdMemory m;
  at_sd_memory_estimate (&lib.arch, SIZE, TRUE, &m);
  g_test_message ("measured peak %" G_GUINT64_FORMAT " B above %" G_GUINT64_FORMAT "; estimate weights %"
                  G_GUINT64_FORMAT " + working %" G_GUINT64_FORMAT, peak - before, before, m.weights, m.working);
  g_assert_cmpuint (m.weights + m.working, >=, peak - before);
  g_assert_cmpuint (m.weights + m.working, <=, 4 * (peak - before));

  g_autoptr (GError) error = NULL;
  g_assert_true (at_sd_memory_fits (&lib.arch, SIZE, TRUE, m.weights + m.working, "big", &error));
  g_assert_false (at_sd_memory_fits (&lib.arch, SIZE, TRUE, m.weights + m.working - 1, "small", &error));
  g_assert_error (error, AT_GPU_ERROR, AT_GPU_ERROR_OUT_OF_MEMORY);
  g_autofree char *need = g_format_size (m.weights + m.working);
  g_assert_nonnull (strstr (error->message, need));
  g_assert_nonnull (strstr (error->message, "small has"));
  library_close (&lib);
}

static void
refused (const char *out, const char *needle, ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (gpointer) g_getenv ("ATELIER_BIN"));
  g_ptr_array_add (argv, "generate");
  va_list ap;
  va_start (ap, needle);
  for (const char *a; (a = va_arg (ap, const char *)) != NULL;)
    g_ptr_array_add (argv, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (argv, "-o");
  g_ptr_array_add (argv, (gpointer) out);
  g_ptr_array_add (argv, NULL);
  g_autofree char *errs = NULL;
  int wait_status;
  g_autoptr (GError) error = NULL;
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &errs,
                &wait_status, &error);
  g_assert_no_error (error);
  g_test_message ("%s", errs);
  g_assert_cmpint (WEXITSTATUS (wait_status), ==, 2);
  if (strstr (errs, needle) == NULL || strchr (errs, '\n') != errs + strlen (errs) - 1)
    g_error ("\"%s\" is not one line naming \"%s\"", errs, needle);
  g_autofree char *kept = NULL;
  g_assert_true (g_file_get_contents (out, &kept, NULL, NULL));
  g_assert_cmpstr (kept, ==, "keep");
}

static void
test_bad_input (void)
{
  g_autofree char *out = test_tmp_path ("kept.png");
  test_write_bytes (out, "keep", 4);
  g_autofree char *text = test_tmp_path ("notes.safetensors");
  test_write_bytes (text, "not a model at all", 18);
  refused (out, "not safetensors", "--model", text, "-p", "x", NULL);
  refused (out, "no model called \"nosuch\"", "--model", "nosuch", "-p", "x", NULL);
  refused (out, "multiple of 64", "--model", model, "-p", "x", "--size", "100", NULL);
  refused (out, "steps must be 1 to 1000", "--model", model, "-p", "x", "--steps", "0", NULL);
  refused (out, "unknown sampler \"heun\"", "--model", model, "-p", "x", "--sampler", "heun", NULL);
  refused (out, "--strength needs --init", "--model", model, "-p", "x", "--strength", "0.5", NULL);
  g_autoptr (AtImage) grey = at_image_new (SIZE, SIZE, 3);
  g_autofree char *init = test_tmp_path ("grey.png");
  g_autoptr (GError) error = NULL;
  g_assert_true (at_image_save_png (grey, init, NULL, NULL, &error));
  refused (out, "strength must be above 0", "--model", model, "-p", "x", "--init", init, "--strength", "0", NULL);
  refused (out, "not a PNG image", "--model", model, "-p", "x", "--init", text, NULL);
  refused (out, "--voice is not used with --model", "--model", model, "-p", "x", "--voice", out, NULL);
  refused (out, "--prediction must be eps or v", "--model", model, "-p", "x", "--prediction", "x0", NULL);
  refused (out, "--prediction is for --model", "-p", "x", "--prediction", "v", NULL);
}

/* A 128-px white sheet with a black ring and a bar (any size works: the
 * hint is resized to the run's). */
static char *
write_sketch (void)
{
  guint side = 2 * SIZE;
  g_autoptr (AtImage) img = at_image_new (side, side, 3);
  for (guint y = 0; y < side; y++)
    for (guint x = 0; x < side; x++)
      {
        double r = hypot ((double) x - 64.0, (double) y - 60.0);
        gboolean ink = fabs (r - 36.0) < 4.0 || (y > 100 && y < 108 && x > 20 && x < 108);
        memset (img->pixels + ((gsize) y * side + x) * 3, ink ? 0 : 255, 3);
      }
  char *path = test_tmp_path ("sketch.png");
  g_autoptr (GError) error = NULL;
  g_assert_true (at_image_save_png (img, path, NULL, NULL, &error));
  g_assert_no_error (error);
  return path;
}

/* The library's image of "a cat" (2 Euler steps, guidance 2, seed 5) on
 * model_768 with the ControlNet at cn_path (NULL: none, and nothing of
 * it loaded) at strength on sketch's hint, and without it into plain
 * (NULL: not made). */
static void
library_controlled (const char *cn_path, const char *sketch_path, float strength, float *image, float *plain)
{
  g_autoptr (GError) error = NULL;
  Library lib = { 0 };
  library_open_path (&lib, model_768);
  g_autoptr (AtSdCheckpoint) cn_file = NULL;
  g_autoptr (AtSdControlNet) cn = NULL;
  g_autofree float *hint = NULL;
  AtSdControl control = { NULL, NULL, strength };
  AtSdGenerateParams params = { .cfg_scale = 2, .sampler = AT_SD_SAMPLER_EULER, .sigmas = AT_SD_SIGMAS_DEFAULT,
                                .steps = 2, .seed = 5 };
  if (cn_path != NULL)
    {
      cn_file = at_sd_checkpoint_open (cn_path, AT_SD_PREDICTION_AUTO, &error);
      g_assert_no_error (error);
      cn = at_sd_controlnet_new_for_checkpoint (test_gpu (), cn_file, &error);
      g_assert_no_error (error);
      g_autoptr (AtImage) sketch = at_image_load (sketch_path, &error);
      g_assert_no_error (error);
      control.net = cn;
      control.hint = hint = at_sd_scribble_hint (sketch, L, L);
      params.control = &control;
    }
  library_image (&lib, "a cat", "", 1, &params, image);
  if (plain != NULL)
    {
      params.control = NULL;
      library_image (&lib, "a cat", "", 1, &params, plain);
    }
  g_clear_pointer (&cn, at_sd_controlnet_free);
  library_close (&lib);
}

/* The ControlNet added to the library and used by name: the PNG is the
 * library's controlled image, and the ControlNet changed it. */
static void
test_controlnet (void)
{
  g_autofree char *errs = NULL;
  generate (0, NULL, "models", "add", controlnet, NULL);
  g_autofree char *sketch = write_sketch ();
  g_autofree char *out = test_tmp_path ("cat.png");
  generate (0, &errs, "generate", "--model", model_768, "--controlnet", "scribble-tiny", "--sketch", sketch,
            "--control-strength", "0.8", "-p", "a cat", "--size", "64", "--steps", "2", "--sampler", "euler",
            "--guidance", "2", "--seed", "5", "-o", out, NULL);
  g_assert_nonnull (strstr (errs, "ControlNet scribble-tiny"));
  float image[3 * SIZE * SIZE], plain[3 * SIZE * SIZE];
  library_controlled (controlnet, sketch, 0.8f, image, plain);
  assert_png_is (out, image, "Model: tiny-768, ControlNet 0: \"Module: scribble, Model: scribble-tiny, Weight: 0.8\"");
  double moved = 0;
  for (guint i = 0; i < 3 * SIZE * SIZE; i++)
    moved = MAX (moved, fabs (image[i] - plain[i]));
  g_test_message ("max |controlled - plain| %.4f", moved);
  g_assert_cmpfloat (moved, >, 20 * PNG_TOLERANCE);
}

/* `models list` names the ControlNet's kind. */
static void
test_controlnet_listed (void)
{
  g_autofree char *out = NULL;
  const char *argv[] = { g_getenv ("ATELIER_BIN"), "models", "list", NULL };
  int wait_status;
  g_autoptr (GError) error = NULL;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL, &wait_status,
                &error);
  g_assert_no_error (error);
  g_test_message ("%s", out);
  g_assert_true (WIFEXITED (wait_status) && WEXITSTATUS (wait_status) == 0);
  g_auto (GStrv) lines = g_strsplit (out, "\n", -1);
  gboolean found = FALSE;
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "scribble-tiny "))
      found = strstr (lines[i], "ControlNet (SD 1.x)") != NULL && strstr (lines[i], "epsilon") == NULL;
  g_assert_true (found);
}

/* What the estimate adds for the ControlNet holds what a controlled run
 * takes beyond a plain one. A subprocess: its device's peak is these
 * runs' alone. */
static void
test_controlnet_memory (void)
{
  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }
  guint64 before, plain_peak, peak, reserved, now;
  g_autofree char *sketch = write_sketch ();
  float image[3 * SIZE * SIZE];
  at_gpu_get_memory_usage (test_gpu (), &before, &peak, &reserved);
  library_controlled (NULL, sketch, 1.0f, image, NULL);
  at_gpu_get_memory_usage (test_gpu (), &now, &plain_peak, &reserved);
  library_controlled (controlnet, sketch, 1.0f, image, NULL);
  at_gpu_get_memory_usage (test_gpu (), &now, &peak, &reserved);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtSdCheckpoint) m = at_sd_checkpoint_open (model_768, AT_SD_PREDICTION_AUTO, &error);
  g_autoptr (AtSdCheckpoint) c = at_sd_checkpoint_open (controlnet, AT_SD_PREDICTION_AUTO, &error);
  g_assert_no_error (error);
  AtSdMemory est, plain;
  at_sd_memory_estimate (at_sd_checkpoint_get_arch (m), SIZE, TRUE, &plain);
  est = plain;
  at_sd_memory_add_control (at_sd_checkpoint_get_arch (c), SIZE, TRUE, &est);
  guint64 added = est.weights + est.working - plain.weights - plain.working;
  g_test_message ("peak above %" G_GUINT64_FORMAT " B: plain %" G_GUINT64_FORMAT ", controlled %" G_GUINT64_FORMAT
                  "; the estimate: plain %" G_GUINT64_FORMAT ", the ControlNet adds %" G_GUINT64_FORMAT, before,
                  plain_peak - before, peak - before, plain.weights + plain.working, added);
  g_assert_cmpuint (peak, >, plain_peak);
  g_assert_cmpuint (plain.weights + plain.working, >=, plain_peak - before);   /* its text tower is the largest stage */
  g_assert_cmpuint (added, >=, peak - plain_peak);
  g_assert_cmpuint (added, <=, 8 * (peak - plain_peak));
  g_assert_false (at_sd_memory_fits_controlled (at_sd_checkpoint_get_arch (m), at_sd_checkpoint_get_arch (c), SIZE,
                                                TRUE, est.weights + est.working - 1, "small", &error));
  g_assert_error (error, AT_GPU_ERROR, AT_GPU_ERROR_OUT_OF_MEMORY);
  g_assert_nonnull (strstr (error->message, "with its ControlNet"));
}

static void
test_controlnet_refused (void)
{
  g_autofree char *out = test_tmp_path ("kept-cn.png");
  test_write_bytes (out, "keep", 4);
  g_autofree char *sketch = write_sketch ();
  refused (out, "--controlnet needs --sketch", "--model", model_768, "-p", "x", "--controlnet", controlnet, NULL);
  refused (out, "is not a ControlNet (it holds an SD 1.x model)", "--model", model_768, "-p", "x", "--controlnet",
           model, "--sketch", sketch, NULL);
  refused (out, "scribble-wide does not fit this SD 1.x model: it was made for a UNet of 64 channels", "--model",
           model_768, "-p", "x", "--controlnet", controlnet_wide, "--sketch", sketch, NULL);
  refused (out, "with 768-wide text attention, this one has 32 and 64", "--model", model, "-p", "x",
           "--controlnet", controlnet, "--sketch", sketch, NULL);
  refused (out, "--control-strength must be from 0 to 2", "--model", model_768, "-p", "x", "--controlnet",
           controlnet, "--sketch", sketch, "--control-strength", "3", NULL);
  refused (out, "--control-strength needs --controlnet", "--model", model_768, "-p", "x", "--control-strength", "1",
           NULL);
  refused (out, "--strength needs --init with --controlnet", "--model", model_768, "-p", "x", "--controlnet",
           controlnet, "--sketch", sketch, "--strength", "0.5", NULL);
  refused (out, "--controlnet and --control-strength are for --model", "-p", "x", "--controlnet", controlnet, NULL);
  refused (out, "is a ControlNet, which guides a model", "--model", controlnet, "-p", "x", NULL);
  refused (out, "no model called \"nosuch\"", "--model", model_768, "-p", "x", "--controlnet", "nosuch", "--sketch",
           sketch, NULL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_autofree char *data = test_tmp_path ("data");
  g_setenv ("XDG_DATA_HOME", data, TRUE);
  /* a subprocess (test_controlnet_memory) reads the parent's files */
  const char *dir = g_test_subprocess () ? g_getenv (FILES_ENV) : test_tmp_dir ();
  g_assert_nonnull (dir);
  model = g_build_filename (dir, "tiny.safetensors", NULL);
  model_768 = g_build_filename (dir, "tiny-768.safetensors", NULL);
  controlnet = g_build_filename (dir, "scribble-tiny.safetensors", NULL);
  controlnet_wide = g_build_filename (dir, "scribble-wide.safetensors", NULL);
  if (!g_test_subprocess ())
    {
      sd_tiny_write (model);
      sd_tiny_write_768 (model_768);
      sd_tiny_write_controlnet (controlnet, 32);
      sd_tiny_write_controlnet (controlnet_wide, 64);
      g_setenv (FILES_ENV, dir, TRUE);
    }
  g_test_add_func ("/cli/sd-generate/memory", test_memory);
  g_test_add_func ("/cli/sd-generate/text-to-image", test_text_to_image);
  g_test_add_func ("/cli/sd-generate/long-prompt", test_long_prompt);
  g_test_add_func ("/cli/sd-generate/image-to-image", test_image_to_image);
  g_test_add_func ("/cli/sd-generate/bad-input", test_bad_input);
  g_test_add_func ("/cli/sd-generate/controlnet", test_controlnet);
  g_test_add_func ("/cli/sd-generate/controlnet-listed", test_controlnet_listed);
  g_test_add_func ("/cli/sd-generate/controlnet-memory", test_controlnet_memory);
  g_test_add_func ("/cli/sd-generate/controlnet-refused", test_controlnet_refused);
  int status = g_test_run ();
  g_free (model);
  g_free (model_768);
  g_free (controlnet);
  g_free (controlnet_wide);
  return status;
}
