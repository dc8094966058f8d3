/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-workshops.c: workshops and contributors (the `workshops` and `contributors` tables). */
#include "config.h"

#include "cm-workshops.h"

#include <glib/gi18n-lib.h>

#include "cm-layer.h"
#include "cm-store-private.h"

void
cm_record_free (CmRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->uuid);
  g_free (record->name);
  g_free (record->date);
  g_free (record->place);
  g_free (record->workshop_uuid);
  g_free (record);
}

void
cm_summary_row_free (CmSummaryRow *row)
{
  if (row == NULL)
    return;
  g_free (row->contributor);
  g_free (row->category);
  g_free (row);
}

static char *
dup_column (sqlite3_stmt *stmt, int i)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, i));
}

/* Runs an INSERT whose ?1 is a fresh uuid and whose other parameters are @texts (NULL allowed).
 * Returns the uuid. One transaction. */
static char *
insert_record (CmStore *self, const char *sql, const char *const *texts, int n_texts,
               const char *doing, GError **error)
{
  sqlite3_stmt *stmt = _cm_store_prepare (self, sql, error);
  if (!stmt)
    return NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *now = _cm_now_utc ();
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, now, -1, SQLITE_STATIC);
  for (int i = 0; i < n_texts; i++)
    sqlite3_bind_text (stmt, 3 + i, texts[i], -1, SQLITE_STATIC);
  return _cm_store_step_alone (self, stmt, doing, error) ? g_steal_pointer (&uuid) : NULL;
}

static gboolean
check_name (const char *name, const char *message, GError **error)
{
  g_autofree char *stripped = g_strstrip (g_strdup (name ? name : ""));
  if (*stripped)
    return TRUE;
  g_set_error_literal (error, CM_STORE_ERROR, CM_STORE_ERROR_INVALID, message);
  return FALSE;
}

char *
cm_store_add_workshop (CmStore *self, const char *name, const char *date, const char *place,
                       GError **error)
{
  if (!check_name (name, _("the workshop needs a name"), error))
    return NULL;
  const char *texts[] = { name, date && *date ? date : NULL, place && *place ? place : NULL };
  return insert_record (self,
                        "INSERT INTO workshops (uuid, created_at, updated_at, name, date, place)"
                        " VALUES (?1, ?2, ?2, trim(?3), ?4, ?5)",
                        texts, 3, _("add the workshop"), error);
}

char *
cm_store_add_contributor (CmStore *self, const char *name, const char *workshop_uuid,
                          GError **error)
{
  if (!check_name (name, _("the contributor needs a name: type one, or choose an anonymous resident"), error))
    return NULL;
  const char *texts[] = { name, workshop_uuid };
  return insert_record (self,
                        "INSERT INTO contributors (uuid, created_at, updated_at, name,"
                        " workshop_uuid) VALUES (?1, ?2, ?2, trim(?3), ?4)",
                        texts, 2, _("add the contributor"), error);
}

char *
cm_store_add_anonymous_contributor (CmStore *self, const char *workshop_uuid, GError **error)
{
  sqlite3_stmt *stmt = _cm_store_prepare (
      self, "SELECT coalesce(max(json_extract(tags, '$.anonymous')), 0) + 1 FROM contributors",
      error);
  if (!stmt)
    return NULL;
  gint64 n = sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 1;
  sqlite3_finalize (stmt);
  g_autofree char *name = g_strdup_printf (_("anonymous resident %u"), (guint) n);
  g_autofree char *tags = g_strdup_printf ("{\"anonymous\": %" G_GINT64_FORMAT "}", n);
  const char *texts[] = { name, workshop_uuid, tags };
  return insert_record (self,
                        "INSERT INTO contributors (uuid, created_at, updated_at, name,"
                        " workshop_uuid, tags) VALUES (?1, ?2, ?2, ?3, ?4, ?5)",
                        texts, 3, _("add the contributor"), error);
}

static GPtrArray *
list_records (CmStore *self, const char *sql, const char *param, GError **error)
{
  sqlite3_stmt *stmt = _cm_store_prepare (self, sql, error);
  if (!stmt)
    return NULL;
  if (param)
    sqlite3_bind_text (stmt, 1, param, -1, SQLITE_STATIC);
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_record_free);
  int rc;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CmRecord *r = g_new0 (CmRecord, 1);
      r->uuid = dup_column (stmt, 0);
      r->name = dup_column (stmt, 1);
      r->date = dup_column (stmt, 2);
      r->place = dup_column (stmt, 3);
      r->workshop_uuid = dup_column (stmt, 4);
      g_ptr_array_add (records, r);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _cm_store_set_sqlite_error (self, error, _("read the workshops"));
      g_ptr_array_unref (records);
      return NULL;
    }
  return records;
}

#define WORKSHOP_SELECT "SELECT uuid, name, date, place, NULL FROM workshops WHERE deleted = 0"
#define CONTRIBUTOR_SELECT                                                                     \
  "SELECT uuid, name, NULL, NULL, workshop_uuid FROM contributors WHERE deleted = 0"

GPtrArray *
cm_store_list_workshops (CmStore *self, GError **error)
{
  return list_records (self, WORKSHOP_SELECT " ORDER BY coalesce(date, created_at) DESC, id DESC",
                       NULL, error);
}

GPtrArray *
cm_store_list_contributors (CmStore *self, const char *workshop_uuid, GError **error)
{
  return workshop_uuid
             ? list_records (self, CONTRIBUTOR_SELECT " AND workshop_uuid = ?1 ORDER BY name, id",
                             workshop_uuid, error)
             : list_records (self, CONTRIBUTOR_SELECT " ORDER BY name, id", NULL, error);
}

static CmRecord *
get_record (CmStore *self, const char *sql, const char *uuid, GError **error)
{
  if (uuid == NULL)
    return NULL;
  g_autoptr (GPtrArray) records = list_records (self, sql, uuid, error);
  if (records == NULL || records->len == 0)
    return NULL;
  return g_ptr_array_steal_index (records, 0);
}

CmRecord *
cm_store_get_workshop (CmStore *self, const char *uuid, GError **error)
{
  return get_record (self, WORKSHOP_SELECT " AND uuid = ?1", uuid, error);
}

CmRecord *
cm_store_get_contributor (CmStore *self, const char *uuid, GError **error)
{
  return get_record (self, CONTRIBUTOR_SELECT " AND uuid = ?1", uuid, error);
}

GPtrArray *
cm_store_workshop_summary (CmStore *self, const char *workshop_uuid, GError **error)
{
  GString *features = g_string_new (NULL);
  for (int i = 0; i < CM_N_LAYERS; i++)
    g_string_append_printf (features,
                            "%sSELECT contributor_uuid, category FROM %s"
                            " WHERE deleted = 0 AND workshop_uuid = ?1",
                            i ? " UNION ALL " : "", cm_layer_to_string (i));
  g_autofree char *sql = g_strdup_printf (
      "SELECT c.name, f.category, count(*) AS n FROM (%s) AS f"
      " LEFT JOIN contributors AS c ON c.uuid = f.contributor_uuid"
      " GROUP BY f.contributor_uuid, f.category ORDER BY n DESC, c.name, f.category",
      features->str);
  g_string_free (features, TRUE);
  sqlite3_stmt *stmt = _cm_store_prepare (self, sql, error);
  if (!stmt)
    return NULL;
  sqlite3_bind_text (stmt, 1, workshop_uuid, -1, SQLITE_STATIC);
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_summary_row_free);
  int rc;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CmSummaryRow *row = g_new0 (CmSummaryRow, 1);
      row->contributor = dup_column (stmt, 0);
      row->category = dup_column (stmt, 1);
      row->count = (guint) sqlite3_column_int (stmt, 2);
      g_ptr_array_add (rows, row);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _cm_store_set_sqlite_error (self, error, _("count the workshop's features"));
      g_ptr_array_unref (rows);
      return NULL;
    }
  return rows;
}
