/* window-private.h — the window's instance struct and helpers shared by
 * window.c and window-actions.c, and what the UI tests reach into; not for
 * other widgets. */
#pragma once

#include "audio/audio-file.h"
#include "audio/recorder.h"
#include "audio/live-captions.h"
#include "engine.h"
#include "ui/preview.h"
#include "ui/project.h"
#include "ui/sketch-canvas.h"
#include "ui/voice-panel.h"
#include "ui/waveform.h"
#include "ui/window.h"

G_BEGIN_DECLS

struct _AtWindow {
  AdwApplicationWindow parent_instance;

  /* template children */
  AdwToastOverlay *toast_overlay;
  AdwWindowTitle *window_title;
  GtkToggleButton *live_button;
  GtkSpinner *busy_spinner;
  GtkStack *generate_stack;
  GtkRevealer *error_revealer;
  GtkLabel *error_label;
  GtkRevealer *progress_revealer;
  GtkProgressBar *progress_bar;
  GtkToggleButton *pen_button;
  GtkToggleButton *eraser_button;
  GtkAdjustment *brush_adjustment;
  GtkColorButton *color_button;
  AtSketchCanvas *canvas;
  GtkToggleButton *smooth_button;
  GtkToggleButton *fit_button;
  GtkStack *preview_stack;
  AtPreview *preview;
  GtkWidget *variants_scroller;
  GtkBox *variants_box;
  GtkTextView *prompt_view;
  GtkTextView *negative_view;
  AtWaveform *waveform;
  GtkLabel *voice_label;
  GtkWidget *voice_card;
  AtVoicePanel *voice_panel;     /* transcript and narration, under the waveform */
  GtkButton *record_button;
  GtkRevealer *record_revealer;  /* level, time and live caption while recording */
  GtkLevelBar *level_bar;
  GtkLabel *record_time_label;
  GtkLabel *caption_label;
  GtkSpinButton *steps_spin;
  GtkSpinButton *guidance_spin;
  GtkSpinButton *seed_spin;
  GtkToggleButton *seed_lock;
  AdwComboRow *sampler_row;
  GtkSpinButton *sketch_strength_spin;
  GtkSpinButton *count_spin;
  AdwActionRow *init_row;
  GtkSpinButton *strength_spin;
  GtkFlowBox *history_box;
  GMenu *recent_submenu;

  GSettings *settings;

  AtApplication *app;
  AtEngine *engine;              /* the application's; NULL until loaded */
  GError *engine_error;
  gboolean engine_loading;
  gboolean generate_when_ready;

  GCancellable *cancellable;     /* the run on show; NULL when idle */
  guint runs_in_flight;
  AtRequest *run_request;        /* what the run on show was asked */
  guint live_timeout;

  GPtrArray *variants;           /* AtHistoryItem* of the last result */
  guint current_variant;
  char *current_parameters;      /* of the image on show */
  GPtrArray *history;            /* AtHistoryItem* */

  AtImage *init_image;
  AtAudio *voice;
  char *voice_name;
  AtRecorder *recorder;          /* the default microphone, or $ATELIER_RECORD_SOURCE */
  AtLiveCaptions *captions;      /* while recording */

  GFile *file;
  gboolean dirty;
  gboolean applying;             /* filling controls: not an edit */
  gboolean close_confirmed;
  gboolean disposed;             /* late async results find no widgets */
  void (*after_save) (AtWindow *self);   /* what a confirmed save leads to */
  char *last_toast;
};

/* Shared by window.c and window-actions.c. */
void _at_window_show_toast (AtWindow *self, const char *message);
void _at_window_start_generation (AtWindow *self);
void _at_window_load_engine (AtWindow *self);
void _at_window_set_init_image (AtWindow *self, const AtImage *img);
/* Takes voice. */
void _at_window_set_voice (AtWindow *self, AtAudio *voice, const char *name);
/* win.record: starts recording a voice prompt, or stops the recording. */
void _at_window_toggle_recording (AtWindow *self);
void _at_window_on_edit (AtWindow *self);
void _at_window_set_dirty (AtWindow *self, gboolean dirty);
void _at_window_apply_project (AtWindow *self, AtProject *project);
void _at_window_new_project (AtWindow *self);
/* Writes the image on show on a worker; a toast reports the outcome. */
void _at_window_export_async (AtWindow *self, GFile *file, int scale);
gboolean _at_window_close_request (GtkWindow *window);
void _at_window_class_actions_init (GtkWidgetClass *widget_class);
void _at_window_actions_init (AtWindow *self);

AtSketchCanvas *at_window_get_canvas (AtWindow *self);
AtPreview *at_window_get_preview (AtWindow *self);
GtkProgressBar *at_window_get_progress_bar (AtWindow *self);
void at_window_set_prompt (AtWindow *self, const char *prompt);
void at_window_set_negative (AtWindow *self, const char *negative);
/* Steps, seed (and locks it), variants. */
void at_window_set_params (AtWindow *self, int steps, guint64 seed, int count);
gboolean at_window_is_generating (AtWindow *self);
/* TRUE once the engine is loaded, or failed (then error is set). */
gboolean at_window_engine_settled (AtWindow *self, const GError **error);
/* Loads on a worker; the voice row shows it when done. */
void at_window_load_voice (AtWindow *self, GFile *file);
const char *at_window_get_voice_label (AtWindow *self);
gboolean at_window_is_recording (AtWindow *self);
/* The live caption shown while recording. */
const char *at_window_get_caption (AtWindow *self);
AtVoicePanel *at_window_get_voice_panel (AtWindow *self);
/* The last toast's text, or NULL. */
const char *at_window_get_last_toast (AtWindow *self);
/* The request the controls describe now (sketch rendered). */
AtRequest *at_window_build_request (AtWindow *self);
guint at_window_get_history_length (AtWindow *self);
/* As a click on history entry i (0 = oldest) in the gallery. */
void at_window_activate_history (AtWindow *self, guint i);
/* The parameters text of the image on show, or NULL. */
const char *at_window_get_current_parameters (AtWindow *self);

gboolean at_window_save_to (AtWindow *self, GFile *file, GError **error);
gboolean at_window_open_file (AtWindow *self, GFile *file, GError **error);
gboolean at_window_export_png (AtWindow *self, GFile *file, int scale, GError **error);
gboolean at_window_get_dirty (AtWindow *self);

G_END_DECLS
