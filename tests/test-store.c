/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-store.c: creating and opening maps, features through the store, and untrusted files. */
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <sqlite3.h>
#include <spatialite.h>
#include <math.h>
#include <string.h>

#include "cm-core.h"
#include "cm-store-private.h"
#include "cm-test-util.h"

static char *self_path; /* this program, to start as a child */

static char *
new_map_path (const char *name)
{
  g_autofree char *dir = cm_test_tmpdir ();
  return g_build_filename (dir, name, NULL);
}

/* A new map: under 1 MB, every table and column docs/file-format.md names, metadata, categories. */
static void
test_create (void)
{
  g_autofree char *path = new_map_path ("new.sqlite");
  g_autoptr (GError) error = NULL;
  {
    g_autoptr (CmStore) store = cm_store_create (path, "清华园社区", &error);
    g_assert_no_error (error);
    g_autofree char *name = cm_store_dup_name (store);
    g_assert_cmpstr (name, ==, "清华园社区");
    g_assert_cmpint (cm_store_get_schema_version (store), ==, CM_SCHEMA_VERSION);
    g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM categories"), >=, 30);
    g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM categories WHERE key IN "
                                               "('kindergarten', 'primary_school', "
                                               "'middle_school', 'health_station', "
                                               "'elderly_day_care', 'community_service_station', "
                                               "'culture_room', 'sports_ground', 'market', "
                                               "'convenience_store', 'public_toilet', "
                                               "'waste_collection', 'parking', "
                                               "'broken_street_light', 'unsafe_spot', "
                                               "'locked_gate', 'shortcut', 'other')"), ==, 18);
    g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM geometry_columns WHERE "
                                               "srid = 4326 AND spatial_index_enabled = 1"),
                     ==, CM_N_LAYERS);
    g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM spatial_ref_sys"), <=, 3);
    for (int i = 0; i < CM_N_LAYERS; i++)
      {
        g_autofree char *sql = g_strdup_printf (
            "SELECT count(*) FROM pragma_table_info('%s') WHERE name IN ('uuid', 'created_at', "
            "'updated_at', 'deleted', 'tags', 'category', 'name', 'description', 'geom')",
            cm_layer_to_string (i));
        g_assert_cmpint (cm_test_query_int (store, sql), ==, 9);
      }
    g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM pragma_table_info('stations')"
                                               " WHERE name = 'service_radius_m'"), ==, 1);
    g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM pragma_table_info('buildings')"
                                               " WHERE name IN ('households', 'population')"), ==, 2);
    g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM sqlite_master WHERE name IN "
                                               "('workshops', 'contributors', 'cm_meta')"), ==, 3);
  }
  GStatBuf st;
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_size, <, 1024 * 1024);

  /* creating over an existing file is refused and leaves it alone */
  g_autofree char *before = cm_test_sha256 (path);
  g_autoptr (CmStore) again = cm_store_create (path, "x", &error);
  g_assert_null (again);
  g_assert_error (error, CM_STORE_ERROR, CM_STORE_ERROR_EXISTS);
  g_autofree char *after = cm_test_sha256 (path);
  g_assert_cmpstr (before, ==, after);
}

static GBytes *
wkb_from_wkt (CmStore *store, const char *wkt)
{
  g_autoptr (GError) error = NULL;
  sqlite3_stmt *stmt = _cm_store_prepare (store, "SELECT AsBinary(GeomFromText(?, 4326))",
                                          &error);
  g_assert_no_error (error);
  sqlite3_bind_text (stmt, 1, wkt, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  GBytes *b = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
  sqlite3_finalize (stmt);
  return b;
}

/* Add, update, delete (tombstone), get, and the bounding-box query through the R*Tree. */
static void
test_features (void)
{
  g_autofree char *path = new_map_path ("features.sqlite");
  g_autoptr (GError) error = NULL;
  g_autoptr (CmStore) store = cm_store_create (path, "f", &error);

  g_autoptr (CmFeature) clinic = cm_feature_new (CM_LAYER_RESOURCES);
  g_autoptr (GBytes) p = wkb_from_wkt (store, "POINT(116.32 40.00)");
  cm_feature_set_wkb (clinic, p);
  cm_feature_set_name (clinic, "社区卫生服务站");
  cm_feature_set_category (clinic, "health_station");
  g_assert_true (cm_store_add_feature (store, clinic, &error));
  g_assert_no_error (error);
  g_assert_true (g_uuid_string_is_valid (cm_feature_get_uuid (clinic)));
  g_assert_cmpint (cm_feature_get_id (clinic), >, 0);
  g_assert_nonnull (cm_feature_get_created_at (clinic));
  g_assert_true (g_str_has_suffix (cm_feature_get_created_at (clinic), "Z"));

  g_autoptr (CmFeature) yard = cm_feature_new (CM_LAYER_BUILDINGS);
  g_autoptr (GBytes) a = wkb_from_wkt (store, "POLYGON((116.31 39.99, 116.312 39.99, "
                                              "116.312 39.992, 116.31 39.992, 116.31 39.99))");
  cm_feature_set_wkb (yard, a);
  g_assert_true (cm_store_add_feature (store, yard, &error));
  g_assert_no_error (error);

  /* a bow-tie is refused with the reason, and nothing is stored */
  g_autoptr (CmFeature) bow = cm_feature_new (CM_LAYER_BUILDINGS);
  g_autoptr (GBytes) b = wkb_from_wkt (store, "POLYGON((0 0, 1 1, 1 0, 0 1, 0 0))");
  cm_feature_set_wkb (bow, b);
  g_assert_false (cm_store_add_feature (store, bow, &error));
  g_assert_error (error, CM_STORE_ERROR, CM_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "Self-intersection"));
  g_clear_error (&error);
  /* a point is not a building */
  cm_feature_set_wkb (bow, p);
  g_assert_false (cm_store_add_feature (store, bow, &error));
  g_assert_error (error, CM_STORE_ERROR, CM_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM buildings"), ==, 1);

  /* bbox queries: the clinic is inside one box and outside another */
  double inside[4] = { 116.31, 39.99, 116.33, 40.01 }, outside[4] = { 116.0, 39.0, 116.1, 39.1 };
  g_autoptr (GListModel) hits = cm_store_query_bbox (store, CM_LAYER_RESOURCES, inside, &error);
  g_assert_cmpint (g_list_model_get_n_items (hits), ==, 1);
  g_autoptr (CmFeature) got = g_list_model_get_item (hits, 0);
  g_assert_cmpstr (cm_feature_get_name (got), ==, "社区卫生服务站");
  double bbox[4];
  cm_feature_get_bbox (got, bbox);
  g_assert_cmpfloat (bbox[0], ==, 116.32);
  g_assert_cmpfloat (bbox[1], ==, 40.00);
  g_autoptr (GListModel) none = cm_store_query_bbox (store, CM_LAYER_RESOURCES, outside, &error);
  g_assert_cmpint (g_list_model_get_n_items (none), ==, 0);

  /* update: moves it; the old box no longer finds it, the new one does */
  g_autoptr (GBytes) moved = wkb_from_wkt (store, "POINT(116.05 39.05)");
  cm_feature_set_wkb (clinic, moved);
  cm_feature_set_description (clinic, "周一至周五 8:00-17:00");
  g_assert_true (cm_store_update_feature (store, clinic, &error));
  g_assert_no_error (error);
  g_autoptr (GListModel) old_box = cm_store_query_bbox (store, CM_LAYER_RESOURCES, inside, &error);
  g_assert_cmpint (g_list_model_get_n_items (old_box), ==, 0);
  g_autoptr (GListModel) new_box = cm_store_query_bbox (store, CM_LAYER_RESOURCES, outside, &error);
  g_assert_cmpint (g_list_model_get_n_items (new_box), ==, 1);
  g_autoptr (CmFeature) reread = cm_store_get_feature (store, CM_LAYER_RESOURCES,
                                                       cm_feature_get_uuid (clinic), &error);
  g_assert_cmpstr (cm_feature_get_description (reread), ==, "周一至周五 8:00-17:00");

  /* delete is a tombstone: the row stays, queries skip it, deleting again fails */
  g_assert_true (cm_store_delete_feature (store, clinic, &error));
  g_assert_true (cm_feature_get_deleted (clinic));
  g_autoptr (GListModel) gone = cm_store_query_bbox (store, CM_LAYER_RESOURCES, outside, &error);
  g_assert_cmpint (g_list_model_get_n_items (gone), ==, 0);
  g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM resources WHERE deleted = 1"),
                   ==, 1);
  g_assert_false (cm_store_delete_feature (store, clinic, &error));
  g_assert_error (error, CM_STORE_ERROR, CM_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  CmLayerStats stats;
  g_assert_true (cm_store_get_layer_stats (store, CM_LAYER_RESOURCES, &stats, &error));
  g_assert_cmpint (stats.count, ==, 0);

  g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_assert_true (cm_store_check (store, problems, &error));
  g_assert_cmpint (problems->len, ==, 0);
}

/* Opens @path expecting @code; the file's bytes must be unchanged afterwards. */
static void
assert_refused (const char *path, int code, const char *phrase)
{
  g_autofree char *before = cm_test_sha256 (path);
  g_autoptr (GError) error = NULL;
  g_autoptr (CmStore) store = cm_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, CM_STORE_ERROR, code);
  g_autofree char *base = g_path_get_basename (path);
  g_assert_nonnull (strstr (error->message, base));
  if (phrase)
    g_assert_nonnull (strstr (error->message, phrase));
  g_autofree char *after = cm_test_sha256 (path);
  g_assert_cmpstr (before, ==, after);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
}

/* What a person types into a field: accepted as the field's value, or refused with the reason. */
static void
test_field_parse (void)
{
  const CmLayerField *radius = cm_layer_find_field (CM_LAYER_STATIONS, "service_radius_m");
  const CmLayerField *members = cm_layer_find_field (CM_LAYER_TEAMS, "members");
  const CmLayerField *households = cm_layer_find_field (CM_LAYER_BUILDINGS, "households");
  const CmLayerField *head = cm_layer_find_field (CM_LAYER_BUILDINGS, "building_head");
  g_assert_nonnull (radius);
  g_assert_null (cm_layer_find_field (CM_LAYER_STATIONS, "households"));
  const struct
  {
    const CmLayerField *field;
    const char *text;
    gboolean ok;
    double value; /* NAN: no value (cleared) */
  } cases[] = {
    { radius, "350", TRUE, 350 },     { radius, " 350.5 ", TRUE, 350.5 },
    { radius, "abc", FALSE, 0 },      { radius, "-5", FALSE, 0 },
    { radius, "99999", FALSE, 0 },    { radius, "5000", TRUE, 5000 },
    { radius, "", TRUE, NAN },        { radius, "3 00m", FALSE, 0 },
    { members, "2.5", FALSE, 0 },     { members, "12", TRUE, 12 },
    { members, "１２", TRUE, 12 },     { households, "-1", FALSE, 0 },
    { households, "1,200", TRUE, 1200 }, { households, "100001", FALSE, 0 },
    { households, "nan", FALSE, 0 },  { households, "inf", FALSE, 0 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GVariant) v = NULL;
      gboolean ok = cm_layer_field_parse (cases[i].field, cases[i].text, &v, &error);
      g_test_message ("%s = “%s”: %s", cases[i].field->name, cases[i].text,
                      error ? error->message : "ok");
      g_assert_cmpint (ok, ==, cases[i].ok);
      if (!ok)
        {
          g_assert_null (v);
          /* the reason names the field, the value and what is accepted */
          g_assert_nonnull (strstr (error->message, cases[i].text));
          g_assert_nonnull (strstr (error->message, " 0 "));
          continue;
        }
      if (isnan (cases[i].value))
        g_assert_null (v);
      else if (cases[i].field == radius)
        g_assert_cmpfloat (g_variant_get_double (v), ==, cases[i].value);
      else
        g_assert_cmpint (g_variant_get_int64 (v), ==, (gint64) cases[i].value);
    }
  g_autoptr (GVariant) name = NULL;
  g_assert_true (cm_layer_field_parse (head, " 王阿姨 ", &name, NULL));
  g_assert_cmpstr (g_variant_get_string (name, NULL), ==, "王阿姨");
  /* a spreadsheet's headers: the column, the label, a Chinese name */
  g_assert_true (cm_layer_field_for_header (CM_LAYER_BUILDINGS, "户数") == households);
  g_assert_true (cm_layer_field_for_header (CM_LAYER_BUILDINGS, " Households ") == households);
  g_assert_true (cm_layer_field_for_header (CM_LAYER_BUILDINGS, "常住人口") ==
                 cm_layer_find_field (CM_LAYER_BUILDINGS, "population"));
  g_assert_true (cm_layer_field_for_header (CM_LAYER_BUILDINGS, "楼长") == head);
  g_assert_null (cm_layer_field_for_header (CM_LAYER_BUILDINGS, "备注"));
}

/* The layers' own fields go into the file and come back; a value a field does not take is
 * refused with nothing stored; a kind the map does not list joins its list. */
static void
test_layer_fields (void)
{
  g_autofree char *path = new_map_path ("fields.sqlite");
  g_autoptr (GError) error = NULL;
  g_autoptr (CmStore) store = cm_store_create (path, "f", &error);
  g_autoptr (GPtrArray) kinds = cm_store_list_kinds (store, CM_LAYER_STATIONS, &error);
  g_assert_cmpint (kinds->len, ==, 6);
  CmKind *first = kinds->pdata[0];
  g_assert_cmpstr (first->key, ==, "community_service_station");
  g_assert_cmpstr (first->label_zh, ==, "社区服务站");
  g_assert_cmpfloat (first->service_radius_m, ==, 300);
  g_autoptr (GPtrArray) team_kinds = cm_store_list_kinds (store, CM_LAYER_TEAMS, &error);
  g_assert_cmpint (team_kinds->len, ==, 3);
  g_assert_cmpstr (((CmKind *) team_kinds->pdata[2])->label_zh, ==, "文体服务队");

  g_autoptr (CmFeature) station = cm_feature_new (CM_LAYER_STATIONS);
  g_autoptr (GBytes) p = wkb_from_wkt (store, "POINT(116.32 40.00)");
  cm_feature_set_wkb (station, p);
  cm_feature_set_name (station, "连心站");
  cm_feature_set_field (station, "service_radius_m", g_variant_new_double (350));
  cm_feature_set_field (station, "kind", g_variant_new_string ("heart_link_station"));
  cm_feature_set_field (station, "opening_hours", g_variant_new_string ("9:00–17:00"));
  cm_feature_set_field (station, "phone", g_variant_new_string ("0757-1234567"));
  g_assert_true (cm_store_add_feature (store, station, &error));
  g_assert_no_error (error);
  g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM stations WHERE"
                                             " service_radius_m = 350 AND kind ="
                                             " 'heart_link_station' AND opening_hours ="
                                             " '9:00–17:00' AND phone = '0757-1234567'"),
                   ==, 1);
  g_autoptr (CmFeature) back = cm_store_get_feature (store, CM_LAYER_STATIONS,
                                                     cm_feature_get_uuid (station), &error);
  g_assert_cmpfloat (g_variant_get_double (cm_feature_get_field (back, "service_radius_m")), ==,
                     350);
  g_assert_cmpstr (g_variant_get_string (cm_feature_get_field (back, "phone"), NULL), ==,
                   "0757-1234567");

  /* refused: nothing changes */
  g_autofree char *before = g_strdup (cm_feature_get_updated_at (back));
  g_autoptr (CmFeature) bad = cm_feature_copy (back);
  cm_feature_set_field (bad, "service_radius_m", g_variant_new_double (99999));
  g_assert_false (cm_store_update_feature (store, bad, &error));
  g_assert_error (error, CM_STORE_ERROR, CM_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "99999"));
  g_clear_error (&error);
  cm_feature_set_field (bad, "service_radius_m", g_variant_new_double (-5));
  g_assert_false (cm_store_update_feature (store, bad, &error));
  g_clear_error (&error);
  g_assert_cmpint (cm_test_query_int (store, "SELECT service_radius_m FROM stations"), ==, 350);

  g_autoptr (CmFeature) team = cm_feature_new (CM_LAYER_TEAMS);
  g_autoptr (GBytes) area = wkb_from_wkt (
      store, "MULTIPOLYGON(((116.3 40.0, 116.31 40.0, 116.31 40.01, 116.3 40.0)),"
             "((116.32 40.0, 116.33 40.0, 116.33 40.01, 116.32 40.0)))");
  cm_feature_set_wkb (team, area);
  cm_feature_set_field (team, "members", g_variant_new_double (2.5));
  g_assert_false (cm_store_add_feature (store, team, &error));
  g_assert_error (error, CM_STORE_ERROR, CM_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM teams"), ==, 0);
  cm_feature_set_field (team, "members", g_variant_new_int64 (25));
  cm_feature_set_field (team, "kind", g_variant_new_string ("环保服务队"));
  cm_feature_set_field (team, "leader", g_variant_new_string ("李队长"));
  g_assert_true (cm_store_add_feature (store, team, &error));
  g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM teams WHERE members = 25"
                                             " AND NumGeometries(geom) = 2"
                                             " AND leader = '李队长'"), ==, 1);
  /* the new kind is in the list, once */
  g_autoptr (CmKind) added = cm_store_get_kind (store, CM_LAYER_TEAMS, "环保服务队", &error);
  g_assert_nonnull (added);
  g_autofree char *again = cm_store_add_kind (store, CM_LAYER_TEAMS, " 环保服务队 ", NAN, &error);
  g_assert_cmpstr (again, ==, "环保服务队");
  g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM kinds WHERE layer = 'teams'"),
                   ==, 4);

  g_autoptr (CmFeature) building = cm_feature_new (CM_LAYER_BUILDINGS);
  cm_feature_set_wkb (building, area);
  cm_feature_set_field (building, "households", g_variant_new_int64 (-1));
  g_assert_false (cm_store_add_feature (store, building, &error));
  g_clear_error (&error);
  cm_feature_set_field (building, "households", g_variant_new_int64 (48));
  cm_feature_set_field (building, "compound_uuid", g_variant_new_string ("not a uuid"));
  g_assert_false (cm_store_add_feature (store, building, &error));
  g_clear_error (&error);
  g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM buildings"), ==, 0);
  g_assert_cmpstr (before, ==, cm_feature_get_updated_at (back));
}

static void
test_refuse_untrusted (void)
{
  g_autoptr (GError) error = NULL;

  g_autofree char *missing = new_map_path ("missing.sqlite");
  g_autoptr (CmStore) none = cm_store_open (missing, &error);
  g_assert_error (error, CM_STORE_ERROR, CM_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_autofree char *empty = new_map_path ("empty.sqlite");
  g_file_set_contents (empty, "", 0, NULL);
  assert_refused (empty, CM_STORE_ERROR_NOT_SQLITE, "empty");

  g_autofree char *geojson = cm_test_data ("porto-centro/MANIFEST.json");
  assert_refused (geojson, CM_STORE_ERROR_NOT_SQLITE, "not a SQLite database");

  /* SQLite, but not a community map (what ogr2ogr writes) */
  g_autofree char *ogr = new_map_path ("ogr.sqlite");
  g_autofree char *pois = cm_test_data ("beijing-tsinghua/pois.geojson");
  const char *argv[] = { "ogr2ogr", "-f", "SQLite", "-dsco", "SPATIALITE=YES", ogr, pois, NULL };
  int status;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status,
                &error);
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, 0);
  assert_refused (ogr, CM_STORE_ERROR_NOT_A_MAP, "not a community map");

  /* a map from a newer Community Map */
  g_autofree char *newer = new_map_path ("newer.sqlite");
  {
    g_autoptr (CmStore) store = cm_store_create (newer, "n", &error);
    g_assert_true (_cm_store_exec (store, "UPDATE cm_meta SET value = '99' WHERE key = "
                                          "'schema_version'", &error));
  }
  assert_refused (newer, CM_STORE_ERROR_NEWER_SCHEMA, "99");

  /* truncated: a real map cut in half */
  g_autofree char *map = new_map_path ("whole.sqlite");
  {
    g_autoptr (CmStore) store = cm_store_create (map, "w", &error);
    g_autoptr (CmImportReport) report = cm_import_report_new ();
    g_autofree char *b = cm_test_data ("beijing-tsinghua/buildings.geojson");
    g_assert_true (cm_import_file (store, b, CM_LAYER_NONE, NULL, report, NULL, NULL, NULL, &error));
  }
  g_autofree char *bytes = NULL;
  gsize len;
  g_file_get_contents (map, &bytes, &len, NULL);
  g_autofree char *cut = new_map_path ("cut.sqlite");
  g_file_set_contents (cut, bytes, len / 2, NULL);
  assert_refused (cut, CM_STORE_ERROR_CORRUPT, "shorter than its header says");

  /* corrupt: the right length, but pages overwritten in the middle */
  g_autofree char *bad = new_map_path ("corrupt.sqlite");
  for (gsize i = len / 3; i < len / 3 + 16384 && i < len; i++)
    bytes[i] = (char) (i * 7);
  g_file_set_contents (bad, bytes, len, NULL);
  assert_refused (bad, CM_STORE_ERROR_CORRUPT, "damaged");
}

/* Overwrites 16 KB in the middle of @path (pages of the buildings' table), the way a bad copy
 * or a failing stick would; with @keep_look, the file keeps its size, inode and modification
 * time, so it looks as it did. */
static void
damage_at (const char *path, long offset, gboolean keep_look)
{
  GStatBuf st;
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  struct timespec times[2] = { st.st_atim, st.st_mtim };
  FILE *f = fopen (path, "r+b");
  g_assert_nonnull (f);
  g_assert_cmpint (fseek (f, offset, SEEK_SET), ==, 0);
  for (int i = 0; i < 16384; i++)
    fputc ((i * 7) & 0xff, f);
  fclose (f);
  if (keep_look)
    g_assert_cmpint (utimensat (AT_FDCWD, path, times, 0), ==, 0);
}

static void
damage_in_place (const char *path, gboolean keep_look)
{
  GStatBuf st;
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  damage_at (path, (long) st.st_size / 3, keep_look);
}

/* Where the last leaf page of @table is in @path, in bytes (dbstat: Debian's SQLite has it). */
static long
table_offset (const char *path, const char *table)
{
  sqlite3 *db = NULL;
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_autofree char *sql = g_strdup_printf (
    "SELECT (max(pageno) - 1) * (SELECT page_size FROM pragma_page_size)"
    " FROM dbstat WHERE name = '%s' AND pagetype = 'leaf'", table);
  sqlite3_stmt *stmt = NULL;
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  long offset = (long) sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return offset;
}

/* Opening reads the whole map (PRAGMA quick_check) only when this machine has not seen it
 * sound as it is now: a map made or checked here opens without it, again and again, also after
 * this program wrote to it; a copy that arrived is checked; a map changed by anything but
 * SQLite is checked again and refused when damaged. The whole check still finds damage that
 * left the file looking the same (cmap check). */
static void
test_open_checks_whole_only_when_needed (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *map = new_map_path ("checked.sqlite");
  {
    g_autoptr (CmStore) store = cm_store_create (map, "c", &error);
    g_assert_no_error (error);
    g_autoptr (CmImportReport) report = cm_import_report_new ();
    g_autofree char *b = cm_test_data ("beijing-tsinghua/buildings.geojson");
    g_assert_true (cm_import_file (store, b, CM_LAYER_NONE, NULL, report, NULL, NULL, NULL, &error));
  }
  guint before = _cm_store_get_whole_checks ();
  for (int i = 0; i < 3; i++)
    {
      g_autoptr (CmStore) store = cm_store_open (map, &error);
      g_assert_no_error (error);
      g_assert_true (_cm_store_exec (store, "UPDATE buildings SET name = 'x' WHERE id = 1", &error));
    }
  g_assert_cmpuint (_cm_store_get_whole_checks (), ==, before); /* made and written here */

  /* a copy (another inode) is new to this machine: read whole once, then not again */
  g_autofree char *copy = new_map_path ("arrived.sqlite");
  g_autofree char *bytes = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (map, &bytes, &len, NULL));
  g_assert_true (g_file_set_contents (copy, bytes, (gssize) len, NULL));
  for (int i = 0; i < 2; i++)
    {
      g_autoptr (CmStore) arrived = cm_store_open (copy, &error);
      g_assert_no_error (error);
    }
  g_assert_cmpuint (_cm_store_get_whole_checks (), ==, before + 1);

  /* damaged by something other than SQLite: it changed, so it is read whole and refused */
  damage_in_place (copy, FALSE);
  assert_refused (copy, CM_STORE_ERROR_CORRUPT, "damaged");
  g_assert_cmpuint (_cm_store_get_whole_checks (), ==, before + 2);
  assert_refused (copy, CM_STORE_ERROR_CORRUPT, "damaged"); /* and stays refused */
  g_assert_cmpuint (_cm_store_get_whole_checks (), ==, before + 3);

  /* damaged so that it looks the same (size, inode, time): the open does not read it whole;
   * a read that meets a damaged page says so and forgets the record, so the next open refuses */
  g_autofree char *second = new_map_path ("second.sqlite");
  g_clear_pointer (&bytes, g_free);
  g_assert_true (g_file_get_contents (map, &bytes, &len, NULL));
  g_assert_true (g_file_set_contents (second, bytes, (gssize) len, NULL));
  g_clear_object (&(CmStore *) { cm_store_open (second, &error) }); /* found sound, recorded */
  g_assert_no_error (error);
  g_assert_cmpuint (_cm_store_get_whole_checks (), ==, before + 4);
  damage_at (second, table_offset (second, "buildings"), TRUE); /* a scan of buildings meets it */
  {
    g_autoptr (CmStore) damaged = cm_store_open (second, &error);
    g_assert_no_error (error);
    g_assert_false (_cm_store_exec (damaged, "SELECT count(name), count(geom) FROM buildings",
                                    &error));
    g_assert_error (error, CM_STORE_ERROR, CM_STORE_ERROR_CORRUPT);
    g_assert_nonnull (strstr (error->message, "cmap check"));
    g_clear_error (&error);
  }
  assert_refused (second, CM_STORE_ERROR_CORRUPT, "damaged");
  g_assert_cmpuint (_cm_store_get_whole_checks (), ==, before + 5);

  /* the whole check lists what it finds */
  damage_in_place (map, TRUE);
  g_autoptr (CmStore) store = cm_store_open (map, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (_cm_store_get_whole_checks (), ==, before + 5);
  g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_assert_true (cm_store_check (store, problems, &error)); /* lists the damage, not "could not check" */
  g_assert_no_error (error);
  g_assert_cmpuint (problems->len, >, 0);
  g_test_message ("the whole check: %s", (char *) problems->pdata[0]);
  g_clear_object (&store);
  /* found damaged, it is read whole at the next open again, and refused */
  assert_refused (map, CM_STORE_ERROR_CORRUPT, "damaged");
  g_assert_cmpuint (_cm_store_get_whole_checks (), ==, before + 6);
}

/* Several processes open maps new to this machine at once (windows, cmap commands): each
 * records its map sound, and no record is lost to another writing the record file at the same
 * moment (with no lock on it, 10 runs of 10 lost one) — the next opens read none whole. */
static void
test_open_records_from_many_processes (void)
{
  enum { N = 16 };
  g_autoptr (GError) error = NULL;
  g_autofree char *map = new_map_path ("many.sqlite");
  g_clear_object (&(CmStore *) { cm_store_create (map, "m", &error) });
  g_assert_no_error (error);
  g_autofree char *bytes = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (map, &bytes, &len, NULL));

  char *copies[N];
  GSubprocess *children[N];
  for (int i = 0; i < N; i++)
    {
      g_autofree char *name = g_strdup_printf ("many-%d.sqlite", i);
      copies[i] = new_map_path (name);
      g_assert_true (g_file_set_contents (copies[i], bytes, (gssize) len, NULL));
    }
  for (int i = 0; i < N; i++)
    {
      children[i] = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, self_path, "--open-map",
                                      copies[i], NULL);
      g_assert_no_error (error);
    }
  for (int i = 0; i < N; i++)
    {
      g_assert_true (g_subprocess_wait_check (children[i], NULL, &error));
      g_assert_no_error (error);
      g_object_unref (children[i]);
    }
  guint before = _cm_store_get_whole_checks ();
  for (int i = 0; i < N; i++)
    {
      g_autoptr (CmStore) store = cm_store_open (copies[i], &error);
      g_assert_no_error (error);
      g_free (copies[i]);
    }
  g_assert_cmpuint (_cm_store_get_whole_checks (), ==, before);
}

/* A crafted map whose triggers and views call SpatiaLite's file functions writes nothing
 * outside itself, even with SPATIALITE_SECURITY=relaxed in the environment. */
static void
test_hostile_file (void)
{
  g_autofree char *dir = cm_test_tmpdir ();
  g_autofree char *target = g_build_filename (dir, "pwned.txt", NULL);
  g_autofree char *control = g_build_filename (dir, "control.txt", NULL);
  g_autoptr (GError) error = NULL;

  /* control: a plain connection with the variable set really writes a file */
  g_setenv ("SPATIALITE_SECURITY", "relaxed", TRUE);
  {
    sqlite3 *db;
    void *cache = spatialite_alloc_connection ();
    sqlite3_open (":memory:", &db);
    spatialite_init_ex (db, cache, 0);
    g_autofree char *sql = g_strdup_printf ("SELECT BlobToFile(x'41', '%s')", control);
    sqlite3_exec (db, sql, NULL, NULL, NULL);
    sqlite3_close (db);
    spatialite_cleanup_ex (cache);
  }
  g_assert_true (g_file_test (control, G_FILE_TEST_EXISTS));

  /* the crafted map: a real map plus a trigger and a view that write files */
  g_autofree char *path = g_build_filename (dir, "hostile.sqlite", NULL);
  {
    g_autoptr (CmStore) store = cm_store_create (path, "h", &error);
    g_assert_no_error (error);
    g_autofree char *sql = g_strdup_printf (
        "CREATE TRIGGER evil AFTER INSERT ON resources BEGIN"
        " SELECT BlobToFile(x'41', '%s'); END;"
        "CREATE VIEW evil_view AS SELECT BlobToFile(x'41', '%s') AS x;"
        "CREATE TRIGGER evil_meta AFTER UPDATE ON cm_meta BEGIN"
        " SELECT ExportGeoJSON2('resources', 'geom', '%s'); END;",
        target, target, target);
    g_assert_true (_cm_store_exec (store, sql, &error));
  }

  g_setenv ("SPATIALITE_SECURITY", "relaxed", TRUE);
  g_autoptr (CmStore) store = cm_store_open (path, &error);
  g_assert_no_error (error);
  /* an import fires the trigger: the function does not exist, so the import is refused */
  g_autoptr (CmImportReport) report = cm_import_report_new ();
  g_autofree char *pois = cm_test_data ("beijing-tsinghua/pois.geojson");
  gboolean ok = cm_import_file (store, pois, CM_LAYER_NONE, NULL, report, NULL, NULL, NULL, &error);
  g_clear_error (&error);
  /* adding a feature fires it too */
  g_autoptr (CmFeature) f = cm_feature_new (CM_LAYER_RESOURCES);
  g_autoptr (GBytes) p = NULL;
  {
    sqlite3_stmt *stmt = _cm_store_prepare (store, "SELECT AsBinary(MakePoint(1, 2, 4326))", &error);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    p = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
    sqlite3_finalize (stmt);
  }
  cm_feature_set_wkb (f, p);
  g_assert_false (cm_store_add_feature (store, f, &error));
  g_assert_nonnull (strstr (error->message, "BlobToFile"));
  g_clear_error (&error);
  /* reading the view fails too */
  g_assert_false (_cm_store_exec (store, "SELECT * FROM evil_view", &error));
  g_clear_error (&error);
  g_assert_false (_cm_store_exec (store, "UPDATE cm_meta SET value = value", &error));
  g_clear_error (&error);

  g_assert_false (ok);
  g_assert_false (g_file_test (target, G_FILE_TEST_EXISTS));
  /* every new connection clears the variable again */
  g_setenv ("SPATIALITE_SECURITY", "relaxed", TRUE);
  g_autoptr (CmStore) second = cm_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_null (g_getenv ("SPATIALITE_SECURITY"));
  g_assert_false (_cm_store_exec (second, "SELECT * FROM evil_view", &error));
  g_clear_error (&error);
  g_assert_false (g_file_test (target, G_FILE_TEST_EXISTS));
}

/* Search by name: Chinese substrings; Latin names without case or accents; the feature at a
 * point: points before lines before areas. */
static void
test_search_and_hit (void)
{
  g_autofree char *path = new_map_path ("search.sqlite");
  g_autoptr (GError) error = NULL;
  g_autoptr (CmStore) store = cm_store_create (path, "s", &error);
  g_autoptr (CmImportReport) report = cm_import_report_new ();
  g_autofree char *bj = cm_test_data ("beijing-tsinghua/pois.geojson");
  g_autofree char *pt = cm_test_data ("porto-centro/roads.geojson");
  g_assert_true (cm_import_file (store, bj, CM_LAYER_NONE, NULL, report, NULL, NULL, NULL, &error));
  g_assert_true (cm_import_file (store, pt, CM_LAYER_NONE, NULL, report, NULL, NULL, NULL, &error));

  g_autoptr (GListModel) libraries = cm_store_search (store, "图书馆", 100, &error);
  g_assert_no_error (error);
  gint64 expected = cm_test_query_int (store, "SELECT count(*) FROM resources WHERE "
                                              "instr(name, '图书馆') > 0");
  g_assert_cmpint (expected, ==, 3); /* 清华大学图书馆, 人文社科图书馆（凯风楼）, 法律图书馆 */
  g_assert_cmpint (g_list_model_get_n_items (libraries), ==, expected);
  g_autoptr (CmFeature) first = g_list_model_get_item (libraries, 0);
  g_assert_nonnull (strstr (cm_feature_get_name (first), "图书馆"));

  /* "Rua de Ramalho Ortigão" is found as "ortigao" and as "ORTIGÃO" */
  g_autoptr (GListModel) a = cm_store_search (store, "ortigao", 10, &error);
  g_autoptr (GListModel) b = cm_store_search (store, "ORTIGÃO", 10, &error);
  g_assert_cmpint (g_list_model_get_n_items (a), >=, 1);
  g_assert_cmpint (g_list_model_get_n_items (a), ==, g_list_model_get_n_items (b));
  g_autoptr (CmFeature) street = g_list_model_get_item (a, 0);
  g_assert_nonnull (strstr (cm_feature_get_name (street), "Ortigão"));
  g_autoptr (GListModel) none = cm_store_search (store, "no such name at all", 10, &error);
  g_assert_cmpint (g_list_model_get_n_items (none), ==, 0);

  /* a point 0.00001° from the ICBC ATM: that ATM; far away: nothing */
  g_autoptr (CmFeature) atm = cm_store_feature_at (store, 116.3218872, 40.0106642, 0.0001, 0, &error);
  g_assert_nonnull (atm);
  g_assert_cmpstr (cm_feature_get_name (atm), ==, "中国工商银行");
  g_autoptr (CmFeature) nothing = cm_store_feature_at (store, 0, 0, 0.0001, 0, &error);
  g_assert_null (nothing);
  g_assert_no_error (error);
  /* with resources hidden, the same click finds no ATM */
  g_autoptr (CmFeature) hidden = cm_store_feature_at (store, 116.3218872, 40.0106642, 0.0001,
                                                      1u << CM_LAYER_RESOURCES, &error);
  g_assert_true (hidden == NULL || cm_feature_get_layer (hidden) != CM_LAYER_RESOURCES);
}

/* The blob SpatiaLite's @sql makes (one geometry). */
static GBytes *
spatialite_blob (CmStore *store, const char *sql)
{
  g_autoptr (GError) error = NULL;
  sqlite3_stmt *stmt = _cm_store_prepare (store, sql, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_type (stmt, 0), ==, SQLITE_BLOB);
  GBytes *b = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
  sqlite3_finalize (stmt);
  return b;
}

/* The guard before SpatiaLite's parser (fuzzing found a polygon ring of 0xFFFFFFFF points
 * crashing AsBinary): every class SpatiaLite writes passes it (XY, Z, M, ZM, compressed,
 * multis, collections, TinyPoint); every shorter cut of each fails; a count made huge or one
 * more than the bytes hold fails; and a map holding such a geometry reads it as missing. */
static void
test_geometry_guard (void)
{
  g_autofree char *path = new_map_path ("guard.sqlite");
  g_autoptr (GError) error = NULL;
  g_autoptr (CmStore) store = cm_store_create (path, "guard", &error);
  g_assert_no_error (error);
  const char *wkt[] = {
    "POINT(1 2)", "POINT Z(1 2 3)", "POINT M(1 2 4)", "POINT ZM(1 2 3 4)",
    "LINESTRING(0 0, 1 1, 2 0, 3 1)", "LINESTRING Z(0 0 1, 1 1 2, 2 0 3)",
    "LINESTRING M(0 0 1, 1 1 2, 2 0 3)", "LINESTRING ZM(0 0 1 2, 1 1 2 3, 2 0 3 4)",
    "POLYGON((0 0, 4 0, 4 4, 0 4, 0 0), (1 1, 2 1, 2 2, 1 1))",
    "POLYGON ZM((0 0 1 1, 4 0 1 1, 4 4 1 1, 0 0 1 1))",
    "MULTIPOINT(0 0, 1 1)", "MULTILINESTRING((0 0, 1 1), (2 2, 3 3, 4 2))",
    "MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0)), ((2 2, 3 2, 3 3, 2 2)))",
    "GEOMETRYCOLLECTION(POINT(0 0), LINESTRING(0 0, 1 1), POLYGON((0 0, 1 0, 1 1, 0 0)))",
  };
  guint checked = 0;
  for (gsize i = 0; i < G_N_ELEMENTS (wkt); i++)
    for (int form = 0; form < 3; form++)
      {
        /* as written, compressed, and through WKB */
        const char *before[] = { "", "CompressGeometry(", "GeomFromWKB(AsBinary(" };
        const char *after[] = { "", ")", "), 4326)" };
        g_autofree char *sql = g_strdup_printf ("SELECT %sGeomFromText('%s', 4326)%s",
                                                before[form], wkt[i], after[form]);
        g_autoptr (GBytes) b = spatialite_blob (store, sql);
        gsize n;
        const guint8 *d = g_bytes_get_data (b, &n);
        g_assert_true (cm_geom_spatialite_blob_is_safe (d, n));
        for (gsize cut = 0; cut < n; cut++)
          {
            g_autofree guint8 *shorter = g_memdup2 (d, n);
            if (cut > 0)
              shorter[cut - 1] = 0xFE; /* still ends as a blob ends */
            g_assert_false (cm_geom_spatialite_blob_is_safe (shorter, cut));
          }
        /* the first count (after the class) made huge, then one too many */
        if (n > 60 && !g_str_has_prefix (wkt[i], "POINT"))
          {
            g_autofree guint8 *bad = g_memdup2 (d, n);
            const guint32 huge[] = { 0xFFFFFFFFu, 0x80000000u, 0x10000000u };
            for (gsize h = 0; h < G_N_ELEMENTS (huge); h++)
              {
                guint32 le = GUINT32_TO_LE (huge[h]);
                memcpy (bad + 43, &le, 4);
                g_assert_false (cm_geom_spatialite_blob_is_safe (bad, n));
              }
            guint32 count;
            memcpy (&count, d + 43, 4);
            count = GUINT32_TO_LE (GUINT32_FROM_LE (count) + 1);
            memcpy (bad + 43, &count, 4);
            g_assert_false (cm_geom_spatialite_blob_is_safe (bad, n));
          }
        checked++;
      }
  g_assert_cmpuint (checked, ==, G_N_ELEMENTS (wkt) * 3);
  /* a TinyPoint (SpatiaLite 4.3's short form of a point): its fixed size only */
  {
    guint8 t[24] = { 0x00, 0x81, 0xE6, 0x10, 0, 0, 1 };
    t[23] = 0xFE;
    g_assert_true (cm_geom_spatialite_blob_is_safe (t, sizeof t));
    g_assert_false (cm_geom_spatialite_blob_is_safe (t, 23));
  }

  /* a polygon whose ring claims 0xFFFFFFFF points, in a map: read as a feature without a
   * shape (no crash), exported without it, and the check says the geometry is damaged (and
   * does not hand it to SpatiaLite's CheckSpatialIndex, which would parse it) */
  g_autoptr (CmFeature) f = cm_feature_new (CM_LAYER_RESOURCES);
  g_autoptr (GBytes) square = NULL;
  {
    sqlite3_stmt *stmt = _cm_store_prepare (
        store, "SELECT AsBinary(GeomFromText('POLYGON((0 0, 0.001 0, 0.001 0.001, 0 0))'))", &error);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    square = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
    sqlite3_finalize (stmt);
  }
  cm_feature_set_wkb (f, square);
  cm_feature_set_name (f, "damaged");
  g_assert_true (cm_store_add_feature (store, f, &error));
  /* as a damaged file holds it: its bytes changed in the file itself (SpatiaLite's triggers
   * would parse it on any UPDATE); the ring's count is at byte 47 (39 header, class, rings) */
  g_autoptr (GBytes) stored = spatialite_blob (store, "SELECT geom FROM resources WHERE name = 'damaged'");
  g_clear_object (&store);
  gsize blob_len, file_len;
  const guint8 *blob = g_bytes_get_data (stored, &blob_len);
  g_autofree char *file = NULL;
  g_assert_true (g_file_get_contents (path, &file, &file_len, NULL));
  guint copies = 0;
  for (gsize i = 0; i + blob_len <= file_len; i++)
    if (memcmp (file + i, blob, blob_len) == 0)
      {
        memset (file + i + 47, 0xFF, 4);
        copies++;
      }
  g_assert_cmpuint (copies, ==, 1);
  g_assert_true (g_file_set_contents (path, file, file_len, NULL));
  store = cm_store_open (path, &error);
  g_assert_no_error (error);
  double bbox[4] = { -1, -1, 1, 1 };
  g_autoptr (GListModel) found = cm_store_query_bbox (store, CM_LAYER_RESOURCES, bbox, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (found), ==, 1);
  g_autoptr (CmFeature) read = g_list_model_get_item (found, 0);
  g_assert_null (cm_feature_get_wkb (read));
  g_autoptr (GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_assert_cmpint (cm_export_geojson (store, CM_LAYER_RESOURCES, out, NULL, &error), ==, 1);
  g_assert_no_error (error);
  g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  cm_store_check (store, problems, NULL);
  gboolean said = FALSE;
  for (guint i = 0; i < problems->len; i++)
    said = said || strstr (problems->pdata[i], "resources: 1 damaged geometries") != NULL;
  g_assert_true (said);

  /* merged into a good map: refused before anything is written (SpatiaLite's triggers would
   * parse the shape on its way in) */
  g_autofree char *good_path = new_map_path ("guard-target.sqlite");
  g_autoptr (CmStore) good = cm_store_create (good_path, "target", &error);
  g_assert_no_error (error);
  g_autoptr (CmMergeReport) merged = cm_merge (good, path, FALSE, &error);
  g_assert_null (merged);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "holds damaged geometries"));
  g_assert_cmpint (cm_test_query_int (good, "SELECT count(*) FROM resources"), ==, 0);
}

int
main (int argc, char **argv)
{
  /* a child of /store/open-records-from-many-processes: opens one map and closes it */
  if (argc == 3 && strcmp (argv[1], "--open-map") == 0)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (CmStore) store = cm_store_open (argv[2], &error);
      if (store == NULL)
        g_printerr ("%s\n", error->message);
      return store != NULL ? 0 : 1;
    }
  self_path = g_canonicalize_filename (argv[0], NULL);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store/create", test_create);
  g_test_add_func ("/store/features", test_features);
  g_test_add_func ("/store/field-parse", test_field_parse);
  g_test_add_func ("/store/layer-fields", test_layer_fields);
  g_test_add_func ("/store/refuse-untrusted", test_refuse_untrusted);
  g_test_add_func ("/store/open-checks-whole-only-when-needed",
                   test_open_checks_whole_only_when_needed);
  g_test_add_func ("/store/open-records-from-many-processes",
                   test_open_records_from_many_processes);
  g_test_add_func ("/store/hostile-file", test_hostile_file);
  g_test_add_func ("/store/search-and-hit", test_search_and_hit);
  g_test_add_func ("/store/geometry-guard", test_geometry_guard);
  return g_test_run ();
}
