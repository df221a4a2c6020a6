/* preview.c — the result image, scaled with the filter the designer picks. */
#define G_LOG_DOMAIN "atelier-ui"

#include <math.h>

#include "ui/preview.h"
#include "ui/image-util.h"

struct _AtPreview {
  GtkWidget parent_instance;
  AtImage *image;
  cairo_surface_t *surface;
  guint serial;
  gboolean smooth;
  gboolean fit;
};

enum {
  PROP_0,
  PROP_SMOOTH,
  PROP_FIT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (AtPreview, at_preview, GTK_TYPE_WIDGET)

static void
at_preview_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  AtPreview *self = AT_PREVIEW (widget);
  double w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  if (self->surface == NULL || w < 2 || h < 2)
    return;
  double iw = self->image->width, ih = self->image->height;
  double scale = self->fit ? MIN ((w - 16) / iw, (h - 16) / ih) : 1.0;
  if (scale <= 0)
    return;
  /* crisp pixels need whole-pixel scale factors, else columns differ in width */
  if (!self->smooth && scale > 1)
    scale = floor (scale);
  double dw = iw * scale, dh = ih * scale;
  graphene_rect_t rect = GRAPHENE_RECT_INIT ((float) ((w - dw) / 2), (float) ((h - dh) / 2), (float) dw, (float) dh);
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &rect);
  cairo_translate (cr, rect.origin.x, rect.origin.y);
  cairo_scale (cr, scale, scale);
  cairo_set_source_surface (cr, self->surface, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), self->smooth ? CAIRO_FILTER_GOOD : CAIRO_FILTER_NEAREST);
  cairo_paint (cr);
  cairo_destroy (cr);
}

static void
at_preview_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                    int *minimum, int *natural, int *minimum_baseline, int *natural_baseline)
{
  AtPreview *self = AT_PREVIEW (widget);
  int side = 0;
  if (self->image != NULL)
    side = orientation == GTK_ORIENTATION_HORIZONTAL ? (int) self->image->width : (int) self->image->height;
  *minimum = self->fit ? 64 : side;
  *natural = self->fit ? 480 : side;
}

void
at_preview_set_image (AtPreview *self, const AtImage *img)
{
  g_return_if_fail (AT_IS_PREVIEW (self));
  g_clear_pointer (&self->image, at_image_free);
  g_clear_pointer (&self->surface, cairo_surface_destroy);
  if (img != NULL)
    {
      self->image = at_image_copy (img);
      self->surface = at_cairo_surface_new_from_image (img);
    }
  self->serial++;
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

const AtImage *
at_preview_get_image (AtPreview *self)
{
  g_return_val_if_fail (AT_IS_PREVIEW (self), NULL);
  return self->image;
}

guint
at_preview_get_serial (AtPreview *self)
{
  return self->serial;
}

void
at_preview_set_smooth (AtPreview *self, gboolean smooth)
{
  g_return_if_fail (AT_IS_PREVIEW (self));
  if (self->smooth == !!smooth)
    return;
  self->smooth = !!smooth;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SMOOTH]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
at_preview_set_fit (AtPreview *self, gboolean fit)
{
  g_return_if_fail (AT_IS_PREVIEW (self));
  if (self->fit == !!fit)
    return;
  self->fit = !!fit;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FIT]);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

static void
at_preview_finalize (GObject *object)
{
  AtPreview *self = AT_PREVIEW (object);
  g_clear_pointer (&self->image, at_image_free);
  g_clear_pointer (&self->surface, cairo_surface_destroy);
  G_OBJECT_CLASS (at_preview_parent_class)->finalize (object);
}

static void
at_preview_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  AtPreview *self = AT_PREVIEW (object);
  switch (prop_id)
    {
    case PROP_SMOOTH:
      g_value_set_boolean (value, self->smooth);
      break;
    case PROP_FIT:
      g_value_set_boolean (value, self->fit);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
at_preview_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  AtPreview *self = AT_PREVIEW (object);
  switch (prop_id)
    {
    case PROP_SMOOTH:
      at_preview_set_smooth (self, g_value_get_boolean (value));
      break;
    case PROP_FIT:
      at_preview_set_fit (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
at_preview_class_init (AtPreviewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->finalize = at_preview_finalize;
  object_class->get_property = at_preview_get_property;
  object_class->set_property = at_preview_set_property;
  widget_class->snapshot = at_preview_snapshot;
  widget_class->measure = at_preview_measure;
  properties[PROP_SMOOTH] = g_param_spec_boolean ("smooth", NULL, NULL, FALSE,
                                                  G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FIT] = g_param_spec_boolean ("fit", NULL, NULL, TRUE,
                                               G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  gtk_widget_class_set_css_name (widget_class, "preview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
at_preview_init (AtPreview *self)
{
  self->fit = TRUE;
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, "Generated image", -1);
}

GtkWidget *
at_preview_new (void)
{
  return g_object_new (AT_TYPE_PREVIEW, NULL);
}
