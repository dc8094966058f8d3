/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-schema.c: the tables of a community map, their creation and their migrations. */
#include "config.h"

#include "cm-schema.h"

#include <glib/gi18n-lib.h>

#include "cm-categories.h"
#include "cm-kinds.h"
#include "cm-layer.h"
#include "cm-store-private.h"

#include <json-glib/json-glib.h>

/* A random UUID (version 4) as a column default, so that rows other tools add (ogr2ogr, QGIS)
 * get one too. */
#define UUID_SQL                                                                               \
  "(lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' ||"                          \
  " substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) ||"     \
  " substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))))"
#define NOW_SQL "(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))"

/* Columns every feature table has (docs/architecture.md, "The map file"). */
#define FEATURE_COLUMNS                                                                        \
  "id INTEGER PRIMARY KEY,"                                                                    \
  " uuid TEXT NOT NULL UNIQUE DEFAULT " UUID_SQL ","                                           \
  " source_id TEXT,"                                                                           \
  " category TEXT NOT NULL DEFAULT 'other',"                                                   \
  " name TEXT,"                                                                                \
  " description TEXT,"                                                                         \
  " tags TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(tags)),"                                 \
  " contributor_uuid TEXT,"                                                                    \
  " workshop_uuid TEXT,"                                                                       \
  " created_at TEXT NOT NULL DEFAULT " NOW_SQL ","                                             \
  " updated_at TEXT NOT NULL DEFAULT " NOW_SQL ","                                             \
  " deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))"

#define RECORD_COLUMNS                                                                         \
  "id INTEGER PRIMARY KEY,"                                                                    \
  " uuid TEXT NOT NULL UNIQUE DEFAULT " UUID_SQL ","                                           \
  " tags TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(tags)),"                                 \
  " created_at TEXT NOT NULL DEFAULT " NOW_SQL ","                                             \
  " updated_at TEXT NOT NULL DEFAULT " NOW_SQL ","                                             \
  " deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))"

/* Photos of features, inside the map file (schema version 2). */
#define PHOTOS_SQL                                                                             \
  "CREATE TABLE photos (" RECORD_COLUMNS ", feature_uuid TEXT NOT NULL,"                       \
  " mime TEXT NOT NULL CHECK (mime IN ('image/jpeg', 'image/png')),"                           \
  " width INTEGER NOT NULL, height INTEGER NOT NULL, data BLOB NOT NULL);"                      \
  "CREATE INDEX photos_feature ON photos (feature_uuid);"

/* The timeline of residents' reports (schema version 5, issue #18): each follow-up a row that
 * is never rewritten or removed — only undo withdraws one, as a tombstone (`deleted`); what a
 * report's status and count of residents are follows from its live entries (cm-reports.c). */
#define REPORT_FOLLOWUPS_SQL                                                                   \
  "CREATE TABLE report_followups (" RECORD_COLUMNS ", report_uuid TEXT NOT NULL,"             \
  " at TEXT NOT NULL, who TEXT, what TEXT,"                                                    \
  " kind TEXT NOT NULL DEFAULT 'followup' CHECK (kind IN ('followup', 'raised')),"             \
  " status TEXT CHECK (status IS NULL OR status IN ('reported', 'acknowledged', 'in_hand',"    \
  " 'resolved', 'closed', 'reopened')), status_before TEXT);"                                  \
  "CREATE INDEX report_followups_report ON report_followups (report_uuid);"                    \
  "CREATE TRIGGER report_followups_append_only BEFORE UPDATE OF report_uuid, at, who, what,"   \
  " kind, status, status_before ON report_followups WHEN OLD.report_uuid IS NOT"               \
  " NEW.report_uuid OR OLD.at IS NOT NEW.at OR OLD.who IS NOT NEW.who OR OLD.what IS NOT"      \
  " NEW.what OR OLD.kind IS NOT NEW.kind OR OLD.status IS NOT NEW.status OR"                   \
  " OLD.status_before IS NOT NEW.status_before BEGIN"                                         \
  " SELECT RAISE (ABORT, 'a follow-up of a report is never rewritten: add another'); END;"     \
  "CREATE TRIGGER report_followups_kept BEFORE DELETE ON report_followups BEGIN"               \
  " SELECT RAISE (ABORT, 'a follow-up of a report is never removed: undo withdraws it'); END;"

static gboolean
exec (sqlite3 *db, const char *sql, GError **error)
{
  char *msg = NULL;
  if (sqlite3_exec (db, sql, NULL, NULL, &msg) == SQLITE_OK)
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("could not create the map's tables: %s"),
               msg ? msg : sqlite3_errmsg (db));
  sqlite3_free (msg);
  return FALSE;
}

static gboolean
insert_categories (sqlite3 *db, GError **error)
{
  CmCategories *set = cm_categories_get_default ();
  sqlite3_stmt *stmt = NULL;
  gboolean ok = TRUE;

  sqlite3_prepare_v2 (db,
                      "INSERT INTO categories (key, label_zh, label_en, geometry, icon, color,"
                      " osm, sort_order) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                      -1, &stmt, NULL);
  for (guint i = 0; ok && i < cm_categories_get_n (set); i++)
    {
      const CmCategory *c = cm_categories_get (set, i);
      g_autofree char *geometry = g_strjoinv (",", c->geometry);
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_array (b);
      for (char **t = c->osm; *t; t++)
        json_builder_add_string_value (b, *t);
      json_builder_end_array (b);
      g_autoptr (JsonNode) node = json_builder_get_root (b);
      g_autofree char *osm = json_to_string (node, FALSE);

      sqlite3_bind_text (stmt, 1, c->key, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, c->label_zh, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, c->label_en, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, geometry, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 5, c->icon, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 6, c->color, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 7, osm, -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, 8, (int) i);
      ok = sqlite3_step (stmt) == SQLITE_DONE;
      sqlite3_reset (stmt);
    }
  if (!ok)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("could not store the categories: %s"),
                 sqlite3_errmsg (db));
  sqlite3_finalize (stmt);
  return ok;
}

/* The SQL that creates @layer's table with every column it has now, its geometry, its spatial
 * index and its indexes. */
static void
append_layer_table (GString *sql, CmLayer layer)
{
  const CmLayerInfo *info = cm_layer_get_info (layer);
  /* FEATURE_COLUMNS holds strftime's % signs: append it outside the printf format */
  g_string_append_printf (sql, "CREATE TABLE %s (", info->table);
  g_string_append (sql, FEATURE_COLUMNS);
  for (guint f = 0; f < info->n_fields; f++)
    {
      g_autofree char *type = cm_layer_field_sql (&info->fields[f]);
      g_string_append_printf (sql, ", %s %s", info->fields[f].name, type);
    }
  g_string_append_printf (sql,
                          ");"
                          "SELECT AddGeometryColumn('%s', 'geom', 4326, '%s', 'XY');"
                          "SELECT CreateSpatialIndex('%s', 'geom');"
                          "CREATE INDEX %s_source_id ON %s (source_id)"
                          " WHERE source_id IS NOT NULL;"
                          "CREATE INDEX %s_category ON %s (category);",
                          info->table, info->spatialite_type, info->table, info->table,
                          info->table, info->table, info->table);
}

gboolean
_cm_schema_create (sqlite3 *db, const char *name, GError **error)
{
  /* Metadata with only the SRIDs we use keeps an empty map small (~0.25 MB, not 7 MB). */
  if (!exec (db, "SELECT InitSpatialMetadata(1, 'NONE'); SELECT InsertEpsgSrid(4326);", error))
    return FALSE;

  if (!exec (db, "BEGIN", error))
    return FALSE;

  GString *sql = g_string_new (NULL);
  g_string_append (sql,
                   "CREATE TABLE cm_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
                   "CREATE TABLE categories (key TEXT PRIMARY KEY, label_zh TEXT NOT NULL,"
                   " label_en TEXT NOT NULL, geometry TEXT NOT NULL, icon TEXT, color TEXT,"
                   " osm TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(osm)),"
                   " sort_order INTEGER NOT NULL DEFAULT 0);"
                   "CREATE TABLE workshops (" RECORD_COLUMNS ", name TEXT NOT NULL,"
                   " date TEXT, place TEXT);"
                   "CREATE TABLE contributors (" RECORD_COLUMNS ", name TEXT NOT NULL,"
                   " workshop_uuid TEXT);" PHOTOS_SQL REPORT_FOLLOWUPS_SQL);
  for (int i = 0; i < CM_N_LAYERS; i++)
    append_layer_table (sql, i);
  gboolean ok = exec (db, sql->str, error);
  g_string_free (sql, TRUE);

  if (ok)
    {
      sqlite3_stmt *stmt = NULL;
      g_autofree char *now = _cm_now_utc ();
      sqlite3_prepare_v2 (db,
                          "INSERT INTO cm_meta (key, value) VALUES ('application', "
                          "'community-map'), ('schema_version', ?1), ('name', ?2), "
                          "('created_at', ?3)",
                          -1, &stmt, NULL);
      sqlite3_bind_int (stmt, 1, CM_SCHEMA_VERSION);
      sqlite3_bind_text (stmt, 2, name ? name : "", -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, now, -1, SQLITE_STATIC);
      ok = sqlite3_step (stmt) == SQLITE_DONE;
      if (!ok)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("could not write the map's name: %s"),
                     sqlite3_errmsg (db));
      sqlite3_finalize (stmt);
    }
  ok = ok && insert_categories (db, error) && _cm_kinds_create (db, error) &&
       _cm_versions_create (db, FALSE, error);
  ok = ok && exec (db, "COMMIT", error);
  if (!ok)
    sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
  return ok;
}

/* Each migration takes a map from version N to N + 1 inside the caller's transaction
 * (migrations[N]); a new schema version adds its step here and bumps CM_SCHEMA_VERSION. */
typedef gboolean (*MigrationFunc) (sqlite3 *db, GError **error);

/* 1 → 2: photos inside the map */
static gboolean
add_photos (sqlite3 *db, GError **error)
{
  return exec (db, PHOTOS_SQL, error);
}

/* 2 → 3: the planner's layers (issue #13): the layers' new fields, the compounds layer, the
 * kinds of stations, teams and compounds. Maps of version 2 had no station kinds: a station
 * keeps no kind until a planner gives it one. */
static gboolean
add_planner_fields (sqlite3 *db, GError **error)
{
  GString *sql = g_string_new (NULL);
  for (int i = 0; i < CM_N_LAYERS; i++)
    {
      const CmLayerInfo *info = cm_layer_get_info (i);
      if (info->since == 3)
        {
          append_layer_table (sql, i);
          continue;
        }
      for (guint f = 0; f < info->n_fields; f++)
        {
          if (info->fields[f].since != 3)
            continue;
          g_autofree char *type = cm_layer_field_sql (&info->fields[f]);
          g_string_append_printf (sql, "ALTER TABLE %s ADD COLUMN %s %s;", info->table,
                                  info->fields[f].name, type);
        }
    }
  gboolean ok = exec (db, sql->str, error) && _cm_kinds_create (db, error);
  g_string_free (sql, TRUE);
  return ok;
}

/* 3 → 4: versions for merging copies (issue #14, docs/merge.md): every row there is gets the
 * origin's version, the same in every copy of the map */
static gboolean
add_versions (sqlite3 *db, GError **error)
{
  return _cm_versions_create (db, TRUE, error);
}

/* 4 → 5: residents' reports (issue #18): the reports layer and its timeline, versioned */
static gboolean
add_reports (sqlite3 *db, GError **error)
{
  GString *sql = g_string_new (REPORT_FOLLOWUPS_SQL);
  append_layer_table (sql, CM_LAYER_REPORTS);
  gboolean ok = exec (db, sql->str, error) && _cm_versions_add_table (db, "reports", error) &&
                _cm_versions_add_table (db, "report_followups", error);
  g_string_free (sql, TRUE);
  return ok;
}

static const MigrationFunc migrations[CM_SCHEMA_VERSION] = { [1] = add_photos,
                                                             [2] = add_planner_fields,
                                                             [3] = add_versions,
                                                             [4] = add_reports };

gboolean
_cm_schema_migrate (sqlite3 *db, int from_version, GError **error)
{
  if (from_version >= CM_SCHEMA_VERSION)
    return TRUE;
  if (!exec (db, "BEGIN IMMEDIATE", error))
    return FALSE;
  for (int v = from_version; v < CM_SCHEMA_VERSION; v++)
    {
      if (migrations[v] != NULL && !migrations[v] (db, error))
        {
          sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
          return FALSE;
        }
    }
  g_autofree char *sql = g_strdup_printf (
      "UPDATE cm_meta SET value = '%d' WHERE key = 'schema_version'", CM_SCHEMA_VERSION);
  if (!exec (db, sql, error) || !exec (db, "COMMIT", error))
    {
      sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }
  return TRUE;
}
