/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-compounds.h: the compounds (小区) and grid cells (网格) a community is divided into, which
 * buildings belong to each, and the analyses' results summed per compound.
 *
 * A building belongs to the compound a planner chose for it (its compound_uuid), else to the
 * first compound, in the order they were drawn, that contains its point-on-surface; else to
 * none. Grid cells count as compounds: a map may divide itself either way. */
#pragma once

#include "cm-coverage.h"

G_BEGIN_DECLS

typedef struct
{
  char *uuid;
  char *name; /* may be NULL */
  char *kind; /* "compound", "grid", or one the planner added; may be NULL */
} CmCompound;

/* One row of a per-compound summary. */
typedef struct
{
  const CmCompound *compound; /* NULL: the buildings in no compound, or (last row) the whole */
  gboolean whole;             /* the last row: every building */
  guint buildings, covered;   /* covered: what the analysis set in CmCoverageBuilding.covered */
  gint64 households, households_covered; /* of the buildings whose households are known */
  gint64 population, population_covered;
} CmCompoundSum;

/* Reads the live compounds of @store into @coverage and puts each of its buildings in one
 * (CmCoverageBuilding.compound). cm_coverage_load_buildings calls it. */
gboolean cm_compounds_assign (CmCoverage *coverage, CmStore *store, GError **error);

/* The buildings of @coverage summed per compound: one row per compound (in the order drawn,
 * empty ones too), then one for the buildings in none (only when there are any), then the
 * whole. Empty (no rows) when the map has no compounds. A GArray of CmCompoundSum that points
 * into @coverage. */
GArray *cm_compounds_sum (const CmCoverage *coverage);

/* The same with "covered" taken from @covered (per building, by index) instead of
 * CmCoverageBuilding.covered: for the life circle, one sum per circle. */
GArray *cm_compounds_sum_by (const CmCoverage *coverage,
                             gboolean (*covered) (guint building, gpointer data), gpointer data);

/* The compound @building stands in (its point-on-surface; the first drawn when several
 * overlap), whatever its compound_uuid says, or NULL. */
CmFeature *cm_compounds_containing (CmStore *store, CmFeature *building);

G_END_DECLS
