/* test-sd-checkpoint.c — recognising Stable Diffusion checkpoints.
 *
 * The oracle is the original code: tests/data/sd/KIND.manifest.gz list every
 * tensor (name, dtype, shape) of the real SD 1.5, SD 2.1, SD-Turbo,
 * ControlNet-scribble (SD 1.5) and SD 2.1 ControlNet (cldm_v21.yaml)
 * checkpoints as the reference modules build them
 * (tools/sd/make-manifests.py). The detector must accept each one, name
 * the right architecture, and its own list of expected tensors
 * (engine/sd/sd-names.c) must be exactly the manifest's, minus the
 * schedule buffers it ignores. Mutations of the manifests (VAE pruned,
 * tensors missing, misshapen, unexpected, other model families) must be
 * refused with a message naming the cause. Files are synthesised from the
 * manifests at their full size as sparse files (data all holes), so the
 * real loader path runs without gigabytes of disk.
 */
#include <string.h>

#include "sd-manifest.h"
#include "sd/sd-checkpoint.h"
#include "sd/sd-memory.h"
#include "test-util.h"

typedef struct {
  const char *kind;
  AtSdFamily family;
  AtSdFamily guided;   /* the models it runs with */
  const char *kind_name;
  const char *text_prefix;
  guint n_ignored;     /* schedule buffers */
} KindCase;

static const KindCase kinds[] = {
  { "sd15", AT_SD_FAMILY_SD1, AT_SD_FAMILY_SD1, "SD 1.x", "cond_stage_model.transformer.text_model.", 12 },
  { "sd21", AT_SD_FAMILY_SD2, AT_SD_FAMILY_SD2, "SD 2.x", "cond_stage_model.model.", 12 },
  { "sdturbo", AT_SD_FAMILY_SD2, AT_SD_FAMILY_SD2, "SD 2.x (SD-Turbo layout)", "conditioner.embedders.0.model.", 0 },
  { "cn-scribble", AT_SD_FAMILY_CONTROLNET, AT_SD_FAMILY_SD1, "ControlNet (SD 1.x)", NULL, 0 },
  { "cn-sd21", AT_SD_FAMILY_CONTROLNET, AT_SD_FAMILY_SD2, "ControlNet (SD 2.x)", NULL, 0 },
};

static gboolean
detect (const SdManifest *m, AtSdArch *arch, GError **error)
{
  g_autoptr (GHashTable) t = sd_manifest_table (m);
  return at_sd_detect (t, arch, error);
}

static void
assert_accepted (const SdManifest *m, const KindCase *k, AtSdArch *arch)
{
  g_autoptr (GError) error = NULL;
  g_assert_true (detect (m, arch, &error));
  g_assert_no_error (error);
  g_assert_cmpint (arch->family, ==, k->family);
  g_assert_cmpint (arch->guided_family, ==, k->guided);
  g_assert_cmpstr (arch->kind_name, ==, k->kind_name);
  g_assert_cmpstr (arch->text_prefix, ==, k->text_prefix);
}

/* The C list of expected tensors against the reference's, both ways. */
static void
assert_names_match_manifest (const SdManifest *m, const AtSdArch *arch)
{
  g_autoptr (GPtrArray) names = at_sd_arch_names (arch);
  g_autoptr (GHashTable) table = sd_manifest_table (m);
  g_autoptr (GHashTable) expected = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < names->len; i++)
    {
      const AtSdName *n = names->pdata[i];
      g_assert_false (g_hash_table_contains (expected, n->name));   /* no duplicates */
      g_hash_table_add (expected, n->name);
      const AtSafetensorsInfo *info = g_hash_table_lookup (table, n->name);
      if (info == NULL)
        g_error ("the detector expects '%s', the reference has no such tensor", n->name);
      g_assert_cmpuint (info->ndim, ==, n->ndim);
      for (guint d = 0; d < n->ndim; d++)
        g_assert_cmpint (info->shape[d], ==, n->shape[d]);
    }
  guint outside = 0;
  for (guint i = 0; i < m->infos->len; i++)
    {
      const AtSafetensorsInfo *info = m->infos->pdata[i];
      if (!g_hash_table_contains (expected, info->name))
        outside++;
    }
  g_assert_cmpuint (outside, ==, arch->n_ignored);
  g_assert_cmpuint (arch->n_used + arch->n_ignored, ==, m->infos->len);
}

static void
test_manifests (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autoptr (SdManifest) m = sd_manifest_load (kinds[i].kind);
      AtSdArch arch;
      assert_accepted (m, &kinds[i], &arch);
      g_assert_cmpuint (arch.n_ignored, ==, kinds[i].n_ignored);
      assert_names_match_manifest (m, &arch);
      gint64 params = 0;
      for (guint j = 0; j < m->infos->len; j++)
        {
          const AtSafetensorsInfo *info = m->infos->pdata[j];
          if (strchr (info->name, '.') != NULL)   /* not a schedule buffer */
            params += info->numel;
        }
      g_assert_cmpint (arch.n_params, ==, params);
      if (arch.text_kind == AT_SD_TEXT_CLIP_HF)
        g_assert_true (arch.quick_gelu && !arch.penultimate);
      if (arch.text_kind == AT_SD_TEXT_OPEN_CLIP)
        g_assert_true (!arch.quick_gelu && arch.penultimate);
    }
}

/* Half, bfloat16, float position_ids, no position_ids, no schedule
 * buffers, 1×1 projections saved as linear: all still the same model. */
static void
test_variants (void)
{
  static const char *const dtypes[] = { "F16", "BF16", "F32" };
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    for (guint d = 0; d < G_N_ELEMENTS (dtypes); d++)
      {
        g_autoptr (SdManifest) m = sd_manifest_load (kinds[i].kind);
        sd_manifest_set_float_dtype (m, dtypes[d]);
        AtSdArch arch;
        assert_accepted (m, &kinds[i], &arch);
      }
  /* an F16 file's weights are estimated at about half the memory of the
   * same model in F32 (its linear and convolution weights stay fp16; the
   * token embedding is read on the host either way) */
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      AtSdMemory mem[2];
      for (guint d = 0; d < 2; d++)
        {
          g_autoptr (SdManifest) m = sd_manifest_load (kinds[i].kind);
          sd_manifest_set_float_dtype (m, d == 0 ? "F16" : "F32");
          AtSdArch arch;
          assert_accepted (m, &kinds[i], &arch);
          at_sd_memory_estimate (&arch, 512, TRUE, &mem[d]);
        }
      g_test_message ("%s: weights %" G_GUINT64_FORMAT " B as F16, %" G_GUINT64_FORMAT " as F32", kinds[i].kind,
                      mem[0].weights, mem[1].weights);
      g_assert_cmpfloat ((double) mem[0].weights / mem[1].weights, >, 0.49);
      g_assert_cmpfloat ((double) mem[0].weights / mem[1].weights, <, 0.52);
      g_assert_cmpuint (mem[0].working, ==, mem[1].working);
    }
  const char *pos = "cond_stage_model.transformer.text_model.embeddings.position_ids";
  g_autoptr (SdManifest) m = sd_manifest_load ("sd15");
  sd_manifest_set_dtype (sd_manifest_find (m, pos), "F32");
  AtSafetensorsInfo *q = sd_manifest_find (m, "first_stage_model.decoder.mid.attn_1.q.weight");
  q->ndim = 2;   /* [512, 512, 1, 1] as Diffusers-converted files store it: [512, 512] */
  AtSdArch arch;
  assert_accepted (m, &kinds[0], &arch);
  g_assert_cmpuint (sd_manifest_remove_prefix (m, pos), ==, 1);
  g_assert_cmpuint (sd_manifest_remove_prefix (m, "betas"), ==, 1);
  g_assert_cmpuint (sd_manifest_remove_prefix (m, "alphas_cumprod"), ==, 2);
  assert_accepted (m, &kinds[0], &arch);
  g_assert_cmpuint (arch.n_ignored, ==, kinds[0].n_ignored - 3);
}

static void
assert_refused (const SdManifest *m, AtSdError code, const char *const *needles)
{
  AtSdArch arch;
  g_autoptr (GError) error = NULL;
  g_assert_false (detect (m, &arch, &error));
  g_assert_error (error, AT_SD_ERROR, (gint) code);
  for (; *needles != NULL; needles++)
    if (strstr (error->message, *needles) == NULL)
      g_error ("message \"%s\" does not mention \"%s\"", error->message, *needles);
}

#define REFUSED(m, code, ...) assert_refused ((m), (code), (const char *const[]) { __VA_ARGS__, NULL })

static void
test_incomplete (void)
{
  g_autoptr (SdManifest) base = sd_manifest_load ("sd15");
  g_autoptr (SdManifest) no_vae = sd_manifest_copy (base);
  g_assert_cmpuint (sd_manifest_remove_prefix (no_vae, "first_stage_model."), >, 200);
  REFUSED (no_vae, AT_SD_ERROR_INCOMPLETE, "no VAE", "first_stage_model.");

  g_autoptr (SdManifest) no_text = sd_manifest_copy (base);
  sd_manifest_remove_prefix (no_text, "cond_stage_model.");
  REFUSED (no_text, AT_SD_ERROR_INCOMPLETE, "no text encoder", "cond_stage_model.transformer");

  g_autoptr (SdManifest) one = sd_manifest_copy (base);
  const char *gone = "model.diffusion_model.output_blocks.5.2.conv.weight";
  g_assert_cmpuint (sd_manifest_remove_prefix (one, gone), ==, 1);
  REFUSED (one, AT_SD_ERROR_INCOMPLETE, "1 tensor of the UNet is missing", gone);

  g_autoptr (SdManifest) layer = sd_manifest_load ("sd21");
  g_assert_cmpuint (sd_manifest_remove_prefix (layer, "cond_stage_model.model.transformer.resblocks.23."), ==, 12);
  REFUSED (layer, AT_SD_ERROR_INCOMPLETE, "12 tensors of the text encoder are missing", "resblocks.23.");
}

static void
test_mismatch (void)
{
  g_autoptr (SdManifest) shape = sd_manifest_load ("sd15");
  const char *name = "model.diffusion_model.middle_block.1.transformer_blocks.0.ff.net.2.weight";
  sd_manifest_find (shape, name)->shape[1] = 2560;
  REFUSED (shape, AT_SD_ERROR_MISMATCH, name, "(1280, 2560)", "(1280, 5120)");

  g_autoptr (SdManifest) extra = sd_manifest_load ("sdturbo");
  sd_manifest_add (extra, "first_stage_model.decoder.mid.attn_2.q.weight", "F16", 2, (gint64[]) { 512, 512 });
  REFUSED (extra, AT_SD_ERROR_MISMATCH, "1 tensor its VAE should not have", "mid.attn_2.q.weight");

  g_autoptr (SdManifest) ints = sd_manifest_load ("sd21");
  sd_manifest_set_dtype (sd_manifest_find (ints, "first_stage_model.decoder.conv_out.bias"), "I64");
  REFUSED (ints, AT_SD_ERROR_MISMATCH, "conv_out.bias", "I64");
}

/* Other families, recognised by names their real files hold. */
static void
test_other_kinds (void)
{
  g_autoptr (SdManifest) sdxl = sd_manifest_load ("sdturbo");
  sd_manifest_add (sdxl, "conditioner.embedders.1.model.ln_final.weight", "F16", 1, (gint64[]) { 1280 });
  REFUSED (sdxl, AT_SD_ERROR_NOT_SD, "SDXL");

  g_autoptr (SdManifest) lora = sd_manifest_copy (sdxl);
  g_ptr_array_set_size (lora->infos, 0);
  sd_manifest_add (lora, "lora_unet_down_blocks_0_attentions_0_proj_in.lora_down.weight", "F16", 2,
                   (gint64[]) { 8, 320 });
  sd_manifest_add (lora, "lora_unet_down_blocks_0_attentions_0_proj_in.alpha", "F16", 0, NULL);
  REFUSED (lora, AT_SD_ERROR_NOT_SD, "LoRA");

  g_autoptr (SdManifest) flux = sd_manifest_copy (lora);
  g_ptr_array_set_size (flux->infos, 0);
  sd_manifest_add (flux, "model.diffusion_model.double_blocks.0.img_attn.norm.key_norm.scale", "BF16", 1,
                   (gint64[]) { 128 });
  REFUSED (flux, AT_SD_ERROR_NOT_SD, "Flux");

  g_autoptr (SdManifest) other = sd_manifest_copy (lora);
  g_ptr_array_set_size (other->infos, 0);
  sd_manifest_add (other, "encoder.weight", "F32", 2, (gint64[]) { 4, 4 });
  REFUSED (other, AT_SD_ERROR_NOT_SD, "not a Stable Diffusion checkpoint", "'encoder.weight'");

  g_autoptr (SdManifest) inpaint = sd_manifest_load ("sd15");
  sd_manifest_find (inpaint, "model.diffusion_model.input_blocks.0.0.weight")->shape[1] = 9;
  REFUSED (inpaint, AT_SD_ERROR_UNSUPPORTED, "9 input channels", "inpainting");

  /* a ControlNet for SDXL's 2048-wide context */
  g_autoptr (SdManifest) cnxl = sd_manifest_load ("cn-sd21");
  for (guint i = 0; i < cnxl->infos->len; i++)
    {
      AtSafetensorsInfo *info = cnxl->infos->pdata[i];
      if (strstr (info->name, "attn2.to_k.weight") != NULL || strstr (info->name, "attn2.to_v.weight") != NULL)
        info->shape[1] = 2048;
    }
  REFUSED (cnxl, AT_SD_ERROR_UNSUPPORTED, "2048", "SD 1.x (768) and SD 2.x (1024)");
}

static void
test_split (void)
{
  const gsize limit = 128u << 20;   /* lavapipe's maxStorageBufferRange */
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autoptr (SdManifest) m = sd_manifest_load (kinds[i].kind);
      for (guint j = 0; j < m->infos->len; j++)
        {
          const AtSafetensorsInfo *info = m->infos->pdata[j];
          AtSdSplit s;
          g_autoptr (GError) error = NULL;
          g_assert_true (at_sd_split_rows (info, limit, &s, &error));
          gint64 rows = info->ndim ? info->shape[0] : 1;
          g_assert_cmpuint (s.rows_per_chunk * s.row_bytes, <=, MAX (limit, (gsize) info->numel * 4));
          g_assert_cmpint (s.rows_per_chunk * (gint64) s.n_chunks, >=, rows);
          g_assert_cmpint (s.rows_per_chunk * (gint64) (s.n_chunks - 1), <, MAX (rows, 1));
          g_assert_cmpuint (s.n_chunks > 1, ==, (gsize) info->numel * 4 > limit);
          if (s.n_chunks > 1)
            g_assert_true (strstr (info->name, "token_embedding") != NULL);
        }
    }
  AtSafetensorsInfo wide = { .name = "wide", .ndim = 2, .shape = { 2, 40u << 20 }, .numel = 80u << 20 };
  AtSdSplit s;
  g_autoptr (GError) error = NULL;
  g_assert_false (at_sd_split_rows (&wide, limit, &s, &error));
  g_assert_error (error, AT_SD_ERROR, AT_SD_ERROR_UNSUPPORTED);
}

/* Through real files: header from the manifest, data a hole but for the
 * v-prediction probe, whose deviation decides SD 2.x's prediction. */
static void
test_files (void)
{
  g_autofree char *path = test_tmp_path ("turbo.safetensors");
  const double stds[] = { 0.1118, 0.05 };
  for (guint i = 0; i < G_N_ELEMENTS (stds); i++)
    {
      sd_manifest_write_turbo (path, stds[i]);
      g_autoptr (GError) error = NULL;
      g_autoptr (AtSdCheckpoint) c = at_sd_checkpoint_open (path, AT_SD_PREDICTION_AUTO, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (at_sd_checkpoint_get_arch (c)->kind_name, ==, "SD 2.x (SD-Turbo layout)");
      const char *reason;
      AtSdPrediction p = at_sd_checkpoint_get_prediction (c, &reason);
      g_assert_cmpint (p, ==, stds[i] > AT_SD_V_PRED_STD_THRESHOLD ? AT_SD_PREDICTION_V : AT_SD_PREDICTION_EPSILON);
      g_assert_nonnull (strstr (reason, "ComfyUI"));
      g_autoptr (AtSdCheckpoint) forced = at_sd_checkpoint_open (path, AT_SD_PREDICTION_V, &error);
      g_assert_no_error (error);
      g_assert_cmpint (at_sd_checkpoint_get_prediction (forced, NULL), ==, AT_SD_PREDICTION_V);
      g_assert_cmpuint (at_sd_checkpoint_count_oversized (c, 128u << 20), ==, 1);
    }

  g_autoptr (SdManifest) sd15 = sd_manifest_load ("sd15");
  g_autofree char *p15 = test_tmp_path ("sd15.safetensors");
  sd_manifest_write_sparse (sd15, p15, NULL, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtSdCheckpoint) c = at_sd_checkpoint_open (p15, AT_SD_PREDICTION_AUTO, &error);
  g_assert_no_error (error);
  g_assert_cmpint (at_sd_checkpoint_get_prediction (c, NULL), ==, AT_SD_PREDICTION_EPSILON);

  sd_manifest_remove_prefix (sd15, "first_stage_model.");
  g_autofree char *pruned = test_tmp_path ("pruned.safetensors");
  sd_manifest_write_sparse (sd15, pruned, NULL, NULL);
  g_assert_null (at_sd_checkpoint_open (pruned, AT_SD_PREDICTION_AUTO, &error));
  g_assert_error (error, AT_SD_ERROR, AT_SD_ERROR_INCOMPLETE);
  g_assert_true (g_str_has_prefix (error->message, "pruned.safetensors: "));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sd/checkpoint/manifests", test_manifests);
  g_test_add_func ("/sd/checkpoint/variants", test_variants);
  g_test_add_func ("/sd/checkpoint/incomplete", test_incomplete);
  g_test_add_func ("/sd/checkpoint/mismatch", test_mismatch);
  g_test_add_func ("/sd/checkpoint/other-kinds", test_other_kinds);
  g_test_add_func ("/sd/checkpoint/split", test_split);
  g_test_add_func ("/sd/checkpoint/files", test_files);
  return g_test_run ();
}
