/* test-clip-text.c — the CLIP text towers on the engine against the
 * original code.
 *
 * tests/data/sd/clip-text-golden.safetensors (tools/sd/make-clip-golden.py)
 * lists the weights of both towers at width 32 (2 heads, 77 positions,
 * vocabulary 256) under the checkpoints' own names (generated here from
 * those names as the script did, sd-fill.h), and holds two windows of
 * random ids per tower and the output of the reference: OpenAI CLIP's text
 * transformer (quick GELU, all blocks, ln_final) for SD 1.x and open_clip's
 * (GELU, penultimate block, ln_final) for SD 2.x, run in fp32 by PyTorch.
 * Tolerance: fp32 matmuls of at most 128 terms through 2–3 blocks and
 * LayerNorms: NSE 1e-9, max_abs 1e-4 (outputs have unit scale).
 */
#include <string.h>

#include "sd/clip-text.h"
#include "sd-fill.h"
#include "test-util.h"

#define MAX_NSE 1e-9
#define MAX_ABS 1e-4

static AtSafetensors *golden, *weights;

typedef struct {
  const char *name;
  const char *prefix;
  AtSdTextKind kind;
  guint layers;
  gboolean quick_gelu, penultimate;
} Tower;

static const Tower towers[] = {
  { "sd1", "sd1.transformer.text_model.", AT_SD_TEXT_CLIP_HF, 2, TRUE, FALSE },
  { "sd2", "sd2.model.", AT_SD_TEXT_OPEN_CLIP, 3, FALSE, TRUE },
};

static AtClipText *
tower_new (const Tower *t, GError **error)
{
  AtSdTextConfig config = { 32, t->layers, 2, 256, 77, 32 };
  return at_clip_text_new (test_gpu (), weights, t->prefix, t->kind, &config, t->quick_gelu, t->penultimate, error);
}

static void
test_golden (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (towers); i++)
    {
      const Tower *t = &towers[i];
      g_autoptr (GError) error = NULL;
      g_autoptr (AtClipText) m = tower_new (t, &error);
      g_assert_no_error (error);
      g_autofree char *ids_name = g_strdup_printf ("golden.%s.ids", t->name);
      g_autofree char *out_name = g_strdup_printf ("golden.%s.out", t->name);
      g_autofree float *idf = NULL, *want = NULL;
      gsize n_ids, n_out;
      g_assert_true (at_safetensors_get_f32 (golden, ids_name, 2, (gint64[]) { 2, 77 }, &idf, &n_ids, &error));
      g_assert_true (at_safetensors_get_f32 (golden, out_name, 3, (gint64[]) { 2, 77, 32 }, &want, &n_out, &error));
      guint32 ids[2 * 77];
      for (guint j = 0; j < n_ids; j++)
        ids[j] = (guint32) idf[j];
      g_autofree float *got = g_new (float, n_out);
      g_assert_true (at_clip_text_encode (m, ids, 2, got, &error));
      g_assert_no_error (error);
      test_assert_close (t->name, got, want, n_out, MAX_NSE, MAX_ABS);
      /* one window alone gives that window's rows: windows do not mix */
      g_autofree float *one = g_new (float, n_out / 2);
      g_assert_true (at_clip_text_encode (m, ids + 77, 1, one, &error));
      test_assert_close (t->name, one, want + n_out / 2, n_out / 2, MAX_NSE, MAX_ABS);
    }
}

static void
test_refused (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AtClipText) m = tower_new (&towers[0], &error);
  g_assert_no_error (error);
  guint32 ids[77] = { 0 };
  ids[5] = 256;
  float out[77 * 32];
  g_assert_false (at_clip_text_encode (m, ids, 1, out, &error));
  g_assert_error (error, AT_SD_ERROR, AT_SD_ERROR_MISMATCH);
  g_assert_nonnull (strstr (error->message, "256"));
  g_clear_error (&error);

  /* SD 2.x names under the SD 1.x layout: the missing tensor is named */
  AtSdTextConfig config = { 32, 2, 2, 256, 77, 32 };
  g_assert_null (at_clip_text_new (test_gpu (), weights, "sd2.model.", AT_SD_TEXT_CLIP_HF, &config, TRUE, FALSE,
                                   &error));
  g_assert_error (error, AT_SAFETENSORS_ERROR, AT_SAFETENSORS_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "sd2.model.encoder.layers.0."));
  g_clear_error (&error);

  /* a wider config than the file: the shape is named */
  AtSdTextConfig wide = { 64, 2, 2, 256, 77, 64 };
  g_assert_null (at_clip_text_new (test_gpu (), weights, towers[0].prefix, AT_SD_TEXT_CLIP_HF, &wide, TRUE, FALSE,
                                   &error));
  g_assert_nonnull (error);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  golden = sd_fill_open_golden ("clip-text-golden.safetensors", "clip.safetensors", &weights);
  g_test_add_func ("/sd/clip-text/golden", test_golden);
  g_test_add_func ("/sd/clip-text/refused", test_refused);
  int rc = g_test_run ();
  at_safetensors_free (weights);
  at_safetensors_free (golden);
  return rc;
}
