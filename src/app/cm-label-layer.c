/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-label-layer.c: map labels above the tiles, placed by src/render's label placement. */
#include "cm-label-layer.h"

#include "cm-overlay.h"

#include "cm-render.h"

struct _CmLabelLayer
{
  ShumateLayer parent_instance;
  CmLabels *labels;
};

G_DEFINE_FINAL_TYPE (CmLabelLayer, cm_label_layer, SHUMATE_TYPE_LAYER)

static void
cm_label_layer_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  CmLabelLayer *self = CM_LABEL_LAYER (widget);
  if (cm_labels_get_n (self->labels) == 0)
    return;
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  CmRenderView view;
  cm_overlay_get_view (SHUMATE_LAYER (self), &view);
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));
  cm_labels_draw (self->labels, cr, &view);
  cairo_destroy (cr);
}

static void
cm_label_layer_constructed (GObject *object)
{
  G_OBJECT_CLASS (cm_label_layer_parent_class)->constructed (object);
  cm_overlay_follow_viewport (SHUMATE_LAYER (object));
}

static void
cm_label_layer_finalize (GObject *object)
{
  cm_labels_free (CM_LABEL_LAYER (object)->labels);
  G_OBJECT_CLASS (cm_label_layer_parent_class)->finalize (object);
}

static void
cm_label_layer_class_init (CmLabelLayerClass *klass)
{
  G_OBJECT_CLASS (klass)->constructed = cm_label_layer_constructed;
  G_OBJECT_CLASS (klass)->finalize = cm_label_layer_finalize;
  GTK_WIDGET_CLASS (klass)->snapshot = cm_label_layer_snapshot;
}

static void
cm_label_layer_init (CmLabelLayer *self)
{
  self->labels = cm_labels_new ();
}

CmLabelLayer *
cm_label_layer_new (ShumateViewport *viewport)
{
  return g_object_new (CM_TYPE_LABEL_LAYER, "viewport", viewport, NULL);
}

void
cm_label_layer_load (CmLabelLayer *self, CmStore *store, guint hidden)
{
  cm_labels_clear (self->labels);
  if (store)
    cm_render_collect_labels (store, self->labels, hidden, NULL);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
