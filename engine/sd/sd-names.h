/* sd-names.h — the tensors a Stable Diffusion checkpoint must hold, by name
 * and shape, for a given architecture: a C mirror of the module trees of
 * the original code (ldm's UNetModel and AutoencoderKL, Hugging Face's
 * CLIPTextModel naming for SD 1.x, open_clip's text tower for SD 2.x,
 * cldm's ControlNet). tests/sd/test-sd-checkpoint.c holds it to the
 * manifests tools/sd/make-manifests.py made from that code.
 *
 * A list is an AtSdNames (GPtrArray of AtSdName) the caller frees.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  AT_SD_NAME_OPTIONAL = 1 << 0,    /* may be absent (not used by inference) */
  AT_SD_NAME_ANY_DTYPE = 1 << 1,   /* e.g. position_ids, I64 or float */
  AT_SD_NAME_CONV_OR_LINEAR = 1 << 2, /* [o, i, 1, 1] or [o, i]: converters differ */
  AT_SD_NAME_FLAT_OK = 1 << 3,     /* [1, n] or [n] */
} AtSdNameFlags;

typedef struct {
  char *name;
  guint ndim;
  gint64 shape[4];
  guint flags;
} AtSdName;

/* The UNet of ldm's openaimodel.py at SD's settings (channel_mult 1,2,4,4,
 * two ResBlocks a level, attention at the first three levels, transformer
 * depth 1); context_dim 768 (SD 1.x) or 1024 (SD 2.x, linear proj_in/out).
 * model_channels is SD's 320 in real files; the widths are read from the
 * file, so models of the same layout at other widths load too. */
typedef struct {
  guint in_channels;
  guint out_channels;
  guint model_channels;
  guint context_dim;
  gboolean linear_projection;
} AtSdUnetConfig;

typedef struct {
  guint width;
  guint layers;
  guint heads;
  guint vocab;
  guint context_length;
  guint embed_dim;                 /* open_clip's text_projection columns */
} AtSdTextConfig;

GPtrArray *at_sd_names_new (void);
/* For qsort()/g_ptr_array_sort() of strings (it gets pointers to them). */
int at_sd_compare_strings (const void *a, const void *b);
void at_sd_names_add (GPtrArray *names, guint flags, guint ndim, const gint64 *shape,
                      const char *fmt, ...) G_GNUC_PRINTF (5, 6);

/* Each appends its tensors, every name starting with prefix. */
void at_sd_names_unet (GPtrArray *names, const char *prefix, const AtSdUnetConfig *config);
void at_sd_names_controlnet (GPtrArray *names, const char *prefix, const AtSdUnetConfig *config,
                             guint hint_channels);
/* vae_ch: the base channels, SD 128 */
void at_sd_names_vae (GPtrArray *names, const char *prefix, guint vae_ch);
void at_sd_names_clip_hf (GPtrArray *names, const char *prefix, const AtSdTextConfig *config);
void at_sd_names_open_clip (GPtrArray *names, const char *prefix, const AtSdTextConfig *config);

G_END_DECLS
