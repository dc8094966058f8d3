/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-overview.h: what low zooms draw from, in memory (issue #17).
 *
 * Zoomed out over a district, half a million buildings are dots and boxes of a few pixels and
 * the paths thin lines: reading each through SQLite (the spatial index, the row, its tags) for
 * every tile cost 0.7 s a frame at 558,796 buildings. The overview keeps, per cell of the
 * world (a zoom-13 tile), each building's box and colour class — and the outline of those
 * large enough to be drawn as shapes below zoom 15 — and each path drawn below zoom 14 with
 * its class and line, in Web-Mercator units as floats. It is read once from the map (the first
 * tile that needs it loads it), kept current by the window's edits (cm_overview_invalidate
 * with the changed box: the next tile reads only that box again), and shared by the tile
 * threads. What it draws is what the map file holds: nothing is stored in the file.
 */
#pragma once

#include "cm-render-view.h"
#include "cm-store.h"

G_BEGIN_DECLS

typedef struct _CmOverview CmOverview;

/* The overview's layers. */
typedef enum
{
  CM_OVERVIEW_BUILDINGS,
  CM_OVERVIEW_PATHS,
  CM_OVERVIEW_N_LAYERS
} CmOverviewLayer;

/* The zooms the overview draws: buildings up to CM_OVERVIEW_BUILDINGS_UP_TO (the tiles' zooms
 * are whole numbers), paths below CM_OVERVIEW_PATHS_BELOW (from there footways are drawn). */
#define CM_OVERVIEW_BUILDINGS_UP_TO 14
#define CM_OVERVIEW_PATHS_BELOW 14
/* Buildings at least this many pixels wide or high at zoom CM_OVERVIEW_BUILDINGS_UP_TO keep
 * their outline; smaller ones are drawn from their box (as below zoom 15 from the map file). */
#define CM_OVERVIEW_SHAPE_PX 6

/* One feature, in its cell's units: a cell is one unit wide and high, its corner at 0, 0,
 * y to the south (Web Mercator). */
typedef struct
{
  float x0, y0, x1, y1; /* its box */
  gint64 id;
  guint32 first_ring;   /* into the cell's ring lengths; with n_rings 0 there is no shape */
  guint16 n_rings;
  guint8 cls;           /* buildings: cm_style_building_class; paths: cm_style_path_class */
} CmOverviewItem;

/* A cell while it is walked: where it is and its shapes' points. */
typedef struct
{
  double ux, uy;          /* its corner, in Web-Mercator units of the whole world (0…1) */
  double size;            /* its width, in the same units */
  const guint32 *rings;   /* points per ring */
  const guint32 *ring_at; /* where each ring's points begin in xy */
  const float *xy;        /* x, y, x, y, … in the cell's units */
} CmOverviewCell;

typedef void (*CmOverviewFunc) (const CmOverviewCell *cell, const CmOverviewItem *item,
                                gpointer user_data);

CmOverview *cm_overview_new (void);
CmOverview *cm_overview_ref (CmOverview *self);
void cm_overview_unref (CmOverview *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CmOverview, cm_overview_unref)

/* The map changed within @bbox (minlon, minlat, maxlon, maxlat; NULL: anywhere — the next
 * cm_overview_ensure reads everything again). Every feature whose old or new box meets @bbox
 * must lie inside it. Cheap: the reading is left to the next cm_overview_ensure. */
void cm_overview_invalidate (CmOverview *self, const double bbox[4]);

/* Brings the overview up to date from @store (any connection to the map: a tile thread's):
 * loads it whole the first time, then reads again only the boxes invalidated since. Any
 * thread; one loads while the others wait. FALSE when reading failed (then draw without it). */
gboolean cm_overview_ensure (CmOverview *self, CmStore *store, GError **error);

/* Calls @func for each feature of @layer whose box meets @view (with @margin pixels around),
 * holding the overview for reading: @func must not call back into it. */
void cm_overview_foreach (CmOverview *self, CmOverviewLayer layer, const CmRenderView *view,
                          double margin, CmOverviewFunc func, gpointer user_data);

/* How many features the overview holds (for the tests and benchmarks). */
guint cm_overview_get_count (CmOverview *self, CmOverviewLayer layer);

G_END_DECLS
