/* sd-parameters.h — reading back what at_sd_run_describe() (and
 * AUTOMATIC1111) writes into a PNG's "parameters" text: its last line of
 * "Key: value" fields separated by ", ", a value in double quotes (a JSON
 * string) when it holds a comma or colon. The studio restores the model,
 * size and ControlNet of a History item from it. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  char *model;              /* "Model", or NULL */
  guint size;               /* "Size: WxH": W (the studio's images are square), or 0 */
  char *controlnet;         /* "ControlNet 0"'s "Model", or NULL */
  float control_strength;   /* its "Weight"; 1 when not given */
} AtSdParameters;

/* Fills out from text (missing fields stay NULL/0); FALSE when text has no
 * "Key: value" line at all. */
gboolean at_sd_parameters_parse (const char *text, AtSdParameters *out);
void at_sd_parameters_clear (AtSdParameters *p);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (AtSdParameters, at_sd_parameters_clear)

G_END_DECLS
