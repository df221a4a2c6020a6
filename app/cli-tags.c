/* cli-tags.c — captions for the images a command writes (cli-tags.h). */
#include <stdio.h>

#include "app/cli-tags.h"
#include "search/tagged-asset.h"

AtCaption *
at_cli_caption_image (AtEngine *engine, const AtImage *image, const char *tone)
{
  g_autoptr (GError) error = NULL;
  AtCaption *c = at_engine_caption_image (engine, image, AT_CAPTION_DEFAULT_OBJECTS, &error);
  if (c == NULL)
    {
      fprintf (stderr, "warning: the image is written without tags: %s\n", error->message);
      return NULL;
    }
  if (tone != NULL)
    at_caption_add_tone (c, tone);
  return c;
}

gboolean
at_cli_write_png (const AtImage *img, AtAtomicFile *file, const char *parameters, const AtCaption *caption,
                  GError **error)
{
  if (caption != NULL)
    return at_caption_write_png (img, file, parameters, caption, error);
  const char *keys[] = { "parameters", "Software", NULL };
  const char *values[] = { parameters, "Atelier", NULL };
  return at_image_write_png (img, file, keys, values, error);
}

void
at_cli_add_caption_tags (JsonBuilder *b, const AtCaption *caption)
{
  json_builder_set_member_name (b, "caption");
  json_builder_add_string_value (b, caption->text);
  json_builder_set_member_name (b, "tags");
  json_builder_begin_array (b);
  for (guint i = 0; caption->tags[i] != NULL; i++)
    json_builder_add_string_value (b, caption->tags[i]);
  json_builder_end_array (b);
}
