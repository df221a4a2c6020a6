/* waveform.c — one vertical bar per column from the samples it covers. */
#define G_LOG_DOMAIN "atelier-ui"

#include "ui/waveform.h"

struct _AtWaveform {
  GtkWidget parent_instance;
  AtAudio *audio;
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
  if (self->audio == NULL || self->audio->n == 0 || w <= 0)
    return;
  GdkRGBA accent = { 0.21f, 0.52f, 0.89f, 1 };
  gsize n = self->audio->n;
  for (int x = 0; x < w; x++)
    {
      gsize a = n * x / w, b = MAX (a + 1, n * (x + 1) / w);
      float lo = 0, hi = 0;
      for (gsize i = a; i < b && i < n; i++)
        {
          lo = MIN (lo, self->audio->samples[i]);
          hi = MAX (hi, self->audio->samples[i]);
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
  g_clear_pointer (&self->audio, at_audio_free);
  if (audio != NULL)
    self->audio = at_audio_new_from (audio->samples, audio->n, audio->rate);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
at_waveform_finalize (GObject *object)
{
  AtWaveform *self = AT_WAVEFORM (object);
  g_clear_pointer (&self->audio, at_audio_free);
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
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, "Voice prompt waveform", -1);
}

GtkWidget *
at_waveform_new (void)
{
  return g_object_new (AT_TYPE_WAVEFORM, NULL);
}
