/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-selection-layer.c: one feature, highlighted. Drawn with cairo in the widget's snapshot;
 * its vertices are projected through the viewport on every frame (one feature: cheap). */
#include "cm-selection-layer.h"

#include <math.h>

#include "cm-geom-edit.h"
#include "cm-overlay.h"
#include "cm-render.h"

struct _CmSelectionLayer
{
  ShumateLayer parent_instance;
  CmGeom *geom;
  gboolean handles;
  guint active; /* the chosen vertex, or G_MAXUINT */
  double scale; /* handle size: 1, larger for fingers */
  double ring_m; /* a station's service radius, drawn around its point; NAN: none */
  GPtrArray *others; /* CmGeom: the other rows chosen in the table, outlined more lightly */
  CmGeom *theirs;    /* a conflict's other shape of the feature (docs/merge.md), dashed */
  double box[4];     /* a box being dragged out (widget pixels); NAN: none */
};

G_DEFINE_FINAL_TYPE (CmSelectionLayer, cm_selection_layer, SHUMATE_TYPE_LAYER)

/* The positions of @g's points (not of its lines' and areas' vertices), projected. */
static void
add_points (const CmGeom *g, const CmRenderView *view, GArray *points)
{
  if (g->type == CM_GEOM_COLLECTION)
    {
      for (guint i = 0; i < g->children->len; i++)
        add_points (g_ptr_array_index (g->children, i), view, points);
      return;
    }
  if (cm_geom_type_single (g->type) != CM_GEOM_POINT)
    return;
  const double *xy = (const double *) g->xy->data;
  for (guint i = 0; i < g->xy->len / 2; i++)
    {
      double p[2];
      cm_render_view_project (view, xy[2 * i], xy[2 * i + 1], &p[0], &p[1]);
      g_array_append_vals (points, p, 1);
    }
}

/* Edit handles: a circle on each vertex (filled when chosen) and a smaller one in the middle
 * of each segment, to drag out a new vertex. */
static void
draw_handles (CmSelectionLayer *self, cairo_t *cr, const CmRenderView *view)
{
  const CmGeom *g = self->geom;
  if (g->type == CM_GEOM_COLLECTION || cm_geom_type_single (g->type) == CM_GEOM_POINT)
    return;
  const double *xy = (const double *) g->xy->data;
  guint n = cm_geom_n_positions (g);
  for (guint i = 0; i < n; i++)
    {
      guint next = cm_geom_next_in_ring (g, i);
      if (cm_geom_is_closing (g, i) || next == G_MAXUINT)
        continue;
      double ax, ay, bx, by;
      cm_render_view_project (view, xy[2 * i], xy[2 * i + 1], &ax, &ay);
      cm_render_view_project (view, xy[2 * next], xy[2 * next + 1], &bx, &by);
      cairo_new_path (cr);
      cairo_arc (cr, (ax + bx) / 2, (ay + by) / 2, CM_SELECTION_MID_RADIUS * self->scale, 0,
                 2 * G_PI);
      cairo_set_source_rgba (cr, 1, 1, 1, 0.85);
      cairo_fill_preserve (cr);
      cairo_set_source_rgba (cr, 0.11, 0.44, 0.85, 0.8);
      cairo_set_line_width (cr, 1.5);
      cairo_stroke (cr);
    }
  for (guint i = 0; i < n; i++)
    {
      if (cm_geom_is_closing (g, i))
        continue;
      double x, y;
      cm_render_view_project (view, xy[2 * i], xy[2 * i + 1], &x, &y);
      cairo_new_path (cr);
      cairo_arc (cr, x, y, CM_SELECTION_VERTEX_RADIUS * self->scale, 0, 2 * G_PI);
      if (i == self->active)
        cairo_set_source_rgb (cr, 0.11, 0.44, 0.85);
      else
        cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_fill_preserve (cr);
      cairo_set_source_rgb (cr, 0.11, 0.44, 0.85);
      cairo_set_line_width (cr, 2.5);
      cairo_stroke (cr);
    }
}

/* The other chosen features: a light outline each, no handles. */
static void
snapshot_others (CmSelectionLayer *self, GtkSnapshot *snapshot)
{
  CmRenderView view;
  cm_overlay_get_view (SHUMATE_LAYER (self), &view);
  double box[4] = { G_MAXDOUBLE, G_MAXDOUBLE, -G_MAXDOUBLE, -G_MAXDOUBLE };
  for (guint i = 0; i < self->others->len; i++)
    {
      double b[4], x0, y0, x1, y1;
      cm_geom_get_bbox (self->others->pdata[i], b);
      cm_render_view_project (&view, b[0], b[3], &x0, &y0);
      cm_render_view_project (&view, b[2], b[1], &x1, &y1);
      box[0] = MIN (box[0], x0), box[1] = MIN (box[1], y0);
      box[2] = MAX (box[2], x1), box[3] = MAX (box[3], y1);
    }
  cairo_t *cr = cm_overlay_append_cairo (SHUMATE_LAYER (self), snapshot, box, 12);
  if (cr == NULL)
    return;
  for (guint i = 0; i < self->others->len; i++)
    cm_render_add_geom_path (cr, self->others->pdata[i], &view);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_source_rgba (cr, 0.11, 0.44, 0.85, 0.15);
  cairo_fill_preserve (cr);
  cairo_set_source_rgba (cr, 0.11, 0.44, 0.85, 0.8);
  cairo_set_line_width (cr, 2);
  cairo_stroke (cr);
  cairo_destroy (cr);
}

/* The other copy's shape of a feature in conflict: dashed orange, its points as rings. */
static void
snapshot_theirs (CmSelectionLayer *self, GtkSnapshot *snapshot)
{
  CmRenderView view;
  cm_overlay_get_view (SHUMATE_LAYER (self), &view);
  double b[4], x0, y0, x1, y1;
  cm_geom_get_bbox (self->theirs, b);
  cm_render_view_project (&view, b[0], b[3], &x0, &y0);
  cm_render_view_project (&view, b[2], b[1], &x1, &y1);
  cairo_t *cr = cm_overlay_append_cairo (SHUMATE_LAYER (self), snapshot,
                                         (double[]) { x0, y0, x1, y1 }, 16);
  if (cr == NULL)
    return;
  static const double dash[] = { 6, 4 };
  cairo_set_dash (cr, dash, 2, 0);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_source_rgba (cr, 0.90, 0.38, 0.0, 1); /* orange: not this map's */
  cairo_set_line_width (cr, 3);
  cm_render_add_geom_path (cr, self->theirs, &view);
  cairo_stroke (cr);
  g_autoptr (GArray) points = g_array_new (FALSE, FALSE, sizeof (double) * 2);
  add_points (self->theirs, &view, points);
  for (guint i = 0; i < points->len; i++)
    {
      const double *p = (const double *) points->data + 2 * i;
      cairo_new_path (cr);
      cairo_arc (cr, p[0], p[1], 11, 0, 2 * G_PI);
      cairo_stroke (cr);
    }
  cairo_destroy (cr);
}

static void
cm_selection_layer_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  CmSelectionLayer *self = CM_SELECTION_LAYER (widget);
  if (self->theirs)
    snapshot_theirs (self, snapshot);
  if (!isnan (self->box[0]))
    {
      graphene_rect_t r = GRAPHENE_RECT_INIT (MIN (self->box[0], self->box[2]),
                                              MIN (self->box[1], self->box[3]),
                                              fabs (self->box[2] - self->box[0]),
                                              fabs (self->box[3] - self->box[1]));
      gtk_snapshot_append_color (snapshot, &(GdkRGBA) { 0.11, 0.44, 0.85, 0.12 }, &r);
      GskRoundedRect outline;
      gsk_rounded_rect_init_from_rect (&outline, &r, 0);
      const GdkRGBA blue = { 0.11, 0.44, 0.85, 0.9 };
      gtk_snapshot_append_border (snapshot, &outline, (float[]) { 1.5, 1.5, 1.5, 1.5 },
                                  (GdkRGBA[]) { blue, blue, blue, blue });
    }
  if (self->others && self->others->len > 0)
    snapshot_others (self, snapshot);
  if (self->geom == NULL)
    return;
  CmRenderView view;
  cm_overlay_get_view (SHUMATE_LAYER (self), &view);
  /* only as large as the feature and its handles (and its ring) */
  double bbox[4], x0, y0, x1, y1;
  cm_geom_get_bbox (self->geom, bbox);
  cm_render_view_project (&view, bbox[0], bbox[3], &x0, &y0);
  cm_render_view_project (&view, bbox[2], bbox[1], &x1, &y1);
  double ring_px = isnan (self->ring_m) ? 0
                                        : self->ring_m / cm_render_view_metres_per_pixel (
                                                             &view, bbox[1]);
  cairo_t *cr = cm_overlay_append_cairo (
      SHUMATE_LAYER (self), snapshot,
      (double[]) { x0 - ring_px, y0 - ring_px, x1 + ring_px, y1 + ring_px }, 16 * self->scale);
  if (cr == NULL)
    return;
  if (ring_px > 0)
    {
      /* where the station's radius reaches, as it is moved or its radius typed */
      static const double dash[] = { 8, 4 };
      cairo_new_path (cr);
      cairo_arc (cr, (x0 + x1) / 2, (y0 + y1) / 2, ring_px, 0, 2 * G_PI);
      cairo_set_source_rgba (cr, 0.11, 0.44, 0.85, 0.10);
      cairo_fill_preserve (cr);
      cairo_set_dash (cr, dash, 2, 0);
      cairo_set_source_rgba (cr, 0.11, 0.44, 0.85, 0.9);
      cairo_set_line_width (cr, 2);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
    }
  g_autoptr (GArray) points = g_array_new (FALSE, FALSE, sizeof (double) * 2);
  cm_render_add_geom_path (cr, self->geom, &view);
  add_points (self->geom, &view, points);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_source_rgba (cr, 1, 1, 1, 0.9);
  cairo_set_line_width (cr, 7);
  cairo_stroke_preserve (cr);
  cairo_set_source_rgba (cr, 0.11, 0.44, 0.85, 1); /* GNOME blue */
  cairo_set_line_width (cr, 3.5);
  cairo_stroke (cr);
  if (self->handles)
    draw_handles (self, cr, &view);
  for (guint i = 0; i < points->len; i++)
    {
      const double *p = (const double *) points->data + 2 * i;
      cairo_new_path (cr);
      cairo_arc (cr, p[0], p[1], 11, 0, 2 * G_PI);
      cairo_set_source_rgba (cr, 1, 1, 1, 0.9);
      cairo_set_line_width (cr, 7);
      cairo_stroke_preserve (cr);
      cairo_set_source_rgba (cr, 0.11, 0.44, 0.85, 1);
      cairo_set_line_width (cr, 3.5);
      cairo_stroke (cr);
    }
  cairo_destroy (cr);
}

static void
cm_selection_layer_dispose (GObject *object)
{
  CmSelectionLayer *self = CM_SELECTION_LAYER (object);
  g_clear_pointer (&self->geom, cm_geom_free);
  g_clear_pointer (&self->theirs, cm_geom_free);
  g_clear_pointer (&self->others, g_ptr_array_unref);
  G_OBJECT_CLASS (cm_selection_layer_parent_class)->dispose (object);
}

static void
cm_selection_layer_constructed (GObject *object)
{
  G_OBJECT_CLASS (cm_selection_layer_parent_class)->constructed (object);
  cm_overlay_follow_viewport (SHUMATE_LAYER (object));
}

static void
cm_selection_layer_class_init (CmSelectionLayerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = cm_selection_layer_dispose;
  G_OBJECT_CLASS (klass)->constructed = cm_selection_layer_constructed;
  GTK_WIDGET_CLASS (klass)->snapshot = cm_selection_layer_snapshot;
}

static void
cm_selection_layer_init (CmSelectionLayer *self)
{
  self->active = G_MAXUINT;
  self->scale = 1;
  self->ring_m = NAN;
  self->box[0] = self->box[1] = self->box[2] = self->box[3] = NAN;
}

void
cm_selection_layer_set_box (CmSelectionLayer *self, double x0, double y0, double x1, double y1)
{
  self->box[0] = x0, self->box[1] = y0, self->box[2] = x1, self->box[3] = y1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
cm_selection_layer_set_ring (CmSelectionLayer *self, double metres)
{
  self->ring_m = metres > 0 ? metres : NAN;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
cm_selection_layer_set_scale (CmSelectionLayer *self, double scale)
{
  self->scale = scale;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

CmSelectionLayer *
cm_selection_layer_new (ShumateViewport *viewport)
{
  return g_object_new (CM_TYPE_SELECTION_LAYER, "viewport", viewport, NULL);
}

void
cm_selection_layer_set_geom (CmSelectionLayer *self, const CmGeom *geom)
{
  g_clear_pointer (&self->geom, cm_geom_free);
  self->geom = geom ? cm_geom_copy (geom) : NULL;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const CmGeom *
cm_selection_layer_get_geom (CmSelectionLayer *self)
{
  return self->geom;
}

void
cm_selection_layer_set_handles (CmSelectionLayer *self, gboolean handles, guint active)
{
  self->handles = handles;
  self->active = active;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
cm_selection_layer_set_feature (CmSelectionLayer *self, CmFeature *feature)
{
  self->active = G_MAXUINT;
  g_clear_pointer (&self->geom, cm_geom_free);
  GVariant *radius = feature ? cm_feature_get_field (feature, "service_radius_m") : NULL;
  self->ring_m = radius && g_variant_is_of_type (radius, G_VARIANT_TYPE_DOUBLE)
                     ? g_variant_get_double (radius)
                     : NAN;
  GBytes *wkb = feature ? cm_feature_get_wkb (feature) : NULL;
  if (wkb)
    {
      gsize len;
      const guint8 *data = g_bytes_get_data (wkb, &len);
      self->geom = cm_geom_from_wkb (data, len);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
cm_selection_layer_set_others (CmSelectionLayer *self, GPtrArray *features)
{
  g_clear_pointer (&self->others, g_ptr_array_unref);
  if (features && features->len > 0)
    {
      self->others = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_geom_free);
      /* a few thousand outlines at most: beyond that the chosen rows are a list, not a shape */
      for (guint i = 0; i < features->len && i < 2000; i++)
        {
          GBytes *wkb = cm_feature_get_wkb (features->pdata[i]);
          CmGeom *g = wkb ? cm_geom_from_wkb (g_bytes_get_data (wkb, NULL), g_bytes_get_size (wkb))
                          : NULL;
          if (g)
            g_ptr_array_add (self->others, g);
        }
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
cm_selection_layer_set_theirs (CmSelectionLayer *self, GBytes *wkb)
{
  g_clear_pointer (&self->theirs, cm_geom_free);
  if (wkb)
    self->theirs = cm_geom_from_wkb (g_bytes_get_data (wkb, NULL), g_bytes_get_size (wkb));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
