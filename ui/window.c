/* window.c — the studio window; its layout lives in resources/ui/window.ui.
 *
 * The window owns the engine (created on a worker at start-up and kept
 * resident), the current generation's GCancellable, the results and the
 * history. Generation runs through at_engine_generate_async(): progress and
 * results arrive on the main loop; the main thread only builds requests
 * and shows images.
 */
#define G_LOG_DOMAIN "atelier-ui"

#include <math.h>

#include "atelier-config.h"
#include "audio/audio-file.h"
#include "engine.h"
#include "ui/image-util.h"
#include "ui/preview.h"
#include "ui/project.h"
#include "ui/settings.h"
#include "ui/sketch-canvas.h"
#include "ui/waveform.h"
#include "ui/window-private.h"

#define LIVE_DELAY_MS 600
#define MAX_RECENT 8
#define PROJECT_SUFFIX ".atelier"

struct _AtWindow {
  AdwApplicationWindow parent_instance;

  /* template children */
  AdwToastOverlay *toast_overlay;
  AdwWindowTitle *window_title;
  GtkToggleButton *live_button;
  GtkSpinner *busy_spinner;
  GtkStack *generate_stack;
  GtkRevealer *error_revealer;
  GtkLabel *error_label;
  GtkRevealer *progress_revealer;
  GtkProgressBar *progress_bar;
  GtkToggleButton *pen_button;
  GtkToggleButton *eraser_button;
  GtkAdjustment *brush_adjustment;
  GtkColorButton *color_button;
  AtSketchCanvas *canvas;
  GtkToggleButton *smooth_button;
  GtkToggleButton *fit_button;
  GtkStack *preview_stack;
  AtPreview *preview;
  GtkWidget *variants_scroller;
  GtkBox *variants_box;
  GtkTextView *prompt_view;
  GtkTextView *negative_view;
  AtWaveform *waveform;
  GtkLabel *voice_label;
  GtkWidget *voice_card;
  GtkSpinButton *steps_spin;
  GtkSpinButton *guidance_spin;
  GtkSpinButton *seed_spin;
  GtkToggleButton *seed_lock;
  AdwComboRow *sampler_row;
  GtkSpinButton *sketch_strength_spin;
  GtkSpinButton *count_spin;
  AdwActionRow *init_row;
  GtkSpinButton *strength_spin;
  GtkFlowBox *history_box;
  GMenu *recent_submenu;

  GSettings *settings;

  AtEngine *engine;
  GError *engine_error;
  gboolean engine_loading;
  gboolean generate_when_ready;
  gboolean reload_engine_after_run;

  GCancellable *cancellable;     /* the run on show; NULL when idle */
  guint runs_in_flight;
  AtRequest *run_request;        /* what the run on show was asked */
  guint live_timeout;

  GPtrArray *variants;           /* AtHistoryItem* of the last result */
  guint current_variant;
  char *current_parameters;      /* of the image on show */
  GPtrArray *history;            /* AtHistoryItem* */

  AtImage *init_image;
  AtAudio *voice;
  char *voice_name;

  GFile *file;
  gboolean dirty;
  gboolean applying;             /* filling controls: not an edit */
  gboolean close_confirmed;
  void (*after_save) (AtWindow *self);   /* what a confirmed save leads to */
  char *last_toast;
};

G_DEFINE_FINAL_TYPE (AtWindow, at_window, ADW_TYPE_APPLICATION_WINDOW)

static void start_generation (AtWindow *self);
static void load_engine (AtWindow *self);

/* --- small helpers ------------------------------------------------------- */

static void
show_toast (AtWindow *self, const char *message)
{
  g_free (self->last_toast);
  self->last_toast = g_strdup (message);
  AdwToast *toast = adw_toast_new (message);
  adw_toast_set_timeout (toast, 5);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static char *
text_view_get_text (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
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

static void
set_dirty (AtWindow *self, gboolean dirty)
{
  if (self->dirty == dirty)
    return;
  self->dirty = dirty;
  update_title (self);
}

static void
update_actions (AtWindow *self)
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
  gboolean busy = generating || self->engine_loading;
  gtk_spinner_set_spinning (self->busy_spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->busy_spinner), busy);
}

static void
show_engine_error (AtWindow *self, const GError *error)
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

/* --- the engine, loaded on a worker -------------------------------------- */

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

static void
engine_loaded (GObject *object, GAsyncResult *result, gpointer user_data)
{
  AtWindow *self = AT_WINDOW (object);
  self->engine_loading = FALSE;
  g_clear_error (&self->engine_error);
  self->engine = g_task_propagate_pointer (G_TASK (result), &self->engine_error);
  if (self->engine == NULL)
    {
      adw_window_title_set_subtitle (self->window_title, "Cannot generate");
      show_engine_error (self, self->engine_error);
      self->generate_when_ready = FALSE;
    }
  else
    {
      gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
      const AtGpuDeviceInfo *info = at_gpu_get_device_info (at_engine_get_gpu (self->engine));
      g_autofree char *subtitle = g_strdup_printf ("%s on %s", at_engine_get_model_name (self->engine), info->name);
      adw_window_title_set_subtitle (self->window_title, subtitle);
      if (self->generate_when_ready)
        {
          self->generate_when_ready = FALSE;
          start_generation (self);
        }
    }
  update_actions (self);
}

static void
load_engine (AtWindow *self)
{
  if (self->engine_loading)
    return;
  g_clear_pointer (&self->engine, at_engine_free);
  g_clear_error (&self->engine_error);
  self->engine_loading = TRUE;
  adw_window_title_set_subtitle (self->window_title, "Loading the model…");
  gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
  g_autofree char *device = self->settings != NULL ? g_settings_get_string (self->settings, "device") : NULL;
  /* the task's reference keeps the window, and so the engine slot, alive */
  g_autoptr (GTask) task = g_task_new (self, NULL, engine_loaded, NULL);
  g_task_set_source_tag (task, load_engine);
  g_task_set_task_data (task, g_steal_pointer (&device), g_free);
  g_task_run_in_thread (task, load_engine_thread);
  update_actions (self);
}

/* --- requests ------------------------------------------------------------ */

static int
native_size (AtWindow *self)
{
  return self->engine != NULL ? at_engine_get_native_size (self->engine) : 64;
}

AtRequest *
at_window_build_request (AtWindow *self)
{
  AtRequest *r = at_request_new ();
  g_autofree char *prompt = text_view_get_text (self->prompt_view);
  g_autofree char *negative = text_view_get_text (self->negative_view);
  r->prompt = g_strdup (g_strstrip (prompt));
  r->negative = *g_strstrip (negative) != '\0' ? g_strdup (negative) : NULL;
  r->size = native_size (self);
  if (!at_sketch_canvas_is_empty (self->canvas))
    r->sketch = at_sketch_canvas_render (self->canvas, r->size);
  if (self->voice != NULL)
    {
      r->voice = g_memdup2 (self->voice->samples, self->voice->n * sizeof (float));
      r->voice_len = self->voice->n;
      r->voice_rate = self->voice->rate;
    }
  if (self->init_image != NULL)
    {
      r->init = at_image_copy (self->init_image);
      r->strength = (float) gtk_spin_button_get_value (self->strength_spin);
    }
  r->steps = gtk_spin_button_get_value_as_int (self->steps_spin);
  r->guidance = (float) gtk_spin_button_get_value (self->guidance_spin);
  r->seed = (guint64) gtk_spin_button_get_value (self->seed_spin);
  r->sampler = (AtSamplerKind) MIN (adw_combo_row_get_selected (self->sampler_row), AT_N_SAMPLERS - 1);
  r->sketch_strength = (float) gtk_spin_button_get_value (self->sketch_strength_spin);
  r->count = gtk_spin_button_get_value_as_int (self->count_spin);
  /* previews cost a decode each: a few per run, not one per step */
  r->preview_every = MAX (1, r->steps / 4);
  return r;
}

/* Fills the parameter controls (not the inputs) from r. */
static void
params_to_ui (AtWindow *self, const AtRequest *r, gboolean with_prompts)
{
  self->applying = TRUE;
  if (with_prompts)
    {
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->prompt_view), r->prompt != NULL ? r->prompt : "", -1);
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->negative_view), r->negative != NULL ? r->negative : "", -1);
    }
  gtk_spin_button_set_value (self->steps_spin, r->steps);
  gtk_spin_button_set_value (self->guidance_spin, r->guidance);
  gtk_spin_button_set_value (self->seed_spin, (double) (r->seed & 0xffffffffu));
  adw_combo_row_set_selected (self->sampler_row, r->sampler);
  gtk_spin_button_set_value (self->sketch_strength_spin, r->sketch_strength);
  gtk_spin_button_set_value (self->count_spin, MAX (1, r->count));
  gtk_spin_button_set_value (self->strength_spin, r->strength);
  self->applying = FALSE;
}

/* --- showing results ----------------------------------------------------- */

static void
show_image (AtWindow *self, const AtImage *img, const char *parameters)
{
  at_preview_set_image (self->preview, img);
  gtk_stack_set_visible_child_name (self->preview_stack, img != NULL ? "image" : "empty");
  g_free (self->current_parameters);
  self->current_parameters = g_strdup (parameters);
  update_actions (self);
}

static GtkWidget *
thumbnail_button (const AtImage *img, const char *tooltip, int side)
{
  g_autoptr (GdkTexture) texture = at_texture_new_from_image (img);
  GtkWidget *picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (texture));
  gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
  gtk_widget_set_size_request (picture, side, side);
  GtkWidget *button = gtk_button_new ();
  gtk_button_set_child (GTK_BUTTON (button), picture);
  gtk_widget_add_css_class (button, "variant-button");
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  return button;
}

static void
select_variant (AtWindow *self, guint i)
{
  if (self->variants == NULL || i >= self->variants->len)
    return;
  self->current_variant = i;
  AtHistoryItem *item = g_ptr_array_index (self->variants, i);
  show_image (self, item->image, item->parameters);
  guint k = 0;
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->variants_box)); child != NULL;
       child = gtk_widget_get_next_sibling (child), k++)
    {
      if (k == i)
        gtk_widget_add_css_class (child, "current");
      else
        gtk_widget_remove_css_class (child, "current");
    }
}

static void
variant_clicked (GtkButton *button, AtWindow *self)
{
  select_variant (self, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "variant")));
}

static void
history_clicked (GtkButton *button, AtWindow *self)
{
  AtHistoryItem *item = g_object_get_data (G_OBJECT (button), "item");
  params_to_ui (self, item->request, TRUE);
  self->applying = TRUE;
  gtk_spin_button_set_value (self->seed_spin, (double) (item->seed & 0xffffffffu));
  gtk_spin_button_set_value (self->count_spin, 1);
  gtk_toggle_button_set_active (self->seed_lock, TRUE);
  self->applying = FALSE;
  show_image (self, item->image, item->parameters);
  show_toast (self, "Parameters restored; Generate makes this image again");
}

static void
add_history_button (AtWindow *self, AtHistoryItem *item)
{
  g_autofree char *tip = g_strdup_printf ("%s", item->parameters != NULL ? item->parameters : "");
  GtkWidget *button = thumbnail_button (item->image, tip, 56);
  g_object_set_data (G_OBJECT (button), "item", item);
  g_signal_connect (button, "clicked", G_CALLBACK (history_clicked), self);
  gtk_flow_box_insert (self->history_box, button, 0);
}

static void
clear_history_box (AtWindow *self)
{
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->history_box))) != NULL)
    gtk_flow_box_remove (self->history_box, child);
}

static void
set_variants (AtWindow *self, GPtrArray *variants)
{
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->variants_box))) != NULL)
    gtk_box_remove (self->variants_box, child);
  g_clear_pointer (&self->variants, g_ptr_array_unref);
  self->variants = variants;
  if (variants == NULL)
    {
      gtk_widget_set_visible (self->variants_scroller, FALSE);
      return;
    }
  for (guint i = 0; i < variants->len; i++)
    {
      AtHistoryItem *item = g_ptr_array_index (variants, i);
      g_autofree char *tip = g_strdup_printf ("Variant %u (seed %" G_GUINT64_FORMAT ")", i + 1, item->seed);
      GtkWidget *button = thumbnail_button (item->image, tip, 48);
      g_object_set_data (G_OBJECT (button), "variant", GUINT_TO_POINTER (i));
      g_signal_connect (button, "clicked", G_CALLBACK (variant_clicked), self);
      gtk_box_append (self->variants_box, button);
    }
  gtk_widget_set_visible (self->variants_scroller, variants->len > 1);
  select_variant (self, 0);
}

/* --- generation ---------------------------------------------------------- */

typedef struct {
  AtWindow *self;          /* a reference */
  GCancellable *cancellable;
} RunData;

static void
run_data_free (RunData *run)
{
  g_object_unref (run->self);
  g_object_unref (run->cancellable);
  g_free (run);
}

static void
on_progress (const AtProgress *progress, gpointer user_data)
{
  RunData *run = user_data;
  AtWindow *self = run->self;
  if (run->cancellable != self->cancellable)
    return;   /* a stale run still finishing */
  double total = MAX (1, progress->n_variants * progress->n_steps);
  double done = progress->variant * progress->n_steps + progress->step;
  gtk_progress_bar_set_fraction (self->progress_bar, done / total);
  g_autofree char *left = progress->remaining_ms >= 0 && progress->step > 0
                            ? g_strdup_printf (" · about %.0f s left", ceil (progress->remaining_ms / 1000.0))
                            : g_strdup ("");
  g_autofree char *text = progress->n_variants > 1
                            ? g_strdup_printf ("Variant %d of %d · step %d of %d%s", progress->variant + 1,
                                               progress->n_variants, progress->step, progress->n_steps, left)
                            : g_strdup_printf ("Step %d of %d%s", progress->step, progress->n_steps, left);
  gtk_progress_bar_set_text (self->progress_bar, text);
  if (progress->preview != NULL)
    {
      /* an unfinished image: nothing to export or iterate on until done */
      show_image (self, progress->preview, NULL);
    }
}

static void
generation_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  RunData *run = user_data;
  AtWindow *self = run->self;
  g_autoptr (GError) error = NULL;
  g_autoptr (AtResult) res = at_engine_generate_finish (self->engine, result, &error);
  self->runs_in_flight--;
  gboolean current = run->cancellable == self->cancellable;
  if (current)
    {
      g_clear_object (&self->cancellable);
      gtk_revealer_set_reveal_child (self->progress_revealer, FALSE);
      if (res != NULL)
        {
          GPtrArray *variants = g_ptr_array_new_with_free_func ((GDestroyNotify) at_history_item_free);
          for (guint i = 0; i < res->images->len; i++)
            {
              guint64 seed = g_array_index (res->seeds, guint64, i);
              const char *params = g_ptr_array_index (res->parameters, i);
              g_ptr_array_add (variants, at_history_item_new (g_ptr_array_index (res->images, i), params,
                                                              self->run_request, seed));
              AtHistoryItem *item = at_history_item_new (g_ptr_array_index (res->images, i), params,
                                                         self->run_request, seed);
              g_ptr_array_add (self->history, item);
              add_history_button (self, item);
            }
          set_variants (self, variants);
          set_dirty (self, TRUE);
        }
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          /* an interrupted run leaves the last finished image on show */
          if (self->variants != NULL)
            select_variant (self, self->current_variant);
          else
            show_image (self, NULL, NULL);
        }
      else
        show_toast (self, error->message);
    }
  if (self->runs_in_flight == 0 && self->reload_engine_after_run)
    {
      self->reload_engine_after_run = FALSE;
      load_engine (self);
    }
  update_actions (self);
  run_data_free (run);
}

static void
start_generation (AtWindow *self)
{
  g_autoptr (AtRequest) request = at_window_build_request (self);
  if (!at_request_has_input (request))
    {
      show_toast (self, "Nothing to generate from: draw a sketch, type a prompt or load a voice clip");
      return;
    }
  g_autoptr (GError) error = NULL;
  if (!at_request_validate (request, &error))
    {
      show_toast (self, error->message);
      return;
    }
  if (self->engine == NULL)
    {
      if (self->engine_loading)
        {
          self->generate_when_ready = TRUE;
          show_toast (self, "The model is still loading; generation starts when it is ready");
        }
      else
        {
          show_toast (self, "No engine to generate with; see the message at the top");
          if (self->engine_error != NULL)
            show_engine_error (self, self->engine_error);
        }
      return;
    }
  /* a newer request makes the one in flight stale: it stops within a step */
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_clear_pointer (&self->run_request, at_request_free);
  self->run_request = g_steal_pointer (&request);

  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_progress_bar_set_text (self->progress_bar, "Preparing…");
  gtk_revealer_set_reveal_child (self->progress_revealer, TRUE);

  RunData *progress_run = g_new0 (RunData, 1);
  progress_run->self = g_object_ref (self);
  progress_run->cancellable = g_object_ref (self->cancellable);
  RunData *done_run = g_new0 (RunData, 1);
  done_run->self = g_object_ref (self);
  done_run->cancellable = g_object_ref (self->cancellable);
  self->runs_in_flight++;
  at_engine_generate_async (self->engine, self->run_request, on_progress, progress_run,
                            (GDestroyNotify) run_data_free, self->cancellable, generation_done, done_run);
  update_actions (self);
}

static void
live_fire (gpointer user_data)
{
  AtWindow *self = user_data;
  self->live_timeout = 0;
  g_autoptr (AtRequest) request = at_window_build_request (self);
  if (at_request_has_input (request))   /* live mode never nags */
    start_generation (self);
}

static void
schedule_live (AtWindow *self)
{
  if (!gtk_toggle_button_get_active (self->live_button))
    return;
  g_clear_handle_id (&self->live_timeout, g_source_remove);
  self->live_timeout = g_timeout_add_once (LIVE_DELAY_MS, live_fire, self);
}

static void
on_edit (AtWindow *self)
{
  if (self->applying)
    return;
  set_dirty (self, TRUE);
  update_actions (self);
  schedule_live (self);
}

/* --- projects ------------------------------------------------------------ */

static AtProject *
collect_project (AtWindow *self)
{
  AtProject *p = at_project_new ();
  AtStrokeList *strokes = at_sketch_canvas_get_strokes (self->canvas);
  for (guint i = 0; i < at_stroke_list_get_n_strokes (strokes); i++)
    at_stroke_list_append (p->strokes, at_stroke_list_get_stroke (strokes, i));
  const AtImage *img = at_sketch_canvas_get_sketch_image (self->canvas);
  p->sketch_image = img != NULL ? at_image_copy (img) : NULL;
  img = at_sketch_canvas_get_underlay (self->canvas);
  p->underlay = img != NULL ? at_image_copy (img) : NULL;
  at_request_free (p->params);
  g_autoptr (AtRequest) r = at_window_build_request (self);
  p->params = at_request_copy (r);
  p->seed_locked = gtk_toggle_button_get_active (self->seed_lock);
  if (self->voice != NULL)
    {
      p->voice = at_audio_new_from (self->voice->samples, self->voice->n, self->voice->rate);
      p->voice_name = g_strdup (self->voice_name);
    }
  for (guint i = 0; i < self->history->len; i++)
    {
      AtHistoryItem *h = g_ptr_array_index (self->history, i);
      AtHistoryItem *copy = at_history_item_new (h->image, h->parameters, h->request, h->seed);
      copy->created = h->created;
      g_ptr_array_add (p->history, copy);
    }
  return p;
}

static void
set_voice (AtWindow *self, AtAudio *voice, const char *name)
{
  g_clear_pointer (&self->voice, at_audio_free);
  g_clear_pointer (&self->voice_name, g_free);
  self->voice = voice;
  self->voice_name = g_strdup (name);
  at_waveform_set_audio (self->waveform, voice);
  if (voice != NULL)
    {
      double secs = at_audio_get_duration (voice);
      g_autofree char *text = g_strdup_printf ("%s · %d:%04.1f", name != NULL && *name ? name : "Voice clip",
                                               (int) (secs / 60), fmod (secs, 60));
      gtk_label_set_text (self->voice_label, text);
    }
  else
    gtk_label_set_text (self->voice_label, "No voice clip: drop an audio file here");
}

static void
set_init_image (AtWindow *self, const AtImage *img)
{
  g_clear_pointer (&self->init_image, at_image_free);
  if (img != NULL)
    self->init_image = at_image_copy (img);
  adw_action_row_set_subtitle (self->init_row, img != NULL ? "The last result: the next image starts from it"
                                                           : "None: generating from noise");
  gtk_widget_set_sensitive (GTK_WIDGET (self->strength_spin), img != NULL);
}

static void
apply_project (AtWindow *self, AtProject *p)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  self->applying = TRUE;
  at_sketch_canvas_set_strokes (self->canvas, g_steal_pointer (&p->strokes));
  p->strokes = at_stroke_list_new ();
  at_sketch_canvas_set_sketch_image (self->canvas, p->sketch_image);
  at_sketch_canvas_set_underlay (self->canvas, p->underlay);
  self->applying = FALSE;
  params_to_ui (self, p->params, TRUE);
  self->applying = TRUE;
  gtk_toggle_button_set_active (self->seed_lock, p->seed_locked);
  set_voice (self, g_steal_pointer (&p->voice), p->voice_name);
  set_init_image (self, NULL);
  clear_history_box (self);
  g_ptr_array_set_size (self->history, 0);
  for (guint i = 0; i < p->history->len; i++)
    {
      AtHistoryItem *item = g_ptr_array_index (p->history, i);
      AtHistoryItem *copy = at_history_item_new (item->image, item->parameters, item->request, item->seed);
      copy->created = item->created;
      g_ptr_array_add (self->history, copy);
      add_history_button (self, copy);
    }
  set_variants (self, NULL);
  if (self->history->len > 0)
    {
      AtHistoryItem *last = g_ptr_array_index (self->history, self->history->len - 1);
      show_image (self, last->image, last->parameters);
    }
  else
    show_image (self, NULL, NULL);
  self->applying = FALSE;
  update_actions (self);
}

static void
remember_recent (AtWindow *self, GFile *file)
{
  if (self->settings == NULL)
    return;
  g_autofree char *path = g_file_get_path (file);
  if (path == NULL)
    return;
  g_auto (GStrv) old = g_settings_get_strv (self->settings, "recent-projects");
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_strv_builder_add (builder, path);
  guint n = 1;
  for (guint i = 0; old[i] != NULL && n < MAX_RECENT; i++)
    if (g_strcmp0 (old[i], path) != 0)
      g_strv_builder_add (builder, old[i]), n++;
  g_auto (GStrv) recent = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "recent-projects", (const char *const *) recent);
}

static void
rebuild_recent_menu (AtWindow *self)
{
  if (self->recent_submenu == NULL)
    return;
  g_menu_remove_all (self->recent_submenu);
  if (self->settings == NULL)
    return;
  g_auto (GStrv) recent = g_settings_get_strv (self->settings, "recent-projects");
  for (guint i = 0; recent[i] != NULL; i++)
    {
      g_autofree char *base = g_path_get_basename (recent[i]);
      g_autoptr (GMenuItem) item = g_menu_item_new (base, NULL);
      g_menu_item_set_action_and_target_value (item, "win.open-recent", g_variant_new_string (recent[i]));
      g_menu_append_item (self->recent_submenu, item);
    }
}

gboolean
at_window_save_to (AtWindow *self, GFile *file, GError **error)
{
  g_return_val_if_fail (AT_IS_WINDOW (self), FALSE);
  g_autoptr (AtProject) p = collect_project (self);
  if (!at_project_save (p, file, error))
    return FALSE;
  if (self->file != file)
    {
      g_clear_object (&self->file);
      self->file = g_object_ref (file);
    }
  self->dirty = TRUE;
  set_dirty (self, FALSE);
  remember_recent (self, file);
  return TRUE;
}

gboolean
at_window_open_file (AtWindow *self, GFile *file, GError **error)
{
  g_return_val_if_fail (AT_IS_WINDOW (self), FALSE);
  g_autoptr (AtProject) p = at_project_load (file, error);
  if (p == NULL)
    return FALSE;
  apply_project (self, p);
  g_clear_object (&self->file);
  self->file = g_object_ref (file);
  self->dirty = TRUE;
  set_dirty (self, FALSE);
  remember_recent (self, file);
  return TRUE;
}

void
at_window_open (AtWindow *self, GFile *file)
{
  g_return_if_fail (AT_IS_WINDOW (self));
  g_autoptr (GError) error = NULL;
  if (!at_window_open_file (self, file, &error))
    show_toast (self, error->message);
}

gboolean
at_window_export_png (AtWindow *self, GFile *file, int scale, GError **error)
{
  g_return_val_if_fail (AT_IS_WINDOW (self), FALSE);
  const AtImage *img = at_preview_get_image (self->preview);
  if (img == NULL || self->current_parameters == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "There is no finished image to export yet; generate one first");
      return FALSE;
    }
  g_autofree char *path = g_file_get_path (file);
  if (path == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "Images can only be exported to local folders");
      return FALSE;
    }
  scale = CLAMP (scale, 1, 8);
  /* crisp upscaling: the model's pixels stay square blocks */
  g_autoptr (AtImage) out = scale > 1 ? at_image_resize (img, img->width * scale, img->height * scale, AT_IMAGE_FILTER_NEAREST)
                                      : at_image_copy (img);
  const char *keys[] = { "parameters", "Software", NULL };
  const char *values[] = { self->current_parameters, "Atelier " AT_VERSION, NULL };
  return at_image_save_png (out, path, keys, values, error);
}

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
  g_autoptr (GError) error = NULL;
  if (!at_window_save_to (self, target, &error))
    show_toast (self, error->message);
  else
    run_after_save (self);
}

static void
open_chosen (AtWindow *self, GtkFileChooser *chooser, GFile *file)
{
  at_window_open (self, file);
}

static void
export_chosen (AtWindow *self, GtkFileChooser *chooser, GFile *file)
{
  const char *choice = gtk_file_chooser_get_choice (chooser, "scale");
  int scale = choice != NULL ? atoi (choice) : 1;
  if (self->settings != NULL)
    g_settings_set_int (self->settings, "export-scale", CLAMP (scale, 1, 8));
  g_autoptr (GError) error = NULL;
  if (!at_window_export_png (self, file, scale, &error))
    show_toast (self, error->message);
  else
    {
      g_autofree char *base = g_file_get_basename (file);
      g_autofree char *msg = g_strdup_printf ("Exported “%s”", base);
      show_toast (self, msg);
    }
}

static void
import_chosen (AtWindow *self, GtkFileChooser *chooser, GFile *file, gboolean underlay)
{
  g_autoptr (GError) error = NULL;
  if (!at_sketch_canvas_import (self->canvas, file, underlay, &error))
    {
      g_autofree char *msg = g_strdup_printf ("Could not import the image: %s", error->message);
      show_toast (self, msg);
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

typedef struct {
  AtAudio *audio;
  char *name;
} VoiceLoad;

static void
voice_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;
  AtAudio *audio = at_audio_load (task_data, &error);
  if (audio == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, audio, (GDestroyNotify) at_audio_free);
}

static void
voice_loaded (GObject *object, GAsyncResult *result, gpointer user_data)
{
  AtWindow *self = AT_WINDOW (object);
  g_autoptr (GError) error = NULL;
  AtAudio *audio = g_task_propagate_pointer (G_TASK (result), &error);
  if (audio == NULL)
    {
      g_autofree char *msg = g_strdup_printf ("Could not load the voice clip: %s", error->message);
      show_toast (self, msg);
      return;
    }
  g_autofree char *name = g_path_get_basename (g_task_get_task_data (G_TASK (result)));
  set_voice (self, audio, name);
  on_edit (self);
}

void
at_window_load_voice (AtWindow *self, GFile *file)
{
  g_return_if_fail (AT_IS_WINDOW (self));
  g_autofree char *path = g_file_get_path (file);
  if (path == NULL)
    {
      show_toast (self, "Voice clips can only be loaded from local folders");
      return;
    }
  g_autoptr (GTask) task = g_task_new (self, NULL, voice_loaded, NULL);
  g_task_set_source_tag (task, at_window_load_voice);
  g_task_set_task_data (task, g_steal_pointer (&path), g_free);
  g_task_run_in_thread (task, voice_thread);
}

static gboolean
voice_dropped (GtkDropTarget *target, const GValue *value, double x, double y, AtWindow *self)
{
  GSList *files = G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST) ? gdk_file_list_get_files (g_value_get_boxed (value)) : NULL;
  if (files == NULL)
    return FALSE;
  at_window_load_voice (self, files->data);
  g_slist_free (files);
  return TRUE;
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
    {
      save_as (self);
      return;
    }
  g_autoptr (GError) error = NULL;
  if (!at_window_save_to (self, self->file, &error))
    show_toast (self, error->message);
  else
    run_after_save (self);
}

static void
new_project (AtWindow *self)
{
  g_autoptr (AtProject) p = at_project_new ();
  if (self->settings != NULL)
    {
      p->params->steps = g_settings_get_int (self->settings, "default-steps");
      g_autofree char *sampler = g_settings_get_string (self->settings, "default-sampler");
      AtSamplerKind kind;
      if (at_sampler_kind_from_string (sampler, &kind))
        p->params->sampler = kind;
    }
  p->params->seed &= 0xffffffffu;
  apply_project (self, p);
  g_clear_object (&self->file);
  self->dirty = TRUE;
  set_dirty (self, FALSE);
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
confirm_discard (AtWindow *self, void (*then) (AtWindow *))
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
      if (!gtk_toggle_button_get_active (self->seed_lock))
        {
          self->applying = TRUE;
          gtk_spin_button_set_value (self->seed_spin, g_random_int ());
          self->applying = FALSE;
        }
      start_generation (self);
    }
  else if (g_str_equal (name, "win.cancel"))
    {
      g_clear_handle_id (&self->live_timeout, g_source_remove);
      if (self->cancellable != NULL)
        g_cancellable_cancel (self->cancellable);
    }
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
    confirm_discard (self, new_project);
  else if (g_str_equal (name, "win.open"))
    confirm_discard (self, show_open_dialog);
  else if (g_str_equal (name, "win.open-recent"))
    {
      g_autoptr (GFile) file = g_file_new_for_path (g_variant_get_string (param, NULL));
      g_object_set_data_full (G_OBJECT (self), "recent-file", g_object_ref (file), g_object_unref);
      if (!self->dirty)
        at_window_open (self, file);
      else
        show_toast (self, "Save or discard this project's changes first (New Project), then open the recent one");
    }
  else if (g_str_equal (name, "win.save"))
    save (self);
  else if (g_str_equal (name, "win.save-as"))
    save_as (self);
  else if (g_str_equal (name, "win.export"))
    {
      GtkFileChooserNative *dialog = make_chooser (self, "Export Image", GTK_FILE_CHOOSER_ACTION_SAVE, "_Export", export_chosen);
      add_filter (dialog, "PNG images", (const char *const[]) { "*.png", NULL });
      const char *ids[] = { "1", "2", "4", "8", NULL };
      const char *labels[] = { "Native size", "2× (crisp)", "4× (crisp)", "8× (crisp)", NULL };
      gtk_file_chooser_add_choice (GTK_FILE_CHOOSER (dialog), "scale", "Size", ids, labels);
      int scale = self->settings != NULL ? g_settings_get_int (self->settings, "export-scale") : 1;
      g_autofree char *scale_id = g_strdup_printf ("%d", scale == 2 || scale == 4 || scale == 8 ? scale : 1);
      gtk_file_chooser_set_choice (GTK_FILE_CHOOSER (dialog), "scale", scale_id);
      g_autofree char *folder = self->settings != NULL ? g_settings_get_string (self->settings, "export-folder") : NULL;
      if (folder == NULL || *folder == '\0')
        {
          g_free (folder);
          folder = g_strdup (g_get_user_special_dir (G_USER_DIRECTORY_PICTURES));
        }
      if (folder != NULL && g_file_test (folder, G_FILE_TEST_IS_DIR))
        {
          g_autoptr (GFile) dir = g_file_new_for_path (folder);
          gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (dialog), dir, NULL);
        }
      guint64 seed = self->variants != NULL
                       ? ((AtHistoryItem *) g_ptr_array_index (self->variants, self->current_variant))->seed
                       : (guint64) gtk_spin_button_get_value (self->seed_spin);
      g_autofree char *name_hint = g_strdup_printf ("atelier-%" G_GUINT64_FORMAT ".png", seed);
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name_hint);
      gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
    }
  else if (g_str_equal (name, "win.use-as-sketch"))
    {
      const AtImage *img = at_preview_get_image (self->preview);
      if (img != NULL)
        {
          g_autoptr (AtImage) gray = at_image_to_gray (img);
          at_sketch_canvas_clear (self->canvas);
          at_sketch_canvas_set_sketch_image (self->canvas, gray);
        }
    }
  else if (g_str_equal (name, "win.use-as-init"))
    {
      set_init_image (self, at_preview_get_image (self->preview));
      on_edit (self);
    }
  else if (g_str_equal (name, "win.clear-init"))
    {
      set_init_image (self, NULL);
      on_edit (self);
    }
  else if (g_str_equal (name, "win.load-voice"))
    {
      GtkFileChooserNative *dialog = make_chooser (self, "Load Voice Prompt", GTK_FILE_CHOOSER_ACTION_OPEN, "_Load", voice_chosen);
      add_filter (dialog, "Audio files", audio_patterns);
      gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
    }
  else if (g_str_equal (name, "win.clear-voice"))
    {
      set_voice (self, NULL, NULL);
      on_edit (self);
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
    show_toast (self, g_variant_get_string (param, NULL));
  else if (g_str_equal (name, "win.retry-engine"))
    load_engine (self);
}

static gboolean
on_close_request (GtkWindow *window)
{
  AtWindow *self = AT_WINDOW (window);
  if (self->close_confirmed || !self->dirty)
    {
      if (self->cancellable != NULL)
        g_cancellable_cancel (self->cancellable);
      return FALSE;
    }
  confirm_discard (self, really_close);
  return TRUE;
}

static void
on_settings_changed (GSettings *settings, const char *key, AtWindow *self)
{
  if (g_str_equal (key, "recent-projects"))
    rebuild_recent_menu (self);
  else if (g_str_equal (key, "device"))
    {
      if (self->runs_in_flight > 0 || self->engine_loading)
        self->reload_engine_after_run = TRUE;
      else
        load_engine (self);
    }
}

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

static void
on_live_toggled (AtWindow *self)
{
  if (gtk_toggle_button_get_active (self->live_button))
    schedule_live (self);
  else
    g_clear_handle_id (&self->live_timeout, g_source_remove);
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
at_window_get_voice_label (AtWindow *self)
{
  return gtk_label_get_text (self->voice_label);
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
  g_clear_handle_id (&self->live_timeout, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), AT_TYPE_WINDOW);
  G_OBJECT_CLASS (at_window_parent_class)->dispose (object);
}

static void
at_window_finalize (GObject *object)
{
  AtWindow *self = AT_WINDOW (object);
  /* runs hold a reference, so no generation uses the engine any more */
  g_clear_pointer (&self->engine, at_engine_free);
  g_clear_error (&self->engine_error);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  g_clear_object (&self->file);
  g_clear_pointer (&self->run_request, at_request_free);
  g_clear_pointer (&self->variants, g_ptr_array_unref);
  g_clear_pointer (&self->history, g_ptr_array_unref);
  g_clear_pointer (&self->init_image, at_image_free);
  g_clear_pointer (&self->voice, at_audio_free);
  g_free (self->voice_name);
  g_free (self->current_parameters);
  g_free (self->last_toast);
  G_OBJECT_CLASS (at_window_parent_class)->finalize (object);
}

static void
at_window_class_init (AtWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = at_window_dispose;
  object_class->finalize = at_window_finalize;
  window_class->close_request = on_close_request;

  g_type_ensure (AT_TYPE_SKETCH_CANVAS);
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
  gtk_widget_class_bind_template_child (widget_class, AtWindow, smooth_button);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, fit_button);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, preview_stack);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, preview);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, variants_scroller);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, variants_box);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, prompt_view);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, negative_view);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, waveform);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, voice_label);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, voice_card);
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
  gtk_widget_class_bind_template_child (widget_class, AtWindow, recent_submenu);

  static const char *const actions[] = {
    "win.generate", "win.cancel", "win.undo", "win.redo", "win.clear-sketch", "win.pen", "win.eraser",
    "win.toggle-live", "win.new", "win.open", "win.save", "win.save-as", "win.export",
    "win.use-as-sketch", "win.use-as-init", "win.clear-init", "win.load-voice", "win.clear-voice",
    "win.randomize-seed", "win.import-sketch", "win.import-underlay", "win.clear-underlay",
    "win.retry-engine",
  };
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    gtk_widget_class_install_action (widget_class, actions[i], NULL, window_action);
  gtk_widget_class_install_action (widget_class, "win.open-recent", "s", window_action);
  gtk_widget_class_install_action (widget_class, "win.show-toast", "s", window_action);

  /* Bindings, not application accelerators: they run after the focused
   * widget, so Ctrl+Z in a prompt undoes typing, not a stroke. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.cancel", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "win.undo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Z, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK, "win.toggle-live", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.new", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "win.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.save-as", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_S, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.save-as", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "win.export", NULL);
}

static void
sketch_shortcuts (AtWindow *self)
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

static void
at_window_init (AtWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->history = g_ptr_array_new_with_free_func ((GDestroyNotify) at_history_item_free);
  self->settings = at_settings_new ();

  g_object_bind_property (self->brush_adjustment, "value", self->canvas, "brush-size", G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->smooth_button, "active", self->preview, "smooth", G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->fit_button, "active", self->preview, "fit", G_BINDING_SYNC_CREATE);
  if (self->settings != NULL)
    {
      g_settings_bind (self->settings, "smooth-preview", self->smooth_button, "active", G_SETTINGS_BIND_DEFAULT);
      g_signal_connect (self->settings, "changed", G_CALLBACK (on_settings_changed), self);
    }
  GdkRGBA ink;
  at_sketch_canvas_get_color (self->canvas, &ink);
  gtk_color_chooser_set_rgba (GTK_COLOR_CHOOSER (self->color_button), &ink);
  g_signal_connect_swapped (self->color_button, "color-set", G_CALLBACK (on_color_set), self);
  g_signal_connect_swapped (self->eraser_button, "toggled", G_CALLBACK (on_tool_toggled), self);
  g_signal_connect_swapped (self->live_button, "toggled", G_CALLBACK (on_live_toggled), self);
  sketch_shortcuts (self);
  GtkDropTarget *drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (voice_dropped), self);
  gtk_widget_add_controller (self->voice_card, GTK_EVENT_CONTROLLER (drop));

  g_signal_connect_swapped (self->canvas, "changed", G_CALLBACK (on_edit), self);
  g_signal_connect_swapped (gtk_text_view_get_buffer (self->prompt_view), "changed", G_CALLBACK (on_edit), self);
  g_signal_connect_swapped (gtk_text_view_get_buffer (self->negative_view), "changed", G_CALLBACK (on_edit), self);
  GtkSpinButton *spins[] = { self->steps_spin, self->guidance_spin, self->seed_spin, self->sketch_strength_spin,
                             self->count_spin, self->strength_spin };
  for (guint i = 0; i < G_N_ELEMENTS (spins); i++)
    g_signal_connect_swapped (spins[i], "value-changed", G_CALLBACK (on_edit), self);
  g_signal_connect_swapped (self->sampler_row, "notify::selected", G_CALLBACK (on_edit), self);

  new_project (self);
  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->canvas));
  rebuild_recent_menu (self);
  update_title (self);
  load_engine (self);
}

AtWindow *
at_window_new (AtApplication *app)
{
  return g_object_new (AT_TYPE_WINDOW, "application", app, NULL);
}
