/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-sketch-layer.c: the shape in progress, drawn with cairo in the widget's snapshot. */
#include "cm-sketch-layer.h"

#include <math.h>

#include "cm-geom-edit.h"
#include "cm-overlay.h"
#include "cm-render.h"

struct _CmSketchLayer
{
  ShumateLayer parent_instance;
  CmSketchKind kind;
  GArray *vertices; /* double lon, lat pairs */
  double pointer[2];
  double problem[2];
  char *problem_message;
  double scale; /* line and vertex size: 1, larger on a projector */
  double ring_m; /* a point's service radius, drawn around it (or the pointer); NAN: none */
  CmGeom *parts; /* the parts of an area finished before this one, or NULL */
};

G_DEFINE_FINAL_TYPE (CmSketchLayer, cm_sketch_layer, SHUMATE_TYPE_LAYER)

/* Drawing colours: orange reads on paper, on aerial basemaps and on a projector. */
#define SKETCH_R 0.93
#define SKETCH_G 0.45
#define SKETCH_B 0.0

static void
halo_stroke (cairo_t *cr, double width)
{
  cairo_set_source_rgba (cr, 1, 1, 1, 0.9);
  cairo_set_line_width (cr, width + 4);
  cairo_stroke_preserve (cr);
  cairo_set_source_rgb (cr, SKETCH_R, SKETCH_G, SKETCH_B);
  cairo_set_line_width (cr, width);
  cairo_stroke (cr);
}

static void
draw_problem (CmSketchLayer *self, cairo_t *cr, const CmRenderView *view)
{
  double x, y;
  cm_render_view_project (view, self->problem[0], self->problem[1], &x, &y);
  /* a red ring with a cross at the crossing, and the reason beside it */
  cairo_new_path (cr);
  cairo_arc (cr, x, y, 14, 0, 2 * G_PI);
  cairo_set_source_rgba (cr, 1, 1, 1, 0.9);
  cairo_set_line_width (cr, 7);
  cairo_stroke_preserve (cr);
  cairo_set_source_rgb (cr, 0.8, 0.1, 0.1);
  cairo_set_line_width (cr, 3);
  cairo_stroke (cr);
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  pango_layout_set_text (layout, self->problem_message, -1);
  pango_layout_set_width (layout, 280 * PANGO_SCALE);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  int w, h;
  pango_layout_get_pixel_size (layout, &w, &h);
  double lx = x + 22, ly = y - h / 2.0;
  cairo_rectangle (cr, lx - 6, ly - 4, w + 12, h + 8);
  cairo_set_source_rgba (cr, 0.8, 0.1, 0.1, 0.92);
  cairo_fill (cr);
  cairo_move_to (cr, lx, ly);
  cairo_set_source_rgb (cr, 1, 1, 1);
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);
}

/* Grows @box (pixels) by @x, @y with @margin. */
static void
box_add (double box[4], double x, double y, double margin)
{
  box[0] = MIN (box[0], x - margin), box[1] = MIN (box[1], y - margin);
  box[2] = MAX (box[2], x + margin), box[3] = MAX (box[3], y + margin);
}

/* Where the radius ring goes: the placed point, else the pointer. FALSE: no ring. */
static gboolean
ring_centre (CmSketchLayer *self, double ll[2])
{
  if (self->kind != CM_SKETCH_POINT || isnan (self->ring_m) || self->ring_m <= 0)
    return FALSE;
  if (self->vertices->len >= 2)
    {
      ll[0] = g_array_index (self->vertices, double, 0);
      ll[1] = g_array_index (self->vertices, double, 1);
      return TRUE;
    }
  ll[0] = self->pointer[0];
  ll[1] = self->pointer[1];
  return !isnan (ll[0]);
}

static void
draw_parts (CmSketchLayer *self, cairo_t *cr, const CmRenderView *view)
{
  const double *xy = (const double *) self->parts->xy->data;
  guint at = 0;
  cairo_new_path (cr);
  for (guint r = 0; r < self->parts->ring_len->len; r++)
    {
      guint len = g_array_index (self->parts->ring_len, guint, r);
      for (guint i = 0; i < len; i++, at++)
        {
          double x, y;
          cm_render_view_project (view, xy[2 * at], xy[2 * at + 1], &x, &y);
          cairo_line_to (cr, x, y);
        }
      cairo_close_path (cr);
      cairo_new_sub_path (cr);
    }
  cairo_set_source_rgba (cr, SKETCH_R, SKETCH_G, SKETCH_B, 0.25);
  cairo_fill_preserve (cr);
  halo_stroke (cr, 2 * self->scale);
}

static void
cm_sketch_layer_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  CmSketchLayer *self = CM_SKETCH_LAYER (widget);
  guint n = self->vertices->len / 2;
  double ring[2];
  gboolean has_ring = ring_centre (self, ring);
  if (self->kind == CM_SKETCH_NONE ||
      (n == 0 && self->problem_message == NULL && !has_ring && self->parts == NULL))
    return;
  CmRenderView view;
  cm_overlay_get_view (SHUMATE_LAYER (self), &view);
  const double *ll = (const double *) self->vertices->data;
  g_autofree double *xy = g_new (double, 2 * n + 2);
  for (guint i = 0; i < n; i++)
    cm_render_view_project (&view, ll[2 * i], ll[2 * i + 1], &xy[2 * i], &xy[2 * i + 1]);
  /* only as large as the sketch */
  double box[4] = { G_MAXDOUBLE, G_MAXDOUBLE, -G_MAXDOUBLE, -G_MAXDOUBLE };
  for (guint i = 0; i < n; i++)
    box_add (box, xy[2 * i], xy[2 * i + 1], 0);
  if (!isnan (self->pointer[0]) && n > 0)
    {
      double px, py;
      cm_render_view_project (&view, self->pointer[0], self->pointer[1], &px, &py);
      box_add (box, px, py, 0);
    }
  if (self->problem_message)
    {
      double px, py;
      cm_render_view_project (&view, self->problem[0], self->problem[1], &px, &py);
      box[0] = MIN (box[0], px - 20), box[1] = MIN (box[1], py - 60);
      box[2] = MAX (box[2], px + 320), box[3] = MAX (box[3], py + 60);
    }
  double ring_xy[2], ring_px = 0;
  if (has_ring)
    {
      cm_render_view_project (&view, ring[0], ring[1], &ring_xy[0], &ring_xy[1]);
      ring_px = self->ring_m / cm_render_view_metres_per_pixel (&view, ring[1]);
      box_add (box, ring_xy[0], ring_xy[1], ring_px);
    }
  if (self->parts)
    {
      double b[4], x0, y0, x1, y1;
      cm_geom_get_bbox (self->parts, b);
      cm_render_view_project (&view, b[0], b[1], &x0, &y0);
      cm_render_view_project (&view, b[2], b[3], &x1, &y1);
      box_add (box, x0, y0, 0);
      box_add (box, x1, y1, 0);
    }
  cairo_t *cr = cm_overlay_append_cairo (SHUMATE_LAYER (self), snapshot, box, 16 * self->scale);
  if (cr == NULL)
    return;

  if (self->parts)
    draw_parts (self, cr, &view);
  if (has_ring)
    {
      /* the service area as it will be drawn on the map: a dashed circle, lightly filled */
      static const double dash[] = { 8, 4 };
      cairo_new_path (cr);
      cairo_arc (cr, ring_xy[0], ring_xy[1], ring_px, 0, 2 * G_PI);
      cairo_set_source_rgba (cr, SKETCH_R, SKETCH_G, SKETCH_B, 0.12);
      cairo_fill_preserve (cr);
      cairo_set_dash (cr, dash, 2, 0);
      cairo_set_source_rgb (cr, SKETCH_R, SKETCH_G, SKETCH_B);
      cairo_set_line_width (cr, 2 * self->scale);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
    }
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  if (self->kind == CM_SKETCH_AREA && n >= 3)
    {
      cairo_new_path (cr);
      for (guint i = 0; i < n; i++)
        cairo_line_to (cr, xy[2 * i], xy[2 * i + 1]);
      cairo_close_path (cr);
      cairo_set_source_rgba (cr, SKETCH_R, SKETCH_G, SKETCH_B, 0.18);
      cairo_fill (cr);
    }
  if (n >= 2)
    {
      cairo_new_path (cr);
      for (guint i = 0; i < n; i++)
        cairo_line_to (cr, xy[2 * i], xy[2 * i + 1]);
      if (self->kind == CM_SKETCH_AREA && n >= 3)
        cairo_close_path (cr);
      halo_stroke (cr, 3 * self->scale);
    }
  /* the rubber band from the last vertex to the pointer, dashed */
  if (n >= 1 && self->kind != CM_SKETCH_POINT && !isnan (self->pointer[0]))
    {
      double px, py;
      cm_render_view_project (&view, self->pointer[0], self->pointer[1], &px, &py);
      static const double dash[] = { 6, 4 };
      cairo_new_path (cr);
      cairo_move_to (cr, xy[2 * n - 2], xy[2 * n - 1]);
      cairo_line_to (cr, px, py);
      cairo_set_dash (cr, dash, 2, 0);
      cairo_set_source_rgb (cr, SKETCH_R, SKETCH_G, SKETCH_B);
      cairo_set_line_width (cr, 2);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
    }
  for (guint i = 0; i < n; i++)
    {
      /* the vertex that finishes the shape when clicked is larger: an area's first, a
       * line's last */
      gboolean finisher = (self->kind == CM_SKETCH_AREA && i == 0 && n >= 3) ||
                          (self->kind == CM_SKETCH_LINE && i == n - 1 && n >= 2);
      cairo_new_path (cr);
      cairo_arc (cr, xy[2 * i], xy[2 * i + 1], (finisher ? 9 : 6) * self->scale, 0, 2 * G_PI);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_fill_preserve (cr);
      cairo_set_source_rgb (cr, SKETCH_R, SKETCH_G, SKETCH_B);
      cairo_set_line_width (cr, (finisher ? 4 : 3) * self->scale);
      cairo_stroke (cr);
    }
  if (self->problem_message)
    draw_problem (self, cr, &view);
  cairo_destroy (cr);
}

static void
cm_sketch_layer_finalize (GObject *object)
{
  CmSketchLayer *self = CM_SKETCH_LAYER (object);
  g_array_unref (self->vertices);
  g_free (self->problem_message);
  g_clear_pointer (&self->parts, cm_geom_free);
  G_OBJECT_CLASS (cm_sketch_layer_parent_class)->finalize (object);
}

static void
cm_sketch_layer_constructed (GObject *object)
{
  G_OBJECT_CLASS (cm_sketch_layer_parent_class)->constructed (object);
  cm_overlay_follow_viewport (SHUMATE_LAYER (object));
}

static void
cm_sketch_layer_class_init (CmSketchLayerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cm_sketch_layer_finalize;
  G_OBJECT_CLASS (klass)->constructed = cm_sketch_layer_constructed;
  GTK_WIDGET_CLASS (klass)->snapshot = cm_sketch_layer_snapshot;
}

static void
cm_sketch_layer_init (CmSketchLayer *self)
{
  self->vertices = g_array_new (FALSE, FALSE, sizeof (double));
  self->pointer[0] = self->pointer[1] = NAN;
  self->scale = 1;
  self->ring_m = NAN;
}

void
cm_sketch_layer_set_scale (CmSketchLayer *self, double scale)
{
  self->scale = scale;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

CmSketchLayer *
cm_sketch_layer_new (ShumateViewport *viewport)
{
  return g_object_new (CM_TYPE_SKETCH_LAYER, "viewport", viewport, NULL);
}

void
cm_sketch_layer_start (CmSketchLayer *self, CmSketchKind kind)
{
  self->kind = kind;
  g_array_set_size (self->vertices, 0);
  self->pointer[0] = self->pointer[1] = NAN;
  g_clear_pointer (&self->problem_message, g_free);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

CmSketchKind
cm_sketch_layer_get_kind (CmSketchLayer *self)
{
  return self->kind;
}

void
cm_sketch_layer_add_vertex (CmSketchLayer *self, double lon, double lat)
{
  double ll[2] = { lon, lat };
  g_array_append_vals (self->vertices, ll, 2);
  g_clear_pointer (&self->problem_message, g_free);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
cm_sketch_layer_remove_last (CmSketchLayer *self)
{
  if (self->vertices->len == 0)
    return FALSE;
  g_array_set_size (self->vertices, self->vertices->len - 2);
  g_clear_pointer (&self->problem_message, g_free);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return TRUE;
}

guint
cm_sketch_layer_get_n_vertices (CmSketchLayer *self)
{
  return self->vertices->len / 2;
}

void
cm_sketch_layer_get_vertex (CmSketchLayer *self, guint i, double *lon, double *lat)
{
  g_return_if_fail (i < self->vertices->len / 2);
  *lon = g_array_index (self->vertices, double, 2 * i);
  *lat = g_array_index (self->vertices, double, 2 * i + 1);
}

void
cm_sketch_layer_set_pointer (CmSketchLayer *self, double lon, double lat)
{
  self->pointer[0] = lon;
  self->pointer[1] = lat;
  if ((self->kind != CM_SKETCH_NONE && self->kind != CM_SKETCH_POINT && self->vertices->len > 0) ||
      (self->kind == CM_SKETCH_POINT && !isnan (self->ring_m) && self->vertices->len == 0))
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
cm_sketch_layer_set_ring (CmSketchLayer *self, double metres)
{
  self->ring_m = metres;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
cm_sketch_layer_set_parts (CmSketchLayer *self, const CmGeom *parts)
{
  g_clear_pointer (&self->parts, cm_geom_free);
  self->parts = parts ? cm_geom_copy (parts) : NULL;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
cm_sketch_layer_set_problem (CmSketchLayer *self, double lon, double lat, const char *message)
{
  self->problem[0] = lon;
  self->problem[1] = lat;
  g_free (self->problem_message);
  self->problem_message = g_strdup (message);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

CmGeom *
cm_sketch_layer_to_geom (CmSketchLayer *self)
{
  guint n = self->vertices->len / 2;
  static const guint need[] = { [CM_SKETCH_POINT] = 1, [CM_SKETCH_LINE] = 2, [CM_SKETCH_AREA] = 3 };
  if (self->kind == CM_SKETCH_NONE || n < need[self->kind])
    return NULL;
  static const CmGeomType types[] = { [CM_SKETCH_POINT] = CM_GEOM_POINT,
                                      [CM_SKETCH_LINE] = CM_GEOM_LINESTRING,
                                      [CM_SKETCH_AREA] = CM_GEOM_POLYGON };
  CmGeom *g = cm_geom_new (types[self->kind]);
  guint count = self->kind == CM_SKETCH_POINT ? 1 : n;
  g_array_append_vals (g->xy, self->vertices->data, 2 * count);
  if (self->kind == CM_SKETCH_AREA)
    {
      g_array_append_vals (g->xy, self->vertices->data, 2); /* close the ring */
      count++;
    }
  g_array_append_val (g->ring_len, count);
  guint one = 1;
  g_array_append_val (g->part_len, one);
  return g;
}
