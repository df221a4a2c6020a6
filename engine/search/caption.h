/* caption.h — tags for an image: colour, object and style words.
 *
 * Object words come from the caption bank (caption-bank.h: the words of
 * the names of the nearest training images), right about five times as
 * often as zero-shot ones on the held-out split (MODEL_CARD.md); without
 * a bank for the model they are zero-shot as below.
 *
 * Zero-shot: the words of the model's vocabulary whose text embeddings are
 * nearest the image's embedding (cosine in the contrastive space).
 * Colours are the eleven colour words the training captions use; styles
 * the words that told drawing styles apart in training ("outline" for line
 * icons, "filled", "shaded", "flat"); objects the 2,000 most frequent
 * other words of the tokenizer's vocabulary (not colour, style, size or
 * function words), each scored as "COLOUR WORD" with the image's best
 * colour, as the training captions begin. The object words' embeddings
 * are computed once per model and colour and cached in the user's cache
 * folder (AtSearchIndex files, tied to the weights).
 */
#pragma once

#include "engine.h"
#include "media/image.h"
#include "search/caption-bank.h"
#include "search/search-index.h"

G_BEGIN_DECLS

/* Object words in the tags of written files (atelier caption's default). */
#define AT_CAPTION_DEFAULT_OBJECTS 3

typedef enum {
  AT_CAPTION_COLOUR,
  AT_CAPTION_OBJECT,
  AT_CAPTION_STYLE,
  AT_CAPTION_N_KINDS
} AtCaptionKind;

typedef struct {
  char *word;
  float score;   /* cosine with the image; for bank objects, the share of the neighbours' votes */
} AtCaptionWord;

typedef struct {
  GArray *words[AT_CAPTION_N_KINDS];   /* AtCaptionWord, best first */
  char *text;                          /* "purple umbrella, filled" */
  GStrv tags;                          /* colour, objects, style: for metadata */
} AtCaption;

void at_caption_free (AtCaption *caption);
const char *at_caption_kind_to_string (AtCaptionKind kind);

/* The words of each kind ranked for image: the best colour and style and
 * n_objects objects (1 to 20) are tags. Locks the model; call from a worker. */
AtCaption *at_engine_caption_image (AtEngine *engine, const AtImage *image, guint n_objects, GError **error);
/* The same for a point of the contrastive space (at_engine_search_get_dim()
 * floats, normalised): an image's embedding, or a remixed query. */
AtCaption *at_engine_caption_embedding (AtEngine *engine, const float *embedding, guint n_objects, GError **error);
/* The same for an image embedding against vocabularies of each kind (for tests). */
AtCaption *at_caption_from_embedding (AtSearchIndex *const vocab[AT_CAPTION_N_KINDS], const float *embedding,
                                      guint n_objects);
/* The same with the object words from a caption bank (for tests). */
AtCaption *at_caption_from_bank (AtSearchIndex *colours, AtSearchIndex *styles, const AtCaptionBank *bank,
                                 const float *embedding, guint n_objects);

/* Adds the tone of the voice that made the image (voice-tone.h:
 * "calm"…) as the last tag and as "…, calm voice" to the text. */
void at_caption_add_tone (AtCaption *caption, const char *tone);

/* Whether word is one of the object vocabulary (not a colour, style or
 * function word). */
gboolean at_caption_is_object_word (const char *word);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtCaption, at_caption_free)

G_END_DECLS
