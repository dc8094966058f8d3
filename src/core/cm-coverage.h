/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-coverage.h: which buildings a set of service points reaches — by radius (straight line,
 * from each building's point-on-surface) or by walking along the network (cm-network.h).
 *
 * Sources are a layer ("stations") or a layer and categories ("resources:kindergarten",
 * "resources:primary_school,middle_school"); a
 * source's reach is its service_radius_m, or a radius given for all. Loading reads the map;
 * computing is plain C on the loaded points, so it can be timed and tested on its own. */
#pragma once

#include "cm-network.h"
#include "cm-store.h"

G_BEGIN_DECLS

typedef struct
{
  char *uuid;
  char *name;
  double lon, lat;  /* the point, or the point-on-surface of an area */
  double radius_m;  /* its reach; NAN when it has none */
  guint buildings;  /* results: buildings within its reach (walking: that it serves nearest) */
  gint64 households, population;
  CmNetworkTie tie; /* walking: where it joins the network (edge -1: it does not) */
} CmCoverageSource;

typedef enum
{
  CM_WALK_REACHED,      /* a station is reachable on foot (covered or not) */
  CM_WALK_OFF_NETWORK,  /* no path within CM_NETWORK_MAX_ACCESS_M of the building */
  CM_WALK_DISCONNECTED, /* on a piece of the network that no station is on */
} CmWalkStatus;

typedef struct
{
  char *uuid;
  char *name;
  double lon, lat;            /* point-on-surface */
  gint64 households, population; /* -1: unknown */
  int nearest;                /* results: index of the nearest source, -1 when there is none */
  double nearest_m;           /* metres to it, straight line; NAN when none */
  gboolean covered;           /* within some source's reach */
  /* walking (cm_coverage_compute_walk); nearest and nearest_m then name the nearest source
   * on foot and the straight metres to it */
  CmWalkStatus walk_status;
  double walk_m;          /* access legs included; NAN unless reached */
  double access_m;        /* the building's own access leg; NAN when off the network */
  double source_access_m; /* the nearest source's access leg */
  double detour;          /* walk_m / nearest_m; NAN when not reached or under 1 m apart */
  char *compound_uuid;    /* the compound a planner chose for it, or NULL */
  int compound;           /* the compound it is in: an index into CmCoverage.compounds, or -1
                           * (cm-compounds.h) */
} CmCoverageBuilding;

typedef struct
{
  GArray *sources;   /* CmCoverageSource */
  GArray *buildings; /* CmCoverageBuilding */
  gboolean walking;  /* computed by walking (else by radius) */
  double walk_max_m; /* walking: the distance that counts as covered */
  guint covered;     /* buildings within some source's reach */
  guint off_network, disconnected; /* walking: buildings that cannot reach any source */
  guint sources_off_network;       /* walking: sources with no path near them */
  gint64 households_covered, households_uncovered;
  gint64 population_covered, population_uncovered;
  GPtrArray *compounds; /* CmCompound (cm-compounds.h): the map's compounds and grid cells */
  /* the buildings' footprints (CmGeom, or NULL) and their boxes (4 doubles each), in the order
   * of buildings, read with them when keep_shapes is set before loading (the analysis colours
   * them on the map); else NULL */
  gboolean keep_shapes;
  GPtrArray *shapes;
  GArray *shape_bbox;
} CmCoverage;

/* An empty coverage, to fill by hand (tests, benchmarks); cm_coverage_load fills one from a map. */
CmCoverage *cm_coverage_new (void);
/* Appends a source or building (copies the strings; results are cleared). */
void cm_coverage_add_source (CmCoverage *coverage, const char *uuid, const char *name,
                             double lon, double lat, double radius_m);
void cm_coverage_add_building (CmCoverage *coverage, const char *uuid, const char *name,
                               double lon, double lat, gint64 households, gint64 population);
void cm_coverage_free (CmCoverage *coverage);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CmCoverage, cm_coverage_free)

/* Appends the live features @selector names as sources; @radius_m as in cm_coverage_load. */
gboolean cm_coverage_load_sources (CmCoverage *coverage, CmStore *store, const char *selector,
                                   double radius_m, GError **error);
/* Appends the live buildings of @store (point-on-surface, households, population) and puts
 * each in its compound (cm_compounds_assign). */
gboolean cm_coverage_load_buildings (CmCoverage *coverage, CmStore *store, GError **error);
/* TRUE when @selector names a layer and known categories; else says what to write. */
gboolean cm_coverage_check_selector (const char *selector, GError **error);
/* Reads the live buildings and the sources named by @selector. @radius_m > 0 replaces every
 * source's own service_radius_m. Refuses an unknown layer or category with a message. */
CmCoverage *cm_coverage_load (CmStore *store, const char *selector, double radius_m,
                              GError **error);
/* Gives every source without a reach of its own (a station with no service_radius_m, any
 * resource) @radius_m instead. Returns how many had none. */
guint cm_coverage_fill_missing_radius (CmCoverage *coverage, double radius_m);
/* Fills the results: nearest source and distance per building, coverage, per-source sums. */
void cm_coverage_compute_radius (CmCoverage *coverage);
/* The same by walking on @network from all sources at once: per building the nearest source
 * on foot, the walking metres (both access legs included), the detour ratio; covered when
 * walking is at most @max_m. Each source counts the covered buildings it is nearest to. */
void cm_coverage_compute_walk (CmCoverage *coverage, const CmNetwork *network, double max_m);

G_END_DECLS
