/* remix-request.h — remix as conditioning: "this image − 'red' + 'blue'"
 * and "this sketch + that image's style" made into a generation request.
 *
 * The query is computed in the contrastive (pooled) space as for search
 * (search-remix.h): the source's embedding (image head; sketch head for a
 * sketch) + the image embedding of a style image − the text embedding of
 * minus + that of plus, normalised. The denoiser does not read that space
 * (its fusion takes encoder tokens), so the query conditions through
 * words: its caption (caption.h; colour, one object, style)
 * becomes the prompt, and the source keeps the shape: a sketch as the
 * sketch; an image either as the init image of an image-to-image run or
 * through its outlines (media/line-art.h) as the sketch. How well each
 * works: MODEL_CARD.md, "Remix as conditioning".
 */
#pragma once

#include "engine.h"
#include "search/caption.h"

G_BEGIN_DECLS

/* How much of a source image AT_REMIX_KEEP_INIT repaints (the request's
 * strength): less kept the source's colour (MODEL_CARD.md). */
#define AT_REMIX_DEFAULT_STRENGTH 0.95f

typedef enum {
  AT_REMIX_KEEP_OUTLINES,  /* the source image's outlines are the sketch */
  AT_REMIX_KEEP_INIT,      /* the source image is the init image */
  AT_REMIX_KEEP_SKETCH,    /* the source is a sketch already */
} AtRemixKeep;

/* "outlines", "init", "sketch"; FALSE for other names. */
gboolean at_remix_keep_from_string (const char *name, AtRemixKeep *keep);

typedef struct {
  const AtImage *source;      /* the image (or sketch) remixed */
  AtRemixKeep keep;           /* how the source gives the shape */
  const AtImage *style;       /* NULL, or an image whose embedding is added */
  const char *minus, *plus;   /* NULL or empty: none */
} AtRemix;

/* The remixed query in the contrastive space: at_engine_search_get_dim()
 * floats (caller frees). Errors as search-query.h says (a blank sketch,
 * unknown words, nothing left after minus). Runs the model: a worker. */
float *at_engine_remix_query (AtEngine *engine, const AtRemix *remix, GError **error);

/* The query's caption, whose text is the remix's prompt. */
AtCaption *at_engine_remix_caption (AtEngine *engine, const AtRemix *remix, GError **error);

/* r with the remix as its conditioning: the prompt (replaced) from the
 * caption, and the source as remix->keep says (r's init image, with r's
 * strength as the caller set it, or r's sketch; the other is cleared).
 * *caption (optional) gets the caption. */
gboolean at_engine_remix_request (AtEngine *engine, const AtRemix *remix, AtRequest *r, AtCaption **caption,
                                  GError **error);

G_END_DECLS
