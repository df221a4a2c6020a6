/* cli-json.c — printing JSON, and voice cues as JSON for `transcribe` and
 * `generate`. */
#include <stdio.h>

#include "app/cli-json.h"

void
at_cli_print_json (JsonBuilder *b)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  json_generator_set_pretty (gen, TRUE);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  g_autofree char *text = json_generator_to_data (gen, NULL);
  printf ("%s\n", text);
}

static void
add_double (JsonBuilder *b, const char *name, double value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_double_value (b, value);
}

static void
add_measures (JsonBuilder *b, const AtVoiceCues *c)
{
  json_builder_begin_object (b);
  add_double (b, "duration_s", c->duration_s);
  add_double (b, "voiced_fraction", c->voiced_fraction);
  add_double (b, "pitch_hz", c->pitch_hz);
  add_double (b, "pitch_range_st", c->pitch_range_st);
  add_double (b, "loudness_lufs", c->loudness_lufs);
  add_double (b, "loudness_range_lu", c->loudness_range_lu);
  add_double (b, "rms_dbfs", c->rms_dbfs);
  add_double (b, "rate_wpm", c->rate_wpm);
  json_builder_set_member_name (b, "rate_from");
  json_builder_add_string_value (b, c->rate_source == AT_RATE_FROM_TRANSCRIPT ? "transcript" : "onsets");
  json_builder_end_object (b);
}

void
at_cli_add_voice_cues (JsonBuilder *b, const AtVoiceCues *cues, const AtVoiceCueParams *params,
                       const char *why_not)
{
  json_builder_set_member_name (b, "voice_cues");
  if (cues != NULL)
    add_measures (b, cues);
  else
    json_builder_add_null_value (b);
  if (cues == NULL && why_not != NULL)
    {
      json_builder_set_member_name (b, "voice_cues_error");
      json_builder_add_string_value (b, why_not);
    }
  if (params == NULL)
    return;
  json_builder_set_member_name (b, "adjustments");
  json_builder_begin_array (b);
  for (guint i = 0; i < params->explanations->len; i++)
    json_builder_add_string_value (b, params->explanations->pdata[i]);
  json_builder_end_array (b);
}
