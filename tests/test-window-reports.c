/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-window-reports.c: residents' reports in the window (issue #18), with real X events
 * (xdotool) under xvfb-run: a report raised with the Report tool (its key R), the station whose
 * service radius holds it suggested (checked against a brute force over the stations with
 * PROJ's distances); a second report of the same kind a few metres away offered as a duplicate
 * (another kind not) and joined; a follow-up and a resolution, only the allowed statuses
 * offered; undo and redo of each, checked in the file; the Reports window's filters, order and
 * counts per station on reports of known statuses, days, kinds and places. */
#include <math.h>
#include <string.h>

#include "cm-core.h"
#include "cm-store-private.h"
#include "cm-report-form.h"
#include "cm-reports-list.h"
#include "cm-test-util.h"
#include "cm-window-test-util.h"

static CmReportForm *
wait_for_report_form (void)
{
  for (int i = 0; i < 100 && cm_window_get_report_form (window) == NULL; i++)
    spin (20);
  CmReportForm *form = cm_window_get_report_form (window);
  g_assert_nonnull (form);
  return form;
}

/* Where the map widget's pixel @mx, @my is. */
static void
location_of (double mx, double my, double *lon, double *lat)
{
  shumate_viewport_widget_coords_to_location (
      shumate_simple_map_get_viewport (simple_map ()),
      GTK_WIDGET (shumate_simple_map_get_map (simple_map ())), mx, my, lat, lon);
}

/* The station a report at @lon, @lat should be given, by brute force: of the stations whose
 * service radius (geodesic, PROJ) holds it, the nearest; NULL when none does. */
static char *
station_by_brute_force (double lon, double lat)
{
  g_autoptr (CmStore) db = cm_store_open_reader (map_path, NULL);
  g_assert_nonnull (db);
  sqlite3_stmt *stmt = _cm_store_prepare (db, "SELECT uuid, X(geom), Y(geom), service_radius_m"
                                              " FROM stations WHERE deleted = 0", NULL);
  g_assert_nonnull (stmt);
  char *best = NULL;
  double best_d = G_MAXDOUBLE;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      double d = cm_test_geod_distance (lon, lat, sqlite3_column_double (stmt, 1),
                                        sqlite3_column_double (stmt, 2));
      if (d <= sqlite3_column_double (stmt, 3) && d < best_d)
        {
          best_d = d;
          g_free (best);
          best = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
        }
    }
  sqlite3_finalize (stmt);
  return best;
}

static char *
text_of (const char *sql)
{
  g_autoptr (CmStore) db = cm_store_open_reader (map_path, NULL);
  g_assert_nonnull (db);
  sqlite3_stmt *stmt = _cm_store_prepare (db, sql, NULL);
  g_assert_nonnull (stmt);
  char *text = sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_text (stmt, 0)
                   ? g_strdup ((const char *) sqlite3_column_text (stmt, 0))
                   : NULL;
  sqlite3_finalize (stmt);
  return text;
}

/* The number of lines the selected report's timeline shows in the details. */
static guint
timeline_lines (void)
{
  GtkWidget *stack[1024], *list = NULL;
  int top = 0;
  stack[top++] = GTK_WIDGET (window);
  while (top > 0 && list == NULL)
    {
      GtkWidget *w = stack[--top];
      if (g_strcmp0 (gtk_widget_get_name (w), "details-timeline") == 0)
        list = w;
      for (GtkWidget *c = gtk_widget_get_first_child (w); c && top < 1023;
           c = gtk_widget_get_next_sibling (c))
        stack[top++] = c;
    }
  g_assert_nonnull (list);
  guint n = 0;
  for (GtkWidget *c = gtk_widget_get_first_child (list); c; c = gtk_widget_get_next_sibling (c))
    if (!gtk_widget_has_css_class (c, "dim-label")) /* "No follow-up yet" */
      n++;
  return n;
}

static const char *LIVE_REPORTS = "SELECT count(*) FROM reports WHERE deleted = 0";
static const char *LIVE_RAISED = "SELECT count(*) FROM report_followups WHERE deleted = 0"
                                 " AND kind = 'raised'";
static char *first_uuid;

/* A report raised with the Report tool; then another of the same kind 8 m away: offered as a
 * duplicate and joined; undo and redo of the joining. */
static void
test_raise_and_join (void)
{
  /* 40 m north of the first station: inside its service radius */
  double slon, slat, kx, ky;
  query_point ("SELECT X(geom), Y(geom) FROM stations WHERE deleted = 0 ORDER BY id LIMIT 1",
               &slon, &slat);
  cm_geodesic_scale (slat, &kx, &ky);
  ShumateViewport *vp = shumate_simple_map_get_viewport (simple_map ());
  shumate_location_set_location (SHUMATE_LOCATION (vp), slat + 40 / ky, slon);
  shumate_viewport_set_zoom_level (vp, 18);
  spin (300);
  g_object_set (window, "snap", FALSE, NULL); /* exactly where clicked */
  GtkWidget *map = GTK_WIDGET (shumate_simple_map_get_map (simple_map ()));
  double mx = gtk_widget_get_width (map) / 2.0, my = gtk_widget_get_height (map) / 2.0, wx, wy;
  g_assert_cmpint (count_rows (LIVE_REPORTS), ==, 0);

  x_key ("r"); /* the Report tool's key */
  g_assert_cmpstr (tool_now (), ==, "report");
  double clon, clat;
  location_of (mx, my, &clon, &clat);
  map_to_window (mx, my, &wx, &wy);
  x_click (wx, wy);
  CmReportForm *form = wait_for_report_form ();
  /* none chosen yet: Save asks for the kind, nothing stored */
  cm_report_form_finish (form, TRUE);
  spin (50);
  g_assert_true (cm_window_get_report_form (window) == form);
  g_assert_cmpint (count_rows (LIVE_REPORTS), ==, 0);
  /* the station suggested: the one whose radius holds the place */
  g_autofree char *expected = station_by_brute_force (clon, clat);
  g_assert_nonnull (expected); /* the demo's middle is served */
  g_assert_cmpstr (cm_report_form_get_responsible_uuid (form), ==, expected);
  g_assert_true (cm_report_form_select_category (form, "broken_street_light"));
  g_assert_null (cm_report_form_get_duplicates_text (form)); /* the first one */
  cm_report_form_set_description (form, "No light at night");
  cm_report_form_set_raised_by (form, "Building 3 head");
  cm_report_form_set_urgent (form, TRUE);
  cm_report_form_finish (form, TRUE);
  spin (100);
  g_assert_null (cm_window_get_report_form (window));
  g_assert_cmpint (count_rows (LIVE_REPORTS), ==, 1);
  g_autofree char *sql = g_strdup_printf (
      "SELECT count(*) FROM reports WHERE deleted = 0 AND category = 'broken_street_light'"
      " AND status = 'reported' AND urgent = 1 AND raised_by = 'Building 3 head'"
      " AND description = 'No light at night' AND responsible_uuid = '%s'"
      " AND reported_at = strftime('%%Y-%%m-%%d', 'now')", expected);
  g_assert_cmpint (count_rows (sql), ==, 1);
  double lon, lat;
  query_point ("SELECT X(geom), Y(geom) FROM reports WHERE deleted = 0", &lon, &lat);
  g_assert_cmpfloat (cm_test_geod_distance (lon, lat, clon, clat), <, 1.0);
  first_uuid = text_of ("SELECT uuid FROM reports WHERE deleted = 0");
  /* selected, its timeline empty */
  g_assert_cmpint (timeline_lines (), ==, 0);

  /* another resident, 8 m east: the same kind is offered to join, another kind is not */
  double x2, y2;
  map_coords (clon + 8 / kx, clat, &x2, &y2);
  map_to_window (x2, y2, &wx, &wy);
  x_click (wx, wy);
  form = wait_for_report_form ();
  g_assert_true (cm_report_form_select_category (form, "unsafe_spot"));
  g_assert_null (cm_report_form_get_duplicates_text (form));
  g_assert_true (cm_report_form_select_category (form, "broken_street_light"));
  g_assert_cmpstr (cm_report_form_get_duplicates_text (form), ==,
                   "1 open report of Broken street light nearby");
  g_assert_cmpint (cm_report_form_get_n_duplicates (form), ==, 1);
  cm_report_form_set_raised_by (form, "Li");
  cm_report_form_join (form, 0);
  spin (100);
  g_assert_cmpint (count_rows (LIVE_REPORTS), ==, 1); /* no new report */
  g_assert_cmpint (count_rows (LIVE_RAISED), ==, 1);
  g_assert_cmpint (count_rows ("SELECT count(*) FROM report_followups WHERE deleted = 0"
                               " AND kind = 'raised' AND who = 'Li'"), ==, 1);
  g_assert_cmpint (timeline_lines (), ==, 1); /* the joined report is selected */

  /* undo withdraws the voice (the entry stays, marked), redo brings it back */
  x_key ("ctrl+z");
  g_assert_cmpint (count_rows (LIVE_RAISED), ==, 0);
  g_autofree char *kept = g_strdup_printf ("SELECT count(*) FROM report_followups WHERE"
                                           " report_uuid = '%s' AND kind = 'raised'", first_uuid);
  g_assert_cmpint (count_rows (kept), ==, 1);
  g_assert_cmpint (count_rows (LIVE_REPORTS), ==, 1);
  x_key ("ctrl+shift+z");
  g_assert_cmpint (count_rows (LIVE_RAISED), ==, 1);
}

/* Add Follow-up…: in hand, then resolved; only the allowed statuses offered; undo and redo. */
static void
test_follow_up_and_resolve (void)
{
  g_autofree char *status_sql = g_strdup_printf ("SELECT status FROM reports WHERE uuid = '%s'",
                                                 first_uuid);
  g_autofree char *live_followups = g_strdup_printf (
      "SELECT count(*) FROM report_followups WHERE deleted = 0 AND report_uuid = '%s'",
      first_uuid);
  g_assert_nonnull (first_uuid);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.add-followup", NULL);
  spin (100);
  /* a report just reported cannot be reopened */
  g_assert_false (cm_window_fill_followup (window, "reopened", NULL, "x"));
  g_assert_true (cm_window_fill_followup (window, "in_hand", "Wang", "called the property office"));
  cm_window_finish_followup (window, TRUE);
  spin (100);
  g_autofree char *status = text_of (status_sql);
  g_assert_cmpstr (status, ==, "in_hand");
  g_assert_cmpint (count_rows (live_followups), ==, 2);
  g_assert_cmpint (timeline_lines (), ==, 2);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.add-followup", NULL);
  spin (100);
  g_assert_false (cm_window_fill_followup (window, "acknowledged", NULL, NULL)); /* backwards */
  g_assert_true (cm_window_fill_followup (window, "resolved", "Wang", "the lamp was replaced"));
  cm_window_finish_followup (window, TRUE);
  spin (100);
  g_free (status);
  status = text_of (status_sql);
  g_assert_cmpstr (status, ==, "resolved");
  g_assert_cmpint (timeline_lines (), ==, 3);

  /* a follow-up cancelled stores nothing */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.add-followup", NULL);
  spin (100);
  g_assert_true (cm_window_fill_followup (window, "closed", "Wang", "done"));
  cm_window_finish_followup (window, FALSE);
  spin (100);
  g_assert_cmpint (count_rows (live_followups), ==, 3);

  /* undo: the resolution withdrawn, the report in hand again; redo: resolved */
  x_key ("ctrl+z");
  g_free (status);
  status = text_of (status_sql);
  g_assert_cmpstr (status, ==, "in_hand");
  g_assert_cmpint (count_rows (live_followups), ==, 2);
  g_assert_cmpint (timeline_lines (), ==, 2);
  x_key ("ctrl+shift+z");
  g_free (status);
  status = text_of (status_sql);
  g_assert_cmpstr (status, ==, "resolved");
  g_assert_cmpint (count_rows (live_followups), ==, 3);
}

/* Adds a report as another program would (straight into the file): @category, @status, @urgent,
 * raised on @day, responsible @responsible (may be NULL), at @lon, @lat. */
static char *
seed_report (CmStore *store, const char *category, const char *status, gboolean urgent,
             const char *day, const char *responsible, double lon, double lat)
{
  g_autoptr (CmFeature) f = cm_feature_new (CM_LAYER_REPORTS);
  g_autoptr (GBytes) wkb = cm_test_point_wkb (store, lon, lat);
  cm_feature_set_wkb (f, wkb);
  cm_feature_set_category (f, category);
  cm_feature_set_field (f, "status", g_variant_new_string (status));
  cm_feature_set_field (f, "urgent", g_variant_new_int64 (urgent));
  cm_feature_set_field (f, "reported_at", g_variant_new_string (day));
  if (responsible)
    cm_feature_set_field (f, "responsible_uuid", g_variant_new_string (responsible));
  g_autoptr (GError) error = NULL;
  g_assert_true (cm_reports_add (store, f, &error));
  g_assert_no_error (error);
  return g_strdup (cm_feature_get_uuid (f));
}

/* The Reports window: filters by status, kind, responsible, compound and urgency; oldest or
 * newest first; the counts per station; a report activated is selected on the map. */
static void
test_list_filters (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CmStore) store = cm_store_open (map_path, &error);
  g_assert_no_error (error);
  g_autofree char *station = text_of ("SELECT uuid FROM stations WHERE deleted = 0 ORDER BY id"
                                      " LIMIT 1");
  g_autofree char *station_name = cm_reports_responsible_name (store, station);
  double in_lon, in_lat; /* inside the compound 东北小区 */
  query_point ("SELECT X(PointOnSurface(geom)), Y(PointOnSurface(geom)) FROM compounds"
               " WHERE name = '东北小区'", &in_lon, &in_lat);
  double far_lon = in_lon + 1, far_lat = in_lat; /* in no compound */
  g_autofree char *a = seed_report (store, "unsafe_spot", "acknowledged", TRUE, "2026-01-10",
                                    station, in_lon, in_lat);
  g_autofree char *b = seed_report (store, "locked_gate", "closed", FALSE, "2026-02-01",
                                    station, far_lon, far_lat);
  g_autofree char *c = seed_report (store, "locked_gate", "reopened", FALSE, "2025-12-01",
                                    NULL, far_lon, far_lat);
  /* the report raised in the window: today, resolved, the suggested station's */

  gtk_widget_activate_action (GTK_WIDGET (window), "win.reports", NULL);
  spin (200);
  CmReportsList *list = cm_window_get_reports_list (window);
  g_assert_nonnull (list);
  g_assert_cmpint (cm_reports_list_get_n_shown (list), ==, 4);
  /* oldest first: c (2025-12-01), a, b, then today's */
  g_assert_cmpstr (cm_reports_list_get_shown_uuid (list, 0), ==, c);
  g_assert_cmpstr (cm_reports_list_get_shown_uuid (list, 1), ==, a);
  g_assert_cmpstr (cm_reports_list_get_shown_uuid (list, 2), ==, b);
  g_assert_cmpstr (cm_reports_list_get_shown_uuid (list, 3), ==, first_uuid);
  cm_reports_list_sort_oldest_first (list, FALSE);
  g_assert_cmpstr (cm_reports_list_get_shown_uuid (list, 0), ==, first_uuid);
  g_assert_cmpstr (cm_reports_list_get_shown_uuid (list, 3), ==, c);
  cm_reports_list_sort_oldest_first (list, TRUE);

  /* open: acknowledged and reopened */
  g_assert_true (cm_reports_list_filter_status (list, "open"));
  g_assert_cmpint (cm_reports_list_get_n_shown (list), ==, 2);
  g_assert_cmpstr (cm_reports_list_get_shown_uuid (list, 0), ==, c);
  g_assert_cmpstr (cm_reports_list_get_shown_uuid (list, 1), ==, a);
  g_assert_true (cm_reports_list_filter_status (list, "resolved"));
  g_assert_cmpint (cm_reports_list_get_n_shown (list), ==, 1);
  g_assert_cmpstr (cm_reports_list_get_shown_uuid (list, 0), ==, first_uuid);
  g_assert_true (cm_reports_list_filter_status (list, NULL));

  g_assert_true (cm_reports_list_filter_category (list, "locked_gate"));
  g_assert_cmpint (cm_reports_list_get_n_shown (list), ==, 2);
  g_assert_false (cm_reports_list_filter_category (list, "kindergarten")); /* no report has it */
  /* with the kind: no one responsible */
  g_assert_true (cm_reports_list_filter_responsible (list, ""));
  g_assert_cmpint (cm_reports_list_get_n_shown (list), ==, 1);
  g_assert_cmpstr (cm_reports_list_get_shown_uuid (list, 0), ==, c);
  g_assert_true (cm_reports_list_filter_category (list, NULL));
  g_assert_true (cm_reports_list_filter_responsible (list, station));
  g_autofree char *first_sql = g_strdup_printf ("SELECT responsible_uuid FROM reports WHERE"
                                                " uuid = '%s'", first_uuid);
  g_autofree char *first_station = text_of (first_sql);
  g_assert_cmpint (cm_reports_list_get_n_shown (list), ==,
                   2 + (g_strcmp0 (station, first_station) == 0));
  g_assert_true (cm_reports_list_filter_responsible (list, NULL));

  g_assert_true (cm_reports_list_filter_compound (list, "东北小区"));
  g_assert_cmpint (cm_reports_list_get_n_shown (list), ==, 1);
  g_assert_cmpstr (cm_reports_list_get_shown_uuid (list, 0), ==, a);
  g_assert_true (cm_reports_list_filter_compound (list, ""));
  g_assert_cmpint (cm_reports_list_get_n_shown (list), ==, 2); /* b and c, far away */
  g_assert_true (cm_reports_list_filter_compound (list, NULL));

  cm_reports_list_filter_urgent (list, TRUE);
  g_assert_cmpint (cm_reports_list_get_n_shown (list), ==, 2); /* a, and the window's */
  g_assert_cmpstr (cm_reports_list_get_shown_uuid (list, 0), ==, a);
  g_assert_cmpstr (cm_reports_list_get_shown_uuid (list, 1), ==, first_uuid);
  cm_reports_list_filter_urgent (list, FALSE);
  g_assert_cmpint (cm_reports_list_get_n_shown (list), ==, 4);

  /* the counts per station: its open (a) and resolved or closed (b, and the window's when the
   * station is the one suggested there) */
  g_autofree char *counts = cm_reports_list_get_counts_text (list);
  g_test_message ("%s", counts);
  g_autofree char *line = g_strdup_printf ("%s\t1\t%d\t", station_name,
                                           1 + (g_strcmp0 (station, first_station) == 0));
  g_assert_nonnull (strstr (counts, line));
  g_assert_nonnull (strstr (counts, "No one responsible yet\t1\t0\t—"));

  cm_reports_list_filter_status (list, "closed");
  g_assert_cmpint (cm_reports_list_get_n_shown (list), ==, 1);
  g_assert_cmpstr (cm_reports_list_get_shown_uuid (list, 0), ==, b);
  cm_reports_list_filter_status (list, NULL);

  /* activating a report selects it on the map, its details with the timeline */
  cm_reports_list_activate (list, 1);
  spin (100);
  g_assert_nonnull (cm_window_get_selected (window));
  g_assert_cmpstr (cm_feature_get_uuid (cm_window_get_selected (window)), ==, a);
  g_assert_cmpint (timeline_lines (), ==, 0);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.add-followup", NULL);
  spin (100);
  g_assert_true (cm_window_fill_followup (window, "closed", "Wang", "not a danger after all"));
  cm_window_finish_followup (window, TRUE);
  spin (100);
  /* an edit in the window reaches the open list */
  cm_reports_list_filter_status (list, "closed");
  g_assert_cmpint (cm_reports_list_get_n_shown (list), ==, 2);
  x_key ("ctrl+z");
  spin (100);
  g_assert_cmpint (cm_reports_list_get_n_shown (list), ==, 1);
  gtk_window_destroy (GTK_WINDOW (list));
  spin (50);
  g_assert_null (cm_window_get_reports_list (window));
}

/* Another program holds the map for writing beyond the 5 s the store waits: a report saved
 * then says the map is busy and comes back in its form as it was filled in, the point still
 * placed, and saves once the other has finished; a follow-up the same; a follow-up that says
 * nothing and changes nothing is refused, its dialog again. */
static void
test_map_busy (void)
{
  gint64 n = count_rows (LIVE_REPORTS);
  sqlite3 *other = NULL;
  g_assert_cmpint (sqlite3_open (map_path, &other), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (other, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);
  choose_tool ("report");
  GtkWidget *map = GTK_WIDGET (shumate_simple_map_get_map (simple_map ()));
  cm_window_click_map (window, gtk_widget_get_width (map) * 0.3, gtk_widget_get_height (map) * 0.3);
  CmReportForm *form = wait_for_report_form ();
  g_assert_true (cm_report_form_select_category (form, "locked_gate"));
  cm_report_form_set_description (form, "locked after 22:00");
  cm_report_form_set_raised_by (form, "Zhao");
  cm_report_form_set_urgent (form, TRUE);
  g_assert_true (cm_report_form_select_responsible (form, NULL));
  cm_report_form_finish (form, TRUE);
  spin (300);
  g_autofree char *said = window_text ();
  g_assert_nonnull (strstr (said, "The report was not saved"));
  g_assert_nonnull (strstr (said, "the map is busy"));
  g_assert_cmpint (count_rows (LIVE_REPORTS), ==, n);
  form = cm_window_get_report_form (window);
  g_assert_nonnull (form);
  g_assert_cmpstr (cm_report_form_get_category (form), ==, "locked_gate");
  g_assert_cmpstr (cm_report_form_get_description (form), ==, "locked after 22:00");
  g_assert_cmpstr (cm_report_form_get_raised_by (form), ==, "Zhao");
  g_assert_true (cm_report_form_get_urgent (form));
  g_assert_null (cm_report_form_get_responsible_uuid (form));
  g_assert_cmpint (sqlite3_exec (other, "ROLLBACK", NULL, NULL, NULL), ==, SQLITE_OK);
  cm_report_form_finish (form, TRUE);
  spin (200);
  g_assert_null (cm_window_get_report_form (window));
  g_assert_cmpint (count_rows ("SELECT count(*) FROM reports WHERE deleted = 0 AND"
                               " category = 'locked_gate' AND description = 'locked after 22:00'"
                               " AND raised_by = 'Zhao' AND urgent = 1 AND"
                               " responsible_uuid IS NULL"), ==, 1);
  /* selected: its details say that no one is responsible yet */
  g_autofree char *details = window_text ();
  g_assert_nonnull (strstr (details, "Responsible: no one responsible yet"));

  /* a follow-up while the map is held: refused, the dialog again as filled in */
  g_autofree char *uuid = text_of ("SELECT uuid FROM reports WHERE raised_by = 'Zhao'");
  g_autofree char *live = g_strdup_printf ("SELECT count(*) FROM report_followups WHERE"
                                           " deleted = 0 AND report_uuid = '%s'", uuid);
  g_assert_cmpint (sqlite3_exec (other, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.add-followup", NULL);
  spin (100);
  g_assert_true (cm_window_fill_followup (window, "acknowledged", "Sun", "asked the guard"));
  cm_window_finish_followup (window, TRUE);
  spin (300);
  g_free (said);
  said = window_text ();
  g_assert_nonnull (strstr (said, "The follow-up was not added"));
  g_assert_cmpint (count_rows (live), ==, 0);
  g_assert_cmpint (sqlite3_exec (other, "ROLLBACK", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (other);
  /* the dialog is back with what was typed: Add stores it */
  cm_window_finish_followup (window, TRUE);
  spin (200);
  g_assert_cmpint (count_rows (live), ==, 1);
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM report_followups WHERE"
                                          " report_uuid = '%s' AND who = 'Sun' AND what ="
                                          " 'asked the guard' AND status = 'acknowledged'", uuid);
  g_assert_cmpint (count_rows (sql), ==, 1);

  /* nothing said, nothing changed: refused with the reason, the dialog again */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.add-followup", NULL);
  spin (100);
  g_assert_true (cm_window_fill_followup (window, NULL, NULL, NULL));
  cm_window_finish_followup (window, TRUE);
  spin (200);
  g_assert_cmpint (count_rows (live), ==, 1);
  g_assert_true (cm_window_fill_followup (window, NULL, NULL, "the guard will leave it open"));
  cm_window_finish_followup (window, TRUE);
  spin (200);
  g_assert_cmpint (count_rows (live), ==, 2);
}

/* Workshop mode keeps the Report tool for residents. */
static void
test_workshop_button (void)
{
  gtk_widget_activate_action (GTK_WIDGET (window), "win.workshop-mode", NULL);
  spin (300);
  GtkWidget *report = tool_button ("report");
  g_assert_nonnull (report);
  g_assert_true (gtk_widget_is_drawable (report));
  g_assert_false (gtk_widget_is_drawable (tool_button ("station"))); /* the planner's: hidden */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.workshop-mode", NULL);
  spin (200);
}

int
main (int argc, char **argv)
{
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("LANGUAGE", "en", TRUE);
  cm_i18n_init ();
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  map_path = cm_test_demo_copy_without_reports ("reports.sqlite"); /* the tests count theirs */
  open_window (map_path);
  wait_for_tiles ();
  g_test_add_func ("/reports/raise-and-join", test_raise_and_join);
  g_test_add_func ("/reports/follow-up-and-resolve", test_follow_up_and_resolve);
  g_test_add_func ("/reports/list-filters", test_list_filters);
  g_test_add_func ("/reports/map-busy", test_map_busy);
  g_test_add_func ("/reports/workshop-button", test_workshop_button);
  return g_test_run ();
}
