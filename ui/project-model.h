/* project-model.h — which model a project generates with, as the studio's
 * pickers had it (model-picker.h, control-picker.h): a model of the
 * user's library by name, its image size, and the ControlNet and strength
 * chosen for it. "sd_model" in docs/PROJECT_FORMAT.md; a project without
 * it uses the built-in model. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct {
  char *name;               /* a library model's name; NULL: the built-in model */
  guint size;               /* px a side; 0: the model's own */
  char *controlnet;         /* NULL: none */
  double control_strength;
} AtProjectModel;

void at_project_model_clear (AtProjectModel *m);
/* Adds "sd_model" to the object b is building, when a library model is
 * chosen. */
void at_project_model_to_json (const AtProjectModel *m, JsonBuilder *b);
/* Reads "sd_model" of the project object o into m (cleared first); a
 * member of the wrong type reads as absent. */
void at_project_model_from_json (JsonObject *o, AtProjectModel *m);

G_END_DECLS
