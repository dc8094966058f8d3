/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-teams.h: where volunteer teams work — the union of their areas, the gaps (the community
 * boundary minus that union), the overlaps (where two or more teams cover, and which ones),
 * and the buildings, households and residents in each team's area and outside every one.
 *
 * Drawn areas are repaired first (GEOS MakeValid), so a slightly invalid team area still
 * counts. All geometry work happens in local metres at the community's mean latitude, so
 * areas are square metres. */
#pragma once

#include "cm-coverage.h"
#include "cm-geom.h"
#include "cm-store.h"

G_BEGIN_DECLS

typedef struct
{
  char *uuid, *name, *kind;
  CmGeom *geom;      /* the area as drawn (longitude/latitude) */
  gboolean repaired; /* it was invalid and was repaired for the analysis */
  double area_m2;
  guint buildings;   /* results: buildings whose point-on-surface it covers */
  gint64 households, population;
} CmTeam;

typedef struct
{
  GArray *teams; /* int: indexes into CmTeams.teams, ascending */
  CmGeom *geom;  /* longitude/latitude */
  double area_m2;
} CmTeamOverlap;

typedef struct
{
  GArray *teams;         /* CmTeam */
  GPtrArray *boundary;   /* CmGeom: the community outline (its parts are unioned) */
  CmCoverage *buildings; /* only its buildings are used */

  /* results of cm_teams_compute */
  CmGeom *covered;       /* the union of the team areas; NULL when there are none */
  CmGeom *gaps;          /* boundary minus the union; NULL without a boundary */
  GPtrArray *overlaps;   /* CmTeamOverlap*, one per set of teams that share ground */
  double boundary_area_m2, covered_area_m2, covered_in_boundary_m2, gaps_area_m2,
      overlap_area_m2;
  guint repaired;        /* team areas that needed repair */
  guint buildings_outside;
  gint64 households_outside, population_outside;
} CmTeams;

CmTeams *cm_teams_new (void);
void cm_teams_free (CmTeams *teams);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CmTeams, cm_teams_free)

/* Copies @geom. Areas only: a team drawn as a point or line has no ground and is skipped. */
void cm_teams_add_team (CmTeams *teams, const char *uuid, const char *name, const char *kind,
                        const CmGeom *geom);
void cm_teams_add_boundary (CmTeams *teams, const CmGeom *geom);

/* Reads the live teams, the boundary and the buildings of @store. */
CmTeams *cm_teams_load (CmStore *store, GError **error);
void cm_teams_compute (CmTeams *teams);

/* A team's area from the buildings it serves (CmGeom areas, longitude/latitude): every building
 * widened by @margin_m, the whole joined and narrowed by half of it again, so that buildings
 * within @margin_m of each other share one area with the ground between them. A MULTIPOLYGON,
 * or NULL for none. */
CmGeom *cm_teams_outline_buildings (GPtrArray *shapes, double margin_m);

/* The covered ground, the gaps and the overlaps as a GeoJSON FeatureCollection: each feature's
 * "kind" ("covered", "gap", "overlap") and "area_m2", an overlap's "teams" count and "names". */
void cm_teams_append_geojson (CmTeams *teams, GString *out);

G_END_DECLS
