/* cli-remix.c — `atelier remix IMAGE --minus T --plus T -o OUT.png`: "this
 * image − 'red' + 'blue'" (or "this sketch + that image's style") computed
 * in the contrastive space and used as a generation's conditioning
 * (search/remix-request.h). This file parses, calls and writes. */
#include <stdio.h>

#include <json-glib/json-glib.h>

#include "app/cli-args.h"
#include "app/cli-json.h"
#include "app/cli-tags.h"
#include "app/cli.h"
#include "engine.h"
#include "media/output-set.h"
#include "search/remix-request.h"

typedef struct {
  char *minus, *plus, *style, *keep, *output, *strength_text, *seed_text, *steps_text, *size_text, *device, *model_dir;
  gboolean json, quiet, no_tags;
  char **source;
} RemixOptions;

static void
remix_options_clear (RemixOptions *o)
{
  g_free (o->minus);
  g_free (o->plus);
  g_free (o->style);
  g_free (o->keep);
  g_free (o->output);
  g_free (o->strength_text);
  g_free (o->seed_text);
  g_free (o->steps_text);
  g_free (o->size_text);
  g_free (o->device);
  g_free (o->model_dir);
  g_strfreev (o->source);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RemixOptions, remix_options_clear)

/* The numbers typed, checked as numbers (ranges are the request's). */
typedef struct {
  AtRemixKeep keep;
  double strength;
  guint64 seed;
  gint64 steps, size;
} RemixNumbers;

static gboolean
parse_remix (int argc, char **argv, RemixOptions *o, RemixNumbers *n, GError **error)
{
  GOptionEntry entries[] = {
    { "minus", 0, 0, G_OPTION_ARG_STRING, &o->minus, "Take these words away (\"red\")", "TEXT" },
    { "plus", 0, 0, G_OPTION_ARG_STRING, &o->plus, "Add these words (\"blue\")", "TEXT" },
    { "style", 0, 0, G_OPTION_ARG_FILENAME, &o->style, "Add this image's embedding (its colour and style)", "IMAGE" },
    { "keep", 0, 0, G_OPTION_ARG_STRING, &o->keep,
      "How IMAGE keeps the shape: outlines (its outlines as the sketch; default), init (repainted from it, see "
      "--strength) or sketch (IMAGE is a drawing)", "HOW" },
    { "strength", 0, 0, G_OPTION_ARG_STRING, &o->strength_text,
      "With --keep init: how much of IMAGE to repaint, 0–1 (default 0.95)", "X" },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &o->seed_text, "Random seed (default: random, printed)", "N" },
    { "steps", 0, 0, G_OPTION_ARG_STRING, &o->steps_text, "Sampler steps (default: the model's)", "N" },
    { "size", 0, 0, G_OPTION_ARG_STRING, &o->size_text, "64, 128, 256 or 512 (default 256)", "N" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &o->output, "Output PNG", "FILE" },
    { "no-tags", 0, 0, G_OPTION_ARG_NONE, &o->no_tags, "Do not write the tags (atelier caption) into the PNG", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o->json, "Print a JSON summary on stdout", NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &o->quiet, "Nothing on stderr but errors", NULL },
    { "device", 0, 0, G_OPTION_ARG_STRING, &o->device, "Vulkan device (index or part of its name)", "DEVICE" },
    { "model-dir", 0, 0, G_OPTION_ARG_FILENAME, &o->model_dir, "Use the model in this folder", "DIR" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &o->source, NULL, "IMAGE.png" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("IMAGE.png [--minus TEXT] [--plus TEXT] [--style IMAGE] [--keep HOW] -o OUT.png");
  g_option_context_set_summary (context, "Makes IMAGE again as the remixed query describes it: IMAGE's embedding "
                                         "+ the style image's − the words of --minus + those of --plus, captioned "
                                         "as a prompt, with IMAGE's outlines as the sketch (or IMAGE as the init "
                                         "image, or as the sketch). "
                                         "MODEL_CARD.md, \"Remix as conditioning\".");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, error))
    return FALSE;
  if (o->source == NULL || o->source[0] == NULL || o->source[1] != NULL)
    return at_cli_bad_value (error, "Give one image to remix");
  if (o->minus == NULL && o->plus == NULL && o->style == NULL)
    return at_cli_bad_value (error, "Say what to change: --minus TEXT, --plus TEXT or --style IMAGE");
  if (o->output == NULL)
    return at_cli_bad_value (error, "Say where to write the image with -o FILE.png");
  n->keep = AT_REMIX_KEEP_OUTLINES;
  if (o->keep != NULL && !at_remix_keep_from_string (o->keep, &n->keep))
    return at_cli_bad_value (error, "--keep must be outlines, init or sketch (got \"%s\")", o->keep);
  n->strength = AT_REMIX_DEFAULT_STRENGTH;
  n->size = 256;
  return at_cli_double_arg ("--strength", o->strength_text, -G_MAXFLOAT, G_MAXFLOAT, &n->strength, error)
         && at_cli_uint64_arg ("--seed", o->seed_text, &n->seed, error)
         && at_cli_int_arg ("--steps", o->steps_text, G_MININT, G_MAXINT, &n->steps, error)
         && at_cli_int_arg ("--size", o->size_text, G_MININT, G_MAXINT, &n->size, error);
}

/* The request before the remix fills its prompt and image. */
static AtRequest *
base_request (AtEngine *engine, const RemixOptions *o, const RemixNumbers *n)
{
  AtRequest *r = at_request_new ();
  int steps;
  float guidance;
  at_engine_get_defaults (engine, &steps, &guidance);
  r->steps = o->steps_text != NULL ? (int) n->steps : steps;
  r->guidance = guidance;
  r->strength = n->strength;
  r->size = (int) n->size;
  if (o->seed_text != NULL)
    r->seed = n->seed;
  g_clear_pointer (&r->shape, g_free);   /* the source gives the shape */
  return r;
}

static void
print_json (const char *path, const AtCaption *remixed, AtResult *result, const AtCaption *tags)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "path");
  json_builder_add_string_value (b, path);
  json_builder_set_member_name (b, "prompt");
  json_builder_add_string_value (b, remixed->text);
  json_builder_set_member_name (b, "seed");
  json_builder_add_int_value (b, g_array_index (result->seeds, guint64, 0));
  json_builder_set_member_name (b, "parameters");
  json_builder_add_string_value (b, result->parameters->pdata[0]);
  if (tags != NULL)
    at_cli_add_caption_tags (b, tags);
  json_builder_end_object (b);
  at_cli_print_json (b);
}

int
at_cli_remix (int argc, char **argv)
{
  g_auto (RemixOptions) o = { 0 };
  RemixNumbers n = { 0 };
  GError *error = NULL;
  if (!parse_remix (argc, argv, &o, &n, &error))
    return at_cli_fail ("remix", error);
  g_autoptr (AtOutputSet) outputs = at_output_set_new ();
  if (at_output_set_add (outputs, "-o", o.output, &error) == NULL)
    return at_cli_fail ("remix", error);
  g_autoptr (AtImage) source = at_image_load_reduced (o.source[0], AT_REQUEST_MAX_INPUT_SIDE, &error);
  if (source == NULL)
    return g_prefix_error (&error, "Image: "), at_cli_fail ("remix", error);
  g_autoptr (AtImage) style = NULL;
  if (o.style != NULL && (style = at_image_load_reduced (o.style, AT_REQUEST_MAX_INPUT_SIDE, &error)) == NULL)
    return g_prefix_error (&error, "Style: "), at_cli_fail ("remix", error);
  g_autoptr (AtEngine) engine = at_engine_new (o.device, o.model_dir, &error);
  if (engine == NULL)
    return at_cli_fail ("remix", error);
  g_autoptr (AtRequest) r = base_request (engine, &o, &n);
  AtRemix remix = { source, n.keep, style, o.minus, o.plus };
  g_autoptr (AtCaption) remixed = NULL;
  if (!at_engine_remix_request (engine, &remix, r, &remixed, &error) || !at_request_validate (r, &error))
    return at_cli_fail ("remix", error);
  if (!o.quiet && !o.json)
    fprintf (stderr, "remixed query reads as \"%s\"\n", remixed->text);
  g_autoptr (AtResult) result = at_engine_generate (engine, r, NULL, NULL, NULL, &error);
  if (result == NULL)
    return at_cli_fail ("remix", error);
  g_autoptr (AtCaption) tags = o.no_tags ? NULL : at_cli_caption_image (engine, result->images->pdata[0], NULL);
  if (!at_cli_write_png (result->images->pdata[0], at_output_set_get (outputs, 0), result->parameters->pdata[0], tags,
                         &error)
      || !at_output_set_commit (outputs, &error))
    return at_cli_fail ("remix", error);
  if (o.json)
    print_json (o.output, remixed, result, tags);
  else if (!o.quiet)
    fprintf (stderr, "wrote %s (seed %" G_GUINT64_FORMAT ")\n", o.output, g_array_index (result->seeds, guint64, 0));
  return AT_EXIT_OK;
}
