/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-analysis-style.h: how an analysis result looks — its palette, how each kind is drawn over
 * a map view (buildings coloured by walking distance or coverage, the ground reached on foot,
 * team gaps and overlaps hatched) and the legend that explains the colours. The window's
 * analysis layer and the PDF reports draw with it, so that both speak the same colours. */
#pragma once

#include <cairo.h>

#include "cm-analysis.h"
#include "cm-render-view.h"

G_BEGIN_DECLS

/* The palette: ColorBrewer's RdYlGn, readable by most colour-blind people in this order, and
 * a few companions. Each is { r, g, b, a }. */
typedef enum
{
  CM_ANALYSIS_COLOUR_NEAR,    /* within half the distance; covered; meets the circle */
  CM_ANALYSIS_COLOUR_WITHIN,  /* within the distance */
  CM_ANALYSIS_COLOUR_BEYOND,  /* up to half as far again */
  CM_ANALYSIS_COLOUR_FAR,     /* farther */
  CM_ANALYSIS_COLOUR_NONE,    /* no way there; not covered; lacks a facility */
  CM_ANALYSIS_COLOUR_REACH,   /* ground reached on foot */
  CM_ANALYSIS_COLOUR_GAP,     /* no team */
  CM_ANALYSIS_COLOUR_OVERLAP, /* two or more teams */
  CM_ANALYSIS_COLOUR_TEAM,    /* some team */
  CM_ANALYSIS_COLOUR_GREY,    /* counted, nothing to say */
  CM_ANALYSIS_COLOUR_GAINED,  /* newly covered since the baseline */
  CM_N_ANALYSIS_COLOURS
} CmAnalysisColour;

const double *cm_analysis_colour (CmAnalysisColour colour);

typedef struct
{
  double rgba[4];
  int hatch;         /* 0: a plain swatch; 1, 2: hatched one way or the other */
  gboolean outline;  /* drawn as an outline (uncovered buildings) */
  const char *label; /* translated */
} CmAnalysisLegendItem;

/* What @result says in a sentence or three ("412 of 626 buildings are within 500 m walk of a
 * source (65.8%)."), appended to @summary; @circle: the life circle shown. */
void cm_analysis_append_summary (GString *summary, const CmAnalysisResult *result, guint circle);

/* The legend of what cm_analysis_draw() draws for @result, in drawing order. */
GArray *cm_analysis_legend (const CmAnalysisResult *result);

/* @item's swatch in the square @x, @y, @size: its colour, hatched or outlined as on the map. */
void cm_analysis_draw_swatch (cairo_t *cr, const CmAnalysisLegendItem *item, double x, double y,
                              double size);

/* Draws @result over @view (@width × @height pixels), culled to the view: the ground first,
 * the buildings over it, the sources on top. @circle: the life circle whose buildings are
 * coloured. */
void cm_analysis_draw (cairo_t *cr, const CmAnalysisResult *result, guint circle,
                       const CmRenderView *view, int width, int height);

/* Over cm_analysis_draw: the buildings whose uuid is in @gained (newly covered since a
 * baseline, cm_analysis_compare) with a thick outline of their own colour. */
void cm_analysis_draw_gained (cairo_t *cr, const CmAnalysisResult *result, GHashTable *gained,
                              const CmRenderView *view);

G_END_DECLS
