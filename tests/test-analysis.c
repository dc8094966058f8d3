/* test-analysis.c: coverage analysis against independent answers — distances against PROJ's
 * geod_inverse, radius coverage of Porto's buildings against a brute-force geodesic check of
 * every building and every source. */
#include <math.h>
#include <string.h>

#include "cm-core.h"
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
  g_autofree char *dir = cm_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "porto.sqlite", NULL);
  g_autoptr (GError) error = NULL;
  CmStore *store = cm_store_create (path, "Porto", &error);
  g_assert_no_error (error);
  const char *files[] = { "porto-centro/buildings.geojson", "porto-centro/pois.geojson" };
  for (gsize i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *file = cm_test_data (files[i]);
      g_autoptr (CmImportReport) report = cm_import_report_new ();
      g_assert_true (cm_import_file (store, file, CM_LAYER_NONE, NULL, report, NULL, NULL, NULL,
                                     &error));
      g_assert_no_error (error);
    }
  return store;
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
  /* no sources at all: every building is uncovered, none has a nearest */
  g_autoptr (CmCoverage) empty = cm_coverage_load (store, "stations", 0, &error);
  g_assert_no_error (error);
  cm_coverage_compute_radius (empty);
  g_assert_cmpint (empty->covered, ==, 0);
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

  /* no boundary: no gaps, the rest as before */
  g_autoptr (CmTeams) loose = cm_teams_new ();
  cm_teams_add_team (loose, "a", "A", NULL, a);
  cm_teams_add_team (loose, "c", "C", NULL, c);
  cm_teams_compute (loose);
  g_assert_null (loose->gaps);
  g_assert_cmpint (loose->overlaps->len, ==, 1);
  ASSERT_AREA (((CmTeamOverlap *) g_ptr_array_index (loose->overlaps, 0))->area_m2, 120000);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/analysis/geodesic", test_geodesic);
  g_test_add_func ("/analysis/radius-coverage-porto", test_radius_coverage_porto);
  g_test_add_func ("/analysis/bad-selector", test_bad_selector);
  g_test_add_func ("/analysis/teams", test_teams);
  return g_test_run ();
}
