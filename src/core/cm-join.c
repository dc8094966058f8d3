/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-join.c: a spreadsheet's table joined to a layer's features. */
#include "config.h"

#include "cm-join.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "cm-store-private.h"
#include "cm-table.h"
#include "cm-xlsx.h"

/* ---- reading a table ------------------------------------------------------------------------ */

GPtrArray *
cm_join_split_table (const char *text)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  const char *eol = strpbrk (text, "\r\n");
  g_autofree char *first = eol ? g_strndup (text, eol - text) : g_strdup (text);
  char sep = strchr (first, '\t') && !strchr (first, ',') ? '\t' : ',';
  GPtrArray *row = g_ptr_array_new ();
  GString *cell = g_string_new (NULL);
  gboolean quoted = FALSE, any = FALSE;
  for (const char *p = text;; p++)
    {
      char c = *p;
      if (quoted)
        {
          if (c == '\0')
            quoted = FALSE; /* an unclosed quote ends with the text */
          else if (c == '"' && p[1] == '"')
            g_string_append_c (cell, '"'), p++;
          else if (c == '"')
            quoted = FALSE;
          else
            g_string_append_c (cell, c);
          if (c != '\0')
            continue;
        }
      if (c == '"' && cell->len == 0)
        {
          quoted = any = TRUE;
          continue;
        }
      if (c == sep)
        {
          g_ptr_array_add (row, g_string_free (cell, FALSE));
          cell = g_string_new (NULL);
          any = TRUE;
          continue;
        }
      if (c == '\r' || c == '\n' || c == '\0')
        {
          if (any || cell->len > 0)
            {
              g_ptr_array_add (row, g_string_free (cell, FALSE));
              cell = g_string_new (NULL);
              g_ptr_array_add (row, NULL);
              g_ptr_array_add (rows, g_ptr_array_free (row, FALSE));
              row = g_ptr_array_new ();
            }
          any = FALSE;
          if (c == '\r' && p[1] == '\n')
            p++;
          if (c == '\0')
            break;
          continue;
        }
      g_string_append_c (cell, c);
      any = TRUE;
    }
  g_string_free (cell, TRUE);
  g_ptr_array_free (row, TRUE);
  return rows;
}

/* the index of the first row with a cell that is not blank, or -1 */
static int
first_filled_row (GPtrArray *rows)
{
  for (guint r = 0; r < rows->len; r++)
    for (char **cell = rows->pdata[r]; *cell; cell++)
      if (strspn (*cell, " \t") < strlen (*cell))
        return (int) r;
  return -1;
}

GPtrArray *
cm_join_read_table (const char *path, char **encoding, GError **error)
{
  g_autofree char *bytes = NULL;
  gsize len;
  g_autofree char *dn = g_filename_display_basename (path);
  if (!g_file_get_contents (path, &bytes, &len, error))
    return NULL;
  GPtrArray *rows;
  g_autofree char *text = NULL;
  const char *enc;
  if (cm_xlsx_looks_like ((const guint8 *) bytes, len))
    {
      g_clear_pointer (&bytes, g_free);
      rows = cm_xlsx_read_rows (path, error);
      if (rows == NULL)
        return NULL;
      enc = "xlsx";
      goto read;
    }
  /* an OLE2 compound file: .xls, and also .xlsx once a password encrypts it */
  if (len >= 8 && memcmp (bytes, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8) == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("“%s” is an Excel 97–2003 workbook (.xls) or a workbook with a password, "
                     "which cannot be read here. Save it from the spreadsheet as .xlsx without a "
                     "password, or as CSV, and use that"),
                   dn);
      return NULL;
    }
  if (len >= 3 && memcmp (bytes, "\xef\xbb\xbf", 3) == 0 && g_utf8_validate (bytes + 3, len - 3, NULL))
    {
      text = g_strndup (bytes + 3, len - 3);
      enc = "UTF-8 with BOM";
    }
  else if (g_utf8_validate (bytes, len, NULL))
    {
      text = g_strndup (bytes, len);
      enc = "UTF-8";
    }
  else
    {
      /* what Chinese Excel and WPS write when asked for CSV */
      text = g_convert (bytes, len, "UTF-8", "GB18030", NULL, NULL, NULL);
      enc = "GB18030";
    }
  if (text == NULL || memchr (bytes, '\0', len) != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("“%s” is not a table in UTF-8 or GB18030 text. Save it from the spreadsheet "
                     "as CSV (“CSV UTF-8” in Excel or WPS) and join that"),
                   dn);
      return NULL;
    }
  rows = cm_join_split_table (text);
read:
  if (first_filled_row (rows) < 0)
    {
      g_ptr_array_unref (rows);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("“%s” is empty: it needs a header row and a row per feature"), dn);
      return NULL;
    }
  if (encoding)
    *encoding = g_strdup (enc);
  return rows;
}

/* ---- the preview ----------------------------------------------------------------------------- */

static void
problem_free (CmJoinProblem *p)
{
  g_free (p->column);
  g_free (p->value);
  g_free (p->reason);
  g_free (p);
}

void
cm_join_preview_free (CmJoinPreview *preview)
{
  if (preview == NULL)
    return;
  g_free (preview->encoding);
  g_free (preview->key_field);
  g_ptr_array_unref (preview->headers);
  g_ptr_array_unref (preview->used);
  g_ptr_array_unref (preview->left_out);
  g_ptr_array_unref (preview->unmatched);
  g_ptr_array_unref (preview->problems);
  g_ptr_array_unref (preview->before);
  g_ptr_array_unref (preview->after);
  g_free (preview);
}

static void
add_problem (CmJoinPreview *p, guint row, const char *column, const char *value,
             const char *reason)
{
  CmJoinProblem *problem = g_new0 (CmJoinProblem, 1);
  problem->row = row;
  problem->column = g_strdup (column);
  problem->value = g_strdup (value);
  problem->reason = g_strdup (reason);
  g_ptr_array_add (p->problems, problem);
}

/* The live features of @layer by @field's value: value → GPtrArray of uuids. */
static GHashTable *
features_by (CmStore *store, CmLayer layer, const char *field, GError **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT %s, uuid FROM %s WHERE deleted = 0 AND %s IS NOT"
                                          " NULL",
                                          field, cm_layer_to_string (layer), field);
  sqlite3_stmt *stmt = _cm_store_prepare (store, sql, error);
  if (stmt == NULL)
    return NULL;
  GHashTable *by = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) g_ptr_array_unref);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      /* a name as people type it: white space at either end does not count */
      g_autofree char *key = g_strstrip (g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
      GPtrArray *uuids = g_hash_table_lookup (by, key);
      if (uuids == NULL)
        {
          uuids = g_ptr_array_new_with_free_func (g_free);
          g_hash_table_insert (by, g_strdup (key), uuids);
        }
      g_ptr_array_add (uuids, g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
    }
  sqlite3_finalize (stmt);
  return by;
}

static gboolean
same_value (GVariant *a, GVariant *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  gboolean na = g_variant_is_of_type (a, G_VARIANT_TYPE_INT64) ||
                g_variant_is_of_type (a, G_VARIANT_TYPE_DOUBLE);
  gboolean nb = g_variant_is_of_type (b, G_VARIANT_TYPE_INT64) ||
                g_variant_is_of_type (b, G_VARIANT_TYPE_DOUBLE);
  if (na && nb)
    {
      double x = g_variant_is_of_type (a, G_VARIANT_TYPE_INT64) ? (double) g_variant_get_int64 (a)
                                                                : g_variant_get_double (a);
      double y = g_variant_is_of_type (b, G_VARIANT_TYPE_INT64) ? (double) g_variant_get_int64 (b)
                                                                : g_variant_get_double (b);
      return x == y;
    }
  return g_variant_equal (a, b);
}

/* A cell's value or why it was refused, remembered by field and text. */
typedef struct
{
  GVariant *value;
  char *problem;
} Parsed;

static void
parsed_free (Parsed *parsed)
{
  g_clear_pointer (&parsed->value, g_variant_unref);
  g_free (parsed->problem);
  g_free (parsed);
}

/* cm_table_parse_cell; a kind, compound, station or team named again is not looked up again in
 * the map (a district's table names the same few on every row). */
static gboolean
parse_cell (CmStore *store, CmLayer layer, const CmLayerField *field, const char *text,
            GHashTable *parsed, GVariant **value, GError **error)
{
  if (field->type != CM_VALUE_KIND && field->type != CM_VALUE_UUID)
    return cm_table_parse_cell (store, layer, field, text, value, error);
  g_autofree char *key = g_strconcat (field->name, "\t", text, NULL);
  Parsed *known = g_hash_table_lookup (parsed, key);
  if (known == NULL)
    {
      g_autoptr (GError) local = NULL;
      known = g_new0 (Parsed, 1);
      if (!cm_table_parse_cell (store, layer, field, text, &known->value, &local))
        known->problem = g_strdup (local->message);
      g_hash_table_insert (parsed, g_steal_pointer (&key), known);
    }
  if (known->problem)
    {
      g_set_error_literal (error, CM_STORE_ERROR, CM_STORE_ERROR_INVALID, known->problem);
      return FALSE;
    }
  *value = known->value ? g_variant_ref (known->value) : NULL;
  return TRUE;
}

CmJoinPreview *
cm_join_preview (CmStore *store, const char *path, CmLayer layer, const char *key,
                 GError **error)
{
  g_autofree char *dn = g_filename_display_basename (path);
  g_autofree char *encoding = NULL;
  g_autoptr (GPtrArray) rows = cm_join_read_table (path, &encoding, error);
  if (rows == NULL)
    return NULL;

  /* the key: the file's column, then the layer's field */
  g_auto (GStrv) key_parts = g_strsplit (key ? key : "", "=", 2);
  const char *key_column = key_parts[0] ? g_strstrip (key_parts[0]) : "";
  const char *key_field = key_parts[0] && key_parts[1] ? g_strstrip (key_parts[1]) : "name";
  if (!g_str_equal (key_field, "name") && !g_str_equal (key_field, "source_id") &&
      !g_str_equal (key_field, "uuid"))
    {
      g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_INVALID,
                   _("“%s” is not a field rows can be matched by: use name, source_id or uuid "
                     "(--key COLUMN=name)"),
                   key_field);
      return NULL;
    }
  /* the header: the first row that has the key column, for a sheet often has a title above */
  guint header_row = 0;
  int key_index = -1;
  for (guint r = 0; r < rows->len && r < 10 && key_index < 0; r++)
    for (guint c = 0; ((char **) rows->pdata[r])[c] && key_index < 0; c++)
      if (g_strcmp0 (g_strstrip (((char **) rows->pdata[r])[c]), key_column) == 0)
        header_row = r, key_index = (int) c;
  char **header = rows->pdata[key_index < 0 ? first_filled_row (rows) : (int) header_row];
  guint n_columns = g_strv_length (header);
  if (key_index < 0)
    {
      g_autofree char *columns = g_strjoinv (", ", header);
      g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_INVALID,
                   _("“%s” has no column “%s” to match rows by; its columns are: %s"), dn,
                   key_column, columns);
      return NULL;
    }

  CmJoinPreview *p = g_new0 (CmJoinPreview, 1);
  p->layer = layer;
  p->encoding = g_steal_pointer (&encoding);
  p->headers = g_ptr_array_new_with_free_func (g_free);
  p->key_column = (guint) key_index;
  p->key_field = g_strdup (key_field);
  p->used = g_ptr_array_new_with_free_func (g_free);
  p->left_out = g_ptr_array_new_with_free_func (g_free);
  p->unmatched = g_ptr_array_new_with_free_func (g_free);
  p->problems = g_ptr_array_new_with_free_func ((GDestroyNotify) problem_free);
  p->before = g_ptr_array_new_with_free_func (g_object_unref);
  p->after = g_ptr_array_new_with_free_func (g_object_unref);

  /* which field each column sets */
  g_autoptr (GPtrArray) field_of = g_ptr_array_new (); /* const CmLayerField*, per column */
  g_ptr_array_set_size (field_of, n_columns);
  const CmLayerField **fields = (const CmLayerField **) field_of->pdata;
  for (guint c = 0; c < n_columns; c++)
    {
      g_ptr_array_add (p->headers, g_strdup (header[c]));
      if ((int) c == key_index)
        continue;
      fields[c] = cm_layer_field_for_header (layer, header[c]);
      for (guint d = 0; fields[c] && d < c; d++)
        if (fields[d] == fields[c])
          fields[c] = NULL; /* a second column for the same field is left out */
      if (fields[c])
        g_ptr_array_add (p->used, g_strdup_printf ("%s → %s", header[c], fields[c]->name));
      else if (*header[c])
        g_ptr_array_add (p->left_out, g_strdup (header[c]));
    }

  g_autoptr (GHashTable) by_key = features_by (store, layer, key_field, error);
  if (by_key == NULL)
    {
      cm_join_preview_free (p);
      return NULL;
    }
  /* what each kind, compound or station named in the table is (read once per name) */
  g_autoptr (GHashTable) parsed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                         (GDestroyNotify) parsed_free);
  /* the row each key was first given on, and what that row said */
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GHashTable) changed = g_hash_table_new (g_str_hash, g_str_equal); /* uuid → index */

  for (guint r = header_row + 1; r < rows->len; r++)
    {
      char **cells = rows->pdata[r];
      guint n = g_strv_length (cells);
      guint row = r + 1; /* as a spreadsheet numbers it */
      g_autofree char *k = g_strstrip (g_strdup ((guint) key_index < n ? cells[key_index] : ""));
      gboolean blank = TRUE;
      for (guint c = 0; c < n && blank; c++)
        blank = *g_strstrip (cells[c]) == '\0';
      if (blank)
        continue;
      p->rows++;
      if (*k == '\0')
        {
          add_problem (p, row, header[key_index], "",
                       _("the key is empty: every row needs one to find its feature"));
          continue;
        }
      /* every cell checked, matched or not: a bad value is a problem either way */
      g_autoptr (GPtrArray) values = g_ptr_array_new_with_free_func (
          (GDestroyNotify) g_variant_unref);
      g_autoptr (GPtrArray) set = g_ptr_array_new ();
      for (guint c = 0; c < n_columns; c++)
        {
          if (fields[c] == NULL || c >= n || *cells[c] == '\0')
            continue;
          g_autoptr (GError) local = NULL;
          GVariant *v = NULL;
          if (!parse_cell (store, layer, fields[c], cells[c], parsed, &v, &local))
            {
              add_problem (p, row, header[c], cells[c], local->message);
              continue;
            }
          g_ptr_array_add (set, (gpointer) fields[c]);
          g_ptr_array_add (values, v);
        }
      gpointer first_row;
      if (g_hash_table_lookup_extended (seen, k, NULL, &first_row))
        {
          g_autofree char *reason = g_strdup_printf (
              _("the key is given again (first on row %u): keep one row per feature"),
              GPOINTER_TO_UINT (first_row));
          add_problem (p, row, header[key_index], k, reason);
          continue;
        }
      g_hash_table_insert (seen, g_strdup (k), GUINT_TO_POINTER (row));
      GPtrArray *uuids = g_hash_table_lookup (by_key, k);
      if (uuids == NULL)
        {
          g_ptr_array_add (p->unmatched, g_strdup_printf (_("row %u: %s"), row, k));
          continue;
        }
      if (uuids->len > 1)
        {
          g_autofree char *reason = g_strdup_printf (
              _("%u features have this %s: match by a key that is unique (source_id or uuid)"),
              uuids->len, key_field);
          add_problem (p, row, header[key_index], k, reason);
          continue;
        }
      p->matched++;
      g_autoptr (CmFeature) before = cm_store_get_feature (store, layer, uuids->pdata[0], error);
      if (before == NULL)
        {
          cm_join_preview_free (p);
          return NULL;
        }
      g_autoptr (CmFeature) after = cm_feature_copy (before);
      gboolean differs = FALSE;
      for (guint i = 0; i < set->len; i++)
        {
          const CmLayerField *f = set->pdata[i];
          if (same_value (cm_feature_get_field (after, f->name), values->pdata[i]))
            continue;
          cm_feature_set_field (after, f->name, values->pdata[i]);
          differs = TRUE;
        }
      if (differs)
        {
          g_ptr_array_add (p->before, g_steal_pointer (&before));
          g_ptr_array_add (p->after, g_steal_pointer (&after));
        }
    }
  return p;
}

gboolean
cm_join_apply (CmStore *store, CmJoinPreview *preview, GError **error)
{
  if (preview->problems->len > 0)
    {
      g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_INVALID,
                   ngettext ("the table has %u value that cannot be used: correct it and join "
                             "again",
                             "the table has %u values that cannot be used: correct them and join "
                             "again",
                             preview->problems->len),
                   preview->problems->len);
      return FALSE;
    }
  if (preview->after->len == 0)
    return TRUE;
  return cm_store_update_features (store, preview->after, error);
}
