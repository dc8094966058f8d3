/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-versions.c: the version every edit gets (docs/merge.md). */
#include "config.h"

#include "cm-versions.h"

#include <glib/gi18n-lib.h>

#include "cm-layer.h"
#include "cm-store-private.h"

/* Besides the layers: the tables whose rows are keyed by uuid too. */
static const char *const record_tables[] = { "photos", "workshops", "contributors",
                                              "report_followups" };

const char *const *
cm_versions_tables (void)
{
  static const char *tables[CM_N_LAYERS + G_N_ELEMENTS (record_tables) + 1];
  static gsize ready = 0;
  if (g_once_init_enter (&ready))
    {
      for (int i = 0; i < CM_N_LAYERS; i++)
        tables[i] = cm_layer_get_info (i)->table;
      for (gsize i = 0; i < G_N_ELEMENTS (record_tables); i++)
        tables[CM_N_LAYERS + i] = record_tables[i];
      g_once_init_leave (&ready, 1);
    }
  return tables;
}

/* The columns of a table that are not versioned: the row's own key and its timestamps. */
static gboolean
versioned_column (const char *column)
{
  return !g_str_equal (column, "id") && !g_str_equal (column, "uuid") &&
         !g_str_equal (column, "created_at") && !g_str_equal (column, "updated_at");
}

/* The triggers that note each write to @table in cm_pending: a new row as a whole (field ''),
 * a changed column by its name, a deleted row as its `deleted` field. Plain SQL on the file's
 * own tables, so that they work in every program that writes to it. */
static gboolean
create_triggers (sqlite3 *db, const char *table, GError **error)
{
  g_autofree char *pragma = g_strdup_printf ("PRAGMA table_info(%s)", table);
  sqlite3_stmt *stmt = NULL;
  if (sqlite3_prepare_v2 (db, pragma, -1, &stmt, NULL) != SQLITE_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("could not read the table %s: %s"),
                   table, sqlite3_errmsg (db));
      return FALSE;
    }
  GString *update = g_string_new (NULL);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *column = (const char *) sqlite3_column_text (stmt, 1);
      if (versioned_column (column))
        g_string_append_printf (update,
                                " INSERT OR IGNORE INTO cm_pending SELECT '%s', NEW.uuid, '%s'"
                                " WHERE OLD.\"%s\" IS NOT NEW.\"%s\";",
                                table, column, column, column);
    }
  sqlite3_finalize (stmt);
  g_autofree char *sql = g_strdup_printf (
      "CREATE TRIGGER cm_versions_%s_insert AFTER INSERT ON %s BEGIN"
      " INSERT OR IGNORE INTO cm_pending VALUES ('%s', NEW.uuid, ''); END;"
      "CREATE TRIGGER cm_versions_%s_update AFTER UPDATE ON %s BEGIN%s"
      /* another program gave a row another uuid: the old one is gone, the new one is new */
      " INSERT OR IGNORE INTO cm_pending SELECT '%s', OLD.uuid, 'deleted'"
      " WHERE OLD.uuid IS NOT NEW.uuid;"
      " INSERT OR IGNORE INTO cm_pending SELECT '%s', NEW.uuid, ''"
      " WHERE OLD.uuid IS NOT NEW.uuid; END;"
      "CREATE TRIGGER cm_versions_%s_delete AFTER DELETE ON %s BEGIN"
      " INSERT OR IGNORE INTO cm_pending VALUES ('%s', OLD.uuid, 'deleted'); END;",
      table, table, table, table, table, update->str, table, table, table, table, table);
  g_string_free (update, TRUE);
  char *message = NULL;
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("could not add the versions' triggers to %s: %s"), table, message);
      sqlite3_free (message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
table_exists (sqlite3 *db, const char *table)
{
  sqlite3_stmt *stmt = NULL;
  sqlite3_prepare_v2 (db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", -1,
                      &stmt, NULL);
  sqlite3_bind_text (stmt, 1, table, -1, SQLITE_STATIC);
  gboolean exists = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_finalize (stmt);
  return exists;
}

gboolean
_cm_versions_add_table (sqlite3 *db, const char *table, GError **error)
{
  return create_triggers (db, table, error);
}

gboolean
_cm_versions_create (sqlite3 *db, gboolean origin, GError **error)
{
  char *message = NULL;
  if (sqlite3_exec (db,
                    "CREATE TABLE cm_clock (site TEXT PRIMARY KEY, counter INTEGER NOT NULL)"
                    " WITHOUT ROWID;"
                    "CREATE TABLE cm_versions (layer TEXT NOT NULL, uuid TEXT NOT NULL,"
                    " field TEXT NOT NULL, site TEXT NOT NULL, counter INTEGER NOT NULL,"
                    " PRIMARY KEY (layer, uuid, field)) WITHOUT ROWID;"
                    "CREATE INDEX cm_versions_by_version ON cm_versions (site, counter);"
                    "CREATE TABLE cm_pending (layer TEXT NOT NULL, uuid TEXT NOT NULL,"
                    " field TEXT NOT NULL, PRIMARY KEY (layer, uuid, field)) WITHOUT ROWID;"
                    /* the other values a field has after a merge, each with its version */
                    "CREATE TABLE cm_conflicts (layer TEXT NOT NULL, uuid TEXT NOT NULL,"
                    " field TEXT NOT NULL, site TEXT NOT NULL, counter INTEGER NOT NULL, value,"
                    " PRIMARY KEY (layer, uuid, field, site, counter)) WITHOUT ROWID;",
                    NULL, NULL, &message) != SQLITE_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("could not add the versions' tables: %s"), message);
      sqlite3_free (message);
      return FALSE;
    }
  gboolean ok = TRUE;
  for (const char *const *t = cm_versions_tables (); ok && *t; t++)
    {
      const char *table = *t;
      /* a map migrated from before a table was added: its own migration adds its triggers */
      if (!table_exists (db, table))
        continue;
      ok = create_triggers (db, table, error);
      /* an older map's rows: all made by the origin, the same in every copy of it */
      g_autofree char *sql = g_strdup_printf (
          "INSERT INTO cm_versions SELECT '%s', uuid, '', '" CM_VERSIONS_ORIGIN "', 0 FROM %s",
          table, table);
      if (ok && origin && sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       _("could not give the rows of %s their versions: %s"), table, message);
          sqlite3_free (message);
          ok = FALSE;
        }
    }
  if (ok && origin &&
      sqlite3_exec (db, "INSERT INTO cm_clock VALUES ('" CM_VERSIONS_ORIGIN "', 0)", NULL, NULL,
                    &message) != SQLITE_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("could not start the map's clock: %s"),
                   message);
      sqlite3_free (message);
      ok = FALSE;
    }
  return ok;
}

static gboolean
any_pending (CmStore *store, gboolean *pending, GError **error)
{
  sqlite3_stmt *any = _cm_store_prepare (store, "SELECT EXISTS (SELECT 1 FROM cm_pending)", error);
  if (any == NULL)
    return FALSE;
  *pending = sqlite3_step (any) == SQLITE_ROW && sqlite3_column_int (any, 0);
  sqlite3_finalize (any);
  return TRUE;
}

/* Moves every pending field into cm_versions under the version (@site, @counter). */
static gboolean
stamp_with (CmStore *store, const char *site, gint64 counter, GError **error)
{
  g_autofree char *sql = g_strdup_printf (
      /* every change to a row is also a write of its `deleted` (as 0, or 1): a row deleted on
       * one copy and changed on another conflict there (docs/merge.md, rule 4) */
      "INSERT OR IGNORE INTO cm_pending SELECT DISTINCT layer, uuid, 'deleted' FROM cm_pending"
      " WHERE field NOT IN ('', 'deleted');"
      /* a row made anew (its uuid taken again by another program) starts with one version */
      "DELETE FROM cm_versions WHERE EXISTS (SELECT 1 FROM cm_pending p WHERE p.field = ''"
      " AND p.layer = cm_versions.layer AND p.uuid = cm_versions.uuid);"
      "INSERT OR REPLACE INTO cm_versions SELECT layer, uuid, field, '%s', %" G_GINT64_FORMAT
      " FROM cm_pending;"
      /* a write here has seen every value the field had: a conflict on it is over */
      "DELETE FROM cm_conflicts WHERE EXISTS (SELECT 1 FROM cm_pending p WHERE"
      " p.layer = cm_conflicts.layer AND p.uuid = cm_conflicts.uuid AND"
      " p.field IN (cm_conflicts.field, ''));"
      "DELETE FROM cm_pending;"
      "INSERT INTO cm_clock VALUES ('%s', %" G_GINT64_FORMAT ") ON CONFLICT (site) DO UPDATE"
      " SET counter = max (counter, excluded.counter);",
      site, counter, site, counter);
  if (!_cm_store_exec (store, sql, error))
    {
      g_prefix_error (error, _("could not give the edit its version: "));
      return FALSE;
    }
  return TRUE;
}

gboolean
_cm_versions_stamp (CmStore *store, GError **error)
{
  gboolean pending;
  if (!any_pending (store, &pending, error))
    return FALSE;
  if (!pending)
    return TRUE; /* nothing written: no version taken */
  const char *site;
  gint64 counter = _cm_store_next_version (store, &site);
  return stamp_with (store, site, counter, error);
}

gboolean
cm_versions_is_versioned_table (const char *table)
{
  for (const char *const *t = cm_versions_tables (); *t; t++)
    if (g_strcmp0 (*t, table) == 0)
      return TRUE;
  return FALSE;
}

static void
checksum_row (GChecksum *sum, sqlite3_stmt *stmt)
{
  for (int i = 0; i < sqlite3_column_count (stmt); i++)
    {
      int type = sqlite3_column_type (stmt, i);
      g_checksum_update (sum, (const guchar *) &type, sizeof type);
      const void *bytes = type == SQLITE_BLOB ? sqlite3_column_blob (stmt, i)
                                              : (const void *) sqlite3_column_text (stmt, i);
      int n = sqlite3_column_bytes (stmt, i);
      g_checksum_update (sum, (const guchar *) &n, sizeof n);
      if (bytes && n > 0)
        g_checksum_update (sum, bytes, n);
    }
}

/* The session id the edits of other programs are versioned under: made from what the map holds
 * (its clock, what is pending and those rows as they are), so that the same map gives the same
 * id wherever and whenever it is versioned — here, or in a copy a merge makes. */
static char *
outside_site (CmStore *store, GError **error)
{
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  const char *queries[] = { "SELECT site, counter FROM cm_clock ORDER BY site",
                            "SELECT layer, uuid, field FROM cm_pending ORDER BY layer, uuid, field" };
  for (int q = 0; q < 2; q++)
    {
      sqlite3_stmt *stmt = _cm_store_prepare (store, queries[q], error);
      if (stmt == NULL)
        return NULL;
      while (sqlite3_step (stmt) == SQLITE_ROW)
        checksum_row (sum, stmt);
      sqlite3_finalize (stmt);
    }
  sqlite3_stmt *rows = _cm_store_prepare (store,
                                          "SELECT DISTINCT layer, uuid FROM cm_pending"
                                          " ORDER BY layer, uuid",
                                          error);
  if (rows == NULL)
    return NULL;
  while (sqlite3_step (rows) == SQLITE_ROW)
    {
      const char *table = (const char *) sqlite3_column_text (rows, 0);
      if (!cm_versions_is_versioned_table (table))
        continue;
      g_autofree char *sql = g_strdup_printf ("SELECT * FROM %s WHERE uuid = ?1", table);
      sqlite3_stmt *row = _cm_store_prepare (store, sql, NULL);
      if (row == NULL)
        continue;
      sqlite3_bind_text (row, 1, (const char *) sqlite3_column_text (rows, 1), -1,
                         SQLITE_TRANSIENT);
      while (sqlite3_step (row) == SQLITE_ROW)
        checksum_row (sum, row);
      sqlite3_finalize (row);
    }
  sqlite3_finalize (rows);
  const char *hex = g_checksum_get_string (sum);
  return g_strdup_printf ("%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
}

gboolean
_cm_versions_stamp_outside (CmStore *store, GError **error)
{
  gboolean pending;
  if (!any_pending (store, &pending, error))
    return FALSE;
  if (!pending)
    return TRUE;
  g_autofree char *site = outside_site (store, error);
  return site != NULL && stamp_with (store, site, 1, error);
}

gboolean
cm_versions_stamp_outside_now (CmStore *store, GError **error)
{
  gint64 pending = cm_versions_count_pending (store, error);
  if (pending <= 0)
    return pending == 0; /* nothing to do: no transaction */
  if (!_cm_store_begin_write (store, error))
    return FALSE;
  if (_cm_versions_stamp_outside (store, error) && _cm_store_exec (store, "COMMIT", error))
    return TRUE;
  sqlite3_exec (_cm_store_get_db (store), "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

void
cm_version_clear (CmVersion *version)
{
  g_clear_pointer (&version->site, g_free);
  version->counter = 0;
}

GHashTable *
cm_versions_get_clock (CmStore *store, GError **error)
{
  sqlite3_stmt *stmt = _cm_store_prepare (store, "SELECT site, counter FROM cm_clock", error);
  if (stmt == NULL)
    return NULL;
  GHashTable *clock = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_hash_table_insert (clock, g_strdup ((const char *) sqlite3_column_text (stmt, 0)),
                         g_memdup2 (&(gint64) { sqlite3_column_int64 (stmt, 1) }, sizeof (gint64)));
  sqlite3_finalize (stmt);
  return clock;
}

gboolean
cm_versions_get (CmStore *store, const char *table, const char *uuid, const char *field,
                 CmVersion *version, GError **error)
{
  sqlite3_stmt *stmt = _cm_store_prepare (
      store,
      "SELECT site, counter FROM cm_versions WHERE layer = ?1 AND uuid = ?2 AND field IN (?3, '')"
      " ORDER BY field = '' LIMIT 1",
      error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, table, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, uuid, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, field, -1, SQLITE_TRANSIENT);
  gboolean found = sqlite3_step (stmt) == SQLITE_ROW;
  if (found)
    {
      version->site = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      version->counter = sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_finalize (stmt);
  return found;
}

gint64
cm_versions_count_pending (CmStore *store, GError **error)
{
  sqlite3_stmt *stmt = _cm_store_prepare (store, "SELECT count(*) FROM cm_pending", error);
  if (stmt == NULL)
    return -1;
  gint64 n = sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : -1;
  sqlite3_finalize (stmt);
  return n;
}

const char *
cm_versions_session (CmStore *store)
{
  return _cm_store_get_session (store);
}

/* ---- conflicts that undo and redo put back (docs/merge.md, "Undo") ---------------------------- */

typedef struct
{
  char *table, *uuid, *field, *hex; /* hex: the value's bytes in hex, to compare */
  sqlite3_value *value;
} ConflictRecord;

static void
conflict_record_free (gpointer data)
{
  ConflictRecord *r = data;
  g_free (r->table);
  g_free (r->uuid);
  g_free (r->field);
  g_free (r->hex);
  sqlite3_value_free (r->value);
  g_free (r);
}

GPtrArray *
_cm_versions_save_conflicts (CmStore *store, GPtrArray *features, GError **error)
{
  GPtrArray *records = g_ptr_array_new_with_free_func (conflict_record_free);
  sqlite3_stmt *any = _cm_store_prepare (store, "SELECT EXISTS (SELECT 1 FROM cm_conflicts)", error);
  if (any == NULL)
    {
      g_ptr_array_unref (records);
      return NULL;
    }
  gboolean some = sqlite3_step (any) == SQLITE_ROW && sqlite3_column_int (any, 0);
  sqlite3_finalize (any);
  if (!some)
    return records; /* the usual case: no conflicts in the map, nothing to read */
  sqlite3_stmt *stmt = _cm_store_prepare (store,
                                          "SELECT field, hex(value), value FROM cm_conflicts"
                                          " WHERE layer = ?1 AND uuid = ?2 ORDER BY field, 2",
                                          error);
  if (stmt == NULL)
    {
      g_ptr_array_unref (records);
      return NULL;
    }
  for (guint i = 0; i < features->len; i++)
    {
      CmFeature *f = features->pdata[i];
      if (f == NULL)
        continue;
      const char *table = cm_layer_get_info (cm_feature_get_layer (f))->table;
      sqlite3_reset (stmt);
      sqlite3_bind_text (stmt, 1, table, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, cm_feature_get_uuid (f), -1, SQLITE_STATIC);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          ConflictRecord *r = g_new0 (ConflictRecord, 1);
          r->table = g_strdup (table);
          r->uuid = g_strdup (cm_feature_get_uuid (f));
          r->field = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
          r->hex = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
          r->value = sqlite3_value_dup (sqlite3_column_value (stmt, 2));
          g_ptr_array_add (records, r);
        }
    }
  sqlite3_finalize (stmt);
  return records;
}

/* "table\tuuid\tfield" → the field's conflicting values (their hex, sorted, joined). */
static GHashTable *
value_sets (GPtrArray *records)
{
  GHashTable *sets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; i < records->len; i++)
    {
      ConflictRecord *r = records->pdata[i];
      char *key = g_strdup_printf ("%s\t%s\t%s", r->table, r->uuid, r->field);
      const char *was = g_hash_table_lookup (sets, key);
      g_hash_table_insert (sets, key, g_strconcat (was ? was : "", r->hex, ",", NULL));
    }
  return sets;
}

gboolean
_cm_versions_put_back_conflicts (CmStore *store, GPtrArray *features, GPtrArray *records,
                                 GError **error)
{
  g_autoptr (GPtrArray) now = _cm_versions_save_conflicts (store, features, error);
  if (now == NULL)
    return FALSE;
  if (now->len == 0 && records->len == 0)
    return TRUE;
  g_autoptr (GHashTable) want = value_sets (records), have = value_sets (now);
  /* a field whose conflicts are not what they were is written again: its conflicts end with
   * the version it takes, and the ones wanted come back, with a version of this session just
   * below it (so the live value stays the greater everywhere the copy goes) */
  g_autoptr (GHashTable) fields = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter it;
  gpointer key, values;
  for (int side = 0; side < 2; side++)
    {
      g_hash_table_iter_init (&it, side ? have : want);
      while (g_hash_table_iter_next (&it, &key, &values))
        if (g_strcmp0 (values, g_hash_table_lookup (side ? want : have, key)) != 0)
          g_hash_table_add (fields, key);
    }
  sqlite3_stmt *mark = _cm_store_prepare (store, "INSERT OR IGNORE INTO cm_pending VALUES"
                                                 " (?1, ?2, ?3)", error);
  gboolean ok = mark != NULL;
  g_hash_table_iter_init (&it, fields);
  while (ok && g_hash_table_iter_next (&it, &key, NULL))
    {
      g_auto (GStrv) part = g_strsplit (key, "\t", 3);
      sqlite3_reset (mark);
      for (int i = 0; i < 3; i++)
        sqlite3_bind_text (mark, i + 1, part[i], -1, SQLITE_TRANSIENT);
      ok = sqlite3_step (mark) == SQLITE_DONE;
      if (!ok)
        _cm_store_set_sqlite_error (store, error, _("restore the conflicts"));
    }
  if (mark)
    sqlite3_finalize (mark);
  /* a counter for each value put back (two values of one field need two versions), all below
   * the stamp's */
  const char *site = NULL;
  gint64 below = 0;
  for (guint i = 0; i < records->len; i++)
    below = _cm_store_next_version (store, &site) - (gint64) i;
  ok = ok && _cm_versions_stamp (store, error);
  /* after the stamp (which ended the conflicts of every field written): the ones wanted */
  g_autoptr (GPtrArray) stamped = ok ? _cm_versions_save_conflicts (store, features, error) : NULL;
  ok = stamped != NULL;
  g_autoptr (GHashTable) after = ok ? value_sets (stamped) : NULL;
  sqlite3_stmt *put = ok ? _cm_store_prepare (store, "INSERT INTO cm_conflicts VALUES"
                                                     " (?1, ?2, ?3, ?4, ?5, ?6)", error)
                         : NULL;
  ok = put != NULL;
  for (guint i = 0; ok && i < records->len; i++)
    {
      ConflictRecord *r = records->pdata[i];
      g_autofree char *k = g_strdup_printf ("%s\t%s\t%s", r->table, r->uuid, r->field);
      if (g_strcmp0 (g_hash_table_lookup (after, k), g_hash_table_lookup (want, k)) == 0)
        continue; /* kept as they were */
      sqlite3_reset (put);
      sqlite3_bind_text (put, 1, r->table, -1, SQLITE_STATIC);
      sqlite3_bind_text (put, 2, r->uuid, -1, SQLITE_STATIC);
      sqlite3_bind_text (put, 3, r->field, -1, SQLITE_STATIC);
      sqlite3_bind_text (put, 4, site, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (put, 5, below + i);
      sqlite3_bind_value (put, 6, r->value);
      ok = sqlite3_step (put) == SQLITE_DONE;
      if (!ok)
        _cm_store_set_sqlite_error (store, error, _("restore the conflicts"));
    }
  if (put)
    sqlite3_finalize (put);
  return ok;
}
