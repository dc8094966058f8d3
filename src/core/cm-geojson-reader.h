/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-geojson-reader.h: a streaming GeoJSON reader.
 *
 * Reads a FeatureCollection, a single Feature, a bare geometry, GeoJSON text sequences
 * (RFC 8142, RS-separated) and newline-delimited features, UTF-8 with or without a BOM, and
 * hands each feature to a callback as soon as it is complete. Memory is bounded by the largest
 * single feature, and the reader never recurses on the input's nesting (yajl is event-driven).
 */
#pragma once

#include <gio/gio.h>

#include "cm-geom.h"

G_BEGIN_DECLS

#define CM_GEOJSON_ERROR (cm_geojson_error_quark ())
GQuark cm_geojson_error_quark (void);

typedef enum
{
  CM_GEOJSON_ERROR_EMPTY,         /* no JSON value at all */
  CM_GEOJSON_ERROR_INVALID_JSON,  /* not JSON: syntax, NaN/Infinity literals, … */
  CM_GEOJSON_ERROR_NOT_UTF8,      /* bytes that are not UTF-8 */
  CM_GEOJSON_ERROR_TRUNCATED,     /* the file ends in the middle of a value */
  CM_GEOJSON_ERROR_NOT_GEOJSON,   /* JSON, but members of the wrong type or unknown types */
  CM_GEOJSON_ERROR_OUT_OF_RANGE,  /* a longitude outside ±180 or a latitude outside ±90 */
  CM_GEOJSON_ERROR_UNSUPPORTED_CRS, /* an old-style "crs" member that is not WGS 84 */
  CM_GEOJSON_ERROR_TOO_DEEP,      /* nested deeper than CM_GEOJSON_MAX_DEPTH */
} CmGeoJsonError;

#define CM_GEOJSON_MAX_DEPTH 256

/* The properties Community Map reads as its own fields (what `cmap export` writes): they are
 * taken out of a feature's other properties (its tags). */
typedef enum
{
  CM_FIELD_UUID,
  CM_FIELD_LAYER,       /* "map_layer" (OSM has a "layer" tag of its own) */
  CM_FIELD_CATEGORY,
  CM_FIELD_NAME,
  CM_FIELD_DESCRIPTION,
  CM_FIELD_CONTRIBUTOR, /* an object: uuid, name, anonymous */
  CM_FIELD_WORKSHOP,    /* an object: uuid, name, date, place */
  CM_FIELD_CREATED_AT,
  CM_FIELD_UPDATED_AT,
  CM_FIELD_PHOTOS,      /* an array of data: URIs */
  /* the layers' own fields (cm-layer.c): a property of that name fills one */
  CM_FIELD_SERVICE_RADIUS_M,
  CM_FIELD_KIND,
  CM_FIELD_MEMBERS,
  CM_FIELD_HOUSEHOLDS,
  CM_FIELD_POPULATION,
  CM_FIELD_OPENING_HOURS,
  CM_FIELD_PHONE,
  CM_FIELD_LEADER,
  CM_FIELD_CONTACT,
  CM_FIELD_ACTIVITIES,
  CM_FIELD_MEETING_PLACE,
  CM_FIELD_BUILDING_HEAD,
  CM_FIELD_HEAD_CONTACT,
  CM_FIELD_COMPOUND_UUID,
  CM_FIELD_STATUS,           /* reports (issue #18) */
  CM_FIELD_URGENT,
  CM_FIELD_RESIDENTS,
  CM_FIELD_RESPONSIBLE_UUID,
  CM_FIELD_REPORTED_AT,
  CM_FIELD_RAISED_BY,
  CM_FIELD_TIMELINE,         /* an array of follow-ups: uuid, at, who, what, kind, status */
  CM_N_FIELDS
} CmField;

/* The property name of each field ("uuid", "layer", …). */
const char *cm_field_name (CmField field);

typedef struct
{
  guint index;                  /* 0-based position of the feature in the input */
  guint line;                   /* 1-based line where the feature starts */
  CmGeom *geom;                 /* NULL for a null or missing geometry; the callback may steal it */
  const char *properties;       /* compact JSON object of the other properties, "{}" if none */
  const char *field_json[CM_N_FIELDS];  /* each field's value as compact JSON text, or NULL */
  const char *field_text[CM_N_FIELDS];  /* … as text when it is a JSON string or number */
  const char *name;             /* the "name" property when it is a string */
  const char *category;         /* the "category" property when it is a string */
  const char *uuid;             /* the "uuid" property when it is a valid UUID */
  const char *source_id;        /* "way/123" from @type/@id, else @id, else the feature's "id" */
  const GPtrArray *string_tags; /* key, value, key, value … for top-level string properties */
  gboolean dropped_z;           /* positions had a third or fourth number, which was dropped */
} CmGeoJsonFeature;

/* Return FALSE (with @error set) to stop reading. */
typedef gboolean (*CmGeoJsonFeatureFunc) (CmGeoJsonFeature *feature, gpointer user_data,
                                          GError **error);
typedef void (*CmProgressFunc) (goffset done, goffset total, gpointer user_data);

/* Reads all of @in. @total is its size in bytes for progress (or -1). Errors are
 * CM_GEOJSON_ERROR, G_IO_ERROR (including G_IO_ERROR_CANCELLED) or whatever @func sets; their
 * messages say the line or feature and the reason, but not the file name. */
gboolean cm_geojson_read (GInputStream *in, goffset total, CmGeoJsonFeatureFunc func,
                          gpointer user_data, CmProgressFunc progress, gpointer progress_data,
                          GCancellable *cancellable, GError **error);

G_END_DECLS
