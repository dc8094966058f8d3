/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-analysis.c: coverage analysis against independent answers — distances against PROJ's
 * geod_inverse, radius coverage of Porto's buildings against a brute-force geodesic check of
 * every building and every source. */
#include <math.h>
#include <string.h>

#include "cm-core.h"
#include "cm-store-private.h"
#include "cm-test-util.h"

/* Within 0.1% of geod_inverse for community distances, at Porto's, Beijing's and other
 * latitudes, in every direction. */
static void
test_geodesic (void)
{
  static const double places[][2] = { { -8.61, 41.15 }, { 116.32, 40.0 }, { 0.0, 0.0 },
                                      { 24.9, 60.2 }, { -70.6, -33.4 } };
  GRand *rand = g_rand_new_with_seed (42);
  double worst = 0;
  for (gsize p = 0; p < G_N_ELEMENTS (places); p++)
    for (int i = 0; i < 2000; i++)
      {
        /* up to ~20 km away */
        double lon1 = places[p][0] + g_rand_double_range (rand, -0.1, 0.1);
        double lat1 = places[p][1] + g_rand_double_range (rand, -0.1, 0.1);
        double lon2 = lon1 + g_rand_double_range (rand, -0.1, 0.1);
        double lat2 = lat1 + g_rand_double_range (rand, -0.1, 0.1);
        double exact = cm_test_geod_distance (lon1, lat1, lon2, lat2);
        double ours = cm_geodesic_distance (lon1, lat1, lon2, lat2);
        if (exact > 1)
          worst = MAX (worst, fabs (ours - exact) / exact);
      }
  g_rand_free (rand);
  g_test_message ("worst relative error against geod_inverse: %.2e", worst);
  g_assert_cmpfloat (worst, <, 1e-3); /* the bound */
  g_assert_cmpfloat (worst, <, 1e-4); /* what the method gives */
  /* a known case: one degree of latitude at the equator is 110,574.4 m */
  g_assert_cmpfloat (fabs (cm_geodesic_distance (0, -0.5, 0, 0.5) - 110574.4), <, 1.0);
}

static CmStore *
porto_map (void)
{
  const char *files[] = { "porto-centro/buildings.geojson", "porto-centro/pois.geojson", NULL };
  return cm_test_new_map ("porto.sqlite", files);
}

/* Every building's point and footprint as loading reads them (decoded in C, the point found
 * by cm_geom_point_on_surface) against SpatiaLite's ST_PointOnSurface and AsBinary of the same
 * row: equal to the last bit. Returns how many buildings were compared. */
static guint
check_points_against_spatialite (CmStore *store)
{
  g_autoptr (CmCoverage) c = cm_coverage_new ();
  c->keep_shapes = TRUE;
  g_autoptr (GError) error = NULL;
  g_assert_true (cm_coverage_load_buildings (c, store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (c->shapes->len, ==, c->buildings->len);
  g_assert_cmpuint (c->shape_bbox->len, ==, 4 * c->buildings->len);
  sqlite3_stmt *stmt = _cm_store_prepare (store,
      "SELECT X(p), Y(p), AsBinary(CmGeom(geom)) FROM"
      " (SELECT geom, ST_PointOnSurface(CmGeom(geom)) AS p FROM buildings WHERE uuid = ?1)",
      &error);
  g_assert_no_error (error);
  for (guint i = 0; i < c->buildings->len; i++)
    {
      const CmCoverageBuilding *b = &g_array_index (c->buildings, CmCoverageBuilding, i);
      sqlite3_bind_text (stmt, 1, b->uuid, -1, SQLITE_STATIC);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      double x = sqlite3_column_double (stmt, 0), y = sqlite3_column_double (stmt, 1);
      if (memcmp (&x, &b->lon, sizeof x) != 0 || memcmp (&y, &b->lat, sizeof y) != 0)
        g_error ("building %s: loaded %.17g %.17g, ST_PointOnSurface %.17g %.17g", b->uuid,
                 b->lon, b->lat, x, y);
      g_autoptr (GBytes) ours = cm_geom_to_wkb (g_ptr_array_index (c->shapes, i));
      gsize n;
      const void *wkb = g_bytes_get_data (ours, &n);
      g_assert_cmpint (sqlite3_column_bytes (stmt, 2), ==, (int) n);
      g_assert_true (memcmp (sqlite3_column_blob (stmt, 2), wkb, n) == 0);
      double bbox[4];
      cm_geom_get_bbox (g_ptr_array_index (c->shapes, i), bbox);
      g_assert_true (memcmp (bbox, &g_array_index (c->shape_bbox, double, 4 * i),
                             sizeof bbox) == 0);
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);
  return c->buildings->len;
}

/* The point-on-surface of every building of Porto and the demo map (CM_TEST_POINTS_MAP: of
 * another map too, e.g. the district benchmark's), and of shapes made to catch each step of
 * GEOS's method: holes, several parts, vertices on the scan line, vertical and slanted edges,
 * a part without area, a Z polygon, and what the fast way leaves to SpatiaLite (compressed
 * geometries, a collection). */
static void
test_point_on_surface (void)
{
  g_autoptr (CmStore) porto = porto_map ();
  g_assert_cmpuint (check_points_against_spatialite (porto), ==, 11404);
  g_autofree char *demo_path = cm_test_demo_copy ("points-demo.sqlite");
  g_autoptr (GError) error = NULL;
  g_autoptr (CmStore) demo = cm_store_open (demo_path, &error);
  g_assert_no_error (error);
  /* a seventh of them compressed, as SpatiaLite may write them (the fast way leaves those to
   * SpatiaLite) */
  g_assert_cmpint (sqlite3_exec (_cm_store_get_db (demo),
                                 "UPDATE buildings SET geom = CompressGeometry(geom)"
                                 " WHERE id % 7 = 0", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (cm_test_query_int (demo, "SELECT count(*) FROM buildings WHERE id % 7 = 0"
                                            " AND hex(substr(geom, 49, 4)) = '43420F00'"), >, 80);
  g_assert_cmpuint (check_points_against_spatialite (demo), ==, 626);
  const char *other = g_getenv ("CM_TEST_POINTS_MAP");
  if (other)
    {
      g_autoptr (CmStore) store = cm_store_open (other, &error);
      g_assert_no_error (error);
      g_test_message ("%s: %u buildings", other, check_points_against_spatialite (store));
    }

  static const struct
  {
    const char *wkt;
    gboolean fast; /* read and answered without SpatiaLite */
  } shapes[] = {
    { "POLYGON((0 0, 10 0, 10 10, 0 10, 0 0))", TRUE },
    { "POLYGON((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 8 2, 8 8, 2 8, 2 2))", TRUE },
    { "POLYGON((0 0, 10 0, 10 10, 0 10, 0 0), (1 4, 9 4, 9 6, 1 6, 1 4))", TRUE },
    /* a U: the widest section is one of its legs */
    { "POLYGON((0 0, 3 0, 3 8, 7 8, 7 0, 12 0, 12 10, 0 10, 0 0))", TRUE },
    /* a vertex at the middle height: the scan line moves between vertices */
    { "POLYGON((0 0, 10 0, 12 5, 10 10, 0 10, -3 5, 0 0))", TRUE },
    { "POLYGON((0.1 0.3, 7.7 1.9, 5.3 9.1, -2.2 6.7, 0.1 0.3))", TRUE },
    { "POLYGON((116.3001 39.9987, 116.3019 39.99871, 116.30189 40.00012, 116.30005 40.0001,"
      " 116.3001 39.9987))", TRUE },
    { "MULTIPOLYGON(((0 0, 1 0, 1 1, 0 1, 0 0)), ((5 5, 9 5, 9 9, 5 9, 5 5)))", TRUE },
    { "MULTIPOLYGON(((5 5, 9 5, 9 9, 5 9, 5 5)), ((0 0, 1 0, 1 1, 0 1, 0 0)))", TRUE },
    /* equal widths: the first part keeps it */
    { "MULTIPOLYGON(((0 0, 2 0, 2 2, 0 2, 0 0)), ((5 5, 7 5, 7 7, 5 7, 5 5)))", TRUE },
    /* no area: the first position */
    { "POLYGON((3 3, 4 4, 5 5, 4 4, 3 3))", TRUE },
    { "POLYGON((0 0, 4 4, 0 4, 0 0))", TRUE },
    { "POLYGON Z((0 0 1, 10 0 2, 10 10 3, 0 10 4, 0 0 1))", TRUE },
    /* heights one double apart put the scan line on vertices: which edges count then (and a
     * hole reaching below the shell, invalid but read all the same) */
    { "POLYGON((0 0, 10 0, 10 5e-324, 0 5e-324, 0 0), (2 0, 4 -5, 6 0, 2 0))", TRUE },
    { "POLYGON((0 0, 10 0, 10 5e-324, 0 5e-324, 0 0))", TRUE },
    { "GEOMETRYCOLLECTION(POLYGON((0 0, 10 0, 10 10, 0 10, 0 0)))", FALSE },
  };
  sqlite3_stmt *stmt = _cm_store_prepare (demo,
      "SELECT g, X(ST_PointOnSurface(g)), Y(ST_PointOnSurface(g))"
      " FROM (SELECT GeomFromText(?1, 4326) AS g)", &error);
  g_assert_no_error (error);
  for (gsize i = 0; i < G_N_ELEMENTS (shapes); i++)
    {
      sqlite3_bind_text (stmt, 1, shapes[i].wkt, -1, SQLITE_STATIC);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      g_autoptr (CmGeom) g = cm_geom_from_spatialite (sqlite3_column_blob (stmt, 0),
                                                      (gsize) sqlite3_column_bytes (stmt, 0));
      double x = NAN, y = NAN;
      gboolean fast = g && cm_geom_point_on_surface (g, &x, &y);
      g_test_message ("%s: %.17g %.17g (SpatiaLite %.17g %.17g)", shapes[i].wkt, x, y,
                      sqlite3_column_double (stmt, 1), sqlite3_column_double (stmt, 2));
      g_assert_cmpint (fast, ==, shapes[i].fast);
      if (fast)
        {
          g_assert_true (x == sqlite3_column_double (stmt, 1));
          g_assert_true (y == sqlite3_column_double (stmt, 2));
        }
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);

  /* a ring left open crosses the scan line once: no answer (GEOS refuses such a ring) */
  g_autoptr (CmGeom) open_ring = cm_geom_new (CM_GEOM_POLYGON);
  static const double xy[] = { 0, 0, 10, 0, 10, 10, 0, 10 };
  guint four = 4, one = 1;
  g_array_append_vals (open_ring->xy, xy, 8);
  g_array_append_val (open_ring->ring_len, four);
  g_array_append_val (open_ring->part_len, one);
  double x, y;
  g_assert_false (cm_geom_point_on_surface (open_ring, &x, &y));
  /* a multipolygon's member without its 0x69 mark is not read */
  gsize size;
  g_autoptr (CmGeom) square = cm_geom_new (CM_GEOM_POLYGON);
  static const double sq[] = { 0, 0, 1, 0, 1, 1, 0, 1, 0, 0 };
  guint five = 5;
  g_array_append_vals (square->xy, sq, 10);
  g_array_append_val (square->ring_len, five);
  g_array_append_val (square->part_len, one);
  g_autofree guint8 *blob = cm_geom_to_spatialite (square, TRUE, &size);
  g_autoptr (CmGeom) back = cm_geom_from_spatialite (blob, size);
  g_assert_nonnull (back);
  g_assert_cmpint (back->type, ==, CM_GEOM_MULTIPOLYGON);
  g_assert_cmpuint (back->xy->len, ==, 10);
  g_assert_cmpuint (blob[47], ==, 0x69);
  blob[47] = 0x01;
  g_assert_null (cm_geom_from_spatialite (blob, size));
  blob[47] = 0x69;
  g_assert_null (cm_geom_from_spatialite (blob, size - 1));
  /* nor one with bytes left over before its end mark */
  g_autofree guint8 *longer = g_malloc0 (size + 8);
  memcpy (longer, blob, size - 1);
  longer[size + 7] = 0xFE;
  g_assert_null (cm_geom_from_spatialite (longer, size + 8));
}

/* Every building's nearest kindergarten and whether one is within 300 m, against every pair
 * measured with geod_inverse. */
static void
test_radius_coverage_porto (void)
{
  g_autoptr (CmStore) store = porto_map ();
  g_autoptr (GError) error = NULL;
  g_autoptr (CmCoverage) c = cm_coverage_load (store, "resources:kindergarten", 300, &error);
  g_assert_no_error (error);
  g_assert_cmpint (c->sources->len, ==, 14);
  g_assert_cmpint (c->buildings->len, ==, 11404);
  cm_coverage_compute_radius (c);

  guint covered = 0, borderline = 0;
  for (guint b = 0; b < c->buildings->len; b++)
    {
      CmCoverageBuilding *bd = &g_array_index (c->buildings, CmCoverageBuilding, b);
      double best = G_MAXDOUBLE;
      int best_i = -1;
      gboolean in_reach = FALSE, near_edge = FALSE;
      for (guint i = 0; i < c->sources->len; i++)
        {
          CmCoverageSource *s = &g_array_index (c->sources, CmCoverageSource, i);
          double d = cm_test_geod_distance (bd->lon, bd->lat, s->lon, s->lat);
          if (d < best)
            best = d, best_i = (int) i;
          in_reach |= d <= 300;
          near_edge |= fabs (d - 300) < 0.3; /* within 0.1% of the radius */
        }
      g_assert_cmpfloat (fabs (bd->nearest_m - best) / best, <, 1e-3);
      if (bd->nearest != best_i)
        {
          /* two sources at (nearly) the same distance */
          CmCoverageSource *s = &g_array_index (c->sources, CmCoverageSource, bd->nearest);
          double d = cm_test_geod_distance (bd->lon, bd->lat, s->lon, s->lat);
          g_assert_cmpfloat (fabs (d - best) / best, <, 1e-3);
        }
      if (near_edge)
        borderline++;
      else
        g_assert_cmpint (bd->covered, ==, in_reach);
      covered += in_reach;
    }
  g_test_message ("%u of 11404 buildings within 300 m of a kindergarten (%u at the edge)",
                  covered, borderline);
  g_assert_cmpint (abs ((int) c->covered - (int) covered), <=, (int) borderline);
  /* the per-source counts add up to at least the covered buildings (reaches overlap) */
  guint sum = 0;
  for (guint i = 0; i < c->sources->len; i++)
    sum += g_array_index (c->sources, CmCoverageSource, i).buildings;
  g_assert_cmpint (sum, >=, c->covered);
  g_assert_cmpint (c->covered, >, 0);
  g_assert_cmpint (c->covered, <, 11404);
}

/* A selector that names no layer or no category is refused with what to write instead. */
static void
test_bad_selector (void)
{
  g_autofree char *dir = cm_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "empty.sqlite", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (CmStore) store = cm_store_create (path, NULL, &error);
  g_autoptr (CmCoverage) none = cm_coverage_load (store, "schools", 0, &error);
  g_assert_null (none);
  g_assert_error (error, CM_STORE_ERROR, CM_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "resources:kindergarten"));
  g_clear_error (&error);
  g_autoptr (CmCoverage) none2 = cm_coverage_load (store, "resources:school", 0, &error);
  g_assert_null (none2);
  g_assert_error (error, CM_STORE_ERROR, CM_STORE_ERROR_INVALID);
  g_clear_error (&error);
}

/* The radius counts exactly: a building at the radius is covered; the next double below it, or
 * a radius 0.05% short (a pre-filter that lets through what is a little beyond) is not. */
static void
test_radius_limit_exact (void)
{
  const double lon0 = 116.32, lat0 = 40.0, lon1 = 116.3246, lat1 = 40.0012;
  double d = cm_geodesic_distance (lon0, lat0, lon1, lat1);
  g_assert_cmpfloat (fabs (d - cm_test_geod_distance (lon0, lat0, lon1, lat1)), <, 1e-3);
  const struct
  {
    double radius;
    gboolean covered;
  } cases[] = { { d, TRUE }, { nextafter (d, 0), FALSE }, { d / 1.0005, FALSE },
                { d * 1.0005, TRUE } };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (CmCoverage) c = cm_coverage_new ();
      cm_coverage_add_source (c, "s", "s", lon0, lat0, cases[i].radius);
      /* far sources too, so the grid has more than one cell */
      cm_coverage_add_source (c, "far", "far", lon0 + 0.2, lat0 + 0.2, 300);
      cm_coverage_add_building (c, "b", "b", lon1, lat1, 1, 1);
      cm_coverage_compute_radius (c);
      const CmCoverageBuilding *b = &g_array_index (c->buildings, CmCoverageBuilding, 0);
      g_test_message ("radius %.9f m, building at %.9f m: %s", cases[i].radius, d,
                      b->covered ? "covered" : "not covered");
      g_assert_cmpint (b->covered, ==, cases[i].covered);
      g_assert_cmpfloat (b->nearest_m, ==, d);
    }
}

/* No sources at all: each of the demo's 626 buildings is uncovered and has no nearest. */
static void
test_no_sources (void)
{
  g_autofree char *path = cm_test_demo_copy ("no-stations.sqlite");
  g_autoptr (GError) error = NULL;
  g_autoptr (CmStore) store = cm_store_open (path, &error);
  g_assert_true (_cm_store_exec (store, "UPDATE stations SET deleted = 1", &error));
  g_autoptr (CmCoverage) c = cm_coverage_load (store, "stations", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (c->sources->len, ==, 0);
  g_assert_cmpint (c->buildings->len, ==, 626);
  cm_coverage_compute_radius (c);
  g_assert_cmpint (c->covered, ==, 0);
  for (guint i = 0; i < c->buildings->len; i++)
    {
      const CmCoverageBuilding *b = &g_array_index (c->buildings, CmCoverageBuilding, i);
      g_assert_cmpint (b->nearest, ==, -1);
      g_assert_true (isnan (b->nearest_m));
      g_assert_false (b->covered);
    }
}

/* ---- volunteer teams ----------------------------------------------------------------------- */

/* A rectangle (or any ring) given in metres east and north of 116.3° E, 40° N, placed with
 * PROJ's scale there. */
static CmGeom *
ring_in_metres (guint n, const double *metres)
{
  double mx = cm_test_geod_distance (116.3, 40.0, 116.301, 40.0) / 0.001;
  double my = cm_test_geod_distance (116.3, 40.0, 116.3, 40.001) / 0.001;
  CmGeom *g = cm_geom_new (CM_GEOM_POLYGON);
  for (guint i = 0; i < n; i++)
    {
      double xy[2] = { 116.3 + metres[2 * i] / mx, 40.0 + metres[2 * i + 1] / my };
      g_array_append_vals (g->xy, xy, 2);
    }
  guint one = 1;
  g_array_append_val (g->ring_len, n);
  g_array_append_val (g->part_len, one);
  return g;
}

static CmGeom *
rect (double x0, double y0, double x1, double y1)
{
  double m[] = { x0, y0, x1, y0, x1, y1, x0, y1, x0, y0 };
  return ring_in_metres (5, m);
}

static void
point_in_metres (double x, double y, double *lon, double *lat)
{
  double mx = cm_test_geod_distance (116.3, 40.0, 116.301, 40.0) / 0.001;
  double my = cm_test_geod_distance (116.3, 40.0, 116.3, 40.001) / 0.001;
  *lon = 116.3 + x / mx, *lat = 40.0 + y / my;
}

#define ASSERT_AREA(got, want) g_assert_cmpfloat (fabs ((got) - (want)), <, 0.005 * (want))

/* Three teams on a 1 km square: every area worked out by hand (m²). B is drawn with a spike,
 * which GEOS calls invalid; it is repaired and still counts. */
static void
test_teams (void)
{
  g_autoptr (CmTeams) t = cm_teams_new ();
  g_autoptr (CmGeom) boundary = rect (0, 0, 1000, 1000);
  g_autoptr (CmGeom) a = rect (0, 0, 600, 1000);
  double spiky[] = { 400, 0, 1000, 0, 1000, 500, 700, 500, 700, 520, 700, 500, 400, 500, 400, 0 };
  g_autoptr (CmGeom) b = ring_in_metres (8, spiky);
  g_autoptr (CmGeom) c = rect (300, 300, 700, 700);
  g_assert_true (cm_geom_find_problem (b, (double[2]){ 0 }, NULL));
  cm_teams_add_boundary (t, boundary);
  cm_teams_add_team (t, "a", "A", "elderly", a);
  cm_teams_add_team (t, "b", "B", "safety", b);
  cm_teams_add_team (t, "c", "C", "cleaning", c);
  const double homes[][2] = { { 100, 100 }, { 500, 100 }, { 500, 400 }, { 800, 800 }, { 650, 600 } };
  for (gsize i = 0; i < G_N_ELEMENTS (homes); i++)
    {
      double lon, lat;
      point_in_metres (homes[i][0], homes[i][1], &lon, &lat);
      cm_coverage_add_building (t->buildings, "h", NULL, lon, lat, 10, 20);
    }
  cm_teams_compute (t);

  g_assert_cmpint (t->repaired, ==, 1);
  g_assert_true (g_array_index (t->teams, CmTeam, 1).repaired);
  ASSERT_AREA (g_array_index (t->teams, CmTeam, 0).area_m2, 600000);
  ASSERT_AREA (g_array_index (t->teams, CmTeam, 1).area_m2, 300000);
  ASSERT_AREA (g_array_index (t->teams, CmTeam, 2).area_m2, 160000);
  ASSERT_AREA (t->boundary_area_m2, 1000000);
  ASSERT_AREA (t->covered_area_m2, 820000);
  ASSERT_AREA (t->covered_in_boundary_m2, 820000);
  ASSERT_AREA (t->gaps_area_m2, 180000); /* x 700–1000 above 500 m, and 600–700 above 700 m */
  ASSERT_AREA (t->overlap_area_m2, 200000);

  /* which teams share which ground */
  g_assert_cmpint (t->overlaps->len, ==, 4);
  const struct { const char *teams; double area; } want[] = {
    { "0,1", 60000 }, { "0,2", 80000 }, { "1,2", 20000 }, { "0,1,2", 40000 } };
  for (gsize k = 0; k < G_N_ELEMENTS (want); k++)
    {
      gboolean found = FALSE;
      for (guint i = 0; i < t->overlaps->len; i++)
        {
          CmTeamOverlap *o = g_ptr_array_index (t->overlaps, i);
          GString *key = g_string_new (NULL);
          for (guint j = 0; j < o->teams->len; j++)
            g_string_append_printf (key, "%s%d", j ? "," : "", g_array_index (o->teams, int, j));
          if (strcmp (key->str, want[k].teams) == 0)
            {
              ASSERT_AREA (o->area_m2, want[k].area);
              g_assert_nonnull (o->geom);
              found = TRUE;
            }
          g_string_free (key, TRUE);
        }
      g_assert_true (found);
    }

  /* buildings per team and outside every team */
  g_assert_cmpint (g_array_index (t->teams, CmTeam, 0).buildings, ==, 3);
  g_assert_cmpint (g_array_index (t->teams, CmTeam, 1).buildings, ==, 2);
  g_assert_cmpint (g_array_index (t->teams, CmTeam, 2).buildings, ==, 2);
  g_assert_cmpint (g_array_index (t->teams, CmTeam, 2).population, ==, 40);
  g_assert_cmpint (t->buildings_outside, ==, 1);
  g_assert_cmpint (t->population_outside, ==, 20);
  g_assert_cmpint (t->households_outside, ==, 10);
  g_assert_nonnull (t->gaps);
  g_assert_nonnull (t->covered);

  /* a team reaching over the boundary: only its ground inside counts as covering the
   * community. D spans x 800–1300, y 600–900: 150,000 m², of which 60,000 inside (x 800–1000);
   * inside it is new ground only above 700 m and at x 800–1000 … all of y 600–900 there lies
   * in the gap (x 700–1000 above 500 m), so the covered ground inside grows by exactly 60,000
   * and the gaps shrink by as much */
  g_autoptr (CmTeams) over = cm_teams_new ();
  g_autoptr (CmGeom) d = rect (800, 600, 1300, 900);
  cm_teams_add_boundary (over, boundary);
  cm_teams_add_team (over, "a", "A", NULL, a);
  cm_teams_add_team (over, "b", "B", NULL, b);
  cm_teams_add_team (over, "c", "C", NULL, c);
  cm_teams_add_team (over, "d", "D", NULL, d);
  cm_teams_compute (over);
  ASSERT_AREA (g_array_index (over->teams, CmTeam, 3).area_m2, 150000);
  ASSERT_AREA (over->covered_area_m2, 820000 + 150000);
  ASSERT_AREA (over->covered_in_boundary_m2, 820000 + 60000);
  ASSERT_AREA (over->gaps_area_m2, 180000 - 60000);

  /* no boundary: no gaps, the rest as before */
  g_autoptr (CmTeams) loose = cm_teams_new ();
  cm_teams_add_team (loose, "a", "A", NULL, a);
  cm_teams_add_team (loose, "c", "C", NULL, c);
  cm_teams_compute (loose);
  g_assert_null (loose->gaps);
  g_assert_cmpint (loose->overlaps->len, ==, 1);
  ASSERT_AREA (((CmTeamOverlap *) g_ptr_array_index (loose->overlaps, 0))->area_m2, 120000);
}

/* An area's size in square metres: a 300 × 200 m courtyard with a 100 × 50 m hole is
 * 55,000 m², as SpatiaLite's ellipsoidal area says; lines and points have none. */
static void
test_area (void)
{
  double outer[] = { 0, 0, 300, 0, 300, 200, 0, 200, 0, 0 };
  double hole[] = { 100, 50, 200, 50, 200, 100, 100, 100, 100, 50 };
  g_autoptr (CmGeom) g = ring_in_metres (5, outer);
  g_autoptr (CmGeom) h = ring_in_metres (5, hole);
  /* the hole as the polygon's second ring */
  g_array_append_vals (g->xy, h->xy->data, h->xy->len);
  guint five = 5;
  g_array_append_val (g->ring_len, five);
  g_array_index (g->part_len, guint, 0) = 2;
  ASSERT_AREA (cm_geom_area_m2 (g), 55000);
  /* and against SpatiaLite on the ellipsoid */
  g_autofree char *dir = cm_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "area.sqlite", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (CmStore) store = cm_store_create (path, NULL, &error);
  g_autoptr (GBytes) wkb = cm_geom_to_wkb (g);
  g_autoptr (CmFeature) f = cm_feature_new (CM_LAYER_RESOURCES);
  cm_feature_set_wkb (f, wkb);
  g_assert_true (cm_store_add_feature (store, f, &error));
  sqlite3_stmt *stmt = _cm_store_prepare (store, "SELECT ST_Area(geom, 1) FROM resources", &error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  double ellipsoid = sqlite3_column_double (stmt, 0);
  sqlite3_finalize (stmt);
  g_test_message ("area %.1f m², SpatiaLite %.1f m²", cm_geom_area_m2 (g), ellipsoid);
  g_assert_cmpfloat (fabs (cm_geom_area_m2 (g) - ellipsoid) / ellipsoid, <, 0.001);
  g_autoptr (CmGeom) line = ring_in_metres (2, outer);
  line->type = CM_GEOM_LINESTRING;
  g_assert_cmpfloat (cm_geom_area_m2 (line), ==, 0);
}

/* Two runs compared (cm_analysis_compare): a station deleted loses exactly the buildings only
 * it covered, a station added gains them back; per compound the changes add up to the whole,
 * and the whole equals the difference of the two runs' covered counts. */
static void
test_compare (void)
{
  g_autofree char *path = cm_test_demo_copy ("compare.sqlite");
  g_autoptr (GError) error = NULL;
  CmAnalysisRequest request = { CM_ANALYSIS_COVERAGE, (char *) "stations", FALSE, 0, 300 };
  g_autoptr (CmAnalysisResult) base = cm_analysis_run (path, &request, NULL, NULL, &error);
  g_assert_no_error (error);
  {
    g_autoptr (CmStore) store = cm_store_open (path, &error);
    g_assert_true (_cm_store_exec (store, "UPDATE stations SET deleted = 1 WHERE name ="
                                          " '北区社区服务站'", &error));
  }
  g_autoptr (CmAnalysisResult) less = cm_analysis_run (path, &request, NULL, NULL, &error);
  g_autoptr (CmComparison) cmp = cm_analysis_compare (base, 0, less, 0);
  const CmCompareRow *whole = &g_array_index (cmp->rows, CmCompareRow, cmp->rows->len - 1);
  g_assert_true (whole->whole);
  g_test_message ("a station deleted: %u gained, %u lost (%" G_GINT64_FORMAT " households); "
                  "covered %u → %u", whole->gained, whole->lost, whole->households_lost,
                  base->coverage->covered, less->coverage->covered);
  g_assert_cmpint (whole->gained, ==, 0);
  g_assert_cmpint (whole->lost, >, 0);
  g_assert_cmpint ((gint) less->coverage->covered - (gint) base->coverage->covered, ==,
                   (gint) whole->gained - (gint) whole->lost);
  g_assert_cmpint (whole->households_lost, ==,
                   base->coverage->households_covered - less->coverage->households_covered);
  g_assert_cmpint (g_hash_table_size (cmp->lost), ==, whole->lost);
  guint lost = 0;
  for (guint i = 0; i + 1 < cmp->rows->len; i++)
    lost += g_array_index (cmp->rows, CmCompareRow, i).lost;
  g_assert_cmpint (lost, ==, whole->lost);
  /* the other way round: the same buildings gained */
  g_autoptr (CmComparison) back = cm_analysis_compare (less, 0, base, 0);
  const CmCompareRow *b = &g_array_index (back->rows, CmCompareRow, back->rows->len - 1);
  g_assert_cmpint (b->gained, ==, whole->lost);
  g_assert_cmpint (b->lost, ==, 0);
}

/* The attribute table's rows and cells (cm-table.c), as the window's table uses them. */
static void
test_table (void)
{
  g_autofree char *path = cm_test_demo_copy ("table.sqlite");
  g_autoptr (GError) error = NULL;
  g_autoptr (CmStore) store = cm_store_open (path, &error);
  g_autoptr (GArray) all = cm_table_ids (store, CM_LAYER_BUILDINGS, NULL, NULL, FALSE, &error);
  g_assert_cmpint (all->len, ==, 626);
  g_autoptr (GArray) by = cm_table_ids (store, CM_LAYER_BUILDINGS, NULL, "households", TRUE,
                                        &error);
  g_autoptr (CmFeature) top = cm_store_get_feature_by_id (store, CM_LAYER_BUILDINGS,
                                                          g_array_index (by, gint64, 0), &error);
  g_assert_cmpint (g_variant_get_int64 (cm_feature_get_field (top, "households")), ==,
                   cm_test_query_int (store, "SELECT max(households) FROM buildings"));
  g_autoptr (CmFeature) last = cm_store_get_feature_by_id (store, CM_LAYER_BUILDINGS,
                                                           g_array_index (by, gint64, 625), &error);
  g_assert_null (cm_feature_get_field (last, "households")); /* unknown ones last */
  g_autoptr (GArray) dorms = cm_table_ids (store, CM_LAYER_BUILDINGS, "学生公寓", NULL, FALSE,
                                           &error);
  g_assert_cmpint (dorms->len, ==, cm_test_query_int (store, "SELECT count(*) FROM buildings"
                                                             " WHERE instr(name, '学生公寓') > 0"));
  /* a team's kind by its label, a compound by its name; refused: an unknown kind, a count */
  g_autoptr (CmFeature) team = cm_feature_new (CM_LAYER_TEAMS);
  g_assert_true (cm_table_set_cell (store, team, "kind", "Specialty service team", &error));
  g_assert_cmpstr (g_variant_get_string (cm_feature_get_field (team, "kind"), NULL), ==,
                   "specialty");
  g_assert_false (cm_table_set_cell (store, team, "kind", "no such team", &error));
  g_assert_nonnull (strstr (error->message, "no such team"));
  g_clear_error (&error);
  g_assert_true (cm_table_set_cell (store, top, "compound_uuid", "西南小区", &error));
  g_autofree char *shown = cm_table_cell_text (store, top, "compound_uuid");
  g_assert_cmpstr (shown, ==, "西南小区");
  g_assert_false (cm_table_set_cell (store, top, "households", "2.5", &error));
  g_clear_error (&error);
  /* a building's own compound, found where it stands */
  cm_feature_set_field (top, "compound_uuid", NULL);
  g_autofree char *where = cm_table_cell_text (store, top, "compound_uuid");
  g_autoptr (CmFeature) in = cm_compounds_containing (store, top);
  g_assert_true ((where == NULL) == (in == NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/analysis/geodesic", test_geodesic);
  g_test_add_func ("/analysis/radius-coverage-porto", test_radius_coverage_porto);
  g_test_add_func ("/analysis/point-on-surface", test_point_on_surface);
  g_test_add_func ("/analysis/bad-selector", test_bad_selector);
  g_test_add_func ("/analysis/no-sources", test_no_sources);
  g_test_add_func ("/analysis/area", test_area);
  g_test_add_func ("/analysis/radius-limit-exact", test_radius_limit_exact);
  g_test_add_func ("/analysis/teams", test_teams);
  g_test_add_func ("/analysis/compare", test_compare);
  g_test_add_func ("/analysis/table", test_table);
  return g_test_run ();
}
