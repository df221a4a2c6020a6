/* caption-bank.h — object words for an image from its nearest training
 * images (tools/train/caption_bank.py, MODEL_CARD.md "Search and captions").
 *
 * The bank is one image embedding per training item with the object words
 * of its name; an image's object words are voted by its k nearest items
 * (softmax of cosine / T, each neighbour's weight shared among its words).
 * It ships beside the model as caption-bank.safetensors with the SHA-256 of
 * the weights it was made with; with other weights it is not used.
 */
#pragma once

#include "engine.h"

G_BEGIN_DECLS

#define AT_CAPTION_BANK_FILE "caption-bank.safetensors"
/* Word slots per bank item (-1 where a name has fewer words). */
#define AT_CAPTION_BANK_WORDS 4

typedef struct _AtCaptionBank AtCaptionBank;

/* A bank of n items of dim floats (normalised), each with
 * AT_CAPTION_BANK_WORDS indexes into vocab (-1 for none); copies all. */
AtCaptionBank *at_caption_bank_new (int dim, guint n, const float *embeddings, const gint32 *words,
                                    const char *const *vocab, guint k, float temperature);
/* The bank in path, if it was made from the weights whose SHA-256 is model_sha256. */
AtCaptionBank *at_caption_bank_load (const char *path, const char *model_sha256, int dim, GError **error);
void at_caption_bank_free (AtCaptionBank *bank);

/* Up to count AtCaptionWord (caption.h), best first; score = the word's
 * share of the neighbours' votes (0..1). */
GArray *at_caption_bank_rank (const AtCaptionBank *bank, const float *embedding, guint count);

/* The sum of the votes for words (any of the bank's vocabulary) in embedding's neighbours, 0..1. */
float at_caption_bank_vote (const AtCaptionBank *bank, const float *embedding, const char *const *words);

/* The engine's bank from its model folder, loaded on first use; NULL with
 * a notice (why not) when there is none for this model. */
const AtCaptionBank *at_engine_get_caption_bank (AtEngine *engine, const char **notice);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtCaptionBank, at_caption_bank_free)

G_END_DECLS
