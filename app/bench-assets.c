/* bench-assets.c — the asset stages after the model: the upscale stage
 * (the learned refiner where the model has one) at each size and
 * background, and the vectoriser at 256 and 512 px, on an image the model
 * made. Printed by `atelier-bench generate` after its table, and alone by
 * `atelier-bench assets`. Medians of 5 runs. */
#include <stdio.h>
#include <string.h>

#include "app/bench.h"
#include "app/bench-report.h"
#include "engine.h"
#include "media/svg.h"

#define RUNS 5

/* A fish outline, 512 px, as the studio's canvas renders it. */
static AtImage *
fish_sketch (void)
{
  AtImage *s = at_image_new (512, 512, 1);
  memset (s->pixels, 255, 512 * 512);
  for (int y = 0; y < 512; y++)
    for (int x = 0; x < 512; x++)
      {
        double u = (x - 230) / 140.0, v = (y - 256) / 90.0, r = u * u + v * v;
        if (r > 0.92 && r < 1.08)
          s->pixels[y * 512 + x] = 0;
      }
  return s;
}

static double
time_upscale (AtEngine *engine, const AtImage *base, const AtImage *sketch, int size, AtBackground bg)
{
  double ms[RUNS];
  for (int i = 0; i < RUNS; i++)
    {
      gint64 t0 = g_get_monotonic_time ();
      g_autoptr (AtImage) img = at_engine_upscale (engine, base, sketch, size, bg, NULL, NULL);
      ms[i] = (g_get_monotonic_time () - t0) / 1000.0;
    }
  return at_bench_median (ms, RUNS);
}

static double
time_svg (const AtImage *img, AtSvgStats *stats)
{
  double ms[RUNS];
  for (int i = 0; i < RUNS; i++)
    {
      gint64 t0 = g_get_monotonic_time ();
      g_autofree char *svg = at_svg_from_image (img, NULL, stats, NULL);
      ms[i] = (g_get_monotonic_time () - t0) / 1000.0;
    }
  return at_bench_median (ms, RUNS);
}

static void
asset_row (JsonBuilder *json, const char *what, double ms, const char *output)
{
  at_bench_row_begin (json, what);
  at_bench_set_double (json, "ms", ms);
  if (output != NULL)
    at_bench_set_string (json, "output", output);
  json_builder_end_object (json);
}

void
at_bench_print_assets (AtEngine *engine, const AtImage *base, const AtImage *sketch)
{
  printf ("\nAsset stages on one 64 px image of the model (median of %d runs).\n"
          "Upscale: %s on white, %s when transparent (128 px: area reduction of 256; 512 px:\n"
          "bicubic doubling of 256). Vectorise: CIELAB palette + potrace layers of the transparent image, on the CPU.\n",
          RUNS, at_engine_describe_upscale (engine, AT_BACKGROUND_WHITE),
          at_engine_describe_upscale (engine, AT_BACKGROUND_TRANSPARENT));
  g_autofree char *load = at_bench_load_average ();
  printf ("Load average (1, 5, 15 min) at the start: %s\n", load);
  printf ("| %-28s | %10s | %-30s |\n", "stage", "time", "output");
  JsonBuilder *json = at_bench_table_begin ("assets", "asset stages", "CPU");
  printf ("|%s|%s|%s|\n", "------------------------------", "------------", "--------------------------------");
  for (int size = 128; size <= 512; size *= 2)
    for (int bg = AT_BACKGROUND_WHITE; bg <= AT_BACKGROUND_TRANSPARENT; bg++)
      {
        g_autofree char *what = g_strdup_printf ("upscale to %d, %s", size, at_background_to_string (bg));
        double ms = time_upscale (engine, base, sketch, size, bg);
        printf ("| %-28s | %7.1f ms | %-30s |\n", what, ms, "");
        asset_row (json, what, ms, NULL);
      }
  for (int size = 256; size <= 512; size *= 2)
    {
      g_autoptr (AtImage) img = at_engine_upscale (engine, base, sketch, size, AT_BACKGROUND_TRANSPARENT, NULL, NULL);
      AtSvgStats st = { 0 };
      double ms = time_svg (img, &st);
      g_autofree char *what = g_strdup_printf ("vectorise %d px", size);
      g_autofree char *out = g_strdup_printf ("%u colours, %u paths, %.1f KiB", st.n_colors, st.n_paths,
                                              st.bytes / 1024.0);
      printf ("| %-28s | %7.1f ms | %-30s |\n", what, ms, out);
      asset_row (json, what, ms, out);
    }
  at_bench_table_end (json);
}

int
at_bench_assets (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AtEngine) engine = at_engine_new (NULL, NULL, &error);
  g_autoptr (AtRequest) r = at_request_new ();
  r->prompt = g_strdup ("orange fish");
  r->sketch = fish_sketch ();
  r->steps = 8;
  r->guidance = 2.5f;
  r->seed = 3;
  g_autoptr (AtResult) result = engine != NULL ? at_engine_generate (engine, r, NULL, NULL, NULL, &error) : NULL;
  if (result == NULL)
    {
      fprintf (stderr, "atelier-bench assets: %s\n", error->message);
      return 1;
    }
  at_bench_print_assets (engine, result->base_images->pdata[0], r->sketch);
  return 0;
}
