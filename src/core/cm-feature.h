/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-feature.h: one feature of a community map, as the store hands it out. */
#pragma once

#include <glib-object.h>

#include "cm-layer.h"

G_BEGIN_DECLS

#define CM_TYPE_FEATURE (cm_feature_get_type ())
G_DECLARE_FINAL_TYPE (CmFeature, cm_feature, CM, FEATURE, GObject)

CmFeature *cm_feature_new (CmLayer layer);
/* A copy of every field, the stored ones too: a snapshot for undo. */
CmFeature *cm_feature_copy (CmFeature *self);

CmLayer cm_feature_get_layer (CmFeature *self);
gint64 cm_feature_get_id (CmFeature *self); /* 0 until stored */
const char *cm_feature_get_uuid (CmFeature *self);
const char *cm_feature_get_category (CmFeature *self);
void cm_feature_set_category (CmFeature *self, const char *category);
const char *cm_feature_get_name (CmFeature *self);
void cm_feature_set_name (CmFeature *self, const char *name);
const char *cm_feature_get_description (CmFeature *self);
void cm_feature_set_description (CmFeature *self, const char *description);
const char *cm_feature_get_tags (CmFeature *self); /* JSON object text, never NULL */
void cm_feature_set_tags (CmFeature *self, const char *tags_json);
/* Who drew it, in which workshop: uuids of rows in `contributors` and `workshops`, or NULL. */
const char *cm_feature_get_contributor_uuid (CmFeature *self);
void cm_feature_set_contributor_uuid (CmFeature *self, const char *uuid);
const char *cm_feature_get_workshop_uuid (CmFeature *self);
void cm_feature_set_workshop_uuid (CmFeature *self, const char *uuid);
const char *cm_feature_get_created_at (CmFeature *self);
const char *cm_feature_get_updated_at (CmFeature *self);
gboolean cm_feature_get_deleted (CmFeature *self);
/* The geometry as OGC WKB (2-D, longitude/latitude). */
GBytes *cm_feature_get_wkb (CmFeature *self);
void cm_feature_set_wkb (CmFeature *self, GBytes *wkb);
/* minx, miny, maxx, maxy; all zero when there is no geometry */
void cm_feature_get_bbox (CmFeature *self, double bbox[4]);

/* The layer's own field @column (cm-layer.h: service_radius_m a double; counts int64; the
 * rest strings) or NULL when unset. */
GVariant *cm_feature_get_field (CmFeature *self, const char *column);
/* Sets (a floating reference is sunk) or, with NULL, clears a field. The store refuses to
 * write a value the field does not accept. */
void cm_feature_set_field (CmFeature *self, const char *column, GVariant *value);

/* For the store: fills the fields that come from the file. */
void _cm_feature_set_stored (CmFeature *self, gint64 id, const char *uuid, const char *created_at,
                             const char *updated_at, gboolean deleted, const double bbox[4]);
void _cm_feature_set_deleted (CmFeature *self, gboolean deleted);

G_END_DECLS
