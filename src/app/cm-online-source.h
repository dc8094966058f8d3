/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-online-source.h: OpenStreetMap's online tiles, which say when they cannot be had.
 *
 * libshumate 1.0.3 leaves a tile it could not download blank and tells no one: with no network
 * the map turns white. This source asks libshumate's raster renderer for each tile and emits
 * "unreachable" (once) when one fails, so the window can say so and draw the map's own layers
 * on paper instead. */
#pragma once

#include <shumate/shumate.h>

G_BEGIN_DECLS

#define CM_TYPE_ONLINE_SOURCE (cm_online_source_get_type ())
G_DECLARE_FINAL_TYPE (CmOnlineSource, cm_online_source, CM, ONLINE_SOURCE, ShumateMapSource)

/* OpenStreetMap's standard tiles; CM_ONLINE_TILES_URL (a URL template with {z}, {x}, {y})
 * replaces their address, for tests. */
CmOnlineSource *cm_online_source_new (void);

G_END_DECLS
