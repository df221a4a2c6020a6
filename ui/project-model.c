/* project-model.c — the project's model choice (project-model.h). */
#define G_LOG_DOMAIN "atelier-ui"

#include "ui/project-model.h"

#include "sd/sd-generate.h"
#include "sd/sd-pipeline.h"

#define MEMBER "sd_model"

void
at_project_model_clear (AtProjectModel *m)
{
  g_clear_pointer (&m->name, g_free);
  g_clear_pointer (&m->controlnet, g_free);
  m->size = 0;
  m->control_strength = 1.0;
}

void
at_project_model_to_json (const AtProjectModel *m, JsonBuilder *b)
{
  if (m->name == NULL)
    return;
  json_builder_set_member_name (b, MEMBER);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, m->name);
  json_builder_set_member_name (b, "size");
  json_builder_add_int_value (b, m->size);
  if (m->controlnet != NULL)
    {
      json_builder_set_member_name (b, "controlnet");
      json_builder_add_string_value (b, m->controlnet);
    }
  json_builder_set_member_name (b, "control_strength");
  json_builder_add_double_value (b, m->control_strength);
  json_builder_end_object (b);
}

static char *
dup_string (JsonObject *o, const char *name)
{
  JsonNode *node = json_object_get_member (o, name);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  const char *s = json_node_get_string (node);
  return s != NULL && *s != '\0' ? g_strdup (s) : NULL;
}

void
at_project_model_from_json (JsonObject *o, AtProjectModel *m)
{
  at_project_model_clear (m);
  JsonNode *node = json_object_get_member (o, MEMBER);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return;
  JsonObject *sd = json_node_get_object (node);
  m->name = dup_string (sd, "name");
  m->controlnet = dup_string (sd, "controlnet");
  gint64 size = json_object_get_int_member_with_default (sd, "size", 0);
  m->size = size > 0 && size <= AT_SD_SIZE_MAX && size % AT_SD_SIZE_MULTIPLE == 0 ? (guint) size : 0;
  double s = json_object_get_double_member_with_default (sd, "control_strength", 1.0);
  m->control_strength = s >= 0.0 && s <= AT_SD_CONTROL_MAX_STRENGTH ? s : 1.0;
}
