/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-table.h: a layer's features as the rows of an attribute table — which rows, in which
 * order — for the window's table (a GtkColumnView that loads each row only when it shows). */
#pragma once

#include "cm-sheet.h"
#include "cm-store.h"

G_BEGIN_DECLS

/* The columns of @layer's table, in order: "name", "category" (resources only), the layer's
 * own fields (cm-layer.c), "description". A NULL-terminated array of static strings. */
const char *const *cm_table_columns (CmLayer layer);

/* The row ids (gint64) of @layer's live features whose name, words or any field contains
 * @filter (NULL or "": all; case ignored), ordered by @column (one of cm_table_columns; NULL:
 * as stored), empty values last, then by id. */
GArray *cm_table_ids (CmStore *store, CmLayer layer, const char *filter, const char *column,
                      gboolean descending, GError **error);

/* The column's title for people (translated): "Name", "Households" … */
const char *cm_table_column_title (CmLayer layer, const char *column);
/* What a cell shows: a count with its digits, a radius in metres, a kind by its label, a
 * compound by its name, a category by its label; NULL for an empty cell. */
char *cm_table_cell_text (CmStore *store, CmFeature *feature, const char *column);
/* A building's compound for people: the one chosen by hand, else the one it stands in with
 * "(where it stands)", else NULL. */
char *cm_table_compound_text (CmStore *store, CmFeature *building);
/* Sets @column of @feature (not stored) from @text as typed or pasted: checked as the form
 * checks it; a kind by its label or key (one the map lists); a compound by its name; empty
 * text clears. FALSE, with the reason, leaves @feature unchanged. */
gboolean cm_table_set_cell (CmStore *store, CmFeature *feature, const char *column,
                            const char *text, GError **error);
/* The value @text gives @field of @layer, as cm_table_set_cell reads it (a kind by its label, a
 * compound or a report's station or team by its name; a report's status refused): for the
 * table and for a join of a spreadsheet. *@value NULL for empty text. */
gboolean cm_table_parse_cell (CmStore *store, CmLayer layer, const CmLayerField *field,
                              const char *text, GVariant **value, GError **error);

/* The rows @ids (gint64, as cm_table_ids orders them) of @layer as a sheet named @name, for a
 * workbook or CSV (Export… of the table): the uuid, then each column, counts and metres as
 * numbers, kinds, compounds and categories by their labels. */
CmSheet *cm_table_sheet (CmStore *store, CmLayer layer, GArray *ids, const char *name,
                         GError **error);

G_END_DECLS
