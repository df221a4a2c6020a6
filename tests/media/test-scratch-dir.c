/* test-scratch-dir.c — working folders in the cache, and the reaping of
 * those whose process was killed. */
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "media/scratch-dir.h"
#include "test-util.h"

/* The PID of a process that has exited and been reaped. */
static pid_t
dead_pid (void)
{
  pid_t pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    _exit (0);
  g_assert_cmpint (waitpid (pid, NULL, 0), ==, pid);
  return pid;
}

static void
test_reaps_the_dead (void)
{
  g_setenv ("XDG_CACHE_HOME", test_tmp_dir (), TRUE);
  g_autofree char *parent = g_build_filename (test_tmp_dir (), "atelier", "narration", NULL);
  g_assert_cmpint (g_mkdir_with_parents (parent, 0700), ==, 0);
  /* left by a killed process: a folder with a file in it */
  g_autofree char *dead_name = g_strdup_printf ("%d-abcdef", (int) dead_pid ());
  g_autofree char *dead = g_build_filename (parent, dead_name, NULL);
  g_assert_cmpint (g_mkdir (dead, 0700), ==, 0);
  g_autofree char *dead_file = g_build_filename (dead, "narration-1.wav", NULL);
  test_write_bytes (dead_file, "RIFF", 4);
  /* a running process's folder, and a folder not named by a PID */
  g_autofree char *alive_name = g_strdup_printf ("%d-ghijkl", (int) getppid ());
  g_autofree char *alive = g_build_filename (parent, alive_name, NULL);
  g_assert_cmpint (g_mkdir (alive, 0700), ==, 0);
  g_autofree char *other = g_build_filename (parent, "notes", NULL);
  g_assert_cmpint (g_mkdir (other, 0700), ==, 0);

  g_autoptr (GError) error = NULL;
  g_autofree char *mine = at_scratch_dir_new ("narration", &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (mine, parent));
  g_assert_true (g_file_test (mine, G_FILE_TEST_IS_DIR));
  g_autofree char *base = g_path_get_basename (mine);
  g_autofree char *prefix = g_strdup_printf ("%d-", (int) getpid ());
  g_assert_true (g_str_has_prefix (base, prefix));
  g_assert_false (g_file_test (dead, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (alive, G_FILE_TEST_IS_DIR));
  g_assert_true (g_file_test (other, G_FILE_TEST_IS_DIR));

  g_autofree char *file = g_build_filename (mine, "x.wav", NULL);
  test_write_bytes (file, "x", 1);
  at_scratch_dir_remove (mine);
  g_assert_false (g_file_test (mine, G_FILE_TEST_EXISTS));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/scratch-dir/reaps-the-dead", test_reaps_the_dead);
  return g_test_run ();
}
