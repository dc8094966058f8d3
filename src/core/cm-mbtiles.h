/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-mbtiles.h: reading raster MBTiles files (an offline basemap under the community map).
 *
 * MBTiles files are untrusted input: they are opened read-only on a plain SQLite connection
 * with nothing loaded (no SpatiaLite, no extensions) in defensive mode. `tiles` may be a view
 * (the deduplicated layout); rows are TMS (counted from the south); metadata may be missing.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CM_MBTILES_ERROR (cm_mbtiles_error_quark ())
GQuark cm_mbtiles_error_quark (void);

typedef enum
{
  CM_MBTILES_ERROR_NOT_MBTILES, /* not SQLite, or no tiles table */
  CM_MBTILES_ERROR_NO_TILE,     /* no tile at that place */
  CM_MBTILES_ERROR_FAILED,
} CmMbtilesError;

typedef struct _CmMbtiles CmMbtiles;

CmMbtiles *cm_mbtiles_open (const char *path, GError **error);
void cm_mbtiles_free (CmMbtiles *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CmMbtiles, cm_mbtiles_free)

/* From the metadata table, or NULL. */
const char *cm_mbtiles_get_name (CmMbtiles *self);
const char *cm_mbtiles_get_attribution (CmMbtiles *self);
/* The zoom range: from the metadata, or from the tiles themselves when it is missing. */
int cm_mbtiles_get_min_zoom (CmMbtiles *self);
int cm_mbtiles_get_max_zoom (CmMbtiles *self);

/* The image bytes (PNG, JPEG or WebP) of tile @z/@x/@y in slippy-map numbering (y from the
 * north), or NULL with CM_MBTILES_ERROR_NO_TILE. Not thread-safe: one CmMbtiles per thread. */
GBytes *cm_mbtiles_get_tile (CmMbtiles *self, int z, int x, int y, GError **error);

G_END_DECLS
