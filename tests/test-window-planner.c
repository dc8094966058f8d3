/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-window-planner.c: the planner's layers drawn and edited in the window (issue #13), with
 * real X events (xdotool) under xvfb-run: a station placed with the station tool and its
 * radius typed (the ring follows it; refused values refused with nothing stored); a kind added
 * to the map's list; a volunteer team drawn in two parts with its type and members; a compound;
 * a building's households typed; every change undone and redone, each checked in the file. */
#include <math.h>
#include <string.h>

#include "cm-core.h"
#include "cm-store-private.h"
#include "cm-test-util.h"
#include "cm-window-test-util.h"

/* The map widget's middle, and a free spot there: a little north-east of the demo's centre. */
static void
free_spot (double *mx, double *my)
{
  ShumateViewport *vp = shumate_simple_map_get_viewport (simple_map ());
  shumate_location_set_location (SHUMATE_LOCATION (vp), 40.0040, 116.3230);
  shumate_viewport_set_zoom_level (vp, 17);
  spin (300);
  GtkWidget *map = GTK_WIDGET (shumate_simple_map_get_map (simple_map ()));
  *mx = gtk_widget_get_width (map) / 2.0;
  *my = gtk_widget_get_height (map) / 2.0;
}

static CmLayerForm *
wait_for_layer_form (void)
{
  for (int i = 0; i < 100 && (cm_window_get_layer_form (window) == NULL ||
                              !gtk_widget_get_visible (GTK_WIDGET (cm_window_get_layer_form (window))));
       i++)
    spin (20);
  CmLayerForm *form = cm_window_get_layer_form (window);
  g_assert_nonnull (form);
  return form;
}

/* Types @text into @field of the open form with real keys (ASCII only). */
static void
type_into (CmLayerForm *form, const char *field, const char *text)
{
  cm_layer_form_set_text (form, field, "");
  /* the entry named after the field */
  GtkWidget *stack[256], *entry = NULL;
  int top = 0;
  stack[top++] = GTK_WIDGET (form);
  while (top > 0 && entry == NULL)
    {
      GtkWidget *w = stack[--top];
      if (GTK_IS_ENTRY (w) && g_strcmp0 (gtk_widget_get_name (w), field) == 0)
        entry = w;
      for (GtkWidget *c = gtk_widget_get_first_child (w); c && top < 256;
           c = gtk_widget_get_next_sibling (c))
        stack[top++] = c;
    }
  g_assert_nonnull (entry);
  gtk_widget_grab_focus (entry);
  spin (50);
  x_type_in (GTK_WINDOW (form), text);
  g_assert_cmpstr (cm_layer_form_get_text (form, field), ==, text);
}

/* Saving with @field holding @text is refused: the reason under the field, the form still
 * open, nothing stored. */
static void
assert_refused (CmLayerForm *form, const char *field, const char *text, const char *count_sql,
                gint64 count)
{
  type_into (form, field, text);
  const char *problem = cm_layer_form_get_problem (form, field);
  g_test_message ("%s = “%s”: %s", field, text, problem);
  g_assert_nonnull (problem);
  g_assert_nonnull (strstr (problem, text));
  cm_layer_form_finish (form, TRUE);
  spin (50);
  g_assert_true (cm_window_get_layer_form (window) == form);
  g_assert_cmpint (count_rows (count_sql), ==, count);
}

/* The radius in metres of the orange ring drawn around the window's point @wx, @wy, from
 * where its edge crosses that row on either side (the ring is dashed: a few rows are tried). */
static double
ring_metres (double wx, double wy, const char *name)
{
  spin (200);
  g_autoptr (GdkTexture) shot = screenshot ();
  g_autofree char *file = g_strdup_printf ("cm-test-planner-%s.png", name);
  g_autofree char *png = g_build_filename (g_get_tmp_dir (), file, NULL);
  gdk_texture_save_to_png (shot, png);
  g_test_message ("screenshot: %s", png);
  int edge[2] = { -1, -1 };
  for (int side = 0; side < 2; side++)
    for (int dy = 0; dy <= 8 && edge[side] < 0; dy = dy <= 0 ? 1 - dy : -dy)
      for (int d = 40; d < 700 && edge[side] < 0; d++)
        {
          int x = (int) wx + (side ? d : -d), y = (int) wy + dy;
          if (x < 0 || x >= gdk_texture_get_width (shot))
            break;
          Rgb c = texture_pixel (shot, x, y);
          if (c.r > 200 && c.g > 80 && c.g < 170 && c.b < 80)
            edge[side] = x;
        }
  g_assert_cmpint (edge[0], >=, 0);
  g_assert_cmpint (edge[1], >=, 0);
  ShumateViewport *vp = shumate_simple_map_get_viewport (simple_map ());
  double lat = shumate_location_get_latitude (SHUMATE_LOCATION (vp));
  double metres_per_px = 40075016.68557849 * cos (lat * G_PI / 180) /
                         (256 * exp2 (shumate_viewport_get_zoom_level (vp)));
  double radius = (edge[1] - edge[0]) / 2.0 * metres_per_px;
  g_test_message ("ring from x %d to %d around %.0f: %.1f m", edge[0], edge[1], wx, radius);
  return radius;
}

static void
undo_redo (const char *sql, gint64 before, gint64 after)
{
  x_key ("ctrl+z");
  g_assert_cmpint (count_rows (sql), ==, before);
  x_key ("ctrl+shift+z");
  g_assert_cmpint (count_rows (sql), ==, after);
}

/* The station tool: a click places it, the form asks for its kind and radius (the kind's 300 m
 * first), refuses "abc", -5 and 99999, stores 350; the ring on the map has that radius. */
static void
test_station (void)
{
  const char *stations = "SELECT count(*) FROM stations WHERE deleted = 0";
  gint64 n = count_rows (stations);
  double mx, my, wx, wy;
  free_spot (&mx, &my);
  g_object_set (window, "snap", FALSE, NULL); /* exactly where clicked */
  x_key ("t"); /* the station tool's key */
  g_assert_cmpstr (tool_now (), ==, "station");
  map_to_window (mx, my, &wx, &wy);
  double clon, clat; /* where the click is, before the sidebar shows the new station */
  shumate_viewport_widget_coords_to_location (
      shumate_simple_map_get_viewport (simple_map ()),
      GTK_WIDGET (shumate_simple_map_get_map (simple_map ())), mx, my, &clat, &clon);
  x_click (wx, wy);
  CmLayerForm *form = wait_for_layer_form ();
  g_assert_cmpstr (cm_layer_form_get_kind (form), ==, "community_service_station");
  g_assert_cmpstr (cm_layer_form_get_text (form, "service_radius_m"), ==, "300");
  g_assert_cmpfloat (fabs (ring_metres (wx, wy, "station-300") - 300), <, 300 * 0.02);
  assert_refused (form, "service_radius_m", "abc", stations, n);
  assert_refused (form, "service_radius_m", "-5", stations, n);
  assert_refused (form, "service_radius_m", "99999", stations, n);
  type_into (form, "service_radius_m", "350");
  g_assert_null (cm_layer_form_get_problem (form, "service_radius_m"));
  g_assert_true (cm_layer_form_select_kind (form, "heart_link_station"));
  /* choosing a kind after typing a radius keeps the radius typed */
  g_assert_cmpstr (cm_layer_form_get_text (form, "service_radius_m"), ==, "350");

  /* the ring around the placed station follows the radius typed */
  g_assert_cmpfloat (fabs (ring_metres (wx, wy, "station-350") - 350), <, 350 * 0.02);

  cm_layer_form_set_text (form, "name", "金宁连心站");
  cm_layer_form_set_text (form, "opening_hours", "9:00-17:00");
  cm_layer_form_set_text (form, "phone", "0757-1234567");
  cm_layer_form_finish (form, TRUE);
  spin (100);
  g_assert_null (cm_window_get_layer_form (window));
  const char *stored = "SELECT count(*) FROM stations WHERE deleted = 0 AND name = '金宁连心站'"
                       " AND service_radius_m = 350 AND kind = 'heart_link_station'"
                       " AND opening_hours = '9:00-17:00' AND phone = '0757-1234567'";
  g_assert_cmpint (count_rows (stored), ==, 1);
  g_assert_cmpint (count_rows (stations), ==, n + 1);
  /* it is where the click was (to a pixel) */
  double lon, lat;
  query_point ("SELECT X(geom), Y(geom) FROM stations WHERE name = '金宁连心站'", &lon, &lat);
  double off = cm_test_geod_distance (lon, lat, clon, clat);
  g_test_message ("stored %.2f m from the click", off);
  g_assert_cmpfloat (off, <, 1.5);
  undo_redo (stations, n, n + 1);
  g_assert_cmpint (count_rows (stored), ==, 1);
}

/* "New kind…": the kind joins the map's list and the station has it. */
static void
test_new_kind (void)
{
  double mx, my;
  free_spot (&mx, &my);
  choose_tool ("station");
  cm_window_click_map (window, mx + 60, my + 40);
  CmLayerForm *form = wait_for_layer_form ();
  g_autoptr (GError) error = NULL;
  g_assert_true (cm_layer_form_add_kind (form, "社区警务室", &error));
  g_assert_cmpstr (cm_layer_form_get_kind (form), ==, "社区警务室");
  cm_layer_form_set_text (form, "name", "警务室");
  cm_layer_form_finish (form, TRUE);
  spin (100);
  g_assert_cmpint (count_rows ("SELECT count(*) FROM kinds WHERE layer = 'stations' AND"
                               " label_zh = '社区警务室'"), ==, 1);
  g_assert_cmpint (count_rows ("SELECT count(*) FROM stations WHERE deleted = 0 AND"
                               " kind = '社区警务室'"), ==, 1);
  choose_tool ("select");
}

/* A square of @half pixels around @cx, @cy, clicked corner by corner, finished with Enter. */
static void
draw_square (double cx, double cy, double half)
{
  double corners[4][2] = { { -1, -1 }, { 1, -1 }, { 1, 1 }, { -1, 1 } };
  for (int i = 0; i < 4; i++)
    {
      double wx, wy;
      map_to_window (cx + half * corners[i][0], cy + half * corners[i][1], &wx, &wy);
      x_click (wx, wy);
    }
  x_key ("Return");
}

/* The team tool, two parts: "Add a Part" keeps the first; members 2.5 refused; stored as one
 * team of two parts with its type and members. */
static void
test_team_two_parts (void)
{
  const char *teams = "SELECT count(*) FROM teams WHERE deleted = 0";
  gint64 n = count_rows (teams);
  double mx, my;
  free_spot (&mx, &my);
  g_object_set (window, "snap", FALSE, NULL);
  x_key ("v");
  g_assert_cmpstr (tool_now (), ==, "team");
  draw_square (mx - 120, my, 40);
  CmLayerForm *form = wait_for_layer_form ();
  cm_layer_form_set_text (form, "name", "金宁环保队");
  cm_layer_form_add_part (form);
  spin (100);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (form)));
  draw_square (mx + 120, my, 40);
  form = wait_for_layer_form ();
  /* what was typed before the second part is still there */
  g_assert_cmpstr (cm_layer_form_get_text (form, "name"), ==, "金宁环保队");
  g_assert_true (cm_layer_form_select_kind (form, "specialty"));
  assert_refused (form, "members", "2.5", teams, n);
  type_into (form, "members", "12");
  cm_layer_form_set_text (form, "leader", "李队长");
  cm_layer_form_finish (form, TRUE);
  spin (100);
  const char *stored = "SELECT count(*) FROM teams WHERE deleted = 0 AND name = '金宁环保队'"
                       " AND kind = 'specialty' AND members = 12 AND leader = '李队长'"
                       " AND NumGeometries(geom) = 2 AND ST_IsValid(geom)";
  g_assert_cmpint (count_rows (stored), ==, 1);
  undo_redo (teams, n, n + 1);
  g_assert_cmpint (count_rows (stored), ==, 1);
  choose_tool ("select");
}

/* The compound tool: a named compound of kind 小区. */
static void
test_compound (void)
{
  double mx, my;
  free_spot (&mx, &my);
  x_key ("c");
  draw_square (mx, my - 100, 60);
  CmLayerForm *form = wait_for_layer_form ();
  g_assert_cmpstr (cm_layer_form_get_kind (form), ==, "compound");
  cm_layer_form_set_text (form, "name", "金宁花园");
  cm_layer_form_finish (form, TRUE);
  spin (100);
  const char *stored = "SELECT count(*) FROM compounds WHERE deleted = 0 AND name = '金宁花园'"
                       " AND kind = 'compound'";
  g_assert_cmpint (count_rows (stored), ==, 1);
  undo_redo (stored, 0, 1);
  choose_tool ("select");
}

/* A building's households and residents typed in its details form: -1 refused; 48 stored;
 * undo gives back what it had. */
static void
test_building_households (void)
{
  CmFeature *b = select_lonely_building (TRUE);
  g_autofree char *uuid = g_strdup (cm_feature_get_uuid (b));
  g_autofree char *sql = g_strdup_printf ("SELECT coalesce(households, -7) FROM buildings WHERE"
                                          " uuid = '%s'", uuid);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.edit-details", NULL);
  CmLayerForm *form = wait_for_layer_form ();
  g_assert_cmpint (cm_layer_form_get_layer (form), ==, CM_LAYER_BUILDINGS);
  assert_refused (form, "households", "-1", sql, -7);
  type_into (form, "households", "48");
  type_into (form, "population", "131");
  cm_layer_form_set_text (form, "building_head", "王阿姨");
  cm_layer_form_finish (form, TRUE);
  spin (100);
  g_assert_cmpint (count_rows (sql), ==, 48);
  g_autofree char *head = g_strdup_printf ("SELECT count(*) FROM buildings WHERE uuid = '%s'"
                                           " AND population = 131 AND building_head = '王阿姨'",
                                           uuid);
  g_assert_cmpint (count_rows (head), ==, 1);
  undo_redo (sql, -7, 48);
}

/* Buildings chosen with a Shift+drag box and Shift+click (one taken out again): "Make a Team
 * Area from Them" stores a team whose area holds every chosen building and none of the one
 * taken out; undone. */
static void
test_team_from_buildings (void)
{
  double lon, lat, wx, wy, mx, my;
  query_point ("SELECT X(p), Y(p) FROM (SELECT ST_PointOnSurface(geom) AS p FROM buildings"
               " WHERE name = '紫荆学生公寓5号楼')", &lon, &lat);
  ShumateViewport *vp = shumate_simple_map_get_viewport (simple_map ());
  shumate_location_set_location (SHUMATE_LOCATION (vp), lat, lon);
  shumate_viewport_set_zoom_level (vp, 18);
  spin (300);
  choose_tool ("select");
  cm_window_select_at (window, -1000, -1000); /* nothing chosen */
  locate (lon, lat, &wx, &wy, &mx, &my);
  cm_window_choose_box (window, mx - 60, my - 60, mx + 60, my + 60);
  /* the buildings the box meets, as SQL finds them */
  GtkWidget *map = GTK_WIDGET (shumate_simple_map_get_map (simple_map ()));
  double a[2], b[2];
  shumate_viewport_widget_coords_to_location (vp, map, mx - 60, my + 60, &a[1], &a[0]);
  shumate_viewport_widget_coords_to_location (vp, map, mx + 60, my - 60, &b[1], &b[0]);
  g_autofree char *in_box = g_strdup_printf (
      "SELECT count(*) FROM buildings WHERE deleted = 0 AND MbrIntersects(geom,"
      " BuildMbr(%.9f, %.9f, %.9f, %.9f, 4326))", a[0], a[1], b[0], b[1]);
  gint64 boxed = count_rows (in_box);
  CmFeature *last = cm_window_get_selected (window);
  g_assert_nonnull (last);
  g_autofree char *out = g_strdup (cm_feature_get_uuid (last));
  /* Shift+click on one of them takes it out */
  double olon, olat;
  g_autofree char *sql = g_strdup_printf ("SELECT X(p), Y(p) FROM (SELECT ST_PointOnSurface(geom)"
                                          " AS p FROM buildings WHERE uuid = '%s')", out);
  query_point (sql, &olon, &olat);
  locate (olon, olat, &wx, &wy, &mx, &my);
  cm_window_choose_at (window, mx, my);
  gint64 teams = count_rows ("SELECT count(*) FROM teams WHERE deleted = 0");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.team-from-chosen", NULL);
  CmLayerForm *form = wait_for_layer_form ();
  g_assert_cmpint (cm_layer_form_get_layer (form), ==, CM_LAYER_TEAMS);
  cm_layer_form_set_text (form, "name", "紫荆楼门服务队");
  g_assert_true (cm_layer_form_select_kind (form, "self_governance"));
  cm_layer_form_finish (form, TRUE);
  spin (100);
  g_assert_cmpint (count_rows ("SELECT count(*) FROM teams WHERE deleted = 0"), ==, teams + 1);
  /* the buildings in the box but the one taken out: inside the new team's area */
  gint64 inside = count_rows ("SELECT count(*) FROM buildings b, teams t WHERE t.name ="
                              " '紫荆楼门服务队' AND ST_Contains(t.geom, ST_PointOnSurface(b.geom))");
  g_autofree char *out_sql = g_strdup_printf (
      "SELECT count(*) FROM buildings b, teams t WHERE t.name = '紫荆楼门服务队' AND b.uuid ="
      " '%s' AND ST_Intersects(t.geom, b.geom)", out);
  g_test_message ("team from buildings: %" G_GINT64_FORMAT " in the box, %" G_GINT64_FORMAT
                  " inside the area", boxed, inside);
  g_assert_cmpint (boxed, >=, 3);
  g_assert_cmpint (inside, >=, boxed - 1);
  g_assert_cmpint (count_rows (out_sql), ==, 0);
  x_key ("ctrl+z");
  g_assert_cmpint (count_rows ("SELECT count(*) FROM teams WHERE deleted = 0"), ==, teams);
}

/* Walking coverage per compound in the panel equals the core's on the same file; "Keep as
 * Baseline", then "Suggest Sites" and "Add a Station Here" on the best: the station is stored
 * at the site, the analysis runs again by itself, and the comparison gains exactly what the
 * site was said to cover (and what two runs' counts differ by); undone, nothing is gained. */
static void
test_compare_and_suggest (void)
{
  choose_tool ("select");
  run_analysis (CM_ANALYSIS_COVERAGE, "stations", TRUE, 300);
  wait_for_analysis ();
  const GArray *sums = cm_analysis_panel_get_compounds (PANEL);
  g_assert_nonnull (sums);
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (CmStore) store = cm_store_open (map_path, &error);
    g_autoptr (CmCoverage) c = cm_coverage_load (store, "stations", 0, &error);
    g_autoptr (CmNetwork) net = cm_network_load (store, CM_NETWORK_WALKABLE, &error);
    cm_coverage_compute_walk (c, net, 300);
    g_autoptr (GArray) want = cm_compounds_sum (c);
    g_assert_cmpint (sums->len, ==, want->len);
    g_assert_cmpint (want->len, >=, 6); /* the demo's compounds (and the one drawn), none, whole */
    for (guint i = 0; i < want->len; i++)
      {
        const CmCompoundSum *a = &g_array_index (sums, CmCompoundSum, i);
        const CmCompoundSum *b = &g_array_index (want, CmCompoundSum, i);
        g_assert_cmpint (a->buildings, ==, b->buildings);
        g_assert_cmpint (a->covered, ==, b->covered);
      }
  }
  guint covered_before = g_array_index (sums, CmCompoundSum, sums->len - 1).covered;
  cm_analysis_panel_keep_baseline (PANEL);
  g_assert_nonnull (strstr (cm_analysis_panel_get_comparison_text (PANEL), "baseline"));

  CmAnalysisRequest request = { CM_ANALYSIS_COVERAGE, (char *) "stations", TRUE, 300 };
  request.suggest = 3;
  cm_analysis_panel_run (PANEL, &request);
  wait_for_analysis ();
  const CmAnalysisResult *r = cm_analysis_panel_get_result (PANEL);
  g_assert_nonnull (r->suggestion);
  g_assert_cmpint (r->suggestion->sites->len, ==, 3);
  CmSuggestSite best = g_array_index (r->suggestion->sites, CmSuggestSite, 0);
  g_test_message ("site 1: %.6f, %.6f near %s: %u buildings", best.lon, best.lat, best.near,
                  best.buildings);
  g_assert_cmpint (best.buildings, >, 0);
  /* the same result compared with the baseline: nothing changed */
  g_assert_cmpint (g_array_index (cm_analysis_panel_get_comparison (PANEL)->rows, CmCompareRow,
                                  cm_analysis_panel_get_comparison (PANEL)->rows->len - 1).gained,
                   ==, 0);

  gint64 stations = count_rows ("SELECT count(*) FROM stations WHERE deleted = 0");
  cm_analysis_panel_add_station (PANEL, 0);
  CmLayerForm *form = wait_for_layer_form ();
  cm_layer_form_set_text (form, "name", "建议站点");
  cm_layer_form_finish (form, TRUE);
  spin (100);
  g_assert_cmpint (count_rows ("SELECT count(*) FROM stations WHERE deleted = 0"), ==,
                   stations + 1);
  double lon, lat;
  query_point ("SELECT X(geom), Y(geom) FROM stations WHERE name = '建议站点'", &lon, &lat);
  g_assert_cmpfloat (cm_test_geod_distance (lon, lat, best.lon, best.lat), <, 0.01);

  /* the analysis runs again by itself (the stations changed) */
  for (int i = 0; i < 20 && !cm_analysis_panel_is_pending (PANEL); i++)
    spin (50);
  wait_for_analysis ();
  const CmComparison *cmp = cm_analysis_panel_get_comparison (PANEL);
  g_assert_nonnull (cmp);
  const CmCompareRow *whole = &g_array_index (cmp->rows, CmCompareRow, cmp->rows->len - 1);
  g_assert_true (whole->whole);
  const GArray *now = cm_analysis_panel_get_compounds (PANEL);
  guint covered_now = g_array_index (now, CmCompoundSum, now->len - 1).covered;
  g_test_message ("%s", cm_analysis_panel_get_comparison_text (PANEL));
  g_test_message ("covered %u → %u; gained %u, lost %u", covered_before, covered_now,
                  whole->gained, whole->lost);
  g_assert_cmpint (whole->gained, ==, best.buildings);
  g_assert_cmpint (whole->lost, ==, 0);
  g_assert_cmpint (covered_now - covered_before, ==, whole->gained - whole->lost);
  g_assert_cmpint (g_hash_table_size (cmp->gained), ==, whole->gained);
  g_autofree char *plus = g_strdup_printf ("+%u buildings", best.buildings);
  g_assert_nonnull (strstr (cm_analysis_panel_get_comparison_text (PANEL), plus));
  /* per compound, the gains add up to the whole */
  guint sum = 0;
  for (guint i = 0; i + 1 < cmp->rows->len; i++)
    sum += g_array_index (cmp->rows, CmCompareRow, i).gained;
  g_assert_cmpint (sum, ==, whole->gained);

  /* not worth it: undone, and the next run gains nothing */
  x_key ("ctrl+z");
  for (int i = 0; i < 20 && !cm_analysis_panel_is_pending (PANEL); i++)
    spin (50);
  wait_for_analysis ();
  cmp = cm_analysis_panel_get_comparison (PANEL);
  g_assert_cmpint (g_array_index (cmp->rows, CmCompareRow, cmp->rows->len - 1).gained, ==, 0);
}

int
main (int argc, char **argv)
{
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("LANGUAGE", "en", TRUE);
  cm_i18n_init ();
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  map_path = copy_demo_map ("planner.sqlite");
  open_window (map_path);
  wait_for_tiles ();
  g_test_add_func ("/planner/station", test_station);
  g_test_add_func ("/planner/new-kind", test_new_kind);
  g_test_add_func ("/planner/team-two-parts", test_team_two_parts);
  g_test_add_func ("/planner/compound", test_compound);
  g_test_add_func ("/planner/building-households", test_building_households);
  g_test_add_func ("/planner/team-from-buildings", test_team_from_buildings);
  g_test_add_func ("/planner/compare-and-suggest", test_compare_and_suggest);
  return g_test_run ();
}
