/* test-cli.c — the command line as a user runs it: output and exit codes. */
#include <string.h>

#include <glib.h>

#include "atelier-config.h"

typedef struct {
  char *out;
  char *err;
  int status;
} Run;

static void
run_clear (Run *run)
{
  g_free (run->out);
  g_free (run->err);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

/* Runs the atelier binary with args and extra environment (NULL-ended). */
static void
run_atelier (Run *run, const char * const *args, const char *env_name, const char *env_value)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_strv_builder_add (builder, g_getenv ("ATELIER_BIN"));
  g_strv_builder_addv (builder, (const char **) args);
  g_auto (GStrv) argv = g_strv_builder_end (builder);
  g_auto (GStrv) envp = g_get_environ ();
  if (env_name != NULL)
    envp = g_environ_setenv (envp, env_name, env_value, TRUE);
  g_autoptr (GError) error = NULL;
  int wait_status = 0;
  g_spawn_sync (NULL, argv, envp, G_SPAWN_DEFAULT, NULL, NULL, &run->out, &run->err, &wait_status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  run->status = WEXITSTATUS (wait_status);
}

static void
test_version (void)
{
  g_auto (Run) run = { 0 };
  run_atelier (&run, (const char *[]) { "--version", NULL }, NULL, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "atelier " AT_VERSION "\n");
}

static void
test_list_devices (void)
{
  g_auto (Run) run = { 0 };
  run_atelier (&run, (const char *[]) { "--list-devices", NULL }, NULL, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "llvmpipe"));
  g_assert_nonnull (strstr (run.out, "type: CPU"));
  g_assert_nonnull (strstr (run.out, "driver: llvmpipe Mesa"));
  g_assert_nonnull (strstr (run.out, "memory:"));
}

static void
test_bad_device_choice (void)
{
  g_auto (Run) run = { 0 };
  run_atelier (&run, (const char *[]) { "--list-devices", NULL }, "ATELIER_DEVICE", "quantum-accelerator");
  g_assert_cmpint (run.status, ==, 3);
  g_assert_nonnull (strstr (run.err, "No Vulkan compute device matches \"quantum-accelerator\""));
}

static void
test_missing_driver (void)
{
  g_auto (Run) run = { 0 };
  run_atelier (&run, (const char *[]) { "--list-devices", NULL }, "VK_ICD_FILENAMES", "/nonexistent/icd.json");
  g_assert_cmpint (run.status, ==, 3);
  g_assert_nonnull (strstr (run.err, "mesa-vulkan-drivers"));
}

static void
test_unknown_option (void)
{
  g_auto (Run) run = { 0 };
  run_atelier (&run, (const char *[]) { "--frobnicate", NULL }, NULL, NULL);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "unknown option --frobnicate"));
  g_assert_nonnull (strstr (run.err, "Usage:"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_assert_nonnull (g_getenv ("ATELIER_BIN"));
  g_test_add_func ("/cli/version", test_version);
  g_test_add_func ("/cli/list-devices", test_list_devices);
  g_test_add_func ("/cli/bad-device", test_bad_device_choice);
  g_test_add_func ("/cli/missing-driver", test_missing_driver);
  g_test_add_func ("/cli/unknown-option", test_unknown_option);
  return g_test_run ();
}
