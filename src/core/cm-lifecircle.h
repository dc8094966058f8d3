/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-lifecircle.h: the GB 50180-2018 life-circle check.
 *
 * The table (data/lifecircle.json, or a planner's corrected copy) gives each circle's walking
 * distance and the facility categories that belong to it, each with the distance it should be
 * within. For every facility, every building gets the walking distance to the nearest one on
 * the network (cm-network.h, access legs included) and passes when that is within the
 * facility's distance. A building meets a circle when it passes every facility of the circle;
 * circles do not substitute for each other. */
#pragma once

#include "cm-coverage.h"
#include "cm-network.h"
#include "cm-store.h"

G_BEGIN_DECLS

typedef struct
{
  char *key, *name_zh, *name_en, *clause, *certainty;
  double walk_m;
  /* results */
  guint facilities;    /* its facility rows */
  guint buildings_met; /* buildings that pass every facility of the circle */
  gint64 population_met;
} CmLifeCircle;

typedef struct
{
  char *key, *name_zh, *name_en, *clause, *certainty;
  guint circle;        /* index into the circles */
  GStrv from;          /* selectors, as in cm_coverage_load */
  double max_m;
  /* results */
  guint sources;       /* such facilities on the map */
  guint sources_off_network;
  guint buildings_pass;
  gint64 population_pass;
  float *walk_m;       /* per building: metres to the nearest; INFINITY when none is
                        * reachable, NAN when the building is off the network */
} CmLifeFacility;

typedef struct
{
  GArray *circles;       /* CmLifeCircle */
  GArray *facilities;    /* CmLifeFacility */
  CmCoverage *buildings; /* its buildings; sources unused */
  gint64 population_known; /* residents of the buildings whose population is known */
  guint buildings_with_population;
  CmNetworkStats network;
} CmLifeReport;

void cm_life_report_free (CmLifeReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CmLifeReport, cm_life_report_free)

/* Reads a table: @path, or the one built in (data/lifecircle.json) when NULL. Refuses a table
 * that is not JSON, names an unknown circle, a bad selector or a distance that is not > 0,
 * saying which row. */
CmLifeReport *cm_life_report_new (const char *path, GError **error);

typedef void (*CmLifeProgressFunc) (guint done, guint total, gpointer user_data);

/* Loads the buildings and facilities of @store and runs every facility row. Checks
 * @cancellable between rows. */
gboolean cm_life_report_run (CmLifeReport *report, CmStore *store, CmNetworkMode mode,
                             CmLifeProgressFunc progress, gpointer user_data,
                             GCancellable *cancellable, GError **error);

/* Whether building @b passes facility @f / meets circle @c. */
gboolean cm_life_report_passes (const CmLifeReport *report, guint f, guint b);
gboolean cm_life_report_meets (const CmLifeReport *report, guint c, guint b);

G_END_DECLS
