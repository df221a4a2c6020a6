/* model.h — the built-in model on the engine: weights resident on the GPU
 * and one forward() per part, as in tools/train/model.py.
 *
 * Config / weights / per-call state follow llama2.c: AtModel holds the
 * config and the loaded layers; each *_forward records into a caller's
 * AtGraph, which owns the activations. Shapes (batch first):
 *   text ids (L) -> [1, L, D]; sketch [1, 1, S, S] -> [1, 64, D];
 *   wave (clip) -> log-mel [1, frames, mels] -> [1, frames/stack, D];
 *   fusion -> context [1, 1 + tokens, D] and pooled [1, temb];
 *   unet (x [1, 3, S, S], sketch, t [1], context, pooled) -> velocity.
 */
#pragma once

#include "audio/mel-gpu.h"
#include "model/config.h"
#include "model/graph.h"
#include "model/layers.h"
#include "model/tokenizer.h"
#include "model/weights.h"

G_BEGIN_DECLS

typedef struct {
  AtModelConfig *config;
  AtWeights *weights;
  AtTokenizer *tokenizer;

  /* text encoder (embedding lookups happen on the host) */
  float *text_tok;            /* [vocab, D] */
  float *text_pos;            /* [max_tokens, D] */
  AtBlock *text_layers;
  AtNorm text_ln;

  /* sketch encoder */
  AtConv sketch_conv[4];
  AtTensor *sketch_pos;       /* [64, D] */
  AtNorm sketch_ln;

  /* audio encoder */
  float *mel_filterbank_host; /* [mels, n_fft/2+1], for the CPU reference at_log_mel() */
  AtMelGpu *mel;              /* model.mel(): log-mel features on the device */
  AtLinear audio_in;
  AtTensor *audio_pos;        /* [frames/stack, D] */
  AtBlock *audio_layers;
  AtNorm audio_ln;

  /* fusion */
  float *fusion_null;         /* [D] */
  float *fusion_mod;          /* [3, D]: text, sketch, audio */
  AtLinear proj_text, proj_sketch, proj_audio, pool;
  AtBlock *fusion_layers;
  AtNorm fusion_ln;

  /* denoiser */
  AtLinear time1, time2;
  AtConv conv_in, conv_out;
  AtResBlock down[AT_UNET_MAX_LEVELS], up[AT_UNET_MAX_LEVELS], m1, m2;
  AtAttnBlock down_attn[AT_UNET_MAX_LEVELS], up_attn[AT_UNET_MAX_LEVELS], m_attn;
  AtNorm gn_out;
} AtModel;

/* Loads config, tokenizer and weights from dir (the three files written by
 * tools/train/export.py). */
AtModel *at_model_load (AtGpu *gpu, const char *dir, GError **error);
/* Another network of the same architecture in the folder: name.json and
 * name.safetensors with the folder's tokenizer (e.g. "atelier-student",
 * the few-step student distilled from the model). */
AtModel *at_model_load_named (AtGpu *gpu, const char *dir, const char *name, GError **error);
void at_model_free (AtModel *model);

AtTensor *at_model_text_forward (AtModel *m, AtGraph *g, const guint32 *ids, guint n_ids);
AtTensor *at_model_sketch_forward (AtModel *m, AtGraph *g, AtTensor *sketch);
/* model.mel(): wave (n samples at the model's rate, cut or zero-padded to
 * the clip) -> log-mel [1, frames, mels], computed on the device. */
AtTensor *at_model_mel_forward (AtModel *m, AtGraph *g, const float *wave, gsize n);
AtTensor *at_model_audio_forward (AtModel *m, AtGraph *g, AtTensor *mel);
/* Any of text, sketch, audio may be NULL (modality absent). */
AtTensor *at_model_fusion_forward (AtModel *m, AtGraph *g, AtTensor *text, AtTensor *sketch,
                                   AtTensor *audio, AtTensor **pooled);
AtTensor *at_model_unet_forward (AtModel *m, AtGraph *g, AtTensor *x, AtTensor *sketch, AtTensor *t,
                                 AtTensor *context, AtTensor *pooled);
/* The UNet over a batch whose contexts are padded to one length: item b
 * attends to its first context_counts[b] tokens ([B] floats; NULL: all).
 * t [1] is shared by the batch; x, sketch and pooled carry it. */
AtTensor *at_model_unet_forward_counted (AtModel *m, AtGraph *g, AtTensor *x, AtTensor *sketch, AtTensor *t,
                                         AtTensor *context, AtTensor *context_counts, AtTensor *pooled);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtModel, at_model_free)

G_END_DECLS
