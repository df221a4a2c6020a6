/* canvas-tools.c — mask, view and underlay controls bound to the canvas. */
#define G_LOG_DOMAIN "atelier-ui"

#include "media/mask.h"
#include "ui/canvas-tools.h"

struct _AtCanvasTools {
  GtkWidget parent_instance;

  GtkFlowBox *row;          /* wraps in a narrow sheet, as the toolbar above does */
  AtSketchCanvas *canvas;   /* weak: the window owns both */
  GtkToggleButton *mask_brush;
  GtkToggleButton *mask_rect;
  GtkToggleButton *place;
  GtkSpinButton *feather;
  GtkToggleButton *underlay_shown;
  GtkScale *underlay_opacity;
  GPtrArray *bindings;
  gulong tool_handler;
};

enum {
  PROP_0,
  PROP_CANVAS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (AtCanvasTools, at_canvas_tools, GTK_TYPE_WIDGET)

/* A button with an icon, a tooltip and the same text for screen readers. */
static GtkWidget *
icon_button (GtkWidget *button, const char *icon, const char *tooltip, const char *label)
{
  gtk_button_set_icon_name (GTK_BUTTON (button), icon);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  return button;
}

/* A divider between groups, as tall as a button. */
static GtkWidget *
separator (void)
{
  GtkWidget *line = gtk_separator_new (GTK_ORIENTATION_VERTICAL);
  gtk_widget_set_size_request (line, -1, 24);
  return line;
}

static void
append (AtCanvasTools *self, GtkWidget *child)
{
  /* each keeps its own size in the wrapping row's cells */
  gtk_widget_set_halign (child, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (child, GTK_ALIGN_CENTER);
  gtk_flow_box_append (self->row, child);
  /* the control takes the focus, not the flow box's cell around it */
  gtk_widget_set_focusable (gtk_widget_get_parent (child), FALSE);
}

/* The mask and place toggles choose the canvas tool; all off is the pen. */
static void
mask_toggled (GtkToggleButton *button, AtCanvasTools *self)
{
  if (self->canvas == NULL)
    return;
  AtSketchTool tool = gtk_toggle_button_get_active (self->mask_brush) ? AT_SKETCH_TOOL_MASK_BRUSH
                      : gtk_toggle_button_get_active (self->mask_rect) ? AT_SKETCH_TOOL_MASK_RECT
                      : gtk_toggle_button_get_active (self->place)     ? AT_SKETCH_TOOL_PLACE
                                                                       : AT_SKETCH_TOOL_PEN;
  at_sketch_canvas_set_tool (self->canvas, tool);
}

static void
tool_changed (AtSketchCanvas *canvas, GParamSpec *pspec, AtCanvasTools *self)
{
  AtSketchTool tool = at_sketch_canvas_get_tool (canvas);
  gtk_toggle_button_set_active (self->mask_brush, tool == AT_SKETCH_TOOL_MASK_BRUSH);
  gtk_toggle_button_set_active (self->mask_rect, tool == AT_SKETCH_TOOL_MASK_RECT);
  gtk_toggle_button_set_active (self->place, tool == AT_SKETCH_TOOL_PLACE);
}

static void
unbind (AtCanvasTools *self)
{
  if (self->canvas == NULL)
    return;
  for (guint i = 0; i < self->bindings->len; i++)
    g_binding_unbind (self->bindings->pdata[i]);
  g_ptr_array_set_size (self->bindings, 0);
  g_clear_signal_handler (&self->tool_handler, self->canvas);
  g_object_remove_weak_pointer (G_OBJECT (self->canvas), (gpointer *) &self->canvas);
  self->canvas = NULL;
}

static void
bind (AtCanvasTools *self, const char *canvas_prop, gpointer target, const char *target_prop)
{
  GBinding *b = g_object_bind_property (self->canvas, canvas_prop, target, target_prop,
                                        G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_ptr_array_add (self->bindings, g_object_ref (b));
}

void
at_canvas_tools_set_canvas (AtCanvasTools *self, AtSketchCanvas *canvas)
{
  g_return_if_fail (AT_IS_CANVAS_TOOLS (self));
  if (self->canvas == canvas)
    return;
  unbind (self);
  self->canvas = canvas;
  if (canvas != NULL)
    {
      g_object_add_weak_pointer (G_OBJECT (canvas), (gpointer *) &self->canvas);
      bind (self, "mask-feather", gtk_spin_button_get_adjustment (self->feather), "value");
      bind (self, "underlay-visible", self->underlay_shown, "active");
      bind (self, "underlay-opacity", gtk_range_get_adjustment (GTK_RANGE (self->underlay_opacity)), "value");
      self->tool_handler = g_signal_connect (canvas, "notify::tool", G_CALLBACK (tool_changed), self);
      tool_changed (canvas, NULL, self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CANVAS]);
}

AtSketchCanvas *
at_canvas_tools_get_canvas (AtCanvasTools *self)
{
  g_return_val_if_fail (AT_IS_CANVAS_TOOLS (self), NULL);
  return self->canvas;
}

static void
zoom_fit (GtkButton *button, AtCanvasTools *self)
{
  if (self->canvas != NULL)
    at_sketch_canvas_zoom_fit (self->canvas);
}

static void
zoom_actual (GtkButton *button, AtCanvasTools *self)
{
  if (self->canvas != NULL)
    at_sketch_canvas_zoom_actual (self->canvas);
}

static void
clear_mask (GtkButton *button, AtCanvasTools *self)
{
  if (self->canvas != NULL)
    at_sketch_canvas_clear_mask (self->canvas);
}

static void
build_mask_tools (AtCanvasTools *self)
{
  self->mask_brush = GTK_TOGGLE_BUTTON (icon_button (gtk_toggle_button_new (), "atelier-mask-brush-symbolic",
                                                     "Mask Brush: paint the region to regenerate", "Mask brush"));
  self->mask_rect = GTK_TOGGLE_BUTTON (icon_button (gtk_toggle_button_new (), "atelier-mask-rect-symbolic",
                                                    "Mask Rectangle: drag out the region to regenerate",
                                                    "Mask rectangle"));
  gtk_toggle_button_set_group (self->mask_rect, self->mask_brush);
  g_signal_connect (self->mask_brush, "toggled", G_CALLBACK (mask_toggled), self);
  g_signal_connect (self->mask_rect, "toggled", G_CALLBACK (mask_toggled), self);
  append (self, GTK_WIDGET (self->mask_brush));
  append (self, GTK_WIDGET (self->mask_rect));

  self->feather = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (0, 64, 1));
  gtk_editable_set_width_chars (GTK_EDITABLE (self->feather), 2);
  gtk_spin_button_set_value (self->feather, AT_MASK_DEFAULT_FEATHER);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->feather), "Feather: the mask's soft edge in pixels");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->feather), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Mask feather", -1);
  append (self, GTK_WIDGET (self->feather));

  GtkWidget *clear = icon_button (gtk_button_new (), "edit-clear-all-symbolic", "Clear Mask", "Clear mask");
  g_signal_connect (clear, "clicked", G_CALLBACK (clear_mask), self);
  append (self, clear);
}

/* In the mask toggles' group: one tool at a time. */
static void
build_place_tool (AtCanvasTools *self)
{
  self->place = GTK_TOGGLE_BUTTON (icon_button (gtk_toggle_button_new (), "atelier-place-shape-symbolic",
                                                "Place Shape: drag out a box, then choose a suggestion below to "
                                                "draw it there",
                                                "Place shape"));
  gtk_toggle_button_set_group (self->place, self->mask_brush);
  g_signal_connect (self->place, "toggled", G_CALLBACK (mask_toggled), self);
  append (self, GTK_WIDGET (self->place));
}

static void
build_view_tools (AtCanvasTools *self)
{
  append (self, separator ());
  GtkWidget *fit = icon_button (gtk_button_new (), "zoom-fit-best-symbolic", "Fit Sheet (Ctrl+wheel zooms, space-drag pans)",
                                "Fit sheet");
  g_signal_connect (fit, "clicked", G_CALLBACK (zoom_fit), self);
  append (self, fit);
  GtkWidget *actual = icon_button (gtk_button_new (), "zoom-original-symbolic", "Zoom to 100%", "Zoom to 100%");
  g_signal_connect (actual, "clicked", G_CALLBACK (zoom_actual), self);
  append (self, actual);

  append (self, separator ());
  self->underlay_shown = GTK_TOGGLE_BUTTON (icon_button (gtk_toggle_button_new (), "view-reveal-symbolic",
                                                         "Show Underlay", "Show underlay"));
  gtk_toggle_button_set_active (self->underlay_shown, TRUE);
  append (self, GTK_WIDGET (self->underlay_shown));
  self->underlay_opacity = GTK_SCALE (gtk_scale_new_with_range (GTK_ORIENTATION_HORIZONTAL, 0, 1, 0.05));
  gtk_range_set_value (GTK_RANGE (self->underlay_opacity), 0.25);
  gtk_scale_set_draw_value (self->underlay_opacity, FALSE);
  /* narrow: the row wraps rather than widen the sheet past the preview */
  gtk_widget_set_size_request (GTK_WIDGET (self->underlay_opacity), 56, -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->underlay_opacity), "Underlay Opacity");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->underlay_opacity), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Underlay opacity", -1);
  append (self, GTK_WIDGET (self->underlay_opacity));
}

static void
at_canvas_tools_dispose (GObject *object)
{
  AtCanvasTools *self = AT_CANVAS_TOOLS (object);
  unbind (self);
  if (self->row != NULL)
    gtk_widget_unparent (GTK_WIDGET (self->row));
  self->row = NULL;
  G_OBJECT_CLASS (at_canvas_tools_parent_class)->dispose (object);
}

static void
at_canvas_tools_finalize (GObject *object)
{
  AtCanvasTools *self = AT_CANVAS_TOOLS (object);
  g_ptr_array_unref (self->bindings);
  G_OBJECT_CLASS (at_canvas_tools_parent_class)->finalize (object);
}

static void
at_canvas_tools_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  AtCanvasTools *self = AT_CANVAS_TOOLS (object);
  switch (prop_id)
    {
    case PROP_CANVAS:
      g_value_set_object (value, self->canvas);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
at_canvas_tools_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  AtCanvasTools *self = AT_CANVAS_TOOLS (object);
  switch (prop_id)
    {
    case PROP_CANVAS:
      at_canvas_tools_set_canvas (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
at_canvas_tools_class_init (AtCanvasToolsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->dispose = at_canvas_tools_dispose;
  object_class->finalize = at_canvas_tools_finalize;
  object_class->get_property = at_canvas_tools_get_property;
  object_class->set_property = at_canvas_tools_set_property;
  properties[PROP_CANVAS] = g_param_spec_object ("canvas", NULL, NULL, AT_TYPE_SKETCH_CANVAS,
                                                 G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "canvastools");
  gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BIN_LAYOUT);
}

static void
at_canvas_tools_init (AtCanvasTools *self)
{
  self->bindings = g_ptr_array_new_with_free_func (g_object_unref);
  self->row = GTK_FLOW_BOX (gtk_flow_box_new ());
  gtk_flow_box_set_selection_mode (self->row, GTK_SELECTION_NONE);
  gtk_flow_box_set_column_spacing (self->row, 4);
  gtk_flow_box_set_row_spacing (self->row, 4);
  gtk_flow_box_set_max_children_per_line (self->row, 16);
  gtk_flow_box_set_min_children_per_line (self->row, 4);
  gtk_widget_add_css_class (GTK_WIDGET (self->row), "toolbar");
  gtk_widget_set_parent (GTK_WIDGET (self->row), GTK_WIDGET (self));
  build_mask_tools (self);
  build_place_tool (self);
  build_view_tools (self);
}

GtkWidget *
at_canvas_tools_new (AtSketchCanvas *canvas)
{
  return g_object_new (AT_TYPE_CANVAS_TOOLS, "canvas", canvas, NULL);
}
