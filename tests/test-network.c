/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-network.c: the walking network and walking coverage against known answers — small
 * networks built by hand, where every distance can be worked out on paper (edge lengths from
 * PROJ's geod_inverse), and Porto's real paths against an independent brute-force Dijkstra
 * written here. */
#include <json-glib/json-glib.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>

#include "cm-core.h"
#include "cm-store-private.h"
#include "cm-test-util.h"

/* ---- hand-built networks near Beijing: positions in metres east and north of a corner --- */

#define LON0 116.3
#define LAT0 40.0

/* degrees per metre at LAT0, from PROJ: one metre east, one metre north */
static double deg_per_m_lon, deg_per_m_lat;

static void
init_scale (void)
{
  deg_per_m_lon = 0.001 / cm_test_geod_distance (LON0, LAT0, LON0 + 0.001, LAT0);
  deg_per_m_lat = 0.001 / cm_test_geod_distance (LON0, LAT0, LON0, LAT0 + 0.001);
}

static void
at (double x, double y, double *lon, double *lat)
{
  *lon = LON0 + x * deg_per_m_lon;
  *lat = LAT0 + y * deg_per_m_lat;
}

/* A line through positions given in metres: x0, y0, x1, y1, … */
static void
add_line (CmNetwork *net, gboolean barrier, guint n, const double *metres)
{
  g_autofree double *xy = g_new (double, 2 * n);
  for (guint i = 0; i < n; i++)
    at (metres[2 * i], metres[2 * i + 1], &xy[2 * i], &xy[2 * i + 1]);
  if (barrier)
    cm_network_add_barrier (net, xy, n);
  else
    cm_network_add_path (net, xy, n);
}

#define PATH(net, ...)                                                                         \
  add_line (net, FALSE, sizeof ((double[]){ __VA_ARGS__ }) / sizeof (double) / 2,             \
            (double[]){ __VA_ARGS__ })
#define BARRIER(net, ...)                                                                      \
  add_line (net, TRUE, sizeof ((double[]){ __VA_ARGS__ }) / sizeof (double) / 2,              \
            (double[]){ __VA_ARGS__ })

/* PROJ metres along a polyline given in metres (positions turned into degrees first) */
static double
walked (guint n, const double *metres)
{
  double total = 0;
  for (guint i = 0; i + 1 < n; i++)
    {
      double a[2], b[2];
      at (metres[2 * i], metres[2 * i + 1], &a[0], &a[1]);
      at (metres[2 * i + 2], metres[2 * i + 3], &b[0], &b[1]);
      total += cm_test_geod_distance (a[0], a[1], b[0], b[1]);
    }
  return total;
}
#define WALKED(...)                                                                            \
  walked (sizeof ((double[]){ __VA_ARGS__ }) / sizeof (double) / 2, (double[]){ __VA_ARGS__ })

static void
add_source (CmCoverage *c, double x, double y)
{
  double lon, lat;
  at (x, y, &lon, &lat);
  g_autofree char *uuid = g_strdup_printf ("s%u", c->sources->len);
  cm_coverage_add_source (c, uuid, uuid, lon, lat, NAN);
}

static void
add_building (CmCoverage *c, double x, double y)
{
  double lon, lat;
  at (x, y, &lon, &lat);
  g_autofree char *uuid = g_strdup_printf ("b%u", c->buildings->len);
  cm_coverage_add_building (c, uuid, uuid, lon, lat, 10, 25);
}

static CmCoverageBuilding *
building (CmCoverage *c, guint i)
{
  return &g_array_index (c->buildings, CmCoverageBuilding, i);
}

#define ASSERT_METRES(got, want) g_assert_cmpfloat (fabs ((got) - (want)), <, 0.01)

/* A 4 × 4 grid of streets 100 m apart, from (0, 0) to (300, 300). */
static CmNetwork *
grid_network (void)
{
  CmNetwork *net = cm_network_new ();
  for (int i = 0; i < 4; i++)
    {
      double v = 100.0 * i;
      PATH (net, 0, v, 100, v, 200, v, 300, v);
      PATH (net, v, 0, v, 100, v, 200, v, 300);
    }
  cm_network_build (net);
  return net;
}

/* A 4 × 4 grid of streets 100 m apart; a station at one corner. */
static void
test_grid (void)
{
  g_autoptr (CmNetwork) net = grid_network ();
  CmNetworkStats stats;
  cm_network_get_stats (net, &stats);
  g_assert_cmpint (stats.nodes, ==, 16);
  g_assert_cmpint (stats.edges, ==, 24);
  g_assert_cmpint (stats.components, ==, 1);
  g_assert_cmpfloat (fabs (stats.length_m - 2400) / 2400, <, 1e-4);

  g_autoptr (CmCoverage) c = cm_coverage_new ();
  add_source (c, 0, 0);
  add_building (c, 300, 310); /* 10 m past the far corner */
  add_building (c, 150, 205); /* 5 m north of the middle of a street */
  add_building (c, 0, 0);     /* at the station */
  cm_coverage_compute_walk (c, net, 500);

  CmCoverageBuilding *far = building (c, 0);
  g_assert_cmpint (far->walk_status, ==, CM_WALK_REACHED);
  ASSERT_METRES (far->access_m, WALKED (300, 310, 300, 300));
  /* north first: on the ellipsoid a street 300 m further north is 1.2 cm shorter */
  ASSERT_METRES (far->walk_m, WALKED (0, 0, 0, 300, 300, 300, 300, 310));
  /* … and not east first, which is longer by more than the tolerance */
  g_assert_cmpfloat (fabs (far->walk_m - WALKED (0, 0, 300, 0, 300, 300, 300, 310)), >, 0.01);
  g_assert_false (far->covered); /* 610 m > 500 m */
  ASSERT_METRES (far->nearest_m, WALKED (0, 0, 300, 310));
  g_assert_cmpfloat (fabs (far->detour - far->walk_m / far->nearest_m), <, 1e-9);
  g_assert_cmpfloat (fabs (far->detour - 610 / hypot (300, 310)), <, 1e-3);

  CmCoverageBuilding *mid = building (c, 1);
  ASSERT_METRES (mid->access_m, WALKED (150, 205, 150, 200));
  /* up one side to (100, 200), then 50 m along the street: 355 m, not 455 m */
  ASSERT_METRES (mid->walk_m, WALKED (0, 0, 0, 200, 150, 200, 150, 205));
  g_assert_true (mid->covered);
  ASSERT_METRES (building (c, 2)->walk_m, 0);
  g_assert_cmpint (c->covered, ==, 2);
  g_assert_cmpint (c->population_covered, ==, 50);
  g_assert_cmpint (c->population_uncovered, ==, 25);
  CmCoverageSource *s = &g_array_index (c->sources, CmCoverageSource, 0);
  g_assert_cmpint (s->buildings, ==, 2);
}

/* The walking limit counts: a building exactly at it is covered, one a hair beyond (the next
 * double below the limit) is not. */
static void
test_walk_limit_exact (void)
{
  g_autoptr (CmNetwork) net = cm_network_new ();
  PATH (net, 0, 0, 250, 0, 500, 0);
  cm_network_build (net);
  g_autoptr (CmCoverage) c = cm_coverage_new ();
  add_source (c, 0, 0);
  add_building (c, 500, 0);
  cm_coverage_compute_walk (c, net, 1000);
  double w = building (c, 0)->walk_m;
  ASSERT_METRES (w, WALKED (0, 0, 500, 0));
  cm_coverage_compute_walk (c, net, w);
  g_assert_cmpint (building (c, 0)->walk_status, ==, CM_WALK_REACHED);
  g_assert_true (building (c, 0)->covered);
  g_assert_cmpint (c->covered, ==, 1);
  cm_coverage_compute_walk (c, net, nextafter (w, 0));
  g_assert_false (building (c, 0)->covered);
  g_assert_cmpint (c->covered, ==, 0);
}

/* A street with a side street that ends; two stations compete. */
static void
test_dead_end (void)
{
  g_autoptr (CmNetwork) net = cm_network_new ();
  PATH (net, 0, 0, 200, 0, 400, 0);
  PATH (net, 200, 0, 200, 150);
  cm_network_build (net);
  g_autoptr (CmCoverage) c = cm_coverage_new ();
  add_source (c, 0, -20);  /* 20 m off the start: its access leg counts */
  add_source (c, 400, 60); /* 60 m off the end */
  add_building (c, 200, 170); /* 20 m past the dead end */
  add_building (c, 390, 0);
  cm_coverage_compute_walk (c, net, 1000);
  CmCoverageBuilding *b = building (c, 0);
  /* from the first: 20 + 200 + 150 + 20 = 390; from the second: 60 + 200 + 150 + 20 = 430 */
  g_assert_cmpint (b->nearest, ==, 0);
  ASSERT_METRES (b->walk_m, WALKED (0, -20, 0, 0, 200, 0, 200, 150, 200, 170));
  ASSERT_METRES (b->source_access_m, WALKED (0, -20, 0, 0));
  ASSERT_METRES (b->access_m, WALKED (200, 150, 200, 170));
  /* the second station is on this building's own edge: straight along it, 60 + 10 */
  b = building (c, 1);
  g_assert_cmpint (b->nearest, ==, 1);
  ASSERT_METRES (b->walk_m, WALKED (400, 60, 400, 0, 390, 0));
}

/* Two pieces of network; a building on the piece without a station, one far from any path,
 * a station far from any path. */
static void
test_components_and_off_network (void)
{
  g_autoptr (CmNetwork) net = cm_network_new ();
  PATH (net, 0, 0, 300, 0);
  PATH (net, 0, 500, 300, 500);
  cm_network_build (net);
  CmNetworkStats stats;
  cm_network_get_stats (net, &stats);
  g_assert_cmpint (stats.components, ==, 2);

  g_autoptr (CmCoverage) c = cm_coverage_new ();
  add_source (c, 0, 0);
  add_source (c, 150, 250);   /* 250 m from both lines: beyond the 200 m access limit */
  add_building (c, 150, 510); /* on the second piece */
  add_building (c, 150, 800); /* 300 m from any path */
  add_building (c, 300, 0);
  cm_coverage_compute_walk (c, net, 1000);
  g_assert_cmpint (c->sources_off_network, ==, 1);
  g_assert_cmpint (g_array_index (c->sources, CmCoverageSource, 1).tie.edge, ==, -1);
  g_assert_cmpint (building (c, 0)->walk_status, ==, CM_WALK_DISCONNECTED);
  g_assert_true (isnan (building (c, 0)->walk_m));
  ASSERT_METRES (building (c, 0)->access_m, WALKED (150, 510, 150, 500));
  g_assert_cmpint (building (c, 1)->walk_status, ==, CM_WALK_OFF_NETWORK);
  g_assert_cmpint (building (c, 2)->walk_status, ==, CM_WALK_REACHED);
  ASSERT_METRES (building (c, 2)->walk_m, WALKED (0, 0, 300, 0));
  g_assert_cmpint (c->disconnected, ==, 1);
  g_assert_cmpint (c->off_network, ==, 1);
  g_assert_cmpint (c->covered, ==, 1);
  g_assert_cmpint (c->population_uncovered, ==, 50);
}

/* A wall across a street cuts it; people walk round by the detour. A wall that shares a
 * vertex with the street is a gate in it: no cut. */
static void
test_barrier (void)
{
  g_autoptr (CmCoverage) c = cm_coverage_new ();
  add_source (c, 0, 0);
  add_building (c, 400, 10);

  g_autoptr (CmNetwork) cut = cm_network_new ();
  PATH (cut, 0, 0, 400, 0);
  BARRIER (cut, 200, -50, 200, 50);
  cm_network_build (cut);
  CmNetworkStats stats;
  cm_network_get_stats (cut, &stats);
  g_assert_cmpint (stats.cuts, ==, 1);
  g_assert_cmpint (stats.components, ==, 2);
  /* nothing is lost: both halves stay, as dead ends */
  g_assert_cmpfloat (fabs (stats.length_m - WALKED (0, 0, 400, 0)), <, 1e-6);
  cm_coverage_compute_walk (c, cut, 1000);
  g_assert_cmpint (building (c, 0)->walk_status, ==, CM_WALK_DISCONNECTED);

  g_autoptr (CmNetwork) detour = cm_network_new ();
  PATH (detour, 0, 0, 400, 0);
  PATH (detour, 0, 0, 0, 100, 400, 100, 400, 0);
  BARRIER (detour, 200, -50, 200, 50);
  cm_network_build (detour);
  cm_coverage_compute_walk (c, detour, 1000);
  CmCoverageBuilding *b = building (c, 0);
  g_assert_cmpint (b->walk_status, ==, CM_WALK_REACHED);
  ASSERT_METRES (b->access_m, 0);
  ASSERT_METRES (b->walk_m, WALKED (0, 0, 0, 100, 400, 100, 400, 10));

  g_autoptr (CmNetwork) gate = cm_network_new ();
  PATH (gate, 0, 0, 200, 0, 400, 0);
  BARRIER (gate, 200, -50, 200, 0, 200, 50);
  cm_network_build (gate);
  cm_network_get_stats (gate, &stats);
  g_assert_cmpint (stats.cuts, ==, 0);
  cm_coverage_compute_walk (c, gate, 1000);
  ASSERT_METRES (building (c, 0)->walk_m, WALKED (0, 0, 400, 0, 400, 10));
}

/* A feature of @layer and @category with the line (or point) through @n positions in metres,
 * stored as the window stores what residents draw. */
static void
store_line (CmStore *store, CmLayer layer, const char *category, guint n, const double *metres)
{
  CmGeom *g = cm_geom_new (n == 1 ? CM_GEOM_POINT : CM_GEOM_LINESTRING);
  for (guint i = 0; i < n; i++)
    {
      double lonlat[2];
      at (metres[2 * i], metres[2 * i + 1], &lonlat[0], &lonlat[1]);
      g_array_append_vals (g->xy, lonlat, 2);
    }
  guint one = 1;
  g_array_append_val (g->ring_len, n);
  g_array_append_val (g->part_len, one);
  g_autoptr (GBytes) wkb = cm_geom_to_wkb (g);
  cm_geom_free (g);
  g_autoptr (CmFeature) f = cm_feature_new (layer);
  cm_feature_set_wkb (f, wkb);
  cm_feature_set_category (f, category);
  g_autoptr (GError) error = NULL;
  g_assert_true (cm_store_add_feature (store, f, &error));
  g_assert_no_error (error);
}
#define STORE(store, layer, category, ...)                                                     \
  store_line (store, layer, category, sizeof ((double[]){ __VA_ARGS__ }) / sizeof (double) / 2, \
              (double[]){ __VA_ARGS__ })

/* What residents draw changes the walk: a short cut (a line of the category shortcut) joins
 * the network like a path, day and night; a gate locked at night (locked_gate), drawn as a
 * point on the way or as a line across it, closes the way in the at-night network only. A
 * point gate more than CM_NETWORK_GATE_M from any path closes nothing. */
static void
test_resident_drawn (void)
{
  g_autofree char *dir = cm_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "drawn.sqlite", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (CmStore) store = cm_store_create (path, "drawn", &error);
  g_assert_no_error (error);
  /* the long way round: 0,0 → 0,300 → 400,300 → 400,0 (1000 m); the short cut straight across
   * the courtyard, 0,0 → 400,0 (400 m), drawn by residents */
  STORE (store, CM_LAYER_PATHS, "other", 0, 0, 0, 300, 400, 300, 400, 0);
  STORE (store, CM_LAYER_RESOURCES, "shortcut", 0, 0, 200, 0, 400, 0);
  /* the gate of the courtyard, locked at night: a point 4 m beside the short cut's middle
   * vertex */
  STORE (store, CM_LAYER_RESOURCES, "locked_gate", 200, 4);
  /* another locked gate, far from any way: it closes nothing */
  STORE (store, CM_LAYER_RESOURCES, "locked_gate", 200, 150);

  g_autoptr (CmCoverage) c = cm_coverage_new ();
  add_source (c, 0, -10);
  add_building (c, 400, -10);
  g_autoptr (CmNetwork) day = cm_network_load (store, CM_NETWORK_WALKABLE, &error);
  g_assert_no_error (error);
  CmNetworkStats stats;
  cm_network_get_stats (day, &stats);
  g_assert_cmpint (stats.shortcuts, ==, 1);
  g_assert_cmpint (stats.gates, ==, 0); /* by day the gates are open */
  cm_coverage_compute_walk (c, day, 2000);
  ASSERT_METRES (building (c, 0)->walk_m, WALKED (0, -10, 0, 0, 400, 0, 400, -10));

  g_autoptr (CmNetwork) night = cm_network_load (store, CM_NETWORK_AT_NIGHT, &error);
  g_assert_no_error (error);
  cm_network_get_stats (night, &stats);
  g_assert_cmpint (stats.gates, ==, 2);
  g_assert_cmpint (stats.gates_placed, ==, 1);
  g_assert_cmpint (stats.cuts, ==, 1);
  cm_coverage_compute_walk (c, night, 2000);
  ASSERT_METRES (building (c, 0)->walk_m,
                 WALKED (0, -10, 0, 0, 0, 300, 400, 300, 400, 0, 400, -10));

  /* a gate drawn as a line across the way closes it as well */
  g_autofree char *path2 = g_build_filename (dir, "line-gate.sqlite", NULL);
  g_autoptr (CmStore) store2 = cm_store_create (path2, "line gate", &error);
  STORE (store2, CM_LAYER_PATHS, "other", 0, 0, 400, 0);
  STORE (store2, CM_LAYER_RESOURCES, "locked_gate", 300, -5, 300, 5);
  g_autoptr (CmNetwork) open = cm_network_load (store2, CM_NETWORK_WALKABLE, &error);
  g_autoptr (CmNetwork) closed = cm_network_load (store2, CM_NETWORK_AT_NIGHT, &error);
  cm_network_get_stats (open, &stats);
  g_assert_cmpint (stats.components, ==, 1);
  cm_network_get_stats (closed, &stats);
  g_assert_cmpint (stats.components, ==, 2);
  g_assert_cmpint (stats.cuts, ==, 1);
}

static CmNetworkTie
tie_at (CmNetwork *net, double x, double y)
{
  double lon, lat;
  at (x, y, &lon, &lat);
  CmNetworkTie tie;
  g_assert_true (cm_network_tie (net, lon, lat, CM_NETWORK_MAX_ACCESS_M, &tie));
  return tie;
}

/* Service areas: a partly reached edge is cut at exactly N metres; an edge reached from both
 * ends is counted once. */
static void
test_service_area (void)
{
  g_autoptr (CmNetwork) line = cm_network_new ();
  PATH (line, 0, 0, 300, 0);
  cm_network_build (line);
  g_autoptr (CmNetworkSearch) s = cm_network_search_new (line);
  g_autoptr (GArray) pieces = g_array_new (FALSE, FALSE, sizeof (CmNetworkPiece));
  CmNetworkTie start = tie_at (line, 0, 0);
  double length = cm_network_service_area (s, &start, 100, pieces);
  g_assert_cmpfloat (fabs (length - 100), <, 1e-9);
  g_assert_cmpint (pieces->len, ==, 1);
  CmNetworkPiece *p = &g_array_index (pieces, CmNetworkPiece, 0);
  g_assert_cmpfloat (p->t0, ==, 0);
  g_assert_cmpfloat (fabs (p->t1 * cm_network_edge_length (line, 0) - 100), <, 1e-9);
  /* the tie point's access leg does not count: from 30 m off the middle, 100 m each way */
  CmNetworkTie middle = tie_at (line, 150, 30);
  g_array_set_size (pieces, 0);
  length = cm_network_service_area (s, &middle, 100, pieces);
  g_assert_cmpfloat (fabs (length - 200), <, 1e-9);
  g_assert_cmpint (pieces->len, ==, 1);
  /* more than the network: all of it, once */
  length = cm_network_service_area (s, &middle, 1000, NULL);
  g_assert_cmpfloat (fabs (length - cm_network_edge_length (line, 0)), <, 1e-9);

  /* a square block 100 m a side, from a corner */
  g_autoptr (CmNetwork) ring = cm_network_new ();
  PATH (ring, 0, 0, 100, 0, 100, 100, 0, 100, 0, 0);
  cm_network_build (ring);
  CmNetworkStats stats;
  cm_network_get_stats (ring, &stats);
  g_assert_cmpint (stats.edges, ==, 4);
  g_autoptr (CmNetworkSearch) rs = cm_network_search_new (ring);
  CmNetworkTie corner = tie_at (ring, 0, 0);
  g_array_set_size (pieces, 0);
  /* 150 m each way: both far sides half reached, no overlap */
  length = cm_network_service_area (rs, &corner, 150, pieces);
  g_assert_cmpfloat (fabs (length - 300), <, 1e-9);
  g_assert_cmpint (pieces->len, ==, 4);
  /* 250 m each way reaches round the block from both sides: the perimeter, not 500 m */
  length = cm_network_service_area (rs, &corner, 250, NULL);
  g_assert_cmpfloat (fabs (length - stats.length_m), <, 1e-9);
  g_assert_cmpfloat (fabs (length - WALKED (0, 0, 100, 0, 100, 100, 0, 100, 0, 0)), <, 0.01);
  /* from the middle of a side, 120 m each way, on a 400 m loop: 240 m */
  CmNetworkTie side = tie_at (ring, 50, -10);
  length = cm_network_service_area (rs, &side, 120, NULL);
  g_assert_cmpfloat (fabs (length - 240), <, 1e-9);
  /* several sources at once: what any of them reaches, once */
  CmNetworkTie two[] = { tie_at (line, 0, 0), tie_at (line, 300, 0) };
  g_assert_cmpfloat (fabs (cm_network_service_area_multi (s, two, 2, 100, NULL) - 200), <, 1e-9);
  g_assert_cmpfloat (fabs (cm_network_service_area_multi (s, two, 2, 200, NULL)
                           - cm_network_edge_length (line, 0)),
                     <, 1e-9);
  /* 210 m each way: the two fronts meet on the far side (420 > perimeter) */
  length = cm_network_service_area (rs, &side, 210, NULL);
  g_assert_cmpfloat (fabs (length - stats.length_m), <, 1e-9);
}

/* ---- Porto: our search against an independent one -------------------------------------- */

/* The walkable rule of docs/analysis.md, written again from the document. */
static gboolean
walkable (JsonObject *tags)
{
  const char *highway = json_object_get_string_member_with_default (tags, "highway", "");
  const char *foot = json_object_get_string_member_with_default (tags, "foot", "");
  const char *access = json_object_get_string_member_with_default (tags, "access", "");
  if (!strcmp (foot, "yes") || !strcmp (foot, "designated") || !strcmp (foot, "permissive"))
    return TRUE;
  if (!strcmp (foot, "no") || !strcmp (foot, "private") || !strcmp (access, "no")
      || !strcmp (access, "private"))
    return FALSE;
  const char *excluded[] = { "motorway", "motorway_link", "trunk", "trunk_link", "construction",
                             "proposed", "raceway", "bus_guideway", "abandoned" };
  for (gsize i = 0; i < G_N_ELEMENTS (excluded); i++)
    if (!strcmp (highway, excluded[i]))
      return FALSE;
  return TRUE;
}

typedef struct
{
  GHashTable *ids; /* "lon lat" → node + 1 */
  GArray *lon, *lat;
  GArray *seg_a, *seg_b; /* guint node pairs */
  GArray *seg_len;       /* PROJ metres */
  guint lines;           /* walkable lines taken */
  /* a run: per node the metres from the nearest source, and the sources' ties */
  double *dist;
  GArray *src_seg, *src_t, *src_access;
} Graph;

static guint
graph_node (Graph *g, double lon, double lat)
{
  char *key = g_strdup_printf ("%.17g %.17g", lon, lat);
  gpointer v = g_hash_table_lookup (g->ids, key);
  if (v)
    {
      g_free (key);
      return GPOINTER_TO_UINT (v) - 1;
    }
  g_array_append_val (g->lon, lon);
  g_array_append_val (g->lat, lat);
  g_hash_table_insert (g->ids, key, GUINT_TO_POINTER (g->lon->len));
  return g->lon->len - 1;
}

/* The walkable lines of a GeoJSON file of roads, as a graph. */
static Graph *
graph_from_geojson (const char *file)
{
  Graph *g = g_new0 (Graph, 1);
  g->ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g->lon = g_array_new (FALSE, FALSE, sizeof (double));
  g->lat = g_array_new (FALSE, FALSE, sizeof (double));
  g->seg_a = g_array_new (FALSE, FALSE, sizeof (guint));
  g->seg_b = g_array_new (FALSE, FALSE, sizeof (guint));
  g->seg_len = g_array_new (FALSE, FALSE, sizeof (double));
  g->src_seg = g_array_new (FALSE, FALSE, sizeof (int));
  g->src_t = g_array_new (FALSE, FALSE, sizeof (double));
  g->src_access = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_file (parser, file, &error));
  JsonArray *features = json_object_get_array_member (
      json_node_get_object (json_parser_get_root (parser)), "features");
  for (guint i = 0; i < json_array_get_length (features); i++)
    {
      JsonObject *f = json_array_get_object_element (features, i);
      if (!walkable (json_object_get_object_member (f, "properties")))
        continue;
      g->lines++;
      JsonArray *coords
          = json_object_get_array_member (json_object_get_object_member (f, "geometry"),
                                          "coordinates");
      guint prev = 0;
      for (guint k = 0; k < json_array_get_length (coords); k++)
        {
          JsonArray *pos = json_array_get_array_element (coords, k);
          guint node = graph_node (g, json_array_get_double_element (pos, 0),
                                   json_array_get_double_element (pos, 1));
          if (k > 0 && node != prev)
            {
              double len = cm_test_geod_distance (
                  g_array_index (g->lon, double, prev), g_array_index (g->lat, double, prev),
                  g_array_index (g->lon, double, node), g_array_index (g->lat, double, node));
              g_array_append_val (g->seg_a, prev);
              g_array_append_val (g->seg_b, node);
              g_array_append_val (g->seg_len, len);
            }
          prev = node;
        }
    }
  return g;
}

static void
graph_free (Graph *g)
{
  g_hash_table_unref (g->ids);
  g_array_unref (g->lon);
  g_array_unref (g->lat);
  g_array_unref (g->seg_a);
  g_array_unref (g->seg_b);
  g_array_unref (g->seg_len);
  g_array_unref (g->src_seg);
  g_array_unref (g->src_t);
  g_array_unref (g->src_access);
  g_free (g->dist);
  g_free (g);
}

/* Nearest point on any segment, in a plane scaled at the point's own latitude (by PROJ); the
 * access leg measured by PROJ. */
static void
brute_tie (Graph *g, double lon, double lat, int *seg, double *t, double *access)
{
  double mx = cm_test_geod_distance (lon, lat, lon + 0.001, lat) / 0.001;
  double my = cm_test_geod_distance (lon, lat, lon, lat + 0.001) / 0.001;
  double best = G_MAXDOUBLE;
  *seg = -1;
  for (guint i = 0; i < g->seg_a->len; i++)
    {
      guint a = g_array_index (g->seg_a, guint, i), b = g_array_index (g->seg_b, guint, i);
      double ax = (g_array_index (g->lon, double, a) - lon) * mx;
      double ay = (g_array_index (g->lat, double, a) - lat) * my;
      double bx = (g_array_index (g->lon, double, b) - lon) * mx;
      double by = (g_array_index (g->lat, double, b) - lat) * my;
      double dx = bx - ax, dy = by - ay;
      double u = CLAMP (-(ax * dx + ay * dy) / (dx * dx + dy * dy), 0.0, 1.0);
      double d = hypot (ax + u * dx, ay + u * dy);
      if (d < best)
        best = d, *seg = (int) i, *t = u;
    }
  guint a = g_array_index (g->seg_a, guint, *seg), b = g_array_index (g->seg_b, guint, *seg);
  double tl = g_array_index (g->lon, double, a)
              + *t * (g_array_index (g->lon, double, b) - g_array_index (g->lon, double, a));
  double tt = g_array_index (g->lat, double, a)
              + *t * (g_array_index (g->lat, double, b) - g_array_index (g->lat, double, a));
  *access = cm_test_geod_distance (lon, lat, tl, tt);
}

/* Multi-source Dijkstra over all nodes, the slow way: pick the nearest unsettled node by
 * scanning them all. @sources are lon/lat pairs; those beyond the access limit are left out. */
static void
brute_run (Graph *g, const double *sources, guint n)
{
  guint nodes = g->lon->len;
  g_free (g->dist);
  g->dist = g_new (double, nodes);
  g_autofree gboolean *done = g_new0 (gboolean, nodes);
  for (guint i = 0; i < nodes; i++)
    g->dist[i] = INFINITY;
  g_array_set_size (g->src_seg, 0);
  g_array_set_size (g->src_t, 0);
  g_array_set_size (g->src_access, 0);
  for (guint i = 0; i < n; i++)
    {
      int seg;
      double t, access;
      brute_tie (g, sources[2 * i], sources[2 * i + 1], &seg, &t, &access);
      if (access > CM_NETWORK_MAX_ACCESS_M)
        continue;
      guint a = g_array_index (g->seg_a, guint, seg), b = g_array_index (g->seg_b, guint, seg);
      double len = g_array_index (g->seg_len, double, seg);
      g->dist[a] = MIN (g->dist[a], access + t * len);
      g->dist[b] = MIN (g->dist[b], access + (1 - t) * len);
      g_array_append_val (g->src_seg, seg);
      g_array_append_val (g->src_t, t);
      g_array_append_val (g->src_access, access);
    }
  g_autoptr (GPtrArray) adj = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  for (guint i = 0; i < nodes; i++)
    g_ptr_array_add (adj, g_array_new (FALSE, FALSE, sizeof (guint)));
  for (guint i = 0; i < g->seg_a->len; i++)
    {
      g_array_append_val (g_ptr_array_index (adj, g_array_index (g->seg_a, guint, i)), i);
      g_array_append_val (g_ptr_array_index (adj, g_array_index (g->seg_b, guint, i)), i);
    }
  for (;;)
    {
      guint best = G_MAXUINT;
      for (guint i = 0; i < nodes; i++)
        if (!done[i] && !isinf (g->dist[i]) && (best == G_MAXUINT || g->dist[i] < g->dist[best]))
          best = i;
      if (best == G_MAXUINT)
        break;
      done[best] = TRUE;
      GArray *edges = g_ptr_array_index (adj, best);
      for (guint k = 0; k < edges->len; k++)
        {
          guint e = g_array_index (edges, guint, k);
          guint a = g_array_index (g->seg_a, guint, e), b = g_array_index (g->seg_b, guint, e);
          guint other = a == best ? b : a;
          g->dist[other] = MIN (g->dist[other], g->dist[best] + g_array_index (g->seg_len, double, e));
        }
    }
}

/* After a run: walking metres from the nearest source to @lon, @lat, access legs included;
 * INFINITY when unreachable, NAN when the point is off the network. */
static double
brute_walk (Graph *g, double lon, double lat)
{
  int seg;
  double t, access;
  brute_tie (g, lon, lat, &seg, &t, &access);
  if (access > CM_NETWORK_MAX_ACCESS_M)
    return NAN;
  guint a = g_array_index (g->seg_a, guint, seg), b = g_array_index (g->seg_b, guint, seg);
  double len = g_array_index (g->seg_len, double, seg);
  double d = MIN (g->dist[a] + t * len, g->dist[b] + (1 - t) * len);
  for (guint k = 0; k < g->src_seg->len; k++)
    if (g_array_index (g->src_seg, int, k) == seg)
      d = MIN (d, g_array_index (g->src_access, double, k)
                      + fabs (g_array_index (g->src_t, double, k) - t) * len);
  return d + access;
}

static void
test_porto_walking (void)
{
  g_autoptr (GError) error = NULL;
  const char *files[] = { "porto-centro/buildings.geojson", "porto-centro/pois.geojson",
                          "porto-centro/roads.geojson", NULL };
  g_autoptr (CmStore) store = cm_test_new_map ("porto.sqlite", files);
  g_autoptr (CmNetwork) net = cm_network_load (store, CM_NETWORK_WALKABLE, &error);
  g_assert_no_error (error);
  g_autoptr (CmCoverage) c = cm_coverage_load (store, "resources:kindergarten", 0, &error);
  g_assert_no_error (error);
  cm_coverage_compute_walk (c, net, 500);

  /* the independent graph, straight from the GeoJSON file */
  g_autofree char *roads = cm_test_data ("porto-centro/roads.geojson");
  Graph *g = graph_from_geojson (roads);
  CmNetworkStats stats;
  cm_network_get_stats (net, &stats);
  g_test_message ("Porto: %u lines walkable, %u left out; %u nodes, %u edges, %u pieces, %.0f m",
                  stats.paths, stats.paths_left_out, stats.nodes, stats.edges, stats.components,
                  stats.length_m);
  g_assert_cmpint (stats.paths, ==, g->lines);
  g_assert_cmpint (stats.paths + stats.paths_left_out, ==, 3462);
  g_assert_cmpint (stats.nodes, ==, g->lon->len);
  g_assert_cmpint (stats.edges, ==, g->seg_a->len);

  g_autoptr (GArray) sources = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint i = 0; i < c->sources->len; i++)
    {
      CmCoverageSource *s = &g_array_index (c->sources, CmCoverageSource, i);
      g_array_append_val (sources, s->lon);
      g_array_append_val (sources, s->lat);
    }
  brute_run (g, (const double *) sources->data, c->sources->len);
  g_assert_cmpint (g->src_seg->len, ==, c->sources->len); /* every kindergarten joins */

  /* every 10th building, tied by brute force */
  guint checked = 0, differ = 0, reached = 0;
  double worst = 0;
  for (guint i = 0; i < c->buildings->len; i += 10)
    {
      CmCoverageBuilding *bd = building (c, i);
      double want = brute_walk (g, bd->lon, bd->lat);
      checked++;
      if (isnan (want))
        {
          g_assert_cmpint (bd->walk_status, ==, CM_WALK_OFF_NETWORK);
          continue;
        }
      if (isinf (want))
        {
          g_assert_cmpint (bd->walk_status, ==, CM_WALK_DISCONNECTED);
          continue;
        }
      g_assert_cmpint (bd->walk_status, ==, CM_WALK_REACHED);
      reached++;
      double err = fabs (bd->walk_m - want);
      worst = MAX (worst, err / want);
      /* edge lengths agree with PROJ to ~1e-6; the tie point to a millimetre */
      if (err > 0.01 + 1e-5 * want)
        differ++;
    }
  g_test_message ("%u buildings checked, %u reached, %u differ; worst relative %.2e", checked,
                  reached, differ, worst);
  g_assert_cmpint (differ, ==, 0);
  g_assert_cmpint (reached, >, checked * 9 / 10);

  /* walking is never shorter than the straight line */
  for (guint i = 0; i < c->buildings->len; i++)
    {
      CmCoverageBuilding *bd = building (c, i);
      if (bd->walk_status == CM_WALK_REACHED)
        {
          g_assert_cmpfloat (bd->walk_m, >=, bd->nearest_m - 0.01);
          g_assert_true (isnan (bd->detour) ? bd->nearest_m < 1 : bd->detour >= 0.999);
        }
    }
  g_test_message ("%u of %u buildings within 500 m walk of a kindergarten; %u off the network, "
                  "%u on a piece without one",
                  c->covered, c->buildings->len, c->off_network, c->disconnected);
  graph_free (g);
}


/* Positions of the live features of a layer (and categories), as the test reads them. */
static GArray *
positions (CmStore *store, const char *sql)
{
  GArray *xy = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GError) error = NULL;
  /* through SQL of the test's own, on the store's connection (SpatiaLite initialised the way
   * the store does it: mod_spatialite, a separate package, is not needed) */
  sqlite3_stmt *stmt = _cm_store_prepare (store, sql, &error);
  g_assert_no_error (error);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      double x = sqlite3_column_double (stmt, 0), y = sqlite3_column_double (stmt, 1);
      g_array_append_val (xy, x);
      g_array_append_val (xy, y);
    }
  sqlite3_finalize (stmt);
  return xy;
}

/* The life-circle check of the demo map: facility counts, and for four facilities every
 * building's pass or fail against the brute-force walk; the numbers below were checked that
 * way and are asserted exactly. */
static void
test_lifecircle_demo (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *copy = cm_test_demo_copy ("demo.sqlite");
  g_autofree char *dir = g_path_get_dirname (copy);
  g_autoptr (CmStore) store = cm_store_open (copy, &error);
  g_assert_no_error (error);
  g_autoptr (CmLifeReport) r = cm_life_report_new (NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (r->circles->len, ==, 4);
  g_assert_cmpint (r->facilities->len, ==, 25);
  g_assert_true (cm_life_report_run (r, store, CM_NETWORK_WALKABLE, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  GArray *bs = r->buildings->buildings;
  g_assert_cmpint (bs->len, ==, 626);

  g_autofree char *roads = g_build_filename (g_getenv ("CM_SOURCE_ROOT"), "data", "demo",
                                             "roads.geojson", NULL);
  Graph *g = graph_from_geojson (roads);
  const struct
  {
    const char *key, *sql;
    guint found, pass;
  } checks[] = {
    { "public_toilet",
      "SELECT X(geom), Y(geom) FROM resources WHERE deleted = 0 AND category = 'public_toilet'",
      1, 13 },
    { "elderly_day_care",
      "SELECT X(geom), Y(geom) FROM resources WHERE deleted = 0 AND category = 'elderly_day_care'",
      1, 46 },
    { "fresh_market",
      "SELECT X(geom), Y(geom) FROM resources WHERE deleted = 0 AND category = 'market'", 1, 54 },
    { "service_station",
      "SELECT X(geom), Y(geom) FROM stations WHERE deleted = 0 UNION ALL SELECT X(geom), "
      "Y(geom) FROM resources WHERE deleted = 0 AND category = 'community_service_station'",
      5, 55 },
  };
  for (gsize k = 0; k < G_N_ELEMENTS (checks); k++)
    {
      guint f = 0;
      while (strcmp (g_array_index (r->facilities, CmLifeFacility, f).key, checks[k].key) != 0)
        f++;
      const CmLifeFacility *fa = &g_array_index (r->facilities, CmLifeFacility, f);
      g_autoptr (GArray) xy = positions (store, checks[k].sql);
      g_assert_cmpint (fa->sources, ==, xy->len / 2);
      g_assert_cmpint (fa->sources, ==, checks[k].found);
      brute_run (g, (const double *) xy->data, xy->len / 2);
      guint pass = 0;
      for (guint b = 0; b < bs->len; b++)
        {
          const CmCoverageBuilding *bd = &g_array_index (bs, CmCoverageBuilding, b);
          double want = brute_walk (g, bd->lon, bd->lat);
          gboolean want_pass = want <= fa->max_m;
          pass += want_pass;
          if (fabs (want - fa->max_m) > 0.05) /* not on the edge */
            g_assert_cmpint (cm_life_report_passes (r, f, b), ==, want_pass);
          if (isfinite (want))
            g_assert_cmpfloat (fabs (fa->walk_m[b] - want), <, 0.05 + 1e-5 * want);
        }
      g_test_message ("%s: %u found, %u of 626 buildings within %.0f m", fa->key, fa->sources,
                      fa->buildings_pass, fa->max_m);
      g_assert_cmpint (fa->buildings_pass, ==, pass);
      g_assert_cmpint (fa->buildings_pass, ==, checks[k].pass);
    }
  graph_free (g);

  /* circles: a building meets one when it passes all its facilities; the demo lacks
   * kindergartens, schools and more, so no building meets any circle */
  for (guint c = 0; c < r->circles->len; c++)
    g_assert_cmpint (g_array_index (r->circles, CmLifeCircle, c).buildings_met, ==, 0);

  /* a planner's own table: one circle of two facilities */
  g_autofree char *table = g_build_filename (dir, "table.json", NULL);
  g_assert_true (g_file_set_contents (
      table,
      "{\"circles\": [{\"key\": \"near\", \"walk_m\": 700}],"
      " \"facilities\": [{\"circle\": \"near\", \"key\": \"toilet\", \"from\": "
      "[\"resources:public_toilet\"], \"max_m\": 900},"
      " {\"circle\": \"near\", \"key\": \"market\", \"from\": [\"resources:market\"]}]}",
      -1, &error));
  g_autoptr (CmLifeReport) own = cm_life_report_new (table, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (g_array_index (own->facilities, CmLifeFacility, 1).max_m, ==, 700);
  g_assert_true (cm_life_report_run (own, store, CM_NETWORK_WALKABLE, NULL, NULL, NULL, &error));
  guint both = 0;
  for (guint b = 0; b < bs->len; b++)
    both += g_array_index (own->facilities, CmLifeFacility, 0).walk_m[b] <= 900
            && g_array_index (own->facilities, CmLifeFacility, 1).walk_m[b] <= 700;
  CmLifeCircle *near = &g_array_index (own->circles, CmLifeCircle, 0);
  g_test_message ("own table: %u buildings have both", near->buildings_met);
  g_assert_cmpint (near->buildings_met, ==, both);
  g_assert_cmpint (near->buildings_met, >, 0);
  g_assert_cmpint (near->buildings_met, <, 54); /* never more than have a market */

  /* tables that are wrong say which row and what */
  const struct
  {
    const char *json, *says;
  } bad[] = {
    { "[1, 2]", "\"circles\"" },
    { "{\"circles\": [{\"key\": \"a\", \"walk_m\": 0}], \"facilities\": []}", "circle 1" },
    { "{\"circles\": [{\"key\": \"a\", \"walk_m\": 300}], \"facilities\": [{\"key\": \"x\","
      " \"circle\": \"b\", \"from\": [\"stations\"]}]}",
      "facility 1" },
    { "{\"circles\": [{\"key\": \"a\", \"walk_m\": 300}], \"facilities\": [{\"key\": \"x\","
      " \"circle\": \"a\", \"from\": [\"resources:school\"]}]}",
      "school" },
    { "{\"circles\": [{\"key\": \"a\", \"walk_m\": 300}], \"facilities\": [{\"key\": \"x\","
      " \"circle\": \"a\", \"from\": []}]}",
      "from" },
    { "{not json", "table.json" },
  };
  for (gsize k = 0; k < G_N_ELEMENTS (bad); k++)
    {
      g_assert_true (g_file_set_contents (table, bad[k].json, -1, &error));
      g_autoptr (CmLifeReport) none = cm_life_report_new (table, &error);
      g_assert_null (none);
      g_assert_nonnull (error);
      g_test_message ("bad table %zu: %s", k, error->message);
      g_assert_nonnull (strstr (error->message, bad[k].says));
      g_clear_error (&error);
    }
}

/* ---- suggesting a site ------------------------------------------------------------------- */

/* The best gain of any one candidate, by brute force: a search from every candidate in turn
 * (not the searches from buildings and their edges' nodes and the grid of cm-suggest.c),
 * counting the uncovered buildings (or their households) within @walk_m on foot. @c has its
 * coverage computed. And every candidate's gain: cm_suggest_candidate_gains must give the
 * same, to the household. */
static double
brute_force_best (const CmCoverage *c, const CmNetwork *net, GArray *candidates, double walk_m,
                  gboolean by_households, guint *best_index)
{
  g_autofree double *gains = cm_suggest_candidate_gains (c, net, candidates, walk_m,
                                                         by_households);
  guint differ = 0;
  g_autoptr (CmNetworkSearch) search = cm_network_search_new (net);
  g_autofree CmNetworkTie *ties = g_new0 (CmNetworkTie, c->buildings->len);
  for (guint b = 0; b < c->buildings->len; b++)
    {
      const CmCoverageBuilding *bd = &g_array_index (c->buildings, CmCoverageBuilding, b);
      cm_network_tie (net, bd->lon, bd->lat, CM_NETWORK_MAX_ACCESS_M, &ties[b]);
    }
  double best = 0;
  *best_index = G_MAXUINT;
  for (guint i = 0; i < candidates->len; i++)
    {
      const CmSuggestCandidate *cand = &g_array_index (candidates, CmSuggestCandidate, i);
      cm_network_search_run (search, &cand->tie, 1, TRUE, walk_m);
      double gain = 0;
      for (guint b = 0; b < c->buildings->len; b++)
        {
          const CmCoverageBuilding *bd = &g_array_index (c->buildings, CmCoverageBuilding, b);
          if (bd->covered || ties[b].edge < 0)
            continue;
          if (cm_network_search_distance_to (search, &ties[b], NULL) + ties[b].access_m <= walk_m)
            gain += by_households && bd->households >= 0 ? bd->households : 1;
        }
      if (gain > best)
        best = gain, *best_index = i;
      if (gains[i] != gain && differ++ < 5)
        g_test_message ("candidate %u: the greedy counts %.0f, a search from it %.0f", i,
                        gains[i], gain);
    }
  g_assert_cmpuint (differ, ==, 0);
  return best;
}

static void
add_household_building (CmCoverage *c, double x, double y, gint64 households)
{
  double lon, lat;
  at (x, y, &lon, &lat);
  g_autofree char *uuid = g_strdup_printf ("b%u", c->buildings->len);
  cm_coverage_add_building (c, uuid, uuid, lon, lat, households, 3 * households);
}

/* A 4 × 4 grid of streets 100 m apart: three large buildings at one corner outweigh five small
 * ones at the other, so the first site goes there and the second to the small ones; the
 * candidates are every crossing and a point every 50 m; the first site's gain equals the
 * brute force's best. */
static void
test_suggest_grid (void)
{
  g_autoptr (CmNetwork) net = grid_network ();
  g_autoptr (GArray) candidates = cm_suggest_path_candidates (net, 50);
  /* 16 crossings and the middle of each of the 24 edges */
  g_assert_cmpint (candidates->len, ==, 16 + 24);
  g_autoptr (CmCoverage) c = cm_coverage_new ();
  add_household_building (c, 5, 10, 100);
  add_household_building (c, 10, 5, 100);
  add_household_building (c, 20, -5, 100);
  for (int k = 0; k < 5; k++)
    add_household_building (c, 290 + 5 * k, 305, 10);
  g_autoptr (CmSuggestion) s = cm_suggest_run (c, net, candidates, 60, 2, NULL);
  g_assert_true (s->by_households);
  g_assert_cmpint (s->covered_before, ==, 0);
  g_assert_cmpint (s->sites->len, ==, 2);
  CmSuggestSite *first = &g_array_index (s->sites, CmSuggestSite, 0);
  CmSuggestSite *second = &g_array_index (s->sites, CmSuggestSite, 1);
  g_assert_cmpint (first->households, ==, 300);
  g_assert_cmpint (first->buildings, ==, 3);
  g_assert_cmpint (first->population, ==, 900);
  g_assert_cmpint (second->households, ==, 50);
  g_assert_cmpint (second->buildings, ==, 5);
  /* the first near the corner (0, 0), the second near (300, 300) */
  double lon, lat;
  at (0, 0, &lon, &lat);
  g_assert_cmpfloat (cm_test_geod_distance (first->lon, first->lat, lon, lat), <, 60);
  at (300, 300, &lon, &lat);
  g_assert_cmpfloat (cm_test_geod_distance (second->lon, second->lat, lon, lat), <, 60);
  /* the walk is a hard limit: three heavy buildings 63 m past a corner (beyond 60 m on foot)
   * do not outweigh two lighter ones within it */
  g_autoptr (CmCoverage) edge = cm_coverage_new ();
  add_household_building (edge, 0, 20, 100);
  add_household_building (edge, 20, 0, 100);
  add_household_building (edge, 300, 363, 100);
  add_household_building (edge, 302, 363, 100);
  add_household_building (edge, 298, 363, 100);
  g_autoptr (CmSuggestion) limit = cm_suggest_run (edge, net, candidates, 60, 1, NULL);
  g_assert_cmpint (limit->sites->len, ==, 1);
  g_assert_cmpint (g_array_index (limit->sites, CmSuggestSite, 0).households, ==, 200);

  /* four buildings 57 m out along the four streets of a crossing: only the crossing reaches
   * them all (each street's middle reaches one) */
  g_autoptr (CmCoverage) cross = cm_coverage_new ();
  add_household_building (cross, 157, 100, 10);
  add_household_building (cross, 43, 100, 10);
  add_household_building (cross, 100, 157, 10);
  add_household_building (cross, 100, 43, 10);
  g_autoptr (CmSuggestion) all4 = cm_suggest_run (cross, net, candidates, 60, 1, NULL);
  g_assert_cmpint (g_array_index (all4->sites, CmSuggestSite, 0).households, ==, 40);

  /* what is left: nothing more within reach, so a third is not offered */
  g_autoptr (CmCoverage) again = cm_coverage_new ();
  add_household_building (again, 5, 10, 100);
  g_autoptr (CmSuggestion) more = cm_suggest_run (again, net, candidates, 60, 3, NULL);
  g_assert_cmpint (more->sites->len, ==, 1);

  /* against brute force, on buildings spread over the grid (every building its own weight) */
  g_autoptr (CmCoverage) spread = cm_coverage_new ();
  add_source (spread, 0, 0);
  for (int k = 0; k < 30; k++)
    add_household_building (spread, (k * 37) % 310, (k * 53) % 305 + 3, 1 + (k * 7) % 11);
  cm_coverage_compute_walk (spread, net, 120);
  guint best_index;
  double best = brute_force_best (spread, net, candidates, 120, TRUE, &best_index);
  g_autoptr (CmSuggestion) greedy = cm_suggest_run (spread, net, candidates, 120, 1, NULL);
  g_test_message ("grid: brute force %.0f households (candidate %u), greedy %" G_GINT64_FORMAT,
                  best, best_index, g_array_index (greedy->sites, CmSuggestSite, 0).households);
  g_assert_cmpfloat (best, >, 0);
  g_assert_cmpint (g_array_index (greedy->sites, CmSuggestSite, 0).households, ==, (gint64) best);
}

/* The demo (buildings only, then with households): the first site gains what the best
 * candidate of a brute-force search gains. */
static void
test_suggest_demo (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = cm_test_demo_copy ("demo.sqlite");
  g_autoptr (CmStore) store = cm_store_open (path, &error);
  g_assert_no_error (error);
  g_autoptr (CmNetwork) net = cm_network_load (store, CM_NETWORK_WALKABLE, &error);
  g_autoptr (GArray) candidates = cm_suggest_path_candidates (net, CM_SUGGEST_SPACING_M);
  for (int households = 0; households < 2; households++)
    {
      g_assert_true (_cm_store_exec (store, households ? "UPDATE buildings SET households = id % 9"
                                                      : "UPDATE buildings SET households = NULL",
                                     &error));
      g_autoptr (CmCoverage) c = cm_coverage_load (store, "stations", 0, &error);
      g_assert_no_error (error);
      cm_coverage_compute_walk (c, net, 300);
      guint best_index;
      double best = brute_force_best (c, net, candidates, 300, households, &best_index);
      g_autoptr (CmSuggestion) s = cm_suggest_run (c, net, candidates, 300, 1, NULL);
      const CmSuggestSite *site = &g_array_index (s->sites, CmSuggestSite, 0);
      gint64 got = households ? site->households : site->buildings;
      g_test_message ("demo by %s: %u candidates, brute force %.0f (candidate %u), greedy %"
                      G_GINT64_FORMAT, households ? "households" : "buildings", candidates->len,
                      best, best_index, got);
      g_assert_cmpint (s->by_households, ==, households);
      g_assert_cmpfloat (best, >, 10);
      g_assert_cmpint (got, ==, (gint64) best);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  init_scale ();
  g_test_add_func ("/network/grid", test_grid);
  g_test_add_func ("/network/dead-end", test_dead_end);
  g_test_add_func ("/network/walk-limit-exact", test_walk_limit_exact);
  g_test_add_func ("/network/components-and-off-network", test_components_and_off_network);
  g_test_add_func ("/network/barrier", test_barrier);
  g_test_add_func ("/network/resident-drawn", test_resident_drawn);
  g_test_add_func ("/network/service-area", test_service_area);
  g_test_add_func ("/network/porto-walking", test_porto_walking);
  g_test_add_func ("/network/lifecircle-demo", test_lifecircle_demo);
  g_test_add_func ("/network/suggest-grid", test_suggest_grid);
  g_test_add_func ("/network/suggest-demo", test_suggest_demo);
  return g_test_run ();
}
