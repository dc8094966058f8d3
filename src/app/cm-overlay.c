/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-overlay.c: the view and the redraws of overlay layers. */
#include "cm-overlay.h"

#include <math.h>

void
cm_overlay_get_view (ShumateLayer *layer, CmRenderView *view)
{
  ShumateViewport *vp = shumate_layer_get_viewport (layer);
  GtkWidget *w = GTK_WIDGET (layer);
  cm_render_view_init_centre (view, shumate_location_get_longitude (SHUMATE_LOCATION (vp)),
                              shumate_location_get_latitude (SHUMATE_LOCATION (vp)),
                              shumate_viewport_get_zoom_level (vp), gtk_widget_get_width (w),
                              gtk_widget_get_height (w));
}

void
cm_overlay_follow_viewport (ShumateLayer *layer)
{
  g_signal_connect_object (shumate_layer_get_viewport (layer), "notify",
                           G_CALLBACK (gtk_widget_queue_draw), layer, G_CONNECT_SWAPPED);
}

cairo_t *
cm_overlay_append_cairo (ShumateLayer *layer, GtkSnapshot *snapshot, const double box[4],
                         double margin)
{
  int w = gtk_widget_get_width (GTK_WIDGET (layer)), h = gtk_widget_get_height (GTK_WIDGET (layer));
  double x0 = MAX (0, floor (box[0] - margin)), y0 = MAX (0, floor (box[1] - margin));
  double x1 = MIN (w, ceil (box[2] + margin)), y1 = MIN (h, ceil (box[3] + margin));
  if (x1 <= x0 || y1 <= y0)
    return NULL;
  return gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (x0, y0, x1 - x0, y1 - y0));
}
