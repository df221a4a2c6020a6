/* window-actions.c — the window's actions: files (new, open, save,
 * export, import), generation controls, recording a voice prompt and their
 * keyboard shortcuts. */
#define G_LOG_DOMAIN "atelier-ui"

#include "atelier-config.h"
#include "media/line-art.h"
#include "ui/sketch-canvas.h"
#include "ui/window-private.h"

#define PROJECT_SUFFIX ".atelier"

/* --- file choosers ------------------------------------------------------- */

typedef void (*ChooserDone) (AtWindow *self, GtkFileChooser *chooser, GFile *file);

static void
chooser_response (GtkNativeDialog *dialog, int response, gpointer user_data)
{
  AtWindow *self = AT_WINDOW (g_object_get_data (G_OBJECT (dialog), "window"));
  ChooserDone done = (ChooserDone) g_object_get_data (G_OBJECT (dialog), "done");
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      if (file != NULL)
        done (self, GTK_FILE_CHOOSER (dialog), file);
    }
  else
    self->after_save = NULL;   /* a cancelled Save As cancels what was to follow */
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static GtkFileChooserNative *
make_chooser (AtWindow *self, const char *title, GtkFileChooserAction action, const char *accept, ChooserDone done)
{
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new (title, GTK_WINDOW (self), action, accept, "_Cancel");
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_object_set_data (G_OBJECT (dialog), "window", self);
  g_object_set_data (G_OBJECT (dialog), "done", (gpointer) done);
  g_signal_connect (dialog, "response", G_CALLBACK (chooser_response), NULL);
  return dialog;
}

static void
add_filter (GtkFileChooserNative *dialog, const char *name, const char *const *patterns)
{
  GtkFileFilter *filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, name);
  for (guint i = 0; patterns[i] != NULL; i++)
    gtk_file_filter_add_pattern (filter, patterns[i]);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  g_object_unref (filter);
}

static const char *const project_patterns[] = { "*" PROJECT_SUFFIX, NULL };
static const char *const image_patterns[] = { "*.png", "*.jpg", "*.jpeg", "*.tif", "*.tiff", NULL };
static const char *const audio_patterns[] = { "*.wav", "*.flac", "*.ogg", "*.oga", "*.mp3", "*.aif", "*.aiff", NULL };

static void
run_after_save (AtWindow *self)
{
  void (*then) (AtWindow *) = self->after_save;
  self->after_save = NULL;
  if (then != NULL)
    then (self);
}

static void
saved (GObject *object, GAsyncResult *result, gpointer user_data)
{
  AtWindow *self = AT_WINDOW (object);
  g_autoptr (GError) error = NULL;
  gboolean ok = at_window_save_finish (self, result, &error);
  if (self->disposed)
    return;
  if (ok)
    run_after_save (self);
  else
    {
      self->after_save = NULL;   /* what was to follow a save needs one that worked */
      _at_window_show_toast (self, error->message);
    }
}

static void
save_chosen (AtWindow *self, GtkFileChooser *chooser, GFile *file)
{
  g_autoptr (GFile) target = g_object_ref (file);
  g_autofree char *base = g_file_get_basename (file);
  if (!g_str_has_suffix (base, PROJECT_SUFFIX))
    {
      g_autofree char *path = g_file_get_path (file);
      g_autofree char *with = g_strconcat (path, PROJECT_SUFFIX, NULL);
      g_object_unref (target);
      target = g_file_new_for_path (with);
    }
  at_window_save_async (self, target, NULL, saved, NULL);
}

static void
open_chosen (AtWindow *self, GtkFileChooser *chooser, GFile *file)
{
  at_window_open (self, file);
}

static void
import_chosen (AtWindow *self, GtkFileChooser *chooser, GFile *file, gboolean underlay)
{
  g_autoptr (GError) error = NULL;
  if (!at_sketch_canvas_import (self->canvas, file, underlay, &error))
    {
      g_autofree char *msg = g_strdup_printf ("Could not import the image: %s", error->message);
      _at_window_show_toast (self, msg);
    }
}

static void
import_sketch_chosen (AtWindow *self, GtkFileChooser *chooser, GFile *file)
{
  import_chosen (self, chooser, file, FALSE);
}

static void
import_underlay_chosen (AtWindow *self, GtkFileChooser *chooser, GFile *file)
{
  import_chosen (self, chooser, file, TRUE);
}

static void
voice_chosen (AtWindow *self, GtkFileChooser *chooser, GFile *file)
{
  at_window_load_voice (self, file);
}

/* --- actions ------------------------------------------------------------- */

static void
save_as (AtWindow *self)
{
  GtkFileChooserNative *dialog = make_chooser (self, "Save Project", GTK_FILE_CHOOSER_ACTION_SAVE, "_Save", save_chosen);
  add_filter (dialog, "Atelier projects", project_patterns);
  if (self->file != NULL)
    gtk_file_chooser_set_file (GTK_FILE_CHOOSER (dialog), self->file, NULL);
  else
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), "Untitled" PROJECT_SUFFIX);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
save (AtWindow *self)
{
  if (self->file == NULL)
    save_as (self);
  else
    at_window_save_async (self, self->file, NULL, saved, NULL);
}

void
_at_window_new_project (AtWindow *self)
{
  g_autoptr (AtProject) p = at_project_new ();
  if (self->settings != NULL)
    {
      p->params->steps = g_settings_get_int (self->settings, "default-steps");
      g_autofree char *sampler = g_settings_get_string (self->settings, "default-sampler");
      AtSamplerKind kind;
      if (at_sampler_kind_from_string (sampler, &kind))
        p->params->sampler = kind;
      p->voice_settings.voice_cues = g_settings_get_boolean (self->settings, "voice-cues");
    }
  p->params->seed &= 0xffffffffu;
  _at_window_apply_project (self, p);
  _at_window_apply_model_defaults (self);
  g_clear_object (&self->file);
  self->dirty = TRUE;
  _at_window_set_dirty (self, FALSE);
  _at_window_mark_saved_now (self);
  _at_window_autosave_discard (self);
}

static void
discard_response (AdwMessageDialog *dialog, const char *response, AtWindow *self)
{
  void (*then) (AtWindow *) = g_object_get_data (G_OBJECT (dialog), "then");
  if (g_str_equal (response, "discard"))
    then (self);
  else if (g_str_equal (response, "save"))
    {
      /* Save may ask for a name first; what was asked for follows a save */
      self->after_save = then;
      save (self);
    }
}

/* Asks before losing unsaved work, then runs then(). */
static void
_at_window_confirm_discard (AtWindow *self, void (*then) (AtWindow *))
{
  if (!self->dirty)
    {
      then (self);
      return;
    }
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), "Save Changes?",
                                              "This project has changes that are not saved. "
                                              "Without saving, they are lost.");
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", "_Cancel", "discard", "_Discard",
                                    "save", "_Save", NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "then", (gpointer) then);
  g_signal_connect (dialog, "response", G_CALLBACK (discard_response), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
show_open_dialog (AtWindow *self)
{
  GtkFileChooserNative *dialog = make_chooser (self, "Open Project", GTK_FILE_CHOOSER_ACTION_OPEN, "_Open", open_chosen);
  add_filter (dialog, "Atelier projects", project_patterns);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
open_pending_recent (AtWindow *self)
{
  GFile *file = g_object_get_data (G_OBJECT (self), "recent-file");
  if (file != NULL)
    at_window_open (self, file);
}

static void
really_close (AtWindow *self)
{
  self->close_confirmed = TRUE;
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
window_action (GtkWidget *widget, const char *name, GVariant *param)
{
  AtWindow *self = AT_WINDOW (widget);

  if (g_str_equal (name, "win.generate"))
    {
      g_clear_handle_id (&self->live_timeout, g_source_remove);
      self->seed_before_run = gtk_spin_button_get_value (self->seed_spin);
      if (!gtk_toggle_button_get_active (self->seed_lock))
        {
          self->applying = TRUE;
          gtk_spin_button_set_value (self->seed_spin, g_random_int ());
          self->applying = FALSE;
        }
      _at_window_start_generation (self, FALSE);
    }
  else if (g_str_equal (name, "win.cancel"))
    _at_window_cancel_run (self);
  else if (g_str_equal (name, "win.undo"))
    at_sketch_canvas_undo (self->canvas);
  else if (g_str_equal (name, "win.redo"))
    at_sketch_canvas_redo (self->canvas);
  else if (g_str_equal (name, "win.clear-sketch"))
    at_sketch_canvas_clear (self->canvas);
  else if (g_str_equal (name, "win.pen"))
    gtk_toggle_button_set_active (self->pen_button, TRUE);
  else if (g_str_equal (name, "win.eraser"))
    gtk_toggle_button_set_active (self->eraser_button, TRUE);
  else if (g_str_equal (name, "win.toggle-live"))
    gtk_toggle_button_set_active (self->live_button, !gtk_toggle_button_get_active (self->live_button));
  else if (g_str_equal (name, "win.new"))
    _at_window_confirm_discard (self, _at_window_new_project);
  else if (g_str_equal (name, "win.open"))
    _at_window_confirm_discard (self, show_open_dialog);
  else if (g_str_equal (name, "win.open-recent"))
    {
      g_autoptr (GFile) file = g_file_new_for_path (g_variant_get_string (param, NULL));
      g_object_set_data_full (G_OBJECT (self), "recent-file", g_object_ref (file), g_object_unref);
      _at_window_confirm_discard (self, open_pending_recent);
    }
  else if (g_str_equal (name, "win.save"))
    save (self);
  else if (g_str_equal (name, "win.save-as"))
    save_as (self);
  else if (g_str_equal (name, "win.export"))
    _at_window_show_export_dialog (self);
  else if (g_str_equal (name, "win.use-as-sketch"))
    {
      const AtImage *img = at_preview_get_image (self->preview);
      if (img != NULL)
        {
          /* its outlines, which the pen can go on with */
          g_autoptr (AtImage) lines = at_image_line_art (img);
          at_sketch_canvas_clear (self->canvas);
          at_sketch_canvas_set_sketch_image (self->canvas, lines);
        }
    }
  else if (g_str_equal (name, "win.use-as-init"))
    {
      _at_window_set_init_image (self, at_preview_get_image (self->preview));
      _at_window_on_edit (self);
    }
  else if (g_str_equal (name, "win.clear-init"))
    {
      _at_window_set_init_image (self, NULL);
      _at_window_on_edit (self);
    }
  else if (g_str_equal (name, "win.load-voice"))
    {
      GtkFileChooserNative *dialog = make_chooser (self, "Load Voice Prompt", GTK_FILE_CHOOSER_ACTION_OPEN, "_Load", voice_chosen);
      add_filter (dialog, "Audio files", audio_patterns);
      gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
    }
  else if (g_str_equal (name, "win.record"))
    _at_window_toggle_recording (self);
  else if (g_str_equal (name, "win.clear-voice"))
    {
      _at_window_set_voice (self, NULL, NULL);
      _at_window_on_edit (self);
    }
  else if (g_str_equal (name, "win.randomize-seed"))
    gtk_spin_button_set_value (self->seed_spin, g_random_int ());
  else if (g_str_equal (name, "win.import-sketch") || g_str_equal (name, "win.import-underlay"))
    {
      gboolean underlay = g_str_equal (name, "win.import-underlay");
      GtkFileChooserNative *dialog = make_chooser (self, underlay ? "Import Underlay" : "Import Sketch",
                                                   GTK_FILE_CHOOSER_ACTION_OPEN, "_Import",
                                                   underlay ? import_underlay_chosen : import_sketch_chosen);
      add_filter (dialog, "Images", image_patterns);
      gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
    }
  else if (g_str_equal (name, "win.clear-underlay"))
    at_sketch_canvas_set_underlay (self->canvas, NULL);
  else if (g_str_equal (name, "win.show-toast"))
    _at_window_show_toast (self, g_variant_get_string (param, NULL));
  else if (_at_window_video_action (self, name, param))
    ;
  else if (g_str_equal (name, "win.retry-engine"))
    {
      at_application_retry_engine (self->app);
      _at_window_load_engine (self);
    }
}

gboolean
_at_window_close_request (GtkWindow *window)
{
  AtWindow *self = AT_WINDOW (window);
  if (self->saving)
    {
      /* the file is being written: asked again once it is */
      self->close_after_save = TRUE;
      return TRUE;
    }
  if (self->close_confirmed || !self->dirty)
    {
      if (self->cancellable != NULL)
        g_cancellable_cancel (self->cancellable);
      return FALSE;
    }
  _at_window_confirm_discard (self, really_close);
  return TRUE;
}

void
_at_window_class_actions_init (GtkWidgetClass *widget_class)
{
  static const char *const actions[] = {
    "win.generate", "win.cancel", "win.undo", "win.redo", "win.clear-sketch", "win.pen", "win.eraser",
    "win.toggle-live", "win.new", "win.open", "win.save", "win.save-as", "win.export",
    "win.use-as-sketch", "win.use-as-init", "win.clear-init", "win.load-voice", "win.clear-voice",
    "win.record",
    "win.randomize-seed", "win.import-sketch", "win.import-underlay", "win.clear-underlay",
    "win.retry-engine",
  };
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    gtk_widget_class_install_action (widget_class, actions[i], NULL, window_action);
  gtk_widget_class_install_action (widget_class, "win.open-recent", "s", window_action);
  gtk_widget_class_install_action (widget_class, "win.show-toast", "s", window_action);
  gtk_widget_class_install_action (widget_class, "win.video", NULL, window_action);
  gtk_widget_class_install_action (widget_class, "win.video-keyframe", "d", window_action);

  /* Bindings, not application accelerators: they run after the focused
   * widget, so Ctrl+Z in a prompt undoes typing, not a stroke. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.cancel", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "win.undo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Z, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK, "win.toggle-live", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "win.record", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.new", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "win.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.save-as", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_S, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.save-as", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "win.export", NULL);
}

void
_at_window_actions_init (AtWindow *self)
{
  /* Ctrl+Enter generates even from inside a prompt, whose text view would
   * otherwise take it as a new line: so it is caught on the way down */
  GtkEventController *capture = gtk_shortcut_controller_new ();
  gtk_event_controller_set_propagation_phase (capture, GTK_PHASE_CAPTURE);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (capture),
                                        gtk_shortcut_new (gtk_alternative_trigger_new (
                                                            gtk_keyval_trigger_new (GDK_KEY_Return, GDK_CONTROL_MASK),
                                                            gtk_keyval_trigger_new (GDK_KEY_KP_Enter, GDK_CONTROL_MASK)),
                                                          gtk_named_action_new ("win.generate")));
  gtk_widget_add_controller (GTK_WIDGET (self), capture);

  /* single-letter tools only while the canvas has focus, never in a prompt */
  GtkEventController *controller = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_p, 0),
                                                          gtk_named_action_new ("win.pen")));
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_e, 0),
                                                          gtk_named_action_new ("win.eraser")));
  gtk_widget_add_controller (GTK_WIDGET (self->canvas), controller);
}

