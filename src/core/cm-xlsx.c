/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-xlsx.c: an Excel workbook's first sheet, read. An .xlsx is a ZIP archive of XML parts
 * (ECMA-376): xl/workbook.xml lists the sheets in order and names each by a relationship id,
 * xl/_rels/workbook.xml.rels gives the part each id is, xl/sharedStrings.xml holds the text
 * cells point into, and a sheet part holds <row r="N"><c r="B3" t="s"><v>0</v></c>…</row>.
 * Element names are compared without their namespace prefix: some writers put one on. */
#include "config.h"

#include "cm-xlsx.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "cm-zip.h"

#define MAX_PART (256u * 1024 * 1024) /* a sheet of a million short rows is ~100 MB of XML */
#define MAX_ROWS 1048576              /* Excel's own limits */
#define MAX_COLUMNS 16384
#define MAX_CELLS (16u * 1024 * 1024) /* row slots kept, gaps included: 128 MB of pointers */

gboolean
cm_xlsx_looks_like (const guint8 *bytes, gsize len)
{
  return len >= 4 && memcmp (bytes, "PK\3\4", 4) == 0;
}

static const char *
local_name (const char *name)
{
  const char *colon = strrchr (name, ':');
  return colon ? colon + 1 : name;
}

static const char *
attribute (const char **names, const char **values, const char *wanted)
{
  for (guint i = 0; names[i]; i++)
    if (g_str_equal (local_name (names[i]), wanted))
      return values[i];
  return NULL;
}

static gboolean
parse_part (CmZip *zip, const char *part, const GMarkupParser *parser, gpointer data,
            const char *display_name, GError **error)
{
  g_autoptr (GBytes) bytes = cm_zip_read (zip, part, MAX_PART, error);
  if (bytes == NULL)
    return FALSE;
  g_autoptr (GMarkupParseContext) context = g_markup_parse_context_new (parser, 0, data, NULL);
  gsize len;
  const char *text = g_bytes_get_data (bytes, &len);
  g_autoptr (GError) local = NULL;
  if (!g_markup_parse_context_parse (context, text, (gssize) len, &local) ||
      !g_markup_parse_context_end_parse (context, &local))
    {
      if (local->domain == G_IO_ERROR) /* ours, from a callback: already for people */
        g_propagate_error (error, g_steal_pointer (&local));
      else
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                     _("“%s” is damaged (its part %s: %s). Open it in the spreadsheet and save "
                       "it again"),
                     display_name, part, local->message);
      return FALSE;
    }
  return TRUE;
}

/* ---- which part the first sheet is ---------------------------------------------------------- */

typedef struct
{
  char *first_sheet_id; /* from workbook.xml */
  char *target;         /* from its relationships */
} SheetFinder;

static void
workbook_start (GMarkupParseContext *c, const char *element, const char **names,
                const char **values, gpointer data, GError **error)
{
  SheetFinder *f = data;
  const char *el = local_name (element);
  if (g_str_equal (el, "sheet") && f->first_sheet_id == NULL)
    {
      /* r:id; sheetId is another attribute, a number, not the relationship */
      for (guint i = 0; names[i]; i++)
        if (g_str_has_suffix (names[i], ":id"))
          f->first_sheet_id = g_strdup (values[i]);
    }
  else if (g_str_equal (el, "Relationship") && f->target == NULL && f->first_sheet_id)
    {
      const char *id = attribute (names, values, "Id");
      const char *target = attribute (names, values, "Target");
      if (g_strcmp0 (id, f->first_sheet_id) == 0 && target)
        f->target = target[0] == '/' ? g_strdup (target + 1) : g_strconcat ("xl/", target, NULL);
    }
}

static char *
first_sheet_part (CmZip *zip, const char *display_name, GError **error)
{
  SheetFinder f = { 0 };
  const GMarkupParser parser = { workbook_start, NULL, NULL, NULL, NULL };
  if (!parse_part (zip, "xl/workbook.xml", &parser, &f, display_name, error) ||
      (cm_zip_has (zip, "xl/_rels/workbook.xml.rels") &&
       !parse_part (zip, "xl/_rels/workbook.xml.rels", &parser, &f, display_name, error)))
    {
      g_free (f.first_sheet_id);
      g_free (f.target);
      return NULL;
    }
  g_free (f.first_sheet_id);
  return f.target ? f.target : g_strdup ("xl/worksheets/sheet1.xml");
}

/* ---- shared strings ------------------------------------------------------------------------- */

typedef struct
{
  GPtrArray *strings; /* char* */
  GString *current;   /* inside <si> */
  gboolean in_text;   /* inside <t> */
  guint phonetic;     /* inside <rPh>: a reading guide, not the cell's text */
} SharedStrings;

static void
shared_start (GMarkupParseContext *c, const char *element, const char **names,
              const char **values, gpointer data, GError **error)
{
  SharedStrings *s = data;
  const char *el = local_name (element);
  if (g_str_equal (el, "si"))
    s->current = g_string_new (NULL);
  else if (g_str_equal (el, "rPh"))
    s->phonetic++;
  else if (g_str_equal (el, "t"))
    s->in_text = s->current && s->phonetic == 0;
}

static void
shared_end (GMarkupParseContext *c, const char *element, gpointer data, GError **error)
{
  SharedStrings *s = data;
  const char *el = local_name (element);
  if (g_str_equal (el, "si") && s->current)
    g_ptr_array_add (s->strings, g_string_free (g_steal_pointer (&s->current), FALSE));
  else if (g_str_equal (el, "rPh") && s->phonetic > 0)
    s->phonetic--;
  else if (g_str_equal (el, "t"))
    s->in_text = FALSE;
}

static void
shared_text (GMarkupParseContext *c, const char *text, gsize len, gpointer data, GError **error)
{
  SharedStrings *s = data;
  if (s->in_text)
    g_string_append_len (s->current, text, (gssize) len);
}

/* ---- the sheet ------------------------------------------------------------------------------ */

typedef struct
{
  const char *display_name;
  GPtrArray *shared;    /* char* */
  GPtrArray *rows;      /* GPtrArray of char* (NULL: an empty cell) */
  guint64 cells;        /* slots kept, gaps included */
  int row, next_column; /* where the next cell without an r= goes */
  int column;
  char *type;           /* the cell's t= */
  GString *value;       /* its <v>, or the text of its <is> */
  gboolean in_value;
  guint phonetic;
} Sheet;

static gboolean
too_large (Sheet *s, GError **error)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
               _("“%s” has more rows or columns than a table may have here (%u rows, %u "
                 "columns, %u cells); split it into smaller files"),
               s->display_name, MAX_ROWS, MAX_COLUMNS, MAX_CELLS);
  return FALSE;
}

/* "B3" → column 1; FALSE when it is not a cell reference */
static gboolean
parse_reference (const char *ref, int *column)
{
  int c = 0, letters = 0;
  for (; g_ascii_isalpha (*ref) && letters < 4; ref++, letters++)
    c = c * 26 + (g_ascii_toupper (*ref) - 'A' + 1);
  if (letters == 0 || !g_ascii_isdigit (*ref))
    return FALSE;
  *column = c - 1;
  return TRUE;
}

static void
sheet_start (GMarkupParseContext *c, const char *element, const char **names,
             const char **values, gpointer data, GError **error)
{
  Sheet *s = data;
  const char *el = local_name (element);
  if (g_str_equal (el, "row"))
    {
      const char *r = attribute (names, values, "r");
      gint64 n = r ? g_ascii_strtoll (r, NULL, 10) - 1 : s->row + 1;
      if (n < 0 || n >= MAX_ROWS)
        {
          too_large (s, error);
          return;
        }
      s->row = (int) n;
      s->next_column = 0;
    }
  else if (g_str_equal (el, "c"))
    {
      const char *r = attribute (names, values, "r");
      int column = s->next_column;
      if (r && !parse_reference (r, &column))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("“%s” is damaged (a cell is at “%s”, which is no cell). Open it in the "
                         "spreadsheet and save it again"),
                       s->display_name, r);
          return;
        }
      if (s->row < 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("“%s” is damaged (a cell outside any row). Open it in the spreadsheet "
                         "and save it again"),
                       s->display_name);
          return;
        }
      if (column >= MAX_COLUMNS)
        {
          too_large (s, error);
          return;
        }
      s->column = column;
      s->next_column = column + 1;
      g_free (s->type);
      s->type = g_strdup (attribute (names, values, "t"));
      g_string_truncate (s->value, 0);
    }
  else if (g_str_equal (el, "v"))
    s->in_value = TRUE;
  else if (g_str_equal (el, "rPh"))
    s->phonetic++;
  else if (g_str_equal (el, "t"))
    s->in_value = s->phonetic == 0 && g_strcmp0 (s->type, "inlineStr") == 0;
}

static char *
cell_text (Sheet *s, GError **error)
{
  const char *type = s->type ? s->type : "n";
  const char *v = s->value->str;
  if (g_str_equal (type, "s"))
    {
      char *end;
      guint64 i = g_ascii_strtoull (v, &end, 10);
      if (end == v || *end || i >= s->shared->len)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("“%s” is damaged (a cell names text %s of %u). Open it in the "
                         "spreadsheet and save it again"),
                       s->display_name, v, s->shared->len);
          return NULL;
        }
      return g_strdup (s->shared->pdata[i]);
    }
  if (g_str_equal (type, "b"))
    return g_strdup (g_str_equal (v, "1") ? "TRUE" : "FALSE");
  if (g_str_equal (type, "n"))
    {
      /* as Excel shows it: 15 significant digits, whole numbers without a point */
      char *end;
      double d = g_ascii_strtod (v, &end);
      if (*v && *end == '\0' && isfinite (d))
        {
          char buf[G_ASCII_DTOSTR_BUF_SIZE];
          return g_strdup (g_ascii_formatd (buf, sizeof buf, "%.15g", d == 0 ? 0 : d));
        }
    }
  return g_strdup (v); /* inlineStr, str (a formula's text), e (#N/A), d (an ISO date) */
}

static void
sheet_end (GMarkupParseContext *c, const char *element, gpointer data, GError **error)
{
  Sheet *s = data;
  const char *el = local_name (element);
  if (g_str_equal (el, "v") || g_str_equal (el, "t"))
    s->in_value = FALSE;
  else if (g_str_equal (el, "rPh") && s->phonetic > 0)
    s->phonetic--;
  else if (g_str_equal (el, "c"))
    {
      if (s->value->len == 0 && g_strcmp0 (s->type, "inlineStr") != 0)
        return; /* a styled cell with nothing in it */
      while (s->rows->len <= (guint) s->row)
        g_ptr_array_add (s->rows, g_ptr_array_new_with_free_func (g_free));
      GPtrArray *row = s->rows->pdata[s->row];
      if ((guint) s->column >= row->len)
        {
          s->cells += (guint) s->column + 1 - row->len;
          if (s->cells > MAX_CELLS)
            {
              too_large (s, error);
              return;
            }
          g_ptr_array_set_size (row, s->column + 1);
        }
      char *text = cell_text (s, error);
      if (text == NULL)
        return;
      g_free (row->pdata[s->column]);
      row->pdata[s->column] = text;
    }
}

static void
sheet_text (GMarkupParseContext *c, const char *text, gsize len, gpointer data, GError **error)
{
  Sheet *s = data;
  if (s->in_value)
    g_string_append_len (s->value, text, (gssize) len);
}

GPtrArray *
cm_xlsx_read_rows (const char *path, GError **error)
{
  g_autofree char *dn = g_filename_display_basename (path);
  g_autoptr (CmZip) zip = cm_zip_open (path, error);
  if (zip == NULL)
    return NULL;
  if (!cm_zip_has (zip, "xl/workbook.xml"))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("“%s” is a ZIP archive but not an Excel workbook (.xlsx); save the table "
                     "as .xlsx or CSV and use that"),
                   dn);
      return NULL;
    }
  g_autofree char *part = first_sheet_part (zip, dn, error);
  if (part == NULL)
    return NULL;

  g_autoptr (GPtrArray) shared = g_ptr_array_new_with_free_func (g_free);
  if (cm_zip_has (zip, "xl/sharedStrings.xml"))
    {
      SharedStrings ss = { shared, NULL, FALSE, 0 };
      const GMarkupParser parser = { shared_start, shared_end, shared_text, NULL, NULL };
      gboolean ok = parse_part (zip, "xl/sharedStrings.xml", &parser, &ss, dn, error);
      if (ss.current)
        g_string_free (ss.current, TRUE);
      if (!ok)
        return NULL;
    }

  Sheet s = { .display_name = dn, .shared = shared, .row = -1 };
  s.rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  s.value = g_string_new (NULL);
  const GMarkupParser parser = { sheet_start, sheet_end, sheet_text, NULL, NULL };
  gboolean ok = parse_part (zip, part, &parser, &s, dn, error);
  g_string_free (s.value, TRUE);
  g_free (s.type);
  if (!ok)
    {
      g_ptr_array_unref (s.rows);
      return NULL;
    }

  /* as the CSV reader gives them: GStrv per row, "" for an empty cell */
  GPtrArray *rows = g_ptr_array_new_full (s.rows->len, (GDestroyNotify) g_strfreev);
  for (guint r = 0; r < s.rows->len; r++)
    {
      GPtrArray *row = s.rows->pdata[r];
      char **cells = g_new0 (char *, row->len + 1);
      for (guint i = 0; i < row->len; i++)
        cells[i] = row->pdata[i] ? g_steal_pointer (&row->pdata[i]) : g_strdup ("");
      g_ptr_array_add (rows, cells);
    }
  g_ptr_array_unref (s.rows);
  return rows;
}
