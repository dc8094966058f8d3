/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-network.h: the walking network (docs/analysis.md) and shortest paths on it.
 *
 * Nodes are the vertices of path lines; lines meet where they share a vertex (the same
 * coordinates). Each segment is an edge as long as its geodesic length. A barrier that crosses
 * a segment between its vertices cuts it there: both sides stay, as dead ends. A barrier that
 * shares a vertex with a path does not cut it (that is how a gate in a wall is drawn).
 *
 * Points (stations, buildings) join the network at the nearest point of the nearest edge, their
 * tie point; the straight way there is their access leg. Searches run from many sources at once
 * (each node learns its nearest source) or from one, with a distance limit (service areas).
 * Everything here is plain C on arrays, safe to use from a worker thread once built. */
#pragma once

#include "cm-geom.h"
#include "cm-store.h"

G_BEGIN_DECLS

typedef struct _CmNetwork CmNetwork;

/* Which network (flags). Always: the paths, the short cuts residents drew (resources of the
 * category shortcut) and the barriers. */
typedef enum
{
  CM_NETWORK_WALKABLE = 0,      /* leave out what docs/analysis.md excludes (motorways, foot=no…) */
  CM_NETWORK_ALL = 1 << 0,      /* every line in paths, for comparison with other tools */
  CM_NETWORK_AT_NIGHT = 1 << 1, /* gates residents marked as locked at night (resources of the
                                 * category locked_gate) close the way: lines as barriers,
                                 * points as gates */
} CmNetworkMode;

/* How near a path a gate drawn as a point must be to close it. */
#define CM_NETWORK_GATE_M 15.0

/* How far a point may be from the network and still join it (docs/analysis.md). */
#define CM_NETWORK_MAX_ACCESS_M 200.0

CmNetwork *cm_network_new (void);
void cm_network_free (CmNetwork *network);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CmNetwork, cm_network_free)

/* Lines as longitude/latitude pairs (@n positions). Then build once. */
void cm_network_add_path (CmNetwork *network, const double *xy, guint n);
void cm_network_add_barrier (CmNetwork *network, const double *xy, guint n);
/* A closed gate drawn as a point: it cuts the path segment nearest to it (within
 * CM_NETWORK_GATE_M), as a barrier across it would. */
void cm_network_add_gate (CmNetwork *network, double lon, double lat);
void cm_network_build (CmNetwork *network);

/* Reads the live paths (filtered by @mode) and barriers of @store and builds. */
CmNetwork *cm_network_load (CmStore *store, CmNetworkMode mode, GError **error);

typedef struct
{
  guint paths;       /* lines taken */
  guint paths_left_out; /* lines the walkable filter left out */
  guint nodes, edges;
  guint components;  /* connected pieces */
  guint cuts;        /* places where a barrier cut a segment */
  double length_m;   /* all edges */
  guint shortcuts;   /* of the paths, lines residents drew as short cuts */
  guint gates;       /* closed gates drawn as points … */
  guint gates_placed; /* … and those on a path, which cut it */
} CmNetworkStats;

void cm_network_get_stats (const CmNetwork *network, CmNetworkStats *stats);

/* Where a point joins the network. */
typedef struct
{
  int edge;         /* -1: no edge within the access limit */
  double t;         /* 0 at the edge's first node, 1 at its second */
  double lon, lat;  /* the tie point */
  double access_m;  /* the access leg: straight metres from the point to the tie point */
} CmNetworkTie;

/* Ties @lon, @lat to the nearest edge within @max_access_m. FALSE (and tie->edge = -1) when
 * none is that near. */
gboolean cm_network_tie (const CmNetwork *network, double lon, double lat, double max_access_m,
                         CmNetworkTie *tie);
/* The connected piece an edge belongs to. */
guint cm_network_edge_component (const CmNetwork *network, int edge);
double cm_network_edge_length (const CmNetwork *network, int edge);
/* The point at @t along @edge. */
void cm_network_edge_point (const CmNetwork *network, int edge, double t, double *lon,
                            double *lat);

/* ---- searching --------------------------------------------------------------------------- */

typedef struct _CmNetworkSearch CmNetworkSearch;

/* Scratch space for searches on @network (one per thread). */
CmNetworkSearch *cm_network_search_new (const CmNetwork *network);
void cm_network_search_free (CmNetworkSearch *search);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CmNetworkSearch, cm_network_search_free)

/* Shortest paths from all @sources at once (untied ones are skipped); a source's access leg
 * counts when @with_access is TRUE. Nodes farther than @limit_m stay unreached. */
void cm_network_search_run (CmNetworkSearch *search, const CmNetworkTie *sources, guint n,
                            gboolean with_access, double limit_m);
/* After a run: network metres from the nearest source to @tie's tie point (its own access leg
 * not included), and which source (@source may be NULL). INFINITY when none reaches it. */
double cm_network_search_distance_to (const CmNetworkSearch *search, const CmNetworkTie *tie,
                                      int *source);

/* A piece of an edge, from @t0 to @t1 (0 ≤ t0 < t1 ≤ 1). */
typedef struct
{
  int edge;
  double t0, t1;
} CmNetworkPiece;

/* The service area of @source (docs/analysis.md): every part of every edge within @max_m network
 * metres of its tie point, each partly reached edge cut at exactly @max_m from each reached
 * end, no part twice. Appends CmNetworkPiece to @pieces; returns their total length in metres.
 * An untied source reaches nothing. */
double cm_network_service_area (CmNetworkSearch *search, const CmNetworkTie *source,
                                double max_m, GArray *pieces);

/* The same for several sources at once: what any of them reaches, each piece once. */
double cm_network_service_area_multi (CmNetworkSearch *search, const CmNetworkTie *sources,
                                      guint n_sources, double max_m, GArray *pieces);

/* The pieces as a MULTILINESTRING, one part per piece. */
CmGeom *cm_network_pieces_to_geom (const CmNetwork *network, const GArray *pieces);

G_END_DECLS
