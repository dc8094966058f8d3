/* cm-export.h: a layer of a community map as GeoJSON (RFC 7946). */
#pragma once

#include <gio/gio.h>

#include "cm-store.h"

G_BEGIN_DECLS

/* Writes the live features of @layer as a FeatureCollection: coordinates with at most 7
 * decimals, properties = the feature's tags plus "uuid", "category" and "name". A one-part
 * multi geometry is written as its single type. Returns the number of features written, or -1. */
gint64 cm_export_geojson (CmStore *store, CmLayer layer, GOutputStream *out,
                          GCancellable *cancellable, GError **error);

G_END_DECLS
