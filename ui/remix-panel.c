/* remix-panel.c — the Remix panel (remix-panel.h). */
#define G_LOG_DOMAIN "atelier-ui"

#include "search/remix-request.h"
#include "context-call.h"
#include "ui/engine-hold.h"
#include "ui/remix-panel.h"

struct _AtRemixPanel {
  GtkWidget parent;
  GtkWidget *box;
  GtkEntry *minus, *plus;
  GtkButton *button;
  GtkLabel *status;
  AtApplication *app;       /* borrowed, with the engine */
  AtEngine *engine;
  AtImage *source;
  GCancellable *running;    /* the remix on a worker, or NULL */
  gboolean disposed;
};

G_DEFINE_FINAL_TYPE (AtRemixPanel, at_remix_panel, GTK_TYPE_WIDGET)

enum { REMIXED, N_SIGNALS };
static guint signals[N_SIGNALS];

typedef struct {
  AtEngineHold *hold;
  AtImage *source;
  char *minus, *plus;
} RemixJob;

static void
remix_job_free (RemixJob *job)
{
  at_engine_hold_free (job->hold);
  at_image_free (job->source);
  g_free (job->minus);
  g_free (job->plus);
  g_free (job);
}

static void
remix_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  RemixJob *job = data;
  AtRemix remix = { job->source, AT_REMIX_KEEP_OUTLINES, NULL, job->minus, job->plus };
  g_autoptr (AtRequest) r = at_request_new ();
  GError *error = NULL;
  if (!at_engine_remix_request (job->hold->engine, &remix, r, NULL, &error))
    g_task_return_error (task, error);
  else if (!g_task_return_error_if_cancelled (task))
    g_task_return_pointer (task, g_steal_pointer (&r), (GDestroyNotify) at_request_free);
}

static void
set_status (AtRemixPanel *self, const char *text)
{
  gtk_label_set_text (self->status, text);
}

static void
update_sensitive (AtRemixPanel *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->button), self->engine != NULL && self->running == NULL);
}

static void
remixed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (AtRemixPanel) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (AtRequest) r = g_task_propagate_pointer (G_TASK (result), &error);
  if (self->disposed || g_task_get_cancellable (G_TASK (result)) != self->running)
    return;
  g_clear_object (&self->running);
  update_sensitive (self);
  if (r == NULL)
    {
      set_status (self, error->message);
      return;
    }
  g_autofree char *reads = g_strdup_printf ("Remixed: “%s”, drawn over the image's outlines", r->prompt);
  set_status (self, reads);
  g_signal_emit (self, signals[REMIXED], 0, r);
}

static gboolean
has_words (GtkEntry *entry)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));
  return *text != '\0';
}

void
at_remix_panel_activate (AtRemixPanel *self)
{
  g_return_if_fail (AT_IS_REMIX_PANEL (self));
  if (self->running != NULL)
    return;
  if (self->source == NULL)
    return set_status (self, "Choose an image in the History to remix");
  if (!has_words (self->minus) && !has_words (self->plus))
    return set_status (self, "Type a word to take away, a word to add, or both");
  if (self->engine == NULL)
    return set_status (self, "The model is still loading");
  self->running = g_cancellable_new ();
  RemixJob *job = g_new0 (RemixJob, 1);
  job->hold = at_engine_hold_new (self->app, self->engine);
  job->source = at_image_copy (self->source);
  job->minus = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->minus)));
  job->plus = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->plus)));
  g_autoptr (GTask) task = g_task_new (NULL, self->running, remixed, g_object_ref (self));
  g_task_set_source_tag (task, at_remix_panel_activate);
  g_task_set_task_data (task, job, (GDestroyNotify) remix_job_free);
  at_task_run_in_thread (task, remix_thread);
  set_status (self, "Remixing…");
  update_sensitive (self);
}

void
at_remix_panel_set_engine (AtRemixPanel *self, AtApplication *app, AtEngine *engine)
{
  g_return_if_fail (AT_IS_REMIX_PANEL (self));
  g_cancellable_cancel (self->running);
  g_clear_object (&self->running);
  self->app = app;
  self->engine = engine;
  update_sensitive (self);
}

void
at_remix_panel_set_source (AtRemixPanel *self, const AtImage *image)
{
  g_return_if_fail (AT_IS_REMIX_PANEL (self));
  g_clear_pointer (&self->source, at_image_free);
  self->source = image != NULL ? at_image_copy (image) : NULL;
}

void
at_remix_panel_set_words (AtRemixPanel *self, const char *minus, const char *plus)
{
  g_return_if_fail (AT_IS_REMIX_PANEL (self));
  gtk_editable_set_text (GTK_EDITABLE (self->minus), minus != NULL ? minus : "");
  gtk_editable_set_text (GTK_EDITABLE (self->plus), plus != NULL ? plus : "");
}

gboolean
at_remix_panel_is_busy (AtRemixPanel *self)
{
  g_return_val_if_fail (AT_IS_REMIX_PANEL (self), FALSE);
  return self->running != NULL;
}

const char *
at_remix_panel_get_status (AtRemixPanel *self)
{
  g_return_val_if_fail (AT_IS_REMIX_PANEL (self), NULL);
  return gtk_label_get_text (self->status);
}

static void
at_remix_panel_dispose (GObject *object)
{
  AtRemixPanel *self = AT_REMIX_PANEL (object);
  self->disposed = TRUE;
  g_cancellable_cancel (self->running);
  g_clear_object (&self->running);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  G_OBJECT_CLASS (at_remix_panel_parent_class)->dispose (object);
}

static void
at_remix_panel_finalize (GObject *object)
{
  AtRemixPanel *self = AT_REMIX_PANEL (object);
  g_clear_pointer (&self->source, at_image_free);
  G_OBJECT_CLASS (at_remix_panel_parent_class)->finalize (object);
}

static void
at_remix_panel_class_init (AtRemixPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = at_remix_panel_dispose;
  object_class->finalize = at_remix_panel_finalize;
  /* the request (prompt and sketch only) is the panel's: copy what is kept */
  signals[REMIXED] = g_signal_new ("remixed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 1, G_TYPE_POINTER);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "remixpanel");
}

static GtkEntry *
word_entry (const char *placeholder, const char *label)
{
  GtkEntry *entry = GTK_ENTRY (gtk_entry_new ());
  gtk_entry_set_placeholder_text (entry, placeholder);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_widget_set_hexpand (GTK_WIDGET (entry), TRUE);
  return entry;
}

static void
at_remix_panel_init (AtRemixPanel *self)
{
  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
  GtkWidget *title = gtk_label_new ("Remix the Chosen Image");
  gtk_label_set_xalign (GTK_LABEL (title), 0.0f);
  gtk_widget_add_css_class (title, "heading");
  gtk_box_append (GTK_BOX (self->box), title);
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  self->minus = word_entry ("− red", "Words to take away");
  self->plus = word_entry ("+ blue", "Words to add");
  self->button = GTK_BUTTON (gtk_button_new_with_mnemonic ("_Remix"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->button),
                               "Make the chosen History image again with these words taken away and added");
  g_signal_connect_swapped (self->button, "clicked", G_CALLBACK (at_remix_panel_activate), self);
  g_signal_connect_swapped (self->minus, "activate", G_CALLBACK (at_remix_panel_activate), self);
  g_signal_connect_swapped (self->plus, "activate", G_CALLBACK (at_remix_panel_activate), self);
  gtk_box_append (GTK_BOX (row), GTK_WIDGET (self->minus));
  gtk_box_append (GTK_BOX (row), GTK_WIDGET (self->plus));
  gtk_box_append (GTK_BOX (row), GTK_WIDGET (self->button));
  gtk_box_append (GTK_BOX (self->box), row);
  self->status = GTK_LABEL (gtk_label_new (""));
  gtk_label_set_xalign (self->status, 0.0f);
  gtk_label_set_wrap (self->status, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->status), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (self->status), "caption");
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->status));
  update_sensitive (self);
}

GtkWidget *
at_remix_panel_new (void)
{
  return g_object_new (AT_TYPE_REMIX_PANEL, NULL);
}
