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
#include "ui/clip-player.h"
#include "ui/history-search.h"
#include "ui/remix-panel.h"
#include "ui/preview.h"
#include "ui/project.h"
#include "ui/shape-strip.h"
#include "ui/sketch-canvas.h"
#include "ui/video-window.h"
#include "ui/voice-panel.h"
#include "ui/waveform.h"
#include "ui/window.h"

G_BEGIN_DECLS

/* What a run was made from beyond its request, taken when it starts: its
 * history items keep it (history-item.h). */
typedef struct {
  AtStrokeList *strokes;
  AtImage *sketch_image;
  AtImage *underlay;
  char *voice_name;
  char *voice_digest;
  gboolean live;
} AtRunInputs;

/* The History gallery's own state (window-history-gallery.c). */
typedef struct {
  GSimpleActionGroup *actions;  /* "history.*" */
  GPtrArray *deletions;         /* what Undo puts back, the latest last */
  GPtrArray *live_items;        /* borrowed: this live session's, which the next live result replaces */
  GCancellable *exporting;      /* the export under way, or NULL */
} AtHistoryGallery;

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
  GtkLabel *prompt_note;         /* the words the model leaves out */
  AtWaveform *waveform;
  GtkButton *voice_play_button;
  AtClipPlayer *voice_player;     /* plays the voice clip */
  AtClip *video_clip;             /* the Video window's keyframes, or NULL: saved with the project */
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
  AtHistorySearch *history_search;  /* above history_box (window-history-search.c) */
  AtRemixPanel *remix_panel;        /* under the tags (window-remix.c) */
  GtkScrolledWindow *side_panel;
  GtkPaned *work_paned;          /* the sheet | the preview */
  GMenu *recent_submenu;

  GSettings *settings;

  AtApplication *app;
  AtEngine *engine;              /* the application's; NULL until loaded */
  GError *engine_error;
  gboolean engine_loading;
  gboolean engine_reload;        /* the engine changed while loading: the answer on its way is stale */
  gboolean generate_when_ready;
  gboolean model_defaults_pending;  /* a new project waits for the model's steps and guidance */

  struct _AtModelPicker *model_picker;  /* built-in or a user's SD checkpoint (window-sd.c) */
  struct _AtControlPicker *control_picker;  /* a ControlNet for it, or none */
  gboolean restoring_model;      /* a History item's model is being chosen: keep its settings */
  AtProjectModel *sd_pending;    /* an opened project's model choice, until the library is listed */
  struct _AtSdJobs *sd_jobs;
  const char *sd_run_model;      /* while its results are added: the checkpoint's name */

  GCancellable *cancellable;     /* the run on show; NULL when idle */
  guint runs_in_flight;
  AtRequest *run_request;        /* what the run on show was asked */
  AtRunInputs run_inputs;        /* and what else made it */
  guint live_timeout;
  double seed_before_run;        /* the seed box before Generate drew a new one */

  GPtrArray *variants;           /* AtHistoryItem* of the last result */
  guint current_variant;
  char *current_parameters;      /* of the image on show */
  GPtrArray *history;            /* AtHistoryItem* */
  AtHistoryGallery gallery;

  AtImage *init_image;
  AtAudio *voice;
  char *voice_name;
  char *voice_digest;            /* at_history_voice_digest() of voice */
  AtRecorder *recorder;          /* the default microphone, or $ATELIER_RECORD_SOURCE */
  AtLiveCaptions *captions;      /* while recording */

  GFile *file;
  gboolean dirty;
  char *saved_digest;            /* _at_window_state_digest() as in the file */
  AtStrokeList *saved_strokes;   /* holds the saved drawing's strokes, whose addresses the digest takes */
  gboolean saving;               /* a save on a worker: one at a time */
  gboolean opening;              /* an open on a worker */
  gboolean close_after_save;     /* closing was asked for while saving */
  gboolean applying;             /* filling controls: not an edit */
  gboolean close_confirmed;
  gboolean disposed;             /* late async results find no widgets */
  void (*after_save) (AtWindow *self);   /* what a confirmed save leads to */
  char *last_toast;
  struct _AtWindowAutosave *autosave;   /* window-autosave.c */
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
/* A new project's steps and guidance are the model's config's, as on the
 * command line (steps: unless chosen in Preferences); before the model has
 * loaded, once it has, unless the designer set them meanwhile. */
void _at_window_apply_model_defaults (AtWindow *self);
/* live: started by live mode, not by Generate. */
void _at_window_start_generation (AtWindow *self, gboolean live);
/* Runs request (taken, validated) as Generate does, the engine loaded. */
void _at_window_run_request (AtWindow *self, AtRequest *request, gboolean live);
/* Cancel: the run stops at once as far as the window goes (its worker
 * stops within a step or a stage), and what is shown is what was before. */
void _at_window_cancel_run (AtWindow *self);
/* In live mode, a run shortly after the last of a burst of edits. */
void _at_window_schedule_live (AtWindow *self);
void _at_window_generation_init (AtWindow *self);
void _at_window_end_run_without_image (AtWindow *self);
/* window-sd.c: the model picker; a run with a user's checkpoint when one
 * is chosen (TRUE: handled, *request taken when it started) */
void _at_window_sd_init (AtWindow *self);
void _at_window_sd_dispose (AtWindow *self);
gboolean _at_window_sd_start (AtWindow *self, AtRequest **request, gboolean live);
/* Puts the model (and ControlNet, size and strength) item was made with
 * back into the pickers; what could not be done, as a toast's clause
 * ("add the model …"), or NULL. */
char *_at_window_sd_restore (AtWindow *self, const AtHistoryItem *item);
/* The pickers' choice into m, and back (once the library is listed; a
 * model or ControlNet no longer there: Built-in or None, and a toast). */
void _at_window_sd_collect (AtWindow *self, AtProjectModel *m);
void _at_window_sd_apply (AtWindow *self, const AtProjectModel *m);

/* window-results.c */
/* img (NULL: the empty state) and the parameters text that made it. */
void _at_window_show_image (AtWindow *self, const AtImage *img, const char *parameters);
/* A finished run's images become the variants strip and join the
 * history; the first is shown. */
void _at_window_add_results (AtWindow *self, const AtResult *res, const AtRequest *request);
/* item on show by itself: the variants strip of the last run goes. */
void _at_window_show_history_item (AtWindow *self, const AtHistoryItem *item);
/* After an interrupted run: the variant on show before it, or nothing. */
void _at_window_show_last_variant (AtWindow *self);
/* The gallery rebuilt from self->history, no variants, the newest shown. */
void _at_window_show_history (AtWindow *self);

/* window-history.c */
/* The run's inputs from the canvas and the voice clip now. */
void _at_window_take_run_inputs (AtWindow *self, gboolean live);
void _at_window_clear_run_inputs (AtWindow *self);
/* A new history item for image i of res, with the run's inputs. */
AtHistoryItem *_at_window_history_item_new (AtWindow *self, const AtResult *res, guint i, const AtRequest *request);
/* Puts back everything that made item, as one undoable step for the
 * sketch; a toast says what was restored and what could not be. */
void _at_window_restore_history_item (AtWindow *self, const AtHistoryItem *item);

/* window-history-gallery.c */
void _at_window_history_gallery_init (AtWindow *self);
void _at_window_history_gallery_dispose (AtWindow *self);
/* A run's new items (made, oldest first) join the History, but for those
 * it holds already (at_history_item_is_duplicate), which stay in made; a
 * live run's replace the live session's items (see the file's comment). */
void _at_window_history_add (AtWindow *self, GPtrArray *made, gboolean live);
/* The gallery again from self->history (another project). */
void _at_window_history_rebuild (AtWindow *self);
/* Deletes the items at indices, with Undo in a toast. */
void _at_window_history_delete (AtWindow *self, const guint *indices, guint n);
/* Puts the last deletion back. */
void _at_window_history_undo_delete (AtWindow *self);

/* window-history-export.c */
/* Writes the History's images (favourites: only the starred) into folder
 * on a worker; a toast says how many were written. */
void _at_window_export_history (AtWindow *self, GFile *folder, gboolean favourites);
/* Asks for the folder first. */
void _at_window_choose_history_folder (AtWindow *self, gboolean favourites);

/* window-prompt.c */
/* Marks the prompt's words the model leaves out, and names them. */
void _at_window_check_prompt (AtWindow *self);
void _at_window_prompt_init (AtWindow *self);

/* window-saved-state.c */
/* A digest of all a project saves, as the window holds it now. */
char *_at_window_state_digest (AtWindow *self);
/* The file holds the state digest stands for, whose drawing is strokes
 * (taken). */
void _at_window_mark_saved (AtWindow *self, const char *digest, AtStrokeList *strokes);
void _at_window_mark_saved_now (AtWindow *self);
gboolean _at_window_is_as_saved (AtWindow *self);
/* The title marked as the project differs from its file now, after a
 * change that is no input of a run (live mode does not run again): a
 * narration, a star, a deletion from History. */
void _at_window_update_dirty (AtWindow *self);

/* window-project.c */
/* A snapshot for a save on a worker: copies, no rendering or encoding. */
AtProject *_at_window_collect_project (AtWindow *self);
void _at_window_apply_project (AtWindow *self, AtProject *project);
void _at_window_project_init (AtWindow *self);
/* A save or an open is on a worker: the file actions wait for it. */
gboolean _at_window_file_busy (AtWindow *self);

/* window-autosave.c */
/* Autosaves on a worker every few minutes while there are unsaved changes. */
void _at_window_autosave_init (AtWindow *self);
/* An autosave now (after a generation), if the project has changes that
 * neither its file nor its last autosave holds. */
void _at_window_autosave_now (AtWindow *self);
/* The work is safe or was given up on purpose (saved, opened over, a new
 * project): the autosave goes. */
void _at_window_autosave_discard (AtWindow *self);
void _at_window_autosave_dispose (AtWindow *self);

/* window-actions.c */
void _at_window_new_project (AtWindow *self);
gboolean _at_window_close_request (GtkWindow *window);
void _at_window_class_actions_init (GtkWidgetClass *widget_class);
void _at_window_actions_init (AtWindow *self);

/* window-export.c */
/* Writes the image on show on a worker; a toast reports the outcome. */
void _at_window_export_async (AtWindow *self, GFile *file, int scale);
/* Opens the Export dialog (ui/export-dialog.h) for the image on show. */
void _at_window_show_export_dialog (AtWindow *self);

/* window-refine.c */
/* Renders the image on show at 256 px through the upscale stage on a
 * worker and lays it over the preview. */
void _at_window_refine_preview (AtWindow *self);

/* window-inpaint.c */
/* A painted mask: r repaints only there, of the init image or else of the
 * result on show (then at full strength). */
void _at_window_add_mask (AtWindow *self, AtRequest *r);
/* Right click or long press on a History item: Regenerate Selection. */
void _at_window_add_history_menu (AtWindow *self, GtkWidget *button);
void _at_window_inpaint_init (AtWindow *self);

/* window-voice.c */
/* The waveform and the line under it show the voice clip, or invite one. */
void _at_window_show_voice (AtWindow *self);
/* Takes voice. */
void _at_window_set_voice (AtWindow *self, AtAudio *voice, const char *name);
void _at_window_voice_init (AtWindow *self);
void _at_window_voice_dispose (AtWindow *self);
/* Takes clip (NULL: none); closes an open Video window of the project before. */
void _at_window_set_video_clip (AtWindow *self, AtClip *clip);

/* window-recording.c */
/* win.record: starts recording a voice prompt, or stops the recording. */
/* window-shapes.c */
void _at_window_shapes_init (AtWindow *self);
void _at_window_shapes_set_engine (AtWindow *self, AtEngine *engine);

/* window-history-search.c */
void _at_window_history_search_init (AtWindow *self);
/* window-tone.c: the voice's tone as a style hint (when the setting is
 * on), and the tone of item's voice when it is the clip loaded now */
void _at_window_apply_tone_hint (AtWindow *self, AtRequest *r);
const char *_at_window_item_tone (AtWindow *self, const AtHistoryItem *item);
/* window-remix.c: the Remix panel, and the image it remixes (NULL: none) */
void _at_window_remix_init (AtWindow *self);
void _at_window_remix_set_source (AtWindow *self, const AtHistoryItem *item);
void _at_window_shapes_apply_to_request (AtWindow *self, AtRequest *r);
void _at_window_shapes_report (AtWindow *self, const AtResult *res);

void _at_window_toggle_recording (AtWindow *self);
void _at_window_recording_init (AtWindow *self);
/* Stops a recording in progress, unsaved. */
void _at_window_recording_dispose (AtWindow *self);

/* win.video and win.video-keyframe (window-video.c); FALSE for other names. */
gboolean _at_window_video_action (AtWindow *self, const char *name, GVariant *param);

/* What the UI tests call, and the window's own files too. */
AtSketchCanvas *at_window_get_canvas (AtWindow *self);
AtPreview *at_window_get_preview (AtWindow *self);
GtkProgressBar *at_window_get_progress_bar (AtWindow *self);
struct _AtModelPicker *at_window_get_model_picker (AtWindow *self);
struct _AtControlPicker *at_window_get_control_picker (AtWindow *self);
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
AtClipPlayer *at_window_get_voice_player (AtWindow *self);
gboolean at_window_is_recording (AtWindow *self);
/* The live caption shown while recording. */
const char *at_window_get_caption (AtWindow *self);
AtVoicePanel *at_window_get_voice_panel (AtWindow *self);
AtNarrationPanel *at_window_get_narration_panel (AtWindow *self);
/* The Video window it opened, or NULL. */
AtVideoWindow *at_window_get_video_window (AtWindow *self);
/* The last toast's text, or NULL. */
const char *at_window_get_last_toast (AtWindow *self);
/* The request the controls describe now (sketch rendered). */
AtRequest *at_window_build_request (AtWindow *self);
guint at_window_get_history_length (AtWindow *self);
/* As a click on history entry i (0 = oldest) in the gallery. */
void at_window_activate_history (AtWindow *self, guint i);
/* The gallery's tile of history entry i: its star is the toggle button in it. */
GtkWidget *at_window_get_history_tile (AtWindow *self, guint i);
/* The search field above the gallery. */
AtHistorySearch *at_window_get_history_search (AtWindow *self);
/* The Remix panel under the History. */
AtRemixPanel *at_window_get_remix_panel (AtWindow *self);
gboolean at_window_is_exporting_history (AtWindow *self);
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
/* An autosave is being written on a worker. */
gboolean at_window_is_autosaving (AtWindow *self);
/* The file this window autosaves to (a new reference), or NULL before its
 * first autosave. */
GFile *at_window_get_autosave_file (AtWindow *self);
gboolean at_window_export_png (AtWindow *self, GFile *file, int scale, GError **error);
gboolean at_window_get_dirty (AtWindow *self);

G_END_DECLS
