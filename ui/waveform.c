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
};

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
}

static void
at_waveform_init (AtWaveform *self)
{
  self->samples = g_array_new (FALSE, FALSE, sizeof (float));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, "Voice prompt waveform", -1);
}

GtkWidget *
at_waveform_new (void)
{
  return g_object_new (AT_TYPE_WAVEFORM, NULL);
}
