/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-geom.c: plain geometries, their checks, GEOS conversion and SpatiaLite BLOB encoding. */
#include "config.h"

#include "cm-geom.h"

#include <math.h>
#include "cm-geodesic.h"
#include "cm-json-writer.h"

#include <glib/gi18n-lib.h>

#include <string.h>

CmGeom *
cm_geom_new (CmGeomType type)
{
  CmGeom *geom = g_new0 (CmGeom, 1);
  geom->type = type;
  if (type == CM_GEOM_COLLECTION)
    {
      geom->children = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_geom_free);
    }
  else
    {
      geom->xy = g_array_new (FALSE, FALSE, sizeof (double));
      geom->ring_len = g_array_new (FALSE, FALSE, sizeof (guint));
      geom->part_len = g_array_new (FALSE, FALSE, sizeof (guint));
    }
  return geom;
}

void
cm_geom_free (CmGeom *geom)
{
  if (geom == NULL)
    return;
  if (geom->xy)
    g_array_unref (geom->xy);
  if (geom->ring_len)
    g_array_unref (geom->ring_len);
  if (geom->part_len)
    g_array_unref (geom->part_len);
  if (geom->children)
    g_ptr_array_unref (geom->children);
  g_free (geom);
}

static const char *const type_names[] = {
  NULL, "Point", "LineString", "Polygon", "MultiPoint", "MultiLineString", "MultiPolygon",
  "GeometryCollection",
};

const char *
cm_geom_type_name (CmGeomType type)
{
  if (type < CM_GEOM_POINT || type > CM_GEOM_COLLECTION)
    return "unknown";
  return type_names[type];
}

CmGeomType
cm_geom_type_from_geojson (const char *name)
{
  for (int i = CM_GEOM_POINT; i <= CM_GEOM_COLLECTION; i++)
    if (strcmp (type_names[i], name) == 0)
      return (CmGeomType) i;
  return 0;
}

CmGeomType
cm_geom_type_single (CmGeomType type)
{
  switch (type)
    {
    case CM_GEOM_MULTIPOINT:
      return CM_GEOM_POINT;
    case CM_GEOM_MULTILINESTRING:
      return CM_GEOM_LINESTRING;
    case CM_GEOM_MULTIPOLYGON:
      return CM_GEOM_POLYGON;
    default:
      return type;
    }
}

gboolean
cm_geom_is_empty (const CmGeom *geom)
{
  if (geom->type == CM_GEOM_COLLECTION)
    {
      for (guint i = 0; i < geom->children->len; i++)
        if (!cm_geom_is_empty (g_ptr_array_index (geom->children, i)))
          return FALSE;
      return TRUE;
    }
  return geom->xy->len == 0;
}

static gboolean
geom_has_single_type (const CmGeom *geom, CmGeomType single)
{
  if (geom->type == CM_GEOM_COLLECTION)
    {
      for (guint i = 0; i < geom->children->len; i++)
        if (geom_has_single_type (g_ptr_array_index (geom->children, i), single))
          return TRUE;
      return FALSE;
    }
  return cm_geom_type_single (geom->type) == single && geom->xy->len > 0;
}

gboolean
cm_geom_has_areas (const CmGeom *geom)
{
  return geom_has_single_type (geom, CM_GEOM_POLYGON);
}

gboolean
cm_geom_has_lines (const CmGeom *geom)
{
  return geom_has_single_type (geom, CM_GEOM_LINESTRING);
}

gboolean
cm_geom_has_points (const CmGeom *geom)
{
  return geom_has_single_type (geom, CM_GEOM_POINT);
}

guint
cm_geom_close_rings (CmGeom *geom)
{
  guint closed = 0;

  if (geom->type == CM_GEOM_COLLECTION)
    {
      for (guint i = 0; i < geom->children->len; i++)
        closed += cm_geom_close_rings (g_ptr_array_index (geom->children, i));
      return closed;
    }
  if (cm_geom_type_single (geom->type) != CM_GEOM_POLYGON)
    return 0;

  /* Walk the rings back to front so that inserting a position keeps earlier offsets valid. */
  guint n_rings = geom->ring_len->len;
  g_autofree guint *starts = g_new (guint, n_rings + 1);
  starts[0] = 0;
  for (guint r = 0; r < n_rings; r++)
    starts[r + 1] = starts[r] + g_array_index (geom->ring_len, guint, r);

  for (guint r = n_rings; r-- > 0;)
    {
      guint n = g_array_index (geom->ring_len, guint, r);
      if (n == 0)
        continue;
      double *pts = (double *) geom->xy->data;
      guint first = starts[r], last = starts[r] + n - 1;
      if (pts[2 * first] == pts[2 * last] && pts[2 * first + 1] == pts[2 * last + 1])
        continue;
      double close[2] = { pts[2 * first], pts[2 * first + 1] };
      g_array_insert_vals (geom->xy, 2 * (last + 1), close, 2);
      g_array_index (geom->ring_len, guint, r) = n + 1;
      closed++;
    }
  return closed;
}

gboolean
cm_geom_check_structure (const CmGeom *geom, const char **reason)
{
  if (geom->type == CM_GEOM_COLLECTION)
    {
      if (geom->children->len == 0)
        {
          *reason = _("empty geometry collection");
          return FALSE;
        }
      for (guint i = 0; i < geom->children->len; i++)
        if (!cm_geom_check_structure (g_ptr_array_index (geom->children, i), reason))
          return FALSE;
      return TRUE;
    }
  if (geom->xy->len == 0)
    {
      *reason = _("empty geometry");
      return FALSE;
    }

  CmGeomType single = cm_geom_type_single (geom->type);
  const double *pts = (const double *) geom->xy->data;
  guint pos = 0;
  for (guint r = 0; r < geom->ring_len->len; r++)
    {
      guint n = g_array_index (geom->ring_len, guint, r);
      if (single == CM_GEOM_LINESTRING)
        {
          gboolean distinct = FALSE;
          for (guint i = 1; i < n && !distinct; i++)
            distinct = pts[2 * (pos + i)] != pts[2 * pos] ||
                       pts[2 * (pos + i) + 1] != pts[2 * pos + 1];
          if (!distinct)
            {
              *reason = _("a line needs at least two different positions");
              return FALSE;
            }
        }
      else if (single == CM_GEOM_POLYGON && n < 4)
        {
          *reason = _("a polygon ring needs at least four positions");
          return FALSE;
        }
      pos += n;
    }
  return TRUE;
}

static void
bbox_add (const CmGeom *geom, double bbox[4])
{
  if (geom->type == CM_GEOM_COLLECTION)
    {
      for (guint i = 0; i < geom->children->len; i++)
        bbox_add (g_ptr_array_index (geom->children, i), bbox);
      return;
    }
  const double *p = (const double *) geom->xy->data;
  for (guint i = 0; i + 1 < geom->xy->len; i += 2)
    {
      bbox[0] = MIN (bbox[0], p[i]);
      bbox[1] = MIN (bbox[1], p[i + 1]);
      bbox[2] = MAX (bbox[2], p[i]);
      bbox[3] = MAX (bbox[3], p[i + 1]);
    }
}

void
cm_geom_get_bbox (const CmGeom *geom, double bbox[4])
{
  bbox[0] = bbox[1] = G_MAXDOUBLE;
  bbox[2] = bbox[3] = -G_MAXDOUBLE;
  bbox_add (geom, bbox);
}

/* ---- distance -------------------------------------------------------------------------------- */

/* Squared distance from the origin to the segment (ax, ay)–(bx, by), in the plane's units. */
static double
segment_d2 (double ax, double ay, double bx, double by)
{
  double dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
  double t = len2 > 0 ? CLAMP (-(ax * dx + ay * dy) / len2, 0.0, 1.0) : 0.0;
  double x = ax + t * dx, y = ay + t * dy;
  return x * x + y * y;
}

double
cm_geom_distance_m (const CmGeom *geom, double lon, double lat)
{
  if (geom->type == CM_GEOM_COLLECTION)
    {
      double best = INFINITY;
      for (guint i = 0; i < geom->children->len; i++)
        best = MIN (best, cm_geom_distance_m (geom->children->pdata[i], lon, lat));
      return best;
    }
  double kx, ky;
  cm_geodesic_scale (lat, &kx, &ky);
  const double *xy = (const double *) geom->xy->data;
  gboolean areas = geom->type == CM_GEOM_POLYGON || geom->type == CM_GEOM_MULTIPOLYGON;
  double best2 = INFINITY;
  guint pos = 0, ring = 0;
  for (guint p = 0; p < geom->part_len->len; p++)
    {
      guint rings = g_array_index (geom->part_len, guint, p);
      gboolean inside = FALSE; /* even-odd over the part's rings: the shell less its holes */
      for (guint r = 0; r < rings; r++, ring++)
        {
          guint n = g_array_index (geom->ring_len, guint, ring);
          for (guint i = 0; i < n; i++)
            {
              double ax = (xy[2 * (pos + i)] - lon) * kx, ay = (xy[2 * (pos + i) + 1] - lat) * ky;
              if (n == 1)
                best2 = MIN (best2, ax * ax + ay * ay);
              if (i + 1 == n)
                continue;
              double bx = (xy[2 * (pos + i + 1)] - lon) * kx;
              double by = (xy[2 * (pos + i + 1) + 1] - lat) * ky;
              best2 = MIN (best2, segment_d2 (ax, ay, bx, by));
              if (areas && (ay > 0) != (by > 0) && ax + (0 - ay) * (bx - ax) / (by - ay) > 0)
                inside = !inside;
            }
          pos += n;
        }
      if (inside)
        return 0;
    }
  return sqrt (best2);
}

/* ---- GEOS ---------------------------------------------------------------------------------- */

static GEOSCoordSequence *
seq_from (GEOSContextHandle_t ctx, const CmGeom *geom, guint start, guint n)
{
  return GEOSCoordSeq_copyFromBuffer_r (ctx, (const double *) geom->xy->data + 2 * start, n, 0, 0);
}

static void
destroy_all (GEOSContextHandle_t ctx, GEOSGeometry **geoms, guint n)
{
  for (guint i = 0; i < n; i++)
    if (geoms[i])
      GEOSGeom_destroy_r (ctx, geoms[i]);
}

GEOSGeometry *
cm_geom_to_geos (GEOSContextHandle_t ctx, const CmGeom *geom)
{
  if (geom->type == CM_GEOM_COLLECTION)
    {
      guint n = geom->children->len;
      g_autofree GEOSGeometry **members = g_new0 (GEOSGeometry *, MAX (n, 1));
      for (guint i = 0; i < n; i++)
        if (!(members[i] = cm_geom_to_geos (ctx, g_ptr_array_index (geom->children, i))))
          {
            destroy_all (ctx, members, n);
            return NULL;
          }
      return GEOSGeom_createCollection_r (ctx, GEOS_GEOMETRYCOLLECTION, members, n);
    }

  CmGeomType single = cm_geom_type_single (geom->type);
  guint n_parts = geom->part_len->len;
  g_autofree GEOSGeometry **parts = g_new0 (GEOSGeometry *, MAX (n_parts, 1));
  guint ring = 0, pos = 0;

  for (guint p = 0; p < n_parts; p++)
    {
      guint n_rings = g_array_index (geom->part_len, guint, p);
      if (single == CM_GEOM_POLYGON)
        {
          g_autofree GEOSGeometry **rings = g_new0 (GEOSGeometry *, MAX (n_rings, 1));
          gboolean ok = TRUE;
          for (guint r = 0; r < n_rings; r++)
            {
              guint n = g_array_index (geom->ring_len, guint, ring + r);
              rings[r] = GEOSGeom_createLinearRing_r (ctx, seq_from (ctx, geom, pos, n));
              pos += n;
              ok = ok && rings[r] != NULL;
            }
          ring += n_rings;
          if (ok && n_rings > 0)
            parts[p] = GEOSGeom_createPolygon_r (ctx, rings[0], rings + 1, n_rings - 1);
          else
            destroy_all (ctx, rings, n_rings);
        }
      else
        {
          guint n = g_array_index (geom->ring_len, guint, ring);
          GEOSCoordSequence *seq = seq_from (ctx, geom, pos, n);
          parts[p] = single == CM_GEOM_POINT ? GEOSGeom_createPoint_r (ctx, seq)
                                             : GEOSGeom_createLineString_r (ctx, seq);
          ring += n_rings;
          pos += n;
        }
      if (parts[p] == NULL)
        {
          destroy_all (ctx, parts, n_parts);
          return NULL;
        }
    }

  switch (geom->type)
    {
    case CM_GEOM_POINT:
    case CM_GEOM_LINESTRING:
    case CM_GEOM_POLYGON:
      if (n_parts == 1)
        return parts[0];
      destroy_all (ctx, parts, n_parts);
      return NULL;
    case CM_GEOM_MULTIPOINT:
      return GEOSGeom_createCollection_r (ctx, GEOS_MULTIPOINT, parts, n_parts);
    case CM_GEOM_MULTILINESTRING:
      return GEOSGeom_createCollection_r (ctx, GEOS_MULTILINESTRING, parts, n_parts);
    case CM_GEOM_MULTIPOLYGON:
      return GEOSGeom_createCollection_r (ctx, GEOS_MULTIPOLYGON, parts, n_parts);
    default:
      destroy_all (ctx, parts, n_parts);
      return NULL;
    }
}

static void
append_seq (GEOSContextHandle_t ctx, CmGeom *geom, const GEOSCoordSequence *seq)
{
  unsigned int n = 0;
  GEOSCoordSeq_getSize_r (ctx, seq, &n);
  guint old = geom->xy->len;
  g_array_set_size (geom->xy, old + 2 * n);
  if (n > 0)
    GEOSCoordSeq_copyToBuffer_r (ctx, seq, (double *) geom->xy->data + old, 0, 0);
  guint len = n;
  g_array_append_val (geom->ring_len, len);
}

static void
append_simple (GEOSContextHandle_t ctx, CmGeom *geom, const GEOSGeometry *g)
{
  guint n_rings = 1;
  if (GEOSGeomTypeId_r (ctx, g) == GEOS_POLYGON)
    {
      const GEOSGeometry *shell = GEOSGetExteriorRing_r (ctx, g);
      int n_holes = GEOSGetNumInteriorRings_r (ctx, g);
      append_seq (ctx, geom, GEOSGeom_getCoordSeq_r (ctx, shell));
      for (int h = 0; h < n_holes; h++)
        append_seq (ctx, geom,
                    GEOSGeom_getCoordSeq_r (ctx, GEOSGetInteriorRingN_r (ctx, g, h)));
      n_rings = 1 + n_holes;
    }
  else
    {
      append_seq (ctx, geom, GEOSGeom_getCoordSeq_r (ctx, g));
    }
  g_array_append_val (geom->part_len, n_rings);
}

CmGeom *
cm_geom_from_geos (GEOSContextHandle_t ctx, const GEOSGeometry *g)
{
  int type = GEOSGeomTypeId_r (ctx, g);
  CmGeom *geom;

  switch (type)
    {
    case GEOS_POINT:
    case GEOS_LINESTRING:
    case GEOS_LINEARRING:
    case GEOS_POLYGON:
      geom = cm_geom_new (type == GEOS_POINT ? CM_GEOM_POINT
                          : type == GEOS_POLYGON ? CM_GEOM_POLYGON
                                                 : CM_GEOM_LINESTRING);
      if (!GEOSisEmpty_r (ctx, g))
        append_simple (ctx, geom, g);
      return geom;
    case GEOS_MULTIPOINT:
    case GEOS_MULTILINESTRING:
    case GEOS_MULTIPOLYGON:
      geom = cm_geom_new (type == GEOS_MULTIPOINT ? CM_GEOM_MULTIPOINT
                          : type == GEOS_MULTILINESTRING ? CM_GEOM_MULTILINESTRING
                                                         : CM_GEOM_MULTIPOLYGON);
      for (int i = 0; i < GEOSGetNumGeometries_r (ctx, g); i++)
        {
          const GEOSGeometry *part = GEOSGetGeometryN_r (ctx, g, i);
          if (!GEOSisEmpty_r (ctx, part))
            append_simple (ctx, geom, part);
        }
      return geom;
    case GEOS_GEOMETRYCOLLECTION:
      geom = cm_geom_new (CM_GEOM_COLLECTION);
      for (int i = 0; i < GEOSGetNumGeometries_r (ctx, g); i++)
        {
          CmGeom *child = cm_geom_from_geos (ctx, GEOSGetGeometryN_r (ctx, g, i));
          if (child == NULL)
            {
              cm_geom_free (geom);
              return NULL;
            }
          g_ptr_array_add (geom->children, child);
        }
      return geom;
    default:
      return NULL;
    }
}

/* ---- SpatiaLite BLOB ------------------------------------------------------------------------
 * Layout (little-endian): 0x00, 0x01, int32 srid, 4 doubles MBR, 0x7C, int32 class, body, 0xFE.
 * Multi and collection bodies: int32 count, then for each member 0x69, int32 class, member body.
 */

static void
put_i32 (GByteArray *out, gint32 v)
{
  guint32 le = GUINT32_TO_LE ((guint32) v);
  g_byte_array_append (out, (const guint8 *) &le, 4);
}

static void
put_doubles (GByteArray *out, const double *v, gsize n)
{
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
  g_byte_array_append (out, (const guint8 *) v, n * sizeof (double));
#else
  for (gsize i = 0; i < n; i++)
    {
      guint64 bits;
      memcpy (&bits, &v[i], 8);
      bits = GUINT64_TO_LE (bits);
      g_byte_array_append (out, (const guint8 *) &bits, 8);
    }
#endif
}

/* Writes the body of one simple member (point, line or polygon) starting at ring/pos. */
static void
put_simple_body (GByteArray *out, const CmGeom *geom, CmGeomType single, guint n_rings,
                 guint *ring, guint *pos)
{
  const double *xy = (const double *) geom->xy->data;
  if (single == CM_GEOM_POINT)
    {
      put_doubles (out, xy + 2 * *pos, 2);
      *pos += g_array_index (geom->ring_len, guint, *ring);
      *ring += 1;
      return;
    }
  if (single == CM_GEOM_POLYGON)
    put_i32 (out, (gint32) n_rings);
  for (guint r = 0; r < n_rings; r++)
    {
      guint n = g_array_index (geom->ring_len, guint, *ring);
      put_i32 (out, (gint32) n);
      put_doubles (out, xy + 2 * *pos, 2 * n);
      *pos += n;
      *ring += 1;
    }
}

/* Writes every part of @geom as an entity (0x69, class, body); returns the count written. */
static guint
put_entities (GByteArray *out, const CmGeom *geom)
{
  if (geom->type == CM_GEOM_COLLECTION)
    {
      guint n = 0;
      for (guint i = 0; i < geom->children->len; i++)
        n += put_entities (out, g_ptr_array_index (geom->children, i));
      return n;
    }
  CmGeomType single = cm_geom_type_single (geom->type);
  guint ring = 0, pos = 0;
  for (guint p = 0; p < geom->part_len->len; p++)
    {
      guint8 marker = 0x69;
      g_byte_array_append (out, &marker, 1);
      put_i32 (out, single);
      put_simple_body (out, geom, single, g_array_index (geom->part_len, guint, p), &ring, &pos);
    }
  return geom->part_len->len;
}

guint8 *
cm_geom_to_spatialite (const CmGeom *geom, gboolean promote_multi, gsize *size)
{
  GByteArray *out = g_byte_array_sized_new (64 + (geom->xy ? geom->xy->len * 8 : 256));
  double bbox[4];
  const guint8 head[2] = { 0x00, 0x01 }, mbr_end = 0x7C, end = 0xFE;

  cm_geom_get_bbox (geom, bbox);
  g_byte_array_append (out, head, 2);
  put_i32 (out, 4326);
  put_doubles (out, bbox, 4);
  g_byte_array_append (out, &mbr_end, 1);

  CmGeomType type = geom->type;
  if (promote_multi && (type == CM_GEOM_POINT || type == CM_GEOM_LINESTRING ||
                        type == CM_GEOM_POLYGON))
    type += 3;
  put_i32 (out, type);

  if (type == CM_GEOM_POINT || type == CM_GEOM_LINESTRING || type == CM_GEOM_POLYGON)
    {
      guint ring = 0, pos = 0;
      put_simple_body (out, geom, type, g_array_index (geom->part_len, guint, 0), &ring, &pos);
    }
  else
    {
      guint count_at = out->len;
      put_i32 (out, 0);
      guint32 n = GUINT32_TO_LE (put_entities (out, geom));
      memcpy (out->data + count_at, &n, 4);
    }
  g_byte_array_append (out, &end, 1);

  *size = out->len;
  return g_byte_array_free (out, FALSE);
}

/* Whether a SpatiaLite BLOB's counts fit in it. SpatiaLite 5.0's parser checks them with int
 * arithmetic (gg_wkb.c: `size < offset + 16 * points`), so a count of 2^31 or more passes as a
 * negative number and whatever SQL function reads the geometry then writes through a NULL or
 * past its buffer: a damaged or hostile map crashes any program that reads it. Here every
 * count is checked in 64 bits against the bytes left, for each class SpatiaLite writes (XY,
 * Z, M, ZM, compressed lines and rings, multis and collections of simple members, TinyPoint).
 * A count of 2^31 or more never fits (each vertex, ring or member takes bytes), and the walk
 * stops at the first that does not: its time is bounded by the blob's size. */
typedef struct
{
  const guint8 *p;
  gsize size, pos;
  gboolean little;
} BlobWalk;

static gboolean
walk_u32 (BlobWalk *w, guint32 *v)
{
  if (w->size - w->pos < 4)
    return FALSE;
  guint32 raw;
  memcpy (&raw, w->p + w->pos, 4);
  *v = w->little ? GUINT32_FROM_LE (raw) : GUINT32_FROM_BE (raw);
  w->pos += 4;
  return TRUE;
}

static gboolean
walk_skip (BlobWalk *w, guint64 n)
{
  if (n > w->size - w->pos)
    return FALSE;
  w->pos += n;
  return TRUE;
}

/* @n vertices: full ones of @full bytes, or (compressed) the first and last full and the
 * others @packed bytes. */
static gboolean
walk_vertices (BlobWalk *w, guint full, guint packed, gboolean compressed)
{
  guint32 n;
  if (!walk_u32 (w, &n))
    return FALSE;
  guint64 bytes = compressed && n > 2 ? 2 * (guint64) full + (guint64) (n - 2) * packed
                                      : (guint64) n * full;
  return walk_skip (w, bytes);
}

static gboolean
walk_body (BlobWalk *w, guint32 cls, gboolean member)
{
  gboolean compressed = cls >= 1000000 && cls < 1004000;
  guint32 rest = compressed ? cls - 1000000 : cls;
  guint dims = rest / 1000, base = rest % 1000;
  if (dims > 3 || base < 1 || base > 7 || (compressed && base != 2 && base != 3))
    return FALSE;
  static const guint full[4] = { 16, 24, 24, 32 }, packed[4] = { 8, 12, 16, 20 };
  switch (base)
    {
    case 1:
      return walk_skip (w, full[dims]);
    case 2:
      return walk_vertices (w, full[dims], packed[dims], compressed);
    case 3:
      {
        guint32 rings;
        if (!walk_u32 (w, &rings))
          return FALSE;
        for (guint32 r = 0; r < rings; r++)
          if (!walk_vertices (w, full[dims], packed[dims], compressed))
            return FALSE;
        return TRUE;
      }
    default: /* a multi or a collection: simple members only */
      {
        guint32 count, member_cls;
        if (member || !walk_u32 (w, &count))
          return FALSE;
        for (guint32 i = 0; i < count; i++)
          if (w->pos >= w->size || w->p[w->pos++] != 0x69 || !walk_u32 (w, &member_cls) ||
              !walk_body (w, member_cls, TRUE))
            return FALSE;
        return TRUE;
      }
    }
}

gboolean
cm_geom_spatialite_blob_mbr (const guint8 *blob, int len, double bbox[4])
{
  if (blob == NULL || len < 39 || blob[0] != 0x00 || blob[38] != 0x7C || blob[1] > 1)
    return FALSE;
  for (int i = 0; i < 4; i++)
    {
      guint64 bits;
      memcpy (&bits, blob + 6 + 8 * i, 8);
      bits = blob[1] == 1 ? GUINT64_FROM_LE (bits) : GUINT64_FROM_BE (bits);
      memcpy (&bbox[i], &bits, 8);
    }
  return TRUE;
}

gboolean
cm_geom_spatialite_blob_is_safe (const guint8 *blob, gsize size)
{
  if (blob == NULL || size < 24 || blob[0] != 0x00 || blob[size - 1] != 0xFE)
    return FALSE;
  if (blob[1] == 0x80 || blob[1] == 0x81) /* TinyPoint: fixed sizes, XY, XYZ or XYM, XYZM */
    return size == 24 || size == 32 || size == 40;
  if ((blob[1] != 0x00 && blob[1] != 0x01) || size < 44 || blob[38] != 0x7C)
    return FALSE;
  BlobWalk w = { .p = blob, .size = size - 1, .pos = 39, .little = blob[1] == 0x01 };
  guint32 cls;
  return walk_u32 (&w, &cls) && walk_body (&w, cls, FALSE);
}

/* ---- WKB ----------------------------------------------------------------------------------- */

typedef struct
{
  const guint8 *p, *end;
  gboolean ok;
} WkbReader;

static guint32
wkb_u32 (WkbReader *r, gboolean le)
{
  if (r->end - r->p < 4)
    {
      r->ok = FALSE;
      return 0;
    }
  guint32 v;
  memcpy (&v, r->p, 4);
  r->p += 4;
  return le ? GUINT32_FROM_LE (v) : GUINT32_FROM_BE (v);
}

static double
wkb_double (WkbReader *r, gboolean le)
{
  if (r->end - r->p < 8)
    {
      r->ok = FALSE;
      return 0;
    }
  guint64 v;
  memcpy (&v, r->p, 8);
  r->p += 8;
  v = le ? GUINT64_FROM_LE (v) : GUINT64_FROM_BE (v);
  double d;
  memcpy (&d, &v, 8);
  return d;
}

/* Reads n positions of @dims ordinates, keeping x and y. */
static void
wkb_points (WkbReader *r, gboolean le, guint32 n, int dims, CmGeom *geom)
{
  if (!r->ok || (gsize) (r->end - r->p) / (8u * dims) < n)
    {
      r->ok = FALSE;
      return;
    }
  for (guint32 i = 0; i < n; i++)
    {
      double xy[2] = { wkb_double (r, le), wkb_double (r, le) };
      for (int k = 2; k < dims; k++)
        wkb_double (r, le);
      g_array_append_vals (geom->xy, xy, 2);
    }
}

static CmGeom *wkb_read (WkbReader *r, int depth);

/* Appends one simple member (type @single) to @geom. */
static void
wkb_simple (WkbReader *r, gboolean le, CmGeomType single, int dims, CmGeom *geom)
{
  guint rings = 1;
  if (single == CM_GEOM_POINT)
    {
      wkb_points (r, le, 1, dims, geom);
      guint one = 1;
      g_array_append_val (geom->ring_len, one);
    }
  else if (single == CM_GEOM_LINESTRING)
    {
      guint32 n = wkb_u32 (r, le);
      wkb_points (r, le, n, dims, geom);
      guint len = n;
      g_array_append_val (geom->ring_len, len);
    }
  else
    {
      rings = wkb_u32 (r, le);
      for (guint i = 0; i < rings && r->ok; i++)
        {
          guint32 n = wkb_u32 (r, le);
          wkb_points (r, le, n, dims, geom);
          guint len = n;
          g_array_append_val (geom->ring_len, len);
        }
    }
  g_array_append_val (geom->part_len, rings);
}

static CmGeom *
wkb_read (WkbReader *r, int depth)
{
  if (depth > 8 || r->end - r->p < 5)
    return (r->ok = FALSE, NULL);
  gboolean le = *r->p++ == 1;
  guint32 code = wkb_u32 (r, le);
  int dims = 2;
  /* ISO (1000s: Z, 2000s: M, 3000s: ZM) and EWKB flags */
  if (code & 0x80000000u)
    dims++;
  if (code & 0x40000000u)
    dims++;
  code &= 0x0fffffffu;
  if (code >= 3000)
    dims = 4, code -= 3000;
  else if (code >= 2000 || code >= 1000)
    dims = 3, code %= 1000;
  if (code < CM_GEOM_POINT || code > CM_GEOM_COLLECTION)
    return (r->ok = FALSE, NULL);

  CmGeom *geom = cm_geom_new (code);
  if (code == CM_GEOM_COLLECTION)
    {
      guint32 n = wkb_u32 (r, le);
      for (guint32 i = 0; i < n && r->ok; i++)
        {
          CmGeom *child = wkb_read (r, depth + 1);
          if (child)
            g_ptr_array_add (geom->children, child);
        }
    }
  else if (code >= CM_GEOM_MULTIPOINT)
    {
      guint32 n = wkb_u32 (r, le);
      for (guint32 i = 0; i < n && r->ok; i++)
        {
          if (r->end - r->p < 5)
            {
              r->ok = FALSE;
              break;
            }
          gboolean mle = *r->p++ == 1;
          guint32 mcode = wkb_u32 (r, mle) & 0x0fffffffu;
          int mdims = mcode >= 3000 ? 4 : mcode >= 1000 ? 3 : dims;
          wkb_simple (r, mle, cm_geom_type_single (code), mdims, geom);
        }
    }
  else
    {
      wkb_simple (r, le, code, dims, geom);
    }
  if (!r->ok)
    {
      cm_geom_free (geom);
      return NULL;
    }
  return geom;
}

CmGeom *
cm_geom_from_wkb (const guint8 *wkb, gsize len)
{
  if (wkb == NULL || len == 0)
    return NULL; /* a NULL geometry in a damaged map */
  WkbReader r = { wkb, wkb + len, TRUE };
  return wkb_read (&r, 0);
}

CmGeom *
cm_geom_from_spatialite (const guint8 *blob, gsize len)
{
  /* after the header, the body is WKB's but for each member's 0x69 where WKB has its byte
   * order, and the blob's one byte order for all */
  if (blob == NULL || len < 44 || blob[0] != 0x00 || blob[1] > 1 || blob[38] != 0x7C ||
      blob[len - 1] != 0xFE)
    return NULL;
  gboolean le = blob[1] == 1;
  WkbReader r = { blob + 39, blob + len - 1, TRUE };
  guint32 code = wkb_u32 (&r, le);
  int dims = code >= 4000 ? 0 : code >= 3000 ? 4 : code >= 1000 ? 3 : 2;
  code %= 1000;
  if (dims == 0 || code < CM_GEOM_POINT || code > CM_GEOM_MULTIPOLYGON)
    return NULL; /* compressed, TinyPoint or a collection: SpatiaLite's own parser */
  CmGeom *geom = cm_geom_new (code);
  if (code >= CM_GEOM_MULTIPOINT)
    {
      guint32 n = wkb_u32 (&r, le);
      for (guint32 i = 0; i < n && r.ok; i++)
        {
          if (r.end - r.p < 5 || *r.p++ != 0x69 || wkb_u32 (&r, le) % 1000 != code - 3)
            r.ok = FALSE;
          else
            wkb_simple (&r, le, code - 3, dims, geom);
        }
    }
  else
    wkb_simple (&r, le, code, dims, geom);
  if (!r.ok || r.p != r.end)
    {
      cm_geom_free (geom);
      return NULL;
    }
  return geom;
}

/* ---- a point inside an area ---------------------------------------------------------------- */

/* GEOS's InteriorPointArea (the algorithm of JTS 1.17, which SpatiaLite's ST_PointOnSurface
 * runs), in the same floating-point steps so that the point is the same to the last bit: the
 * widest section of a horizontal line through the polygon at a height between its vertices'. */
typedef struct
{
  double x, y, width;
} Section;

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

/* One polygon: @n rings from ring @ring, their positions from @xy. FALSE when GEOS would find no
 * answer or an odd one (a ring of under four positions, an odd number of crossings). */
static gboolean
polygon_section (const CmGeom *g, guint ring, guint n, const double *xy, GArray *crossings,
                 Section *out)
{
  const guint *len = &g_array_index (g->ring_len, guint, ring);
  if (n == 0 || len[0] < 4)
    return FALSE;
  /* the polygon's envelope is its shell's */
  double lo = G_MAXDOUBLE, hi = -G_MAXDOUBLE;
  for (guint i = 0; i < len[0]; i++)
    lo = MIN (lo, xy[2 * i + 1]), hi = MAX (hi, xy[2 * i + 1]);
  double centre = (lo + hi) / 2.0;
  const double *p = xy;
  for (guint r = 0; r < n; r++)
    {
      if (len[r] < 4)
        return FALSE;
      for (guint i = 0; i < len[r]; i++, p += 2)
        {
          double y = p[1];
          if (y <= centre)
            {
              if (y > lo)
                lo = y;
            }
          else if (y < hi)
            hi = y;
        }
    }
  double scan = (hi + lo) / 2.0;

  g_array_set_size (crossings, 0);
  p = xy;
  for (guint r = 0; r < n; p += 2 * len[r], r++)
    {
      double rlo = G_MAXDOUBLE, rhi = -G_MAXDOUBLE;
      for (guint i = 0; i < len[r]; i++)
        rlo = MIN (rlo, p[2 * i + 1]), rhi = MAX (rhi, p[2 * i + 1]);
      if (scan < rlo || scan > rhi)
        continue;
      for (guint i = 1; i < len[r]; i++)
        {
          double x0 = p[2 * i - 2], y0 = p[2 * i - 1], x1 = p[2 * i], y1 = p[2 * i + 1];
          if ((y0 > scan && y1 > scan) || (y0 < scan && y1 < scan) || y0 == y1)
            continue;
          if ((y0 == scan && y1 < scan) || (y1 == scan && y0 < scan))
            continue;
          double x = x0;
          if (x0 != x1)
            {
              double m = (y1 - y0) / (x1 - x0);
              x = x0 + ((scan - y0) / m);
            }
          g_array_append_val (crossings, x);
        }
    }
  if (crossings->len % 2 != 0)
    return FALSE;
  /* without crossings (no area) GEOS answers the shell's first position */
  *out = (Section) { xy[0], xy[1], 0.0 };
  g_array_sort (crossings, compare_doubles);
  const double *c = (const double *) crossings->data;
  for (guint i = 0; i < crossings->len; i += 2)
    if (c[i + 1] - c[i] > out->width)
      *out = (Section) { (c[i] + c[i + 1]) / 2.0, scan, c[i + 1] - c[i] };
  return TRUE;
}

gboolean
cm_geom_point_on_surface (const CmGeom *geom, double *x, double *y)
{
  if (geom->type != CM_GEOM_POLYGON && geom->type != CM_GEOM_MULTIPOLYGON)
    return FALSE;
  g_autoptr (GArray) crossings = g_array_new (FALSE, FALSE, sizeof (double));
  const double *xy = (const double *) geom->xy->data;
  double best = -1;
  guint ring = 0;
  for (guint part = 0; part < geom->part_len->len; part++)
    {
      guint n = g_array_index (geom->part_len, guint, part);
      Section s;
      if (!polygon_section (geom, ring, n, xy, crossings, &s))
        return FALSE;
      if (s.width > best)
        best = s.width, *x = s.x, *y = s.y;
      for (guint r = 0; r < n; r++)
        xy += 2 * g_array_index (geom->ring_len, guint, ring + r);
      ring += n;
    }
  return best >= 0;
}

/* ---- WKB writer ---------------------------------------------------------------------------- */

static void
wkb_put_u32 (GByteArray *out, guint32 v)
{
  guint32 le = GUINT32_TO_LE (v);
  g_byte_array_append (out, (const guint8 *) &le, 4);
}

static void
wkb_put_header (GByteArray *out, CmGeomType type)
{
  static const guint8 little_endian = 1;
  g_byte_array_append (out, &little_endian, 1);
  wkb_put_u32 (out, type);
}

static void
wkb_put_positions (GByteArray *out, const double *xy, guint n)
{
  for (guint i = 0; i < 2 * n; i++)
    {
      union { double d; guint64 u; } v = { xy[i] };
      guint64 le = GUINT64_TO_LE (v.u);
      g_byte_array_append (out, (const guint8 *) &le, 8);
    }
}

/* One part (point, line or polygon) starting at ring @ring, position @pos; advances both. */
static void
wkb_put_part (GByteArray *out, const CmGeom *g, CmGeomType single, guint rings, guint *ring,
              guint *pos)
{
  wkb_put_header (out, single);
  const double *xy = (const double *) g->xy->data;
  if (single == CM_GEOM_POLYGON)
    wkb_put_u32 (out, rings);
  for (guint r = 0; r < rings; r++)
    {
      guint n = g_array_index (g->ring_len, guint, *ring);
      if (single != CM_GEOM_POINT)
        wkb_put_u32 (out, n);
      wkb_put_positions (out, xy + 2 * *pos, single == CM_GEOM_POINT ? 1 : n);
      *pos += n;
      (*ring)++;
    }
}

static void
wkb_write (GByteArray *out, const CmGeom *g)
{
  if (g->type == CM_GEOM_COLLECTION)
    {
      wkb_put_header (out, CM_GEOM_COLLECTION);
      wkb_put_u32 (out, g->children->len);
      for (guint i = 0; i < g->children->len; i++)
        wkb_write (out, g_ptr_array_index (g->children, i));
      return;
    }
  CmGeomType single = cm_geom_type_single (g->type);
  guint ring = 0, pos = 0;
  if (single == g->type)
    {
      wkb_put_part (out, g, single, g_array_index (g->part_len, guint, 0), &ring, &pos);
      return;
    }
  wkb_put_header (out, g->type);
  wkb_put_u32 (out, g->part_len->len);
  for (guint p = 0; p < g->part_len->len; p++)
    wkb_put_part (out, g, single, g_array_index (g->part_len, guint, p), &ring, &pos);
}

GBytes *
cm_geom_to_wkb (const CmGeom *geom)
{
  GByteArray *out = g_byte_array_new ();
  wkb_write (out, geom);
  return g_byte_array_free_to_bytes (out);
}

/* ---- validity, as a person drawing needs it ------------------------------------------------ */

gboolean
cm_geom_find_problem (const CmGeom *geom, double where[2], char **reason)
{
  GEOSContextHandle_t ctx = GEOS_init_r ();
  GEOSGeometry *g = cm_geom_to_geos (ctx, geom);
  gboolean problem = FALSE;
  if (g == NULL)
    {
      problem = TRUE;
      if (reason)
        *reason = g_strdup ("not a geometry");
      where[0] = where[1] = 0;
    }
  else
    {
      char *geos_reason = NULL;
      GEOSGeometry *location = NULL;
      if (GEOSisValidDetail_r (ctx, g, 0, &geos_reason, &location) == 0)
        {
          problem = TRUE;
          if (location == NULL || GEOSGeomGetX_r (ctx, location, &where[0]) != 1 ||
              GEOSGeomGetY_r (ctx, location, &where[1]) != 1)
            where[0] = where[1] = 0;
          if (reason)
            *reason = g_strdup (geos_reason ? geos_reason : "invalid");
        }
      if (geos_reason)
        GEOSFree_r (ctx, geos_reason);
      if (location)
        GEOSGeom_destroy_r (ctx, location);
      GEOSGeom_destroy_r (ctx, g);
    }
  GEOS_finish_r (ctx);
  return problem;
}

/* ---- GeoJSON ---------------------------------------------------------------------------------- */

static const char *
geojson_type_name (CmGeomType type)
{
  static const char *const names[] = { NULL, "Point", "LineString", "Polygon", "MultiPoint",
                                       "MultiLineString", "MultiPolygon", "GeometryCollection" };
  return names[type];
}

/* A coordinate: 7 decimals (a centimetre: computed results), or exact — the shortest text
 * that reads back as the same double (a map's own data leaving it). */
static void
append_number (GString *out, double v, gboolean exact)
{
  if (!exact)
    {
      g_string_append_printf (out, "%.7f", v);
      return;
    }
  cm_json_append_double (out, v);
}

static void
append_position (GString *out, const double *xy, gboolean exact)
{
  g_string_append_c (out, '[');
  append_number (out, xy[0], exact);
  g_string_append (out, exact ? "," : ", ");
  append_number (out, xy[1], exact);
  g_string_append_c (out, ']');
}

static void
append_geojson (GString *out, const CmGeom *geom, gboolean exact)
{
  const char *sep = exact ? "," : ", ";
  gboolean multi = geom->type >= CM_GEOM_MULTIPOINT && geom->type != CM_GEOM_COLLECTION;
  /* exact output is the map's data: a one-part multi geometry as its single type */
  gboolean unwrap = exact && multi && geom->part_len->len == 1;
  CmGeomType type = unwrap ? cm_geom_type_single (geom->type) : geom->type;
  g_string_append_printf (out, exact ? "{\"type\":\"%s\"," : "{\"type\": \"%s\", ",
                          geojson_type_name (type));
  if (geom->type == CM_GEOM_COLLECTION)
    {
      g_string_append (out, exact ? "\"geometries\":[" : "\"geometries\": [");
      for (guint i = 0; i < geom->children->len; i++)
        {
          if (i)
            g_string_append (out, sep);
          append_geojson (out, g_ptr_array_index (geom->children, i), exact);
        }
      g_string_append (out, "]}");
      return;
    }
  g_string_append (out, exact ? "\"coordinates\":" : "\"coordinates\": ");
  const double *xy = (const double *) geom->xy->data;
  CmGeomType single = cm_geom_type_single (geom->type);
  guint ring = 0, pos = 0;
  if (multi && !unwrap)
    g_string_append_c (out, '[');
  for (guint p = 0; p < geom->part_len->len; p++)
    {
      guint rings = g_array_index (geom->part_len, guint, p);
      if (p)
        g_string_append (out, sep);
      if (single == CM_GEOM_POLYGON)
        g_string_append_c (out, '[');
      for (guint r = 0; r < rings; r++, ring++)
        {
          guint n = g_array_index (geom->ring_len, guint, ring);
          if (r)
            g_string_append (out, sep);
          if (single != CM_GEOM_POINT)
            g_string_append_c (out, '[');
          for (guint i = 0; i < n; i++)
            {
              if (i)
                g_string_append (out, sep);
              append_position (out, xy + 2 * (pos + i), exact);
            }
          if (single != CM_GEOM_POINT)
            g_string_append_c (out, ']');
          pos += n;
        }
      if (single == CM_GEOM_POLYGON)
        g_string_append_c (out, ']');
    }
  if (multi && !unwrap)
    g_string_append_c (out, ']');
  g_string_append_c (out, '}');
}

void
cm_geom_append_geojson (GString *out, const CmGeom *geom)
{
  append_geojson (out, geom, FALSE);
}

void
cm_geom_append_geojson_exact (GString *out, const CmGeom *geom)
{
  append_geojson (out, geom, TRUE);
}

/* The sign of the turn a → b → c: +1 left, -1 right, 0 when floating point cannot tell (the
 * points are in a line, or so nearly that rounding could flip the sign: near 0°, where the
 * differences of coordinates are rounded too). The bound is Shewchuk's error bound for this
 * determinant (3.3e-16 of the products' sum), taken four times larger. */
static int
turn_sign (const double *a, const double *b, const double *c)
{
  double left = (a[0] - c[0]) * (b[1] - c[1]);
  double right = (a[1] - c[1]) * (b[0] - c[0]);
  double det = left - right;
  double sum = fabs (left) + fabs (right);
  if (sum < 1e-280)
    return 0; /* products this small lose digits (subnormal numbers): the bound would not hold */
  double bound = 1.4e-15 * sum;
  if (det > bound)
    return 1;
  if (-det > bound)
    return -1;
  return 0;
}

/* Whether the sides p→q and r→s surely share no point: their boxes are apart, or one side
 * lies wholly on one side of the other's line. */
static gboolean
sides_surely_apart (const double *p, const double *q, const double *r, const double *s)
{
  if (MAX (p[0], q[0]) < MIN (r[0], s[0]) || MAX (r[0], s[0]) < MIN (p[0], q[0]) ||
      MAX (p[1], q[1]) < MIN (r[1], s[1]) || MAX (r[1], s[1]) < MIN (p[1], q[1]))
    return TRUE;
  int r_side = turn_sign (p, q, r), s_side = turn_sign (p, q, s);
  if (r_side != 0 && r_side == s_side)
    return TRUE;
  int p_side = turn_sign (r, s, p), q_side = turn_sign (r, s, q);
  return p_side != 0 && p_side == q_side;
}

gboolean
cm_geom_is_surely_valid_polygon (const CmGeom *geom)
{
  if (geom->type != CM_GEOM_POLYGON || geom->ring_len->len != 1)
    return FALSE;
  guint n = g_array_index (geom->ring_len, guint, 0); /* positions, the last repeating the first */
  if (n < 4 || n > CM_GEOM_QUICK_VALID_MAX || geom->xy->len != 2 * n)
    return FALSE;
  const double *pt = (const double *) geom->xy->data;
  if (pt[0] != pt[2 * (n - 1)] || pt[1] != pt[2 * (n - 1) + 1])
    return FALSE;
  guint sides = n - 1; /* side i runs from position i to position i + 1 */
  for (guint i = 0; i < sides; i++)
    if (!isfinite (pt[2 * i]) || !isfinite (pt[2 * i + 1]))
      return FALSE;
  /* neighbours meet only at their corner: a real turn there (no repeated position, no spike
   * going back along the side, no straight corner GEOS would have to look at) */
  for (guint i = 0; i < sides; i++)
    {
      guint next = (i + 1) % sides, after = (i + 2) % sides;
      if (turn_sign (pt + 2 * i, pt + 2 * next, pt + 2 * after) == 0)
        return FALSE;
    }
  /* every other pair of sides: no point in common */
  for (guint i = 0; i < sides; i++)
    for (guint j = i + 2; j < sides; j++)
      {
        if (i == 0 && j == sides - 1)
          continue; /* the first and the last side are neighbours too */
        if (!sides_surely_apart (pt + 2 * i, pt + 2 * (i + 1), pt + 2 * j, pt + 2 * (j + 1)))
          return FALSE;
      }
  return TRUE;
}

double
cm_geom_area_m2 (const CmGeom *geom)
{
  if (geom->type == CM_GEOM_COLLECTION)
    {
      double sum = 0;
      for (guint i = 0; i < geom->children->len; i++)
        sum += cm_geom_area_m2 (g_ptr_array_index (geom->children, i));
      return sum;
    }
  if (cm_geom_type_single (geom->type) != CM_GEOM_POLYGON || geom->xy->len == 0)
    return 0;
  /* a plane tangent at the middle latitude (cm-geodesic): the outer ring counts, holes do
   * not; each ring's shoelace area, its sign as drawn */
  double b[4];
  cm_geom_get_bbox (geom, b);
  double kx, ky;
  cm_geodesic_scale ((b[1] + b[3]) / 2, &kx, &ky);
  const double *xy = (const double *) geom->xy->data;
  double total = 0;
  guint ring = 0, pos = 0;
  for (guint p = 0; p < geom->part_len->len; p++)
    for (guint r = 0; r < g_array_index (geom->part_len, guint, p); r++, ring++)
      {
        guint n = g_array_index (geom->ring_len, guint, ring);
        double twice = 0;
        for (guint i = 0; i + 1 < n; i++)
          {
            const double *a = xy + 2 * (pos + i), *c = a + 2;
            twice += ((a[0] - b[0]) * kx) * ((c[1] - b[1]) * ky) -
                     ((c[0] - b[0]) * kx) * ((a[1] - b[1]) * ky);
          }
        total += r == 0 ? fabs (twice) / 2 : -fabs (twice) / 2;
        pos += n;
      }
  return total;
}
