/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-suggest.h: where the next service station should go — the maximal covering location
 * problem, solved greedily (docs/analysis.md, "Suggest a site").
 *
 * Candidates are points on the walking network: every vertex of the paths and a point every
 * @spacing_m along each edge, plus the features of a candidate layer the planner names (a
 * vacant room, a community centre). Each candidate reaches the buildings within @walk_m on foot
 * (both access legs counted, as cm_coverage_compute_walk counts them). The first site is the
 * candidate that newly covers the most uncovered households (a building whose households are
 * unknown counting as one; buildings, when the map knows no households at all); each next site
 * counts only what the sites before it leave uncovered. What
 * each site reports is then measured as `cmap coverage --walk` would with the stations really
 * there, so the two always agree. */
#pragma once

#include "cm-coverage.h"
#include "cm-network.h"

G_BEGIN_DECLS

typedef struct
{
  double lon, lat;
  CmNetworkTie tie;
  char *name; /* a candidate layer's feature: its name (may be NULL); NULL for path points */
} CmSuggestCandidate;

typedef struct
{
  double lon, lat;
  char *name;      /* the candidate feature's name, when it came from a candidate layer */
  char *near;      /* the nearest named path or building, for people; may be NULL */
  /* newly covered, after the sites before it */
  guint buildings;
  gint64 households, population; /* where known */
} CmSuggestSite;

typedef struct
{
  GArray *candidates;     /* CmSuggestCandidate */
  GArray *sites;          /* CmSuggestSite, best first */
  gboolean by_households; /* the objective: households (else buildings, none being known) */
  guint buildings, covered_before;
  gint64 households_before, population_before;
  double walk_m;
} CmSuggestion;

void cm_suggestion_free (CmSuggestion *suggestion);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CmSuggestion, cm_suggestion_free)

/* The path points: every vertex once and a point every @spacing_m along each edge. */
GArray *cm_suggest_path_candidates (const CmNetwork *network, double spacing_m);
/* Appends the live features @selector names (cm_coverage_load's selectors) that join the
 * network, each at its point (or point-on-surface). */
gboolean cm_suggest_add_layer_candidates (GArray *candidates, CmStore *store,
                                          const CmNetwork *network, const char *selector,
                                          GError **error);

/* Plain C on what is loaded: @coverage holds the buildings and the existing sources (walk
 * computed or not); @candidates the candidates. Chooses up to @count sites greedily and
 * measures what each adds. @coverage is left as computed with the sites added. */
CmSuggestion *cm_suggest_run (CmCoverage *coverage, const CmNetwork *network,
                              GArray *candidates, double walk_m, guint count,
                              GCancellable *cancellable);

/* What each candidate alone would newly cover, by the weight the greedy choice uses
 * (households, or buildings): an array of @candidates->len. @coverage has its walk computed.
 * The first round of cm_suggest_run; for tests, which check it against a search from each. */
double *cm_suggest_candidate_gains (const CmCoverage *coverage, const CmNetwork *network,
                                    GArray *candidates, double walk_m, gboolean by_households);

/* Everything from a map: the sources @from (stations by default), the network in @mode, path
 * candidates every 50 m and those of @candidate_layer (NULL: none); names what is near each
 * site. */
CmSuggestion *cm_suggest (CmStore *store, const char *from, double walk_m, guint count,
                          CmNetworkMode mode, const char *candidate_layer,
                          GCancellable *cancellable, GError **error);

/* Names what is near each site: the nearest named path, else building, within ~150 m. */
void cm_suggestion_name_sites (CmSuggestion *suggestion, CmStore *store);

#define CM_SUGGEST_SPACING_M 50.0

G_END_DECLS
