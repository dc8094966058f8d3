/* cm-analysis-layer.c: draws an analysis result over the tiles, culled to the view. */
#include "config.h"

#include "cm-analysis-layer.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "cm-overlay.h"
#include "cm-render.h"

struct _CmAnalysisLayer
{
  ShumateLayer parent_instance;
  const CmAnalysisResult *result;
  guint circle;
};

G_DEFINE_FINAL_TYPE (CmAnalysisLayer, cm_analysis_layer, SHUMATE_TYPE_LAYER)

/* ColorBrewer's RdYlGn, readable by most colour-blind people in this order */
static const double NEAR[4] = { 0.10, 0.60, 0.31, 0.85 };    /* within half the distance */
static const double WITHIN[4] = { 0.57, 0.81, 0.38, 0.85 };  /* within the distance */
static const double BEYOND[4] = { 0.99, 0.68, 0.38, 0.85 };  /* up to half as far again */
static const double FAR[4] = { 0.96, 0.43, 0.26, 0.85 };     /* farther */
static const double NONE[4] = { 0.84, 0.19, 0.15, 0.90 };    /* no way there */
static const double REACH[4] = { 0.16, 0.44, 0.85, 0.16 };   /* ground reached on foot */
static const double GAP[4] = { 0.84, 0.19, 0.15, 0.75 };     /* no team */
static const double OVERLAP[4] = { 0.42, 0.24, 0.60, 0.75 }; /* two or more teams */
static const double TEAM[4] = { 0.10, 0.60, 0.31, 0.14 };    /* some team */
static const double GREY[4] = { 0.55, 0.55, 0.55, 0.70 };

/* Building @b's colour into @rgba; TRUE when the analysis counts it as not covered (it is
 * outlined too). */
static gboolean
building_style (const CmAnalysisResult *r, guint circle, guint b, double rgba[4])
{
  const double *c = GREY;
  gboolean covered = TRUE;
  if (r->coverage)
    {
      const CmCoverageBuilding *bd = &g_array_index (r->coverage->buildings, CmCoverageBuilding, b);
      double m = r->request.metres;
      covered = bd->covered;
      if (!r->coverage->walking)
        c = covered ? NEAR : NONE;
      else if (bd->walk_status != CM_WALK_REACHED)
        c = NONE;
      else
        c = bd->walk_m <= m / 2 ? NEAR : bd->walk_m <= m ? WITHIN : bd->walk_m <= 1.5 * m ? BEYOND : FAR;
    }
  else if (r->teams)
    {
      covered = g_array_index (r->teams->buildings->buildings, CmCoverageBuilding, b).covered;
      c = covered ? GREY : GAP;
    }
  else if (r->life)
    {
      covered = cm_life_report_meets (r->life, circle, b);
      c = covered ? NEAR : NONE;
    }
  memcpy (rgba, c, sizeof (double) * 4);
  return !covered;
}

static void
legend_add (GArray *items, const double rgba[4], int hatch, gboolean outline, const char *label)
{
  CmAnalysisLegendItem item = { { rgba[0], rgba[1], rgba[2], rgba[3] }, hatch, outline, label };
  g_array_append_val (items, item);
}

GArray *
cm_analysis_legend (const CmAnalysisResult *r)
{
  GArray *items = g_array_new (FALSE, FALSE, sizeof (CmAnalysisLegendItem));
  if (r->coverage && r->coverage->walking)
    {
      legend_add (items, NEAR, 0, FALSE, _("Within half the walking distance"));
      legend_add (items, WITHIN, 0, FALSE, _("Within the walking distance"));
      legend_add (items, BEYOND, 0, TRUE, _("Up to half as far again (not covered)"));
      legend_add (items, FAR, 0, TRUE, _("Farther (not covered)"));
      legend_add (items, NONE, 0, TRUE, _("No way there on foot"));
      legend_add (items, REACH, 0, FALSE, _("Paths reached on foot"));
    }
  else if (r->coverage)
    {
      legend_add (items, NEAR, 0, FALSE, _("Within a service radius"));
      legend_add (items, NONE, 0, TRUE, _("Outside every service radius"));
    }
  else if (r->teams)
    {
      legend_add (items, TEAM, 0, FALSE, _("Some team works here"));
      legend_add (items, GAP, 1, FALSE, _("Gap: no team works here"));
      legend_add (items, OVERLAP, 2, FALSE, _("Overlap: two or more teams"));
      legend_add (items, GAP, 0, TRUE, _("Building outside every team"));
    }
  else if (r->life)
    {
      legend_add (items, NEAR, 0, FALSE, _("Has every facility of the circle"));
      legend_add (items, NONE, 0, TRUE, _("Lacks a facility of the circle"));
    }
  return items;
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

static void
cm_analysis_layer_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  CmAnalysisLayer *self = CM_ANALYSIS_LAYER (widget);
  const CmAnalysisResult *r = self->result;
  if (r == NULL)
    return;
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  CmRenderView view;
  cm_overlay_get_view (SHUMATE_LAYER (self), &view);
  double bbox[4];
  cm_render_view_get_bbox (&view, bbox);
  cairo_t *cr = cm_overlay_append_cairo (SHUMATE_LAYER (self), snapshot,
                                         (double[]) { 0, 0, width, height }, 0);
  if (cr == NULL)
    return;
  cairo_set_fill_rule (cr, CAIRO_FILL_RULE_EVEN_ODD);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);

  /* ground first, buildings over it */
  if (r->reach)
    for (guint i = 0; i < r->reach->len; i++)
      draw_area (cr, g_ptr_array_index (r->reach, i), &view, REACH, 0, width, height);
  if (r->reach_lines)
    for (guint i = 0; i < r->reach_lines->len; i++)
      {
        cairo_new_path (cr);
        cm_render_add_geom_path (cr, g_ptr_array_index (r->reach_lines, i), &view);
        cairo_set_source_rgba (cr, REACH[0], REACH[1], REACH[2], 0.7);
        cairo_set_line_width (cr, 2.5);
        cairo_stroke (cr);
      }
  if (r->teams)
    {
      draw_area (cr, r->teams->covered, &view, TEAM, 0, width, height);
      draw_area (cr, r->teams->gaps, &view, GAP, 1, width, height);
      for (guint i = 0; i < r->teams->overlaps->len; i++)
        draw_area (cr, ((CmTeamOverlap *) g_ptr_array_index (r->teams->overlaps, i))->geom,
                   &view, OVERLAP, 2, width, height);
    }

  GArray *buildings = cm_analysis_result_get_buildings (r);
  for (guint b = 0; buildings && b < buildings->len; b++)
    {
      const CmGeom *shape = g_ptr_array_index (r->shapes, b);
      const double *sb = r->shape_bbox + 4 * b;
      if (shape == NULL || sb[2] < bbox[0] || sb[0] > bbox[2] || sb[3] < bbox[1] || sb[1] > bbox[3])
        continue;
      double rgba[4];
      gboolean outlined = building_style (r, self->circle, b, rgba);
      cairo_new_path (cr);
      cm_render_add_geom_path (cr, shape, &view);
      set_rgba (cr, rgba);
      if (outlined)
        {
          cairo_fill_preserve (cr);
          cairo_set_source_rgb (cr, 0.65, 0.0, 0.15); /* uncovered: outlined too */
          cairo_set_line_width (cr, 1.5);
          cairo_stroke (cr);
        }
      else
        cairo_fill (cr);
    }

  /* the sources on top */
  if (r->coverage)
    for (guint i = 0; i < r->coverage->sources->len; i++)
      {
        const CmCoverageSource *s = &g_array_index (r->coverage->sources, CmCoverageSource, i);
        double x, y;
        cm_render_view_project (&view, s->lon, s->lat, &x, &y);
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
  cairo_destroy (cr);
}

static void
cm_analysis_layer_constructed (GObject *object)
{
  G_OBJECT_CLASS (cm_analysis_layer_parent_class)->constructed (object);
  cm_overlay_follow_viewport (SHUMATE_LAYER (object));
}

static void
cm_analysis_layer_class_init (CmAnalysisLayerClass *klass)
{
  G_OBJECT_CLASS (klass)->constructed = cm_analysis_layer_constructed;
  GTK_WIDGET_CLASS (klass)->snapshot = cm_analysis_layer_snapshot;
}

static void
cm_analysis_layer_init (CmAnalysisLayer *self)
{
  gtk_widget_set_can_target (GTK_WIDGET (self), FALSE);
}

CmAnalysisLayer *
cm_analysis_layer_new (ShumateViewport *viewport)
{
  return g_object_new (CM_TYPE_ANALYSIS_LAYER, "viewport", viewport, NULL);
}

void
cm_analysis_layer_set_result (CmAnalysisLayer *self, const CmAnalysisResult *result,
                              guint circle)
{
  self->result = result;
  self->circle = circle;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
