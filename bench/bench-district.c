/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-district.c: a district of more than 500,000 buildings (issue #17), made from the Porto
 * layers of ../shared/data laid side by side, 7 × 7 shifted copies with their paths, joined at
 * every seam so the walking network is one; 500 stations with service radii, 1,700 resources,
 * 500 team areas and 50 compounds. Built once into BUILD/bench/bench-district.sqlite (and its
 * buildings as GeoJSON, for the import benchmark), like bench-render's 57k map.
 *
 * Then, the cost of opening a map at each size: the demo (600 buildings), the 57k map (when
 * bench-render has built it) and the district — cm_store_open in-process and `cmap info` as a
 * whole process, medians of RUNS. A map should open as fast at 500k as at 600.
 *
 * Then drawing a 1600×1200 view as the window does (bench-tiles.c: 256 px tiles on 2 threads,
 * a cache) at the 57k map and the district: open to the first whole-extent frame, cold frames
 * (every tile drawn, median of RUNS) at the whole extent and two zooms closer, warm frames
 * (panning over drawn tiles, mean and worst of 40). */
#include <fcntl.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>

#include "cm-analysis-style.h"
#include "cm-core.h"
#include "cm-store-private.h"
#include "bench-tiles.h"

#define DX 0.034 /* Porto's buildings span 0.0318° of longitude, 0.0346° of latitude */
#define DY 0.036
#define BANDS 6  /* joins per seam */
#define RUNS 5

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static void
exec (CmStore *store, const char *sql)
{
  g_autoptr (GError) error = NULL;
  if (!_cm_store_exec (store, sql, &error))
    g_error ("%s\n%s", error->message, sql);
}

static gint64
query_int (CmStore *store, const char *sql)
{
  g_autoptr (GError) error = NULL;
  sqlite3_stmt *stmt = _cm_store_prepare (store, sql, &error);
  if (stmt == NULL)
    g_error ("%s", error->message);
  gint64 v = sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : -1;
  sqlite3_finalize (stmt);
  return v;
}

/* The ends of Porto's paths nearest each side, in BANDS bands across it: where the copies are
 * joined. ends[side][band] = { x, y }; side 0 west, 1 east, 2 south, 3 north. */
static void
find_ends (CmStore *store, double ends[4][BANDS][2])
{
  double box[4] = { G_MAXDOUBLE, G_MAXDOUBLE, -G_MAXDOUBLE, -G_MAXDOUBLE };
  g_autoptr (GArray) pts = g_array_new (FALSE, FALSE, sizeof (double) * 2);
  g_autoptr (GError) error = NULL;
  sqlite3_stmt *stmt = _cm_store_prepare (
      store, "SELECT X(p), Y(p) FROM (SELECT StartPoint(GeometryN(CmGeom(geom), 1)) AS p FROM paths"
             " UNION ALL SELECT EndPoint(GeometryN(CmGeom(geom), 1)) FROM paths)"
             " WHERE p IS NOT NULL", &error);
  if (stmt == NULL)
    g_error ("%s", error->message);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      double p[2] = { sqlite3_column_double (stmt, 0), sqlite3_column_double (stmt, 1) };
      g_array_append_val (pts, p);
      box[0] = MIN (box[0], p[0]), box[1] = MIN (box[1], p[1]);
      box[2] = MAX (box[2], p[0]), box[3] = MAX (box[3], p[1]);
    }
  sqlite3_finalize (stmt);
  for (int side = 0; side < 4; side++)
    for (int b = 0; b < BANDS; b++)
      {
        gboolean across_y = side < 2; /* west/east ends: bands of latitude */
        double lo = across_y ? box[1] : box[0], hi = across_y ? box[3] : box[2];
        double from = lo + (hi - lo) * b / BANDS, to = lo + (hi - lo) * (b + 1) / BANDS;
        double best = side % 2 ? -G_MAXDOUBLE : G_MAXDOUBLE;
        for (guint i = 0; i < pts->len; i++)
          {
            const double *p = &g_array_index (pts, double, 2 * i);
            double along = across_y ? p[1] : p[0], out = across_y ? p[0] : p[1];
            if (along < from || along >= to)
              continue;
            if (side % 2 ? out > best : out < best)
              {
                best = out;
                ends[side][b][0] = p[0], ends[side][b][1] = p[1];
              }
          }
        if (best == G_MAXDOUBLE || best == -G_MAXDOUBLE)
          ends[side][b][0] = NAN; /* no path end in this band */
      }
}

static void
add_join (GString *sql, const double a[2], double ax, double ay, const double b[2], double bx,
          double by)
{
  if (isnan (a[0]) || isnan (b[0]))
    return;
  g_string_append_printf (
      sql,
      "INSERT INTO paths (category, name, geom) VALUES ('other', 'district join',"
      " CastToMultiLinestring(MakeLine(MakePoint(%.9f, %.9f, 4326), MakePoint(%.9f, %.9f, 4326))));",
      a[0] + ax, a[1] + ay, b[0] + bx, b[1] + by);
}

/* A district of COLUMNS × ROWS copies of Porto in @dir/@name, with stations, resources, team
 * areas and compounds in proportion (500, 1,700, 500 and 50 for 7 × 7). */
static char *
build_district (const char *shared, const char *dir, const char *name, const char *title,
                int COLUMNS, int ROWS)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    return g_steal_pointer (&path);
  g_print ("building %s (once) …\n", path);
  gint64 t0 = g_get_monotonic_time ();
  g_autofree char *tmp = g_strconcat (path, ".building", NULL);
  g_unlink (tmp);
  g_autoptr (GError) error = NULL;
  g_autoptr (CmStore) store = cm_store_create (tmp, title, &error);
  if (store == NULL)
    g_error ("%s", error->message);
  const char *files[] = { "buildings.geojson", "roads.geojson", "pois.geojson" };
  const CmLayer layers[] = { CM_LAYER_BUILDINGS, CM_LAYER_PATHS, CM_LAYER_RESOURCES };
  g_autoptr (CmImportReport) report = cm_import_report_new ();
  for (int i = 0; i < 3; i++)
    {
      g_autofree char *file = g_build_filename (shared, "porto-centro", files[i], NULL);
      if (!cm_import_file (store, file, layers[i], NULL, report, NULL, NULL, NULL, &error))
        g_error ("%s", error->message);
    }
  gint64 n_buildings = query_int (store, "SELECT max(id) FROM buildings");
  gint64 n_paths = query_int (store, "SELECT max(id) FROM paths");
  gint64 n_pois = query_int (store, "SELECT max(id) FROM resources");
  double ends[4][BANDS][2];
  find_ends (store, ends);

  /* the copies: buildings and paths whole; of the POIs, 1,700 resources in all */
  int copies = COLUMNS * ROWS;
  gint64 stations = 500 * copies / 49, teams = stations, n_compounds = MAX (1, 50 * copies / 49);
  gint64 keep_every = MAX (1, n_pois * copies / (1700 * copies / 49));
  for (int r = 0; r < ROWS; r++)
    for (int c = 0; c < COLUMNS; c++)
      {
        int k = r * COLUMNS + c;
        g_autofree char *copy_buildings = k == 0 ? g_strdup ("") : g_strdup_printf (
            " INSERT INTO buildings (category, name, tags, households, geom) SELECT category,"
            " name, tags, households, ShiftCoords(geom, %f, %f) FROM buildings WHERE id <= %"
            G_GINT64_FORMAT ";", c * DX, r * DY, n_buildings);
        g_autofree char *copy_paths = k == 0 ? g_strdup ("") : g_strdup_printf (
            " INSERT INTO paths (category, name, tags, geom) SELECT category, name, tags,"
            " ShiftCoords(geom, %f, %f) FROM paths WHERE id <= %" G_GINT64_FORMAT ";",
            c * DX, r * DY, n_paths);
        g_autofree char *sql = g_strdup_printf (
            "BEGIN;%s%s"
            " INSERT INTO resources (category, name, tags, geom) SELECT category, name, tags,"
            " ShiftCoords(geom, %f, %f) FROM resources WHERE id <= %" G_GINT64_FORMAT
            " AND (id + %d) %% %" G_GINT64_FORMAT " = 0;"
            " COMMIT;",
            copy_buildings, copy_paths, c * DX, r * DY, n_pois, k, keep_every);
        exec (store, sql);
      }
  /* the original POIs go: each copy (the first too) took its share of them */
  g_autofree char *trim = g_strdup_printf ("DELETE FROM resources WHERE id <= %" G_GINT64_FORMAT,
                                           n_pois);
  exec (store, trim);

  /* the seams: each copy's east ends joined to the next copy's west ends, north to south */
  GString *joins = g_string_new ("BEGIN;");
  for (int r = 0; r < ROWS; r++)
    for (int c = 0; c < COLUMNS; c++)
      for (int b = 0; b < BANDS; b++)
        {
          if (c + 1 < COLUMNS)
            add_join (joins, ends[1][b], c * DX, r * DY, ends[0][b], (c + 1) * DX, r * DY);
          if (r + 1 < ROWS)
            add_join (joins, ends[3][b], c * DX, r * DY, ends[2][b], c * DX, (r + 1) * DY);
        }
  g_string_append (joins, "COMMIT;");
  exec (store, joins->str);
  g_string_free (joins, TRUE);

  /* 500 stations (every so many buildings' inner point, radii 300–700 m), 500 team areas
   * (buffers of 0.0035–0.0071° around others: about 300–600 m east–west) and 50 compounds
   * (boxes of about 600 m) */
  gint64 all = query_int (store, "SELECT count(*) FROM buildings");
  g_autofree char *places = g_strdup_printf (
      "BEGIN;"
      " INSERT INTO stations (category, name, service_radius_m, geom)"
      " SELECT 'other', 'Station ' || (id / %1$" G_GINT64_FORMAT "), 300 + (id %% 5) * 100,"
      " PointOnSurface(CmGeom(geom)) FROM buildings WHERE id %% %1$" G_GINT64_FORMAT " = 0"
      " LIMIT %3$" G_GINT64_FORMAT ";"
      " INSERT INTO teams (category, name, members, geom)"
      " SELECT 'other', 'Team ' || (id / %1$" G_GINT64_FORMAT "), 5 + id %% 30,"
      " CastToMultiPolygon(Buffer(PointOnSurface(CmGeom(geom)), 0.0035 + (id %% 4) * 0.0012))"
      " FROM buildings WHERE (id + %2$" G_GINT64_FORMAT ") %% %1$" G_GINT64_FORMAT " = 0"
      " LIMIT %4$" G_GINT64_FORMAT ";"
      " COMMIT;",
      all / stations, all / (2 * stations), stations, teams);
  exec (store, places);
  GString *compounds = g_string_new ("BEGIN;");
  for (int k = 0; k < n_compounds; k++)
    {
      int copy = k % (COLUMNS * ROWS), c = copy % COLUMNS, r = copy / COLUMNS;
      double x = -8.612 + c * DX + (k / (COLUMNS * ROWS)) * 0.012, y = 41.135 + r * DY;
      g_string_append_printf (
          compounds,
          "INSERT INTO compounds (category, name, geom) VALUES ('other', 'Compound %d',"
          " CastToMultiPolygon(BuildMbr(%.6f, %.6f, %.6f, %.6f, 4326)));",
          k + 1, x, y, x + 0.007, y + 0.0055);
    }
  g_string_append (compounds, "COMMIT;");
  exec (store, compounds->str);
  g_string_free (compounds, TRUE);
  exec (store, "PRAGMA wal_checkpoint(TRUNCATE)");
  g_clear_object (&store);
  if (g_rename (tmp, path) != 0)
    g_error ("could not rename %s", tmp);
  g_print ("built in %.1f s\n", (g_get_monotonic_time () - t0) / 1e6);
  return g_steal_pointer (&path);
}

/* The district's buildings as GeoJSON, as OSM data would come (for the import benchmark
 * against ogr2ogr): `cmap export` once, without the map's own uuid, layer and times (with
 * them, an import matches each feature to the map's by uuid, which a first import of raw data
 * does not). */
static char *
district_geojson (const char *map, const char *dir, const char *cmap)
{
  g_autofree char *path = g_build_filename (dir, "bench-district-osm.geojson", NULL);
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    return g_steal_pointer (&path);
  g_autofree char *exported = g_strconcat (path, ".export", NULL);
  g_autofree char *tmp = g_strconcat (path, ".part", NULL);
  const char *argv[] = { cmap, "export", map, "--layer", "buildings", "-o", exported, NULL };
  g_autoptr (GError) error = NULL;
  int status;
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                     NULL, &status, &error) || !g_spawn_check_wait_status (status, &error))
    g_error ("cmap export: %s", error->message);
  g_autofree char *script = g_strdup_printf (
      "sed -E 's/\"(uuid|map_layer|created_at|updated_at)\":\"[^\"]*\",//g' '%s' > '%s'",
      exported, tmp);
  const char *sh[] = { "/bin/sh", "-c", script, NULL };
  if (!g_spawn_sync (NULL, (char **) sh, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status,
                     &error) || !g_spawn_check_wait_status (status, &error))
    g_error ("sed: %s", error->message);
  g_unlink (exported);
  g_rename (tmp, path);
  return g_steal_pointer (&path);
}

static double
median (double *t, int n)
{
  qsort (t, n, sizeof t[0], compare_doubles);
  return t[n / 2];
}

/* Opening @map: cm_store_open in-process and `cmap info` as a whole process, medians of RUNS
 * after a warm-up (the file in the page cache, as on a second open). */
static void
time_open (const char *label, const char *map, const char *cmap)
{
  if (!g_file_test (map, G_FILE_TEST_EXISTS))
    {
      g_print ("%-28s (no %s: run the render benchmark first)\n", label, map);
      return;
    }
  GStatBuf st;
  g_stat (map, &st);
  double open_ms[RUNS + 1], info_ms[RUNS + 1];
  gint64 buildings = 0;
  for (int r = 0; r <= RUNS; r++)
    {
      g_autoptr (GError) error = NULL;
      gint64 t0 = g_get_monotonic_time ();
      g_autoptr (CmStore) store = cm_store_open (map, &error);
      open_ms[r] = (g_get_monotonic_time () - t0) / 1000.0;
      if (store == NULL)
        g_error ("%s", error->message);
      if (r == 0)
        buildings = query_int (store, "SELECT count(*) FROM buildings WHERE deleted = 0");
      const char *argv[] = { cmap, "info", map, NULL };
      int status;
      t0 = g_get_monotonic_time ();
      if (!g_spawn_sync (NULL, (char **) argv, NULL,
                         G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                         NULL, NULL, &status, &error))
        g_error ("%s", error->message);
      info_ms[r] = (g_get_monotonic_time () - t0) / 1000.0;
    }
  g_print ("%-28s %8" G_GINT64_FORMAT " buildings %7.1f MB: open %7.1f ms in-process, "
           "`cmap info` %7.1f ms (medians of %d)\n",
           label, buildings, st.st_size / 1e6, median (open_ms + 1, RUNS),
           median (info_ms + 1, RUNS), RUNS);
}

#define W 1600
#define H 1200

static double
ms_since (gint64 t0)
{
  return (g_get_monotonic_time () - t0) / 1000.0;
}

/* Drawing @map as the window does: see the top of this file. */
static void
time_render (const char *label, const char *map, gboolean overview)
{
  if (!g_file_test (map, G_FILE_TEST_EXISTS))
    return;
  gint64 t0 = g_get_monotonic_time ();
  g_autoptr (GError) error = NULL;
  g_autoptr (CmStore) store = cm_store_open (map, &error);
  if (store == NULL)
    g_error ("%s", error->message);
  double bbox[4];
  cm_render_get_extent (store, bbox, NULL);
  Pool pool = { cm_store_pool_new (map), 0, overview ? cm_overview_new () : NULL };
  CmRenderView fit;
  cm_render_view_init_fit (&fit, bbox, W, H, 0);
  double lon, lat;
  cm_render_view_unproject (&fit, W / 2.0, H / 2.0, &lon, &lat);
  cairo_surface_t *frame = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, W, H);
  GHashTable *cache = tile_cache_new ();
  double extent_ms = ms_since (t0);
  double load_ms = 0;
  if (pool.overview)
    {
      /* what the first tile does: timed apart here */
      gint64 l0 = g_get_monotonic_time ();
      if (!cm_overview_ensure (pool.overview, store, &error))
        g_error ("%s", error->message);
      load_ms = ms_since (l0);
    }
  CmRenderView first;
  cm_render_view_init_centre (&first, lon, lat, floor (fit.zoom), W, H);
  draw_frame (&pool, cache, frame, &first);
  g_print ("%-28s open to the first whole-extent frame %.0f ms (open and the extent %.0f ms, "
           "reading the overview %.0f ms)\n",
           label, ms_since (t0), extent_ms, load_ms);
  for (int step = 0; step < 3; step++)
    {
      CmRenderView v;
      cm_render_view_init_centre (&v, lon, lat, floor (fit.zoom) + step, W, H);
      double cold[RUNS];
      guint tiles = 0;
      for (int r = 0; r < RUNS; r++)
        {
          g_hash_table_remove_all (cache);
          gint64 c0 = g_get_monotonic_time ();
          tiles = draw_frame (&pool, cache, frame, &v);
          cold[r] = ms_since (c0);
        }
      CmRenderView pan = v;
      for (int f = 0; f < 40; f++) /* the tiles of the pan, drawn first */
        {
          pan.x += 24, pan.y += 12;
          draw_frame (&pool, cache, frame, &pan);
        }
      double total = 0, worst = 0;
      pan = v;
      for (int f = 0; f < 40; f++)
        {
          pan.x += 24, pan.y += 12;
          gint64 w0 = g_get_monotonic_time ();
          draw_frame (&pool, cache, frame, &pan);
          double ms = ms_since (w0);
          total += ms;
          worst = MAX (worst, ms);
        }
      g_print ("%-28s zoom %2.0f (%s) %2u tiles: cold %7.1f ms (median of %d), "
               "warm %5.2f ms (worst %5.2f)\n",
               label, v.zoom, step == 0 ? "whole extent" : step == 1 ? "one closer" : "two closer",
               tiles, median (cold, RUNS), RUNS, total / 40, worst);
    }
  cairo_surface_destroy (frame);
  g_hash_table_unref (cache);
  cm_store_pool_close (pool.readers);
  cm_store_pool_unref (pool.readers);
  if (pool.overview)
    {
      g_print ("%-28s the overview: %u buildings, %u paths\n", label,
               cm_overview_get_count (pool.overview, CM_OVERVIEW_BUILDINGS),
               cm_overview_get_count (pool.overview, CM_OVERVIEW_PATHS));
      cm_overview_unref (pool.overview);
    }
}

/* Runs @argv as a whole process, its standard output to /dev/null: its wall time in ms, and
 * its peak RSS in MB (wait4). */
static double
run_process (const char *const *argv, double *rss_mb)
{
  gint64 t0 = g_get_monotonic_time ();
  pid_t pid;
  g_auto (GStrv) env = g_get_environ ();
  posix_spawn_file_actions_t quiet;
  posix_spawn_file_actions_init (&quiet);
  posix_spawn_file_actions_addopen (&quiet, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  int rc = posix_spawnp (&pid, argv[0], &quiet, NULL, (char **) argv, env);
  posix_spawn_file_actions_destroy (&quiet);
  if (rc != 0)
    g_error ("could not start %s", argv[0]);
  int status;
  struct rusage usage;
  if (wait4 (pid, &status, 0, &usage) != pid || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
    g_error ("%s failed", argv[0]);
  *rss_mb = usage.ru_maxrss / 1024.0;
  return ms_since (t0);
}

/* The district's buildings imported from GeoJSON into a new map: `cmap new` and `cmap import`
 * against `ogr2ogr -f SQLite -dsco SPATIALITE=YES` (which creates its file too, and builds its
 * spatial index), whole processes, medians of IMPORT_RUNS; both counted after. */
#define IMPORT_RUNS 3
static void
time_import (const char *geojson, const char *cmap)
{
  if (g_find_program_in_path ("ogr2ogr") == NULL)
    {
      g_print ("import: no ogr2ogr (apt-get install gdal-bin)\n");
      return;
    }
  g_autofree char *dir = g_dir_make_tmp ("cm-bench-import-XXXXXX", NULL);
  g_autofree char *ours = g_build_filename (dir, "cm.sqlite", NULL);
  g_autofree char *theirs = g_build_filename (dir, "ogr.sqlite", NULL);
  double cm_ms[IMPORT_RUNS], ogr_ms[IMPORT_RUNS], cm_rss = 0, ogr_rss = 0, rss;
  for (int r = 0; r < IMPORT_RUNS; r++)
    {
      g_unlink (ours);
      g_unlink (theirs);
      const char *make[] = { cmap, "new", ours, NULL };
      const char *import[] = { cmap, "import", ours, geojson, NULL };
      const char *ogr[] = { "ogr2ogr", "-f", "SQLite", "-dsco", "SPATIALITE=YES", theirs,
                            geojson, NULL };
      cm_ms[r] = run_process (make, &rss);
      cm_ms[r] += run_process (import, &rss);
      cm_rss = MAX (cm_rss, rss);
      ogr_ms[r] = run_process (ogr, &rss);
      ogr_rss = MAX (ogr_rss, rss);
    }
  g_autoptr (GError) error = NULL;
  g_autoptr (CmStore) store = cm_store_open (ours, &error);
  if (store == NULL)
    g_error ("%s", error->message);
  gint64 n_ours = query_int (store, "SELECT count(*) FROM buildings");
  sqlite3 *db = NULL;
  sqlite3_open_v2 (theirs, &db, SQLITE_OPEN_READONLY, NULL);
  sqlite3_stmt *stmt = NULL;
  gint64 n_theirs = -1;
  if (sqlite3_prepare_v2 (db, "SELECT count(*) FROM buildings", -1, &stmt,
                          NULL) == SQLITE_OK && sqlite3_step (stmt) == SQLITE_ROW)
    n_theirs = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  double a = median (cm_ms, IMPORT_RUNS), b = median (ogr_ms, IMPORT_RUNS);
  g_print ("import of the district's buildings from GeoJSON (%" G_GINT64_FORMAT " and %"
           G_GINT64_FORMAT " stored): cmap new + import %.1f s (peak RSS %.0f MB), ogr2ogr "
           "%.1f s (peak RSS %.0f MB): %.2f× (medians of %d)\n",
           n_ours, n_theirs, a / 1000, cm_rss, b / 1000, ogr_rss, b / a, IMPORT_RUNS);
  g_unlink (ours);
  g_unlink (theirs);
  g_rmdir (dir);
}

/* Runs @request on @map RUNS times; the median in ms, and the last result in @out. */
static double
time_request (const char *map, const CmAnalysisRequest *request, CmAnalysisResult **out)
{
  double t[RUNS];
  for (int r = 0; r < RUNS; r++)
    {
      g_autoptr (GError) error = NULL;
      gint64 t0 = g_get_monotonic_time ();
      CmAnalysisResult *result = cm_analysis_run (map, request, NULL, NULL, &error);
      t[r] = ms_since (t0);
      if (result == NULL)
        g_error ("%s", error->message);
      if (r == RUNS - 1 && out)
        *out = result;
      else
        cm_analysis_result_free (result);
    }
  return median (t, RUNS);
}

/* The coverage drawn over a 1600 × 1200 map as the window's analysis layer draws it in every
 * frame (cm_analysis_draw, on the main thread): the whole map, and a street at zoom 17. */
static void
time_analysis_drawing (const char *label, const char *map, const CmAnalysisResult *result)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CmStore) store = cm_store_open (map, &error);
  CmLayerStats stats;
  if (store == NULL || !cm_store_get_layer_stats (store, CM_LAYER_BUILDINGS, &stats, &error))
    g_error ("%s", error->message);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1600, 1200);
  CmRenderView views[2];
  cm_render_view_init_fit (&views[0], stats.bbox, 1600, 1200, 0);
  cm_render_view_init_centre (&views[1], (stats.bbox[0] + stats.bbox[2]) / 2,
                              (stats.bbox[1] + stats.bbox[3]) / 2, 17, 1600, 1200);
  const char *names[] = { "the whole map", "zoom 17" };
  for (int v = 0; v < 2; v++)
    {
      double t[RUNS];
      for (int r = 0; r < RUNS; r++)
        {
          cairo_t *cr = cairo_create (surface);
          cairo_set_source_rgb (cr, 1, 1, 1);
          cairo_paint (cr);
          gint64 t0 = g_get_monotonic_time ();
          cm_analysis_draw (cr, result, 0, &views[v], 1600, 1200);
          cairo_surface_flush (surface);
          t[r] = ms_since (t0);
          cairo_destroy (cr);
        }
      g_print ("%-28s the coverage drawn over %s, 1600×1200 (as the window's layer, each "
               "frame): %.1f ms\n", label, names[v], median (t, RUNS));
      g_autofree char *png = g_strdup_printf ("bench-district-coverage-%d.png", v);
      cairo_surface_write_to_png (surface, png); /* to look at */
    }
  cairo_surface_destroy (surface);
}

/* The analyses at @map's size, as the panel and cmap run them (cm_analysis_run: open, load,
 * compute), and the computing alone where a goal names it. */
static void
time_analyses (const char *label, const char *map, const char *cmap)
{
  if (!g_file_test (map, G_FILE_TEST_EXISTS))
    return;
  CmAnalysisRequest radius = { CM_ANALYSIS_COVERAGE, (char *) "stations", FALSE, 0, 500 };
  CmAnalysisResult *result = NULL;
  double whole = time_request (map, &radius, &result);
  double t[RUNS];
  for (int r = 0; r < RUNS; r++)
    {
      gint64 t0 = g_get_monotonic_time ();
      cm_coverage_compute_radius (result->coverage);
      t[r] = ms_since (t0);
    }
  g_print ("%-28s radius coverage of %u buildings from %u stations (each its own radius): "
           "computing %.1f ms, all of it %.0f ms (%u covered)\n",
           label, result->coverage->buildings->len, result->coverage->sources->len,
           median (t, RUNS), whole, result->coverage->covered);
  cm_analysis_result_free (result);

  CmAnalysisRequest walk = { CM_ANALYSIS_COVERAGE, (char *) "stations", TRUE, 500, 0 };
  whole = time_request (map, &walk, &result);
  g_print ("%-28s walking coverage (500 m) of %u buildings from %u stations: %.0f ms "
           "(%u covered; %u paths, %u edges)\n",
           label, result->coverage->buildings->len, result->coverage->sources->len, whole,
           result->coverage->covered, result->network.paths, result->network.edges);
  time_analysis_drawing (label, map, result);
  cm_analysis_result_free (result);

  CmAnalysisRequest life = { CM_ANALYSIS_LIFE_CIRCLE };
  whole = time_request (map, &life, &result);
  g_print ("%-28s the life-circle report: %.0f ms\n", label, whole);
  cm_analysis_result_free (result);

  /* cmap suggest as a person runs it: a whole process, median of RUNS */
  const char *argv[] = { cmap, "suggest", map, "--walk", "500", "--count", "3", NULL };
  for (int r = 0; r < RUNS; r++)
    {
      g_autoptr (GError) error = NULL;
      int status;
      gint64 t0 = g_get_monotonic_time ();
      if (!g_spawn_sync (NULL, (char **) argv, NULL,
                         G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                         NULL, NULL, &status, &error) ||
          !g_spawn_check_wait_status (status, &error))
        g_error ("cmap suggest: %s", error->message);
      t[r] = ms_since (t0);
    }
  g_print ("%-28s `cmap suggest --walk 500 --count 3`: %.0f ms\n", label, median (t, RUNS));
}

/* The meeting's agenda of 5,000 residents' reports on the street office (57,020 buildings, 51
 * stations; issue #18): 1,500 places, each with 1–6 reports of one category within about 12 m
 * (so most are duplicates), a tenth urgent, raised over three months. In-process
 * (cm_reports_agenda, the map open) and `cmap agenda --json` as a whole process, medians of
 * RUNS. No desktop tool makes such an agenda (FixMyStreet and SeeClickFix are web services). */
static void
time_agenda (const char *office, const char *dir, const char *cmap)
{
  g_autofree char *map = g_build_filename (dir, "bench-office-reports.sqlite", NULL);
  g_autoptr (GError) error = NULL;
  if (!g_file_test (map, G_FILE_TEST_EXISTS))
    {
      g_autofree char *tmp = g_strconcat (map, ".partial", NULL);
      g_autoptr (GFile) from = g_file_new_for_path (office), to = g_file_new_for_path (tmp);
      if (!g_file_copy (from, to, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error))
        g_error ("%s", error->message);
      {
        g_autoptr (CmStore) store = cm_store_open (tmp, &error);
        if (store == NULL)
          g_error ("%s", error->message);
        GRand *rand = g_rand_new_with_seed (18);
        GString *sql = g_string_new ("BEGIN;");
        static const char *const categories[] = { "broken_street_light", "unsafe_spot",
                                                  "locked_gate" };
        sqlite3_stmt *stmt = _cm_store_prepare (
            store,
            "SELECT X(p), Y(p) FROM (SELECT ST_PointOnSurface (CmGeom (geom)) AS p FROM"
            " buildings WHERE id % 38 = 0)",
            &error);
        int reports = 0, place = 0;
        while (reports < 5000 && sqlite3_step (stmt) == SQLITE_ROW)
          {
            double lon = sqlite3_column_double (stmt, 0), lat = sqlite3_column_double (stmt, 1);
            int n = 1 + g_rand_int_range (rand, 0, 6);
            for (int k = 0; k < n && reports < 5000; k++, reports++)
              g_string_append_printf (
                  sql,
                  "INSERT INTO reports (category, status, urgent, reported_at, geom) VALUES"
                  " ('%s', '%s', %d, '2026-%02d-%02d', MakePoint (%.7f, %.7f, 4326));",
                  categories[place % 3], g_rand_int_range (rand, 0, 10) ? "reported" : "in_hand",
                  g_rand_int_range (rand, 0, 10) == 0, 9 + g_rand_int_range (rand, 0, 3),
                  1 + g_rand_int_range (rand, 0, 28),
                  lon + g_rand_double_range (rand, -0.00015, 0.00015),
                  lat + g_rand_double_range (rand, -0.0001, 0.0001));
            place++;
          }
        sqlite3_finalize (stmt);
        g_string_append (sql, "COMMIT;");
        exec (store, sql->str);
        g_string_free (sql, TRUE);
        g_rand_free (rand);
      }
      if (g_rename (tmp, map) != 0)
        g_error ("could not rename %s", tmp);
    }
  double t[RUNS];
  guint items = 0, reports = 0;
  g_autoptr (CmStore) store = cm_store_open (map, &error);
  if (store == NULL)
    g_error ("%s", error->message);
  CmAgendaOptions o = { .today = "2026-12-10" };
  for (int r = 0; r < RUNS; r++)
    {
      gint64 t0 = g_get_monotonic_time ();
      g_autoptr (GPtrArray) agenda = cm_reports_agenda (store, &o, &error);
      if (agenda == NULL)
        g_error ("%s", error->message);
      t[r] = ms_since (t0);
      items = agenda->len, reports = 0;
      for (guint i = 0; i < agenda->len; i++)
        reports += ((CmAgendaItem *) agenda->pdata[i])->reports->len;
    }
  double in_process = median (t, RUNS);
  const char *argv[] = { cmap, "agenda", map, "--json", "--meeting-day", "2026-12-10", NULL };
  double rss = 0;
  for (int r = 0; r < RUNS; r++)
    t[r] = run_process (argv, &rss);
  g_print ("agenda of %u open reports on the street office (57,020 buildings): %u items;"
           " cm_reports_agenda %.0f ms in-process, `cmap agenda --json` %.0f ms (peak RSS %.0f MB)"
           " (medians of %d; goal < 1 s)\n",
           reports, items, in_process, median (t, RUNS), rss, RUNS);

  /* what the window's Residents' Reports… reads when it opens and after each edit: every
   * report with its compound, and the counts per station */
  guint listed = 0;
  for (int r = 0; r < RUNS; r++)
    {
      gint64 t0 = g_get_monotonic_time ();
      g_autoptr (GPtrArray) all = cm_reports_list (store, FALSE, &error);
      g_autoptr (GPtrArray) counts = all && cm_reports_set_compounds (store, all, &error)
                                         ? cm_reports_count_by_responsible (store, &error)
                                         : NULL;
      if (counts == NULL)
        g_error ("%s", error->message);
      t[r] = ms_since (t0);
      listed = all->len;
    }
  g_print ("the Reports window's data: %u reports with their compounds and the counts per"
           " station %.0f ms in-process (median of %d)\n", listed, median (t, RUNS), RUNS);
}

int
main (int argc, char **argv)
{
  if (argc < 5)
    {
      g_printerr ("usage: bench-district SHARED-DATA BUILD-BENCH-DIR DEMO-MAP CMAP\n");
      return 2;
    }
  setlocale (LC_ALL, "");
  const char *shared = argv[1], *dir = argv[2], *demo = argv[3], *cmap = argv[4];
  g_autofree char *district = build_district (shared, dir, "bench-district.sqlite",
                                              "Porto district (7 × 7)", 7, 7);
  /* a street office's worth, in the same proportions: for the figures at 57k */
  g_autofree char *office = build_district (shared, dir, "bench-office.sqlite",
                                            "Porto street office (5 × 1)", 5, 1);
  g_autofree char *geojson = district_geojson (district, dir, cmap);
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (CmStore) store = cm_store_open (district, &error);
    if (store == NULL)
      g_error ("%s", error->message);
    const char *tables[] = { "buildings", "paths", "resources", "stations", "teams", "compounds" };
    g_print ("the district:");
    for (gsize i = 0; i < G_N_ELEMENTS (tables); i++)
      {
        g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", tables[i]);
        g_print (" %" G_GINT64_FORMAT " %s", query_int (store, sql), tables[i]);
      }
    g_print ("\n");
  }
  g_autofree char *fifty_k = g_build_filename (dir, "bench-50k.sqlite", NULL);
  time_open ("demo (Beijing campus)", demo, cmap);
  time_open ("bench-50k (Porto ×5)", fifty_k, cmap);
  time_open ("district (Porto 7 × 7)", district, cmap);
  if (g_getenv ("CM_BENCH_ONLY") == NULL || g_strcmp0 (g_getenv ("CM_BENCH_ONLY"), "render") == 0)
    {
      g_print ("drawing as the window does, with the overview (cm-overview.c):\n");
      time_render ("bench-50k (Porto ×5)", fifty_k, TRUE);
      time_render ("district (Porto 7 × 7)", district, TRUE);
      g_print ("the same without it, every tile read from the map file:\n");
      time_render ("bench-50k (Porto ×5)", fifty_k, FALSE);
      time_render ("district (Porto 7 × 7)", district, FALSE);
    }
  if (g_strcmp0 (g_getenv ("CM_BENCH_ONLY"), "walk") == 0) /* one walking coverage, to profile, and its drawing */
    {
      CmAnalysisRequest walk = { CM_ANALYSIS_COVERAGE, (char *) "stations", TRUE, 500, 0 };
      g_autoptr (GError) error = NULL;
      gint64 t0 = g_get_monotonic_time ();
      g_autoptr (CmAnalysisResult) result = cm_analysis_run (district, &walk, NULL, NULL, &error);
      if (result == NULL)
        g_error ("%s", error->message);
      g_print ("walking coverage of the district: %.0f ms\n", ms_since (t0));
      time_analysis_drawing ("district", district, result);
      return 0;
    }
  if (g_getenv ("CM_BENCH_ONLY") == NULL || g_strcmp0 (g_getenv ("CM_BENCH_ONLY"), "agenda") == 0)
    time_agenda (office, dir, cmap);
  if (g_getenv ("CM_BENCH_ONLY") == NULL || g_strcmp0 (g_getenv ("CM_BENCH_ONLY"), "import") == 0)
    time_import (geojson, cmap);
  if (g_getenv ("CM_BENCH_ONLY") == NULL || g_strcmp0 (g_getenv ("CM_BENCH_ONLY"), "analysis") == 0)
    {
      g_print ("analyses (cm_analysis_run: open, load, compute; medians of %d):\n", RUNS);
      time_analyses ("office (Porto 5 × 1)", office, cmap);
      time_analyses ("district (Porto 7 × 7)", district, cmap);
    }
  return 0;
}
