/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-analysis-panel.h: the analysis panel beside the map — choose what to analyse, run it off
 * the main thread with progress and cancel, show the answer as a summary, a legend, a sortable
 * table and a layer on the map, and run it again when the data it depends on changes. */
#pragma once

#include <gtk/gtk.h>

#include "cm-analysis-layer.h"
#include "cm-analysis-row.h"
#include "cm-core.h"

G_BEGIN_DECLS

#define CM_TYPE_ANALYSIS_PANEL (cm_analysis_panel_get_type ())
G_DECLARE_FINAL_TYPE (CmAnalysisPanel, cm_analysis_panel, CM, ANALYSIS_PANEL, GtkWidget)

/* The map analysed (NULL: none): a run in progress stops, the result shown goes, the sources
 * offered are the new map's. */
void cm_analysis_panel_set_map (CmAnalysisPanel *self, CmStore *store);
/* Where the result is drawn on the map (the window stacks it among its overlays). */
void cm_analysis_panel_set_layer (CmAnalysisPanel *self, CmAnalysisLayer *layer);
CmAnalysisLayer *cm_analysis_panel_get_layer (CmAnalysisPanel *self);
/* Data in @layer changed (CM_LAYER_NONE: any): the sources offered follow, and the result
 * shown is computed again, a moment later, when it depends on that layer. */
void cm_analysis_panel_data_changed (CmAnalysisPanel *self, CmLayer layer);

/* The selector of each source offered under “From”, in its order ("stations",
 * "resources:kindergarten", …). */
const GPtrArray *cm_analysis_panel_get_sources (CmAnalysisPanel *self);

/* Runs @request, as Analyse does with the controls set so (the controls show it). */
void cm_analysis_panel_run (CmAnalysisPanel *self, const CmAnalysisRequest *request);
/* Cancels a run in progress and forgets one waiting after an edit. The "busy" property turns
 * FALSE once the worker thread has let go of the map. */
void cm_analysis_panel_stop (CmAnalysisPanel *self);
/* A run in a worker thread (the "busy" property). */
gboolean cm_analysis_panel_is_busy (CmAnalysisPanel *self);
/* Busy, or a run waits to start after an edit. */
gboolean cm_analysis_panel_is_pending (CmAnalysisPanel *self);

/* What is shown: the result (NULL: none), its summary, the table in the order shown. */
const CmAnalysisResult *cm_analysis_panel_get_result (CmAnalysisPanel *self);
const char *cm_analysis_panel_get_summary (CmAnalysisPanel *self);
/* The result shown per compound (CmCompoundSum, as the panel lists them: "covered" as the
 * kind means it, the circle shown for the life circle); NULL or empty when the map has no
 * compounds. */
const GArray *cm_analysis_panel_get_compounds (CmAnalysisPanel *self);
/* "Keep as Baseline": the result shown is kept; every later result of the same kind is
 * compared with it (cm_analysis_compare) until it is forgotten or the map closes. */
void cm_analysis_panel_keep_baseline (CmAnalysisPanel *self);
/* Export Table… with @path chosen: the result shown as a workbook (.xlsx: cm-result-sheets.c);
 * for a .csv, its table of buildings (of teams) as CSV with a byte order mark; for a .geojson,
 * its buildings with their footprints (the teams' ground, gaps and overlaps), for QGIS. */
gboolean cm_analysis_panel_export (CmAnalysisPanel *self, const char *path, GError **error);
/* "Add a Station Here" on suggested site @site (0: the best): emits "add-station". */
void cm_analysis_panel_add_station (CmAnalysisPanel *self, guint site);
/* The result shown against the baseline, or NULL; and what the panel says of it. */
const CmComparison *cm_analysis_panel_get_comparison (CmAnalysisPanel *self);
const char *cm_analysis_panel_get_comparison_text (CmAnalysisPanel *self);
guint cm_analysis_panel_get_n_rows (CmAnalysisPanel *self);
CmAnalysisRow *cm_analysis_panel_get_row (CmAnalysisPanel *self, guint position);
void cm_analysis_panel_sort (CmAnalysisPanel *self, CmAnalysisColumn column, gboolean descending);
/* As a click on a row: the map goes to it ("go-to"). */
void cm_analysis_panel_choose_row (CmAnalysisPanel *self, guint position);
/* The life circle whose buildings are coloured and listed. */
void cm_analysis_panel_set_circle (CmAnalysisPanel *self, guint circle);
guint cm_analysis_panel_get_circle (CmAnalysisPanel *self);

G_END_DECLS
