/* bench-window: the real map window (run under xvfb-run) on the benchmark map of bench-render:
 * time from opening the map to the first complete frame (every tile drawn), and warm frames
 * (pan a little over drawn tiles, then GTK draws the whole window). Prints figures only.
 *
 * Usage: xvfb-run bench-window MAP.sqlite
 */
#include <adwaita.h>
#include <shumate/shumate.h>
#include <sys/resource.h>

#include "cm-tile-source.h"
#include "cm-window.h"

static ShumateSimpleMap *
find_map (GtkWidget *w)
{
  if (SHUMATE_IS_SIMPLE_MAP (w))
    return SHUMATE_SIMPLE_MAP (w);
  for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
    {
      ShumateSimpleMap *m = find_map (c);
      if (m)
        return m;
    }
  return NULL;
}

/* Runs the main loop until no tile is pending; returns when the last one landed. */
static gint64
wait_for_tiles (CmWindow *window)
{
  gint64 end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC, last = g_get_monotonic_time ();
  guint rendered = 0;
  for (;;)
    {
      g_main_context_iteration (NULL, FALSE);
      CmTileSource *tiles = cm_window_get_tiles (window);
      guint now = cm_tile_source_get_rendered (tiles);
      if (now != rendered)
        {
          rendered = now;
          last = g_get_monotonic_time ();
        }
      if ((rendered > 0 && cm_tile_source_get_pending (tiles) == 0 &&
           g_get_monotonic_time () - last > 200000) ||
          g_get_monotonic_time () > end)
        return last;
    }
}

static double
draw_window_ms (CmWindow *window)
{
  int w = gtk_widget_get_width (GTK_WIDGET (window)), h = gtk_widget_get_height (GTK_WIDGET (window));
  gint64 t0 = g_get_monotonic_time ();
  GdkPaintable *paintable = gtk_widget_paintable_new (GTK_WIDGET (window));
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, w, h);
  GskRenderNode *node = gtk_snapshot_free_to_node (snapshot);
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  GdkTexture *texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, w, h));
  double ms = (g_get_monotonic_time () - t0) / 1000.0;
  g_object_unref (texture);
  gsk_render_node_unref (node);
  g_object_unref (paintable);
  return ms;
}

int
main (int argc, char **argv)
{
  if (argc < 2)
    {
      g_printerr ("usage: xvfb-run bench-window MAP.sqlite\n");
      return 2;
    }
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  gtk_init ();
  adw_init ();
  CmWindow *window = cm_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1600 + 320, 1200 + 47);
  gtk_window_present (GTK_WINDOW (window));
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);

  gint64 t0 = g_get_monotonic_time ();
  g_autoptr (GError) error = NULL;
  if (!cm_window_open_map (window, argv[1], &error))
    g_error ("%s", error->message);
  gint64 done = wait_for_tiles (window);
  double first = (done - t0) / 1000.0;
  ShumateSimpleMap *map = find_map (GTK_WIDGET (window));
  ShumateViewport *vp = shumate_simple_map_get_viewport (map);
  g_print ("bench/window: %s in a %d×%d map area\n", argv[1],
           gtk_widget_get_width (GTK_WIDGET (map)), gtk_widget_get_height (GTK_WIDGET (map)));
  g_print ("open the map to its first complete frame (%u tiles): %.0f ms\n",
           cm_tile_source_get_rendered (cm_window_get_tiles (window)), first);

  /* warm frames: nudge the view by a few pixels over drawn tiles, then draw the window */
  double lat = shumate_location_get_latitude (SHUMATE_LOCATION (vp));
  double lon = shumate_location_get_longitude (SHUMATE_LOCATION (vp));
  double total = 0, worst = 0;
  int frames = 60;
  for (int f = 0; f < frames; f++)
    {
      double dx = (f % 2 ? 1 : -1) * 0.0002;
      shumate_location_set_location (SHUMATE_LOCATION (vp), lat, lon + dx);
      while (g_main_context_pending (NULL))
        g_main_context_iteration (NULL, FALSE);
      double ms = draw_window_ms (window);
      total += ms;
      worst = MAX (worst, ms);
    }
  g_print ("warm frame (pan over drawn tiles, GTK draws the window): %.1f ms mean, %.1f ms worst"
           " (renderer %s)\n", total / frames, worst,
           G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (window))));
  struct rusage usage;
  getrusage (RUSAGE_SELF, &usage);
  g_print ("peak RSS: %.0f MB\n", usage.ru_maxrss / 1024.0);
  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
