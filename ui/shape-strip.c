/* shape-strip.c — shape suggestions under the canvas (shape-strip.h). */
#define G_LOG_DOMAIN "atelier-ui"

#include "ui/engine-hold.h"
#include "context-call.h"
#include "ui/image-util.h"
#include "ui/shape-strip.h"
#include "shapes/shape-raster.h"
#include "shapes/shape-suggest.h"

#define MAX_SHAPES 8
#define PAUSE_MS 400        /* after the last edit, before asking */
#define THUMB_SIZE 48

struct _AtShapeStrip {
  GtkWidget parent_instance;

  GtkWidget *box;           /* the one child: row, info, prior check */
  GtkWidget *row;
  GtkLabel *info;           /* words that name no shape, or why there are no suggestions */
  GtkLabel *note;           /* which shape guided the last image */
  GtkCheckButton *prior_check;

  AtApplication *app;       /* borrowed, with the engine it lent */
  AtEngine *engine;
  GArray *shapes;           /* guint, on show */
  char *prompt;
  AtImage *doodle;
  guint timeout_id;
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (AtShapeStrip, at_shape_strip, GTK_TYPE_WIDGET)

enum { SHAPE_CHOSEN, N_SIGNALS };
static guint signals[N_SIGNALS];

typedef struct {
  AtEngineHold *hold;
  char *prompt;
  AtImage *doodle;
} Question;

static void
question_free (Question *q)
{
  at_engine_hold_free (q->hold);
  g_free (q->prompt);
  g_clear_pointer (&q->doodle, at_image_free);
  g_free (q);
}

static void
ask_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  Question *q = task_data;
  GError *error = NULL;
  AtShapeMatches *m = q->doodle != NULL ? at_engine_suggest_sketch (q->hold->engine, q->doodle, MAX_SHAPES, &error)
                                        : at_engine_suggest_text (q->hold->engine, q->prompt, MAX_SHAPES, &error);
  if (m == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, m, (GDestroyNotify) at_shape_matches_free);
}

static void
on_button_clicked (GtkButton *button, AtShapeStrip *self)
{
  guint shape = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "shape"));
  g_signal_emit (self, signals[SHAPE_CHOSEN], 0, shape);
}

static GtkWidget *
shape_button (AtShapeStrip *self, AtShapeLibrary *lib, guint index)
{
  const AtShape *shape = at_shape_library_get_shape (lib, index);
  g_autoptr (AtImage) img = at_shape_render (shape, THUMB_SIZE, 0.1f, 0.06f, TRUE);
  g_autoptr (GdkTexture) texture = at_texture_new_from_image (img);
  GtkWidget *picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (texture));
  gtk_widget_set_size_request (picture, THUMB_SIZE, THUMB_SIZE);
  GtkWidget *button = gtk_button_new ();
  gtk_button_set_child (GTK_BUTTON (button), picture);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, shape->name);
  g_autofree char *label = g_strdup_printf ("Use the shape “%s”", shape->name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  g_object_set_data (G_OBJECT (button), "shape", GUINT_TO_POINTER (index));
  g_signal_connect (button, "clicked", G_CALLBACK (on_button_clicked), self);
  return button;
}

static void
clear_row (AtShapeStrip *self)
{
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (self->row)) != NULL)
    gtk_box_remove (GTK_BOX (self->row), child);
  g_array_set_size (self->shapes, 0);
}

static void
show_matches (AtShapeStrip *self, const AtShapeMatches *m)
{
  clear_row (self);
  AtShapeLibrary *lib = at_shape_library_get_default (NULL);
  for (guint i = 0; lib != NULL && i < m->matches->len; i++)
    {
      guint index = ((AtShapeMatch *) m->matches->pdata[i])->shape;
      gtk_box_append (GTK_BOX (self->row), shape_button (self, lib, index));
      g_array_append_val (self->shapes, index);
    }
  g_autofree char *text = NULL;
  if (m->unknown->len > 0)
    {
      g_ptr_array_add (m->unknown, NULL);
      g_autofree char *words = g_strjoinv (", ", (char **) m->unknown->pdata);
      g_ptr_array_remove_index (m->unknown, m->unknown->len - 1);
      text = g_strdup_printf ("No shape for: %s", words);
    }
  gtk_label_set_text (self->info, text != NULL ? text : "");
}

static void
answered (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (AtShapeStrip) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (AtShapeMatches) m = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || g_task_get_cancellable (G_TASK (result)) != self->cancellable)
    return;
  if (m == NULL)
    {
      /* no library or embeddings: the studio works on without suggestions */
      clear_row (self);
      gtk_label_set_text (self->info, error->message);
      return;
    }
  show_matches (self, m);
}

static gboolean
ask (gpointer user_data)
{
  AtShapeStrip *self = user_data;
  self->timeout_id = 0;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gboolean has_words = self->prompt != NULL && g_strstrip (self->prompt)[0] != '\0';
  if (self->engine == NULL || (self->doodle == NULL && !has_words))
    {
      clear_row (self);
      gtk_label_set_text (self->info, "");
      return G_SOURCE_REMOVE;
    }
  self->cancellable = g_cancellable_new ();
  Question *q = g_new0 (Question, 1);
  q->hold = at_engine_hold_new (self->app, self->engine);
  q->prompt = g_strdup (self->prompt);
  q->doodle = g_steal_pointer (&self->doodle);
  g_autoptr (GTask) task = g_task_new (NULL, self->cancellable, answered, g_object_ref (self));
  g_task_set_source_tag (task, ask);
  g_task_set_task_data (task, q, (GDestroyNotify) question_free);
  at_task_run_in_thread (task, ask_thread);
  return G_SOURCE_REMOVE;
}

void
at_shape_strip_update (AtShapeStrip *self, const char *prompt, AtImage *doodle)
{
  g_return_if_fail (AT_IS_SHAPE_STRIP (self));
  g_free (self->prompt);
  self->prompt = g_strdup (prompt);
  g_clear_pointer (&self->doodle, at_image_free);
  self->doodle = doodle;
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  self->timeout_id = g_timeout_add (PAUSE_MS, ask, self);
}

void
at_shape_strip_set_engine (AtShapeStrip *self, AtApplication *app, AtEngine *engine)
{
  g_return_if_fail (AT_IS_SHAPE_STRIP (self));
  g_return_if_fail (engine == NULL || AT_IS_APPLICATION (app));
  g_cancellable_cancel (self->cancellable);
  self->app = engine != NULL ? app : NULL;
  self->engine = engine;
  if (engine == NULL)
    clear_row (self);
}

GArray *
at_shape_strip_get_shapes (AtShapeStrip *self)
{
  return self->shapes;
}

void
at_shape_strip_set_note (AtShapeStrip *self, const char *note)
{
  gtk_label_set_text (self->note, note != NULL ? note : "");
}

const char *
at_shape_strip_get_note (AtShapeStrip *self)
{
  return gtk_label_get_text (self->note);
}

gboolean
at_shape_strip_get_use_prior (AtShapeStrip *self)
{
  return gtk_check_button_get_active (self->prior_check);
}

void
at_shape_strip_set_use_prior (AtShapeStrip *self, gboolean use)
{
  gtk_check_button_set_active (self->prior_check, use);
}

static void
at_shape_strip_dispose (GObject *object)
{
  AtShapeStrip *self = AT_SHAPE_STRIP (object);
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  G_OBJECT_CLASS (at_shape_strip_parent_class)->dispose (object);
}

static void
at_shape_strip_finalize (GObject *object)
{
  AtShapeStrip *self = AT_SHAPE_STRIP (object);
  g_array_unref (self->shapes);
  g_free (self->prompt);
  g_clear_pointer (&self->doodle, at_image_free);
  G_OBJECT_CLASS (at_shape_strip_parent_class)->finalize (object);
}

static void
at_shape_strip_class_init (AtShapeStripClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = at_shape_strip_dispose;
  object_class->finalize = at_shape_strip_finalize;
  /* ::shape-chosen (guint index in the default shape library) */
  signals[SHAPE_CHOSEN] = g_signal_new ("shape-chosen", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                        NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "shapestrip");
}

static void
at_shape_strip_init (AtShapeStrip *self)
{
  self->shapes = g_array_new (FALSE, FALSE, sizeof (guint));
  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
  GtkWidget *scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_AUTOMATIC, GTK_POLICY_NEVER);
  self->row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 2);
  gtk_widget_set_size_request (self->row, -1, THUMB_SIZE + 12);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), self->row);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->row), GTK_ACCESSIBLE_PROPERTY_LABEL, "Shape suggestions", -1);
  gtk_box_append (GTK_BOX (self->box), scroller);
  GtkWidget *bottom = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  self->info = GTK_LABEL (gtk_label_new (""));
  gtk_label_set_xalign (self->info, 0.0f);
  gtk_label_set_ellipsize (self->info, PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (GTK_WIDGET (self->info), TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->info), "dim-label");
  gtk_box_append (GTK_BOX (bottom), GTK_WIDGET (self->info));
  self->note = GTK_LABEL (gtk_label_new (""));
  gtk_label_set_ellipsize (self->note, PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (GTK_WIDGET (self->note), "dim-label");
  gtk_box_append (GTK_BOX (bottom), GTK_WIDGET (self->note));
  self->prior_check = GTK_CHECK_BUTTON (gtk_check_button_new_with_mnemonic ("_Shape guide without a sketch"));
  gtk_check_button_set_active (self->prior_check, TRUE);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->prior_check),
                               "When the canvas is empty, the prompt's best shape guides the first steps");
  gtk_box_append (GTK_BOX (bottom), GTK_WIDGET (self->prior_check));
  gtk_box_append (GTK_BOX (self->box), bottom);
}

GtkWidget *
at_shape_strip_new (void)
{
  return g_object_new (AT_TYPE_SHAPE_STRIP, NULL);
}
