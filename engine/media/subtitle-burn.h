/* subtitle-burn.h — subtitle lines drawn into video frames (Pango and
 * cairo): white text with a dark outline, centred near the bottom,
 * wrapped to the frame's width, sized to the frame's height. For players
 * and sites that do not show a WebVTT file beside the clip. */
#pragma once

#include <glib.h>

#include "media/image.h"

G_BEGIN_DECLS

/* A copy of img (RGB or gray; the copy is RGB) with text drawn on it;
 * NULL or blank text: an RGB copy as it was. */
AtImage *at_subtitle_burn (const AtImage *img, const char *text);

/* The text of the cue (AtCue*, in order) showing at t_ms, or NULL. */
const char *at_subtitles_text_at (GPtrArray *cues, gint64 t_ms);

G_END_DECLS
