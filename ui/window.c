/* window.c — the studio window: its instance lifetime, title, action
 * states, the engine it generates with and the sketch tools; its layout
 * lives in resources/ui/window.ui. The rest of it, sharing the instance
 * struct through window-private.h:
 *   window-actions.c     actions and keyboard shortcuts
 *   window-generation.c  requests from the controls, runs, live mode
 *   window-results.c     the image on show, variants and history gallery
 *   window-project.c     saving and opening projects on workers, recent projects
 *   window-export.c      PNG export of the image on show
 *   window-voice.c       the voice clip, its loading and the voice panel
 *   window-recording.c   recording a voice prompt from the microphone
 *   window-autosave.c    autosaves of unsaved work and their recovery
 *
 * The window borrows the application's engine (loaded once, on a worker)
 * and owns the current generation's GCancellable, the results and the
 * history. Generation runs through at_engine_generate_async(): progress and
 * results arrive on the main loop; the main thread only builds requests
 * and shows images.
 */
#define G_LOG_DOMAIN "atelier-ui"

#include "ui/canvas-tools.h"
#include "ui/pane-balance.h"
#include "ui/settings.h"
#include "ui/wheel-guard.h"
#include "ui/window-private.h"

G_DEFINE_FINAL_TYPE (AtWindow, at_window, ADW_TYPE_APPLICATION_WINDOW)

/* --- small helpers ------------------------------------------------------- */

void
_at_window_show_toast (AtWindow *self, const char *message)
{
  g_free (self->last_toast);
  self->last_toast = g_strdup (message);
  AdwToast *toast = adw_toast_new (message);
  adw_toast_set_timeout (toast, 5);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
update_title (AtWindow *self)
{
  g_autofree char *name = NULL;
  if (self->file != NULL)
    {
      g_autofree char *base = g_file_get_basename (self->file);
      name = g_strdup (base);
    }
  else
    name = g_strdup ("Untitled Project");
  g_autofree char *title = g_strdup_printf ("%s%s", self->dirty ? "• " : "", name);
  adw_window_title_set_title (self->window_title, title);
  gtk_window_set_title (GTK_WINDOW (self), "Atelier");
}

void
_at_window_set_dirty (AtWindow *self, gboolean dirty)
{
  if (self->dirty == dirty)
    return;
  self->dirty = dirty;
  update_title (self);
}

/* One save or open at a time; the spinner says which is under way. */
static void
update_file_actions (AtWindow *self)
{
  static const char *const actions[] = { "win.new", "win.open", "win.open-recent", "win.save", "win.save-as" };
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), actions[i], !_at_window_file_busy (self));
  const char *doing = self->saving ? "Saving the project" : self->opening ? "Opening the project" : "Working";
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->busy_spinner), doing);
}

void
_at_window_update_actions (AtWindow *self)
{
  gboolean generating = self->cancellable != NULL;
  gboolean has_image = at_preview_get_image (self->preview) != NULL && self->current_parameters != NULL;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel", generating);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export", has_image);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.use-as-sketch", has_image);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.use-as-init", has_image);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.clear-init", self->init_image != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.clear-voice", self->voice != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.undo", at_stroke_list_can_undo (at_sketch_canvas_get_strokes (self->canvas)));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.redo", at_stroke_list_can_redo (at_sketch_canvas_get_strokes (self->canvas)));
  gtk_stack_set_visible_child_name (self->generate_stack, generating ? "cancel" : "generate");
  update_file_actions (self);
  gboolean busy = generating || self->engine_loading || _at_window_file_busy (self);
  /* always in the header bar, drawn only while it spins: showing and
   * hiding it relaid the whole window out at each run's start (a 20 ms
   * frame, BENCHMARKS.md's main-loop stalls) */
  gtk_spinner_set_spinning (self->busy_spinner, busy);
}

void
_at_window_show_engine_error (AtWindow *self, const GError *error)
{
  g_autofree char *text = NULL;
  if (error->domain == AT_GPU_ERROR &&
      (error->code == AT_GPU_ERROR_NO_DRIVER || error->code == AT_GPU_ERROR_NO_DEVICE))
    text = g_strdup_printf ("No Vulkan device to generate on: %s. Install your GPU's Vulkan driver "
                            "(or mesa-vulkan-drivers for the CPU) and press Retry.", error->message);
  else if (error->domain == AT_GPU_ERROR && error->code == AT_GPU_ERROR_DEVICE_NOT_FOUND)
    text = g_strdup_printf ("%s. Choose another compute device in Preferences.", error->message);
  else
    text = g_strdup_printf ("The model could not be loaded: %s", error->message);
  gtk_label_set_text (self->error_label, text);
  gtk_revealer_set_reveal_child (self->error_revealer, TRUE);
}

void
_at_window_on_edit (AtWindow *self)
{
  if (self->applying)
    return;
  /* back to what the file holds (Undo to the saved drawing): unmarked */
  _at_window_set_dirty (self, !_at_window_is_as_saved (self));
  _at_window_update_actions (self);
  _at_window_schedule_live (self);
}

/* --- the engine, loaded on a worker -------------------------------------- */

static void
engine_loaded (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (AtWindow) self = user_data;
  self->engine_loading = FALSE;
  g_clear_error (&self->engine_error);
  self->engine = at_application_get_engine_finish (AT_APPLICATION (object), result, &self->engine_error);
  if (self->engine_reload)
    {
      /* the application retired that engine (a new device) after
       * answering: it may be freed already, so ask again */
      self->engine_reload = FALSE;
      self->engine = NULL;
      g_clear_error (&self->engine_error);
      if (!self->disposed)
        _at_window_load_engine (self);
      return;
    }
  if (self->disposed)
    return;
  _at_window_shapes_set_engine (self, self->engine);
  at_history_search_set_engine (self->history_search, self->app, self->engine);
  at_remix_panel_set_engine (self->remix_panel, self->app, self->engine);
  if (self->engine == NULL)
    {
      adw_window_title_set_subtitle (self->window_title, "Cannot generate");
      _at_window_show_engine_error (self, self->engine_error);
      self->generate_when_ready = FALSE;
    }
  else
    {
      gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
      const AtGpuDeviceInfo *info = at_gpu_get_device_info (at_engine_get_gpu (self->engine));
      g_autofree char *subtitle = g_strdup_printf ("%s on %s", at_engine_get_model_name (self->engine), info->name);
      adw_window_title_set_subtitle (self->window_title, subtitle);
      if (self->model_defaults_pending)
        _at_window_apply_model_defaults (self);
      _at_window_check_prompt (self);
      if (self->generate_when_ready)
        {
          self->generate_when_ready = FALSE;
          _at_window_start_generation (self, FALSE);
        }
    }
  _at_window_update_actions (self);
}

void
_at_window_load_engine (AtWindow *self)
{
  if (self->engine_loading || self->app == NULL)
    return;
  self->engine = NULL;
  g_clear_error (&self->engine_error);
  self->engine_loading = TRUE;
  adw_window_title_set_subtitle (self->window_title, "Loading the model…");
  gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
  at_application_get_engine_async (self->app, engine_loaded, g_object_ref (self));
  _at_window_update_actions (self);
}

static void
on_engine_changed (AtWindow *self)
{
  self->engine = NULL;
  _at_window_shapes_set_engine (self, NULL);
  at_history_search_set_engine (self->history_search, NULL, NULL);
  at_remix_panel_set_engine (self->remix_panel, NULL, NULL);
  if (self->engine_loading)
    self->engine_reload = TRUE;
  else
    _at_window_load_engine (self);
}

/* --- sketch tools ---------------------------------------------------------- */

static void
on_tool_toggled (AtWindow *self)
{
  at_sketch_canvas_set_eraser (self->canvas, gtk_toggle_button_get_active (self->eraser_button));
}

static void
on_color_set (AtWindow *self)
{
  GdkRGBA color;
  gtk_color_chooser_get_rgba (GTK_COLOR_CHOOSER (self->color_button), &color);
  at_sketch_canvas_set_color (self->canvas, &color);
}

/* --- private API for tests ----------------------------------------------- */

AtSketchCanvas *
at_window_get_canvas (AtWindow *self)
{
  return self->canvas;
}

AtPreview *
at_window_get_preview (AtWindow *self)
{
  return self->preview;
}

GtkProgressBar *
at_window_get_progress_bar (AtWindow *self)
{
  return self->progress_bar;
}

void
at_window_set_prompt (AtWindow *self, const char *prompt)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->prompt_view), prompt, -1);
}

void
at_window_set_negative (AtWindow *self, const char *negative)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->negative_view), negative, -1);
}

void
at_window_set_params (AtWindow *self, int steps, guint64 seed, int count)
{
  gtk_spin_button_set_value (self->steps_spin, steps);
  gtk_spin_button_set_value (self->seed_spin, (double) seed);
  gtk_spin_button_set_value (self->count_spin, count);
  gtk_toggle_button_set_active (self->seed_lock, TRUE);
}

gboolean
at_window_is_generating (AtWindow *self)
{
  return self->runs_in_flight > 0;
}

gboolean
at_window_engine_settled (AtWindow *self, const GError **error)
{
  if (error != NULL)
    *error = self->engine_error;
  return !self->engine_loading;
}

const char *
at_window_get_last_toast (AtWindow *self)
{
  return self->last_toast;
}

guint
at_window_get_history_length (AtWindow *self)
{
  return self->history->len;
}

const char *
at_window_get_current_parameters (AtWindow *self)
{
  return self->current_parameters;
}

gboolean
at_window_get_dirty (AtWindow *self)
{
  return self->dirty;
}

/* --- GObject ------------------------------------------------------------- */

static void
at_window_dispose (GObject *object)
{
  AtWindow *self = AT_WINDOW (object);
  self->disposed = TRUE;
  g_clear_handle_id (&self->live_timeout, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  _at_window_recording_dispose (self);
  _at_window_autosave_dispose (self);
  _at_window_sd_dispose (self);
  _at_window_history_gallery_dispose (self);
  _at_window_voice_dispose (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), AT_TYPE_WINDOW);
  G_OBJECT_CLASS (at_window_parent_class)->dispose (object);
}

static void
at_window_finalize (GObject *object)
{
  AtWindow *self = AT_WINDOW (object);
  /* the engine is the application's */
  g_clear_error (&self->engine_error);
  g_clear_object (&self->app);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  g_clear_object (&self->file);
  g_clear_pointer (&self->run_request, at_request_free);
  _at_window_clear_run_inputs (self);
  g_free (self->voice_digest);
  at_clip_free (self->video_clip);
  g_free (self->saved_digest);
  g_clear_pointer (&self->saved_strokes, at_stroke_list_free);
  g_clear_pointer (&self->variants, g_ptr_array_unref);
  g_clear_pointer (&self->history, g_ptr_array_unref);
  g_clear_pointer (&self->init_image, at_image_free);
  g_clear_pointer (&self->voice, at_audio_free);
  g_free (self->voice_name);
  g_free (self->current_parameters);
  g_free (self->last_toast);
  G_OBJECT_CLASS (at_window_parent_class)->finalize (object);
}

/* A new size: the preview keeps at least the sheet's room. */
static void
at_window_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  GTK_WIDGET_CLASS (at_window_parent_class)->size_allocate (widget, width, height, baseline);
  at_pane_balance_queue (AT_WINDOW (widget)->work_paned);
}

/* The application is set after construction; the engine comes from it. */
static void
on_application_set (AtWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  if (self->app != NULL || !AT_IS_APPLICATION (app))
    return;
  self->app = g_object_ref (AT_APPLICATION (app));
  g_signal_connect_object (self->app, "engine-changed", G_CALLBACK (on_engine_changed), self, G_CONNECT_SWAPPED);
  _at_window_load_engine (self);
}

static void
at_window_class_init (AtWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = at_window_dispose;
  object_class->finalize = at_window_finalize;
  window_class->close_request = _at_window_close_request;
  widget_class->size_allocate = at_window_size_allocate;

  g_type_ensure (AT_TYPE_SKETCH_CANVAS);
  g_type_ensure (AT_TYPE_CANVAS_TOOLS);
  g_type_ensure (AT_TYPE_SHAPE_STRIP);
  g_type_ensure (AT_TYPE_PREVIEW);
  g_type_ensure (AT_TYPE_WAVEFORM);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/atelier/Studio/ui/window.ui");
  gtk_widget_class_bind_template_child (widget_class, AtWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, live_button);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, busy_spinner);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, generate_stack);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, pen_button);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, eraser_button);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, brush_adjustment);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, color_button);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, canvas);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, shape_strip);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, smooth_button);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, fit_button);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, preview_stack);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, preview);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, variants_scroller);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, variants_box);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, prompt_view);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, negative_view);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, prompt_note);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, waveform);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, voice_play_button);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, voice_label);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, voice_card);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, record_button);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, record_revealer);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, level_bar);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, record_time_label);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, caption_label);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, steps_spin);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, guidance_spin);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, seed_spin);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, seed_lock);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, sampler_row);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, sketch_strength_spin);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, count_spin);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, init_row);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, strength_spin);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, history_box);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, side_panel);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, work_paned);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, recent_submenu);

  _at_window_class_actions_init (widget_class);
}

static void
at_window_init (AtWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->history = g_ptr_array_new_with_free_func ((GDestroyNotify) at_history_item_free);
  self->settings = at_settings_new ();

  g_object_bind_property (self->brush_adjustment, "value", self->canvas, "brush-size",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);   /* [ and ] move the slider */
  g_object_bind_property (self->smooth_button, "active", self->preview, "smooth", G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->fit_button, "active", self->preview, "fit", G_BINDING_SYNC_CREATE);
  if (self->settings != NULL)
    g_settings_bind (self->settings, "smooth-preview", self->smooth_button, "active", G_SETTINGS_BIND_DEFAULT);
  GdkRGBA ink;
  at_sketch_canvas_get_color (self->canvas, &ink);
  gtk_color_chooser_set_rgba (GTK_COLOR_CHOOSER (self->color_button), &ink);
  g_signal_connect_swapped (self->color_button, "color-set", G_CALLBACK (on_color_set), self);
  g_signal_connect_swapped (self->eraser_button, "toggled", G_CALLBACK (on_tool_toggled), self);
  _at_window_generation_init (self);
  _at_window_sd_init (self);
  _at_window_prompt_init (self);
  _at_window_actions_init (self);
  _at_window_voice_init (self);
  _at_window_recording_init (self);
  _at_window_inpaint_init (self);
  _at_window_history_gallery_init (self);

  g_signal_connect_swapped (self->canvas, "changed", G_CALLBACK (_at_window_on_edit), self);
  g_signal_connect_swapped (gtk_text_view_get_buffer (self->prompt_view), "changed", G_CALLBACK (_at_window_on_edit), self);
  g_signal_connect_swapped (gtk_text_view_get_buffer (self->negative_view), "changed", G_CALLBACK (_at_window_on_edit), self);
  GtkSpinButton *spins[] = { self->steps_spin, self->guidance_spin, self->seed_spin, self->sketch_strength_spin,
                             self->count_spin, self->strength_spin };
  for (guint i = 0; i < G_N_ELEMENTS (spins); i++)
    g_signal_connect_swapped (spins[i], "value-changed", G_CALLBACK (_at_window_on_edit), self);
  g_signal_connect_swapped (self->sampler_row, "notify::selected", G_CALLBACK (_at_window_on_edit), self);

  /* the wheel scrolls the side panel, never a value under the pointer */
  at_wheel_guard_install (self->side_panel);
  /* the result keeps at least as much room as the sheet */
  at_pane_balance_install (self->work_paned);
  _at_window_shapes_init (self);
  _at_window_autosave_init (self);
  _at_window_new_project (self);
  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->canvas));
  _at_window_project_init (self);
  update_title (self);
  g_signal_connect (self, "notify::application", G_CALLBACK (on_application_set), NULL);
}

AtWindow *
at_window_new (AtApplication *app)
{
  return g_object_new (AT_TYPE_WINDOW, "application", app, NULL);
}
