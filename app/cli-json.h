/* cli-json.h — the command line's JSON output: printing it, and the voice
 * cues that `transcribe` and `generate` both report. */
#pragma once

#include <json-glib/json-glib.h>

#include "audio/cues.h"

G_BEGIN_DECLS

/* Prints the builder's document, indented, and a newline on stdout. */
void at_cli_print_json (JsonBuilder *b);

/* Adds member "voice_cues": the measured cues (null when cues is NULL, with
 * "voice_cues_error" holding why_not when given) and, when params is set,
 * "adjustments": the sentences saying what they changed. */
void at_cli_add_voice_cues (JsonBuilder *b, const AtVoiceCues *cues, const AtVoiceCueParams *params,
                            const char *why_not);

G_END_DECLS
