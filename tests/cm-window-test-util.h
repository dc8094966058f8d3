/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-window-test-util.h: what the window tests share — the window under test and its map,
 * waiting for it, its pixels, the file behind it, and real X events (xdotool) sent to it. */
#pragma once

#include <adwaita.h>
#include <shumate/shumate.h>

#include "cm-feature-form.h"
#include "cm-window.h"

G_BEGIN_DECLS

typedef struct
{
  int r, g, b;
} Rgb;

/* The window under test and the map it has open. */
extern CmWindow *window;
extern char *map_path;

/* Runs the main loop for @ms milliseconds. */
void spin (guint ms);
/* The first widget of @type under @root (with @label, for check buttons, buttons and labels). */
GtkWidget *find_widget (GtkWidget *root, GType type, const char *label);
/* A copy of the demo map in a test folder (the tests write to it). */
char *copy_demo_map (const char *name);
/* The window, 1280 × 800, on the map at @path (NULL: none). */
void open_window (const char *path);
ShumateSimpleMap *simple_map (void);
/* Waits until the map has drawn every tile it asked for, and nothing new came for a while. */
void wait_for_tiles (void);
/* After a refresh: waits until every tile shown is drawn or came from the cache. */
void wait_for_tiles_or_cache (void);
/* The window's pixels, as GTK draws them. */
GdkTexture *screenshot (void);
Rgb texture_pixel (GdkTexture *t, int x, int y);
void assert_rgb (Rgb got, int r, int g, int b, int tolerance, const char *what);
/* Where a lon/lat is, in the window's coordinates (and in the map widget's). */
void locate (double lon, double lat, double *wx, double *wy, double *mx, double *my);
/* The first row of @sql (two numbers) in the map file. */
void query_point (const char *sql, double *lon, double *lat);
/* The first number @sql gives in the map file. */
gint64 count_rows (const char *sql);
/* The n-th position (from 1) of the exterior ring, line or point of the resource named @name,
 * in the map widget's pixels now. */
void stored_vertex (const char *name, int n, double *x, double *y);
void choose_tool (const char *tool);
/* The window's tool now ("select", "report" …); valid until the next call. */
const char *tool_now (void);
/* Selects, as a click there would with the select tool, the largest building with nothing
 * else near its middle (and, @unknown_households, none entered yet), the map close on it. */
CmFeature *select_lonely_building (gboolean unknown_households);
/* Fills the form that opened after a shape and saves it, as a person would. */
void fill_form (const char *name, const char *category);
/* The toolbar button of a drawing tool. */
GtkWidget *tool_button (const char *tool);

/* Real X events, sent with xdotool to the window under test (which gets the keyboard focus
 * first) and then handled by GTK as any person's: a click at the window's coordinates @x, @y,
 * a long press there, keys ("ctrl+z", "Return"), text (ASCII: xdotool types other characters
 * through a borrowed key and may drop the last one). Each waits @settle_ms for GTK. */
void x_click (double x, double y);
void x_press_hold (double x, double y, guint ms);
void x_drag (double x0, double y0, double x1, double y1);
void x_key (const char *keys);
void x_type (const char *text);
/* Clicks (2: a double-click) at @x, @y of another toplevel of this process; keys into one. */
void x_click_in (GtkWindow *toplevel, double x, double y, guint clicks);
void x_key_in (GtkWindow *toplevel, const char *keys);
void x_type_in (GtkWindow *toplevel, const char *text);
/* The visible toplevel of @type (an AdwMessageDialog, a GtkFileChooserDialog …) other than the
 * window under test; for a message dialog, the one with @heading (NULL: any). Waits up to 10 s
 * for it; NULL when none came. */
GtkWindow *wait_for_toplevel (GType type, const char *heading);
/* In a save chooser (@chooser, from wait_for_toplevel): the folder @dir and, unless NULL, the
 * file name @name, as a person picks them; returns once the chooser has taken both. */
void chooser_save_in (GtkWindow *chooser, const char *dir, const char *name);
/* The window's analysis panel; runs an analysis there (the panel shown) as Analyse would. */
#define PANEL (cm_window_get_analysis_panel (window))
/* A widget of the panel, by its id in ui/cm-analysis-panel.ui. */
#define PANEL_CHILD(type, id)                                                                   \
  type (gtk_widget_get_template_child (GTK_WIDGET (PANEL), CM_TYPE_ANALYSIS_PANEL, id))
void run_analysis (CmAnalysisKind kind, const char *selector, gboolean walking, double metres);
/* Row @position of the analysis table as shown: its value, name and uuid. */
double analysis_row (guint position, const char **name, const char **uuid);
/* Runs the main loop until no analysis runs or waits to run (60 s at most), then a little. */
void wait_for_analysis (void);
/* The stored geometry of the resource named @name, as hex; NULL when there is none. */
char *geometry_hex (const char *name);
/* Where @lon, @lat is in the map widget's pixels. */
void map_coords (double lon, double lat, double *x, double *y);
/* Whether the window under test has been destroyed (after a close), waiting up to @ms. */
gboolean wait_for_window_gone (guint ms);
/* The map widget's pixel @mx, @my in the window's coordinates. */
void map_to_window (double mx, double my, double *wx, double *wy);

/* The text of every visible label under @root, one per line, appended to @out. */
void collect_labels (GtkWidget *root, GString *out);
/* Every visible label of the window, one per line (the toasts' too). */
char *window_text (void);

G_END_DECLS
