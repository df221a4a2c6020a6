/* sd-bench.c — seconds per step and peak device memory of a real-shape SD
 * checkpoint run through the pipeline (engine/sd/sd-pipeline.h), printed
 * as a table; tools/bench/sd-bench.sh runs it.
 *
 * The checkpoint is the SD 1.5 (or SD 2.1, SD-Turbo) manifest of
 * tests/data/sd written as a sparse file of the real size: every weight
 * is zero, which changes no kernel's work on the device, and nothing is
 * written to disk. Peak memory is the device allocator's (gpu.h): after
 * loading, at the last sampling step (text tower + UNet) and after the
 * VAE decoder; beside it, the estimate of sd-memory.h. With --controlnet
 * KIND (cn-scribble for SD 1.x, cn-sd21 for SD 2.x) the ControlNet of that
 * manifest, written the same way, guides every step on a drawn hint.
 *
 * Usage: sd-bench [--kind sd15|sd21|sdturbo] [--controlnet cn-scribble|cn-sd21] [--dtype F16|BF16|F32]
 *                 [--steps N] [--guidance G] SIZE...
 */
#include <stdio.h>
#include <string.h>

#include "sd-manifest.h"
#include "sd/sd-control.h"
#include "sd/sd-defaults.h"
#include "sd/sd-memory.h"
#include "sd/sd-pipeline.h"
#include "test-util.h"

/* A sparse file of manifest kind (float tensors as dtype, NULL: as the
 * manifest has them) in the scratch folder. */
static char *
write_manifest (const char *kind, const char *dtype)
{
  g_autoptr (SdManifest) m = sd_manifest_load (kind);
  if (dtype != NULL)
    sd_manifest_set_float_dtype (m, dtype);
  g_autofree char *name = g_strconcat ("sd-bench-", kind, ".safetensors", NULL);
  char *path = test_tmp_path (name);
  sd_manifest_write_sparse (m, path, NULL, NULL);
  return path;
}

/* A scribble: a dark diagonal on white, size px square. */
static AtImage *
scribble (guint size)
{
  AtImage *img = at_image_new (size, size, 3);
  memset (img->pixels, 255, (gsize) size * size * 3);
  for (guint i = 0; i < size; i++)
    memset (img->pixels + ((gsize) i * size + i) * 3, 0, 3);
  return img;
}

typedef struct {
  AtGpu *gpu;
  gint64 start_us, last_us;
  guint64 step_peak;
} Clock;

static void
on_step (guint step, guint n_steps, gpointer user_data)
{
  Clock *c = user_data;
  guint64 in_use, peak, reserved;
  at_gpu_get_memory_usage (c->gpu, &in_use, &peak, &reserved);
  c->step_peak = peak;
  c->last_us = g_get_monotonic_time ();
  fprintf (stderr, "step %u/%u at %.1f s\n", step, n_steps, (c->last_us - c->start_us) / 1e6);
}

static double
mib (guint64 bytes)
{
  return bytes / (1024.0 * 1024.0);
}

int
main (int argc, char **argv)
{
  g_autofree char *kind = g_strdup ("sd15");
  g_autofree char *dtype = NULL;
  g_autofree char *control_kind = NULL;
  int steps = 2;
  double guidance = 7;
  GOptionEntry entries[] = {
    { "kind", 0, 0, G_OPTION_ARG_STRING, &kind, "Manifest: sd15, sd21 or sdturbo", "KIND" },
    { "steps", 0, 0, G_OPTION_ARG_INT, &steps, "Steps a size (default 2)", "N" },
    { "guidance", 0, 0, G_OPTION_ARG_DOUBLE, &guidance, "1: one UNet pass a step; else two (default 7)", "G" },
    { "controlnet", 0, 0, G_OPTION_ARG_STRING, &control_kind, "Guide with the ControlNet of this manifest: cn-scribble or cn-sd21", "KIND" },
    { "dtype", 0, 0, G_OPTION_ARG_STRING, &dtype, "Store every float tensor as F16, BF16 or F32 (default: the manifest's, F32)", "TYPE" },
    { NULL },
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("SIZE...");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (ctx, &argc, &argv, &error) || argc < 2)
    {
      fprintf (stderr, "sd-bench: %s\n", error != NULL ? error->message : "give one or more sizes");
      return 2;
    }
  g_autofree char *path = write_manifest (kind, dtype);
  g_autoptr (AtGpu) gpu = at_gpu_new (NULL, &error);
  g_assert_no_error (error);
  AtSdCheckpoint *ckpt = at_sd_checkpoint_open (path, AT_SD_PREDICTION_AUTO, &error);
  g_assert_no_error (error);
  const AtSdArch *arch = at_sd_checkpoint_get_arch (ckpt);
  AtSdMemory est;
  at_sd_memory_estimate (arch, 64, guidance != 1, &est);
  gint64 t0 = g_get_monotonic_time ();
  g_autoptr (AtSdPipeline) p = at_sd_pipeline_new (gpu, ckpt, &error);
  g_assert_no_error (error);
  g_autoptr (AtSdControlFile) control = NULL;
  AtSdControlNet *net = NULL;
  if (control_kind != NULL)
    {
      g_autofree char *cpath = write_manifest (control_kind, dtype);
      control = at_sd_control_file_open (cpath, arch, &error);
      g_assert_no_error (error);
      net = at_sd_control_file_get_net (control, gpu, &error);
      g_assert_no_error (error);
      at_sd_memory_add_control (at_sd_control_file_get_arch (control), 64, guidance != 1, &est);
    }
  guint64 loaded, peak, reserved;
  at_gpu_get_memory_usage (gpu, &loaded, &peak, &reserved);
  printf ("%s%s%s (%s, %s) on %s: loaded in %.1f s, weights %.0f MiB on the device (estimate %.0f MiB)\n\n", kind,
          control_kind != NULL ? " + " : "", control_kind != NULL ? control_kind : "", arch->kind_name,
          dtype != NULL ? dtype : "F32", at_gpu_get_device_info (gpu)->name, (g_get_monotonic_time () - t0) / 1e6, mib (loaded),
          mib (est.weights));
  printf ("| size | steps | guidance | s/step | peak, sampling (MiB) | peak, VAE decode (MiB) | estimate (MiB) |\n");
  printf ("|---:|---:|---:|---:|---:|---:|---:|\n");
  for (int i = 1; i < argc; i++)
    {
      guint size = (guint) g_ascii_strtoull (argv[i], NULL, 10);
      g_autoptr (AtImage) sketch = scribble (size);
      AtSdRun run = { "a lighthouse on a cliff at dusk", "", size, (guint) steps, AT_SD_SAMPLER_EULER,
                      AT_SD_SIGMAS_DEFAULT, (float) guidance, 1, NULL, 1, { net, "bench", sketch, 1.0f } };
      Clock c = { gpu, g_get_monotonic_time (), 0, 0 };
      g_autoptr (AtImage) img = at_sd_pipeline_generate (p, &run, on_step, &c, NULL, &error);
      g_assert_no_error (error);
      /* the first step includes the text tower; per step from the rest when there are more */
      double per_step = (c.last_us - c.start_us) / 1e6 / steps;
      at_gpu_get_memory_usage (gpu, &loaded, &peak, &reserved);
      at_sd_memory_estimate (arch, size, guidance != 1, &est);
      if (control != NULL)
        at_sd_memory_add_control (at_sd_control_file_get_arch (control), size, guidance != 1, &est);
      printf ("| %u | %d | %g | %.1f | %.0f | %.0f | %.0f |\n", size, steps, guidance, per_step, mib (c.step_peak),
              mib (peak), mib (est.weights + est.working));
      fflush (stdout);
    }
  return 0;
}
