/* preview.c — the result image, scaled with the filter the designer picks. */
#define G_LOG_DOMAIN "atelier-ui"

#include <math.h>

#include "ui/preview.h"
#include "ui/image-util.h"

struct _AtPreview {
  GtkWidget parent_instance;
  AtImage *image;
  cairo_surface_t *surface;
  AtImage *refined;               /* shown in place of image, or NULL */
  cairo_surface_t *refined_surface;
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

static cairo_surface_t *
surface_for (const AtImage *img)
{
  return img->channels == 4 ? at_cairo_surface_new_with_alpha (img) : at_cairo_surface_new_from_image (img);
}

/* Light and dark grey squares of 8 px, where transparency shows. */
static void
paint_checkerboard (cairo_t *cr, double w, double h)
{
  const double side = 8;
  cairo_set_source_rgb (cr, 0.94, 0.94, 0.94);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 0.78, 0.78, 0.78);
  for (int y = 0; y * side < h; y++)
    for (int x = (y % 2); x * side < w; x += 2)
      cairo_rectangle (cr, x * side, y * side, MIN (side, w - x * side), MIN (side, h - y * side));
  cairo_fill (cr);
}

static void
at_preview_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  AtPreview *self = AT_PREVIEW (widget);
  double w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  if (self->surface == NULL || w < 2 || h < 2)
    return;
  const AtImage *shown = self->refined != NULL ? self->refined : self->image;
  cairo_surface_t *surface = self->refined != NULL ? self->refined_surface : self->surface;
  double iw = shown->width, ih = shown->height;
  /* fitted or 1:1, the refined image takes the model image's place on screen */
  double scale = self->fit ? MIN ((w - 16) / iw, (h - 16) / ih) : (double) self->image->width / iw;
  if (scale <= 0)
    return;
  /* crisp pixels need whole-pixel scale factors, else columns differ in width */
  /* crisp applies to the model's own pixels; a refined image is drawn smooth */
  gboolean crisp = !self->smooth && self->refined == NULL;
  if (crisp && scale > 1)
    scale = floor (scale);
  double dw = iw * scale, dh = ih * scale;
  graphene_rect_t rect = GRAPHENE_RECT_INIT ((float) ((w - dw) / 2), (float) ((h - dh) / 2), (float) dw, (float) dh);
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &rect);
  cairo_translate (cr, rect.origin.x, rect.origin.y);
  if (shown->channels == 4)
    paint_checkerboard (cr, dw, dh);
  cairo_scale (cr, scale, scale);
  cairo_set_source_surface (cr, surface, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), crisp ? CAIRO_FILTER_NEAREST : CAIRO_FILTER_GOOD);
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
  /* a step's preview replaces one of its size: a redraw, not a relayout of the window */
  gboolean same_size = img != NULL && self->image != NULL && img->width == self->image->width &&
                       img->height == self->image->height;
  g_clear_pointer (&self->image, at_image_free);
  g_clear_pointer (&self->surface, cairo_surface_destroy);
  g_clear_pointer (&self->refined, at_image_free);
  g_clear_pointer (&self->refined_surface, cairo_surface_destroy);
  if (img != NULL)
    {
      self->image = at_image_copy (img);
      self->surface = surface_for (img);
    }
  self->serial++;
  if (same_size)
    gtk_widget_queue_draw (GTK_WIDGET (self));
  else
    gtk_widget_queue_resize (GTK_WIDGET (self));
}

const AtImage *
at_preview_get_image (AtPreview *self)
{
  g_return_val_if_fail (AT_IS_PREVIEW (self), NULL);
  return self->image;
}

void
at_preview_set_refined (AtPreview *self, const AtImage *refined, guint serial)
{
  g_return_if_fail (AT_IS_PREVIEW (self));
  if (serial != self->serial || self->image == NULL)
    return;
  g_clear_pointer (&self->refined, at_image_free);
  g_clear_pointer (&self->refined_surface, cairo_surface_destroy);
  if (refined != NULL)
    {
      self->refined = at_image_copy (refined);
      self->refined_surface = surface_for (refined);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const AtImage *
at_preview_get_refined (AtPreview *self)
{
  g_return_val_if_fail (AT_IS_PREVIEW (self), NULL);
  return self->refined;
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
  g_clear_pointer (&self->refined, at_image_free);
  g_clear_pointer (&self->refined_surface, cairo_surface_destroy);
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
