/* cm-selection-layer.c: one feature, highlighted. Drawn with cairo in the widget's snapshot;
 * its vertices are projected through the viewport on every frame (one feature: cheap). */
#include "cm-selection-layer.h"

#include "cm-geom.h"

struct _CmSelectionLayer
{
  ShumateLayer parent_instance;
  CmGeom *geom;
};

G_DEFINE_FINAL_TYPE (CmSelectionLayer, cm_selection_layer, SHUMATE_TYPE_LAYER)

static void
add_path (CmSelectionLayer *self, cairo_t *cr, ShumateViewport *vp, const CmGeom *g,
          GArray *points)
{
  if (g->type == CM_GEOM_COLLECTION)
    {
      for (guint i = 0; i < g->children->len; i++)
        add_path (self, cr, vp, g_ptr_array_index (g->children, i), points);
      return;
    }
  CmGeomType single = cm_geom_type_single (g->type);
  const double *xy = (const double *) g->xy->data;
  guint pos = 0;
  for (guint r = 0; r < g->ring_len->len; r++)
    {
      guint n = g_array_index (g->ring_len, guint, r);
      for (guint i = 0; i < n; i++)
        {
          double x, y;
          shumate_viewport_location_to_widget_coords (vp, GTK_WIDGET (self), xy[2 * (pos + i) + 1],
                                                      xy[2 * (pos + i)], &x, &y);
          if (single == CM_GEOM_POINT)
            {
              double p[2] = { x, y };
              g_array_append_vals (points, p, 1);
            }
          else if (i == 0)
            cairo_move_to (cr, x, y);
          else
            cairo_line_to (cr, x, y);
        }
      if (single == CM_GEOM_POLYGON)
        cairo_close_path (cr);
      pos += n;
    }
}

static void
cm_selection_layer_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  CmSelectionLayer *self = CM_SELECTION_LAYER (widget);
  if (self->geom == NULL)
    return;
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));
  ShumateViewport *vp = shumate_layer_get_viewport (SHUMATE_LAYER (self));
  g_autoptr (GArray) points = g_array_new (FALSE, FALSE, sizeof (double) * 2);
  add_path (self, cr, vp, self->geom, points);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_source_rgba (cr, 1, 1, 1, 0.9);
  cairo_set_line_width (cr, 7);
  cairo_stroke_preserve (cr);
  cairo_set_source_rgba (cr, 0.11, 0.44, 0.85, 1); /* GNOME blue */
  cairo_set_line_width (cr, 3.5);
  cairo_stroke (cr);
  for (guint i = 0; i < points->len; i++)
    {
      const double *p = (const double *) points->data + 2 * i;
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
  G_OBJECT_CLASS (cm_selection_layer_parent_class)->dispose (object);
}

static void
cm_selection_layer_constructed (GObject *object)
{
  G_OBJECT_CLASS (cm_selection_layer_parent_class)->constructed (object);
  /* libshumate 1.0 has no viewport "changed" signal: redraw on any property change */
  g_signal_connect_object (shumate_layer_get_viewport (SHUMATE_LAYER (object)), "notify",
                           G_CALLBACK (gtk_widget_queue_draw), object, G_CONNECT_SWAPPED);
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
}

CmSelectionLayer *
cm_selection_layer_new (ShumateViewport *viewport)
{
  return g_object_new (CM_TYPE_SELECTION_LAYER, "viewport", viewport, NULL);
}

void
cm_selection_layer_set_feature (CmSelectionLayer *self, CmFeature *feature)
{
  g_clear_pointer (&self->geom, cm_geom_free);
  GBytes *wkb = feature ? cm_feature_get_wkb (feature) : NULL;
  if (wkb)
    {
      gsize len;
      const guint8 *data = g_bytes_get_data (wkb, &len);
      self->geom = cm_geom_from_wkb (data, len);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
