/* test-model-golden.c — every stage of the built-in model on the engine
 * against PyTorch (tests/data/model_golden.safetensors, exported by
 * tools/train/export_golden.py from the shipped weights).
 *
 * Tolerance: PyTorch computes in fp32 on the CPU, the engine in fp32 on the
 * GPU with other summation orders, so results agree to rounding that grows
 * with depth. Each stage must reach a normalised squared error below 1e-8
 * (encoders) or 1e-6 (the UNet and the sampled image, which go through ~40
 * layers and a guidance mix that amplifies differences 3×), and a maximum
 * absolute error stated per stage. The tokenizer must match exactly. */
#include <json-glib/json-glib.h>

#include "test-util.h"
#include "audio/mel.h"
#include "model/model.h"
#include "model/safetensors.h"
#include "conditioning.h"
#include "denoiser.h"
#include "model/sampler.h"

static AtModel *model;
static AtSafetensors *golden;

static char *
data_path (const char *name)
{
  return test_source_path ("tests", "data", name, NULL);
}

#define golden_f32(name, n) test_safetensors_f32 (golden, name, n)

/* A graph-owned tensor holding the golden tensor `name`. */
static AtTensor *
golden_tensor (AtGraph *g, const char *name)
{
  g_autoptr (GError) error = NULL;
  const AtSafetensorsInfo *info = at_safetensors_require (golden, name, &error);
  g_assert_no_error (error);
  g_autofree float *data = golden_f32 (name, NULL);
  return at_graph_constant (g, data, info->ndim, info->shape);
}

static void
assert_matches (const char *name, AtTensor *got, double max_nse, double max_abs)
{
  gsize n = 0;
  g_autofree float *want = golden_f32 (name, &n);
  g_assert_nonnull (got);
  g_assert_cmpuint (at_tensor_numel (got), ==, n);
  test_assert_tensor_close (got, want, max_nse, max_abs, "%s", name);
}

static AtGraph *
new_graph (void)
{
  g_autoptr (GError) error = NULL;
  AtGraph *g = at_graph_new (test_gpu (), &error);
  g_assert_no_error (error);
  return g;
}

static void
run (AtGraph *g)
{
  g_autoptr (GError) error = NULL;
  at_graph_run (g, &error);
  g_assert_no_error (error);
}

static void
test_tokenizer (void)
{
  g_autofree char *path = data_path ("tokenizer_golden.json");
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  JsonArray *cases = json_node_get_array (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (cases), >=, 5);
  for (guint i = 0; i < json_array_get_length (cases); i++)
    {
      JsonObject *c = json_array_get_object_element (cases, i);
      JsonArray *want = json_object_get_array_member (c, "ids");
      guint n = 0;
      g_autofree guint32 *ids = at_tokenizer_encode (model->tokenizer, json_object_get_string_member (c, "text"), &n, NULL);
      g_assert_cmpuint (n, ==, json_array_get_length (want));
      for (guint j = 0; j < n; j++)
        g_assert_cmpuint (ids[j], ==, json_array_get_int_element (want, j));
    }
}

static guint32 *
golden_ids (guint *n)
{
  g_autoptr (GError) error = NULL;
  const char *prompt = at_safetensors_get_metadata_value (golden, "prompt");
  const AtSafetensorsInfo *info = at_safetensors_require (golden, "text.ids", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (info->dtype_name, ==, "I32");
  guint32 *ids = at_tokenizer_encode (model->tokenizer, prompt, n, NULL);
  g_assert_cmpint (*n, ==, info->numel);
  for (guint i = 0; i < *n; i++)
    {
      gint32 want;
      memcpy (&want, (const char *) info->data + 4 * i, 4);
      g_assert_cmpint (ids[i], ==, want);
    }
  return ids;
}

static void
test_text_encoder (void)
{
  g_autoptr (AtGraph) g = new_graph ();
  guint n = 0;
  g_autofree guint32 *ids = golden_ids (&n);
  AtTensor *out = at_model_text_forward (model, g, ids, n);
  run (g);
  assert_matches ("text.out", out, 1e-8, 1e-3);
}

typedef AtTensor *(*EncoderForward) (AtModel *m, AtGraph *g, AtTensor *in);

/* An encoder fed its golden input, against its golden output. */
static void
check_encoder (EncoderForward forward, const char *in_name, const char *out_name)
{
  g_autoptr (AtGraph) g = new_graph ();
  AtTensor *out = forward (model, g, golden_tensor (g, in_name));
  run (g);
  assert_matches (out_name, out, 1e-8, 1e-3);
}

static void test_sketch_encoder (void) { check_encoder (at_model_sketch_forward, "sketch.in", "sketch.out"); }

static void
test_log_mel (void)
{
  gsize n = 0;
  g_autofree float *wave = golden_f32 ("audio.wave", &n);
  g_autoptr (GError) error = NULL;
  g_autofree float *mel = at_log_mel (&model->config->mel, model->mel_filterbank_host, wave, n, &error);
  g_assert_no_error (error);
  gsize m = 0;
  g_autofree float *want = golden_f32 ("audio.logmel", &m);
  test_assert_close ("audio.logmel", mel, want, m, 1e-8, 2e-4);
}

/* model.mel() on the device, as conditioning runs it: the features, and
 * the audio encoder fed straight from them. */
static void
test_log_mel_gpu (void)
{
  gsize n = 0;
  g_autofree float *wave = golden_f32 ("audio.wave", &n);
  g_autoptr (AtGraph) g = new_graph ();
  AtTensor *mel = at_model_mel_forward (model, g, wave, n);
  AtTensor *out = at_model_audio_forward (model, g, mel);
  run (g);
  assert_matches ("audio.logmel", mel, 1e-8, 2e-4);
  assert_matches ("audio.out", out, 1e-8, 1e-3);
}

static void test_audio_encoder (void) { check_encoder (at_model_audio_forward, "audio.logmel", "audio.out"); }

static void
test_fusion (void)
{
  g_autoptr (AtGraph) g = new_graph ();
  AtTensor *text = golden_tensor (g, "text.out");
  AtTensor *sketch = golden_tensor (g, "sketch.out");
  AtTensor *audio = golden_tensor (g, "audio.out");
  AtTensor *pooled_all, *pooled_text, *pooled_none;
  AtTensor *all = at_model_fusion_forward (model, g, text, sketch, audio, &pooled_all);
  AtTensor *text_only = at_model_fusion_forward (model, g, text, NULL, NULL, &pooled_text);
  AtTensor *none = at_model_fusion_forward (model, g, NULL, NULL, NULL, &pooled_none);
  run (g);
  assert_matches ("fusion.all.ctx", all, 1e-8, 2e-3);
  assert_matches ("fusion.all.pooled", pooled_all, 1e-8, 2e-3);
  assert_matches ("fusion.text.ctx", text_only, 1e-8, 2e-3);
  assert_matches ("fusion.text.pooled", pooled_text, 1e-8, 2e-3);
  assert_matches ("fusion.none.ctx", none, 1e-8, 2e-3);
  assert_matches ("fusion.none.pooled", pooled_none, 1e-8, 2e-3);
}

static void
test_timestep_embedding (void)
{
  g_autoptr (AtGraph) g = new_graph ();
  float t = 0.7f;
  AtTensor *tt = at_graph_constant (g, &t, AT_G_SHAPE (1));
  AtTensor *emb = at_g_timestep_embedding (g, tt, model->config->time_freq_dim, model->config->time_multiplier);
  run (g);
  assert_matches ("timestep_embedding.t0.7", emb, 1e-8, 2e-4);
}

static void
test_unet (void)
{
  g_autoptr (AtGraph) g = new_graph ();
  AtTensor *x = golden_tensor (g, "unet.x_t");
  AtTensor *t = golden_tensor (g, "unet.t");
  AtTensor *sketch = golden_tensor (g, "sketch.in");
  float zeros[64 * 64] = { 0 };
  AtTensor *no_sketch = at_graph_constant (g, zeros, AT_G_SHAPE (1, 1, 64, 64));
  AtTensor *v = at_model_unet_forward (model, g, x, sketch, t, golden_tensor (g, "fusion.all.ctx"),
                                       golden_tensor (g, "fusion.all.pooled"));
  AtTensor *v_text = at_model_unet_forward (model, g, x, no_sketch, t, golden_tensor (g, "fusion.text.ctx"),
                                            golden_tensor (g, "fusion.text.pooled"));
  run (g);
  assert_matches ("unet.out", v, 1e-6, 5e-3);
  assert_matches ("unet.text_only.out", v_text, 1e-6, 5e-3);
}

static gboolean
golden_denoise (const float *x, float t, int step, float *v, gpointer data, GError **error)
{
  return at_denoiser_run (data, x, t, v, error);
}

/* The full 4-step Euler run with guidance 3, from the exported noise. */
static void
test_sampling_run (void)
{
  g_autoptr (AtGraph) g = new_graph ();
  AtTensor *sketch = golden_tensor (g, "sketch.in");
  float zeros[64 * 64] = { 0 };
  AtTensor *no_sketch = at_graph_constant (g, zeros, AT_G_SHAPE (1, 1, 64, 64));
  AtTensor *ctx = golden_tensor (g, "sample.ctx"), *pooled = golden_tensor (g, "sample.pooled");
  AtTensor *ctx_u = golden_tensor (g, "fusion.none.ctx"), *pooled_u = golden_tensor (g, "fusion.none.pooled");
  run (g);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtDenoiser) d = at_denoiser_new (model, test_gpu (), 3.0f, sketch, ctx, pooled, no_sketch, ctx_u,
                                              pooled_u, &error);
  g_assert_no_error (error);
  gsize n = 0;
  g_autofree float *x = golden_f32 ("sample.noise", &n);
  g_autofree float *ts = at_sampler_schedule (4, 1.0f);
  for (int i = 0; i < 4; i++)
    {
      /* one step at a time, so each intermediate is compared */
      g_assert_true (at_sampler_run (AT_SAMPLER_EULER, ts + i, 1, x, n, 0, golden_denoise, NULL, d,
                                     NULL, &error));
      g_assert_no_error (error);
      g_autofree char *name = g_strdup_printf ("sample.x%d", i + 1);
      g_autofree float *want = golden_f32 (name, NULL);
      test_assert_close (name, x, want, n, 1e-6, 2e-2);
    }
  g_autofree float *out = golden_f32 ("sample.out", NULL);
  for (gsize i = 0; i < n; i++)
    x[i] = CLAMP (x[i], -1.0f, 1.0f);
  test_assert_close ("sample.out", x, out, n, 1e-6, 2e-2);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = test_source_path ("resources", "models", NULL);
  g_autofree char *path = data_path ("model_golden.safetensors");
  model = at_model_load (test_gpu (), dir, &error);
  g_assert_no_error (error);
  golden = at_safetensors_open (path, &error);
  g_assert_no_error (error);
  g_test_add_func ("/model/tokenizer", test_tokenizer);
  g_test_add_func ("/model/text-encoder", test_text_encoder);
  g_test_add_func ("/model/sketch-encoder", test_sketch_encoder);
  g_test_add_func ("/model/log-mel", test_log_mel);
  g_test_add_func ("/model/log-mel-gpu", test_log_mel_gpu);
  g_test_add_func ("/model/audio-encoder", test_audio_encoder);
  g_test_add_func ("/model/fusion", test_fusion);
  g_test_add_func ("/model/timestep-embedding", test_timestep_embedding);
  g_test_add_func ("/model/unet", test_unet);
  g_test_add_func ("/model/sampling-run", test_sampling_run);
  int status = g_test_run ();
  at_safetensors_free (golden);
  at_model_free (model);
  return status;
}
