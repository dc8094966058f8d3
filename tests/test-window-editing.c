/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-window-editing.c: the slips a newcomer hit while editing and in a workshop, each with
 * real X events (xdotool) under xvfb-run: a click on a side's middle handle adds nothing; a
 * long press on the selected feature shows its menu; a new resident starts with no kind
 * chosen and Enter asks for one; Enter starts a workshop; the details say a station's radius,
 * a team's type and members and an area in words; online tiles with no network say so and the
 * map's own layers stay on paper. */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include <sqlite3.h>

#include "cm-core.h"
#include "cm-store-private.h"
#include "cm-test-util.h"
#include "cm-window-test-util.h"

/* The point at @t (0 to 1) along the first side of @name's outline, in the window's
 * coordinates now. */
static void
side_point (const char *name, double t, double *wx, double *wy)
{
  double x1, y1, x2, y2;
  stored_vertex (name, 1, &x1, &y1);
  stored_vertex (name, 2, &x2, &y2);
  map_to_window (x1 + (x2 - x1) * t, y1 + (y2 - y1) * t, wx, wy);
}

/* A square area drawn with the area tool (the form filled through its API). */
static void
draw_square (const char *name, double cx, double cy, double half)
{
  g_object_set (window, "snap", FALSE, NULL);
  choose_tool ("area");
  double corners[4][2] = { { -1, -1 }, { 1, -1 }, { 1, 1 }, { -1, 1 } };
  for (int i = 0; i < 4; i++)
    cm_window_click_map (window, cx + half * corners[i][0], cy + half * corners[i][1]);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.finish-shape", NULL);
  fill_form (name, "park");
  choose_tool ("select");
}

/* A click on a side's middle handle changes nothing and is no undo step; a drag from it adds a
 * corner. A long press on the feature already selected shows its menu and moves nothing. */
static void
test_handles_and_long_press (void)
{
  ShumateViewport *vp = shumate_simple_map_get_viewport (simple_map ());
  shumate_location_set_location (SHUMATE_LOCATION (vp), 40.0035, 116.3265);
  shumate_viewport_set_zoom_level (vp, 18);
  spin (300);
  g_autoptr (GError) error = NULL;
  g_assert_true (cm_window_start_workshop (window, "handles", "2026-11-27", NULL, &error));
  g_assert_true (cm_window_set_contributor (window, "Wang", &error));
  spin (300);
  int w = gtk_widget_get_width (GTK_WIDGET (simple_map ()));
  int h = gtk_widget_get_height (GTK_WIDGET (simple_map ()));
  draw_square ("garden", w / 2.0, h / 2.0, 60);
  g_autofree char *drawn = geometry_hex ("garden");
  /* where things are is read from the file each time: the window's layout may move the map */
  double wx, wy;
  side_point ("garden", 0.3, &wx, &wy);
  x_click (wx, wy); /* a real click on its edge selects it */
  g_assert_nonnull (cm_window_get_selected (window));
  g_assert_cmpstr (cm_feature_get_name (cm_window_get_selected (window)), ==, "garden");

  /* the middle of the first side: a click adds nothing */
  side_point ("garden", 0.5, &wx, &wy);
  x_click (wx, wy);
  g_autofree char *after_click = geometry_hex ("garden");
  g_assert_cmpstr (after_click, ==, drawn);
  /* no undo step either: undo takes back the drawing itself, redo brings it back */
  x_key ("ctrl+z");
  g_assert_null (geometry_hex ("garden"));
  x_key ("ctrl+shift+z");
  g_autofree char *redone = geometry_hex ("garden");
  g_assert_cmpstr (redone, ==, drawn);

  /* a drag from the same handle: a fifth corner */
  side_point ("garden", 0.3, &wx, &wy);
  x_click (wx, wy);
  g_assert_nonnull (cm_window_get_selected (window));
  double hx, hy;
  side_point ("garden", 0.5, &hx, &hy);
  x_drag (hx, hy, hx + 30, hy - 30);
  g_assert_cmpint (count_rows ("SELECT ST_NumPoints(ST_ExteriorRing(geom)) FROM resources"
                               " WHERE name = 'garden' AND deleted = 0"), ==, 6);
  x_key ("ctrl+z");
  g_autofree char *undone = geometry_hex ("garden");
  g_assert_cmpstr (undone, ==, drawn);

  /* a long press on the selected feature: its menu, nothing moved */
  side_point ("garden", 0.3, &wx, &wy);
  x_click (wx, wy);
  g_assert_nonnull (cm_window_get_selected (window));
  side_point ("garden", 0.8, &wx, &wy);
  x_press_hold (wx, wy, 900);
  GtkWidget *menu = cm_window_get_press_menu (window);
  g_assert_nonnull (menu);
  g_assert_true (gtk_widget_get_visible (menu));
  g_autofree char *pressed = geometry_hex ("garden");
  g_assert_cmpstr (pressed, ==, drawn);
  gtk_popover_popdown (GTK_POPOVER (menu));
  spin (200);
}

/* A resident chose a kind; the next resident (anonymous) starts with none: typing a name and
 * Enter asks for the kind and stores nothing; choosing one then saves. */
static void
test_kind_not_carried_over (void)
{
  g_autoptr (GError) error = NULL;
  int w = gtk_widget_get_width (GTK_WIDGET (simple_map ()));
  int h = gtk_widget_get_height (GTK_WIDGET (simple_map ()));
  g_assert_true (cm_window_set_contributor (window, "Li", &error));
  g_object_set (window, "snap", FALSE, NULL);
  choose_tool ("point");
  cm_window_click_map (window, w / 2.0 + 150, h / 2.0 + 100);
  fill_form ("reading room", "culture_room");

  g_assert_true (cm_window_set_contributor (window, NULL, &error)); /* an anonymous resident */
  cm_window_click_map (window, w / 2.0 + 180, h / 2.0 + 120);
  CmFeatureForm *form = cm_window_get_form (window);
  g_assert_nonnull (form);
  g_assert_null (cm_feature_form_get_category (form)); /* not the last resident's */
  x_type_in (GTK_WINDOW (form), "Bench");
  x_key_in (GTK_WINDOW (form), "Return");
  /* a button pressed with Enter clicks a moment later */
  for (int i = 0; i < 40 && !cm_feature_form_is_asking_kind (form); i++)
    spin (50);
  g_assert_true (cm_window_get_form (window) == form); /* still open */
  g_assert_true (cm_feature_form_is_asking_kind (form));
  g_assert_cmpint (count_rows ("SELECT count(*) FROM resources WHERE name = 'Bench'"), ==, 0);
  g_assert_true (cm_feature_form_select_category (form, "amenity"));
  g_assert_false (cm_feature_form_is_asking_kind (form));
  x_key_in (GTK_WINDOW (form), "Return");
  for (int i = 0; i < 40 && cm_window_get_form (window); i++)
    spin (50);
  g_assert_null (cm_window_get_form (window));
  g_assert_cmpint (count_rows ("SELECT count(*) FROM resources WHERE name = 'Bench'"
                               " AND category = 'amenity'"), ==, 1);
  choose_tool ("select");
}

/* Enter in the Start-a-Workshop dialog starts the workshop. */
static void
test_enter_starts_workshop (void)
{
  gtk_widget_activate_action (GTK_WIDGET (window), "win.workshop", NULL);
  GtkWindow *dialog = wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG, "Workshop");
  g_assert_nonnull (dialog);
  GtkWidget *name = find_widget (GTK_WIDGET (dialog), GTK_TYPE_TEXT, NULL);
  g_assert_nonnull (name);
  gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_parent (name)), "");
  gtk_widget_grab_focus (name);
  x_type_in (dialog, "Spring mapping");
  x_key_in (dialog, "Return");
  spin (300);
  g_assert_cmpint (count_rows ("SELECT count(*) FROM workshops WHERE name = 'Spring mapping'"),
                   ==, 1);
}

/* The text of every label under @root, one per line. */
static char *
details_text (void)
{
  GString *out = g_string_new (NULL);
  collect_labels (find_widget (GTK_WIDGET (window), GTK_TYPE_LABEL, "Details") ? 
                  gtk_widget_get_parent (find_widget (GTK_WIDGET (window), GTK_TYPE_LABEL,
                                                      "Details"))
                  : GTK_WIDGET (window), out);
  return g_string_free (out, FALSE);
}

/* Selects the feature @name of @table where a click on it would: a station at itself, a team
 * on its outline (a team is picked by its edge, so that clicks inside reach what is there). */
static void
select_by_name (const char *table, const char *name)
{
  g_autofree char *sql = g_strdup_printf (
      "SELECT X(p), Y(p) FROM (SELECT CASE WHEN GeometryType(geom) LIKE '%%POLYGON'"
      " THEN ST_PointN(ST_ExteriorRing(ST_GeometryN(geom, 1)), 1) ELSE geom END AS p"
      " FROM %s WHERE name = '%s')", table, name);
  double lon, lat, mx, my, wx, wy;
  query_point (sql, &lon, &lat);
  ShumateViewport *vp = shumate_simple_map_get_viewport (simple_map ());
  shumate_location_set_location (SHUMATE_LOCATION (vp), lat, lon);
  shumate_viewport_set_zoom_level (vp, 19); /* close: nothing drawn nearby is in the way */
  spin (300);
  shumate_viewport_location_to_widget_coords (vp, GTK_WIDGET (shumate_simple_map_get_map (
                                                      simple_map ())), lat, lon, &mx, &my);
  map_to_window (mx, my, &wx, &wy);
  (void) wx;
  (void) wy;
  /* what a click there does (points drawn earlier in this test may lie on the station) */
  cm_window_select_at (window, mx, my);
  g_assert_nonnull (cm_window_get_selected (window));
  g_assert_cmpstr (cm_feature_get_name (cm_window_get_selected (window)), ==, name);
}

/* A station's radius, a team's type and members, an area: in words. The area equals
 * SpatiaLite's ellipsoidal area within 0.1%. */
static void
test_details_in_words (void)
{
  choose_tool ("select");
  select_by_name ("stations", "北区社区服务站");
  g_autofree char *station = details_text ();
  g_test_message ("%s", station);
  g_assert_nonnull (strstr (station, "Service radius: 500 m"));

  /* a team's area lies under buildings and paths: only teams shown, as a planner would do */
  const char *others[] = { "Resources", "Service stations", "Buildings", "Paths",
                           "Community boundary" };
  for (gsize i = 0; i < G_N_ELEMENTS (others); i++)
    gtk_check_button_set_active (GTK_CHECK_BUTTON (find_widget (GTK_WIDGET (window),
                                                                GTK_TYPE_CHECK_BUTTON, others[i])),
                                 FALSE);
  select_by_name ("teams", "银发互助队");
  for (gsize i = 0; i < G_N_ELEMENTS (others); i++)
    gtk_check_button_set_active (GTK_CHECK_BUTTON (find_widget (GTK_WIDGET (window),
                                                                GTK_TYPE_CHECK_BUTTON, others[i])),
                                 TRUE);
  g_autofree char *team = details_text ();
  g_test_message ("%s", team);
  g_assert_nonnull (strstr (team, "Team type: Self-governance team"));
  g_assert_nonnull (strstr (team, "Members: 28"));
  g_assert_null (strstr (team, "kind = "));
  /* the area as SpatiaLite measures it on the ellipsoid, and as the details say it */
  double area = 0, unused;
  query_point ("SELECT ST_Area(geom, 1), 0 FROM teams WHERE name = '银发互助队'", &area, &unused);
  const char *line = strstr (team, "Area: ");
  g_assert_nonnull (line);
  g_autofree char *digits = g_strndup (line + 6, strcspn (line + 6, " "));
  g_autoptr (GString) plain = g_string_new (NULL);
  for (const char *p = digits; *p; p++)
    if (*p != ',')
      g_string_append_c (plain, *p);
  double shown = g_ascii_strtod (plain->str, NULL);
  g_test_message ("area shown %.0f m², SpatiaLite %.0f m²", shown, area);
  g_assert_cmpfloat (fabs (shown - area) / area, <, 0.001);
  g_assert_nonnull (strstr (line, " ha)"));
}

/* Online tiles that cannot be had (an address nothing answers at): the window says so and the
 * map's own layers are drawn on paper, not on white. */
static void
test_online_tiles_offline (void)
{
  select_by_name ("stations", "北区社区服务站");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.clear-selection", NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.online-tiles", NULL);
  gint64 end = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;
  g_autofree char *said = NULL;
  while (g_get_monotonic_time () < end)
    {
      spin (100);
      GString *all = g_string_new (NULL);
      collect_labels (GTK_WIDGET (window), all);
      said = g_string_free (all, FALSE);
      if (strstr (said, "cannot be loaded"))
        break;
      g_clear_pointer (&said, g_free);
    }
  g_assert_nonnull (said);
  wait_for_tiles_or_cache ();
  spin (500);
  /* an empty corner of the map: the paper colour #f5f3ed, not white */
  g_autoptr (GdkTexture) shot = screenshot ();
  graphene_rect_t b;
  g_assert_true (gtk_widget_compute_bounds (GTK_WIDGET (simple_map ()), GTK_WIDGET (window), &b));
  ShumateViewport *vp = shumate_simple_map_get_viewport (simple_map ());
  shumate_location_set_location (SHUMATE_LOCATION (vp), 40.5, 116.0); /* nothing of ours */
  wait_for_tiles_or_cache ();
  spin (500);
  g_autoptr (GdkTexture) empty = screenshot ();
  Rgb paper = texture_pixel (empty, (int) (b.origin.x + b.size.width / 2),
                             (int) (b.origin.y + b.size.height / 2));
  assert_rgb (paper, 0xf5, 0xf3, 0xed, 6, "an empty spot with online tiles unreachable");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.online-tiles", NULL);
}


/* A point placed with the point tool at (@fx, @fy) of the map's width and height: its form,
 * named @name, a broken street light. */
static CmFeatureForm *
point_form (double fx, double fy, const char *name)
{
  choose_tool ("point");
  cm_window_click_map (window, gtk_widget_get_width (GTK_WIDGET (simple_map ())) * fx,
                       gtk_widget_get_height (GTK_WIDGET (simple_map ())) * fy);
  spin (200);
  CmFeatureForm *form = cm_window_get_form (window);
  g_assert_nonnull (form);
  cm_feature_form_set_name (form, name);
  g_assert_true (cm_feature_form_select_category (form, "broken_street_light"));
  return form;
}

/* Another program holds the map for writing (a long `cmap import`, another window) beyond the
 * 5 s the store waits for it: the save says the map is busy and nothing is lost — the point
 * drawn and what was typed come back in the form, which saves once the other has finished; an
 * undo while the map is held says so and undoes nothing; afterwards it undoes. */
static void
test_map_busy (void)
{
  sqlite3 *other = NULL;
  g_assert_cmpint (sqlite3_open (map_path, &other), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (other, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);

  g_object_set (window, "snap", FALSE, NULL);
  int w = gtk_widget_get_width (GTK_WIDGET (simple_map ()));
  int h = gtk_widget_get_height (GTK_WIDGET (simple_map ()));
  CmFeatureForm *form = point_form (0.4, 0.6, "busy-bench");
  cm_feature_form_set_description (form, "by the gate");
  gint64 start = g_get_monotonic_time ();
  cm_feature_form_finish (form, TRUE);
  g_test_message ("the save waited %.1f s for the map", (g_get_monotonic_time () - start) / 1e6);
  spin (300);
  g_autofree char *said = window_text ();
  g_assert_nonnull (strstr (said, "Could not save the shape"));
  g_assert_nonnull (strstr (said, "the map is busy"));
  g_assert_cmpint (count_rows ("SELECT count(*) FROM resources WHERE name = 'busy-bench'"), ==, 0);
  /* the form again, as it was filled in */
  form = cm_window_get_form (window);
  g_assert_nonnull (form);
  g_assert_cmpstr (cm_feature_form_get_name (form), ==, "busy-bench");
  g_assert_cmpstr (cm_feature_form_get_category (form), ==, "broken_street_light");
  g_assert_cmpstr (cm_feature_form_get_description (form), ==, "by the gate");

  /* the other lets go: the same form saves it where it was clicked */
  g_assert_cmpint (sqlite3_exec (other, "ROLLBACK", NULL, NULL, NULL), ==, SQLITE_OK);
  cm_feature_form_finish (form, TRUE);
  spin (200);
  g_assert_null (cm_window_get_form (window));
  g_assert_cmpint (count_rows ("SELECT count(*) FROM resources WHERE name = 'busy-bench'"
                               " AND description = 'by the gate' AND category = 'broken_street_light'"
                               " AND deleted = 0"), ==, 1);
  double x, y;
  stored_vertex ("busy-bench", 1, &x, &y);
  g_assert_cmpfloat (fabs (x - w * 0.4), <, 1.5);
  g_assert_cmpfloat (fabs (y - h * 0.6), <, 1.5);

  /* an undo while the map is held: said, nothing undone; then undone */
  g_assert_cmpint (sqlite3_exec (other, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);
  choose_tool ("select");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL);
  spin (300);
  g_autofree char *said_undo = window_text ();
  g_assert_nonnull (strstr (said_undo, "Could not undo"));
  g_assert_cmpint (count_rows ("SELECT count(*) FROM resources WHERE name = 'busy-bench'"
                               " AND deleted = 0"), ==, 1);
  g_assert_cmpint (sqlite3_exec (other, "ROLLBACK", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (other);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL);
  spin (200);
  g_assert_cmpint (count_rows ("SELECT count(*) FROM resources WHERE name = 'busy-bench'"
                               " AND deleted = 0"), ==, 0);
}

/* The stick pulled out (the map's file moved away) while the window has it open: the save
 * says so and writes nothing anywhere, the point and its words come back in the form; the file
 * put back, the same form saves it. */
static void
test_map_moved_away (void)
{
  g_autofree char *away = g_strconcat (map_path, ".away", NULL);
  g_assert_cmpint (g_rename (map_path, away), ==, 0);
  CmFeatureForm *form = point_form (0.55, 0.45, "gone-bench");
  cm_feature_form_finish (form, TRUE);
  spin (300);
  g_autofree char *said = window_text ();
  g_assert_nonnull (strstr (said, "is no longer where it was opened"));
  /* nothing written where the map was, and nothing into it */
  g_assert_false (g_file_test (map_path, G_FILE_TEST_EXISTS));
  form = cm_window_get_form (window);
  g_assert_nonnull (form);
  g_assert_cmpstr (cm_feature_form_get_name (form), ==, "gone-bench");

  g_assert_cmpint (g_rename (away, map_path), ==, 0);
  cm_feature_form_finish (form, TRUE);
  spin (200);
  g_assert_null (cm_window_get_form (window));
  g_assert_cmpint (count_rows ("SELECT count(*) FROM resources WHERE name = 'gone-bench'"
                               " AND deleted = 0"), ==, 1);
}

int
main (int argc, char **argv)
{
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("LANGUAGE", "en", TRUE);
  /* nothing answers there: online tiles fail as with no network, in any CI */
  g_setenv ("CM_ONLINE_TILES_URL", "http://127.0.0.1:9/{z}/{x}/{y}.png", TRUE);
  cm_i18n_init ();
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  map_path = copy_demo_map ("editing.sqlite");
  open_window (map_path);
  wait_for_tiles ();
  g_test_add_func ("/editing/handles-and-long-press", test_handles_and_long_press);
  g_test_add_func ("/editing/kind-not-carried-over", test_kind_not_carried_over);
  g_test_add_func ("/editing/enter-starts-workshop", test_enter_starts_workshop);
  g_test_add_func ("/editing/details-in-words", test_details_in_words);
  g_test_add_func ("/editing/online-tiles-offline", test_online_tiles_offline);
  g_test_add_func ("/editing/map-busy", test_map_busy);
  g_test_add_func ("/editing/map-moved-away", test_map_moved_away);
  return g_test_run ();
}
