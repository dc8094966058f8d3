/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-tile-source.h: a libshumate map source that draws a community map's tiles with src/render,
 * on worker threads, each with its own connection to the map file. */
#pragma once

#include <shumate/shumate.h>

#include "cm-overview.h"
#include "cm-store-pool.h"
#include "cm-tile-cache.h"

G_BEGIN_DECLS

#define CM_TYPE_TILE_SOURCE (cm_tile_source_get_type ())
G_DECLARE_FINAL_TYPE (CmTileSource, cm_tile_source, CM, TILE_SOURCE, ShumateMapSource)

/* Tiles of the map @readers connect to, without the layers in @hidden (a bit per CmLayer), on the paper
 * colour when @background, else transparent (over a basemap); zoomed out, buildings and paths
 * from @overview when given (cm-overview.h). Each source
 * gets its own id, so libshumate's tile cache never mixes two versions of a map. */
CmTileSource *cm_tile_source_new (CmStorePool *readers, guint hidden, gboolean background,
                                  CmTileCache *cache, CmOverview *overview);

/* Tiles requested and not yet drawn, and tiles drawn so far (not those served from the cache)
 * (for tests and benchmarks: libshumate 1.0.3's shumate_map_get_state() is never updated). A
 * new source, made after every edit, draws with the same pool of connections (warm page
 * caches and prepared statements). */
guint cm_tile_source_get_pending (CmTileSource *self);
guint cm_tile_source_get_rendered (CmTileSource *self);
guint cm_tile_source_get_served (CmTileSource *self);
/* Starts both counts again from 0. */
void cm_tile_source_reset_counts (CmTileSource *self);

G_END_DECLS
