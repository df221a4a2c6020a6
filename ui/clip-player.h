/* clip-player.h — plays a clip of audio under a play button and over a
 * waveform: the narration's preview and the voice card's clip.
 *
 * at_clip_player_set_audio() writes a copy of the clip to a WAV file in a
 * scratch folder on a worker, then opens it in a GtkMediaFile (GStreamer).
 * The button toggles play and pause and is sensitive only while the clip
 * can play; a click on the waveform seeks. "position" (void (*)
 * (AtClipPlayer *, gint64 ms, gpointer)) reports the playhead as it moves
 * and after a seek; "problem" (void (*) (AtClipPlayer *, const char
 * *message, gpointer)) says why a clip cannot play here.
 */
#pragma once

#include <gtk/gtk.h>

#include "audio/audio-file.h"
#include "ui/waveform.h"

G_BEGIN_DECLS

#define AT_TYPE_CLIP_PLAYER (at_clip_player_get_type ())
G_DECLARE_FINAL_TYPE (AtClipPlayer, at_clip_player, AT, CLIP_PLAYER, GObject)

/* what names the clip in the button's tooltip ("Play <what>"). The player
 * holds no references to the widgets; they must outlive it. */
AtClipPlayer *at_clip_player_new (GtkButton *button, AtWaveform *waveform, const char *what);
/* A copy of audio becomes the clip (NULL: none); playback stops. */
void at_clip_player_set_audio (AtClipPlayer *self, const AtAudio *audio);
/* Play, or pause while playing (from the start after the end). FALSE
 * when no clip is ready to play. */
gboolean at_clip_player_toggle (AtClipPlayer *self);
void at_clip_player_seek (AtClipPlayer *self, gint64 ms);
/* The stream of the clip (NULL until one was written). */
GtkMediaStream *at_clip_player_get_stream (AtClipPlayer *self);
/* Stops playing and forgets the widgets: call from the owner's dispose. */
void at_clip_player_detach (AtClipPlayer *self);

G_END_DECLS
