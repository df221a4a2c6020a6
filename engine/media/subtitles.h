/* subtitles.h — subtitle lines from word cues, and SRT / WebVTT files.
 *
 * at_subtitles_group() turns timed words (audio/narration.h's AtCue, from
 * narration or transcription) into lines a viewer can read: at most
 * max_chars characters and max_ms long, each sentence on lines of its own,
 * a long sentence broken into even lines, at a clause's end (comma, colon,
 * dash) where it can, and never leaving a line under AT_SUBTITLE_MIN_MS
 * where a longer split exists. The result's timings increase strictly, lines never overlap,
 * and when the audio's length is given they cover it: short gaps between
 * lines are closed and the last line stays up to the audio's end.
 *
 * Writers are atomic (temporary file, then rename); parsers accept what
 * common tools write (BOM, CRLF, cue numbers or ids, VTT cue settings, NOTE
 * and STYLE blocks) and reject files with no valid cue. All cue arrays are
 * GPtrArrays of AtCue that free their cues; the caller owns them.
 */
#pragma once

#include <glib.h>

#include "media/atomic-file.h"

#include "audio/narration.h"

G_BEGIN_DECLS

#define AT_SUBTITLE_ERROR (at_subtitle_error_quark ())
GQuark at_subtitle_error_quark (void);

typedef enum {
  AT_SUBTITLE_ERROR_INVALID,   /* not an SRT/VTT file, or a malformed timestamp */
  AT_SUBTITLE_ERROR_EMPTY,     /* nothing to write, or a file without cues */
  AT_SUBTITLE_ERROR_IO,        /* reading or writing failed */
} AtSubtitleError;

typedef enum {
  AT_SUBTITLE_SRT,
  AT_SUBTITLE_VTT,
} AtSubtitleFormat;

/* Readable defaults: two short lines of broadcast subtitles fit in 42
 * characters each; 7 s is the longest a line should stay up. */
#define AT_SUBTITLE_MAX_CHARS 42
#define AT_SUBTITLE_MAX_MS 7000
/* Shorter lines flash by: a sentence's lines are at least this long
 * where the words allow. */
#define AT_SUBTITLE_MIN_MS 1000
/* Gaps between lines shorter than this are closed, so the text does not
 * flicker off between two lines of one sentence. */
#define AT_SUBTITLE_MAX_GAP_MS 1500

/* Lines from words (in order). audio_ms > 0: extend the last line to it. */
GPtrArray *at_subtitles_group (GPtrArray *words, int max_chars, gint64 max_ms, gint64 audio_ms);

/* The file's text. */
char *at_subtitles_to_string (GPtrArray *cues, AtSubtitleFormat format);
gboolean at_subtitles_save (GPtrArray *cues, const char *path, AtSubtitleFormat format, GError **error);
/* The same text into an open atomic file, which the caller commits. */
gboolean at_subtitles_write (GPtrArray *cues, AtAtomicFile *file, AtSubtitleFormat format, GError **error);

/* Parses SRT or WebVTT (chosen by a leading "WEBVTT"). */
GPtrArray *at_subtitles_parse (const char *text, gssize length, GError **error);
GPtrArray *at_subtitles_load (const char *path, GError **error);

/* SRT for ".srt", VTT for ".vtt"; FALSE for anything else. */
gboolean at_subtitle_format_from_path (const char *path, AtSubtitleFormat *format);

G_END_DECLS
