/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-mbtiles.c: the MBTiles reader on ../shared/data/mbtiles: TMS rows, a tiles VIEW over
 * deduplicated images, missing metadata, and files that are not MBTiles. */
#include <sqlite3.h>
#include <string.h>

#include "cm-core.h"
#include "cm-test-util.h"

/* The raw bytes at TMS row @row, straight from SQLite, to compare with. */
static GBytes *
raw_tile (const char *path, int z, int x, int row)
{
  sqlite3 *db;
  sqlite3_stmt *stmt;
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_prepare_v2 (db, "SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ?"
                          " AND tile_row = ?", -1, &stmt, NULL);
  sqlite3_bind_int (stmt, 1, z);
  sqlite3_bind_int (stmt, 2, x);
  sqlite3_bind_int (stmt, 3, row);
  GBytes *b = NULL;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    b = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return b;
}

static void
test_plain (void)
{
  g_autofree char *path = cm_test_data ("mbtiles/plain_1.mbtiles");
  g_autoptr (GError) error = NULL;
  g_autoptr (CmMbtiles) mb = cm_mbtiles_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cm_mbtiles_get_name (mb), ==, "plain_1");
  /* no minzoom/maxzoom in its metadata: the range comes from the tiles (285 tiles, 0–4) */
  g_assert_cmpint (cm_mbtiles_get_min_zoom (mb), ==, 0);
  g_assert_cmpint (cm_mbtiles_get_max_zoom (mb), ==, 4);

  g_autoptr (GBytes) root = cm_mbtiles_get_tile (mb, 0, 0, 0, &error);
  g_assert_no_error (error);
  gsize len;
  const guint8 *png = g_bytes_get_data (root, &len);
  g_assert_cmpmem (png, 8, "\x89PNG\r\n\x1a\n", 8);

  /* slippy y counts from the north, TMS rows from the south: 3/2/1 is TMS row 6 */
  g_autoptr (GBytes) tile = cm_mbtiles_get_tile (mb, 3, 2, 1, &error);
  g_assert_no_error (error);
  g_autoptr (GBytes) expected = raw_tile (path, 3, 2, 6);
  g_autoptr (GBytes) wrong = raw_tile (path, 3, 2, 1);
  g_assert_nonnull (expected);
  g_assert_true (g_bytes_equal (tile, expected));
  g_assert_false (g_bytes_equal (tile, wrong)); /* the flip matters for this tile */

  /* outside the pyramid */
  g_assert_null (cm_mbtiles_get_tile (mb, 5, 0, 0, &error));
  g_assert_error (error, CM_MBTILES_ERROR, CM_MBTILES_ERROR_NO_TILE);
  g_clear_error (&error);
  g_assert_null (cm_mbtiles_get_tile (mb, 2, 4, 0, &error));
  g_assert_error (error, CM_MBTILES_ERROR, CM_MBTILES_ERROR_NO_TILE);
}

static void
test_geography_class (void)
{
  g_autofree char *path = cm_test_data ("mbtiles/geography-class-png.mbtiles");
  g_autoptr (GError) error = NULL;
  g_autoptr (CmMbtiles) mb = cm_mbtiles_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cm_mbtiles_get_name (mb), ==, "Geography Class");
  g_assert_cmpint (cm_mbtiles_get_min_zoom (mb), ==, 0);
  g_assert_cmpint (cm_mbtiles_get_max_zoom (mb), ==, 1);
  for (int y = 0; y < 2; y++)
    for (int x = 0; x < 2; x++)
      {
        g_autoptr (GBytes) t = cm_mbtiles_get_tile (mb, 1, x, y, &error);
        g_assert_no_error (error);
        g_autoptr (GBytes) raw = raw_tile (path, 1, x, 1 - y);
        g_assert_true (g_bytes_equal (t, raw));
      }
}

static void
test_not_mbtiles (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *json = cm_test_data ("porto-centro/MANIFEST.json");
  g_assert_null (cm_mbtiles_open (json, &error));
  g_assert_error (error, CM_MBTILES_ERROR, CM_MBTILES_ERROR_NOT_MBTILES);
  g_clear_error (&error);
  /* a community map is SQLite, but has no tiles */
  g_autofree char *dir = cm_test_tmpdir ();
  g_autofree char *map = g_build_filename (dir, "m.sqlite", NULL);
  {
    g_autoptr (CmStore) store = cm_store_create (map, "m", &error);
    g_assert_no_error (error);
  }
  g_autofree char *before = cm_test_sha256 (map);
  g_assert_null (cm_mbtiles_open (map, &error));
  g_assert_error (error, CM_MBTILES_ERROR, CM_MBTILES_ERROR_NOT_MBTILES);
  g_autofree char *after = cm_test_sha256 (map);
  g_assert_cmpstr (before, ==, after);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mbtiles/plain", test_plain);
  g_test_add_func ("/mbtiles/geography-class", test_geography_class);
  g_test_add_func ("/mbtiles/not-mbtiles", test_not_mbtiles);
  return g_test_run ();
}
