/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-versions.c: the versions every edit gets (docs/merge.md, "Versions in the file"): the
 * store's edits in their own transaction, byte-identical copies writing under different session
 * ids, edits by another program (a plain SQLite connection, as QGIS's or ogr2ogr's would be)
 * noted by the file's triggers and versioned by the next session, a refused edit leaving none. */
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "cm-core.h"
#include "cm-store-private.h"
#include "cm-test-util.h"

static CmFeature *
add_clinic (CmStore *store, const char *name)
{
  g_autoptr (GError) error = NULL;
  CmFeature *f = cm_feature_new (CM_LAYER_RESOURCES);
  g_autoptr (GBytes) p = cm_test_point_wkb (store, 116.32, 40.0);
  cm_feature_set_wkb (f, p);
  cm_feature_set_name (f, name);
  cm_feature_set_category (f, "health_station");
  g_assert_true (cm_store_add_feature (store, f, &error));
  g_assert_no_error (error);
  return f;
}

static void
assert_version (CmStore *store, const char *table, const char *uuid, const char *field,
                const char *site, gint64 counter)
{
  CmVersion v = { 0 };
  g_assert_true (cm_versions_get (store, table, uuid, field, &v, NULL));
  g_assert_cmpstr (v.site, ==, site);
  g_assert_cmpint (v.counter, ==, counter);
  cm_version_clear (&v);
}

static gint64
clock_of (CmStore *store, const char *site)
{
  g_autoptr (GHashTable) clock = cm_versions_get_clock (store, NULL);
  gint64 *n = g_hash_table_lookup (clock, site);
  return n ? *n : -1;
}

/* Each edit is a version of this session, given in the edit's transaction: a new feature as a
 * whole, a rename as its name (and `deleted`, docs/merge.md rule 4), a deletion as `deleted`;
 * the clock follows; a refused edit takes no version. */
static void
test_edits (void)
{
  g_autofree char *dir = cm_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "v.sqlite", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (CmStore) store = cm_store_create (path, "v", &error);
  g_assert_no_error (error);
  g_assert_null (cm_versions_session (store)); /* nothing written yet */
  g_autoptr (GHashTable) empty = cm_versions_get_clock (store, NULL);
  g_assert_cmpint (g_hash_table_size (empty), ==, 0);

  g_autoptr (CmFeature) clinic = add_clinic (store, "社区卫生服务站");
  const char *me = cm_versions_session (store);
  g_assert_true (g_uuid_string_is_valid (me));
  const char *uuid = cm_feature_get_uuid (clinic);
  assert_version (store, "resources", uuid, "", me, 1);
  assert_version (store, "resources", uuid, "name", me, 1); /* no row of its own: the whole */
  g_assert_cmpint (clock_of (store, me), ==, 1);
  g_assert_cmpint (cm_versions_count_pending (store, NULL), ==, 0);

  cm_feature_set_name (clinic, "社区卫生服务中心");
  g_assert_true (cm_store_update_feature (store, clinic, &error));
  assert_version (store, "resources", uuid, "name", me, 2);
  assert_version (store, "resources", uuid, "deleted", me, 2);
  assert_version (store, "resources", uuid, "geom", me, 1); /* not changed: still the first */
  assert_version (store, "resources", uuid, "category", me, 1);
  g_assert_cmpint (clock_of (store, me), ==, 2);

  /* saving what is already stored changes no field: no version is taken */
  g_assert_true (cm_store_update_feature (store, clinic, &error));
  g_assert_cmpint (clock_of (store, me), ==, 2);

  /* refused (a bow-tie is no point): nothing stored, no version */
  g_autoptr (CmFeature) bad = cm_feature_new (CM_LAYER_BUILDINGS);
  g_autoptr (GBytes) p = cm_test_point_wkb (store, 116.3, 40.0);
  cm_feature_set_wkb (bad, p);
  g_assert_false (cm_store_add_feature (store, bad, &error));
  g_clear_error (&error);
  g_assert_cmpint (clock_of (store, me), ==, 2);
  g_assert_cmpint (cm_versions_count_pending (store, NULL), ==, 0);

  g_assert_true (cm_store_delete_feature (store, clinic, &error));
  assert_version (store, "resources", uuid, "deleted", me, 3);
  assert_version (store, "resources", uuid, "name", me, 2);
  g_assert_cmpint (clock_of (store, me), ==, 3);
  /* every version the map holds is one its clock has seen */
  g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM cm_versions v WHERE NOT"
                                             " EXISTS (SELECT 1 FROM cm_clock c WHERE c.site ="
                                             " v.site AND c.counter >= v.counter)"),
                   ==, 0);
}

/* Two copies of one file, byte for byte (cp, a USB stick), each edited: their sessions differ,
 * so their edits have different versions; each clock holds the versions the file had before it
 * was copied and its own. A second session on the same copy is another id again. */
static void
test_copies (void)
{
  g_autofree char *dir = cm_test_tmpdir ();
  g_autofree char *a = g_build_filename (dir, "a.sqlite", NULL);
  g_autofree char *b = g_build_filename (dir, "b.sqlite", NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *first = NULL;
  {
    g_autoptr (CmStore) store = cm_store_create (a, "m", &error);
    g_autoptr (CmFeature) f = add_clinic (store, "卫生站");
    first = g_strdup (cm_versions_session (store));
  }
  g_autofree char *bytes = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (a, &bytes, &len, &error));
  g_assert_true (g_file_set_contents (b, bytes, len, &error));
  g_autofree char *sha_a = cm_test_sha256 (a), *sha_b = cm_test_sha256 (b);
  g_assert_cmpstr (sha_a, ==, sha_b);

  g_autoptr (CmStore) sa = cm_store_open (a, &error);
  g_autoptr (CmStore) sb = cm_store_open (b, &error);
  g_autoptr (CmFeature) fa = add_clinic (sa, "东");
  g_autoptr (CmFeature) fb = add_clinic (sb, "西");
  const char *site_a = cm_versions_session (sa), *site_b = cm_versions_session (sb);
  g_assert_cmpstr (site_a, !=, site_b);
  g_assert_cmpstr (site_a, !=, first);
  g_assert_cmpstr (site_b, !=, first);
  assert_version (sa, "resources", cm_feature_get_uuid (fa), "", site_a, 1);
  assert_version (sb, "resources", cm_feature_get_uuid (fb), "", site_b, 1);
  g_assert_cmpint (clock_of (sa, first), ==, 1);
  g_assert_cmpint (clock_of (sb, first), ==, 1);
  g_assert_cmpint (clock_of (sa, site_b), ==, -1);
  g_assert_cmpint (clock_of (sb, site_a), ==, -1);
}

/* Another program (a plain SQLite connection: no SpatiaLite, no function of ours) inserts,
 * renames and deletes rows: the file's triggers note each; the next session of ours gives them
 * its version. */
static void
test_other_programs (void)
{
  g_autofree char *path = cm_test_demo_copy ("demo.sqlite");
  g_autoptr (GError) error = NULL;
  g_autofree char *uuid = NULL, *gone = NULL;
  sqlite3 *db = NULL;
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sqlite3_stmt *stmt = NULL;
  sqlite3_prepare_v2 (db, "SELECT uuid FROM buildings ORDER BY id LIMIT 2", -1, &stmt, NULL);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  uuid = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  gone = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  CmVersion made = { 0 }; /* the demo's import */
  {
    g_autoptr (CmStore) store = cm_store_open (path, &error);
    g_assert_no_error (error);
    g_assert_cmpint (cm_versions_count_pending (store, NULL), ==, 0);
    g_assert_true (cm_versions_get (store, "buildings", uuid, "geom", &made, NULL));
  }
  g_autofree char *sql = g_strdup_printf (
      "UPDATE buildings SET name = 'QGIS 改的', households = 77 WHERE uuid = '%s';"
      "DELETE FROM buildings WHERE uuid = '%s';"
      "INSERT INTO workshops (name) VALUES ('别的程序加的');",
      uuid, gone);
  char *message = NULL;
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, &message), ==, SQLITE_OK);
  sqlite3_close (db);

  /* noted by the file's triggers: name, households; the deleted row; the new workshop whole */
  {
    g_autoptr (CmStore) reader = cm_store_open_to_read (path, &error);
    g_assert_no_error (error);
    g_assert_cmpint (cm_versions_count_pending (reader, NULL), ==, 4);
    g_autofree char *noted = g_strdup_printf ("SELECT count(*) FROM cm_pending WHERE uuid = '%s'"
                                              " AND field IN ('name', 'households')", uuid);
    g_assert_cmpint (cm_test_query_int (reader, noted), ==, 2);
  }
  /* two copies of the file as it is now: the same content gives the same version, wherever */
  g_autofree char *twin = g_strconcat (path, ".twin.sqlite", NULL);
  {
    g_autofree char *bytes = NULL;
    gsize len;
    g_assert_true (g_file_get_contents (path, &bytes, &len, NULL));
    g_assert_true (g_file_set_contents (twin, bytes, len, NULL));
  }
  /* opened for writing: versioned at once, apart from the session's own edits, under an id made
   * from the map's content */
  g_autoptr (CmStore) store = cm_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cm_versions_count_pending (store, NULL), ==, 0);
  g_assert_null (cm_versions_session (store)); /* the session itself has written nothing */
  CmVersion outside = { 0 };
  g_assert_true (cm_versions_get (store, "buildings", uuid, "name", &outside, NULL));
  g_assert_true (g_uuid_string_is_valid (outside.site));
  g_assert_cmpint (outside.counter, ==, 1);
  assert_version (store, "buildings", uuid, "households", outside.site, 1);
  assert_version (store, "buildings", uuid, "deleted", outside.site, 1);
  assert_version (store, "buildings", uuid, "geom", made.site, made.counter); /* unchanged */
  cm_version_clear (&made);
  assert_version (store, "buildings", gone, "deleted", outside.site, 1); /* a tombstone by uuid */
  g_assert_cmpint (clock_of (store, outside.site), ==, 1);
  g_autoptr (CmStore) other = cm_store_open (twin, &error);
  assert_version (other, "buildings", uuid, "name", outside.site, 1);
  cm_version_clear (&outside);
}

/* An import is one version: every new row as a whole (noted in one statement at the end, its
 * row trigger suspended), and importing the file again with one name changed versions that
 * name alone. */
static void
test_import (void)
{
  g_autofree char *dir = cm_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "i.sqlite", NULL);
  g_autofree char *geojson = g_build_filename (dir, "in.geojson", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (CmStore) store = cm_store_create (path, "i", &error);
  GString *fc = g_string_new ("{\"type\": \"FeatureCollection\", \"features\": [");
  for (int i = 0; i < 50; i++)
    g_string_append_printf (fc, "%s{\"type\": \"Feature\", \"id\": \"node/%d\", \"geometry\":"
                                " {\"type\": \"Point\", \"coordinates\": [116.3%02d, 40.0]},"
                                " \"properties\": {\"name\": \"点%d\"}}",
                            i ? ", " : "", i, i, i);
  g_string_append (fc, "]}");
  g_assert_true (g_file_set_contents (geojson, fc->str, -1, &error));
  g_autoptr (CmImportReport) report = cm_import_report_new ();
  g_assert_true (cm_import_file (store, geojson, CM_LAYER_RESOURCES, NULL, report, NULL, NULL,
                                 NULL, &error));
  g_assert_no_error (error);
  const char *me = cm_versions_session (store);
  g_assert_nonnull (me);
  g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM cm_versions WHERE"
                                             " layer = 'resources' AND field = ''"
                                             " AND counter = 1"), ==, 50);
  g_assert_cmpint (cm_versions_count_pending (store, NULL), ==, 0);
  g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM sqlite_master WHERE"
                                             " name = 'cm_versions_resources_insert'"), ==, 1);

  g_autofree char *again = g_strdup (fc->str);
  char *at = strstr (again, "点7\"");
  g_assert_nonnull (at);
  memcpy (at, "站", strlen ("站")); /* 点 and 站 are both three bytes in UTF-8 */
  g_assert_true (g_file_set_contents (geojson, again, -1, &error));
  cm_import_report_free (g_steal_pointer (&report));
  report = cm_import_report_new ();
  g_assert_true (cm_import_file (store, geojson, CM_LAYER_RESOURCES, NULL, report, NULL, NULL,
                                 NULL, &error));
  g_assert_cmpint (report->updated, ==, 1);
  g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM cm_versions WHERE"
                                             " counter = 2 AND field = 'name'"), ==, 1);
  g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM resources r JOIN cm_versions v"
                                             " ON v.uuid = r.uuid AND v.field = 'name' WHERE"
                                             " r.name = '站7'"), ==, 1);
  g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM cm_versions WHERE"
                                             " counter = 2 AND field NOT IN ('name', 'deleted')"),
                   ==, 0);
  g_string_free (fc, TRUE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/versions/edits", test_edits);
  g_test_add_func ("/versions/copies", test_copies);
  g_test_add_func ("/versions/other-programs", test_other_programs);
  g_test_add_func ("/versions/import", test_import);
  return g_test_run ();
}
