/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-snap.c: nearest vertex, else nearest point on a segment, through the spatial index. */
#include "cm-snap.h"

#include <math.h>
#include <string.h>

#include "cm-geom.h"

typedef struct
{
  double lon, lat, kx; /* the pointer; kx: metres-like scale of a degree of longitude */
  const char *exclude;
  double vertex_d, vertex[2];
  double segment_d, segment[2];
} Snap;

static void
consider (Snap *s, const CmGeom *g)
{
  if (g->type == CM_GEOM_COLLECTION)
    {
      for (guint i = 0; i < g->children->len; i++)
        consider (s, g_ptr_array_index (g->children, i));
      return;
    }
  const double *xy = (const double *) g->xy->data;
  gboolean lines = cm_geom_type_single (g->type) != CM_GEOM_POINT;
  guint start = 0;
  for (guint r = 0; r < g->ring_len->len; r++)
    {
      guint n = g_array_index (g->ring_len, guint, r);
      for (guint i = start; i < start + n; i++)
        {
          double dx = (xy[2 * i] - s->lon) * s->kx, dy = xy[2 * i + 1] - s->lat;
          double d = hypot (dx, dy);
          if (d < s->vertex_d)
            {
              s->vertex_d = d;
              s->vertex[0] = xy[2 * i];
              s->vertex[1] = xy[2 * i + 1];
            }
          if (!lines || i + 1 >= start + n)
            continue;
          /* the nearest point of segment i → i + 1, in the scaled plane */
          double ax = xy[2 * i] * s->kx, ay = xy[2 * i + 1];
          double bx = xy[2 * i + 2] * s->kx, by = xy[2 * i + 3];
          double px = s->lon * s->kx, py = s->lat;
          double vx = bx - ax, vy = by - ay, len2 = vx * vx + vy * vy;
          double t = len2 > 0 ? CLAMP (((px - ax) * vx + (py - ay) * vy) / len2, 0, 1) : 0;
          double qx = ax + t * vx, qy = ay + t * vy;
          double ds = hypot (qx - px, qy - py);
          if (ds < s->segment_d)
            {
              s->segment_d = ds;
              s->segment[0] = qx / s->kx;
              s->segment[1] = qy;
            }
        }
      start += n;
    }
}

static gboolean
visit (const CmFeatureRow *row, gpointer user_data)
{
  Snap *s = user_data;
  if (s->exclude && g_strcmp0 (row->uuid, s->exclude) == 0)
    return TRUE;
  g_autoptr (CmGeom) g = cm_geom_from_wkb (row->wkb, row->wkb_len);
  if (g)
    consider (s, g);
  return TRUE;
}

gboolean
cm_store_snap (CmStore *store, double lon, double lat, double tolerance,
               const char *exclude_uuid, guint hidden, double snapped[2])
{
  Snap s = { lon, lat, cos (lat * G_PI / 180.0), exclude_uuid, tolerance, { 0, 0 }, tolerance,
             { 0, 0 } };
  double dlon = tolerance / MAX (s.kx, 1e-6);
  double bbox[4] = { lon - dlon, lat - tolerance, lon + dlon, lat + tolerance };
  for (int layer = 0; layer < CM_N_LAYERS; layer++)
    if (!(hidden & (1u << layer)))
      cm_store_foreach_in_bbox (store, layer, bbox, visit, &s, NULL);
  /* a vertex wins over a segment: corners meet exactly */
  if (s.vertex_d < tolerance)
    {
      snapped[0] = s.vertex[0];
      snapped[1] = s.vertex[1];
      return TRUE;
    }
  if (s.segment_d < tolerance)
    {
      snapped[0] = s.segment[0];
      snapped[1] = s.segment[1];
      return TRUE;
    }
  return FALSE;
}
