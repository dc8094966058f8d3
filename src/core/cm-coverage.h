/* cm-coverage.h: which buildings a set of service points reaches — radius coverage (straight
 * line, from each building's point-on-surface) for now; walking coverage follows (issue #5).
 *
 * Sources are a layer ("stations") or a layer and a category ("resources:kindergarten"); a
 * source's reach is its service_radius_m, or a radius given for all. Loading reads the map;
 * computing is plain C on the loaded points, so it can be timed and tested on its own. */
#pragma once

#include "cm-store.h"

G_BEGIN_DECLS

typedef struct
{
  char *uuid;
  char *name;
  double lon, lat;  /* the point, or the point-on-surface of an area */
  double radius_m;  /* its reach; NAN when it has none */
  guint buildings;  /* results: buildings within its reach */
  gint64 households, population;
} CmCoverageSource;

typedef struct
{
  char *uuid;
  char *name;
  double lon, lat;            /* point-on-surface */
  gint64 households, population; /* -1: unknown */
  int nearest;                /* results: index of the nearest source, -1 when there is none */
  double nearest_m;           /* metres to it, straight line; NAN when none */
  gboolean covered;           /* within some source's reach */
} CmCoverageBuilding;

typedef struct
{
  GArray *sources;   /* CmCoverageSource */
  GArray *buildings; /* CmCoverageBuilding */
  guint covered;     /* buildings within some source's reach */
  gint64 households_covered, households_uncovered;
  gint64 population_covered, population_uncovered;
} CmCoverage;

void cm_coverage_free (CmCoverage *coverage);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CmCoverage, cm_coverage_free)

/* Reads the live buildings and the sources named by @selector. @radius_m > 0 replaces every
 * source's own service_radius_m. Refuses an unknown layer or category with a message. */
CmCoverage *cm_coverage_load (CmStore *store, const char *selector, double radius_m,
                              GError **error);
/* Fills the results: nearest source and distance per building, coverage, per-source sums. */
void cm_coverage_compute_radius (CmCoverage *coverage);

G_END_DECLS
