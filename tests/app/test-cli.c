/* test-cli.c — the command line as a user runs it: output and exit codes. */
#include <string.h>

#include <glib.h>

#include "atelier-config.h"
#include "media/image.h"

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

static char *
temp_path (const char *name)
{
  static char *dir;
  if (dir == NULL)
    dir = g_dir_make_tmp ("atelier-cli-XXXXXX", NULL);
  return g_build_filename (dir, name, NULL);
}

/* A real run: the PNG carries the parameters other tools read back. */
static void
test_generate_writes_png_with_parameters (void)
{
  g_autofree char *out = temp_path ("apple.png");
  g_auto (Run) run = { 0 };
  run_atelier (&run, (const char *[]) { "generate", "--prompt", "red apple", "--steps", "2", "--guidance", "1",
                                        "--seed", "77", "--sampler", "DPM++ 2M", "--size", "128", "--json",
                                        "-o", out, NULL }, NULL, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "\"seed\" : 77"));
  g_assert_nonnull (strstr (run.out, "\"per_denoiser_call\""));
  g_assert_nonnull (strstr (run.err, "step 2/2"));   /* plain progress lines when not a terminal */
  g_autoptr (GError) error = NULL;
  g_autofree char *params = at_image_read_png_text (out, "parameters", &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (params, "red apple\nSteps: 2, Sampler: DPM++ 2M, CFG scale: 1, Seed: 77, Size: 128x128"));
  g_autoptr (AtImage) img = at_image_load (out, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (img->width, ==, 128);
}

typedef struct {
  const char *const *args;
  int status;
  const char *message;
} BadCase;

static void
test_generate_bad_input (void)
{
  g_autofree char *out = temp_path ("never.png");
  g_autofree char *corrupt = temp_path ("corrupt.png");
  g_autofree char *text = temp_path ("notes.png");
  g_assert_true (g_file_set_contents (corrupt, "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16, NULL));
  g_assert_true (g_file_set_contents (text, "GIF89a not really", -1, NULL));
  const BadCase cases[] = {
    { (const char *[]) { "generate", "--prompt", "cat", NULL }, 2, "-o FILE.png" },
    { (const char *[]) { "generate", "-o", out, NULL }, 2, "Nothing to generate from" },
    { (const char *[]) { "generate", "--prompt", "   ", "-o", out, NULL }, 2, "Nothing to generate from" },
    { (const char *[]) { "generate", "--prompt", "cat", "--sampler", "warp", "-o", out, NULL }, 2, "Unknown sampler \"warp\"" },
    { (const char *[]) { "generate", "--prompt", "cat", "--steps", "0", "-o", out, NULL }, 2, "Steps must be" },
    { (const char *[]) { "generate", "--prompt", "cat", "--sketch", "/nonexistent.png", "-o", out, NULL }, 2, "Sketch:" },
    { (const char *[]) { "generate", "--prompt", "cat", "--sketch", corrupt, "-o", out, NULL }, 2, "Sketch:" },
    { (const char *[]) { "generate", "--prompt", "cat", "--init", text, "-o", out, NULL }, 2, "GIF" },
    { (const char *[]) { "generate", "--prompt", "cat", "--voice", corrupt, "-o", out, NULL }, 2, "Voice:" },
    { (const char *[]) { "generate", "--prompt", "cat", "--model-dir", "/nonexistent", "-o", out, NULL }, 2, "atelier-model.json" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto (Run) run = { 0 };
      run_atelier (&run, cases[i].args, NULL, NULL);
      g_test_message ("case %zu: %d %s", i, run.status, run.err);
      g_assert_cmpint (run.status, ==, cases[i].status);
      g_assert_nonnull (strstr (run.err, cases[i].message));
      g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
    }
  g_auto (Run) run = { 0 };
  run_atelier (&run, (const char *[]) { "generate", "--prompt", "cat", "-o", out, NULL }, "ATELIER_DEVICE", "nope");
  g_assert_cmpint (run.status, ==, 3);
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
  g_test_add_func ("/cli/generate", test_generate_writes_png_with_parameters);
  g_test_add_func ("/cli/generate-bad-input", test_generate_bad_input);
  return g_test_run ();
}
