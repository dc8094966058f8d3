/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-suggest.c: greedy maximal covering on the walking network. */
#include "config.h"

#include "cm-suggest.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "cm-geodesic.h"
#include "cm-store-private.h"

static void
candidate_clear (gpointer p)
{
  g_free (((CmSuggestCandidate *) p)->name);
}

static void
site_clear (gpointer p)
{
  CmSuggestSite *s = p;
  g_free (s->name);
  g_free (s->near);
}

void
cm_suggestion_free (CmSuggestion *suggestion)
{
  if (suggestion == NULL)
    return;
  g_array_unref (suggestion->candidates);
  g_array_unref (suggestion->sites);
  g_free (suggestion);
}

static GArray *
new_candidates (void)
{
  GArray *a = g_array_new (FALSE, TRUE, sizeof (CmSuggestCandidate));
  g_array_set_clear_func (a, candidate_clear);
  return a;
}

static void
add_path_point (GArray *out, GHashTable *seen, const CmNetwork *network, int edge, double t)
{
  CmSuggestCandidate c = { 0 };
  cm_network_edge_point (network, edge, t, &c.lon, &c.lat);
  if (seen)
    {
      /* a vertex shared by several edges is one candidate */
      char key[64];
      g_snprintf (key, sizeof key, "%.9f,%.9f", c.lon, c.lat);
      if (g_hash_table_contains (seen, key))
        return;
      g_hash_table_add (seen, g_strdup (key));
    }
  c.tie = (CmNetworkTie) { edge, t, c.lon, c.lat, 0 };
  g_array_append_val (out, c);
}

GArray *
cm_suggest_path_candidates (const CmNetwork *network, double spacing_m)
{
  GArray *out = new_candidates ();
  CmNetworkStats stats;
  cm_network_get_stats (network, &stats);
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint e = 0; e < stats.edges; e++)
    {
      double len = cm_network_edge_length (network, (int) e);
      add_path_point (out, seen, network, (int) e, 0);
      add_path_point (out, seen, network, (int) e, 1);
      for (double along = spacing_m; along < len - spacing_m / 2; along += spacing_m)
        add_path_point (out, NULL, network, (int) e, along / len);
    }
  return out;
}

gboolean
cm_suggest_add_layer_candidates (GArray *candidates, CmStore *store, const CmNetwork *network,
                                 const char *selector, GError **error)
{
  g_autoptr (CmCoverage) c = cm_coverage_new ();
  if (!cm_coverage_load_sources (c, store, selector, 0, error))
    return FALSE;
  for (guint i = 0; i < c->sources->len; i++)
    {
      const CmCoverageSource *s = &g_array_index (c->sources, CmCoverageSource, i);
      CmSuggestCandidate cand = { s->lon, s->lat, { 0 }, g_strdup (s->name) };
      if (!cm_network_tie (network, s->lon, s->lat, CM_NETWORK_MAX_ACCESS_M, &cand.tie))
        {
          g_free (cand.name);
          continue; /* it could reach nothing on foot */
        }
      g_array_append_val (candidates, cand);
    }
  return TRUE;
}

/* ---- the greedy choice ----------------------------------------------------------------------- */

/* Candidates bucketed in square cells of local metres, to find those near a building. */
typedef struct
{
  double lon0, lat0, kx, ky, cell;
  int nx, ny;
  GArray *order;  /* candidate indexes by cell */
  guint *start;   /* nx * ny + 1 offsets into order */
} Grid;

static void
grid_cell (const Grid *g, double lon, double lat, int *cx, int *cy)
{
  *cx = CLAMP ((int) floor ((lon - g->lon0) * g->kx / g->cell), 0, g->nx - 1);
  *cy = CLAMP ((int) floor ((lat - g->lat0) * g->ky / g->cell), 0, g->ny - 1);
}

static void
grid_build (Grid *g, GArray *candidates, double cell)
{
  double box[4] = { G_MAXDOUBLE, G_MAXDOUBLE, -G_MAXDOUBLE, -G_MAXDOUBLE };
  for (guint i = 0; i < candidates->len; i++)
    {
      const CmSuggestCandidate *c = &g_array_index (candidates, CmSuggestCandidate, i);
      box[0] = MIN (box[0], c->lon), box[1] = MIN (box[1], c->lat);
      box[2] = MAX (box[2], c->lon), box[3] = MAX (box[3], c->lat);
    }
  g->lon0 = box[0], g->lat0 = box[1], g->cell = cell;
  cm_geodesic_scale ((box[1] + box[3]) / 2, &g->kx, &g->ky);
  g->nx = MAX (1, (int) ceil ((box[2] - box[0]) * g->kx / cell) + 1);
  g->ny = MAX (1, (int) ceil ((box[3] - box[1]) * g->ky / cell) + 1);
  guint n_cells = (guint) (g->nx * g->ny);
  g->start = g_new0 (guint, n_cells + 1);
  g_autofree guint *cell_of = g_new (guint, MAX (candidates->len, 1));
  for (guint i = 0; i < candidates->len; i++)
    {
      const CmSuggestCandidate *c = &g_array_index (candidates, CmSuggestCandidate, i);
      int cx, cy;
      grid_cell (g, c->lon, c->lat, &cx, &cy);
      cell_of[i] = (guint) (cy * g->nx + cx);
      g->start[cell_of[i] + 1]++;
    }
  for (guint k = 0; k < n_cells; k++)
    g->start[k + 1] += g->start[k];
  g->order = g_array_sized_new (FALSE, FALSE, sizeof (guint), candidates->len);
  g_array_set_size (g->order, candidates->len);
  g_autofree guint *fill = g_memdup2 (g->start, sizeof (guint) * n_cells);
  for (guint i = 0; i < candidates->len; i++)
    g_array_index (g->order, guint, fill[cell_of[i]]++) = i;
}

static void
grid_clear (Grid *g)
{
  g_clear_pointer (&g->order, g_array_unref);
  g_clear_pointer (&g->start, g_free);
}

/* What each building weighs: its households; a building whose households are unknown counts
 * as one (so a map where only some are filled in still weighs the rest); 1 each when the map
 * knows no households at all. */
static double
weight (const CmCoverageBuilding *b, gboolean by_households)
{
  return by_households && b->households >= 0 ? (double) b->households : 1.0;
}

/* Which candidates reach each uncovered building (CSR: reach_start per building), and each
 * candidate's score: the weight of the uncovered buildings it reaches. */
typedef struct
{
  GArray *buildings;   /* guint: the uncovered buildings considered */
  GArray *reach_start; /* guint: per considered building, into reach */
  GArray *reach;       /* guint: candidate indexes */
  double *score;
} Reach;

/* An uncovered building to be reached, where it joins the network. */
typedef struct
{
  guint index; /* in coverage->buildings */
  double weight;
  CmNetworkTie tie;
} Uncovered;

static int
by_edge (gconstpointer a, gconstpointer b)
{
  const Uncovered *x = a, *y = b;
  if (x->tie.edge != y->tie.edge)
    return x->tie.edge < y->tie.edge ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

/* A candidate near an edge's buildings: the walks to it from the edge's two nodes. */
typedef struct
{
  guint index;
  double from_u, from_v;
} Near;

/* Into @out (cleared first): the candidates within @reach_m in a straight line of the box
 * lon0, lat0, lon1, lat1. */
static void
grid_near (const Grid *g, GArray *candidates, const double box[4], double reach_m, GArray *out)
{
  g_array_set_size (out, 0);
  double dlon = reach_m / g->kx, dlat = reach_m / g->ky;
  int cx0, cy0, cx1, cy1;
  grid_cell (g, box[0] - dlon, box[1] - dlat, &cx0, &cy0);
  grid_cell (g, box[2] + dlon, box[3] + dlat, &cx1, &cy1);
  for (int cy = cy0; cy <= cy1; cy++)
    for (int cx = cx0; cx <= cx1; cx++)
      {
        guint cell = (guint) (cy * g->nx + cx);
        for (guint j = g->start[cell]; j < g->start[cell + 1]; j++)
          {
            guint ci = g_array_index (g->order, guint, j);
            const CmSuggestCandidate *c = &g_array_index (candidates, CmSuggestCandidate, ci);
            double ex = MAX (MAX (box[0] - c->lon, c->lon - box[2]), 0) * g->kx;
            double ey = MAX (MAX (box[1] - c->lat, c->lat - box[3]), 0) * g->ky;
            if (ex * ex + ey * ey <= reach_m * reach_m)
              g_array_append_val (out, ci);
          }
      }
}

static void
reach_add (Reach *r, guint candidate, double weight)
{
  g_array_append_val (r->reach, candidate);
  r->score[candidate] += weight;
}

static void
reach_end_building (Reach *r, guint building)
{
  guint end = r->reach->len;
  g_array_append_val (r->buildings, building);
  g_array_append_val (r->reach_start, end);
}

static void reach_clear (Reach *r);

/* The uncovered buildings [first, last) tied to the network, for compute_reach. */
typedef struct
{
  const CmCoverage *coverage;
  const CmNetwork *network;
  gboolean by_households;
  guint first, last;
  GArray *out; /* Uncovered */
} TiePart;

static gpointer
tie_part (gpointer data)
{
  TiePart *part = data;
  for (guint b = part->first; b < part->last; b++)
    {
      const CmCoverageBuilding *bd = &g_array_index (part->coverage->buildings, CmCoverageBuilding, b);
      Uncovered u = { b, weight (bd, part->by_households) };
      if (!bd->covered && u.weight > 0 &&
          cm_network_tie (part->network, bd->lon, bd->lat, CM_NETWORK_MAX_ACCESS_M, &u.tie))
        g_array_append_val (part->out, u);
    }
  return NULL;
}

/* What part of compute_reach's work one thread does: the uncovered buildings todo[first, last),
 * whole edges of them, into a Reach of its own. */
typedef struct
{
  const CmNetwork *network;
  GArray *candidates;
  const Grid *grid;
  const GArray *todo;
  guint first, last;
  double walk_m;
  GCancellable *cancellable;
  Reach r;
  gboolean ok;
} ReachPart;

static gpointer
reach_part (gpointer data)
{
  ReachPart *part = data;
  const CmNetwork *network = part->network;
  GArray *candidates = part->candidates;
  const Grid grid = *part->grid;
  const GArray *todo = part->todo;
  double walk_m = part->walk_m;
  GCancellable *cancellable = part->cancellable;
  Reach *r = &part->r;
  g_autoptr (CmNetworkSearch) search = cm_network_search_new (network);
  g_autoptr (CmNetworkSearch) search_v = cm_network_search_new (network);
  r->buildings = g_array_new (FALSE, FALSE, sizeof (guint));
  r->reach_start = g_array_new (FALSE, FALSE, sizeof (guint));
  r->reach = g_array_new (FALSE, FALSE, sizeof (guint));
  r->score = g_new0 (double, MAX (candidates->len, 1));
  guint zero = 0;
  g_array_append_val (r->reach_start, zero);
  g_autoptr (GArray) near = g_array_new (FALSE, FALSE, sizeof (Near));
  g_autoptr (GArray) found = g_array_new (FALSE, FALSE, sizeof (guint));
  gboolean ok = TRUE;
  for (guint i = part->first, next; ok && i < part->last; i = next)
    {
      const Uncovered *first = &g_array_index (todo, Uncovered, i);
      int edge = first->tie.edge;
      double nearest = first->tie.access_m;
      double box[4] = { first->tie.lon, first->tie.lat, first->tie.lon, first->tie.lat };
      for (next = i + 1; next < part->last && g_array_index (todo, Uncovered, next).tie.edge == edge;
           next++)
        {
          const Uncovered *u = &g_array_index (todo, Uncovered, next);
          nearest = MIN (nearest, u->tie.access_m);
          box[0] = MIN (box[0], u->tie.lon), box[1] = MIN (box[1], u->tie.lat);
          box[2] = MAX (box[2], u->tie.lon), box[3] = MAX (box[3], u->tie.lat);
        }
      if (g_cancellable_is_cancelled (cancellable))
        ok = FALSE;
      /* from its tie point, a walk is never shorter than the straight line: look no farther
       * than what is left of the walk (1% more for the local plane) */
      double reach_m = (walk_m - nearest) * 1.01;

      if (next - i == 1)
        {
          /* one building on its edge: a search of its own */
          cm_network_search_run (search, &first->tie, 1, TRUE, walk_m);
          grid_near (&grid, candidates, box, reach_m, found);
          for (guint j = 0; j < found->len; j++)
            {
              guint ci = g_array_index (found, guint, j);
              const CmSuggestCandidate *c = &g_array_index (candidates, CmSuggestCandidate, ci);
              double d = cm_network_search_distance_to (search, &c->tie, NULL) + c->tie.access_m;
              if (d <= walk_m)
                reach_add (r, ci, first->weight);
            }
          reach_end_building (r, first->index);
          continue;
        }

      /* (a search keeps pointing at its source: these live as long as the searches are read) */
      CmNetworkTie u_node = { edge, 0 }, v_node = { edge, 1 };
      cm_network_search_run (search, &u_node, 1, FALSE, walk_m - nearest);
      cm_network_search_run (search_v, &v_node, 1, FALSE, walk_m - nearest);
      g_array_set_size (near, 0);
      grid_near (&grid, candidates, box, reach_m, found);
      for (guint j = 0; j < found->len; j++)
        {
          guint ci = g_array_index (found, guint, j);
          const CmSuggestCandidate *c = &g_array_index (candidates, CmSuggestCandidate, ci);
          Near n = { ci, cm_network_search_distance_to (search, &c->tie, NULL),
                     cm_network_search_distance_to (search_v, &c->tie, NULL) };
          if (c->tie.edge == edge ||
              nearest + MIN (n.from_u, n.from_v) + c->tie.access_m <= walk_m)
            g_array_append_val (near, n);
        }
      double len = cm_network_edge_length (network, edge);
      for (guint k = i; k < next; k++)
        {
          const Uncovered *u = &g_array_index (todo, Uncovered, k);
          for (guint j = 0; j < near->len; j++)
            {
              const Near *n = &g_array_index (near, Near, j);
              const CmSuggestCandidate *c = &g_array_index (candidates, CmSuggestCandidate, n->index);
              double d = MIN (u->tie.t * len + n->from_u, (1 - u->tie.t) * len + n->from_v);
              if (c->tie.edge == edge)
                d = MIN (d, fabs (u->tie.t - c->tie.t) * len); /* along the edge itself */
              if (u->tie.access_m + d + c->tie.access_m <= walk_m)
                reach_add (r, n->index, u->weight);
            }
          reach_end_building (r, u->index);
        }
    }
  part->ok = ok;
  return NULL;
}

static gboolean
compute_reach (Reach *r, const CmCoverage *coverage, const CmNetwork *network,
               GArray *candidates, double walk_m, gboolean by_households,
               GCancellable *cancellable)
{
  Grid grid = { 0 };
  grid_build (&grid, candidates, MAX (walk_m / 4, 25));

  /* The uncovered buildings by the edge they join. A walk from a building leaves its edge by
   * one of the edge's two nodes (or stays on the edge), so one search from each node, and each
   * candidate's distance from the two, serve every building on the edge. */
  /* (tied in parts, one per core, put together in the buildings' order) */
  guint n_buildings = coverage->buildings->len;
  guint n = n_buildings > 2000 ? CLAMP (g_get_num_processors (), 1, 8) : 1;
  TiePart ties[8];
  GThread *tie_threads[8] = { NULL };
  for (guint p = 0; p < n; p++)
    {
      ties[p] = (TiePart) { coverage, network, by_households,
                            (guint) ((guint64) n_buildings * p / n),
                            (guint) ((guint64) n_buildings * (p + 1) / n),
                            g_array_new (FALSE, FALSE, sizeof (Uncovered)) };
      if (p > 0)
        tie_threads[p] = g_thread_new ("cm-suggest-tie", tie_part, &ties[p]);
    }
  tie_part (&ties[0]);
  g_autoptr (GArray) todo = ties[0].out;
  for (guint p = 1; p < n; p++)
    {
      g_thread_join (tie_threads[p]);
      g_array_append_vals (todo, ties[p].out->data, ties[p].out->len);
      g_array_unref (ties[p].out);
    }
  g_array_sort (todo, by_edge);

  /* in parts of whole edges, one per core (a district's 500,000 buildings: 15 s on one), put
   * together in order: the same as one thread's */
  ReachPart parts[8];
  GThread *threads[8] = { NULL };
  guint from = 0;
  for (guint p = 0; p < n; p++)
    {
      guint to = p == n - 1 ? todo->len : MAX (from, (guint) ((guint64) todo->len * (p + 1) / n));
      while (to < todo->len && to > 0 &&
             g_array_index (todo, Uncovered, to).tie.edge == g_array_index (todo, Uncovered, to - 1).tie.edge)
        to++;
      parts[p] = (ReachPart) { network, candidates, &grid, todo, from, to, walk_m, cancellable };
      from = to;
      if (p > 0)
        threads[p] = g_thread_new ("cm-suggest", reach_part, &parts[p]);
    }
  reach_part (&parts[0]);
  gboolean ok = TRUE;
  *r = parts[0].r;
  ok = parts[0].ok;
  for (guint p = 1; p < n; p++)
    {
      g_thread_join (threads[p]);
      Reach *q = &parts[p].r;
      ok = ok && parts[p].ok;
      guint offset = r->reach->len;
      g_array_append_vals (r->buildings, q->buildings->data, q->buildings->len);
      for (guint k = 1; k < q->reach_start->len; k++)
        {
          guint at = g_array_index (q->reach_start, guint, k) + offset;
          g_array_append_val (r->reach_start, at);
        }
      g_array_append_vals (r->reach, q->reach->data, q->reach->len);
      for (guint c = 0; c < candidates->len; c++)
        r->score[c] += q->score[c];
      reach_clear (q);
    }
  grid_clear (&grid);
  return ok;
}

static void
reach_clear (Reach *r)
{
  g_clear_pointer (&r->buildings, g_array_unref);
  g_clear_pointer (&r->reach_start, g_array_unref);
  g_clear_pointer (&r->reach, g_array_unref);
  g_clear_pointer (&r->score, g_free);
}

double *
cm_suggest_candidate_gains (const CmCoverage *coverage, const CmNetwork *network,
                            GArray *candidates, double walk_m, gboolean by_households)
{
  Reach r = { 0 };
  compute_reach (&r, coverage, network, candidates, walk_m, by_households, NULL);
  double *gains = g_steal_pointer (&r.score);
  reach_clear (&r);
  return gains;
}

/* The greedy choice: up to @count candidate indexes, each the best given those before. */
static GArray *
choose (Reach *r, const CmCoverage *coverage, guint n_candidates, guint count,
        gboolean by_households)
{
  /* the buildings each candidate reaches (the transpose of reach) */
  g_autofree guint *inv_start = g_new0 (guint, n_candidates + 1);
  for (guint j = 0; j < r->reach->len; j++)
    inv_start[g_array_index (r->reach, guint, j) + 1]++;
  for (guint c = 0; c < n_candidates; c++)
    inv_start[c + 1] += inv_start[c];
  g_autofree guint *inv = g_new (guint, MAX (r->reach->len, 1));
  g_autofree guint *fill = g_memdup2 (inv_start, sizeof (guint) * (n_candidates + 1));
  for (guint i = 0; i < r->buildings->len; i++)
    for (guint j = g_array_index (r->reach_start, guint, i);
         j < g_array_index (r->reach_start, guint, i + 1); j++)
      inv[fill[g_array_index (r->reach, guint, j)]++] = i;

  g_autofree gboolean *done = g_new0 (gboolean, MAX (r->buildings->len, 1));
  GArray *chosen = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint round = 0; round < count; round++)
    {
      guint best = G_MAXUINT;
      for (guint c = 0; c < n_candidates; c++)
        if (r->score[c] > 0.5 && (best == G_MAXUINT || r->score[c] > r->score[best]))
          best = c;
      if (best == G_MAXUINT)
        break; /* nothing left to cover within reach */
      g_array_append_val (chosen, best);
      for (guint j = inv_start[best]; j < inv_start[best + 1]; j++)
        {
          guint i = inv[j];
          if (done[i])
            continue;
          done[i] = TRUE;
          const CmCoverageBuilding *bd = &g_array_index (
              coverage->buildings, CmCoverageBuilding, g_array_index (r->buildings, guint, i));
          double w = weight (bd, by_households);
          for (guint k = g_array_index (r->reach_start, guint, i);
               k < g_array_index (r->reach_start, guint, i + 1); k++)
            r->score[g_array_index (r->reach, guint, k)] -= w;
        }
    }
  return chosen;
}

CmSuggestion *
cm_suggest_run (CmCoverage *coverage, const CmNetwork *network, GArray *candidates,
                double walk_m, guint count, GCancellable *cancellable)
{
  CmSuggestion *s = g_new0 (CmSuggestion, 1);
  s->candidates = g_array_ref (candidates);
  s->sites = g_array_new (FALSE, TRUE, sizeof (CmSuggestSite));
  g_array_set_clear_func (s->sites, site_clear);
  s->walk_m = walk_m;
  for (guint b = 0; b < coverage->buildings->len && !s->by_households; b++)
    s->by_households = g_array_index (coverage->buildings, CmCoverageBuilding, b).households > 0;

  cm_coverage_compute_walk (coverage, network, walk_m);
  s->buildings = coverage->buildings->len;
  s->covered_before = coverage->covered;
  s->households_before = coverage->households_covered;
  s->population_before = coverage->population_covered;

  Reach r = { 0 };
  if (!compute_reach (&r, coverage, network, candidates, walk_m, s->by_households, cancellable))
    {
      reach_clear (&r);
      cm_suggestion_free (s);
      return NULL;
    }
  g_autoptr (GArray) chosen = choose (&r, coverage, candidates->len, count, s->by_households);
  reach_clear (&r);

  /* what each site adds, measured as cmap coverage --walk measures it with the stations there */
  for (guint i = 0; i < chosen->len; i++)
    {
      const CmSuggestCandidate *c = &g_array_index (candidates, CmSuggestCandidate,
                                                    g_array_index (chosen, guint, i));
      guint covered = coverage->covered;
      gint64 households = coverage->households_covered, population = coverage->population_covered;
      cm_coverage_add_source (coverage, NULL, c->name, c->lon, c->lat, NAN);
      cm_coverage_compute_walk (coverage, network, walk_m);
      CmSuggestSite site = { c->lon, c->lat, g_strdup (c->name), NULL,
                             coverage->covered - covered,
                             coverage->households_covered - households,
                             coverage->population_covered - population };
      g_array_append_val (s->sites, site);
    }
  return s;
}

/* The name of the nearest named feature of @layer within about 150 m of @lon, @lat, or NULL. */
static char *
nearest_name (CmStore *store, CmLayer layer, double lon, double lat)
{
  const char *t = cm_layer_to_string (layer);
  g_autofree char *sql = g_strdup_printf (
      "SELECT name FROM %s WHERE deleted = 0 AND name IS NOT NULL AND name <> '' AND id IN"
      " (SELECT pkid FROM idx_%s_geom WHERE xmin <= ?1 + ?3 AND xmax >= ?1 - ?3 AND"
      " ymin <= ?2 + ?3 AND ymax >= ?2 - ?3)"
      " ORDER BY ST_Distance(CmGeom(geom), MakePoint(?1, ?2, 4326)) LIMIT 1",
      t, t);
  sqlite3_stmt *stmt = _cm_store_prepare (store, sql, NULL);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_double (stmt, 1, lon);
  sqlite3_bind_double (stmt, 2, lat);
  sqlite3_bind_double (stmt, 3, 0.0015);
  char *name = sqlite3_step (stmt) == SQLITE_ROW
                   ? g_strdup ((const char *) sqlite3_column_text (stmt, 0))
                   : NULL;
  sqlite3_finalize (stmt);
  return name;
}

CmSuggestion *
cm_suggest (CmStore *store, const char *from, double walk_m, guint count, CmNetworkMode mode,
            const char *candidate_layer, GCancellable *cancellable, GError **error)
{
  g_autoptr (CmCoverage) coverage = cm_coverage_load (store, from ? from : "stations", 0, error);
  if (coverage == NULL)
    return NULL;
  g_autoptr (CmNetwork) network = cm_network_load (store, mode, error);
  if (network == NULL)
    return NULL;
  g_autoptr (GArray) candidates = cm_suggest_path_candidates (network, CM_SUGGEST_SPACING_M);
  if (candidate_layer &&
      !cm_suggest_add_layer_candidates (candidates, store, network, candidate_layer, error))
    return NULL;
  CmSuggestion *s = cm_suggest_run (coverage, network, candidates, walk_m, count, cancellable);
  if (s == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled"));
      return NULL;
    }
  cm_suggestion_name_sites (s, store);
  return s;
}

void
cm_suggestion_name_sites (CmSuggestion *suggestion, CmStore *store)
{
  for (guint i = 0; i < suggestion->sites->len; i++)
    {
      CmSuggestSite *site = &g_array_index (suggestion->sites, CmSuggestSite, i);
      g_free (site->near);
      site->near = nearest_name (store, CM_LAYER_PATHS, site->lon, site->lat);
      if (site->near == NULL)
        site->near = nearest_name (store, CM_LAYER_BUILDINGS, site->lon, site->lat);
    }
}
