/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-rtree.h: bulk-loading an empty SQLite R*Tree (a SpatiaLite spatial index). */
#pragma once

#include <gio/gio.h>
#include <sqlite3.h>

G_BEGIN_DECLS

typedef struct
{
  gint64 id;
  double bbox[4]; /* minx, miny, maxx, maxy */
} CmRtreeEntry;

/* TRUE when the R*Tree @index (e.g. "idx_buildings_geom") holds no entries and no trigger
 * watches its shadow tables: then it can be bulk-loaded. */
gboolean _cm_rtree_is_empty (sqlite3 *db, const char *index, GError **error);

/* Packs @entries into the empty R*Tree @index (Sort-Tile-Recursive), writing its shadow tables
 * directly in SQLite's node format. Much faster than one INSERT per entry; the result is an
 * ordinary R*Tree that later inserts, deletes and rtreecheck() treat as any other. Call inside
 * the caller's transaction. Sorts @entries. */
gboolean _cm_rtree_bulk_load (sqlite3 *db, const char *index, GArray *entries, GError **error);

G_END_DECLS
