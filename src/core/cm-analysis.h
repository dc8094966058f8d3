/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-analysis.h: one run of an analysis — what to compute, and everything the window
 * shows of the answer (the core results plus the shapes to draw them with). Runs in a worker
 * thread on its own connection to the map file; no GTK here. */
#pragma once

#include "cm-compounds.h"
#include "cm-coverage.h"
#include "cm-lifecircle.h"
#include "cm-network.h"
#include "cm-suggest.h"
#include "cm-teams.h"

G_BEGIN_DECLS

/* The ground reached on foot is shown as the paths reached widened by this much each side. */
#define CM_ANALYSIS_REACH_WIDTH_M 25.0

typedef enum
{
  CM_ANALYSIS_COVERAGE,    /* stations or a category, by walking or by radius */
  CM_ANALYSIS_TEAMS,       /* volunteer-team gaps and overlaps */
  CM_ANALYSIS_LIFE_CIRCLE, /* GB 50180 */
  CM_N_ANALYSIS_KINDS
} CmAnalysisKind;

typedef struct
{
  CmAnalysisKind kind;
  char *selector;    /* coverage: "stations", "resources:kindergarten" */
  gboolean walking;  /* coverage: along the paths, else a straight radius */
  double metres;     /* coverage: walking distance, or a radius for all (0: each station's own) */
  double fallback_m; /* coverage by each station's own radius: for those that have none */
  gboolean at_night; /* walking: the gates locked at night closed (CM_NETWORK_AT_NIGHT) */
  gboolean all_lines; /* walking: every line in paths, walkable or not (CM_NETWORK_ALL) */
  char *life_table;  /* life circle: a table of circles (NULL: the planner's corrected one in
                      * the config folder when there is one, else the built-in one) */
  guint suggest;     /* coverage by walking: also suggest this many sites for new stations */
} CmAnalysisRequest;

struct _CmAnalysisResult
{
  CmAnalysisRequest request;
  CmCoverage *coverage;  /* coverage */
  GPtrArray *reach_lines; /* coverage by walking: the paths reached, CmGeom* MULTILINESTRING */
  GArray *reach_bbox;     /* double: the box of each of their lines (4 each, in order), to draw
                           * only those in view */
  CmNetworkStats network;
  guint without_radius;  /* coverage by own radius: sources that had none (fallback_m used) */
  CmTeams *teams;        /* teams */
  CmLifeReport *life;    /* life circle */
  GPtrArray *shapes;     /* CmGeom* of each building, in the order of the buildings above */
  double *shape_bbox;    /* 4 per building */
  CmSuggestion *suggestion; /* coverage by walking, when asked: where new stations would go */
  double elapsed_ms;
};

/* What the core knows of a kind of analysis. A new kind is a line in each of three tables, one
 * per part: this one (cm-analysis.c: its name and how it runs), cm-analysis-style.c (how it is
 * drawn and its legend) and cm-analysis-panel.c (its table rows and summary); each table's size
 * is checked against CM_N_ANALYSIS_KINDS when it compiles. */
typedef struct _CmAnalysisResult CmAnalysisResult;
typedef struct
{
  const char *name; /* untranslated (N_): _() it to show it */
  guint uses;       /* 1 << CmLayer of each layer it reads: an edit there makes a result stale */
  gboolean (*run) (CmAnalysisResult *result, CmStore *store, volatile gint *progress_permille,
                   GCancellable *cancellable, GError **error);
  /* whether building @b counts as covered: reached (coverage), in a team's area (teams), with
   * every facility of circle @circle (life circle) */
  gboolean (*covered) (const CmAnalysisResult *result, guint circle, guint b);
} CmAnalysisKindInfo;

const CmAnalysisKindInfo *cm_analysis_kind_info (CmAnalysisKind kind);

void cm_analysis_request_clear (CmAnalysisRequest *request);
/* @to becomes a copy of @from, its strings its own (cm_analysis_request_clear frees them). */
void cm_analysis_request_copy (CmAnalysisRequest *to, const CmAnalysisRequest *from);
void cm_analysis_result_free (CmAnalysisResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CmAnalysisResult, cm_analysis_result_free)

/* The buildings of a result (whichever analysis made it). */
GArray *cm_analysis_result_get_buildings (const CmAnalysisResult *result);
/* Whether building @building (an index into them) counts as covered, as the kind means it;
 * @circle: the life circle shown. */
gboolean cm_analysis_result_covered (const CmAnalysisResult *result, guint circle,
                                     guint building);
/* The result per compound (cm-compounds.h), "covered" as above. */
GArray *cm_analysis_result_sum_compounds (const CmAnalysisResult *result, guint circle);

/* What changed since a baseline: per compound of the result now (then the buildings in no
 * compound, when any of them changed, then the whole), the buildings, households and
 * residents newly covered and no longer covered. Buildings are matched by uuid: one added
 * since counts as newly covered when it is covered, one deleted since as no longer. */
typedef struct
{
  const CmCompound *compound; /* NULL: in no compound, or the whole */
  gboolean whole;
  guint gained, lost;
  gint64 households_gained, households_lost; /* where known */
  gint64 population_gained, population_lost;
} CmCompareRow;

typedef struct
{
  GArray *rows;        /* CmCompareRow; points into the result compared */
  GHashTable *gained;  /* uuids of the buildings newly covered */
  GHashTable *lost;    /* … and of those no longer covered */
} CmComparison;

CmComparison *cm_analysis_compare (const CmAnalysisResult *baseline, guint baseline_circle,
                                   const CmAnalysisResult *now, guint circle);
void cm_comparison_free (CmComparison *comparison);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CmComparison, cm_comparison_free)

/* Runs @request on the map at @path. @progress (0..1) is written as the work goes, for the
 * window to poll; @cancellable is checked between steps. */
CmAnalysisResult *cm_analysis_run (const char *path, const CmAnalysisRequest *request,
                                   volatile gint *progress_permille, GCancellable *cancellable,
                                   GError **error);

G_END_DECLS
