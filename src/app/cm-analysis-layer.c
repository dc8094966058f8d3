/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-analysis-layer.c: draws an analysis result over the tiles, culled to the view, as
 * cm-analysis-style.c says, and keeps the picture while the view moves. */
#include "config.h"

#include "cm-analysis-layer.h"

#include <math.h>

#include "cm-analysis-style.h"
#include "cm-overlay.h"

struct _CmAnalysisLayer
{
  ShumateLayer parent_instance;
  const CmAnalysisResult *result;
  guint circle;
  GHashTable *gained; /* uuids of buildings newly covered since the baseline, or NULL */
  /* What was drawn last, kept as a texture: a district's coverage takes 0.1–0.9 s to draw, so
   * a pan within the margin around the view moves the picture instead of drawing it again,
   * and a zoom in progress scales it until the zoom settles (cache_view: where it was drawn,
   * margin included). */
  GdkTexture *cache;
  CmRenderView cache_view;
  int cache_scale;
  guint settle_id;
};

G_DEFINE_FINAL_TYPE (CmAnalysisLayer, cm_analysis_layer, SHUMATE_TYPE_LAYER)

/* Pixels drawn around the view, so that a pan of this much shows what was drawn. */
#define CACHE_MARGIN 256

static void
forget_cache (CmAnalysisLayer *self)
{
  g_clear_object (&self->cache);
  g_clear_handle_id (&self->settle_id, g_source_remove);
}

/* Draws the result over @view (logical pixels) into a texture of @scale device pixels each. */
static GdkTexture *
draw_texture (CmAnalysisLayer *self, const CmRenderView *view, int scale)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32,
                                                         view->width * scale,
                                                         view->height * scale);
  cairo_t *cr = cairo_create (surface);
  cairo_scale (cr, scale, scale);
  cm_analysis_draw (cr, self->result, self->circle, view, view->width, view->height);
  cm_analysis_draw_gained (cr, self->result, self->gained, view);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  /* cairo's ARGB32 is premultiplied BGRA in memory on little-endian machines */
  GBytes *bytes = g_bytes_new_with_free_func (cairo_image_surface_get_data (surface),
                                              (gsize) cairo_image_surface_get_stride (surface) *
                                                  view->height * scale,
                                              (GDestroyNotify) cairo_surface_destroy, surface);
  GdkTexture *texture = gdk_memory_texture_new (view->width * scale, view->height * scale,
                                                GDK_MEMORY_DEFAULT, bytes,
                                                cairo_image_surface_get_stride (surface));
  g_bytes_unref (bytes);
  return texture;
}

static gboolean
settled_cb (gpointer data)
{
  CmAnalysisLayer *self = data;
  self->settle_id = 0;
  g_clear_object (&self->cache);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return G_SOURCE_REMOVE;
}

static void
cm_analysis_layer_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  CmAnalysisLayer *self = CM_ANALYSIS_LAYER (widget);
  if (self->result == NULL)
    return;
  CmRenderView view;
  cm_overlay_get_view (SHUMATE_LAYER (self), &view);
  if (view.width <= 0 || view.height <= 0)
    return;
  int scale = gtk_widget_get_scale_factor (widget);
  const CmRenderView *c = &self->cache_view;
  double f = self->cache ? exp2 (view.zoom - c->zoom) : 0;
  gboolean same_zoom = self->cache && fabs (view.zoom - c->zoom) < 1e-9 &&
                       self->cache_scale == scale;
  gboolean inside = same_zoom && view.x >= c->x && view.y >= c->y &&
                    view.x + view.width <= c->x + c->width &&
                    view.y + view.height <= c->y + c->height;
  if (!inside && self->cache && !same_zoom && f > 0.25 && f < 4)
    {
      /* a zoom in progress: the last picture scaled, drawn anew once the zoom rests */
      g_clear_handle_id (&self->settle_id, g_source_remove);
      self->settle_id = g_timeout_add (150, settled_cb, self);
    }
  else if (!inside)
    {
      forget_cache (self);
      self->cache_view = view;
      self->cache_view.x -= CACHE_MARGIN, self->cache_view.y -= CACHE_MARGIN;
      self->cache_view.width += 2 * CACHE_MARGIN, self->cache_view.height += 2 * CACHE_MARGIN;
      self->cache_scale = scale;
      self->cache = draw_texture (self, &self->cache_view, scale);
      f = 1;
    }
  /* where the picture lies in the view now (world pixels at its zoom, times f) */
  gtk_snapshot_append_texture (snapshot, self->cache,
                               &GRAPHENE_RECT_INIT ((float) (c->x * f - view.x),
                                                    (float) (c->y * f - view.y),
                                                    (float) (c->width * f),
                                                    (float) (c->height * f)));
}

static void
cm_analysis_layer_finalize (GObject *object)
{
  forget_cache (CM_ANALYSIS_LAYER (object));
  g_clear_pointer (&CM_ANALYSIS_LAYER (object)->gained, g_hash_table_unref);
  G_OBJECT_CLASS (cm_analysis_layer_parent_class)->finalize (object);
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
  G_OBJECT_CLASS (klass)->finalize = cm_analysis_layer_finalize;
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
cm_analysis_layer_set_gained (CmAnalysisLayer *self, GHashTable *gained)
{
  g_clear_pointer (&self->gained, g_hash_table_unref);
  self->gained = gained ? g_hash_table_ref (gained) : NULL;
  forget_cache (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
cm_analysis_layer_set_result (CmAnalysisLayer *self, const CmAnalysisResult *result,
                              guint circle)
{
  if (result == NULL)
    g_clear_pointer (&self->gained, g_hash_table_unref);
  self->result = result;
  self->circle = circle;
  forget_cache (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
