/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-render.c: the render library draws the demo map with no display; pixels are checked at
 * a known building, a station and an empty spot. */
#include <math.h>

#include "cm-core.h"
#include "cm-icons.h"
#include "cm-poster.h"
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

/* Residents' reports: a diamond in the status's colour ("!" open, a tick resolved), a red ring
 * when urgent; the colour follows a follow-up's status change. */
static void
test_report_symbols (void)
{
  g_autofree char *dir = cm_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "reports.sqlite", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (CmStore) store = cm_store_create (path, NULL, &error);
  g_assert_no_error (error);
  const double lon = 116.3, lat = 40.0;
  g_autofree char *uuids[2] = { NULL, NULL };
  for (int i = 0; i < 2; i++)
    {
      g_autoptr (CmFeature) f = cm_feature_new (CM_LAYER_REPORTS);
      g_autoptr (GBytes) wkb = cm_test_point_wkb (store, lon + i * 0.001, lat);
      cm_feature_set_wkb (f, wkb);
      cm_feature_set_category (f, "broken_street_light");
      cm_feature_set_field (f, "urgent", g_variant_new_int64 (i));
      g_assert_true (cm_reports_add (store, f, &error));
      uuids[i] = g_strdup (cm_feature_get_uuid (f));
    }
  for (int pass = 0; pass < 2; pass++)
    {
      CmRenderView view;
      cm_render_view_init_centre (&view, lon + 0.0005, lat, 17, 400, 200);
      cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 400, 200);
      cairo_t *cr = cairo_create (surface);
      CmRenderOptions options;
      cm_render_options_init (&options);
      options.labels = FALSE;
      g_assert_true (cm_render_draw (store, cr, &view, &options, &error));
      cairo_destroy (cr);
      double x, y, ux, uy;
      cm_render_view_project (&view, lon, lat, &x, &y);
      cm_render_view_project (&view, lon + 0.001, lat, &ux, &uy);
      if (pass == 0)
        {
          /* reported: red, a white "!" at the centre line */
          assert_rgb (pixel (surface, (int) (x - 4), (int) (y - 3)), 0xd6, 0x27, 0x28, "reported");
          assert_rgb (pixel (surface, (int) round (x), (int) y - 2), 0xff, 0xff, 0xff, "its !");
          /* the urgent one: its red ring outside the diamond, paper inside the ring */
          Rgb ring = pixel (surface, (int) round (ux + 9 * 1.45), (int) round (uy));
          g_test_message ("urgent ring: #%02x%02x%02x", ring.r, ring.g, ring.b);
          g_assert_true (ring.r > 200 && ring.g < 90 && ring.b < 90); /* antialiased red */
          Rgb gap = pixel (surface, (int) (ux + 10.8), (int) round (uy));
          g_test_message ("between diamond and ring: #%02x%02x%02x", gap.r, gap.g, gap.b);
          g_assert_true (gap.g > 200 && gap.b > 190); /* the paper, not the ring's red */
          g_autofree char *f = cm_reports_add_followup (store, uuids[0], NULL, NULL, "修好了",
                                                        CM_REPORT_RESOLVED, &error);
          g_assert_no_error (error);
        }
      else
        assert_rgb (pixel (surface, (int) (x - 4), (int) (y - 3)), 0x2c, 0xa0, 0x2c, "resolved");
      if (g_getenv ("CM_TEST_KEEP"))
        cairo_surface_write_to_png (surface, pass ? "test-render-reports-1.png"
                                                   : "test-render-reports-0.png");
      cairo_surface_destroy (surface);
    }
}

/* Resources from the icon zoom on are discs of their category's colour with its icon in white
 * (the hospital's cross), on an image surface (a cached bitmap) and on a scaled one (vector
 * shapes, as on a PDF); further out, plain dots of that colour. */
static void
test_icons (void)
{
  g_autoptr (CmStore) store = open_demo ();
  g_autoptr (GError) error = NULL;
  sqlite3_stmt *q = query (store, "SELECT X(geom), Y(geom) FROM resources WHERE category = 'hospital'");
  double lon = sqlite3_column_double (q, 0), lat = sqlite3_column_double (q, 1);
  sqlite3_finalize (q);
  for (int scale = 1; scale <= 2; scale++)
    for (int zoom = 15; zoom <= 17; zoom += 2)
      {
        CmRenderView view;
        cm_render_view_init_centre (&view, lon, lat, zoom, 200, 200);
        cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 200 * scale,
                                                               200 * scale);
        cairo_surface_set_device_scale (surface, scale, scale);
        cairo_t *cr = cairo_create (surface);
        CmRenderOptions options;
        cm_render_options_init (&options);
        options.labels = FALSE;
        g_assert_true (cm_render_draw (store, cr, &view, &options, &error));
        g_assert_no_error (error);
        cairo_destroy (cr);
        double x, y;
        cm_render_view_project (&view, lon, lat, &x, &y);
        x *= scale, y *= scale;
        g_test_message ("zoom %d, device scale %d", zoom, scale);
        /* the cross is 4/16 of the icon wide, the icon 0.68 of the disc's 16 px: its middle is
         * white; 4 px up and left of it is outside the cross, inside the disc */
        if (zoom == 17)
          assert_rgb (pixel (surface, (int) x, (int) y), 0xff, 0xff, 0xff, "the cross's middle");
        else
          assert_rgb (pixel (surface, (int) x, (int) y), 0x3b, 0x7a, 0x34, "a dot");
        if (zoom == 17)
          {
            assert_rgb (pixel (surface, (int) (x - 4 * scale), (int) (y - 4 * scale)), 0x3b,
                        0x7a, 0x34, "the disc beside the cross");
            /* the white edge: from 8 to 9.6 px out */
            assert_rgb (pixel (surface, (int) (x + 8.8 * scale), (int) y), 0xff, 0xff, 0xff,
                        "the edge");
          }
        cairo_surface_destroy (surface);
      }
  /* every category's icon is compiled into the render library (cm-render.gresource.xml) */
  CmCategories *set = cm_categories_get_default ();
  for (guint i = 0; i < cm_categories_get_n (set); i++)
    {
      const CmCategory *c = cm_categories_get (set, i);
      g_assert_cmpstr (cm_icons_get_name (c->key), ==, c->icon);
      g_autofree char *path = g_strconcat ("/io/github/communitymap/render/icons/", c->icon, ".svg", NULL);
      g_autoptr (GBytes) svg = g_resources_lookup_data (path, 0, &error);
      g_assert_no_error (error);
    }
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

/* A poster of the demo on A3 at 200 dpi, drawn in-process: the scale is the roundest at which
 * the boundary fits in the frame (measured with PROJ) and the next rounder one would not; two
 * stations lie as far apart on the paper as PROJ says they are on the ground, at that scale
 * (1%); the scale bar, measured in pixels, is as long as its label at that scale (1%); the map
 * is drawn (a station's red where the view puts it, most of the frame not paper colour). */
static void
test_poster (void)
{
  g_autoptr (CmStore) store = open_demo ();
  g_autoptr (GError) error = NULL;
  CmPosterOptions options;
  cm_poster_options_init (&options);
  g_assert_true (cm_poster_parse_paper ("A3", FALSE, &options.width_mm, &options.height_mm));
  g_assert_cmpfloat (options.width_mm, ==, 297);
  g_assert_cmpfloat (options.height_mm, ==, 420);
  const double dpi = 200, px_per_pt = dpi / 72;
  int w = (int) (options.width_mm / 25.4 * dpi + 0.5), h = (int) (options.height_mm / 25.4 * dpi + 0.5);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
  cairo_t *cr = cairo_create (surface);
  cairo_scale (cr, px_per_pt, px_per_pt);
  CmPosterLayout layout;
  g_assert_true (cm_poster_draw (store, cr, &options, &layout, &error));
  g_assert_no_error (error);
  cairo_destroy (cr);
  if (g_getenv ("CM_TEST_KEEP"))
    cairo_surface_write_to_png (surface, "test-render-poster.png");

  /* the scale: the boundary fits, and would not at the next rounder scale */
  sqlite3_stmt *b = query (store, "SELECT MbrMinX(e), MbrMinY(e), MbrMaxX(e), MbrMaxY(e) FROM"
                                  " (SELECT Extent(geom) AS e FROM boundary WHERE deleted = 0)");
  double box[4];
  for (int i = 0; i < 4; i++)
    box[i] = sqlite3_column_double (b, i);
  sqlite3_finalize (b);
  double mid_lat = (box[1] + box[3]) / 2, mid_lon = (box[0] + box[2]) / 2;
  double ground_w = cm_test_geod_distance (box[0], mid_lat, box[2], mid_lat);
  double ground_h = cm_test_geod_distance (mid_lon, box[1], mid_lon, box[3]);
  double frame_w_m = layout.frame[2] * CM_POSTER_MM_PER_PT / 1000;
  double frame_h_m = layout.frame[3] * CM_POSTER_MM_PER_PT / 1000;
  g_test_message ("1:%g; boundary %.0f × %.0f m; frame %.1f × %.1f mm", layout.scale, ground_w,
                  ground_h, frame_w_m * 1000, frame_h_m * 1000);
  g_assert_cmpfloat (ground_w / layout.scale, <=, frame_w_m);
  g_assert_cmpfloat (ground_h / layout.scale, <=, frame_h_m);
  guint n;
  const double *scales = cm_poster_scales (&n);
  guint k = 0;
  while (k < n && scales[k] != layout.scale)
    k++;
  g_assert_cmpuint (k, <, n);
  g_assert_cmpuint (k, >, 0);
  g_assert_true (ground_w / scales[k - 1] > frame_w_m * 0.96 ||
                 ground_h / scales[k - 1] > frame_h_m * 0.96);

  /* two stations: as far apart on the paper as on the ground, at that scale */
  sqlite3_stmt *s = query (store, "SELECT X(a.geom), Y(a.geom), X(b.geom), Y(b.geom) FROM stations"
                                  " a, stations b WHERE a.name = '北区社区服务站' AND b.name ="
                                  " '东南社区服务站'");
  double at[4], page[4];
  for (int i = 0; i < 4; i++)
    at[i] = sqlite3_column_double (s, i);
  sqlite3_finalize (s);
  for (int i = 0; i < 2; i++)
    {
      cm_render_view_project (&layout.view, at[2 * i], at[2 * i + 1], &page[2 * i],
                              &page[2 * i + 1]);
      page[2 * i] = layout.frame[0] + page[2 * i] * layout.pixel;
      page[2 * i + 1] = layout.frame[1] + page[2 * i + 1] * layout.pixel;
    }
  double apart_pt = hypot (page[2] - page[0], page[3] - page[1]);
  double ground = cm_test_geod_distance (at[0], at[1], at[2], at[3]);
  double on_paper = apart_pt * CM_POSTER_MM_PER_PT / 1000 * layout.scale;
  g_test_message ("stations %.1f m apart (PROJ), %.1f m by the poster", ground, on_paper);
  g_assert_cmpfloat (fabs (on_paper - ground) / ground, <, 0.01);
  /* the first station is drawn there: its red square, away from the white cross */
  assert_rgb (pixel (surface, (int) ((page[0] + 6 * layout.pixel) * px_per_pt),
                     (int) ((page[1] + 6 * layout.pixel) * px_per_pt)),
              0xd6, 0x27, 0x28, "the station on the poster");

  /* the scale bar, measured in pixels: from its first dark pixel to its last, less one outline */
  int row = (int) ((layout.bar_origin[1] + 2) * px_per_pt);
  int x0 = (int) ((layout.bar_origin[0] - 10) * px_per_pt);
  int x1 = (int) ((layout.bar_origin[0] + layout.bar_points + 20) * px_per_pt);
  int first = -1, last = -1;
  for (int x = x0; x < x1 && x < w; x++)
    {
      Rgb c = pixel (surface, x, row);
      if (c.r < 100 && c.g < 100 && c.b < 100)
        {
          if (first < 0)
            first = x;
          last = x;
        }
    }
  g_assert_cmpint (first, >=, 0);
  double bar_px = last - first;
  double bar_m = bar_px / dpi * 0.0254 * layout.scale;
  g_test_message ("scale bar %.0f px: %.1f m on the ground; its label %g m", bar_px, bar_m,
                  layout.bar_metres);
  g_assert_cmpfloat (fabs (bar_m - layout.bar_metres) / layout.bar_metres, <, 0.01);

  /* the map is there: most of the frame is not the paper colour */
  guint drawn = 0, all = 0;
  for (int y = (int) (layout.frame[1] * px_per_pt); y < (int) ((layout.frame[1] + layout.frame[3]) * px_per_pt); y += 7)
    for (int x = (int) (layout.frame[0] * px_per_pt); x < (int) ((layout.frame[0] + layout.frame[2]) * px_per_pt); x += 7)
      {
        Rgb c = pixel (surface, x, y);
        all++;
        drawn += !(abs (c.r - 0xf5) <= 2 && abs (c.g - 0xf3) <= 2 && abs (c.b - 0xed) <= 2);
      }
  g_test_message ("%u of %u samples of the frame drawn on", drawn, all);
  g_assert_cmpuint (drawn, >, all / 3); /* the frame has paper round the area too */
  g_assert_cmpuint (layout.legend_left_out, ==, 0);
  g_assert_true (layout.osm);
  cairo_surface_destroy (surface);
}

/* ---- the overview (cm-overview.c) -------------------------------------------------------- */

/* @view of @store drawn with (@overview set) or without the overview. */
static cairo_surface_t *
draw_view (CmStore *store, const CmRenderView *view, CmOverview *overview)
{
  g_autoptr (GError) error = NULL;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, view->width,
                                                         view->height);
  cairo_t *cr = cairo_create (surface);
  CmRenderOptions options;
  cm_render_options_init (&options);
  options.labels = FALSE;
  options.overview = overview;
  if (g_getenv ("CM_TEST_HIDDEN"))
    options.hidden = (guint) g_ascii_strtoull (g_getenv ("CM_TEST_HIDDEN"), NULL, 0);
  g_assert_true (cm_render_draw (store, cr, view, &options, &error));
  g_assert_no_error (error);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

/* How many pixels of @a and @b differ, and how many of @a are not paper. */
static guint
count_different (cairo_surface_t *a, cairo_surface_t *b, guint *drawn)
{
  int w = cairo_image_surface_get_width (a), h = cairo_image_surface_get_height (a);
  guint n = 0;
  *drawn = 0;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        Rgb p = pixel (a, x, y), q = pixel (b, x, y);
        n += p.r != q.r || p.g != q.g || p.b != q.b;
        *drawn += !(abs (p.r - 0xf5) <= 2 && abs (p.g - 0xf3) <= 2 && abs (p.b - 0xed) <= 2);
      }
  return n;
}

/* Runs @sql with ?1 = @lon, ?2 = @lat, ?3 = @id; the first column of its row, if any. */
static gint64
run_bound (CmStore *store, const char *sql, double lon, double lat, gint64 id)
{
  g_autoptr (GError) error = NULL;
  sqlite3_stmt *stmt = _cm_store_prepare (store, sql, &error);
  g_assert_no_error (error);
  sqlite3_bind_double (stmt, 1, lon);
  sqlite3_bind_double (stmt, 2, lat);
  if (sqlite3_bind_parameter_count (stmt) >= 3)
    sqlite3_bind_int64 (stmt, 3, id);
  int rc = sqlite3_step (stmt);
  g_assert_true (rc == SQLITE_ROW || rc == SQLITE_DONE);
  gint64 v = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  sqlite3_finalize (stmt);
  return v;
}

/* Porto's buildings and roads drawn zoomed out from the overview look as drawn from the map
 * file (the same pixels but for a dot or box edge a pixel apart here and there), and
 * stay so after edits the overview is told of: a building deleted, one moved, one added, a
 * road deleted. It holds every live feature once, also after many small updates. */
static void
test_overview (void)
{
  g_autoptr (GError) error = NULL;
  const char *files[] = { "porto-centro/buildings.geojson", "porto-centro/roads.geojson", NULL };
  g_autoptr (CmStore) store = cm_test_new_map ("porto.sqlite", files);
  /* a road 9 km long, across several of the overview's cells: kept in the westmost, drawn in
   * every tile it crosses */
  g_assert_true (_cm_store_exec (store,
      "INSERT INTO paths (category, name, tags, geom) VALUES ('road', 'long road',"
      " '{\"highway\":\"primary\"}', CastToMultiLinestring(MakeLine(MakePoint(-8.66, 41.152, 4326),"
      " MakePoint(-8.55, 41.149, 4326))))", &error));
  g_autoptr (CmOverview) overview = cm_overview_new ();
  g_assert_true (cm_overview_ensure (overview, store, &error));
  g_assert_no_error (error);
  gint64 buildings = cm_test_query_int (store, "SELECT count(*) FROM buildings WHERE deleted = 0");
  g_assert_cmpint (buildings, ==, 11404);
  g_assert_cmpuint (cm_overview_get_count (overview, CM_OVERVIEW_BUILDINGS), ==, buildings);
  /* footways are not drawn below zoom 14: not kept */
  g_assert_cmpuint (cm_overview_get_count (overview, CM_OVERVIEW_PATHS), ==,
                    cm_test_query_int (store, "SELECT count(*) FROM paths WHERE deleted = 0 AND "
                                              "json_extract(tags, '$.highway') IN ('motorway',"
                                              " 'trunk', 'primary', 'motorway_link', 'trunk_link',"
                                              " 'primary_link', 'secondary', 'tertiary',"
                                              " 'secondary_link', 'tertiary_link', 'residential',"
                                              " 'unclassified', 'living_street', 'service',"
                                              " 'road')"));

  double bbox[4];
  g_assert_true (cm_render_get_extent (store, bbox, &error));
  double lon = (bbox[0] + bbox[2]) / 2, lat = (bbox[1] + bbox[3]) / 2;
  const double zooms[] = { 12, 13, 13.6, 14, 14.5 };
  for (gsize z = 0; z < G_N_ELEMENTS (zooms); z++)
    {
      CmRenderView view;
      cm_render_view_init_centre (&view, lon, lat, zooms[z], 900, 700);
      cairo_surface_t *from_file = draw_view (store, &view, NULL);
      cairo_surface_t *from_overview = draw_view (store, &view, overview);
      guint drawn, differ = count_different (from_file, from_overview, &drawn);
      g_test_message ("zoom %.1f: %u of %u drawn pixels differ", zooms[z], differ, drawn);
      if (g_getenv ("CM_TEST_KEEP"))
        {
          g_autofree char *a = g_strdup_printf ("overview-%.1f-file.png", zooms[z]);
          g_autofree char *b = g_strdup_printf ("overview-%.1f-overview.png", zooms[z]);
          cairo_surface_write_to_png (from_file, a);
          cairo_surface_write_to_png (from_overview, b);
        }
      g_assert_cmpuint (drawn, >, 5000);
      /* a dot or a box edge can land a pixel apart: from the file, boxes come from the
       * spatial index (floats rounded outward), in the overview from the geometry */
      g_assert_cmpuint (differ, <=, drawn / 100);
      cairo_surface_destroy (from_file);
      cairo_surface_destroy (from_overview);
    }

  /* as the window draws: 256 px tiles, whose edges often fall on the overview's cells (a
   * building kept in the cell west of a tile and reaching into it is drawn there too) */
  for (int z = 13; z <= 14; z++)
    {
      /* every tile the map's extent touches */
      CmRenderView world;
      cm_render_view_init_tile (&world, z, 0, 0);
      double x0, y0, x1, y1;
      cm_render_view_project (&world, bbox[0], bbox[3], &x0, &y0);
      cm_render_view_project (&world, bbox[2], bbox[1], &x1, &y1);
      guint differ = 0, drawn = 0, tiles = 0;
      for (int y = (int) floor (y0 / CM_TILE_SIZE); y <= (int) floor (y1 / CM_TILE_SIZE); y++)
        for (int x = (int) floor (x0 / CM_TILE_SIZE); x <= (int) floor (x1 / CM_TILE_SIZE); x++)
          {
            tiles++;
            CmRenderView tile;
            cm_render_view_init_tile (&tile, z, x, y);
            cairo_surface_t *from_file = draw_view (store, &tile, NULL);
            cairo_surface_t *from_overview = draw_view (store, &tile, overview);
            guint d;
            differ += count_different (from_file, from_overview, &d);
            drawn += d;
            cairo_surface_destroy (from_file);
            cairo_surface_destroy (from_overview);
          }
      g_test_message ("%u tiles at zoom %d: %u of %u drawn pixels differ", tiles, z, differ, drawn);
      g_assert_cmpuint (drawn, >, 20000);
      g_assert_cmpuint (differ, <=, drawn / 100);
    }

  /* edits, each told by the box it touched (old and new place) */
  CmRenderView view;
  cm_render_view_init_centre (&view, lon, lat, 14, 900, 700);
  cairo_surface_t *before = draw_view (store, &view, overview);
  static const struct
  {
    const char *table, *pick, *change; /* pick: the feature's id, near the middle (%1, %2) */
  } edits[] = {
    /* a building deleted */
    { "buildings", "SELECT id FROM buildings WHERE deleted = 0 ORDER BY"
      " abs(MbrMinX(geom) - ?1) + abs(MbrMinY(geom) - ?2) LIMIT 1",
      "UPDATE buildings SET deleted = 1 WHERE id = ?3" },
    /* another moved 100 m east */
    { "buildings", "SELECT id FROM buildings WHERE deleted = 0 ORDER BY"
      " abs(MbrMinX(geom) - ?1 - 0.002) + abs(MbrMinY(geom) - ?2) LIMIT 1",
      "UPDATE buildings SET geom = ShiftCoords(geom, 0.0012, 0) WHERE id = ?3" },
    /* a large school added where there was none */
    { "buildings", NULL,
      "INSERT INTO buildings (category, name, tags, geom) VALUES ('building', 'new',"
      " '{\"building\":\"school\"}', CastToMultiPolygon(BuildMbr(?1 + 0.004,"
      " ?2 - 0.004, ?1 + 0.0046, ?2 - 0.0036, 4326)))" },
    /* a street deleted */
    { "paths", "SELECT id FROM paths WHERE deleted = 0 AND json_extract(tags, '$.highway') ="
      " 'residential' ORDER BY abs(MbrMinX(geom) - ?1) + abs(MbrMinY(geom) - ?2) LIMIT 1",
      "UPDATE paths SET deleted = 1 WHERE id = ?3" },
  };
  for (gsize e = 0; e < G_N_ELEMENTS (edits); e++)
    {
      gint64 id = 0;
      if (edits[e].pick)
        {
          id = run_bound (store, edits[e].pick, lon, lat, 0);
        }
      /* the box it touched: where it was and where it is */
      double touched[4] = { G_MAXDOUBLE, G_MAXDOUBLE, -G_MAXDOUBLE, -G_MAXDOUBLE };
      for (int pass = edits[e].pick ? 0 : 1; pass < 2; pass++)
        {
          if (pass == 1)
            {
              run_bound (store, edits[e].change, lon, lat, id);
              if (id == 0)
                {
                  g_autofree char *last = g_strdup_printf ("SELECT max(id) FROM %s", edits[e].table);
                  id = cm_test_query_int (store, last);
                }
            }
          g_autofree char *box = g_strdup_printf (
              "SELECT MbrMinX(geom), MbrMinY(geom), MbrMaxX(geom), MbrMaxY(geom) FROM %s"
              " WHERE id = %" G_GINT64_FORMAT, edits[e].table, id);
          sqlite3_stmt *q = query (store, box);
          for (int i = 0; i < 4; i++)
            {
              double v = sqlite3_column_double (q, i);
              touched[i] = i < 2 ? MIN (touched[i], v) : MAX (touched[i], v);
            }
          sqlite3_finalize (q);
        }
      cm_overview_invalidate (overview, touched);
    }
  g_assert_true (cm_overview_ensure (overview, store, &error));
  g_assert_cmpuint (cm_overview_get_count (overview, CM_OVERVIEW_BUILDINGS), ==,
                    cm_test_query_int (store, "SELECT count(*) FROM buildings WHERE deleted = 0"));
  cairo_surface_t *after = draw_view (store, &view, overview);
  cairo_surface_t *truth = draw_view (store, &view, NULL);
  guint drawn, changed = count_different (before, after, &drawn);
  guint differ = count_different (truth, after, &drawn);
  g_test_message ("after the edits: %u pixels changed; %u differ from the map file's", changed,
                  differ);
  g_assert_cmpuint (changed, >, 50);
  g_assert_cmpuint (differ, <=, drawn / 100);
  /* the school added is there in its colour, from the overview */
  double sx, sy;
  cm_render_view_project (&view, lon + 0.0043, lat - 0.0038, &sx, &sy);
  assert_rgb (pixel (after, (int) sx, (int) sy), 0xd8, 0xcf, 0xf0, "school added");
  cairo_surface_destroy (before);
  cairo_surface_destroy (after);
  cairo_surface_destroy (truth);

  /* many small updates, each a box around one building, neither lose nor double one */
  for (int i = 0; i < 200; i++)
    {
      double d = i * 0.00003;
      double box[4] = { lon - 0.01 + d, lat - 0.01 + d, lon - 0.009 + d, lat - 0.0095 + d };
      cm_overview_invalidate (overview, box);
    }
  g_assert_true (cm_overview_ensure (overview, store, &error));
  g_assert_cmpuint (cm_overview_get_count (overview, CM_OVERVIEW_BUILDINGS), ==,
                    cm_test_query_int (store, "SELECT count(*) FROM buildings WHERE deleted = 0"));
  cm_overview_invalidate (overview, NULL); /* everything: read whole again */
  g_assert_true (cm_overview_ensure (overview, store, &error));
  g_assert_cmpuint (cm_overview_get_count (overview, CM_OVERVIEW_BUILDINGS), ==,
                    cm_test_query_int (store, "SELECT count(*) FROM buildings WHERE deleted = 0"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/render/view", test_view);
  g_test_add_func ("/render/demo-pixels", test_demo_pixels);
  g_test_add_func ("/render/icons", test_icons);
  g_test_add_func ("/render/report-symbols", test_report_symbols);
  g_test_add_func ("/render/poster", test_poster);
  g_test_add_func ("/render/overview", test_overview);
  return g_test_run ();
}
