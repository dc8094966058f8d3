/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-mbtiles-source.h: an offline raster basemap from an MBTiles file, for libshumate. */
#pragma once

#include <shumate/shumate.h>

G_BEGIN_DECLS

#define CM_TYPE_MBTILES_SOURCE (cm_mbtiles_source_get_type ())
G_DECLARE_FINAL_TYPE (CmMbtilesSource, cm_mbtiles_source, CM, MBTILES_SOURCE, ShumateMapSource)

/* NULL with an error when @path is not a usable MBTiles file. */
CmMbtilesSource *cm_mbtiles_source_new (const char *path, GError **error);

G_END_DECLS
