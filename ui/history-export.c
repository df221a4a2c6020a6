/* history-export.c — see history-export.h. */
#define G_LOG_DOMAIN "atelier-ui"

#include <string.h>

#include "atelier-config.h"
#include "context-call.h"
#include "search/tagged-asset.h"
#include "ui/history-export.h"

/* Words of the prompt kept in a file name, at most. */
#define STEM_PROMPT_CHARS 40

typedef struct {
  AtImage *image;
  char *parameters;
  char *stem;
} Entry;

struct _AtHistoryExport {
  char *folder;
  GPtrArray *entries;   /* Entry* */
  AtEngineHold *tagger; /* captions each PNG's tags when set (search/tagged-asset.h) */
};

static void
entry_free (Entry *entry)
{
  at_image_free (entry->image);
  g_free (entry->parameters);
  g_free (entry->stem);
  g_free (entry);
}

AtHistoryExport *
at_history_export_new (const char *folder)
{
  g_return_val_if_fail (folder != NULL, NULL);
  AtHistoryExport *job = g_new0 (AtHistoryExport, 1);
  job->folder = g_strdup (folder);
  job->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  return job;
}

void
at_history_export_free (AtHistoryExport *job)
{
  if (job == NULL)
    return;
  g_free (job->folder);
  g_ptr_array_unref (job->entries);
  g_clear_pointer (&job->tagger, at_engine_hold_free);
  g_free (job);
}

/* Lower-case ASCII letters and digits of the prompt, other runs as one
 * "-", cut at a word's end: what any file system and shell take. */
static char *
prompt_words (const char *prompt)
{
  g_autofree char *ascii = g_str_to_ascii (prompt != NULL ? prompt : "", "C");
  GString *out = g_string_new (NULL);
  gboolean cut = FALSE;
  for (const char *p = ascii; *p != '\0' && !cut; p++)
    {
      if (!g_ascii_isalnum (*p))
        {
          if (out->len > 0 && out->str[out->len - 1] != '-')
            g_string_append_c (out, '-');
        }
      else if (out->len < STEM_PROMPT_CHARS)
        g_string_append_c (out, g_ascii_tolower (*p));
      else
        cut = TRUE;
    }
  /* a word cut in the middle goes, unless it is the only one */
  const char *dash = strrchr (out->str, '-');
  if (cut && out->str[out->len - 1] != '-' && dash != NULL)
    g_string_truncate (out, dash - out->str);
  while (out->len > 0 && out->str[out->len - 1] == '-')
    g_string_truncate (out, out->len - 1);
  return g_string_free (out, FALSE);
}

char *
at_history_export_stem (const AtHistoryItem *item, guint number, guint n_items)
{
  g_return_val_if_fail (item != NULL, NULL);
  g_autofree char *largest = g_strdup_printf ("%u", MAX (n_items, 1));
  int digits = MAX ((int) strlen (largest), 2);
  g_autofree char *words = prompt_words (item->request != NULL ? item->request->prompt : NULL);
  return g_strdup_printf ("%0*u-%s-%" G_GUINT64_FORMAT, digits, number, *words != '\0' ? words : "atelier",
                          item->seed);
}

void
at_history_export_add (AtHistoryExport *job, const AtHistoryItem *item, guint number, guint n_items)
{
  g_return_if_fail (job != NULL && item != NULL);
  Entry *entry = g_new0 (Entry, 1);
  entry->image = at_image_copy (item->image);
  entry->parameters = g_strdup (item->parameters != NULL ? item->parameters : "");
  entry->stem = at_history_export_stem (item, number, n_items);
  g_ptr_array_add (job->entries, entry);
}

guint
at_history_export_get_n_images (const AtHistoryExport *job)
{
  return job->entries->len;
}

const char *
at_history_export_get_folder (const AtHistoryExport *job)
{
  return job->folder;
}

void
at_history_export_set_tagger (AtHistoryExport *job, AtEngineHold *hold)
{
  g_clear_pointer (&job->tagger, at_engine_hold_free);
  job->tagger = hold;
}

/* stem.png, or stem-2.png, stem-3.png… : the first that names nothing in
 * the folder, so that no file there is replaced. */
static char *
free_path (const char *folder, const char *stem)
{
  for (guint k = 1;; k++)
    {
      g_autofree char *name = k == 1 ? g_strdup_printf ("%s.png", stem) : g_strdup_printf ("%s-%u.png", stem, k);
      char *path = g_build_filename (folder, name, NULL);
      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        return path;
      g_free (path);
    }
}

gboolean
at_history_export_run (AtHistoryExport *job, GCancellable *cancellable, guint *n_written, GError **error)
{
  g_return_val_if_fail (job != NULL, FALSE);
  *n_written = 0;
  if (!g_file_test (job->folder, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "The folder “%s” does not exist; choose another",
                   job->folder);
      return FALSE;
    }
  const char *keys[] = { "parameters", "Software", NULL };
  for (guint i = 0; i < job->entries->len; i++)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      const Entry *entry = g_ptr_array_index (job->entries, i);
      g_autofree char *path = free_path (job->folder, entry->stem);
      const char *values[] = { entry->parameters, "Atelier " AT_VERSION, NULL };
      if (job->tagger != NULL ? !at_engine_save_tagged_asset (job->tagger->engine, entry->image, AT_ASSET_PNG, path,
                                                              entry->parameters, cancellable, error)
                              : !at_image_save_png (entry->image, path, keys, values, error))
        return FALSE;
      (*n_written)++;
    }
  return TRUE;
}

/* --- on a worker ------------------------------------------------------------ */

typedef struct {
  gboolean ok;
  guint n_written;
  GError *error;
} Outcome;

static void
outcome_free (Outcome *outcome)
{
  g_clear_error (&outcome->error);
  g_free (outcome);
}

static void
export_thread (GTask *task, gpointer source, gpointer job, GCancellable *cancellable)
{
  Outcome *outcome = g_new0 (Outcome, 1);
  outcome->ok = at_history_export_run (job, cancellable, &outcome->n_written, &outcome->error);
  g_task_return_pointer (task, outcome, (GDestroyNotify) outcome_free);
}

void
at_history_export_async (AtHistoryExport *job, GCancellable *cancellable, GAsyncReadyCallback callback,
                         gpointer user_data)
{
  g_return_if_fail (job != NULL);
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, at_history_export_async);
  g_task_set_task_data (task, job, (GDestroyNotify) at_history_export_free);
  /* the count of files written matters even when cancelled */
  g_task_set_check_cancellable (task, FALSE);
  at_task_run_in_thread (task, export_thread);
}

gboolean
at_history_export_finish (GAsyncResult *result, guint *n_written, GError **error)
{
  g_return_val_if_fail (g_async_result_is_tagged (result, at_history_export_async), FALSE);
  Outcome *outcome = g_task_propagate_pointer (G_TASK (result), error);
  *n_written = 0;
  if (outcome == NULL)
    return FALSE;
  *n_written = outcome->n_written;
  gboolean ok = outcome->ok;
  if (!ok)
    g_propagate_error (error, g_steal_pointer (&outcome->error));
  outcome_free (outcome);
  return ok;
}
