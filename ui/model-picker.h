/* model-picker.h — the generation panel's model choice: "Built-in", then
 * the user's Stable Diffusion checkpoints of the library
 * (engine/sd/sd-library.h) with their kind and size, an "Add Model…"
 * button (a file chooser; the file is checked and copied in on a worker),
 * and the image size a checkpoint runs at. The library is read on a
 * worker too. "changed" callbacks run when the choice or the list
 * changes. */
#pragma once

#include <adwaita.h>

#include "sd/sd-library.h"

G_BEGIN_DECLS

typedef struct _AtModelPicker AtModelPicker;

/* Rows inserted into box at position (the model, then the size).
 * changed: the choice or the list changed; failed: adding or listing
 * failed, with the message to show. */
AtModelPicker *at_model_picker_new (GtkListBox *box, int position, void (*changed) (gpointer data),
                                    void (*failed) (gpointer data, const char *message), gpointer data);
void at_model_picker_free (AtModelPicker *picker);

/* The chosen checkpoint, or NULL for the built-in model. ControlNets of
 * the library are not listed as models (control-picker.h lists them). */
const AtSdLibraryEntry *at_model_picker_get_selected (AtModelPicker *picker);
/* The whole library as last listed (AtSdLibraryEntry*), ControlNets too. */
GPtrArray *at_model_picker_get_entries (AtModelPicker *picker);
guint at_model_picker_get_size (AtModelPicker *picker);
void at_model_picker_set_size (AtModelPicker *picker, guint size);
/* Chooses the model called name, NULL: Built-in (FALSE when the list has
 * none). */
gboolean at_model_picker_select (AtModelPicker *picker, const char *name);

/* Chooses in row, whose first item is "none" (Built-in, None) and the
 * others listed's entries in order, the entry called name (NULL: the
 * first item); FALSE when listed has none called that. */
gboolean at_library_row_select (AdwComboRow *row, GPtrArray *listed, const char *name);

/* Adds file to the library on a worker, then lists it and chooses it. */
void at_model_picker_add_async (AtModelPicker *picker, GFile *file, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
gboolean at_model_picker_add_finish (AtModelPicker *picker, GAsyncResult *result, GError **error);
/* The name of a ControlNet just added (it is no model to choose here),
 * once; NULL when none. The caller frees it. */
char *at_model_picker_take_added_controlnet (AtModelPicker *picker);
/* Whether the library is being read or written now. */
gboolean at_model_picker_is_busy (AtModelPicker *picker);

G_END_DECLS
