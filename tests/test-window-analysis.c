/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-window-analysis.c: the analysis panel does not mislead (run under xvfb-run): only what
 * can serve people is offered as a source, stations first; each station's own radius is for
 * stations only, and those without one use the distance, as the summary says; a map without
 * stations says so; the life circle lists each missing facility with its own distance; the
 * at-night check closes the gates residents marked; Export Table… writes the result shown. Numbers are checked against the core on
 * the same file. (The panel's widgets are reached through the window's private header until
 * the panel is a widget of its own.) */
#include <math.h>
#include <string.h>

#include "cm-analysis.h"
#include "cm-core.h"
#include "cm-poster-dialog.h"
#include "cm-store-private.h"
#include "cm-test-util.h"
#include "cm-window-private.h"
#include "cm-window-test-util.h"

static void
store_sql (const char *sql)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CmStore) store = cm_store_open (map_path, &error);
  g_assert_true (_cm_store_exec (store, sql, &error));
  g_assert_no_error (error);
}

/* A resource of @category at the demo's first station, through the store. */
static void
add_resource (const char *category, const char *name, gboolean line)
{
  double lon, lat;
  query_point ("SELECT X(geom), Y(geom) FROM stations ORDER BY id LIMIT 1", &lon, &lat);
  CmGeom *g = cm_geom_new (line ? CM_GEOM_LINESTRING : CM_GEOM_POINT);
  double xy[4] = { lon, lat, lon + 0.0005, lat };
  guint n = line ? 2 : 1, one = 1;
  g_array_append_vals (g->xy, xy, 2 * n);
  g_array_append_val (g->ring_len, n);
  g_array_append_val (g->part_len, one);
  g_autoptr (GBytes) wkb = cm_geom_to_wkb (g);
  cm_geom_free (g);
  g_autoptr (CmFeature) f = cm_feature_new (CM_LAYER_RESOURCES);
  cm_feature_set_wkb (f, wkb);
  cm_feature_set_category (f, category);
  cm_feature_set_name (f, name);
  g_autoptr (GError) error = NULL;
  g_autoptr (CmStore) store = cm_store_open (map_path, &error);
  g_assert_true (cm_store_add_feature (store, f, &error));
}

static guint
selector_index (const char *selector)
{
  for (guint i = 0; i < cm_analysis_panel_get_sources (PANEL)->len; i++)
    if (g_str_equal (g_ptr_array_index (cm_analysis_panel_get_sources (PANEL), i), selector))
      return i;
  return G_MAXUINT;
}

/* Only places that serve people are offered, stations first. */
static void
test_sources_offered (void)
{
  add_resource ("broken_street_light", "dark corner", FALSE);
  add_resource ("shortcut", "through the courtyard", TRUE);
  add_resource ("kindergarten", "little stars", FALSE);
  /* the window learns of changes made elsewhere when the map is opened again */
  g_autoptr (GError) error = NULL;
  g_assert_true (cm_window_open_map (window, map_path, &error));
  g_assert_cmpstr (g_ptr_array_index (cm_analysis_panel_get_sources (PANEL), 0), ==, "stations");
  g_assert_cmpuint (selector_index ("resources:kindergarten"), !=, G_MAXUINT);
  g_assert_cmpuint (selector_index ("resources:broken_street_light"), ==, G_MAXUINT);
  g_assert_cmpuint (selector_index ("resources:shortcut"), ==, G_MAXUINT);
  GListModel *names = gtk_drop_down_get_model (PANEL_CHILD (GTK_DROP_DOWN, "source"));
  g_autoptr (GtkStringObject) first = g_list_model_get_item (names, 0);
  g_assert_cmpstr (gtk_string_object_get_string (first), ==, "Service stations (5)");
}

/* The own-radius choice is for stations only; a station without a radius uses the distance,
 * and the summary says so; the counts equal the core's with the same fallback. */
static void
test_own_radius (void)
{
  gtk_drop_down_set_selected (PANEL_CHILD (GTK_DROP_DOWN, "kind"), CM_ANALYSIS_COVERAGE);
  gtk_drop_down_set_selected (PANEL_CHILD (GTK_DROP_DOWN, "method"), 1); /* straight line */
  gtk_drop_down_set_selected (PANEL_CHILD (GTK_DROP_DOWN, "source"), selector_index ("resources:kindergarten"));
  spin (50);
  g_assert_false (gtk_widget_get_sensitive (PANEL_CHILD (GTK_WIDGET, "own_radius")));
  gtk_drop_down_set_selected (PANEL_CHILD (GTK_DROP_DOWN, "source"), 0);
  spin (50);
  g_assert_true (gtk_widget_get_sensitive (PANEL_CHILD (GTK_WIDGET, "own_radius")));

  store_sql ("UPDATE stations SET service_radius_m = NULL WHERE name = '北区社区服务站'");
  gtk_check_button_set_active (PANEL_CHILD (GTK_CHECK_BUTTON, "own_radius"), TRUE);
  gtk_spin_button_set_value (PANEL_CHILD (GTK_SPIN_BUTTON, "metres"), 300);
  g_signal_emit_by_name (PANEL_CHILD (GTK_BUTTON, "run"), "clicked");
  wait_for_analysis ();
  const char *summary = cm_analysis_panel_get_summary (PANEL);
  g_test_message ("%s", summary);
  g_assert_nonnull (strstr (summary, "1 station has no service radius of its own: 300 m is used"));
  /* the same by the core */
  g_autoptr (GError) error = NULL;
  g_autoptr (CmStore) store = cm_store_open (map_path, &error);
  g_autoptr (CmCoverage) c = cm_coverage_load (store, "stations", 0, &error);
  g_assert_cmpuint (cm_coverage_fill_missing_radius (c, 300), ==, 1);
  cm_coverage_compute_radius (c);
  const CmAnalysisResult *r = cm_analysis_panel_get_result (PANEL);
  g_assert_cmpuint (r->coverage->covered, ==, c->covered);
  g_assert_cmpuint (c->covered, >, 0);
  g_autofree char *expected = g_strdup_printf ("%u of %u buildings are within a service radius",
                                               c->covered, c->buildings->len);
  g_assert_nonnull (strstr (summary, expected));
}

/* Export Table…: the result shown, as a workbook whose buildings are the panel's result (read
 * back with openpyxl: its sheets, each building's covered flag) and as CSV with a byte order mark;
 * with no result yet, nothing is written and the reason given. */
static void
test_export_table (void)
{
  gtk_drop_down_set_selected (PANEL_CHILD (GTK_DROP_DOWN, "kind"), CM_ANALYSIS_COVERAGE);
  gtk_drop_down_set_selected (PANEL_CHILD (GTK_DROP_DOWN, "method"), 1); /* straight line */
  gtk_drop_down_set_selected (PANEL_CHILD (GTK_DROP_DOWN, "source"), 0);
  g_signal_emit_by_name (PANEL_CHILD (GTK_BUTTON, "run"), "clicked");
  wait_for_analysis ();
  g_assert_true (gtk_widget_get_sensitive (PANEL_CHILD (GTK_WIDGET, "export_button")));
  const CmAnalysisResult *r = cm_analysis_panel_get_result (PANEL);
  g_autofree char *dir = cm_test_tmpdir ();
  g_autofree char *xlsx = g_build_filename (dir, "结果.xlsx", NULL);
  g_autofree char *csv = g_build_filename (dir, "结果.csv", NULL);
  g_autoptr (GError) error = NULL;
  g_assert_true (cm_analysis_panel_export (PANEL, xlsx, &error));
  g_assert_true (cm_analysis_panel_export (PANEL, csv, &error));
  g_assert_no_error (error);
  /* the covered buildings, as the panel has them */
  GString *covered = g_string_new (NULL);
  for (guint i = 0; i < r->coverage->buildings->len; i++)
    {
      const CmCoverageBuilding *b = &g_array_index (r->coverage->buildings, CmCoverageBuilding, i);
      if (b->covered)
        g_string_append_printf (covered, "%s\n", b->uuid);
    }
  g_autofree char *list = g_build_filename (dir, "covered.txt", NULL);
  g_assert_true (g_file_set_contents (list, covered->str, -1, NULL));
  g_string_free (covered, TRUE);
  const char *argv[] = { "/usr/bin/python3", "-c",
                         "import openpyxl, sys\n"
                         "wb = openpyxl.load_workbook(sys.argv[1])\n"
                         "assert wb.sheetnames[:3] == ['Summary', 'Buildings', 'Sources'], wb.sheetnames\n"
                         "rows = list(wb['Buildings'].iter_rows(min_row=2, values_only=True))\n"
                         "head = [c.value for c in wb['Buildings'][1]]\n"
                         "got = sorted(r[0] for r in rows if r[head.index('Covered')])\n"
                         "want = sorted(l.strip() for l in open(sys.argv[2]) if l.strip())\n"
                         "assert len(rows) == int(sys.argv[3]) and got == want, (len(rows), len(got), len(want))\n"
                         "raw = open(sys.argv[4], 'rb').read()\n"
                         "assert raw.startswith(b'\\xef\\xbb\\xbfuuid,name,'), raw[:20]\n",
                         xlsx, list, NULL, csv, NULL };
  g_autofree char *n = g_strdup_printf ("%u", r->coverage->buildings->len);
  argv[5] = n; /* sys.argv[3] */
  int status = 0;
  g_autofree char *err = NULL;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, &err,
                               &status, NULL));
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("the exported workbook: %s", err);

  /* GeoJSON, for QGIS: a building per feature with its footprint and its row; GDAL reads it */
  g_autofree char *geojson = g_build_filename (dir, "结果.geojson", NULL);
  g_assert_true (cm_analysis_panel_export (PANEL, geojson, &error));
  g_assert_no_error (error);
  const char *check[] = { "/usr/bin/python3", "-c",
                          "import json, sys\n"
                          "d = json.load(open(sys.argv[1]))\n"
                          "f = d['features']\n"
                          "got = sorted(x['properties']['uuid'] for x in f if x['properties']['covered'] is True)\n"
                          "want = sorted(l.strip() for l in open(sys.argv[2]) if l.strip())\n"
                          "assert len(f) == int(sys.argv[3]) and got == want, (len(f), len(got), len(want))\n"
                          "assert all(x['geometry']['type'] in ('Polygon', 'MultiPolygon') for x in f)\n",
                          geojson, list, n, NULL };
  g_assert_true (g_spawn_sync (NULL, (char **) check, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL,
                               NULL, &status, NULL));
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_autofree char *quoted = g_shell_quote (geojson);
  g_autofree char *cmd = g_strdup_printf ("ogrinfo -ro -so -al %s", quoted);
  g_autofree char *info = NULL;
  g_assert_true (g_spawn_command_line_sync (cmd, &info, NULL, &status, NULL));
  g_autofree char *count = g_strdup_printf ("Feature Count: %s", n);
  g_test_message ("%s", info);
  g_assert_nonnull (strstr (info, count));
}

/* Runs the main loop until @dialog draws nothing (30 s at most). */
static void
wait_for_poster_dialog (CmPosterDialog *dialog)
{
  for (int i = 0; i < 600 && cm_poster_dialog_is_busy (dialog); i++)
    spin (50);
  g_assert_false (cm_poster_dialog_is_busy (dialog));
}

/* The output of @program (pdfinfo, pdftotext -layout) on @path, then @more arguments. */
static char *
run_text (const char *program, const char *path, const char *more)
{
  g_autofree char *quoted = g_shell_quote (path);
  g_autofree char *cmd = g_strdup_printf ("%s %s %s", program, quoted, more);
  char *out = NULL;
  g_assert_true (g_spawn_command_line_sync (cmd, &out, NULL, NULL, NULL));
  return out;
}

/* Export Poster…: the live preview is the page chosen (A3 across: 560 × 396 pixels) and shows a
 * map; the poster written has the paper, the title typed, the panel's analysis as its subject
 * (its summary says the panel's count) and leaves out the layer unticked (no resource category
 * in its legend); closed while writing, it stops and leaves no file. */
static void
test_export_poster (void)
{
  gtk_drop_down_set_selected (PANEL_CHILD (GTK_DROP_DOWN, "kind"), CM_ANALYSIS_COVERAGE);
  gtk_drop_down_set_selected (PANEL_CHILD (GTK_DROP_DOWN, "method"), 1); /* straight line */
  gtk_drop_down_set_selected (PANEL_CHILD (GTK_DROP_DOWN, "source"), 0);
  g_signal_emit_by_name (PANEL_CHILD (GTK_BUTTON, "run"), "clicked");
  wait_for_analysis ();
  const CmAnalysisResult *r = cm_analysis_panel_get_result (PANEL);
  g_autofree char *count = g_strdup_printf ("%u of %u buildings are within a service radius",
                                            r->coverage->covered, r->coverage->buildings->len);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.export-poster", NULL);
  CmPosterDialog *dialog = CM_POSTER_DIALOG (wait_for_toplevel (CM_TYPE_POSTER_DIALOG, NULL));
  g_assert_nonnull (dialog);
  wait_for_poster_dialog (dialog);
  g_assert_nonnull (cm_poster_dialog_get_preview (dialog));
  cm_poster_dialog_set_paper (dialog, "A3", TRUE);
  cm_poster_dialog_set_title (dialog, "测试海报");
  cm_poster_dialog_set_layer_shown (dialog, CM_LAYER_RESOURCES, FALSE);
  wait_for_poster_dialog (dialog);
  GdkTexture *preview = cm_poster_dialog_get_preview (dialog);
  int w = gdk_texture_get_width (preview), h = gdk_texture_get_height (preview);
  g_assert_cmpint (w, ==, 560);
  g_assert_cmpint (h, ==, 396); /* 560 × 297 / 420 */
  g_autofree guint32 *pixels = g_new (guint32, (gsize) w * h);
  gdk_texture_download (preview, (guchar *) pixels, (gsize) w * 4);
  guint drawn = 0;
  for (int i = 0; i < w * h; i++)
    drawn += (pixels[i] & 0xffffff) != 0xffffff;
  g_test_message ("preview: %d × %d, %u pixels not white", w, h, drawn);
  g_assert_cmpuint (drawn, >, (guint) (w * h / 4)); /* the map fills much of the page */

  g_autofree char *dir = cm_test_tmpdir ();
  g_autofree char *pdf = g_build_filename (dir, "海报.pdf", NULL);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  cm_poster_dialog_export_to (dialog, pdf);
  for (int i = 0; i < 600 && dialog; i++)
    spin (50);
  g_assert_null (dialog); /* closed once written */
  g_autofree char *info = run_text ("pdfinfo", pdf, "");
  g_autofree char *text = run_text ("pdftotext -layout", pdf, "-");
  g_assert_true (g_regex_match_simple ("^Page size: +1190\\.55 x 841\\.89 pts \\(A3\\)", info,
                                       G_REGEX_MULTILINE, 0));
  const char *wanted[] = { "测试海报", "Service coverage", count, "Within a service radius",
                           "Map data © OpenStreetMap contributors" };
  for (gsize i = 0; i < G_N_ELEMENTS (wanted); i++)
    if (strstr (text, wanted[i]) == NULL)
      g_error ("the exported poster lacks “%s”:\n%s", wanted[i], text);
  g_assert_null (strstr (text, "Parking")); /* resources unticked: not in the legend */

  /* closed while it writes: it stops, and nothing is left behind */
  dialog = cm_window_export_poster (window);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  wait_for_poster_dialog (dialog);
  g_autofree char *png = g_build_filename (dir, "stopped.png", NULL);
  cm_poster_dialog_export_to (dialog, png);
  gtk_window_close (GTK_WINDOW (dialog));
  for (int i = 0; i < 600 && dialog; i++)
    spin (50);
  g_assert_null (dialog);
  g_autofree char *partial = g_strconcat (png, ".partial", NULL);
  g_assert_false (g_file_test (png, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (partial, G_FILE_TEST_EXISTS));
}

/* A map without stations: the summary says there are none and what to do. */
static void
test_no_stations (void)
{
  store_sql ("UPDATE stations SET deleted = 1");
  g_autoptr (GError) error = NULL;
  g_assert_true (cm_window_open_map (window, map_path, &error));
  run_analysis (CM_ANALYSIS_COVERAGE, "stations", TRUE, 500);
  wait_for_analysis ();
  const char *summary = cm_analysis_panel_get_summary (PANEL);
  g_test_message ("%s", summary);
  g_assert_nonnull (strstr (summary, "no service stations yet"));
  g_assert_nonnull (strstr (summary, "“From”"));
  g_assert_null (strstr (summary, "lead to no source"));
  store_sql ("UPDATE stations SET deleted = 0");
  g_assert_true (cm_window_open_map (window, map_path, &error));
}

/* Each facility a building lacks comes with its own nearest distance, equal to the core's. */
static void
test_lacks_with_own_distance (void)
{
  run_analysis (CM_ANALYSIS_LIFE_CIRCLE, NULL, TRUE, 0);
  wait_for_analysis ();
  const CmAnalysisResult *r = cm_analysis_panel_get_result (PANEL);
  g_assert_nonnull (r->life);
  guint checked = 0;
  for (guint row = 0; row < cm_analysis_panel_get_n_rows (PANEL) && checked < 20; row++)
    {
      const char *name, *uuid;
      analysis_row (row, &name, &uuid);
      GArray *bs = r->life->buildings->buildings;
      guint b = 0;
      while (b < bs->len && g_strcmp0 (g_array_index (bs, CmCoverageBuilding, b).uuid, uuid))
        b++;
      g_assert_cmpuint (b, <, bs->len);
      g_autofree char *lacks = cm_analysis_row_dup_text (cm_analysis_panel_get_row (PANEL, row), 1);
      for (guint f = 0; f < r->life->facilities->len; f++)
        {
          const CmLifeFacility *fa = &g_array_index (r->life->facilities, CmLifeFacility, f);
          guint circle = gtk_drop_down_get_selected (PANEL_CHILD (GTK_DROP_DOWN, "circle"));
          if (fa->circle != circle || cm_life_report_passes (r->life, f, b))
            continue;
          g_autofree char *metres = isfinite (fa->walk_m[b]) ? cm_format_count (fa->walk_m[b])
                                                             : NULL;
          g_autofree char *want = metres ? g_strdup_printf ("%s (%s m)", fa->name_en, metres)
                                         : g_strdup_printf ("%s (none reachable)", fa->name_en);
          if (strstr (lacks, want) == NULL)
            g_error ("row %u (%s): “%s” lacks “%s”", row, name, lacks, want);
          checked++;
        }
    }
  g_test_message ("%u missing facilities checked", checked);
  g_assert_cmpuint (checked, >, 0);
}

/* The at-night check: the gates residents marked close the way. */
static void
test_at_night (void)
{
  add_resource ("locked_gate", "gate of the north courtyard", FALSE);
  g_autoptr (GError) error = NULL;
  g_assert_true (cm_window_open_map (window, map_path, &error));
  gtk_drop_down_set_selected (PANEL_CHILD (GTK_DROP_DOWN, "kind"), CM_ANALYSIS_COVERAGE);
  gtk_drop_down_set_selected (PANEL_CHILD (GTK_DROP_DOWN, "method"), 0); /* walking */
  gtk_drop_down_set_selected (PANEL_CHILD (GTK_DROP_DOWN, "source"), 0);
  spin (50);
  g_assert_true (gtk_widget_get_visible (PANEL_CHILD (GTK_WIDGET, "at_night")));
  gtk_check_button_set_active (PANEL_CHILD (GTK_CHECK_BUTTON, "at_night"), TRUE);
  g_signal_emit_by_name (PANEL_CHILD (GTK_BUTTON, "run"), "clicked");
  wait_for_analysis ();
  const CmAnalysisResult *r = cm_analysis_panel_get_result (PANEL);
  g_assert_true (r->request.at_night);
  g_assert_cmpuint (r->network.gates, ==, 1);
  gtk_check_button_set_active (PANEL_CHILD (GTK_CHECK_BUTTON, "at_night"), FALSE);
  g_signal_emit_by_name (PANEL_CHILD (GTK_BUTTON, "run"), "clicked");
  wait_for_analysis ();
  r = cm_analysis_panel_get_result (PANEL);
  g_assert_false (r->request.at_night);
  g_assert_cmpuint (r->network.gates, ==, 0);
}

/* Prepare Meeting Agenda… (issue #18): residents' reports imported, the agenda chosen from the
 * main menu, a file picked in the chooser: the PDF of the meeting's agenda is written, in
 * Chinese, with its items in order (pdftotext), and the window says so. */
static void
test_meeting_agenda (void)
{
  g_autofree char *dir = cm_test_tmpdir ();
  g_autofree char *reports = g_build_filename (dir, "reports.geojson", NULL);
  const char *geojson =
      "{\"type\":\"FeatureCollection\",\"features\":["
      "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[116.3265,40.0033]},"
      "\"properties\":{\"map_layer\":\"reports\",\"category\":\"broken_street_light\","
      "\"description\":\"路灯不亮\",\"reported_at\":\"2026-11-20\",\"residents\":2}},"
      "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[116.3175,39.9975]},"
      "\"properties\":{\"map_layer\":\"reports\",\"category\":\"locked_gate\",\"urgent\":true,"
      "\"reported_at\":\"2026-12-01\"}}]}";
  g_assert_true (g_file_set_contents (reports, geojson, -1, NULL));
  cm_window_import (window, reports);
  const char *live = "SELECT count(*) FROM reports WHERE deleted = 0";
  for (int i = 0; i < 100 && count_rows (live) < 2; i++)
    spin (100);
  g_assert_cmpint (count_rows (live), ==, 2);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.agenda", NULL);
  GtkWindow *chooser = wait_for_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG, NULL);
  g_assert_nonnull (chooser);
  g_autofree char *suggested = gtk_file_chooser_get_current_name (GTK_FILE_CHOOSER (chooser));
  g_assert_true (g_str_has_prefix (suggested, "agenda-") && g_str_has_suffix (suggested, ".pdf"));
  chooser_save_in (chooser, dir, "议程.pdf");
  g_autofree char *pdf = g_build_filename (dir, "议程.pdf", NULL);
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT);
  for (int i = 0; i < 100 && !g_file_test (pdf, G_FILE_TEST_EXISTS); i++)
    spin (100);
  g_assert_true (g_file_test (pdf, G_FILE_TEST_EXISTS));
  /* what the meeting reads: the urgent gate first, the street light of 2 residents second */
  const char *argv[] = { "pdftotext", pdf, "-", NULL };
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  int status;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &text,
                               NULL, &status, &error));
  g_assert_no_error (error);
  const char *gate = strstr (text, "1. 【紧急】夜间锁闭的门");
  const char *light = strstr (text, "2. 路灯损坏");
  g_assert_nonnull (gate);
  g_assert_nonnull (light);
  g_assert_true (gate < light);
  g_assert_nonnull (strstr (text, "2 位居民反映"));
}

int
main (int argc, char **argv)
{
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("LANGUAGE", "en", TRUE);
  cm_i18n_init ();
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* the agenda's test adds its own reports */
  map_path = cm_test_demo_copy_without_reports ("analysis.sqlite");
  open_window (map_path);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.toggle-analysis", NULL);
  wait_for_tiles ();
  g_test_add_func ("/analysis/sources-offered", test_sources_offered);
  g_test_add_func ("/analysis/own-radius", test_own_radius);
  g_test_add_func ("/analysis/no-stations", test_no_stations);
  g_test_add_func ("/analysis/lacks-with-own-distance", test_lacks_with_own_distance);
  g_test_add_func ("/analysis/at-night", test_at_night);
  g_test_add_func ("/analysis/export-table", test_export_table);
  g_test_add_func ("/analysis/export-poster", test_export_poster);
  g_test_add_func ("/analysis/meeting-agenda", test_meeting_agenda);
  return g_test_run ();
}
