/* application.c — application-wide actions and window creation. */
#define G_LOG_DOMAIN "atelier-ui"

#include "atelier-config.h"
#include "ui/application.h"
#include "ui/preferences-window.h"
#include "ui/settings.h"
#include "ui/window.h"

struct _AtApplication {
  AdwApplication parent_instance;
  GSettings *settings;
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
at_application_open (GApplication *app, GFile **files, int n_files, const char *hint)
{
  /* one window per project */
  for (int i = 0; i < n_files; i++)
    {
      AtWindow *window = at_window_new (AT_APPLICATION (app));
      at_window_open (window, files[i]);
      gtk_window_present (GTK_WINDOW (window));
    }
}

static void
preferences_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (user_data));
  gtk_window_present (GTK_WINDOW (at_preferences_window_new (parent)));
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
  /* the built-in model learned from these (tools/dataset/build.py) */
  static const char *emoji[] = { "Noto Emoji (emoji-datasource-google) https://github.com/googlefonts/noto-emoji", NULL };
  static const char *labels[] = { "Emojibase data (CLDR labels and tags) https://emojibase.dev", NULL };
  static const char *tabler[] = { "Tabler Icons https://tabler.io/icons", NULL };
  static const char *lucide[] = { "Lucide https://lucide.dev", NULL };
  static const char *voices[] = { "eSpeak NG (synthetic voice prompts) https://github.com/espeak-ng/espeak-ng", NULL };
  AdwAboutWindow *about = ADW_ABOUT_WINDOW (adw_about_window_new ());
  adw_about_window_add_credit_section (about, "Training images: Apache-2.0", emoji);
  adw_about_window_add_credit_section (about, "Training captions: MIT", labels);
  adw_about_window_add_credit_section (about, "Training icons: MIT", tabler);
  adw_about_window_add_credit_section (about, "Training icons: ISC", lucide);
  adw_about_window_add_credit_section (about, "Training voices: synthesised with", voices);
  adw_about_window_add_legal_section (about, "Noto Emoji", "Copyright Google Inc.", GTK_LICENSE_APACHE_2_0, NULL);
  adw_about_window_add_legal_section (about, "Emojibase", "Copyright Miles Johnson", GTK_LICENSE_MIT_X11, NULL);
  adw_about_window_add_legal_section (about, "Tabler Icons", "Copyright Paweł Kuna", GTK_LICENSE_MIT_X11, NULL);
  adw_about_window_add_legal_section (about, "Lucide", "Copyright Lucide Contributors", GTK_LICENSE_CUSTOM,
                                      "ISC License");
  gtk_window_set_transient_for (GTK_WINDOW (about), parent);
  g_object_set (about,
                         "application-name", "Atelier",
                         "application-icon", AT_APP_ID,
                         "version", AT_VERSION,
                         "comments", "Sketch, describe and speak; generate illustrations on any Vulkan GPU.",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "website", "https://github.com/atelier-studio/atelier",
                         "developer-name", "The Atelier developers",
                         NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static const GActionEntry app_actions[] = {
  { "quit", quit_activated },
  { "about", about_activated },
  { "preferences", preferences_activated },
};

/* Follows the system's light/dark preference unless the designer chose. */
static void
apply_style (AtApplication *self)
{
  g_autofree char *style = g_settings_get_string (self->settings, "style");
  AdwColorScheme scheme = g_str_equal (style, "dark")    ? ADW_COLOR_SCHEME_FORCE_DARK
                          : g_str_equal (style, "light") ? ADW_COLOR_SCHEME_FORCE_LIGHT
                                                         : ADW_COLOR_SCHEME_DEFAULT;
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), scheme);
}

static void
at_application_startup (GApplication *app)
{
  AtApplication *self = AT_APPLICATION (app);
  G_APPLICATION_CLASS (at_application_parent_class)->startup (app);
  self->settings = at_settings_new ();
  if (self->settings != NULL)
    {
      apply_style (self);
      g_signal_connect_swapped (self->settings, "changed::style", G_CALLBACK (apply_style), self);
    }
  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit",
                                         (const char *[]) { "<Control>q", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.preferences",
                                         (const char *[]) { "<Control>comma", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.show-help-overlay",
                                         (const char *[]) { "<Control>question", NULL });
}

static void
at_application_finalize (GObject *object)
{
  AtApplication *self = AT_APPLICATION (object);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (at_application_parent_class)->finalize (object);
}

static void
at_application_class_init (AtApplicationClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = at_application_finalize;
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);
  app_class->activate = at_application_activate;
  app_class->startup = at_application_startup;
  app_class->open = at_application_open;
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
