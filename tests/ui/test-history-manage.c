/* test-history-manage.c — managing the History gallery: a star marks a
 * favourite and the project keeps it; Delete removes the selection and
 * the toast's Undo puts every item back where it stood; Export All… and
 * Export Favourites… write PNGs that gdk-pixbuf decodes to the items'
 * pixels and "parameters" text, under names of their own that replace no
 * file; the same settings and seed twice add one item, not two; a live
 * session keeps its last result (and the starred ones), not every one.
 * A click on a tile restores it, Ctrl+click adds it to the selection, a
 * click on the star only stars, and the Delete key deletes the selection:
 * with the real pointer and keyboard (xdotool, ui-test-pointer.h). The
 * generating tests go through the real engine on lavapipe at 2 steps. */
#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "ui/window-private.h"
#include "ui-test-pointer.h"
#include "ui-test-util.h"

static AtApplication *app;

/* An item whose image and parameters text are its own (k), as a run's. */
static AtHistoryItem *
pattern_item (guint k, const char *prompt, guint64 seed)
{
  g_autoptr (AtImage) img = at_image_new (16, 12, 3);
  for (gsize i = 0; i < at_image_get_nbytes (img); i++)
    img->pixels[i] = (guint8) (i * 7 + k * 31);
  g_autoptr (AtRequest) r = at_request_new ();
  g_free (r->prompt);
  r->prompt = g_strdup (prompt);
  g_autofree char *params = g_strdup_printf ("%s\nSteps: 2, Seed: %" G_GUINT64_FORMAT ", Item: %u", prompt, seed, k);
  AtHistoryItem *item = at_history_item_new (img, params, r, seed);
  g_autoptr (AtStrokeList) strokes = at_stroke_list_new ();
  at_history_item_set_sketch (item, strokes, NULL, NULL);
  return item;
}

/* n pattern items added to window's History as one run would add them. */
static void
add_items (AtWindow *window, guint n)
{
  g_autoptr (GPtrArray) made = g_ptr_array_new_with_free_func ((GDestroyNotify) at_history_item_free);
  for (guint k = 0; k < n; k++)
    g_ptr_array_add (made, pattern_item (k, k == 0 ? "a red fox, in snow!" : "a blue house", 10 + k));
  _at_window_history_add (window, made, FALSE);
}

static gboolean
enabled (AtWindow *window, const char *action)
{
  return g_action_group_get_action_enabled (G_ACTION_GROUP (window->gallery.actions), action);
}

static AtHistoryItem *
item_at (AtWindow *window, guint i)
{
  return g_ptr_array_index (window->history, i);
}

static gboolean
is_toggle (GtkWidget *widget, gconstpointer data)
{
  return GTK_IS_TOGGLE_BUTTON (widget);
}

static GtkToggleButton *
star_of (AtWindow *window, guint i)
{
  GtkWidget *star = ui_test_find_widget (at_window_get_history_tile (window, i), is_toggle, NULL);
  g_assert_nonnull (star);
  return GTK_TOGGLE_BUTTON (star);
}

/* The gallery shows the History, newest first, tile by tile. */
static void
assert_gallery_matches (AtWindow *window)
{
  guint n = 0;
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (window->history_box)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n++;
  g_assert_cmpuint (n, ==, window->history->len);
  for (guint i = 0; i < window->history->len; i++)
    g_assert_true (g_object_get_data (G_OBJECT (at_window_get_history_tile (window, i)), "item") == item_at (window, i));
}

static void
test_favourite_round_trip (void)
{
  AtWindow *window = ui_test_open_window (NULL);
  add_items (window, 3);
  g_autoptr (GFile) file = ui_test_temp_file ("stars.atelier");
  g_autoptr (GError) error = NULL;
  g_assert_true (ui_test_save (window, file, &error));
  g_assert_false (at_window_get_dirty (window));
  g_assert_false (enabled (window, "export-favourites"));

  /* a click on the star of the middle image */
  g_signal_emit_by_name (star_of (window, 1), "clicked");
  g_assert_true (item_at (window, 1)->favourite);
  g_assert_false (item_at (window, 0)->favourite);
  g_assert_true (at_window_get_dirty (window));
  g_assert_cmpstr (gtk_button_get_icon_name (GTK_BUTTON (star_of (window, 1))), ==, "starred-symbolic");
  /* and off and on again: unmarked when back as saved */
  g_signal_emit_by_name (star_of (window, 1), "clicked");
  g_assert_false (at_window_get_dirty (window));
  g_signal_emit_by_name (star_of (window, 1), "clicked");
  g_assert_true (ui_test_save (window, file, &error));

  AtWindow *reopened = ui_test_open_window (NULL);
  g_assert_true (ui_test_open (reopened, file, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (at_window_get_history_length (reopened), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_cmpint (item_at (reopened, i)->favourite, ==, i == 1);
      g_assert_cmpint (gtk_toggle_button_get_active (star_of (reopened, i)), ==, i == 1);
      g_assert_cmpstr (item_at (reopened, i)->parameters, ==, item_at (window, i)->parameters);
    }
  assert_gallery_matches (reopened);
  ui_test_close_window (reopened);
  ui_test_close_window (window);
  ui_test_remove_temp (file);
}

static void
test_delete_and_undo (void)
{
  AtWindow *window = ui_test_open_window (NULL);
  add_items (window, 5);
  /* borrowed: the window owns the items */
  g_autoptr (GPtrArray) before = g_ptr_array_new ();
  g_ptr_array_extend (before, window->history, NULL, NULL);
  _at_window_mark_saved_now (window);
  _at_window_set_dirty (window, FALSE);
  g_assert_false (enabled (window, "delete-selected"));

  /* select two (as Ctrl+click does) and delete them */
  gtk_flow_box_select_child (window->history_box, GTK_FLOW_BOX_CHILD (gtk_widget_get_parent (at_window_get_history_tile (window, 1))));
  gtk_flow_box_select_child (window->history_box, GTK_FLOW_BOX_CHILD (gtk_widget_get_parent (at_window_get_history_tile (window, 3))));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "history.delete-selected", NULL));
  g_assert_cmpuint (at_window_get_history_length (window), ==, 3);
  g_assert_true (item_at (window, 0) == before->pdata[0]);
  g_assert_true (item_at (window, 1) == before->pdata[2]);
  g_assert_true (item_at (window, 2) == before->pdata[4]);
  assert_gallery_matches (window);
  g_assert_cmpstr (at_window_get_last_toast (window), ==, "Deleted 2 images from History");
  g_assert_true (at_window_get_dirty (window));

  /* one more, from its menu */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "history.delete-item", "u", 0));
  g_assert_cmpuint (at_window_get_history_length (window), ==, 2);
  g_assert_cmpstr (at_window_get_last_toast (window), ==, "Deleted 1 image from History");

  /* Undo, twice: everything back where it stood, and as saved */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "history.undo-delete", NULL));
  g_assert_cmpuint (at_window_get_history_length (window), ==, 3);
  g_assert_true (item_at (window, 0) == before->pdata[0]);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "history.undo-delete", NULL));
  g_assert_cmpuint (at_window_get_history_length (window), ==, 5);
  for (guint i = 0; i < 5; i++)
    g_assert_true (item_at (window, i) == before->pdata[i]);
  assert_gallery_matches (window);
  g_assert_false (at_window_get_dirty (window));
  g_assert_false (enabled (window, "undo-delete"));

  /* a restored item restores as before */
  at_window_activate_history (window, 3);
  g_assert_cmpstr (at_window_get_current_parameters (window), ==, item_at (window, 3)->parameters);
  ui_test_close_window (window);
}

static gboolean
export_over (gpointer window)
{
  return !at_window_is_exporting_history (window);
}

/* The PNGs in dir (but for skip), each decoded by gdk-pixbuf: its pixels
 * and its "parameters" text are those of one item of window's History, and
 * together they are the items wanted. */
static void
assert_exported (AtWindow *window, const char *dir, const char *skip, gboolean favourites)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  g_assert_nonnull (d);
  g_autoptr (GHashTable) seen = g_hash_table_new (NULL, NULL);
  const char *name;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      if (g_strcmp0 (name, skip) == 0)
        continue;
      g_assert_true (g_str_has_suffix (name, ".png"));
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr (GError) error = NULL;
      g_autoptr (GdkPixbuf) pixbuf = gdk_pixbuf_new_from_file (path, &error);
      g_assert_no_error (error);
      const char *params = gdk_pixbuf_get_option (pixbuf, "tEXt::parameters");
      g_assert_nonnull (params);
      AtHistoryItem *match = NULL;
      for (guint i = 0; i < window->history->len; i++)
        if (g_strcmp0 (item_at (window, i)->parameters, params) == 0)
          match = item_at (window, i);
      g_assert_nonnull (match);
      g_assert_false (g_hash_table_contains (seen, match));
      g_hash_table_add (seen, match);
      const AtImage *img = match->image;
      g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, img->width);
      g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, img->height);
      g_assert_cmpint (gdk_pixbuf_get_n_channels (pixbuf), ==, img->channels);
      const guint8 *pixels = gdk_pixbuf_read_pixels (pixbuf);
      for (guint y = 0; y < img->height; y++)
        g_assert_cmpmem (pixels + y * gdk_pixbuf_get_rowstride (pixbuf), img->width * 3,
                         img->pixels + y * img->width * 3, img->width * 3);
    }
  for (guint i = 0; i < window->history->len; i++)
    g_assert_cmpint (g_hash_table_contains (seen, item_at (window, i)), ==, !favourites || item_at (window, i)->favourite);
}

static void
remove_folder (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_assert_cmpint (g_unlink (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_export (void)
{
  AtWindow *window = ui_test_open_window (NULL);
  g_autofree char *dir = g_dir_make_tmp ("atelier-history-XXXXXX", NULL);
  g_autoptr (GFile) folder = g_file_new_for_path (dir);
  g_autofree char *folder_name = g_path_get_basename (dir);

  /* nothing to export yet: said, nothing written */
  _at_window_export_history (window, folder, FALSE);
  g_assert_cmpstr (at_window_get_last_toast (window), ==, "History is empty: generate an image first");
  add_items (window, 4);
  _at_window_export_history (window, folder, TRUE);
  g_assert_cmpstr (at_window_get_last_toast (window), ==, "No favourites to export: star images in History first");
  g_assert_false (at_window_is_exporting_history (window));

  /* a file of the first image's name is there already: it stays as it was */
  g_autofree char *taken = g_build_filename (dir, "01-a-red-fox-in-snow-10.png", NULL);
  g_assert_true (g_file_set_contents (taken, "not mine", -1, NULL));
  /* the menu's actions are on (they ask for a folder; here the test gives it) */
  g_assert_true (enabled (window, "export-all"));
  g_assert_false (enabled (window, "export-favourites"));
  _at_window_export_history (window, folder, FALSE);
  g_assert_true (at_window_is_exporting_history (window));
  g_assert_true (ui_test_wait_until (export_over, window, 30));
  g_autofree char *all = g_strdup_printf ("Exported 4 images to “%s”", folder_name);
  g_assert_cmpstr (at_window_get_last_toast (window), ==, all);
  g_autofree char *kept = NULL;
  g_assert_true (g_file_get_contents (taken, &kept, NULL, NULL));
  g_assert_cmpstr (kept, ==, "not mine");
  g_autofree char *renamed = g_build_filename (dir, "01-a-red-fox-in-snow-10-2.png", NULL);
  g_assert_true (g_file_test (renamed, G_FILE_TEST_IS_REGULAR));
  assert_exported (window, dir, "01-a-red-fox-in-snow-10.png", FALSE);
  remove_folder (dir);

  /* favourites: the starred ones only */
  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  g_signal_emit_by_name (star_of (window, 0), "clicked");
  g_signal_emit_by_name (star_of (window, 2), "clicked");
  _at_window_export_history (window, folder, TRUE);
  g_assert_true (ui_test_wait_until (export_over, window, 30));
  g_autofree char *favourites = g_strdup_printf ("Exported 2 favourites to “%s”", folder_name);
  g_assert_cmpstr (at_window_get_last_toast (window), ==, favourites);
  assert_exported (window, dir, NULL, TRUE);
  remove_folder (dir);

  /* a folder that is gone: said, and nothing written */
  _at_window_export_history (window, folder, FALSE);
  g_assert_true (ui_test_wait_until (export_over, window, 30));
  g_assert_true (g_str_has_prefix (at_window_get_last_toast (window), "Exported 0 of 4 images to"));
  g_assert_nonnull (strstr (at_window_get_last_toast (window), "does not exist"));
  ui_test_close_window (window);
}

/* --- through the engine -------------------------------------------------- */

static void
test_no_duplicates (void)
{
  AtWindow *window = ui_test_open_window (app);
  ui_test_wait_for_engine (window);
  ui_test_draw_line (window, 0.2, 0.2, 0.8, 0.8);
  at_window_set_prompt (window, "a red circle");
  at_window_set_params (window, 2, 21, 1);
  ui_test_generate (window);
  g_assert_cmpuint (at_window_get_history_length (window), ==, 1);
  g_autofree char *first = g_strdup (at_window_get_current_parameters (window));

  /* the same again: the image is the same, the History keeps one */
  ui_test_generate (window);
  g_assert_cmpstr (at_window_get_current_parameters (window), ==, first);
  g_assert_cmpuint (at_window_get_history_length (window), ==, 1);
  g_assert_true (g_str_has_prefix (at_window_get_last_toast (window), "Already in History"));

  /* another seed, or the same seed with another sketch, is another image */
  at_window_set_params (window, 2, 22, 1);
  ui_test_generate (window);
  g_assert_cmpuint (at_window_get_history_length (window), ==, 2);
  at_window_set_params (window, 2, 21, 1);
  ui_test_draw_line (window, 0.5, 0.1, 0.5, 0.9);
  ui_test_generate (window);
  g_assert_cmpuint (at_window_get_history_length (window), ==, 3);
  for (guint i = 0; i < 3; i++)
    for (guint k = i + 1; k < 3; k++)
      g_assert_false (at_history_item_is_duplicate (item_at (window, i), item_at (window, k)));
  ui_test_close_window (window);
}

static gboolean
live_run_over (gpointer data)
{
  AtWindow *window = data;
  return !at_window_is_generating (window) && window->live_timeout == 0;
}

/* Draws a line and waits for live mode's run after it. */
static void
draw_live (AtWindow *window, double x)
{
  ui_test_draw_line (window, x, 0.1, x, 0.9);
  g_assert_true (window->live_timeout != 0);
  g_assert_true (ui_test_wait_until (live_run_over, window, 120));
  guint n = at_window_get_history_length (window);
  g_assert_cmpuint (n, >, 0);
  g_assert_true (item_at (window, n - 1)->live);
}

static void
test_live_session (void)
{
  AtWindow *window = ui_test_open_window (app);
  ui_test_wait_for_engine (window);
  at_window_set_prompt (window, "a green tree");
  at_window_set_params (window, 2, 31, 1);
  gtk_toggle_button_set_active (window->live_button, TRUE);

  /* three results while drawing: one History item, the last result */
  draw_live (window, 0.3);
  g_assert_cmpuint (at_window_get_history_length (window), ==, 1);
  draw_live (window, 0.5);
  draw_live (window, 0.7);
  g_assert_cmpuint (at_window_get_history_length (window), ==, 1);
  AtHistoryItem *last = item_at (window, 0);
  g_assert_true (last->live);
  g_assert_cmpuint (at_stroke_list_get_n_strokes (last->strokes), ==, 3);
  g_assert_cmpstr (last->parameters, ==, at_window_get_current_parameters (window));

  /* a star keeps it: the next result is a new item */
  g_signal_emit_by_name (star_of (window, 0), "clicked");
  draw_live (window, 0.4);
  g_assert_cmpuint (at_window_get_history_length (window), ==, 2);
  g_assert_cmpuint (at_stroke_list_get_n_strokes (item_at (window, 0)->strokes), ==, 3);
  g_assert_cmpuint (at_stroke_list_get_n_strokes (item_at (window, 1)->strokes), ==, 4);
  draw_live (window, 0.6);
  g_assert_cmpuint (at_window_get_history_length (window), ==, 2);
  g_assert_cmpuint (at_stroke_list_get_n_strokes (item_at (window, 1)->strokes), ==, 5);

  /* Live off ends the session: its last result stays */
  gtk_toggle_button_set_active (window->live_button, FALSE);
  gtk_toggle_button_set_active (window->live_button, TRUE);
  draw_live (window, 0.2);
  g_assert_cmpuint (at_window_get_history_length (window), ==, 3);
  g_assert_cmpuint (at_stroke_list_get_n_strokes (item_at (window, 1)->strokes), ==, 5);

  /* Generate keeps it too, and adds its own, not live */
  gtk_toggle_button_set_active (window->live_button, FALSE);
  at_window_set_params (window, 2, 32, 1);
  ui_test_generate (window);
  g_assert_cmpuint (at_window_get_history_length (window), ==, 4);
  g_assert_false (item_at (window, 3)->live);
  g_assert_true (item_at (window, 2)->live);
  assert_gallery_matches (window);
  ui_test_close_window (window);
}

/* The side panel scrolled to its foot, where the gallery is, until the
 * tiles are in its view. */
static gboolean
tiles_in_view (gpointer data)
{
  AtWindow *window = data;
  GtkAdjustment *scroll = gtk_scrolled_window_get_vadjustment (window->side_panel);
  gtk_adjustment_set_value (scroll, gtk_adjustment_get_upper (scroll) - gtk_adjustment_get_page_size (scroll));
  graphene_rect_t r;
  GtkWidget *panel = GTK_WIDGET (window->side_panel);
  for (guint i = 0; i < window->history->len; i++)
    if (!gtk_widget_compute_bounds (at_window_get_history_tile (window, i), panel, &r) || r.origin.y < 0 ||
        r.origin.y + r.size.height > gtk_widget_get_height (panel) || r.size.height < 8)
      return FALSE;
  return TRUE;
}

static guint
n_selected (AtWindow *window)
{
  GList *selected = gtk_flow_box_get_selected_children (window->history_box);
  guint n = g_list_length (selected);
  g_list_free (selected);
  return n;
}

static gboolean
is_selected (AtWindow *window, guint i)
{
  return gtk_flow_box_child_is_selected (GTK_FLOW_BOX_CHILD (gtk_widget_get_parent (at_window_get_history_tile (window, i))));
}

/* Where a pointer meets the picture of tile i, away from its star. */
static void
click_tile (AtWindow *window, guint i, const char *holding)
{
  GtkWidget *tile = at_window_get_history_tile (window, i);
  double x = gtk_widget_get_width (tile) * 0.3, y = gtk_widget_get_height (tile) * 0.7;
  if (holding != NULL)
    ui_test_pointer_click_holding (tile, x, y, holding);
  else
    ui_test_pointer_click (tile, x, y);
}

/* What a click must have led to; the tests wait for it rather than for a
 * fixed time, since a loaded machine delivers the click later. */
typedef struct {
  AtWindow *window;
  guint tile;        /* selected */
  guint n_selected;
  guint history;     /* items left */
} Expect;

static gboolean
selection_is (gpointer data)
{
  Expect *e = data;
  return n_selected (e->window) == e->n_selected && is_selected (e->window, e->tile);
}

static gboolean
starred (gpointer data)
{
  Expect *e = data;
  return item_at (e->window, e->tile)->favourite;
}

static gboolean
history_is (gpointer data)
{
  Expect *e = data;
  return at_window_get_history_length (e->window) == e->history;
}

static void
test_pointer (void)
{
  AtWindow *window = ui_test_open_window (NULL);
  add_items (window, 4);
  g_assert_true (ui_test_wait_until (tiles_in_view, window, 10));
  ui_test_flush ();

  click_tile (window, 2, NULL);
  g_assert_true (ui_test_wait_until (selection_is, &(Expect) { window, 2, 1, 0 }, 10));
  g_assert_cmpstr (at_window_get_current_parameters (window), ==, item_at (window, 2)->parameters);

  /* Ctrl+click selects another and restores nothing */
  click_tile (window, 0, "ctrl");
  g_assert_true (ui_test_wait_until (selection_is, &(Expect) { window, 0, 2, 0 }, 10));
  g_assert_cmpstr (at_window_get_current_parameters (window), ==, item_at (window, 2)->parameters);
  g_assert_true (is_selected (window, 2));

  /* the star stars, and that is all */
  GtkWidget *star = GTK_WIDGET (star_of (window, 1));
  ui_test_pointer_click (star, gtk_widget_get_width (star) / 2.0, gtk_widget_get_height (star) / 2.0);
  g_assert_true (ui_test_wait_until (starred, &(Expect) { window, 1, 0, 0 }, 10));
  g_assert_cmpstr (at_window_get_current_parameters (window), ==, item_at (window, 2)->parameters);
  g_assert_cmpuint (n_selected (window), ==, 2);

  /* Delete takes the two selected */
  AtHistoryItem *kept[] = { item_at (window, 1), item_at (window, 3) };
  ui_test_key_press ("Delete");
  g_assert_true (ui_test_wait_until (history_is, &(Expect) { window, 0, 0, 2 }, 10));
  g_assert_true (item_at (window, 0) == kept[0]);
  g_assert_true (item_at (window, 1) == kept[1]);
  g_assert_cmpstr (at_window_get_last_toast (window), ==, "Deleted 2 images from History");
  ui_test_close_window (window);
}

int
main (int argc, char **argv)
{
  ui_test_init (&argc, &argv);
  app = ui_test_application_new ();
  g_test_add_func ("/ui/history-manage/favourite-round-trip", test_favourite_round_trip);
  g_test_add_func ("/ui/history-manage/delete-and-undo", test_delete_and_undo);
  g_test_add_func ("/ui/history-manage/export", test_export);
  g_test_add_func ("/ui/history-manage/pointer", test_pointer);
  g_test_add_func ("/ui/history-manage/no-duplicates", test_no_duplicates);
  g_test_add_func ("/ui/history-manage/live-session", test_live_session);
  return ui_test_application_finish (app, g_test_run ());
}
