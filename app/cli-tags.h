/* cli-tags.h — the tags `atelier generate` writes into its PNGs
 * (search/tagged-asset.h), and how commands print a caption in JSON. */
#pragma once

#include <json-glib/json-glib.h>

#include "engine.h"
#include "media/atomic-file.h"
#include "search/caption.h"

G_BEGIN_DECLS

/* The AtCaption of image (AT_CAPTION_DEFAULT_OBJECTS objects, as
 * `atelier caption` tags by default), with tone (NULL: none) added. When
 * the model cannot caption, a warning on stderr and NULL: the image is
 * written without tags rather than not at all. */
AtCaption *at_cli_caption_image (AtEngine *engine, const AtImage *image, const char *tone);

/* An image of a command into its open output file: the parameters and
 * Software text chunks, and with caption (NULL: none) the tags too. */
gboolean at_cli_write_png (const AtImage *img, AtAtomicFile *file, const char *parameters, const AtCaption *caption,
                           GError **error);

/* The members "caption" (its text) and "tags" (an array) of an object. */
void at_cli_add_caption_tags (JsonBuilder *b, const AtCaption *caption);

G_END_DECLS
