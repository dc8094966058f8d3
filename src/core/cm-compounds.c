/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-compounds.c: which compound each building is in, and sums per compound. */
#include "config.h"

#include "cm-compounds.h"

#include <glib/gi18n-lib.h>

#include "cm-geom.h"
#include "cm-store-private.h"

void
_cm_compound_free (gpointer p)
{
  CmCompound *c = p;
  g_free (c->uuid);
  g_free (c->name);
  g_free (c->kind);
  g_free (c);
}

typedef struct
{
  const GEOSPreparedGeometry *prepared;
  GEOSGeometry *geom;
  double bbox[4];
} Area;

gboolean
cm_compounds_assign (CmCoverage *coverage, CmStore *store, GError **error)
{
  g_ptr_array_set_size (coverage->compounds, 0);
  sqlite3_stmt *stmt = _cm_store_prepare (
      store,
      "SELECT uuid, name, kind, AsBinary(CmGeom(geom)) FROM compounds WHERE deleted = 0 AND geom IS NOT"
      " NULL ORDER BY id",
      error);
  if (stmt == NULL)
    return FALSE;
  GEOSContextHandle_t ctx = GEOS_init_r ();
  GArray *areas = g_array_new (FALSE, TRUE, sizeof (Area));
  GHashTable *by_uuid = g_hash_table_new (g_str_hash, g_str_equal);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr (CmGeom) g = cm_geom_from_wkb (sqlite3_column_blob (stmt, 3),
                                               (gsize) sqlite3_column_bytes (stmt, 3));
      GEOSGeometry *geos = g ? cm_geom_to_geos (ctx, g) : NULL;
      if (geos == NULL)
        continue;
      CmCompound *c = g_new0 (CmCompound, 1);
      c->uuid = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      c->name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      c->kind = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      g_ptr_array_add (coverage->compounds, c);
      g_hash_table_insert (by_uuid, c->uuid, GUINT_TO_POINTER (coverage->compounds->len));
      Area a = { GEOSPrepare_r (ctx, geos), geos, { 0 } };
      cm_geom_get_bbox (g, a.bbox);
      g_array_append_val (areas, a);
    }
  sqlite3_finalize (stmt);

  for (guint i = 0; i < coverage->buildings->len; i++)
    {
      CmCoverageBuilding *b = &g_array_index (coverage->buildings, CmCoverageBuilding, i);
      b->compound = -1;
      /* chosen by hand (and still on the map) */
      guint chosen = b->compound_uuid ? GPOINTER_TO_UINT (g_hash_table_lookup (by_uuid,
                                                                               b->compound_uuid))
                                      : 0;
      if (chosen > 0)
        {
          b->compound = (int) chosen - 1;
          continue;
        }
      GEOSGeometry *p = NULL;
      for (guint k = 0; k < areas->len && b->compound < 0; k++)
        {
          const Area *a = &g_array_index (areas, Area, k);
          if (b->lon < a->bbox[0] || b->lon > a->bbox[2] || b->lat < a->bbox[1] ||
              b->lat > a->bbox[3])
            continue;
          if (p == NULL)
            p = GEOSGeom_createPointFromXY_r (ctx, b->lon, b->lat);
          if (GEOSPreparedIntersects_r (ctx, a->prepared, p) == 1)
            b->compound = (int) k;
        }
      if (p)
        GEOSGeom_destroy_r (ctx, p);
    }

  for (guint k = 0; k < areas->len; k++)
    {
      Area *a = &g_array_index (areas, Area, k);
      GEOSPreparedGeom_destroy_r (ctx, a->prepared);
      GEOSGeom_destroy_r (ctx, a->geom);
    }
  g_array_unref (areas);
  g_hash_table_unref (by_uuid);
  GEOS_finish_r (ctx);
  return TRUE;
}

static void
add_building (CmCompoundSum *s, const CmCoverageBuilding *b, gboolean covered)
{
  s->buildings++;
  s->covered += covered;
  if (b->households >= 0)
    {
      s->households += b->households;
      s->households_covered += covered ? b->households : 0;
    }
  if (b->population >= 0)
    {
      s->population += b->population;
      s->population_covered += covered ? b->population : 0;
    }
}

static gboolean
covered_flag (guint building, gpointer data)
{
  const CmCoverage *c = data;
  return g_array_index (c->buildings, CmCoverageBuilding, building).covered;
}

GArray *
cm_compounds_sum_by (const CmCoverage *coverage, gboolean (*covered) (guint, gpointer),
                     gpointer data)
{
  GArray *rows = g_array_new (FALSE, TRUE, sizeof (CmCompoundSum));
  guint n = coverage->compounds->len;
  if (n == 0)
    return rows;
  g_array_set_size (rows, n + 2); /* the compounds, those in none, the whole */
  for (guint k = 0; k < n; k++)
    g_array_index (rows, CmCompoundSum, k).compound = coverage->compounds->pdata[k];
  CmCompoundSum *none = &g_array_index (rows, CmCompoundSum, n);
  CmCompoundSum *whole = &g_array_index (rows, CmCompoundSum, n + 1);
  whole->whole = TRUE;
  for (guint i = 0; i < coverage->buildings->len; i++)
    {
      const CmCoverageBuilding *b = &g_array_index (coverage->buildings, CmCoverageBuilding, i);
      gboolean is_covered = covered (i, data);
      add_building (b->compound >= 0 ? &g_array_index (rows, CmCompoundSum, b->compound) : none,
                    b, is_covered);
      add_building (whole, b, is_covered);
    }
  if (none->buildings == 0)
    g_array_remove_index (rows, n);
  return rows;
}

GArray *
cm_compounds_sum (const CmCoverage *coverage)
{
  return cm_compounds_sum_by (coverage, covered_flag, (gpointer) coverage);
}

CmFeature *
cm_compounds_containing (CmStore *store, CmFeature *building)
{
  GBytes *wkb = cm_feature_get_wkb (building);
  if (wkb == NULL)
    return NULL;
  /* the first compound, in the order drawn, that contains its point-on-surface, as
   * cm_compounds_assign decides */
  sqlite3_stmt *stmt = _cm_store_prepare (
      store,
      "SELECT c.uuid FROM compounds AS c, (SELECT ST_PointOnSurface(GeomFromWKB(?1, 4326)) AS p)"
      " WHERE c.deleted = 0 AND c.id IN (SELECT pkid FROM idx_compounds_geom WHERE"
      " xmin <= X(p) AND xmax >= X(p) AND ymin <= Y(p) AND ymax >= Y(p))"
      " AND ST_Intersects(CmGeom(c.geom), p) ORDER BY c.id LIMIT 1",
      NULL);
  if (stmt == NULL)
    return NULL;
  gsize size;
  const void *data = g_bytes_get_data (wkb, &size);
  sqlite3_bind_blob (stmt, 1, data, (int) size, SQLITE_STATIC);
  g_autofree char *uuid = sqlite3_step (stmt) == SQLITE_ROW
                              ? g_strdup ((const char *) sqlite3_column_text (stmt, 0))
                              : NULL;
  sqlite3_finalize (stmt);
  return uuid ? cm_store_get_feature (store, CM_LAYER_COMPOUNDS, uuid, NULL) : NULL;
}
