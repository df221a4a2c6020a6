/* bench-generate.c — `atelier-bench generate`: the built-in model end to
 * end on the engine beside Debian's PyTorch running the same model with the
 * same weights on the same machine, in the same run (tools/bench/
 * torch_generate.py, once before and once after the engine, averaged), as a
 * table with ratios. */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include <json-glib/json-glib.h>

#include "app/bench.h"
#include "app/bench-report.h"
#include "atelier-config.h"
#include "engine.h"

typedef struct {
  double unet_ms, step_ms, image_ms[2];
  double refiner_ms;     /* 64 -> 256 px, the learned refiner alone; 0: none */
  double image_256_ms;   /* the 8-step image at 256 px, refiner included (engine only) */
  double peak_mib;
} Timings;

static const int STEP_COUNTS[2] = { 8, 20 };

static AtResult *
run_request_at (AtEngine *engine, int steps, float guidance, int size, GError **error)
{
  g_autoptr (AtRequest) r = at_request_new ();
  r->size = size;
  r->prompt = g_strdup ("red apple");
  r->sketch = at_image_new (64, 64, 1);
  memset (r->sketch->pixels, 255, 64 * 64);
  for (int y = 16; y < 48; y++)
    r->sketch->pixels[y * 64 + 32] = 0;
  r->steps = steps;
  r->guidance = guidance;
  r->seed = 1;
  return at_engine_generate (engine, r, NULL, NULL, NULL, error);
}

static AtResult *
run_request (AtEngine *engine, int steps, float guidance, GError **error)
{
  return run_request_at (engine, steps, guidance, at_engine_get_native_size (engine), error);
}

/* The upscale stage from 64 to 256 px on white, median of 5. */
static double
time_refiner (AtEngine *engine, const AtImage *base)
{
  double ms[5];
  for (int i = 0; i < 5; i++)
    {
      gint64 t0 = g_get_monotonic_time ();
      g_autoptr (AtImage) img = at_engine_upscale (engine, base, NULL, 256, AT_BACKGROUND_WHITE, NULL, NULL);
      ms[i] = (g_get_monotonic_time () - t0) / 1000.0;
    }
  return at_bench_median (ms, 5);
}

static gboolean
measure_engine (AtEngine *engine, Timings *t, GError **error)
{
  g_autoptr (AtResult) warm = run_request (engine, 1, 3.0f, error);   /* pipelines, caches */
  g_autoptr (AtResult) single = warm ? run_request (engine, 3, 1.0f, error) : NULL;
  if (single == NULL)
    return FALSE;
  t->unet_ms = single->per_call_ms;
  for (int i = 0; i < 2; i++)
    {
      g_autoptr (AtResult) image = run_request (engine, STEP_COUNTS[i], 3.0f, error);
      if (image == NULL)
        return FALSE;
      t->image_ms[i] = image->total_ms;
      t->step_ms = image->per_call_ms;
      if (i == 0)
        t->refiner_ms = time_refiner (engine, image->base_images->pdata[0]);
    }
  g_autoptr (AtResult) big = run_request_at (engine, STEP_COUNTS[0], 3.0f, 256, error);
  if (big == NULL)
    return FALSE;
  t->image_256_ms = big->total_ms;
  guint64 in_use, peak, reserved;
  at_gpu_get_memory_usage (at_engine_get_gpu (engine), &in_use, &peak, &reserved);
  struct rusage usage;
  getrusage (RUSAGE_SELF, &usage);
  t->peak_mib = usage.ru_maxrss / 1024.0;
  g_print ("engine device memory: peak %.1f MiB in use, %.1f MiB reserved in blocks\n",
           peak / 1048576.0, reserved / 1048576.0);
  return TRUE;
}

static gboolean
measure_torch (const char *model_dir, Timings *t, char **version, GError **error)
{
  const char *steps[] = { "8", "20", NULL };
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *o = at_bench_run_torch (model_dir, steps, parser, error);
  if (o == NULL)
    return FALSE;
  t->unet_ms = json_object_get_double_member (o, "unet_ms");
  t->step_ms = json_object_get_double_member (o, "step_ms");
  t->image_ms[0] = json_object_get_double_member (o, "image_ms_8");
  t->image_ms[1] = json_object_get_double_member (o, "image_ms_20");
  t->peak_mib = json_object_get_double_member (o, "peak_rss_mib");
  t->refiner_ms = json_object_get_double_member_with_default (o, "refiner_ms", 0);
  *version = g_strdup_printf ("PyTorch %s, %" G_GINT64_FORMAT " threads", json_object_get_string_member (o, "torch"),
                              json_object_get_int_member (o, "threads"));
  return TRUE;
}

/* into = (into + other) / 2, field by field. */
static void
average_into (Timings *into, const Timings *other)
{
  into->unet_ms = 0.5 * (into->unet_ms + other->unet_ms);
  into->step_ms = 0.5 * (into->step_ms + other->step_ms);
  for (int i = 0; i < 2; i++)
    into->image_ms[i] = 0.5 * (into->image_ms[i] + other->image_ms[i]);
  into->refiner_ms = 0.5 * (into->refiner_ms + other->refiner_ms);
  into->peak_mib = MAX (into->peak_mib, other->peak_mib);
}

static void
row (JsonBuilder *json, const char *what, double ours, double theirs, const char *unit)
{
  printf ("| %-34s | %10.1f %-3s | %10.1f %-3s | %6.2f |\n", what, ours, unit, theirs, unit, theirs / ours);
  at_bench_row_begin (json, what);
  at_bench_set_double (json, "atelier", ours);
  at_bench_set_double (json, "pytorch", theirs);
  at_bench_set_string (json, "unit", unit);
  at_bench_set_double (json, "ratio", theirs / ours);
  json_builder_end_object (json);
}

int
at_bench_generate (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AtEngine) engine = at_engine_new (NULL, NULL, &error);
  if (engine == NULL)
    {
      fprintf (stderr, "atelier-bench generate: %s\n", error->message);
      return 1;
    }
  Timings ours = { 0 }, theirs = { 0 };
  g_autofree char *torch = NULL;
  const AtGpuDeviceInfo *info = at_gpu_get_device_info (at_engine_get_gpu (engine));
  JsonBuilder *json = at_bench_table_begin ("generate", "model", info->name);
  g_autofree char *load_start = at_bench_load_average ();
  /* PyTorch before and after the engine, averaged, so that a load that
   * changes during the run weighs on both sides alike. */
  Timings first = { 0 };
  g_autofree char *torch_first = NULL;
  const char *dir = at_engine_get_model_dir (engine);
  if (!measure_torch (dir, &first, &torch_first, &error) || !measure_engine (engine, &ours, &error) ||
      !measure_torch (dir, &theirs, &torch, &error))
    {
      fprintf (stderr, "atelier-bench generate: %s\n", error->message);
      g_object_unref (json);
      return 1;
    }
  g_autofree char *load_end = at_bench_load_average ();
  average_into (&theirs, &first);
  printf ("\nBuilt-in model %s at %dx%d, guided (CFG 3, two UNet passes a step), Euler\n",
          at_engine_get_model_name (engine), at_engine_get_native_size (engine), at_engine_get_native_size (engine));
  printf ("| %-34s | %-14s | %-14s | %-6s |\n", "", "Atelier", "PyTorch", "ratio");
  printf ("| %-34s | %-14s | %-14s | %-6s |\n", "", "Vulkan", "CPU", "PT/At");
  printf ("|%s|%s|%s|%s|\n", "------------------------------------", "----------------", "----------------", "--------");
  row (json, "UNet forward", ours.unet_ms, theirs.unet_ms, "ms");
  row (json, "guided denoiser call (2 UNets)", ours.step_ms, theirs.step_ms, "ms");
  row (json, "image, 8 steps (with encoders)", ours.image_ms[0] / 1000, theirs.image_ms[0] / 1000, "s");
  row (json, "image, 20 steps (with encoders)", ours.image_ms[1] / 1000, theirs.image_ms[1] / 1000, "s");
  if (theirs.refiner_ms > 0)
    row (json, "refiner 64 -> 256 px", ours.refiner_ms, theirs.refiner_ms, "ms");
  row (json, "peak process memory (RSS)", ours.peak_mib, theirs.peak_mib, "MiB");
  at_bench_table_end (json);
  printf ("\nImage, 8 steps, at 256 px (refiner included) against at %d px: %.2f s / %.2f s = %.2fx\n",
          at_engine_get_native_size (engine), ours.image_256_ms / 1000, ours.image_ms[0] / 1000,
          ours.image_256_ms / ours.image_ms[0]);
  printf ("\nAtelier on %s (%s); %s.\nRatio > 1: Atelier is faster (or smaller).\n"
          "Load average (1, 5, 15 min): %s at the start, %s at the end.\n",
          info->name, info->driver, torch, load_start, load_end);
  g_autoptr (AtResult) image = run_request (engine, STEP_COUNTS[0], 3.0f, &error);
  if (image == NULL)
    {
      fprintf (stderr, "atelier-bench generate: %s\n", error->message);
      return 1;
    }
  at_bench_print_assets (engine, image->base_images->pdata[0], NULL);
  return 0;
}
