/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-bad-geojson.c: every file of ../shared/data/bad-geojson has its listed outcome
 * (tests/bad-geojson-outcomes.tsv), a refused import leaves the map byte-for-byte unchanged,
 * and no input — deep, long, cut anywhere or random — crashes the reader. */
#include <string.h>

#include "cm-core.h"
#include "cm-store-private.h"
#include "cm-test-util.h"

static const struct
{
  const char *name;
  CmGeoJsonError code;
} code_names[] = {
  { "empty", CM_GEOJSON_ERROR_EMPTY },
  { "invalid-json", CM_GEOJSON_ERROR_INVALID_JSON },
  { "not-utf8", CM_GEOJSON_ERROR_NOT_UTF8 },
  { "truncated", CM_GEOJSON_ERROR_TRUNCATED },
  { "not-geojson", CM_GEOJSON_ERROR_NOT_GEOJSON },
  { "out-of-range", CM_GEOJSON_ERROR_OUT_OF_RANGE },
  { "unsupported-crs", CM_GEOJSON_ERROR_UNSUPPORTED_CRS },
  { "too-deep", CM_GEOJSON_ERROR_TOO_DEEP },
};

static int
code_from_name (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (code_names); i++)
    if (strcmp (code_names[i].name, name) == 0)
      return code_names[i].code;
  g_error ("unknown outcome code %s", name);
  return -1;
}

static char *map_path;
static char *empty_map_sha;

/* A fresh empty map for each file, made by copying one template. */
static CmStore *
fresh_map (void)
{
  g_autoptr (GError) error = NULL;
  static char *template;
  if (template == NULL)
    {
      g_autofree char *dir = cm_test_tmpdir ();
      template = g_build_filename (dir, "template.sqlite", NULL);
      map_path = g_build_filename (dir, "map.sqlite", NULL);
      g_autoptr (CmStore) store = cm_store_create (template, "bad", &error);
      g_assert_no_error (error);
    }
  g_autofree char *bytes = NULL;
  gsize len;
  g_file_get_contents (template, &bytes, &len, &error);
  g_assert_no_error (error);
  g_file_set_contents (map_path, bytes, len, &error);
  g_assert_no_error (error);
  if (empty_map_sha == NULL)
    empty_map_sha = cm_test_sha256 (map_path);
  CmStore *store = cm_store_open (map_path, &error);
  g_assert_no_error (error);
  return store;
}

/* Imports @path into a fresh map; on refusal checks the map is unchanged. */
static gboolean
import_into_fresh (const char *path, CmImportReport *report, GError **error)
{
  CmStore *store = fresh_map ();
  gboolean ok = cm_import_file (store, path, CM_LAYER_NONE, NULL, report, NULL, NULL, NULL, error);
  if (ok)
    {
      /* what the report says was stored is what the map holds */
      gint64 total = 0;
      for (int i = 0; i < CM_N_LAYERS; i++)
        {
          CmLayerStats s;
          g_assert_true (cm_store_get_layer_stats (store, i, &s, NULL));
          total += s.count;
          g_assert_cmpint (s.count, ==, report->per_layer[i]);
        }
      g_assert_cmpint (total, ==, report->created + report->updated + report->unchanged);
    }
  g_object_unref (store);
  if (!ok)
    {
      g_autofree char *after = cm_test_sha256 (map_path);
      g_assert_cmpstr (after, ==, empty_map_sha);
    }
  return ok;
}

/* The .geojson files under @dir (names relative to the bad-geojson folder), recursively. */
static void
list_geojson (const char *root, const char *rel, GPtrArray *out)
{
  g_autofree char *dir = g_build_filename (root, rel, NULL);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  g_assert_nonnull (d);
  const char *name;
  while ((name = g_dir_read_name (d)))
    {
      g_autofree char *child_rel = *rel ? g_build_filename (rel, name, NULL) : g_strdup (name);
      g_autofree char *child = g_build_filename (root, child_rel, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        list_geojson (root, child_rel, out);
      else if (g_str_has_suffix (name, ".geojson"))
        g_ptr_array_add (out, g_steal_pointer (&child_rel));
    }
}

static void
test_outcome_table (void)
{
  g_autofree char *table_path = g_build_filename (g_getenv ("CM_TESTS_DIR"),
                                                  "bad-geojson-outcomes.tsv", NULL);
  g_autofree char *table = NULL;
  g_autoptr (GError) error = NULL;
  g_file_get_contents (table_path, &table, NULL, &error);
  g_assert_no_error (error);

  g_auto (GStrv) lines = g_strsplit (table, "\n", -1);
  g_autoptr (GHashTable) listed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint checked = 0, refused = 0;
  for (char **line = lines; *line; line++)
    {
      if (**line == '#' || **line == '\0')
        continue;
      g_auto (GStrv) f = g_strsplit (*line, "\t", -1);
      g_hash_table_add (listed, g_strdup (f[0]));
      g_autofree char *rel = g_build_filename ("bad-geojson", f[0], NULL);
      g_autofree char *path = cm_test_data (rel);
      g_autoptr (CmImportReport) report = cm_import_report_new ();
      g_test_message ("%s: expect %s", f[0], f[1]);

      gboolean ok = import_into_fresh (path, report, &error);
      if (strcmp (f[1], "refused") == 0)
        {
          g_assert_false (ok);
          g_assert_error (error, CM_GEOJSON_ERROR, code_from_name (f[2]));
          /* the message names the file, and the line unless the file is empty */
          g_autofree char *base = g_path_get_basename (path);
          g_assert_nonnull (strstr (error->message, base));
          if (code_from_name (f[2]) != CM_GEOJSON_ERROR_EMPTY)
            g_assert_nonnull (strstr (error->message, "line "));
          g_clear_error (&error);
          refused++;
        }
      else
        {
          g_assert_no_error (error);
          g_assert_true (ok);
          g_assert_cmpint (report->read, ==, atoi (f[2]));
          g_assert_cmpint (report->created + report->updated + report->unchanged, ==, atoi (f[3]));
          g_assert_cmpint (report->repaired, ==, atoi (f[4]));
          g_assert_cmpint (report->skipped, ==, atoi (f[5]));
          g_assert_cmpint (report->dropped_z, ==, atoi (f[6]));
          /* the counts add up, and every repaired or skipped feature is listed */
          g_assert_cmpint (report->read, ==, report->created + report->updated + report->unchanged +
                                           report->skipped);
          g_assert_cmpint (report->notes->len, ==, report->repaired + report->skipped);
        }
      checked++;
    }
  /* every .geojson file under bad-geojson/ has its row, and every row its file */
  g_autoptr (GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *root = cm_test_data ("bad-geojson");
  list_geojson (root, "", files);
  g_assert_cmpuint (files->len, >, 100);
  for (guint i = 0; i < files->len; i++)
    if (!g_hash_table_contains (listed, g_ptr_array_index (files, i)))
      g_error ("%s has no row in bad-geojson-outcomes.tsv", (char *) g_ptr_array_index (files, i));
  g_assert_cmpuint (checked, ==, files->len);
  g_assert_cmpint (refused, >=, 40);
}

/* Repaired geometries are valid in the map, and self-intersecting buildings stay buildings. */
static void
test_repairs_are_valid (void)
{
  g_autofree char *path = cm_test_data ("bad-geojson/derived/self-intersecting-buildings.geojson");
  g_autoptr (CmImportReport) report = cm_import_report_new ();
  g_autoptr (GError) error = NULL;
  CmStore *store = fresh_map ();
  g_assert_true (cm_import_file (store, path, CM_LAYER_NONE, NULL, report, NULL, NULL, NULL, &error));
  g_assert_cmpint (report->per_layer[CM_LAYER_BUILDINGS], ==, 20);
  g_assert_cmpint (report->repaired, ==, 20);
  g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM buildings WHERE "
                                             "ST_IsValid(geom) = 1"), ==, 20);
  /* a bow-tie becomes its two triangles: the area is kept, not lost */
  g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM buildings WHERE "
                                             "ST_Area(geom) > 0"), ==, 20);
  g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_assert_true (cm_store_check (store, problems, &error));
  g_assert_cmpint (problems->len, ==, 0);
  g_object_unref (store);
}

static gboolean
import_bytes (const char *bytes, gsize len, CmImportReport *report, GError **error)
{
  g_autofree char *dir = cm_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "input.geojson", NULL);
  g_file_set_contents (path, bytes, len, NULL);
  return import_into_fresh (path, report, error);
}

/* Coordinates exactly on ±180° / ±90° are the world's edges, not another system: imported.
 * A ten-millionth of a degree beyond is refused. */
static void
test_coordinate_limits (void)
{
  const char *on_edges =
      "{\"type\":\"FeatureCollection\",\"features\":["
      "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Point\",\"coordinates\":[180,90]}},"
      "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Point\",\"coordinates\":[-180,-90]}},"
      "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"LineString\","
      "\"coordinates\":[[-180.0,0],[180.0,0.5]]}}]}";
  g_autoptr (CmImportReport) report = cm_import_report_new ();
  g_autoptr (GError) error = NULL;
  g_assert_true (import_bytes (on_edges, strlen (on_edges), report, &error));
  g_assert_no_error (error);
  g_assert_cmpint (report->created, ==, 3);
  g_assert_cmpfloat (report->bbox[0], ==, -180);
  g_assert_cmpfloat (report->bbox[1], ==, -90);
  g_assert_cmpfloat (report->bbox[2], ==, 180);
  g_assert_cmpfloat (report->bbox[3], ==, 90);

  const char *beyond[] = { "[180.0000001,0]", "[-180.0000001,0]", "[0,90.0000001]",
                           "[0,-90.0000001]" };
  for (gsize i = 0; i < G_N_ELEMENTS (beyond); i++)
    {
      g_autofree char *text = g_strdup_printf (
          "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Point\","
          "\"coordinates\":%s}}", beyond[i]);
      g_autoptr (CmImportReport) r = cm_import_report_new ();
      g_autoptr (GError) e = NULL;
      g_assert_false (import_bytes (text, strlen (text), r, &e));
      g_assert_error (e, CM_GEOJSON_ERROR, CM_GEOJSON_ERROR_OUT_OF_RANGE);
    }
}

static void
test_too_deep (void)
{
  g_autoptr (CmImportReport) report = cm_import_report_new ();
  g_autoptr (GError) error = NULL;

  /* 100,000 open brackets: refused, no stack overflow */
  gsize n = 100000;
  g_autofree char *deep = g_malloc (n);
  memset (deep, '[', n);
  g_assert_false (import_bytes (deep, n, report, &error));
  g_assert_error (error, CM_GEOJSON_ERROR, CM_GEOJSON_ERROR_NOT_GEOJSON);
  g_clear_error (&error);

  /* properties nested 300 deep inside a valid feature */
  GString *s = g_string_new ("{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\","
                             "\"coordinates\":[1,2]},\"properties\":");
  for (int i = 0; i < 300; i++)
    g_string_append (s, "{\"a\":");
  g_string_append (s, "1");
  for (int i = 0; i < 300; i++)
    g_string_append_c (s, '}');
  g_string_append_c (s, '}');
  g_assert_false (import_bytes (s->str, s->len, report, &error));
  g_assert_error (error, CM_GEOJSON_ERROR, CM_GEOJSON_ERROR_TOO_DEEP);
  g_clear_error (&error);
  g_string_free (s, TRUE);

  /* 200 deep is fine, and kept exactly */
  s = g_string_new ("{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\","
                    "\"coordinates\":[1,2]},\"properties\":");
  GString *props = g_string_new (NULL);
  for (int i = 0; i < 200; i++)
    g_string_append (props, "{\"a\":");
  g_string_append (props, "[1.50,\"x\",null,true]");
  for (int i = 0; i < 200; i++)
    g_string_append_c (props, '}');
  g_string_append (s, props->str);
  g_string_append_c (s, '}');
  g_assert_true (import_bytes (s->str, s->len, report, &error));
  g_assert_no_error (error);
  CmStore *store = cm_store_open (map_path, &error);
  sqlite3_stmt *stmt = _cm_store_prepare (store, "SELECT tags FROM resources", &error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, props->str);
  sqlite3_finalize (stmt);
  g_object_unref (store);
  g_string_free (s, TRUE);
  g_string_free (props, TRUE);
}

/* A valid file cut at every byte: refused or imported, never a crash; refusals change nothing.
 * Only the full length imports: any shorter cut is refused as truncated or broken. */
static void
test_every_truncation (void)
{
  g_autofree char *path = cm_test_data ("bad-geojson/geojson-fixtures/featurecollection/one.geojson");
  g_autofree char *bytes = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (path, &bytes, &len, NULL));
  guint refused = 0;
  for (gsize cut = 0; cut < len; cut++)
    {
      g_autoptr (CmImportReport) report = cm_import_report_new ();
      g_autoptr (GError) error = NULL;
      if (!import_bytes (bytes, cut, report, &error))
        {
          g_assert_true (error->domain == CM_GEOJSON_ERROR);
          refused++;
        }
    }
  /* a cut inside the trailing whitespace leaves a whole document */
  gsize whole = len;
  while (whole > 0 && g_ascii_isspace (bytes[whole - 1]))
    whole--;
  g_assert_cmpint (refused, ==, whole);
}

/* Random bytes and other encodings: refused with a message, never a crash. */
static void
test_garbage (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (20261123);
  for (int round = 0; round < 20; round++)
    {
      gsize len = 1 + g_rand_int_range (rand, 0, 65536);
      g_autofree guint8 *bytes = g_malloc (len);
      for (gsize i = 0; i < len; i++)
        bytes[i] = g_rand_int_range (rand, 0, 256);
      g_autoptr (CmImportReport) report = cm_import_report_new ();
      g_autoptr (GError) error = NULL;
      g_assert_false (import_bytes ((char *) bytes, len, report, &error));
      g_assert_true (error->domain == CM_GEOJSON_ERROR);
    }

  /* UTF-16 with a byte order mark */
  const char utf16[] = "\xff\xfe{\0\"\0t\0y\0p\0e\0\"\0:\0";
  g_autoptr (CmImportReport) report = cm_import_report_new ();
  g_autoptr (GError) error = NULL;
  g_assert_false (import_bytes (utf16, sizeof utf16 - 1, report, &error));
  g_assert_true (error->domain == CM_GEOJSON_ERROR);
}

/* Newline-delimited features and RS-separated sequences; a long string property. */
static void
test_sequences_and_long_values (void)
{
  g_autoptr (CmImportReport) report = cm_import_report_new ();
  g_autoptr (GError) error = NULL;
  GString *s = g_string_new (NULL);
  for (int i = 0; i < 100; i++)
    g_string_append_printf (s, "%s{\"type\":\"Feature\",\"id\":%d,\"geometry\":{\"type\":\"Point\","
                            "\"coordinates\":[%d.5,%d.25]},\"properties\":{\"n\":%d}}\n",
                            i % 2 ? "\x1e" : "", i, i, i % 90, i);
  g_assert_true (import_bytes (s->str, s->len, report, &error));
  g_assert_no_error (error);
  g_assert_cmpint (report->read, ==, 100);
  g_assert_cmpint (report->created, ==, 100);
  g_string_free (s, TRUE);

  /* one feature with a 20 MB string */
  s = g_string_new ("{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,2]},"
                    "\"properties\":{\"long\":\"");
  gsize start = s->len;
  g_string_set_size (s, start + 20 * 1024 * 1024);
  memset (s->str + start, 'x', 20 * 1024 * 1024);
  g_string_append (s, "\"}}");
  g_assert_true (import_bytes (s->str, s->len, report, &error));
  g_assert_no_error (error);
  CmStore *store = cm_store_open (map_path, &error);
  g_assert_cmpint (cm_test_query_int (store, "SELECT length(json_extract(tags, '$.long')) FROM "
                                             "resources"), ==, 20 * 1024 * 1024);
  g_object_unref (store);
  g_string_free (s, TRUE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/bad-geojson/outcome-table", test_outcome_table);
  g_test_add_func ("/bad-geojson/repairs-are-valid", test_repairs_are_valid);
  g_test_add_func ("/bad-geojson/too-deep", test_too_deep);
  g_test_add_func ("/bad-geojson/every-truncation", test_every_truncation);
  g_test_add_func ("/bad-geojson/coordinate-limits", test_coordinate_limits);
  g_test_add_func ("/bad-geojson/garbage", test_garbage);
  g_test_add_func ("/bad-geojson/sequences-and-long-values", test_sequences_and_long_values);
  return g_test_run ();
}
