/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-geom.h: a plain geometry on its way into the store.
 *
 * The GeoJSON reader fills a CmGeom, the importer checks and repairs it (with GEOS) and
 * encodes it as a SpatiaLite geometry BLOB. Every geometry is parts → rings → positions:
 * a point is one part of one ring of one position, a linestring one part of one ring, a polygon
 * one part of several rings (the first is the shell), and the multi types have several parts.
 * A collection holds child geometries instead. Coordinates are longitude/latitude, XY only.
 */
#pragma once

#include <glib.h>
#include <geos_c.h>

G_BEGIN_DECLS

typedef enum
{
  CM_GEOM_POINT = 1, /* the numbers are the OGC / WKB / SpatiaLite class codes */
  CM_GEOM_LINESTRING = 2,
  CM_GEOM_POLYGON = 3,
  CM_GEOM_MULTIPOINT = 4,
  CM_GEOM_MULTILINESTRING = 5,
  CM_GEOM_MULTIPOLYGON = 6,
  CM_GEOM_COLLECTION = 7,
} CmGeomType;

typedef struct _CmGeom CmGeom;
struct _CmGeom
{
  CmGeomType type;
  GArray *xy;          /* double: x0, y0, x1, y1, … */
  GArray *ring_len;    /* guint: positions in each ring (or line, or point) */
  GArray *part_len;    /* guint: rings in each part */
  GPtrArray *children; /* CmGeom*: the members of a collection */
};

CmGeom *cm_geom_new (CmGeomType type);
void cm_geom_free (CmGeom *geom);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CmGeom, cm_geom_free)

const char *cm_geom_type_name (CmGeomType type);
/* Parses "Point", "MultiPolygon", … (GeoJSON spelling, case-sensitive). 0 if unknown. */
CmGeomType cm_geom_type_from_geojson (const char *name);

/* The base type of a multi type (MULTIPOLYGON → POLYGON); other types unchanged. */
CmGeomType cm_geom_type_single (CmGeomType type);
gboolean cm_geom_is_empty (const CmGeom *geom);
gboolean cm_geom_has_areas (const CmGeom *geom);
gboolean cm_geom_has_lines (const CmGeom *geom);
gboolean cm_geom_has_points (const CmGeom *geom);

/* Closes every ring whose last position differs from its first. Returns how many were closed. */
guint cm_geom_close_rings (CmGeom *geom);

/* Structural check: a line needs two distinct positions, a ring four positions.
 * Returns FALSE with a short English reason (static string) when the geometry can't be stored. */
gboolean cm_geom_check_structure (const CmGeom *geom, const char **reason);

/* TRUE when @geom is certainly a valid polygon in GEOS's and OGC's sense, proven cheaply: one
 * ring of at most CM_GEOM_QUICK_VALID_MAX positions (a building's outline) that is simple — no
 * two of its sides meet except neighbours at their shared corner. FALSE means "not proven"
 * (a hole, a long ring, a repeated position, three corners in a line, sides too close to tell
 * in floating point): ask GEOS. The import skips GEOS for most buildings this way. */
#define CM_GEOM_QUICK_VALID_MAX 64
gboolean cm_geom_is_surely_valid_polygon (const CmGeom *geom);

void cm_geom_get_bbox (const CmGeom *geom, double bbox[4]);
/* The area of the polygons of @geom in square metres (outer rings less their holes), on a
 * plane tangent at the middle latitude: within 0.1% of the ellipsoidal area for a community's
 * shapes. 0 for points and lines. */
double cm_geom_area_m2 (const CmGeom *geom);

/* Metres from @lon, @lat to the nearest point of @geom (0 inside an area), measured in a plane
 * at @lat's scale (cm_geodesic_scale: within 0.01% over a few km). For "the nearest named
 * building or path". */
double cm_geom_distance_m (const CmGeom *geom, double lon, double lat);
GEOSGeometry *cm_geom_to_geos (GEOSContextHandle_t ctx, const CmGeom *geom);
/* NULL for geometries that have no CmGeom form (nested collections). */
CmGeom *cm_geom_from_geos (GEOSContextHandle_t ctx, const GEOSGeometry *g);

/* Encodes as a SpatiaLite BLOB with SRID 4326. When @promote_multi is TRUE a Point, LineString
 * or Polygon is written as a one-part multi geometry (for MULTI* columns). Nested collections
 * are flattened into simple members, which is all SpatiaLite stores. */
guint8 *cm_geom_to_spatialite (const CmGeom *geom, gboolean promote_multi, gsize *size);

/* Whether every count in the SpatiaLite BLOB @blob fits in its @size bytes: SpatiaLite's own
 * parser crashes on some that do not (see CmGeom(), the SQL guard every query wraps stored
 * geometries in). */
/* The box a SpatiaLite geometry BLOB carries in its header (0x00, byte order, SRID, four
 * doubles, 0x7C), read without parsing the rest: for whole-layer reads, where SQL's MbrMinX()
 * and its kind are four function calls a row. FALSE when @blob is not one. */
gboolean cm_geom_spatialite_blob_mbr (const guint8 *blob, int len, double bbox[4]);
gboolean cm_geom_spatialite_blob_is_safe (const guint8 *blob, gsize size);

/* Decodes OGC WKB (2-D; Z/M/ISO variants have their extra ordinates dropped). NULL when the
 * bytes are not WKB. */
CmGeom *cm_geom_from_wkb (const guint8 *wkb, gsize len);
/* Decodes a SpatiaLite geometry BLOB's points, lines and polygons, single or multi (Z and M
 * dropped), without SpatiaLite: for reading whole layers. NULL for what it does not read
 * (compressed geometries, TinyPoint, collections, damaged blobs): use AsBinary() then. */
CmGeom *cm_geom_from_spatialite (const guint8 *blob, gsize len);
/* The point ST_PointOnSurface gives for a polygon or multipolygon (GEOS's interior point, bit
 * for bit), without the round trip through GEOS. FALSE for other types and for what GEOS would
 * answer oddly (rings of under four positions, a ring crossing itself on the scan line): ask
 * SpatiaLite then. */
gboolean cm_geom_point_on_surface (const CmGeom *geom, double *x, double *y);
/* TRUE when GEOS finds @geom invalid: @where gets the place (a crossing, say) and @reason
 * (may be NULL) GEOS's words for it, in English. */
gboolean cm_geom_find_problem (const CmGeom *geom, double where[2], char **reason);
/* OGC WKB, little-endian, 2-D: what the store takes. A single-part geometry must have one part. */
GBytes *cm_geom_to_wkb (const CmGeom *geom);
/* Appends @geom as a GeoJSON geometry object (RFC 7946), coordinates with 7 decimals (for
 * computed results). */
void cm_geom_append_geojson (GString *out, const CmGeom *geom);
/* The same, compact, with exact coordinates (each the shortest text that reads back as the
 * same double) and a one-part multi geometry written as its single type: a map's own data. */
void cm_geom_append_geojson_exact (GString *out, const CmGeom *geom);
G_END_DECLS
