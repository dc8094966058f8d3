/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-test-util.c: helpers shared by the tests. */
#include "cm-test-util.h"

#include <geodesic.h>

#include <glib/gstdio.h>

#include "cm-import.h"
#include "cm-layer.h"
#include "cm-store-private.h"
#include "cm-versions.h"

char *
cm_test_data (const char *rel)
{
  const char *base = g_getenv ("CM_SHARED_DATA");
  g_assert_nonnull (base);
  return g_build_filename (base, rel, NULL);
}

gpointer
cm_test_new_map (const char *name, const char *const *files)
{
  g_autofree char *dir = cm_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;
  CmStore *store = cm_store_create (path, name, &error);
  g_assert_no_error (error);
  for (gsize i = 0; files[i]; i++)
    {
      g_autofree char *file = cm_test_data (files[i]);
      g_autoptr (CmImportReport) report = cm_import_report_new ();
      g_assert_true (cm_import_file (store, file, CM_LAYER_NONE, NULL, report, NULL, NULL, NULL,
                                     &error));
      g_assert_no_error (error);
    }
  return store;
}

static GPtrArray *tmpdirs;

static void
remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;
  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
remove_tmpdirs (void)
{
  if (g_getenv ("CM_TEST_KEEP"))
    return;
  for (guint i = 0; tmpdirs && i < tmpdirs->len; i++)
    remove_tree (g_ptr_array_index (tmpdirs, i));
}

char *
cm_test_tmpdir (void)
{
  g_autoptr (GError) error = NULL;
  char *dir = g_dir_make_tmp ("cm-test-XXXXXX", &error);
  g_assert_no_error (error);
  if (tmpdirs == NULL)
    {
      tmpdirs = g_ptr_array_new_with_free_func (g_free);
      atexit (remove_tmpdirs);
    }
  g_ptr_array_add (tmpdirs, g_strdup (dir));
  return dir;
}

char *
cm_test_sha256 (const char *path)
{
  g_autofree char *data = NULL;
  gsize len;
  if (!g_file_get_contents (path, &data, &len, NULL))
    return NULL;
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) data, len);
}

char *
cm_test_demo_copy (const char *name)
{
  g_autofree char *dir = cm_test_tmpdir ();
  char *path = g_build_filename (dir, name, NULL);
  g_autofree char *bytes = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (g_getenv ("DEMO_MAP"), &bytes, &len, NULL));
  g_assert_true (g_file_set_contents (path, bytes, (gssize) len, NULL));
  return path;
}

gint64
cm_test_query_int (gpointer store, const char *sql)
{
  g_autoptr (GError) error = NULL;
  sqlite3_stmt *stmt = _cm_store_prepare (store, sql, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  gint64 v = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return v;
}

void
cm_test_make_old_map (const char *path, int version)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CmStore) store = cm_store_open (path, &error);
  g_assert_no_error (error);
  GString *sql = g_string_new ("BEGIN;");
  if (version < 5)
    {
      const char *suffixes[] = { "insert", "update", "delete" };
      for (int k = 0; k < 3; k++)
        g_string_append_printf (sql,
                                "DROP TRIGGER cm_versions_reports_%s;"
                                "DROP TRIGGER cm_versions_report_followups_%s;",
                                suffixes[k], suffixes[k]);
      g_string_append (sql, "SELECT DisableSpatialIndex('reports', 'geom');"
                            "DROP TABLE idx_reports_geom;"
                            "SELECT DiscardGeometryColumn('reports', 'geom');"
                            "DROP TABLE reports; DROP TABLE report_followups;"
                            "DELETE FROM cm_versions WHERE layer IN ('reports', 'report_followups');");
    }
  if (version < 4)
    {
      /* first: a column cannot be dropped while a trigger names it */
      const char *suffixes[] = { "insert", "update", "delete" };
      for (const char *const *t = cm_versions_tables (); *t; t++)
        for (int k = 0; k < 3; k++)
          g_string_append_printf (sql, "DROP TRIGGER IF EXISTS cm_versions_%s_%s;", *t,
                                  suffixes[k]);
      g_string_append (sql, "DROP TABLE cm_clock; DROP TABLE cm_versions; DROP TABLE cm_pending;"
                            " DROP TABLE cm_conflicts;");
    }
  if (version < 3)
    {
      /* by hand: DropGeoTable does nothing under SQLITE_DBCONFIG_DEFENSIVE */
      g_string_append (sql, "SELECT DisableSpatialIndex('compounds', 'geom');"
                            "DROP TABLE idx_compounds_geom;"
                            "SELECT DiscardGeometryColumn('compounds', 'geom');"
                            "DROP TABLE compounds; DROP TABLE kinds;");
      for (int l = 0; l < CM_N_LAYERS; l++)
        for (guint i = 0; i < cm_layer_get_info (l)->n_fields; i++)
          if (cm_layer_get_info (l)->fields[i].since >= 3 && cm_layer_get_info (l)->since < 3)
            g_string_append_printf (sql, "ALTER TABLE %s DROP COLUMN %s;",
                                    cm_layer_to_string (l), cm_layer_get_info (l)->fields[i].name);
    }
  if (version < 2)
    g_string_append (sql, "DROP TABLE photos;");
  g_string_append_printf (sql, "UPDATE cm_meta SET value = '%d' WHERE key = 'schema_version';"
                               "COMMIT;", version);
  g_assert_true (_cm_store_exec (store, sql->str, &error));
  g_assert_no_error (error);
  g_string_free (sql, TRUE);
}

double
cm_test_geod_distance (double lon1, double lat1, double lon2, double lat2)
{
  struct geod_geodesic g;
  geod_init (&g, 6378137.0, 1 / 298.257223563);
  double s12, azi1, azi2;
  geod_inverse (&g, lat1, lon1, lat2, lon2, &s12, &azi1, &azi2);
  return s12;
}

GBytes *
cm_test_point_wkb (gpointer store, double lon, double lat)
{
  g_autofree char *sql = g_strdup_printf ("SELECT AsBinary(MakePoint(%.7f, %.7f, 4326))", lon, lat);
  sqlite3_stmt *stmt = _cm_store_prepare (store, sql, NULL);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  GBytes *b = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
  sqlite3_finalize (stmt);
  return b;
}

char *
cm_test_demo_copy_without_reports (const char *name)
{
  char *path = cm_test_demo_copy (name);
  g_autoptr (GError) error = NULL;
  g_autoptr (CmStore) store = cm_store_open (path, &error);
  g_assert_no_error (error);
  static const double world[4] = { -180, -90, 180, 90 };
  g_autoptr (GListModel) reports = cm_store_query_bbox (store, CM_LAYER_REPORTS, world, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (reports), >, 0); /* the demo has some */
  for (guint i = 0; i < g_list_model_get_n_items (reports); i++)
    {
      g_autoptr (CmFeature) f = g_list_model_get_item (reports, i);
      g_assert_true (cm_store_delete_feature (store, f, &error));
      g_assert_no_error (error);
    }
  return path;
}
