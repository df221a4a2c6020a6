/* test-autosave.c — the studio never loses work: autosaves while there are
 * unsaved changes and after a generation, never into the user's own file,
 * gone once the work is saved or closed; a damaged autosave is set aside
 * with a message; and the real thing: a studio process killed with SIGKILL
 * at random moments, many times, mostly while an autosave is written,
 * leaves the previous or the new autosave whole every time, with every
 * stroke it had reported autosaved, and the next start offers to recover
 * it and puts back the strokes, prompt, settings and history.
 *
 * The killed studio is this executable run again with --child BASE: a
 * studio window opens the project BASE, changes its prompt and numbers and
 * draws strokes through the canvas's input path while its main loop runs,
 * printing what it drew and when it saw autosaves start and end. Strokes
 * are a function of their index (expected_point), so the parent knows what
 * each autosave must hold. Autosaves here come every 50 ms
 * (ATELIER_AUTOSAVE_INTERVAL), in a state folder of the test's own. */
#include <adwaita.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "ui/autosave.h"
#include "ui/window-private.h"
#include "ui-test-util.h"

#define CHILD_PROMPT "a lighthouse in a storm"
#define CHILD_STEPS 17
#define CHILD_SEED 4242
#define BASE_HISTORY 2
/* The history's noise images make each autosave take a while (most kills
 * then land during one); under AddressSanitizer json-glib's string
 * escaping is so slow that a 256 px image would take a minute. */
#if defined(__SANITIZE_ADDRESS__)
#define BASE_IMAGE_SIDE 48
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BASE_IMAGE_SIDE 48
#endif
#endif
#ifndef BASE_IMAGE_SIDE
#define BASE_IMAGE_SIDE 160
#endif
#define KILLS 100
#define KILL_LOOP_BUDGET_S 55.0

static AtApplication *app;
static const char *self_exe;

/* --- strokes that are a function of their index ------------------------- */

static guint
expected_n_points (guint k)
{
  return 3 + k % 5;
}

/* In page coordinates, 0–1; points at least 0.02 apart so none is dropped. */
static void
expected_point (guint k, guint j, float *x, float *y, float *pressure)
{
  *x = 0.1f + 0.8f * fmodf (0.137f * k + 0.05f * j, 0.75f);
  *y = 0.1f + 0.8f * fmodf (0.291f * k + 0.03f * j, 0.9f);
  *pressure = 0.25f + 0.125f * (float) (j % 5);
}

static void
draw_stroke (AtWindow *window, guint k)
{
  AtSketchCanvas *canvas = at_window_get_canvas (window);
  graphene_rect_t page;
  at_sketch_canvas_get_page (canvas, &page);
  for (guint j = 0; j < expected_n_points (k); j++)
    {
      float x, y, p;
      expected_point (k, j, &x, &y, &p);
      double wx = page.origin.x + page.size.width * x, wy = page.origin.y + page.size.height * y;
      if (j == 0)
        at_sketch_canvas_begin_stroke (canvas, wx, wy, p);
      else
        at_sketch_canvas_extend_stroke (canvas, wx, wy, p);
    }
  at_sketch_canvas_end_stroke (canvas);
}

/* strokes holds exactly the first n expected strokes. */
static void
assert_expected_strokes (AtStrokeList *strokes, guint n)
{
  g_assert_cmpuint (at_stroke_list_get_n_strokes (strokes), ==, n);
  for (guint k = 0; k < n; k++)
    {
      AtStroke *s = at_stroke_list_get_stroke (strokes, k);
      g_assert_cmpuint (at_stroke_get_n_points (s), ==, expected_n_points (k));
      for (guint j = 0; j < expected_n_points (k); j++)
        {
          float x, y, p;
          expected_point (k, j, &x, &y, &p);
          const AtStrokePoint *pt = at_stroke_get_point (s, j);
          /* widget pixels to page fractions and back through JSON */
          g_assert_cmpfloat_with_epsilon (pt->x, x, 1e-3);
          g_assert_cmpfloat_with_epsilon (pt->y, y, 1e-3);
          g_assert_cmpfloat_with_epsilon (pt->pressure, p, 1e-6);
        }
    }
}

static gboolean
never (gpointer data)
{
  return FALSE;
}

static gboolean
has_dialog (gpointer window)
{
  return ui_test_find_dialog (window) != NULL;
}

/* --- the state folder -------------------------------------------------------- */

static GPtrArray *
list_autosave_dir (void)
{
  g_autofree char *dir = at_autosave_dir ();
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  for (const char *name; d != NULL && (name = g_dir_read_name (d)) != NULL;)
    g_ptr_array_add (names, g_strdup (name));
  return names;
}

static void
assert_autosave_dir_empty (void)
{
  g_autoptr (GPtrArray) names = list_autosave_dir ();
  for (guint i = 0; i < names->len; i++)
    g_test_message ("left in the autosave folder: %s", (char *) g_ptr_array_index (names, i));
  g_assert_cmpuint (names->len, ==, 0);
}

static gboolean
autosave_dir_is_empty (gpointer data)
{
  g_autoptr (GPtrArray) names = list_autosave_dir ();
  return names->len == 0;
}

/* A window closed while an autosave is written removes it when the write
 * lands (the application waits for that). */
static void
assert_autosave_dir_empties (void)
{
  ui_test_wait_until (autosave_dir_is_empty, NULL, 20);
  assert_autosave_dir_empty ();
}

static void
empty_autosave_dir (void)
{
  g_autofree char *dir = at_autosave_dir ();
  g_autoptr (GPtrArray) names = list_autosave_dir ();
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, g_ptr_array_index (names, i), NULL);
      g_unlink (path);
    }
}

static char *
read_file (GFile *file)
{
  g_autofree char *path = g_file_get_path (file);
  char *data = NULL;
  g_assert_true (g_file_get_contents (path, &data, NULL, NULL));
  return data;
}

/* --- slots ----------------------------------------------------------------- */

static void
write_text (GFile *file, const char *text)
{
  g_autofree char *path = g_file_get_path (file);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
}

/* A slot is an orphan once its holder lets go (as a killed process does),
 * never while it is held; only "UUID.atelier" files are slots. */
static void
test_slots (void)
{
  empty_autosave_dir ();
  g_assert_null (at_autosave_claim_orphan ());
  g_autoptr (GError) error = NULL;
  AtAutosave *held = at_autosave_new (&error);
  g_assert_no_error (error);
  g_autoptr (GFile) file = at_autosave_get_file (held);
  g_autofree char *dir = at_autosave_dir ();
  g_autoptr (GFile) folder = g_file_new_for_path (dir);
  g_autoptr (GFile) parent = g_file_get_parent (file);
  g_assert_true (g_file_equal (parent, folder));
  write_text (file, "held");
  g_autofree char *other = g_build_filename (dir, "not-a-slot.atelier", NULL);
  g_assert_true (g_file_set_contents (other, "x", -1, NULL));

  /* held (a second lock, even from this process, conflicts) */
  g_assert_null (at_autosave_claim_orphan ());

  at_autosave_free (held);
  g_assert_true (g_file_query_exists (file, NULL));
  AtAutosave *orphan = at_autosave_claim_orphan ();
  g_assert_nonnull (orphan);
  g_autoptr (GFile) claimed = at_autosave_get_file (orphan);
  g_assert_true (g_file_equal (claimed, file));
  /* claimed: no one else gets it */
  g_assert_null (at_autosave_claim_orphan ());
  at_autosave_remove (orphan);
  at_autosave_free (orphan);
  g_assert_null (at_autosave_claim_orphan ());
  g_unlink (other);
  assert_autosave_dir_empty ();
}

/* --- a window's autosaves ---------------------------------------------------- */

static gboolean
autosave_holds (gpointer data)
{
  AtWindow *window = data;
  guint want = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (window), "want-strokes"));
  g_autoptr (GFile) file = at_window_get_autosave_file (window);
  if (file == NULL || at_window_is_autosaving (window))
    return FALSE;
  g_autoptr (AtProject) p = at_project_load (file, NULL);
  return p != NULL && at_stroke_list_get_n_strokes (p->strokes) == want;
}

static void
wait_for_autosave (AtWindow *window, guint n_strokes)
{
  g_object_set_data (G_OBJECT (window), "want-strokes", GUINT_TO_POINTER (n_strokes));
  g_assert_true (ui_test_wait_until (autosave_holds, window, 30));
}

static gboolean
autosave_gone (gpointer window)
{
  g_autoptr (GFile) file = at_window_get_autosave_file (window);
  return !at_window_is_autosaving (window) && (file == NULL || !g_file_query_exists (file, NULL));
}

static AtProject *
load_autosave (AtWindow *window)
{
  g_autoptr (GFile) file = at_window_get_autosave_file (window);
  g_autoptr (GError) error = NULL;
  AtProject *p = at_project_load (file, &error);
  g_assert_no_error (error);
  return p;
}

/* Unsaved changes are autosaved beside, never into, the user's file; a
 * save removes the autosave, the next change brings it back, and closing
 * the window removes it with its lock. */
static void
test_window_autosaves (void)
{
  empty_autosave_dir ();
  AtWindow *window = ui_test_open_window (NULL);
  /* nothing to keep yet: a new, unchanged project is not autosaved */
  ui_test_wait_until (never, NULL, 0.3);
  g_assert_null (at_window_get_autosave_file (window));

  g_autoptr (GFile) mine = ui_test_temp_file ("mine.atelier");
  at_window_set_prompt (window, "a red fox");
  g_autoptr (GError) error = NULL;
  g_assert_true (ui_test_save (window, mine, &error));
  g_assert_no_error (error);
  g_autofree char *saved = read_file (mine);

  for (guint k = 0; k < 3; k++)
    draw_stroke (window, k);
  wait_for_autosave (window, 3);
  g_autoptr (AtProject) p = load_autosave (window);
  assert_expected_strokes (p->strokes, 3);
  g_assert_cmpstr (p->params->prompt, ==, "a red fox");
  g_autofree char *mine_path = g_file_get_path (mine);
  g_assert_cmpstr (p->autosave_of, ==, mine_path);
  g_autofree char *after = read_file (mine);
  g_assert_cmpstr (after, ==, saved);
  g_assert_true (at_window_get_dirty (window));

  g_assert_true (ui_test_save (window, mine, &error));
  g_assert_true (ui_test_wait_until (autosave_gone, window, 10));
  g_autoptr (AtProject) in_file = at_project_load (mine, &error);
  g_assert_no_error (error);
  assert_expected_strokes (in_file->strokes, 3);

  draw_stroke (window, 3);
  wait_for_autosave (window, 4);
  /* Undo back to what the file holds: nothing unsaved, no autosave */
  at_sketch_canvas_undo (at_window_get_canvas (window));
  g_assert_false (at_window_get_dirty (window));
  g_assert_true (ui_test_wait_until (autosave_gone, window, 10));
  draw_stroke (window, 3);
  wait_for_autosave (window, 4);
  ui_test_close_window (window);
  assert_autosave_dir_empties ();
  ui_test_remove_temp (mine);
}

/* A damaged autosave: a message naming where it went, the file kept there
 * byte for byte, and the studio goes on with a new project. */
static void
test_damaged (void)
{
  empty_autosave_dir ();
  static const char torn[] = "{\"format\": \"atelier-project\", \"version\": 1, \"sketch\": {\"strokes\": [{\"wid";
  g_autoptr (GError) error = NULL;
  AtAutosave *slot = at_autosave_new (&error);
  g_assert_no_error (error);
  g_autoptr (GFile) file = at_autosave_get_file (slot);
  write_text (file, torn);
  at_autosave_free (slot);   /* as a killed studio leaves it */

  AtWindow *window = ui_test_open_window (NULL);
  AtAutosave *orphan = at_autosave_claim_orphan ();
  g_assert_nonnull (orphan);
  at_window_offer_recovery (window, orphan);
  g_assert_true (ui_test_wait_until (has_dialog, window, 20));
  AdwMessageDialog *dialog = ui_test_find_dialog (GTK_WINDOW (window));
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Unsaved Work Could Not Be Recovered");
  const char *body = adw_message_dialog_get_body (dialog);
  g_test_message ("%s", body);
  g_assert_false (g_file_query_exists (file, NULL));

  /* set aside, not deleted: the one other project file in the folder */
  g_autoptr (GPtrArray) names = list_autosave_dir ();
  g_autofree char *aside = NULL;
  for (guint i = 0; i < names->len; i++)
    if (strstr (g_ptr_array_index (names, i), ".damaged-") != NULL)
      {
        g_assert_null (aside);
        g_autofree char *dir = at_autosave_dir ();
        aside = g_build_filename (dir, g_ptr_array_index (names, i), NULL);
      }
  g_assert_nonnull (aside);
  g_assert_nonnull (strstr (body, aside));
  g_assert_nonnull (strstr (body, "not a valid Atelier project"));
  g_autofree char *kept = NULL;
  g_assert_true (g_file_get_contents (aside, &kept, NULL, NULL));
  g_assert_cmpstr (kept, ==, torn);

  /* a new project, unchanged; the damaged file is not offered again */
  g_assert_false (at_window_get_dirty (window));
  g_assert_true (at_sketch_canvas_is_empty (at_window_get_canvas (window)));
  g_assert_null (at_autosave_claim_orphan ());
  adw_message_dialog_response (dialog, "close");
  ui_test_close_window (window);
  g_unlink (aside);
  empty_autosave_dir ();
}

/* An orphan holding a project with prompt, as a killed studio leaves it. */
static void
leave_orphan (const char *prompt)
{
  g_autoptr (GError) error = NULL;
  AtAutosave *slot = at_autosave_new (&error);
  g_assert_no_error (error);
  g_autoptr (GFile) file = at_autosave_get_file (slot);
  g_autoptr (AtProject) p = at_project_new ();
  g_free (p->params->prompt);
  p->params->prompt = g_strdup (prompt);
  g_assert_true (at_project_save (p, file, &error));
  at_autosave_free (slot);
}

static char *
window_prompt (AtWindow *window)
{
  g_autoptr (AtRequest) r = at_window_build_request (window);
  return g_strdup (r->prompt);
}

static gboolean
prompt_is (gpointer window)
{
  g_autofree char *prompt = window_prompt (window);
  return g_strcmp0 (prompt, g_object_get_data (G_OBJECT (window), "want-prompt")) == 0;
}

/* Started to open a file (as a double click in the file manager does), the
 * studio opens it and offers the orphan in a second window. */
static void
test_recover_beside_open (void)
{
  empty_autosave_dir ();
  leave_orphan ("left by a crash");
  g_autoptr (GFile) mine = ui_test_temp_file ("opened.atelier");
  g_autoptr (AtProject) opened = at_project_new ();
  g_free (opened->params->prompt);
  opened->params->prompt = g_strdup ("opened on purpose");
  g_assert_true (at_project_save (opened, mine, NULL));

  g_autoptr (AtApplication) other = at_application_new ();
  g_application_set_flags (G_APPLICATION (other), G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);
  /* on a session bus, one process exports one application per name */
  g_application_set_application_id (G_APPLICATION (other), "org.atelier.Studio.Test");
  g_application_set_resource_base_path (G_APPLICATION (other), "/org/atelier/Studio");
  g_assert_true (g_application_register (G_APPLICATION (other), NULL, NULL));
  g_application_open (G_APPLICATION (other), &mine, 1, "");
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (other));
  g_assert_cmpuint (g_list_length (windows), ==, 2);
  AtWindow *first = windows->next->data, *second = windows->data;   /* newest first */
  g_assert_true (ui_test_wait_until (has_dialog, second, 20));
  g_assert_null (ui_test_find_dialog (GTK_WINDOW (first)));
  AdwMessageDialog *dialog = ui_test_find_dialog (GTK_WINDOW (second));
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Recover Unsaved Work?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "an untitled project"));
  adw_message_dialog_response (dialog, "recover");

  g_object_set_data (G_OBJECT (first), "want-prompt", (gpointer) "opened on purpose");
  g_assert_true (ui_test_wait_until (prompt_is, first, 20));
  g_autofree char *recovered = window_prompt (second);
  g_assert_cmpstr (recovered, ==, "left by a crash");
  g_assert_true (at_window_get_dirty (second));
  g_assert_null (second->file);
  g_assert_false (at_window_get_dirty (first));
  ui_test_wait_for_engine (first);
  ui_test_wait_for_engine (second);
  ui_test_close_window (first);
  ui_test_close_window (second);
  assert_autosave_dir_empties ();
  ui_test_remove_temp (mine);
}

/* --- after a generation ------------------------------------------------------ */

static gboolean
idle (gpointer window)
{
  return !at_window_is_generating (window);
}

/* With autosaves every hour, a finished generation autosaves at once, its
 * image in the history. */
static void
test_after_generation (void)
{
  empty_autosave_dir ();
  g_setenv ("ATELIER_AUTOSAVE_INTERVAL", "3600", TRUE);
  AtWindow *window = ui_test_open_window (app);
  g_setenv ("ATELIER_AUTOSAVE_INTERVAL", "0.05", TRUE);
  ui_test_wait_for_engine (window);
  draw_stroke (window, 0);
  at_window_set_prompt (window, "a cat");
  at_window_set_params (window, 2, 11, 1);
  ui_test_wait_until (never, NULL, 0.2);
  g_assert_null (at_window_get_autosave_file (window));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.generate", NULL));
  g_assert_true (ui_test_wait_until (idle, window, 120));
  g_assert_cmpuint (at_window_get_history_length (window), ==, 1);
  wait_for_autosave (window, 1);
  g_autoptr (AtProject) p = load_autosave (window);
  g_assert_cmpuint (p->history->len, ==, 1);
  const AtHistoryItem *item = g_ptr_array_index (p->history, 0);
  const AtImage *shown = at_preview_get_image (at_window_get_preview (window));
  g_assert_cmpuint (item->image->width, ==, shown->width);
  g_assert_cmpmem (item->image->pixels, at_image_get_nbytes (item->image), shown->pixels, at_image_get_nbytes (shown));
  g_assert_cmpstr (p->params->prompt, ==, "a cat");
  g_assert_null (p->autosave_of);
  ui_test_close_window (window);
  assert_autosave_dir_empties ();
}

/* --- the killed studio (child side) ------------------------------------------- */

static void
say (const char *fmt, ...) G_GNUC_PRINTF (1, 2);

static void
say (const char *fmt, ...)
{
  va_list args;
  va_start (args, fmt);
  vprintf (fmt, args);
  va_end (args);
  fflush (stdout);
}

/* Draws until killed, reporting after each stroke and whenever it sees an
 * autosave start ("start N": its snapshot holds N strokes) or end ("done
 * N": one holding at least N strokes is on disk). */
static int
run_child (const char *base_path)
{
  AtWindow *window = ui_test_open_window (NULL);
  g_autoptr (GFile) base = g_file_new_for_path (base_path);
  g_autoptr (GError) error = NULL;
  g_assert_true (ui_test_open (window, base, &error));
  at_window_set_prompt (window, CHILD_PROMPT);
  at_window_set_params (window, CHILD_STEPS, CHILD_SEED, 1);
  gboolean was_writing = FALSE;
  guint started = 0;
  for (guint k = 0; k < 100000; k++)
    {
      draw_stroke (window, k);
      say ("drawn %u\n", k + 1);
      gint64 until = g_get_monotonic_time () + g_random_int_range (1000, 12000);
      while (g_get_monotonic_time () < until)
        {
          if (!g_main_context_iteration (NULL, FALSE))
            g_usleep (300);
          gboolean writing = at_window_is_autosaving (window);
          if (writing && !was_writing)
            say ("start %u\n", started = k + 1);
          else if (!writing && was_writing)
            say ("done %u\n", started);
          was_writing = writing;
        }
    }
  return 0;
}

/* --- the killed studio (parent side) ------------------------------------------ */

typedef struct {
  guint drawn;           /* strokes drawn */
  guint done;            /* strokes an autosave on disk holds at least */
  gboolean writing;      /* the last thing seen was an autosave starting */
} ChildLog;

static ChildLog
read_child_log (const char *path)
{
  ChildLog log = { 0 };
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      guint n;
      /* the last line may be cut short by the kill: only whole ones count */
      if (lines[i + 1] == NULL)
        break;
      if (sscanf (lines[i], "drawn %u", &n) == 1)
        log.drawn = n;
      else if (sscanf (lines[i], "start %u", &n) == 1)
        log.writing = TRUE;
      else if (sscanf (lines[i], "done %u", &n) == 1)
        log.done = MAX (log.done, n), log.writing = FALSE;
    }
  return log;
}

static gboolean
child_has_said (const char *log_path, const char *what)
{
  g_autofree char *text = NULL;
  return g_file_get_contents (log_path, &text, NULL, NULL) && strstr (text, what) != NULL;
}

/* Starts the studio child, lets it draw for a random while once it has
 * said what (its first autosave has begun: "start ", or landed: "done ")
 * and kills it. Waiting for that, not a fixed time, keeps the kills
 * around autosaves on a slow machine or build too. */
static ChildLog
run_and_kill (const char *base_path, const char *log_path, const char *what)
{
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_unlink (log_path);   /* GIO opens it without truncating */
  g_subprocess_launcher_set_stdout_file_path (launcher, log_path);
  /* llvmpipe's GL takes seconds over a first frame: a studio that takes
   * that long to start would be killed before it had drawn anything */
  g_subprocess_launcher_setenv (launcher, "GSK_RENDERER", "cairo", TRUE);
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) child = g_subprocess_launcher_spawn (launcher, &error, self_exe, "--child", base_path, NULL);
  g_assert_no_error (error);
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (!child_has_said (log_path, what))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_assert_nonnull (g_subprocess_get_identifier (child));   /* still running */
      g_usleep (5000);
    }
  guint wait_us = g_getenv ("DEBUG_AS_WAIT") ? 4000000 : g_random_int_range (0, 400000);
  if (g_getenv ("DEBUG_AS")) g_printerr ("wait %u\n", wait_us);
  g_usleep (wait_us);
  g_subprocess_send_signal (child, SIGKILL);
  g_assert_true (g_subprocess_wait (child, NULL, NULL));
  g_assert_true (g_subprocess_get_if_signaled (child));
  g_assert_cmpint (g_subprocess_get_term_sig (child), ==, SIGKILL);
  return read_child_log (log_path);
}

/* The autosave a killed child left is the previous or the new one, whole:
 * it loads, holds between the strokes last reported on disk and the
 * strokes drawn, exactly as drawn, and the child's prompt, numbers and
 * the base project's history and file. Returns its stroke count. */
static guint
check_orphan (const ChildLog *log, const char *base_path, const AtProject *base)
{
  if (g_getenv ("DEBUG_AS")) { g_autoptr (GPtrArray) names = list_autosave_dir (); g_printerr ("drawn %u done %u files %u\n", log->drawn, log->done, names->len); }
  AtAutosave *orphan = at_autosave_claim_orphan ();
  if (orphan == NULL)
    {
      g_assert_cmpuint (log->done, ==, 0);
      return 0;
    }
  g_autoptr (GFile) file = at_autosave_get_file (orphan);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtProject) p = at_project_load (file, &error);
  g_assert_no_error (error);
  guint n = at_stroke_list_get_n_strokes (p->strokes);
  g_assert_cmpuint (n, >=, log->done);
  g_assert_cmpuint (n, <=, log->drawn);
  assert_expected_strokes (p->strokes, n);
  g_assert_cmpstr (p->params->prompt, ==, CHILD_PROMPT);
  g_assert_cmpint (p->params->steps, ==, CHILD_STEPS);
  g_assert_cmpuint (p->params->seed, ==, CHILD_SEED);
  g_assert_cmpstr (p->autosave_of, ==, base_path);
  g_assert_cmpuint (p->history->len, ==, base->history->len);
  at_autosave_free (orphan);
  return n;
}

static void
remove_orphan (void)
{
  AtAutosave *orphan = at_autosave_claim_orphan ();
  g_assert_nonnull (orphan);
  at_autosave_remove (orphan);
  at_autosave_free (orphan);
}

/* The next start (the application's activation, as running atelier does)
 * offers the last orphan; Recover puts it back, unsaved, in its file. */
static void
recover_on_start (const char *base_path, guint n_strokes, const AtProject *base)
{
  g_application_activate (G_APPLICATION (app));
  AtWindow *window = AT_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_nonnull (window);
  g_assert_true (ui_test_wait_until (has_dialog, window, 30));
  AdwMessageDialog *dialog = ui_test_find_dialog (GTK_WINDOW (window));
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Recover Unsaved Work?");
  g_autofree char *name = g_path_get_basename (base_path);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), name));
  adw_message_dialog_response (dialog, "recover");

  assert_expected_strokes (at_sketch_canvas_get_strokes (at_window_get_canvas (window)), n_strokes);
  g_autoptr (AtRequest) r = at_window_build_request (window);
  g_assert_cmpstr (r->prompt, ==, CHILD_PROMPT);
  g_assert_cmpint (r->steps, ==, CHILD_STEPS);
  g_assert_cmpuint (r->seed, ==, CHILD_SEED);
  g_assert_cmpuint (at_window_get_history_length (window), ==, base->history->len);
  g_assert_true (at_window_get_dirty (window));
  g_autofree char *title = g_strdup (adw_window_title_get_title (window->window_title));
  g_assert_true (g_str_has_prefix (title, "• "));
  g_assert_nonnull (strstr (title, name));
  g_autofree char *path = window->file != NULL ? g_file_get_path (window->file) : NULL;
  g_assert_cmpstr (path, ==, base_path);

  /* the window keeps the recovered autosave until the work is safe */
  g_autoptr (GFile) kept = at_window_get_autosave_file (window);
  g_assert_nonnull (kept);
  g_assert_true (g_file_query_exists (kept, NULL));
  ui_test_wait_for_engine (window);
  ui_test_close_window (window);
  assert_autosave_dir_empties ();
}

/* The project the child opens: a prompt and a history of noise images. */
static AtProject *
base_project (void)
{
  AtProject *p = at_project_new ();
  g_autoptr (GRand) rand = g_rand_new_with_seed (11);
  for (guint i = 0; i < BASE_HISTORY; i++)
    {
      g_autoptr (AtImage) img = at_image_new (BASE_IMAGE_SIDE, BASE_IMAGE_SIDE, 3);
      for (gsize b = 0; b < at_image_get_nbytes (img); b++)
        img->pixels[b] = (guint8) g_rand_int (rand);
      g_ptr_array_add (p->history, at_history_item_new (img, "a lighthouse\nSteps: 20", p->params, i));
    }
  return p;
}

static void
test_kill_and_recover (void)
{
  empty_autosave_dir ();
  g_autoptr (GFile) base_file = ui_test_temp_file ("lighthouse.atelier");
  g_autofree char *base_path = g_file_get_path (base_file);
  g_autoptr (AtProject) base = base_project ();
  g_assert_true (at_project_save (base, base_file, NULL));
  g_autofree char *base_bytes = read_file (base_file);
  g_autoptr (GFile) log_file = ui_test_temp_file ("child.log");
  g_autofree char *log_path = g_file_get_path (log_file);

  /* AUTOSAVE_TEST_KILLS=1000 with no time limit for a longer run */
  const char *asked = g_getenv ("AUTOSAVE_TEST_KILLS");
  guint n_kills = asked != NULL ? (guint) g_ascii_strtoull (asked, NULL, 10) : KILLS;
  double budget_s = asked != NULL ? G_MAXDOUBLE : KILL_LOOP_BUDGET_S;
  gint64 start = g_get_monotonic_time ();
  guint kills = 0, while_writing = 0, n = 0, with_file = 0;
  while (kills < n_kills)
    {
      /* half during or just after a first autosave, half later */
      ChildLog log = run_and_kill (base_path, log_path, kills % 2 == 0 ? "start " : "done ");
      kills++;
      while_writing += log.writing;
      n = check_orphan (&log, base_path, base);
      with_file += n > 0;
      double elapsed = (g_get_monotonic_time () - start) / 1e6;
      if (kills == n_kills || (elapsed > budget_s && kills >= n_kills / 4))
        break;
      if (n > 0)
        remove_orphan ();
      /* nothing else: no temporary file, no lock of a slot never written */
      assert_autosave_dir_empty ();
      /* the user's file is never written by an autosave */
      g_autofree char *now = read_file (base_file);
      g_assert_cmpstr (now, ==, base_bytes);
    }
  g_test_message ("%u kills in %.1f s, %u during an autosave, %u left one", kills,
                  (g_get_monotonic_time () - start) / 1e6, while_writing, with_file);
  g_assert_cmpuint (with_file, >=, kills / 4);
  g_assert_cmpuint (while_writing, >=, kills / 10);
  if (n == 0)
    {
      /* the last kill came before the first autosave: one more run */
      ChildLog log = run_and_kill (base_path, log_path, "done ");
      n = check_orphan (&log, base_path, base);
    }
  g_assert_cmpuint (n, >, 0);
  recover_on_start (base_path, n, base);
  g_autofree char *now = read_file (base_file);
  g_assert_cmpstr (now, ==, base_bytes);
  ui_test_remove_temp (log_file);
  ui_test_remove_temp (base_file);
}

int
main (int argc, char **argv)
{
  self_exe = argv[0];
  if (argc == 3 && g_str_equal (argv[1], "--child"))
    {
      const char *base = argv[2];
      argc = 1;
      ui_test_init (&argc, &argv);
      return run_child (base);
    }
  /* a state folder of the test's own: autosaves and orphans start empty */
  g_autofree char *state = g_dir_make_tmp ("atelier-autosave-XXXXXX", NULL);
  g_setenv ("XDG_STATE_HOME", state, TRUE);
  g_setenv ("ATELIER_AUTOSAVE_INTERVAL", "0.05", TRUE);
  ui_test_init (&argc, &argv);
  app = ui_test_application_new ();
  g_test_add_func ("/ui/autosave/slots", test_slots);
  g_test_add_func ("/ui/autosave/window", test_window_autosaves);
  g_test_add_func ("/ui/autosave/damaged", test_damaged);
  g_test_add_func ("/ui/autosave/recover-beside-open", test_recover_beside_open);
  g_test_add_func ("/ui/autosave/after-generation", test_after_generation);
  g_test_add_func ("/ui/autosave/kill-and-recover", test_kill_and_recover);
  int status = g_test_run ();
  g_object_unref (app);
  empty_autosave_dir ();
  g_autofree char *dir = at_autosave_dir ();
  g_rmdir (dir);
  g_autofree char *atelier = g_path_get_dirname (dir);
  g_rmdir (atelier);
  g_rmdir (state);
  return status;
}
