/* sd-parameters.c — a parameters text read back (sd-parameters.h). */
#include "sd/sd-parameters.h"

#include <string.h>

/* A quoted value from *p (at its opening quote) to its closing one,
 * unescaped; *p moves past it. */
static char *
read_quoted (const char **p)
{
  GString *v = g_string_new (NULL);
  const char *s = *p + 1;
  for (; *s != '\0' && *s != '"'; s++)
    {
      if (*s == '\\' && s[1] != '\0')
        {
          s++;
          g_string_append_c (v, *s == 'n' ? '\n' : *s);
        }
      else
        g_string_append_c (v, *s);
    }
  *p = *s == '"' ? s + 1 : s;
  return g_string_free (v, FALSE);
}

/* "Key: value, Key: "quoted, value", ..." -> key -> value. */
static GHashTable *
read_fields (const char *line)
{
  GHashTable *fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  const char *p = line;
  while (*p != '\0')
    {
      while (*p == ' ')
        p++;
      const char *colon = strstr (p, ": ");
      if (colon == NULL)
        break;
      char *key = g_strndup (p, colon - p);
      p = colon + 2;
      char *value;
      if (*p == '"')
        value = read_quoted (&p);
      else
        {
          const char *end = strstr (p, ", ");
          end = end != NULL ? end : p + strlen (p);
          value = g_strndup (p, end - p);
          p = end;
        }
      g_hash_table_replace (fields, key, value);
      if (*p == ',')
        p++;
    }
  return fields;
}

gboolean
at_sd_parameters_parse (const char *text, AtSdParameters *out)
{
  memset (out, 0, sizeof *out);
  out->control_strength = 1.0f;
  if (text == NULL)
    return FALSE;
  const char *nl = strrchr (text, '\n');
  g_autoptr (GHashTable) fields = read_fields (nl != NULL ? nl + 1 : text);
  if (g_hash_table_size (fields) == 0)
    return FALSE;
  out->model = g_strdup (g_hash_table_lookup (fields, "Model"));
  const char *size = g_hash_table_lookup (fields, "Size");
  if (size != NULL)
    out->size = (guint) g_ascii_strtoull (size, NULL, 10);
  const char *unit = g_hash_table_lookup (fields, "ControlNet 0");
  if (unit != NULL)
    {
      g_autoptr (GHashTable) u = read_fields (unit);
      out->controlnet = g_strdup (g_hash_table_lookup (u, "Model"));
      char *hash = out->controlnet != NULL ? strstr (out->controlnet, " [") : NULL;
      if (hash != NULL && g_str_has_suffix (hash, "]"))   /* the extension's "name [hash]" */
        *hash = '\0';
      const char *weight = g_hash_table_lookup (u, "Weight");
      if (weight != NULL)
        out->control_strength = (float) g_ascii_strtod (weight, NULL);
    }
  return TRUE;
}

void
at_sd_parameters_clear (AtSdParameters *p)
{
  g_clear_pointer (&p->model, g_free);
  g_clear_pointer (&p->controlnet, g_free);
}
