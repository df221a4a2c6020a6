/* test-sd-parameters.c — the PNG "parameters" text of a user's model read
 * back (engine/sd/sd-parameters.h): what at_sd_run_describe() writes
 * (with and without a ControlNet, with a name that needs quoting) parses
 * to the run's model, size, ControlNet and strength; a line as
 * AUTOMATIC1111's ControlNet extension writes it (a hash after the
 * ControlNet's name, more fields) gives the same; text without fields is
 * refused. */
#include <string.h>

#include "sd/sd-control.h"
#include "sd/sd-parameters.h"
#include "sd/sd-pipeline.h"

static void
test_round_trip (void)
{
  int not_a_net;
  AtSdRun run = { "a fox, in snow: at dusk", "blurry", 448, 20, AT_SD_SAMPLER_DPMPP_2M, AT_SD_SIGMAS_KARRAS, 7, 42,
                  NULL, 0.75f, { (AtSdControlNet *) &not_a_net, "my scribble, v2: \"best\"", NULL, 0.65f } };
  g_autofree char *text = at_sd_run_describe (&run, "v1-5-pruned");
  g_test_message ("%s", text);
  g_auto (AtSdParameters) p = { 0 };
  g_assert_true (at_sd_parameters_parse (text, &p));
  g_assert_cmpstr (p.model, ==, "v1-5-pruned");
  g_assert_cmpuint (p.size, ==, 448);
  /* the extension's separators become spaces in the name */
  g_assert_cmpstr (p.controlnet, ==, "my scribble  v2  \"best\"");
  g_assert_cmpfloat_with_epsilon (p.control_strength, 0.65, 1e-6);

  run.control.net = NULL;
  g_autofree char *plain = at_sd_run_describe (&run, "sd_turbo");
  g_assert_null (strstr (plain, "ControlNet"));
  g_auto (AtSdParameters) q = { 0 };
  g_assert_true (at_sd_parameters_parse (plain, &q));
  g_assert_cmpstr (q.model, ==, "sd_turbo");
  g_assert_null (q.controlnet);
  g_assert_cmpfloat (q.control_strength, ==, 1.0f);
}

static void
test_automatic1111 (void)
{
  const char *text = "a cat\nNegative prompt: dog\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1, Size: 512x512, "
                     "Model hash: 6ce0161689, Model: v1-5-pruned-emaonly, ControlNet 0: \"Module: scribble_hed, "
                     "Model: control_v11p_sd15_scribble [d4ba51ff], Weight: 1.2, Resize Mode: Crop and Resize, "
                     "Low Vram: False, Guidance Start: 0, Guidance End: 1\", Version: v1.6.0";
  g_auto (AtSdParameters) p = { 0 };
  g_assert_true (at_sd_parameters_parse (text, &p));
  g_assert_cmpstr (p.model, ==, "v1-5-pruned-emaonly");
  g_assert_cmpuint (p.size, ==, 512);
  g_assert_cmpstr (p.controlnet, ==, "control_v11p_sd15_scribble");
  g_assert_cmpfloat_with_epsilon (p.control_strength, 1.2, 1e-6);

  g_auto (AtSdParameters) none = { 0 };
  g_assert_false (at_sd_parameters_parse ("just a prompt", &none));
  g_assert_null (none.model);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sd/parameters/round-trip", test_round_trip);
  g_test_add_func ("/sd/parameters/automatic1111", test_automatic1111);
  return g_test_run ();
}
