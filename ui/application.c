/* application.c — application-wide actions and window creation. */
#define G_LOG_DOMAIN "atelier-ui"

#include "atelier-config.h"
#include "ui/application.h"
#include "ui/window.h"

struct _AtApplication {
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (AtApplication, at_application, ADW_TYPE_APPLICATION)

static void
at_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  if (window == NULL)
    window = GTK_WINDOW (at_window_new (AT_APPLICATION (app)));
  gtk_window_present (window);
}

static void
quit_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
about_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (user_data));
  adw_show_about_window (parent,
                         "application-name", "Atelier",
                         "application-icon", AT_APP_ID,
                         "version", AT_VERSION,
                         "comments", "Sketch, describe and speak; generate illustrations on any Vulkan GPU.",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         NULL);
}

static const GActionEntry app_actions[] = {
  { "quit", quit_activated },
  { "about", about_activated },
};

static void
at_application_startup (GApplication *app)
{
  G_APPLICATION_CLASS (at_application_parent_class)->startup (app);
  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit",
                                         (const char *[]) { "<Control>q", NULL });
}

static void
at_application_class_init (AtApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);
  app_class->activate = at_application_activate;
  app_class->startup = at_application_startup;
}

static void
at_application_init (AtApplication *self)
{
}

AtApplication *
at_application_new (void)
{
  return g_object_new (AT_TYPE_APPLICATION,
                       "application-id", AT_APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/org/atelier/Studio",
                       NULL);
}
