/* video-window.c — keyframes, render, preview and export of a clip. */
#define G_LOG_DOMAIN "atelier-ui"

#include <unistd.h>

#include <glib/gstdio.h>

#include "animation.h"
#include "context-call.h"
#include "media/video-writer.h"
#include "ui/engine-hold.h"
#include "ui/video-window.h"

struct _AtVideoWindow {
  AdwWindow parent_instance;

  GtkListBox *keyframe_list;
  GtkSpinButton *time_spin, *fps_spin, *hold_spin;
  GtkDropDown *size_dropdown;
  GtkButton *add_button, *render_button, *export_button;
  GtkVideo *video;
  GtkProgressBar *progress_bar;

  AtEngineHold *hold;          /* the application's engine, held while this window lives */
  AtEngine *engine;
  GPtrArray *keyframes;        /* AtKeyframe*, in the list's order */
  AtRequest *params;           /* the first keyframe's settings */
  AtAnimator *animator;        /* used by one worker at a time */
  AtAnimation *animation;      /* the last clip rendered */
  char *preview_path;
  GCancellable *cancellable;   /* of the render in flight */
  gboolean quiet;              /* the window itself is setting its controls */
  gboolean disposed;
};

G_DEFINE_FINAL_TYPE (AtVideoWindow, at_video_window, ADW_TYPE_WINDOW)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The user changed the keyframes or the clip's settings (a project saves them). */
static void
emit_changed (AtVideoWindow *self)
{
  if (!self->quiet)
    g_signal_emit (self, signals[CHANGED], 0);
}

static const int sizes[] = { 64, 128, 256, 512 };

static void
update_buttons (AtVideoWindow *self)
{
  gboolean rendering = self->cancellable != NULL;
  gtk_button_set_label (self->render_button, rendering ? "_Cancel" : "_Render");
  gtk_widget_set_sensitive (GTK_WIDGET (self->render_button), rendering || self->keyframes->len > 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->export_button), !rendering && self->animation != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->add_button), !rendering);
}

/* --- keyframe rows ------------------------------------------------------- */

static void rebuild_rows (AtVideoWindow *self);

static int
by_time (gconstpointer a, gconstpointer b)
{
  const AtKeyframe *ka = *(AtKeyframe **) a, *kb = *(AtKeyframe **) b;
  return (ka->time > kb->time) - (ka->time < kb->time);
}

static void
on_row_time_changed (GtkSpinButton *spin, AtVideoWindow *self)
{
  AtKeyframe *k = g_object_get_data (G_OBJECT (spin), "at-keyframe");
  k->time = gtk_spin_button_get_value (spin);
  emit_changed (self);
}

static void
on_row_delete (GtkButton *button, AtVideoWindow *self)
{
  g_ptr_array_remove (self->keyframes, g_object_get_data (G_OBJECT (button), "at-keyframe"));
  rebuild_rows (self);
  emit_changed (self);
}

static GtkWidget *
keyframe_row (AtVideoWindow *self, AtKeyframe *k)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  GtkWidget *spin = gtk_spin_button_new_with_range (0, AT_CLIP_MAX_SECONDS, 0.5);
  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), 1);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), k->time);
  gtk_widget_set_tooltip_text (spin, "The keyframe's time in seconds");
  g_object_set_data (G_OBJECT (spin), "at-keyframe", k);
  g_signal_connect (spin, "value-changed", G_CALLBACK (on_row_time_changed), self);
  g_autofree char *text = g_strdup_printf ("%s%s · seed %" G_GUINT64_FORMAT, k->prompt != NULL ? k->prompt : "",
                                           k->sketch != NULL ? " (sketch)" : "", k->seed);
  GtkWidget *label = gtk_label_new (text);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
  GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
  gtk_widget_set_tooltip_text (remove, "Delete this keyframe");
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, "Delete keyframe", -1);
  g_object_set_data (G_OBJECT (remove), "at-keyframe", k);
  g_signal_connect (remove, "clicked", G_CALLBACK (on_row_delete), self);
  gtk_box_append (GTK_BOX (box), spin);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), remove);
  return box;
}

static void
rebuild_rows (AtVideoWindow *self)
{
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->keyframe_list))) != NULL)
    gtk_list_box_remove (self->keyframe_list, child);
  for (guint i = 0; i < self->keyframes->len; i++)
    gtk_list_box_append (self->keyframe_list, keyframe_row (self, self->keyframes->pdata[i]));
  update_buttons (self);
}

/* The first keyframe's request gives the clip its settings (sampler,
 * guidance, negative prompt…) and its animator. */
static void
take_params (AtVideoWindow *self, const AtRequest *r)
{
  if (self->params != NULL)
    return;
  self->params = at_request_copy (r);
  /* frames come from the few-step student where the model has one */
  at_engine_use_fast (self->engine, self->params, FALSE, NULL);
  self->animator = at_animator_new (self->engine, self->params);
}

void
at_video_window_add_keyframe (AtVideoWindow *self, const AtRequest *r, double seconds)
{
  g_return_if_fail (AT_IS_VIDEO_WINDOW (self) && r != NULL);
  AtKeyframe *k = at_keyframe_new (seconds, r->prompt, r->seed);
  k->sketch = r->sketch != NULL ? at_image_copy (r->sketch) : NULL;
  g_ptr_array_add (self->keyframes, k);
  g_ptr_array_sort (self->keyframes, by_time);
  take_params (self, r);
  gtk_spin_button_set_value (self->time_spin, seconds + 2.0);
  rebuild_rows (self);
  emit_changed (self);
}

void
at_video_window_set_keyframes (AtVideoWindow *self, const AtClip *clip, const AtRequest *params)
{
  g_return_if_fail (AT_IS_VIDEO_WINDOW (self) && clip != NULL && params != NULL);
  self->quiet = TRUE;
  g_ptr_array_set_size (self->keyframes, 0);
  for (guint i = 0; i < clip->keyframes->len; i++)
    g_ptr_array_add (self->keyframes, at_keyframe_copy (clip->keyframes->pdata[i]));
  AtKeyframe *last = clip->keyframes->len > 0 ? clip->keyframes->pdata[clip->keyframes->len - 1] : NULL;
  at_video_window_set_clip (self, clip->fps, clip->size, MAX (0.0, clip->duration - (last ? last->time : 0.0)));
  if (last != NULL)
    gtk_spin_button_set_value (self->time_spin, last->time + 2.0);
  take_params (self, params);
  rebuild_rows (self);
  self->quiet = FALSE;
}

guint
at_video_window_get_n_keyframes (AtVideoWindow *self)
{
  return self->keyframes->len;
}

void
at_video_window_set_clip (AtVideoWindow *self, int fps, int size, double hold)
{
  gtk_spin_button_set_value (self->fps_spin, fps);
  gtk_spin_button_set_value (self->hold_spin, hold);
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    if (sizes[i] == size)
      gtk_drop_down_set_selected (self->size_dropdown, i);
}

/* "Add Current" asks the studio window for its request: the action it
 * installs (win.video-keyframe) answers by calling add_keyframe. */
static void
on_add (AtVideoWindow *self)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  if (parent != NULL)
    gtk_widget_activate_action (GTK_WIDGET (parent), "win.video-keyframe", "d",
                                gtk_spin_button_get_value (self->time_spin));
}

/* --- rendering ------------------------------------------------------------ */

AtClip *
at_video_window_dup_clip (AtVideoWindow *self)
{
  g_return_val_if_fail (AT_IS_VIDEO_WINDOW (self), NULL);
  guint selected = gtk_drop_down_get_selected (self->size_dropdown);
  AtClip *clip = at_clip_new (gtk_spin_button_get_value_as_int (self->fps_spin),
                              sizes[MIN (selected, G_N_ELEMENTS (sizes) - 1)]);
  for (guint i = 0; i < self->keyframes->len; i++)
    at_clip_add (clip, at_keyframe_copy (self->keyframes->pdata[i]));
  AtKeyframe *last = self->keyframes->len > 0 ? self->keyframes->pdata[self->keyframes->len - 1] : NULL;
  clip->duration = (last != NULL ? last->time : 0.0) + gtk_spin_button_get_value (self->hold_spin);
  return clip;
}

typedef struct {
  AtAnimator *animator;
  AtClip *clip;
  char *preview_path;
  AtVideoWindow *self;         /* a reference, for progress */
  GCancellable *cancellable;
} RenderJob;

static void
render_job_free (RenderJob *job)
{
  at_clip_free (job->clip);
  g_free (job->preview_path);
  g_object_unref (job->self);
  g_clear_object (&job->cancellable);
  g_free (job);
}

typedef struct {
  AtAnimationProgress p;
  AtVideoWindow *self;
  GCancellable *cancellable;
} ProgressEvent;

static void
progress_event_free (ProgressEvent *e)
{
  g_object_unref (e->self);
  g_object_unref (e->cancellable);
  g_free (e);
}

static gboolean
show_progress (gpointer data)
{
  ProgressEvent *e = data;
  if (e->self->disposed || g_cancellable_is_cancelled (e->cancellable))
    return G_SOURCE_REMOVE;
  const AtAnimationProgress *p = &e->p;
  double done = p->to_render > 0 ? (p->rendered + (p->n_steps > 0 ? (double) p->step / p->n_steps : 0)) / p->to_render
                                 : (double) (p->frame + 1) / p->n_frames;
  gtk_progress_bar_set_fraction (e->self->progress_bar, CLAMP (done, 0.0, 1.0));
  g_autofree char *text = g_strdup_printf ("Frame %u of %u · step %d of %d · about %.0f s left", p->frame + 1,
                                           p->n_frames, p->step, p->n_steps, p->remaining_ms / 1000.0);
  gtk_progress_bar_set_text (e->self->progress_bar, text);
  return G_SOURCE_REMOVE;
}

static void
post_progress (const AtAnimationProgress *p, gpointer data)
{
  RenderJob *job = data;
  ProgressEvent *e = g_new0 (ProgressEvent, 1);
  e->p = *p;
  e->self = g_object_ref (job->self);
  e->cancellable = g_object_ref (job->cancellable);
  at_context_post (NULL, show_progress, e, (GDestroyNotify) progress_event_free);
}

static AtImage *
animation_frame (guint index, gpointer data)
{
  return at_animation_frame (data, index);
}

static AtVideoSource
animation_source (AtAnimation *anim)
{
  AtVideoSource s = { .n_frames = anim->frames->len, .fps = anim->fps, .width = anim->size,
                      .height = anim->size, .frame = animation_frame, .data = anim };
  return s;
}

static void
render_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  RenderJob *job = task_data;
  GError *error = NULL;
  AtAnimation *anim = at_animator_render (job->animator, job->clip, post_progress, job, cancellable, &error);
  AtVideoSource s = anim != NULL ? animation_source (anim) : (AtVideoSource) { 0 };
  if (anim != NULL && !at_video_write_webm (&s, job->preview_path, cancellable, &error))
    g_clear_pointer (&anim, at_animation_free);
  if (anim != NULL)
    g_task_return_pointer (task, anim, (GDestroyNotify) at_animation_free);
  else
    g_task_return_error (task, error);
}

static void
render_done (GObject *source, GAsyncResult *result, gpointer data)
{
  AtVideoWindow *self = AT_VIDEO_WINDOW (source);
  RenderJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;
  AtAnimation *anim = g_task_propagate_pointer (G_TASK (result), &error);
  if (self->disposed)
    {
      g_clear_pointer (&anim, at_animation_free);
      return;
    }
  g_clear_object (&self->cancellable);
  gtk_progress_bar_set_fraction (self->progress_bar, anim != NULL ? 1.0 : 0.0);
  if (anim == NULL)
    gtk_progress_bar_set_text (self->progress_bar, g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                                                     ? "Cancelled" : error->message);
  else
    {
      g_clear_pointer (&self->animation, at_animation_free);
      self->animation = anim;
      g_free (self->preview_path);
      self->preview_path = g_strdup (job->preview_path);
      gtk_video_set_filename (self->video, self->preview_path);
      g_autofree char *text = g_strdup_printf ("%u frames, %u rendered, %.1f s", anim->frames->len, anim->rendered,
                                               (double) anim->frames->len / anim->fps);
      gtk_progress_bar_set_text (self->progress_bar, text);
    }
  update_buttons (self);
}

/* A new preview file each time: the player may still hold the last. */
static char *
preview_path_new (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "atelier", NULL);
  g_mkdir_with_parents (dir, 0700);
  g_autofree char *name = g_strdup_printf ("preview-%d-%u.webm", getpid (), g_random_int ());
  return g_build_filename (dir, name, NULL);
}

void
at_video_window_render (AtVideoWindow *self)
{
  g_return_if_fail (AT_IS_VIDEO_WINDOW (self));
  if (self->cancellable != NULL || self->animator == NULL)
    return;
  /* retimed rows take their place in time order */
  g_ptr_array_sort (self->keyframes, by_time);
  rebuild_rows (self);
  g_autoptr (AtClip) clip = at_video_window_dup_clip (self);
  g_autoptr (GError) error = NULL;
  if (!at_clip_validate (clip, &error))
    {
      gtk_progress_bar_set_text (self->progress_bar, error->message);
      return;
    }
  self->cancellable = g_cancellable_new ();
  RenderJob *job = g_new0 (RenderJob, 1);
  job->animator = self->animator;
  job->clip = g_steal_pointer (&clip);
  job->preview_path = preview_path_new ();
  job->self = g_object_ref (self);
  job->cancellable = g_object_ref (self->cancellable);
  g_autoptr (GTask) task = g_task_new (self, self->cancellable, render_done, NULL);
  g_task_set_source_tag (task, at_video_window_render);
  g_task_set_task_data (task, job, (GDestroyNotify) render_job_free);
  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  gtk_progress_bar_set_text (self->progress_bar, "Starting…");
  update_buttons (self);
  at_task_run_in_thread (task, render_thread);
}

void
at_video_window_cancel (AtVideoWindow *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

gboolean
at_video_window_is_rendering (AtVideoWindow *self)
{
  return self->cancellable != NULL;
}

const char *
at_video_window_get_preview_path (AtVideoWindow *self)
{
  return self->preview_path;
}

const char *
at_video_window_get_status (AtVideoWindow *self)
{
  return gtk_progress_bar_get_text (self->progress_bar);
}

static void
on_render_clicked (AtVideoWindow *self)
{
  if (self->cancellable != NULL)
    at_video_window_cancel (self);
  else
    at_video_window_render (self);
}

/* --- export --------------------------------------------------------------- */

static void
export_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  AtVideoWindow *self = source;
  AtVideoSource s = animation_source (self->animation);
  GError *error = NULL;
  if (at_video_write (&s, task_data, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
at_video_window_export_async (AtVideoWindow *self, GFile *file, GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (AT_IS_VIDEO_WINDOW (self) && self->animation != NULL);
  g_autoptr (GTask) task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, at_video_window_export_async);
  g_task_set_task_data (task, g_file_get_path (file), g_free);
  /* the animation stays as it is until the task ends: Export and Render
   * are insensitive meanwhile */
  gtk_widget_set_sensitive (GTK_WIDGET (self->export_button), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->render_button), FALSE);
  at_task_run_in_thread (task, export_thread);
}

gboolean
at_video_window_export_finish (AtVideoWindow *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == at_video_window_export_async, FALSE);
  if (!self->disposed)
    update_buttons (self);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
exported (GObject *source, GAsyncResult *result, gpointer data)
{
  AtVideoWindow *self = AT_VIDEO_WINDOW (source);
  g_autoptr (GError) error = NULL;
  gboolean ok = at_video_window_export_finish (self, result, &error);
  if (self->disposed)
    return;
  g_autofree char *path = g_strdup (g_task_get_task_data (G_TASK (result)));
  g_autofree char *text = ok ? g_strdup_printf ("Wrote %s", path) : g_strdup (error->message);
  gtk_progress_bar_set_text (self->progress_bar, text);
}

static void
export_chosen (GtkNativeDialog *dialog, int response, AtVideoWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT && !self->disposed)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      at_video_window_export_async (self, file, exported, NULL);
    }
  g_object_unref (dialog);
}

static void
on_export_clicked (AtVideoWindow *self)
{
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new ("Export Clip", GTK_WINDOW (self),
                                                              GTK_FILE_CHOOSER_ACTION_SAVE, "_Export", NULL);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), "clip.webm");
  g_signal_connect (dialog, "response", G_CALLBACK (export_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* --- object ------------------------------------------------------------ */

AtVideoWindow *
at_video_window_new (GtkWindow *parent, AtApplication *app, AtEngine *engine)
{
  AtVideoWindow *self = g_object_new (AT_TYPE_VIDEO_WINDOW, "transient-for", parent, NULL);
  /* a render job keeps the window, so the hold outlives every job */
  self->hold = at_engine_hold_new (app, engine);
  self->engine = engine;
  return self;
}

static void
at_video_window_dispose (GObject *object)
{
  AtVideoWindow *self = AT_VIDEO_WINDOW (object);
  self->disposed = TRUE;
  at_video_window_cancel (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), AT_TYPE_VIDEO_WINDOW);
  G_OBJECT_CLASS (at_video_window_parent_class)->dispose (object);
}

static void
at_video_window_finalize (GObject *object)
{
  AtVideoWindow *self = AT_VIDEO_WINDOW (object);
  g_ptr_array_unref (self->keyframes);
  g_clear_pointer (&self->params, at_request_free);
  g_clear_pointer (&self->animator, at_animator_free);
  g_clear_pointer (&self->hold, at_engine_hold_free);
  g_clear_pointer (&self->animation, at_animation_free);
  if (self->preview_path != NULL)
    g_unlink (self->preview_path);
  g_free (self->preview_path);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (at_video_window_parent_class)->finalize (object);
}

static void
at_video_window_class_init (AtVideoWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = at_video_window_dispose;
  object_class->finalize = at_video_window_finalize;
  /* the user changed the keyframes or the clip's settings */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/atelier/Studio/ui/video-window.ui");
  gtk_widget_class_bind_template_child (widget_class, AtVideoWindow, keyframe_list);
  gtk_widget_class_bind_template_child (widget_class, AtVideoWindow, time_spin);
  gtk_widget_class_bind_template_child (widget_class, AtVideoWindow, fps_spin);
  gtk_widget_class_bind_template_child (widget_class, AtVideoWindow, hold_spin);
  gtk_widget_class_bind_template_child (widget_class, AtVideoWindow, size_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AtVideoWindow, add_button);
  gtk_widget_class_bind_template_child (widget_class, AtVideoWindow, render_button);
  gtk_widget_class_bind_template_child (widget_class, AtVideoWindow, export_button);
  gtk_widget_class_bind_template_child (widget_class, AtVideoWindow, video);
  gtk_widget_class_bind_template_child (widget_class, AtVideoWindow, progress_bar);
}

static gboolean
escape_pressed (GtkWidget *widget, GVariant *args, gpointer data)
{
  AtVideoWindow *self = AT_VIDEO_WINDOW (widget);
  if (self->cancellable == NULL)
    return FALSE;
  at_video_window_cancel (self);
  return TRUE;
}

static void
at_video_window_init (AtVideoWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->keyframes = g_ptr_array_new_with_free_func ((GDestroyNotify) at_keyframe_free);
  gtk_button_set_use_underline (self->render_button, TRUE);
  g_signal_connect_swapped (self->add_button, "clicked", G_CALLBACK (on_add), self);
  g_signal_connect_swapped (self->render_button, "clicked", G_CALLBACK (on_render_clicked), self);
  g_signal_connect_swapped (self->export_button, "clicked", G_CALLBACK (on_export_clicked), self);
  g_signal_connect_swapped (self->fps_spin, "value-changed", G_CALLBACK (emit_changed), self);
  g_signal_connect_swapped (self->hold_spin, "value-changed", G_CALLBACK (emit_changed), self);
  g_signal_connect_swapped (self->size_dropdown, "notify::selected", G_CALLBACK (emit_changed), self);
  GtkEventController *keys = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (keys),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Escape, 0),
                                                          gtk_callback_action_new (escape_pressed, NULL, NULL)));
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
}
