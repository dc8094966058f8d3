/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-snap.h: snapping a pointer to what is already on the map — the nearest vertex of any
 * feature within a few pixels, else the nearest point on any line or outline (paths, edges). */
#pragma once

#include "cm-store.h"

G_BEGIN_DECLS

/* Snaps @lon, @lat to a vertex or segment of a live feature within @tolerance (degrees of
 * latitude; longitudes are scaled by the latitude's cosine) on the layers not in @hidden, other
 * than the feature @exclude_uuid (may be NULL). TRUE and @snapped set when something is near. */
gboolean cm_store_snap (CmStore *store, double lon, double lat, double tolerance,
                        const char *exclude_uuid, guint hidden, double snapped[2]);

G_END_DECLS
