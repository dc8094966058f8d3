/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-render: how fast src/render draws a 1600×1200 view of a map with ≥ 50,000 buildings,
 * the way the window does (256 px tiles on worker threads, kept in a cache), at five zoom
 * levels from the whole extent down to street level. Prints ms per frame cold (median of 5, every tile
 * drawn) and warm (panning over cached tiles), the time to open the map and draw the first
 * frame, and peak RSS. Prints figures; asserts nothing about time.
 *
 * With BENCH_SOURCE_DIR (the meson benchmark passes it) and QGIS installed (make bench-deps),
 * QGIS draws the same buildings at full extent in the same run, in-process, beside ours drawn
 * in one go (bench/qgis-render.py).
 *
 * Usage: bench-render SHARED_DATA [WORKDIR [BENCH_SOURCE_DIR]]
 */
#include <glib/gstdio.h>
#include <locale.h>
#include <math.h>
#include <sys/resource.h>

#include "cm-core.h"
#include "cm-render.h"
#include "cm-store-private.h"
#include "bench-tiles.h"

#include <json-glib/json-glib.h>
#include <string.h>

#define W 1600
#define H 1200
#define COPIES 5 /* Porto's 11,404 buildings × 5 = 57,020 */
#define COLD_RUNS 5 /* cold frames per zoom: the median is printed */

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
ms_since (gint64 t0)
{
  return (g_get_monotonic_time () - t0) / 1000.0;
}

/* The benchmark map: Porto's buildings, then shifted copies east of it, in SQL. */
static char *
build_map (const char *shared, const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "bench-50k.sqlite", NULL);
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    return g_steal_pointer (&path);
  g_autofree char *tmp = g_build_filename (dir, "bench-50k.building.sqlite", NULL);
  g_unlink (tmp);
  g_autoptr (GError) error = NULL;
  g_autoptr (CmStore) store = cm_store_create (tmp, "Porto ×5", &error);
  g_assert_no_error (error);
  g_autofree char *buildings = g_build_filename (shared, "porto-centro", "buildings.geojson", NULL);
  g_autofree char *roads = g_build_filename (shared, "porto-centro", "roads.geojson", NULL);
  g_autofree char *pois = g_build_filename (shared, "porto-centro", "pois.geojson", NULL);
  g_autoptr (CmImportReport) report = cm_import_report_new ();
  const char *files[] = { buildings, roads, pois };
  for (int i = 0; i < 3; i++)
    if (!cm_import_file (store, files[i], CM_LAYER_NONE, NULL, report, NULL, NULL, NULL, &error))
      g_error ("%s", error->message);
  for (int k = 1; k < COPIES; k++)
    {
      g_autofree char *sql = g_strdup_printf (
          "BEGIN; INSERT INTO buildings (category, name, tags, geom)"
          " SELECT category, name, tags, ShiftCoords(geom, %f, 0) FROM buildings WHERE id <= 11404;"
          " INSERT INTO paths (category, name, tags, geom)"
          " SELECT category, name, tags, ShiftCoords(geom, %f, 0) FROM paths WHERE id <= 3462;"
          " COMMIT;", 0.034 * k, 0.034 * k);
      if (!_cm_store_exec (store, sql, &error))
        g_error ("%s", error->message);
    }
  g_clear_object (&store);
  g_rename (tmp, path);
  return g_steal_pointer (&path);
}

#define PEER_RUNS 5

/* QGIS drawing the same buildings at full extent into the same size, in-process (PyQGIS,
 * bench/qgis-render.py), beside ours drawing the same view in one go on one thread (no tiles,
 * no cache): both in-process, both after a warm-up frame, medians of PEER_RUNS. */
static void
compare_with_qgis (CmStore *store, const char *path, const char *bench_dir,
                   const CmLayerStats *buildings)
{
  if (bench_dir == NULL)
    return;
  g_autofree char *script = g_build_filename (bench_dir, "qgis-render.py", NULL);
  g_autofree char *png = g_build_filename (g_get_tmp_dir (), "cm-bench-qgis.png", NULL);
  g_autofree char *w = g_strdup_printf ("%d", W), *h = g_strdup_printf ("%d", H);
  g_autofree char *runs = g_strdup_printf ("%d", PEER_RUNS);
  const char *argv[] = { "/usr/bin/python3", script, path, w, h, runs, png, NULL };
  g_autofree char *out = NULL;
  g_autoptr (GError) error = NULL;
  int status;
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, &out, NULL, &status, &error)
      || !g_spawn_check_wait_status (status, &error))
    {
      g_print ("QGIS: PyQGIS could not draw the map (make bench-deps installs qgis): %s\n",
               error ? error->message : "?");
      return;
    }
  g_strstrip (out);
  const char *line = strrchr (out, '\n');
  double qgis_ms = -1, features = 0;
  g_autoptr (JsonParser) parser = json_parser_new ();
  if (json_parser_load_from_data (parser, line ? line + 1 : out, -1, NULL))
    {
      JsonObject *o = json_node_get_object (json_parser_get_root (parser));
      qgis_ms = json_object_get_double_member (o, "median_ms");
      features = json_object_get_double_member (o, "features");
    }
  /* ours: the same view, buildings only, one cm_render_draw into one image */
  double bbox[4];
  cm_render_get_extent (store, bbox, NULL);
  CmRenderView view;
  cm_render_view_init_fit (&view, buildings->bbox, W, H, 0);
  CmRenderOptions options;
  cm_render_options_init (&options);
  options.hidden = ~(1u << CM_LAYER_BUILDINGS);
  cairo_surface_t *img = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, W, H);
  double t[PEER_RUNS + 1];
  for (int r = 0; r <= PEER_RUNS; r++) /* the first is the warm-up */
    {
      cairo_t *cr = cairo_create (img);
      gint64 t0 = g_get_monotonic_time ();
      cm_render_draw (store, cr, &view, &options, NULL);
      t[r] = ms_since (t0);
      cairo_destroy (cr);
    }
  cairo_surface_destroy (img);
  qsort (t + 1, PEER_RUNS, sizeof t[0], compare_doubles);
  double ours = t[1 + PEER_RUNS / 2];
  g_print ("QGIS 3.22 in the same run, in-process (PyQGIS QgsMapRendererSequentialJob, its "
           "default polygon symbol), %.0f buildings at full extent into %d×%d, median of %d: "
           "%.0f ms; ours, the same view in one go on one thread (no tiles, no cache): %.0f ms "
           "(%.1fx)\n",
           features, W, H, PEER_RUNS, qgis_ms, ours, qgis_ms / ours);
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  if (argc < 2)
    {
      g_printerr ("usage: bench-render SHARED_DATA [WORKDIR [BENCH_SOURCE_DIR]]\n");
      return 2;
    }
  const char *bench_dir = argc > 3 ? argv[3] : NULL;
  g_autofree char *dir = argc > 2 ? g_strdup (argv[2]) : g_dir_make_tmp ("cm-bench-XXXXXX", NULL);
  g_autofree char *path = build_map (argv[1], dir);

  /* open the map and draw the first, whole-extent frame: what the window does at start */
  gint64 t0 = g_get_monotonic_time ();
  g_autoptr (GError) error = NULL;
  g_autoptr (CmStore) store = cm_store_open (path, &error);
  g_assert_no_error (error);
  CmLayerStats buildings;
  cm_store_get_layer_stats (store, CM_LAYER_BUILDINGS, &buildings, NULL);
  double bbox[4];
  cm_render_get_extent (store, bbox, NULL);
  Pool pool = { cm_store_pool_new (path), 0, NULL };
  if (g_getenv ("CM_BENCH_OVERVIEW")) /* draw low zooms from an overview, as the window does */
    pool.overview = cm_overview_new ();
  if (g_getenv ("CM_BENCH_HIDDEN"))
    pool.hidden = (guint) g_ascii_strtoull (g_getenv ("CM_BENCH_HIDDEN"), NULL, 0);
  CmRenderView fit;
  cm_render_view_init_fit (&fit, bbox, W, H, 0);
  double fit_zoom = floor (fit.zoom);
  double lon, lat;
  cm_render_view_unproject (&fit, W / 2.0, H / 2.0, &lon, &lat);
  cairo_surface_t *frame = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, W, H);
  GHashTable *cache = tile_cache_new ();
  CmRenderView first;
  cm_render_view_init_centre (&first, lon, lat, fit_zoom, W, H);
  draw_frame (&pool, cache, frame, &first);
  double open_to_first = ms_since (t0);

  /* CM_BENCH_PROFILE=N: only N cold whole-extent frames, for a profiler */
  if (g_getenv ("CM_BENCH_PROFILE"))
    {
      int n = atoi (g_getenv ("CM_BENCH_PROFILE"));
      gint64 p0 = g_get_monotonic_time ();
      for (int i = 0; i < n; i++)
        {
          g_hash_table_remove_all (cache);
          draw_frame (&pool, cache, frame, &first);
        }
      g_print ("%d cold whole-extent frames: %.1f ms each\n", n, ms_since (p0) / n);
      return 0;
    }
  g_print ("bench/render: %" G_GINT64_FORMAT " buildings (Porto ×%d), %d×%d frames, %d threads\n",
           buildings.count, COPIES, W, H, BENCH_TILE_THREADS);
  g_print ("open the map and draw the first whole-extent frame: %.0f ms\n", open_to_first);
  g_print ("%-6s %-22s %7s %12s %12s %14s\n", "zoom", "view", "tiles", "cold ms", "warm ms",
           "warm max ms");

  double zooms[5] = { fit_zoom, fit_zoom + 1, fit_zoom + 2, fit_zoom + 3, 18 };
  const char *names[5] = { "whole extent", "district", "neighbourhood", "blocks", "street level" };
  for (int i = 0; i < 5; i++)
    {
      CmRenderView v;
      cm_render_view_init_centre (&v, lon, lat, zooms[i], W, H);
      /* cold: the median of COLD_RUNS frames, each from an empty tile cache */
      double colds[COLD_RUNS];
      guint tiles = 0;
      for (int r = 0; r < COLD_RUNS; r++)
        {
          g_hash_table_remove_all (cache);
          gint64 c0 = g_get_monotonic_time ();
          tiles = draw_frame (&pool, cache, frame, &v);
          colds[r] = ms_since (c0);
        }
      qsort (colds, COLD_RUNS, sizeof colds[0], compare_doubles);
      double cold = colds[COLD_RUNS / 2];

      /* warm: pan 40 frames of 24 px over tiles already drawn (drawn first, not timed) */
      CmRenderView pan = v;
      for (int f = 0; f < 40; f++)
        {
          pan.x += 24;
          pan.y += 12;
          draw_frame (&pool, cache, frame, &pan);
        }
      double total = 0, worst = 0;
      pan = v;
      for (int f = 0; f < 40; f++)
        {
          pan.x += 24;
          pan.y += 12;
          gint64 w0 = g_get_monotonic_time ();
          guint drawn = draw_frame (&pool, cache, frame, &pan);
          double ms = ms_since (w0);
          g_assert_cmpint (drawn, ==, 0);
          total += ms;
          worst = MAX (worst, ms);
        }
      g_print ("%-6.0f %-22s %7u %12.1f %12.2f %14.2f\n", zooms[i], names[i], tiles, cold,
               total / 40, worst);
    }

  struct rusage usage;
  getrusage (RUSAGE_SELF, &usage);
  g_print ("peak RSS: %.0f MB\n", usage.ru_maxrss / 1024.0);
  compare_with_qgis (store, path, bench_dir, &buildings);

  cairo_surface_destroy (frame);
  g_hash_table_unref (cache);
  cm_store_pool_unref (pool.readers);
  return 0;
}
