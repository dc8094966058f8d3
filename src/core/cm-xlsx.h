/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-xlsx.h: an Excel workbook's (.xlsx, Office Open XML) first sheet, read as a table of text —
 * what Excel, WPS and LibreOffice save. For the join.
 *
 * Every cell comes as the text it holds: shared and inline strings as written, numbers as
 * written in the file with whole numbers plainly ("120", not "1.2E2" or "120.0"), TRUE/FALSE,
 * a formula's last value. Dates come as Excel's day numbers and formatting is not applied:
 * the join's fields are names, numbers and words. Sheets other than the first are not read. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A workbook starts as every ZIP archive does. */
gboolean cm_xlsx_looks_like (const guint8 *bytes, gsize len);

/* The first sheet's rows, as a GPtrArray of GStrv: row N of the sheet is element N - 1, so a row
 * number in a message is the one the spreadsheet shows; rows the sheet leaves out are empty
 * GStrv, and so are cells (""). Fails on a file that is not a workbook or is damaged, with a
 * message for people. */
GPtrArray *cm_xlsx_read_rows (const char *path, GError **error);

G_END_DECLS
