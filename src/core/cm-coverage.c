/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-coverage.c: radius coverage through a grid of sources in local metres. */
#include "config.h"

#include "cm-coverage.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "cm-categories.h"
#include "cm-compounds.h"
#include "cm-geodesic.h"
#include "cm-layer.h"
#include "cm-store-private.h"

static void
source_clear (gpointer p)
{
  CmCoverageSource *s = p;
  g_free (s->uuid);
  g_free (s->name);
}

static void
building_clear (gpointer p)
{
  CmCoverageBuilding *b = p;
  g_free (b->uuid);
  g_free (b->name);
  g_free (b->compound_uuid);
}

CmCoverage *
cm_coverage_new (void)
{
  CmCoverage *c = g_new0 (CmCoverage, 1);
  c->sources = g_array_new (FALSE, TRUE, sizeof (CmCoverageSource));
  g_array_set_clear_func (c->sources, source_clear);
  c->buildings = g_array_new (FALSE, TRUE, sizeof (CmCoverageBuilding));
  g_array_set_clear_func (c->buildings, building_clear);
  c->compounds = g_ptr_array_new_with_free_func (_cm_compound_free);
  return c;
}

void
cm_coverage_add_source (CmCoverage *c, const char *uuid, const char *name, double lon,
                        double lat, double radius_m)
{
  CmCoverageSource s = { 0 };
  s.uuid = g_strdup (uuid);
  s.name = g_strdup (name);
  s.lon = lon, s.lat = lat, s.radius_m = radius_m;
  s.tie.edge = -1;
  g_array_append_val (c->sources, s);
}

void
cm_coverage_add_building (CmCoverage *c, const char *uuid, const char *name, double lon,
                          double lat, gint64 households, gint64 population)
{
  CmCoverageBuilding b = { 0 };
  b.uuid = g_strdup (uuid);
  b.name = g_strdup (name);
  b.lon = lon, b.lat = lat, b.households = households, b.population = population;
  b.nearest = -1, b.nearest_m = NAN, b.compound = -1;
  b.walk_m = b.access_m = b.source_access_m = b.detour = NAN;
  g_array_append_val (c->buildings, b);
}

void
cm_coverage_free (CmCoverage *coverage)
{
  if (coverage == NULL)
    return;
  g_array_unref (coverage->sources);
  g_array_unref (coverage->buildings);
  g_ptr_array_unref (coverage->compounds);
  if (coverage->shapes)
    g_ptr_array_unref (coverage->shapes);
  if (coverage->shape_bbox)
    g_array_unref (coverage->shape_bbox);
  g_free (coverage);
}

/* "stations", "resources:kindergarten" or "resources:primary_school,middle_school" → layer and
 * categories (NULL: any). */
static gboolean
parse_selector (const char *selector, CmLayer *layer, GStrv *categories, GError **error)
{
  g_auto (GStrv) parts = g_strsplit (selector ? selector : "stations", ":", 2);
  *layer = cm_layer_from_string (parts[0]);
  if (*layer == CM_LAYER_NONE)
    {
      g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_INVALID,
                   _("“%s” is not a layer: use stations, resources, teams, buildings, paths, "
                     "barriers or boundary, optionally with a category as in "
                     "resources:kindergarten"),
                   parts[0]);
      return FALSE;
    }
  *categories = NULL;
  if (parts[1])
    {
      g_auto (GStrv) keys = g_strsplit (parts[1], ",", -1);
      for (char **k = keys; *k; k++)
        if (cm_categories_lookup (cm_categories_get_default (), *k) == NULL)
          {
            g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_INVALID,
                         _("“%s” is not a category (see categories.json, e.g. kindergarten)"),
                         *k);
            return FALSE;
          }
      *categories = g_steal_pointer (&keys);
    }
  return TRUE;
}

gboolean
cm_coverage_check_selector (const char *selector, GError **error)
{
  CmLayer layer;
  g_auto (GStrv) categories = NULL;
  return parse_selector (selector, &layer, &categories, error);
}

static gint64
column_int_or_unknown (sqlite3_stmt *stmt, int i)
{
  return sqlite3_column_type (stmt, i) == SQLITE_NULL ? -1 : sqlite3_column_int64 (stmt, i);
}

/* One part of the buildings, by rowid, read on a thread of its own. Each footprint is decoded
 * here and its point-on-surface found in C (cm_geom_point_on_surface, GEOS's point to the bit):
 * through SpatiaLite and GEOS that was most of the cost of loading a district (1.6 s for
 * 558,796 buildings on one core), and the analysis needs the footprints anyway. */
typedef struct
{
  const char *path;
  CmStore *store;    /* part 0: the caller's connection; else NULL (a reader of its own) */
  gint64 first, last;
  GArray *buildings; /* CmCoverageBuilding */
  GPtrArray *shapes; /* CmGeom, or NULL when they are not kept */
  GArray *shape_bbox;
  GError *error;
} BuildingPart;

/* A point-on-surface cm_geom_point_on_surface leaves to SpatiaLite (a ring of three
 * positions). FALSE when SpatiaLite has none either. */
static gboolean
point_by_spatialite (CmStore *store, sqlite3_stmt **stmt, const void *blob, int len,
                     double *x, double *y)
{
  if (*stmt == NULL)
    *stmt = _cm_store_prepare (store, "SELECT X(p), Y(p) FROM (SELECT ST_PointOnSurface(?1) AS p)"
                                      " WHERE p IS NOT NULL", NULL);
  if (*stmt == NULL)
    return FALSE;
  sqlite3_bind_blob (*stmt, 1, blob, len, SQLITE_STATIC);
  gboolean found = sqlite3_step (*stmt) == SQLITE_ROW;
  if (found)
    {
      *x = sqlite3_column_double (*stmt, 0);
      *y = sqlite3_column_double (*stmt, 1);
    }
  sqlite3_reset (*stmt);
  return found;
}

static gpointer
load_building_part (gpointer data)
{
  BuildingPart *part = data;
  g_autoptr (CmStore) own = part->store ? NULL : cm_store_open_reader (part->path, &part->error);
  CmStore *store = part->store ? part->store : own;
  if (store == NULL)
    return NULL;
  sqlite3_stmt *stmt = _cm_store_prepare (store,
                            "SELECT uuid, name, CmGeom(geom), households, population,"
                            " compound_uuid FROM buildings"
                            " WHERE deleted = 0 AND geom IS NOT NULL AND rowid BETWEEN ?1 AND ?2"
                            " ORDER BY rowid",
                            &part->error);
  if (stmt == NULL)
    return NULL;
  sqlite3_stmt *slow = NULL, *as_binary = NULL;
  sqlite3_bind_int64 (stmt, 1, part->first);
  sqlite3_bind_int64 (stmt, 2, part->last);
  CmCoverage one = { .buildings = part->buildings };
  int rc;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const guint8 *blob = sqlite3_column_blob (stmt, 2);
      int len = sqlite3_column_bytes (stmt, 2);
      if (blob == NULL)
        continue; /* not a geometry SpatiaLite can read safely (CmGeom) */
      double x, y;
      CmGeom *shape = _cm_store_decode_geom (store, &as_binary, blob, len);
      if ((shape == NULL || !cm_geom_point_on_surface (shape, &x, &y)) &&
          !point_by_spatialite (store, &slow, blob, len, &x, &y))
        {
          g_clear_pointer (&shape, cm_geom_free);
          continue;
        }
      cm_coverage_add_building (&one, (const char *) sqlite3_column_text (stmt, 0),
                                (const char *) sqlite3_column_text (stmt, 1), x, y,
                                column_int_or_unknown (stmt, 3), column_int_or_unknown (stmt, 4));
      CmCoverageBuilding *b = &g_array_index (part->buildings, CmCoverageBuilding,
                                              part->buildings->len - 1);
      b->compound_uuid = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
      if (part->shapes == NULL)
        {
          g_clear_pointer (&shape, cm_geom_free);
          continue;
        }
      double bbox[4] = { 0 };
      if (shape)
        cm_geom_get_bbox (shape, bbox);
      g_ptr_array_add (part->shapes, shape);
      g_array_append_vals (part->shape_bbox, bbox, 4);
    }
  if (rc != SQLITE_DONE)
    _cm_store_set_sqlite_error (store, &part->error, _("read the buildings"));
  sqlite3_finalize (stmt);
  sqlite3_finalize (slow);
  sqlite3_finalize (as_binary);
  return NULL;
}

static void
part_new_arrays (BuildingPart *part, gboolean shapes)
{
  part->buildings = g_array_new (FALSE, FALSE, sizeof (CmCoverageBuilding));
  g_array_set_clear_func (part->buildings, building_clear);
  if (shapes)
    {
      part->shapes = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_geom_free);
      part->shape_bbox = g_array_new (FALSE, FALSE, sizeof (double));
    }
}

gboolean
cm_coverage_load_buildings (CmCoverage *c, CmStore *store, GError **error)
{
  /* in parts by rowid, one per core, each on a connection of its own: only when what the
   * caller's connection sees is what every connection sees (no transaction of its own open) */
  gint64 last = cm_store_get_last_id (store, CM_LAYER_BUILDINGS, error);
  if (last < 0)
    return FALSE;
  guint n = sqlite3_get_autocommit (_cm_store_get_db (store)) && last > 10000
                ? CLAMP (g_get_num_processors (), 1, 4)
                : 1;
  if (c->keep_shapes && c->shapes == NULL)
    {
      c->shapes = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_geom_free);
      c->shape_bbox = g_array_new (FALSE, FALSE, sizeof (double));
    }
  BuildingPart parts[4] = { { 0 } };
  GThread *threads[4] = { NULL };
  for (guint i = 0; i < n; i++)
    {
      parts[i].path = cm_store_get_path (store);
      parts[i].store = i == 0 ? store : NULL;
      parts[i].first = i == 0 ? G_MININT64 : (gint64) ((double) last * i / n) + 1;
      parts[i].last = i == n - 1 ? G_MAXINT64 : (gint64) ((double) last * (i + 1) / n);
      if (i == 0)
        {
          parts[i].buildings = c->buildings;
          parts[i].shapes = c->shapes;
          parts[i].shape_bbox = c->shape_bbox;
        }
      else
        {
          part_new_arrays (&parts[i], c->shapes != NULL);
          threads[i] = g_thread_new ("cm-coverage-load", load_building_part, &parts[i]);
        }
    }
  load_building_part (&parts[0]);
  gboolean ok = TRUE;
  for (guint i = 0; i < n; i++)
    {
      if (threads[i])
        g_thread_join (threads[i]);
      if (parts[i].error && ok)
        {
          g_propagate_error (error, parts[i].error);
          ok = FALSE;
        }
      else
        g_clear_error (&parts[i].error);
      if (i > 0)
        {
          /* the parts in rowid order, as one read would give them; the buildings and shapes
           * move into the coverage (freed with it, not with the part) */
          if (ok)
            {
              g_array_append_vals (c->buildings, parts[i].buildings->data, parts[i].buildings->len);
              g_array_set_clear_func (parts[i].buildings, NULL);
              if (c->shapes)
                {
                  for (guint k = 0; k < parts[i].shapes->len; k++)
                    g_ptr_array_add (c->shapes, g_steal_pointer (&parts[i].shapes->pdata[k]));
                  g_array_append_vals (c->shape_bbox, parts[i].shape_bbox->data,
                                       parts[i].shape_bbox->len);
                }
            }
          g_array_unref (parts[i].buildings);
          if (parts[i].shapes)
            g_ptr_array_unref (parts[i].shapes), g_array_unref (parts[i].shape_bbox);
        }
    }
  return ok && cm_compounds_assign (c, store, error);
}

gboolean
cm_coverage_load_sources (CmCoverage *c, CmStore *store, const char *selector, double radius_m,
                          GError **error)
{
  CmLayer layer;
  g_auto (GStrv) categories = NULL;
  if (!parse_selector (selector, &layer, &categories, error))
    return FALSE;

  /* a point stands for itself; a line or area for its point-on-surface (SpatiaLite/GEOS) */
  /* the categories as a list of parameters: category IN (?1, ?2, …) */
  GString *in = g_string_new (NULL);
  for (guint i = 0; categories && categories[i]; i++)
    g_string_append_printf (in, "%s?%u", i ? ", " : " AND category IN (", i + 1);
  if (in->len)
    g_string_append_c (in, ')');
  g_autofree char *sources_sql = g_strdup_printf (
      "SELECT uuid, name, X(p), Y(p), %s FROM (SELECT uuid, name, %s,"
      " CASE WHEN GeometryType(CmGeom(geom)) = 'POINT' THEN CmGeom(geom) ELSE ST_PointOnSurface(CmGeom(geom)) END AS p"
      " FROM %s WHERE deleted = 0 AND geom IS NOT NULL%s) WHERE p IS NOT NULL ORDER BY rowid",
      "r", layer == CM_LAYER_STATIONS ? "service_radius_m AS r" : "NULL AS r",
      cm_layer_to_string (layer), in->str);
  g_string_free (in, TRUE);
  sqlite3_stmt *stmt = _cm_store_prepare (store, sources_sql, error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; categories && categories[i]; i++)
    sqlite3_bind_text (stmt, (int) i + 1, categories[i], -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      double r = radius_m > 0                                ? radius_m
                 : sqlite3_column_type (stmt, 4) == SQLITE_NULL ? NAN
                                                                : sqlite3_column_double (stmt, 4);
      cm_coverage_add_source (c, (const char *) sqlite3_column_text (stmt, 0),
                              (const char *) sqlite3_column_text (stmt, 1),
                              sqlite3_column_double (stmt, 2), sqlite3_column_double (stmt, 3), r);
    }
  sqlite3_finalize (stmt);

  return TRUE;
}

CmCoverage *
cm_coverage_load (CmStore *store, const char *selector, double radius_m, GError **error)
{
  CmCoverage *c = cm_coverage_new ();
  if (!cm_coverage_load_sources (c, store, selector, radius_m, error)
      || !cm_coverage_load_buildings (c, store, error))
    {
      cm_coverage_free (c);
      return NULL;
    }
  return c;
}

/* ---- computing ------------------------------------------------------------------------------- */

/* Sources bucketed in square cells of local metres (a plane at the mean latitude: only to find
 * candidates, with a margin; distances themselves are cm_geodesic_distance). */
typedef struct
{
  double lon0, lat0, kx, ky, cell;
  int nx, ny;
  GArray **cells; /* int indexes into sources */
} Grid;

static void
grid_cell_of (const Grid *g, double lon, double lat, int *cx, int *cy)
{
  *cx = (int) floor ((lon - g->lon0) * g->kx / g->cell);
  *cy = (int) floor ((lat - g->lat0) * g->ky / g->cell);
}

static void
grid_build (Grid *g, const GArray *sources, double cell)
{
  double minlon = G_MAXDOUBLE, minlat = G_MAXDOUBLE, maxlon = -G_MAXDOUBLE, maxlat = -G_MAXDOUBLE;
  for (guint i = 0; i < sources->len; i++)
    {
      const CmCoverageSource *s = &g_array_index (sources, CmCoverageSource, i);
      minlon = MIN (minlon, s->lon), maxlon = MAX (maxlon, s->lon);
      minlat = MIN (minlat, s->lat), maxlat = MAX (maxlat, s->lat);
    }
  g->lon0 = minlon, g->lat0 = minlat, g->cell = cell;
  cm_geodesic_scale ((minlat + maxlat) / 2, &g->kx, &g->ky);
  g->nx = (int) floor ((maxlon - minlon) * g->kx / cell) + 1;
  g->ny = (int) floor ((maxlat - minlat) * g->ky / cell) + 1;
  g->cells = g_new0 (GArray *, (gsize) g->nx * g->ny);
  for (guint i = 0; i < sources->len; i++)
    {
      const CmCoverageSource *s = &g_array_index (sources, CmCoverageSource, i);
      int cx, cy;
      grid_cell_of (g, s->lon, s->lat, &cx, &cy);
      cx = CLAMP (cx, 0, g->nx - 1), cy = CLAMP (cy, 0, g->ny - 1);
      GArray **slot = &g->cells[(gsize) cy * g->nx + cx];
      if (*slot == NULL)
        *slot = g_array_new (FALSE, FALSE, sizeof (int));
      int index = (int) i;
      g_array_append_val (*slot, index);
    }
}

static void
grid_clear (Grid *g)
{
  for (gsize i = 0; i < (gsize) g->nx * g->ny; i++)
    if (g->cells[i])
      g_array_unref (g->cells[i]);
  g_free (g->cells);
}

static void
add_to_sums (CmCoverage *c, const CmCoverageBuilding *bd)
{
  if (bd->covered)
    {
      c->covered++;
      c->households_covered += MAX (bd->households, 0);
      c->population_covered += MAX (bd->population, 0);
    }
  else
    {
      c->households_uncovered += MAX (bd->households, 0);
      c->population_uncovered += MAX (bd->population, 0);
    }
}

/* The buildings [first, end) measured against the sources, on a thread of its own: each
 * building's nearest source and whether one reaches it; what each source covers is counted in
 * the part's own sums (3 per source: buildings, households, population), added up after. */
typedef struct
{
  CmCoverage *c;
  const Grid *grid;
  double max_radius;
  guint first, end;
  gint64 *sums;
} RadiusPart;

static gpointer
radius_part (gpointer data)
{
  RadiusPart *part = data;
  CmCoverage *c = part->c;
  const Grid *g = part->grid;
  GArray *sources = c->sources;
  double max_radius = part->max_radius;
  for (guint b = part->first; b < part->end; b++)
    {
      CmCoverageBuilding *bd = &g_array_index (c->buildings, CmCoverageBuilding, b);
      bd->nearest = -1, bd->nearest_m = NAN, bd->covered = FALSE;
      if (sources->len == 0)
        continue;
      int cx, cy;
      grid_cell_of (g, bd->lon, bd->lat, &cx, &cy);
      /* Candidates are measured in a plane at the building's own latitude (metres per
       * degree there): within 0.01% of the ellipsoid over a reach of a few km, so only pairs
       * within 0.1% of a radius, and the nearest one, are measured again exactly. */
      double kx, ky;
      cm_geodesic_scale (bd->lat, &kx, &ky);
      double best2 = G_MAXDOUBLE;
      /* rings of cells outwards (Chebyshev distance from the building's cell): stop once a
       * ring cannot hold anything nearer and is past the largest reach */
      int last_ring = MAX (MAX (abs (cx), abs (cx - (g->nx - 1))),
                           MAX (abs (cy), abs (cy - (g->ny - 1))));
      for (int ring = 0; ring <= last_ring; ring++)
        {
          double ring_m = (ring - 1) * g->cell * 0.98;
          if (ring > 1 && ring_m > max_radius && bd->nearest >= 0 && ring_m * ring_m > best2)
            break;
          int y0 = MAX (cy - ring, 0), y1 = MIN (cy + ring, g->ny - 1);
          for (int y = y0; y <= y1; y++)
            {
              gboolean edge_row = abs (y - cy) == ring;
              int x0 = MAX (cx - ring, 0), x1 = MIN (cx + ring, g->nx - 1);
              for (int x = x0; x <= x1; x++)
                {
                  if (!edge_row && abs (x - cx) != ring)
                    {
                      /* inside the ring: jump to its right side */
                      if (x < cx + ring)
                        x = cx + ring - 1;
                      continue;
                    }
                  GArray *cell = g->cells[(gsize) y * g->nx + x];
                  for (guint k = 0; cell && k < cell->len; k++)
                    {
                      int i = g_array_index (cell, int, k);
                      const CmCoverageSource *s = &g_array_index (sources, CmCoverageSource, i);
                      double dx = (s->lon - bd->lon) * kx, dy = (s->lat - bd->lat) * ky;
                      double d2 = dx * dx + dy * dy;
                      if (d2 < best2 || (d2 == best2 && i < bd->nearest))
                        best2 = d2, bd->nearest = i;
                      if (isnan (s->radius_m))
                        continue;
                      double r = s->radius_m;
                      gboolean in = d2 <= r * r * 0.998;
                      if (!in && d2 <= r * r * 1.002)
                        in = cm_geodesic_distance (bd->lon, bd->lat, s->lon, s->lat) <= r;
                      if (in)
                        {
                          bd->covered = TRUE;
                          gint64 *sum = part->sums + 3 * i;
                          sum[0]++;
                          sum[1] += MAX (bd->households, 0);
                          sum[2] += MAX (bd->population, 0);
                        }
                    }
                }
            }
        }
      if (bd->nearest >= 0)
        {
          const CmCoverageSource *s = &g_array_index (sources, CmCoverageSource, bd->nearest);
          bd->nearest_m = cm_geodesic_distance (bd->lon, bd->lat, s->lon, s->lat);
        }
    }
  return NULL;
}

void
cm_coverage_compute_radius (CmCoverage *c)
{
  c->walking = FALSE;
  c->off_network = c->disconnected = c->sources_off_network = 0;
  GArray *sources = c->sources;
  double max_radius = 0;
  for (guint i = 0; i < sources->len; i++)
    {
      CmCoverageSource *s = &g_array_index (sources, CmCoverageSource, i);
      if (!isnan (s->radius_m))
        max_radius = MAX (max_radius, s->radius_m);
    }
  Grid grid = { 0 };
  if (sources->len > 0)
    grid_build (&grid, sources, MAX (max_radius / 3, 100.0));

  /* the buildings in parts, one per core (each building's result is its own; the sources'
   * sums per part) */
  guint n = c->buildings->len > 10000 ? CLAMP (g_get_num_processors (), 1, 4) : 1;
  RadiusPart parts[4];
  GThread *threads[4] = { NULL };
  g_autofree gint64 *sums = g_new0 (gint64, 3 * (gsize) n * MAX (sources->len, 1));
  for (guint i = 0; i < n; i++)
    {
      parts[i] = (RadiusPart) { c, &grid, max_radius,
                                (guint) ((guint64) c->buildings->len * i / n),
                                (guint) ((guint64) c->buildings->len * (i + 1) / n),
                                sums + 3 * (gsize) i * MAX (sources->len, 1) };
      if (i > 0)
        threads[i] = g_thread_new ("cm-coverage-radius", radius_part, &parts[i]);
    }
  radius_part (&parts[0]);
  for (guint i = 1; i < n; i++)
    g_thread_join (threads[i]);

  for (guint k = 0; k < sources->len; k++)
    {
      CmCoverageSource *s = &g_array_index (sources, CmCoverageSource, k);
      s->buildings = 0, s->households = 0, s->population = 0;
      for (guint i = 0; i < n; i++)
        {
          const gint64 *sum = parts[i].sums + 3 * k;
          s->buildings += (guint) sum[0], s->households += sum[1], s->population += sum[2];
        }
    }
  c->covered = 0;
  c->households_covered = c->households_uncovered = 0;
  c->population_covered = c->population_uncovered = 0;
  for (guint b = 0; b < c->buildings->len; b++)
    add_to_sums (c, &g_array_index (c->buildings, CmCoverageBuilding, b));
  if (sources->len > 0)
    grid_clear (&grid);
}

/* ---- walking ---------------------------------------------------------------------------------- */

/* Where a range of buildings joins the network, on a thread of its own: finding the nearest
 * path is most of the cost of walking coverage after the search (0.3 s for a district). */
typedef struct
{
  const CmNetwork *network;
  const CmCoverageBuilding *buildings;
  CmNetworkTie *ties;
  gboolean *tied;
  guint first, end;
} TiePart;

static gpointer
tie_part (gpointer data)
{
  TiePart *part = data;
  for (guint b = part->first; b < part->end; b++)
    part->tied[b] = cm_network_tie (part->network, part->buildings[b].lon,
                                    part->buildings[b].lat, CM_NETWORK_MAX_ACCESS_M,
                                    &part->ties[b]);
  return NULL;
}

static void
tie_buildings (const CmNetwork *network, const GArray *buildings, CmNetworkTie *ties,
               gboolean *tied)
{
  guint n = buildings->len > 10000 ? CLAMP (g_get_num_processors (), 1, 4) : 1;
  TiePart parts[4];
  GThread *threads[4] = { NULL };
  for (guint i = 0; i < n; i++)
    {
      parts[i] = (TiePart) { network, (const CmCoverageBuilding *) buildings->data, ties, tied,
                             (guint) ((guint64) buildings->len * i / n),
                             (guint) ((guint64) buildings->len * (i + 1) / n) };
      if (i > 0)
        threads[i] = g_thread_new ("cm-coverage-tie", tie_part, &parts[i]);
    }
  tie_part (&parts[0]);
  for (guint i = 1; i < n; i++)
    g_thread_join (threads[i]);
}

void
cm_coverage_compute_walk (CmCoverage *c, const CmNetwork *network, double max_m)
{
  c->walking = TRUE;
  c->walk_max_m = max_m;
  c->covered = c->off_network = c->disconnected = c->sources_off_network = 0;
  c->households_covered = c->households_uncovered = 0;
  c->population_covered = c->population_uncovered = 0;

  /* the sources in a plain array of ties, as the search wants them */
  guint n = c->sources->len;
  g_autofree CmNetworkTie *ties = g_new0 (CmNetworkTie, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      CmCoverageSource *s = &g_array_index (c->sources, CmCoverageSource, i);
      s->buildings = 0, s->households = 0, s->population = 0;
      if (!cm_network_tie (network, s->lon, s->lat, CM_NETWORK_MAX_ACCESS_M, &s->tie))
        c->sources_off_network++;
      ties[i] = s->tie;
    }
  g_autoptr (CmNetworkSearch) search = cm_network_search_new (network);
  cm_network_search_run (search, ties, n, TRUE, INFINITY);
  g_autofree CmNetworkTie *building_ties = g_new (CmNetworkTie, MAX (c->buildings->len, 1));
  g_autofree gboolean *tied = g_new (gboolean, MAX (c->buildings->len, 1));
  tie_buildings (network, c->buildings, building_ties, tied);

  for (guint b = 0; b < c->buildings->len; b++)
    {
      CmCoverageBuilding *bd = &g_array_index (c->buildings, CmCoverageBuilding, b);
      bd->nearest = -1, bd->nearest_m = NAN, bd->covered = FALSE;
      bd->walk_m = bd->access_m = bd->source_access_m = bd->detour = NAN;
      const CmNetworkTie tie = building_ties[b];
      if (!tied[b])
        {
          bd->walk_status = CM_WALK_OFF_NETWORK;
          c->off_network++;
          add_to_sums (c, bd);
          continue;
        }
      bd->access_m = tie.access_m;
      int source;
      double along = cm_network_search_distance_to (search, &tie, &source);
      if (source < 0)
        {
          bd->walk_status = CM_WALK_DISCONNECTED;
          c->disconnected++;
          add_to_sums (c, bd);
          continue;
        }
      CmCoverageSource *s = &g_array_index (c->sources, CmCoverageSource, source);
      bd->walk_status = CM_WALK_REACHED;
      bd->nearest = source;
      bd->walk_m = along + tie.access_m;
      bd->source_access_m = s->tie.access_m;
      bd->nearest_m = cm_geodesic_distance (bd->lon, bd->lat, s->lon, s->lat);
      bd->detour = bd->nearest_m >= 1 ? bd->walk_m / bd->nearest_m : NAN;
      bd->covered = bd->walk_m <= max_m;
      if (bd->covered)
        {
          s->buildings++;
          s->households += MAX (bd->households, 0);
          s->population += MAX (bd->population, 0);
        }
      add_to_sums (c, bd);
    }
}

guint
cm_coverage_fill_missing_radius (CmCoverage *c, double radius_m)
{
  guint filled = 0;
  for (guint i = 0; i < c->sources->len; i++)
    {
      CmCoverageSource *s = &g_array_index (c->sources, CmCoverageSource, i);
      if (isnan (s->radius_m))
        {
          s->radius_m = radius_m;
          filled++;
        }
    }
  return filled;
}
