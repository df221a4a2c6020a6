/* cli-batch.c — `atelier batch JOBS.jsonl --out DIR`: many generations and
 * narrations from a file of JSON lines, resumable and shardable.
 *
 * Each line is one job: {"kind": "generate", "prompt": "red apple",
 * "steps": 8, "output": "apple.png"}. Keys are the sub-command's long
 * options; each job runs as its own `atelier KIND ... --json -q` process,
 * so the sub-command checks its options exactly as on the command line and
 * a job that crashes takes no other job with it. Outputs are names inside
 * DIR; input files are found relative to the jobs file. Every finished job
 * appends one line to DIR/results.jsonl (results-I-of-N.jsonl for a
 * shard); a restarted batch reads every results file in DIR and skips the
 * jobs that succeeded with the same line. Outputs are atomic, so a killed
 * job leaves no partial file.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "app/cli-args.h"
#include "app/cli.h"

typedef struct {
  const char *jobs_path;
  char *jobs_dir;           /* relative inputs are found here */
  const char *out_dir;
  gint64 shard, n_shards;
  gboolean quiet;
  GHashTable *done;         /* "LINE:SHA" of jobs that succeeded */
  int results_fd;
  char *self;               /* this program, for the jobs' processes */
  int n_ok, n_bad, n_failed, n_skipped;
} Batch;

/* Keys that name files: inputs are resolved against the jobs file's
 * folder, outputs must stay inside --out. */
static const char *const input_keys[] = { "sketch", "voice", "init", "text-file", "model-dir", "lm", "dict", NULL };
static const char *const output_keys[] = { "output", "srt", "vtt", NULL };
/* What the batch itself sets for every job. */
static const char *const reserved_keys[] = { "json", "quiet", "help", "list-voices", NULL };

static gboolean
is_key_char (char c)
{
  return g_ascii_islower (c) || g_ascii_isdigit (c) || c == '-';
}

/* An output name inside --out: relative, no "..", no empty part. */
static char *
output_in (const Batch *b, const char *key, const char *name, GError **error)
{
  g_auto (GStrv) parts = g_strsplit (name, "/", -1);
  gboolean ok = name[0] != '\0' && !g_path_is_absolute (name);
  for (guint i = 0; ok && parts[i] != NULL; i++)
    ok = parts[i][0] != '\0' && !g_str_equal (parts[i], "..") && !g_str_equal (parts[i], ".");
  if (!ok)
    {
      at_cli_bad_value (error, "\"%s\": \"%s\" must be a relative name inside the output folder", key, name);
      return NULL;
    }
  char *path = g_build_filename (b->out_dir, name, NULL);
  g_autofree char *parent = g_path_get_dirname (path);
  g_mkdir_with_parents (parent, 0777);
  return path;
}

/* One key and its value as command-line arguments. */
static gboolean
add_option (const Batch *b, GStrvBuilder *argv, const char *key, JsonNode *value, GError **error)
{
  for (const char *k = key; *k != '\0'; k++)
    if (!is_key_char (*k))
      return at_cli_bad_value (error, "\"%s\" is not an option name", key);
  if (g_strv_contains (reserved_keys, key))
    return at_cli_bad_value (error, "\"%s\" is set by batch itself", key);
  if (!JSON_NODE_HOLDS_VALUE (value))
    return at_cli_bad_value (error, "\"%s\" must be a string, a number or true/false", key);
  g_autofree char *option = g_strconcat ("--", key, NULL);
  GType type = json_node_get_value_type (value);
  if (type == G_TYPE_BOOLEAN)
    {
      if (json_node_get_boolean (value))
        g_strv_builder_add (argv, option);
      return TRUE;
    }
  g_autofree char *text = NULL;
  if (type == G_TYPE_INT64)
    text = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (value));
  else if (type == G_TYPE_DOUBLE)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      text = g_strdup (g_ascii_dtostr (buf, sizeof buf, json_node_get_double (value)));
    }
  else
    text = g_strdup (json_node_get_string (value));
  if (g_strv_contains (output_keys, key))
    {
      char *path = output_in (b, key, text, error);
      if (path == NULL)
        return FALSE;
      g_free (text);
      text = path;
    }
  else if (g_strv_contains (input_keys, key) && !g_path_is_absolute (text))
    {
      char *path = g_build_filename (b->jobs_dir, text, NULL);
      g_free (text);
      text = path;
    }
  g_strv_builder_add (argv, option);
  g_strv_builder_add (argv, text);
  return TRUE;
}

/* The job's command line: KIND, the text (narrate), its options, the
 * default output name when none is given, --json -q. */
static GStrv
job_argv (const Batch *b, JsonObject *job, guint line, GError **error)
{
  JsonNode *kind_node = json_object_get_member (job, "kind");
  const char *kind = kind_node != NULL && JSON_NODE_HOLDS_VALUE (kind_node) &&
                         json_node_get_value_type (kind_node) == G_TYPE_STRING
                       ? json_node_get_string (kind_node)
                       : NULL;
  if (g_strcmp0 (kind, "generate") != 0 && g_strcmp0 (kind, "narrate") != 0)
    {
      at_cli_bad_value (error, "\"kind\" must be \"generate\" or \"narrate\"");
      return NULL;
    }
  g_autoptr (GStrvBuilder) argv = g_strv_builder_new ();
  g_strv_builder_add_many (argv, b->self, kind, NULL);
  gboolean narrate = g_str_equal (kind, "narrate");
  if (narrate)
    {
      JsonNode *text = json_object_get_member (job, "text");
      if (text != NULL && (!JSON_NODE_HOLDS_VALUE (text) || json_node_get_value_type (text) != G_TYPE_STRING))
        {
          at_cli_bad_value (error, "\"text\" must be a string");
          return NULL;
        }
      if (text != NULL)
        g_strv_builder_add (argv, json_node_get_string (text));
    }
  g_autoptr (GList) members = json_object_get_members (job);
  for (GList *m = members; m != NULL; m = m->next)
    {
      const char *key = m->data;
      if (g_str_equal (key, "kind") || (narrate && g_str_equal (key, "text")))
        continue;
      if (!add_option (b, argv, key, json_object_get_member (job, key), error))
        return NULL;
    }
  if (!json_object_has_member (job, "output"))
    {
      g_autofree char *name = g_strdup_printf ("%u.%s", line, narrate ? "wav" : "png");
      g_autofree char *path = output_in (b, "output", name, error);
      g_strv_builder_add_many (argv, "-o", path, NULL);
    }
  g_strv_builder_add_many (argv, "--json", "-q", NULL);
  return g_strv_builder_end (argv);
}

static char *
job_key (guint line, const char *text)
{
  g_autofree char *sha = g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
  return g_strdup_printf ("%u:%s", line, sha);
}

/* Appends one record in one write(), so that a record is whole or (when
 * killed mid-write) cut at the end, which load_done() repairs. */
static void
record (Batch *b, guint line, const char *text, const char *status, int exit_code, const char *message,
        JsonNode *result)
{
  g_autoptr (JsonBuilder) j = json_builder_new ();
  json_builder_begin_object (j);
  json_builder_set_member_name (j, "line");
  json_builder_add_int_value (j, line);
  json_builder_set_member_name (j, "sha256");
  g_autofree char *sha = g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
  json_builder_add_string_value (j, sha);
  json_builder_set_member_name (j, "status");
  json_builder_add_string_value (j, status);
  json_builder_set_member_name (j, "exit_code");
  json_builder_add_int_value (j, exit_code);
  if (message != NULL)
    {
      json_builder_set_member_name (j, "error");
      json_builder_add_string_value (j, message);
    }
  if (result != NULL)
    {
      json_builder_set_member_name (j, "result");
      json_builder_add_value (j, json_node_copy (result));
    }
  json_builder_end_object (j);
  g_autoptr (JsonNode) root = json_builder_get_root (j);
  g_autofree char *one = json_to_string (root, FALSE);
  g_autofree char *with_newline = g_strconcat (one, "\n", NULL);
  gsize len = strlen (with_newline);
  if (write (b->results_fd, with_newline, len) != (ssize_t) len || fsync (b->results_fd) != 0)
    fprintf (stderr, "atelier batch: cannot record line %u in the results: %s\n", line, g_strerror (errno));
}

/* The jobs that succeeded, from every results*.jsonl in DIR. A record cut
 * short by a kill is dropped from the file, so that the next record starts
 * on a line of its own. */
static void
load_results_file (Batch *b, const char *path)
{
  g_autofree char *text = NULL;
  gsize len = 0;
  if (!g_file_get_contents (path, &text, &len, NULL))
    return;
  if (len > 0 && text[len - 1] != '\n')
    {
      const char *last = g_strrstr_len (text, len, "\n");
      gsize keep = last != NULL ? (gsize) (last - text) + 1 : 0;
      if (truncate (path, keep) != 0)
        fprintf (stderr, "atelier batch: cannot repair %s: %s\n", path, g_strerror (errno));
      text[keep] = '\0';
    }
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr (JsonParser) parser = json_parser_new ();
      if (lines[i][0] == '\0' || !json_parser_load_from_data (parser, lines[i], -1, NULL))
        continue;
      JsonNode *root = json_parser_get_root (parser);
      if (!JSON_NODE_HOLDS_OBJECT (root))
        continue;
      JsonObject *r = json_node_get_object (root);
      if (g_strcmp0 (json_object_get_string_member_with_default (r, "status", ""), "ok") != 0)
        continue;
      g_hash_table_add (b->done, g_strdup_printf ("%" G_GINT64_FORMAT ":%s",
                                                  json_object_get_int_member_with_default (r, "line", 0),
                                                  json_object_get_string_member_with_default (r, "sha256", "")));
    }
}

static gboolean
open_results (Batch *b, GError **error)
{
  if (g_mkdir_with_parents (b->out_dir, 0777) != 0)
    {
      int err = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (err), "Cannot make the folder %s: %s", b->out_dir,
                   g_strerror (err));
      return FALSE;
    }
  g_autoptr (GDir) dir = g_dir_open (b->out_dir, 0, error);
  if (dir == NULL)
    return FALSE;
  const char *name;
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "results") && g_str_has_suffix (name, ".jsonl"))
      {
        g_autofree char *path = g_build_filename (b->out_dir, name, NULL);
        load_results_file (b, path);
      }
  g_autofree char *name_mine = b->n_shards > 1
                                 ? g_strdup_printf ("results-%" G_GINT64_FORMAT "-of-%" G_GINT64_FORMAT ".jsonl",
                                                    b->shard, b->n_shards)
                                 : g_strdup ("results.jsonl");
  g_autofree char *path = g_build_filename (b->out_dir, name_mine, NULL);
  b->results_fd = open (path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
  if (b->results_fd < 0)
    {
      int err = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (err), "Cannot write %s: %s", path,
                   g_strerror (err));
      return FALSE;
    }
  return TRUE;
}

/* A job's process dies with the batch: a killed batch leaves nothing
 * running that could write after it. */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* The last line of what the job said on stderr: its one-line message. */
static char *
last_line (const char *text)
{
  g_auto (GStrv) lines = g_strsplit (text != NULL ? text : "", "\n", -1);
  for (int i = (int) g_strv_length (lines) - 1; i >= 0; i--)
    if (lines[i][0] != '\0')
      return g_strdup (lines[i]);
  return g_strdup ("no message");
}

static void
run_job (Batch *b, guint line, const char *text)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_auto (GStrv) argv = NULL;
  gboolean parsed = json_parser_load_from_data (parser, text, -1, &error);
  if (parsed && !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    at_cli_bad_value (&error, "a job is a JSON object: {\"kind\": \"generate\", \"prompt\": \"...\"}");
  else if (parsed)
    argv = job_argv (b, json_node_get_object (json_parser_get_root (parser)), line, &error);
  if (argv == NULL)
    {
      g_autofree char *message = g_strdup (error->message);
      g_strdelimit (message, "\n", ' ');
      fprintf (stderr, "atelier batch: %s:%u: %s\n", b->jobs_path, line, message);
      record (b, line, text, "bad", AT_EXIT_BAD_INPUT, message, NULL);
      b->n_bad++;
      return;
    }

  g_autofree char *out = NULL, *err = NULL;
  int wait_status = 0;
  if (!g_spawn_sync (NULL, argv, NULL, G_SPAWN_DEFAULT, die_with_parent, NULL, &out, &err, &wait_status, &error))
    {
      fprintf (stderr, "atelier batch: %s:%u: %s\n", b->jobs_path, line, error->message);
      record (b, line, text, "failed", AT_EXIT_INTERNAL, error->message, NULL);
      b->n_failed++;
      return;
    }
  int code = WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : AT_EXIT_INTERNAL;
  if (code == 0)
    {
      g_autoptr (JsonParser) result = json_parser_new ();
      JsonNode *summary = json_parser_load_from_data (result, out, -1, NULL) ? json_parser_get_root (result) : NULL;
      record (b, line, text, "ok", 0, NULL, summary);
      b->n_ok++;
      if (!b->quiet)
        fprintf (stderr, "atelier batch: %s:%u: done\n", b->jobs_path, line);
      return;
    }
  g_autofree char *message = WIFSIGNALED (wait_status)
                               ? g_strdup_printf ("killed by signal %d (%s)", WTERMSIG (wait_status),
                                                  g_strsignal (WTERMSIG (wait_status)))
                               : last_line (err);
  fprintf (stderr, "atelier batch: %s:%u: %s\n", b->jobs_path, line, message);
  record (b, line, text, code == AT_EXIT_BAD_INPUT ? "bad" : "failed", code, message, NULL);
  if (code == AT_EXIT_BAD_INPUT)
    b->n_bad++;
  else
    b->n_failed++;
}

/* "I/N" with 0 <= I < N. */
static gboolean
parse_shard (const char *text, gint64 *shard, gint64 *n, GError **error)
{
  g_auto (GStrv) parts = text != NULL ? g_strsplit (text, "/", 2) : NULL;
  if (parts == NULL)
    return TRUE;
  if (g_strv_length (parts) != 2 ||
      !g_ascii_string_to_signed (parts[1], 10, 1, 1000000, n, NULL) ||
      !g_ascii_string_to_signed (parts[0], 10, 0, *n - 1, shard, NULL))
    return at_cli_bad_value (error, "--shard must be I/N with 0 ≤ I < N, e.g. 0/4 (got “%s”)", text);
  return TRUE;
}

static char *
find_self (void)
{
  char *self = g_file_read_link ("/proc/self/exe", NULL);
  if (self == NULL)
    self = g_find_program_in_path ("atelier");
  return self;
}

static void
batch_clear (Batch *b)
{
  g_free (b->jobs_dir);
  g_free (b->self);
  g_clear_pointer (&b->done, g_hash_table_unref);
  if (b->results_fd >= 0)
    close (b->results_fd);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Batch, batch_clear)

/* Runs this shard's jobs in order; returns the batch's exit code. */
static int
run_jobs (Batch *b, const char *jobs)
{
  g_auto (GStrv) lines = g_strsplit (jobs, "\n", -1);
  guint index = 0;   /* among job lines: blank lines and # comments are not jobs */
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *text = g_strstrip (lines[i]);
      if (text[0] == '\0' || text[0] == '#')
        continue;
      if ((gint64) (index++ % b->n_shards) != b->shard)
        continue;
      g_autofree char *key = job_key (i + 1, text);
      if (g_hash_table_contains (b->done, key))
        {
          b->n_skipped++;
          continue;
        }
      run_job (b, i + 1, text);
    }
  if (!b->quiet)
    fprintf (stderr, "atelier batch: %d done, %d skipped (done before), %d bad, %d failed\n", b->n_ok,
             b->n_skipped, b->n_bad, b->n_failed);
  return b->n_failed > 0 ? AT_EXIT_INTERNAL : b->n_bad > 0 ? AT_EXIT_BAD_INPUT : AT_EXIT_OK;
}

int
at_cli_batch (int argc, char **argv)
{
  g_autofree char *out_dir = NULL, *shard_text = NULL;
  gboolean quiet = FALSE;
  g_auto (GStrv) files = NULL;
  GOptionEntry entries[] = {
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out_dir, "Folder for the outputs and results.jsonl", "DIR" },
    { "shard", 0, 0, G_OPTION_ARG_STRING, &shard_text, "Run only every Nth job, starting at job I (0-based)", "I/N" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "Report only failures", NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, NULL },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("JOBS.jsonl --out DIR - run many jobs, resumably");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context,
                                    "One JSON object a line: {\"kind\": \"generate\" or \"narrate\", then the\n"
                                    "sub-command's long options as keys, \"output\" a name inside DIR}.\n"
                                    "Results go to DIR/results.jsonl; run it again to resume.");
  GError *error = NULL;
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return at_cli_fail ("batch", error);
  g_auto (Batch) b = { 0 };
  b.results_fd = -1;
  b.n_shards = 1;
  b.quiet = quiet;
  if (files == NULL || files[0] == NULL || files[1] != NULL)
    return at_cli_fail ("batch", g_error_new_literal (G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                                                      "Name one jobs file: atelier batch JOBS.jsonl --out DIR"));
  if (out_dir == NULL)
    return at_cli_fail ("batch", g_error_new_literal (G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                                                      "Say where the outputs go with --out DIR"));
  if (!parse_shard (shard_text, &b.shard, &b.n_shards, &error))
    return at_cli_fail ("batch", error);
  b.jobs_path = files[0];
  b.jobs_dir = g_path_get_dirname (files[0]);
  b.out_dir = out_dir;
  b.self = find_self ();
  b.done = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *jobs = NULL;
  if (!g_file_get_contents (files[0], &jobs, NULL, &error))
    return at_cli_fail ("batch", error);
  if (!g_utf8_validate (jobs, -1, NULL))
    return at_cli_fail ("batch", g_error_new (G_CONVERT_ERROR, G_CONVERT_ERROR_ILLEGAL_SEQUENCE,
                                              "%s is not UTF-8 text", files[0]));
  if (b.self == NULL)
    return at_cli_fail ("batch", g_error_new_literal (G_FILE_ERROR, G_FILE_ERROR_NOENT,
                                                      "Cannot find the atelier program to run the jobs"));
  if (!open_results (&b, &error))
    return at_cli_fail ("batch", error);
  return run_jobs (&b, jobs);
}
