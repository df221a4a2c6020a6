/* conditioning.c — encoders and fusion, run once per request. */
#define G_LOG_DOMAIN "atelier-engine"

#include "audio/audio-file.h"
#include "audio/mel.h"
#include "conditioning.h"

/* Ink is whatever departs from white paper: 1 - the darkest channel, so
 * grey ink reads as 1 - its level and a yellow or red pen as strongly as
 * its colour is far from white. */
static AtImage *
ink_levels (const AtImage *sketch)
{
  g_autoptr (AtImage) rgb = at_image_convert (sketch, 3);
  AtImage *paper = at_image_new (sketch->width, sketch->height, 1);
  for (gsize i = 0; i < (gsize) sketch->width * sketch->height; i++)
    {
      const guint8 *p = rgb->pixels + i * 3;
      paper->pixels[i] = MIN (p[0], MIN (p[1], p[2]));
    }
  return paper;
}

float *
at_sketch_to_model_input (const AtImage *sketch, int size)
{
  g_autoptr (AtImage) gray = ink_levels (sketch);
  float *out = g_new0 (float, (gsize) size * size);
  for (int y = 0; y < size; y++)
    for (int x = 0; x < size; x++)
      {
        guint y0 = (guint64) y * gray->height / size, y1 = MAX (y0 + 1, (guint64) (y + 1) * gray->height / size);
        guint x0 = (guint64) x * gray->width / size, x1 = MAX (x0 + 1, (guint64) (x + 1) * gray->width / size);
        float ink = 0.0f;
        for (guint sy = y0; sy < y1 && sy < gray->height; sy++)
          for (guint sx = x0; sx < x1 && sx < gray->width; sx++)
            ink = MAX (ink, 1.0f - gray->pixels[(gsize) sy * gray->width + sx] / 255.0f);
        out[y * size + x] = ink;
      }
  return out;
}

/* Text tokens [1, L, D], or NULL (no words). */
static AtTensor *
encode_text (AtModel *model, AtGraph *g, const char *text, guint *unknown)
{
  guint n = 0, n_unknown = 0;
  g_autofree guint32 *ids = at_tokenizer_encode (model->tokenizer, text, &n, &n_unknown);
  *unknown += n_unknown;
  return n > 0 ? at_model_text_forward (model, g, ids, n) : NULL;
}

/* Audio tokens [1, frames/stack, D], or NULL (no voice). Resampling to
 * the model's rate stays on the CPU (libsamplerate); the log-mel features
 * are computed on the device and go straight to the audio encoder. */
static AtTensor *
encode_voice (AtModel *model, AtGraph *g, const AtRequest *r)
{
  if (r->voice == NULL || r->voice_len == 0 || g->error != NULL)
    return NULL;
  GError *error = NULL;
  g_autoptr (AtAudio) voice = at_audio_new_from (r->voice, r->voice_len, r->voice_rate);
  g_autoptr (AtAudio) clip = at_mel_resample_clip (&model->config->mel, voice, &error);
  if (clip == NULL)
    {
      at_graph_fail (g, error);
      return NULL;
    }
  return at_model_audio_forward (model, g, at_model_mel_forward (model, g, clip->samples, clip->n));
}

AtConditioning *
at_conditioning_new (AtModel *model, AtGpu *gpu, const AtRequest *r, GError **error)
{
  int size = model->config->image_size;
  g_autoptr (AtConditioning) cond = g_new0 (AtConditioning, 1);
  cond->graph = at_graph_new (gpu, error);
  if (cond->graph == NULL)
    return NULL;
  AtGraph *g = cond->graph;

  g_autofree float *zeros = g_new0 (float, (gsize) size * size);
  g_autofree float *sketch = r->sketch != NULL ? at_sketch_to_model_input (r->sketch, size) : NULL;
  cond->has_sketch = sketch != NULL;
  cond->zeros = at_graph_constant (g, zeros, AT_G_SHAPE (1, 1, size, size));
  cond->sketch = at_graph_constant (g, sketch != NULL ? sketch : zeros, AT_G_SHAPE (1, 1, size, size));

  AtTensor *text = encode_text (model, g, r->prompt, &cond->unknown_words);
  AtTensor *sketch_tokens = cond->has_sketch ? at_model_sketch_forward (model, g, cond->sketch) : NULL;
  AtTensor *audio = encode_voice (model, g, r);
  AtTensor *negative = encode_text (model, g, r->negative, &cond->unknown_words);

  cond->ctx = at_model_fusion_forward (model, g, text, sketch_tokens, audio, &cond->pooled);
  cond->ctx_uncond = at_model_fusion_forward (model, g, negative, NULL, NULL, &cond->pooled_uncond);
  if (cond->has_sketch && r->sketch_strength < 1.0f)
    cond->ctx_no_sketch = at_model_fusion_forward (model, g, text, NULL, audio, &cond->pooled_no_sketch);
  if (!at_graph_run (g, error))
    return NULL;
  return g_steal_pointer (&cond);
}

void
at_conditioning_free (AtConditioning *cond)
{
  if (cond == NULL)
    return;
  g_clear_pointer (&cond->graph, at_graph_free);
  g_free (cond);
}
