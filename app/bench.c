/* bench.c — atelier-bench: measurements, not tests. Dispatches on argv[1]. */
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "app/bench.h"
#include "app/bench-report.h"
#include "app/cli-locale.h"
#include "atelier-config.h"

typedef struct {
  const char *name;
  int (*run) (int argc, char **argv);
  const char *summary;
} BenchMode;

static const BenchMode modes[] = {
  { "ops", at_bench_ops, "GFLOP/s of matmul and conv2d beside OpenBLAS, log-mel beside the CPU, on this machine (default)" },
  { "generate", at_bench_generate, "the built-in model end to end beside PyTorch on this machine" },
  { "assets", at_bench_assets, "the upscale stage and the vectoriser on an image of the model" },
  { "video", at_bench_video, "frames a second of keyframe animation at 64 and 256 px beside PyTorch" },
};

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

JsonObject *
at_bench_run_torch (const char *model_dir, const char *const *steps, JsonParser *parser, GError **error)
{
  g_autofree char *script = g_build_filename (AT_SOURCE_DIR, "tools", "bench", "torch_generate.py", NULL);
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_strv_builder_add_many (builder, "/usr/bin/python3", script, model_dir, NULL);
  g_strv_builder_addv (builder, (const char **) steps);
  g_auto (GStrv) argv = g_strv_builder_end (builder);
  g_autofree char *out = NULL;
  int status = 0;
  if (!g_spawn_sync (NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status, error) ||
      !g_spawn_check_wait_status (status, error) || !json_parser_load_from_data (parser, out, -1, error))
    return NULL;
  return json_node_get_object (json_parser_get_root (parser));
}

double
at_bench_median (double *values, int n)
{
  qsort (values, n, sizeof (double), compare_doubles);
  return n % 2 == 1 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

static void
print_usage (FILE *out)
{
  fprintf (out, "Usage: atelier-bench [MODE] [OPTION…]\n\nModes:\n");
  for (gsize i = 0; i < G_N_ELEMENTS (modes); i++)
    fprintf (out, "  %-10s %s\n", modes[i].name, modes[i].summary);
  fprintf (out, "\n'atelier-bench MODE --help' lists a mode's options. --json (any mode): every table also as\n"
                "one JSON object a line on stdout, the tables themselves on stderr.\n");
}

int
main (int argc, char **argv)
{
  at_cli_setup_locale ();
  at_bench_report_init (&argc, argv);
  /* No mode, or an option first: the default mode gets every argument. */
  if (argc < 2 || argv[1][0] == '-')
    {
      if (argc >= 2 && (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0))
        {
          print_usage (stdout);
          return 0;
        }
      argv[0] = (char *) modes[0].name;
      return modes[0].run (argc, argv);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (modes); i++)
    if (strcmp (argv[1], modes[i].name) == 0)
      return modes[i].run (argc - 1, argv + 1);
  fprintf (stderr, "atelier-bench: unknown mode “%s”\n\n", argv[1]);
  print_usage (stderr);
  return 2;
}
