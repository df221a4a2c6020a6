/* history-item.h — one image of a project's history and everything that
 * made it, so that restoring it and pressing Generate makes it again: the
 * settings, the sketch (strokes, imported sketch image, underlay), the init
 * image, which voice clip (by name and a digest of its samples: the clip
 * itself is the project's, not copied into every item) and which model.
 *
 * Items read from files written before the inputs were kept have
 * has_inputs FALSE: only their settings can be restored. Each item owns
 * its fields; strokes are shared (they are immutable). */
#pragma once

#include "media/image.h"
#include "request.h"
#include "ui/stroke-list.h"

G_BEGIN_DECLS

typedef struct {
  AtImage *image;          /* RGB result */
  char *parameters;        /* the PNG "parameters" text the engine wrote */
  AtRequest *request;      /* the settings that made it (no images or voice) */
  guint64 seed;            /* this image's own seed */
  gint64 created;          /* unix time, seconds */

  gboolean has_inputs;     /* the fields below say what made it */
  AtStrokeList *strokes;   /* the drawing (no undo stacks); never NULL */
  AtImage *sketch_image;   /* imported sketch, or NULL */
  AtImage *underlay;       /* tracing guide, or NULL */
  AtImage *init;           /* init image, or NULL */
  char *voice_name;        /* the voice clip's name, or NULL without one */
  char *voice_digest;      /* SHA-256 of its samples (see at_history_voice_digest) */
  char *model;             /* the model's name, or NULL if unknown */

  gboolean favourite;
  gboolean live;           /* made by live mode, not by Generate */
} AtHistoryItem;

/* The request's settings and its init image; the sketch is set with
 * at_history_item_set_sketch(), the voice, model and flags by the caller. */
AtHistoryItem *at_history_item_new (const AtImage *image, const char *parameters, const AtRequest *request,
                                    guint64 seed);
AtHistoryItem *at_history_item_copy (const AtHistoryItem *item);
void at_history_item_free (AtHistoryItem *item);
/* Copies of the drawing and the images (NULL: none); marks has_inputs. */
void at_history_item_set_sketch (AtHistoryItem *item, const AtStrokeList *strokes, const AtImage *sketch_image,
                                 const AtImage *underlay);

/* A digest of n samples at rate (as 16-bit PCM, as projects keep them):
 * the same clip gives the same string, also once saved and opened. */
char *at_history_voice_digest (const float *samples, gsize n, int rate);

/* Whether a and b were made from the same settings, seed and inputs, so
 * that keeping both adds nothing. */
gboolean at_history_item_same_making (const AtHistoryItem *a, const AtHistoryItem *b);
/* Made the same way and the same image (a mask, which items do not keep,
 * makes another image from the same making): the History needs one. */
gboolean at_history_item_is_duplicate (const AtHistoryItem *a, const AtHistoryItem *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtHistoryItem, at_history_item_free)

G_END_DECLS
