/* control-picker.h — the generation panel's ControlNet choice, under the
 * model picker (model-picker.h): "None", then the ControlNets of the
 * library that fit the chosen model (engine/sd/sd-control.h), and how
 * strongly the image follows the sketch. Shown only while a Stable
 * Diffusion model is chosen; a ControlNet guides a run only when a
 * sketch is drawn (the window says so in the row). "changed" runs when
 * the choice changes. */
#pragma once

#include <adwaita.h>

#include "sd/sd-library.h"

G_BEGIN_DECLS

typedef struct _AtControlPicker AtControlPicker;

/* Rows inserted into box at position (the ControlNet, then its
 * strength). */
AtControlPicker *at_control_picker_new (GtkListBox *box, int position, void (*changed) (gpointer data),
                                        gpointer data);
void at_control_picker_free (AtControlPicker *picker);

/* The library's entries (AtSdLibraryEntry*, kept) and the chosen model
 * (NULL: the built-in model, which takes no ControlNet): lists the
 * ControlNets that fit it, keeping the choice by name when it still
 * fits. */
void at_control_picker_set_model (AtControlPicker *picker, GPtrArray *entries, const AtSdLibraryEntry *model);

/* The chosen ControlNet, or NULL for None. */
const AtSdLibraryEntry *at_control_picker_get_selected (AtControlPicker *picker);
/* Chooses the ControlNet called name (NULL: None); FALSE when none of the
 * listed ones is called that. */
gboolean at_control_picker_select (AtControlPicker *picker, const char *name);
float at_control_picker_get_strength (AtControlPicker *picker);
void at_control_picker_set_strength (AtControlPicker *picker, float strength);

G_END_DECLS
