/* cm-window.h: the map window. */
#pragma once

#include <adwaita.h>

#include "cm-feature-form.h"
#include "cm-feature.h"

G_BEGIN_DECLS

#define CM_TYPE_WINDOW (cm_window_get_type ())
G_DECLARE_FINAL_TYPE (CmWindow, cm_window, CM, WINDOW, AdwApplicationWindow)

CmWindow *cm_window_new (AdwApplication *app);
/* Opens the map at @path in this window; on failure shows why and keeps the current map. */
gboolean cm_window_open_map (CmWindow *self, const char *path, GError **error);
/* Creates a map of the community @name at @path and opens it (what New Map does once it has
 * asked for both). */
gboolean cm_window_new_map (CmWindow *self, const char *path, const char *name, GError **error);
/* Imports a GeoJSON (or SpatiaLite) file into the open map, off the main thread. */
void cm_window_import (CmWindow *self, const char *path);

/* An MBTiles file as the basemap (NULL: none, the map's own tiles on paper). */
void cm_window_set_basemap (CmWindow *self, const char *mbtiles_path);

/* Starts a workshop in the open map; what is drawn from now on records it. */
gboolean cm_window_start_workshop (CmWindow *self, const char *name, const char *date,
                                   const char *place, GError **error);
/* Who is drawing: a name or nickname (the same name in the same workshop is the same person),
 * or NULL for a new “anonymous resident N”. */
gboolean cm_window_set_contributor (CmWindow *self, const char *name, GError **error);
/* Attaches the photo at @path (JPEG or PNG) to the selected feature, inside the map. */
gboolean cm_window_add_photo (CmWindow *self, const char *path, GError **error);
/* Who drew what in the current workshop, one line per contributor and category. */
char *cm_window_dup_workshop_summary (CmWindow *self);

/* What a drag from @x, @y by @dx, @dy on the map does (move a vertex or the selected feature,
 * or pan), for tests. */
void cm_window_drag_map (CmWindow *self, double x, double y, double dx, double dy);
/* For tests: the form open after a shape (or NULL), the sketch's vertex count. */
CmFeatureForm *cm_window_get_form (CmWindow *self);
guint cm_window_get_sketch_size (CmWindow *self);
/* For tests: the selected feature (or NULL), and the map's state. */
CmFeature *cm_window_get_selected (CmWindow *self);
void cm_window_select_at (CmWindow *self, double widget_x, double widget_y);
/* What a click (one press) at @x, @y of the map widget does: select, or draw with a tool. */
void cm_window_click_map (CmWindow *self, double x, double y);
gboolean cm_window_is_importing (CmWindow *self);
/* For tests: the menu a long press opened (a GtkPopoverMenu), while it is open. */
GtkWidget *cm_window_get_press_menu (CmWindow *self);
/* The map's own tiles (a CmTileSource), whether they are the base layer or over a basemap. */
gpointer cm_window_get_tiles (CmWindow *self);

/* The analysis panel, for tests: runs @kind (CmAnalysisKind: 0 coverage, 1 teams, 2 life
 * circle) off the main thread as the panel would; whether one is running or due; the result
 * shown (a CmAnalysisResult) and its summary; the table's rows, sorted by a column, and what a
 * row holds (its value, name and uuid); choosing a row as a click does. */
void cm_window_run_analysis (CmWindow *self, int kind, const char *selector, gboolean walking,
                             double metres);
void cm_window_cancel_analysis (CmWindow *self);
gboolean cm_window_is_analysing (CmWindow *self);
gconstpointer cm_window_get_analysis (CmWindow *self);
const char *cm_window_get_analysis_summary (CmWindow *self);
guint cm_window_get_analysis_rows (CmWindow *self);
void cm_window_sort_analysis (CmWindow *self, guint column, gboolean descending);
double cm_window_get_analysis_row (CmWindow *self, guint position, const char **name,
                                   const char **uuid);
void cm_window_activate_analysis_row (CmWindow *self, guint position);
/* The text of a row's column (0 name, 1 detail, 2 value, 3 status), as shown. */
char *cm_window_dup_analysis_row_text (CmWindow *self, guint position, guint column);
void cm_window_set_analysis_circle (CmWindow *self, guint circle);

G_END_DECLS
