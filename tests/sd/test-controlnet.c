/* test-controlnet.c — cldm's ControlNet and ControlledUnetModel on the
 * engine against the original code, the loader on the real
 * ControlNet-scribble checkpoint's tensors, and the scribble hint.
 *
 * Golden: tests/data/sd/controlnet-golden.safetensors
 * (tools/sd/make-controlnet-golden.py) holds the timesteps, the 10
 * residuals of a reduced ControlNet (model_channels 32, channel_mult
 * 1,2,2, as test-unet.c's SD 1.x UNet, full-width hint encoder) for a
 * batch of two 8×8 latents and one 64×64 hint, the controlled UNet's
 * output with the residuals scaled by 0.7, and the names and shapes of
 * both networks' weights, which are generated from their names
 * (sd-fill.h) into one checkpoint (control_model.*,
 * model.diffusion_model.*) and loaded through the SD loaders.
 * Tolerance: as test-unet.c (fp32 through ~60 layers): NSE 1e-10,
 * max_abs 5e-5; measured on lavapipe: NSE 3e-12 at most (residuals and
 * the controlled output).
 *
 * Golden SD 2.x: tests/data/sd/controlnet-sd2-golden.safetensors
 * (make-controlnet-golden.py --variant sd2) holds the same for both
 * networks built as cldm_v21.yaml builds them (heads of 16 channels
 * rather than 2 heads, linear proj_in/out), same inputs and tolerance.
 *
 * Manifest: every tensor of tests/data/sd/cn-scribble.manifest.gz
 * (the real ControlNet-scribble file as cldm builds it) and of
 * cn-sd21.manifest.gz (cldm_v21.yaml's ControlNet) is taken by the
 * loader, checked without uploading (gpu NULL), in the original layout
 * and with the prefix stripped as extracted files have it; a missing or
 * misshapen tensor is refused naming it.
 *
 * Real: tests/data/sd/controlnet-sd15-golden.safetensors
 * (make-controlnet-golden.py --variant sd15) holds the 13 residuals of
 * the real cldm_v15.yaml ControlNet (361 M parameters: heads of 40 to 160,
 * context 768) for one 8×8 latent and 64×64 hint; its weights (1.4 GB)
 * are generated into the scratch folder, so it runs only when asked
 * (-m thorough). Tolerance as test-unet-real.c: NSE 1e-9, max_abs 2e-4;
 * measured on lavapipe: NSE 2e-11 at most.
 *
 * Hint: a sketch whose strokes' fate is known by construction (opaque,
 * light, coloured, half-transparent, on a transparent canvas, at the
 * hint's size and at twice it) against the reference front end's rule.
 */
#include <string.h>

#include <glib/gstdio.h>

#include "sd-fill.h"
#include "sd-manifest.h"
#include "sd/controlnet.h"
#include "sd/sd-hint.h"
#include "test-util.h"

#define MAX_NSE 1e-10
#define MAX_ABS 5e-5
#define BATCH 2
#define SIDE 8
#define CONTEXT_LEN 77
#define CONTEXT_DIM 32
#define HINT_SIDE (SIDE * AT_SD_CONTROL_HINT_FACTOR)
#define REAL_NSE 1e-9
#define REAL_ABS 2e-4

static const AtSdUnetShape reduced = { 4, 4, 32, 3, { 1, 2, 2 }, 2, 0x3, 2, 0, CONTEXT_DIM, 0 };
/* cldm_v21.yaml's layout at the same widths: heads of 16, linear projections */
static const AtSdUnetShape reduced_sd2 = { 4, 4, 32, 3, { 1, 2, 2 }, 2, 0x3, 0, 16, CONTEXT_DIM, 0 };

static double
nse (const float *got, const float *want, gsize n)
{
  double err = 0, ref = 0;
  for (gsize i = 0; i < n; i++)
    {
      err += ((double) got[i] - want[i]) * ((double) got[i] - want[i]);
      ref += (double) want[i] * want[i];
    }
  return err / ref;
}

static float *
golden_get (AtSafetensors *golden, const char *name, gsize *n)
{
  g_autoptr (GError) error = NULL;
  const AtSafetensorsInfo *info = at_safetensors_require (golden, name, &error);
  g_assert_no_error (error);
  float *v = NULL;
  g_assert_true (at_safetensors_get_f32 (golden, name, info->ndim, info->shape, &v, n, &error));
  g_assert_no_error (error);
  return v;
}

/* The ControlNet's residuals against the golden's "control.I". */
static void
assert_residuals (AtSdControlNet *cn, AtSafetensors *golden, guint batch, const float *x, const float *t,
                  const float *context, const float *hint, double max_nse, double max_abs)
{
  g_autoptr (GError) error = NULL;
  guint nr = at_sd_controlnet_n_residuals (cn);
  g_autofree float **res = g_new0 (float *, nr);
  g_autofree float **want = g_new0 (float *, nr);
  g_autofree gsize *n = g_new0 (gsize, nr);
  for (guint i = 0; i < nr; i++)
    {
      g_autofree char *name = g_strdup_printf ("control.%u", i);
      want[i] = golden_get (golden, name, &n[i]);
      res[i] = g_new (float, n[i]);
    }
  g_assert_true (at_sd_controlnet_forward (cn, x, batch, SIDE, SIDE, t, context, CONTEXT_LEN, hint, res, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < nr; i++)
    {
      g_autofree char *what = g_strdup_printf ("residual %u", i);
      g_test_message ("%s: NSE %.3g", what, nse (res[i], want[i], n[i]));
      test_assert_close (what, res[i], want[i], n[i], max_nse, max_abs);
      g_free (res[i]);
      g_free (want[i]);
    }
}

static void
run_golden (const char *golden_name, const AtSdUnetShape *shape)
{
  g_autoptr (GError) error = NULL;
  AtSafetensors *weights;
  AtSafetensors *golden = sd_fill_open_golden (golden_name, "controlnet.safetensors", &weights);

  gsize n, nx, nc, nh;
  g_autofree float *t = golden_get (golden, "timesteps", &n);
  g_autofree float *strength = golden_get (golden, "strength", &n);
  g_autofree float *want = golden_get (golden, "out", &n);
  g_autofree float *x = sd_fill ("x", 4, (gint64[]) { BATCH, 4, SIDE, SIDE }, &nx);
  g_autofree float *context = sd_fill ("context", 3, (gint64[]) { BATCH, CONTEXT_LEN, CONTEXT_DIM }, &nc);
  g_autofree float *hint = sd_fill ("hint", 4, (gint64[]) { 1, 3, HINT_SIDE, HINT_SIDE }, &nh);

  g_autoptr (AtSdControlNet) cn = at_sd_controlnet_new (test_gpu (), weights, "control_model.", shape, &error);
  g_assert_no_error (error);
  g_autoptr (AtSdUnet) u = at_sd_unet_new (test_gpu (), weights, "model.diffusion_model.", shape, &error);
  g_assert_no_error (error);

  /* the residuals: 9 input blocks and the middle block */
  guint nr = at_sd_controlnet_n_residuals (cn);
  g_assert_cmpuint (nr, ==, 10);
  assert_residuals (cn, golden, BATCH, x, t, context, hint, MAX_NSE, MAX_ABS);

  /* the controlled UNet; without control it must differ */
  g_autofree float *got = g_new (float, n);
  AtSdControl control = { cn, hint, strength[0] };
  g_assert_true (at_sd_unet_forward_controlled (u, x, BATCH, SIDE, SIDE, t, context, CONTEXT_LEN, &control, got,
                                                &error));
  g_assert_no_error (error);
  g_test_message ("controlled UNet: NSE %.3g", nse (got, want, n));
  test_assert_close ("controlled UNet", got, want, n, MAX_NSE, MAX_ABS);
  g_assert_true (at_sd_unet_forward (u, x, BATCH, SIDE, SIDE, t, context, CONTEXT_LEN, got, &error));
  g_assert_cmpfloat (nse (got, want, n), >, 1e-3);

  /* no hint, or sides the levels cannot halve: refused */
  control.hint = NULL;
  g_assert_false (at_sd_unet_forward_controlled (u, x, BATCH, SIDE, SIDE, t, context, CONTEXT_LEN, &control, got,
                                                 &error));
  g_assert_error (error, AT_SD_ERROR, AT_SD_ERROR_MISMATCH);
  g_clear_error (&error);
  float *none[1] = { NULL };   /* refused before anything is written */
  g_assert_false (at_sd_controlnet_forward (cn, x, BATCH, 6, SIDE, t, context, CONTEXT_LEN, hint, none, &error));
  g_assert_error (error, AT_SD_ERROR, AT_SD_ERROR_MISMATCH);
  g_clear_error (&error);

  /* the file against a ControlNet of another context width: refused */
  AtSdUnetShape wide = *shape;
  wide.context_dim = 16;
  g_autoptr (AtSdControlNet) other = at_sd_controlnet_new (NULL, weights, "control_model.", &wide, &error);
  g_assert_null (other);
  g_assert_error (error, AT_SD_ERROR, AT_SD_ERROR_MISMATCH);
  g_clear_error (&error);

  g_clear_pointer (&cn, at_sd_controlnet_free);   /* before the file they borrow */
  g_clear_pointer (&u, at_sd_unet_free);
  at_safetensors_free (weights);
  at_safetensors_free (golden);
}

static void
test_golden (void)
{
  run_golden ("controlnet-golden.safetensors", &reduced);
}

static void
test_golden_sd2 (void)
{
  run_golden ("controlnet-sd2-golden.safetensors", &reduced_sd2);
}

static void
test_real (void)
{
  if (!g_test_thorough ())
    {
      g_test_skip ("generates 1.4 GB of weights: run with -m thorough");
      return;
    }
  g_autoptr (GError) error = NULL;
  AtSafetensors *weights;
  AtSafetensors *golden = sd_fill_open_golden ("controlnet-sd15-golden.safetensors", "controlnet-real.safetensors", &weights);
  AtSdUnetShape shape;
  at_sd_unet_shape_for (&(AtSdUnetConfig) { 4, 4, 320, 768, FALSE }, &shape);
  g_autoptr (AtSdControlNet) cn = at_sd_controlnet_new (test_gpu (), weights, "control_model.", &shape, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (at_sd_controlnet_n_residuals (cn), ==, 13);
  gsize n;
  g_autofree float *t = golden_get (golden, "timesteps", &n);
  g_autofree float *x = sd_fill ("x", 4, (gint64[]) { 1, 4, SIDE, SIDE }, &n);
  g_autofree float *context = sd_fill ("context", 3, (gint64[]) { 1, CONTEXT_LEN, 768 }, &n);
  g_autofree float *hint = sd_fill ("hint", 4, (gint64[]) { 1, 3, HINT_SIDE, HINT_SIDE }, &n);
  assert_residuals (cn, golden, 1, x, t, context, hint, REAL_NSE, REAL_ABS);
  g_clear_pointer (&cn, at_sd_controlnet_free);
  g_autofree char *wpath = g_strdup (at_safetensors_get_path (weights));
  at_safetensors_free (weights);
  at_safetensors_free (golden);
  g_unlink (wpath);
}

static void
strip_prefix (SdManifest *m, const char *prefix)
{
  for (guint i = 0; i < m->infos->len; i++)
    {
      AtSafetensorsInfo *info = m->infos->pdata[i];
      g_assert_true (g_str_has_prefix (info->name, prefix));
      char *name = (char *) info->name;   /* owned by the manifest (sd-manifest.h) */
      memmove (name, name + strlen (prefix), strlen (name) - strlen (prefix) + 1);
    }
}

/* Through at_sd_checkpoint_open (the detector) and the loader, checking only. */
static guint
check_manifest_file (const SdManifest *m, const char *file_name)
{
  g_autofree char *path = test_tmp_path (file_name);
  sd_manifest_write_sparse (m, path, NULL, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtSdCheckpoint) ckpt = at_sd_checkpoint_open (path, AT_SD_PREDICTION_AUTO, &error);
  g_assert_no_error (error);
  g_autoptr (AtSdControlNet) cn = at_sd_controlnet_new_for_checkpoint (NULL, ckpt, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (at_sd_controlnet_n_residuals (cn), ==, 13);
  return at_sd_controlnet_n_tensors (cn);
}

/* The loader alone (no detector) on m with one change: refused, naming the tensor. */
static void
assert_loader_refuses (const SdManifest *m, const char *name)
{
  g_autofree char *path = test_tmp_path ("cn-bad.safetensors");
  sd_manifest_write_sparse (m, path, NULL, NULL);
  g_autoptr (GError) error = NULL;
  AtSafetensors *file = at_safetensors_open (path, &error);
  g_assert_no_error (error);
  AtSdUnetShape shape;
  at_sd_unet_shape_for (&(AtSdUnetConfig) { 4, 4, 320, 768, FALSE }, &shape);
  g_assert_null (at_sd_controlnet_new (NULL, file, "control_model.", &shape, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, name));
  at_safetensors_free (file);
}

static void
test_manifest (void)
{
  g_autoptr (SdManifest) m = sd_manifest_load ("cn-scribble");
  g_assert_cmpuint (check_manifest_file (m, "cn-scribble.safetensors"), ==, m->infos->len);
  g_autoptr (SdManifest) bare = sd_manifest_copy (m);
  strip_prefix (bare, "control_model.");
  g_assert_cmpuint (check_manifest_file (bare, "cn-bare.safetensors"), ==, m->infos->len);

  const char *zero = "control_model.zero_convs.11.0.weight";
  g_autoptr (SdManifest) missing = sd_manifest_copy (m);
  g_assert_cmpuint (sd_manifest_remove_prefix (missing, zero), ==, 1);
  assert_loader_refuses (missing, zero);
  const char *hint = "control_model.input_hint_block.14.weight";
  g_autoptr (SdManifest) misshapen = sd_manifest_copy (m);
  AtSafetensorsInfo *info = sd_manifest_find (misshapen, hint);
  info->shape[0] = 256;   /* [256, 320, 3, 3] for [320, 256, 3, 3]: the same bytes */
  info->shape[1] = 320;
  assert_loader_refuses (misshapen, hint);

  /* SD 2.1's (cldm_v21.yaml): linear proj_in/out, context 1024 */
  g_autoptr (SdManifest) sd21 = sd_manifest_load ("cn-sd21");
  g_assert_cmpuint (check_manifest_file (sd21, "cn-sd21.safetensors"), ==, sd21->infos->len);
  g_autoptr (SdManifest) sd21_bare = sd_manifest_copy (sd21);
  strip_prefix (sd21_bare, "control_model.");
  g_assert_cmpuint (check_manifest_file (sd21_bare, "cn-sd21-bare.safetensors"), ==, sd21->infos->len);
}

/* A sketch of known strokes on a transparent canvas of scale × the hint's size. */
static AtImage *
stroke_sketch (guint scale)
{
  AtImage *img = at_image_new (HINT_SIDE * scale, HINT_SIDE * scale, 4);   /* transparent */
  static const guint8 inks[][4] = {
    { 0, 0, 0, 255 },       /* black: a line */
    { 200, 200, 200, 255 }, /* light grey: background */
    { 150, 20, 20, 255 },   /* dark red (min 20): a line */
    { 0, 0, 0, 64 },        /* faint black: 191 over white, background */
    { 0, 0, 0, 200 },       /* strong black: 55 over white, a line */
  };
  for (guint k = 0; k < G_N_ELEMENTS (inks); k++)   /* row band 8k + 4 .. 8k + 7 of the hint */
    for (guint y = (8 * k + 4) * scale; y < (8 * k + 8) * scale; y++)
      for (guint x = 2 * scale; x < 60 * scale; x++)
        memcpy (img->pixels + ((gsize) y * img->width + x) * 4, inks[k], 4);
  return img;
}

static gboolean
expected_line (guint x, guint y)
{
  static const gboolean line[] = { TRUE, FALSE, TRUE, FALSE, TRUE };
  guint k = y / 8;
  return k < G_N_ELEMENTS (line) && y % 8 >= 4 && x >= 2 && x < 60 && line[k];
}

static void
test_hint (void)
{
  for (guint scale = 1; scale <= 2; scale++)
    {
      g_autoptr (AtImage) sketch = stroke_sketch (scale);
      g_autofree float *hint = at_sd_scribble_hint (sketch, SIDE, SIDE);
      gsize plane = HINT_SIDE * HINT_SIDE;
      guint lines = 0;
      for (guint y = 0; y < HINT_SIDE; y++)
        for (guint x = 0; x < HINT_SIDE; x++)
          for (guint c = 0; c < 3; c++)
            {
              float v = hint[c * plane + y * HINT_SIDE + x];
              if (v != (expected_line (x, y) ? 1.0f : 0.0f))
                g_error ("scale %u: hint (%u, %u) channel %u is %g", scale, x, y, c, v);
              lines += v == 1.0f;
            }
      g_assert_cmpuint (lines, ==, 3 * 3 * 4 * 58);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sd/controlnet/golden", test_golden);
  g_test_add_func ("/sd/controlnet/golden-sd2", test_golden_sd2);
  g_test_add_func ("/sd/controlnet/real", test_real);
  g_test_add_func ("/sd/controlnet/manifest", test_manifest);
  g_test_add_func ("/sd/controlnet/hint", test_hint);
  return g_test_run ();
}
