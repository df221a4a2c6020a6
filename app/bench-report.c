/* bench-report.c — the JSON side of atelier-bench's tables. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/bench-report.h"

static FILE *json_out;   /* the real stdout with --json, else NULL */

void
at_bench_report_init (int *argc, char **argv)
{
  int kept = 0;
  gboolean json = FALSE;
  for (int i = 0; i < *argc; i++)
    if (i > 0 && strcmp (argv[i], "--json") == 0)
      json = TRUE;
    else
      argv[kept++] = argv[i];
  argv[kept] = NULL;
  *argc = kept;
  if (!json)
    return;
  fflush (stdout);
  int fd = dup (STDOUT_FILENO);
  if (fd < 0 || (json_out = fdopen (fd, "w")) == NULL || dup2 (STDERR_FILENO, STDOUT_FILENO) < 0)
    {
      perror ("atelier-bench: --json");
      exit (1);
    }
}

static void
add_load (JsonBuilder *b, const char *member)
{
  double load[3];
  json_builder_set_member_name (b, member);
  json_builder_begin_array (b);
  int n = getloadavg (load, 3);
  for (int i = 0; i < n; i++)
    json_builder_add_double_value (b, load[i]);
  json_builder_end_array (b);
}

JsonBuilder *
at_bench_table_begin (const char *mode, const char *table, const char *device)
{
  JsonBuilder *b = json_builder_new ();
  json_builder_begin_object (b);
  at_bench_set_string (b, "mode", mode);
  at_bench_set_string (b, "table", table);
  at_bench_set_string (b, "device", device);
  add_load (b, "load_start");
  json_builder_set_member_name (b, "rows");
  json_builder_begin_array (b);
  return b;
}

void
at_bench_row_begin (JsonBuilder *b, const char *name)
{
  json_builder_begin_object (b);
  at_bench_set_string (b, "case", name);
}

void
at_bench_set_double (JsonBuilder *b, const char *member, double value)
{
  json_builder_set_member_name (b, member);
  json_builder_add_double_value (b, value);
}

void
at_bench_set_string (JsonBuilder *b, const char *member, const char *value)
{
  json_builder_set_member_name (b, member);
  json_builder_add_string_value (b, value);
}

void
at_bench_table_end (JsonBuilder *b)
{
  json_builder_end_array (b);
  add_load (b, "load_end");
  json_builder_end_object (b);
  if (json_out != NULL)
    {
      g_autoptr (JsonNode) root = json_builder_get_root (b);
      g_autofree char *text = json_to_string (root, FALSE);
      fprintf (json_out, "%s\n", text);
      fflush (json_out);
    }
  g_object_unref (b);
}

char *
at_bench_load_average (void)
{
  g_autofree char *text = NULL;
  if (!g_file_get_contents ("/proc/loadavg", &text, NULL, NULL))
    return g_strdup ("unknown");
  g_auto (GStrv) fields = g_strsplit (text, " ", 4);
  return g_strv_length (fields) >= 3 ? g_strdup_printf ("%s %s %s", fields[0], fields[1], fields[2])
                                     : g_strdup ("unknown");
}
