/* waveform.h — a loaded voice clip drawn as its min/max envelope. */
#pragma once

#include <gtk/gtk.h>

#include "audio/audio-file.h"

G_BEGIN_DECLS

#define AT_TYPE_WAVEFORM (at_waveform_get_type ())
G_DECLARE_FINAL_TYPE (AtWaveform, at_waveform, AT, WAVEFORM, GtkWidget)

GtkWidget *at_waveform_new (void);
/* Copies the samples; NULL clears. */
void at_waveform_set_audio (AtWaveform *self, const AtAudio *audio);

G_END_DECLS
