/* config.h — every hyper-parameter of the built-in model, read from the
 * JSON file beside its weights (resources/models/atelier-model.json, written
 * by tools/train/export.py). Missing or out-of-range keys are errors. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define AT_UNET_MAX_LEVELS 6
/* The newest "version" of atelier-model.json this engine reads. */
#define AT_MODEL_FORMAT_VERSION 1

typedef struct {
  int sample_rate, clip_samples, n_fft, hop, win, n_mels, n_frames;
  double fmin, fmax, log_floor, log_offset, log_div;
} AtMelConfig;

typedef struct {
  char *name;                 /* e.g. "atelier-v1", written into PNG parameters */
  int image_size, image_channels;
  int width, heads, mlp_ratio;
  double ln_eps, gn_eps;
  int gn_groups;
  int vocab_size, text_max_tokens, text_layers;
  int sketch_channels[3];
  int audio_layers, audio_stack;
  int fusion_layers;
  int image_enc_channels[4];
  int embed_dim;
  int unet_channels[AT_UNET_MAX_LEVELS];   /* level i runs at image_size / 2^i */
  int unet_levels;
  guint32 unet_attn_levels;                 /* bit i: attention after level i's blocks */
  int unet_attn_mlp_ratio;
  int temb_dim, time_freq_dim;
  double time_multiplier;
  AtMelConfig mel;
  int default_steps;
  int preview_steps;          /* for live previews ("flow.preview_steps"; default_steps when absent) */
  double default_guidance;
} AtModelConfig;

AtModelConfig *at_model_config_load (const char *path, GError **error);
void at_model_config_free (AtModelConfig *config);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtModelConfig, at_model_config_free)

G_END_DECLS
