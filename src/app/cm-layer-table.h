/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-layer-table.h: a layer's attribute table — every feature a row, every field a column
 * (GtkColumnView over CmTableModel, which reads a row only when it shows).
 *
 * Click a header to sort; type in the filter box; double-click a cell to change it in a small
 * editor over it (Enter on a row: the column chosen under the table), one undoable step; choose rows (Ctrl/Shift+click) and set one field for all of
 * them, or paste a column copied from a spreadsheet into consecutive rows (Ctrl+V), one step
 * each. A value a field does not take is refused with the reason, and nothing is stored.
 * Choosing rows emits "rows-chosen"; cm_layer_table_show_feature chooses the row of a feature
 * chosen on the map. Changes go through the window's history and emit "changed". */
#pragma once

#include <adwaita.h>

#include "cm-core.h"

G_BEGIN_DECLS

#define CM_TYPE_LAYER_TABLE (cm_layer_table_get_type ())
G_DECLARE_FINAL_TYPE (CmLayerTable, cm_layer_table, CM, LAYER_TABLE, AdwWindow)

/* @layer_title: the layer's name for people ("Buildings"). */
CmLayerTable *cm_layer_table_new (GtkWindow *parent, CmStore *store, CmHistory *history,
                                  CmLayer layer, const char *layer_title);
CmLayer cm_layer_table_get_layer (CmLayerTable *self);

/* The map's data changed (an edit, an undo, an import): rows read again, ids too when
 * @rows_changed (features added or deleted). */
void cm_layer_table_refresh (CmLayerTable *self, gboolean rows_changed);
/* Chooses the row of @feature (a feature chosen on the map) and scrolls to it. */
void cm_layer_table_show_feature (CmLayerTable *self, CmFeature *feature);

/* As a person would: filter, sort by a column, choose rows, change a cell, set a field for the
 * chosen rows, paste text into a column from the first chosen row. Each returns FALSE with the
 * reason (also shown in the table) when a value is refused and nothing was stored. */
void cm_layer_table_set_filter (CmLayerTable *self, const char *text);
void cm_layer_table_sort (CmLayerTable *self, const char *column, gboolean descending);
void cm_layer_table_choose_rows (CmLayerTable *self, guint first, guint n);
gboolean cm_layer_table_edit_cell (CmLayerTable *self, guint row, const char *column,
                                   const char *text, GError **error);
gboolean cm_layer_table_set_for_chosen (CmLayerTable *self, const char *column,
                                        const char *text, GError **error);
gboolean cm_layer_table_paste (CmLayerTable *self, const char *column, const char *text,
                               GError **error);

/* Opens the editor over row @row's cell of @column, as a double-click there does; FALSE when
 * the column is not changed in the table or the cell is not on screen. The editor's entry
 * while it is open (else NULL): Enter stores what it holds, Escape closes it, storing nothing. */
gboolean cm_layer_table_start_editing (CmLayerTable *self, guint row, const char *column);
GtkEntry *cm_layer_table_get_editor (CmLayerTable *self);
/* Microseconds the table's own code has spent reading rows and filling cells (bench-window). */
gint64 cm_layer_table_get_work_us (CmLayerTable *self);

guint cm_layer_table_get_n_rows (CmLayerTable *self);
/* The feature shown on row @row (a new reference), and what a cell shows. */
CmFeature *cm_layer_table_get_row (CmLayerTable *self, guint row);
char *cm_layer_table_get_cell (CmLayerTable *self, guint row, const char *column);
/* The chosen rows' features, in the table's order (CmFeature). */
GPtrArray *cm_layer_table_get_chosen (CmLayerTable *self);
/* Export… with @path chosen: the rows shown as a workbook (.xlsx) or as CSV with a byte order
 * mark (.csv); or the whole layer with its shapes as GeoJSON (.geojson). */
gboolean cm_layer_table_export (CmLayerTable *self, const char *path, GError **error);
/* The column sorted by and whether descending (NULL: none), as the headers show it. */
const char *cm_layer_table_get_sort (CmLayerTable *self, gboolean *descending);

G_END_DECLS
