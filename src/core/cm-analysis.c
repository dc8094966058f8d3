/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-analysis.c: one analysis run, in a worker thread on its own read connection. */
#include "config.h"

#include "cm-analysis.h"

#include <glib/gi18n-lib.h>
#include <math.h>

/* How wide the outline of the ground reached on foot is drawn: each path widened this much on
 * either side (docs/analysis.md). */

void
cm_analysis_request_clear (CmAnalysisRequest *request)
{
  g_clear_pointer (&request->selector, g_free);
  g_clear_pointer (&request->life_table, g_free);
}

void
cm_analysis_request_copy (CmAnalysisRequest *to, const CmAnalysisRequest *from)
{
  *to = *from;
  to->selector = g_strdup (from->selector);
  to->life_table = g_strdup (from->life_table);
}

/* The walking network a request asks for. */
static CmNetworkMode
network_mode (const CmAnalysisRequest *q)
{
  return (q->at_night ? CM_NETWORK_AT_NIGHT : 0) | (q->all_lines ? CM_NETWORK_ALL : 0);
}

void
cm_analysis_result_free (CmAnalysisResult *r)
{
  if (r == NULL)
    return;
  cm_analysis_request_clear (&r->request);
  cm_coverage_free (r->coverage);
  if (r->reach_lines)
    g_ptr_array_unref (r->reach_lines);
  if (r->reach_bbox)
    g_array_unref (r->reach_bbox);
  cm_teams_free (r->teams);
  cm_life_report_free (r->life);
  if (r->shapes)
    g_ptr_array_unref (r->shapes);
  g_free (r->shape_bbox);
  cm_suggestion_free (r->suggestion);
  g_free (r);
}

static const CmCoverage *
buildings_of (const CmAnalysisResult *r)
{
  if (r->coverage)
    return r->coverage;
  if (r->teams)
    return r->teams->buildings;
  if (r->life)
    return r->life->buildings;
  return NULL;
}

GArray *
cm_analysis_result_get_buildings (const CmAnalysisResult *r)
{
  const CmCoverage *c = buildings_of (r);
  return c ? c->buildings : NULL;
}

gboolean
cm_analysis_result_covered (const CmAnalysisResult *r, guint circle, guint building)
{
  return cm_analysis_kind_info (r->request.kind)->covered (r, circle, building);
}

typedef struct
{
  const CmAnalysisResult *result;
  guint circle;
} Covered;

static gboolean
covered_cb (guint building, gpointer data)
{
  const Covered *c = data;
  return cm_analysis_result_covered (c->result, c->circle, building);
}

GArray *
cm_analysis_result_sum_compounds (const CmAnalysisResult *r, guint circle)
{
  Covered c = { r, circle };
  return cm_compounds_sum_by (buildings_of (r), covered_cb, &c);
}

/* ---- comparing with a baseline ------------------------------------------------------------- */

void
cm_comparison_free (CmComparison *comparison)
{
  if (comparison == NULL)
    return;
  g_array_unref (comparison->rows);
  g_hash_table_unref (comparison->gained);
  g_hash_table_unref (comparison->lost);
  g_free (comparison);
}

static void
count_change (CmCompareRow *row, const CmCoverageBuilding *b, gboolean gained)
{
  gint64 h = MAX (b->households, 0), p = MAX (b->population, 0);
  if (gained)
    row->gained++, row->households_gained += h, row->population_gained += p;
  else
    row->lost++, row->households_lost += h, row->population_lost += p;
}

CmComparison *
cm_analysis_compare (const CmAnalysisResult *baseline, guint baseline_circle,
                     const CmAnalysisResult *now, guint circle)
{
  const CmCoverage *base = buildings_of (baseline), *cur = buildings_of (now);
  CmComparison *cmp = g_new0 (CmComparison, 1);
  cmp->gained = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  cmp->lost = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  /* the rows: one per compound of the result now, one for the buildings in none, the whole */
  guint n = cur->compounds->len;
  cmp->rows = g_array_new (FALSE, TRUE, sizeof (CmCompareRow));
  g_array_set_size (cmp->rows, n + 2);
  for (guint k = 0; k < n; k++)
    g_array_index (cmp->rows, CmCompareRow, k).compound = cur->compounds->pdata[k];
  g_array_index (cmp->rows, CmCompareRow, n + 1).whole = TRUE;

  /* the baseline's buildings by uuid: their index, + 1, negative when not covered then */
  g_autoptr (GHashTable) before = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint b = 0; b < base->buildings->len; b++)
    {
      gboolean covered = cm_analysis_result_covered (baseline, baseline_circle, b);
      g_hash_table_insert (before, g_array_index (base->buildings, CmCoverageBuilding, b).uuid,
                           GINT_TO_POINTER (covered ? (int) b + 1 : -((int) b + 1)));
    }
  for (guint b = 0; b < cur->buildings->len; b++)
    {
      const CmCoverageBuilding *bd = &g_array_index (cur->buildings, CmCoverageBuilding, b);
      gboolean was = GPOINTER_TO_INT (g_hash_table_lookup (before, bd->uuid)) > 0;
      gboolean is = cm_analysis_result_covered (now, circle, b);
      g_hash_table_remove (before, bd->uuid);
      if (was == is)
        continue;
      CmCompareRow *row = &g_array_index (cmp->rows, CmCompareRow,
                                          bd->compound >= 0 ? (guint) bd->compound : n);
      count_change (row, bd, is);
      count_change (&g_array_index (cmp->rows, CmCompareRow, n + 1), bd, is);
      g_hash_table_add (is ? cmp->gained : cmp->lost, g_strdup (bd->uuid));
    }
  /* buildings deleted since: covered then, so no longer */
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init (&it, before);
  while (g_hash_table_iter_next (&it, NULL, &value))
    {
      int index = GPOINTER_TO_INT (value);
      if (index <= 0)
        continue;
      const CmCoverageBuilding *bd = &g_array_index (base->buildings, CmCoverageBuilding,
                                                     index - 1);
      count_change (&g_array_index (cmp->rows, CmCompareRow, n), bd, FALSE);
      count_change (&g_array_index (cmp->rows, CmCompareRow, n + 1), bd, FALSE);
      g_hash_table_add (cmp->lost, g_strdup (bd->uuid));
    }
  /* the row for the buildings in no compound only when it has any change */
  CmCompareRow *none = &g_array_index (cmp->rows, CmCompareRow, n);
  if (n == 0 || (none->gained == 0 && none->lost == 0))
    g_array_remove_index (cmp->rows, n);
  return cmp;
}

typedef struct
{
  GHashTable *index; /* uuid → building index + 1 */
  GPtrArray *shapes;
  double *bbox;
} Shapes;

static gboolean
add_shape (const CmFeatureRow *row, gpointer user_data)
{
  Shapes *s = user_data;
  guint i = GPOINTER_TO_UINT (g_hash_table_lookup (s->index, row->uuid));
  if (i == 0 || row->wkb == NULL)
    return TRUE;
  CmGeom *geom = cm_geom_from_wkb (row->wkb, row->wkb_len);
  if (geom == NULL)
    return TRUE;
  g_ptr_array_index (s->shapes, i - 1) = geom;
  cm_geom_get_bbox (geom, s->bbox + 4 * (i - 1));
  return TRUE;
}

/* The footprints of the result's buildings, to colour them on the map: those read with the
 * buildings (keep_shapes), else read now. */
static gboolean
load_shapes (CmAnalysisResult *r, CmStore *store, GError **error)
{
  CmCoverage *c = (CmCoverage *) buildings_of (r);
  if (c->shapes)
    {
      r->shapes = g_steal_pointer (&c->shapes);
      r->shape_bbox = (double *) (void *) g_array_free (g_steal_pointer (&c->shape_bbox), FALSE);
      return TRUE;
    }
  GArray *buildings = cm_analysis_result_get_buildings (r);
  Shapes s = { g_hash_table_new (g_str_hash, g_str_equal),
               g_ptr_array_new_full (buildings->len, (GDestroyNotify) cm_geom_free),
               g_new0 (double, 4 * MAX (buildings->len, 1)) };
  g_ptr_array_set_size (s.shapes, buildings->len);
  for (guint i = 0; i < buildings->len; i++)
    g_hash_table_insert (s.index, g_array_index (buildings, CmCoverageBuilding, i).uuid,
                         GUINT_TO_POINTER (i + 1));
  gboolean ok = cm_store_foreach_in_bbox (store, CM_LAYER_BUILDINGS, NULL, add_shape, &s, error);
  g_hash_table_unref (s.index);
  r->shapes = s.shapes;
  r->shape_bbox = s.bbox;
  return ok;
}

static void
set_progress (volatile gint *permille, double fraction)
{
  /* where a run's time goes, to profile (CM_ANALYSIS_TIMING=1) */
  if (g_getenv ("CM_ANALYSIS_TIMING"))
    g_printerr ("analysis at %.3f: %.3f s\n", fraction, g_get_monotonic_time () / 1e6);
  if (permille)
    g_atomic_int_set (permille, (gint) (CLAMP (fraction, 0, 1) * 1000));
}

typedef struct
{
  volatile gint *permille;
} LifeProgress;

static void
life_progress (guint done, guint total, gpointer user_data)
{
  LifeProgress *p = user_data;
  set_progress (p->permille, 0.2 + 0.7 * done / MAX (total, 1));
}

/* The box of each line of @lines, appended to @boxes (4 doubles each). */
static void
add_line_boxes (const CmGeom *lines, GArray *boxes)
{
  const double *xy = (const double *) lines->xy->data;
  guint pos = 0;
  for (guint k = 0; k < lines->ring_len->len; k++)
    {
      guint n = g_array_index (lines->ring_len, guint, k);
      double b[4] = { G_MAXDOUBLE, G_MAXDOUBLE, -G_MAXDOUBLE, -G_MAXDOUBLE };
      for (guint v = pos; v < pos + n; v++)
        {
          b[0] = MIN (b[0], xy[2 * v]), b[1] = MIN (b[1], xy[2 * v + 1]);
          b[2] = MAX (b[2], xy[2 * v]), b[3] = MAX (b[3], xy[2 * v + 1]);
        }
      g_array_append_vals (boxes, b, 4);
      pos += n;
    }
}

static gboolean
run_coverage (CmAnalysisResult *r, CmStore *store, volatile gint *permille,
              GCancellable *cancellable, GError **error)
{
  const CmAnalysisRequest *q = &r->request;
  r->coverage = cm_coverage_new ();
  r->coverage->keep_shapes = TRUE;
  if (!cm_coverage_load_sources (r->coverage, store, q->selector, q->walking ? 0 : q->metres,
                                 error) ||
      !cm_coverage_load_buildings (r->coverage, store, error))
    return FALSE;
  set_progress (permille, 0.3);
  if (!q->walking)
    {
      if (q->metres <= 0 && q->fallback_m > 0)
        r->without_radius = cm_coverage_fill_missing_radius (r->coverage, q->fallback_m);
      cm_coverage_compute_radius (r->coverage);
      return TRUE;
    }
  set_progress (permille, 0.35);
  g_autoptr (CmNetwork) net = cm_network_load (store, network_mode (q), error);
  if (net == NULL || g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  cm_network_get_stats (net, &r->network);
  set_progress (permille, 0.5);
  cm_coverage_compute_walk (r->coverage, net, q->metres);
  set_progress (permille, 0.7);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  /* the ground reached from any source, and its outline */
  GArray *sources = r->coverage->sources;
  g_autofree CmNetworkTie *ties = g_new0 (CmNetworkTie, MAX (sources->len, 1));
  for (guint i = 0; i < sources->len; i++)
    ties[i] = g_array_index (sources, CmCoverageSource, i).tie;
  g_autoptr (CmNetworkSearch) search = cm_network_search_new (net);
  g_autoptr (GArray) pieces = g_array_new (FALSE, FALSE, sizeof (CmNetworkPiece));
  cm_network_service_area_multi (search, ties, sources->len, q->metres, pieces);
  /* (the ground around them is drawn as the lines stroked CM_ANALYSIS_REACH_WIDTH_M wide each
   * side: a GEOS buffer of a district's reach took 40 s) */
  r->reach_lines = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_geom_free);
  if (pieces->len > 0)
    g_ptr_array_add (r->reach_lines, cm_network_pieces_to_geom (net, pieces));
  r->reach_bbox = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint i = 0; i < r->reach_lines->len; i++)
    add_line_boxes (g_ptr_array_index (r->reach_lines, i), r->reach_bbox);
  set_progress (permille, 0.75);
  if (q->suggest > 0)
    {
      /* on a coverage of its own: suggesting adds the sites to it as it measures them */
      set_progress (permille, 0.8);
      g_autoptr (CmCoverage) c = cm_coverage_load (store, q->selector, 0, error);
      if (c == NULL)
        return FALSE;
      g_autoptr (GArray) candidates = cm_suggest_path_candidates (net, CM_SUGGEST_SPACING_M);
      r->suggestion = cm_suggest_run (c, net, candidates, q->metres, q->suggest, cancellable);
      if (r->suggestion == NULL)
        return !g_cancellable_set_error_if_cancelled (cancellable, error);
      cm_suggestion_name_sites (r->suggestion, store);
    }
  return TRUE;
}

static gboolean
run_teams (CmAnalysisResult *r, CmStore *store, volatile gint *permille,
           GCancellable *cancellable, GError **error)
{
  r->teams = cm_teams_load (store, error);
  if (r->teams == NULL)
    return FALSE;
  set_progress (permille, 0.4);
  cm_teams_compute (r->teams);
  return TRUE;
}

static gboolean
run_life_circle (CmAnalysisResult *r, CmStore *store, volatile gint *permille,
                 GCancellable *cancellable, GError **error)
{
  LifeProgress p = { permille };
  /* a planner's corrected table, when there is one, else the built-in one */
  g_autofree char *own = g_build_filename (g_get_user_config_dir (), "community-map",
                                           "lifecircle.json", NULL);
  const char *table = r->request.life_table;
  if (table == NULL && g_file_test (own, G_FILE_TEST_EXISTS))
    table = own;
  r->life = cm_life_report_new (table, error);
  if (r->life)
    r->life->buildings->keep_shapes = TRUE;
  return r->life && cm_life_report_run (r->life, store, network_mode (&r->request),
                                        life_progress, &p, cancellable, error);
}

/* Whether building @b counts as covered, as each kind means it. */
static gboolean
coverage_covered (const CmAnalysisResult *r, guint circle, guint b)
{
  return g_array_index (r->coverage->buildings, CmCoverageBuilding, b).covered;
}

static gboolean
teams_covered (const CmAnalysisResult *r, guint circle, guint b)
{
  return g_array_index (r->teams->buildings->buildings, CmCoverageBuilding, b).covered;
}

static gboolean
life_circle_covered (const CmAnalysisResult *r, guint circle, guint b)
{
  return cm_life_report_meets (r->life, circle < r->life->circles->len ? circle : 0, b);
}

#define USES(layer) (1u << (layer))

/* One line per kind, in the order of CmAnalysisKind. */
static const CmAnalysisKindInfo kinds[] = {
  [CM_ANALYSIS_COVERAGE] = {
    N_("Service coverage"),
    USES (CM_LAYER_BUILDINGS) | USES (CM_LAYER_PATHS) | USES (CM_LAYER_BARRIERS) |
        USES (CM_LAYER_STATIONS) | USES (CM_LAYER_RESOURCES) | USES (CM_LAYER_COMPOUNDS),
    run_coverage,
    coverage_covered,
  },
  [CM_ANALYSIS_TEAMS] = {
    N_("Volunteer teams"),
    USES (CM_LAYER_BUILDINGS) | USES (CM_LAYER_TEAMS) | USES (CM_LAYER_BOUNDARY) |
        USES (CM_LAYER_COMPOUNDS),
    run_teams,
    teams_covered,
  },
  [CM_ANALYSIS_LIFE_CIRCLE] = {
    N_("Life circle (GB 50180)"),
    USES (CM_LAYER_BUILDINGS) | USES (CM_LAYER_PATHS) | USES (CM_LAYER_BARRIERS) |
        USES (CM_LAYER_STATIONS) | USES (CM_LAYER_RESOURCES) | USES (CM_LAYER_COMPOUNDS),
    run_life_circle,
    life_circle_covered,
  },
};
G_STATIC_ASSERT (G_N_ELEMENTS (kinds) == CM_N_ANALYSIS_KINDS);

const CmAnalysisKindInfo *
cm_analysis_kind_info (CmAnalysisKind kind)
{
  g_return_val_if_fail (kind < CM_N_ANALYSIS_KINDS, &kinds[0]);
  return &kinds[kind];
}

CmAnalysisResult *
cm_analysis_run (const char *path, const CmAnalysisRequest *request,
                 volatile gint *progress_permille, GCancellable *cancellable, GError **error)
{
  gint64 t0 = g_get_monotonic_time ();
  g_autoptr (CmAnalysisResult) r = g_new0 (CmAnalysisResult, 1);
  cm_analysis_request_copy (&r->request, request);
  set_progress (progress_permille, 0);
  g_autoptr (CmStore) store = cm_store_open (path, error);
  if (store == NULL)
    return NULL;
  set_progress (progress_permille, 0.05);

  gboolean ok = cm_analysis_kind_info (request->kind)->run (r, store, progress_permille,
                                                            cancellable, error);
  if (!ok || g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  set_progress (progress_permille, 0.95);
  if (!load_shapes (r, store, error))
    return NULL;
  set_progress (progress_permille, 1);
  r->elapsed_ms = (g_get_monotonic_time () - t0) / 1000.0;
  return g_steal_pointer (&r);
}
