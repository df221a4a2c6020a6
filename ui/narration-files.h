/* narration-files.h — a narration written as files: the audio, in the
 * container its name's extension says, with its subtitle lines as .srt
 * and .vtt beside it; and the line that tells the user what was written.
 *
 * AtNarrationFiles holds its own copies, so a worker can write them while
 * the narration panel speaks again; nothing here touches a widget.
 */
#pragma once

#include <glib.h>

#include "audio/audio-file.h"

G_BEGIN_DECLS

typedef struct {
  AtAudio *audio;
  GPtrArray *subtitles;       /* AtCue lines, a reference */
  char *path;                 /* the audio file's */
  AtAudioEncoding asked;      /* the samples chosen; the container may hold others */
} AtNarrationFiles;

/* Copies audio, refs subtitles. */
AtNarrationFiles *at_narration_files_new (const AtAudio *audio, GPtrArray *subtitles, const char *path,
                                          AtAudioEncoding asked);
void at_narration_files_free (AtNarrationFiles *files);

/* Writes the audio to path and the subtitles as path's name with .srt and
 * .vtt in place of its extension, each atomically. The samples are asked
 * where the container holds it: Ogg is always Vorbis, and FLAC writes
 * float as 24-bit. */
gboolean at_narration_files_save (const AtNarrationFiles *files, GError **error);
/* What at_narration_files_save() wrote, for a status line: "Exported
 * narration.flac (24-bit: FLAC has no float samples), narration.srt and
 * narration.vtt to /folder". Newly allocated. */
char *at_narration_files_describe (const AtNarrationFiles *files);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtNarrationFiles, at_narration_files_free)

G_END_DECLS
