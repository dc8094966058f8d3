/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-table-model.h: a layer's features as a list model for the attribute table, loaded only
 * as rows are shown: it holds the row ids (cm_table_ids) and reads a feature when GTK asks for
 * its item, keeping the last few hundred read. */
#pragma once

#include <gio/gio.h>

#include "cm-core.h"

G_BEGIN_DECLS

#define CM_TYPE_TABLE_MODEL (cm_table_model_get_type ())
G_DECLARE_FINAL_TYPE (CmTableModel, cm_table_model, CM, TABLE_MODEL, GObject)

/* A GListModel of CmFeature. */
CmTableModel *cm_table_model_new (CmStore *store, CmLayer layer);
CmLayer cm_table_model_get_layer (CmTableModel *self);
/* The row ids (gint64) in the order shown, filtered as shown. */
GArray *cm_table_model_get_ids (CmTableModel *self);
/* Reads the ids again: after a filter, an order, or an edit elsewhere. */
gboolean cm_table_model_reload (CmTableModel *self, const char *filter, const char *column,
                                gboolean descending, GError **error);
/* Features changed in the file: drop them from the cache and say their rows changed. */
void cm_table_model_features_changed (CmTableModel *self);
/* The time the table's own code spent so far: rows read (here) and cells shown (added by the
 * table's cells): what bench-window counts per scrolled frame. */
void cm_table_model_add_work (CmTableModel *self, gint64 us);
gint64 cm_table_model_get_work_us (CmTableModel *self);
/* The row of the feature with row id @id, or G_MAXUINT. */
guint cm_table_model_find (CmTableModel *self, gint64 id);

G_END_DECLS
