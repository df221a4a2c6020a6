/* settings.c — finds the schema installed, or compiled in the build tree. */
#define G_LOG_DOMAIN "atelier-ui"

#include "atelier-config.h"
#include "ui/settings.h"

GSettings *
at_settings_new (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = source != NULL ? g_settings_schema_source_lookup (source, AT_APP_ID, TRUE) : NULL;
  if (schema == NULL && g_file_test (AT_BUILD_SCHEMA_DIR "/gschemas.compiled", G_FILE_TEST_EXISTS))
    {
      g_autoptr (GSettingsSchemaSource) build = g_settings_schema_source_new_from_directory (AT_BUILD_SCHEMA_DIR, source, FALSE, NULL);
      if (build != NULL)
        schema = g_settings_schema_source_lookup (build, AT_APP_ID, FALSE);
    }
  if (schema == NULL)
    {
      g_message ("The settings schema %s is not installed; preferences will not be kept", AT_APP_ID);
      return NULL;
    }
  return g_settings_new_full (schema, NULL, NULL);
}

char *
at_settings_get_export_folder (GSettings *settings)
{
  g_autofree char *chosen = settings != NULL ? g_settings_get_string (settings, "export-folder") : NULL;
  if (chosen != NULL && *chosen != '\0' && g_file_test (chosen, G_FILE_TEST_IS_DIR))
    return g_steal_pointer (&chosen);
  const char *pictures = g_get_user_special_dir (G_USER_DIRECTORY_PICTURES);
  if (pictures != NULL && g_file_test (pictures, G_FILE_TEST_IS_DIR))
    return g_strdup (pictures);
  return g_strdup (g_get_home_dir ());
}
