/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-sheet.c: tables of results as CSV and as .xlsx workbooks. */
#include "config.h"

#include "cm-sheet.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <math.h>
#include <string.h>
#include <xlsxwriter.h>

#include "cm-json-writer.h"

typedef struct
{
  char *text;   /* CM_CELL_TEXT */
  double value; /* the others; NAN: empty */
} Cell;

struct _CmSheet
{
  char *name;
  GArray *columns; /* CmColumn, its strings owned */
  GPtrArray *rows; /* Cell[n] */
};

CmSheet *
cm_sheet_new (const char *name, const CmColumn *columns, guint n)
{
  CmSheet *self = g_new0 (CmSheet, 1);
  self->name = g_strdup (name);
  self->columns = g_array_sized_new (FALSE, TRUE, sizeof (CmColumn), n);
  for (guint i = 0; i < n; i++)
    {
      CmColumn c = { g_strdup (columns[i].key),
                     g_strdup (columns[i].heading ? columns[i].heading : columns[i].key),
                     columns[i].kind };
      g_array_append_val (self->columns, c);
    }
  self->rows = g_ptr_array_new ();
  return self;
}

void
cm_sheet_free (CmSheet *self)
{
  guint n = self->columns->len;
  for (guint r = 0; r < self->rows->len; r++)
    {
      Cell *cells = self->rows->pdata[r];
      for (guint c = 0; c < n; c++)
        g_free (cells[c].text);
      g_free (cells);
    }
  g_ptr_array_unref (self->rows);
  for (guint c = 0; c < n; c++)
    {
      g_free ((char *) g_array_index (self->columns, CmColumn, c).key);
      g_free ((char *) g_array_index (self->columns, CmColumn, c).heading);
    }
  g_array_unref (self->columns);
  g_free (self->name);
  g_free (self);
}

void
cm_sheet_add_row (CmSheet *self)
{
  Cell *cells = g_new0 (Cell, self->columns->len);
  for (guint c = 0; c < self->columns->len; c++)
    cells[c].value = NAN;
  g_ptr_array_add (self->rows, cells);
}

static Cell *
last_cell (CmSheet *self, guint column)
{
  g_return_val_if_fail (self->rows->len > 0 && column < self->columns->len, NULL);
  return &((Cell *) self->rows->pdata[self->rows->len - 1])[column];
}

void
cm_sheet_set_text (CmSheet *self, guint column, const char *text)
{
  Cell *cell = last_cell (self, column);
  g_free (cell->text);
  cell->text = g_strdup (text);
}

void
cm_sheet_set_number (CmSheet *self, guint column, double value)
{
  last_cell (self, column)->value = value;
}

guint
cm_sheet_get_n_rows (const CmSheet *self)
{
  return self->rows->len;
}

/* ---- CSV ----------------------------------------------------------------------------------- */

static void
csv_text (GString *out, const char *text)
{
  if (text == NULL)
    return;
  if (strpbrk (text, ",\"\r\n") == NULL)
    {
      g_string_append (out, text);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = text; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static void
csv_number (GString *out, CmCellKind kind, double v)
{
  if (isnan (v))
    return;
  switch (kind)
    {
    case CM_CELL_COUNT:
      g_string_append_printf (out, "%.0f", v);
      break;
    case CM_CELL_METRES:
      g_string_append_printf (out, "%.1f", v);
      break;
    case CM_CELL_RATIO:
    case CM_CELL_PERCENT:
      g_string_append_printf (out, "%.3f", v);
      break;
    case CM_CELL_DEGREES:
      g_string_append_printf (out, "%.7f", v);
      break;
    case CM_CELL_BOOL:
      g_string_append_c (out, v != 0 ? '1' : '0');
      break;
    case CM_CELL_TEXT:
      break;
    }
}

void
cm_sheet_append_json_row (const CmSheet *self, guint row, GString *out)
{
  const Cell *cells = self->rows->pdata[row];
  g_string_append_c (out, '{');
  for (guint c = 0; c < self->columns->len; c++)
    {
      const CmColumn *column = &g_array_index (self->columns, CmColumn, c);
      g_string_append (out, c ? ", " : "");
      cm_json_append_string (out, column->key, strlen (column->key));
      g_string_append (out, ": ");
      if (column->kind == CM_CELL_TEXT)
        {
          if (cells[c].text)
            cm_json_append_string (out, cells[c].text, strlen (cells[c].text));
          else
            g_string_append (out, "null");
        }
      else if (isnan (cells[c].value))
        g_string_append (out, "null");
      else if (column->kind == CM_CELL_BOOL)
        g_string_append (out, cells[c].value != 0 ? "true" : "false");
      else
        csv_number (out, column->kind, cells[c].value);
    }
  g_string_append_c (out, '}');
}

void
cm_sheet_append_csv (const CmSheet *self, GString *out)
{
  guint n = self->columns->len;
  for (guint c = 0; c < n; c++)
    {
      if (c)
        g_string_append_c (out, ',');
      csv_text (out, g_array_index (self->columns, CmColumn, c).key);
    }
  g_string_append_c (out, '\n');
  for (guint r = 0; r < self->rows->len; r++)
    {
      const Cell *cells = self->rows->pdata[r];
      for (guint c = 0; c < n; c++)
        {
          if (c)
            g_string_append_c (out, ',');
          CmCellKind kind = g_array_index (self->columns, CmColumn, c).kind;
          if (kind == CM_CELL_TEXT)
            csv_text (out, cells[c].text);
          else
            csv_number (out, kind, cells[c].value);
        }
      g_string_append_c (out, '\n');
    }
}

gboolean
cm_sheet_write_csv (const CmSheet *self, const char *path, gboolean bom, GError **error)
{
  g_autoptr (GString) out = g_string_new (bom ? "\xEF\xBB\xBF" : "");
  cm_sheet_append_csv (self, out);
  return g_file_set_contents (path, out->str, (gssize) out->len, error);
}

/* ---- .xlsx --------------------------------------------------------------------------------- */

/* A sheet name Excel takes: at most 31 characters, none of []:*?/\ */
static char *
sheet_name (const char *name)
{
  GString *s = g_string_new (NULL);
  for (const char *p = name; *p && g_utf8_strlen (s->str, -1) < 31; p = g_utf8_next_char (p))
    {
      gunichar ch = g_utf8_get_char (p);
      g_string_append_unichar (s, strchr ("[]:*?/\\", (int) ch) && ch < 128 ? '_' : ch);
    }
  return g_string_free (s, FALSE);
}

static gboolean
write_sheet (lxw_workbook *book, const CmSheet *sheet, lxw_format **formats, GError **error)
{
  g_autofree char *name = sheet_name (sheet->name);
  lxw_worksheet *ws = workbook_add_worksheet (book, name);
  if (ws == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("could not add the sheet “%s”"), name);
      return FALSE;
    }
  guint n = sheet->columns->len;
  for (guint c = 0; c < n; c++)
    {
      const CmColumn *col = &g_array_index (sheet->columns, CmColumn, c);
      worksheet_write_string (ws, 0, (lxw_col_t) c, col->heading, formats[0]);
      /* wide enough for the heading and a typical value */
      double width = MAX (10, MIN (40, g_utf8_strlen (col->heading, -1) * 1.6 + 2));
      if (col->kind == CM_CELL_TEXT)
        width = MAX (width, 18);
      worksheet_set_column (ws, (lxw_col_t) c, (lxw_col_t) c, width, NULL);
    }
  for (guint r = 0; r < sheet->rows->len; r++)
    {
      const Cell *cells = sheet->rows->pdata[r];
      lxw_row_t row = (lxw_row_t) r + 1;
      for (guint c = 0; c < n; c++)
        {
          CmCellKind kind = g_array_index (sheet->columns, CmColumn, c).kind;
          lxw_col_t col = (lxw_col_t) c;
          if (kind == CM_CELL_TEXT)
            {
              if (cells[c].text)
                worksheet_write_string (ws, row, col, cells[c].text, NULL);
            }
          else if (kind == CM_CELL_BOOL && !isnan (cells[c].value))
            worksheet_write_boolean (ws, row, col, cells[c].value != 0, NULL);
          else if (!isnan (cells[c].value))
            {
              double v = cells[c].value;
              /* as the CSV and JSON round them */
              if (kind == CM_CELL_METRES)
                v = round (v * 10) / 10;
              else if (kind == CM_CELL_RATIO)
                v = round (v * 1000) / 1000;
              else if (kind == CM_CELL_DEGREES)
                v = round (v * 1e7) / 1e7;
              worksheet_write_number (ws, row, col, v, formats[kind]);
            }
        }
    }
  worksheet_freeze_panes (ws, 1, 0);
  if (n > 0)
    worksheet_autofilter (ws, 0, 0, (lxw_row_t) sheet->rows->len, (lxw_col_t) (n - 1));
  return TRUE;
}

gboolean
cm_sheets_write_xlsx (GPtrArray *sheets, const char *path, GError **error)
{
  g_autofree char *tmp = g_strdup_printf ("%s.partial", path);
  lxw_workbook_options options = { .constant_memory = LXW_FALSE, .tmpdir = NULL };
  lxw_workbook *book = workbook_new_opt (tmp, &options);
  if (book == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("could not create %s"), path);
      return FALSE;
    }
  /* a format per kind of cell: the header bold, metres with one decimal, shares as % */
  lxw_format *formats[CM_CELL_BOOL + 1] = { NULL };
  formats[0] = workbook_add_format (book);
  format_set_bold (formats[0]);
  formats[CM_CELL_COUNT] = workbook_add_format (book);
  format_set_num_format (formats[CM_CELL_COUNT], "#,##0");
  formats[CM_CELL_METRES] = workbook_add_format (book);
  format_set_num_format (formats[CM_CELL_METRES], "#,##0.0");
  formats[CM_CELL_RATIO] = workbook_add_format (book);
  format_set_num_format (formats[CM_CELL_RATIO], "0.000");
  formats[CM_CELL_DEGREES] = workbook_add_format (book);
  format_set_num_format (formats[CM_CELL_DEGREES], "0.0000000");
  formats[CM_CELL_PERCENT] = workbook_add_format (book);
  format_set_num_format (formats[CM_CELL_PERCENT], "0.0%");
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < sheets->len; i++)
    ok = write_sheet (book, sheets->pdata[i], formats, error);
  lxw_error status = workbook_close (book);
  if (ok && status != LXW_NO_ERROR)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("could not write %s: %s"), path,
                   lxw_strerror (status));
      ok = FALSE;
    }
  if (ok && g_rename (tmp, path) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("could not write %s: %s"), path,
                   g_strerror (errno));
      ok = FALSE;
    }
  if (!ok)
    g_unlink (tmp);
  return ok;
}
