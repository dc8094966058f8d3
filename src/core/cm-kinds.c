/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-kinds.c: the kinds of stations, teams and compounds (the `kinds` table). */
#include "config.h"

#include "cm-kinds.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "cm-i18n.h"
#include "cm-store-private.h"

/* The common kinds every map starts with. Stations' radii follow GB 50180-2018's 5-minute
 * circle (社区服务站, 日间照料: 300 m) and its 15-minute one for a street's centre (1,000 m);
 * docs/analysis.md has the sources. The team keys are those maps already use. */
static const struct
{
  CmLayer layer;
  const char *key, *zh, *en;
  double radius;
  const char *category;
} defaults[] = {
  { CM_LAYER_STATIONS, "community_service_station", "社区服务站", "Community service station",
    300, "community_service_station" },
  { CM_LAYER_STATIONS, "heart_link_station", "连心工作站", "Heart-link station", 300,
    "community_service_station" },
  { CM_LAYER_STATIONS, "party_service_centre", "党群服务中心", "Party and public service centre",
    1000, "community_service_station" },
  { CM_LAYER_STATIONS, "volunteer_station", "志愿服务站", "Volunteer station", 300,
    "volunteer_station" },
  { CM_LAYER_STATIONS, "day_care_station", "日间照料站", "Day-care station", 300,
    "elderly_day_care" },
  { CM_LAYER_STATIONS, "other", "其他", "Other", 500, "community_service_station" },
  { CM_LAYER_TEAMS, "self_governance", "自治服务队", "Self-governance team", NAN, NULL },
  { CM_LAYER_TEAMS, "specialty", "特色服务队", "Specialty service team", NAN, NULL },
  { CM_LAYER_TEAMS, "culture_sports", "文体服务队", "Culture and sports team", NAN, NULL },
  { CM_LAYER_COMPOUNDS, "compound", "小区", "Compound", NAN, NULL },
  { CM_LAYER_COMPOUNDS, "grid", "网格", "Grid cell", NAN, NULL },
};

gboolean
_cm_kinds_create (sqlite3 *db, GError **error)
{
  char *msg = NULL;
  if (sqlite3_exec (db,
                    "CREATE TABLE kinds (layer TEXT NOT NULL, key TEXT NOT NULL,"
                    " label_zh TEXT NOT NULL, label_en TEXT NOT NULL,"
                    " service_radius_m REAL CHECK (service_radius_m IS NULL OR"
                    " service_radius_m >= 0), category TEXT,"
                    " sort_order INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (layer, key))",
                    NULL, NULL, &msg) != SQLITE_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("could not create the map's tables: %s"),
                   msg);
      sqlite3_free (msg);
      return FALSE;
    }
  sqlite3_stmt *stmt = NULL;
  sqlite3_prepare_v2 (db,
                      "INSERT INTO kinds (layer, key, label_zh, label_en, service_radius_m,"
                      " category, sort_order) VALUES (?, ?, ?, ?, ?, ?, ?)",
                      -1, &stmt, NULL);
  gboolean ok = TRUE;
  for (gsize i = 0; ok && i < G_N_ELEMENTS (defaults); i++)
    {
      sqlite3_bind_text (stmt, 1, cm_layer_to_string (defaults[i].layer), -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, defaults[i].key, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, defaults[i].zh, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, defaults[i].en, -1, SQLITE_STATIC);
      if (isnan (defaults[i].radius))
        sqlite3_bind_null (stmt, 5);
      else
        sqlite3_bind_double (stmt, 5, defaults[i].radius);
      sqlite3_bind_text (stmt, 6, defaults[i].category, -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, 7, (int) i);
      ok = sqlite3_step (stmt) == SQLITE_DONE;
      sqlite3_reset (stmt);
    }
  if (!ok)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("could not store the kinds: %s"),
                 sqlite3_errmsg (db));
  sqlite3_finalize (stmt);
  return ok;
}

void
cm_kind_free (CmKind *kind)
{
  if (kind == NULL)
    return;
  g_free (kind->key);
  g_free (kind->label_zh);
  g_free (kind->label_en);
  g_free (kind->category);
  g_free (kind);
}

const char *
cm_kind_label (const CmKind *kind)
{
  return cm_i18n_pick (kind->label_zh, kind->label_en);
}

#define SELECT_KIND                                                                            \
  "SELECT key, label_zh, label_en, service_radius_m, category FROM kinds WHERE layer = ?1"

static CmKind *
kind_from_row (CmLayer layer, sqlite3_stmt *stmt)
{
  CmKind *k = g_new0 (CmKind, 1);
  k->layer = layer;
  k->key = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  k->label_zh = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  k->label_en = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  k->service_radius_m = sqlite3_column_type (stmt, 3) == SQLITE_NULL
                            ? NAN
                            : sqlite3_column_double (stmt, 3);
  k->category = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
  return k;
}

GPtrArray *
cm_store_list_kinds (CmStore *store, CmLayer layer, GError **error)
{
  sqlite3_stmt *stmt = _cm_store_prepare (store, SELECT_KIND " ORDER BY sort_order, key", error);
  if (!stmt)
    return NULL;
  sqlite3_bind_text (stmt, 1, cm_layer_to_string (layer), -1, SQLITE_STATIC);
  GPtrArray *kinds = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_kind_free);
  int rc;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (kinds, kind_from_row (layer, stmt));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _cm_store_set_sqlite_error (store, error, _("read the kinds"));
      g_ptr_array_unref (kinds);
      return NULL;
    }
  return kinds;
}

CmKind *
cm_store_get_kind (CmStore *store, CmLayer layer, const char *key, GError **error)
{
  sqlite3_stmt *stmt = _cm_store_prepare (store, SELECT_KIND " AND key = ?2", error);
  if (!stmt)
    return NULL;
  sqlite3_bind_text (stmt, 1, cm_layer_to_string (layer), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, key, -1, SQLITE_STATIC);
  CmKind *k = sqlite3_step (stmt) == SQLITE_ROW ? kind_from_row (layer, stmt) : NULL;
  sqlite3_finalize (stmt);
  return k;
}

char *
cm_store_add_kind (CmStore *store, CmLayer layer, const char *label, double service_radius_m,
                   GError **error)
{
  g_autofree char *name = g_strstrip (g_strdup (label ? label : ""));
  if (*name == '\0')
    {
      g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_INVALID, _("a kind needs a name"));
      return NULL;
    }
  /* the same name again is the same kind */
  sqlite3_stmt *find = _cm_store_prepare (
      store, "SELECT key FROM kinds WHERE layer = ?1 AND (label_zh = ?2 OR label_en = ?2 OR key = ?2)",
      error);
  if (!find)
    return NULL;
  sqlite3_bind_text (find, 1, cm_layer_to_string (layer), -1, SQLITE_STATIC);
  sqlite3_bind_text (find, 2, name, -1, SQLITE_STATIC);
  char *key = sqlite3_step (find) == SQLITE_ROW
                  ? g_strdup ((const char *) sqlite3_column_text (find, 0))
                  : NULL;
  sqlite3_finalize (find);
  if (key)
    return key;
  /* a key of its own that another copy of the map cannot have chosen for another kind: the
   * label itself (a merge then meets the same name as the same kind) */
  sqlite3_stmt *stmt = _cm_store_prepare (
      store,
      "INSERT INTO kinds (layer, key, label_zh, label_en, service_radius_m, category, sort_order)"
      " VALUES (?1, ?2, ?2, ?2, ?3, (SELECT category FROM kinds WHERE layer = ?1 AND"
      " key = 'other'), (SELECT coalesce(max(sort_order), 0) + 1 FROM kinds WHERE layer = ?1))",
      error);
  if (!stmt)
    return NULL;
  sqlite3_bind_text (stmt, 1, cm_layer_to_string (layer), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, name, -1, SQLITE_STATIC);
  if (isnan (service_radius_m))
    sqlite3_bind_null (stmt, 3);
  else
    sqlite3_bind_double (stmt, 3, service_radius_m);
  gboolean ok = sqlite3_step (stmt) == SQLITE_DONE;
  if (!ok)
    _cm_store_set_sqlite_error (store, error, _("add the kind"));
  sqlite3_finalize (stmt);
  return ok ? g_steal_pointer (&name) : NULL;
}

gboolean
_cm_kinds_adopt (CmStore *store, GError **error)
{
  for (int l = 0; l < CM_N_LAYERS; l++)
    {
      if (cm_layer_find_field (l, "kind") == NULL)
        continue;
      const char *t = cm_layer_to_string (l);
      g_autofree char *sql = g_strdup_printf (
          "INSERT OR IGNORE INTO kinds (layer, key, label_zh, label_en, sort_order)"
          " SELECT '%s', kind, kind, kind, (SELECT coalesce(max(sort_order), 0) + 1 FROM kinds)"
          " FROM %s WHERE kind IS NOT NULL AND kind <> '' AND deleted = 0 GROUP BY kind",
          t, t);
      if (!_cm_store_exec (store, sql, error))
        return FALSE;
    }
  return TRUE;
}
