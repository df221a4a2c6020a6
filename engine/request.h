/* request.h — everything one generation needs, and everything it made.
 *
 * The studio and the command line fill an AtRequest and hand it to the
 * engine (engine.h); neither knows how the engine computes. Fields are
 * public and owned by the struct: set strings with g_free/g_strdup, images
 * with g_clear_pointer (&r->sketch, at_image_free). at_request_copy() makes
 * the deep copy a worker thread keeps.
 */
#pragma once

#include <glib.h>

#include "media/image.h"
#include "upscale.h"

G_BEGIN_DECLS

typedef enum {
  AT_SAMPLER_EULER,        /* the model's own (rectified flow, first order) */
  AT_SAMPLER_HEUN,         /* second order, two denoiser calls a step */
  AT_SAMPLER_DPMPP_2M,     /* DPM-Solver++(2M) on the flow's x0 prediction */
  AT_SAMPLER_EULER_A,      /* ancestral: re-noises a little every step */
  AT_N_SAMPLERS
} AtSamplerKind;

const char *at_sampler_kind_to_string (AtSamplerKind kind);
/* Accepts the names above and A1111's ("Euler a", "DPM++ 2M", ...). */
gboolean at_sampler_kind_from_string (const char *name, AtSamplerKind *kind);
/* The name AUTOMATIC1111 and stable-diffusion.cpp write in "Sampler:". */
const char *at_sampler_kind_to_a1111 (AtSamplerKind kind);

/* The most variants one request may make. */
#define AT_REQUEST_MAX_COUNT 64
/* The sketch, init image and mask are used at most at the largest output
 * size (512 px); files are read reduced to this side (at_image_load_reduced)
 * so that a huge PNG costs megabytes. */
#define AT_REQUEST_MAX_INPUT_SIDE 1024

typedef struct {
  char *prompt;            /* may be NULL or empty */
  char *negative;          /* guidance pushes away from this; NULL = none */
  AtImage *sketch;         /* dark strokes on a light background, any size */
  float *voice;            /* mono samples in [-1, 1] */
  gsize voice_len;
  int voice_rate;          /* Hz */
  AtImage *init;           /* image-to-image start; NULL = from noise */
  float strength;          /* image-to-image: 0 keeps init, 1 ignores it */
  AtImage *mask;           /* inpainting: white repaints init, black keeps it
                            * (media/mask.h); init's size; NULL = all of it */
  float mask_feather;      /* soft edge of the mask, in its pixels */
  float sketch_strength;   /* share of the steps the sketch conditions, 0..1 */
  float colour_hint;       /* how strongly coloured ink asks for its colour
                            * there (colour-hint.h), 0..1; 0 = off */
  int steps;
  float guidance;          /* classifier-free guidance scale; 1 = off */
  guint64 seed;
  AtSamplerKind sampler;
  int count;               /* variants; variant i uses seed + i */
  int size;                /* output side in pixels: the model's, or one the upscale stage makes */
  AtBackground background; /* white, or transparent (RGBA images) */
  int preview_every;       /* preview every N steps; 0 = none */
  gboolean fast;           /* the few-step student (no guidance needed) instead of the model */
  char *shape;             /* with no sketch: "auto" (the prompt's best shape), a shape
                              name, or NULL / "none"; see shapes/shape-prior.h */
} AtRequest;

AtRequest *at_request_new (void);
AtRequest *at_request_copy (const AtRequest *request);
void at_request_free (AtRequest *request);
gboolean at_request_has_input (const AtRequest *request);
/* Checks ranges and sizes; the message says what is wrong and what to do. */
gboolean at_request_validate (const AtRequest *request, GError **error);
/* "prompt\nNegative prompt: ...\nSteps: 20, Sampler: Euler, CFG scale: 3.5,
 * Seed: 42, Size: 64x64, Model: atelier-v1, ..." as AUTOMATIC1111 writes it. */
char *at_request_to_parameters (const AtRequest *request, guint64 seed, const char *model_name);

typedef struct {
  GPtrArray *images;       /* AtImage*, one per variant */
  GPtrArray *base_images;  /* AtImage*, the model's own (native size) image of each */
  GArray *seeds;           /* guint64 per image */
  GPtrArray *parameters;   /* char*, the PNG "parameters" text per image */
  double encode_ms;        /* tokenizer + encoders + fusion */
  double denoise_ms;       /* all sampler steps, all variants */
  double upscale_ms;       /* the upscale stage (upscale.h), all variants; 0 when it did not run */
  double per_call_ms;      /* mean time of one denoiser call */
  double total_ms;
  guint denoiser_calls;
  char *shape;             /* the shape that became the sketch, or NULL */
  char *shape_note;        /* how it was matched, or why no shape was used; or NULL */
} AtResult;

AtResult *at_result_new (void);
void at_result_free (AtResult *result);

#define AT_REQUEST_ERROR (at_request_error_quark ())
GQuark at_request_error_quark (void);
typedef enum {
  AT_REQUEST_ERROR_INVALID,   /* a parameter out of range */
  AT_REQUEST_ERROR_EMPTY,     /* no prompt, sketch or voice */
} AtRequestError;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtRequest, at_request_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtResult, at_result_free)

G_END_DECLS
