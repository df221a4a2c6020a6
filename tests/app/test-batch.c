/* test-batch.c — `atelier batch`: jobs run, bad lines reported with their
 * line number while the rest go on, a restart redoes nothing that
 * finished, shards split the jobs between them (GNU parallel as the README
 * shows), and kill -9 loses nothing and leaves no partial file. What each
 * job made is read back (PNG parameters, the WAV, the SRT). */
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "audio/audio-file.h"
#include "media/image.h"
#include "media/subtitles.h"
#include "test-util.h"

typedef struct {
  char *out, *err;
  int status;
} Run;

static void
run_clear (Run *r)
{
  g_free (r->out);
  g_free (r->err);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static void
run_batch (Run *run, const char *jobs, const char *out, const char *shard)
{
  const char *argv[] = { g_getenv ("ATELIER_BIN"), "batch", jobs, "--out", out, shard ? "--shard" : NULL, shard, NULL };
  g_autoptr (GError) error = NULL;
  int wait_status = 0;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &run->out, &run->err, &wait_status,
                &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  run->status = WEXITSTATUS (wait_status);
  g_test_message ("batch %s: exit %d\n%s", jobs, run->status, run->err);
}

/* Every record of every results*.jsonl in dir. */
static GPtrArray *
read_results (const char *dir)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  g_assert_nonnull (d);
  const char *name;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      if (!g_str_has_prefix (name, "results"))
        continue;
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *text = NULL;
      g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
      g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
      for (guint i = 0; lines[i] != NULL; i++)
        {
          if (lines[i][0] == '\0')
            continue;
          g_autoptr (JsonParser) parser = json_parser_new ();
          g_assert_true (json_parser_load_from_data (parser, lines[i], -1, NULL));
          g_ptr_array_add (records, json_object_ref (json_node_get_object (json_parser_get_root (parser))));
        }
    }
  return records;
}

/* How many records say line ended with status. */
static guint
count (GPtrArray *records, gint64 line, const char *status)
{
  guint n = 0;
  for (guint i = 0; i < records->len; i++)
    {
      JsonObject *r = records->pdata[i];
      if (json_object_get_int_member (r, "line") == line &&
          g_str_equal (json_object_get_string_member (r, "status"), status))
        n++;
    }
  return n;
}

static const char *
error_of (GPtrArray *records, gint64 line)
{
  for (guint i = 0; i < records->len; i++)
    if (json_object_get_int_member (records->pdata[i], "line") == line)
      return json_object_get_string_member_with_default (records->pdata[i], "error", "");
  return NULL;
}

static ino_t
inode (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  GStatBuf st;
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_ino;
}

static void
test_jobs_and_resume (TestScratch *s, gconstpointer data)
{
  g_autofree char *jobs = g_build_filename (s->dir, "jobs.jsonl", NULL);
  g_autofree char *out = g_build_filename (s->dir, "out", NULL);
  const char *text =
    "# assets for the page\n"
    "{\"kind\": \"generate\", \"prompt\": \"red apple\", \"steps\": 1, \"seed\": 7, \"output\": \"apple.png\"}\n"
    "{\"kind\": \"narrate\", \"text\": \"A red apple.\", \"output\": \"apple.wav\", \"srt\": \"apple.srt\"}\n"
    "{\"kind\": \"generate\", \"prompt\": \"blue house\", \"steps\": 0}\n"
    "{\"kind\": \"generate\", \"prompt\": \"oops\"\n"
    "{\"kind\": \"paint\", \"prompt\": \"x\"}\n"
    "{\"kind\": \"narrate\", \"text\": \"x\", \"output\": \"../outside.wav\"}\n"
    "\n"
    "{\"kind\": \"generate\", \"prompt\": \"green tree\", \"steps\": 1, \"seed\": 3, \"sampler\": \"heun\"}\n";
  test_write_bytes (jobs, text, strlen (text));

  g_auto (Run) first = { 0 };
  run_batch (&first, jobs, out, NULL);
  g_assert_cmpint (first.status, ==, 2);   /* some lines were bad */
  g_autoptr (GPtrArray) records = read_results (out);
  g_assert_cmpuint (records->len, ==, 7);
  g_assert_cmpuint (count (records, 2, "ok"), ==, 1);
  g_assert_cmpuint (count (records, 3, "ok"), ==, 1);
  g_assert_cmpuint (count (records, 9, "ok"), ==, 1);
  for (gint64 line = 4; line <= 7; line++)
    g_assert_cmpuint (count (records, line, "bad"), ==, 1);
  g_assert_nonnull (strstr (error_of (records, 4), "Steps must be between 1 and 200"));
  g_assert_nonnull (strstr (error_of (records, 6), "\"kind\""));
  g_assert_nonnull (strstr (error_of (records, 7), "inside the output folder"));
  g_assert_nonnull (strstr (first.err, "jobs.jsonl:5:"));   /* the line number of the broken JSON */
  g_autofree char *outside = g_build_filename (s->dir, "outside.wav", NULL);
  g_assert_false (g_file_test (outside, G_FILE_TEST_EXISTS));

  /* what each job made, read back */
  g_autofree char *apple = g_build_filename (out, "apple.png", NULL);
  g_autofree char *params = at_image_read_png_text (apple, "parameters", NULL);
  g_assert_nonnull (params);
  g_assert_true (g_str_has_prefix (params, "red apple\nSteps: 1,"));
  g_assert_nonnull (strstr (params, "Seed: 7"));
  g_autofree char *tree = g_build_filename (out, "9.png", NULL);   /* named by its line */
  g_autofree char *tree_params = at_image_read_png_text (tree, "parameters", NULL);
  g_assert_nonnull (strstr (tree_params, "Sampler: Heun"));
  g_autofree char *wav = g_build_filename (out, "apple.wav", NULL);
  g_autoptr (AtAudio) audio = at_audio_load (wav, NULL);
  g_assert_nonnull (audio);
  g_assert_cmpfloat (at_audio_get_duration (audio), >, 0.3);
  g_autofree char *srt = g_build_filename (out, "apple.srt", NULL);
  g_autoptr (GPtrArray) cues = at_subtitles_load (srt, NULL);
  g_assert_nonnull (cues);
  g_assert_cmpuint (cues->len, >=, 1);

  /* run again: nothing that finished runs again (its files stay the same
   * inodes: an atomic rewrite would make new ones) */
  ino_t before[] = { inode (out, "apple.png"), inode (out, "apple.wav"), inode (out, "9.png") };
  g_auto (Run) second = { 0 };
  run_batch (&second, jobs, out, NULL);
  g_assert_nonnull (strstr (second.err, "0 done, 3 skipped"));
  ino_t after[] = { inode (out, "apple.png"), inode (out, "apple.wav"), inode (out, "9.png") };
  g_assert_cmpmem (before, sizeof before, after, sizeof after);
  g_autoptr (GPtrArray) again = read_results (out);
  g_assert_cmpuint (count (again, 2, "ok"), ==, 1);

  /* an edited line is a new job */
  const char *edited = "{\"kind\": \"narrate\", \"text\": \"A blue house.\", \"output\": \"apple.wav\"}\n";
  g_autofree char *jobs2 = g_build_filename (s->dir, "jobs2.jsonl", NULL);
  g_autofree char *text2 = g_strdup_printf ("%s", text);
  char *second_line = strstr (text2, "{\"kind\": \"narrate\", \"text\": \"A red apple.\"");
  g_assert_nonnull (second_line);
  g_autofree char *rewritten = g_strdup_printf ("%.*s%s%s", (int) (second_line - text2), text2, edited,
                                                strchr (second_line, '\n') + 1);
  test_write_bytes (jobs2, rewritten, strlen (rewritten));
  g_auto (Run) third = { 0 };
  run_batch (&third, jobs2, out, NULL);
  g_assert_nonnull (strstr (third.err, "1 done, 2 skipped"));
}

/* Narrations: quick jobs for sharding and killing. */
static char *
write_narrations (const char *dir, int n)
{
  GString *s = g_string_new (NULL);
  for (int i = 0; i < n; i++)
    g_string_append_printf (s, "{\"kind\": \"narrate\", \"text\": \"Line number %d of the batch.\", \"output\": \"n%d.wav\"}\n", i, i);
  char *path = g_build_filename (dir, "narrations.jsonl", NULL);
  test_write_bytes (path, s->str, s->len);
  g_string_free (s, TRUE);
  return path;
}

static void
test_shards (TestScratch *s, gconstpointer data)
{
  g_autofree char *jobs = write_narrations (s->dir, 5);
  g_autofree char *out = g_build_filename (s->dir, "out", NULL);
  g_auto (Run) zero = { 0 }, one = { 0 };
  run_batch (&zero, jobs, out, "0/2");
  run_batch (&one, jobs, out, "1/2");
  g_assert_cmpint (zero.status, ==, 0);
  g_assert_cmpint (one.status, ==, 0);
  g_autofree char *r0 = g_build_filename (out, "results-0-of-2.jsonl", NULL);
  g_autofree char *r1 = g_build_filename (out, "results-1-of-2.jsonl", NULL);
  g_assert_true (g_file_test (r0, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (r1, G_FILE_TEST_IS_REGULAR));
  g_autoptr (GPtrArray) records = read_results (out);
  g_assert_cmpuint (records->len, ==, 5);
  for (gint64 line = 1; line <= 5; line++)
    g_assert_cmpuint (count (records, line, "ok"), ==, 1);
  g_assert_nonnull (strstr (zero.err, "3 done"));   /* jobs 0, 2, 4 */
  g_assert_nonnull (strstr (one.err, "2 done"));    /* jobs 1, 3 */

  g_auto (Run) bad = { 0 };
  run_batch (&bad, jobs, out, "2/2");
  g_assert_cmpint (bad.status, ==, 2);
  g_assert_nonnull (strstr (bad.err, "--shard must be I/N"));
}

/* The README's example: GNU parallel runs four shards at once. */
static void
test_gnu_parallel (TestScratch *s, gconstpointer data)
{
  g_autofree char *jobs = write_narrations (s->dir, 6);
  g_autofree char *out = g_build_filename (s->dir, "out", NULL);
  g_autofree char *command = g_strdup_printf ("parallel -j 4 '%s' batch '%s' --out '%s' --shard {}/4 ::: 0 1 2 3",
                                              g_getenv ("ATELIER_BIN"), jobs, out);
  g_autofree char *err = NULL;
  int wait_status = 0;
  g_autoptr (GError) error = NULL;
  g_spawn_command_line_sync (command, NULL, &err, &wait_status, &error);
  g_assert_no_error (error);   /* GNU parallel missing: tools/install-deps.sh installs it */
  g_test_message ("%s", err);
  g_assert_true (WIFEXITED (wait_status) && WEXITSTATUS (wait_status) == 0);
  g_autoptr (GPtrArray) records = read_results (out);
  g_assert_cmpuint (records->len, ==, 6);
  for (gint64 line = 1; line <= 6; line++)
    g_assert_cmpuint (count (records, line, "ok"), ==, 1);
}

static guint
results_lines (const char *out)
{
  g_autofree char *path = g_build_filename (out, "results.jsonl", NULL);
  g_autofree char *text = NULL;
  if (!g_file_get_contents (path, &text, NULL, NULL))
    return 0;
  guint n = 0;
  for (const char *p = text; *p != '\0'; p++)
    n += *p == '\n';
  return n;
}

/* kill -9 in the middle: no partial or hidden file, and the restart does
 * every job exactly once over the two runs. */
static void
test_killed (TestScratch *s, gconstpointer data)
{
  const int n = 6;
  g_autofree char *jobs = write_narrations (s->dir, n);
  g_autofree char *out = g_build_filename (s->dir, "out", NULL);
  for (int round = 0; round < 2; round++)
    {
      const char *argv[] = { g_getenv ("ATELIER_BIN"), "batch", jobs, "--out", out, "-q", NULL };
      GPid pid = 0;
      g_autoptr (GError) error = NULL;
      g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                     NULL, &pid, &error);
      g_assert_no_error (error);
      guint start = results_lines (out);
      for (int waited = 0; results_lines (out) < start + 1 && waited < 6000; waited++)
        g_usleep (10000);
      g_usleep (g_random_int_range (0, 300000));   /* somewhere inside the next job */
      kill (pid, SIGKILL);
      int status = 0;
      waitpid (pid, &status, 0);
      g_spawn_close_pid (pid);
      g_usleep (200000);   /* the job's process dies with the batch */

      g_autoptr (GDir) d = g_dir_open (out, 0, NULL);
      const char *name;
      while ((name = g_dir_read_name (d)) != NULL)
        {
          g_assert_false (name[0] == '.');
          if (!g_str_has_suffix (name, ".wav"))
            continue;
          g_autofree char *path = g_build_filename (out, name, NULL);
          g_autoptr (GError) load_error = NULL;
          g_autoptr (AtAudio) audio = at_audio_load (path, &load_error);
          g_assert_no_error (load_error);
        }
    }
  g_auto (Run) rest = { 0 };
  run_batch (&rest, jobs, out, NULL);
  g_assert_cmpint (rest.status, ==, 0);
  g_autoptr (GPtrArray) records = read_results (out);
  for (gint64 line = 1; line <= n; line++)
    g_assert_cmpuint (count (records, line, "ok"), ==, 1);
  g_assert_cmpuint (records->len, ==, n);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, TestScratch, NULL, test_scratch_setup, fn, test_scratch_teardown)
  ADD ("/batch/jobs-and-resume", test_jobs_and_resume);
  ADD ("/batch/shards", test_shards);
  ADD ("/batch/gnu-parallel", test_gnu_parallel);
  ADD ("/batch/killed", test_killed);
  return g_test_run ();
}
