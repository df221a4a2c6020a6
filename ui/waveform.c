/* waveform.c — one vertical bar per column from the samples it covers.
 *
 * A clip and a live recording are kept alike, as one growing array of
 * samples; only how many samples the width stands for differs (all of a
 * clip, a fixed window of a recording). */
#define G_LOG_DOMAIN "atelier-ui"

#include "ui/waveform.h"

struct _AtWaveform {
  GtkWidget parent_instance;
  GArray *samples;   /* float */
  int rate;
  gboolean live;
  gint64 position_ms;   /* the playhead, or -1 */
  gboolean seekable;    /* a click asks to play from there */
};

enum {
  SEEK,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (AtWaveform, at_waveform, GTK_TYPE_WIDGET)

static void
at_waveform_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  AtWaveform *self = AT_WAVEFORM (widget);
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  /* mid-grey and the Adwaita accent read on both light and dark cards */
  float mid = h / 2.0f;
  gtk_snapshot_append_color (snapshot, &(GdkRGBA) { 0.5f, 0.5f, 0.5f, 0.4f },
                             &GRAPHENE_RECT_INIT (0, mid - 0.5f, w, 1));
  gsize n = self->samples->len;
  if (n == 0 || w <= 0)
    return;
  /* a clip fills the width; a recording fills a window of the newest seconds */
  gsize span = n, first = 0;
  if (self->live)
    {
      span = (gsize) self->rate * AT_WAVEFORM_LIVE_SECONDS;
      first = n > span ? n - span : 0;
    }
  const float *s = (const float *) self->samples->data + first;
  gsize shown = n - first;
  GdkRGBA accent = { 0.21f, 0.52f, 0.89f, 1 };
  for (int x = 0; x < w; x++)
    {
      gsize a = span * x / w, b = MAX (a + 1, span * (x + 1) / w);
      if (a >= shown)
        break;
      float lo = 0, hi = 0;
      for (gsize i = a; i < b && i < shown; i++)
        {
          lo = MIN (lo, s[i]);
          hi = MAX (hi, s[i]);
        }
      float top = mid - CLAMP (hi, -1, 1) * mid, bottom = mid - CLAMP (lo, -1, 1) * mid;
      gtk_snapshot_append_color (snapshot, &accent, &GRAPHENE_RECT_INIT (x, top, 1, MAX (1, bottom - top)));
    }
  if (self->position_ms >= 0 && !self->live && self->rate > 0)
    {
      float x = (float) ((double) self->position_ms * self->rate / 1000.0 / n * w);
      gtk_snapshot_append_color (snapshot, &(GdkRGBA) { 0.88f, 0.11f, 0.14f, 1 },
                                 &GRAPHENE_RECT_INIT (CLAMP (x, 0, w - 2), 0, 2, h));
    }
}

/* A click on a clip: play from the time under the pointer. */
static void
on_pressed (GtkGestureClick *gesture, int n_press, double x, double y, AtWaveform *self)
{
  int w = gtk_widget_get_width (GTK_WIDGET (self));
  if (!self->seekable || self->live || self->rate <= 0 || self->samples->len == 0 || w <= 0)
    return;
  double seconds = CLAMP (x / w, 0.0, 1.0) * self->samples->len / self->rate;
  g_signal_emit (self, signals[SEEK], 0, (gint64) (seconds * 1000.0));
}

static void
at_waveform_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                     int *minimum, int *natural, int *minimum_baseline, int *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 64 : 40;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 240 : 48;
}

void
at_waveform_set_audio (AtWaveform *self, const AtAudio *audio)
{
  g_return_if_fail (AT_IS_WAVEFORM (self));
  g_array_set_size (self->samples, 0);
  self->live = FALSE;
  self->rate = 0;
  if (audio != NULL)
    {
      g_array_append_vals (self->samples, audio->samples, audio->n);
      self->rate = audio->rate;
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
at_waveform_start_live (AtWaveform *self, int rate)
{
  g_return_if_fail (AT_IS_WAVEFORM (self));
  g_return_if_fail (rate > 0);
  g_array_set_size (self->samples, 0);
  self->live = TRUE;
  self->rate = rate;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
at_waveform_append (AtWaveform *self, const float *samples, gsize n)
{
  g_return_if_fail (AT_IS_WAVEFORM (self));
  g_return_if_fail (samples != NULL || n == 0);
  if (!self->live || n == 0)
    return;
  g_array_append_vals (self->samples, samples, n);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
at_waveform_set_position (AtWaveform *self, gint64 ms)
{
  g_return_if_fail (AT_IS_WAVEFORM (self));
  if (self->position_ms == ms)
    return;
  self->position_ms = ms;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gint64
at_waveform_get_position (AtWaveform *self)
{
  g_return_val_if_fail (AT_IS_WAVEFORM (self), -1);
  return self->position_ms;
}

void
at_waveform_set_seekable (AtWaveform *self, gboolean seekable)
{
  g_return_if_fail (AT_IS_WAVEFORM (self));
  self->seekable = seekable;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), seekable ? "pointer" : NULL);
}

gsize
at_waveform_get_n_samples (AtWaveform *self)
{
  g_return_val_if_fail (AT_IS_WAVEFORM (self), 0);
  return self->samples->len;
}

gboolean
at_waveform_is_live (AtWaveform *self)
{
  g_return_val_if_fail (AT_IS_WAVEFORM (self), FALSE);
  return self->live;
}

static void
at_waveform_finalize (GObject *object)
{
  AtWaveform *self = AT_WAVEFORM (object);
  g_array_unref (self->samples);
  G_OBJECT_CLASS (at_waveform_parent_class)->finalize (object);
}

static void
at_waveform_class_init (AtWaveformClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = at_waveform_finalize;
  GTK_WIDGET_CLASS (klass)->snapshot = at_waveform_snapshot;
  GTK_WIDGET_CLASS (klass)->measure = at_waveform_measure;
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "waveform");
  gtk_widget_class_set_accessible_role (GTK_WIDGET_CLASS (klass), GTK_ACCESSIBLE_ROLE_IMG);

  /* seekable only: the user clicked at this time of the clip (ms) */
  signals[SEEK] = g_signal_new ("seek", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                G_TYPE_NONE, 1, G_TYPE_INT64);
}

static void
at_waveform_init (AtWaveform *self)
{
  self->samples = g_array_new (FALSE, FALSE, sizeof (float));
  self->position_ms = -1;
  GtkGesture *click = gtk_gesture_click_new ();
  g_signal_connect (click, "pressed", G_CALLBACK (on_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, "Voice prompt waveform", -1);
}

GtkWidget *
at_waveform_new (void)
{
  return g_object_new (AT_TYPE_WAVEFORM, NULL);
}
