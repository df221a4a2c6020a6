/* window-private.h — the window's instance struct and the helpers its
 * files share (window.c, window-actions.c, window-generation.c,
 * window-results.c, window-project.c, window-export.c, window-voice.c,
 * window-recording.c), and what the UI tests reach into; not for other
 * widgets. */
#pragma once

#include "audio/audio-file.h"
#include "audio/recorder.h"
#include "audio/live-captions.h"
#include "engine.h"
#include "ui/preview.h"
#include "ui/project.h"
#include "ui/shape-strip.h"
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
  AtShapeStrip *shape_strip;
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
  guint edits;                   /* counts edits: a save clears dirty only if none came meanwhile */
  gboolean saving;               /* a save on a worker: one at a time */
  gboolean opening;              /* an open on a worker */
  gboolean close_after_save;     /* closing was asked for while saving */
  gboolean applying;             /* filling controls: not an edit */
  gboolean close_confirmed;
  gboolean disposed;             /* late async results find no widgets */
  void (*after_save) (AtWindow *self);   /* what a confirmed save leads to */
  char *last_toast;
};

/* window.c */
void _at_window_show_toast (AtWindow *self, const char *message);
void _at_window_set_dirty (AtWindow *self, gboolean dirty);
/* Enables the actions that apply now; Generate or Cancel, the spinner. */
void _at_window_update_actions (AtWindow *self);
void _at_window_show_engine_error (AtWindow *self, const GError *error);
/* The user changed something a project saves. */
void _at_window_on_edit (AtWindow *self);
void _at_window_load_engine (AtWindow *self);

/* window-generation.c */
/* The prompts and numbers the controls show, without the inputs (sketch,
 * voice, init image) or the voice panel's part: what a project saves. */
AtRequest *_at_window_build_controls_request (AtWindow *self);
/* Fills the parameter controls (not the inputs) from r; the prompts too
 * with with_prompts. */
void _at_window_params_to_ui (AtWindow *self, const AtRequest *r, gboolean with_prompts);
void _at_window_set_init_image (AtWindow *self, const AtImage *img);
void _at_window_start_generation (AtWindow *self);
/* In live mode, a run shortly after the last of a burst of edits. */
void _at_window_schedule_live (AtWindow *self);
void _at_window_generation_init (AtWindow *self);

/* window-results.c */
/* img (NULL: the empty state) and the parameters text that made it. */
void _at_window_show_image (AtWindow *self, const AtImage *img, const char *parameters);
/* A finished run's images become the variants strip and join the
 * history; the first is shown. */
void _at_window_add_results (AtWindow *self, const AtResult *res, const AtRequest *request);
/* After an interrupted run: the variant on show before it, or nothing. */
void _at_window_show_last_variant (AtWindow *self);
/* The gallery rebuilt from self->history, no variants, the newest shown. */
void _at_window_show_history (AtWindow *self);

/* window-project.c */
void _at_window_apply_project (AtWindow *self, AtProject *project);
void _at_window_project_init (AtWindow *self);
/* A save or an open is on a worker: the file actions wait for it. */
gboolean _at_window_file_busy (AtWindow *self);

/* window-actions.c */
void _at_window_new_project (AtWindow *self);
gboolean _at_window_close_request (GtkWindow *window);
void _at_window_class_actions_init (GtkWidgetClass *widget_class);
void _at_window_actions_init (AtWindow *self);

/* window-export.c */
/* Writes the image on show on a worker; a toast reports the outcome. */
void _at_window_export_async (AtWindow *self, GFile *file, int scale);

/* window-voice.c */
/* The waveform and the line under it show the voice clip, or invite one. */
void _at_window_show_voice (AtWindow *self);
/* Takes voice. */
void _at_window_set_voice (AtWindow *self, AtAudio *voice, const char *name);
void _at_window_voice_init (AtWindow *self);

/* window-recording.c */
/* win.record: starts recording a voice prompt, or stops the recording. */
/* window-shapes.c */
void _at_window_shapes_init (AtWindow *self);
void _at_window_shapes_set_engine (AtWindow *self, AtEngine *engine);
void _at_window_shapes_apply_to_request (AtWindow *self, AtRequest *r);
void _at_window_shapes_report (AtWindow *self, const AtResult *res);

void _at_window_toggle_recording (AtWindow *self);
void _at_window_recording_init (AtWindow *self);
/* Stops a recording in progress, unsaved. */
void _at_window_recording_dispose (AtWindow *self);

/* What the UI tests call, and the window's own files too. */
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
AtNarrationPanel *at_window_get_narration_panel (AtWindow *self);
/* The last toast's text, or NULL. */
const char *at_window_get_last_toast (AtWindow *self);
/* The request the controls describe now (sketch rendered). */
AtRequest *at_window_build_request (AtWindow *self);
guint at_window_get_history_length (AtWindow *self);
/* As a click on history entry i (0 = oldest) in the gallery. */
void at_window_activate_history (AtWindow *self, guint i);
/* The parameters text of the image on show, or NULL. */
const char *at_window_get_current_parameters (AtWindow *self);

/* Saves a snapshot of the project on a worker; the project belongs to file
 * then, and is clean unless edited meanwhile. Fails with G_IO_ERROR_PENDING
 * while another save or an open is under way. */
void at_window_save_async (AtWindow *self, GFile *file, GCancellable *cancellable, GAsyncReadyCallback callback,
                           gpointer user_data);
gboolean at_window_save_finish (AtWindow *self, GAsyncResult *result, GError **error);
/* Reads file on a worker; the project is replaced only if it opened. */
void at_window_open_async (AtWindow *self, GFile *file, GCancellable *cancellable, GAsyncReadyCallback callback,
                           gpointer user_data);
gboolean at_window_open_finish (AtWindow *self, GAsyncResult *result, GError **error);
gboolean at_window_is_saving (AtWindow *self);
gboolean at_window_export_png (AtWindow *self, GFile *file, int scale, GError **error);
gboolean at_window_get_dirty (AtWindow *self);

G_END_DECLS
