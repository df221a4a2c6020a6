/* window.c — the studio window; its layout lives in resources/ui/window.ui,
 * its actions and shortcuts in window-actions.c.
 *
 * The window borrows the application's engine (loaded once, on a worker)
 * and owns the current generation's GCancellable, the results and the
 * history. Generation runs through at_engine_generate_async(): progress and
 * results arrive on the main loop; the main thread only builds requests
 * and shows images.
 *
 * The voice card records from the default microphone through an AtRecorder
 * (GStreamer; $ATELIER_RECORD_SOURCE replaces the microphone with any
 * gst-launch source description, e.g. "filesrc location=x.wav ! decodebin",
 * which is how the tests record). While it records, the waveform grows
 * from the recorder's samples, and a level meter, the time and live
 * captions (AtLiveCaptions, decoding on its own thread) show in the card;
 * the finished clip becomes the voice prompt like a loaded one.
 */
#define G_LOG_DOMAIN "atelier-ui"

#include <math.h>
#include <string.h>

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
#define NO_MICROPHONE_TIP "No microphone found: connect one, or load or drop an audio file"
/* Captions keep the newest words: about two lines of the voice card. */
#define CAPTION_CHARS 90
/* The level meter spans -60 to 0 dBFS: quieter is silence for speech. */
#define LEVEL_RANGE_DB 60.0


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

void
_at_window_set_dirty (AtWindow *self, gboolean dirty)
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
engine_loaded (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (AtWindow) self = user_data;
  self->engine_loading = FALSE;
  g_clear_error (&self->engine_error);
  self->engine = at_application_get_engine_finish (AT_APPLICATION (object), result, &self->engine_error);
  if (self->disposed)
    return;
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
          _at_window_start_generation (self);
        }
    }
  update_actions (self);
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
  update_actions (self);
}

static void
on_engine_changed (AtWindow *self)
{
  self->engine = NULL;
  _at_window_load_engine (self);
}

/* --- requests ------------------------------------------------------------ */

static int
native_size (AtWindow *self)
{
  return self->engine != NULL ? at_engine_get_native_size (self->engine) : 64;
}

/* The controls as they are: what a project saves. */
static AtRequest *
build_controls_request (AtWindow *self)
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

AtRequest *
at_window_build_request (AtWindow *self)
{
  AtRequest *r = build_controls_request (self);
  /* the transcript joins the prompt; voice cues may adjust guidance and steps */
  at_voice_panel_apply_to_request (self->voice_panel, r);
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
  _at_window_show_toast (self, "Parameters restored; Generate makes this image again");
}

void
at_window_activate_history (AtWindow *self, guint i)
{
  g_return_if_fail (AT_IS_WINDOW (self));
  g_return_if_fail (i < self->history->len);
  /* the gallery shows the newest first */
  GtkFlowBoxChild *child = gtk_flow_box_get_child_at_index (self->history_box, self->history->len - 1 - i);
  g_return_if_fail (child != NULL);
  g_signal_emit_by_name (gtk_flow_box_child_get_child (child), "clicked");
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
  AtEngine *engine;        /* held from the application while it runs */
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
  if (self->disposed || run->cancellable != self->cancellable)
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
  g_autoptr (AtResult) res = at_engine_generate_finish (run->engine, result, &error);
  self->runs_in_flight--;
  at_application_release_engine (self->app, run->engine);
  if (self->disposed)
    {
      run_data_free (run);
      return;
    }
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
          _at_window_set_dirty (self, TRUE);
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
        _at_window_show_toast (self, error->message);
    }
  update_actions (self);
  run_data_free (run);
}

void
_at_window_start_generation (AtWindow *self)
{
  g_autoptr (AtRequest) request = at_window_build_request (self);
  if (!at_request_has_input (request))
    {
      _at_window_show_toast (self, "Nothing to generate from: draw a sketch, type a prompt or load a voice clip");
      return;
    }
  g_autoptr (GError) error = NULL;
  if (!at_request_validate (request, &error))
    {
      _at_window_show_toast (self, error->message);
      return;
    }
  if (self->engine == NULL)
    {
      if (self->engine_loading)
        {
          self->generate_when_ready = TRUE;
          _at_window_show_toast (self, "The model is still loading; generation starts when it is ready");
        }
      else
        {
          _at_window_show_toast (self, "No engine to generate with; see the message at the top");
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
  done_run->engine = self->engine;
  at_application_hold_engine (self->app, self->engine);
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
    _at_window_start_generation (self);
}

static void
schedule_live (AtWindow *self)
{
  if (!gtk_toggle_button_get_active (self->live_button))
    return;
  g_clear_handle_id (&self->live_timeout, g_source_remove);
  self->live_timeout = g_timeout_add_once (LIVE_DELAY_MS, live_fire, self);
}

void
_at_window_on_edit (AtWindow *self)
{
  if (self->applying)
    return;
  _at_window_set_dirty (self, TRUE);
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
  g_autoptr (AtRequest) r = build_controls_request (self);
  p->params = at_request_copy (r);
  p->seed_locked = gtk_toggle_button_get_active (self->seed_lock);
  if (self->voice != NULL)
    {
      p->voice = at_audio_new_from (self->voice->samples, self->voice->n, self->voice->rate);
      p->voice_name = g_strdup (self->voice_name);
    }
  at_voice_panel_get_settings (self->voice_panel, &p->voice_settings);
  for (guint i = 0; i < self->history->len; i++)
    {
      AtHistoryItem *h = g_ptr_array_index (self->history, i);
      AtHistoryItem *copy = at_history_item_new (h->image, h->parameters, h->request, h->seed);
      copy->created = h->created;
      g_ptr_array_add (p->history, copy);
    }
  return p;
}

/* The waveform and the line under it show the voice clip, or invite one. */
static void
show_voice (AtWindow *self)
{
  at_waveform_set_audio (self->waveform, self->voice);
  if (self->voice != NULL)
    {
      double secs = at_audio_get_duration (self->voice);
      const char *name = self->voice_name != NULL && *self->voice_name ? self->voice_name : "Voice clip";
      g_autofree char *text = g_strdup_printf ("%s · %d:%04.1f", name, (int) (secs / 60), fmod (secs, 60));
      gtk_label_set_text (self->voice_label, text);
    }
  else
    gtk_label_set_text (self->voice_label, "No voice clip: drop an audio file here");
}

void
_at_window_set_voice (AtWindow *self, AtAudio *voice, const char *name)
{
  g_clear_pointer (&self->voice, at_audio_free);
  g_clear_pointer (&self->voice_name, g_free);
  self->voice = voice;
  self->voice_name = g_strdup (name);
  show_voice (self);
  at_voice_panel_set_voice (self->voice_panel, voice);
}

void
_at_window_set_init_image (AtWindow *self, const AtImage *img)
{
  g_clear_pointer (&self->init_image, at_image_free);
  if (img != NULL)
    self->init_image = at_image_copy (img);
  adw_action_row_set_subtitle (self->init_row, img != NULL ? "The last result: the next image starts from it"
                                                           : "None: generating from noise");
  gtk_widget_set_sensitive (GTK_WIDGET (self->strength_spin), img != NULL);
}

void
_at_window_apply_project (AtWindow *self, AtProject *p)
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
  _at_window_set_voice (self, g_steal_pointer (&p->voice), p->voice_name);
  at_voice_panel_set_settings (self->voice_panel, &p->voice_settings);
  _at_window_set_init_image (self, NULL);
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
  _at_window_set_dirty (self, FALSE);
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
  _at_window_apply_project (self, p);
  g_clear_object (&self->file);
  self->file = g_object_ref (file);
  self->dirty = TRUE;
  _at_window_set_dirty (self, FALSE);
  remember_recent (self, file);
  return TRUE;
}

void
at_window_open (AtWindow *self, GFile *file)
{
  g_return_if_fail (AT_IS_WINDOW (self));
  g_autoptr (GError) error = NULL;
  if (!at_window_open_file (self, file, &error))
    _at_window_show_toast (self, error->message);
}

/* Thread-safe: touches no widget. */
static gboolean
write_png (const AtImage *img, const char *parameters, const char *path, int scale, GError **error)
{
  scale = CLAMP (scale, 1, 8);
  /* crisp upscaling: the model's pixels stay square blocks */
  g_autoptr (AtImage) out = scale > 1 ? at_image_resize (img, img->width * scale, img->height * scale, AT_IMAGE_FILTER_NEAREST)
                                      : at_image_copy (img);
  const char *keys[] = { "parameters", "Software", NULL };
  const char *values[] = { parameters, "Atelier " AT_VERSION, NULL };
  return at_image_save_png (out, path, keys, values, error);
}

static gboolean
check_export (AtWindow *self, GFile *file, char **path, GError **error)
{
  if (at_preview_get_image (self->preview) == NULL || self->current_parameters == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "There is no finished image to export yet; generate one first");
      return FALSE;
    }
  *path = g_file_get_path (file);
  if (*path == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "Images can only be exported to local folders");
      return FALSE;
    }
  return TRUE;
}

gboolean
at_window_export_png (AtWindow *self, GFile *file, int scale, GError **error)
{
  g_return_val_if_fail (AT_IS_WINDOW (self), FALSE);
  g_autofree char *path = NULL;
  if (!check_export (self, file, &path, error))
    return FALSE;
  return write_png (at_preview_get_image (self->preview), self->current_parameters, path, scale, error);
}

typedef struct {
  AtImage *image;
  char *parameters;
  char *path;
  int scale;
} ExportJob;

static void
export_job_free (ExportJob *job)
{
  at_image_free (job->image);
  g_free (job->parameters);
  g_free (job->path);
  g_free (job);
}

static void
export_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  ExportJob *job = task_data;
  GError *error = NULL;
  if (write_png (job->image, job->parameters, job->path, job->scale, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
export_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  AtWindow *self = AT_WINDOW (object);
  g_autoptr (GError) error = NULL;
  if (self->disposed)
    return;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *msg = g_strdup_printf ("Could not export: %s", error->message);
      _at_window_show_toast (self, msg);
      return;
    }
  ExportJob *job = g_task_get_task_data (G_TASK (result));
  g_autofree char *base = g_path_get_basename (job->path);
  g_autofree char *msg = g_strdup_printf ("Exported “%s”", base);
  _at_window_show_toast (self, msg);
}

void
_at_window_export_async (AtWindow *self, GFile *file, int scale)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  if (!check_export (self, file, &path, &error))
    {
      _at_window_show_toast (self, error->message);
      return;
    }
  /* resizing and PNG encoding happen on a worker, on copies */
  ExportJob *job = g_new0 (ExportJob, 1);
  job->image = at_image_copy (at_preview_get_image (self->preview));
  job->parameters = g_strdup (self->current_parameters);
  job->path = g_steal_pointer (&path);
  job->scale = scale;
  g_autoptr (GTask) task = g_task_new (self, NULL, export_done, NULL);
  g_task_set_source_tag (task, _at_window_export_async);
  g_task_set_task_data (task, job, (GDestroyNotify) export_job_free);
  g_task_run_in_thread (task, export_thread);
}

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
  if (self->disposed)
    {
      g_clear_pointer (&audio, at_audio_free);
      return;
    }
  if (audio == NULL)
    {
      g_autofree char *msg = g_strdup_printf ("Could not load the voice clip: %s", error->message);
      _at_window_show_toast (self, msg);
      return;
    }
  g_autofree char *name = g_path_get_basename (g_task_get_task_data (G_TASK (result)));
  _at_window_set_voice (self, audio, name);
  _at_window_on_edit (self);
}

void
at_window_load_voice (AtWindow *self, GFile *file)
{
  g_return_if_fail (AT_IS_WINDOW (self));
  g_autofree char *path = g_file_get_path (file);
  if (path == NULL)
    {
      _at_window_show_toast (self, "Voice clips can only be loaded from local folders");
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

/* --- recording from the microphone ----------------------------------------- */

static char *
format_minutes (double seconds)
{
  int s = (int) MAX (0, floor (seconds));
  return g_strdup_printf ("%d:%02d", s / 60, s % 60);
}

static void
update_record_time (AtWindow *self)
{
  g_autofree char *done = format_minutes (at_recorder_get_seconds (self->recorder));
  g_autofree char *most = format_minutes (at_recorder_get_max_seconds (self->recorder));
  g_autofree char *text = g_strdup_printf ("%s / %s", done, most);
  gtk_label_set_text (self->record_time_label, text);
}

static void
update_record_ui (AtWindow *self)
{
  gboolean recording = at_recorder_is_recording (self->recorder);
  gboolean available = at_recorder_get_available (self->recorder);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.record", recording || available);
  gtk_button_set_icon_name (self->record_button, recording ? "media-playback-stop-symbolic" : "media-record-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->record_button),
                               recording   ? "Stop Recording (Ctrl+R)"
                               : available ? "Record from the Microphone (Ctrl+R)"
                                           : NO_MICROPHONE_TIP);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->record_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  recording ? "Stop recording" : "Record voice prompt", -1);
  gtk_revealer_set_reveal_child (self->record_revealer, recording);
}

static void
on_caption (const char *hypothesis, double seconds_done, gpointer user_data)
{
  AtWindow *self = user_data;
  gsize len = strlen (hypothesis);
  const char *tail = hypothesis;
  if (len > CAPTION_CHARS)
    {
      /* from the first word boundary within the last CAPTION_CHARS */
      tail = strchr (hypothesis + len - CAPTION_CHARS, ' ');
      tail = tail != NULL ? tail + 1 : hypothesis + len - CAPTION_CHARS;
    }
  g_autofree char *text = tail != hypothesis ? g_strconcat ("…", tail, NULL) : g_strdup (tail);
  gtk_label_set_text (self->caption_label, *text != '\0' ? text : "Listening…");
}

static void
on_record_level (AtRecorder *recorder, double rms_db, double peak_db, AtWindow *self)
{
  gtk_level_bar_set_value (self->level_bar, CLAMP ((rms_db + LEVEL_RANGE_DB) / LEVEL_RANGE_DB, 0, 1));
  update_record_time (self);
}

static void
on_record_samples (AtRecorder *recorder, const float *samples, guint n, AtWindow *self)
{
  at_waveform_append (self->waveform, samples, n);
  if (self->captions != NULL)
    at_live_captions_feed (self->captions, samples, n);
}

static void
on_record_stopped (AtRecorder *recorder, AtRecorderStopReason reason, const GError *error, AtWindow *self)
{
  /* the voice panel transcribes the whole clip next, as any voice clip */
  g_clear_pointer (&self->captions, at_live_captions_free);
  update_record_ui (self);
  AtAudio *audio = at_recorder_take_audio (recorder);
  if (audio != NULL)
    {
      _at_window_set_voice (self, audio, "Recording");
      _at_window_on_edit (self);
    }
  else
    show_voice (self);   /* the clip from before stays */
  g_autofree char *most = format_minutes (at_recorder_get_max_seconds (recorder));
  g_autofree char *msg = NULL;
  if (reason == AT_RECORDER_STOPPED_ERROR)
    msg = g_strdup_printf ("%s%s", error != NULL ? error->message : "Recording failed",
                           audio != NULL ? "; what was recorded until then is kept" : "");
  else if (reason == AT_RECORDER_STOPPED_MAX_LENGTH)
    msg = g_strdup_printf ("Recording stopped at its maximum length, %s", most);
  else if (audio == NULL)
    msg = g_strdup ("Nothing was recorded: the microphone sent no sound");
  if (msg != NULL)
    _at_window_show_toast (self, msg);
}

static void
start_recording (AtWindow *self)
{
  if (self->settings != NULL)
    at_recorder_set_max_seconds (self->recorder, g_settings_get_int (self->settings, "record-max-seconds"));
  g_autoptr (GError) error = NULL;
  if (!at_recorder_start (self->recorder, &error))
    {
      g_autofree char *msg = g_strdup_printf ("%s. Load or drop an audio file instead.", error->message);
      _at_window_show_toast (self, msg);
      update_record_ui (self);
      return;
    }
  /* loads its recogniser on its own thread while the first words queue;
   * the same model as the voice panel's transcript */
  self->captions = at_live_captions_new (NULL, on_caption, self);
  gtk_label_set_text (self->caption_label, "Listening…");
  /* the waveform grows as the samples arrive; the clip from before comes
   * back only if nothing is recorded */
  at_waveform_start_live (self->waveform, AT_RECORDER_RATE);
  gtk_label_set_text (self->voice_label, "Recording…");
  gtk_level_bar_set_value (self->level_bar, 0);
  update_record_time (self);
  update_record_ui (self);
}

void
_at_window_toggle_recording (AtWindow *self)
{
  if (at_recorder_is_recording (self->recorder))
    at_recorder_stop (self->recorder);
  else
    start_recording (self);
}

static void
init_recorder (AtWindow *self)
{
  self->recorder = at_recorder_new (g_getenv ("ATELIER_RECORD_SOURCE"));
  g_signal_connect (self->recorder, "level", G_CALLBACK (on_record_level), self);
  g_signal_connect (self->recorder, "samples", G_CALLBACK (on_record_samples), self);
  g_signal_connect (self->recorder, "stopped", G_CALLBACK (on_record_stopped), self);
  g_signal_connect_swapped (self->recorder, "notify::available", G_CALLBACK (update_record_ui), self);
  /* a level meter, not a battery: no warning colour for quiet */
  gtk_level_bar_remove_offset_value (self->level_bar, GTK_LEVEL_BAR_OFFSET_LOW);
  gtk_level_bar_remove_offset_value (self->level_bar, GTK_LEVEL_BAR_OFFSET_HIGH);
  update_record_ui (self);
}

static void
on_settings_changed (GSettings *settings, const char *key, AtWindow *self)
{
  if (g_str_equal (key, "recent-projects"))
    rebuild_recent_menu (self);
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

gboolean
at_window_is_recording (AtWindow *self)
{
  return at_recorder_is_recording (self->recorder);
}

const char *
at_window_get_caption (AtWindow *self)
{
  return gtk_label_get_text (self->caption_label);
}

AtVoicePanel *
at_window_get_voice_panel (AtWindow *self)
{
  return self->voice_panel;
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
  if (self->recorder != NULL)
    {
      /* a recording in progress ends with the window, unsaved */
      g_signal_handlers_disconnect_by_data (self->recorder, self);
      at_recorder_stop (self->recorder);
      g_clear_object (&self->recorder);
    }
  g_clear_pointer (&self->captions, at_live_captions_free);
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
  g_clear_pointer (&self->variants, g_ptr_array_unref);
  g_clear_pointer (&self->history, g_ptr_array_unref);
  g_clear_pointer (&self->init_image, at_image_free);
  g_clear_pointer (&self->voice, at_audio_free);
  g_free (self->voice_name);
  g_free (self->current_parameters);
  g_free (self->last_toast);
  G_OBJECT_CLASS (at_window_parent_class)->finalize (object);
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
  gtk_widget_class_bind_template_child (widget_class, AtWindow, recent_submenu);

  _at_window_class_actions_init (widget_class);
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
  _at_window_actions_init (self);
  GtkDropTarget *drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (voice_dropped), self);
  gtk_widget_add_controller (self->voice_card, GTK_EVENT_CONTROLLER (drop));
  self->voice_panel = AT_VOICE_PANEL (at_voice_panel_new ());
  at_voice_panel_set_prompt_buffer (self->voice_panel, gtk_text_view_get_buffer (self->prompt_view));
  at_voice_panel_set_parameters (self->voice_panel, gtk_spin_button_get_adjustment (self->guidance_spin),
                                 gtk_spin_button_get_adjustment (self->steps_spin));
  g_signal_connect_swapped (self->voice_panel, "changed", G_CALLBACK (_at_window_on_edit), self);
  gtk_box_append (GTK_BOX (self->voice_card), GTK_WIDGET (self->voice_panel));
  init_recorder (self);

  g_signal_connect_swapped (self->canvas, "changed", G_CALLBACK (_at_window_on_edit), self);
  g_signal_connect_swapped (gtk_text_view_get_buffer (self->prompt_view), "changed", G_CALLBACK (_at_window_on_edit), self);
  g_signal_connect_swapped (gtk_text_view_get_buffer (self->negative_view), "changed", G_CALLBACK (_at_window_on_edit), self);
  GtkSpinButton *spins[] = { self->steps_spin, self->guidance_spin, self->seed_spin, self->sketch_strength_spin,
                             self->count_spin, self->strength_spin };
  for (guint i = 0; i < G_N_ELEMENTS (spins); i++)
    g_signal_connect_swapped (spins[i], "value-changed", G_CALLBACK (_at_window_on_edit), self);
  g_signal_connect_swapped (self->sampler_row, "notify::selected", G_CALLBACK (_at_window_on_edit), self);

  _at_window_new_project (self);
  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->canvas));
  rebuild_recent_menu (self);
  update_title (self);
  g_signal_connect (self, "notify::application", G_CALLBACK (on_application_set), NULL);
}


AtWindow *
at_window_new (AtApplication *app)
{
  return g_object_new (AT_TYPE_WINDOW, "application", app, NULL);
}
