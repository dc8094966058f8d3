/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-teams.c: team coverage with GEOS in local metres.
 *
 * Overlaps come from the arrangement of all team outlines: the outlines are noded (unioned as
 * lines) and polygonized into faces; each face lies inside a fixed set of teams (tested at a
 * point inside it), and faces with the same set of two or more teams are merged. That names
 * exactly which teams share each piece of ground, triple overlaps included. */
#include "config.h"

#include "cm-teams.h"

#include <glib/gi18n-lib.h>

#include <math.h>
#include <string.h>

#include "cm-geodesic.h"
#include "cm-geom-edit.h"
#include "cm-json-writer.h"
#include "cm-store-private.h"

static void
team_clear (gpointer p)
{
  CmTeam *t = p;
  g_free (t->uuid);
  g_free (t->name);
  g_free (t->kind);
  cm_geom_free (t->geom);
}

static void
overlap_free (gpointer p)
{
  CmTeamOverlap *o = p;
  g_array_unref (o->teams);
  cm_geom_free (o->geom);
  g_free (o);
}

CmTeams *
cm_teams_new (void)
{
  CmTeams *t = g_new0 (CmTeams, 1);
  t->teams = g_array_new (FALSE, TRUE, sizeof (CmTeam));
  g_array_set_clear_func (t->teams, team_clear);
  t->boundary = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_geom_free);
  t->buildings = cm_coverage_new ();
  t->overlaps = g_ptr_array_new_with_free_func (overlap_free);
  return t;
}

void
cm_teams_free (CmTeams *t)
{
  if (t == NULL)
    return;
  g_array_unref (t->teams);
  g_ptr_array_unref (t->boundary);
  cm_coverage_free (t->buildings);
  g_ptr_array_unref (t->overlaps);
  cm_geom_free (t->covered);
  cm_geom_free (t->gaps);
  g_free (t);
}

void
cm_teams_add_team (CmTeams *t, const char *uuid, const char *name, const char *kind,
                   const CmGeom *geom)
{
  if (geom == NULL || !cm_geom_has_areas (geom))
    return;
  CmTeam team = { 0 };
  team.uuid = g_strdup (uuid);
  team.name = g_strdup (name);
  team.kind = g_strdup (kind);
  team.geom = cm_geom_copy (geom);
  g_array_append_val (t->teams, team);
}

void
cm_teams_add_boundary (CmTeams *t, const CmGeom *geom)
{
  if (geom && cm_geom_has_areas (geom))
    g_ptr_array_add (t->boundary, cm_geom_copy (geom));
}

CmTeams *
cm_teams_load (CmStore *store, GError **error)
{
  g_autoptr (CmTeams) t = cm_teams_new ();
  static const char *const sql[] = {
    "SELECT uuid, name, kind, AsBinary(CmGeom(geom)) FROM teams"
    " WHERE deleted = 0 AND geom IS NOT NULL ORDER BY rowid",
    "SELECT uuid, name, NULL, AsBinary(CmGeom(geom)) FROM boundary"
    " WHERE deleted = 0 AND geom IS NOT NULL ORDER BY rowid",
  };
  for (int layer = 0; layer < 2; layer++)
    {
      sqlite3_stmt *stmt = _cm_store_prepare (store, sql[layer], error);
      if (stmt == NULL)
        return NULL;
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          g_autoptr (CmGeom) geom = cm_geom_from_wkb (sqlite3_column_blob (stmt, 3),
                                                      (gsize) sqlite3_column_bytes (stmt, 3));
          if (layer == 0)
            cm_teams_add_team (t, (const char *) sqlite3_column_text (stmt, 0),
                               (const char *) sqlite3_column_text (stmt, 1),
                               (const char *) sqlite3_column_text (stmt, 2), geom);
          else
            cm_teams_add_boundary (t, geom);
        }
      sqlite3_finalize (stmt);
    }
  if (!cm_coverage_load_buildings (t->buildings, store, error))
    return NULL;
  return g_steal_pointer (&t);
}

/* ---- computing -------------------------------------------------------------------------------- */

typedef struct
{
  GEOSContextHandle_t ctx;
  GEOSMakeValidParams *make_valid;
  double lon0, lat0, kx, ky;
} Work;

static void
transform (CmGeom *geom, const Work *w, gboolean to_local)
{
  double *xy = (double *) geom->xy->data;
  for (guint i = 0; i < geom->xy->len / 2; i++)
    {
      if (to_local)
        xy[2 * i] = (xy[2 * i] - w->lon0) * w->kx, xy[2 * i + 1] = (xy[2 * i + 1] - w->lat0) * w->ky;
      else
        xy[2 * i] = w->lon0 + xy[2 * i] / w->kx, xy[2 * i + 1] = w->lat0 + xy[2 * i + 1] / w->ky;
    }
  for (guint i = 0; geom->children && i < geom->children->len; i++)
    transform (g_ptr_array_index (geom->children, i), w, to_local);
}

/* Only the areas of @g (MakeValid can leave lines and points beside them). Takes @g. */
static GEOSGeometry *
polygons_of (const Work *w, GEOSGeometry *g)
{
  int type = GEOSGeomTypeId_r (w->ctx, g);
  if (type == GEOS_POLYGON || type == GEOS_MULTIPOLYGON)
    return g;
  GPtrArray *parts = g_ptr_array_new ();
  for (int i = 0; i < GEOSGetNumGeometries_r (w->ctx, g); i++)
    {
      const GEOSGeometry *part = GEOSGetGeometryN_r (w->ctx, g, i);
      int t = GEOSGeomTypeId_r (w->ctx, part);
      if (t == GEOS_POLYGON || t == GEOS_MULTIPOLYGON)
        g_ptr_array_add (parts, GEOSGeom_clone_r (w->ctx, part));
    }
  GEOSGeometry *collection = GEOSGeom_createCollection_r (
      w->ctx, GEOS_GEOMETRYCOLLECTION, (GEOSGeometry **) parts->pdata, parts->len);
  g_ptr_array_free (parts, TRUE);
  GEOSGeom_destroy_r (w->ctx, g);
  GEOSGeometry *merged = GEOSUnaryUnion_r (w->ctx, collection);
  GEOSGeom_destroy_r (w->ctx, collection);
  return merged;
}

/* @geom (longitude/latitude) as a valid GEOS area in local metres; *repaired when it had to
 * be mended. */
static GEOSGeometry *
to_local_area (const Work *w, const CmGeom *geom, gboolean *repaired)
{
  g_autoptr (CmGeom) local = cm_geom_copy (geom);
  transform (local, w, TRUE);
  GEOSGeometry *g = cm_geom_to_geos (w->ctx, local);
  if (g == NULL)
    return NULL;
  if (repaired)
    *repaired = FALSE;
  if (GEOSisValid_r (w->ctx, g) != 1)
    {
      GEOSGeometry *fixed = GEOSMakeValidWithParams_r (w->ctx, g, w->make_valid);
      GEOSGeom_destroy_r (w->ctx, g);
      if (fixed == NULL)
        return NULL;
      g = polygons_of (w, fixed);
      if (repaired)
        *repaired = TRUE;
    }
  return g;
}

/* A GEOS result back into longitude/latitude; NULL when empty. Takes @g. */
static CmGeom *
from_local (const Work *w, GEOSGeometry *g)
{
  if (g == NULL)
    return NULL;
  CmGeom *geom = GEOSisEmpty_r (w->ctx, g) ? NULL : cm_geom_from_geos (w->ctx, g);
  GEOSGeom_destroy_r (w->ctx, g);
  if (geom)
    transform (geom, w, FALSE);
  return geom;
}

static GEOSGeometry *
union_of (const Work *w, GPtrArray *geoms /* GEOSGeometry*, borrowed */)
{
  GEOSGeometry **copies = g_new (GEOSGeometry *, MAX (geoms->len, 1));
  for (guint i = 0; i < geoms->len; i++)
    copies[i] = GEOSGeom_clone_r (w->ctx, g_ptr_array_index (geoms, i));
  GEOSGeometry *collection
      = GEOSGeom_createCollection_r (w->ctx, GEOS_GEOMETRYCOLLECTION, copies, geoms->len);
  g_free (copies);
  GEOSGeometry *u = GEOSUnaryUnion_r (w->ctx, collection);
  GEOSGeom_destroy_r (w->ctx, collection);
  return u;
}

static void
find_overlaps (CmTeams *t, const Work *w, GPtrArray *areas,
               const GEOSPreparedGeometry **prepared)
{
  /* node every outline against every other, then cut the plane into faces */
  GPtrArray *outlines = g_ptr_array_new_with_free_func (NULL);
  for (guint i = 0; i < areas->len; i++)
    g_ptr_array_add (outlines, GEOSBoundary_r (w->ctx, g_ptr_array_index (areas, i)));
  GEOSGeometry *noded = union_of (w, outlines);
  for (guint i = 0; i < outlines->len; i++)
    GEOSGeom_destroy_r (w->ctx, g_ptr_array_index (outlines, i));
  g_ptr_array_unref (outlines);
  if (noded == NULL)
    return;
  const GEOSGeometry *lines[] = { noded };
  GEOSGeometry *faces = GEOSPolygonize_r (w->ctx, lines, 1);
  GEOSGeom_destroy_r (w->ctx, noded);
  if (faces == NULL)
    return;

  /* faces grouped by the set of teams around them ("0,2" → GPtrArray of faces) */
  g_autoptr (GHashTable) groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                         (GDestroyNotify) g_ptr_array_unref);
  g_autoptr (GPtrArray) order = g_ptr_array_new (); /* keys in the order first seen */
  for (int f = 0; f < GEOSGetNumGeometries_r (w->ctx, faces); f++)
    {
      const GEOSGeometry *face = GEOSGetGeometryN_r (w->ctx, faces, f);
      GEOSGeometry *inside = GEOSPointOnSurface_r (w->ctx, face);
      if (inside == NULL)
        continue;
      GString *key = g_string_new (NULL);
      guint n = 0;
      for (guint i = 0; i < areas->len; i++)
        if (GEOSPreparedContains_r (w->ctx, prepared[i], inside) == 1)
          g_string_append_printf (key, "%s%u", n++ ? "," : "", i);
      GEOSGeom_destroy_r (w->ctx, inside);
      if (n < 2)
        {
          g_string_free (key, TRUE);
          continue;
        }
      GPtrArray *list = g_hash_table_lookup (groups, key->str);
      if (list == NULL)
        {
          list = g_ptr_array_new ();
          g_ptr_array_add (order, key->str);
          g_hash_table_insert (groups, g_string_free (key, FALSE), list);
        }
      else
        g_string_free (key, TRUE);
      g_ptr_array_add (list, (gpointer) face);
    }
  for (guint k = 0; k < order->len; k++)
    {
      const char *key = g_ptr_array_index (order, k);
      GEOSGeometry *merged = union_of (w, g_hash_table_lookup (groups, key));
      CmTeamOverlap *o = g_new0 (CmTeamOverlap, 1);
      o->teams = g_array_new (FALSE, FALSE, sizeof (int));
      g_auto (GStrv) ids = g_strsplit (key, ",", -1);
      for (char **id = ids; *id; id++)
        {
          int index = atoi (*id);
          g_array_append_val (o->teams, index);
        }
      GEOSArea_r (w->ctx, merged, &o->area_m2);
      t->overlap_area_m2 += o->area_m2;
      o->geom = from_local (w, merged);
      g_ptr_array_add (t->overlaps, o);
    }
  GEOSGeom_destroy_r (w->ctx, faces);
}

void
cm_teams_compute (CmTeams *t)
{
  g_clear_pointer (&t->covered, cm_geom_free);
  g_clear_pointer (&t->gaps, cm_geom_free);
  g_ptr_array_set_size (t->overlaps, 0);
  t->boundary_area_m2 = t->covered_area_m2 = t->covered_in_boundary_m2 = 0;
  t->gaps_area_m2 = t->overlap_area_m2 = 0;
  t->repaired = 0;
  t->buildings_outside = 0;
  t->households_outside = t->population_outside = 0;

  /* the local plane: centred on everything drawn */
  double bbox[4] = { G_MAXDOUBLE, G_MAXDOUBLE, -G_MAXDOUBLE, -G_MAXDOUBLE };
  for (guint i = 0; i < t->teams->len + t->boundary->len; i++)
    {
      const CmGeom *g = i < t->teams->len ? g_array_index (t->teams, CmTeam, i).geom
                                          : g_ptr_array_index (t->boundary, i - t->teams->len);
      double b[4];
      cm_geom_get_bbox (g, b);
      bbox[0] = MIN (bbox[0], b[0]), bbox[1] = MIN (bbox[1], b[1]);
      bbox[2] = MAX (bbox[2], b[2]), bbox[3] = MAX (bbox[3], b[3]);
    }
  Work w = { GEOS_init_r (), NULL, (bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2, 0, 0 };
  if (bbox[0] > bbox[2])
    w.lon0 = w.lat0 = 0;
  cm_geodesic_scale (w.lat0, &w.kx, &w.ky);
  w.make_valid = GEOSMakeValidParams_create_r (w.ctx);
  GEOSMakeValidParams_setMethod_r (w.ctx, w.make_valid, GEOS_MAKE_VALID_STRUCTURE);
  GEOSMakeValidParams_setKeepCollapsed_r (w.ctx, w.make_valid, 0);

  GPtrArray *areas = g_ptr_array_new ();
  g_autofree const GEOSPreparedGeometry **prepared
      = g_new0 (const GEOSPreparedGeometry *, MAX (t->teams->len, 1));
  for (guint i = 0; i < t->teams->len; i++)
    {
      CmTeam *team = &g_array_index (t->teams, CmTeam, i);
      team->buildings = 0, team->households = team->population = 0, team->area_m2 = 0;
      GEOSGeometry *g = to_local_area (&w, team->geom, &team->repaired);
      if (g == NULL) /* keeps the indexes of areas and teams the same */
        g = GEOSGeom_createEmptyPolygon_r (w.ctx);
      t->repaired += team->repaired;
      GEOSArea_r (w.ctx, g, &team->area_m2);
      g_ptr_array_add (areas, g);
      prepared[i] = GEOSPrepare_r (w.ctx, g);
    }

  GEOSGeometry *covered = areas->len ? union_of (&w, areas) : NULL;
  if (covered)
    GEOSArea_r (w.ctx, covered, &t->covered_area_m2);

  if (t->boundary->len > 0)
    {
      GPtrArray *parts = g_ptr_array_new ();
      for (guint i = 0; i < t->boundary->len; i++)
        {
          GEOSGeometry *g = to_local_area (&w, g_ptr_array_index (t->boundary, i), NULL);
          if (g)
            g_ptr_array_add (parts, g);
        }
      GEOSGeometry *boundary = parts->len ? union_of (&w, parts) : NULL;
      for (guint i = 0; i < parts->len; i++)
        GEOSGeom_destroy_r (w.ctx, g_ptr_array_index (parts, i));
      g_ptr_array_unref (parts);
      if (boundary)
        {
          GEOSArea_r (w.ctx, boundary, &t->boundary_area_m2);
          GEOSGeometry *gaps = covered ? GEOSDifference_r (w.ctx, boundary, covered)
                                       : GEOSGeom_clone_r (w.ctx, boundary);
          if (covered)
            {
              GEOSGeometry *inside = GEOSIntersection_r (w.ctx, boundary, covered);
              if (inside)
                {
                  GEOSArea_r (w.ctx, inside, &t->covered_in_boundary_m2);
                  GEOSGeom_destroy_r (w.ctx, inside);
                }
            }
          if (gaps)
            GEOSArea_r (w.ctx, gaps, &t->gaps_area_m2);
          t->gaps = from_local (&w, gaps);
          GEOSGeom_destroy_r (w.ctx, boundary);
        }
    }

  if (areas->len >= 2)
    find_overlaps (t, &w, areas, prepared);

  /* buildings by their point-on-surface */
  GArray *buildings = t->buildings->buildings;
  for (guint b = 0; b < buildings->len; b++)
    {
      CmCoverageBuilding *bd = &g_array_index (buildings, CmCoverageBuilding, b);
      GEOSGeometry *p = GEOSGeom_createPointFromXY_r (w.ctx, (bd->lon - w.lon0) * w.kx,
                                                      (bd->lat - w.lat0) * w.ky);
      gboolean in_any = FALSE;
      for (guint i = 0; i < areas->len; i++)
        if (GEOSPreparedIntersects_r (w.ctx, prepared[i], p) == 1)
          {
            CmTeam *team = &g_array_index (t->teams, CmTeam, i);
            team->buildings++;
            team->households += MAX (bd->households, 0);
            team->population += MAX (bd->population, 0);
            in_any = TRUE;
          }
      GEOSGeom_destroy_r (w.ctx, p);
      bd->covered = in_any;
      if (!in_any)
        {
          t->buildings_outside++;
          t->households_outside += MAX (bd->households, 0);
          t->population_outside += MAX (bd->population, 0);
        }
    }

  t->covered = from_local (&w, covered);
  for (guint i = 0; i < areas->len; i++)
    {
      GEOSPreparedGeom_destroy_r (w.ctx, prepared[i]);
      GEOSGeom_destroy_r (w.ctx, g_ptr_array_index (areas, i));
    }
  g_ptr_array_unref (areas);
  GEOSMakeValidParams_destroy_r (w.ctx, w.make_valid);
  GEOS_finish_r (w.ctx);
}

CmGeom *
cm_teams_outline_buildings (GPtrArray *shapes, double margin_m)
{
  if (shapes == NULL || shapes->len == 0)
    return NULL;
  Work w = { GEOS_init_r () };
  double bbox[4] = { G_MAXDOUBLE, G_MAXDOUBLE, -G_MAXDOUBLE, -G_MAXDOUBLE };
  for (guint i = 0; i < shapes->len; i++)
    {
      double b[4];
      cm_geom_get_bbox (shapes->pdata[i], b);
      bbox[0] = MIN (bbox[0], b[0]), bbox[1] = MIN (bbox[1], b[1]);
      bbox[2] = MAX (bbox[2], b[2]), bbox[3] = MAX (bbox[3], b[3]);
    }
  w.lon0 = (bbox[0] + bbox[2]) / 2, w.lat0 = (bbox[1] + bbox[3]) / 2;
  cm_geodesic_scale (w.lat0, &w.kx, &w.ky);
  w.make_valid = GEOSMakeValidParams_create_r (w.ctx);
  /* each building widened by the margin, the whole unioned, then narrowed by half of it: close
   * buildings become one area with the gaps between them, far ones stay apart */
  GPtrArray *wide = g_ptr_array_new_with_free_func (NULL);
  for (guint i = 0; i < shapes->len; i++)
    {
      GEOSGeometry *g = to_local_area (&w, shapes->pdata[i], NULL);
      if (g == NULL)
        continue;
      g_ptr_array_add (wide, GEOSBuffer_r (w.ctx, g, margin_m, 8));
      GEOSGeom_destroy_r (w.ctx, g);
    }
  GEOSGeometry *u = union_of (&w, wide);
  for (guint i = 0; i < wide->len; i++)
    GEOSGeom_destroy_r (w.ctx, wide->pdata[i]);
  g_ptr_array_unref (wide);
  GEOSGeometry *outline = u ? GEOSBuffer_r (w.ctx, u, -margin_m / 2, 8) : NULL;
  if (u)
    GEOSGeom_destroy_r (w.ctx, u);
  CmGeom *geom = from_local (&w, outline);
  GEOSMakeValidParams_destroy_r (w.ctx, w.make_valid);
  GEOS_finish_r (w.ctx);
  /* a MULTIPOLYGON, as the teams layer holds them */
  if (geom && geom->type == CM_GEOM_POLYGON)
    geom->type = CM_GEOM_MULTIPOLYGON;
  return geom;
}

/* One feature of the teams' GeoJSON: "covered", "gap" or "overlap" with its area; an overlap
 * also names its teams. */
static void
append_feature (GString *out, guint *n, const char *kind, double area_m2, const CmGeom *geom,
                CmTeams *t, const CmTeamOverlap *o)
{
  g_string_append_printf (out, "%s\n{\"type\": \"Feature\", \"properties\": {\"kind\": "
                               "\"%s\", \"area_m2\": %.0f",
                          (*n)++ ? "," : "", kind, area_m2);
  if (o)
    {
      g_string_append_printf (out, ", \"teams\": %u, \"names\": [", o->teams->len);
      for (guint j = 0; j < o->teams->len; j++)
        {
          const CmTeam *team = &g_array_index (t->teams, CmTeam, g_array_index (o->teams, int, j));
          const char *name = team->name ? team->name : team->uuid;
          g_string_append (out, j ? ", " : "");
          cm_json_append_string (out, name, strlen (name));
        }
      g_string_append_c (out, ']');
    }
  g_string_append (out, "}, \"geometry\": ");
  cm_geom_append_geojson (out, geom);
  g_string_append_c (out, '}');
}

void
cm_teams_append_geojson (CmTeams *t, GString *out)
{
  g_string_append (out, "{\"type\": \"FeatureCollection\", \"features\": [");
  guint n = 0;
  if (t->covered)
    append_feature (out, &n, "covered", t->covered_area_m2, t->covered, t, NULL);
  if (t->gaps)
    append_feature (out, &n, "gap", t->gaps_area_m2, t->gaps, t, NULL);
  for (guint i = 0; i < t->overlaps->len; i++)
    {
      const CmTeamOverlap *o = g_ptr_array_index (t->overlaps, i);
      if (o->geom)
        append_feature (out, &n, "overlap", o->area_m2, o->geom, t, o);
    }
  g_string_append (out, "\n]}\n");
}
