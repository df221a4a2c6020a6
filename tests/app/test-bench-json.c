/* test-bench-json.c — `atelier-bench --json`: stdout carries only JSON,
 * one object a table, whose rows agree with the human table on stderr and
 * with themselves (ratio = BLAS time / GPU time). The case run is the
 * log-mel one (the device path against the CPU's reference, seconds on
 * lavapipe); its max_err is the two paths' disagreement. No time is
 * asserted: only what the numbers are and how they relate. */
#include <json-glib/json-glib.h>

#include "test-util.h"

static void
run_bench (const char *const *args, char **out, char **err, int *status)
{
  const char *bin = g_getenv ("ATELIER_BENCH_BIN");
  g_assert_nonnull (bin);
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_strv_builder_add (builder, bin);
  g_strv_builder_addv (builder, (const char **) args);
  g_auto (GStrv) argv = g_strv_builder_end (builder);
  g_autoptr (GError) error = NULL;
  g_spawn_sync (NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, err, status, &error);
  g_assert_no_error (error);
}

static void
test_ops_json (void)
{
  const char *args[] = { "ops", "--only", "log-mel", "-n", "1", "--json", NULL };
  g_autofree char *out = NULL, *err = NULL;
  int status = 0;
  run_bench (args, &out, &err, &status);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  /* the human table went to stderr */
  g_assert_nonnull (strstr (err, "| log-mel 2 s clip"));

  g_auto (GStrv) lines = g_strsplit (g_strchomp (out), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 1);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  json_parser_load_from_data (parser, lines[0], -1, &error);
  g_assert_no_error (error);
  JsonObject *table = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (table, "mode"), ==, "ops");
  g_assert_true (strlen (json_object_get_string_member (table, "device")) > 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (table, "load_start")), ==, 3);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (table, "load_end")), ==, 3);
  JsonArray *rows = json_object_get_array_member (table, "rows");
  g_assert_cmpuint (json_array_get_length (rows), ==, 1);
  JsonObject *row = json_array_get_object_element (rows, 0);
  g_assert_cmpstr (json_object_get_string_member (row, "case"), ==, "log-mel 2 s clip");
  double gpu = json_object_get_double_member (row, "gpu_ms"), blas = json_object_get_double_member (row, "blas_ms");
  g_assert_cmpfloat (gpu, >, 0);
  g_assert_cmpfloat (blas, >, 0);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (row, "ratio"), blas / gpu, 1e-9 * blas / gpu);
  /* no flop count for an FFT against a direct DFT: no GF/s members */
  g_assert_false (json_object_has_member (row, "gpu_gflops"));
  g_assert_cmpfloat (json_object_get_double_member (row, "max_err"), <, 1e-5);
}

/* --json does not turn a bad mode into JSON: message, exit status 2. */
static void
test_unknown_mode (void)
{
  const char *args[] = { "nonsense", "--json", NULL };
  g_autofree char *out = NULL, *err = NULL;
  int status = 0;
  run_bench (args, &out, &err, &status);
  g_autoptr (GError) error = NULL;
  g_assert_false (g_spawn_check_wait_status (status, &error));
  g_assert_error (error, G_SPAWN_EXIT_ERROR, 2);
  g_assert_nonnull (strstr (err, "unknown mode"));
  g_assert_cmpstr (out, ==, "");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/bench/ops-json", test_ops_json);
  g_test_add_func ("/bench/unknown-mode", test_unknown_mode);
  return g_test_run ();
}
