/* cli-generate.c — `atelier generate`: a request from flags, PNGs out. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <json-glib/json-glib.h>

#include "app/cli-args.h"
#include "app/cli-assets.h"
#include "app/cli-generate-sd.h"
#include "app/cli-json.h"
#include "app/cli-tags.h"
#include "app/cli.h"
#include "audio/audio-file.h"
#include "audio/cues.h"
#include "audio/transcribe.h"
#include "audio/voice-tone.h"
#include "colour-hint.h"
#include "engine.h"
#include "media/mask.h"
#include "media/output-set.h"
#include "shapes/shape-library.h"

typedef struct {
  char *prompt, *negative, *sketch, *voice, *init, *mask, *sampler, *output, *device, *model_dir, *shape;
  char *model, *prediction;   /* a user's SD checkpoint (cli-generate-sd.c) */
  char *controlnet, *control_strength_text;
  /* numbers as typed (NULL: not given), read by parse() */
  char *seed_text, *steps_text, *guidance_text, *size_text, *strength_text, *sketch_strength_text;
  guint64 seed;
  gint64 steps, size;
  int count, preview_every;
  double guidance, strength, sketch_strength, feather, colour_hint;
  gboolean json, quiet, voice_cues, fast, tone_hint, no_tags;
  AtCliAssets assets;   /* --background, --svg, --icon-set (cli-assets.c) */
} Options;

/* What --voice brought besides the sound: the words heard (when they
 * became the prompt), the cues (and, with --voice-cues, what they
 * changed) and the tone they read as (NULL when they could not be
 * measured). */
typedef struct {
  char *heard;
  AtVoiceCues *cues;
  AtVoiceCueParams *params;
  char *cues_error;
  const char *tone;
} VoiceUse;

static void
voice_use_clear (VoiceUse *v)
{
  g_free (v->heard);
  g_clear_pointer (&v->cues, at_voice_cues_free);
  g_clear_pointer (&v->params, at_voice_cue_params_free);
  g_free (v->cues_error);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (VoiceUse, voice_use_clear)

static void
options_clear (Options *o)
{
  g_free (o->prompt);
  g_free (o->negative);
  g_free (o->sketch);
  g_free (o->voice);
  g_free (o->init);
  g_free (o->mask);
  g_free (o->sampler);
  g_free (o->output);
  g_free (o->device);
  g_free (o->model_dir);
  g_free (o->shape);
  g_free (o->model);
  g_free (o->prediction);
  g_free (o->controlnet);
  g_free (o->control_strength_text);
  g_free (o->seed_text);
  g_free (o->steps_text);
  g_free (o->guidance_text);
  g_free (o->size_text);
  g_free (o->strength_text);
  g_free (o->sketch_strength_text);
  at_cli_assets_clear (&o->assets);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Options, options_clear)

static gboolean
parse (int argc, char **argv, Options *o, GError **error)
{
  g_autofree char *sampler_help = g_strdup_printf ("Sampler: %s, %s, %s or %s (default %s)",
                                                   at_sampler_kind_to_string (AT_SAMPLER_EULER),
                                                   at_sampler_kind_to_string (AT_SAMPLER_HEUN),
                                                   at_sampler_kind_to_string (AT_SAMPLER_DPMPP_2M),
                                                   at_sampler_kind_to_string (AT_SAMPLER_EULER_A),
                                                   at_sampler_kind_to_string (AT_SAMPLER_EULER));
  GOptionEntry entries[] = {
    { "prompt", 'p', 0, G_OPTION_ARG_STRING, &o->prompt, "What to draw", "TEXT" },
    { "negative", 'n', 0, G_OPTION_ARG_STRING, &o->negative, "What to steer away from", "TEXT" },
    { "sketch", 0, 0, G_OPTION_ARG_FILENAME, &o->sketch, "Sketch image (dark strokes on white, PNG)", "FILE" },
    { "sketch-strength", 0, 0, G_OPTION_ARG_STRING, &o->sketch_strength_text, "Share of the steps the sketch guides, 0–1 (default 1)", "X" },
    { "colour-hint", 0, 0, G_OPTION_ARG_DOUBLE, &o->colour_hint,
      "How strongly coloured ink in --sketch asks for its colour there, 0–1 (default 0.7; 0 = off)", "X" },
    { "shape", 0, 0, G_OPTION_ARG_STRING, &o->shape,
      "Without --sketch: auto (the prompt's shape, default), none, or a shape's name (atelier suggest)", "NAME" },
    { "voice", 0, 0, G_OPTION_ARG_FILENAME, &o->voice, "Spoken prompt (WAV, FLAC, OGG)", "FILE" },
    { "voice-cues", 0, 0, G_OPTION_ARG_NONE, &o->voice_cues,
      "Let the voice's loudness, pitch range and speaking rate adjust guidance and steps (docs/VOICE_CUES.md)", NULL },
    { "tone-hint", 0, 0, G_OPTION_ARG_NONE, &o->tone_hint,
      "Append the voice's tone as style words to the prompt: calm \"soft pale\", energetic \"bright colorful\", "
      "tense \"dark sharp\" (needs --voice)", NULL },
    { "init", 0, 0, G_OPTION_ARG_FILENAME, &o->init, "Start from this image (PNG)", "FILE" },
    { "mask", 0, 0, G_OPTION_ARG_FILENAME, &o->mask,
      "Repaint only where this PNG (the size of --init) is white; black keeps the init image", "MASK.png" },
    { "feather", 0, 0, G_OPTION_ARG_DOUBLE, &o->feather, "Soft edge of --mask in its pixels (default 4)", "PX" },
    { "strength", 0, 0, G_OPTION_ARG_STRING, &o->strength_text, "How much of --init to repaint, 0–1 (default 0.75)", "X" },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &o->seed_text, "Random seed (default: random, printed)", "N" },
    { "steps", 0, 0, G_OPTION_ARG_STRING, &o->steps_text, "Sampler steps (default: the model's)", "N" },
    { "fast", 0, 0, G_OPTION_ARG_NONE, &o->fast,
      "Use the few-step student: 4 steps, no guidance (the full model stays the default)", NULL },
    { "guidance", 0, 0, G_OPTION_ARG_STRING, &o->guidance_text, "Classifier-free guidance scale (default: the model's)", "X" },
    { "sampler", 0, 0, G_OPTION_ARG_STRING, &o->sampler, sampler_help, "NAME" },
    { "count", 0, 0, G_OPTION_ARG_INT, &o->count, "Number of images; image i uses seed + i (default 1)", "N" },
    { "size", 0, 0, G_OPTION_ARG_STRING, &o->size_text, "64 (the model's own image), 128, 256 or 512 (default 256)", "N" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &o->output, "Output PNG (with --count, NAME-1.png, NAME-2.png, …)", "FILE" },
    { "no-tags", 0, 0, G_OPTION_ARG_NONE, &o->no_tags,
      "Do not write the tags (atelier caption) into the PNG's Description and XMP", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o->json, "Print a JSON summary on stdout", NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &o->quiet, "No progress on stderr", NULL },
    { "device", 0, 0, G_OPTION_ARG_STRING, &o->device, "Vulkan device (index or part of its name)", "DEVICE" },
    { "model-dir", 0, 0, G_OPTION_ARG_FILENAME, &o->model_dir, "Use the model in this folder", "DIR" },
    { "model", 0, 0, G_OPTION_ARG_FILENAME, &o->model,
      "Use a Stable Diffusion checkpoint: a name from `atelier models list` or a .safetensors file", "NAME|FILE" },
    { "prediction", 0, 0, G_OPTION_ARG_STRING, &o->prediction,
      "With --model: force eps or v prediction (default: decided from the file)", "eps|v" },
    { "controlnet", 0, 0, G_OPTION_ARG_FILENAME, &o->controlnet,
      "With --model: a ControlNet (name or file) that follows --sketch (or --init) as a scribble", "NAME|FILE" },
    { "control-strength", 0, 0, G_OPTION_ARG_STRING, &o->control_strength_text,
      "How strongly the image keeps to the sketch through --controlnet, 0–2 (default 1)", "X" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("- make an image from a prompt, a sketch or a voice");
  g_option_context_add_main_entries (context, entries, NULL);
  g_autofree GOptionEntry *asset_entries = at_cli_assets_entries (&o->assets);
  g_option_context_add_main_entries (context, asset_entries, NULL);
  g_option_context_set_help_enabled (context, TRUE);
  o->sketch_strength = 1.0;
  o->strength = 0.75;
  o->feather = AT_MASK_DEFAULT_FEATHER;
  o->colour_hint = AT_COLOUR_HINT_DEFAULT;
  o->count = 1;
  if (!g_option_context_parse (context, &argc, &argv, error))
    return FALSE;
  /* ranges are the request's to check (at_request_validate); here only
   * that each is a number, so that no typed value becomes a default */
  if (!at_cli_uint64_arg ("--seed", o->seed_text, &o->seed, error) ||
      !at_cli_int_arg ("--steps", o->steps_text, G_MININT, G_MAXINT, &o->steps, error) ||
      !at_cli_int_arg ("--size", o->size_text, G_MININT, G_MAXINT, &o->size, error) ||
      !at_cli_double_arg ("--guidance", o->guidance_text, -G_MAXFLOAT, G_MAXFLOAT, &o->guidance, error) ||
      !at_cli_double_arg ("--strength", o->strength_text, -G_MAXFLOAT, G_MAXFLOAT, &o->strength, error) ||
      !at_cli_double_arg ("--sketch-strength", o->sketch_strength_text, -G_MAXFLOAT, G_MAXFLOAT,
                          &o->sketch_strength, error))
    return FALSE;
  if (o->count < 1 || o->count > AT_REQUEST_MAX_COUNT)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "--count must be from 1 to %d (got %d)",
                   AT_REQUEST_MAX_COUNT, o->count);
      return FALSE;
    }
  if (argc > 1)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "Unexpected argument \"%s\"", argv[1]);
      return FALSE;
    }
  if (o->tone_hint && o->voice == NULL)
    return at_cli_bad_value (error, "--tone-hint reads the tone of a voice: give --voice FILE");
  if (o->output == NULL)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "Say where to write the image with -o FILE.png");
      return FALSE;
    }
  if (o->model != NULL)   /* its sizes and defaults are the checkpoint's */
    return TRUE;
  /* -1 means "not given" to the assets check, so a typed -1 is refused here */
  if (o->size_text != NULL && o->size == -1)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "--size must be %s (got -1)",
                   at_upscale_sizes_text ());
      return FALSE;
    }
  int size = o->size_text != NULL ? (int) o->size : -1;
  if (!at_cli_assets_check (&o->assets, &size, o->count, o->output, o->sketch, error))
    return FALSE;
  o->size = size;
  return TRUE;
}

/* Measures the clip's cues; with --voice-cues they adjust r's guidance
 * and steps, with --tone-hint the tone's words join the prompt. A clip
 * the cues cannot read (too short, unvoiced) leaves r alone. */
static void
apply_cues (const Options *o, const AtAudio *audio, const AtTranscript *transcript, AtRequest *r,
            VoiceUse *use)
{
  g_autoptr (GError) error = NULL;
  use->cues = at_voice_cues_measure (audio, transcript, &error);
  if (use->cues == NULL)
    {
      use->cues_error = g_strdup (error->message);
      if (!o->quiet && (o->voice_cues || o->tone_hint))
        fprintf (stderr, "voice cues: %s; %s%s%s\n", error->message, o->voice_cues ? "guidance and steps unchanged" : "",
                 o->voice_cues && o->tone_hint ? ", " : "", o->tone_hint ? "no tone hint" : "");
      return;
    }
  AtVoiceTone tone = at_voice_tone_from_cues (use->cues);
  use->tone = at_voice_tone_to_string (tone);
  if (o->tone_hint)
    {
      char *hinted = at_voice_tone_hint_prompt (r->prompt, tone);
      g_free (r->prompt);
      r->prompt = hinted;
      if (!o->quiet)
        fprintf (stderr, "tone: %s; prompt \"%s\"\n", use->tone, r->prompt != NULL ? r->prompt : "");
    }
  if (!o->voice_cues)
    return;
  use->params = at_voice_cues_to_params (use->cues, r->guidance, r->steps);
  r->guidance = use->params->guidance;
  r->steps = use->params->steps;
  if (o->quiet)
    return;
  g_autofree char *measured = at_voice_cues_describe (use->cues);
  fprintf (stderr, "voice cues: %s\n", measured);
  for (guint i = 0; i < use->params->explanations->len; i++)
    fprintf (stderr, "  %s\n", (const char *) use->params->explanations->pdata[i]);
}

/* The clip conditions the image directly; its transcript becomes the text
 * prompt when none is typed, as the studio does, and times the speaking
 * rate for the cues. */
static gboolean
add_voice (const Options *o, AtRequest *r, VoiceUse *use, GError **error)
{
  g_autoptr (AtAudio) audio = at_audio_load (o->voice, error);
  if (audio == NULL)
    return g_prefix_error (error, "Voice: "), FALSE;
  gboolean typed = o->prompt != NULL && *o->prompt != '\0';
  g_autoptr (AtTranscript) transcript = NULL;
  /* the words time the speaking rate, as in the studio and `atelier
   * caption --voice`; for the tags alone a clip without words still goes */
  gboolean need_words = !typed || o->voice_cues || o->tone_hint;
  if (need_words || !o->no_tags)
    {
      transcript = at_transcribe (audio, NULL, NULL, NULL, need_words ? error : NULL);
      if (transcript == NULL && need_words)
        return g_prefix_error (error, "Voice: "), FALSE;
    }
  if (!typed)
    {
      if (!o->quiet)
        fprintf (stderr, "heard: \"%s\"\n", transcript->text);
      use->heard = g_strdup (transcript->text);
      g_free (r->prompt);
      r->prompt = g_strdup (transcript->text);
    }
  /* the tone is also a tag of the written PNGs */
  if (o->voice_cues || o->tone_hint || !o->no_tags)
    apply_cues (o, audio, transcript, r, use);
  r->voice = g_steal_pointer (&audio->samples);
  r->voice_len = audio->n;
  r->voice_rate = audio->rate;
  return TRUE;
}

/* Fills a request from the options, loading every input file. */
static AtRequest *
build_request (AtEngine *engine, const Options *o, VoiceUse *voice, GError **error)
{
  g_autoptr (AtRequest) r = at_request_new ();
  int steps;
  float guidance;
  at_engine_get_defaults (engine, &steps, &guidance);
  if (o->fast && !at_engine_get_fast_defaults (engine, &steps, &guidance, error))
    return NULL;
  r->fast = o->fast;
  r->prompt = g_strdup (o->prompt);
  r->negative = g_strdup (o->negative);
  r->steps = o->steps_text != NULL ? (int) o->steps : steps;
  r->guidance = o->guidance_text != NULL ? o->guidance : guidance;
  r->strength = o->strength;
  r->mask_feather = o->feather;
  r->colour_hint = o->colour_hint;
  r->sketch_strength = o->sketch_strength;
  r->count = o->count;
  r->shape = g_strdup (o->shape != NULL ? o->shape : "auto");
  r->size = (int) o->size;
  at_cli_assets_apply (&o->assets, r);
  if (o->seed_text != NULL)
    r->seed = o->seed;
  if (o->sampler != NULL && !at_sampler_kind_from_string (o->sampler, &r->sampler))
    {
      g_set_error (error, AT_REQUEST_ERROR, AT_REQUEST_ERROR_INVALID,
                   "Unknown sampler \"%s\"; try euler, heun, dpmpp-2m or euler-a", o->sampler);
      return NULL;
    }
  if (o->sketch != NULL && (r->sketch = at_image_load_reduced (o->sketch, AT_REQUEST_MAX_INPUT_SIDE, error)) == NULL)
    return g_prefix_error (error, "Sketch: "), NULL;
  if (o->init != NULL && (r->init = at_image_load_reduced (o->init, AT_REQUEST_MAX_INPUT_SIDE, error)) == NULL)
    return g_prefix_error (error, "Init image: "), NULL;
  if (o->mask != NULL && (r->mask = at_image_load_reduced (o->mask, AT_REQUEST_MAX_INPUT_SIDE, error)) == NULL)
    return g_prefix_error (error, "Mask: "), NULL;
  if (o->voice != NULL && !add_voice (o, r, voice, error))
    return NULL;
  if (!at_request_validate (r, error))
    return NULL;
  return g_steal_pointer (&r);
}

/* A bar when stderr is a terminal, one plain line per step otherwise. */
static void
show_progress (const AtProgress *p, gpointer user_data)
{
  gboolean tty = GPOINTER_TO_INT (user_data);
  int width = 30, filled = width * p->step / MAX (p->n_steps, 1);
  if (tty)
    {
      fprintf (stderr, "\rimage %d/%d [%.*s%*s] step %d/%d, %.1f s left ", p->variant + 1, p->n_variants,
               filled, "##############################", width - filled, "", p->step, p->n_steps,
               p->remaining_ms / 1000.0);
      if (p->step == p->n_steps && p->variant + 1 == p->n_variants)
        fputc ('\n', stderr);
    }
  else
    fprintf (stderr, "image %d/%d step %d/%d (%.1f s left)\n", p->variant + 1, p->n_variants, p->step,
             p->n_steps, p->remaining_ms / 1000.0);
  fflush (stderr);
}

static char *
output_path (const char *output, int index, int count)
{
  if (count == 1)
    return g_strdup (output);
  const char *dot = strrchr (output, '.');
  const char *slash = strrchr (output, '/');
  if (dot == NULL || (slash != NULL && dot < slash))
    return g_strdup_printf ("%s-%d", output, index + 1);
  return g_strdup_printf ("%.*s-%d%s", (int) (dot - output), output, index + 1, dot);
}

static void
print_json (AtEngine *engine, const AtRequest *request, AtResult *result, GPtrArray *paths, GPtrArray *captions,
            const VoiceUse *voice, const AtCliAssets *assets)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "device");
  json_builder_add_string_value (b, at_gpu_get_device_info (at_engine_get_gpu (engine))->name);
  json_builder_set_member_name (b, "model");
  json_builder_add_string_value (b, at_engine_get_model_name (engine));
  json_builder_set_member_name (b, "images");
  json_builder_begin_array (b);
  /* every image has the first one's size */
  const AtImage *img = result->images->pdata[0];
  for (guint i = 0; i < paths->len; i++)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "path");
      json_builder_add_string_value (b, paths->pdata[i]);
      json_builder_set_member_name (b, "seed");
      json_builder_add_int_value (b, g_array_index (result->seeds, guint64, i));
      json_builder_set_member_name (b, "width");
      json_builder_add_int_value (b, img->width);
      json_builder_set_member_name (b, "height");
      json_builder_add_int_value (b, img->height);
      json_builder_set_member_name (b, "parameters");
      json_builder_add_string_value (b, result->parameters->pdata[i]);
      if (captions->pdata[i] != NULL)
        at_cli_add_caption_tags (b, captions->pdata[i]);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "timings_ms");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "encode");
  json_builder_add_double_value (b, result->encode_ms);
  json_builder_set_member_name (b, "denoise");
  json_builder_add_double_value (b, result->denoise_ms);
  json_builder_set_member_name (b, "per_denoiser_call");
  json_builder_add_double_value (b, result->per_call_ms);
  json_builder_set_member_name (b, "total");
  json_builder_add_double_value (b, result->total_ms);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "denoiser_calls");
  json_builder_add_int_value (b, result->denoiser_calls);
  json_builder_set_member_name (b, "shape");
  if (result->shape != NULL)
    json_builder_add_string_value (b, result->shape);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "shape_note");
  if (result->shape_note != NULL)
    json_builder_add_string_value (b, result->shape_note);
  else
    json_builder_add_null_value (b);
  if (voice->heard != NULL)
    {
      json_builder_set_member_name (b, "heard");
      json_builder_add_string_value (b, voice->heard);
    }
  if (voice->tone != NULL)
    {
      json_builder_set_member_name (b, "tone");
      json_builder_add_string_value (b, voice->tone);
    }
  if (voice->cues != NULL || voice->cues_error != NULL)
    at_cli_add_voice_cues (b, voice->cues, voice->params, voice->cues_error);
  at_cli_assets_add_json (b, assets, engine, request, result);
  json_builder_end_object (b);
  at_cli_print_json (b);
}

/* Every PNG the run will write, checked and opened before any work. */
static AtOutputSet *
open_outputs (const Options *o, GError **error)
{
  g_autoptr (AtOutputSet) set = at_output_set_new ();
  for (int i = 0; i < o->count; i++)
    {
      g_autofree char *path = output_path (o->output, i, o->count);
      if (at_output_set_add (set, "-o", path, error) == NULL)
        return NULL;
    }
  return g_steal_pointer (&set);
}

/* Where each image goes as soon as it is done (so that many large images
 * are never all held), with its tags; the set is named only at the end. */
typedef struct {
  AtEngine *engine;
  AtOutputSet *outputs;
  gboolean tags;
  const char *tone;
  GPtrArray *captions;   /* AtCaption or NULL, one per image written */
} Writer;

static gboolean
write_image (guint index, const AtImage *image, const char *parameters, gpointer data, GError **error)
{
  Writer *w = data;
  AtCaption *caption = w->tags ? at_cli_caption_image (w->engine, image, w->tone) : NULL;
  w->tags = w->tags && caption != NULL;   /* one warning, not one per image */
  g_ptr_array_add (w->captions, caption);
  return at_cli_write_png (image, at_output_set_get (w->outputs, index), parameters, caption, error);
}

/* Names every image written: a failure leaves none. */
static gboolean
commit_images (const Options *o, AtResult *result, AtOutputSet *outputs, GError **error)
{
  if (!at_output_set_commit (outputs, error))
    return FALSE;
  for (guint i = 0; i < result->seeds->len && !o->json && !o->quiet; i++)
    fprintf (stderr, "wrote %s (seed %" G_GUINT64_FORMAT ")\n",
             at_atomic_file_get_path (at_output_set_get (outputs, i)), g_array_index (result->seeds, guint64, i));
  return TRUE;
}

/* The first option given that --model does not take. */
static const char *
unused_with_model (const Options *o)
{
  const struct {
    gboolean given;
    const char *name;
  } checks[] = {
    { o->voice != NULL, "--voice" }, { o->voice_cues, "--voice-cues" }, { o->mask != NULL, "--mask" },
    { o->fast, "--fast" }, { o->shape != NULL, "--shape" }, { o->model_dir != NULL, "--model-dir" },
    { o->sketch_strength_text != NULL, "--sketch-strength" }, { o->colour_hint != AT_COLOUR_HINT_DEFAULT, "--colour-hint" },
    { o->assets.background_name != NULL, "--background" }, { o->assets.svg != NULL, "--svg" },
    { o->assets.icon_set != NULL, "--icon-set" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (checks) && o->model != NULL; i++)
    if (checks[i].given)
      return checks[i].name;
  return NULL;
}

static int
generate_with_model (const Options *o, AtOutputSet *outputs)
{
  AtCliSdOptions sd = {
    o->model, o->prediction, o->prompt, o->negative, o->init, o->sketch, o->sampler, o->device,
    o->seed_text, o->steps_text, o->guidance_text, o->size_text, o->strength_text,
    o->seed, o->steps, o->size, o->guidance, o->strength, o->count, o->json, o->quiet, unused_with_model (o),
    o->controlnet, o->control_strength_text,
  };
  return at_cli_generate_sd (&sd, outputs);
}

int
at_cli_generate (int argc, char **argv)
{
  g_auto (Options) o = { 0 };
  GError *error = NULL;
  if (!parse (argc, argv, &o, &error))
    return at_cli_fail ("generate", error);
  g_autoptr (AtOutputSet) outputs = open_outputs (&o, &error);
  if (outputs == NULL)
    return at_cli_fail ("generate", error);
  if (o.prediction != NULL && o.model == NULL)
    return at_cli_fail_with ("generate", g_error_new_literal (G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                                                             "--prediction is for --model"), AT_EXIT_BAD_INPUT);
  if ((o.controlnet != NULL || o.control_strength_text != NULL) && o.model == NULL)
    return at_cli_fail_with ("generate", g_error_new_literal (G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                                                             "--controlnet and --control-strength are for --model"),
                             AT_EXIT_BAD_INPUT);
  if (o.model != NULL)
    return generate_with_model (&o, outputs);
  g_autoptr (AtEngine) engine = at_engine_new (o.device, o.model_dir, &error);
  if (engine == NULL)
    return at_cli_fail ("generate", error);
  g_auto (VoiceUse) voice = { 0 };
  g_autoptr (AtRequest) request = build_request (engine, &o, &voice, &error);
  if (request == NULL)
    return at_cli_fail ("generate", error);
  /* words the model does not read are named, never dropped in silence */
  g_autofree char *left_out = at_tokenizer_describe (at_engine_get_tokenizer (engine), request->prompt);
  if (left_out != NULL)
    fprintf (stderr, "warning: %s\n", left_out);
  gboolean tty = isatty (STDERR_FILENO);
  g_autoptr (GPtrArray) captions = g_ptr_array_new_with_free_func ((GDestroyNotify) at_caption_free);
  Writer writer = { engine, outputs, !o.no_tags, voice.tone, captions };
  g_autoptr (AtResult) result = at_engine_generate_each (engine, request, o.quiet ? NULL : show_progress,
                                                         GINT_TO_POINTER (tty), write_image, &writer, NULL, &error);
  if (result == NULL)
    return at_cli_fail ("generate", error);
  if (!o.json && !o.quiet && result->shape != NULL)
    fprintf (stderr, "shape: %s, as the sketch (%s); --shape none turns it off\n", result->shape, result->shape_note);
  else if (!o.json && !o.quiet && result->shape_note != NULL && o.sketch == NULL)
    fprintf (stderr, "shape: none (%s)\n", result->shape_note);
  if (!commit_images (&o, result, outputs, &error))
    return at_cli_fail ("generate", error);
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < result->seeds->len; i++)
    g_ptr_array_add (paths, g_strdup (at_atomic_file_get_path (at_output_set_get (outputs, i))));
  if (!at_cli_assets_write (&o.assets, engine, request, result, o.output, o.json || o.quiet, &error))
    return at_cli_fail ("generate", error);
  if (o.json)
    print_json (engine, request, result, paths, captions, &voice, &o.assets);
  return AT_EXIT_OK;
}
