/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-network.c: the walking network as arrays (nodes, edges, adjacency), a grid of edges for
 * tying points to it, and Dijkstra with a binary heap. */
#include "config.h"

#include "cm-network.h"

#include <math.h>
#include <string.h>

#include "cm-geodesic.h"
#include "cm-geom.h"
#include "cm-store-private.h"

typedef struct
{
  guint u, v;
  double length_m;
} Edge;

/* Edges bucketed in square cells of local metres, to find the nearest edge to a point. */
typedef struct
{
  double cell;
  int nx, ny;
  guint *start; /* nx * ny + 1 offsets into items */
  guint *items; /* edge indexes */
} EdgeGrid;

struct _CmNetwork
{
  /* input */
  GArray *path_xy, *path_n;       /* double pairs; guint positions per line */
  GArray *barrier_xy, *barrier_n; /* the same for barriers */
  GArray *gate_xy;                /* closed gates drawn as points: double pairs */
  guint paths_left_out, shortcuts, gates, gates_placed;

  /* built */
  gboolean built;
  double lon0, lat0, kx, ky; /* local plane: metres = (lon - lon0) * kx, (lat - lat0) * ky */
  GArray *node_xy;           /* double pairs */
  GArray *edges;             /* Edge */
  guint *adj_start, *adj;    /* per node: offsets into adj (edge indexes) */
  guint *component;          /* per node */
  guint n_components, cuts;
  double length_m;
  EdgeGrid grid;
};

CmNetwork *
cm_network_new (void)
{
  CmNetwork *net = g_new0 (CmNetwork, 1);
  net->path_xy = g_array_new (FALSE, FALSE, sizeof (double));
  net->path_n = g_array_new (FALSE, FALSE, sizeof (guint));
  net->barrier_xy = g_array_new (FALSE, FALSE, sizeof (double));
  net->barrier_n = g_array_new (FALSE, FALSE, sizeof (guint));
  net->gate_xy = g_array_new (FALSE, FALSE, sizeof (double));
  net->node_xy = g_array_new (FALSE, FALSE, sizeof (double));
  net->edges = g_array_new (FALSE, FALSE, sizeof (Edge));
  return net;
}

void
cm_network_free (CmNetwork *net)
{
  if (net == NULL)
    return;
  g_array_unref (net->path_xy);
  g_array_unref (net->path_n);
  g_array_unref (net->barrier_xy);
  g_array_unref (net->barrier_n);
  g_array_unref (net->gate_xy);
  g_array_unref (net->node_xy);
  g_array_unref (net->edges);
  g_free (net->adj_start);
  g_free (net->adj);
  g_free (net->component);
  g_free (net->grid.start);
  g_free (net->grid.items);
  g_free (net);
}

void
cm_network_add_path (CmNetwork *net, const double *xy, guint n)
{
  g_return_if_fail (!net->built);
  if (n < 2)
    return;
  g_array_append_vals (net->path_xy, xy, 2 * n);
  g_array_append_val (net->path_n, n);
}

void
cm_network_add_barrier (CmNetwork *net, const double *xy, guint n)
{
  g_return_if_fail (!net->built);
  if (n < 2)
    return;
  g_array_append_vals (net->barrier_xy, xy, 2 * n);
  g_array_append_val (net->barrier_n, n);
}

void
cm_network_add_gate (CmNetwork *net, double lon, double lat)
{
  g_return_if_fail (!net->built);
  double xy[2] = { lon, lat };
  g_array_append_vals (net->gate_xy, xy, 2);
  net->gates++;
}

/* ---- building ----------------------------------------------------------------------------- */

/* Vertices with the same coordinates are one node: an open-addressing table keyed by the
 * coordinates' bits. */
typedef struct
{
  guint mask;
  guint *slots; /* node index + 1; 0 = empty */
} NodeTable;

static guint
hash_xy (double x, double y)
{
  guint64 a, b;
  memcpy (&a, &x, 8);
  memcpy (&b, &y, 8);
  guint64 h = a * 0x9E3779B97F4A7C15ull ^ (b + 0x632BE59BD9B4E019ull) * 0xC2B2AE3D27D4EB4Full;
  return (guint) (h ^ (h >> 31));
}

static guint
add_node (CmNetwork *net, double x, double y)
{
  g_array_append_val (net->node_xy, x);
  g_array_append_val (net->node_xy, y);
  return net->node_xy->len / 2 - 1;
}

static guint
node_for (CmNetwork *net, NodeTable *table, double x, double y)
{
  const double *xy = (const double *) net->node_xy->data;
  for (guint i = hash_xy (x, y) & table->mask;; i = (i + 1) & table->mask)
    {
      guint slot = table->slots[i];
      if (slot == 0)
        {
          guint node = add_node (net, x, y);
          table->slots[i] = node + 1;
          return node;
        }
      if (xy[2 * (slot - 1)] == x && xy[2 * (slot - 1) + 1] == y)
        return slot - 1;
    }
}

static void
add_edge (CmNetwork *net, guint u, guint v)
{
  if (u == v)
    return;
  const double *xy = (const double *) net->node_xy->data;
  Edge e = { u, v, cm_geodesic_distance (xy[2 * u], xy[2 * u + 1], xy[2 * v], xy[2 * v + 1]) };
  if (e.length_m <= 0)
    return;
  g_array_append_val (net->edges, e);
}

/* Where barrier segment (c, d) crosses path segment (a, b) strictly between their ends, in
 * the local plane: the fraction along (a, b), else -1. Touching, sharing an end and running
 * along each other are not crossings. */
static double
crossing (const double a[2], const double b[2], const double c[2], const double d[2])
{
  double rx = b[0] - a[0], ry = b[1] - a[1];
  double sx = d[0] - c[0], sy = d[1] - c[1];
  double den = rx * sy - ry * sx;
  if (den == 0)
    return -1;
  double qx = c[0] - a[0], qy = c[1] - a[1];
  double t = (qx * sy - qy * sx) / den;
  double u = (qx * ry - qy * rx) / den;
  if (t <= 0 || t >= 1 || u <= 0 || u >= 1)
    return -1;
  return t;
}

static int
compare_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static void
to_local (const CmNetwork *net, double lon, double lat, double p[2])
{
  p[0] = (lon - net->lon0) * net->kx;
  p[1] = (lat - net->lat0) * net->ky;
}

/* The barrier crossings of segment @a-@b (lon/lat) into @cuts (fractions, sorted). Barriers
 * are few (drawn by residents), so every barrier segment whose box meets the segment's box is
 * tested. */
static void
find_cuts (const CmNetwork *net, const double *a, const double *b, GArray *cuts)
{
  g_array_set_size (cuts, 0);
  double pa[2], pb[2];
  to_local (net, a[0], a[1], pa);
  to_local (net, b[0], b[1], pb);
  const double *bxy = (const double *) net->barrier_xy->data;
  guint offset = 0;
  for (guint i = 0; i < net->barrier_n->len; i++)
    {
      guint n = g_array_index (net->barrier_n, guint, i);
      for (guint k = 0; k + 1 < n; k++)
        {
          const double *c = bxy + 2 * (offset + k), *d = c + 2;
          if (MAX (c[0], d[0]) < MIN (a[0], b[0]) || MIN (c[0], d[0]) > MAX (a[0], b[0])
              || MAX (c[1], d[1]) < MIN (a[1], b[1]) || MIN (c[1], d[1]) > MAX (a[1], b[1]))
            continue;
          double pc[2], pd[2];
          to_local (net, c[0], c[1], pc);
          to_local (net, d[0], d[1], pd);
          double t = crossing (pa, pb, pc, pd);
          if (t > 0)
            g_array_append_val (cuts, t);
        }
      offset += n;
    }
  if (cuts->len > 1)
    g_array_sort (cuts, compare_double);
}

/* A gate drawn as a point closes the path segment nearest to it (within CM_NETWORK_GATE_M):
 * it becomes a barrier 2 m long across that segment. On a vertex it cuts just beside it, on
 * the nearer segment, which is enough to stop the way through. */
static void
place_gates (CmNetwork *net)
{
  const double *gxy = (const double *) net->gate_xy->data;
  const double *pxy = (const double *) net->path_xy->data;
  for (guint g = 0; g < net->gate_xy->len / 2; g++)
    {
      double p[2];
      to_local (net, gxy[2 * g], gxy[2 * g + 1], p);
      double best = CM_NETWORK_GATE_M, best_t = 0, a_best[2] = { 0 }, b_best[2] = { 0 };
      guint offset = 0;
      for (guint i = 0; i < net->path_n->len; i++)
        {
          guint n = g_array_index (net->path_n, guint, i);
          for (guint k = 0; k + 1 < n; k++)
            {
              double a[2], b[2];
              to_local (net, pxy[2 * (offset + k)], pxy[2 * (offset + k) + 1], a);
              to_local (net, pxy[2 * (offset + k + 1)], pxy[2 * (offset + k + 1) + 1], b);
              double dx = b[0] - a[0], dy = b[1] - a[1], len2 = dx * dx + dy * dy;
              if (len2 <= 0)
                continue;
              double t = CLAMP (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2, 0, 1);
              double d = hypot (a[0] + t * dx - p[0], a[1] + t * dy - p[1]);
              if (d < best)
                {
                  best = d, best_t = t;
                  a_best[0] = a[0], a_best[1] = a[1], b_best[0] = b[0], b_best[1] = b[1];
                }
            }
          offset += n;
        }
      if (best >= CM_NETWORK_GATE_M)
        continue; /* on no path: it closes nothing */
      double dx = b_best[0] - a_best[0], dy = b_best[1] - a_best[1], len = hypot (dx, dy);
      /* strictly inside the segment: 10 cm from its ends (or its middle, if it is shorter) */
      double margin = MIN (0.1 / len, 0.5);
      double t = CLAMP (best_t, margin, 1 - margin);
      double cx = a_best[0] + t * dx, cy = a_best[1] + t * dy;
      double nx = -dy / len, ny = dx / len; /* across, 1 m each side */
      double ends[4] = { net->lon0 + (cx - nx) / net->kx, net->lat0 + (cy - ny) / net->ky,
                         net->lon0 + (cx + nx) / net->kx, net->lat0 + (cy + ny) / net->ky };
      g_array_append_vals (net->barrier_xy, ends, 4);
      guint two = 2;
      g_array_append_val (net->barrier_n, two);
      net->gates_placed++;
    }
}

static void
build_adjacency (CmNetwork *net)
{
  guint n_nodes = net->node_xy->len / 2;
  net->adj_start = g_new0 (guint, n_nodes + 1);
  for (guint i = 0; i < net->edges->len; i++)
    {
      const Edge *e = &g_array_index (net->edges, Edge, i);
      net->adj_start[e->u + 1]++;
      net->adj_start[e->v + 1]++;
    }
  for (guint i = 0; i < n_nodes; i++)
    net->adj_start[i + 1] += net->adj_start[i];
  net->adj = g_new (guint, MAX (2 * net->edges->len, 1));
  guint *fill = g_memdup2 (net->adj_start, sizeof (guint) * (n_nodes + 1));
  for (guint i = 0; i < net->edges->len; i++)
    {
      const Edge *e = &g_array_index (net->edges, Edge, i);
      net->adj[fill[e->u]++] = i;
      net->adj[fill[e->v]++] = i;
    }
  g_free (fill);
}

static void
label_components (CmNetwork *net)
{
  guint n_nodes = net->node_xy->len / 2;
  net->component = g_new (guint, MAX (n_nodes, 1));
  memset (net->component, 0xff, sizeof (guint) * n_nodes);
  guint *stack = g_new (guint, MAX (n_nodes, 1));
  net->n_components = 0;
  for (guint start = 0; start < n_nodes; start++)
    {
      if (net->component[start] != G_MAXUINT)
        continue;
      guint id = net->n_components++, top = 0;
      net->component[start] = id;
      stack[top++] = start;
      while (top > 0)
        {
          guint node = stack[--top];
          for (guint k = net->adj_start[node]; k < net->adj_start[node + 1]; k++)
            {
              const Edge *e = &g_array_index (net->edges, Edge, net->adj[k]);
              guint other = e->u == node ? e->v : e->u;
              if (net->component[other] == G_MAXUINT)
                {
                  net->component[other] = id;
                  stack[top++] = other;
                }
            }
        }
    }
  g_free (stack);
}

#define GRID_CELL_M 40.0

static void
grid_span (const CmNetwork *net, const Edge *e, int *x0, int *y0, int *x1, int *y1)
{
  const double *xy = (const double *) net->node_xy->data;
  double a[2], b[2];
  to_local (net, xy[2 * e->u], xy[2 * e->u + 1], a);
  to_local (net, xy[2 * e->v], xy[2 * e->v + 1], b);
  const EdgeGrid *g = &net->grid;
  *x0 = CLAMP ((int) floor (MIN (a[0], b[0]) / g->cell), 0, g->nx - 1);
  *x1 = CLAMP ((int) floor (MAX (a[0], b[0]) / g->cell), 0, g->nx - 1);
  *y0 = CLAMP ((int) floor (MIN (a[1], b[1]) / g->cell), 0, g->ny - 1);
  *y1 = CLAMP ((int) floor (MAX (a[1], b[1]) / g->cell), 0, g->ny - 1);
}

static void
build_grid (CmNetwork *net, double width_m, double height_m)
{
  EdgeGrid *g = &net->grid;
  g->cell = GRID_CELL_M;
  g->nx = MIN ((int) (width_m / g->cell) + 1, 4096);
  g->ny = MIN ((int) (height_m / g->cell) + 1, 4096);
  /* a huge extent gets bigger cells rather than a huge grid */
  g->cell = MAX (g->cell, MAX (width_m / g->nx, height_m / g->ny) * 1.0001);
  gsize cells = (gsize) g->nx * g->ny;
  g->start = g_new0 (guint, cells + 1);
  for (int pass = 0; pass < 2; pass++)
    {
      guint *fill = pass ? g_memdup2 (g->start, sizeof (guint) * (cells + 1)) : NULL;
      for (guint i = 0; i < net->edges->len; i++)
        {
          int x0, y0, x1, y1;
          grid_span (net, &g_array_index (net->edges, Edge, i), &x0, &y0, &x1, &y1);
          for (int y = y0; y <= y1; y++)
            for (int x = x0; x <= x1; x++)
              {
                gsize c = (gsize) y * g->nx + x;
                if (pass == 0)
                  g->start[c + 1]++;
                else
                  g->items[fill[c]++] = i;
              }
        }
      if (pass == 0)
        {
          for (gsize c = 0; c < cells; c++)
            g->start[c + 1] += g->start[c];
          g->items = g_new (guint, MAX (g->start[cells], 1));
        }
      g_free (fill);
    }
}

void
cm_network_build (CmNetwork *net)
{
  g_return_if_fail (!net->built);
  net->built = TRUE;

  const double *pxy = (const double *) net->path_xy->data;
  guint n_vertices = net->path_xy->len / 2;
  double minx = G_MAXDOUBLE, miny = G_MAXDOUBLE, maxx = -G_MAXDOUBLE, maxy = -G_MAXDOUBLE;
  for (guint i = 0; i < n_vertices; i++)
    {
      minx = MIN (minx, pxy[2 * i]), maxx = MAX (maxx, pxy[2 * i]);
      miny = MIN (miny, pxy[2 * i + 1]), maxy = MAX (maxy, pxy[2 * i + 1]);
    }
  if (n_vertices == 0)
    minx = miny = maxx = maxy = 0;
  net->lon0 = minx, net->lat0 = miny;
  cm_geodesic_scale ((miny + maxy) / 2, &net->kx, &net->ky);
  place_gates (net);

  NodeTable table = { 0 };
  guint capacity = 16;
  while (capacity < 2 * n_vertices + 16)
    capacity *= 2;
  table.mask = capacity - 1;
  table.slots = g_new0 (guint, capacity);

  g_autoptr (GArray) cuts = g_array_new (FALSE, FALSE, sizeof (double));
  guint offset = 0;
  for (guint i = 0; i < net->path_n->len; i++)
    {
      guint n = g_array_index (net->path_n, guint, i);
      guint prev = node_for (net, &table, pxy[2 * offset], pxy[2 * offset + 1]);
      for (guint k = 1; k < n; k++)
        {
          const double *a = pxy + 2 * (offset + k - 1), *b = a + 2;
          if (net->barrier_n->len > 0)
            find_cuts (net, a, b, cuts);
          /* each cut ends one piece at a dead end and starts the next at another */
          for (guint c = 0; c < cuts->len; c++)
            {
              double t = g_array_index (cuts, double, c);
              double x = a[0] + t * (b[0] - a[0]), y = a[1] + t * (b[1] - a[1]);
              guint end = add_node (net, x, y);
              add_edge (net, prev, end);
              prev = add_node (net, x, y);
              net->cuts++;
            }
          guint next = node_for (net, &table, b[0], b[1]);
          add_edge (net, prev, next);
          prev = next;
        }
      offset += n;
    }
  g_free (table.slots);

  for (guint i = 0; i < net->edges->len; i++)
    net->length_m += g_array_index (net->edges, Edge, i).length_m;
  build_adjacency (net);
  label_components (net);
  build_grid (net, (maxx - minx) * net->kx, (maxy - miny) * net->ky);
}

/* The walkable filter; the list and its sources are in docs/analysis.md. An explicit foot=yes
 * (or designated, permissive) wins over everything else. */
static gboolean
is_walkable (const char *highway, const char *foot, const char *access)
{
  static const char *const allowed[] = { "yes", "designated", "permissive", NULL };
  static const char *const refused[] = { "no", "private", NULL };
  static const char *const not_for_walking[] = { "motorway", "motorway_link", "trunk",
                                                 "trunk_link", "construction", "proposed",
                                                 "raceway", "bus_guideway", "abandoned", NULL };
  if (foot && g_strv_contains (allowed, foot))
    return TRUE;
  if (foot && g_strv_contains (refused, foot))
    return FALSE;
  if (access && g_strv_contains (refused, access))
    return FALSE;
  if (highway && g_strv_contains (not_for_walking, highway))
    return FALSE;
  return TRUE;
}

static void
add_lines (CmNetwork *net, const CmGeom *geom, gboolean barrier)
{
  if (!cm_geom_has_lines (geom))
    return;
  const double *xy = (const double *) geom->xy->data;
  guint offset = 0;
  for (guint r = 0; r < geom->ring_len->len; r++)
    {
      guint n = g_array_index (geom->ring_len, guint, r);
      if (barrier)
        cm_network_add_barrier (net, xy + 2 * offset, n);
      else
        cm_network_add_path (net, xy + 2 * offset, n);
      offset += n;
    }
}

/* Points of a geometry, for gates drawn as points. */
static void
add_gates (CmNetwork *net, const CmGeom *geom)
{
  if (cm_geom_type_single (geom->type) != CM_GEOM_POINT)
    return;
  const double *xy = (const double *) geom->xy->data;
  for (guint i = 0; i < geom->xy->len / 2; i++)
    cm_network_add_gate (net, xy[2 * i], xy[2 * i + 1]);
}

CmNetwork *
cm_network_load (CmStore *store, CmNetworkMode mode, GError **error)
{
  g_autoptr (CmNetwork) net = cm_network_new ();
  enum { PATHS, SHORTCUTS, BARRIERS, GATES };
  static const char *const sql[] = {
    [PATHS] = "SELECT CmGeom(geom),"
              " CASE WHEN json_valid(tags) THEN json_extract(tags, '$.highway') END,"
              " CASE WHEN json_valid(tags) THEN json_extract(tags, '$.foot') END,"
              " CASE WHEN json_valid(tags) THEN json_extract(tags, '$.access') END"
              " FROM paths WHERE deleted = 0 AND geom IS NOT NULL ORDER BY rowid",
    /* the short cuts residents take, drawn in a workshop: paths like any other */
    [SHORTCUTS] = "SELECT CmGeom(geom), NULL, NULL, NULL FROM resources"
                  " WHERE deleted = 0 AND category = 'shortcut' AND geom IS NOT NULL"
                  " ORDER BY rowid",
    [BARRIERS] = "SELECT CmGeom(geom), NULL, NULL, NULL FROM barriers"
                 " WHERE deleted = 0 AND geom IS NOT NULL ORDER BY rowid",
    /* gates residents marked as locked at night: barriers (lines) or gates (points) */
    [GATES] = "SELECT CmGeom(geom), NULL, NULL, NULL FROM resources"
              " WHERE deleted = 0 AND category = 'locked_gate' AND geom IS NOT NULL"
              " ORDER BY rowid",
  };
  for (int what = PATHS; what <= GATES; what++)
    {
      if (what == GATES && !(mode & CM_NETWORK_AT_NIGHT))
        continue;
      sqlite3_stmt *stmt = _cm_store_prepare (store, sql[what], error);
      if (stmt == NULL)
        return NULL;
      sqlite3_stmt *as_binary = NULL;
      int rc;
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          if (what == PATHS && !(mode & CM_NETWORK_ALL)
              && !is_walkable ((const char *) sqlite3_column_text (stmt, 1),
                               (const char *) sqlite3_column_text (stmt, 2),
                               (const char *) sqlite3_column_text (stmt, 3)))
            {
              net->paths_left_out++;
              continue;
            }
          g_autoptr (CmGeom) geom = _cm_store_decode_geom (store, &as_binary,
                                                           sqlite3_column_blob (stmt, 0),
                                                           sqlite3_column_bytes (stmt, 0));
          if (geom == NULL)
            continue;
          if (what == SHORTCUTS)
            net->shortcuts++;
          if (what == GATES)
            add_gates (net, geom);
          add_lines (net, geom, what == BARRIERS || what == GATES);
        }
      sqlite3_finalize (stmt);
      sqlite3_finalize (as_binary);
      if (rc != SQLITE_DONE)
        {
          _cm_store_set_sqlite_error (store, error, "reading the paths");
          return NULL;
        }
    }
  cm_network_build (net);
  return g_steal_pointer (&net);
}

void
cm_network_get_stats (const CmNetwork *net, CmNetworkStats *stats)
{
  stats->paths = net->path_n->len;
  stats->paths_left_out = net->paths_left_out;
  stats->nodes = net->node_xy->len / 2;
  stats->edges = net->edges->len;
  stats->components = net->n_components;
  stats->cuts = net->cuts;
  stats->length_m = net->length_m;
  stats->shortcuts = net->shortcuts;
  stats->gates = net->gates;
  stats->gates_placed = net->gates_placed;
}

/* ---- tying points to the network ---------------------------------------------------------- */

guint
cm_network_edge_component (const CmNetwork *net, int edge)
{
  return net->component[g_array_index (net->edges, Edge, edge).u];
}

double
cm_network_edge_length (const CmNetwork *net, int edge)
{
  return g_array_index (net->edges, Edge, edge).length_m;
}

void
cm_network_edge_point (const CmNetwork *net, int edge, double t, double *lon, double *lat)
{
  const Edge *e = &g_array_index (net->edges, Edge, edge);
  const double *xy = (const double *) net->node_xy->data;
  *lon = xy[2 * e->u] + t * (xy[2 * e->v] - xy[2 * e->u]);
  *lat = xy[2 * e->u + 1] + t * (xy[2 * e->v + 1] - xy[2 * e->u + 1]);
}

gboolean
cm_network_tie (const CmNetwork *net, double lon, double lat, double max_access_m,
                CmNetworkTie *tie)
{
  g_return_val_if_fail (net->built, FALSE);
  tie->edge = -1, tie->t = 0, tie->lon = lon, tie->lat = lat, tie->access_m = INFINITY;
  const EdgeGrid *g = &net->grid;
  if (net->edges->len == 0)
    return FALSE;
  double p[2];
  to_local (net, lon, lat, p);
  int cx = (int) floor (p[0] / g->cell), cy = (int) floor (p[1] / g->cell);
  const double *xy = (const double *) net->node_xy->data;
  /* search a margin past the limit: local-plane metres differ from geodesic ones by far
   * less than 1% over a community */
  double limit = max_access_m * 1.01 + 1;
  double best2 = limit * limit;
  int reach = (int) ceil (limit / g->cell) + 1;
  for (int ring = 0; ring <= reach; ring++)
    {
      double ring_m = (ring - 1) * g->cell;
      if (ring > 1 && ring_m * ring_m > best2)
        break;
      for (int y = cy - ring; y <= cy + ring; y++)
        {
          if (y < 0 || y >= g->ny)
            continue;
          gboolean edge_row = abs (y - cy) == ring;
          for (int x = cx - ring; x <= cx + ring; x += edge_row ? 1 : 2 * MAX (ring, 1))
            {
              if (x < 0 || x >= g->nx)
                continue;
              gsize c = (gsize) y * g->nx + x;
              for (guint k = g->start[c]; k < g->start[c + 1]; k++)
                {
                  int i = (int) g->items[k];
                  const Edge *e = &g_array_index (net->edges, Edge, i);
                  double a[2], b[2];
                  to_local (net, xy[2 * e->u], xy[2 * e->u + 1], a);
                  to_local (net, xy[2 * e->v], xy[2 * e->v + 1], b);
                  double dx = b[0] - a[0], dy = b[1] - a[1];
                  double len2 = dx * dx + dy * dy;
                  double t = len2 > 0 ? ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2 : 0;
                  t = CLAMP (t, 0.0, 1.0);
                  double qx = a[0] + t * dx - p[0], qy = a[1] + t * dy - p[1];
                  double d2 = qx * qx + qy * qy;
                  /* ties go to the lower edge index, so the answer does not depend on the
                   * order cells are visited in */
                  if (d2 < best2 || (d2 == best2 && tie->edge >= 0 && i < tie->edge))
                    best2 = d2, tie->edge = i, tie->t = t;
                }
            }
        }
    }
  if (tie->edge < 0)
    return FALSE;
  cm_network_edge_point (net, tie->edge, tie->t, &tie->lon, &tie->lat);
  tie->access_m = cm_geodesic_distance (lon, lat, tie->lon, tie->lat);
  if (tie->access_m > max_access_m)
    {
      tie->edge = -1, tie->t = 0, tie->lon = lon, tie->lat = lat, tie->access_m = INFINITY;
      return FALSE;
    }
  return TRUE;
}

/* ---- searching ------------------------------------------------------------------------------ */

typedef struct
{
  double d;
  guint node;
} HeapItem;

struct _CmNetworkSearch
{
  const CmNetwork *net;
  double *dist;         /* per node; INFINITY when unreached */
  int *from;            /* per node: the source it was reached from */
  GArray *touched;      /* nodes whose dist was set, to reset only those */
  GArray *heap;         /* HeapItem, a binary min-heap; stale items are skipped */
  GHashTable *on_edge;  /* edge + 1 → GArray of source indexes tied to it */
  const CmNetworkTie *sources;
  guint n_sources;
  gboolean with_access;
  double limit;
};

CmNetworkSearch *
cm_network_search_new (const CmNetwork *net)
{
  g_return_val_if_fail (net->built, NULL);
  CmNetworkSearch *s = g_new0 (CmNetworkSearch, 1);
  guint n = MAX (net->node_xy->len / 2, 1);
  s->net = net;
  s->dist = g_new (double, n);
  s->from = g_new (int, n);
  for (guint i = 0; i < n; i++)
    s->dist[i] = INFINITY, s->from[i] = -1;
  s->touched = g_array_new (FALSE, FALSE, sizeof (guint));
  s->heap = g_array_new (FALSE, FALSE, sizeof (HeapItem));
  s->on_edge = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_array_unref);
  return s;
}

void
cm_network_search_free (CmNetworkSearch *s)
{
  if (s == NULL)
    return;
  g_free (s->dist);
  g_free (s->from);
  g_array_unref (s->touched);
  g_array_unref (s->heap);
  g_hash_table_unref (s->on_edge);
  g_free (s);
}

static void
heap_push (GArray *heap, double d, guint node)
{
  HeapItem item = { d, node };
  g_array_append_val (heap, item);
  HeapItem *h = (HeapItem *) heap->data;
  guint i = heap->len - 1;
  while (i > 0)
    {
      guint parent = (i - 1) / 2;
      if (h[parent].d <= h[i].d)
        break;
      HeapItem tmp = h[parent];
      h[parent] = h[i], h[i] = tmp;
      i = parent;
    }
}

static HeapItem
heap_pop (GArray *heap)
{
  HeapItem *h = (HeapItem *) heap->data;
  HeapItem top = h[0];
  h[0] = h[heap->len - 1];
  g_array_set_size (heap, heap->len - 1);
  guint n = heap->len, i = 0;
  for (;;)
    {
      guint l = 2 * i + 1, r = l + 1, m = i;
      if (l < n && h[l].d < h[m].d)
        m = l;
      if (r < n && h[r].d < h[m].d)
        m = r;
      if (m == i)
        break;
      HeapItem tmp = h[m];
      h[m] = h[i], h[i] = tmp;
      i = m;
    }
  return top;
}

/* Sets @node to @d from @source if that is nearer (ties: the lower source index). */
static void
relax (CmNetworkSearch *s, guint node, double d, int source)
{
  if (d > s->limit)
    return;
  if (d < s->dist[node] || (d == s->dist[node] && source < s->from[node]))
    {
      if (isinf (s->dist[node]))
        g_array_append_val (s->touched, node);
      s->dist[node] = d;
      s->from[node] = source;
      heap_push (s->heap, d, node);
    }
}

void
cm_network_search_run (CmNetworkSearch *s, const CmNetworkTie *sources, guint n,
                       gboolean with_access, double limit_m)
{
  for (guint i = 0; i < s->touched->len; i++)
    {
      guint node = g_array_index (s->touched, guint, i);
      s->dist[node] = INFINITY, s->from[node] = -1;
    }
  g_array_set_size (s->touched, 0);
  g_array_set_size (s->heap, 0);
  if (g_hash_table_size (s->on_edge) > 0)
    g_hash_table_remove_all (s->on_edge);
  s->sources = sources, s->n_sources = n, s->with_access = with_access, s->limit = limit_m;

  const CmNetwork *net = s->net;
  for (guint i = 0; i < n; i++)
    {
      const CmNetworkTie *src = &sources[i];
      if (src->edge < 0)
        continue;
      const Edge *e = &g_array_index (net->edges, Edge, src->edge);
      double start = with_access ? src->access_m : 0;
      relax (s, e->u, start + src->t * e->length_m, (int) i);
      relax (s, e->v, start + (1 - src->t) * e->length_m, (int) i);
      GArray *list = g_hash_table_lookup (s->on_edge, GINT_TO_POINTER (src->edge + 1));
      if (list == NULL)
        {
          list = g_array_new (FALSE, FALSE, sizeof (int));
          g_hash_table_insert (s->on_edge, GINT_TO_POINTER (src->edge + 1), list);
        }
      int index = (int) i;
      g_array_append_val (list, index);
    }
  while (s->heap->len > 0)
    {
      HeapItem top = heap_pop (s->heap);
      if (top.d > s->dist[top.node])
        continue; /* stale */
      for (guint k = net->adj_start[top.node]; k < net->adj_start[top.node + 1]; k++)
        {
          const Edge *e = &g_array_index (net->edges, Edge, net->adj[k]);
          guint other = e->u == top.node ? e->v : e->u;
          relax (s, other, top.d + e->length_m, s->from[top.node]);
        }
    }
}

double
cm_network_search_distance_to (const CmNetworkSearch *s, const CmNetworkTie *tie, int *source)
{
  double best = INFINITY;
  int best_source = -1;
  if (tie->edge >= 0)
    {
      const Edge *e = &g_array_index (s->net->edges, Edge, tie->edge);
      double du = s->dist[e->u] + tie->t * e->length_m;
      double dv = s->dist[e->v] + (1 - tie->t) * e->length_m;
      int su = s->from[e->u], sv = s->from[e->v];
      if (du < best || (du == best && su < best_source))
        best = du, best_source = su;
      if (dv < best || (dv == best && sv >= 0 && sv < best_source))
        best = dv, best_source = sv;
      /* a source on the same edge may be nearer straight along it (one source, as a search
       * from a single point: no table to look in) */
      if (s->n_sources == 1)
        {
          const CmNetworkTie *src = &s->sources[0];
          double d = (s->with_access ? src->access_m : 0) + fabs (src->t - tie->t) * e->length_m;
          if (src->edge == tie->edge && (d < best || (d == best && 0 < best_source)))
            best = d, best_source = 0;
        }
      GArray *list = s->n_sources == 1 ? NULL
                                       : g_hash_table_lookup (s->on_edge,
                                                              GINT_TO_POINTER (tie->edge + 1));
      for (guint k = 0; list && k < list->len; k++)
        {
          int i = g_array_index (list, int, k);
          const CmNetworkTie *src = &s->sources[i];
          double d = (s->with_access ? src->access_m : 0) + fabs (src->t - tie->t) * e->length_m;
          if (d < best || (d == best && i < best_source))
            best = d, best_source = i;
        }
      if (best > s->limit)
        best = INFINITY, best_source = -1;
    }
  if (source)
    *source = best_source;
  return best;
}

/* ---- service areas ------------------------------------------------------------------------ */

typedef struct
{
  double a, b;
} Interval;

static int
compare_interval (gconstpointer x, gconstpointer y)
{
  const Interval *p = x, *q = y;
  return (p->a > q->a) - (p->a < q->a);
}

double
cm_network_service_area (CmNetworkSearch *s, const CmNetworkTie *source, double max_m,
                         GArray *pieces)
{
  return cm_network_service_area_multi (s, source, 1, max_m, pieces);
}

double
cm_network_service_area_multi (CmNetworkSearch *s, const CmNetworkTie *sources, guint n_sources,
                               double max_m, GArray *pieces)
{
  if (!(max_m > 0))
    return 0;
  cm_network_search_run (s, sources, n_sources, FALSE, max_m);
  const CmNetwork *net = s->net;
  g_autoptr (GHashTable) seen = g_hash_table_new (NULL, NULL);
  g_autoptr (GArray) iv = g_array_new (FALSE, FALSE, sizeof (Interval));
  double total = 0;

  /* the edges around every reached node, then the sources' own edges (reached even when
   * neither end is) */
  guint n_touched = s->touched->len;
  for (guint k = 0; k < n_touched + n_sources; k++)
    {
      guint first, last;
      if (k < n_touched)
        {
          guint node = g_array_index (s->touched, guint, k);
          first = net->adj_start[node], last = net->adj_start[node + 1];
        }
      else if (sources[k - n_touched].edge >= 0)
        first = 0, last = 1;
      else
        continue;
      for (guint j = first; j < last; j++)
        {
          int edge = k < n_touched ? (int) net->adj[j] : sources[k - n_touched].edge;
          if (!g_hash_table_add (seen, GINT_TO_POINTER (edge + 1)))
            continue;
          const Edge *e = &g_array_index (net->edges, Edge, edge);
          double len = e->length_m;
          g_array_set_size (iv, 0);
          /* from each reached end, as far as the rest of the budget goes */
          if (s->dist[e->u] < max_m)
            g_array_append_val (iv, ((Interval) { 0, MIN (len, max_m - s->dist[e->u]) }));
          if (s->dist[e->v] < max_m)
            g_array_append_val (iv, ((Interval) { len - MIN (len, max_m - s->dist[e->v]), len }));
          /* and from each source on this edge, both ways */
          GArray *here = g_hash_table_lookup (s->on_edge, GINT_TO_POINTER (edge + 1));
          for (guint h = 0; here && h < here->len; h++)
            {
              double at = sources[g_array_index (here, int, h)].t * len;
              g_array_append_val (iv, ((Interval) { MAX (0, at - max_m), MIN (len, at + max_m) }));
            }
          g_array_sort (iv, compare_interval);
          const Interval *v = (const Interval *) iv->data;
          for (guint i = 0; i < iv->len;)
            {
              Interval cur = v[i++];
              for (; i < iv->len && v[i].a <= cur.b; i++)
                cur.b = MAX (cur.b, v[i].b);
              if (cur.b <= cur.a)
                continue;
              CmNetworkPiece piece = { edge, cur.a / len, cur.b / len };
              if (pieces)
                g_array_append_val (pieces, piece);
              total += cur.b - cur.a;
            }
        }
    }
  return total;
}

/* ---- pieces as geometry -------------------------------------------------------------------- */

CmGeom *
cm_network_pieces_to_geom (const CmNetwork *net, const GArray *pieces)
{
  CmGeom *geom = cm_geom_new (CM_GEOM_MULTILINESTRING);
  for (guint i = 0; i < pieces->len; i++)
    {
      const CmNetworkPiece *p = &g_array_index (pieces, CmNetworkPiece, i);
      double xy[4];
      cm_network_edge_point (net, p->edge, p->t0, &xy[0], &xy[1]);
      cm_network_edge_point (net, p->edge, p->t1, &xy[2], &xy[3]);
      g_array_append_vals (geom->xy, xy, 4);
      guint two = 2, one = 1;
      g_array_append_val (geom->ring_len, two);
      g_array_append_val (geom->part_len, one);
    }
  return geom;
}
