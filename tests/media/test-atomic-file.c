/* test-atomic-file.c — atomic outputs: whole or nothing, special files
 * written through and never replaced, a set committed as one unit. What
 * is checked is read back from the file system (stat, readdir, the bytes). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "media/atomic-file.h"
#include "media/output-set.h"
#include "test-util.h"

static char *
read_text (const char *path)
{
  char *text = NULL;
  g_autoptr (GError) error = NULL;
  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

static void
test_new_and_replace (TestScratch *s, gconstpointer data)
{
  g_autofree char *path = g_build_filename (s->dir, "a.txt", NULL);
  g_autoptr (GError) error = NULL;
  g_assert_true (at_atomic_file_set_contents (path, "first", 5, &error));
  g_assert_no_error (error);
  g_autofree char *first = read_text (path);
  g_assert_cmpstr (first, ==, "first");

  /* replacing keeps the old file's permissions */
  g_assert_cmpint (g_chmod (path, 0640), ==, 0);
  g_autoptr (AtAtomicFile) f = at_atomic_file_new (path, &error);
  g_assert_no_error (error);
  g_assert_true (at_atomic_file_write_all (f, "second", 6, &error));
  /* until commit, readers see the old file and nothing else is named */
  g_autofree char *during = read_text (path);
  g_assert_cmpstr (during, ==, "first");
  g_autofree char *names = test_list_dir (s->dir);
  g_assert_cmpstr (names, ==, "a.txt");
  g_assert_true (at_atomic_file_commit (f, &error));
  g_autofree char *second = read_text (path);
  g_assert_cmpstr (second, ==, "second");
  GStatBuf st;
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0640);
  g_autofree char *after = test_list_dir (s->dir);
  g_assert_cmpstr (after, ==, "a.txt");
}

static void
test_discard (TestScratch *s, gconstpointer data)
{
  g_autofree char *path = g_build_filename (s->dir, "never.png", NULL);
  g_autoptr (GError) error = NULL;
  AtAtomicFile *f = at_atomic_file_new (path, &error);
  g_assert_no_error (error);
  g_assert_true (at_atomic_file_write_all (f, "data", 4, &error));
  at_atomic_file_free (f);
  g_autofree char *names = test_list_dir (s->dir);
  g_assert_cmpstr (names, ==, "");
}

/* kill -9 in the middle of a write: nothing is left, not even a hidden
 * temporary (the file has no name until it is committed). */
static void
test_killed_writer (TestScratch *s, gconstpointer data)
{
  g_autofree char *path = g_build_filename (s->dir, "big.bin", NULL);
  g_assert_true (at_atomic_file_set_contents (path, "old", 3, NULL));
  for (int round = 0; round < 5; round++)
    {
      pid_t pid = fork ();
      g_assert_cmpint (pid, >=, 0);
      if (pid == 0)
        {
          AtAtomicFile *f = at_atomic_file_new (path, NULL);
          static char chunk[1 << 16];
          memset (chunk, 'x', sizeof chunk);
          for (int i = 0; f != NULL && i < 32; i++)
            at_atomic_file_write_all (f, chunk, sizeof chunk, NULL);
          raise (SIGKILL);
          _exit (0);
        }
      int status = 0;
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      g_assert_true (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL);
    }
  g_autofree char *names = test_list_dir (s->dir);
  g_assert_cmpstr (names, ==, "big.bin");
  g_autofree char *text = read_text (path);
  g_assert_cmpstr (text, ==, "old");
}

static void
test_symlink_followed (TestScratch *s, gconstpointer data)
{
  g_autofree char *target = g_build_filename (s->dir, "target.txt", NULL);
  g_autofree char *link = g_build_filename (s->dir, "link.txt", NULL);
  g_assert_true (at_atomic_file_set_contents (target, "old", 3, NULL));
  g_assert_cmpint (symlink ("target.txt", link), ==, 0);
  g_autoptr (GError) error = NULL;
  g_assert_true (at_atomic_file_set_contents (link, "new", 3, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (link, G_FILE_TEST_IS_SYMLINK));
  g_autofree char *text = read_text (target);
  g_assert_cmpstr (text, ==, "new");
}

static void
test_refused_targets (TestScratch *s, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_assert_false (at_atomic_file_set_contents (s->dir, "x", 1, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_ISDIR);
  g_assert_true (g_file_test (s->dir, G_FILE_TEST_IS_DIR));
  g_clear_error (&error);

  g_autofree char *nodir = g_build_filename (s->dir, "no", "such", "x.png", NULL);
  g_assert_false (at_atomic_file_set_contents (nodir, "x", 1, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_clear_error (&error);

  g_assert_false (at_atomic_file_set_contents ("", "x", 1, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* a block device, where one is visible, is never written */
  const char *block = NULL;
  const char *candidates[] = { "/dev/loop0", "/dev/sda", "/dev/vda", "/dev/nvme0n1" };
  for (guint i = 0; i < G_N_ELEMENTS (candidates) && block == NULL; i++)
    {
      GStatBuf st;
      if (g_stat (candidates[i], &st) == 0 && S_ISBLK (st.st_mode))
        block = candidates[i];
    }
  if (block != NULL)
    {
      g_assert_null (at_atomic_file_new (block, &error));
      g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL);
      g_clear_error (&error);
    }
}

/* /dev/null takes the bytes and stays the device. */
static void
test_dev_null (TestScratch *s, gconstpointer data)
{
  GStatBuf before, after;
  g_assert_cmpint (g_stat ("/dev/null", &before), ==, 0);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtAtomicFile) f = at_atomic_file_new ("/dev/null", &error);
  g_assert_no_error (error);
  g_assert_true (at_atomic_file_is_special (f));
  g_assert_true (at_atomic_file_write_all (f, "png", 3, &error));
  g_assert_true (at_atomic_file_commit (f, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat ("/dev/null", &after), ==, 0);
  g_assert_true (S_ISCHR (after.st_mode));
  g_assert_cmpuint (after.st_ino, ==, before.st_ino);
  g_assert_cmpuint (after.st_rdev, ==, before.st_rdev);
}

static gpointer
read_fifo (gpointer path)
{
  char *text = NULL;
  g_file_get_contents (path, &text, NULL, NULL);
  return text;
}

/* A named pipe gets the finished bytes and stays a pipe. */
static void
test_fifo (TestScratch *s, gconstpointer data)
{
  g_autofree char *fifo = g_build_filename (s->dir, "pipe.png", NULL);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  GThread *reader = g_thread_new ("reader", read_fifo, fifo);
  g_autoptr (GError) error = NULL;
  g_assert_true (at_atomic_file_set_contents (fifo, "through the pipe", 16, &error));
  g_assert_no_error (error);
  g_autofree char *got = g_thread_join (reader);
  g_assert_cmpstr (got, ==, "through the pipe");
  GStatBuf st;
  g_assert_cmpint (g_lstat (fifo, &st), ==, 0);
  g_assert_true (S_ISFIFO (st.st_mode));
  g_autofree char *names = test_list_dir (s->dir);
  g_assert_cmpstr (names, ==, "pipe.png");
}

static void
test_set_distinct (TestScratch *s, gconstpointer data)
{
  g_autofree char *a = g_build_filename (s->dir, "a.wav", NULL);
  g_autofree char *same = g_build_filename (s->dir, ".", "a.wav", NULL);
  g_autofree char *b = g_build_filename (s->dir, "b.srt", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtOutputSet) set = at_output_set_new ();
  g_assert_nonnull (at_output_set_add (set, "-o", a, &error));
  g_assert_null (at_output_set_add (set, "--srt", same, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_EXIST);
  g_assert_nonnull (strstr (error->message, "-o and --srt"));
  g_clear_error (&error);
  /* devices may take several outputs */
  g_assert_nonnull (at_output_set_add (set, "--srt", "/dev/null", &error));
  g_assert_nonnull (at_output_set_add (set, "--vtt", "/dev/null", &error));
  g_assert_nonnull (at_output_set_add (set, "--json", b, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (at_output_set_get_length (set), ==, 4);

  /* nothing is named before commit, everything after */
  for (guint i = 0; i < at_output_set_get_length (set); i++)
    g_assert_true (at_atomic_file_write_all (at_output_set_get (set, i), "x", 1, &error));
  g_autofree char *before = test_list_dir (s->dir);
  g_assert_cmpstr (before, ==, "");
  g_assert_true (at_output_set_commit (set, &error));
  g_assert_no_error (error);
  g_autofree char *after = test_list_dir (s->dir);
  g_assert_cmpstr (after, ==, "a.wav b.srt");
}

/* A set freed before commit (a later output failed) leaves no file. */
static void
test_set_abandoned (TestScratch *s, gconstpointer data)
{
  g_autofree char *a = g_build_filename (s->dir, "out-1.png", NULL);
  g_autofree char *b = g_build_filename (s->dir, "out-2.png", NULL);
  g_assert_cmpint (g_mkdir (b, 0700), ==, 0);
  g_autoptr (GError) error = NULL;
  AtOutputSet *set = at_output_set_new ();
  g_assert_nonnull (at_output_set_add (set, "-o", a, &error));
  g_assert_null (at_output_set_add (set, "-o", b, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_ISDIR);
  g_assert_true (g_str_has_prefix (error->message, "-o: "));
  at_output_set_free (set);
  g_autofree char *names = test_list_dir (s->dir);
  g_assert_cmpstr (names, ==, "out-2.png");
}

/* Without O_TMPFILE: a hidden temporary name beside the target while it
 * is written, gone after commit or discard. */
static void
test_fallback (TestScratch *s, gconstpointer data)
{
  at_atomic_file_set_no_tmpfile_for_testing (TRUE);
  g_autofree char *path = g_build_filename (s->dir, "b.txt", NULL);
  g_autoptr (GError) error = NULL;
  g_assert_true (at_atomic_file_set_contents (path, "old", 3, &error));
  AtAtomicFile *f = at_atomic_file_new (path, &error);
  g_assert_no_error (error);
  g_assert_true (at_atomic_file_write_all (f, "new", 3, &error));
  g_autofree char *during = test_list_dir (s->dir);
  g_assert_true (g_str_has_prefix (during, ".b.txt."));
  g_assert_true (g_str_has_suffix (during, " b.txt"));
  g_assert_true (at_atomic_file_commit (f, &error));
  at_atomic_file_free (f);
  g_autofree char *after = test_list_dir (s->dir);
  g_assert_cmpstr (after, ==, "b.txt");
  g_autofree char *text = read_text (path);
  g_assert_cmpstr (text, ==, "new");

  f = at_atomic_file_new (path, &error);
  g_assert_true (at_atomic_file_write_all (f, "lost", 4, &error));
  at_atomic_file_free (f);
  g_autofree char *discarded = test_list_dir (s->dir);
  g_assert_cmpstr (discarded, ==, "b.txt");
  g_autofree char *kept = read_text (path);
  g_assert_cmpstr (kept, ==, "new");
  at_atomic_file_set_no_tmpfile_for_testing (FALSE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, TestScratch, NULL, test_scratch_setup, fn, test_scratch_teardown)
  ADD ("/atomic-file/new-and-replace", test_new_and_replace);
  ADD ("/atomic-file/discard", test_discard);
  ADD ("/atomic-file/killed-writer", test_killed_writer);
  ADD ("/atomic-file/symlink-followed", test_symlink_followed);
  ADD ("/atomic-file/refused-targets", test_refused_targets);
  ADD ("/atomic-file/dev-null", test_dev_null);
  ADD ("/atomic-file/fifo", test_fifo);
  ADD ("/atomic-file/fallback", test_fallback);
  ADD ("/output-set/distinct", test_set_distinct);
  ADD ("/output-set/abandoned", test_set_abandoned);
  return g_test_run ();
}
