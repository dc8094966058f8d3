/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-sheet.h: a table of results for people — typed columns and rows — written as CSV
 * (RFC 4180, for scripts) or, with other sheets, as an Excel workbook (.xlsx, through
 * libxlsxwriter) that Excel, WPS and LibreOffice open: numbers as numbers, metres rounded,
 * shares as percentages, the header row frozen and filtered (issue #15). The reading side of
 * .xlsx is cm-xlsx.c. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  CM_CELL_TEXT,
  CM_CELL_COUNT,   /* a whole number */
  CM_CELL_METRES,  /* one decimal */
  CM_CELL_RATIO,   /* three decimals (a detour) */
  CM_CELL_DEGREES, /* seven decimals (a longitude, a latitude) */
  CM_CELL_PERCENT, /* a share from 0 to 1, shown as 12.3% */
  CM_CELL_BOOL,    /* 1 or 0 in CSV; TRUE or FALSE in a workbook */
} CmCellKind;

typedef struct
{
  const char *key;     /* the CSV header: stable, English, for scripts */
  const char *heading; /* the workbook's header: for people, translated (NULL: the key) */
  CmCellKind kind;
} CmColumn;

typedef struct _CmSheet CmSheet;

/* A sheet named @name (at most 31 characters in a workbook) with @n columns (copied). */
CmSheet *cm_sheet_new (const char *name, const CmColumn *columns, guint n);
void cm_sheet_free (CmSheet *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CmSheet, cm_sheet_free)

/* A new row, every cell empty; the setters then fill the last row. */
void cm_sheet_add_row (CmSheet *self);
void cm_sheet_set_text (CmSheet *self, guint column, const char *text);
/* NAN leaves the cell empty. */
void cm_sheet_set_number (CmSheet *self, guint column, double value);
guint cm_sheet_get_n_rows (const CmSheet *self);

/* The sheet as CSV: the keys, then a line per row. */
void cm_sheet_append_csv (const CmSheet *self, GString *out);
/* Row @row as a JSON object of the columns' keys: numbers as numbers (rounded as in CSV),
 * yes/no as true/false, empty cells as null. */
void cm_sheet_append_json_row (const CmSheet *self, guint row, GString *out);
/* The sheet as a CSV file at @path (written whole or not at all); @bom: begin with UTF-8's
 * byte order mark, for people who open it in Excel or WPS. */
gboolean cm_sheet_write_csv (const CmSheet *self, const char *path, gboolean bom, GError **error);
/* The sheets (CmSheet) as one workbook at @path, written to a temporary file beside it and
 * renamed: never a half-written workbook. */
gboolean cm_sheets_write_xlsx (GPtrArray *sheets, const char *path, GError **error);

G_END_DECLS
