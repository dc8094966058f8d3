/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-export.h: a layer of a community map as GeoJSON (RFC 7946). */
#pragma once

#include <gio/gio.h>

#include "cm-store.h"

G_BEGIN_DECLS

/* Writes the live features of @layer (CM_LAYER_NONE: every layer, one after the other) as a
 * FeatureCollection. Coordinates are exact (each number the shortest text that reads back as
 * the same double); a one-part multi geometry is written as its single type. The properties
 * are every field — uuid, map_layer, category, name, description, the layer's own columns,
 * contributor {uuid, name, anonymous}, workshop {uuid, name, date, place}, created_at,
 * updated_at — then the source's tags, then "photos" (data: URIs). Importing the file gives
 * all of it back (docs/file-format.md). Returns the number of features written, or -1. */
gint64 cm_export_geojson (CmStore *store, CmLayer layer, GOutputStream *out,
                          GCancellable *cancellable, GError **error);

G_END_DECLS
