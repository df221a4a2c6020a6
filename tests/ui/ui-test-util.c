/* ui-test-util.c — see ui-test-util.h. */
#include "ui-test-util.h"

#include "ui/window-private.h"

static gboolean
wake (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* ATELIER_TEST_TIME_SCALE stretches every wait (the sanitizer stage runs
 * several times slower). */
double
ui_test_time_scale (void)
{
  const char *text = g_getenv ("ATELIER_TEST_TIME_SCALE");
  double scale = text != NULL ? g_ascii_strtod (text, NULL) : 1.0;
  return scale >= 1.0 ? scale : 1.0;
}

gboolean
ui_test_wait_until (UiTestCondition cond, gpointer data, double timeout_s)
{
  gint64 end = g_get_monotonic_time () + (gint64) (timeout_s * ui_test_time_scale () * G_USEC_PER_SEC);
  /* a timer, so that the loop wakes to look again when nothing else happens */
  guint timer = g_timeout_add (20, wake, NULL);
  gboolean ok;
  while (!(ok = cond (data)) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timer);
  return ok;
}

gboolean
ui_test_is_mapped (gpointer widget)
{
  return gtk_widget_get_mapped (widget) && gtk_widget_get_width (widget) > 0;
}

void
ui_test_flush (void)
{
  for (int i = 0; i < 50 && g_main_context_pending (NULL); i++)
    g_main_context_iteration (NULL, FALSE);
}

void
ui_test_init (int *argc, char ***argv)
{
  gtk_test_init (argc, argv, NULL);
  adw_init ();
}

AtApplication *
ui_test_application_new (void)
{
  AtApplication *app = at_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  return app;
}

static gboolean
engine_free (gpointer app)
{
  return !at_application_is_engine_held (app);
}

int
ui_test_application_finish (AtApplication *app, int status)
{
  g_assert_true (ui_test_wait_until (engine_free, app, 120));
  g_object_unref (app);
  return status;
}

AtWindow *
ui_test_open_window (AtApplication *app)
{
  AtWindow *window = at_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (ui_test_wait_until (ui_test_is_mapped, window, 20));
  return window;
}

void
ui_test_close_window (AtWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_flush ();
}

static gboolean
engine_settled (gpointer window)
{
  return at_window_engine_settled (window, NULL);
}

void
ui_test_wait_for_engine (AtWindow *window)
{
  g_assert_true (ui_test_wait_until (engine_settled, window, 60));
  const GError *error = NULL;
  at_window_engine_settled (window, &error);
  g_assert_no_error ((GError *) error);
}

gboolean
ui_test_tick (gpointer counter)
{
  (*(guint *) counter)++;
  return G_SOURCE_CONTINUE;
}

static AtImage *
noise_image (GRand *rand, guint side)
{
  AtImage *img = at_image_new (side, side, 3);
  for (gsize i = 0; i < at_image_get_nbytes (img); i++)
    img->pixels[i] = (guint8) g_rand_int (rand);
  return img;
}

AtProject *
ui_test_large_project (guint n_history, guint voice_s)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (7);
  AtProject *p = at_project_new ();
  g_free (p->params->prompt);
  p->params->prompt = g_strdup ("a long session");
  for (guint i = 0; i < n_history; i++)
    {
      g_autoptr (AtImage) img = noise_image (rand, 256);
      g_ptr_array_add (p->history, at_history_item_new (img, "a long session\nSteps: 20", p->params, i));
    }
  if (voice_s > 0)
    {
      p->voice = at_audio_new ((gsize) voice_s * 16000, 16000);
      for (gsize i = 0; i < p->voice->n; i++)
        p->voice->samples[i] = (float) g_rand_double_range (rand, -0.5, 0.5);
      p->voice_name = g_strdup ("long.wav");
    }
  return p;
}

GFile *
ui_test_temp_file (const char *name)
{
  g_autofree char *dir = g_dir_make_tmp ("atelier-test-XXXXXX", NULL);
  g_assert_nonnull (dir);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  return g_file_new_for_path (path);
}

void
ui_test_remove_temp (GFile *file)
{
  g_autoptr (GFile) folder = g_file_get_parent (file);
  g_file_delete (file, NULL, NULL);
  g_file_delete (folder, NULL, NULL);
}

void
ui_test_keep_result (GObject *source, GAsyncResult *result, gpointer slot)
{
  *(GAsyncResult **) slot = g_object_ref (result);
}

static gboolean
has_result (gpointer slot)
{
  return *(GAsyncResult **) slot != NULL;
}

GAsyncResult *
ui_test_take_result (GAsyncResult **slot, double timeout_s)
{
  g_assert_true (ui_test_wait_until (has_result, slot, timeout_s));
  return g_steal_pointer (slot);
}

typedef void (*FileWorkStart) (AtWindow *self, GFile *file, GCancellable *cancellable, GAsyncReadyCallback callback,
                               gpointer user_data);
typedef gboolean (*FileWorkFinish) (AtWindow *self, GAsyncResult *result, GError **error);

static gboolean
wait_for_file_work (AtWindow *window, GFile *file, FileWorkStart start, FileWorkFinish finish, GError **error)
{
  GAsyncResult *slot = NULL;
  start (window, file, NULL, ui_test_keep_result, &slot);
  g_autoptr (GAsyncResult) result = ui_test_take_result (&slot, 60);
  return finish (window, result, error);
}

gboolean
ui_test_save (AtWindow *window, GFile *file, GError **error)
{
  return wait_for_file_work (window, file, at_window_save_async, at_window_save_finish, error);
}

gboolean
ui_test_open (AtWindow *window, GFile *file, GError **error)
{
  return wait_for_file_work (window, file, at_window_open_async, at_window_open_finish, error);
}

GtkWindow *
ui_test_find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  GtkWindow *found = NULL;
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) top = g_list_model_get_item (toplevels, i);
      if (G_TYPE_CHECK_INSTANCE_TYPE (top, type))
        found = top;
    }
  return found;
}

AdwMessageDialog *
ui_test_find_dialog (GtkWindow *window)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  AdwMessageDialog *found = NULL;
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) top = g_list_model_get_item (toplevels, i);
      if (ADW_IS_MESSAGE_DIALOG (top) && gtk_window_get_transient_for (top) == window)
        found = ADW_MESSAGE_DIALOG (top);
    }
  return found;
}

GtkWidget *
ui_test_find_widget (GtkWidget *root, gboolean (*match) (GtkWidget *widget, gconstpointer data), gconstpointer data)
{
  if (match (root, data))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = ui_test_find_widget (child, match, data);
      if (found != NULL)
        return found;
    }
  return NULL;
}

gboolean
ui_test_row_titled (GtkWidget *widget, gconstpointer title)
{
  return ADW_IS_PREFERENCES_ROW (widget) &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

void
ui_test_draw_line (AtWindow *window, double x0, double y0, double x1, double y1)
{
  AtSketchCanvas *canvas = at_window_get_canvas (window);
  graphene_rect_t page;
  at_sketch_canvas_get_page (canvas, &page);
  double ox = page.origin.x, oy = page.origin.y, w = page.size.width, h = page.size.height;
  at_sketch_canvas_begin_stroke (canvas, ox + w * x0, oy + h * y0, 1);
  for (int i = 1; i <= 8; i++)
    at_sketch_canvas_extend_stroke (canvas, ox + w * (x0 + (x1 - x0) * i / 8), oy + h * (y0 + (y1 - y0) * i / 8), 1);
  at_sketch_canvas_end_stroke (canvas);
}

static gboolean
window_idle (gpointer window)
{
  return !at_window_is_generating (window);
}

void
ui_test_generate (AtWindow *window)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.generate", NULL));
  g_assert_true (at_window_is_generating (window));
  g_assert_true (ui_test_wait_until (window_idle, window, 120));
}

gboolean
ui_test_after (gpointer deadline)
{
  return g_get_monotonic_time () >= *(gint64 *) deadline;
}

void
ui_test_maybe_screenshot (GtkWidget *window, const char *name)
{
  const char *dir = g_getenv ("ATELIER_SCREENSHOT_DIR");
  if (dir == NULL)
    return;
  GdkPaintable *paintable = gtk_widget_paintable_new (window);
  int w = gtk_widget_get_width (window), h = gtk_widget_get_height (window);
  GskRenderNode *node = NULL;
  /* the paintable holds what the window last drew: wait for a drawing */
  for (int tries = 0; node == NULL && tries < 50; tries++)
    {
      gtk_widget_queue_draw (window);
      gint64 deadline = g_get_monotonic_time () + G_USEC_PER_SEC / 10;
      ui_test_wait_until (ui_test_after, &deadline, 1);
      GtkSnapshot *snapshot = gtk_snapshot_new ();
      gdk_paintable_snapshot (paintable, snapshot, w, h);
      node = gtk_snapshot_free_to_node (snapshot);
    }
  g_assert_nonnull (node);
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  g_autoptr (GdkTexture) texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, w, h));
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  gsk_render_node_unref (node);
  g_object_unref (paintable);
}
