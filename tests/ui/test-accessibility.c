/* test-accessibility.c — every control in the studio has a name a screen
 * reader can speak: after a real generation (so the variants strip and the
 * history gallery hold buttons too) the window's widget tree is walked and
 * each button, toggle, menu button, spin button, drop-down, text view,
 * switch, scale, colour button and drawing surface must carry a visible text
 * label or an accessible label (or be labelled by another widget); icon-only
 * buttons must also have a tooltip. The same walk runs over the preferences
 * window, and over a deliberately unlabelled box to show that it can fail.
 *
 * Accessible properties are read back through GTK's test AT context, which
 * GTK_A11Y=test selects: the "none" the other UI tests use keeps no
 * accessible state at all. */
#include <adwaita.h>
#include <string.h>

#include "ui/application.h"
#include "ui/preferences-window.h"
#include "ui/window-private.h"
#include "ui-test-util.h"

static AtApplication *app;

/* The widgets a person operates; their internals (the +/- of a spin button,
 * the toggle inside a menu button) are named by the widget itself. */
static gboolean
is_control (GtkWidget *widget)
{
  return GTK_IS_BUTTON (widget) || GTK_IS_MENU_BUTTON (widget) || GTK_IS_SPIN_BUTTON (widget) ||
         GTK_IS_DROP_DOWN (widget) || GTK_IS_TEXT_VIEW (widget) || GTK_IS_SWITCH (widget) ||
         GTK_IS_SCALE (widget) || GTK_IS_COLOR_BUTTON (widget) || GTK_IS_CHECK_BUTTON (widget) ||
         GTK_IS_ENTRY (widget) || ADW_IS_COMBO_ROW (widget) || AT_IS_SKETCH_CANVAS (widget) || AT_IS_PREVIEW (widget) ||
         AT_IS_WAVEFORM (widget);
}

static gboolean
has_text_label (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget))
    {
      const char *text = gtk_label_get_text (GTK_LABEL (widget));
      return text != NULL && *text != '\0';
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    if (has_text_label (child))
      return TRUE;
  return FALSE;
}

/* A button is always "labelled by" its own child, an icon included, so for
 * buttons only a label property counts; their text child is has_text_label's
 * business. */
static gboolean
has_accessible_name (GtkWidget *widget)
{
  GtkAccessible *accessible = GTK_ACCESSIBLE (widget);
  if (gtk_test_accessible_has_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL))
    return TRUE;
  if (GTK_IS_BUTTON (widget) || GTK_IS_MENU_BUTTON (widget))
    return FALSE;
  return gtk_test_accessible_has_relation (accessible, GTK_ACCESSIBLE_RELATION_LABELLED_BY);
}

/* An icon and nothing else: the tooltip is what a sighted user gets. */
static gboolean
is_icon_only (GtkWidget *widget)
{
  if (GTK_IS_MENU_BUTTON (widget))
    return gtk_menu_button_get_icon_name (GTK_MENU_BUTTON (widget)) != NULL;
  if (GTK_IS_BUTTON (widget))
    return gtk_button_get_icon_name (GTK_BUTTON (widget)) != NULL;
  return FALSE;
}

static void
describe (GString *out, GtkWidget *widget, const char *what)
{
  const char *tip = gtk_widget_get_tooltip_text (widget);
  const char *icon = GTK_IS_BUTTON (widget) ? gtk_button_get_icon_name (GTK_BUTTON (widget))
                     : GTK_IS_MENU_BUTTON (widget) ? gtk_menu_button_get_icon_name (GTK_MENU_BUTTON (widget))
                     : NULL;
  GtkWidget *parent = gtk_widget_get_parent (widget);
  g_string_append_printf (out, "\n  %s (in %s, icon %s, tooltip %s): %s", G_OBJECT_TYPE_NAME (widget),
                          parent != NULL ? G_OBJECT_TYPE_NAME (parent) : "nothing", icon != NULL ? icon : "none",
                          tip != NULL ? tip : "none", what);
}

/* Appends one line per unnamed control under widget; returns how many
 * controls it checked. */
static guint
audit (GtkWidget *widget, GString *problems)
{
  /* hidden on purpose (the disabled search of the preferences): no one can
   * reach it; pages of a stack not on show are still visible and checked */
  if (!gtk_widget_get_visible (widget))
    return 0;
  if (is_control (widget))
    {
      if (!has_text_label (widget) && !has_accessible_name (widget))
        describe (problems, widget, "no text label and no accessible label");
      if (is_icon_only (widget) && gtk_widget_get_tooltip_text (widget) == NULL)
        describe (problems, widget, "icon-only without a tooltip");
      return 1;
    }
  guint n = 0;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    n += audit (child, problems);
  return n;
}

static guint
count_type (GtkWidget *widget, GType type)
{
  guint n = G_TYPE_CHECK_INSTANCE_TYPE (widget, type) ? 1 : 0;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    n += count_type (child, type);
  return n;
}

static gboolean
is_toggle_button (GtkWidget *widget, gconstpointer data)
{
  return GTK_IS_TOGGLE_BUTTON (widget);
}

static guint
count_named_buttons_in (GtkWidget *container)
{
  guint n = 0;
  for (GtkWidget *child = gtk_widget_get_first_child (container); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *button = child;
      if (GTK_IS_FLOW_BOX_CHILD (child))
        {
          /* a History tile: the child takes focus and is named; its star too */
          g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL));
          g_assert_nonnull (gtk_widget_get_tooltip_text (child));
          button = ui_test_find_widget (child, is_toggle_button, NULL);
        }
      g_assert_true (GTK_IS_BUTTON (button));
      g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL));
      g_assert_nonnull (gtk_widget_get_tooltip_text (button));
      n++;
    }
  return n;
}

static void
assert_all_named (GtkWidget *root, guint at_least)
{
  g_autoptr (GString) problems = g_string_new (NULL);
  guint checked = audit (root, problems);
  g_test_message ("%u controls checked in %s", checked, G_OBJECT_TYPE_NAME (root));
  if (problems->len > 0)
    g_error ("controls without an accessible name in %s:%s", G_OBJECT_TYPE_NAME (root), problems->str);
  g_assert_cmpuint (checked, >=, at_least);
}

/* The check itself: an icon button with nothing else, a bare text view and
 * a text button are told apart. */
static void
test_audit_finds_unnamed (void)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  g_object_ref_sink (box);
  GtkWidget *bare = gtk_button_new_from_icon_name ("edit-undo-symbolic");
  gtk_box_append (GTK_BOX (box), bare);
  gtk_box_append (GTK_BOX (box), gtk_text_view_new ());
  gtk_box_append (GTK_BOX (box), gtk_button_new_with_label ("Generate"));
  g_autoptr (GString) problems = g_string_new (NULL);
  g_assert_cmpuint (audit (box, problems), ==, 3);
  g_assert_nonnull (strstr (problems->str, "GtkButton"));
  g_assert_nonnull (strstr (problems->str, "GtkTextView"));
  g_assert_nonnull (strstr (problems->str, "icon-only without a tooltip"));
  g_assert_null (strstr (problems->str, "Generate"));

  /* named and explained, the icon button passes */
  gtk_accessible_update_property (GTK_ACCESSIBLE (bare), GTK_ACCESSIBLE_PROPERTY_LABEL, "Undo", -1);
  gtk_widget_set_tooltip_text (bare, "Undo");
  gtk_box_remove (GTK_BOX (box), gtk_widget_get_next_sibling (bare));
  g_string_truncate (problems, 0);
  g_assert_cmpuint (audit (box, problems), ==, 2);
  g_assert_cmpstr (problems->str, ==, "");
  g_object_unref (box);

  /* in a shown window too, where GTK relates a button to its icon child */
  GtkWidget *window = gtk_window_new ();
  GtkWidget *icon = gtk_button_new_from_icon_name ("edit-redo-symbolic");
  gtk_widget_set_tooltip_text (icon, "Redo");
  gtk_window_set_child (GTK_WINDOW (window), icon);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (ui_test_wait_until (ui_test_is_mapped, window, 20));
  g_string_truncate (problems, 0);
  audit (window, problems);
  g_assert_nonnull (strstr (problems->str, "no text label and no accessible label"));
  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_flush ();
}

typedef struct {
  AtWindow *window;
  gboolean saw_progress;
} Watch;

static gboolean
generation_finished (gpointer data)
{
  Watch *w = data;
  /* the progress bar is on show while it works: check it then */
  if (at_window_is_generating (w->window) && !w->saw_progress)
    {
      GtkWidget *bar = GTK_WIDGET (at_window_get_progress_bar (w->window));
      w->saw_progress = gtk_test_accessible_has_property (GTK_ACCESSIBLE (bar), GTK_ACCESSIBLE_PROPERTY_LABEL);
      /* Cancel replaces Generate meanwhile */
      g_autoptr (GString) problems = g_string_new (NULL);
      audit (GTK_WIDGET (w->window), problems);
      if (problems->len > 0)
        g_error ("while generating:%s", problems->str);
    }
  return !at_window_is_generating (w->window);
}

static gboolean
is_folded_expander (GtkWidget *widget, gconstpointer data)
{
  return GTK_IS_EXPANDER (widget) && !gtk_expander_get_expanded (GTK_EXPANDER (widget));
}

/* Folded sections (the voice card's narration) hold their controls out of
 * the widget tree: unfold them all so that the audit reaches everything. */
static void
unfold_all (GtkWidget *root)
{
  GtkWidget *expander;
  while ((expander = ui_test_find_widget (root, is_folded_expander, NULL)) != NULL)
    gtk_expander_set_expanded (GTK_EXPANDER (expander), TRUE);
  ui_test_flush ();
}

static void
test_window_controls_named (void)
{
  AtWindow *window = ui_test_open_window (app);
  unfold_all (GTK_WIDGET (window));
  assert_all_named (GTK_WIDGET (window), 44);
  /* the drawing surfaces are named too, not only the buttons */
  g_assert_true (has_accessible_name (GTK_WIDGET (at_window_get_canvas (window))));
  g_assert_true (has_accessible_name (GTK_WIDGET (at_window_get_preview (window))));
  g_assert_cmpuint (count_type (GTK_WIDGET (window), AT_TYPE_SKETCH_CANVAS), ==, 1);

  /* two variants fill the strip and the gallery with thumbnail buttons */
  ui_test_wait_for_engine (window);
  at_window_set_prompt (window, "a blue square");
  at_window_set_params (window, 2, 11, 2);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.generate", NULL));
  Watch w = { window, FALSE };
  g_assert_true (ui_test_wait_until (generation_finished, &w, 100));
  g_assert_true (w.saw_progress);
  ui_test_flush ();
  g_assert_cmpuint (count_named_buttons_in (GTK_WIDGET (window->variants_box)), ==, 2);
  g_assert_cmpuint (count_named_buttons_in (GTK_WIDGET (window->history_box)), ==, 2);
  assert_all_named (GTK_WIDGET (window), 48);
  ui_test_close_window (window);
}

static void
test_preferences_controls_named (void)
{
  GtkWidget *prefs = at_preferences_window_new (NULL);
  gtk_window_present (GTK_WINDOW (prefs));
  g_assert_true (ui_test_wait_until (ui_test_is_mapped, prefs, 20));
  assert_all_named (prefs, 8);
  gtk_window_destroy (GTK_WINDOW (prefs));
  ui_test_flush ();
}

int
main (int argc, char **argv)
{
  /* before GTK makes its first accessible context */
  g_setenv ("GTK_A11Y", "test", TRUE);
  ui_test_init (&argc, &argv);
  app = ui_test_application_new ();
  g_test_add_func ("/ui/accessibility/audit-finds-unnamed", test_audit_finds_unnamed);
  g_test_add_func ("/ui/accessibility/window", test_window_controls_named);
  g_test_add_func ("/ui/accessibility/preferences", test_preferences_controls_named);
  int status = g_test_run ();
  return ui_test_application_finish (app, status);
}
