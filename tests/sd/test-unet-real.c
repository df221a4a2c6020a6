/* test-unet-real.c — the real SD 1.5 and SD 2.1 UNets (860 M parameters
 * each) on the engine against ldm's, for one 8×8 latent at timestep 981:
 * tests/data/sd/unet-sd15-golden.safetensors and unet-sd21-golden
 * (tools/sd/make-unet-golden.py --variant sd15 / sd21) hold the output and
 * the weights' names; the weights (3.4 GB a model) are generated from the
 * names (sd-fill.h) into the scratch folder. This covers what the reduced
 * goldens cannot: heads of 160 (SD 1.5's deepest levels, past the fused
 * attention kernel), heads of 64 at 5–20 a level, context widths of 768
 * and 1024, and the shapes at_sd_unet_shape_for() derives.
 * Slow and memory-hungry, so it runs only when asked: -m thorough
 * (meson test -C build unet-real --test-args '-m thorough').
 * Tolerance: as test-unet.c but through ~4× wider convolutions: NSE 1e-9,
 * max_abs 2e-4.
 */
#include "sd/unet.h"
#include "sd-fill.h"
#include "test-util.h"

#include <glib/gstdio.h>

#define MAX_NSE 1e-9
#define MAX_ABS 2e-4
#define CONTEXT_LEN 77

static void
run_real (const char *golden_name, const AtSdUnetConfig *config)
{
  if (!g_test_thorough ())
    {
      g_test_skip ("generates 3.4 GB of weights: run with -m thorough");
      return;
    }
  g_autoptr (GError) error = NULL;
  AtSafetensors *weights;
  AtSafetensors *golden = sd_fill_open_golden (golden_name, "unet-real.safetensors", &weights);
  AtSdUnetShape shape;
  at_sd_unet_shape_for (config, &shape);
  g_autoptr (AtSdUnet) u = at_sd_unet_new (test_gpu (), weights, "", &shape, &error);
  g_assert_no_error (error);

  g_autofree float *t = NULL, *want = NULL;
  gsize nt, nout, nx, nc;
  g_assert_true (at_safetensors_get_f32 (golden, "timesteps", 1, (gint64[]) { 1 }, &t, &nt, &error));
  g_assert_true (at_safetensors_get_f32 (golden, "out", 4, (gint64[]) { 1, 4, 8, 8 }, &want, &nout, &error));
  g_autofree float *x = sd_fill ("x", 4, (gint64[]) { 1, 4, 8, 8 }, &nx);
  g_autofree float *context = sd_fill ("context", 3, (gint64[]) { 1, CONTEXT_LEN, config->context_dim }, &nc);
  g_autofree float *got = g_new (float, nout);
  g_assert_true (at_sd_unet_forward (u, x, 1, 8, 8, t, context, CONTEXT_LEN, got, &error));
  g_assert_no_error (error);
  test_assert_close (golden_name, got, want, nout, MAX_NSE, MAX_ABS);
  g_clear_pointer (&u, at_sd_unet_free);
  g_autofree char *wpath = g_strdup (at_safetensors_get_path (weights));
  at_safetensors_free (weights);
  at_safetensors_free (golden);
  g_unlink (wpath);
}

static void
test_sd15 (void)
{
  run_real ("unet-sd15-golden.safetensors", &(AtSdUnetConfig) { 4, 4, 320, 768, FALSE });
}

static void
test_sd21 (void)
{
  run_real ("unet-sd21-golden.safetensors", &(AtSdUnetConfig) { 4, 4, 320, 1024, TRUE });
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sd/unet-real/sd15", test_sd15);
  g_test_add_func ("/sd/unet-real/sd21", test_sd21);
  return g_test_run ();
}
