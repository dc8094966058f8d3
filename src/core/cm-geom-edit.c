/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-geom-edit.c: vertex edits on a CmGeom. */
#include "config.h"

#include "cm-geom-edit.h"

#include <glib/gi18n-lib.h>

/* The ring (or line, or point) holding @position: its index and first position. */
static guint
ring_of (const CmGeom *geom, guint position, guint *start)
{
  guint first = 0;
  *start = 0;
  for (guint r = 0; r < geom->ring_len->len; r++)
    {
      guint n = g_array_index (geom->ring_len, guint, r);
      if (position < first + n)
        {
          *start = first;
          return r;
        }
      first += n;
    }
  g_return_val_if_reached (0);
}

static gboolean
is_area (const CmGeom *geom)
{
  CmGeomType t = cm_geom_type_single (geom->type);
  return t == CM_GEOM_POLYGON;
}

guint
cm_geom_n_positions (const CmGeom *geom)
{
  return geom->type == CM_GEOM_COLLECTION ? 0 : geom->xy->len / 2;
}

gboolean
cm_geom_is_closing (const CmGeom *geom, guint position)
{
  if (!is_area (geom))
    return FALSE;
  guint start, r = ring_of (geom, position, &start);
  return position == start + g_array_index (geom->ring_len, guint, r) - 1;
}

guint
cm_geom_next_in_ring (const CmGeom *geom, guint position)
{
  guint start, r = ring_of (geom, position, &start);
  guint n = g_array_index (geom->ring_len, guint, r);
  if (position + 1 < start + n)
    return position + 1;
  return is_area (geom) ? start : G_MAXUINT;
}

void
cm_geom_move_position (CmGeom *geom, guint position, double x, double y)
{
  double *xy = (double *) geom->xy->data;
  xy[2 * position] = x;
  xy[2 * position + 1] = y;
  if (is_area (geom))
    {
      guint start, r = ring_of (geom, position, &start);
      guint last = start + g_array_index (geom->ring_len, guint, r) - 1;
      if (position == start)
        xy[2 * last] = x, xy[2 * last + 1] = y;
      else if (position == last)
        xy[2 * start] = x, xy[2 * start + 1] = y;
    }
}

guint
cm_geom_insert_after (CmGeom *geom, guint position, double x, double y)
{
  guint start, r = ring_of (geom, position, &start);
  double p[2] = { x, y };
  g_array_insert_vals (geom->xy, 2 * (position + 1), p, 2);
  g_array_index (geom->ring_len, guint, r)++;
  return position + 1;
}

gboolean
cm_geom_remove_position (CmGeom *geom, guint position, const char **reason)
{
  guint start, r = ring_of (geom, position, &start);
  guint n = g_array_index (geom->ring_len, guint, r);
  gboolean area = is_area (geom);
  if (cm_geom_type_single (geom->type) == CM_GEOM_POINT)
    {
      *reason = _("a point has no corners to remove: delete the feature instead");
      return FALSE;
    }
  if (!area && n <= 2)
    {
      *reason = _("a line needs at least two points");
      return FALSE;
    }
  if (area && n <= 4) /* three corners and the closing copy */
    {
      *reason = _("an area needs at least three corners");
      return FALSE;
    }
  if (area && position == start + n - 1)
    position = start; /* the closing copy stands for the first corner */
  g_array_remove_range (geom->xy, 2 * position, 2);
  g_array_index (geom->ring_len, guint, r)--;
  if (area && position == start)
    {
      /* the new first corner closes the ring */
      double *xy = (double *) geom->xy->data;
      guint last = start + n - 2;
      xy[2 * last] = xy[2 * start];
      xy[2 * last + 1] = xy[2 * start + 1];
    }
  return TRUE;
}

void
cm_geom_translate (CmGeom *geom, double dx, double dy)
{
  if (geom->type == CM_GEOM_COLLECTION)
    {
      for (guint i = 0; i < geom->children->len; i++)
        cm_geom_translate (g_ptr_array_index (geom->children, i), dx, dy);
      return;
    }
  double *xy = (double *) geom->xy->data;
  for (guint i = 0; i < geom->xy->len / 2; i++)
    xy[2 * i] += dx, xy[2 * i + 1] += dy;
}

CmGeom *
cm_geom_copy (const CmGeom *geom)
{
  CmGeom *copy = cm_geom_new (geom->type);
  if (geom->type == CM_GEOM_COLLECTION)
    {
      for (guint i = 0; i < geom->children->len; i++)
        g_ptr_array_add (copy->children, cm_geom_copy (g_ptr_array_index (geom->children, i)));
      return copy;
    }
  g_array_append_vals (copy->xy, geom->xy->data, geom->xy->len);
  g_array_append_vals (copy->ring_len, geom->ring_len->data, geom->ring_len->len);
  g_array_append_vals (copy->part_len, geom->part_len->data, geom->part_len->len);
  return copy;
}

void
cm_geom_add_parts (CmGeom *multi, const CmGeom *geom)
{
  g_return_if_fail (multi->type >= CM_GEOM_MULTIPOINT && multi->type <= CM_GEOM_MULTIPOLYGON);
  g_return_if_fail (cm_geom_type_single (geom->type) == cm_geom_type_single (multi->type));
  g_array_append_vals (multi->xy, geom->xy->data, geom->xy->len);
  g_array_append_vals (multi->ring_len, geom->ring_len->data, geom->ring_len->len);
  g_array_append_vals (multi->part_len, geom->part_len->data, geom->part_len->len);
}
