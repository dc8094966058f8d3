/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-window-test-util.c: what the window tests share. */
#include "cm-window-test-util.h"

#include <gdk/x11/gdkx.h>
#include <math.h>
#include <string.h>

#include "cm-core.h"
#include "cm-store-private.h"
#include "cm-test-util.h"
#include "cm-tile-source.h"


CmWindow *window;
char *map_path;

static gboolean
set_true (gpointer flag)
{
  *(gboolean *) flag = TRUE;
  return G_SOURCE_REMOVE;
}

/* How many times longer every wait of the window tests is: CM_TEST_WAIT_SCALE, 1 unless told
 * (make test-asan sets 4: everything takes several times longer under the sanitizers). */
static guint
wait_scale (void)
{
  static guint scale = 0;
  if (scale == 0)
    {
      const char *env = g_getenv ("CM_TEST_WAIT_SCALE");
      scale = env ? (guint) CLAMP (g_ascii_strtoull (env, NULL, 10), 1, 100) : 1;
    }
  return scale;
}

void
spin (guint ms)
{
  /* waits in the main loop rather than polling it, so the window's own threads (the tiles)
   * have the processor meanwhile */
  gboolean done = FALSE;
  g_timeout_add (ms * wait_scale (), set_true, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

GtkWidget *
find_widget (GtkWidget *root, GType type, const char *label)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    {
      if (label == NULL)
        return root;
      if (GTK_IS_CHECK_BUTTON (root) &&
          g_strcmp0 (gtk_check_button_get_label (GTK_CHECK_BUTTON (root)), label) == 0)
        return root;
      if (GTK_IS_LABEL (root) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (root)), label) == 0)
        return root;
      if (GTK_IS_BUTTON (root) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (root)), label) == 0)
        return root;
    }
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_widget (c, type, label);
      if (found)
        return found;
    }
  return NULL;
}

/* A copy of the demo map in a test folder (the tests write to it). */
char *
copy_demo_map (const char *name)
{
  return cm_test_demo_copy (name);
}

/* The window, 1280 × 800, on the map at @path. */
void
open_window (const char *path)
{
  window = cm_window_new (NULL);
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  if (path == NULL)
    return;
  g_autoptr (GError) error = NULL;
  g_assert_true (cm_window_open_map (window, path, &error));
  g_assert_no_error (error);
}

ShumateSimpleMap *
simple_map (void)
{
  return SHUMATE_SIMPLE_MAP (find_widget (GTK_WIDGET (window), SHUMATE_TYPE_SIMPLE_MAP, NULL));
}

/* Waits until the map has drawn every tile it asked for, and nothing new came for a while. */
void
wait_for_tiles (void)
{
  CmTileSource *source = cm_window_get_tiles (window);
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC * wait_scale (), quiet_since = 0;
  while (g_get_monotonic_time () < end)
    {
      spin (10);
      gboolean idle = cm_tile_source_get_pending (source) == 0 &&
                      cm_tile_source_get_rendered (source) > 0;
      if (!idle)
        quiet_since = 0;
      else if (quiet_since == 0)
        quiet_since = g_get_monotonic_time ();
      else if (g_get_monotonic_time () - quiet_since > 300000 * wait_scale ())
        break;
    }
  g_assert_cmpint (cm_tile_source_get_pending (source), ==, 0);
  g_assert_cmpint (cm_tile_source_get_rendered (source), >, 0);
  g_test_message ("%u tiles drawn", cm_tile_source_get_rendered (source));
}

/* After a refresh: waits until libshumate has asked for every tile it shows and all the drawn
 * ones are in (some may have come from the cache, drawing nothing). */
void
wait_for_tiles_or_cache (void)
{
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC * wait_scale (), quiet_since = 0;
  guint seen = 0;
  while (g_get_monotonic_time () < end)
    {
      spin (10);
      CmTileSource *s = cm_window_get_tiles (window);
      guint now = cm_tile_source_get_rendered (s) + cm_tile_source_get_served (s);
      if (now != seen || now == 0 || cm_tile_source_get_pending (s) > 0)
        {
          seen = now;
          quiet_since = g_get_monotonic_time ();
        }
      else if (g_get_monotonic_time () - quiet_since > 500000 * wait_scale ())
        break;
    }
}

/* The window's pixels, as GTK draws them. */
GdkTexture *
screenshot (void)
{
  int w = gtk_widget_get_width (GTK_WIDGET (window)), h = gtk_widget_get_height (GTK_WIDGET (window));
  GdkPaintable *paintable = gtk_widget_paintable_new (GTK_WIDGET (window));
  GskRenderNode *node = NULL;
  /* while the window waits for its next frame (a relayout after a toast, say), it has nothing
   * to give: wait for the frame */
  for (int tries = 0; node == NULL && tries < 100; tries++)
    {
      GtkSnapshot *snapshot = gtk_snapshot_new ();
      gdk_paintable_snapshot (paintable, snapshot, w, h);
      node = gtk_snapshot_free_to_node (snapshot);
      if (node == NULL)
        spin (20);
    }
  g_assert_nonnull (node);
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  GdkTexture *texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, w, h));
  gsk_render_node_unref (node);
  g_object_unref (paintable);
  return texture;
}

Rgb
texture_pixel (GdkTexture *t, int x, int y)
{
  int w = gdk_texture_get_width (t), h = gdk_texture_get_height (t);
  g_assert_true (x >= 0 && y >= 0 && x < w && y < h);
  g_autofree guint8 *data = g_malloc (4 * w * h);
  gdk_texture_download (t, data, 4 * w);
  const guint8 *p = data + 4 * (y * w + x); /* BGRA premultiplied, opaque here */
  return (Rgb) { p[2], p[1], p[0] };
}

void
assert_rgb (Rgb got, int r, int g, int b, int tolerance, const char *what)
{
  g_test_message ("%s: #%02x%02x%02x (want #%02x%02x%02x)", what, got.r, got.g, got.b, r, g, b);
  g_assert_cmpint (abs (got.r - r), <=, tolerance);
  g_assert_cmpint (abs (got.g - g), <=, tolerance);
  g_assert_cmpint (abs (got.b - b), <=, tolerance);
}

/* Where a lon/lat is, in the window's coordinates (and in the map widget's). */
void
locate (double lon, double lat, double *wx, double *wy, double *mx, double *my)
{
  ShumateSimpleMap *sm = simple_map ();
  ShumateMap *map = shumate_simple_map_get_map (sm);
  shumate_viewport_location_to_widget_coords (shumate_simple_map_get_viewport (sm),
                                              GTK_WIDGET (map), lat, lon, mx, my);
  graphene_point_t p;
  g_assert_true (gtk_widget_compute_point (GTK_WIDGET (map), GTK_WIDGET (window),
                                           &GRAPHENE_POINT_INIT (*mx, *my), &p));
  *wx = p.x;
  *wy = p.y;
}

void
query_point (const char *sql, double *lon, double *lat)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CmStore) store = cm_store_open (map_path, &error);
  g_assert_no_error (error);
  sqlite3_stmt *stmt = _cm_store_prepare (store, sql, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  *lon = sqlite3_column_double (stmt, 0);
  *lat = sqlite3_column_double (stmt, 1);
  sqlite3_finalize (stmt);
}


gint64
count_rows (const char *sql)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CmStore) store = cm_store_open (map_path, &error);
  g_assert_no_error (error);
  return cm_test_query_int (store, sql);
}

/* The n-th position (from 1) of the exterior ring, line or point of the resource named @name,
 * in the map widget's pixels now. */
void
stored_vertex (const char *name, int n, double *x, double *y)
{
  g_autofree char *sql = g_strdup_printf (
      "SELECT X(p), Y(p) FROM (SELECT CASE GeometryType(geom)"
      " WHEN 'POLYGON' THEN ST_PointN(ST_ExteriorRing(geom), %d)"
      " WHEN 'LINESTRING' THEN ST_PointN(geom, %d) ELSE geom END AS p"
      " FROM resources WHERE name = '%s' AND deleted = 0)", n, n, name);
  double lon, lat;
  query_point (sql, &lon, &lat);
  map_coords (lon, lat, x, y);
}

void
map_coords (double lon, double lat, double *x, double *y)
{
  ShumateSimpleMap *sm = simple_map ();
  shumate_viewport_location_to_widget_coords (shumate_simple_map_get_viewport (sm),
                                              GTK_WIDGET (shumate_simple_map_get_map (sm)), lat,
                                              lon, x, y);
}

void
choose_tool (const char *tool)
{
  gtk_widget_activate_action (GTK_WIDGET (window), "win.tool", "s", tool);
  spin (50);
}

CmFeature *
select_lonely_building (gboolean unknown_households)
{
  double lon, lat, wx, wy, mx, my;
  g_autofree char *sql = g_strdup_printf (
      "SELECT X(p), Y(p) FROM (SELECT ST_PointOnSurface(geom) AS p FROM buildings b"
      " WHERE %s ST_Area(geom) > 2e-7 AND NOT EXISTS (SELECT 1 FROM resources r WHERE"
      " ST_Distance(r.geom, ST_PointOnSurface(b.geom)) < 0.0003) AND NOT EXISTS"
      " (SELECT 1 FROM paths r WHERE ST_Distance(r.geom, ST_PointOnSurface(b.geom))"
      " < 0.0002) ORDER BY ST_Area(geom) DESC LIMIT 1)",
      unknown_households ? "households IS NULL AND" : "");
  query_point (sql, &lon, &lat);
  ShumateViewport *vp = shumate_simple_map_get_viewport (simple_map ());
  shumate_location_set_location (SHUMATE_LOCATION (vp), lat, lon);
  shumate_viewport_set_zoom_level (vp, 19);
  spin (300);
  choose_tool ("select");
  locate (lon, lat, &wx, &wy, &mx, &my);
  cm_window_select_at (window, mx, my);
  CmFeature *b = cm_window_get_selected (window);
  g_assert_nonnull (b);
  g_assert_cmpint (cm_feature_get_layer (b), ==, CM_LAYER_BUILDINGS);
  return b;
}

/* Fills the form that opened after a shape and saves it, as a person would. */
void
fill_form (const char *name, const char *category)
{
  CmFeatureForm *form = cm_window_get_form (window);
  g_assert_nonnull (form);
  /* the name field has the focus */
  g_assert_true (gtk_widget_is_focus (gtk_window_get_focus (GTK_WINDOW (form))));
  g_assert_true (GTK_IS_TEXT (gtk_window_get_focus (GTK_WINDOW (form))));
  cm_feature_form_set_name (form, name);
  g_assert_true (cm_feature_form_select_category (form, category));
  cm_feature_form_set_description (form, "工作坊上画的");
  cm_feature_form_finish (form, TRUE);
  g_assert_null (cm_window_get_form (window));
  spin (100);
}


GtkWidget *
tool_button (const char *tool)
{
  GtkWidget *stack[512];
  int top = 0;
  stack[top++] = GTK_WIDGET (window);
  while (top > 0)
    {
      GtkWidget *w = stack[--top];
      if (GTK_IS_TOGGLE_BUTTON (w) &&
          g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (w)), "win.tool") == 0)
        {
          GVariant *target = gtk_actionable_get_action_target_value (GTK_ACTIONABLE (w));
          if (target && g_strcmp0 (g_variant_get_string (target, NULL), tool) == 0)
            return w;
        }
      for (GtkWidget *c = gtk_widget_get_first_child (w); c && top < 511;
           c = gtk_widget_get_next_sibling (c))
        stack[top++] = c;
    }
  return NULL;
}


/* ---- real X events -------------------------------------------------------------------------- */

static void
xdotool (const char *const *args)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (char *) "xdotool");
  for (const char *const *a = args; *a; a++)
    g_ptr_array_add (argv, (char *) *a);
  g_ptr_array_add (argv, NULL);
  g_autoptr (GError) error = NULL;
  int status;
  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
                     NULL, &status, &error))
    g_error ("xdotool could not run (make test-deps installs it): %s", error->message);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

static char *
xid_of (GtkWindow *w)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (w));
  g_assert_true (GDK_IS_X11_SURFACE (surface));
  return g_strdup_printf ("%lu", (unsigned long) gdk_x11_surface_get_xid (surface));
}

static void
focus (GtkWindow *w)
{
  g_autofree char *xid = xid_of (w);
  xdotool ((const char *[]) { "windowfocus", "--sync", xid, NULL });
  spin (50);
}

static void
focus_window (void)
{
  focus (GTK_WINDOW (window));
}

void
x_key_in (GtkWindow *toplevel, const char *keys)
{
  focus (toplevel);
  xdotool ((const char *[]) { "key", keys, NULL });
  spin (150);
}

void
x_type_in (GtkWindow *toplevel, const char *text)
{
  focus (toplevel);
  /* "--": a text that begins with a minus ("-5") is text, not an option */
  xdotool ((const char *[]) { "type", "--delay", "20", "--", text, NULL });
  spin (150);
}

GtkWindow *
wait_for_toplevel (GType type, const char *heading)
{
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC * wait_scale ();
  while (g_get_monotonic_time () < end)
    {
      GListModel *all = gtk_window_get_toplevels ();
      for (guint i = 0; i < g_list_model_get_n_items (all); i++)
        {
          g_autoptr (GtkWindow) w = g_list_model_get_item (all, i);
          if (w == GTK_WINDOW (window) || !G_TYPE_CHECK_INSTANCE_TYPE (w, type) ||
              !gtk_widget_get_visible (GTK_WIDGET (w)) || !gtk_widget_get_mapped (GTK_WIDGET (w)))
            continue;
          if (heading && ADW_IS_MESSAGE_DIALOG (w) &&
              g_strcmp0 (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (w)), heading) != 0)
            continue;
          return w;
        }
      spin (50);
    }
  return NULL;
}

gboolean
wait_for_window_gone (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000 * wait_scale ();
  while (window && g_get_monotonic_time () < end)
    spin (50);
  return window == NULL;
}

static void
move_to_in (GtkWindow *toplevel, double x, double y)
{
  g_autofree char *xid = xid_of (toplevel);
  /* the X window begins where the window's shadow does (client-side decorations): a widget's
   * window coordinates are that far inside it */
  double dx, dy;
  gtk_native_get_surface_transform (GTK_NATIVE (toplevel), &dx, &dy);
  g_autofree char *sx = g_strdup_printf ("%d", (int) round (x + dx));
  g_autofree char *sy = g_strdup_printf ("%d", (int) round (y + dy));
  xdotool ((const char *[]) { "mousemove", "--window", xid, "--sync", sx, sy, NULL });
}

static void
move_to (double x, double y)
{
  move_to_in (GTK_WINDOW (window), x, y);
}

void
x_click_in (GtkWindow *toplevel, double x, double y, guint clicks)
{
  focus (toplevel);
  move_to_in (toplevel, x, y);
  spin (50);
  g_autofree char *repeat = g_strdup_printf ("%u", clicks);
  xdotool ((const char *[]) { "click", "--repeat", repeat, "--delay", "60", "1", NULL });
  spin (150);
}

void
x_click (double x, double y)
{
  focus_window ();
  move_to (x, y);
  spin (50);
  xdotool ((const char *[]) { "click", "1", NULL });
  spin (150);
}

void
x_press_hold (double x, double y, guint ms)
{
  focus_window ();
  move_to (x, y);
  spin (50);
  xdotool ((const char *[]) { "mousedown", "1", NULL });
  spin (ms);
  xdotool ((const char *[]) { "mouseup", "1", NULL });
  spin (150);
}

void
x_drag (double x0, double y0, double x1, double y1)
{
  focus_window ();
  move_to (x0, y0);
  spin (50);
  xdotool ((const char *[]) { "mousedown", "1", NULL });
  spin (50);
  for (int i = 1; i <= 8; i++)
    {
      move_to (x0 + (x1 - x0) * i / 8, y0 + (y1 - y0) * i / 8);
      spin (20);
    }
  xdotool ((const char *[]) { "mouseup", "1", NULL });
  spin (150);
}

void
x_key (const char *keys)
{
  focus_window ();
  xdotool ((const char *[]) { "key", keys, NULL });
  spin (150);
}

void
x_type (const char *text)
{
  focus_window ();
  /* "--": a text that begins with a minus ("-5") is text, not an option */
  xdotool ((const char *[]) { "type", "--delay", "20", "--", text, NULL });
  spin (150);
}

void
map_to_window (double mx, double my, double *wx, double *wy)
{
  graphene_point_t p;
  g_assert_true (gtk_widget_compute_point (GTK_WIDGET (shumate_simple_map_get_map (simple_map ())),
                                           GTK_WIDGET (window), &GRAPHENE_POINT_INIT (mx, my), &p));
  *wx = p.x;
  *wy = p.y;
}

void
run_analysis (CmAnalysisKind kind, const char *selector, gboolean walking, double metres)
{
  if (!gtk_widget_get_visible (GTK_WIDGET (PANEL)))
    gtk_widget_activate_action (GTK_WIDGET (window), "win.toggle-analysis", NULL);
  CmAnalysisRequest request = { kind, (char *) selector, walking, metres };
  cm_analysis_panel_run (PANEL, &request);
}

double
analysis_row (guint position, const char **name, const char **uuid)
{
  CmAnalysisRow *row = cm_analysis_panel_get_row (PANEL, position);
  if (name)
    *name = cm_analysis_row_get_name (row);
  if (uuid)
    *uuid = cm_analysis_row_get_uuid (row);
  return cm_analysis_row_get_value (row);
}

void
wait_for_analysis (void)
{
  gint64 end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (cm_analysis_panel_is_pending (PANEL) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (cm_analysis_panel_is_pending (PANEL));
  spin (100);
}

char *
geometry_hex (const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CmStore) store = cm_store_open (map_path, &error);
  g_assert_no_error (error);
  g_autofree char *sql = g_strdup_printf ("SELECT hex(geom) FROM resources WHERE name = '%s'"
                                          " AND deleted = 0", name);
  sqlite3_stmt *stmt = _cm_store_prepare (store, sql, &error);
  char *hex = sqlite3_step (stmt) == SQLITE_ROW
                  ? g_strdup ((const char *) sqlite3_column_text (stmt, 0))
                  : NULL;
  sqlite3_finalize (stmt);
  return hex;
}

void
chooser_save_in (GtkWindow *chooser, const char *dir, const char *name)
{
  /* the chooser finds its first folder after it shows; a folder set before would be lost (the
   * sanitizers' build is slow enough to lose it): wait for that first one, 10 s at most */
  for (int i = 0; i < 100; i++)
    {
      g_autoptr (GFile) first = gtk_file_chooser_get_current_folder (GTK_FILE_CHOOSER (chooser));
      if (first)
        break;
      spin (100);
    }
  g_autoptr (GFile) folder = g_file_new_for_path (dir);
  g_assert_true (gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, NULL));
  if (name)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  /* it changes folder once it has looked at the new one */
  g_autoptr (GFile) chosen = NULL;
  for (int i = 0; i < 100; i++)
    {
      g_clear_object (&chosen);
      chosen = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      if (chosen && g_file_has_parent (chosen, folder))
        break;
      spin (100);
    }
  g_assert_true (chosen && g_file_has_parent (chosen, folder));
}

void
collect_labels (GtkWidget *root, GString *out)
{
  if (GTK_IS_LABEL (root) && gtk_widget_get_visible (root))
    g_string_append_printf (out, "%s\n", gtk_label_get_text (GTK_LABEL (root)));
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    collect_labels (c, out);
}

char *
window_text (void)
{
  GString *all = g_string_new (NULL);
  collect_labels (GTK_WIDGET (window), all);
  return g_string_free (all, FALSE);
}

const char *
tool_now (void)
{
  static char *tool;
  g_free (tool);
  g_object_get (window, "tool", &tool, NULL);
  return tool;
}
