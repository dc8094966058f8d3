/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-analysis-layer.c: draws an analysis result over the tiles, culled to the view, as
 * cm-analysis-style.c says. */
#include "config.h"

#include "cm-analysis-layer.h"

#include "cm-analysis-style.h"
#include "cm-overlay.h"

struct _CmAnalysisLayer
{
  ShumateLayer parent_instance;
  const CmAnalysisResult *result;
  guint circle;
};

G_DEFINE_FINAL_TYPE (CmAnalysisLayer, cm_analysis_layer, SHUMATE_TYPE_LAYER)

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
  cairo_t *cr = cm_overlay_append_cairo (SHUMATE_LAYER (self), snapshot,
                                         (double[]) { 0, 0, width, height }, 0);
  if (cr == NULL)
    return;
  cm_analysis_draw (cr, r, self->circle, &view, width, height);
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
