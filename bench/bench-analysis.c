/* bench-analysis: coverage analysis speed on the benchmark map of bench-render (57,020
 * buildings). So far: radius coverage against 500 stations (the goal: < 50 ms for
 * 50,000 buildings). Prints figures; asserts nothing about time.
 *
 * Usage: bench-analysis MAP.sqlite
 */
#include <math.h>
#include <sys/resource.h>

#include "cm-core.h"

static double
ms_since (gint64 t0)
{
  return (g_get_monotonic_time () - t0) / 1000.0;
}

int
main (int argc, char **argv)
{
  if (argc < 2)
    {
      g_printerr ("usage: bench-analysis MAP.sqlite\n");
      return 2;
    }
  g_autoptr (GError) error = NULL;
  g_autoptr (CmStore) store = cm_store_open (argv[1], &error);
  if (store == NULL)
    g_error ("%s", error->message);
  gint64 t0 = g_get_monotonic_time ();
  g_autoptr (CmCoverage) c = cm_coverage_load (store, "stations", 0, &error);
  if (c == NULL)
    g_error ("%s", error->message);
  double load = ms_since (t0);

  /* 500 stations spread over the buildings' extent, radius 300 to 800 m (seeded: the same
   * every run) */
  double bbox[4] = { G_MAXDOUBLE, G_MAXDOUBLE, -G_MAXDOUBLE, -G_MAXDOUBLE };
  for (guint i = 0; i < c->buildings->len; i++)
    {
      CmCoverageBuilding *b = &g_array_index (c->buildings, CmCoverageBuilding, i);
      bbox[0] = MIN (bbox[0], b->lon), bbox[1] = MIN (bbox[1], b->lat);
      bbox[2] = MAX (bbox[2], b->lon), bbox[3] = MAX (bbox[3], b->lat);
    }
  GRand *rand = g_rand_new_with_seed (7);
  for (int i = 0; i < 500; i++)
    {
      CmCoverageSource s = { 0 };
      s.uuid = g_strdup_printf ("bench-%d", i);
      s.lon = g_rand_double_range (rand, bbox[0], bbox[2]);
      s.lat = g_rand_double_range (rand, bbox[1], bbox[3]);
      s.radius_m = g_rand_double_range (rand, 300, 800);
      g_array_append_val (c->sources, s);
    }
  g_rand_free (rand);

  double best = G_MAXDOUBLE, total = 0;
  int runs = 7;
  for (int r = 0; r < runs; r++)
    {
      gint64 t1 = g_get_monotonic_time ();
      cm_coverage_compute_radius (c);
      double ms = ms_since (t1);
      best = MIN (best, ms);
      total += ms;
    }
  g_print ("bench/analysis: %u buildings, %u stations\n", c->buildings->len, c->sources->len);
  g_print ("load the buildings' points-on-surface: %.0f ms\n", load);
  g_print ("radius coverage: %.1f ms mean, %.1f ms best of %d (%u covered)\n", total / runs,
           best, runs, c->covered);
  struct rusage usage;
  getrusage (RUSAGE_SELF, &usage);
  g_print ("peak RSS: %.0f MB\n", usage.ru_maxrss / 1024.0);
  return 0;
}
