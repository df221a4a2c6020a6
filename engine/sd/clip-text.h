/* clip-text.h — the CLIP text tower of a Stable Diffusion checkpoint on
 * the engine: token ids in, the context the UNet cross-attends to out.
 *
 * Mirrors the original code (tools/sd/make-clip-golden.py runs it):
 *   x = token_embedding[ids] + positional_embedding     (gathered on the host)
 *   per block: x += out_proj(causal_attention(ln_1 x)); x += fc2(act(fc1(ln_2 x)))
 *   SD 1.x (Hugging Face CLIPTextModel names): every block, quick GELU,
 *          then final_layer_norm (last_hidden_state).
 *   SD 2.x (open_clip names, in_proj split into q/k/v rows): all blocks but
 *          the last (layer "penultimate"), GELU, then ln_final.
 * LayerNorm eps 1e-5. The token embedding (49408 rows) stays in the
 * memory-mapped file: the rows a prompt uses are converted on the host, so
 * the one tensor larger than lavapipe's 128 MiB buffer range is never
 * uploaded. Weights are uploaded once, when the tower is made.
 */
#pragma once

#include "model/safetensors.h"
#include "ops/tensor.h"
#include "sd/sd-detect.h"

G_BEGIN_DECLS

typedef struct _AtClipText AtClipText;

/* The tower of kind under prefix (AtSdArch's text_prefix) with config's
 * sizes; penultimate and quick_gelu as AtSdArch says. file is borrowed and
 * must outlive the tower. */
AtClipText *at_clip_text_new (AtGpu *gpu, AtSafetensors *file, const char *prefix, AtSdTextKind kind,
                              const AtSdTextConfig *config, gboolean quick_gelu, gboolean penultimate,
                              GError **error);
/* The tower an architecture detected by at_sd_detect() uses. */
AtClipText *at_clip_text_new_for_arch (AtGpu *gpu, AtSafetensors *file, const AtSdArch *arch, GError **error);
void at_clip_text_free (AtClipText *m);

/* n_windows windows of context_length ids each -> out, n_windows ×
 * context_length × width floats. Ids beyond the vocabulary are refused. */
gboolean at_clip_text_encode (AtClipText *m, const guint32 *ids, guint n_windows, float *out, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtClipText, at_clip_text_free)

G_END_DECLS
