/* embedding.h — the model's contrastive embeddings of a text and a sketch.
 *
 * As tools/train/model.py trains them: the encoder's tokens, averaged, then
 * text_head / sketch_head, L2-normalised, so the cosine of two embeddings
 * is their dot product. The encoders run on the device; the 128 x 128
 * heads are applied on the host. Used by the shape matcher (search by
 * words and doodles). The caller serialises calls on one AtModel.
 */
#pragma once

#include "media/image.h"
#include "model/model.h"

G_BEGIN_DECLS

typedef struct {
  int dim, width;
  float *text_w, *text_b;       /* [dim, width], [dim] */
  float *sketch_w, *sketch_b;
} AtEmbedHeads;

AtEmbedHeads *at_embed_heads_load (AtModel *model, GError **error);
void at_embed_heads_free (AtEmbedHeads *heads);

/* [dim] floats, caller frees; NULL without error when no word of text is in
 * the model's vocabulary. */
float *at_model_embed_text (AtModel *model, AtGpu *gpu, const AtEmbedHeads *heads, const char *text,
                            GError **error);
/* sketch: dark strokes on light, any size (at_sketch_to_model_input). */
float *at_model_embed_sketch (AtModel *model, AtGpu *gpu, const AtEmbedHeads *heads, const AtImage *sketch,
                              GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtEmbedHeads, at_embed_heads_free)

G_END_DECLS
