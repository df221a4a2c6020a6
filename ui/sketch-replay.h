/* sketch-replay.h — a project's drawing as it grew: the picture after its
 * first strokes, rendered without a widget (cairo only), for sketch-replay
 * clips (engine/media/clip.h). */
#pragma once

#include "ui/project.h"

G_BEGIN_DECLS

/* The imported sketch image (if any) and the first n_strokes strokes as
 * ink on white, side × side, gray — what the sketch canvas renders for a
 * request. */
AtImage *at_sketch_replay_render (const AtProject *project, guint n_strokes, guint side);

/* The drawings of a replay with at most max_keys steps
 * (at_replay_stroke_counts), GPtrArray of AtImage; empty without strokes. */
GPtrArray *at_sketch_replay_steps (const AtProject *project, guint max_keys, guint side);

G_END_DECLS
