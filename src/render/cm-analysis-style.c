/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-analysis-style.c: the palette, the legend and the drawing of each kind of analysis. */
#include "config.h"

#include "cm-analysis-style.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "cm-i18n.h"
#include "cm-render.h"

#include <pango/pangocairo.h>

static const double palette[CM_N_ANALYSIS_COLOURS][4] = {
  [CM_ANALYSIS_COLOUR_NEAR] = { 0.10, 0.60, 0.31, 0.85 },
  [CM_ANALYSIS_COLOUR_WITHIN] = { 0.57, 0.81, 0.38, 0.85 },
  [CM_ANALYSIS_COLOUR_BEYOND] = { 0.99, 0.68, 0.38, 0.85 },
  [CM_ANALYSIS_COLOUR_FAR] = { 0.96, 0.43, 0.26, 0.85 },
  [CM_ANALYSIS_COLOUR_NONE] = { 0.84, 0.19, 0.15, 0.90 },
  [CM_ANALYSIS_COLOUR_REACH] = { 0.16, 0.44, 0.85, 0.16 },
  [CM_ANALYSIS_COLOUR_GAP] = { 0.84, 0.19, 0.15, 0.75 },
  [CM_ANALYSIS_COLOUR_OVERLAP] = { 0.42, 0.24, 0.60, 0.75 },
  [CM_ANALYSIS_COLOUR_TEAM] = { 0.10, 0.60, 0.31, 0.14 },
  [CM_ANALYSIS_COLOUR_GREY] = { 0.55, 0.55, 0.55, 0.70 },
  [CM_ANALYSIS_COLOUR_GAINED] = { 0.0, 0.62, 0.85, 1.0 }, /* cyan: none of the bands has it */
};

const double *
cm_analysis_colour (CmAnalysisColour colour)
{
  g_return_val_if_fail (colour < CM_N_ANALYSIS_COLOURS, palette[CM_ANALYSIS_COLOUR_GREY]);
  return palette[colour];
}

#define COLOUR(name) palette[CM_ANALYSIS_COLOUR_##name]

static void
legend_add (GArray *items, const double rgba[4], int hatch, gboolean outline, const char *label)
{
  CmAnalysisLegendItem item = { { rgba[0], rgba[1], rgba[2], rgba[3] }, hatch, outline, label };
  g_array_append_val (items, item);
}

static void
set_rgba (cairo_t *cr, const double c[4])
{
  cairo_set_source_rgba (cr, c[0], c[1], c[2], c[3]);
}

/* Fills the current path with lines 8 px apart, one way (1) or the other (2). */
static void
hatch_path (cairo_t *cr, int direction, int width, int height)
{
  cairo_save (cr);
  cairo_clip (cr);
  cairo_set_line_width (cr, 1.5);
  for (int k = -height; k < width + height; k += 8)
    {
      if (direction == 1)
        {
          cairo_move_to (cr, k, 0);
          cairo_line_to (cr, k + height, height);
        }
      else
        {
          cairo_move_to (cr, k + height, 0);
          cairo_line_to (cr, k, height);
        }
    }
  cairo_stroke (cr);
  cairo_restore (cr);
}

static void
draw_area (cairo_t *cr, const CmGeom *geom, const CmRenderView *view, const double rgba[4],
           int hatch, int width, int height)
{
  if (geom == NULL)
    return;
  cairo_new_path (cr);
  cm_render_add_geom_path (cr, geom, view);
  set_rgba (cr, rgba);
  if (hatch)
    {
      cairo_path_t *path = cairo_copy_path (cr);
      hatch_path (cr, hatch, width, height);
      cairo_new_path (cr);
      cairo_append_path (cr, path);
      cairo_path_destroy (path);
      cairo_set_line_width (cr, 1.5);
      cairo_stroke (cr);
    }
  else
    cairo_fill (cr);
}

/* @rgba: @good's colour or @bad's; returns whether it counts as not covered */
static gboolean
pick (double rgba[4], gboolean covered, CmAnalysisColour good, CmAnalysisColour bad)
{
  memcpy (rgba, palette[covered ? good : bad], sizeof (double) * 4);
  return !covered;
}

/* ---- service coverage ----------------------------------------------------------------------- */

static gboolean
coverage_building (const CmAnalysisResult *r, guint circle, guint b, double rgba[4])
{
  const CmCoverageBuilding *bd = &g_array_index (r->coverage->buildings, CmCoverageBuilding, b);
  double m = r->request.metres;
  const double *c;
  if (!r->coverage->walking)
    c = bd->covered ? COLOUR (NEAR) : COLOUR (NONE);
  else if (bd->walk_status != CM_WALK_REACHED)
    c = COLOUR (NONE);
  else
    c = bd->walk_m <= m / 2   ? COLOUR (NEAR)
        : bd->walk_m <= m     ? COLOUR (WITHIN)
        : bd->walk_m <= 1.5 * m ? COLOUR (BEYOND)
                                : COLOUR (FAR);
  memcpy (rgba, c, sizeof (double) * 4);
  return !bd->covered;
}

static void
coverage_legend (GArray *items, const CmAnalysisResult *r)
{
  if (r->coverage->walking)
    {
      legend_add (items, COLOUR (NEAR), 0, FALSE, _("Within half the walking distance"));
      legend_add (items, COLOUR (WITHIN), 0, FALSE, _("Within the walking distance"));
      legend_add (items, COLOUR (BEYOND), 0, TRUE, _("Up to half as far again (not covered)"));
      legend_add (items, COLOUR (FAR), 0, TRUE, _("Farther (not covered)"));
      legend_add (items, COLOUR (NONE), 0, TRUE, _("No way there on foot"));
      legend_add (items, COLOUR (REACH), 0, FALSE, _("Paths reached on foot"));
    }
  else
    {
      legend_add (items, COLOUR (NEAR), 0, FALSE, _("Within a service radius"));
      legend_add (items, COLOUR (NONE), 0, TRUE, _("Outside every service radius"));
    }
}

/* Adds to @cr's path the lines of @r's reach that meet @bbox (lon/lat), and collects those under
 * a pixel long in @dots (x, y as doubles) instead: zoomed out, a district's reach is 600,000 short
 * pieces, and stroking them all with round ends took 0.3 s in every frame. */
static void
add_reach_path (cairo_t *cr, const CmAnalysisResult *r, const CmRenderView *view,
                const double bbox[4], GArray *dots)
{
  const double *rb = r->reach_bbox ? (const double *) r->reach_bbox->data : NULL;
  guint ring = 0;
  for (guint i = 0; r->reach_lines && i < r->reach_lines->len; i++)
    {
      const CmGeom *g = g_ptr_array_index (r->reach_lines, i);
      const double *xy = (const double *) g->xy->data;
      guint pos = 0;
      for (guint k = 0; k < g->ring_len->len; k++, ring++)
        {
          guint n = g_array_index (g->ring_len, guint, k);
          const double *b = rb ? rb + 4 * ring : NULL;
          const double *p = xy + 2 * pos;
          pos += n;
          if (b && (b[2] < bbox[0] || b[0] > bbox[2] || b[3] < bbox[1] || b[1] > bbox[3]))
            continue;
          double x0, y0, x1, y1;
          if (b && dots)
            {
              cm_render_view_project (view, b[0], b[1], &x0, &y0);
              cm_render_view_project (view, b[2], b[3], &x1, &y1);
              if (fabs (x1 - x0) < 1 && fabs (y1 - y0) < 1)
                {
                  double dot[2] = { (x0 + x1) / 2, (y0 + y1) / 2 };
                  g_array_append_vals (dots, dot, 2);
                  continue;
                }
            }
          for (guint v = 0; v < n; v++)
            {
              cm_render_view_project (view, p[2 * v], p[2 * v + 1], &x0, &y0);
              if (v == 0)
                cairo_move_to (cr, x0, y0);
              else
                cairo_line_to (cr, x0, y0);
            }
        }
    }
}

/* Squares of @size px, centred on @dots, filled in one go. */
static void
fill_dots (cairo_t *cr, const GArray *dots, double size)
{
  const double *d = (const double *) dots->data;
  cairo_new_path (cr);
  for (guint i = 0; i + 1 < dots->len; i += 2)
    cairo_rectangle (cr, floor (d[i] - size / 2 + 0.5), floor (d[i + 1] - size / 2 + 0.5), size,
                     size);
  cairo_fill (cr);
}

/* the ground reached on foot, and the paths reached */
static void
coverage_ground (cairo_t *cr, const CmAnalysisResult *r, const CmRenderView *view, int width,
                 int height)
{
  const double *reach = COLOUR (REACH);
  /* the ground: the paths reached stroked CM_ANALYSIS_REACH_WIDTH_M wide each side with round
   * ends and joins — the buffer of the lines, drawn in one stroke so that overlaps are not
   * darker (at the view's middle latitude: within a district the scale hardly changes) */
  double lon, lat;
  cm_render_view_unproject (view, view->width / 2.0, view->height / 2.0, &lon, &lat);
  double metres_px = cm_render_view_metres_per_pixel (view, lat);
  double width_px = 2 * CM_ANALYSIS_REACH_WIDTH_M / metres_px;
  /* what is in view, with the stroke's reach around it */
  double bbox[4];
  cm_render_view_get_bbox (view, bbox);
  double pad = 2 * width_px * (bbox[2] - bbox[0]) / MAX (view->width, 1);
  bbox[0] -= pad, bbox[1] -= pad, bbox[2] += pad, bbox[3] += pad;
  g_autoptr (GArray) dots = g_array_new (FALSE, FALSE, sizeof (double));
  cairo_new_path (cr);
  add_reach_path (cr, r, view, bbox, dots);
  set_rgba (cr, reach);
  cairo_set_line_width (cr, width_px);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_stroke (cr);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_BUTT);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_MITER);
  /* the pieces under a pixel: squares as wide as the ground around them */
  if (dots->len > 0)
    fill_dots (cr, dots, MAX (1, round (width_px)));

  cairo_new_path (cr);
  g_array_set_size (dots, 0);
  add_reach_path (cr, r, view, bbox, dots);
  cairo_set_source_rgba (cr, reach[0], reach[1], reach[2], 0.7);
  cairo_set_line_width (cr, 2.5);
  cairo_stroke (cr);
  if (dots->len > 0)
    fill_dots (cr, dots, 2);
}

/* the sources, on top of everything */
static void
coverage_top (cairo_t *cr, const CmAnalysisResult *r, const CmRenderView *view, int width,
              int height)
{
  for (guint i = 0; i < r->coverage->sources->len; i++)
    {
      const CmCoverageSource *s = &g_array_index (r->coverage->sources, CmCoverageSource, i);
      double x, y;
      cm_render_view_project (view, s->lon, s->lat, &x, &y);
      if (x < -10 || y < -10 || x > width + 10 || y > height + 10)
        continue;
      cairo_new_path (cr);
      cairo_arc (cr, x, y, 6, 0, 2 * G_PI);
      cairo_set_source_rgb (cr, 0.16, 0.44, 0.85);
      cairo_fill_preserve (cr);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_set_line_width (cr, 2);
      cairo_stroke (cr);
    }
}

/* ---- volunteer teams ------------------------------------------------------------------------ */

static gboolean
teams_building (const CmAnalysisResult *r, guint circle, guint b, double rgba[4])
{
  const CmCoverageBuilding *bd = &g_array_index (r->teams->buildings->buildings,
                                                CmCoverageBuilding, b);
  return pick (rgba, bd->covered, CM_ANALYSIS_COLOUR_GREY, CM_ANALYSIS_COLOUR_GAP);
}

static void
teams_legend (GArray *items, const CmAnalysisResult *r)
{
  legend_add (items, COLOUR (TEAM), 0, FALSE, _("Some team works here"));
  legend_add (items, COLOUR (GAP), 1, FALSE, _("Gap: no team works here"));
  legend_add (items, COLOUR (OVERLAP), 2, FALSE, _("Overlap: two or more teams"));
  legend_add (items, COLOUR (GAP), 0, TRUE, _("Building outside every team"));
}

/* the ground some team covers, the gaps and the overlaps hatched */
static void
teams_ground (cairo_t *cr, const CmAnalysisResult *r, const CmRenderView *view, int width,
              int height)
{
  draw_area (cr, r->teams->covered, view, COLOUR (TEAM), 0, width, height);
  draw_area (cr, r->teams->gaps, view, COLOUR (GAP), 1, width, height);
  for (guint i = 0; i < r->teams->overlaps->len; i++)
    draw_area (cr, ((CmTeamOverlap *) g_ptr_array_index (r->teams->overlaps, i))->geom, view,
               COLOUR (OVERLAP), 2, width, height);
}

/* ---- life circle ---------------------------------------------------------------------------- */

static gboolean
life_building (const CmAnalysisResult *r, guint circle, guint b, double rgba[4])
{
  return pick (rgba, cm_life_report_meets (r->life, circle, b), CM_ANALYSIS_COLOUR_NEAR,
               CM_ANALYSIS_COLOUR_NONE);
}

static void
life_legend (GArray *items, const CmAnalysisResult *r)
{
  legend_add (items, COLOUR (NEAR), 0, FALSE, _("Has every facility of the circle"));
  legend_add (items, COLOUR (NONE), 0, TRUE, _("Lacks a facility of the circle"));
}

/* ---- the summaries: what the window's panel and a poster's summary box say ---------------- */

static void
coverage_summary (GString *summary, const CmAnalysisResult *r, guint circle)
{
  const CmCoverage *c = r->coverage;
  guint nb = c->buildings->len;
  if (r->without_radius > 0)
    g_string_append_printf (summary,
                            ngettext ("%u station has no service radius of its own: %.0f m is "
                                      "used for it. ",
                                      "%u stations have no service radius of their own: %.0f m "
                                      "is used for them. ",
                                      r->without_radius),
                            r->without_radius, r->request.fallback_m);
  if (c->walking)
    g_string_append_printf (summary,
                            _("%u of %u buildings are within %.0f m walk of a source (%.1f%%)."),
                            c->covered, nb, r->request.metres, nb ? 100.0 * c->covered / nb : 0.0);
  else
    g_string_append_printf (summary, _("%u of %u buildings are within a service radius (%.1f%%)."),
                            c->covered, nb, nb ? 100.0 * c->covered / nb : 0.0);
  if (c->walking && (c->off_network || c->disconnected))
    g_string_append_printf (summary,
                            _(" %u have no path within %.0f m; %u are on paths that lead to no "
                              "source."),
                            c->off_network, CM_NETWORK_MAX_ACCESS_M, c->disconnected);
  if (c->population_covered + c->population_uncovered > 0)
    g_string_append_printf (summary, _(" Residents not covered: %lld."),
                            (long long) c->population_uncovered);
}

static void
teams_summary (GString *summary, const CmAnalysisResult *r, guint circle)
{
  const CmTeams *t = r->teams;
  if (t->boundary_area_m2 > 0)
    g_string_append_printf (summary,
                            _("Teams cover %.1f%% of the community; gaps: %.0f m²; overlaps: "
                              "%.0f m²."),
                            100 * t->covered_in_boundary_m2 / t->boundary_area_m2,
                            t->gaps_area_m2, t->overlap_area_m2);
  else
    g_string_append_printf (summary,
                            _("No community boundary is drawn, so gaps cannot be shown; "
                              "overlaps: %.0f m²."),
                            t->overlap_area_m2);
  g_string_append_printf (summary, _(" %u of %u buildings are outside every team."),
                          t->buildings_outside, t->buildings->buildings->len);
}

static void
life_summary (GString *summary, const CmAnalysisResult *r, guint circle)
{
  const CmLifeReport *life = r->life;
  guint nb = life->buildings->buildings->len;
  if (circle >= life->circles->len)
    circle = 0;
  const CmLifeCircle *ci = &g_array_index (life->circles, CmLifeCircle, circle);
  g_string_append_printf (summary, _("%s (%.0f m): %u of %u buildings have every facility "
                                     "(%.1f%%)."),
                          cm_i18n_pick (ci->name_zh, ci->name_en), ci->walk_m, ci->buildings_met,
                          nb, nb ? 100.0 * ci->buildings_met / nb : 0.0);
}

/* ---- the table of kinds --------------------------------------------------------------------- */

typedef struct
{
  /* building @b's colour into @rgba; TRUE when it counts as not covered (outlined too) */
  gboolean (*building) (const CmAnalysisResult *r, guint circle, guint b, double rgba[4]);
  void (*legend) (GArray *items, const CmAnalysisResult *r);
  /* under the buildings, and over them; NULL: nothing */
  void (*ground) (cairo_t *cr, const CmAnalysisResult *r, const CmRenderView *view, int width,
                  int height);
  void (*top) (cairo_t *cr, const CmAnalysisResult *r, const CmRenderView *view, int width,
               int height);
  void (*summary) (GString *summary, const CmAnalysisResult *r, guint circle);
} KindStyle;

/* One line per kind, in the order of CmAnalysisKind (see cm-analysis.h). */
static const KindStyle kinds[] = {
  [CM_ANALYSIS_COVERAGE] = { coverage_building, coverage_legend, coverage_ground, coverage_top,
                              coverage_summary },
  [CM_ANALYSIS_TEAMS] = { teams_building, teams_legend, teams_ground, NULL, teams_summary },
  [CM_ANALYSIS_LIFE_CIRCLE] = { life_building, life_legend, NULL, NULL, life_summary },
};
G_STATIC_ASSERT (G_N_ELEMENTS (kinds) == CM_N_ANALYSIS_KINDS);

void
cm_analysis_draw_swatch (cairo_t *cr, const CmAnalysisLegendItem *item, double x, double y,
                         double size)
{
  cairo_save (cr);
  cairo_new_path (cr);
  cairo_rectangle (cr, x + size * 0.05, y + size * 0.15, size * 0.9, size * 0.7);
  cairo_clip_preserve (cr);
  set_rgba (cr, item->rgba);
  if (item->hatch)
    {
      /* three strokes across, one way or the other, as hatch_path draws them on the map */
      cairo_set_line_width (cr, size * 0.09);
      for (int k = -1; k <= 3; k++)
        {
          double x0 = x + k * size * 0.3;
          cairo_move_to (cr, item->hatch == 1 ? x0 : x0 + size, y);
          cairo_line_to (cr, item->hatch == 1 ? x0 + size : x0, y + size);
        }
      cairo_stroke (cr);
      cairo_rectangle (cr, x + size * 0.05, y + size * 0.15, size * 0.9, size * 0.7);
    }
  else if (!item->outline)
    cairo_fill_preserve (cr);
  cairo_set_line_width (cr, size * (item->outline ? 0.2 : 0.08));
  cairo_stroke (cr);
  cairo_restore (cr);
}

void
cm_analysis_append_summary (GString *summary, const CmAnalysisResult *result, guint circle)
{
  kinds[result->request.kind].summary (summary, result, circle);
}

GArray *
cm_analysis_legend (const CmAnalysisResult *r)
{
  GArray *items = g_array_new (FALSE, FALSE, sizeof (CmAnalysisLegendItem));
  kinds[r->request.kind].legend (items, r);
  return items;
}

/* The suggested sites: numbered pins, 1 the best. */
static void
draw_sites (cairo_t *cr, const CmSuggestion *s, const CmRenderView *view)
{
  for (guint i = 0; i < s->sites->len; i++)
    {
      const CmSuggestSite *site = &g_array_index (s->sites, CmSuggestSite, i);
      double x, y;
      cm_render_view_project (view, site->lon, site->lat, &x, &y);
      /* a pin: its point on the site, the head above it */
      cairo_new_path (cr);
      cairo_move_to (cr, x, y);
      cairo_line_to (cr, x - 7, y - 14);
      cairo_arc (cr, x, y - 20, 10, G_PI * 0.8, G_PI * 0.2);
      cairo_close_path (cr);
      set_rgba (cr, COLOUR (GAINED));
      cairo_fill_preserve (cr);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_set_line_width (cr, 2);
      cairo_stroke (cr);
      char number[8];
      g_snprintf (number, sizeof number, "%u", i + 1);
      PangoLayout *layout = pango_cairo_create_layout (cr);
      PangoFontDescription *font = pango_font_description_from_string ("Sans Bold 11px");
      pango_layout_set_font_description (layout, font);
      pango_font_description_free (font);
      pango_layout_set_text (layout, number, -1);
      int w, h;
      pango_layout_get_pixel_size (layout, &w, &h);
      cairo_move_to (cr, x - w / 2.0, y - 20 - h / 2.0);
      pango_cairo_show_layout (cr, layout);
      g_object_unref (layout);
    }
}

/* The buildings of one colour: those in view drawn as shapes, those under a pixel and a half
 * as dots, and whether they are outlined (not covered). */
typedef struct
{
  double rgba[4];
  gboolean outlined;
  GArray *shapes; /* guint: building indexes */
  GArray *dots;   /* double x, y */
} Batch;

#define MAX_BATCHES 16

/* Each building in view in its colour, one fill per colour and one stroke for all outlines,
 * all on @cr (its clip and transformation: a poster's frame): a district has 558,796
 * buildings, and a fill each, or a path each of those under a pixel, took 2 s a frame zoomed
 * out. Sub-pixel buildings are squares of their colour, or dark red for those outlined (at that
 * size the outline is what shows), drawn first. */
static void
draw_buildings (cairo_t *cr, const CmAnalysisResult *r, guint circle, const KindStyle *style,
                const CmRenderView *view, const double bbox[4])
{
  GArray *buildings = cm_analysis_result_get_buildings (r);
  if (buildings == NULL || r->shapes == NULL)
    return;
  Batch batches[MAX_BATCHES];
  guint n_batches = 0;
  g_autoptr (GArray) outlined_dots = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint b = 0; b < buildings->len; b++)
    {
      const double *sb = r->shape_bbox + 4 * b;
      if (g_ptr_array_index (r->shapes, b) == NULL || sb[2] < bbox[0] || sb[0] > bbox[2] ||
          sb[3] < bbox[1] || sb[1] > bbox[3])
        continue;
      double rgba[4];
      gboolean outlined = style->building (r, circle, b, rgba);
      Batch *batch = NULL;
      for (guint k = 0; k < n_batches && batch == NULL; k++)
        if (memcmp (batches[k].rgba, rgba, sizeof rgba) == 0 && batches[k].outlined == outlined)
          batch = &batches[k];
      if (batch == NULL)
        {
          if (n_batches == MAX_BATCHES)
            continue; /* (no kind has so many colours) */
          batch = &batches[n_batches++];
          memcpy (batch->rgba, rgba, sizeof rgba);
          batch->outlined = outlined;
          batch->shapes = g_array_new (FALSE, FALSE, sizeof (guint));
          batch->dots = g_array_new (FALSE, FALSE, sizeof (double));
        }
      double x0, y0, x1, y1;
      cm_render_view_project (view, sb[0], sb[1], &x0, &y0);
      cm_render_view_project (view, sb[2], sb[3], &x1, &y1);
      if (fabs (x1 - x0) < 1.5 && fabs (y1 - y0) < 1.5)
        {
          double dot[2] = { (x0 + x1) / 2, (y0 + y1) / 2 };
          g_array_append_vals (outlined ? outlined_dots : batch->dots, dot, 2);
        }
      else
        g_array_append_val (batch->shapes, b);
    }
  const double outline[4] = { 0.65, 0.0, 0.15, 1.0 }; /* uncovered: outlined too */
  /* the dots of those not covered first: where covered ones lie among them, they show */
  if (outlined_dots->len > 0)
    {
      set_rgba (cr, outline);
      fill_dots (cr, outlined_dots, 2);
    }
  for (guint k = 0; k < n_batches; k++)
    {
      cairo_new_path (cr);
      for (guint i = 0; i < batches[k].shapes->len; i++)
        cm_render_add_geom_path (cr, g_ptr_array_index (r->shapes,
                                                        g_array_index (batches[k].shapes, guint, i)),
                                 view);
      set_rgba (cr, batches[k].rgba);
      cairo_fill (cr); /* even-odd (cm_analysis_draw): holes stay holes, as on the map */
      if (batches[k].dots->len > 0)
        fill_dots (cr, batches[k].dots, 2);
    }
  cairo_new_path (cr);
  for (guint k = 0; k < n_batches; k++)
    for (guint i = 0; batches[k].outlined && i < batches[k].shapes->len; i++)
      cm_render_add_geom_path (cr, g_ptr_array_index (r->shapes,
                                                      g_array_index (batches[k].shapes, guint, i)),
                               view);
  set_rgba (cr, outline);
  cairo_set_line_width (cr, 1.5);
  cairo_stroke (cr);
  for (guint k = 0; k < n_batches; k++)
    {
      g_array_unref (batches[k].shapes);
      g_array_unref (batches[k].dots);
    }
}

void
cm_analysis_draw (cairo_t *cr, const CmAnalysisResult *r, guint circle, const CmRenderView *view,
                  int width, int height)
{
  const KindStyle *style = &kinds[r->request.kind];
  double bbox[4];
  cm_render_view_get_bbox (view, bbox);
  cairo_save (cr);
  cairo_set_fill_rule (cr, CAIRO_FILL_RULE_EVEN_ODD);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);

  if (style->ground)
    style->ground (cr, r, view, width, height);

  draw_buildings (cr, r, circle, style, view, bbox);

  if (style->top)
    style->top (cr, r, view, width, height);
  if (r->suggestion)
    draw_sites (cr, r->suggestion, view);
  cairo_restore (cr);
}

void
cm_analysis_draw_gained (cairo_t *cr, const CmAnalysisResult *r, GHashTable *gained,
                         const CmRenderView *view)
{
  GArray *buildings = cm_analysis_result_get_buildings (r);
  if (gained == NULL || buildings == NULL || g_hash_table_size (gained) == 0)
    return;
  double bbox[4];
  cm_render_view_get_bbox (view, bbox);
  cairo_save (cr);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_new_path (cr);
  for (guint b = 0; b < buildings->len; b++)
    {
      const CmGeom *shape = g_ptr_array_index (r->shapes, b);
      const double *sb = r->shape_bbox + 4 * b;
      if (shape == NULL || sb[2] < bbox[0] || sb[0] > bbox[2] || sb[3] < bbox[1] ||
          sb[1] > bbox[3] ||
          !g_hash_table_contains (gained, g_array_index (buildings, CmCoverageBuilding, b).uuid))
        continue;
      cm_render_add_geom_path (cr, shape, view);
    }
  /* a white halo, then the colour: it reads on every band's fill */
  cairo_set_source_rgba (cr, 1, 1, 1, 0.9);
  cairo_set_line_width (cr, 5);
  cairo_stroke_preserve (cr);
  set_rgba (cr, COLOUR (GAINED));
  cairo_set_line_width (cr, 2.5);
  cairo_stroke (cr);
  cairo_restore (cr);
}
