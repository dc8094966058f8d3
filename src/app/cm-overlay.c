/* cm-overlay.c: the view and the redraws of overlay layers. */
#include "cm-overlay.h"

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
