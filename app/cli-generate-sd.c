/* cli-generate-sd.c — `atelier generate --model`: a user's SD checkpoint
 * run from the command line (cli-generate-sd.h). */
#include "app/cli-generate-sd.h"

#include <stdio.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "app/cli-args.h"
#include "app/cli-json.h"
#include "app/cli.h"
#include "sd/sd-control.h"
#include "sd/sd-defaults.h"
#include "sd/sd-library.h"
#include "sd/sd-memory.h"
#include "sd/sd-pipeline.h"

#define MAX_INPUT_SIDE 4096
#define DEFAULT_STRENGTH 0.75

#define bad(error, ...) at_fail (error, AT_SD_ERROR, AT_SD_ERROR_INVALID, __VA_ARGS__)

/* A path when it names a file (or looks like one), else a model of the
 * library by name. */
static char *
model_path (const char *model, GError **error)
{
  if (g_file_test (model, G_FILE_TEST_EXISTS) || strchr (model, G_DIR_SEPARATOR) != NULL
      || g_str_has_suffix (model, ".safetensors"))
    return g_strdup (model);
  g_autoptr (GPtrArray) entries = at_sd_library_list (error);
  if (entries == NULL)
    return NULL;
  for (guint i = 0; i < entries->len; i++)
    {
      const AtSdLibraryEntry *e = entries->pdata[i];
      if (strcmp (e->name, model) != 0)
        continue;
      if (e->problem != NULL)
        return bad (error, "model \"%s\" cannot be used: %s", model, e->problem), NULL;
      return g_strdup (e->path);
    }
  bad (error, "no model called \"%s\" (atelier models list shows them; a file path works too)", model);
  return NULL;
}

static gboolean
parse_prediction (const char *text, AtSdPrediction *out, GError **error)
{
  *out = AT_SD_PREDICTION_AUTO;
  if (text == NULL)
    return TRUE;
  if (strcmp (text, "eps") == 0 || strcmp (text, "epsilon") == 0)
    *out = AT_SD_PREDICTION_EPSILON;
  else if (strcmp (text, "v") == 0)
    *out = AT_SD_PREDICTION_V;
  else
    return bad (error, "--prediction must be eps or v, not \"%s\"", text);
  return TRUE;
}

/* The run from the model's defaults and what was typed. */
static gboolean
make_run (const AtCliSdOptions *o, const AtSdArch *arch, AtSdRun *run, GError **error)
{
  AtSdDefaults d;
  at_sd_defaults_for (arch, &d);
  *run = (AtSdRun) { o->prompt, o->negative, d.size, d.steps, d.sampler, 0, d.guidance, 0, NULL, DEFAULT_STRENGTH };
  if (o->sampler != NULL && !at_sd_sampler_from_name (o->sampler, &run->sampler))
    return bad (error, "unknown sampler \"%s\"; with --model: euler, euler_a or dpmpp_2m", o->sampler);
  run->sigmas = at_sd_sigmas_for (arch, run->sampler);
  if (o->size_text != NULL)
    run->size = o->size < 0 || o->size > G_MAXUINT ? 0 : (guint) o->size;
  if (o->steps_text != NULL)
    run->steps = o->steps < 0 || o->steps > G_MAXUINT ? 0 : (guint) o->steps;
  if (o->guidance_text != NULL)
    run->guidance = o->guidance;
  if (o->strength_text != NULL)
    run->strength = o->strength;
  if (o->seed_text != NULL && o->seed > G_MAXUINT32 - (guint64) o->count + 1)
    return bad (error, "--seed must be from 0 to %u with --model", G_MAXUINT32 - o->count + 1);
  run->seed = o->seed_text != NULL ? (guint32) o->seed : (guint32) g_random_int_range (0, G_MAXINT32);
  if (o->strength_text != NULL && o->init == NULL && o->sketch == NULL)
    return bad (error, "--strength needs --init or --sketch");
  if (o->strength_text != NULL && o->init == NULL && o->controlnet != NULL)
    return bad (error, "--strength needs --init with --controlnet (--sketch is then the ControlNet's hint, "
                "not a starting image)");
  return TRUE;
}

/* The ControlNet of --controlnet, checked against the model (arch), and
 * its strength into run; *control stays NULL without one. */
static gboolean
open_control (const AtCliSdOptions *o, const AtSdArch *arch, AtSdRun *run, AtSdControlFile **control,
              GError **error)
{
  double strength = 1.0;
  if (o->controlnet == NULL)
    return o->control_strength_text == NULL || bad (error, "--control-strength needs --controlnet");
  if (o->sketch == NULL && o->init == NULL)
    return bad (error, "--controlnet needs --sketch (or --init): the drawing it follows");
  if (!at_cli_double_arg ("--control-strength", o->control_strength_text, 0.0, AT_SD_CONTROL_MAX_STRENGTH, &strength,
                          error))
    return FALSE;
  g_autofree char *path = model_path (o->controlnet, error);
  if (path == NULL || (*control = at_sd_control_file_open (path, arch, error)) == NULL)
    return FALSE;
  run->control = (AtSdRunControl) { NULL, at_sd_control_file_get_name (*control), NULL, (float) strength };
  return TRUE;
}

static void
show_step (guint step, guint n_steps, gpointer user_data)
{
  const int *image = user_data;
  fprintf (stderr, "image %d/%d step %u/%u\n", image[0] + 1, image[1], step, n_steps);
  fflush (stderr);
}

static void
print_json (const char *path, const AtSdRun *run, AtOutputSet *outputs,
            GPtrArray *parameters)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "model");
  json_builder_add_string_value (b, path);
  json_builder_set_member_name (b, "images");
  json_builder_begin_array (b);
  for (guint i = 0; i < parameters->len; i++)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "path");
      json_builder_add_string_value (b, at_atomic_file_get_path (at_output_set_get (outputs, i)));
      json_builder_set_member_name (b, "seed");
      json_builder_add_int_value (b, run->seed + i);
      json_builder_set_member_name (b, "size");
      json_builder_add_int_value (b, run->size);
      json_builder_set_member_name (b, "parameters");
      json_builder_add_string_value (b, parameters->pdata[i]);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  at_cli_print_json (b);
}

/* Every image, written, then all named at once: a failure leaves none. */
static gboolean
generate_all (const AtCliSdOptions *o, AtSdPipeline *pipeline, AtSdRun *run, const char *model_name,
              AtOutputSet *outputs, GPtrArray *parameters, GError **error)
{
  guint n = at_output_set_get_length (outputs);
  guint32 seed = run->seed;
  for (guint i = 0; i < n; i++)
    {
      int image[2] = { (int) i, (int) n };
      run->seed = seed + i;
      g_autoptr (AtImage) img = at_sd_pipeline_generate (pipeline, run, o->quiet ? NULL : show_step, image, NULL,
                                                         error);
      if (img == NULL)
        return FALSE;
      char *text = at_sd_run_describe (run, model_name);
      g_ptr_array_add (parameters, text);
      const char *keys[] = { "parameters", "Software", NULL };
      const char *values[] = { text, "Atelier", NULL };
      if (!at_image_write_png (img, at_output_set_get (outputs, i), keys, values, error))
        return FALSE;
    }
  run->seed = seed;
  return at_output_set_commit (outputs, error);
}

static int
fail (GError *error)
{
  gboolean bad_input = error->domain == AT_SD_ERROR || error->domain == AT_SAFETENSORS_ERROR
                       || error->domain == G_FILE_ERROR
                       || g_error_matches (error, AT_GPU_ERROR, AT_GPU_ERROR_OUT_OF_MEMORY);
  return at_cli_fail_with ("generate", error, bad_input ? AT_EXIT_BAD_INPUT : -1);
}

int
at_cli_generate_sd (const AtCliSdOptions *o, AtOutputSet *outputs)
{
  GError *error = NULL;
  AtSdPrediction prediction;
  if (o->unused != NULL)
    {
      bad (&error, "%s is not used with --model (a Stable Diffusion checkpoint takes --prompt, --negative, "
           "--init or --sketch, --strength, --controlnet, --control-strength, --size, --steps, --sampler, --guidance, "
           "--seed, --count)", o->unused);
      return fail (error);
    }
  if (o->init != NULL && o->sketch != NULL && o->controlnet == NULL)
    return bad (&error, "give --init or --sketch, not both, with --model (with --controlnet, --sketch is its "
                "hint and --init the starting image)"), fail (error);
  g_autofree char *path = model_path (o->model, &error);
  if (path == NULL || !parse_prediction (o->prediction, &prediction, &error))
    return fail (error);
  g_autoptr (AtSdCheckpoint) ckpt = at_sd_checkpoint_open (path, prediction, &error);
  if (ckpt == NULL && error->domain == AT_SD_ERROR)
    g_prefix_error (&error, "%s: ", path);
  if (ckpt == NULL)
    return fail (error);
  const AtSdArch *arch = at_sd_checkpoint_get_arch (ckpt);
  if (at_sd_arch_is_controlnet (arch))
    return bad (&error, "%s is a ControlNet, which guides a model; --model takes a Stable Diffusion checkpoint "
                "(and --controlnet the ControlNet)",
                path), fail (error);
  AtSdRun run;
  g_autoptr (AtGpu) gpu = NULL;   /* freed last: the networks below live on it */
  g_autoptr (AtSdControlFile) control = NULL;
  if (!make_run (o, arch, &run, &error) || !open_control (o, arch, &run, &control, &error))
    return fail (error);
  /* with a ControlNet the sketch is its hint, and only --init a start */
  const char *init_path = o->init != NULL ? o->init : control == NULL ? o->sketch : NULL;
  const char *hint_path = control == NULL ? NULL : o->sketch != NULL ? o->sketch : o->init;
  g_autoptr (AtImage) init = NULL;
  g_autoptr (AtImage) hint = NULL;
  if ((init_path != NULL && (init = at_image_load_reduced (init_path, MAX_INPUT_SIDE, &error)) == NULL)
      || (hint_path != NULL && (hint = at_image_load_reduced (hint_path, MAX_INPUT_SIDE, &error)) == NULL))
    return fail (error);
  run.init = init;
  run.control.sketch = hint;
  /* checked before the device, so that nothing is loaded for a run refused */
  const AtSdArch *control_arch = control != NULL ? at_sd_control_file_get_arch (control) : NULL;
  if (!at_sd_run_validate (&run, &error))
    return fail (error);
  if ((gpu = at_gpu_new (o->device, &error)) == NULL
      || !at_sd_memory_check_controlled (gpu, arch, control_arch, run.size, run.guidance != 1.0f, &error))
    return fail (error);
  if (control != NULL && (run.control.net = at_sd_control_file_get_net (control, gpu, &error)) == NULL)
    return fail (error);
  g_autoptr (AtSdPipeline) pipeline = at_sd_pipeline_new (gpu, g_steal_pointer (&ckpt), &error);
  if (pipeline == NULL)
    return fail (error);
  g_autofree char *model_name = at_sd_model_name_of_path (path);
  g_autoptr (GPtrArray) parameters = g_ptr_array_new_with_free_func (g_free);
  if (!o->quiet && !o->json)
    fprintf (stderr, "%s (%s): %u px, %u step%s, %s, guidance %g, seed %u%s%s\n", model_name, arch->kind_name,
             run.size, run.steps, run.steps == 1 ? "" : "s", at_sd_sampler_label (run.sampler, run.sigmas),
             run.guidance, run.seed, control != NULL ? ", ControlNet " : "",
             control != NULL ? run.control.name : "");
  if (!generate_all (o, pipeline, &run, model_name, outputs, parameters, &error))
    return fail (error);
  for (guint i = 0; i < parameters->len && !o->json && !o->quiet; i++)
    fprintf (stderr, "wrote %s (seed %u)\n", at_atomic_file_get_path (at_output_set_get (outputs, i)), run.seed + i);
  if (o->json)
    print_json (path, &run, outputs, parameters);
  return AT_EXIT_OK;
}
