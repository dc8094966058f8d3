/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-window-maps.c: maps coming and going in the window (run under xvfb-run, with real X
 * events where a person would use keys and clicks): closing a map closes every connection
 * to it and leaves no -wal, also while an analysis runs; a new map asks for the community's
 * name; an import goes to the imported features; Show Whole Map; a file far from the map asks
 * first; a text file picked in the Open dialog is refused with the reason; a SpatiaLite table
 * is imported through the window; merging another map; Print… to a PDF. */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "cm-conflict-review.h"
#include "cm-core.h"
#include "cm-render.h"
#include "cm-store-private.h"
#include "cm-test-util.h"
#include "cm-window-test-util.h"

static gboolean
exists (const char *path, const char *suffix)
{
  g_autofree char *p = g_strconcat (path, suffix, NULL);
  return g_file_test (p, G_FILE_TEST_EXISTS);
}

/* Rows of @sql in the map file alone, as a copy of just the .sqlite would read (the -wal,
 * if any, not looked at). */
static gint64
count_in_file (const char *path, const char *sql)
{
  g_autofree char *uri = g_strdup_printf ("file:%s?immutable=1", path);
  sqlite3 *db = NULL;
  g_assert_cmpint (sqlite3_open_v2 (uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL), ==,
                   SQLITE_OK);
  sqlite3_stmt *stmt = NULL;
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  gint64 n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

/* A point drawn with real keys and a click: P, a click in the map, a name typed, Enter. */
static void
draw_point_by_hand (const char *name)
{
  g_object_set (window, "snap", FALSE, NULL);
  x_key ("p");
  int w = gtk_widget_get_width (GTK_WIDGET (simple_map ()));
  int h = gtk_widget_get_height (GTK_WIDGET (simple_map ()));
  double wx, wy;
  map_to_window (w * 0.6, h * 0.45, &wx, &wy);
  x_click (wx, wy);
  CmFeatureForm *form = cm_window_get_form (window);
  g_assert_nonnull (form);
  x_type_in (GTK_WINDOW (form), name);
  /* the kind: Tab to the grid of kinds, Enter on the first */
  x_key_in (GTK_WINDOW (form), "Tab");
  x_key_in (GTK_WINDOW (form), "Return");
  for (int i = 0; i < 40 && cm_window_get_form (window); i++)
    spin (50);
  g_assert_null (cm_window_get_form (window));
}

/* Opening another map lets go of the first entirely: no connection, no -wal, everything in its
 * file; closing the window while an analysis runs waits for it and then does the same. */
static void
test_closing_closes_connections (void)
{
  g_autofree char *a = copy_demo_map ("a.sqlite");
  g_autofree char *b = copy_demo_map ("b.sqlite");
  open_window (a);
  wait_for_tiles ();
  draw_point_by_hand ("lamp");
  wait_for_tiles_or_cache ();
  g_assert_cmpuint (_cm_store_count_connections (a), >=, 2); /* the window's and drawing's */
  g_assert_true (exists (a, "-wal"));

  g_autoptr (GError) error = NULL;
  g_assert_true (cm_window_open_map (window, b, &error));
  g_assert_cmpuint (_cm_store_count_connections (a), ==, 0);
  g_assert_false (exists (a, "-wal"));
  g_assert_false (exists (a, "-shm"));
  g_assert_cmpint (count_in_file (a, "SELECT count(*) FROM resources WHERE name = 'lamp'"
                                     " AND deleted = 0"), ==, 1);

  /* closed with an analysis running: hidden at once, gone once the analysis has stopped */
  wait_for_tiles_or_cache ();
  run_analysis (2, NULL, TRUE, 0); /* the life circle: the longest */
  g_assert_true (cm_analysis_panel_is_pending (PANEL));
  gtk_window_close (GTK_WINDOW (window));
  g_assert_true (wait_for_window_gone (30000));
  g_assert_cmpuint (_cm_store_count_connections (b), ==, 0);
  g_assert_false (exists (b, "-wal"));
  g_assert_false (exists (b, "-shm"));
}

static void
view_center (double *lon, double *lat)
{
  ShumateViewport *vp = shumate_simple_map_get_viewport (simple_map ());
  *lat = shumate_location_get_latitude (SHUMATE_LOCATION (vp));
  *lon = shumate_location_get_longitude (SHUMATE_LOCATION (vp));
}

static gboolean
inside (double lon, double lat, const double b[4])
{
  return lon >= b[0] && lon <= b[2] && lat >= b[1] && lat <= b[3];
}

/* Ctrl+N asks for the community's name, then where to save: the title is the name; Porto
 * imported into it (far from where the window was) brings the map to Porto, and that is where
 * the map opens again, also when an old view of somewhere else was saved for it. */
static void
test_new_map_and_import_fly (void)
{
  g_autofree char *demo = copy_demo_map ("demo-for-new.sqlite");
  open_window (demo);
  wait_for_tiles ();
  x_key ("ctrl+n");
  GtkWindow *ask = wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG, "New Community Map");
  g_assert_nonnull (ask);
  GtkWidget *entry = adw_message_dialog_get_extra_child (ADW_MESSAGE_DIALOG (ask));
  /* nothing typed: nothing to create */
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (ask), "create"));
  /* Chinese through the API (xdotool drops such characters), Enter as a person presses it */
  gtk_editable_set_text (GTK_EDITABLE (entry), "波尔图");
  gtk_editable_set_position (GTK_EDITABLE (entry), -1);
  x_type_in (ask, " Centro");
  x_key_in (ask, "Return");
  GtkWindow *chooser = wait_for_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG, NULL);
  g_assert_nonnull (chooser);
  g_autofree char *dir = cm_test_tmpdir ();
  chooser_save_in (chooser, dir, NULL);
  g_autofree char *suggested = gtk_file_chooser_get_current_name (GTK_FILE_CHOOSER (chooser));
  g_assert_cmpstr (suggested, ==, "波尔图 Centro.sqlite");
  g_autofree char *path = g_build_filename (dir, "波尔图 Centro.sqlite", NULL);
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT);
  /* created once the dialog has gone */
  for (int i = 0; i < 100 && !g_file_test (path, G_FILE_TEST_EXISTS); i++)
    spin (100);
  spin (300);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  GtkWidget *title = find_widget (GTK_WIDGET (window), ADW_TYPE_WINDOW_TITLE, NULL);
  g_assert_cmpstr (adw_window_title_get_title (ADW_WINDOW_TITLE (title)), ==, "波尔图 Centro");

  /* empty: it stays where it was (Beijing); the import goes to Porto */
  double lon, lat;
  view_center (&lon, &lat);
  g_assert_cmpfloat (lon, >, 116);
  g_autofree char *pois = cm_test_data ("porto-centro/pois.geojson");
  cm_window_import (window, pois);
  while (cm_window_is_importing (window))
    spin (50);
  spin (200);
  const double porto[4] = { -8.66, 41.13, -8.58, 41.17 };
  view_center (&lon, &lat);
  g_test_message ("after the import the map shows %.4f, %.4f", lon, lat);
  g_assert_true (inside (lon, lat, porto));

  /* the view the map is closed with is Porto's: it opens there */
  g_autoptr (GError) error = NULL;
  g_assert_true (cm_window_open_map (window, demo, &error));
  g_assert_true (cm_window_open_map (window, path, &error));
  view_center (&lon, &lat);
  g_assert_true (inside (lon, lat, porto));
  /* a saved view that shows none of the map (Beijing) is not used */
  g_autoptr (GSettings) settings = g_settings_new ("io.github.communitymap.CommunityMap");
  g_autoptr (GVariant) views = g_settings_get_value (settings, "map-views");
  GVariantBuilder b;
  g_variant_builder_init (&b, G_VARIANT_TYPE ("a{s(ddd)}"));
  g_variant_builder_add (&b, "{s(ddd)}", path, 40.0, 116.32, 17.0);
  g_assert_true (cm_window_open_map (window, demo, &error));
  g_settings_set_value (settings, "map-views", g_variant_builder_end (&b));
  g_assert_true (cm_window_open_map (window, path, &error));
  view_center (&lon, &lat);
  g_assert_true (inside (lon, lat, porto));
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_true (wait_for_window_gone (10000));
}

/* Ctrl+0 (Show Whole Map) fits every layer into the view. */
static void
test_show_whole_map (void)
{
  g_autofree char *path = copy_demo_map ("whole.sqlite");
  open_window (path);
  wait_for_tiles ();
  ShumateViewport *vp = shumate_simple_map_get_viewport (simple_map ());
  shumate_location_set_location (SHUMATE_LOCATION (vp), 39.9930, 116.3300);
  shumate_viewport_set_zoom_level (vp, 19);
  spin (200);
  x_key ("ctrl+0");
  spin (200);
  g_autoptr (GError) error = NULL;
  g_autoptr (CmStore) store = cm_store_open (path, &error);
  double extent[4];
  g_assert_true (cm_render_get_extent (store, extent, &error));
  int w = gtk_widget_get_width (GTK_WIDGET (simple_map ()));
  int h = gtk_widget_get_height (GTK_WIDGET (simple_map ()));
  double corners[2][2] = { { extent[0], extent[3] }, { extent[2], extent[1] } };
  for (int i = 0; i < 2; i++)
    {
      double x, y;
      shumate_viewport_location_to_widget_coords (vp, GTK_WIDGET (shumate_simple_map_get_map (
                                                          simple_map ())),
                                                  corners[i][1], corners[i][0], &x, &y);
      g_test_message ("corner %d of the map's extent at %.0f, %.0f of %d × %d", i, x, y, w, h);
      g_assert_cmpfloat (x, >=, 0);
      g_assert_cmpfloat (y, >=, 0);
      g_assert_cmpfloat (x, <=, w);
      g_assert_cmpfloat (y, <=, h);
    }
  /* and not much more: the extent fills most of one side */
  double x0, y0, x1, y1;
  GtkWidget *map = GTK_WIDGET (shumate_simple_map_get_map (simple_map ()));
  shumate_viewport_location_to_widget_coords (vp, map, extent[3], extent[0], &x0, &y0);
  shumate_viewport_location_to_widget_coords (vp, map, extent[1], extent[2], &x1, &y1);
  g_assert_true ((x1 - x0) > 0.4 * w || (y1 - y0) > 0.4 * h);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_true (wait_for_window_gone (10000));
}

/* Porto's features into the Beijing demo: the window asks first and nothing is written until
 * the person says so. */
static void
test_far_import_asks (void)
{
  g_autofree char *path = copy_demo_map ("far.sqlite");
  map_path = path;
  open_window (path);
  wait_for_tiles ();
  g_autofree char *pois = cm_test_data ("porto-centro/pois.geojson");
  cm_window_import (window, pois);
  GtkWindow *ask = wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG, "This File Is Far from the Map");
  g_assert_nonnull (ask);
  const char *body = adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (ask));
  g_test_message ("%s", body);
  g_assert_nonnull (strstr (body, "pois.geojson"));
  g_assert_nonnull (strstr (body, " km "));
  g_assert_cmpint (count_rows ("SELECT count(*) FROM resources"), ==, 244);
  x_key_in (ask, "Escape"); /* cancel */
  spin (300);
  g_assert_cmpint (count_rows ("SELECT count(*) FROM resources"), ==, 244);

  cm_window_import (window, pois);
  ask = wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG, "This File Is Far from the Map");
  g_assert_nonnull (ask);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (ask), "import");
  spin (100);
  while (cm_window_is_importing (window))
    spin (50);
  g_assert_cmpint (count_rows ("SELECT count(*) FROM resources"), ==, 244 + 5096);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_true (wait_for_window_gone (10000));
}

/* A text file named .sqlite, picked in the Open dialog: refused with the reason and what to do
 * in the window, and the map open before stays open. */
static void
test_open_refuses_text_file (void)
{
  g_autofree char *path = copy_demo_map ("stays.sqlite");
  open_window (path);
  wait_for_tiles ();
  g_autofree char *dir = cm_test_tmpdir ();
  g_autofree char *notes = g_build_filename (dir, "notes.sqlite", NULL);
  g_assert_true (g_file_set_contents (notes, "meeting notes, not a map\n", -1, NULL));
  x_key ("ctrl+o");
  GtkWindow *chooser = wait_for_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG, NULL);
  g_assert_nonnull (chooser);
  /* typed as a person types a path into the chooser */
  x_type_in (chooser, notes);
  spin (300);
  x_key_in (chooser, "Return");
  GtkWindow *refused = wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG, "Could Not Open the Map");
  g_assert_nonnull (refused);
  const char *body = adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (refused));
  g_test_message ("%s", body);
  g_assert_nonnull (strstr (body, "notes.sqlite"));
  g_assert_nonnull (strstr (body, "not a SQLite database"));
  g_assert_nonnull (strstr (body, "Import…"));
  g_assert_null (strstr (body, "cmap"));
  GtkWidget *title = find_widget (GTK_WIDGET (window), ADW_TYPE_WINDOW_TITLE, NULL);
  g_assert_cmpstr (adw_window_title_get_subtitle (ADW_WINDOW_TITLE (title)), ==, "stays.sqlite");
  gtk_window_destroy (refused);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_true (wait_for_window_gone (10000));
}

/* A SpatiaLite file ogr2ogr wrote (one table) comes in through Import…; a community map
 * dropped for import is refused, saying to open it. */
static void
test_import_spatialite_table (void)
{
  g_autofree char *path = copy_demo_map ("tables.sqlite");
  map_path = path;
  open_window (path);
  wait_for_tiles ();
  g_autofree char *dir = cm_test_tmpdir ();
  g_autofree char *src = g_build_filename (dir, "stations-qgis.sqlite", NULL);
  g_autofree char *geojson = g_build_filename (g_getenv ("CM_SOURCE_ROOT"), "data", "demo",
                                               "stations.geojson", NULL);
  const char *argv[] = { "ogr2ogr", "-f", "SQLite", "-dsco", "SPATIALITE=YES", src, geojson,
                         "-nln", "stations_qgis", NULL };
  int status;
  g_autoptr (GError) error = NULL;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               NULL, NULL, &status, &error));
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  gint64 before = count_rows ("SELECT count(*) FROM resources");
  cm_window_import (window, src);
  spin (100);
  while (cm_window_is_importing (window))
    spin (50);
  g_assert_cmpint (count_rows ("SELECT count(*) FROM resources"), ==, before + 5);

  g_autofree char *other = copy_demo_map ("other-map.sqlite");
  cm_window_import (window, other);
  GtkWindow *refused = wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG, "Could Not Import");
  g_assert_nonnull (refused);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (refused)),
                            "is a community map itself"));
  gtk_window_destroy (refused);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_true (wait_for_window_gone (10000));
}

/* Merge Another Map… (and the copy dropped on the window: open or merge?): a copy of the map
 * renamed a resource (which this map renamed too) and
 * added one; the summary says what comes in before anything is written (Cancel writes
 * nothing); Merge brings both versions of the name (one live, one for review) and the new
 * resource as one step, which Ctrl+Z undoes and Ctrl+Shift+Z redoes; the sidebar's "1 conflict
 * to review" opens the review, whose Keep Other (clicked) takes the other copy's name as one
 * step Ctrl+Z undoes, the conflict to review again; undoing the merge leaves none, redoing it
 * brings it back. A map of another area is asked about first. */
static void
test_merge_another_map (void)
{
  g_autofree char *path = copy_demo_map ("merge-here.sqlite");
  g_autofree char *other = copy_demo_map ("merge-other.sqlite");
  map_path = path;
  g_autoptr (GError) error = NULL;
  g_autofree char *uuid = NULL;
  {
    /* the other copy: a rename and a new resource */
    g_autoptr (CmStore) store = cm_store_open (other, &error);
    g_assert_no_error (error);
    sqlite3_stmt *stmt = _cm_store_prepare (store, "SELECT uuid FROM resources WHERE deleted = 0"
                                                   " ORDER BY id LIMIT 1", NULL);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    uuid = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
    sqlite3_finalize (stmt);
    g_autoptr (CmFeature) f = cm_store_get_feature (store, CM_LAYER_RESOURCES, uuid, &error);
    cm_feature_set_name (f, "乙改的名字");
    g_assert_true (cm_store_update_feature (store, f, &error));
    g_autoptr (CmFeature) added = cm_feature_new (CM_LAYER_RESOURCES);
    g_autoptr (GBytes) p = cm_test_point_wkb (store, 116.32, 40.0);
    cm_feature_set_wkb (added, p);
    cm_feature_set_name (added, "另一台电脑画的");
    cm_feature_set_category (added, "other");
    g_assert_true (cm_store_add_feature (store, added, &error));
  }
  {
    /* this copy renames it too, before the window opens */
    g_autoptr (CmStore) store = cm_store_open (path, &error);
    g_autoptr (CmFeature) f = cm_store_get_feature (store, CM_LAYER_RESOURCES, uuid, &error);
    cm_feature_set_name (f, "甲改的名字");
    g_assert_true (cm_store_update_feature (store, f, &error));
  }
  open_window (path);
  wait_for_tiles ();
  g_autofree char *name_sql = g_strdup_printf ("SELECT name = '甲改的名字' FROM resources WHERE"
                                               " uuid = '%s'", uuid);
  g_assert_cmpint (count_rows ("SELECT count(*) FROM resources WHERE deleted = 0"), ==, 244);

  cm_window_merge_file (window, other);
  GtkWindow *ask = wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG, "Merge “merge-other.sqlite” into This Map?");
  g_assert_nonnull (ask);
  const char *body = adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (ask));
  g_test_message ("%s", body);
  g_assert_nonnull (strstr (body, "1 added"));
  g_assert_nonnull (strstr (body, "1 feature was changed on both copies"));
  x_key_in (ask, "Escape"); /* cancel: nothing written */
  spin (300);
  g_assert_cmpint (count_rows ("SELECT count(*) FROM resources WHERE deleted = 0"), ==, 244);
  g_assert_cmpint (count_rows ("SELECT count(*) FROM cm_conflicts"), ==, 0);

  /* the other copy dropped on the window: open it, or merge it? */
  cm_window_drop_file (window, other);
  ask = wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG, "Open It, or Merge It into This Map?");
  g_assert_nonnull (ask);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (ask), "merge");
  gtk_window_close (ask);
  spin (200);
  ask = wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG, "Merge “merge-other.sqlite” into This Map?");
  g_assert_nonnull (ask);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (ask), "merge");
  gtk_window_close (ask); /* as a click on Merge does: response() alone leaves it open */
  spin (300);
  g_assert_cmpint (count_rows ("SELECT count(*) FROM resources WHERE deleted = 0"), ==, 245);
  g_assert_cmpint (count_rows ("SELECT count(*) FROM cm_conflicts WHERE field = 'name'"), ==, 1);
  g_autofree char *both = g_strdup_printf ("SELECT count(*) FROM (SELECT name FROM resources WHERE"
                                           " uuid = '%s' UNION SELECT value FROM cm_conflicts"
                                           " WHERE uuid = '%s') WHERE name IN ('甲改的名字',"
                                           " '乙改的名字')", uuid, uuid);
  g_assert_cmpint (count_rows (both), ==, 2);

  /* the sidebar says there is one to review; the review shows both names; Keep Other takes the
   * other copy's (one step, undone by Ctrl+Z) and the sidebar's button goes */
  spin (300);
  GtkWidget *button = find_widget (GTK_WIDGET (window), GTK_TYPE_BUTTON, "1 conflict to review");
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_visible (button));
  g_autofree char *live_sql = g_strdup_printf ("SELECT name FROM resources WHERE uuid = '%s'", uuid);
  g_autofree char *other_sql = g_strdup_printf ("SELECT value FROM cm_conflicts WHERE uuid = '%s'"
                                                " AND field = 'name'", uuid);
  g_autofree char *live_before = NULL, *other_name = NULL;
  {
    g_autoptr (CmStore) reader = cm_store_open_reader (path, &error);
    sqlite3_stmt *stmt = _cm_store_prepare (reader, live_sql, NULL);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    live_before = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
    sqlite3_finalize (stmt);
    stmt = _cm_store_prepare (reader, other_sql, NULL);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    other_name = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
    sqlite3_finalize (stmt);
  }
  gtk_widget_activate (button); /* its action: win.review-conflicts */
  spin (500);
  CmConflictReview *review = cm_window_review_conflicts (window);
  g_assert_nonnull (review);
  g_assert_cmpint (cm_conflict_review_get_n_conflicts (review), ==, 1);
  g_autofree char *line = g_strdup_printf ("Name: here “%s” · other copy “%s”", live_before,
                                           other_name);
  g_assert_nonnull (find_widget (GTK_WIDGET (review), GTK_TYPE_LABEL, line));
  GtkWidget *keep_other = find_widget (GTK_WIDGET (review), GTK_TYPE_BUTTON, "Keep _Other");
  g_assert_nonnull (keep_other);
  graphene_point_t at;
  g_assert_true (gtk_widget_compute_point (keep_other, GTK_WIDGET (review),
                                           &GRAPHENE_POINT_INIT (10, 10), &at));
  x_click_in (GTK_WINDOW (review), at.x, at.y, 1);
  spin (300);
  g_autofree char *taken = g_strdup_printf ("SELECT count(*) FROM resources WHERE uuid = '%s' AND"
                                            " name = '%s'", uuid, other_name);
  g_assert_cmpint (count_rows (taken), ==, 1);
  g_assert_cmpint (count_rows ("SELECT count(*) FROM cm_conflicts"), ==, 0);
  g_assert_cmpint (cm_conflict_review_get_n_conflicts (review), ==, 0);
  g_assert_false (gtk_widget_get_visible (button));
  gtk_window_destroy (GTK_WINDOW (review));
  spin (200);
  x_key ("ctrl+z");
  spin (200);
  g_autofree char *back = g_strdup_printf ("SELECT count(*) FROM resources WHERE uuid = '%s' AND"
                                           " name = '%s'", uuid, live_before);
  g_assert_cmpint (count_rows (back), ==, 1);
  /* the decision undone, the conflict is to review again: the other copy's name kept */
  g_autofree char *again = g_strdup_printf ("SELECT count(*) FROM cm_conflicts WHERE uuid = '%s'"
                                            " AND field = 'name' AND value = '%s'", uuid,
                                            other_name);
  g_assert_cmpint (count_rows (again), ==, 1);
  g_assert_true (gtk_widget_get_visible (button));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, "1 conflict to review");

  /* the merge was one step: undone, the new resource goes, the name is this copy's again and
   * nothing is left to review; redone, both come back, the conflict to review too */
  x_key ("ctrl+z");
  spin (200);
  g_assert_cmpint (count_rows ("SELECT count(*) FROM resources WHERE deleted = 0"), ==, 244);
  g_assert_cmpint (count_rows (name_sql), ==, 1);
  g_assert_cmpint (count_rows ("SELECT count(*) FROM cm_conflicts"), ==, 0);
  g_assert_false (gtk_widget_get_visible (button));
  x_key ("ctrl+shift+z");
  spin (200);
  g_assert_cmpint (count_rows ("SELECT count(*) FROM resources WHERE deleted = 0"), ==, 245);
  g_assert_cmpint (count_rows (again), ==, 1);
  g_assert_true (gtk_widget_get_visible (button));

  /* a map of another area: asked first */
  g_autofree char *folder = g_path_get_dirname (path);
  g_autofree char *porto = g_build_filename (folder, "porto.sqlite", NULL);
  {
    g_autoptr (CmStore) store = cm_store_create (porto, "porto", &error);
    g_autoptr (CmImportReport) report = cm_import_report_new ();
    g_autofree char *pois = cm_test_data ("porto-centro/pois.geojson");
    g_assert_true (cm_import_file (store, pois, CM_LAYER_NONE, NULL, report, NULL, NULL, NULL,
                                   &error));
  }
  cm_window_merge_file (window, porto);
  ask = wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG, "Another Area");
  g_assert_nonnull (ask);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (ask), "cancel");
  gtk_window_close (ask);
  spin (200);
  g_assert_cmpint (count_rows ("SELECT count(*) FROM resources WHERE deleted = 0"), ==, 245);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_true (wait_for_window_gone (10000));
}

/* Print… (Ctrl+P) prints what the map shows as a poster: through GtkPrintOperation's export to a
 * PDF file, one A4 page turned as the window is, with the map's name, the legend, the scale and
 * the OpenStreetMap credit in its text and its fonts embedded. */
static void
test_print (void)
{
  g_autofree char *path = copy_demo_map ("print.sqlite");
  open_window (path);
  wait_for_tiles ();
  g_autofree char *folder = g_path_get_dirname (path);
  g_autofree char *pdf = g_build_filename (folder, "printed.pdf", NULL);
  cm_window_print_to_file (window, pdf);
  g_assert_true (g_file_test (pdf, G_FILE_TEST_EXISTS));
  g_autofree char *info = NULL, *text = NULL, *fonts = NULL;
  g_autofree char *cmd_info = g_strdup_printf ("pdfinfo '%s'", pdf);
  g_autofree char *cmd_text = g_strdup_printf ("pdftotext -layout '%s' -", pdf);
  g_autofree char *cmd_fonts = g_strdup_printf ("pdffonts '%s'", pdf);
  g_assert_true (g_spawn_command_line_sync (cmd_info, &info, NULL, NULL, NULL));
  g_assert_true (g_spawn_command_line_sync (cmd_text, &text, NULL, NULL, NULL));
  g_assert_true (g_spawn_command_line_sync (cmd_fonts, &fonts, NULL, NULL, NULL));
  g_test_message ("%s", info);
  g_assert_true (g_regex_match_simple ("^Pages: +1$", info, G_REGEX_MULTILINE, 0));
  int w = gtk_widget_get_width (GTK_WIDGET (simple_map ()));
  int h = gtk_widget_get_height (GTK_WIDGET (simple_map ()));
  g_assert_true (g_regex_match_simple (w > h ? "^Page size: +841\\.89 x 595\\.2[78]\\d* pts \\(A4\\)"
                                             : "^Page size: +595\\.2[78]\\d* x 841\\.89 pts \\(A4\\)",
                                       info, G_REGEX_MULTILINE, 0));
  const char *wanted[] = { "清华园示例社区", "Legend", "Scale 1:", "Community boundary",
                           "Map data © OpenStreetMap contributors" };
  for (gsize i = 0; i < G_N_ELEMENTS (wanted); i++)
    if (strstr (text, wanted[i]) == NULL)
      g_error ("the printed page lacks “%s”:\n%s", wanted[i], text);
  g_assert_null (strstr (fonts, " no "));
  g_assert_nonnull (strstr (fonts, "NotoSansCJK"));
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_true (wait_for_window_gone (10000));
}

int
main (int argc, char **argv)
{
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("LANGUAGE", "en", TRUE);
  cm_i18n_init ();
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_test_add_func ("/maps/closing-closes-connections", test_closing_closes_connections);
  g_test_add_func ("/maps/new-map-and-import-fly", test_new_map_and_import_fly);
  g_test_add_func ("/maps/show-whole-map", test_show_whole_map);
  g_test_add_func ("/maps/far-import-asks", test_far_import_asks);
  g_test_add_func ("/maps/open-refuses-text-file", test_open_refuses_text_file);
  g_test_add_func ("/maps/import-spatialite-table", test_import_spatialite_table);
  g_test_add_func ("/maps/merge-another-map", test_merge_another_map);
  g_test_add_func ("/maps/print", test_print);
  return g_test_run ();
}
