/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-geom-edit.h: the edits a person makes to a drawn shape — move a vertex, insert one in a
 * segment, remove one, move the whole shape — on a CmGeom, in longitude/latitude.
 *
 * Positions are numbered through the whole geometry (all parts, all rings), as in geom->xy. A
 * polygon ring's last position repeats its first: it is not a vertex of its own (no handle), and
 * moving or removing the first moves or removes both. Collections are not edited. */
#pragma once

#include "cm-geom.h"

G_BEGIN_DECLS

guint cm_geom_n_positions (const CmGeom *geom);
/* TRUE for the closing position of a polygon ring (a copy of the ring's first). */
gboolean cm_geom_is_closing (const CmGeom *geom, guint position);
/* The position after @position along its line or ring, or G_MAXUINT at a line's end. For a
 * ring's last vertex, the ring's first. */
guint cm_geom_next_in_ring (const CmGeom *geom, guint position);

void cm_geom_move_position (CmGeom *geom, guint position, double x, double y);
/* Inserts a vertex at @x, @y between @position and the next one of its line or ring. Returns
 * the new vertex's position. */
guint cm_geom_insert_after (CmGeom *geom, guint position, double x, double y);
/* Removes a vertex unless the line would keep fewer than 2 or the ring fewer than 3: then
 * FALSE and @reason (translated) says why. */
gboolean cm_geom_remove_position (CmGeom *geom, guint position, const char **reason);
void cm_geom_translate (CmGeom *geom, double dx, double dy);
CmGeom *cm_geom_copy (const CmGeom *geom);
/* Appends the parts of @geom (a polygon or multipolygon; a line or multiline; a point or
 * multipoint) to @multi, a multi geometry of that kind: an area drawn in several parts. */
void cm_geom_add_parts (CmGeom *multi, const CmGeom *geom);

G_END_DECLS
