/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-poster.h: a community map as a poster for the wall — the title, the map at a round scale,
 * a legend of only what is shown, a scale bar true on the ground, a north arrow and the credits
 * — on paper of A4 to A0 (or a size in millimetres), for a PDF page or a PNG (issue #15).
 * Shared by `cmap poster` and the window. Units are PostScript points (1/72 inch). */
#pragma once

#include <cairo.h>

#include "cm-analysis.h"
#include "cm-render-view.h"
#include "cm-store.h"

G_BEGIN_DECLS

/* Millimetres in a point, and the other way round. */
#define CM_POSTER_MM_PER_PT (25.4 / 72.0)

typedef enum
{
  CM_POSTER_GRID_AUTO, /* from A2 up (a shorter side of 420 mm or more) */
  CM_POSTER_GRID_ON,
  CM_POSTER_GRID_OFF,
} CmPosterGrid;

typedef struct
{
  double width_mm, height_mm; /* the paper */
  const char *title;          /* NULL: the map's name */
  const char *subtitle;       /* NULL: the date and the workshops the map came from */
  const char *organisation;   /* NULL: none; shown in the credits */
  gboolean has_bbox;          /* else: the boundary, or the whole map when it has none */
  CmPosterGrid grid;          /* the reference grid and its index */
  const CmAnalysisResult *analysis; /* the poster's subject, or NULL: drawn over the map, its
                                     * legend first, its summary above the legend */
  guint circle;               /* with a life-circle analysis: the circle shown */
  guint hidden;               /* a bit per CmLayer left off the poster (and its legend, index) */
  volatile gint *progress;    /* NULL, or set from 0 to 1000 as the poster is drawn */
  GCancellable *cancellable;  /* NULL, or checked between the poster's parts */
  double bbox[4];             /* minlon, minlat, maxlon, maxlat */
} CmPosterOptions;

void cm_poster_options_init (CmPosterOptions *options);

/* @text: A4, A3, A2, A1, A0 (any case), or WIDTHxHEIGHT in millimetres (e.g. 500x700, each from
 * 50 to 5000); @landscape makes the longer side the width. FALSE when @text is neither. */
gboolean cm_poster_parse_paper (const char *text, gboolean landscape, double *width_mm,
                                double *height_mm);

/* What was drawn where, for the caller and the tests. */
typedef struct
{
  double scale;            /* the map is at 1:scale on the paper */
  double frame[4];         /* the map's frame on the page: x, y, width, height (points) */
  double bar_metres;       /* the scale bar's length on the ground … */
  double bar_points;       /* … and on the paper */
  double bar_origin[2];    /* its left end, on the page (points) */
  guint legend_shown;      /* entries in the legend */
  guint legend_left_out;   /* entries that did not fit (said on the poster) */
  gboolean osm;            /* OpenStreetMap data is shown: credited */
  guint analysis_legend;   /* entries of the legend that are the analysis's */
  guint grid_columns, grid_rows; /* the reference grid (0: none): columns A, B, C …, rows 1, 2 … */
  guint index_shown;       /* named places in the index … */
  guint index_left_out;    /* … and those that did not fit (said on the poster) */
  CmRenderView view;       /* the map in its frame … */
  double pixel;            /* … a pixel of which is this many points */
} CmPosterLayout;

/* The round scales a poster chooses from, smallest first: 1:500 … 1:500,000. */
const double *cm_poster_scales (guint *n);

/* Draws the poster on @cr, whose units are points and whose page is @options' paper (a PDF
 * surface of that size, or an image surface scaled by dpi / 72). FALSE (with @error) when the
 * map cannot be read or has nothing to draw. */
gboolean cm_poster_draw (CmStore *store, cairo_t *cr, const CmPosterOptions *options,
                         CmPosterLayout *layout, GError **error);

/* Draws the poster into @path: a PDF of the paper's size, or (ending in .png) an image of @dpi
 * pixels per inch. Written beside it and renamed: never a half-written file, nothing left
 * behind on failure or when cancelled. */
gboolean cm_poster_write (CmStore *store, const CmPosterOptions *options, const char *path,
                          double dpi, CmPosterLayout *layout, GError **error);

G_END_DECLS
