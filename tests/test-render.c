/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-render.c: the render library draws the demo map with no display; pixels are checked at
 * a known building, a station and an empty spot. */
#include <math.h>

#include "cm-core.h"
#include "cm-render.h"
#include "cm-store-private.h"
#include "cm-test-util.h"

#define W 1000
#define H 800

typedef struct
{
  int r, g, b;
} Rgb;

static Rgb
pixel (cairo_surface_t *s, int x, int y)
{
  cairo_surface_flush (s);
  const guint8 *data = cairo_image_surface_get_data (s);
  guint32 v = *(const guint32 *) (data + y * cairo_image_surface_get_stride (s) + 4 * x);
  return (Rgb) { (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff };
}

static void
assert_rgb (Rgb got, int r, int g, int b, const char *what)
{
  g_test_message ("%s: got #%02x%02x%02x, want #%02x%02x%02x", what, got.r, got.g, got.b, r, g, b);
  g_assert_cmpint (abs (got.r - r), <=, 2);
  g_assert_cmpint (abs (got.g - g), <=, 2);
  g_assert_cmpint (abs (got.b - b), <=, 2);
}

static CmStore *
open_demo (void)
{
  g_autoptr (GError) error = NULL;
  CmStore *store = cm_store_open (g_getenv ("DEMO_MAP"), &error);
  g_assert_no_error (error);
  return store;
}

/* One SQL row of doubles and text. */
static sqlite3_stmt *
query (CmStore *store, const char *sql)
{
  g_autoptr (GError) error = NULL;
  sqlite3_stmt *stmt = _cm_store_prepare (store, sql, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return stmt;
}

static void
test_demo_pixels (void)
{
  g_autoptr (CmStore) store = open_demo ();
  g_autoptr (GError) error = NULL;
  double bbox[4];
  g_assert_true (cm_render_get_extent (store, bbox, &error));
  CmRenderView view;
  cm_render_view_init_fit (&view, bbox, W, H, 24);

  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, W, H);
  cairo_t *cr = cairo_create (surface);
  CmRenderOptions options;
  cm_render_options_init (&options);
  options.labels = FALSE; /* labels may sit anywhere; the pixels below are about features */
  g_assert_true (cm_render_draw (store, cr, &view, &options, &error));
  g_assert_no_error (error);
  cairo_destroy (cr);
  if (g_getenv ("CM_TEST_KEEP"))
    cairo_surface_write_to_png (surface, "test-render-demo.png");

  /* a large residential building far from every station, path and resource: its fill */
  sqlite3_stmt *b = query (store,
      "SELECT X(p), Y(p) FROM (SELECT ST_PointOnSurface(geom) AS p, geom FROM buildings"
      " WHERE json_extract(tags, '$.building') IN ('residential', 'apartments', 'dormitory')"
      " AND ST_Area(geom) > 2e-7"
      " AND NOT EXISTS (SELECT 1 FROM stations s WHERE"
      "  ST_Distance(s.geom, ST_PointOnSurface(buildings.geom), 1) < s.service_radius_m + 40)"
      " AND NOT EXISTS (SELECT 1 FROM paths r WHERE ST_Distance(r.geom, ST_PointOnSurface(buildings.geom)) < 0.0002)"
      " AND NOT EXISTS (SELECT 1 FROM resources r WHERE ST_Distance(r.geom, ST_PointOnSurface(buildings.geom)) < 0.0003)"
      " ORDER BY ST_Area(geom) DESC LIMIT 1)");
  double bx, by;
  cm_render_view_project (&view, sqlite3_column_double (b, 0), sqlite3_column_double (b, 1), &bx, &by);
  sqlite3_finalize (b);
  assert_rgb (pixel (surface, (int) bx, (int) by), 0xe4, 0xd6, 0xc6, "residential building");

  /* a station: red square (away from its white cross) */
  sqlite3_stmt *s = query (store, "SELECT X(geom), Y(geom) FROM stations WHERE name = '北区社区服务站'");
  double sx, sy;
  cm_render_view_project (&view, sqlite3_column_double (s, 0), sqlite3_column_double (s, 1), &sx, &sy);
  sqlite3_finalize (s);
  assert_rgb (pixel (surface, (int) (sx + 5), (int) (sy + 5)), 0xd6, 0x27, 0x28, "station symbol");
  assert_rgb (pixel (surface, (int) (sx + 0.5), (int) (sy + 0.5)), 0xff, 0xff, 0xff, "station cross");

  /* an empty spot left of the community: the paper colour */
  assert_rgb (pixel (surface, 3, H / 2), 0xf5, 0xf3, 0xed, "empty spot");

  /* that spot is indeed outside the map's extent */
  double lon, lat;
  cm_render_view_unproject (&view, 3, H / 2, &lon, &lat);
  g_assert_cmpfloat (lon, <, bbox[0]);

  cairo_surface_destroy (surface);
}

/* The view maths: a tile's corners, and projecting back and forth. */
static void
test_view (void)
{
  CmRenderView v;
  cm_render_view_init_tile (&v, 0, 0, 0);
  double b[4];
  cm_render_view_get_bbox (&v, b);
  g_assert_cmpfloat_with_epsilon (b[0], -180, 1e-9);
  g_assert_cmpfloat_with_epsilon (b[2], 180, 1e-9);
  g_assert_cmpfloat_with_epsilon (b[3], 85.0511287798, 1e-9);
  /* a zoom-17 tile over Tsinghua: pixel x follows the slippy-map formula (lon + 180) / 360 * 2^z,
   * and unprojecting returns the same point */
  cm_render_view_init_tile (&v, 17, 107893, 49571);
  double px, py;
  cm_render_view_project (&v, 116.3265, 40.0036, &px, &py);
  double x = (116.3265 + 180) / 360 * exp2 (17);
  g_assert_cmpfloat_with_epsilon (px, (x - 107893) * 256, 1e-6);
  double lon, lat;
  cm_render_view_unproject (&v, px, py, &lon, &lat);
  g_assert_cmpfloat_with_epsilon (lon, 116.3265, 1e-9);
  g_assert_cmpfloat_with_epsilon (lat, 40.0036, 1e-9);
  /* ground resolution at the equator, zoom 0: 156,543.03 m per pixel */
  cm_render_view_init_tile (&v, 0, 0, 0);
  g_assert_cmpfloat_with_epsilon (cm_render_view_metres_per_pixel (&v, 0), 156543.0339, 1e-3);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/render/view", test_view);
  g_test_add_func ("/render/demo-pixels", test_demo_pixels);
  return g_test_run ();
}
