/* window.c — the studio window; its layout lives in resources/ui/window.ui. */
#define G_LOG_DOMAIN "atelier-ui"

#include "ui/window.h"

struct _AtWindow {
  AdwApplicationWindow parent_instance;
  AdwStatusPage *status_page;
};

G_DEFINE_FINAL_TYPE (AtWindow, at_window, ADW_TYPE_APPLICATION_WINDOW)

static void
at_window_class_init (AtWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/atelier/Studio/ui/window.ui");
  gtk_widget_class_bind_template_child (widget_class, AtWindow, status_page);
}

static void
at_window_init (AtWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

AtWindow *
at_window_new (AtApplication *app)
{
  return g_object_new (AT_TYPE_WINDOW, "application", app, NULL);
}
