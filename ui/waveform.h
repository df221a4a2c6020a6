/* waveform.h — a voice clip drawn as its min/max envelope, or a recording
 * as it grows.
 *
 * A clip set with at_waveform_set_audio() spans the whole width. Between
 * at_waveform_start_live() and the next set_audio, samples handed to
 * at_waveform_append() are drawn as they arrive: the first
 * AT_WAVEFORM_LIVE_SECONDS fill the width from the left, after that the
 * newest AT_WAVEFORM_LIVE_SECONDS scroll in from the right. A clip may
 * show a playhead, and when seekable a click on it emits "seek" with the
 * time under the pointer. The widget copies what it is given.
 */
#pragma once

#include <gtk/gtk.h>

#include "audio/audio-file.h"

G_BEGIN_DECLS

#define AT_WAVEFORM_LIVE_SECONDS 10

#define AT_TYPE_WAVEFORM (at_waveform_get_type ())
G_DECLARE_FINAL_TYPE (AtWaveform, at_waveform, AT, WAVEFORM, GtkWidget)

GtkWidget *at_waveform_new (void);
/* Copies the samples; NULL clears. Ends a live recording. */
void at_waveform_set_audio (AtWaveform *self, const AtAudio *audio);
/* Clears the widget for a recording of rate samples per second. */
void at_waveform_start_live (AtWaveform *self, int rate);
/* Appends n samples of the live recording (ignored when none started). */
void at_waveform_append (AtWaveform *self, const float *samples, gsize n);
/* The playhead at ms of the clip; -1 hides it. */
void at_waveform_set_position (AtWaveform *self, gint64 ms);
gint64 at_waveform_get_position (AtWaveform *self);
/* Whether a click emits "seek" (void (*)(AtWaveform *, gint64 ms, gpointer)). */
void at_waveform_set_seekable (AtWaveform *self, gboolean seekable);
/* Samples shown: the clip's, or the live recording's so far. */
gsize at_waveform_get_n_samples (AtWaveform *self);
gboolean at_waveform_is_live (AtWaveform *self);

G_END_DECLS
