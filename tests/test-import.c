/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-import.c: importing the real OSM extracts, round trips, re-import, cancel, progress. */
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "cm-core.h"
#include "cm-store-private.h"
#include "cm-test-util.h"

typedef struct
{
  const char *extract; /* folder under ../shared/data */
  const char *file;    /* layer file */
  CmLayer layer;       /* where the importer puts it when it infers the layer */
} LayerCase;

static const LayerCase cases[] = {
  { "porto-centro", "buildings.geojson", CM_LAYER_BUILDINGS },
  { "porto-centro", "roads.geojson", CM_LAYER_PATHS },
  { "porto-centro", "pois.geojson", CM_LAYER_RESOURCES },
  { "beijing-tsinghua", "buildings.geojson", CM_LAYER_BUILDINGS },
  { "beijing-tsinghua", "roads.geojson", CM_LAYER_PATHS },
  { "beijing-tsinghua", "pois.geojson", CM_LAYER_RESOURCES },
};

static CmStore *
new_map (const char *dir, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, name, NULL);
  CmStore *store = cm_store_create (path, "test", &error);
  g_assert_no_error (error);
  return store;
}

static JsonNode *
load_json (const char *path)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static JsonObject *
manifest_entry (JsonNode *manifest, const char *file)
{
  return json_object_get_object_member (json_node_get_object (manifest), file);
}

/* Every layer of both extracts: the counts and extents of MANIFEST.json, exactly. */
static void
test_manifest_counts (void)
{
  g_autofree char *dir = cm_test_tmpdir ();
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const LayerCase *c = &cases[i];
      g_autofree char *manifest_path = g_strdup_printf ("%s/MANIFEST.json", c->extract);
      g_autofree char *mp = cm_test_data (manifest_path);
      g_autoptr (JsonNode) manifest = load_json (mp);
      JsonObject *entry = manifest_entry (manifest, c->file);
      gint64 expected = json_object_get_int_member (entry, "count");
      JsonArray *bbox = json_object_get_array_member (entry, "bbox_lonlat");

      g_autofree char *name = g_strdup_printf ("m%zu.sqlite", i);
      g_autoptr (CmStore) store = new_map (dir, name);
      g_autofree char *rel = g_build_filename (c->extract, c->file, NULL);
      g_autofree char *path = cm_test_data (rel);
      g_autoptr (CmImportReport) report = cm_import_report_new ();
      g_autoptr (GError) error = NULL;
      g_assert_true (cm_import_file (store, path, CM_LAYER_NONE, NULL, report, NULL, NULL, NULL,
                                     &error));
      g_assert_no_error (error);

      g_assert_cmpint (report->read, ==, expected);
      g_assert_cmpint (report->created, ==, expected);
      g_assert_cmpint (report->skipped, ==, 0);
      g_assert_cmpint (report->repaired, ==, 0); /* MANIFEST: 0 GEOS-invalid geometries */
      g_assert_cmpint (report->per_layer[c->layer], ==, expected);

      CmLayerStats stats;
      g_assert_true (cm_store_get_layer_stats (store, c->layer, &stats, &error));
      g_assert_cmpint (stats.count, ==, expected);
      for (int k = 0; k < 4; k++)
        g_assert_cmpfloat_with_epsilon (stats.bbox[k], json_array_get_double_element (bbox, k),
                                        1e-9);
    }
}

/* Compares two coordinate arrays (any nesting) number by number, exactly. */
static gboolean
coords_equal (JsonNode *a, JsonNode *b)
{
  if (JSON_NODE_HOLDS_ARRAY (a) != JSON_NODE_HOLDS_ARRAY (b))
    return FALSE;
  if (!JSON_NODE_HOLDS_ARRAY (a))
    return json_node_get_double (a) == json_node_get_double (b);
  JsonArray *x = json_node_get_array (a), *y = json_node_get_array (b);
  if (json_array_get_length (x) != json_array_get_length (y))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (x); i++)
    if (!coords_equal (json_array_get_element (x, i), json_array_get_element (y, i)))
      return FALSE;
  return TRUE;
}

static gboolean
values_equal (JsonNode *a, JsonNode *b)
{
  g_autofree char *x = json_to_string (a, FALSE);
  g_autofree char *y = json_to_string (b, FALSE);
  return strcmp (x, y) == 0;
}

/* GeoJSON → map → GeoJSON gives the same coordinates and properties, for every feature. */
static void
round_trip (const char *extract, const char *file, CmLayer layer)
{
  g_autofree char *dir = cm_test_tmpdir ();
  g_autoptr (CmStore) store = new_map (dir, "rt.sqlite");
  g_autofree char *rel = g_build_filename (extract, file, NULL);
  g_autofree char *src = cm_test_data (rel);
  g_autoptr (CmImportReport) report = cm_import_report_new ();
  g_autoptr (GError) error = NULL;
  g_assert_true (cm_import_file (store, src, CM_LAYER_NONE, NULL, report, NULL, NULL, NULL,
                                 &error));

  g_autofree char *out_path = g_build_filename (dir, "out.geojson", NULL);
  g_autoptr (GFile) out_file = g_file_new_for_path (out_path);
  g_autoptr (GFileOutputStream) out = g_file_replace (out_file, NULL, FALSE, 0, NULL, &error);
  g_assert_no_error (error);
  gint64 n = cm_export_geojson (store, layer, G_OUTPUT_STREAM (out), NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (G_OUTPUT_STREAM (out), NULL, &error);
  g_assert_no_error (error);

  g_autoptr (JsonNode) a = load_json (src);
  g_autoptr (JsonNode) b = load_json (out_path);
  JsonArray *fa = json_object_get_array_member (json_node_get_object (a), "features");
  JsonArray *fb = json_object_get_array_member (json_node_get_object (b), "features");
  g_assert_cmpint (n, ==, json_array_get_length (fa));
  g_assert_cmpint (json_array_get_length (fb), ==, json_array_get_length (fa));

  for (guint i = 0; i < json_array_get_length (fa); i++)
    {
      JsonObject *x = json_array_get_object_element (fa, i);
      JsonObject *y = json_array_get_object_element (fb, i);
      JsonObject *gx = json_object_get_object_member (x, "geometry");
      JsonObject *gy = json_object_get_object_member (y, "geometry");
      g_assert_cmpstr (json_object_get_string_member (gx, "type"), ==,
                       json_object_get_string_member (gy, "type"));
      g_assert_true (coords_equal (json_object_get_member (gx, "coordinates"),
                                   json_object_get_member (gy, "coordinates")));

      JsonObject *px = json_object_get_object_member (x, "properties");
      JsonObject *py = json_object_get_object_member (y, "properties");
      /* every source property comes back with the same value, plus the fields every feature
       * has: uuid, map_layer, category and its two dates */
      g_autoptr (GList) members = json_object_get_members (px);
      for (GList *m = members; m; m = m->next)
        {
          g_assert_true (json_object_has_member (py, m->data));
          g_assert_true (values_equal (json_object_get_member (px, m->data),
                                       json_object_get_member (py, m->data)));
        }
      g_assert_cmpint (json_object_get_size (py), ==, json_object_get_size (px) + 5);
      const char *added[] = { "uuid", "map_layer", "category", "created_at", "updated_at" };
      for (gsize k = 0; k < G_N_ELEMENTS (added); k++)
        g_assert_true (json_object_has_member (py, added[k]) && !json_object_has_member (px, added[k]));
      g_assert_cmpstr (json_object_get_string_member (py, "map_layer"), ==,
                       cm_layer_to_string (layer));
      g_assert_true (g_uuid_string_is_valid (json_object_get_string_member (py, "uuid")));
      g_assert_nonnull (json_object_get_string_member (py, "category"));
    }
}

static void
test_round_trip_porto_pois (void)
{
  round_trip ("porto-centro", "pois.geojson", CM_LAYER_RESOURCES);
}

static void
test_round_trip_porto_roads (void)
{
  round_trip ("porto-centro", "roads.geojson", CM_LAYER_PATHS);
}

static void
test_round_trip_beijing_buildings (void)
{
  /* polygons, four of them with holes, and Chinese names */
  round_trip ("beijing-tsinghua", "buildings.geojson", CM_LAYER_BUILDINGS);
}

static char *
query_text (CmStore *store, const char *sql)
{
  g_autoptr (GError) error = NULL;
  sqlite3_stmt *stmt = _cm_store_prepare (store, sql, &error);
  g_assert_no_error (error);
  char *v = NULL;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    v = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return v;
}

/* Names survive byte for byte: Chinese from Beijing, Portuguese accents from Porto. */
static void
test_names_byte_for_byte (void)
{
  g_autofree char *dir = cm_test_tmpdir ();
  g_autoptr (CmStore) store = new_map (dir, "names.sqlite");
  g_autoptr (CmImportReport) report = cm_import_report_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *bj = cm_test_data ("beijing-tsinghua/pois.geojson");
  g_autofree char *pt = cm_test_data ("porto-centro/roads.geojson");
  g_assert_true (cm_import_file (store, bj, CM_LAYER_NONE, NULL, report, NULL, NULL, NULL, &error));
  g_assert_true (cm_import_file (store, pt, CM_LAYER_NONE, NULL, report, NULL, NULL, NULL, &error));

  /* every named source feature: the stored name is the same bytes */
  g_autoptr (JsonNode) root = load_json (bj);
  JsonArray *features = json_object_get_array_member (json_node_get_object (root), "features");
  guint named = 0;
  for (guint i = 0; i < json_array_get_length (features); i++)
    {
      JsonObject *p = json_object_get_object_member (json_array_get_object_element (features, i),
                                                     "properties");
      if (!json_object_has_member (p, "name"))
        continue;
      g_autofree char *sql = g_strdup_printf (
          "SELECT name FROM resources WHERE source_id = '%s/%" G_GINT64_FORMAT "'",
          json_object_get_string_member (p, "@type"), json_object_get_int_member (p, "@id"));
      g_autofree char *stored = query_text (store, sql);
      g_assert_cmpstr (stored, ==, json_object_get_string_member (p, "name"));
      named++;
    }
  g_assert_cmpint (named, >, 100);

  g_autofree char *bank = query_text (store, "SELECT name FROM resources WHERE source_id = "
                                             "'node/931686818'");
  g_assert_cmpmem (bank, strlen (bank), "\344\270\255\345\233\275\345\267\245\345\225\206\351\223\266\350\241\214", 18); /* 中国工商银行 */
  g_autofree char *street = query_text (store, "SELECT name FROM paths WHERE source_id = "
                                               "'way/8366889'");
  g_assert_cmpstr (street, ==, "Rua de Ramalho Ortig\303\243o");
  g_autofree char *tag = query_text (store, "SELECT json_extract(tags, '$.\"name:zh-Hant\"') "
                                            "FROM resources WHERE source_id = 'node/931686823'");
  g_assert_cmpstr (tag, ==, "交通銀行");
}

/* Importing the same source again changes nothing (same uuids, no duplicates, no write: the
 * dates stay); a feature changed in the source is updated. */
static void
test_reimport_updates (void)
{
  g_autofree char *dir = cm_test_tmpdir ();
  g_autoptr (CmStore) store = new_map (dir, "again.sqlite");
  g_autofree char *pois = cm_test_data ("porto-centro/pois.geojson");
  g_autoptr (CmImportReport) report = cm_import_report_new ();
  g_autoptr (GError) error = NULL;

  g_assert_true (cm_import_file (store, pois, CM_LAYER_NONE, NULL, report, NULL, NULL, NULL, &error));
  g_assert_cmpint (report->created, ==, 5096);
  g_autofree char *uuid1 = query_text (store, "SELECT uuid FROM resources WHERE source_id = "
                                              "'node/987218116'");
  g_autofree char *stamp1 = query_text (store, "SELECT max(updated_at) FROM resources");
  g_usleep (2000); /* a write now would have a later time */
  g_assert_true (cm_import_file (store, pois, CM_LAYER_NONE, NULL, report, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (report->created, ==, 0);
  g_assert_cmpint (report->updated, ==, 0);
  g_assert_cmpint (report->unchanged, ==, 5096);
  g_autofree char *stamp2 = query_text (store, "SELECT max(updated_at) FROM resources");
  g_assert_cmpstr (stamp1, ==, stamp2);
  g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM resources"), ==, 5096);

  /* the source changes one feature: that one is updated, in place */
  g_autofree char *dir2 = cm_test_tmpdir ();
  g_autofree char *changed = g_build_filename (dir2, "changed.geojson", NULL);
  g_assert_true (g_file_set_contents (changed,
      "{\"type\": \"Feature\", \"properties\": {\"@type\": \"node\", \"@id\": 987218116,"
      " \"name\": \"Café renomeado\", \"amenity\": \"cafe\"},"
      " \"geometry\": {\"type\": \"Point\", \"coordinates\": [-8.61, 41.15]}}", -1, NULL));
  g_assert_true (cm_import_file (store, changed, CM_LAYER_NONE, NULL, report, NULL, NULL, NULL,
                                 &error));
  g_assert_cmpint (report->created, ==, 0);
  g_assert_cmpint (report->updated, ==, 1);
  g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM resources WHERE source_id ="
                                             " 'node/987218116' AND name = 'Café renomeado'"
                                             " AND updated_at > created_at"), ==, 1);
  /* a change in a source tag alone (the opening hours) is a change too */
  g_assert_true (g_file_set_contents (changed,
      "{\"type\": \"Feature\", \"properties\": {\"@type\": \"node\", \"@id\": 987218116,"
      " \"name\": \"Café renomeado\", \"amenity\": \"cafe\", \"opening_hours\": \"Mo-Fr 08:00-18:00\"},"
      " \"geometry\": {\"type\": \"Point\", \"coordinates\": [-8.61, 41.15]}}", -1, NULL));
  g_assert_true (cm_import_file (store, changed, CM_LAYER_NONE, NULL, report, NULL, NULL, NULL,
                                 &error));
  g_assert_cmpint (report->updated, ==, 1);
  g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM resources WHERE"
                                             " json_extract(tags, '$.opening_hours') ="
                                             " 'Mo-Fr 08:00-18:00'"), ==, 1);
  g_autofree char *uuid2 = query_text (store, "SELECT uuid FROM resources WHERE source_id = "
                                              "'node/987218116'");
  g_assert_cmpstr (uuid1, ==, uuid2);
  g_assert_cmpint (cm_test_query_int (store, "SELECT CheckSpatialIndex('resources', 'geom')"),
                   ==, 1);
}

/* OSM tags become categories; a feature no category knows is kept as "other". */
static void
test_categories_from_tags (void)
{
  g_autofree char *dir = cm_test_tmpdir ();
  g_autoptr (CmStore) store = new_map (dir, "cat.sqlite");
  g_autofree char *pois = cm_test_data ("porto-centro/pois.geojson");
  g_autoptr (CmImportReport) report = cm_import_report_new ();
  g_autoptr (GError) error = NULL;
  g_assert_true (cm_import_file (store, pois, CM_LAYER_NONE, NULL, report, NULL, NULL, NULL, &error));

  /* each category check against the tags themselves, counted by SQLite's JSON functions */
  g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM resources WHERE "
                                             "category = 'kindergarten'"), ==,
                   cm_test_query_int (store, "SELECT count(*) FROM resources WHERE "
                                             "json_extract(tags, '$.amenity') IN "
                                             "('kindergarten', 'childcare')"));
  g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM resources WHERE "
                                             "category = 'kindergarten'"), ==, 14);
  g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM resources WHERE "
                                             "category = 'pharmacy'"), ==,
                   cm_test_query_int (store, "SELECT count(*) FROM resources WHERE "
                                             "json_extract(tags, '$.amenity') = 'pharmacy' OR "
                                             "json_extract(tags, '$.healthcare') = 'pharmacy' OR "
                                             "json_extract(tags, '$.shop') = 'chemist'"));
  g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM resources WHERE "
                                             "category = 'public_toilet'"), ==,
                   cm_test_query_int (store, "SELECT count(*) FROM resources WHERE "
                                             "json_extract(tags, '$.amenity') = 'toilets'"));
  /* every category stored is one the categories table knows */
  g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM resources WHERE category "
                                             "NOT IN (SELECT key FROM categories)"), ==, 0);
  /* the one feature without any known tag */
  g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM resources WHERE "
                                             "category = 'other'"), ==, 1);
}

/* A key given twice in one feature's properties: the last one counts, as in JavaScript, Python
 * and GDAL, whether it is a field of the map (name, description) or a tag of the source. */
static void
test_duplicate_keys (void)
{
  g_autofree char *dir = cm_test_tmpdir ();
  g_autoptr (CmStore) store = new_map (dir, "dup.sqlite");
  g_autofree char *path = g_build_filename (dir, "dup.geojson", NULL);
  const char *text =
      "{\"type\": \"Feature\", \"properties\": {\"name\": \"first\", \"amenity\": \"school\","
      " \"description\": \"d1\", \"name\": \"second\", \"amenity\": \"pharmacy\","
      " \"description\": \"d2\", \"note\": \"n\"},"
      " \"geometry\": {\"type\": \"Point\", \"coordinates\": [116.3265, 40.0035]}}";
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  g_autoptr (CmImportReport) report = cm_import_report_new ();
  g_autoptr (GError) error = NULL;
  g_assert_true (cm_import_file (store, path, CM_LAYER_NONE, NULL, report, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report->created, ==, 1);
  g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM resources WHERE name = 'second' "
                                             "AND description = 'd2' AND category = 'pharmacy'"), ==, 1);
  /* the tags hold each key once, with its last value */
  g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM resources, json_each(tags) "
                                             "WHERE key = 'amenity'"), ==, 1);
  g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM resources WHERE "
                                             "json_extract(tags, '$.amenity') = 'pharmacy' AND "
                                             "json_extract(tags, '$.note') = 'n' AND "
                                             "instr(tags, 'first') = 0 AND instr(tags, 'school') = 0"),
                   ==, 1);

  /* "properties" itself given twice (fuzzing found the second read through the first's
   * offsets): the last object counts whole, nothing of the first remains */
  const char *twice =
      "{\"type\": \"Feature\", \"properties\": {\"name\": \"old\", \"amenity\": \"school\","
      " \"description\": \"a long description of the first properties\", \"@id\": 7, \"x\": 1},"
      " \"geometry\": {\"type\": \"Point\", \"coordinates\": [116.3266, 40.0036]},"
      " \"properties\": {\"name\": \"new\", \"name\": \"newer\", \"amenity\": \"library\"}}";
  g_assert_true (g_file_set_contents (path, twice, -1, NULL));
  g_assert_true (cm_import_file (store, path, CM_LAYER_NONE, NULL, report, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM resources WHERE name = 'newer'"
                                             " AND description IS NULL AND category = 'library'"
                                             " AND source_id IS NULL"
                                             " AND json_extract(tags, '$.x') IS NULL"), ==, 1);
  g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM resources WHERE name = 'old'"),
                   ==, 0);
}

typedef struct
{
  GCancellable *cancellable;
  goffset last;
  guint calls;
  goffset total;
  goffset cancel_at;
} ProgressState;

static void
on_progress (goffset done, goffset total, gpointer user_data)
{
  ProgressState *s = user_data;
  g_assert_cmpint (done, >, s->last);
  g_assert_cmpint (done, <=, total);
  s->last = done;
  s->total = total;
  s->calls++;
  if (s->cancel_at > 0 && done >= s->cancel_at)
    g_cancellable_cancel (s->cancellable);
}

/* Progress rises to the file's size; a cancelled import leaves the map as it was. */
static void
test_progress_and_cancel (void)
{
  g_autofree char *dir = cm_test_tmpdir ();
  g_autofree char *buildings = cm_test_data ("porto-centro/buildings.geojson");
  g_autoptr (GError) error = NULL;
  g_autoptr (CmImportReport) report = cm_import_report_new ();

  {
    g_autoptr (CmStore) store = new_map (dir, "progress.sqlite");
    ProgressState s = { 0 };
    g_assert_true (cm_import_file (store, buildings, CM_LAYER_NONE, NULL, report, on_progress, &s,
                                   NULL, &error));
    /* 3.6 MB read in 256 kB chunks: one report per chunk, whatever the threads' timing */
    g_assert_cmpint (s.calls, ==, 14);
    g_assert_cmpint (s.last, ==, 3586748);
    g_assert_cmpint (s.total, ==, 3586748);
  }

  g_autofree char *path = g_build_filename (dir, "cancel.sqlite", NULL);
  {
    g_autoptr (CmStore) store = new_map (dir, "cancel.sqlite");
  }
  g_autofree char *before = cm_test_sha256 (path);
  {
    g_autoptr (CmStore) store = cm_store_open (path, &error);
    g_assert_no_error (error);
    g_autoptr (GCancellable) cancellable = g_cancellable_new ();
    ProgressState s = { .cancellable = cancellable, .cancel_at = 1500000 };
    g_assert_false (cm_import_file (store, buildings, CM_LAYER_NONE, NULL, report, on_progress, &s,
                                    cancellable, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&error);
    g_assert_cmpint (report->read, ==, 0); /* the report is cleared with the import */
    g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM buildings"), ==, 0);
    g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM idx_buildings_geom"), ==, 0);
    /* SpatiaLite's triggers, dropped during the import, are back (and the versions' three) */
    g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM sqlite_master WHERE "
                                               "type = 'trigger' AND tbl_name = 'buildings'"
                                               " AND name NOT LIKE 'cm_versions_%'"),
                     ==, 8);
    g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM sqlite_master WHERE "
                                               "type = 'trigger' AND tbl_name = 'buildings'"
                                               " AND name LIKE 'cm_versions_%'"),
                     ==, 3);
  }
  g_autofree char *after = cm_test_sha256 (path);
  g_assert_cmpstr (before, ==, after);
}

/* --layer puts every feature in one layer; what the layer cannot hold is skipped and listed. */
static void
test_layer_option (void)
{
  g_autofree char *dir = cm_test_tmpdir ();
  g_autoptr (CmStore) store = new_map (dir, "layer.sqlite");
  g_autofree char *pois = cm_test_data ("beijing-tsinghua/pois.geojson");
  g_autofree char *buildings = cm_test_data ("beijing-tsinghua/buildings.geojson");
  g_autoptr (CmImportReport) report = cm_import_report_new ();
  g_autoptr (GError) error = NULL;

  g_assert_true (cm_import_file (store, pois, CM_LAYER_STATIONS, NULL, report, NULL, NULL, NULL,
                                 &error));
  g_assert_cmpint (report->per_layer[CM_LAYER_STATIONS], ==, 244);
  g_assert_true (cm_import_file (store, buildings, CM_LAYER_STATIONS, NULL, report, NULL, NULL,
                                 NULL, &error));
  g_assert_cmpint (report->read, ==, 626);
  g_assert_cmpint (report->skipped, ==, 626);
  g_assert_cmpint (report->notes->len, ==, 626);
  CmImportNote *note = g_ptr_array_index (report->notes, 0);
  g_assert_cmpint (note->action, ==, CM_IMPORT_SKIPPED);
  g_assert_nonnull (strstr (note->reason, "stations"));
  g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM stations"), ==, 244);
  g_assert_true (cm_import_file (store, buildings, CM_LAYER_TEAMS, NULL, report, NULL, NULL,
                                 NULL, &error));
  g_assert_cmpint (report->per_layer[CM_LAYER_TEAMS], ==, 626);
  g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM teams WHERE "
                                             "GeometryType(geom) = 'MULTIPOLYGON'"), ==, 626);
}

/* A SpatiaLite file that ogr2ogr wrote (not a community map) can be imported from. */
static void
test_import_from_ogr2ogr_spatialite (void)
{
  g_autofree char *dir = cm_test_tmpdir ();
  g_autofree char *pois = cm_test_data ("beijing-tsinghua/pois.geojson");
  g_autofree char *other = g_build_filename (dir, "from-ogr.sqlite", NULL);
  const char *argv[] = { "ogr2ogr", "-f", "SQLite", "-dsco", "SPATIALITE=YES", other, pois,
                         "-nln", "pois", NULL };
  int status = -1;
  g_autoptr (GError) error = NULL;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, 0);

  g_autoptr (CmStore) store = new_map (dir, "map.sqlite");
  g_autoptr (CmImportReport) report = cm_import_report_new ();
  /* no table chosen: a clear error, naming no flag (cmap adds --table, the window asks) */
  g_assert_false (cm_import_file (store, other, CM_LAYER_NONE, NULL, report, NULL, NULL, NULL,
                                  &error));
  g_assert_error (error, CM_IMPORT_ERROR, CM_IMPORT_ERROR_NO_TABLE);
  g_assert_nonnull (strstr (error->message, "tables"));
  g_assert_null (strstr (error->message, "--"));
  g_clear_error (&error);
  /* a wrong table: a clear error */
  g_assert_false (cm_import_file (store, other, CM_LAYER_NONE, "nope", report, NULL, NULL, NULL,
                                  &error));
  g_assert_error (error, CM_IMPORT_ERROR, CM_IMPORT_ERROR_NO_TABLE);
  g_clear_error (&error);

  g_assert_true (cm_import_file (store, other, CM_LAYER_NONE, "pois", report, NULL, NULL, NULL,
                                 &error));
  g_assert_no_error (error);
  g_assert_cmpint (report->read, ==, 244);
  g_assert_cmpint (report->per_layer[CM_LAYER_RESOURCES], ==, 244);
  g_autofree char *bank = query_text (store, "SELECT name FROM resources WHERE "
                                             "json_extract(tags, '$.\"name:en\"') = "
                                             "'Bank of Communications'");
  g_assert_cmpstr (bank, ==, "交通银行");
  g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM resources WHERE "
                                             "category = 'bank'"), >, 0);
  /* again: the same rows are updated, not added */
  g_assert_true (cm_import_file (store, other, CM_LAYER_NONE, "pois", report, NULL, NULL, NULL,
                                 &error));
  g_assert_cmpint (report->created + report->updated, ==, 0);
  g_assert_cmpint (report->unchanged, ==, 244);
  g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM resources"), ==, 244);
}

/* The spatial index an import builds (packed in one go into an empty layer, row by row into a
 * filled one) is a sound R*Tree that finds exactly what a full scan finds. */
static void
test_spatial_index (void)
{
  g_autofree char *dir = cm_test_tmpdir ();
  g_autoptr (CmStore) store = new_map (dir, "index.sqlite");
  g_autoptr (CmImportReport) report = cm_import_report_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *porto = cm_test_data ("porto-centro/buildings.geojson");
  g_autofree char *beijing = cm_test_data ("beijing-tsinghua/buildings.geojson");
  g_assert_true (cm_import_file (store, porto, CM_LAYER_NONE, NULL, report, NULL, NULL, NULL, &error));
  g_assert_true (cm_import_file (store, beijing, CM_LAYER_NONE, NULL, report, NULL, NULL, NULL,
                                 &error));
  g_assert_no_error (error);
  const gint64 total = 11404 + 626;

  /* SQLite's and SpatiaLite's own checks */
  g_autofree char *tree = query_text (store, "SELECT rtreecheck('idx_buildings_geom')");
  g_assert_cmpstr (tree, ==, "ok");
  g_assert_cmpint (cm_test_query_int (store, "SELECT CheckSpatialIndex('buildings', 'geom')"), ==, 1);
  g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM idx_buildings_geom"), ==, total);
  /* every entry's box contains its feature's exact box */
  g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM buildings b JOIN "
                                             "idx_buildings_geom i ON i.pkid = b.id WHERE "
                                             "i.xmin <= MbrMinX(b.geom) AND i.xmax >= MbrMaxX(b.geom)"
                                             " AND i.ymin <= MbrMinY(b.geom) AND "
                                             "i.ymax >= MbrMaxY(b.geom)"), ==, total);

  /* random boxes: the index query finds exactly the features a brute-force scan finds */
  g_autoptr (GArray) boxes = g_array_new (FALSE, FALSE, sizeof (double) * 4);
  sqlite3_stmt *all = _cm_store_prepare (store, "SELECT MbrMinX(geom), MbrMinY(geom), "
                                                "MbrMaxX(geom), MbrMaxY(geom) FROM buildings",
                                         &error);
  while (sqlite3_step (all) == SQLITE_ROW)
    {
      double b[4];
      for (int k = 0; k < 4; k++)
        b[k] = sqlite3_column_double (all, k);
      g_array_append_vals (boxes, b, 1);
    }
  sqlite3_finalize (all);
  g_autoptr (GRand) rand = g_rand_new_with_seed (7);
  guint nonempty = 0;
  for (int q = 0; q < 200; q++)
    {
      gboolean in_porto = q % 2 == 0;
      double x = in_porto ? g_rand_double_range (rand, -8.63, -8.59)
                          : g_rand_double_range (rand, 116.309, 116.331);
      double y = in_porto ? g_rand_double_range (rand, 41.12, 41.16)
                          : g_rand_double_range (rand, 39.991, 40.013);
      double w = g_rand_double_range (rand, 0.00001, 0.004);
      double box[4] = { x, y, x + w, y + w * 0.75 };
      guint expected = 0;
      for (guint i = 0; i < boxes->len; i++)
        {
          const double *b = (const double *) boxes->data + 4 * i;
          if (b[0] <= box[2] && b[2] >= box[0] && b[1] <= box[3] && b[3] >= box[1])
            expected++;
        }
      g_autoptr (GListModel) hits = cm_store_query_bbox (store, CM_LAYER_BUILDINGS, box, &error);
      g_assert_cmpint (g_list_model_get_n_items (hits), ==, expected);
      nonempty += expected > 0;
    }
  g_assert_cmpint (nonempty, >, 100);

  /* the packed index takes ordinary edits afterwards */
  g_autoptr (GListModel) some = cm_store_query_bbox (store, CM_LAYER_BUILDINGS,
                                                     (double[4]){ -8.62, 41.14, -8.60, 41.15 },
                                                     &error);
  for (guint i = 0; i < 50; i++)
    {
      /* rewriting the geometry makes SpatiaLite's restored triggers move the index entry */
      g_autoptr (CmFeature) f = g_list_model_get_item (some, i);
      g_assert_true (cm_store_update_feature (store, f, &error));
      g_assert_no_error (error);
    }
  g_autofree char *tree2 = query_text (store, "SELECT rtreecheck('idx_buildings_geom')");
  g_assert_cmpstr (tree2, ==, "ok");
  g_assert_cmpint (cm_test_query_int (store, "SELECT CheckSpatialIndex('buildings', 'geom')"), ==, 1);
}

/* Every row of every feature table (every column but the row id; @with_dates: with
 * created_at and updated_at), and the photos, contributors and workshops (their own fields),
 * as text: two maps hold the same data when these are equal. */
static char *
dump_map (CmStore *store, gboolean with_dates)
{
  GString *out = g_string_new (NULL);
  const char *records[] = {
    "SELECT uuid, feature_uuid, mime, width, height, hex(data), created_at, deleted FROM photos",
    "SELECT uuid, name, workshop_uuid, tags, deleted FROM contributors",
    "SELECT uuid, name, date, place, tags, deleted FROM workshops",
  };
  g_autoptr (GPtrArray) queries = g_ptr_array_new_with_free_func (g_free);
  for (int l = 0; l < CM_N_LAYERS; l++)
    {
      GString *cols = g_string_new ("uuid, source_id, category, name, description, tags,"
                                    " contributor_uuid, workshop_uuid, deleted, hex(geom)");
      if (with_dates)
        g_string_append (cols, ", created_at, updated_at");
      for (guint i = 0; i < cm_layer_get_info (l)->n_fields; i++)
        g_string_append_printf (cols, ", %s", cm_layer_get_info (l)->fields[i].name);
      g_ptr_array_add (queries, g_strdup_printf ("SELECT %s FROM %s", cols->str,
                                                 cm_layer_to_string (l)));
      g_string_free (cols, TRUE);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (records); i++)
    g_ptr_array_add (queries, g_strdup (records[i]));
  for (guint q = 0; q < queries->len; q++)
    {
      g_autofree char *sql = g_strdup_printf ("%s ORDER BY uuid",
                                              (char *) g_ptr_array_index (queries, q));
      g_autoptr (GError) error = NULL;
      sqlite3_stmt *stmt = _cm_store_prepare (store, sql, &error);
      g_assert_no_error (error);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          for (int c = 0; c < sqlite3_column_count (stmt); c++)
            g_string_append_printf (out, "%s%s:%s", c ? "|" : "", sqlite3_column_name (stmt, c),
                                    sqlite3_column_type (stmt, c) == SQLITE_NULL
                                        ? "NULL"
                                        : (const char *) sqlite3_column_text (stmt, c));
          g_string_append_c (out, '\n');
        }
      sqlite3_finalize (stmt);
    }
  return g_string_free (out, FALSE);
}

/* Long texts compared line by line, so that a failure shows the line that differs. */
static void
assert_same_lines (const char *a, const char *b)
{
  g_auto (GStrv) la = g_strsplit (a, "\n", -1), lb = g_strsplit (b, "\n", -1);
  for (guint i = 0; la[i] || lb[i]; i++)
    g_assert_cmpstr (la[i], ==, lb[i]);
}

static void
export_to (CmStore *store, const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GFileOutputStream) out = g_file_replace (file, NULL, FALSE, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cm_export_geojson (store, CM_LAYER_NONE, G_OUTPUT_STREAM (out), NULL, &error),
                   >, 0);
  g_assert_true (g_output_stream_close (G_OUTPUT_STREAM (out), NULL, &error));
}

/* What residents and planners add in the window leaves whole: a point drawn in a workshop by a
 * named and an anonymous resident, with a description and a photo, a station's radius, a
 * team's kind and members, a building's households; exported and imported into the same map
 * nothing changes (no new feature, no write: every row as it was), into a new map every field
 * is equal. Coordinates drawn on screen (15+ digits) come back exactly. */
static void
test_export_round_trip (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = cm_test_demo_copy ("drawn.sqlite");
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr (CmStore) store = cm_store_open (path, &error);
  g_assert_no_error (error);

  g_autofree char *workshop = cm_store_add_workshop (store, "资源图工作坊", "2026-11-21",
                                                     "文化小院", &error);
  g_autofree char *li = cm_store_add_contributor (store, "李阿姨", workshop, &error);
  g_autofree char *anon = cm_store_add_anonymous_contributor (store, workshop, &error);
  g_assert_no_error (error);
  const char *names[] = { "路口太黑", "共享长椅" };
  const char *who[] = { li, anon };
  for (int i = 0; i < 2; i++)
    {
      CmGeom *g = cm_geom_new (CM_GEOM_POINT);
      /* where a click lands: not a round number */
      double xy[2] = { 116.32178923456789 + i * 1e-4, 40.00512345678912 };
      guint one = 1;
      g_array_append_vals (g->xy, xy, 2);
      g_array_append_val (g->ring_len, one);
      g_array_append_val (g->part_len, one);
      g_autoptr (GBytes) wkb = cm_geom_to_wkb (g);
      cm_geom_free (g);
      g_autoptr (CmFeature) f = cm_feature_new (CM_LAYER_RESOURCES);
      cm_feature_set_wkb (f, wkb);
      cm_feature_set_name (f, names[i]);
      cm_feature_set_category (f, i ? "shared_space" : "broken_street_light");
      cm_feature_set_description (f, i ? NULL : "晚上七点后很黑，老人怕摔");
      cm_feature_set_contributor_uuid (f, who[i]);
      cm_feature_set_workshop_uuid (f, workshop);
      g_assert_true (cm_store_add_feature (store, f, &error));
      if (i == 0)
        {
          g_autofree char *png = g_build_filename (dir, "light.png", NULL);
          g_autoptr (GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, TRUE, 8, 40, 30);
          gdk_pixbuf_fill (pixbuf, 0x3366cc80);
          g_assert_true (gdk_pixbuf_save (pixbuf, png, "png", &error, NULL));
          g_autofree char *photo = cm_store_add_photo (store, f, png, &error);
          g_assert_no_error (error);
        }
    }
  g_assert_true (_cm_store_exec (store,
                                 "UPDATE stations SET service_radius_m = 350.5 WHERE id = 1;"
                                 "UPDATE teams SET kind = 'culture_sports', members = 16"
                                 " WHERE id = 1;"
                                 "UPDATE buildings SET households = 48, population = 131"
                                 " WHERE id = 7;"
                                 /* the planner's fields of schema 3 travel too */
                                 "UPDATE stations SET kind = 'heart_link_station',"
                                 " opening_hours = '8:00-20:00', phone = '0757-1' WHERE id = 1;"
                                 "UPDATE teams SET leader = '李', meeting_place = '文化小院'"
                                 " WHERE id = 1;"
                                 "UPDATE buildings SET building_head = '王阿姨', compound_uuid ="
                                 " (SELECT uuid FROM compounds ORDER BY id LIMIT 1) WHERE id = 7",
                                 &error));
  g_assert_no_error (error);

  g_autofree char *exported = g_build_filename (dir, "all.geojson", NULL);
  export_to (store, exported);
  gint64 n = cm_test_query_int (store, "SELECT (SELECT count(*) FROM resources WHERE deleted = 0)"
                                       " + (SELECT count(*) FROM stations) + (SELECT count(*)"
                                       " FROM teams) + (SELECT count(*) FROM buildings)"
                                       " + (SELECT count(*) FROM paths) + (SELECT count(*) FROM"
                                       " barriers) + (SELECT count(*) FROM boundary)"
                                       " + (SELECT count(*) FROM compounds)"
                                       " + (SELECT count(*) FROM reports)");

  /* the file says what a reader needs, in words */
  g_autoptr (JsonNode) root = load_json (exported);
  JsonArray *features = json_object_get_array_member (json_node_get_object (root), "features");
  g_assert_cmpint (json_array_get_length (features), ==, n);
  gboolean seen_light = FALSE;
  for (guint i = 0; i < json_array_get_length (features); i++)
    {
      JsonObject *f = json_array_get_object_element (features, i);
      JsonObject *p = json_object_get_object_member (f, "properties");
      if (g_strcmp0 (json_object_get_string_member_with_default (p, "name", ""), "路口太黑"))
        continue;
      seen_light = TRUE;
      g_assert_cmpstr (json_object_get_string_member (p, "map_layer"), ==, "resources");
      g_assert_cmpstr (json_object_get_string_member (p, "description"), ==,
                       "晚上七点后很黑，老人怕摔");
      JsonObject *c = json_object_get_object_member (p, "contributor");
      g_assert_cmpstr (json_object_get_string_member (c, "name"), ==, "李阿姨");
      g_assert_cmpstr (json_object_get_string_member (c, "uuid"), ==, li);
      JsonObject *w = json_object_get_object_member (p, "workshop");
      g_assert_cmpstr (json_object_get_string_member (w, "place"), ==, "文化小院");
      g_assert_cmpint (json_array_get_length (json_object_get_array_member (p, "photos")), ==, 1);
      JsonArray *xy = json_object_get_array_member (json_object_get_object_member (f, "geometry"),
                                                    "coordinates");
      g_assert_cmpfloat (json_array_get_double_element (xy, 0), ==, 116.32178923456789);
      g_assert_cmpfloat (json_array_get_double_element (xy, 1), ==, 40.00512345678912);
    }
  g_assert_true (seen_light);

  /* into the same map: nothing changes */
  g_autofree char *before = dump_map (store, TRUE);
  g_autofree char *sha_before = NULL;
  g_autoptr (CmImportReport) report = cm_import_report_new ();
  g_assert_true (cm_import_file (store, exported, CM_LAYER_NONE, NULL, report, NULL, NULL, NULL,
                                 &error));
  g_assert_no_error (error);
  g_assert_cmpint (report->created, ==, 0);
  g_assert_cmpint (report->updated, ==, 0);
  g_assert_cmpint (report->unchanged, ==, n);
  g_autofree char *after = dump_map (store, TRUE);
  g_assert_cmpstr (before, ==, after);
  (void) sha_before;

  /* into a new map: every field equal, the dates too; photos, contributors, workshops */
  g_autoptr (CmStore) other = new_map (dir, "other.sqlite");
  g_assert_true (cm_import_file (other, exported, CM_LAYER_NONE, NULL, report, NULL, NULL, NULL,
                                 &error));
  g_assert_no_error (error);
  g_assert_cmpint (report->created, ==, n);
  g_autofree char *copied = dump_map (other, TRUE);
  assert_same_lines (before, copied);
  g_assert_cmpint (cm_test_query_int (other, "SELECT count(*) FROM resources WHERE name ="
                                             " '路口太黑' AND description = '晚上七点后很黑，老人怕摔'"
                                             " AND contributor_uuid = (SELECT uuid FROM"
                                             " contributors WHERE name = '李阿姨')"), ==, 1);
  g_assert_cmpint (cm_test_query_int (other, "SELECT json_extract(tags, '$.anonymous') FROM"
                                             " contributors WHERE uuid = (SELECT contributor_uuid"
                                             " FROM resources WHERE name = '共享长椅')"), ==, 1);
  g_assert_cmpint (cm_test_query_int (other, "SELECT count(*) FROM stations WHERE"
                                             " service_radius_m = 350.5"), ==, 1);
  g_assert_cmpint (cm_test_query_int (other, "SELECT members FROM teams WHERE kind ="
                                             " 'culture_sports'"), ==, 16);
  g_assert_cmpint (cm_test_query_int (other, "SELECT households + population FROM buildings"
                                             " WHERE id = 7"), ==, 179);
  g_assert_cmpint (cm_test_query_int (other, "SELECT sum(households) FROM buildings"),
                   ==, cm_test_query_int (store, "SELECT sum(households) FROM buildings"));
  /* and the second copy exports the same file, byte for byte */
  g_autofree char *again = g_build_filename (dir, "again.geojson", NULL);
  export_to (other, again);
  g_autofree char *a = NULL, *b = NULL;
  g_assert_true (g_file_get_contents (exported, &a, NULL, NULL));
  g_assert_true (g_file_get_contents (again, &b, NULL, NULL));
  g_assert_true (g_str_equal (a, b));
}


/* ---- the quick proof that a building's outline is valid (cm_geom_is_surely_valid_polygon) ----
 * The import skips GEOS for the polygons it proves valid, so a proof must never be wrong: every
 * polygon it accepts GEOS finds valid, and it accepts most real buildings (else it saves
 * nothing). */

/* A one-ring polygon from @n positions (x, y), closed here: each at @origin + @step × (x, y). */
#define BEIJING 116.3, 39.9
static CmGeom *
ring_polygon (const double *xy, guint n, double origin_x, double origin_y, double step)
{
  CmGeom *g = cm_geom_new (CM_GEOM_POLYGON);
  for (guint i = 0; i <= n; i++)
    {
      double p[2] = { origin_x + xy[2 * (i % n)] * step, origin_y + xy[2 * (i % n) + 1] * step };
      g_array_append_vals (g->xy, p, 2);
    }
  guint len = n + 1, rings = 1;
  g_array_append_val (g->ring_len, len);
  g_array_append_val (g->part_len, rings);
  return g;
}

static gboolean
geos_valid (GEOSContextHandle_t ctx, const CmGeom *g)
{
  GEOSGeometry *geos = cm_geom_to_geos (ctx, g);
  if (geos == NULL)
    return FALSE;
  char valid = GEOSisValid_r (ctx, geos);
  GEOSGeom_destroy_r (ctx, geos);
  return valid == 1;
}

static void
quiet_geos (const char *message, void *data)
{
  (void) message;
  (void) data;
}

typedef struct
{
  GEOSContextHandle_t ctx;
  guint polygons, proven;
} ProofCount;

static gboolean
count_proof (CmGeoJsonFeature *f, gpointer user_data, GError **error)
{
  ProofCount *c = user_data;
  (void) error;
  if (f->geom == NULL || cm_geom_type_single (f->geom->type) != CM_GEOM_POLYGON)
    return TRUE;
  cm_geom_close_rings (f->geom);
  c->polygons++;
  if (cm_geom_is_surely_valid_polygon (f->geom))
    {
      c->proven++;
      if (!geos_valid (c->ctx, f->geom))
        g_error ("feature %u proven valid, but GEOS finds it invalid", f->index + 1);
    }
  return TRUE;
}

static void
test_quick_validity (void)
{
  GEOSContextHandle_t ctx = GEOS_init_r ();
  GEOSContext_setErrorMessageHandler_r (ctx, quiet_geos, NULL);
  GEOSContext_setNoticeMessageHandler_r (ctx, quiet_geos, NULL);
  const double m = 1e-5; /* about a metre */
  static const struct
  {
    const char *what;
    double xy[16];
    guint n;
    gboolean proven;
  } shapes[] = {
    { "a square", { 0, 0, 10, 0, 10, 10, 0, 10 }, 4, TRUE },
    { "a triangle", { 0, 0, 10, 0, 0, 10 }, 3, TRUE },
    { "an L", { 0, 0, 20, 0, 20, 10, 10, 10, 10, 20, 0, 20 }, 6, TRUE },
    { "a bow tie", { 0, 0, 10, 10, 10, 0, 0, 10 }, 4, FALSE },
    { "a corner touching a side", { 0, 0, 20, 0, 20, 20, 10, 0, 0, 20 }, 5, FALSE },
    { "a ring touching itself at a corner", { 0, 0, 10, 0, 5, 5, 10, 10, 0, 10, 5, 5 }, 6, FALSE },
    { "a spike back along a side", { 0, 0, 20, 0, 10, 0, 10, 10 }, 4, FALSE },
    { "a repeated position", { 0, 0, 10, 0, 10, 0, 10, 10, 0, 10 }, 5, FALSE },
    { "a straight corner", { 0, 0, 5, 0, 10, 0, 10, 10, 0, 10 }, 5, FALSE },
    { "every corner in a line", { 0, 0, 10, 0, 20, 0 }, 3, FALSE },
    { "sides crossing far apart", { 0, 0, 30, 0, 30, 10, 20, 10, 20, -10, 10, -10, 10, 10, 0, 10 }, 8, FALSE },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (shapes); i++)
    {
      g_autoptr (CmGeom) g = ring_polygon (shapes[i].xy, shapes[i].n, BEIJING, m);
      g_test_message ("%s", shapes[i].what);
      g_assert_cmpint (cm_geom_is_surely_valid_polygon (g), ==, shapes[i].proven);
      if (shapes[i].proven)
        g_assert_true (geos_valid (ctx, g));
    }

  /* a corner 1e-17° off the line: stored as a double it lies on it, three corners in a line */
  {
    double xy[] = { 0, 0, 2, 0, 1, 1e-12 };
    g_autoptr (CmGeom) g = ring_polygon (xy, 3, BEIJING, m);
    g_assert_false (cm_geom_is_surely_valid_polygon (g));
  }
  /* near 0°, 0° the differences of coordinates are rounded too: here r lies a hair to the left
   * of p → q, but the products computed in floating point put it to the right, with v and w.
   * A proof that believed them would call the ring simple; v → r crosses p → q. */
  {
    const double pqvrw[] = { 0.00020973200879735582, 0.0001261967704018901,    /* p */
                             -0.00013464041356808565, -8.101379210211164e-05,  /* q */
                             -0.0001861973613392815, 4.670985638851116e-06,    /* v */
                             4.975019414015533e-06, 2.9934933934766113e-06,    /* r */
                             0.00015817506102615996, 0.00021188154814285286 }; /* w */
    g_autoptr (CmGeom) g = ring_polygon (pqvrw, 5, 0, 0, 1);
    g_assert_false (geos_valid (ctx, g));
    g_assert_false (cm_geom_is_surely_valid_polygon (g));
  }
  /* a triangle 1e-155° across, near 0°, 0°: its products fall below double's normal range,
   * where rounding is no longer relative, so nothing is proven */
  {
    const double xy[] = { 1, 1, 3, 1, 2, 3 };
    g_autoptr (CmGeom) g = ring_polygon (xy, 3, 0, 0, 1e-155);
    g_assert_false (cm_geom_is_surely_valid_polygon (g));
  }
  /* not what the proof is for: a hole, a position that is not a number, a long ring */
  {
    double outer[] = { 0, 0, 10, 0, 10, 10, 0, 10 };
    g_autoptr (CmGeom) g = ring_polygon (outer, 4, BEIJING, m);
    double hole[] = { 116.3 + 2 * m, 39.9 + 2 * m, 116.3 + 4 * m, 39.9 + 2 * m,
                      116.3 + 4 * m, 39.9 + 4 * m, 116.3 + 2 * m, 39.9 + 2 * m };
    g_array_append_vals (g->xy, hole, G_N_ELEMENTS (hole));
    guint len = 4;
    g_array_append_val (g->ring_len, len);
    g_array_index (g->part_len, guint, 0) = 2;
    g_assert_true (geos_valid (ctx, g));
    g_assert_false (cm_geom_is_surely_valid_polygon (g));
  }
  {
    double xy[] = { 0, 0, 10, 0, 10, NAN, 0, 10 };
    g_autoptr (CmGeom) g = ring_polygon (xy, 4, BEIJING, m);
    g_assert_false (cm_geom_is_surely_valid_polygon (g));
  }
  for (guint n = CM_GEOM_QUICK_VALID_MAX - 1; n <= CM_GEOM_QUICK_VALID_MAX; n++)
    {
      /* a circle of n corners: n + 1 positions with the closing one */
      g_autofree double *xy = g_new (double, 2 * n);
      for (guint i = 0; i < n; i++)
        {
          xy[2 * i] = 100 * cos (2 * G_PI * i / n);
          xy[2 * i + 1] = 100 * sin (2 * G_PI * i / n);
        }
      g_autoptr (CmGeom) g = ring_polygon (xy, n, BEIJING, m);
      g_assert_cmpint (cm_geom_is_surely_valid_polygon (g), ==, n + 1 <= CM_GEOM_QUICK_VALID_MAX);
    }

  /* random rings of 3 to 8 corners on a 5 × 5 grid: many touch, cross, run along each other
   * or repeat a corner */
  GRand *rand = g_rand_new_with_seed (17);
  guint proven = 0, valid = 0;
  for (int k = 0; k < 20000; k++)
    {
      double xy[16];
      guint n = g_rand_int_range (rand, 3, 9);
      for (guint i = 0; i < 2 * n; i++)
        xy[i] = g_rand_int_range (rand, 0, 5);
      g_autoptr (CmGeom) g = ring_polygon (xy, n, BEIJING, m);
      gboolean is_valid = geos_valid (ctx, g), is_proven = cm_geom_is_surely_valid_polygon (g);
      if (is_proven && !is_valid)
        g_error ("random ring %d proven valid, but GEOS finds it invalid", k);
      valid += is_valid;
      proven += is_proven;
    }
  g_rand_free (rand);
  g_test_message ("random rings: %u valid, %u of them proven", valid, proven);
  g_assert_cmpuint (valid, >, 1000);
  g_assert_cmpuint (proven, >, valid / 2);

  /* every polygon of both extracts' buildings */
  const char *extracts[] = { "porto-centro", "beijing-tsinghua" };
  for (gsize e = 0; e < G_N_ELEMENTS (extracts); e++)
    {
      g_autofree char *path = g_build_filename (g_getenv ("CM_SHARED_DATA"), extracts[e],
                                                "buildings.geojson", NULL);
      g_autoptr (GFile) file = g_file_new_for_path (path);
      g_autoptr (GError) error = NULL;
      g_autoptr (GFileInputStream) in = g_file_read (file, NULL, &error);
      g_assert_no_error (error);
      ProofCount c = { ctx, 0, 0 };
      g_assert_true (cm_geojson_read (G_INPUT_STREAM (in), -1, count_proof, &c, NULL, NULL,
                                      NULL, &error));
      g_test_message ("%s: %u of %u polygons proven valid", extracts[e], c.proven, c.polygons);
      g_assert_cmpuint (c.polygons, >, 500);
      g_assert_cmpuint (c.proven, >=, c.polygons * 9 / 10);
    }
  GEOS_finish_r (ctx);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/import/manifest-counts", test_manifest_counts);
  g_test_add_func ("/import/quick-validity", test_quick_validity);
  g_test_add_func ("/import/round-trip/porto-pois", test_round_trip_porto_pois);
  g_test_add_func ("/import/round-trip/porto-roads", test_round_trip_porto_roads);
  g_test_add_func ("/import/round-trip/beijing-buildings", test_round_trip_beijing_buildings);
  g_test_add_func ("/import/names-byte-for-byte", test_names_byte_for_byte);
  g_test_add_func ("/import/reimport-updates", test_reimport_updates);
  g_test_add_func ("/import/export-round-trip", test_export_round_trip);
  g_test_add_func ("/import/categories-from-tags", test_categories_from_tags);
  g_test_add_func ("/import/duplicate-keys", test_duplicate_keys);
  g_test_add_func ("/import/progress-and-cancel", test_progress_and_cancel);
  g_test_add_func ("/import/layer-option", test_layer_option);
  g_test_add_func ("/import/from-ogr2ogr-spatialite", test_import_from_ogr2ogr_spatialite);
  g_test_add_func ("/import/spatial-index", test_spatial_index);
  return g_test_run ();
}
