/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-window-small.c: projectors and small screens (run under xvfb-run, in the language of
 * CM_TEST_LANGUAGE, en by default; meson runs it in English and in Chinese). A window of
 * 1024 × 768 — a projector's — is possible in every state: the window as it opens, with the
 * sidebar, with the analysis panel open on each kind of analysis, and in workshop mode; the
 * window then has exactly the size asked for. The workshop form and the long-press menu are
 * finger-sized. */
#include <string.h>

#include "cm-core.h"
#include "cm-test-util.h"
#include "cm-window-test-util.h"

static void
assert_fits (const char *state, int width, int height)
{
  int min_w, min_h, nat;
  gtk_widget_measure (GTK_WIDGET (window), GTK_ORIENTATION_HORIZONTAL, -1, &min_w, &nat, NULL,
                      NULL);
  gtk_widget_measure (GTK_WIDGET (window), GTK_ORIENTATION_VERTICAL, width, &min_h, &nat, NULL,
                      NULL);
  /* the X window (with GTK's own frame) is what has to fit the screen */
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));
  int sw = gdk_surface_get_width (surface), sh = gdk_surface_get_height (surface);
  g_test_message ("%s: the window needs at least %d × %d; it is %d × %d", state, min_w, min_h,
                  sw, sh);
  g_assert_cmpint (min_w, <=, width);
  g_assert_cmpint (min_h, <=, height);
  g_assert_cmpint (sw, ==, width);
  g_assert_cmpint (sh, ==, height);
}

/* Where a station is, in the map widget's pixels. */
static void
stored_station (const char *name, double *x, double *y)
{
  g_autofree char *sql = g_strdup_printf ("SELECT X(geom), Y(geom) FROM stations WHERE name ="
                                          " '%s'", name);
  double lon, lat;
  query_point (sql, &lon, &lat);
  map_coords (lon, lat, x, y);
}

/* Every button under @root that is shown is at least 48 px high. */
static void
assert_buttons_tall (GtkWidget *root, guint *buttons)
{
  if (GTK_IS_BUTTON (root) && gtk_widget_get_mapped (root))
    {
      (*buttons)++;
      g_assert_cmpint (gtk_widget_get_height (root), >=, 48);
      return;
    }
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    assert_buttons_tall (c, buttons);
}

/* Every item of a popover menu is at least 48 px high. */
static void
assert_items_tall (GtkWidget *root, guint *items)
{
  if (g_str_equal (G_OBJECT_TYPE_NAME (root), "GtkModelButton") && gtk_widget_get_mapped (root))
    {
      (*items)++;
      g_assert_cmpint (gtk_widget_get_height (root), >=, 48);
    }
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    assert_items_tall (c, items);
}

static void
test_fits (gconstpointer data)
{
  const int *size = data;
  g_autofree char *path = copy_demo_map ("small.sqlite");
  map_path = path;
  open_window (path);
  gtk_window_set_default_size (GTK_WINDOW (window), size[0], size[1]);
  spin (500);
  assert_fits ("as it opens", size[0], size[1]);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.toggle-analysis", NULL);
  for (int kind = 0; kind < 3; kind++)
    {
      run_analysis (kind, NULL, TRUE, 500);
      while (cm_analysis_panel_is_pending (PANEL))
        spin (50);
      spin (300);
      g_autofree char *state = g_strdup_printf ("analysis panel, kind %d", kind);
      assert_fits (state, size[0], size[1]);
    }
  gtk_widget_activate_action (GTK_WIDGET (window), "win.toggle-analysis", NULL);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.workshop-mode", NULL);
  spin (500);
  /* without a window manager there is no full screen: the window keeps its size */
  assert_fits ("workshop mode", size[0], size[1]);
  /* the drawing tools and undo are on screen, not scrolled away, and finger-sized */
  const char *tools[] = { "select", "point", "line", "area" };
  for (gsize i = 0; i < G_N_ELEMENTS (tools); i++)
    {
      graphene_rect_t b;
      g_assert_true (gtk_widget_compute_bounds (tool_button (tools[i]), GTK_WIDGET (window), &b));
      g_test_message ("%s: x %.0f to %.0f, %.0f high", tools[i], b.origin.x,
                      b.origin.x + b.size.width, b.size.height);
      g_assert_cmpfloat (b.origin.x + b.size.width, <=, size[0]);
      g_assert_cmpfloat (b.size.height, >=, 48);
      g_assert_cmpfloat (b.size.width, >=, 48);
    }
  /* the form after drawing: its buttons and fields finger-sized */
  choose_tool ("point");
  int w = gtk_widget_get_width (GTK_WIDGET (simple_map ()));
  int h = gtk_widget_get_height (GTK_WIDGET (simple_map ()));
  cm_window_click_map (window, w / 2.0, h / 2.0);
  CmFeatureForm *form = cm_window_get_form (window);
  g_assert_nonnull (form);
  spin (300);
  GtkWidget *header = find_widget (GTK_WIDGET (form), ADW_TYPE_HEADER_BAR, NULL);
  guint buttons = 0;
  assert_buttons_tall (header, &buttons);
  g_assert_cmpuint (buttons, ==, 2); /* Discard, Save */
  GtkWidget *entry = find_widget (GTK_WIDGET (form), GTK_TYPE_ENTRY, NULL);
  g_test_message ("form: %u buttons, the name field %d px high", buttons,
                  gtk_widget_get_height (entry));
  g_assert_cmpint (gtk_widget_get_height (entry), >=, 48);
  cm_feature_form_finish (form, FALSE);
  choose_tool ("select");

  /* the long press's menu: items finger-sized */
  double sx, sy, wx, wy;
  stored_station ("北区社区服务站", &sx, &sy);
  map_to_window (sx, sy, &wx, &wy);
  x_press_hold (wx, wy, 900);
  GtkWidget *menu = cm_window_get_press_menu (window);
  g_assert_nonnull (menu);
  spin (300);
  guint items = 0;
  assert_items_tall (menu, &items);
  g_test_message ("long-press menu: %u items", items);
  g_assert_cmpuint (items, >=, 3);
  gtk_popover_popdown (GTK_POPOVER (menu));
  spin (200);

  if (g_getenv ("CM_TEST_SHOT"))
    {
      g_autoptr (GdkTexture) shot = screenshot ();
      g_autofree char *png = g_strdup_printf ("%s-%dx%d.png", g_getenv ("CM_TEST_SHOT"), size[0],
                                              size[1]);
      gdk_texture_save_to_png (shot, png);
    }
  gtk_widget_activate_action (GTK_WIDGET (window), "win.workshop-mode", NULL);
  spin (300);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_true (wait_for_window_gone (10000));
}

int
main (int argc, char **argv)
{
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  const char *language = g_getenv ("CM_TEST_LANGUAGE");
  g_setenv ("LANGUAGE", language ? language : "en", TRUE);
  cm_i18n_init ();
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  static const int projector[] = { 1024, 768 }, wide_projector[] = { 1280, 800 };
  g_test_add_data_func ("/small/1024x768", projector, test_fits);
  g_test_add_data_func ("/small/1280x800", wide_projector, test_fits);
  return g_test_run ();
}
