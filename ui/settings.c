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
