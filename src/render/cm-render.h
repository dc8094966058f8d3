/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-render.h: draws a community map onto a cairo surface — a screen tile, a PNG, a PDF poster.
 * Depends on core, cairo and pango only; runs with no display. */
#pragma once

#include <cairo.h>

#include "cm-geom.h"
#include "cm-labels.h"
#include "cm-overview.h"
#include "cm-render-view.h"
#include "cm-store.h"

G_BEGIN_DECLS

typedef struct
{
  gboolean background;  /* paint the paper colour first (off for tiles over a basemap) */
  gboolean labels;      /* names of stations, teams and (zoomed in) resources */
  gboolean attribution; /* "© OpenStreetMap contributors" in the bottom-right corner */
  guint hidden;         /* a bit per CmLayer that is not drawn */
  double icon_zoom;     /* from this zoom resources are symbols with their category's icon
                         * (16: on screen; a poster, whose pixels are larger, from 15) */
  CmOverview *overview; /* when set, low zooms draw buildings and paths from it (the window's) */
} CmRenderOptions;

void cm_render_options_init (CmRenderOptions *options);

/* A context that draws only inside the box (@x, @y, @w, @h) of @cr's user space, its origin
 * at the box's corner, at @cr's scale: for a map in a frame of a page. A clip on @cr would not
 * do: cm_render_draw draws batches of shapes on contexts of its own on the same surface, which
 * a clip does not reach; a surface of the box's own keeps them in. cairo_destroy() it after. */
cairo_t *cm_render_box_context (cairo_t *cr, double x, double y, double w, double h);

/* Draws every layer of @store that meets @view, bottom to top: boundary, teams, buildings,
 * paths, barriers, resources, stations (with their service radius), reports, labels. */
gboolean cm_render_draw (CmStore *store, cairo_t *cr, const CmRenderView *view,
                         const CmRenderOptions *options, GError **error);

/* Adds @geom's lines and rings (not its points) to @cr's current path, projected by @view. */
void cm_render_add_geom_path (cairo_t *cr, const CmGeom *geom, const CmRenderView *view);

/* The extent of everything in @store (minlon, minlat, maxlon, maxlat); FALSE when it is empty. */
gboolean cm_render_get_extent (CmStore *store, double bbox[4], GError **error);

/* The names the map shows (stations, teams, resources), with the anchors and sizes
 * cm_render_draw uses, for drawing them above tiles. */
gboolean cm_render_collect_labels (CmStore *store, CmLabels *labels, guint hidden,
                                   GError **error);

/* Draws on @cr, whose units are points, a page @width × @height points. */
typedef gboolean (*CmRenderPageFunc) (cairo_t *cr, gpointer data, GError **error);

/* A page drawn by @draw into @path: a PDF (ending in .pdf) of that size in points, else a PNG of
 * @png_scale pixels per point. Drawn into "@path.partial" and renamed: never a half-written file,
 * nothing left behind when @draw or the writing fails. */
gboolean cm_render_page_to_file (const char *path, double width, double height, double png_scale,
                                 CmRenderPageFunc draw, gpointer data, GError **error);

G_END_DECLS
