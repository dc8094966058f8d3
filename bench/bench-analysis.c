/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-analysis: coverage analysis speed on Porto (issue #5). Prints figures; asserts nothing
 * about time.
 *
 * Sources are Porto's schools and kindergartens (the 65 POIs tagged amenity=school or
 * amenity=kindergarten). Timed, each the median of 7 runs: building the walking network from
 * the map, walking coverage of all 11,404 buildings, service areas at 500 m for the 65 sources,
 * radius coverage of 57,020 buildings (Porto's five times over, shifted) against 500 stations,
 * the union, gaps and overlaps of 12 drawn team areas, and the full life-circle report.
 *
 * The peer: QGIS 3.22's native:serviceareafromlayer, when it is installed (make bench-deps
 * installs it), for the first 20 sources at 500 m on the same roads, in the same run, like
 * with like: in-process (PyQGIS processing.run after a warm-up, bench/qgis-service-area.py)
 * against ours in-process, and whole processes (qgis_process against cmap walk-area), medians
 * of PEER_RUNS each. Its output has every edge twice, so lengths are compared on distinct
 * segments.
 *
 * Usage: bench-analysis SHARED_DATA_DIR WORK_DIR BENCH_SOURCE_DIR CMAP
 */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>
#include <sys/resource.h>

#include "cm-core.h"

#define RUNS 7

static double
ms_since (gint64 t0)
{
  return (g_get_monotonic_time () - t0) / 1000.0;
}

static int
compare_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
median (double *v, int n)
{
  qsort (v, n, sizeof (double), compare_double);
  return v[n / 2];
}

static void
import (CmStore *store, const char *data, const char *file, CmLayer layer)
{
  g_autofree char *path = g_build_filename (data, "porto-centro", file, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (CmImportReport) report = cm_import_report_new ();
  if (!cm_import_file (store, path, layer, NULL, report, NULL, NULL, NULL, &error))
    g_error ("%s", error->message);
}

static GBytes *
circle_wkb (double lon, double lat, double radius_m)
{
  double kx, ky;
  cm_geodesic_scale (lat, &kx, &ky);
  g_autoptr (CmGeom) g = cm_geom_new (CM_GEOM_MULTIPOLYGON);
  for (int i = 0; i <= 24; i++)
    {
      double a = 2 * G_PI * (i % 24) / 24;
      double xy[2] = { lon + radius_m * cos (a) / kx, lat + radius_m * sin (a) / ky };
      g_array_append_vals (g->xy, xy, 2);
    }
  guint n = 25, one = 1;
  g_array_append_val (g->ring_len, n);
  g_array_append_val (g->part_len, one);
  return cm_geom_to_wkb (g);
}

/* Porto's buildings, POIs and roads, 12 team areas around spread-out buildings (300–600 m)
 * and a boundary around the buildings; built once. */
static CmStore *
porto_map (const char *data, const char *work)
{
  g_autofree char *path = g_build_filename (work, "bench-porto.sqlite", NULL);
  g_autoptr (GError) error = NULL;
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      CmStore *store = cm_store_open (path, &error);
      if (store == NULL)
        g_error ("%s", error->message);
      return store;
    }
  g_print ("building %s …\n", path);
  CmStore *store = cm_store_create (path, "Porto (bench)", &error);
  if (store == NULL)
    g_error ("%s", error->message);
  import (store, data, "buildings.geojson", CM_LAYER_BUILDINGS);
  import (store, data, "pois.geojson", CM_LAYER_RESOURCES);
  import (store, data, "roads.geojson", CM_LAYER_PATHS);
  g_autoptr (CmCoverage) b = cm_coverage_new ();
  if (!cm_coverage_load_buildings (b, store, &error))
    g_error ("%s", error->message);
  double bbox[4] = { G_MAXDOUBLE, G_MAXDOUBLE, -G_MAXDOUBLE, -G_MAXDOUBLE };
  for (guint i = 0; i < b->buildings->len; i++)
    {
      CmCoverageBuilding *bd = &g_array_index (b->buildings, CmCoverageBuilding, i);
      bbox[0] = MIN (bbox[0], bd->lon), bbox[1] = MIN (bbox[1], bd->lat);
      bbox[2] = MAX (bbox[2], bd->lon), bbox[3] = MAX (bbox[3], bd->lat);
      if (i % 950 == 0 && i / 950 < 12)
        {
          g_autoptr (CmFeature) team = cm_feature_new (CM_LAYER_TEAMS);
          g_autofree char *name = g_strdup_printf ("Team %u", i / 950 + 1);
          cm_feature_set_name (team, name);
          g_autoptr (GBytes) wkb = circle_wkb (bd->lon, bd->lat, 300 + (i * 37) % 300);
          cm_feature_set_wkb (team, wkb);
          if (!cm_store_add_feature (store, team, &error))
            g_error ("%s", error->message);
        }
    }
  g_autoptr (CmGeom) outline = cm_geom_new (CM_GEOM_MULTIPOLYGON);
  double ring[] = { bbox[0], bbox[1], bbox[2], bbox[1], bbox[2], bbox[3], bbox[0], bbox[3],
                    bbox[0], bbox[1] };
  g_array_append_vals (outline->xy, ring, 10);
  guint n = 5, one = 1;
  g_array_append_val (outline->ring_len, n);
  g_array_append_val (outline->part_len, one);
  g_autoptr (CmFeature) boundary = cm_feature_new (CM_LAYER_BOUNDARY);
  g_autoptr (GBytes) wkb = cm_geom_to_wkb (outline);
  cm_feature_set_wkb (boundary, wkb);
  if (!cm_store_add_feature (store, boundary, &error))
    g_error ("%s", error->message);
  return store;
}

/* The 65 schools and kindergartens, read from the POI file itself. */
static void
schools (const char *data, CmCoverage *c)
{
  g_autofree char *path = g_build_filename (data, "porto-centro", "pois.geojson", NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  if (!json_parser_load_from_file (parser, path, &error))
    g_error ("%s", error->message);
  JsonArray *features = json_object_get_array_member (
      json_node_get_object (json_parser_get_root (parser)), "features");
  for (guint i = 0; i < json_array_get_length (features); i++)
    {
      JsonObject *f = json_array_get_object_element (features, i);
      const char *amenity = json_object_get_string_member_with_default (
          json_object_get_object_member (f, "properties"), "amenity", "");
      if (g_strcmp0 (amenity, "school") != 0 && g_strcmp0 (amenity, "kindergarten") != 0)
        continue;
      JsonArray *xy = json_object_get_array_member (json_object_get_object_member (f, "geometry"),
                                                    "coordinates");
      g_autofree char *id = g_strdup_printf ("%u", c->sources->len);
      cm_coverage_add_source (c, id, id, json_array_get_double_element (xy, 0),
                              json_array_get_double_element (xy, 1), NAN);
    }
}

/* ---- the peer: QGIS ------------------------------------------------------------------------ */

static char *
segment_key (const double p[4])
{
  /* the same segment either way round, to the 7 decimals QGIS writes */
  gboolean swap = p[0] > p[2] || (p[0] == p[2] && p[1] > p[3]);
  return swap ? g_strdup_printf ("%.7f %.7f %.7f %.7f", p[2], p[3], p[0], p[1])
              : g_strdup_printf ("%.7f %.7f %.7f %.7f", p[0], p[1], p[2], p[3]);
}

/* Calls @func for every segment of every feature of a QGIS service-area output (lon/lat
 * pairs); returns how many features there are. */
typedef void (*SegmentFunc) (guint feature, const double p[4], gpointer user_data);

static guint
for_each_segment (const char *path, SegmentFunc func, gpointer user_data)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  if (!json_parser_load_from_file (parser, path, &error))
    g_error ("%s", error->message);
  JsonArray *features = json_object_get_array_member (
      json_node_get_object (json_parser_get_root (parser)), "features");
  guint n = json_array_get_length (features);
  for (guint i = 0; i < n; i++)
    {
      JsonObject *g = json_object_get_object_member (json_array_get_object_element (features, i),
                                                     "geometry");
      JsonArray *lines = g ? json_object_get_array_member (g, "coordinates") : NULL;
      for (guint l = 0; lines && l < json_array_get_length (lines); l++)
        {
          JsonArray *line = json_array_get_array_element (lines, l);
          for (guint k = 0; k + 1 < json_array_get_length (line); k++)
            {
              JsonArray *a = json_array_get_array_element (line, k);
              JsonArray *b = json_array_get_array_element (line, k + 1);
              double p[4] = { json_array_get_double_element (a, 0),
                              json_array_get_double_element (a, 1),
                              json_array_get_double_element (b, 0),
                              json_array_get_double_element (b, 1) };
              if (p[0] != p[2] || p[1] != p[3])
                func (i, p, user_data);
            }
        }
    }
  return n;
}

typedef struct
{
  GPtrArray *seen;  /* per feature: the segment keys met */
  GArray *lengths;  /* per feature: metres of distinct segments */
} Distinct;

static void
add_distinct (guint feature, const double p[4], gpointer user_data)
{
  Distinct *d = user_data;
  while (d->seen->len <= feature)
    {
      g_ptr_array_add (d->seen, g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL));
      double zero = 0;
      g_array_append_val (d->lengths, zero);
    }
  if (g_hash_table_add (g_ptr_array_index (d->seen, feature), segment_key (p)))
    g_array_index (d->lengths, double, feature) += cm_geodesic_distance (p[0], p[1], p[2], p[3]);
}

/* Metres of distinct segments in each feature of a QGIS service-area output. */
static GArray *
distinct_lengths (const char *path)
{
  Distinct d = { g_ptr_array_new_with_free_func ((GDestroyNotify) g_hash_table_unref),
                 g_array_new (FALSE, TRUE, sizeof (double)) };
  guint n = for_each_segment (path, add_distinct, &d);
  g_array_set_size (d.lengths, MAX (n, d.lengths->len));
  g_ptr_array_unref (d.seen);
  return d.lengths;
}

/* Where QGIS's pieces lie on our edges: per edge (index + 1) a GArray of [t0, t1] pairs. */
typedef struct
{
  CmNetwork *net;
  GHashTable *by_node; /* "lon lat" (7 decimals) → GArray of edge indexes */
} EdgeIndex;

static char *
node_key (double lon, double lat)
{
  return g_strdup_printf ("%.7f %.7f", lon, lat);
}

/* @t along @edge of the point nearest to @lon, @lat, and how far off it is in metres */
static double
project_on_edge (CmNetwork *net, int edge, double lon, double lat, double *off_m)
{
  double a[2], b[2], kx, ky;
  cm_network_edge_point (net, edge, 0, &a[0], &a[1]);
  cm_network_edge_point (net, edge, 1, &b[0], &b[1]);
  cm_geodesic_scale (lat, &kx, &ky);
  double dx = (b[0] - a[0]) * kx, dy = (b[1] - a[1]) * ky;
  double px = (lon - a[0]) * kx, py = (lat - a[1]) * ky;
  double t = CLAMP ((px * dx + py * dy) / (dx * dx + dy * dy), 0.0, 1.0);
  *off_m = hypot (px - t * dx, py - t * dy);
  return t;
}

static void
add_interval (GHashTable *cover, int edge, double t0, double t1)
{
  GArray *list = g_hash_table_lookup (cover, GINT_TO_POINTER (edge + 1));
  if (list == NULL)
    {
      list = g_array_new (FALSE, FALSE, sizeof (double));
      g_hash_table_insert (cover, GINT_TO_POINTER (edge + 1), list);
    }
  double iv[2] = { MIN (t0, t1), MAX (t0, t1) };
  g_array_append_vals (list, iv, 2);
}

static int
compare_pair (gconstpointer a, gconstpointer b)
{
  return compare_double (a, b);
}

/* Metres of @edge that the union of its intervals covers. */
static double
covered_metres (CmNetwork *net, int edge, GArray *list)
{
  guint n = list->len / 2;
  double *iv = (double *) list->data;
  qsort (iv, n, 2 * sizeof (double), compare_pair);
  double total = 0, start = iv[0], end = iv[1];
  for (guint i = 1; i < n; i++)
    {
      if (iv[2 * i] > end)
        {
          total += end - start;
          start = iv[2 * i];
        }
      end = MAX (end, iv[2 * i + 1]);
    }
  total += end - start;
  return total * cm_network_edge_length (net, edge);
}

/* One QGIS segment placed on our edges; FALSE when it lies on none. */
static gboolean
place_segment (EdgeIndex *x, const double p[4], int tie_edge, GHashTable *cover)
{
  for (int end = 0; end < 2; end++)
    {
      const double *a = p + 2 * end, *b = p + 2 * (1 - end);
      g_autofree char *ka = node_key (a[0], a[1]);
      GArray *incident = g_hash_table_lookup (x->by_node, ka);
      for (guint k = 0; incident && k < incident->len; k++)
        {
          int e = g_array_index (incident, int, k);
          double u[2], off;
          cm_network_edge_point (x->net, e, 0, &u[0], &u[1]);
          g_autofree char *ku = node_key (u[0], u[1]);
          gboolean a_is_u = strcmp (ku, ka) == 0;
          double t = project_on_edge (x->net, e, b[0], b[1], &off);
          if (off > 0.05 || (a_is_u ? t : 1 - t) * cm_network_edge_length (x->net, e) < 0.01)
            continue;
          add_interval (cover, e, a_is_u ? 0 : 1, t);
          return TRUE;
        }
    }
  /* neither end is a node: a piece of the start point's own edge, which QGIS splits there */
  double off0, off1;
  double t0 = project_on_edge (x->net, tie_edge, p[0], p[1], &off0);
  double t1 = project_on_edge (x->net, tie_edge, p[2], p[3], &off1);
  if (off0 > 0.05 || off1 > 0.05)
    return FALSE;
  add_interval (cover, tie_edge, t0, t1);
  return TRUE;
}

typedef struct
{
  EdgeIndex *x;
  const int *tie_edges;
  GPtrArray *covers; /* per feature: edge + 1 → intervals */
  double unplaced_m;
} Cover;

static void
add_cover (guint feature, const double p[4], gpointer user_data)
{
  Cover *c = user_data;
  while (c->covers->len <= feature)
    g_ptr_array_add (c->covers,
                     g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_array_unref));
  if (!place_segment (c->x, p, c->tie_edges[feature], g_ptr_array_index (c->covers, feature)))
    c->unplaced_m += cm_geodesic_distance (p[0], p[1], p[2], p[3]);
}

/* The ground each QGIS feature covers on our edges, every piece once. */
static void
qgis_cover (const char *path, EdgeIndex *x, const int *tie_edges, GPtrArray *covers,
            double *unplaced_m)
{
  Cover c = { x, tie_edges, covers, 0 };
  guint n = for_each_segment (path, add_cover, &c);
  while (covers->len < n)
    g_ptr_array_add (covers, g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_array_unref));
  *unplaced_m = c.unplaced_m;
}

/* The tie QGIS makes: the nearest point in plain degrees (its layer's units), not metres. */
static CmNetworkTie
tie_in_degrees (CmNetwork *net, double lon, double lat)
{
  CmNetworkStats stats;
  cm_network_get_stats (net, &stats);
  CmNetworkTie tie = { -1, 0, lon, lat, 0 };
  double best = G_MAXDOUBLE;
  for (guint e = 0; e < stats.edges; e++)
    {
      double a[2], b[2];
      cm_network_edge_point (net, (int) e, 0, &a[0], &a[1]);
      cm_network_edge_point (net, (int) e, 1, &b[0], &b[1]);
      double dx = b[0] - a[0], dy = b[1] - a[1];
      double t = CLAMP (((lon - a[0]) * dx + (lat - a[1]) * dy) / (dx * dx + dy * dy), 0.0, 1.0);
      double d = hypot (a[0] + t * dx - lon, a[1] + t * dy - lat);
      if (d < best)
        best = d, tie.edge = (int) e, tie.t = t;
    }
  cm_network_edge_point (net, tie.edge, tie.t, &tie.lon, &tie.lat);
  return tie;
}

#define PEER_RUNS 5 /* each of the four QGIS-comparison timings: the median of this many */

/* Runs @argv (whole process), output thrown away; its wall time in ms, or -1 on failure. */
static double
time_process (const char *const *argv, char **env)
{
  g_autoptr (GError) error = NULL;
  int status;
  gint64 t0 = g_get_monotonic_time ();
  if (!g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_STDOUT_TO_DEV_NULL
                     | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, &error)
      || !g_spawn_check_wait_status (status, &error))
    {
      g_print ("  %s failed: %s\n", argv[0], error ? error->message : "?");
      return -1;
    }
  return ms_since (t0);
}

static void
compare_with_qgis (const char *data, const char *work, const char *bench_dir, const char *cmap,
                   CmStore *store, CmCoverage *sources)
{
  const char *qgis = "/usr/bin/qgis_process.bin";
  if (!g_file_test (qgis, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_print ("QGIS: qgis_process is not installed (make bench-deps installs qgis); skipped\n");
      return;
    }
  guint n = MIN (sources->sources->len, 20);
  g_autofree char *points = g_build_filename (work, "qgis-points.geojson", NULL);
  g_autofree char *project = g_build_filename (work, "qgis-wgs84.qgs", NULL);
  g_autofree char *output = g_build_filename (work, "qgis-service-area.geojson", NULL);
  g_autofree char *roads = g_build_filename (data, "porto-centro", "roads.geojson", NULL);
  GString *pts = g_string_new ("{\"type\": \"FeatureCollection\", \"features\": [");
  for (guint i = 0; i < n; i++)
    {
      CmCoverageSource *s = &g_array_index (sources->sources, CmCoverageSource, i);
      g_string_append_printf (pts, "%s{\"type\": \"Feature\", \"properties\": {\"id\": %u},"
                                   " \"geometry\": {\"type\": \"Point\", \"coordinates\":"
                                   " [%.7f, %.7f]}}",
                              i ? ", " : "", i, s->lon, s->lat);
    }
  g_string_append (pts, "]}\n");
  g_file_set_contents (points, pts->str, -1, NULL);
  g_string_free (pts, TRUE);
  /* a project whose ellipsoid is WGS 84, so QGIS measures the travel cost in metres */
  g_file_set_contents (project,
                       "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
                       "<qgis version=\"3.22.16\" projectname=\"bench\">\n"
                       "  <projectCrs><spatialrefsys><authid>EPSG:4326</authid>"
                       "</spatialrefsys></projectCrs>\n"
                       "  <properties><Measure><Ellipsoid type=\"QString\">EPSG:7030"
                       "</Ellipsoid></Measure></properties>\n"
                       "</qgis>\n",
                       -1, NULL);
  g_autofree char *input = g_strdup_printf ("INPUT=%s", roads);
  g_autofree char *start = g_strdup_printf ("START_POINTS=%s", points);
  g_autofree char *out = g_strdup_printf ("OUTPUT_LINES=%s", output);
  g_autofree char *proj = g_strdup_printf ("--PROJECT_PATH=%s", project);
  const char *argv[] = { qgis, "run", "native:serviceareafromlayer", proj, "--", input, start,
                         "STRATEGY=0", "TRAVEL_COST=500", out, NULL };
  g_auto (GStrv) env = g_get_environ ();
  env = g_environ_setenv (env, "QT_QPA_PLATFORM", "offscreen", TRUE);
  g_autofree char *runtime = g_build_filename (work, "xdg-runtime", NULL);
  g_mkdir_with_parents (runtime, 0700);
  env = g_environ_setenv (env, "XDG_RUNTIME_DIR", runtime, TRUE);

  /* 1. in-process, both: QGIS's processing.run in PyQGIS after a warm-up run, against ours
   * loading the network from the map and computing the service areas */
  double qgis_in = -1;
  g_autofree char *script = g_build_filename (bench_dir, "qgis-service-area.py", NULL);
  g_autofree char *runs_text = g_strdup_printf ("%d", PEER_RUNS);
  const char *py[] = { "/usr/bin/python3", script, roads, points, runs_text, output, NULL };
  g_autofree char *py_out = NULL;
  {
    g_autoptr (GError) error = NULL;
    int status;
    if (g_spawn_sync (NULL, (char **) py, env, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                      NULL, NULL, &py_out, NULL, &status, &error)
        && g_spawn_check_wait_status (status, &error))
      {
        g_autoptr (JsonParser) parser = json_parser_new ();
        const char *line = strrchr (g_strstrip (py_out), '\n');
        if (json_parser_load_from_data (parser, line ? line + 1 : py_out, -1, NULL))
          qgis_in = json_object_get_double_member (
              json_node_get_object (json_parser_get_root (parser)), "median_ms");
      }
    else
      g_print ("QGIS: PyQGIS could not run %s: %s\n", script, error ? error->message : "?");
  }
  double ours_runs[PEER_RUNS];
  for (int r = 0; r < PEER_RUNS; r++)
    {
      g_autoptr (GError) error = NULL;
      gint64 t0 = g_get_monotonic_time ();
      g_autoptr (CmNetwork) timed_net = cm_network_load (store, CM_NETWORK_ALL, &error);
      g_autoptr (CmNetworkSearch) timed_search = cm_network_search_new (timed_net);
      for (guint i = 0; i < n; i++)
        {
          CmCoverageSource *src = &g_array_index (sources->sources, CmCoverageSource, i);
          CmNetworkTie tie;
          cm_network_tie (timed_net, src->lon, src->lat, CM_NETWORK_MAX_ACCESS_M, &tie);
          g_autoptr (GArray) pieces = g_array_new (FALSE, FALSE, sizeof (CmNetworkPiece));
          cm_network_service_area (timed_search, &tie, 500, pieces);
        }
      ours_runs[r] = ms_since (t0);
    }
  double ours_in = median (ours_runs, PEER_RUNS);

  /* 2. whole processes, both: qgis_process against cmap walk-area on a map whose stations are
   * the same points (each reads the roads, computes, writes GeoJSON) */
  g_autofree char *peer_map = g_build_filename (work, "bench-peer.sqlite", NULL);
  g_autofree char *peer_out = g_build_filename (work, "cmap-walk-area.geojson", NULL);
  {
    g_autoptr (GError) error = NULL;
    g_unlink (peer_map);
    g_autoptr (CmStore) peer = cm_store_create (peer_map, "peer", &error);
    g_autoptr (CmImportReport) report = cm_import_report_new ();
    if (peer == NULL
        || !cm_import_file (peer, roads, CM_LAYER_PATHS, NULL, report, NULL, NULL, NULL, &error)
        || !cm_import_file (peer, points, CM_LAYER_STATIONS, NULL, report, NULL, NULL, NULL,
                            &error))
      g_error ("%s", error->message);
  }
  const char *walk_area[] = { cmap, "walk-area", peer_map, "--from", "stations", "--max", "500",
                              "--network", "all", "-o", peer_out, NULL };
  double qgis_runs[PEER_RUNS], cmap_runs[PEER_RUNS];
  for (int r = 0; r < PEER_RUNS; r++)
    {
      g_unlink (output);
      if ((qgis_runs[r] = time_process (argv, env)) < 0
          || (cmap_runs[r] = time_process (walk_area, env)) < 0)
        return;
    }
  double qgis_whole = median (qgis_runs, PEER_RUNS), cmap_whole = median (cmap_runs, PEER_RUNS);

  /* ours on the same lines (every line in paths, as QGIS takes them), for the comparison of
   * what each reaches (not timed) */
  g_autoptr (GError) error = NULL;
  g_autoptr (CmNetwork) net = cm_network_load (store, CM_NETWORK_ALL, &error);
  g_autoptr (CmNetworkSearch) search = cm_network_search_new (net);
  g_autoptr (GPtrArray) areas = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  g_autoptr (GArray) ours = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint i = 0; i < n; i++)
    {
      CmCoverageSource *s = &g_array_index (sources->sources, CmCoverageSource, i);
      CmNetworkTie tie;
      cm_network_tie (net, s->lon, s->lat, CM_NETWORK_MAX_ACCESS_M, &tie);
      GArray *pieces = g_array_new (FALSE, FALSE, sizeof (CmNetworkPiece));
      double length = cm_network_service_area (search, &tie, 500, pieces);
      g_array_append_val (ours, length);
      g_ptr_array_add (areas, pieces);
    }

  /* QGIS's pieces placed on our edges, each bit of ground once */
  CmNetworkStats stats;
  cm_network_get_stats (net, &stats);
  EdgeIndex x = { net, g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) g_array_unref) };
  for (guint e = 0; e < stats.edges; e++)
    for (int end = 0; end < 2; end++)
      {
        double lon, lat;
        cm_network_edge_point (net, (int) e, end, &lon, &lat);
        char *key = node_key (lon, lat);
        GArray *list = g_hash_table_lookup (x.by_node, key);
        if (list == NULL)
          {
            list = g_array_new (FALSE, FALSE, sizeof (int));
            g_hash_table_insert (x.by_node, key, list);
          }
        else
          g_free (key);
        int index = (int) e;
        g_array_append_val (list, index);
      }
  g_autofree int *tie_edges = g_new (int, n);
  for (guint i = 0; i < n; i++)
    {
      CmCoverageSource *src = &g_array_index (sources->sources, CmCoverageSource, i);
      CmNetworkTie tie;
      cm_network_tie (net, src->lon, src->lat, CM_NETWORK_MAX_ACCESS_M, &tie);
      tie_edges[i] = tie.edge;
    }
  g_autoptr (GPtrArray) covers = g_ptr_array_new_with_free_func ((GDestroyNotify) g_hash_table_unref);
  double unplaced = 0;
  qgis_cover (output, &x, tie_edges, covers, &unplaced);
  g_autoptr (GArray) raw = distinct_lengths (output);
  g_hash_table_unref (x.by_node);

  GString *geojson = g_string_new ("{\"type\": \"FeatureCollection\", \"features\": [");
  double sum_raw = 0, sum_q = 0, sum_o = 0, differ_m = 0;
  guint edges_differ = 0;
  for (guint i = 0; i < MIN (n, covers->len); i++)
    {
      sum_raw += g_array_index (raw, double, i);
      sum_o += g_array_index (ours, double, i);
      GArray *pieces = g_ptr_array_index (areas, i);
      GHashTable *theirs = g_ptr_array_index (covers, i);
      g_autoptr (GHashTable) mine = g_hash_table_new_full (NULL, NULL, NULL,
                                                           (GDestroyNotify) g_array_unref);
      for (guint k = 0; k < pieces->len; k++)
        {
          CmNetworkPiece *p = &g_array_index (pieces, CmNetworkPiece, k);
          add_interval (mine, p->edge, p->t0, p->t1);
        }
      /* per edge, what each side covers */
      GHashTableIter iter;
      gpointer key, value;
      g_hash_table_iter_init (&iter, theirs);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          int e = GPOINTER_TO_INT (key) - 1;
          double q = covered_metres (net, e, value);
          GArray *m = g_hash_table_lookup (mine, key);
          double o = m ? covered_metres (net, e, m) : 0;
          sum_q += q;
          if (fabs (q - o) > 1)
            edges_differ++, differ_m += fabs (q - o);
        }
      g_hash_table_iter_init (&iter, mine);
      while (g_hash_table_iter_next (&iter, &key, &value))
        if (!g_hash_table_contains (theirs, key))
          {
            double o = covered_metres (net, GPOINTER_TO_INT (key) - 1, value);
            if (o > 1)
              edges_differ++, differ_m += o;
          }
      /* kept beside QGIS's output, to look at both in QGIS */
      g_autoptr (CmGeom) lines = cm_network_pieces_to_geom (net, pieces);
      g_string_append_printf (geojson, "%s\n{\"type\": \"Feature\", \"properties\": "
                                       "{\"id\": %u, \"length_m\": %.1f}, \"geometry\": ",
                              i ? "," : "", i, g_array_index (ours, double, i));
      cm_geom_append_geojson (geojson, lines);
      g_string_append_c (geojson, '}');
    }
  g_string_append (geojson, "\n]}\n");
  g_autofree char *ours_path = g_build_filename (work, "ours-service-area.geojson", NULL);
  g_file_set_contents (ours_path, geojson->str, (gssize) geojson->len, NULL);
  g_string_free (geojson, TRUE);

  g_print ("QGIS 3.22 native:serviceareafromlayer against ours, %u sources at 500 m, every line "
           "of Porto's roads, medians of %d runs each:\n", n, PEER_RUNS);
  if (qgis_in > 0)
    g_print ("  in-process: QGIS processing.run %.0f ms (PyQGIS, after a warm-up run); ours "
             "%.1f ms (the network loaded from the map, %u service areas): %.0fx\n",
             qgis_in, ours_in, n, qgis_in / ours_in);
  g_print ("  whole process: qgis_process run %.0f ms; cmap walk-area %.0f ms (open the map, "
           "load the network, %u service areas, write GeoJSON): %.1fx\n",
           qgis_whole, cmap_whole, n, qgis_whole / cmap_whole);
  g_print ("  ground reached, each bit once: QGIS %.0f m, ours %.0f m (%+.2f%%); %u edge-source "
           "pairs differ by more than 1 m, %.0f m in all; %.0f m of QGIS's output lies on no edge\n",
           sum_q, sum_o, 100 * (sum_o - sum_q) / MAX (sum_q, 1), edges_differ, differ_m, unplaced);
  /* the same, tied as QGIS ties: what is left is how the two measure */
  double sum_d = 0;
  for (guint i = 0; i < n; i++)
    {
      CmCoverageSource *src = &g_array_index (sources->sources, CmCoverageSource, i);
      CmNetworkTie tie = tie_in_degrees (net, src->lon, src->lat);
      sum_d += cm_network_service_area (search, &tie, 500, NULL);
    }
  g_print ("  ours with each start tied as QGIS ties it (nearest in degrees, not metres): %.0f m "
           "(%+.3f%% from QGIS)\n",
           sum_d, 100 * (sum_d - sum_q) / MAX (sum_q, 1));
  g_print ("  QGIS's distinct segments add up to %.0f m: a partly reached edge is written from "
           "each end, and the pieces overlap\n",
           sum_raw);
  g_print ("  both outputs: %s and %s\n", output, ours_path);
}

/* ---- main ---------------------------------------------------------------------------------- */

int
main (int argc, char **argv)
{
  if (argc < 5)
    {
      g_printerr ("usage: bench-analysis SHARED_DATA_DIR WORK_DIR BENCH_SOURCE_DIR CMAP\n");
      return 2;
    }
  const char *data = argv[1], *work = argv[2], *bench_dir = argv[3], *cmap = argv[4];
  g_autoptr (CmStore) store = porto_map (data, work);
  g_autoptr (GError) error = NULL;
  double t[RUNS];

  /* building points: loaded once for everything below (SpatiaLite's ST_PointOnSurface) */
  g_autoptr (CmCoverage) c = cm_coverage_new ();
  for (int r = 0; r < RUNS; r++)
    {
      g_array_set_size (c->buildings, 0);
      gint64 t0 = g_get_monotonic_time ();
      if (!cm_coverage_load_buildings (c, store, &error))
        g_error ("%s", error->message);
      t[r] = ms_since (t0);
    }
  double load_ms = median (t, RUNS);
  schools (data, c);
  g_print ("bench/analysis on Porto: %u buildings, %u schools and kindergartens\n",
           c->buildings->len, c->sources->len);
  g_print ("load the buildings' points-on-surface (SpatiaLite): %.1f ms\n", load_ms);

  /* graph build: paths read from the map, filtered, noded, indexed */
  CmNetworkStats stats = { 0 };
  for (int r = 0; r < RUNS; r++)
    {
      gint64 t0 = g_get_monotonic_time ();
      g_autoptr (CmNetwork) net = cm_network_load (store, CM_NETWORK_WALKABLE, &error);
      t[r] = ms_since (t0);
      cm_network_get_stats (net, &stats);
    }
  double graph_ms = median (t, RUNS);
  g_autoptr (CmNetwork) net = cm_network_load (store, CM_NETWORK_WALKABLE, &error);
  g_print ("graph build: %.1f ms (%u paths, %u nodes, %u edges, %.0f km)\n", graph_ms,
           stats.paths, stats.nodes, stats.edges, stats.length_m / 1000);

  for (int r = 0; r < RUNS; r++)
    {
      gint64 t0 = g_get_monotonic_time ();
      cm_coverage_compute_walk (c, net, 500);
      t[r] = ms_since (t0);
    }
  double walk_ms = median (t, RUNS);
  g_print ("walking coverage of %u buildings from %u sources: %.1f ms (%u within 500 m)\n",
           c->buildings->len, c->sources->len, walk_ms, c->covered);
  g_print ("  graph build + walking coverage: %.1f ms (goal < 100 ms)\n", graph_ms + walk_ms);

  /* suggesting 3 sites at 500 m (issue #13: Porto, < 1 s): everything from the map, as the
   * panel and cmap suggest do it; from the kindergartens and schools, then from nothing (every
   * building uncovered: the most work); and, for scale, one brute-force search per candidate
   * for the first site alone */
  const char *from[] = { "resources:kindergarten,primary_school,middle_school", "stations" };
  for (gsize k = 0; k < G_N_ELEMENTS (from); k++)
    {
      g_autoptr (CmSuggestion) s = NULL;
      for (int r = 0; r < RUNS; r++)
        {
          g_clear_pointer (&s, cm_suggestion_free);
          gint64 t0 = g_get_monotonic_time ();
          s = cm_suggest (store, from[k], 500, 3, CM_NETWORK_WALKABLE, NULL, NULL, &error);
          t[r] = ms_since (t0);
          if (s == NULL)
            g_error ("%s", error->message);
        }
      GString *gains = g_string_new (NULL);
      for (guint i = 0; i < s->sites->len; i++)
        g_string_append_printf (gains, "%s+%u", i ? ", " : "",
                                g_array_index (s->sites, CmSuggestSite, i).buildings);
      g_print ("suggest 3 sites at 500 m from %s (%u covered before; %u candidates): %.0f ms "
               "(goal < 1 s); buildings gained %s\n",
               k == 0 ? "the kindergartens and schools" : "nothing (no stations)",
               s->covered_before, s->candidates->len, median (t, RUNS), gains->str);
      g_string_free (gains, TRUE);
    }
  {
    /* the first site by a forward search from every candidate: what the greedy spares */
    g_autoptr (GArray) candidates = cm_suggest_path_candidates (net, CM_SUGGEST_SPACING_M);
    g_autoptr (CmNetworkSearch) one = cm_network_search_new (net);
    g_autofree CmNetworkTie *ties = g_new0 (CmNetworkTie, c->buildings->len);
    for (guint b = 0; b < c->buildings->len; b++)
      {
        const CmCoverageBuilding *bd = &g_array_index (c->buildings, CmCoverageBuilding, b);
        cm_network_tie (net, bd->lon, bd->lat, CM_NETWORK_MAX_ACCESS_M, &ties[b]);
      }
    gint64 t0 = g_get_monotonic_time ();
    guint best = 0;
    for (guint i = 0; i < candidates->len; i++)
      {
        const CmSuggestCandidate *cand = &g_array_index (candidates, CmSuggestCandidate, i);
        cm_network_search_run (one, &cand->tie, 1, TRUE, 500);
        guint gain = 0;
        for (guint b = 0; b < c->buildings->len; b++)
          if (!g_array_index (c->buildings, CmCoverageBuilding, b).covered && ties[b].edge >= 0 &&
              cm_network_search_distance_to (one, &ties[b], NULL) + ties[b].access_m <= 500)
            gain++;
        best = MAX (best, gain);
      }
    g_print ("  for scale: the first site alone by brute force (a search from each of %u "
             "candidates): %.0f ms, best gain %u buildings\n",
             candidates->len, ms_since (t0), best);
  }

  /* service areas at 500 m for every source */
  g_autoptr (CmNetworkSearch) search = cm_network_search_new (net);
  g_autoptr (GArray) pieces = g_array_new (FALSE, FALSE, sizeof (CmNetworkPiece));
  double reach = 0;
  for (int r = 0; r < RUNS; r++)
    {
      gint64 t0 = g_get_monotonic_time ();
      reach = 0;
      for (guint i = 0; i < c->sources->len; i++)
        {
          CmCoverageSource *s = &g_array_index (c->sources, CmCoverageSource, i);
          CmNetworkTie tie;
          cm_network_tie (net, s->lon, s->lat, CM_NETWORK_MAX_ACCESS_M, &tie);
          g_array_set_size (pieces, 0);
          reach += cm_network_service_area (search, &tie, 500, pieces);
        }
      t[r] = ms_since (t0);
    }
  g_print ("service areas at 500 m for %u sources: %.1f ms (goal < 50 ms; %.0f km reached in "
           "all)\n",
           c->sources->len, median (t, RUNS), reach / 1000);

  /* radius coverage: 57,020 buildings (Porto's five times, shifted east) and 500 stations */
  g_autoptr (CmCoverage) big = cm_coverage_new ();
  double bbox[4] = { G_MAXDOUBLE, G_MAXDOUBLE, -G_MAXDOUBLE, -G_MAXDOUBLE };
  for (int copy = 0; copy < 5; copy++)
    for (guint i = 0; i < c->buildings->len; i++)
      {
        CmCoverageBuilding *b = &g_array_index (c->buildings, CmCoverageBuilding, i);
        double lon = b->lon + copy * 0.04;
        cm_coverage_add_building (big, b->uuid, NULL, lon, b->lat, -1, -1);
        bbox[0] = MIN (bbox[0], lon), bbox[1] = MIN (bbox[1], b->lat);
        bbox[2] = MAX (bbox[2], lon), bbox[3] = MAX (bbox[3], b->lat);
      }
  GRand *rand = g_rand_new_with_seed (7);
  for (int i = 0; i < 500; i++)
    cm_coverage_add_source (big, "s", NULL, g_rand_double_range (rand, bbox[0], bbox[2]),
                            g_rand_double_range (rand, bbox[1], bbox[3]),
                            g_rand_double_range (rand, 300, 800));
  g_rand_free (rand);
  for (int r = 0; r < RUNS; r++)
    {
      gint64 t0 = g_get_monotonic_time ();
      cm_coverage_compute_radius (big);
      t[r] = ms_since (t0);
    }
  g_print ("radius coverage of %u buildings against 500 stations: %.1f ms (goal < 50 ms; %u "
           "covered)\n",
           big->buildings->len, median (t, RUNS), big->covered);

  /* teams: 12 drawn areas over a boundary */
  g_autoptr (CmTeams) teams = cm_teams_load (store, &error);
  if (teams == NULL)
    g_error ("%s", error->message);
  for (int r = 0; r < RUNS; r++)
    {
      gint64 t0 = g_get_monotonic_time ();
      cm_teams_compute (teams);
      t[r] = ms_since (t0);
    }
  g_print ("team union, gaps, overlaps and buildings for %u teams: %.1f ms (%u overlaps, "
           "%u buildings outside)\n",
           teams->teams->len, median (t, RUNS), teams->overlaps->len, teams->buildings_outside);

  /* the full life-circle report: load, network, 25 facility rows */
  for (int r = 0; r < RUNS; r++)
    {
      g_autoptr (CmLifeReport) report = cm_life_report_new (NULL, &error);
      gint64 t0 = g_get_monotonic_time ();
      if (!cm_life_report_run (report, store, CM_NETWORK_WALKABLE, NULL, NULL, NULL, &error))
        g_error ("%s", error->message);
      t[r] = ms_since (t0);
    }
  g_print ("full life-circle report (load buildings and network, 25 facility rows): %.1f ms "
           "(goal < 1 s)\n",
           median (t, RUNS));

  compare_with_qgis (data, work, bench_dir, cmap, store, c);

  struct rusage usage;
  getrusage (RUSAGE_SELF, &usage);
  g_print ("peak RSS: %.0f MB\n", usage.ru_maxrss / 1024.0);
  return 0;
}
