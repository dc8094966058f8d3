/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-bulk-layer.c: many rows written to a layer in one transaction (an import, a pull's new
 * features), at the speed of the rows alone.
 *
 * SpatiaLite's triggers on a geometry table check each row's geometry type, stamp
 * geometry_columns_time and re-prepare an R*Tree insert for every row: most of the time of a
 * bulk write. Inside the caller's transaction they are dropped, the R*Tree is kept up to date by
 * the writer (whose BLOBs are built with the column's type and SRID) — packed in one go at the
 * end when the layer started empty — and they are created again before the COMMIT. A failed
 * write rolls all of it back, triggers included. Only SpatiaLite's own triggers (by their
 * names) are suspended, and ours that notes each new row for its version (docs/merge.md): the
 * rows added are noted at the end in one statement. Any other trigger stays and fires. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "cm-rtree.h"
#include "cm-store-private.h"

static const struct
{
  const char *before, *after; /* the trigger's name: before, the table, after */
} suspended_triggers[] = {
  { "ggi_", "_geom" }, { "ggu_", "_geom" }, { "gii_", "_geom" }, { "giu_", "_geom" },
  { "gid_", "_geom" }, { "tmi_", "_geom" }, { "tmu_", "_geom" }, { "tmd_", "_geom" },
  { "cm_versions_", "_insert" },
};

struct _CmBulkLayer
{
  CmStore *store;
  CmLayer layer;
  GPtrArray *triggers; /* CREATE TRIGGER statements to run again before COMMIT */
  gint64 last_id;      /* the layer's highest row id before */
  GArray *packed;      /* CmRtreeEntry: when the layer started empty, packed at the end */
  sqlite3_stmt *index_delete, *index_insert;
};

void
_cm_bulk_layer_free (CmBulkLayer *b)
{
  if (b == NULL)
    return;
  g_clear_pointer (&b->triggers, g_ptr_array_unref);
  g_clear_pointer (&b->packed, g_array_unref);
  sqlite3_finalize (b->index_delete);
  sqlite3_finalize (b->index_insert);
  g_free (b);
}

CmBulkLayer *
_cm_bulk_layer_begin (CmStore *store, CmLayer layer, GError **error)
{
  const char *table = cm_layer_to_string (layer);
  CmBulkLayer *b = g_new0 (CmBulkLayer, 1);
  b->store = store;
  b->layer = layer;
  b->triggers = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *last = g_strdup_printf ("SELECT coalesce(max(id), 0) FROM %s", table);
  sqlite3_stmt *max = _cm_store_prepare (store, last, error);
  if (max == NULL)
    {
      _cm_bulk_layer_free (b);
      return NULL;
    }
  b->last_id = sqlite3_step (max) == SQLITE_ROW ? sqlite3_column_int64 (max, 0) : 0;
  sqlite3_finalize (max);
  for (gsize i = 0; i < G_N_ELEMENTS (suspended_triggers); i++)
    {
      g_autofree char *name = g_strconcat (suspended_triggers[i].before, table,
                                           suspended_triggers[i].after, NULL);
      sqlite3_stmt *stmt = _cm_store_prepare (
          store, "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?1"
                 " AND tbl_name = ?2", error);
      if (stmt == NULL)
        {
          _cm_bulk_layer_free (b);
          return NULL;
        }
      sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, table, -1, SQLITE_STATIC);
      char *sql = NULL;
      if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_text (stmt, 0))
        sql = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      sqlite3_finalize (stmt);
      if (sql == NULL)
        continue;
      g_ptr_array_add (b->triggers, sql);
      g_autofree char *drop = g_strdup_printf ("DROP TRIGGER \"%s\"", name);
      if (!_cm_store_exec (store, drop, error))
        {
          _cm_bulk_layer_free (b);
          return NULL;
        }
    }
  /* a layer with no rows at all gets its spatial index packed in one go at the end */
  g_autofree char *index = g_strdup_printf ("idx_%s_geom", table);
  g_autofree char *any_rows = g_strdup_printf ("SELECT EXISTS (SELECT 1 FROM %s)", table);
  sqlite3_stmt *probe = _cm_store_prepare (store, any_rows, error);
  if (probe == NULL)
    {
      _cm_bulk_layer_free (b);
      return NULL;
    }
  gboolean has_rows = sqlite3_step (probe) == SQLITE_ROW && sqlite3_column_int (probe, 0);
  sqlite3_finalize (probe);
  if (!has_rows && _cm_rtree_is_empty (_cm_store_get_db (store), index, NULL))
    b->packed = g_array_new (FALSE, FALSE, sizeof (CmRtreeEntry));
  g_autofree char *index_delete = g_strdup_printf ("DELETE FROM idx_%s_geom WHERE pkid = ?1",
                                                   table);
  g_autofree char *index_insert = g_strdup_printf (
      "INSERT INTO idx_%s_geom (pkid, xmin, xmax, ymin, ymax) VALUES (?1, ?2, ?3, ?4, ?5)", table);
  if (!(b->index_delete = _cm_store_prepare (store, index_delete, error)) ||
      !(b->index_insert = _cm_store_prepare (store, index_insert, error)))
    {
      _cm_bulk_layer_free (b);
      return NULL;
    }
  return b;
}

gboolean
_cm_bulk_layer_started_empty (CmBulkLayer *b)
{
  return b->packed != NULL;
}

gboolean
_cm_bulk_layer_index (CmBulkLayer *b, gint64 id, const double bbox[4], gboolean replace,
                      GError **error)
{
  if (b->packed)
    {
      CmRtreeEntry e = { .id = id, .bbox = { bbox[0], bbox[1], bbox[2], bbox[3] } };
      g_array_append_val (b->packed, e);
      return TRUE;
    }
  if (replace)
    {
      sqlite3_bind_int64 (b->index_delete, 1, id);
      int rc = sqlite3_step (b->index_delete);
      sqlite3_reset (b->index_delete);
      if (rc != SQLITE_DONE)
        {
          _cm_store_set_sqlite_error (b->store, error, _("update the spatial index"));
          return FALSE;
        }
    }
  sqlite3_bind_int64 (b->index_insert, 1, id);
  sqlite3_bind_double (b->index_insert, 2, bbox[0]);
  sqlite3_bind_double (b->index_insert, 3, bbox[2]);
  sqlite3_bind_double (b->index_insert, 4, bbox[1]);
  sqlite3_bind_double (b->index_insert, 5, bbox[3]);
  int rc = sqlite3_step (b->index_insert);
  sqlite3_reset (b->index_insert);
  if (rc != SQLITE_DONE)
    {
      _cm_store_set_sqlite_error (b->store, error, _("update the spatial index"));
      return FALSE;
    }
  return TRUE;
}

/* Runs one stored CREATE TRIGGER statement again: exactly one statement, never a list, since
 * the text comes from the file. */
static gboolean
recreate_trigger (CmStore *store, const char *sql, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  const char *tail = NULL;
  if (sqlite3_prepare_v2 (_cm_store_get_db (store), sql, -1, &stmt, &tail) != SQLITE_OK)
    {
      _cm_store_set_sqlite_error (store, error, _("restore a trigger of the map"));
      return FALSE;
    }
  while (tail && g_ascii_isspace (*tail))
    tail++;
  gboolean ok = tail && *tail == '\0' && g_str_has_prefix (sqlite3_sql (stmt), "CREATE TRIGGER");
  if (!ok)
    g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_CORRUPT,
                 _("a trigger of this map is not what SpatiaLite or Community Map writes"));
  else if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      _cm_store_set_sqlite_error (store, error, _("restore a trigger of the map"));
      ok = FALSE;
    }
  sqlite3_finalize (stmt);
  return ok;
}

gboolean
_cm_bulk_layer_end (CmBulkLayer *b, GError **error)
{
  const char *table = cm_layer_to_string (b->layer);
  gboolean ok = TRUE;
  if (b->packed != NULL)
    {
      g_autofree char *index = g_strdup_printf ("idx_%s_geom", table);
      ok = _cm_rtree_bulk_load (_cm_store_get_db (b->store), index, b->packed, error);
    }
  for (guint t = 0; ok && t < b->triggers->len; t++)
    ok = recreate_trigger (b->store, g_ptr_array_index (b->triggers, t), error);
  /* what the suspended trigger would have noted, row by row: each new row as a whole */
  g_autofree char *noted = g_strdup_printf (
      "INSERT OR IGNORE INTO cm_pending SELECT '%s', uuid, '' FROM %s WHERE id > %" G_GINT64_FORMAT
      " ORDER BY uuid", /* in the order of cm_pending's key (through the uuid index): 0.9 → 0.2 s
                         * for a district's buildings */
      table, table, b->last_id);
  g_autofree char *stamp = g_strdup_printf (
      "UPDATE geometry_columns_time SET last_insert = strftime('%%Y-%%m-%%dT%%H:%%M:%%fZ',"
      " 'now'), last_update = strftime('%%Y-%%m-%%dT%%H:%%M:%%fZ', 'now')"
      " WHERE lower(f_table_name) = '%s'", table);
  ok = ok && _cm_store_exec (b->store, noted, error) && _cm_store_exec (b->store, stamp, error);
  _cm_bulk_layer_free (b);
  return ok;
}
