/* cli-cues.h — voice cues in the command line's JSON output. */
#pragma once

#include <json-glib/json-glib.h>

#include "audio/cues.h"

G_BEGIN_DECLS

/* Adds member "voice_cues": the measured cues (null when cues is NULL, with
 * "voice_cues_error" holding why_not when given) and, when params is set,
 * "adjustments": the sentences saying what they changed. */
void at_cli_add_voice_cues (JsonBuilder *b, const AtVoiceCues *cues, const AtVoiceCueParams *params,
                            const char *why_not);

G_END_DECLS
