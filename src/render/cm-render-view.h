/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-render-view.h: a rectangle of pixels over the Web-Mercator world (what libshumate shows). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CM_TILE_SIZE 256

typedef struct
{
  double x, y;    /* the top-left corner, in world pixels at this zoom */
  double zoom;    /* continuous; the world is CM_TILE_SIZE * 2^zoom pixels wide */
  int width, height;
} CmRenderView;

/* The view of @width × @height pixels that shows @bbox (lon/lat) whole, centred, with
 * @margin pixels around it. */
void cm_render_view_init_fit (CmRenderView *view, const double bbox[4], int width, int height,
                              int margin);
/* The view of @width × @height pixels centred on @lon, @lat at @zoom. */
void cm_render_view_init_centre (CmRenderView *view, double lon, double lat, double zoom,
                                 int width, int height);
/* The view of one map tile (slippy-map numbering: y counted from the north). */
void cm_render_view_init_tile (CmRenderView *view, int z, int x, int y);

/* @lon, @lat in Web-Mercator units of the whole world: x east and y south from 0 to 1. */
void cm_render_view_to_unit (double lon, double lat, double *ux, double *uy);

void cm_render_view_project (const CmRenderView *view, double lon, double lat, double *px,
                             double *py);
void cm_render_view_unproject (const CmRenderView *view, double px, double py, double *lon,
                               double *lat);
/* What the view shows: minlon, minlat, maxlon, maxlat. */
void cm_render_view_get_bbox (const CmRenderView *view, double bbox[4]);
/* Ground metres per pixel at @lat. */
double cm_render_view_metres_per_pixel (const CmRenderView *view, double lat);

G_END_DECLS
