/* application.c — application-wide actions and window creation. */
#define G_LOG_DOMAIN "atelier-ui"

#include "atelier-config.h"
#include "context-call.h"
#include "engine.h"
#include "ui/application.h"
#include "ui/autosave.h"
#include "ui/preferences-window.h"
#include "ui/settings.h"
#include "ui/window.h"

struct _AtApplication {
  AdwApplication parent_instance;
  GSettings *settings;

  AtEngine *engine;
  GError *engine_error;
  gboolean engine_loading;
  gboolean device_changed_while_loading;
  GPtrArray *engine_waiters;   /* GTask* waiting for the load */
  GHashTable *engine_holds;    /* AtEngine* -> hold count */
  GPtrArray *retired;          /* engines replaced while held */
  gboolean recovery_offered;   /* autosaves left by a crash: once, in the first window */
};

enum {
  ENGINE_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (AtApplication, at_application, ADW_TYPE_APPLICATION)

/* Work a crashed or killed studio left: looked for once, at the start. */
static AtAutosave *
claim_orphan_once (AtApplication *self)
{
  if (self->recovery_offered)
    return NULL;
  self->recovery_offered = TRUE;
  return at_autosave_claim_orphan ();
}

static void
at_application_activate (GApplication *app)
{
  AtApplication *self = AT_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  if (window == NULL)
    window = GTK_WINDOW (at_window_new (self));
  gtk_window_present (window);
  AtAutosave *orphan = claim_orphan_once (self);
  if (orphan != NULL)
    at_window_offer_recovery (AT_WINDOW (window), orphan);
}

/* --- the shared engine ---------------------------------------------------- */

static void
load_engine_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;
  AtEngine *engine = at_engine_new (task_data, NULL, &error);
  if (engine == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, engine, (GDestroyNotify) at_engine_free);
}

static void start_engine_load (AtApplication *self);

static void
engine_loaded (GObject *object, GAsyncResult *result, gpointer user_data)
{
  AtApplication *self = AT_APPLICATION (object);
  self->engine_loading = FALSE;
  g_application_release (G_APPLICATION (self));
  if (self->device_changed_while_loading)
    {
      /* made for the old device: load again for the waiters */
      self->device_changed_while_loading = FALSE;
      g_autoptr (GError) ignored = NULL;
      AtEngine *stale = g_task_propagate_pointer (G_TASK (result), &ignored);
      g_clear_pointer (&stale, at_engine_free);
      start_engine_load (self);
      return;
    }
  g_clear_error (&self->engine_error);
  self->engine = g_task_propagate_pointer (G_TASK (result), &self->engine_error);
  g_autoptr (GPtrArray) waiters = g_steal_pointer (&self->engine_waiters);
  self->engine_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *task = g_ptr_array_index (waiters, i);
      if (self->engine != NULL)
        g_task_return_pointer (task, self->engine, NULL);
      else
        g_task_return_error (task, g_error_copy (self->engine_error));
    }
}

void
at_application_get_engine_async (AtApplication *self, GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (AT_IS_APPLICATION (self));
  g_autoptr (GTask) task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, at_application_get_engine_async);
  if (self->engine != NULL)
    {
      g_task_return_pointer (task, self->engine, NULL);
      return;
    }
  if (self->engine_error != NULL)
    {
      g_task_return_error (task, g_error_copy (self->engine_error));
      return;
    }
  g_ptr_array_add (self->engine_waiters, g_steal_pointer (&task));
  if (!self->engine_loading)
    start_engine_load (self);
}

static void
start_engine_load (AtApplication *self)
{
  self->engine_loading = TRUE;
  g_application_hold (G_APPLICATION (self));
  g_autofree char *device = self->settings != NULL ? g_settings_get_string (self->settings, "device") : NULL;
  g_autoptr (GTask) load = g_task_new (self, NULL, engine_loaded, NULL);
  g_task_set_source_tag (load, engine_loaded);
  g_task_set_task_data (load, g_steal_pointer (&device), g_free);
  at_task_run_in_thread (load, load_engine_thread);
}

AtEngine *
at_application_get_engine_finish (AtApplication *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
at_application_retry_engine (AtApplication *self)
{
  g_return_if_fail (AT_IS_APPLICATION (self));
  g_clear_error (&self->engine_error);
}

void
at_application_hold_engine (AtApplication *self, AtEngine *engine)
{
  g_return_if_fail (AT_IS_APPLICATION (self) && engine != NULL);
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (self->engine_holds, engine));
  g_hash_table_insert (self->engine_holds, engine, GUINT_TO_POINTER (n + 1));
  /* quitting waits for the run to stop (within a step) before the engine goes */
  g_application_hold (G_APPLICATION (self));
}

void
at_application_release_engine (AtApplication *self, AtEngine *engine)
{
  g_return_if_fail (AT_IS_APPLICATION (self) && engine != NULL);
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (self->engine_holds, engine));
  g_return_if_fail (n > 0);
  if (n > 1)
    g_hash_table_insert (self->engine_holds, engine, GUINT_TO_POINTER (n - 1));
  else
    {
      g_hash_table_remove (self->engine_holds, engine);
      g_ptr_array_remove (self->retired, engine);   /* frees it, if retired */
    }
  g_application_release (G_APPLICATION (self));
}

gboolean
at_application_is_engine_held (AtApplication *self)
{
  g_return_val_if_fail (AT_IS_APPLICATION (self), FALSE);
  return g_hash_table_size (self->engine_holds) > 0 || self->engine_loading;
}

/* A new device: the current engine retires (freed now, or when its last
 * run ends) and windows ask for a new one. */
static void
device_changed (AtApplication *self)
{
  if (self->engine != NULL)
    {
      if (g_hash_table_contains (self->engine_holds, self->engine))
        g_ptr_array_add (self->retired, self->engine);
      else
        at_engine_free (self->engine);
      self->engine = NULL;
    }
  g_clear_error (&self->engine_error);
  if (self->engine_loading)
    self->device_changed_while_loading = TRUE;
  g_signal_emit (self, signals[ENGINE_CHANGED], 0);
}

gboolean
at_application_engine_failed (AtApplication *self, AtEngine *engine, const GError *error)
{
  g_return_val_if_fail (AT_IS_APPLICATION (self), FALSE);
  if (!g_error_matches (error, AT_GPU_ERROR, AT_GPU_ERROR_DEVICE_LOST))
    return FALSE;
  /* an engine already replaced has nothing more to do */
  if (engine == self->engine)
    device_changed (self);
  return TRUE;
}

static void
at_application_open (GApplication *app, GFile **files, int n_files, const char *hint)
{
  /* one window per project */
  for (int i = 0; i < n_files; i++)
    {
      AtWindow *window = at_window_new (AT_APPLICATION (app));
      at_window_open (window, files[i]);
      gtk_window_present (GTK_WINDOW (window));
    }
  /* in a window of its own, beside the projects opened */
  AtAutosave *orphan = claim_orphan_once (AT_APPLICATION (app));
  if (orphan != NULL)
    {
      AtWindow *window = at_window_new (AT_APPLICATION (app));
      gtk_window_present (GTK_WINDOW (window));
      at_window_offer_recovery (window, orphan);
    }
}

static void
preferences_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (user_data));
  gtk_window_present (GTK_WINDOW (at_preferences_window_new (parent)));
}

/* Each window closes as its close button would: one with unsaved changes
 * asks first, one still saving finishes; the application ends with the
 * last window. */
static void
quit_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GList *windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (user_data)));
  for (GList *l = windows; l != NULL; l = l->next)
    g_object_ref (l->data);
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
  g_list_free_full (windows, g_object_unref);
}

static void
about_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (user_data));
  /* the built-in model learned from these (tools/dataset/build.py) */
  static const char *emoji[] = { "Noto Emoji (emoji-datasource-google) https://github.com/googlefonts/noto-emoji", NULL };
  static const char *labels[] = { "Emojibase data (CLDR labels and tags) https://emojibase.dev", NULL };
  static const char *tabler[] = { "Tabler Icons https://tabler.io/icons", NULL };
  static const char *lucide[] = { "Lucide https://lucide.dev", NULL };
  static const char *voices[] = { "eSpeak NG (synthetic voice prompts) https://github.com/espeak-ng/espeak-ng", NULL };
  /* the shape library is these icons redrawn as strokes (tools/shapes/build.py) */
  static const char *shapes[] = { "Tabler Icons 3.52.0 (MIT) https://tabler.io/icons",
                                  "Lucide 1.62.0 (ISC) https://lucide.dev", NULL };
  static const char *wordnet[] = { "Princeton WordNet 3.0 (WordNet 3.0 license) https://wordnet.princeton.edu", NULL };
  AdwAboutWindow *about = ADW_ABOUT_WINDOW (adw_about_window_new ());
  adw_about_window_add_credit_section (about, "Training images: Apache-2.0", emoji);
  adw_about_window_add_credit_section (about, "Training captions: MIT", labels);
  adw_about_window_add_credit_section (about, "Training icons: MIT", tabler);
  adw_about_window_add_credit_section (about, "Training icons: ISC", lucide);
  adw_about_window_add_credit_section (about, "Training voices: synthesised with", voices);
  adw_about_window_add_credit_section (about, "Shape library: line icons from", shapes);
  adw_about_window_add_credit_section (about, "Shape suggestions: words related by", wordnet);
  adw_about_window_add_legal_section (about, "Noto Emoji", "Copyright Google Inc.", GTK_LICENSE_APACHE_2_0, NULL);
  adw_about_window_add_legal_section (about, "Emojibase", "Copyright Miles Johnson", GTK_LICENSE_MIT_X11, NULL);
  adw_about_window_add_legal_section (about, "Tabler Icons", "Copyright Paweł Kuna", GTK_LICENSE_MIT_X11, NULL);
  adw_about_window_add_legal_section (about, "Lucide", "Copyright Lucide Contributors", GTK_LICENSE_CUSTOM,
                                      "ISC License");
  adw_about_window_add_legal_section (about, "WordNet 3.0", "Copyright 2006 Princeton University", GTK_LICENSE_CUSTOM,
                                      "WordNet 3.0 license: permission to use, copy, modify and distribute "
                                      "for any purpose, with the copyright notice kept");
  gtk_window_set_transient_for (GTK_WINDOW (about), parent);
  g_object_set (about,
                         "application-name", "Atelier",
                         "application-icon", AT_APP_ID,
                         "version", AT_VERSION,
                         "comments", "Sketch, describe and speak; generate illustrations on any Vulkan GPU.",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "website", "https://github.com/atelier-studio/atelier",
                         "developer-name", "The Atelier developers",
                         NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static const GActionEntry app_actions[] = {
  { "quit", quit_activated },
  { "about", about_activated },
  { "preferences", preferences_activated },
};

/* Follows the system's light/dark preference unless the designer chose. */
static void
apply_style (AtApplication *self)
{
  g_autofree char *style = g_settings_get_string (self->settings, "style");
  AdwColorScheme scheme = g_str_equal (style, "dark")    ? ADW_COLOR_SCHEME_FORCE_DARK
                          : g_str_equal (style, "light") ? ADW_COLOR_SCHEME_FORCE_LIGHT
                                                         : ADW_COLOR_SCHEME_DEFAULT;
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), scheme);
}

static void
at_application_startup (GApplication *app)
{
  AtApplication *self = AT_APPLICATION (app);
  G_APPLICATION_CLASS (at_application_parent_class)->startup (app);
  /* the engine works in the background: frames first (BENCHMARKS.md,
   * main-loop stalls); ATELIER_ENGINE_NICE=0..19 overrides */
  const char *nice = g_getenv ("ATELIER_ENGINE_NICE");
  at_task_set_background_nice (nice != NULL ? (int) g_ascii_strtoll (nice, NULL, 10) : 10);
  self->settings = at_settings_new ();
  if (self->settings != NULL)
    {
      apply_style (self);
      g_signal_connect_swapped (self->settings, "changed::style", G_CALLBACK (apply_style), self);
      g_signal_connect_swapped (self->settings, "changed::device", G_CALLBACK (device_changed), self);
    }
  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit",
                                         (const char *[]) { "<Control>q", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.preferences",
                                         (const char *[]) { "<Control>comma", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.show-help-overlay",
                                         (const char *[]) { "<Control>question", NULL });
}

static void
at_application_finalize (GObject *object)
{
  AtApplication *self = AT_APPLICATION (object);
  g_clear_object (&self->settings);
  /* every run has released its hold by now (the application waited) */
  g_clear_pointer (&self->engine, at_engine_free);
  g_clear_error (&self->engine_error);
  g_clear_pointer (&self->engine_waiters, g_ptr_array_unref);
  g_clear_pointer (&self->engine_holds, g_hash_table_unref);
  g_clear_pointer (&self->retired, g_ptr_array_unref);
  G_OBJECT_CLASS (at_application_parent_class)->finalize (object);
}

static void
at_application_class_init (AtApplicationClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = at_application_finalize;
  signals[ENGINE_CHANGED] = g_signal_new ("engine-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);
  app_class->activate = at_application_activate;
  app_class->startup = at_application_startup;
  app_class->open = at_application_open;
}

static void
at_application_init (AtApplication *self)
{
  self->engine_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  self->engine_holds = g_hash_table_new (NULL, NULL);
  self->retired = g_ptr_array_new_with_free_func ((GDestroyNotify) at_engine_free);
}

/* Whether this machine has a GPU that GL can use: a DRM render node, or
 * NVIDIA's own device nodes. */
static gboolean
has_gpu_nodes (void)
{
  if (g_file_test ("/dev/nvidia0", G_FILE_TEST_EXISTS))
    return TRUE;
  g_autoptr (GDir) dri = g_dir_open ("/dev/dri", 0, NULL);
  const char *name;
  while (dri != NULL && (name = g_dir_read_name (dri)) != NULL)
    if (g_str_has_prefix (name, "renderD"))
      return TRUE;
  return FALSE;
}

/* Without a GPU, GL is Mesa's software rasteriser, and GTK's GL renderer
 * then draws every frame on the CPU in the main loop: stalls of half a
 * second while a generation runs beside it (tools/bench/ui-stalls.sh),
 * where GTK's cairo renderer stays under a few frames. A GSK_RENDERER the
 * user set wins. */
static void
prefer_cairo_without_gpu (void)
{
  if (g_getenv ("GSK_RENDERER") == NULL && !has_gpu_nodes ())
    g_setenv ("GSK_RENDERER", "cairo", FALSE);
}

AtApplication *
at_application_new (void)
{
  prefer_cairo_without_gpu ();
  return g_object_new (AT_TYPE_APPLICATION,
                       "application-id", AT_APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/org/atelier/Studio",
                       NULL);
}
