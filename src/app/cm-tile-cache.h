/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-tile-cache.h: the window's rendered tiles, kept across tile sources.
 *
 * libshumate 1.0.3 cannot reload one tile: a map source with a new id is asked for every tile
 * again. So the window keeps its rendered tiles here, a new CmTileSource serves them from here,
 * and a change to the data drops only the tiles its bounding box touches: only those are drawn
 * again. Thread-safe; the textures are shared with libshumate's own cache, not copied.
 */
#pragma once

#include <gdk/gdk.h>

G_BEGIN_DECLS

typedef struct _CmTileCache CmTileCache;

CmTileCache *cm_tile_cache_new (guint capacity);
CmTileCache *cm_tile_cache_ref (CmTileCache *self);
void cm_tile_cache_unref (CmTileCache *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CmTileCache, cm_tile_cache_unref)

/* @variant tells apart renders of the same tile with other options (hidden layers, background). */
GdkTexture *cm_tile_cache_lookup (CmTileCache *self, int z, int x, int y, guint variant);
void cm_tile_cache_insert (CmTileCache *self, int z, int x, int y, guint variant,
                           GdkTexture *texture);
/* Drops every tile, at every zoom, within @margin pixels of @bbox (minlon, minlat, maxlon,
 * maxlat). Returns how many were dropped. */
guint cm_tile_cache_invalidate (CmTileCache *self, const double bbox[4], double margin);

G_END_DECLS
