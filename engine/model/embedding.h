/* embedding.h — the model's contrastive embeddings of a text, a sketch, a
 * voice clip and an image.
 *
 * As tools/train/model.py trains them: the encoder's tokens, averaged, then
 * text_head / sketch_head / audio_head; an image goes through the small
 * image CNN (4 stride-2 convs with SiLU, mean over pixels, image.proj).
 * All L2-normalised, so the cosine of two embeddings is their dot product.
 * The encoders run on the device; the 128 x 128 heads are applied on the
 * host. Used by the shape matcher and by search (engine/search/). The
 * caller serialises calls on one AtModel.
 */
#pragma once

#include "audio/audio-file.h"
#include "media/image.h"
#include "model/model.h"

G_BEGIN_DECLS

typedef struct {
  int dim, width;
  float *text_w, *text_b;       /* [dim, width], [dim] */
  float *sketch_w, *sketch_b;
  float *audio_w, *audio_b;
  AtConv image_conv[4];         /* device weights, owned by the model */
  int image_channels;           /* the last conv's output: image.proj's input */
  float *image_w, *image_b;     /* [dim, image_channels], [dim] */
} AtEmbedHeads;

AtEmbedHeads *at_embed_heads_load (AtModel *model, GError **error);
void at_embed_heads_free (AtEmbedHeads *heads);

/* [dim] floats, caller frees; NULL without error when no word of text is in
 * the model's vocabulary. */
float *at_model_embed_text (AtModel *model, AtGpu *gpu, const AtEmbedHeads *heads, const char *text,
                            GError **error);
/* n short texts of len tokens each at once (ids: n rows of len): [n, dim]
 * floats, row i the embedding at_model_embed_text() gives text i. */
float *at_model_embed_words (AtModel *model, AtGpu *gpu, const AtEmbedHeads *heads, const guint32 *ids, guint n,
                             guint len, GError **error);
/* sketch: dark strokes on light, any size (at_sketch_to_model_input). */
float *at_model_embed_sketch (AtModel *model, AtGpu *gpu, const AtEmbedHeads *heads, const AtImage *sketch,
                              GError **error);
/* A voice clip at any rate (resampled and cut to the model's clip). */
float *at_model_embed_audio (AtModel *model, AtGpu *gpu, const AtEmbedHeads *heads, const AtAudio *voice,
                             GError **error);
/* Any image: alpha composited over white (as the training art), resized
 * to the model's size. */
float *at_model_embed_image (AtModel *model, AtGpu *gpu, const AtEmbedHeads *heads, const AtImage *image,
                             GError **error);
/* The same from the model's input: planar RGB [3, size, size] in [-1, 1]. */
float *at_model_embed_image_chw (AtModel *model, AtGpu *gpu, const AtEmbedHeads *heads, const float *chw,
                                 GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtEmbedHeads, at_embed_heads_free)

G_END_DECLS
