/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-import-sqlite.c: importing a table of a SpatiaLite file — what ogr2ogr or QGIS wrote, or
 * a table of another community map. Each row becomes a feature as a GeoJSON one would: its
 * geometry in WGS 84, its columns as the source's tags, columns named like our own fields
 * (name, category, uuid…) as those fields. The file is opened read-only and defensive: nothing
 * in it runs. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <sqlite3.h>
#include <spatialite.h> /* after sqlite3.h, which it needs */
#include <string.h>

#include "cm-import-private.h"
#include "cm-json-writer.h"
#include "cm-store-private.h"

/* An open source table. */
typedef struct
{
  char *display_name;
  const char *table;
  sqlite3 *db;
  void *spatialite;
  sqlite3_stmt *rows; /* WKB in WGS 84, the row count, then every column */
  char *geom_col;
} Source;

static void
source_close (Source *s)
{
  sqlite3_finalize (s->rows);
  if (s->db)
    sqlite3_close_v2 (s->db);
  if (s->spatialite)
    spatialite_cleanup_ex (s->spatialite);
  g_free (s->geom_col);
  g_free (s->display_name);
}

/* Opens @table of @path and prepares the query of its rows. */
static gboolean
source_open (Source *s, const char *path, const char *table, GError **error)
{
  memset (s, 0, sizeof *s);
  s->display_name = g_filename_display_name (path);
  s->table = table;
  _cm_spatialite_prepare ();
  if (sqlite3_open_v2 (path, &s->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) !=
      SQLITE_OK)
    {
      g_set_error (error, CM_IMPORT_ERROR, CM_IMPORT_ERROR_SOURCE, _("could not open “%s”: %s"),
                   s->display_name, sqlite3_errmsg (s->db));
      return FALSE;
    }
  sqlite3_db_config (s->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
  s->spatialite = spatialite_alloc_connection ();
  spatialite_set_silent_mode (s->spatialite);
  spatialite_init_ex (s->db, s->spatialite, 0);
  _cm_spatialite_add_guard (s->db);

  /* the table's geometry column and SRID, from SpatiaLite's registry */
  int srid = 0;
  sqlite3_stmt *stmt = NULL;
  sqlite3_prepare_v2 (s->db,
                      "SELECT f_geometry_column, srid FROM geometry_columns"
                      " WHERE lower(f_table_name) = lower(?1)",
                      -1, &stmt, NULL);
  sqlite3_bind_text (stmt, 1, table, -1, SQLITE_STATIC);
  if (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    {
      s->geom_col = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      srid = sqlite3_column_int (stmt, 1);
    }
  sqlite3_finalize (stmt);
  if (s->geom_col == NULL)
    {
      g_set_error (error, CM_IMPORT_ERROR, CM_IMPORT_ERROR_NO_TABLE,
                   _("“%s” has no SpatiaLite table “%s” with a registered geometry column. "
                     "List its tables with “ogrinfo %s”"),
                   s->display_name, table, path);
      return FALSE;
    }

  g_autofree char *sql = g_strdup_printf (
      "SELECT AsBinary(%s(CmGeom(\"%s\")%s)), (SELECT count(*) FROM \"%s\"), * FROM \"%s\"",
      srid == 4326 ? "" : "Transform", s->geom_col, srid == 4326 ? "" : ", 4326", table, table);
  if (strchr (table, '"') || strchr (s->geom_col, '"') ||
      sqlite3_prepare_v2 (s->db, sql, -1, &s->rows, NULL) != SQLITE_OK)
    {
      g_set_error (error, CM_IMPORT_ERROR, CM_IMPORT_ERROR_SOURCE,
                   _("could not read table “%s” of “%s”: %s"), table, s->display_name,
                   sqlite3_errmsg (s->db));
      return FALSE;
    }
  return TRUE;
}

/* What one row holds as a feature's text: the properties (JSON), the string tags, our own
 * fields; kept until the next row. */
typedef struct
{
  GString *properties;
  GPtrArray *string_tags;
  GPtrArray *field_json;
  char *source_id;
} RowText;

static void
row_text_clear (RowText *t)
{
  g_string_free (t->properties, TRUE);
  g_ptr_array_unref (t->string_tags);
  g_ptr_array_unref (t->field_json);
  g_free (t->source_id);
}

static int
field_of_column (const char *column)
{
  for (int k = 0; k < CM_N_FIELDS; k++)
    if (strcmp (column, cm_field_name (k)) == 0)
      return k;
  return -1;
}

/* The current row of @s as @f (all but its geometry and index), its text in @t. */
static void
read_row (Source *s, RowText *t, CmGeoJsonFeature *f)
{
  sqlite3_stmt *stmt = s->rows;
  g_string_assign (t->properties, "{");
  g_ptr_array_set_size (t->string_tags, 0);
  g_ptr_array_set_size (t->field_json, 0);
  const char *at_id = NULL, *at_type = NULL;
  gint64 pk = 0;
  for (int c = 2; c < sqlite3_column_count (stmt); c++)
    {
      const char *col = sqlite3_column_name (stmt, c);
      int type = sqlite3_column_type (stmt, c);
      if (g_ascii_strcasecmp (col, s->geom_col) == 0 || type == SQLITE_BLOB)
        continue;
      if (c == 2 && type == SQLITE_INTEGER)
        pk = sqlite3_column_int64 (stmt, c); /* ogr2ogr's first column is the FID */
      const char *text = (const char *) sqlite3_column_text (stmt, c);
      GString *value = g_string_new (NULL);
      if (type == SQLITE_NULL)
        g_string_append (value, "null");
      else if (type == SQLITE_INTEGER || type == SQLITE_FLOAT)
        g_string_append (value, text);
      else
        {
          cm_json_append_string (value, text, strlen (text));
          g_ptr_array_add (t->string_tags, g_strdup (col));
          g_ptr_array_add (t->string_tags, g_strdup (text));
          if (strcmp (col, "@type") == 0)
            at_type = text;
        }
      if (strcmp (col, "@id") == 0 && type != SQLITE_NULL)
        at_id = text;
      /* columns named like our fields (a table QGIS or ogr2ogr wrote from a map) are fields */
      int field = field_of_column (col);
      if (field >= 0 && type != SQLITE_NULL)
        {
          f->field_json[field] = value->str;
          f->field_text[field] = text;
          g_ptr_array_add (t->field_json, g_string_free (value, FALSE));
          continue;
        }
      if (t->properties->len > 1)
        g_string_append_c (t->properties, ',');
      cm_json_append_string (t->properties, col, strlen (col));
      g_string_append_c (t->properties, ':');
      g_string_append_len (t->properties, value->str, value->len);
      g_string_free (value, TRUE);
    }
  g_string_append_c (t->properties, '}');
  if (f->field_json[CM_FIELD_NAME] && f->field_json[CM_FIELD_NAME][0] == '"')
    f->name = f->field_text[CM_FIELD_NAME];
  if (f->field_json[CM_FIELD_CATEGORY] && f->field_json[CM_FIELD_CATEGORY][0] == '"')
    f->category = f->field_text[CM_FIELD_CATEGORY];
  if (f->field_text[CM_FIELD_UUID] && g_uuid_string_is_valid (f->field_text[CM_FIELD_UUID]))
    f->uuid = f->field_text[CM_FIELD_UUID];

  g_free (t->source_id);
  t->source_id = at_id && at_type ? g_strdup_printf ("%s/%s", at_type, at_id)
                 : at_id          ? g_strdup (at_id)
                                  : g_strdup_printf ("%s/%" G_GINT64_FORMAT, s->table, pk);
  f->properties = t->properties->str;
  f->source_id = t->source_id;
  f->string_tags = t->string_tags;
}

/* The current row's geometry (NULL: none, or not one GEOS reads). */
static CmGeom *
read_geometry (Source *s, GEOSContextHandle_t geos, GEOSWKBReader *reader)
{
  if (sqlite3_column_type (s->rows, 0) != SQLITE_BLOB)
    return NULL;
  GEOSGeometry *g = GEOSWKBReader_read_r (geos, reader, sqlite3_column_blob (s->rows, 0),
                                          sqlite3_column_bytes (s->rows, 0));
  if (g == NULL)
    return NULL;
  CmGeom *geom = cm_geom_from_geos (geos, g);
  GEOSGeom_destroy_r (geos, g);
  return geom;
}

gboolean
_cm_import_sqlite_table (CmImport *imp, const char *path, const char *table,
                         CmProgressFunc progress, gpointer progress_data, GError **error)
{
  Source s;
  gboolean ok = source_open (&s, path, table, error);
  GEOSContextHandle_t geos = _cm_import_get_geos (imp);
  GEOSWKBReader *reader = GEOSWKBReader_create_r (geos);
  RowText text = { g_string_new (NULL), g_ptr_array_new_with_free_func (g_free),
                   g_ptr_array_new_with_free_func (g_free), NULL };
  guint index = 0;
  int rc = SQLITE_DONE;
  while (ok && (rc = sqlite3_step (s.rows)) == SQLITE_ROW)
    {
      CmGeoJsonFeature f = { 0 };
      read_row (&s, &text, &f);
      f.index = index++;
      f.geom = read_geometry (&s, geos, reader);
      ok = _cm_import_feature (imp, &f, error);
      cm_geom_free (f.geom);
      if (progress && index % 256 == 0)
        progress (index, sqlite3_column_int64 (s.rows, 1), progress_data);
      if (ok && index % 256 == 0 &&
          g_cancellable_set_error_if_cancelled (_cm_import_get_cancellable (imp), error))
        ok = FALSE;
    }
  if (ok && rc != SQLITE_DONE)
    {
      g_set_error (error, CM_IMPORT_ERROR, CM_IMPORT_ERROR_SOURCE,
                   _("could not read table “%s” of “%s”: %s"), table, s.display_name,
                   sqlite3_errmsg (s.db));
      ok = FALSE;
    }
  row_text_clear (&text);
  GEOSWKBReader_destroy_r (geos, reader);
  source_close (&s);
  return ok;
}

GPtrArray *
cm_import_list_tables (const char *path, gboolean *is_map, GError **error)
{
  g_autofree char *dn = g_filename_display_name (path);
  sqlite3 *db = NULL;
  *is_map = FALSE;
  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
    {
      g_set_error (error, CM_IMPORT_ERROR, CM_IMPORT_ERROR_SOURCE, _("could not open “%s”: %s"),
                   dn, sqlite3_errmsg (db));
      sqlite3_close_v2 (db);
      return NULL;
    }
  sqlite3_db_config (db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
  /* plain SQL on SpatiaLite's registry and ours: nothing of the file runs */
  sqlite3_stmt *stmt = NULL;
  if (sqlite3_prepare_v2 (db, "SELECT value FROM cm_meta WHERE key = 'application'", -1, &stmt,
                          NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    *is_map = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "community-map") == 0;
  sqlite3_finalize (stmt);
  GPtrArray *tables = g_ptr_array_new_with_free_func (g_free);
  if (sqlite3_prepare_v2 (db, "SELECT f_table_name FROM geometry_columns ORDER BY 1", -1, &stmt,
                          NULL) == SQLITE_OK)
    while (sqlite3_step (stmt) == SQLITE_ROW)
      g_ptr_array_add (tables, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_finalize (stmt);
  sqlite3_close_v2 (db);
  return tables;
}
