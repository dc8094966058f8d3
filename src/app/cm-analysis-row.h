/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-analysis-row.h: one row of the analysis panel's table — a building, a team or an overlap,
 * with what to say of it and where it is on the map. */
#pragma once

#include <glib-object.h>

#include "cm-layer.h"

G_BEGIN_DECLS

/* The table's columns, left to right; the titles depend on the kind of analysis. */
typedef enum
{
  CM_ANALYSIS_COLUMN_NAME,   /* the building or team */
  CM_ANALYSIS_COLUMN_DETAIL, /* the nearest source, the team's kind, what a building lacks */
  CM_ANALYSIS_COLUMN_VALUE,  /* metres or m² */
  CM_ANALYSIS_COLUMN_STATUS, /* covered or not, buildings in a team… */
  CM_N_ANALYSIS_COLUMNS
} CmAnalysisColumn;

#define CM_TYPE_ANALYSIS_ROW (cm_analysis_row_get_type ())
G_DECLARE_FINAL_TYPE (CmAnalysisRow, cm_analysis_row, CM, ANALYSIS_ROW, GObject)

/* @value: metres or m², NAN for none (sorted as farther than any); @layer and @uuid: what
 * choosing the row selects (CM_LAYER_NONE: nothing, it only goes to @lon, @lat). */
CmAnalysisRow *cm_analysis_row_new (const char *name, const char *detail, double value,
                                    const char *status, CmLayer layer, const char *uuid,
                                    double lon, double lat);

const char *cm_analysis_row_get_name (CmAnalysisRow *self);
const char *cm_analysis_row_get_uuid (CmAnalysisRow *self);
CmLayer cm_analysis_row_get_layer (CmAnalysisRow *self);
double cm_analysis_row_get_value (CmAnalysisRow *self);
void cm_analysis_row_get_position (CmAnalysisRow *self, double *lon, double *lat);
/* The text of @column as the table shows it (the value whole, "—" for none). */
char *cm_analysis_row_dup_text (CmAnalysisRow *self, CmAnalysisColumn column);

/* Orders two rows by @column (a GCompareDataFunc: pass the column with GINT_TO_POINTER). No
 * value counts as farther than any: last going up, first going down. */
int cm_analysis_row_compare (gconstpointer a, gconstpointer b, gpointer column);

G_END_DECLS
