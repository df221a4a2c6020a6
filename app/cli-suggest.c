/* cli-suggest.c — `atelier suggest`: shapes for words or a doodle, and the
 * best one as a sketch image or SVG. */
#include <stdio.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "app/cli-json.h"
#include "app/cli-args.h"
#include "app/cli.h"
#include "engine.h"
#include "shapes/shape-raster.h"
#include "shapes/shape-suggest.h"

#define SHAPE_PNG_SIZE 512
#define SHAPE_MARGIN 0.08f

typedef struct {
  char *sketch, *output, *device, *model_dir;
  int count;
  gboolean json;
  char **text;
} Options;

static void
options_clear (Options *o)
{
  g_free (o->sketch);
  g_free (o->output);
  g_free (o->device);
  g_free (o->model_dir);
  g_strfreev (o->text);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Options, options_clear)

static gboolean
parse (int argc, char **argv, Options *o, GError **error)
{
  GOptionEntry entries[] = {
    { "sketch", 0, 0, G_OPTION_ARG_FILENAME, &o->sketch, "Rank shapes for this doodle (dark strokes on white, PNG)", "FILE" },
    { "count", 'n', 0, G_OPTION_ARG_INT, &o->count, "How many shapes to list (default 8)", "N" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &o->output, "Write the best shape as a sketch (.png) or drawing (.svg)", "FILE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o->json, "Print JSON on stdout", NULL },
    { "device", 0, 0, G_OPTION_ARG_STRING, &o->device, "Vulkan device (index or part of its name)", "DEVICE" },
    { "model-dir", 0, 0, G_OPTION_ARG_FILENAME, &o->model_dir, "Use the model in this folder", "DIR" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &o->text, NULL, "TEXT" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("\"TEXT\" | --sketch FILE - shapes from words or a doodle");
  g_option_context_add_main_entries (context, entries, NULL);
  o->count = 8;
  if (!g_option_context_parse (context, &argc, &argv, error))
    return FALSE;
  gboolean has_text = o->text != NULL && o->text[0] != NULL;
  if (has_text == (o->sketch != NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "Give either words or --sketch FILE");
      return FALSE;
    }
  if (o->count < 1 || o->count > 100)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "--count must be 1 to 100");
      return FALSE;
    }
  if (o->output != NULL && !g_str_has_suffix (o->output, ".png") && !g_str_has_suffix (o->output, ".svg"))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "-o must name a .png or .svg file");
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_shape (const AtShape *shape, const char *path, GError **error)
{
  if (g_str_has_suffix (path, ".svg"))
    {
      g_autofree char *svg = at_shape_to_svg (shape);
      return g_file_set_contents_full (path, svg, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
    }
  g_autoptr (AtImage) img = at_shape_render (shape, SHAPE_PNG_SIZE, SHAPE_MARGIN, AT_SHAPE_LINE_WIDTH * 0.6f, TRUE);
  return at_image_save_png (img, path, NULL, NULL, error);
}

static void
add_strings (JsonBuilder *b, const char *member, GPtrArray *words)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_array (b);
  for (guint i = 0; i < words->len; i++)
    json_builder_add_string_value (b, words->pdata[i]);
  json_builder_end_array (b);
}

static void
print_json (const AtShapeLibrary *lib, const AtShapeMatches *m, const char *output)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "shapes");
  json_builder_begin_array (b);
  for (guint i = 0; i < m->matches->len; i++)
    {
      const AtShapeMatch *s = m->matches->pdata[i];
      const AtShape *shape = at_shape_library_get_shape (lib, s->shape);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, shape->name);
      json_builder_set_member_name (b, "source");
      json_builder_add_string_value (b, at_shape_library_get_source_name (lib, shape->source));
      json_builder_set_member_name (b, "score");
      json_builder_add_double_value (b, s->score);
      json_builder_set_member_name (b, "match");
      json_builder_add_string_value (b, at_shape_match_kind_to_string (s->kind));
      json_builder_set_member_name (b, "how");
      json_builder_add_string_value (b, s->how);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  add_strings (b, "unknown_words", m->unknown);
  add_strings (b, "ignored_words", m->ignored);
  json_builder_set_member_name (b, "notice");
  if (m->notice != NULL)
    json_builder_add_string_value (b, m->notice);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "output");
  if (output != NULL)
    json_builder_add_string_value (b, output);
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  at_cli_print_json (b);
}

static void
print_text (const AtShapeLibrary *lib, const AtShapeMatches *m)
{
  for (guint i = 0; i < m->matches->len; i++)
    {
      const AtShapeMatch *s = m->matches->pdata[i];
      const AtShape *shape = at_shape_library_get_shape (lib, s->shape);
      printf ("%-24s %-20s %.3f  %s: %s\n", shape->name, at_shape_library_get_source_name (lib, shape->source),
              s->score, at_shape_match_kind_to_string (s->kind), s->how);
    }
  if (m->unknown->len > 0)
    {
      g_ptr_array_add (m->unknown, NULL);
      g_autofree char *list = g_strjoinv (", ", (char **) m->unknown->pdata);
      g_ptr_array_remove_index (m->unknown, m->unknown->len - 1);
      fprintf (stderr, "No shape is called: %s\n", list);
    }
  if (m->notice != NULL)
    fprintf (stderr, "Note: %s\n", m->notice);
}

static AtShapeMatches *
suggest (AtEngine *engine, const Options *o, GError **error)
{
  if (o->sketch != NULL)
    {
      g_autoptr (AtImage) doodle = at_image_load (o->sketch, error);
      return doodle != NULL ? at_engine_suggest_sketch (engine, doodle, o->count, error) : NULL;
    }
  g_autofree char *text = g_strjoinv (" ", o->text);
  return at_engine_suggest_text (engine, text, o->count, error);
}

int
at_cli_suggest (int argc, char **argv)
{
  g_auto (Options) o = { 0 };
  GError *error = NULL;
  g_autoptr (AtEngine) engine = NULL;
  g_autoptr (AtShapeMatches) m = NULL;
  AtShapeLibrary *lib = NULL;
  if (!parse (argc, argv, &o, &error) || (lib = at_shape_library_get_default (&error)) == NULL
      || (engine = at_engine_new (o.device, o.model_dir, &error)) == NULL || (m = suggest (engine, &o, &error)) == NULL)
    goto failed;
  if (o.output != NULL)
    {
      if (m->matches->len == 0)
        {
          g_set_error (&error, AT_SHAPE_ERROR, AT_SHAPE_ERROR_NOT_FOUND, "No shape matches; nothing written to %s",
                       o.output);
          goto failed;
        }
      const AtShapeMatch *best = m->matches->pdata[0];
      if (!write_shape (at_shape_library_get_shape (lib, best->shape), o.output, &error))
        goto failed;
    }
  if (o.json)
    print_json (lib, m, o.output);
  else
    print_text (lib, m);
  return AT_EXIT_OK;

failed:
  return at_cli_fail ("suggest", error);
}
