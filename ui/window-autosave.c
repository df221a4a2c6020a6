/* window-autosave.c — the window's autosaves (ui/autosave.h) and the offer
 * to recover one after a crash.
 *
 * While the project has unsaved changes it is written every
 * "autosave-interval" seconds (GSettings; $ATELIER_AUTOSAVE_INTERVAL, in
 * seconds with fractions, overrides it for tests) and after each
 * generation, as a save is: a snapshot taken on the main thread, encoded
 * and written atomically on a worker, one at a time. The autosave goes when
 * the work is safe (saved) or given up on purpose (opened over, a new
 * project, the window closed); one written after that is removed when it
 * lands. The application is held while an autosave is written, so quitting
 * never leaves one behind.
 *
 * The state lives apart from the window, as an autosave's result may
 * arrive after the window is gone.
 */
#define G_LOG_DOMAIN "atelier-ui"

#include <math.h>

#include "ui/autosave.h"
#include "ui/window-private.h"

#define DEFAULT_INTERVAL_S 120

typedef struct _AtWindowAutosave {
  AtWindow *window;          /* NULL once disposed */
  AtAutosave *slot;          /* NULL until the first autosave */
  GCancellable *cancellable; /* of the autosave under way */
  guint interval_ms;         /* 0: autosave is off */
  guint timeout;
  char *digest;              /* _at_window_state_digest() as autosaved */
  AtStrokeList *strokes;     /* holds that drawing's strokes, whose addresses the digest takes */
  guint epoch;               /* bumped by a discard: a write from before it is removed */
  gboolean writing;
  gboolean again;            /* asked for while writing */
  gboolean warned;           /* a failure was reported; once until one works */
} AtWindowAutosave;

typedef struct {
  AtWindowAutosave *state;
  GFile *file;
  GApplication *app;         /* held until the file is written */
  char *digest;
  AtStrokeList *strokes;
  guint epoch;
} AutosaveRun;

static void
state_free (AtWindowAutosave *st)
{
  g_clear_pointer (&st->slot, at_autosave_free);
  g_clear_object (&st->cancellable);
  g_clear_pointer (&st->strokes, at_stroke_list_free);
  g_free (st->digest);
  g_free (st);
}

static void
run_free (AutosaveRun *run)
{
  if (run->app != NULL)
    g_application_release (run->app);
  g_clear_object (&run->app);
  g_object_unref (run->file);
  g_free (run->digest);
  g_clear_pointer (&run->strokes, at_stroke_list_free);
  g_free (run);
}

/* Forgets what was autosaved: the next change autosaves again. */
static void
forget_autosaved (AtWindowAutosave *st, char *digest, AtStrokeList *strokes)
{
  g_free (st->digest);
  st->digest = digest;
  g_clear_pointer (&st->strokes, at_stroke_list_free);
  st->strokes = strokes;
}

static void
report_failure (AtWindowAutosave *st, const GError *error)
{
  if (st->warned || st->window == NULL)
    return;
  st->warned = TRUE;
  g_autofree char *msg = g_strdup_printf ("Autosave failed: %s. Save the project to keep your work.", error->message);
  _at_window_show_toast (st->window, msg);
}

static void
autosaved (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AutosaveRun *run = user_data;
  AtWindowAutosave *st = run->state;
  g_autoptr (GError) error = NULL;
  gboolean ok = at_project_save_finish (result, &error);
  st->writing = FALSE;
  if (run->epoch != st->epoch)
    {
      /* discarded while it was written: it must not outlive the discard */
      if (ok)
        g_file_delete (run->file, NULL, NULL);
    }
  else if (ok)
    {
      st->warned = FALSE;
      forget_autosaved (st, g_steal_pointer (&run->digest), g_steal_pointer (&run->strokes));
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    report_failure (st, error);
  run_free (run);
  if (st->window == NULL)
    state_free (st);
  else if (st->again)
    {
      st->again = FALSE;
      _at_window_autosave_now (st->window);
    }
}

/* The slot, made on first use; NULL (reported) when the folder is not
 * writable. */
static AtAutosave *
ensure_slot (AtWindowAutosave *st)
{
  if (st->slot != NULL)
    return st->slot;
  g_autoptr (GError) error = NULL;
  st->slot = at_autosave_new (&error);
  if (st->slot == NULL)
    report_failure (st, error);
  return st->slot;
}

void
_at_window_autosave_now (AtWindow *self)
{
  AtWindowAutosave *st = self->autosave;
  if (st == NULL || st->interval_ms == 0 || self->disposed || !self->dirty)
    return;
  if (st->writing)
    {
      st->again = TRUE;
      return;
    }
  g_autofree char *digest = _at_window_state_digest (self);
  if (g_strcmp0 (digest, st->digest) == 0 || ensure_slot (st) == NULL)
    return;
  AtProject *p = _at_window_collect_project (self);
  p->autosave_of = self->file != NULL ? g_file_get_path (self->file) : NULL;
  AutosaveRun *run = g_new0 (AutosaveRun, 1);
  run->state = st;
  run->file = at_autosave_get_file (st->slot);
  run->digest = g_steal_pointer (&digest);
  run->strokes = at_stroke_list_copy_drawing (at_sketch_canvas_get_strokes (self->canvas));
  run->epoch = st->epoch;
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  if (app != NULL)
    {
      run->app = g_object_ref (G_APPLICATION (app));
      g_application_hold (run->app);
    }
  st->writing = TRUE;
  at_project_save_async (p, run->file, st->cancellable, autosaved, run);
}

void
_at_window_autosave_discard (AtWindow *self)
{
  AtWindowAutosave *st = self->autosave;
  if (st == NULL)
    return;
  st->epoch++;
  st->again = FALSE;
  g_cancellable_cancel (st->cancellable);
  g_object_unref (st->cancellable);
  st->cancellable = g_cancellable_new ();
  forget_autosaved (st, NULL, NULL);
  if (st->slot != NULL)
    at_autosave_remove (st->slot);
}

static gboolean
tick (gpointer data)
{
  AtWindowAutosave *st = data;
  /* edited back to what the file holds (Undo): nothing left to recover */
  if (!st->window->dirty && (st->digest != NULL || st->writing))
    _at_window_autosave_discard (st->window);
  else
    _at_window_autosave_now (st->window);
  return G_SOURCE_CONTINUE;
}

/* $ATELIER_AUTOSAVE_INTERVAL, else the setting; in milliseconds. */
static guint
interval_ms (AtWindow *self)
{
  const char *env = g_getenv ("ATELIER_AUTOSAVE_INTERVAL");
  if (env != NULL && *env != '\0')
    {
      char *end;
      double s = g_ascii_strtod (env, &end);
      if (*end == '\0' && isfinite (s) && s >= 0 && s <= 24 * 3600)
        return (guint) lround (s * 1000);
      g_warning ("ATELIER_AUTOSAVE_INTERVAL=%s is not a number of seconds; using the setting", env);
    }
  int s = self->settings != NULL ? g_settings_get_int (self->settings, "autosave-interval") : DEFAULT_INTERVAL_S;
  return (guint) MAX (s, 0) * 1000;
}

void
_at_window_autosave_init (AtWindow *self)
{
  AtWindowAutosave *st = g_new0 (AtWindowAutosave, 1);
  st->window = self;
  st->cancellable = g_cancellable_new ();
  st->interval_ms = interval_ms (self);
  if (st->interval_ms > 0)
    st->timeout = g_timeout_add (MAX (st->interval_ms, 10), tick, st);
  self->autosave = st;
}

void
_at_window_autosave_dispose (AtWindow *self)
{
  AtWindowAutosave *st = self->autosave;
  if (st == NULL)
    return;
  g_clear_handle_id (&st->timeout, g_source_remove);
  _at_window_autosave_discard (self);
  self->autosave = NULL;
  st->window = NULL;
  if (!st->writing)
    state_free (st);
}

gboolean
at_window_is_autosaving (AtWindow *self)
{
  return self->autosave != NULL && self->autosave->writing;
}

GFile *
at_window_get_autosave_file (AtWindow *self)
{
  if (self->autosave == NULL || self->autosave->slot == NULL)
    return NULL;
  return at_autosave_get_file (self->autosave->slot);
}

/* --- recovery -------------------------------------------------------------- */

typedef struct {
  AtWindow *window;
  AtAutosave *orphan;
  AtProject *project;
} Recovery;

static void
recovery_free (Recovery *rec)
{
  g_object_unref (rec->window);
  g_clear_pointer (&rec->orphan, at_autosave_free);
  g_clear_pointer (&rec->project, at_project_free);
  g_free (rec);
}

/* The recovered project becomes the window's, unsaved, with its own file
 * if it had one; the window takes over the orphan's slot, so the work is
 * never without an autosave. */
static void
adopt (AtWindow *self, Recovery *rec)
{
  _at_window_apply_project (self, rec->project);
  g_clear_object (&self->file);
  if (rec->project->autosave_of != NULL)
    self->file = g_file_new_for_path (rec->project->autosave_of);
  _at_window_mark_saved (self, NULL, NULL);   /* no file holds this state */
  self->dirty = FALSE;
  _at_window_set_dirty (self, TRUE);

  _at_window_autosave_discard (self);
  AtWindowAutosave *st = self->autosave;
  g_clear_pointer (&st->slot, at_autosave_free);
  st->slot = g_steal_pointer (&rec->orphan);
  /* the slot's file holds what is on screen now */
  forget_autosaved (st, _at_window_state_digest (self),
                    at_stroke_list_copy_drawing (at_sketch_canvas_get_strokes (self->canvas)));
  _at_window_update_actions (self);
}

static void
recovery_response (AdwMessageDialog *dialog, const char *response, Recovery *rec)
{
  if (!rec->window->disposed)
    {
      if (g_str_equal (response, "recover"))
        adopt (rec->window, rec);
      else if (g_str_equal (response, "discard"))
        at_autosave_remove (rec->orphan);
    }
  /* closed without a choice: the autosave waits for the next start */
  recovery_free (rec);
}

static char *
describe (const AtProject *p)
{
  if (p->autosave_of == NULL)
    return g_strdup ("an untitled project");
  g_autofree char *base = g_path_get_basename (p->autosave_of);
  return g_strdup_printf ("“%s”", base);
}

static char *
autosave_time (AtAutosave *slot)
{
  g_autoptr (GFile) file = at_autosave_get_file (slot);
  g_autoptr (GFileInfo) info = g_file_query_info (file, G_FILE_ATTRIBUTE_TIME_MODIFIED, 0, NULL, NULL);
  g_autoptr (GDateTime) when = info != NULL ? g_file_info_get_modification_date_time (info) : NULL;
  g_autoptr (GDateTime) local = when != NULL ? g_date_time_to_local (when) : NULL;
  return local != NULL ? g_date_time_format (local, "%x %H:%M") : g_strdup ("?");
}

static void
offer (Recovery *rec)
{
  g_autofree char *what = describe (rec->project);
  g_autofree char *when = autosave_time (rec->orphan);
  g_autofree char *body = g_strdup_printf ("Atelier closed before changes to %s were saved. Recover the work "
                                           "as it was autosaved at %s? It opens unsaved, for you to save.",
                                           what, when);
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (rec->window), "Recover Unsaved Work?", body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "discard", "_Discard", "recover", "_Recover", NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "recover", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "recover");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "later");
  g_signal_connect (dialog, "response", G_CALLBACK (recovery_response), rec);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* A damaged autosave is moved aside, never deleted, and the studio goes on
 * with a new project. */
static void
report_damaged (Recovery *rec, const GError *error)
{
  g_autoptr (GError) move_error = NULL;
  g_autofree char *aside = at_autosave_set_aside (rec->orphan, &move_error);
  g_autofree char *body = NULL;
  if (aside != NULL)
    body = g_strdup_printf ("The autosave of unsaved work could not be read: %s It was moved to “%s” and the "
                            "studio starts with a new project.", error->message, aside);
  else
    body = g_strdup_printf ("The autosave of unsaved work could not be read: %s %s.", error->message,
                            move_error->message);
  g_message ("%s", body);
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (rec->window), "Unsaved Work Could Not Be Recovered", body);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", "_Close");
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
recovery_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Recovery *rec = user_data;
  g_autoptr (GError) error = NULL;
  rec->project = at_project_load_finish (result, &error);
  if (rec->window->disposed)
    recovery_free (rec);   /* offered again at the next start */
  else if (rec->project == NULL)
    {
      report_damaged (rec, error);
      recovery_free (rec);
    }
  else
    offer (rec);
}

void
at_window_offer_recovery (AtWindow *self, AtAutosave *orphan)
{
  g_return_if_fail (AT_IS_WINDOW (self));
  g_return_if_fail (orphan != NULL);
  Recovery *rec = g_new0 (Recovery, 1);
  rec->window = g_object_ref (self);
  rec->orphan = orphan;
  g_autoptr (GFile) file = at_autosave_get_file (orphan);
  at_project_load_async (file, NULL, recovery_loaded, rec);
}
