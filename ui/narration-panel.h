/* narration-panel.h — the voice card's narration: speak a text, preview
 * it with subtitles, export it.
 *
 * AtNarrationPanel speaks its own text (empty: the prompt), the prompt or
 * the voice clip's transcript, as chosen, with espeak-ng or flite on a
 * worker, previews it with play/pause and the subtitle line of the current
 * time, and exports the audio (WAV, FLAC or OGG by extension; 16-bit,
 * 24-bit or float samples as the container allows) with .srt and .vtt
 * files beside it, saying in its own status line what it did. It sits in
 * the voice panel's foldable "Narration" section. The panel owns
 * everything it shows; getters return borrowed data. "changed" is emitted
 * when the user edits something a project saves (the narration fields of
 * AtVoiceSettings); "narrated" when Speak made a new narration (which a
 * project saves too).
 */
#pragma once

#include <gtk/gtk.h>

#include "audio/audio-file.h"
#include "ui/project.h"
#include "ui/waveform.h"

G_BEGIN_DECLS

#define AT_TYPE_NARRATION_PANEL (at_narration_panel_get_type ())
G_DECLARE_FINAL_TYPE (AtNarrationPanel, at_narration_panel, AT, NARRATION_PANEL, GtkBox)

GtkWidget *at_narration_panel_new (void);

/* Where the typed prompt lives: narration speaks it when its own text is
 * empty. The panel keeps a reference. */
void at_narration_panel_set_prompt_buffer (AtNarrationPanel *self, GtkTextBuffer *prompt);

/* Where the voice clip's transcript lives, for the "Transcript" source.
 * The panel keeps a reference. */
void at_narration_panel_set_transcript_buffer (AtNarrationPanel *self, GtkTextBuffer *transcript);

/* What a project saves of the panel: only the narration_* fields of
 * settings are read or replaced. */
void at_narration_panel_get_settings (AtNarrationPanel *self, AtVoiceSettings *settings);
void at_narration_panel_set_settings (AtNarrationPanel *self, const AtVoiceSettings *settings);

/* As a click on Speak. */
void at_narration_panel_speak (AtNarrationPanel *self);
gboolean at_narration_panel_is_speaking (AtNarrationPanel *self);
/* The last narration and its subtitle lines, or NULL. */
const AtAudio *at_narration_panel_get_narration (AtNarrationPanel *self);
GPtrArray *at_narration_panel_get_subtitles (AtNarrationPanel *self);
/* A narration made before (a project's), shown as after Speak: ready to
 * play and export. Copies audio, refs subtitles; NULL: none. Emits no
 * signal. */
void at_narration_panel_set_narration (AtNarrationPanel *self, const AtAudio *audio, GPtrArray *subtitles);
/* The subtitle line shown under the preview. */
const char *at_narration_panel_get_subtitle_text (AtNarrationPanel *self);
/* As a click on Play/Pause: FALSE when there is no narration ready to play. */
gboolean at_narration_panel_toggle_playback (AtNarrationPanel *self);
/* The narration's player (NULL before the first narration). */
GtkMediaStream *at_narration_panel_get_player (AtNarrationPanel *self);
/* Plays on from ms of the narration (as a click on its waveform); nothing
 * before the player is ready. */
void at_narration_panel_seek (AtNarrationPanel *self, gint64 ms);
/* The narration's waveform, with the playhead. */
AtWaveform *at_narration_panel_get_waveform (AtNarrationPanel *self);
/* Shows the subtitle line at ms of the narration (the player calls this as
 * it plays). */
void at_narration_panel_show_time (AtNarrationPanel *self, gint64 ms);
/* The status line: speaking, exporting, the files written or what went
 * wrong. */
const char *at_narration_panel_get_status (AtNarrationPanel *self);

/* Writes the narration to file (container by extension) and .srt/.vtt
 * beside it, each atomically, on a worker. The samples are encoding where
 * the container holds it: Ogg is always Vorbis, and FLAC writes float as
 * 24-bit. */
void at_narration_panel_export_async (AtNarrationPanel *self, GFile *file, AtAudioEncoding encoding,
                                      GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
gboolean at_narration_panel_export_finish (AtNarrationPanel *self, GAsyncResult *result, GError **error);
/* As the export dialog's Export button: exports as above (cancelling an
 * export in flight) and then names the files written, with their sample
 * format, in the status line. */
void at_narration_panel_export (AtNarrationPanel *self, GFile *file, AtAudioEncoding encoding);
gboolean at_narration_panel_is_exporting (AtNarrationPanel *self);

G_END_DECLS
