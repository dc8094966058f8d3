/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-window.h: the map window. */
#pragma once

#include <adwaita.h>

#include "cm-analysis-panel.h"
#include "cm-feature-form.h"
#include "cm-layer-form.h"
#include "cm-join-dialog.h"
#include "cm-layer-table.h"
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
/* … or the form of a station, team, compound, building or the boundary (or NULL). */
CmLayerForm *cm_window_get_layer_form (CmWindow *self);
/* The Report tool's form after placing a report (or NULL); Residents' Reports… while open. */
struct _CmReportForm *cm_window_get_report_form (CmWindow *self);
struct _CmReportsList *cm_window_get_reports_list (CmWindow *self);
/* Add Follow-up… (open with the win.add-followup action) as a person fills it in: @status a
 * status key (NULL: no change; FALSE when the dialog does not offer it), then Add or Cancel. */
gboolean cm_window_fill_followup (CmWindow *self, const char *status, const char *who,
                                  const char *what);
void cm_window_finish_followup (CmWindow *self, gboolean add);
/* Import Table…: the join dialog for the table at @path (NULL, said in a toast, when it is no
 * table). */
CmJoinDialog *cm_window_import_table (CmWindow *self, const char *path);
/* Merge Another Map… with @path chosen: asked first when it covers another area, then the
 * summary of what comes in (Merge or Cancel), then one undoable step. */
void cm_window_merge_file (CmWindow *self, const char *path);
/* Print… as it prints, but to a PDF file of an A4 page (GtkPrintOperation's export), for
 * tests. */
void cm_window_print_to_file (CmWindow *self, const char *path);
/* Export Poster… (main menu): the dialog, shown; NULL with no map open. */
struct _CmPosterDialog *cm_window_export_poster (CmWindow *self);
/* A file dropped on the window: a map is opened (or, when one is open, the person is asked
 * whether to open it or merge it into this one); another file is imported. */
void cm_window_drop_file (CmWindow *self, const char *path);
/* The review of the conflicts merging found (the sidebar's "3 conflicts to review"). */
struct _CmConflictReview *cm_window_review_conflicts (CmWindow *self);
/* For tests: the attribute table open (win.table), or NULL. */
CmLayerTable *cm_window_get_table (CmWindow *self);
guint cm_window_get_sketch_size (CmWindow *self);
/* For tests: the selected feature (or NULL), and the map's state. */
CmFeature *cm_window_get_selected (CmWindow *self);
void cm_window_select_at (CmWindow *self, double widget_x, double widget_y);
/* What Shift+click does with the select tool: the feature there joins the chosen ones (or
 * leaves them); with buildings chosen, the details offer a team's area from them. */
void cm_window_choose_at (CmWindow *self, double widget_x, double widget_y);
/* What a Shift+drag box does with the select tool: the buildings in it are chosen. */
void cm_window_choose_box (CmWindow *self, double x0, double y0, double x1, double y1);
/* What a click (one press) at @x, @y of the map widget does: select, or draw with a tool. */
void cm_window_click_map (CmWindow *self, double x, double y);
gboolean cm_window_is_importing (CmWindow *self);
/* For tests: the menu a long press opened (a GtkPopoverMenu), while it is open. */
GtkWidget *cm_window_get_press_menu (CmWindow *self);
/* The map's own tiles (a CmTileSource), whether they are the base layer or over a basemap. */
gpointer cm_window_get_tiles (CmWindow *self);

/* The analysis panel beside the map (a CmAnalysisPanel). */
CmAnalysisPanel *cm_window_get_analysis_panel (CmWindow *self);

G_END_DECLS
