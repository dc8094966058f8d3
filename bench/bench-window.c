/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-window: the real map window (run under xvfb-run) on the benchmark map of bench-render:
 * time from opening the map to the first complete frame (every tile drawn), warm frames
 * (pan a little over drawn tiles, to the frame GTK presents: its frame clock's after-paint),
 * and drawing: a click to the
 * frame that shows its vertex, and a save (the form closed) to the frame with the tiles it
 * touched drawn again. Prints figures only.
 *
 * Usage: xvfb-run bench-window MAP.sqlite
 */
#include <adwaita.h>
#include <shumate/shumate.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>
#include <json-glib/json-glib.h>
#include <string.h>

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

static gint64 painted_at;

static void
after_paint (GdkFrameClock *clock, gpointer user_data)
{

  painted_at = g_get_monotonic_time ();
}

/* Runs the main loop until GTK has painted the window again (its frame clock's after-paint);
 * returns when. */
static gboolean
wake_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static gint64
wait_painted (void)
{
  painted_at = 0;
  gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  /* wakes the loop now and then, should no frame come */
  guint wake = g_timeout_add (100, wake_cb, NULL);
  while (painted_at == 0 && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake);
  return painted_at;
}

/* Lets the window go idle, as between two clicks of a person: GTK's frame clock then paints a
 * change at once instead of waiting for the next 60 Hz tick after a busy frame. */
static void
idle_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;
  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

static double
draw_window_ms (CmWindow *window)
{
  int w = gtk_widget_get_width (GTK_WIDGET (window)), h = gtk_widget_get_height (GTK_WIDGET (window));
  /* a window waiting for its next layout has no picture yet: let it lay out first */
  GdkPaintable *paintable = NULL;
  GskRenderNode *node = NULL;
  gint64 t0 = 0;
  for (int tries = 0; node == NULL && tries < 50; tries++)
    {
      if (tries > 0)
        wait_painted ();
      g_clear_object (&paintable);
      paintable = gtk_widget_paintable_new (GTK_WIDGET (window));
      t0 = g_get_monotonic_time ();
      GtkSnapshot *snapshot = gtk_snapshot_new ();
      gdk_paintable_snapshot (paintable, snapshot, w, h);
      node = gtk_snapshot_free_to_node (snapshot);
    }
  if (node == NULL)
    g_error ("the window gives no picture");
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  GdkTexture *texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, w, h));
  double ms = (g_get_monotonic_time () - t0) / 1000.0;
  g_object_unref (texture);
  gsk_render_node_unref (node);
  g_object_unref (paintable);
  return ms;
}

/* The resident memory now (not the peak), in MB. */
static double
rss_now_mb (void)
{
  g_autofree char *statm = NULL;
  if (!g_file_get_contents ("/proc/self/statm", &statm, NULL, NULL))
    return 0;
  long pages = 0, resident = 0;
  sscanf (statm, "%ld %ld", &pages, &resident);
  return resident * (double) sysconf (_SC_PAGESIZE) / (1024 * 1024);
}

static int
compare_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static double
median (GArray *ms)
{
  g_array_sort (ms, compare_double);
  return ms->len ? g_array_index (ms, double, ms->len / 2) : 0;
}

/* Runs the main loop until @widget's toplevel has painted (its frame clock's after-paint). */
static gint64
wait_painted_on (GtkWidget *widget)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  if (clock == NULL)
    return wait_painted ();
  gulong id = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint), NULL);
  gint64 at = wait_painted ();
  g_signal_handler_disconnect (clock, id);
  return at;
}

/* The attribute table of the buildings (issue #13): the rows and a first screen's cells read
 * as the table reads them (in-process, like QGIS's model below); the window's table opened to
 * its first painted frame; scrolling page by page; the memory it takes. QGIS's attribute table
 * model on the same file beside it (bench/qgis-table.py). */
static void
bench_table (CmWindow *window, const char *path, const char *bench_dir)
{
  const int runs = 5;
  g_autoptr (GError) error = NULL;
  g_autoptr (CmStore) store = cm_store_open (path, &error);
  g_autoptr (GArray) model_ms = g_array_new (FALSE, FALSE, sizeof (double));
  guint rows = 0;
  for (int r = 0; r <= runs; r++)
    {
      gint64 t0 = g_get_monotonic_time ();
      g_autoptr (GArray) ids = cm_table_ids (store, CM_LAYER_BUILDINGS, NULL, NULL, FALSE, NULL);
      for (guint i = 0; i < 40 && i < ids->len; i++)
        {
          g_autoptr (CmFeature) f = cm_store_get_feature_by_id (store, CM_LAYER_BUILDINGS,
                                                                g_array_index (ids, gint64, i),
                                                                NULL);
          for (const char *const *c = cm_table_columns (CM_LAYER_BUILDINGS); *c; c++)
            g_free (cm_table_cell_text (store, f, *c));
        }
      double ms = (g_get_monotonic_time () - t0) / 1000.0;
      rows = ids->len;
      if (r > 0) /* the first warms the caches, as QGIS's warm-up */
        g_array_append_val (model_ms, ms);
    }
  g_print ("table of %u buildings, its rows and a first screen of cells (in-process, median of "
           "%d): %.1f ms\n", rows, runs, median (model_ms));

  double rss_before = rss_now_mb ();
  g_autoptr (GArray) open_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) built_ms = g_array_new (FALSE, FALSE, sizeof (double));
  for (int r = 0; r < runs; r++)
    {
      gint64 t0 = g_get_monotonic_time ();
      gtk_widget_activate_action (GTK_WIDGET (window), "win.table", "s", "buildings");
      double built = (g_get_monotonic_time () - t0) / 1000.0;
      g_array_append_val (built_ms, built);
      CmLayerTable *table = cm_window_get_table (window);
      gint64 painted = wait_painted_on (GTK_WIDGET (table));
      double ms = (painted - t0) / 1000.0;
      g_array_append_val (open_ms, ms);
      if (r + 1 < runs)
        {
          gtk_window_destroy (GTK_WINDOW (table));
          idle_for (200);
        }
    }
  g_print ("the window's table opened to its first painted frame (median of %d): %.0f ms, of "
           "which the table built and presented (rows read, widgets made) %.0f ms and GTK's "
           "first frame of a new window the rest\n",
           runs, median (open_ms), median (built_ms));

  /* a page at a time through 60 pages: each step to its painted frame */
  CmLayerTable *table = cm_window_get_table (window);
  GtkWidget *view = NULL;
  for (GtkWidget *w = GTK_WIDGET (table); w && view == NULL;)
    {
      if (GTK_IS_COLUMN_VIEW (w))
        view = w;
      else
        {
          GtkWidget *next = gtk_widget_get_first_child (w);
          while (next == NULL && w && w != GTK_WIDGET (table))
            {
              next = gtk_widget_get_next_sibling (w);
              if (next == NULL)
                w = gtk_widget_get_parent (w);
            }
          w = next;
        }
    }
  GtkAdjustment *adj = view ? gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view)) : NULL;
  g_autoptr (GArray) scroll_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) own_ms = g_array_new (FALSE, FALSE, sizeof (double));
  double worst = 0, own_worst = 0;
  for (int step = 0; adj && step < 60; step++)
    {
      idle_for (30);
      gint64 work0 = cm_layer_table_get_work_us (table);
      gint64 t0 = g_get_monotonic_time ();
      gtk_adjustment_set_value (adj, gtk_adjustment_get_value (adj) +
                                         gtk_adjustment_get_page_size (adj) * (step % 20 == 19 ? 400 : 1));
      gint64 painted = wait_painted_on (GTK_WIDGET (table));
      double ms = (painted - t0) / 1000.0;
      double own = (cm_layer_table_get_work_us (table) - work0) / 1000.0;
      worst = MAX (worst, ms);
      own_worst = MAX (own_worst, own);
      g_array_append_val (scroll_ms, ms);
      g_array_append_val (own_ms, own);
    }
  g_print ("scrolling the table a page at a time, and 400 pages every 20th (60 frames, set to "
           "painted): %.1f ms median, %.1f ms worst; of which our own work (rows read, cells "
           "filled): %.1f ms median, %.1f ms worst (goal: no frame over 16 ms)\n",
           median (scroll_ms), worst, median (own_ms), own_worst);
  g_print ("the table's memory (resident, after opening %d times and scrolling): %+.1f MB\n",
           runs, rss_now_mb () - rss_before);

  /* QGIS's attribute table model on the same buildings, when QGIS is installed */
  g_autofree char *script = g_build_filename (bench_dir, "qgis-table.py", NULL);
  g_autofree char *n = g_strdup_printf ("%d", runs);
  const char *argv[] = { "/usr/bin/python3", script, path, n, NULL };
  g_autofree char *out = NULL;
  int status;
  if (g_file_test ("/usr/bin/qgis", G_FILE_TEST_EXISTS) &&
      g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out,
                    NULL, &status, NULL) &&
      g_spawn_check_wait_status (status, NULL))
    {
      g_autoptr (JsonParser) parser = json_parser_new ();
      const char *line = strrchr (g_strchomp (out), '\n');
      if (json_parser_load_from_data (parser, line ? line + 1 : out, -1, NULL))
        {
          JsonObject *o = json_node_get_object (json_parser_get_root (parser));
          double qgis = json_object_get_double_member (o, "median_ms");
          g_print ("QGIS 3.22's attribute table model on the same buildings (in-process, "
                   "median of %d): %.1f ms; ours %.1f ms (%.0f× faster)\n",
                   runs, qgis, median (model_ms), qgis / MAX (median (model_ms), 0.001));
        }
    }
  else
    g_print ("QGIS is not installed (make bench-deps): no peer figure for the table\n");
  gtk_window_destroy (GTK_WINDOW (table));
}

/* This process's resident memory now, in MB. */
static double
rss_mb (void)
{
  long pages = 0, resident = 0;
  FILE *f = fopen ("/proc/self/statm", "r");
  if (f)
    {
      if (fscanf (f, "%ld %ld", &pages, &resident) != 2)
        resident = 0;
      fclose (f);
    }
  return resident * (double) sysconf (_SC_PAGESIZE) / (1 << 20);
}

/* A long session (issue #16): CM_BENCH_SESSION edits (10,000 by default) through the window, as
 * a person makes them, each a point saved through the form (a new feature, an undoable step)
 * and every second one undone at once: the window's resident memory at 0, 1,000 and the end,
 * and each thousand's mean time of a save, to see that neither grows. */
static void
bench_session (CmWindow *window, ShumateSimpleMap *map)
{
  const char *n_text = g_getenv ("CM_BENCH_SESSION");
  int n = n_text ? atoi (n_text) : 10000;
  int mw = gtk_widget_get_width (GTK_WIDGET (map)), mh = gtk_widget_get_height (GTK_WIDGET (map));
  /* at street level, as a person draws: each save redraws the tiles it touches */
  shumate_viewport_set_zoom_level (shumate_simple_map_get_viewport (map), 17);
  wait_for_tiles (window);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.tool", "s", "point");
  g_print ("long session: %d edits (a point saved through the form, every second one undone)\n", n);
  g_print ("  RSS at 0 edits: %.0f MB\n", rss_mb ());
  double block = 0;
  for (int i = 1; i <= n; i++)
    {
      cm_window_click_map (window, mw / 2.0 - 300 + (i * 37) % 600, mh / 2.0 - 200 + (i * 53) % 400);
      CmFeatureForm *form = cm_window_get_form (window);
      if (form == NULL)
        g_error ("edit %d: no form", i);
      cm_feature_form_set_name (form, "session");
      cm_feature_form_select_category (form, "other");
      gint64 s0 = g_get_monotonic_time ();
      cm_feature_form_finish (form, TRUE);
      block += (g_get_monotonic_time () - s0) / 1000.0;
      if (i % 2 == 0)
        gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL);
      while (g_main_context_pending (NULL))
        g_main_context_iteration (NULL, FALSE);
      if (i % 1000 == 0)
        {
          g_print ("  after %5d edits: RSS %.0f MB; a save of the last thousand %.2f ms mean\n", i,
                   rss_mb (), block / 1000);
          block = 0;
        }
    }
}

/* Panning across the whole map (issue #17: the window's memory on a district): from the
 * first frame's zoom down to street level, at each zoom the view walked over the map's extent
 * in steps of a screen, every tile drawn; the resident memory after each zoom. */
static void
bench_pan (CmWindow *window, ShumateSimpleMap *map)
{
  ShumateViewport *vp = shumate_simple_map_get_viewport (map);
  double lat = shumate_location_get_latitude (SHUMATE_LOCATION (vp));
  double lon = shumate_location_get_longitude (SHUMATE_LOCATION (vp));
  double zoom = shumate_viewport_get_zoom_level (vp);
  int mw = gtk_widget_get_width (GTK_WIDGET (map)), mh = gtk_widget_get_height (GTK_WIDGET (map));
  /* the extent seen at the first frame, in degrees (Web Mercator near the centre) */
  double world = 256 * exp2 (zoom);
  double span_lon = mw / world * 360, span_lat = mh / world * 360 * cos (lat * G_PI / 180);
  g_print ("panning across the map: RSS %.0f MB at the first frame (zoom %.0f)\n", rss_mb (), zoom);
  gint64 t0 = g_get_monotonic_time ();
  guint views = 0;
  for (double z = zoom + 1; z <= MIN (zoom + 5, 17); z++)
    {
      double step_lon = mw / (256 * exp2 (z)) * 360, step_lat = step_lon * mh / mw * cos (lat * G_PI / 180);
      /* a sweep of at most 6 × 6 screens across the middle of the map */
      int nx = MIN ((int) ceil (span_lon / step_lon), 6), ny = MIN ((int) ceil (span_lat / step_lat), 6);
      shumate_viewport_set_zoom_level (vp, z);
      for (int j = 0; j < ny; j++)
        for (int i = 0; i < nx; i++)
          {
            shumate_location_set_location (SHUMATE_LOCATION (vp),
                                           lat + (j - (ny - 1) / 2.0) * step_lat,
                                           lon + ((j % 2 ? nx - 1 - i : i) - (nx - 1) / 2.0) * step_lon);
            wait_for_tiles (window);
            views++;
          }
      g_print ("  after zoom %.0f (%d × %d screens): RSS %.0f MB\n", z, nx, ny, rss_mb ());
    }
  g_print ("  %u views in %.1f s\n", views, (g_get_monotonic_time () - t0) / 1e6);
}

/* Panning with a walking coverage shown (issue #17: a district's coverage took 0.1–2 s to draw
 * in every frame): the coverage run as the panel runs it, then 40 pans of 25 px (out and back)
 * at zoom 17 and at the first frame's zoom, each to its painted frame; a screenshot of each zoom
 * to look at. CM_BENCH_HIDE_LAYER=1: the same with the layer hidden, the control. */
static void
bench_coverage_pan (CmWindow *window, ShumateSimpleMap *map)
{
  ShumateViewport *vp = shumate_simple_map_get_viewport (map);
  double zoom0 = shumate_viewport_get_zoom_level (vp);
  double lat = shumate_location_get_latitude (SHUMATE_LOCATION (vp));
  double lon = shumate_location_get_longitude (SHUMATE_LOCATION (vp));
  CmAnalysisPanel *panel = cm_window_get_analysis_panel (window);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.toggle-analysis", NULL);
  CmAnalysisRequest request = { CM_ANALYSIS_COVERAGE, (char *) "stations", TRUE, 500 };
  gint64 t0 = g_get_monotonic_time ();
  cm_analysis_panel_run (panel, &request);
  while (cm_analysis_panel_is_pending (panel))
    g_main_context_iteration (NULL, TRUE);
  g_print ("walking coverage (500 m) run in the window: %.0f ms\n",
           (g_get_monotonic_time () - t0) / 1000.0);
  if (g_getenv ("CM_BENCH_HIDE_LAYER")) /* the control: the same pans, the layer hidden */
    gtk_widget_set_visible (GTK_WIDGET (cm_analysis_panel_get_layer (panel)), FALSE);
  gulong painted = g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (window)),
                                     "after-paint", G_CALLBACK (after_paint), NULL);
  const double zooms[] = { 17, zoom0 };
  for (gsize z = 0; z < G_N_ELEMENTS (zooms); z++)
    {
      shumate_viewport_set_zoom_level (vp, zooms[z]);
      shumate_location_set_location (SHUMATE_LOCATION (vp), lat, lon);
      wait_for_tiles (window);
      gint64 f0 = g_get_monotonic_time ();
      idle_for (50);
      wait_painted ();
      g_autoptr (GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
      double step = 100 / (256 * exp2 (zooms[z])) * 360; /* 100 px in degrees of longitude */
      for (int f = 0; f < 40; f++)
        {
          idle_for (30);
          f0 = g_get_monotonic_time ();
          /* 20 pans of 25 px east, then back: past the picture's margin once each way */
          int at = f < 20 ? f + 1 : 39 - f;
          shumate_location_set_location (SHUMATE_LOCATION (vp), lat, lon + at * step / 4);
          double t = (wait_painted () - f0) / 1000.0;
          g_array_append_val (ms, t);
        }
      double worst = 0;
      for (guint i = 0; i < ms->len; i++)
        worst = MAX (worst, g_array_index (ms, double, i));
      g_print ("  panning with the coverage shown at zoom %.1f: %.1f ms median, %.1f ms worst a "
               "frame (40 pans of 25 px, out and back)\n", zooms[z], median (ms), worst);
      GdkPaintable *paintable = gtk_widget_paintable_new (GTK_WIDGET (window));
      GtkSnapshot *snapshot = gtk_snapshot_new ();
      int w = gtk_widget_get_width (GTK_WIDGET (window)), h = gtk_widget_get_height (GTK_WIDGET (window));
      gdk_paintable_snapshot (paintable, snapshot, w, h);
      GskRenderNode *node = gtk_snapshot_free_to_node (snapshot);
      GdkTexture *shot = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)),
                                                      node, &GRAPHENE_RECT_INIT (0, 0, w, h));
      g_autofree char *png = g_strdup_printf ("bench-window-coverage-%d.png", (int) z);
      gdk_texture_save_to_png (shot, png);
      g_object_unref (shot);
      gsk_render_node_unref (node);
      g_object_unref (paintable);
    }
  g_signal_handler_disconnect (gtk_widget_get_frame_clock (GTK_WIDGET (window)), painted);
}

static int
finish (CmWindow *window, const char *copy, const char *dir)
{
  struct rusage usage;
  getrusage (RUSAGE_SELF, &usage);
  g_print ("peak RSS: %.0f MB\n", usage.ru_maxrss / 1024.0);
  gtk_window_destroy (GTK_WINDOW (window));
  const char *suffixes[] = { "", "-wal", "-shm" };
  for (gsize i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *f = g_strconcat (copy, suffixes[i], NULL);
      g_remove (f);
    }
  g_rmdir (dir);
  return 0;
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
  /* a 1600 × 1200 map area beside the sidebar, or CM_BENCH_WINDOW=WxH (1280x800: the window's
   * own default size) */
  int ww = 1600 + 320, wh = 1200 + 47;
  if (g_getenv ("CM_BENCH_WINDOW"))
    sscanf (g_getenv ("CM_BENCH_WINDOW"), "%dx%d", &ww, &wh);
  gtk_window_set_default_size (GTK_WINDOW (window), ww, wh);
  gtk_window_present (GTK_WINDOW (window));
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);

  /* drawing writes to the map: work on a copy */
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("cm-bench-window-XXXXXX", &error);
  g_autofree char *copy = g_build_filename (dir, "map.sqlite", NULL);
  g_autoptr (GFile) from = g_file_new_for_path (argv[1]);
  g_autoptr (GFile) to = g_file_new_for_path (copy);
  if (!g_file_copy (from, to, G_FILE_COPY_NONE, NULL, NULL, NULL, &error))
    g_error ("%s", error->message);

  gint64 t0 = g_get_monotonic_time ();
  if (!cm_window_open_map (window, copy, &error))
    g_error ("%s", error->message);
  gint64 done = wait_for_tiles (window);
  double first = (done - t0) / 1000.0;
  ShumateSimpleMap *map = find_map (GTK_WIDGET (window));
  ShumateViewport *vp = shumate_simple_map_get_viewport (map);
  g_print ("bench/window: %s in a %d×%d map area\n", argv[1],
           gtk_widget_get_width (GTK_WIDGET (map)), gtk_widget_get_height (GTK_WIDGET (map)));
  g_print ("open the map to its first complete frame (%u tiles): %.0f ms\n",
           cm_tile_source_get_rendered (cm_window_get_tiles (window)), first);
  if (g_strcmp0 (g_getenv ("CM_BENCH_ONLY"), "table") == 0) /* the table's figures alone */
    {
      bench_table (window, copy, argc > 2 ? argv[2] : ".");
      return finish (window, copy, dir);
    }
  if (g_strcmp0 (g_getenv ("CM_BENCH_ONLY"), "pan") == 0) /* memory, panning across the map */
    {
      bench_pan (window, find_map (GTK_WIDGET (window)));
      return finish (window, copy, dir);
    }
  if (g_strcmp0 (g_getenv ("CM_BENCH_ONLY"), "coverage") == 0) /* panning over a coverage */
    {
      bench_coverage_pan (window, find_map (GTK_WIDGET (window)));
      return finish (window, copy, dir);
    }
  if (g_strcmp0 (g_getenv ("CM_BENCH_ONLY"), "session") == 0) /* the long session alone */
    {
      bench_session (window, find_map (GTK_WIDGET (window)));
      return finish (window, copy, dir);
    }

  /* warm frames: nudge the view by a few pixels over drawn tiles, then the frame GTK presents
   * (from the nudge to its frame clock's after-paint, the window idle before each) */
  double lat = shumate_location_get_latitude (SHUMATE_LOCATION (vp));
  double lon = shumate_location_get_longitude (SHUMATE_LOCATION (vp));
  double total = 0, worst = 0, offscreen = 0;
  int frames = g_getenv ("CM_BENCH_WINDOW") ? 0 : 60; /* a smaller window: drawing figures only */
  gulong painted = g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (window)),
                                     "after-paint", G_CALLBACK (after_paint), NULL);
  for (int f = 0; f < frames; f++)
    {
      idle_for (50);
      double dx = (f % 2 ? 1 : -1) * 0.0002;
      gint64 f0 = g_get_monotonic_time ();
      shumate_location_set_location (SHUMATE_LOCATION (vp), lat, lon + dx);
      double ms = (wait_painted () - f0) / 1000.0;
      total += ms;
      worst = MAX (worst, ms);
      /* and, for comparison with earlier figures, the window drawn again off screen into a
       * texture (not what is presented: it adds a texture download) */
      offscreen += draw_window_ms (window);
    }
  g_signal_handler_disconnect (gtk_widget_get_frame_clock (GTK_WIDGET (window)), painted);
  if (frames > 0)
    {
      g_print ("warm frame presented (pan over drawn tiles to GTK's after-paint): %.1f ms mean, "
               "%.1f ms worst (renderer %s)\n", total / frames, worst,
               G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (window))));
      g_print ("  (the same window drawn off screen into a texture and downloaded, not a "
               "presented frame: %.1f ms mean)\n", offscreen / frames);
    }
  /* drawing: each click of the area tool, until the frame showing the new vertex is drawn */
  shumate_viewport_set_zoom_level (vp, 17);
  shumate_location_set_location (SHUMATE_LOCATION (vp), lat, lon);
  wait_for_tiles (window);
  g_object_set (window, "snap", TRUE, NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.tool", "s", "area");
  int mw = gtk_widget_get_width (GTK_WIDGET (map)), mh = gtk_widget_get_height (GTK_WIDGET (map));
  g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (window)), "after-paint",
                    G_CALLBACK (after_paint), NULL);
  /* the floor: a frame in which only the scale bar's text changes (metres, feet, metres …) */
  ShumateScale *scale = shumate_simple_map_get_scale (map);
  double floor_total = 0;
  for (int i = 0; i < 20; i++)
    {
      idle_for (100);
      gint64 f0 = g_get_monotonic_time ();
      shumate_scale_set_unit (scale, i % 2 ? SHUMATE_UNIT_METRIC : SHUMATE_UNIT_IMPERIAL);
      floor_total += (wait_painted () - f0) / 1000.0;
    }
  shumate_scale_set_unit (scale, SHUMATE_UNIT_METRIC);
  g_print ("a frame in which only the scale bar's text changes (GTK repainting the window):"
           " %.1f ms mean\n", floor_total / 20);
  total = worst = 0;
  double handled = 0, handled_worst = 0;
  int clicks = 40;
  for (int i = 0; i < clicks; i++)
    {
      /* ten four-corner outlines of 80 px, as a resident draws a building or a yard */
      static const double corner[4][2] = { { 0, 0 }, { 80, 0 }, { 80, 80 }, { 0, 80 } };
      if (i % 4 == 0)
        gtk_widget_activate_action (GTK_WIDGET (window), "win.escape", NULL);
      double ox = mw / 2.0 - 50 * (clicks / 4) + 100 * (i / 4) / 2.0, oy = mh / 2.0 - 40;
      idle_for (100);
      gint64 c0 = g_get_monotonic_time ();
      cm_window_click_map (window, ox + corner[i % 4][0], oy + corner[i % 4][1]);
      double h = (g_get_monotonic_time () - c0) / 1000.0;
      double ms = (wait_painted () - c0) / 1000.0;
      handled += h;
      handled_worst = MAX (handled_worst, h);
      total += ms;
      worst = MAX (worst, ms);
    }
  g_print ("click, handled (vertex added, snapped through the R*Tree): %.2f ms mean, %.2f ms"
           " worst\n", handled / clicks, handled_worst);
  g_print ("click to the painted frame showing the vertex (the frame clock's after-paint): %.1f ms"
           " mean, %.1f ms worst\n", total / clicks, worst);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.escape", NULL);

  /* saving: a point, the form's Save, until the frame with the redrawn tiles */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.tool", "s", "point");
  total = worst = 0;
  int saves = 10;
  guint redrawn = 0;
  double tiles_total = 0, tiles_worst = 0;
  for (int i = 0; i < saves; i++)
    {
      cm_window_click_map (window, mw / 2.0 - 200 + 40 * i, mh / 2.0 + 20 * (i % 3));
      CmFeatureForm *form = cm_window_get_form (window);
      cm_feature_form_set_name (form, "bench");
      cm_feature_form_select_category (form, "other"); /* Save asks for a kind until one is chosen */
      idle_for (100);
      gint64 s0 = g_get_monotonic_time ();
      cm_feature_form_finish (form, TRUE);
      if (cm_window_get_form (window) != NULL)
        {
          g_printerr ("bench/window: the form did not close on Save\n");
          exit (1);
        }
      /* until the re-asked tiles are in: those the point touches drawn, the rest from cache */
      CmTileSource *tiles = cm_window_get_tiles (window);
      gint64 end = s0 + 10 * G_USEC_PER_SEC;
      while ((cm_tile_source_get_pending (tiles) > 0 || cm_tile_source_get_rendered (tiles) == 0)
             && g_get_monotonic_time () < end)
        g_main_context_iteration (NULL, FALSE);
      double ready = (g_get_monotonic_time () - s0) / 1000.0;
      double ms = (wait_painted () - s0) / 1000.0;
      tiles_total += ready;
      tiles_worst = MAX (tiles_worst, ready);
      redrawn += cm_tile_source_get_rendered (tiles);
      total += ms;
      worst = MAX (worst, ms);
    }
  g_print ("save (form closed: stored, its %.1f tiles drawn again, the rest from the cache): %.1f"
           " ms mean, %.1f ms worst\n", (double) redrawn / saves, tiles_total / saves, tiles_worst);
  g_print ("save to the painted frame (libshumate 1.0.3 takes every tile anew): %.1f ms mean,"
           " %.1f ms worst\n", total / saves, worst);

  bench_table (window, copy, argc > 2 ? argv[2] : ".");
  return finish (window, copy, dir);
}
