/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-render-view.c: Web-Mercator (EPSG:3857) pixel geometry, as slippy-map tiles use it. */
#include "cm-render-view.h"

#include <math.h>

#define MAX_LAT 85.05112877980659
#define EARTH_CIRCUMFERENCE 40075016.68557849 /* metres, WGS 84 equator */

static double
world_size (double zoom)
{
  return CM_TILE_SIZE * exp2 (zoom);
}

/* lon/lat → [0, 1] × [0, 1], y down */
void
cm_render_view_to_unit (double lon, double lat, double *ux, double *uy)
{
  lat = CLAMP (lat, -MAX_LAT, MAX_LAT);
  double phi = lat * G_PI / 180.0;
  *ux = (lon + 180.0) / 360.0;
  *uy = (1.0 - asinh (tan (phi)) / G_PI) / 2.0;
}

void
cm_render_view_init_fit (CmRenderView *view, const double bbox[4], int width, int height,
                         int margin)
{
  double x0, y0, x1, y1;
  cm_render_view_to_unit (bbox[0], bbox[3], &x0, &y0); /* north-west */
  cm_render_view_to_unit (bbox[2], bbox[1], &x1, &y1); /* south-east */
  double dx = MAX (x1 - x0, 1e-12), dy = MAX (y1 - y0, 1e-12);
  double usable_w = MAX (width - 2 * margin, 1), usable_h = MAX (height - 2 * margin, 1);
  double world = MIN (usable_w / dx, usable_h / dy);
  view->zoom = log2 (world / CM_TILE_SIZE);
  view->width = width;
  view->height = height;
  view->x = (x0 + x1) / 2.0 * world - width / 2.0;
  view->y = (y0 + y1) / 2.0 * world - height / 2.0;
}

void
cm_render_view_init_centre (CmRenderView *view, double lon, double lat, double zoom, int width,
                            int height)
{
  double ux, uy, w = world_size (zoom);
  cm_render_view_to_unit (lon, lat, &ux, &uy);
  view->zoom = zoom;
  view->width = width;
  view->height = height;
  view->x = ux * w - width / 2.0;
  view->y = uy * w - height / 2.0;
}

void
cm_render_view_init_tile (CmRenderView *view, int z, int x, int y)
{
  view->zoom = z;
  view->width = view->height = CM_TILE_SIZE;
  view->x = (double) x * CM_TILE_SIZE;
  view->y = (double) y * CM_TILE_SIZE;
}

void
cm_render_view_project (const CmRenderView *view, double lon, double lat, double *px, double *py)
{
  double ux, uy, w = world_size (view->zoom);
  cm_render_view_to_unit (lon, lat, &ux, &uy);
  *px = ux * w - view->x;
  *py = uy * w - view->y;
}

void
cm_render_view_unproject (const CmRenderView *view, double px, double py, double *lon,
                          double *lat)
{
  double w = world_size (view->zoom);
  double ux = (px + view->x) / w, uy = (py + view->y) / w;
  *lon = ux * 360.0 - 180.0;
  *lat = atan (sinh (G_PI * (1.0 - 2.0 * uy))) * 180.0 / G_PI;
}

void
cm_render_view_get_bbox (const CmRenderView *view, double bbox[4])
{
  cm_render_view_unproject (view, 0, view->height, &bbox[0], &bbox[1]);
  cm_render_view_unproject (view, view->width, 0, &bbox[2], &bbox[3]);
}

double
cm_render_view_metres_per_pixel (const CmRenderView *view, double lat)
{
  return EARTH_CIRCUMFERENCE * cos (lat * G_PI / 180.0) / world_size (view->zoom);
}
