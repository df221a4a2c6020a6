/* test-cli-models.c — `atelier models list|add|remove` on checkpoints made
 * from the reference manifests (tests/sd/sd-manifest.h: full-size sparse
 * files), in a library folder of the test's own (XDG_DATA_HOME).
 *
 * Checks: what is added opens again as the same model (the copy keeps the
 * data, and the holes stay holes); links point at the file and removing
 * them leaves it; non-checkpoints are refused with the loader's message,
 * exit 2, and nothing lands in the library.
 */
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <glib/gstdio.h>

#include "sd-manifest.h"
#include "sd/sd-library.h"
#include "test-util.h"

static char *library;   /* $XDG_DATA_HOME/atelier/models */

/* Runs atelier models ARGS...; asserts the exit status; returns stdout,
 * and stderr in *err. */
static char *
models (int status, char **err, ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (gpointer) g_getenv ("ATELIER_BIN"));
  g_ptr_array_add (argv, "models");
  va_list ap;
  va_start (ap, err);
  for (const char *a; (a = va_arg (ap, const char *)) != NULL;)
    g_ptr_array_add (argv, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  char *out = NULL, *errs = NULL;
  int wait_status;
  g_autoptr (GError) error = NULL;
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &errs, &wait_status, &error);
  g_assert_no_error (error);
  g_test_message ("models %s: %s%s", (char *) argv->pdata[2], out, errs);
  g_assert_true (WIFEXITED (wait_status));
  g_assert_cmpint (WEXITSTATUS (wait_status), ==, status);
  if (err != NULL)
    *err = errs;
  else
    g_free (errs);
  return out;
}

static void
assert_contains (const char *text, const char *part)
{
  if (strstr (text, part) == NULL)
    g_error ("\"%s\" does not contain \"%s\"", text, part);
}

static void
test_add_list_remove (void)
{
  g_autofree char *out = models (0, NULL, "list", NULL);
  assert_contains (out, "No models yet");

  g_autofree char *turbo = test_tmp_path ("my-turbo.safetensors");
  sd_manifest_write_turbo (turbo, 0.1118);   /* above 0.09: v-prediction */
  g_autofree char *added = models (0, NULL, "add", turbo, NULL);
  assert_contains (added, "SD 2.x (SD-Turbo layout)");
  g_autofree char *copy = g_build_filename (library, "my-turbo.safetensors", NULL);
  GStatBuf a, b;
  g_assert_cmpint (g_stat (turbo, &a), ==, 0);
  g_assert_cmpint (g_lstat (copy, &b), ==, 0);
  g_assert_true (S_ISREG (b.st_mode));
  g_assert_cmpint (a.st_size, ==, b.st_size);
  g_assert_cmpint ((gint64) b.st_blocks * 512, <, 64 << 20);   /* holes kept */
  g_autoptr (GError) error = NULL;
  g_autoptr (AtSdCheckpoint) ck = at_sd_checkpoint_open (copy, AT_SD_PREDICTION_AUTO, &error);
  g_assert_no_error (error);
  g_assert_cmpint (at_sd_checkpoint_get_prediction (ck, NULL), ==, AT_SD_PREDICTION_V);   /* the data came too */

  g_autofree char *err = NULL;
  g_autofree char *again = models (2, &err, "add", turbo, NULL);
  assert_contains (err, "already in the library");

  g_autoptr (SdManifest) sd15 = sd_manifest_load ("sd15");
  g_autofree char *p15 = test_tmp_path ("v15.safetensors");
  sd_manifest_write_sparse (sd15, p15, NULL, NULL);
  g_autofree char *linked = models (0, NULL, "add", p15, "--link", NULL);
  assert_contains (linked, "SD 1.x");
  g_autofree char *listed = models (0, NULL, "list", NULL);
  assert_contains (listed, "my-turbo");
  assert_contains (listed, "v-prediction");
  assert_contains (listed, "-> ");
  g_assert_true (strstr (listed, "my-turbo") > strstr (listed, "NAME"));
  g_assert_true (strstr (listed, "v15") > strstr (listed, "my-turbo"));   /* sorted */

  g_autofree char *removed = models (0, NULL, "remove", "v15", NULL);
  g_assert_true (g_file_test (p15, G_FILE_TEST_IS_REGULAR));   /* the linked file stays */
  g_autofree char *err2 = NULL;
  g_autofree char *gone = models (2, &err2, "remove", "v15", NULL);
  assert_contains (err2, "no model called \"v15\"");
  g_autofree char *removed2 = models (0, NULL, "remove", "my-turbo", NULL);
  g_assert_false (g_file_test (copy, G_FILE_TEST_EXISTS));
}

static void
test_refused (void)
{
  g_autoptr (SdManifest) lora = sd_manifest_load ("sd15");
  g_ptr_array_set_size (lora->infos, 0);
  sd_manifest_add (lora, "lora_unet_mid_block_attentions_0_proj_in.lora_down.weight", "F16", 2, (gint64[]) { 4, 8 });
  g_autofree char *lp = test_tmp_path ("style.safetensors");
  sd_manifest_write_sparse (lora, lp, NULL, NULL);
  g_autofree char *text = test_tmp_path ("notes.safetensors");
  g_assert_true (g_file_set_contents (text, "just some words", -1, NULL));
  g_autoptr (SdManifest) pruned = sd_manifest_load ("sd15");
  sd_manifest_remove_prefix (pruned, "first_stage_model.");
  g_autofree char *pp = test_tmp_path ("pruned.safetensors");
  sd_manifest_write_sparse (pruned, pp, NULL, NULL);
  static const struct {
    const char *file, *message;
  } cases[] = { { "style.safetensors", "LoRA" }, { "notes.safetensors", "safetensors" },
                { "pruned.safetensors", "no VAE" }, { "absent.safetensors", "absent.safetensors" } };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = test_tmp_path (cases[i].file);
      g_autofree char *err = NULL;
      g_autofree char *out = models (2, &err, "add", path, NULL);
      g_assert_true (g_str_has_prefix (err, "atelier models: "));
      assert_contains (err, cases[i].message);
      g_assert_cmpuint (strchr (err, '\n') - err, ==, strlen (err) - 1);   /* one line */
    }
  g_autofree char *listed = test_list_dir (library);
  g_assert_cmpstr (listed, ==, "");   /* nothing landed, not even a temporary */

  g_autofree char *e1 = NULL, *e2 = NULL, *e3 = NULL;
  g_autofree char *o1 = models (2, &e1, "frobnicate", NULL);
  assert_contains (e1, "unknown action");
  g_autofree char *o2 = models (2, &e2, NULL);
  g_autofree char *o3 = models (2, &e3, "remove", "../x", NULL);
  assert_contains (e3, "not a model name");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_autofree char *data = test_tmp_path ("data");
  g_setenv ("XDG_DATA_HOME", data, TRUE);   /* for the children and this process alike */
  library = at_sd_library_dir ();
  g_assert_true (g_str_has_prefix (library, data));
  g_assert_cmpint (g_mkdir_with_parents (library, 0700), ==, 0);
  g_test_add_func ("/cli/models/add-list-remove", test_add_list_remove);
  g_test_add_func ("/cli/models/refused", test_refused);
  int rc = g_test_run ();
  g_free (library);
  return rc;
}
