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
  GHashTable *gained; /* uuids of buildings newly covered since the baseline, or NULL */
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
  cm_analysis_draw_gained (cr, r, self->gained, &view);
  cairo_destroy (cr);
}

static void
cm_analysis_layer_finalize (GObject *object)
{
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
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
