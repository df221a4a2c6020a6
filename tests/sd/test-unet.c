/* test-unet.c — SD's UNet on the engine against the original code (ldm's
 * UNetModel: CompVis' for SD 1.x, Stability-AI's with linear projections
 * and heads of fixed size for SD 2.x).
 *
 * tests/data/sd/unet-sd{1,2}-golden.safetensors (tools/sd/make-unet-golden.py)
 * hold the timesteps, the reference's output for a batch of two 8×8
 * latents and 77-token contexts, and the names and shapes of the weights
 * of a reduced UNet (model_channels 32, channel_mult 1,2,2, two ResBlocks
 * a level, transformers at levels 0 and 1, context 32). Latents, contexts
 * and weights are generated from their names exactly as the script
 * generated them (sd-fill.h), the weights written to a checkpoint and
 * loaded through the SD loader.
 * Tolerance: fp32 through ~60 layers (3×3 convolutions of up to 1152
 * terms, attention, norms), outputs of scale ~0.3. Measured on lavapipe:
 * NSE 2e-12, max_abs 1.3e-6; allowed NSE 1e-10, max_abs 5e-5 (other
 * devices sum in other orders).
 */
#include "sd/sd-detect.h"
#include "sd/unet.h"
#include "sd-fill.h"
#include "test-util.h"

#define MAX_NSE 1e-10
#define MAX_ABS 5e-5
#define BATCH 2
#define SIDE 8
#define CONTEXT_LEN 77
#define CONTEXT_DIM 32

static const AtSdUnetShape sd1_reduced = { 4, 4, 32, 3, { 1, 2, 2 }, 2, 0x3, 2, 0, CONTEXT_DIM, 0 };
static const AtSdUnetShape sd2_reduced = { 4, 4, 32, 3, { 1, 2, 2 }, 2, 0x3, 0, 16, CONTEXT_DIM, 0 };
/* heads of 16 and 32 channels, the 32s past a fused limit of 16: the
 * matmul path SD 1.x's heads of 160 take */
static const AtSdUnetShape sd1_unfused = { 4, 4, 32, 3, { 1, 2, 2 }, 2, 0x3, 2, 0, CONTEXT_DIM, 16 };

static void
run_golden (const char *golden_name, const AtSdUnetShape *shape)
{
  g_autoptr (GError) error = NULL;
  AtSafetensors *weights;
  AtSafetensors *golden = sd_fill_open_golden (golden_name, "unet.safetensors", &weights);

  g_autofree float *t = NULL, *want = NULL;
  gsize nt, nout, nx, nc;
  g_assert_true (at_safetensors_get_f32 (golden, "timesteps", 1, (gint64[]) { BATCH }, &t, &nt, &error));
  g_assert_true (at_safetensors_get_f32 (golden, "out", 4, (gint64[]) { BATCH, 4, SIDE, SIDE }, &want, &nout,
                                         &error));
  g_autofree float *x = sd_fill ("x", 4, (gint64[]) { BATCH, 4, SIDE, SIDE }, &nx);
  g_autofree float *context = sd_fill ("context", 3, (gint64[]) { BATCH, CONTEXT_LEN, CONTEXT_DIM }, &nc);

  g_autoptr (AtSdUnet) u = at_sd_unet_new (test_gpu (), weights, "", shape, &error);
  g_assert_no_error (error);
  g_autofree float *got = g_new (float, nout);
  g_assert_true (at_sd_unet_forward (u, x, BATCH, SIDE, SIDE, t, context, CONTEXT_LEN, got, &error));
  g_assert_no_error (error);
  test_assert_close (golden_name, got, want, nout, MAX_NSE, MAX_ABS);

  /* sides must halve twice */
  g_assert_false (at_sd_unet_forward (u, x, BATCH, 6, 8, t, context, CONTEXT_LEN, got, &error));
  g_assert_error (error, AT_SD_ERROR, AT_SD_ERROR_MISMATCH);
  g_clear_error (&error);

  /* the real SD configuration asks for tensors this file lacks */
  AtSdUnetShape real;
  at_sd_unet_shape_for (&(AtSdUnetConfig) { 4, 4, 320, 768, FALSE }, &real);
  g_assert_null (at_sd_unet_new (test_gpu (), weights, "", &real, &error));
  g_assert_nonnull (error);
  g_clear_pointer (&u, at_sd_unet_free);   /* before the file it borrows */
  at_safetensors_free (weights);
  at_safetensors_free (golden);
}

static void
test_sd1 (void)
{
  run_golden ("unet-sd1-golden.safetensors", &sd1_reduced);
}

static void
test_sd2 (void)
{
  run_golden ("unet-sd2-golden.safetensors", &sd2_reduced);
}

static void
test_sd1_unfused (void)
{
  run_golden ("unet-sd1-golden.safetensors", &sd1_unfused);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sd/unet/sd1", test_sd1);
  g_test_add_func ("/sd/unet/sd1-unfused", test_sd1_unfused);
  g_test_add_func ("/sd/unet/sd2", test_sd2);
  return g_test_run ();
}
