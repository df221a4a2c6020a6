/* tagged-asset.h — exported images that carry their tags, so that asset
 * managers find them by words.
 *
 * A PNG gets a "Description" text chunk (the caption) and an XMP packet
 * (the "XML:com.adobe.xmp" iTXt chunk that exiftool, digiKam and Adobe
 * Bridge read) with dc:description and the tags as dc:subject keywords;
 * an SVG gets the same words in its <metadata> (svg.h). The "parameters"
 * and "Software" chunks are written as before. Atomic, as every writer.
 */
#pragma once

#include "engine.h"
#include "media/asset.h"
#include "search/caption.h"

G_BEGIN_DECLS

/* The PNG text key of the XMP packet (XMP Specification Part 3, 1.1.5). */
#define AT_XMP_PNG_KEY "XML:com.adobe.xmp"

/* An XMP packet with caption's text and tags. */
char *at_caption_to_xmp (const AtCaption *caption);

gboolean at_caption_save_png (const AtImage *img, const char *path, const char *parameters,
                              const AtCaption *caption, GError **error);
/* The same PNG into an open atomic file (committed by the caller). */
gboolean at_caption_write_png (const AtImage *img, AtAtomicFile *file, const char *parameters,
                               const AtCaption *caption, GError **error);
gboolean at_caption_save_svg (const AtImage *img, const char *path, const char *parameters,
                              const AtCaption *caption, GError **error);

/* at_asset_save() with tags: a PNG or SVG is captioned now (engine's
 * model; call from a worker) and tagged; other formats are written as
 * at_asset_save() writes them. */
gboolean at_engine_save_tagged_asset (AtEngine *engine, const AtImage *img, AtAssetFormat format, const char *path,
                                      const char *parameters, GCancellable *cancellable, GError **error);

G_END_DECLS
