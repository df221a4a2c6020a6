/* recorder.h — recording a voice prompt from the microphone with GStreamer.
 *
 * An AtRecorder runs the pipeline
 *   <source> ! audioconvert ! audioresample
 *            ! audio/x-raw,format=F32LE,channels=1,rate=16000 ! appsink
 * where the source is autoaudiosrc (the desktop's default input: PipeWire,
 * PulseAudio or ALSA, whichever works) or any gst-launch description given
 * at construction ("audiotestsrc", "filesrc location=x.wav ! decodebin");
 * the studio takes one from $ATELIER_RECORD_SOURCE, which is how its tests
 * record without a microphone.
 *
 * Samples arrive on GStreamer's streaming thread, which only copies them
 * and sums their energy; every 50 ms the main context the recording was
 * started from receives them as signals:
 *   "level"   (rms_db, peak_db)   dBFS of the last 50 ms, -100 for silence
 *   "samples" (const float *, n)  the new 16 kHz mono samples, valid during
 *                                 the emission (live captions feed on them)
 *   "stopped" (reason, GError*)   once per recording, after the last samples
 * A recording stops on at_recorder_stop() (emitted before it returns), at
 * its maximum length (60 s unless set; the samples are cut there), when the
 * source ends, or on an error; what was recorded until then is kept and
 * at_recorder_take_audio() hands it over as an AtAudio (mono, 16 kHz).
 *
 * at_recorder_has_input_device() asks GStreamer's device monitor for an
 * "Audio/Source" (blocking: GStreamer's start-up and every device provider).
 * A recorder's "available" property is TRUE for an explicit source
 * description; for the default microphone it is FALSE until a probe on a
 * worker finds an input device, then follows devices being plugged in and
 * out (notifications on the main context the recorder was made on).
 *
 * The recorder is GTK-free so that the engine's tests and the command line
 * can use it too; it is a GObject because it is a source of signals.
 */
#pragma once

#include <gio/gio.h>

#include "audio/audio-file.h"

G_BEGIN_DECLS

#define AT_RECORDER_ERROR (at_recorder_error_quark ())
GQuark at_recorder_error_quark (void);

typedef enum {
  AT_RECORDER_ERROR_UNAVAILABLE,  /* GStreamer or one of its plugins is missing */
  AT_RECORDER_ERROR_SOURCE,       /* the source description cannot be built */
  AT_RECORDER_ERROR_START,        /* the pipeline would not start (no device, device busy, no file) */
  AT_RECORDER_ERROR_FAILED,       /* the pipeline failed while recording */
  AT_RECORDER_ERROR_BUSY,         /* already recording */
} AtRecorderError;

typedef enum {
  AT_RECORDER_STOPPED_USER,        /* at_recorder_stop() */
  AT_RECORDER_STOPPED_MAX_LENGTH,  /* the maximum length was reached */
  AT_RECORDER_STOPPED_END,         /* the source ended (a file source) */
  AT_RECORDER_STOPPED_ERROR,       /* the pipeline failed: the GError says why */
} AtRecorderStopReason;

#define AT_TYPE_RECORDER_STOP_REASON (at_recorder_stop_reason_get_type ())
GType at_recorder_stop_reason_get_type (void);

/* Rate and channels of what the recorder delivers: the speech recogniser's. */
#define AT_RECORDER_RATE 16000
/* Default maximum length: a spoken prompt is a sentence or two. */
#define AT_RECORDER_MAX_SECONDS_DEFAULT 60.0
/* Level reported for digital silence. */
#define AT_RECORDER_LEVEL_FLOOR_DB -100.0

#define AT_TYPE_RECORDER (at_recorder_get_type ())
G_DECLARE_FINAL_TYPE (AtRecorder, at_recorder, AT, RECORDER, GObject)

/* source: a gst-launch description of the source part of the pipeline;
 * NULL or "" for autoaudiosrc (the default microphone). */
AtRecorder *at_recorder_new (const char *source);
const char *at_recorder_get_source (AtRecorder *self);

/* Longest recording in seconds (> 0, at most AT_AUDIO_MAX_SECONDS); takes
 * effect at the next start. */
void at_recorder_set_max_seconds (AtRecorder *self, double seconds);
double at_recorder_get_max_seconds (AtRecorder *self);

/* Whether starting can work: an explicit source, or an input device found
 * (see above: not known at once). */
gboolean at_recorder_get_available (AtRecorder *self);

/* Starts a new recording (the previous one's samples are dropped). Signals
 * go to the calling thread's thread-default main context. Errors building
 * or starting the pipeline come back here (among them the default source
 * finding no input: autoaudiosrc would record silence instead); later ones
 * through "stopped". */
gboolean at_recorder_start (AtRecorder *self, GError **error);
/* Ends the recording in progress; "stopped" (USER) is emitted before this
 * returns. Nothing happens when not recording. */
void at_recorder_stop (AtRecorder *self);
gboolean at_recorder_is_recording (AtRecorder *self);
/* Seconds recorded so far in this recording (or the last one). */
double at_recorder_get_seconds (AtRecorder *self);
/* The last recording, once stopped; NULL when it holds no samples. The
 * caller owns it; a second call returns NULL. */
AtAudio *at_recorder_take_audio (AtRecorder *self);

/* Whether GStreamer sees any audio input device (a microphone, a line in). */
gboolean at_recorder_has_input_device (void);

G_END_DECLS
