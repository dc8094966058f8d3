/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-reports.c: residents' reports, their timelines, duplicates, routing and the agenda. */
#include "config.h"

#include "cm-reports.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cm-compounds.h"
#include "cm-coverage.h"
#include "cm-geodesic.h"
#include "cm-geom.h"
#include "cm-i18n.h"
#include "cm-json-writer.h"
#include "cm-store-private.h"

/* ---- statuses ---------------------------------------------------------------------------- */

/* The statuses are the choices of the layer's `status` field (cm-layer.c), in the enum's order. */
static const CmChoice *
status_choice (CmReportStatus status)
{
  if (status < 0 || status >= CM_N_REPORT_STATUSES)
    return NULL;
  return &cm_layer_find_field (CM_LAYER_REPORTS, "status")->choices[status];
}

const char *
cm_report_status_to_string (CmReportStatus status)
{
  const CmChoice *c = status_choice (status);
  return c ? c->key : NULL;
}

CmReportStatus
cm_report_status_from_string (const char *key)
{
  if (key == NULL || *key == '\0')
    return CM_REPORT_REPORTED;
  for (int i = 0; i < CM_N_REPORT_STATUSES; i++)
    if (strcmp (status_choice (i)->key, key) == 0)
      return (CmReportStatus) i;
  return CM_REPORT_NO_STATUS;
}

const char *
cm_report_status_label (CmReportStatus status)
{
  const CmChoice *c = status_choice (status);
  return c ? g_dgettext (GETTEXT_PACKAGE, c->label) : "";
}

const char *
cm_report_status_label_zh (CmReportStatus status)
{
  const CmChoice *c = status_choice (status);
  return c ? c->label_zh : "";
}

gboolean
cm_report_status_is_open (CmReportStatus status)
{
  return status == CM_REPORT_REPORTED || status == CM_REPORT_ACKNOWLEDGED ||
         status == CM_REPORT_IN_HAND || status == CM_REPORT_REOPENED;
}

gboolean
cm_report_status_can_change (CmReportStatus from, CmReportStatus to)
{
  if (from < 0 || from >= CM_N_REPORT_STATUSES || to < 0 || to >= CM_N_REPORT_STATUSES ||
      from == to)
    return FALSE;
  switch (to)
    {
    case CM_REPORT_REPORTED: /* where every report starts; never again */
      return FALSE;
    case CM_REPORT_ACKNOWLEDGED:
      return from == CM_REPORT_REPORTED || from == CM_REPORT_REOPENED;
    case CM_REPORT_IN_HAND:
      return cm_report_status_is_open (from);
    case CM_REPORT_RESOLVED:
      return cm_report_status_is_open (from);
    case CM_REPORT_CLOSED:
      return from != CM_REPORT_CLOSED;
    case CM_REPORT_REOPENED:
      return from == CM_REPORT_RESOLVED || from == CM_REPORT_CLOSED;
    default:
      return FALSE;
    }
}

CmReportStatus
cm_report_get_status (CmFeature *report)
{
  GVariant *v = cm_feature_get_field (report, "status");
  return cm_report_status_from_string (v ? g_variant_get_string (v, NULL) : NULL);
}

/* "acknowledged, in hand, resolved or closed" for a refusal */
static char *
allowed_from (CmReportStatus from)
{
  GPtrArray *names = g_ptr_array_new ();
  for (int to = 0; to < CM_N_REPORT_STATUSES; to++)
    if (cm_report_status_can_change (from, to))
      g_ptr_array_add (names, (gpointer) cm_report_status_label (to));
  GString *text = g_string_new (NULL);
  for (guint i = 0; i < names->len; i++)
    g_string_append_printf (text, "%s%s", i == 0 ? "" : i + 1 == names->len ? _(" or ") : _(", "),
                            (const char *) names->pdata[i]);
  g_ptr_array_free (names, TRUE);
  return g_string_free (text, FALSE);
}

/* ---- records ----------------------------------------------------------------------------- */

void
cm_followup_free (CmFollowup *f)
{
  if (f == NULL)
    return;
  g_free (f->uuid);
  g_free (f->report_uuid);
  g_free (f->at);
  g_free (f->who);
  g_free (f->what);
  g_free (f->created_at);
  g_free (f);
}

const char *const cm_report_problem_categories[] = { "broken_street_light", "unsafe_spot",
                                                    "locked_gate", NULL };

void
cm_report_info_free (CmReportInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->uuid);
  g_free (info->category);
  g_free (info->name);
  g_free (info->description);
  g_free (info->reported_at);
  g_free (info->responsible_uuid);
  g_free (info->compound);
  g_free (info);
}

void
cm_agenda_item_free (CmAgendaItem *item)
{
  if (item == NULL)
    return;
  g_free (item->category);
  g_free (item->category_label);
  g_free (item->compound);
  g_ptr_array_unref (item->reports);
  g_free (item->place);
  g_free (item->responsible_uuid);
  g_free (item->responsible);
  g_free (item);
}

static char *
column_text (sqlite3_stmt *stmt, int i)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, i));
}

/* ---- adding and following up ------------------------------------------------------------- */

gboolean
cm_reports_add (CmStore *store, CmFeature *report, GError **error)
{
  g_return_val_if_fail (cm_feature_get_layer (report) == CM_LAYER_REPORTS, FALSE);
  if (cm_feature_get_field (report, "status") == NULL)
    cm_feature_set_field (report, "status", g_variant_new_string ("reported"));
  if (cm_feature_get_field (report, "reported_at") == NULL)
    {
      g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
      g_autofree char *day = g_date_time_format (now, "%Y-%m-%d");
      cm_feature_set_field (report, "reported_at", g_variant_new_string (day));
    }
  return cm_store_add_feature (store, report, error);
}

/* The live report @uuid's status, inside the caller's transaction; FALSE (with the reason) when
 * there is no such report. */
static gboolean
read_status (CmStore *store, const char *uuid, CmReportStatus *status, GError **error)
{
  sqlite3_stmt *stmt =
      _cm_store_prepare (store, "SELECT status FROM reports WHERE uuid = ? AND deleted = 0", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  gboolean found = sqlite3_step (stmt) == SQLITE_ROW;
  if (found)
    *status = cm_report_status_from_string ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  if (!found)
    g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_NOT_FOUND,
                 _("the map has no report %s (deleted, or never there)"), uuid);
  return found;
}

static gboolean
write_status (CmStore *store, const char *uuid, CmReportStatus status, GError **error)
{
  sqlite3_stmt *stmt = _cm_store_prepare (
      store, "UPDATE reports SET status = ?, updated_at = ? WHERE uuid = ? AND deleted = 0", error);
  if (stmt == NULL)
    return FALSE;
  g_autofree char *now = _cm_now_utc ();
  sqlite3_bind_text (stmt, 1, cm_report_status_to_string (status), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, now, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, uuid, -1, SQLITE_STATIC);
  gboolean ok = sqlite3_step (stmt) == SQLITE_DONE;
  if (!ok)
    _cm_store_set_sqlite_error (store, error, _("change the report's status"));
  sqlite3_finalize (stmt);
  return ok;
}

static char *
add_entry (CmStore *store, const char *report_uuid, const char *at, const char *who,
           const char *what, gboolean raised, CmReportStatus status, GError **error)
{
  g_autofree char *when = NULL;
  if (at && *at && (when = cm_layer_parse_date (at)) == NULL)
    {
      g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_INVALID,
                   _("“%s” is not a date: give one such as 2026-12-05"), at);
      return NULL;
    }
  if (when == NULL)
    when = _cm_now_utc ();
  g_autofree char *w = g_strstrip (g_strdup (who ? who : ""));
  g_autofree char *d = g_strstrip (g_strdup (what ? what : ""));
  if (!raised && status == CM_REPORT_NO_STATUS && *d == '\0')
    {
      g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_INVALID,
                   _("the follow-up says nothing: write what was done, or change the status"));
      return NULL;
    }
  if (!_cm_store_begin_write (store, error))
    return NULL;
  CmReportStatus before = CM_REPORT_NO_STATUS;
  gboolean ok = read_status (store, report_uuid, &before, error);
  if (ok && status != CM_REPORT_NO_STATUS && !cm_report_status_can_change (before, status))
    {
      g_autofree char *allowed = allowed_from (before);
      if (*allowed)
        g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_INVALID,
                     /* TRANSLATORS: "a report that is Reported cannot become Reopened: it can
                      * become Acknowledged, In hand, Resolved or Closed" */
                     _("a report that is %s cannot become %s: it can become %s"),
                     cm_report_status_label (before), cm_report_status_label (status), allowed);
      else
        g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_INVALID,
                     _("a report that is %s cannot become %s"), cm_report_status_label (before),
                     cm_report_status_label (status));
      ok = FALSE;
    }
  g_autofree char *uuid = g_uuid_string_random ();
  if (ok)
    {
      sqlite3_stmt *stmt = _cm_store_prepare (
          store,
          "INSERT INTO report_followups (uuid, created_at, updated_at, report_uuid, at, who, what,"
          " kind, status, status_before) VALUES (?1, ?2, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
          error);
      ok = stmt != NULL;
      if (ok)
        {
          g_autofree char *now = _cm_now_utc ();
          sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, 2, now, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, 3, report_uuid, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, 4, when, -1, SQLITE_STATIC);
          if (*w)
            sqlite3_bind_text (stmt, 5, w, -1, SQLITE_STATIC);
          if (*d)
            sqlite3_bind_text (stmt, 6, d, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, 7, raised ? "raised" : "followup", -1, SQLITE_STATIC);
          if (status != CM_REPORT_NO_STATUS)
            {
              sqlite3_bind_text (stmt, 8, cm_report_status_to_string (status), -1, SQLITE_STATIC);
              sqlite3_bind_text (stmt, 9, cm_report_status_to_string (before), -1, SQLITE_STATIC);
            }
          ok = sqlite3_step (stmt) == SQLITE_DONE;
          if (!ok)
            _cm_store_set_sqlite_error (store, error, _("add the follow-up"));
          sqlite3_finalize (stmt);
        }
    }
  if (ok && status != CM_REPORT_NO_STATUS)
    ok = write_status (store, report_uuid, status, error);
  if (!ok)
    {
      _cm_store_rollback (store);
      return NULL;
    }
  return _cm_store_commit (store, error) ? g_steal_pointer (&uuid) : NULL;
}

char *
cm_reports_add_followup (CmStore *store, const char *report_uuid, const char *at, const char *who,
                         const char *what, CmReportStatus status, GError **error)
{
  return add_entry (store, report_uuid, at, who, what, FALSE, status, error);
}

char *
cm_reports_add_resident (CmStore *store, const char *report_uuid, const char *at, const char *who,
                         const char *what, GError **error)
{
  return add_entry (store, report_uuid, at, who, what, TRUE, CM_REPORT_NO_STATUS, error);
}

/* Withdraws (@withdraw) or restores follow-up @uuid, and its status with it. */
static gboolean
set_withdrawn (CmStore *store, const char *uuid, gboolean withdraw, GError **error)
{
  if (!_cm_store_begin_write (store, error))
    return FALSE;
  sqlite3_stmt *stmt = _cm_store_prepare (
      store, "SELECT report_uuid, status, status_before FROM report_followups WHERE uuid = ?",
      error);
  gboolean ok = stmt != NULL;
  g_autofree char *report = NULL, *status = NULL, *before = NULL;
  if (ok)
    {
      sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
      if ((ok = sqlite3_step (stmt) == SQLITE_ROW))
        {
          report = column_text (stmt, 0);
          status = column_text (stmt, 1);
          before = column_text (stmt, 2);
        }
      else
        g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_NOT_FOUND,
                     _("the map has no follow-up %s"), uuid);
      sqlite3_finalize (stmt);
    }
  if (ok)
    {
      stmt = _cm_store_prepare (store,
                                "UPDATE report_followups SET deleted = ?, updated_at = ?"
                                " WHERE uuid = ?",
                                error);
      if ((ok = stmt != NULL))
        {
          g_autofree char *now = _cm_now_utc ();
          sqlite3_bind_int (stmt, 1, withdraw);
          sqlite3_bind_text (stmt, 2, now, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, 3, uuid, -1, SQLITE_STATIC);
          if (!(ok = sqlite3_step (stmt) == SQLITE_DONE))
            _cm_store_set_sqlite_error (store, error, _("undo the follow-up"));
          sqlite3_finalize (stmt);
        }
    }
  /* the status it set goes back, unless another entry has changed it since */
  if (ok && status && before)
    {
      CmReportStatus now_status = CM_REPORT_NO_STATUS;
      if (read_status (store, report, &now_status, NULL))
        {
          const char *expected = withdraw ? status : before;
          const char *wanted = withdraw ? before : status;
          if (g_strcmp0 (cm_report_status_to_string (now_status), expected) == 0)
            ok = write_status (store, report, cm_report_status_from_string (wanted), error);
        }
    }
  if (!ok)
    {
      _cm_store_rollback (store);
      return FALSE;
    }
  return _cm_store_commit (store, error);
}

gboolean
cm_reports_withdraw_followup (CmStore *store, const char *followup_uuid, GError **error)
{
  return set_withdrawn (store, followup_uuid, TRUE, error);
}

gboolean
cm_reports_restore_followup (CmStore *store, const char *followup_uuid, GError **error)
{
  return set_withdrawn (store, followup_uuid, FALSE, error);
}

#define FOLLOWUP_COLUMNS                                                                       \
  "uuid, report_uuid, at, who, what, kind, status, created_at, deleted, status_before"

static CmFollowup *
followup_from_row (sqlite3_stmt *stmt)
{
  CmFollowup *f = g_new0 (CmFollowup, 1);
  f->uuid = column_text (stmt, 0);
  f->report_uuid = column_text (stmt, 1);
  f->at = column_text (stmt, 2);
  f->who = column_text (stmt, 3);
  f->what = column_text (stmt, 4);
  f->raised = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 5), "raised") == 0;
  f->status = sqlite3_column_type (stmt, 6) == SQLITE_NULL
                  ? CM_REPORT_NO_STATUS
                  : cm_report_status_from_string ((const char *) sqlite3_column_text (stmt, 6));
  f->created_at = column_text (stmt, 7);
  f->withdrawn = sqlite3_column_int (stmt, 8) != 0;
  f->status_before =
      sqlite3_column_type (stmt, 9) == SQLITE_NULL
          ? CM_REPORT_NO_STATUS
          : cm_report_status_from_string ((const char *) sqlite3_column_text (stmt, 9));
  return f;
}

GPtrArray *
cm_reports_get_timeline (CmStore *store, const char *report_uuid, gboolean withdrawn_too,
                         GError **error)
{
  sqlite3_stmt *stmt = _cm_store_prepare (store,
                                          "SELECT " FOLLOWUP_COLUMNS " FROM report_followups"
                                          " WHERE report_uuid = ? AND (? OR deleted = 0)"
                                          " ORDER BY at, created_at, uuid",
                                          error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, report_uuid, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 2, withdrawn_too);
  GPtrArray *timeline = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_followup_free);
  int rc;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (timeline, followup_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      _cm_store_set_sqlite_error (store, error, _("read the report's timeline"));
      g_clear_pointer (&timeline, g_ptr_array_unref);
    }
  sqlite3_finalize (stmt);
  return timeline;
}

/* residents who raised report r: its own count and the live "raised" entries */
#define RESIDENTS_SQL                                                                          \
  "(coalesce (r.residents, 1) + (SELECT count(*) FROM report_followups f WHERE"                \
  " f.report_uuid = r.uuid AND f.kind = 'raised' AND f.deleted = 0))"

gint64
cm_reports_count_residents (CmStore *store, const char *report_uuid, GError **error)
{
  sqlite3_stmt *stmt = _cm_store_prepare (
      store, "SELECT " RESIDENTS_SQL " FROM reports r WHERE r.uuid = ?", error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, report_uuid, -1, SQLITE_STATIC);
  gint64 n = -1;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  else
    g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_NOT_FOUND,
                 _("the map has no report %s (deleted, or never there)"), report_uuid);
  sqlite3_finalize (stmt);
  return n;
}

/* ---- lists ------------------------------------------------------------------------------- */

#define OPEN_SQL "coalesce (r.status, 'reported') IN ('reported', 'acknowledged', 'in_hand', 'reopened')"

/* Reports as CmReportInfo, by @where (SQL on `r`, which may use ?1 … ?4, the numbers of @box,
 * and ?5, @text). */
static GPtrArray *
list_reports (CmStore *store, const char *where, const double *box, const char *text,
              GError **error)
{
  g_autofree char *sql = g_strdup_printf (
      "SELECT r.uuid, r.category, r.name, r.description, X(p), Y(p), r.status,"
      " coalesce (r.urgent, 0), " RESIDENTS_SQL ", coalesce (r.reported_at, r.created_at),"
      " r.responsible_uuid"
      " FROM (SELECT *, ST_PointOnSurface (CmGeom (geom)) AS p FROM reports) r"
      " WHERE r.deleted = 0 AND p IS NOT NULL AND %s"
      " ORDER BY coalesce (r.reported_at, r.created_at), r.created_at, r.uuid",
      where);
  sqlite3_stmt *stmt = _cm_store_prepare (store, sql, error);
  if (stmt == NULL)
    return NULL;
  for (int i = 0; box && i < 4; i++)
    sqlite3_bind_double (stmt, i + 1, box[i]);
  if (text)
    sqlite3_bind_text (stmt, 5, text, -1, SQLITE_TRANSIENT);
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_report_info_free);
  int rc;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CmReportInfo *r = g_new0 (CmReportInfo, 1);
      r->uuid = column_text (stmt, 0);
      r->category = column_text (stmt, 1);
      r->name = column_text (stmt, 2);
      r->description = column_text (stmt, 3);
      r->lon = sqlite3_column_double (stmt, 4);
      r->lat = sqlite3_column_double (stmt, 5);
      r->status = cm_report_status_from_string ((const char *) sqlite3_column_text (stmt, 6));
      r->urgent = sqlite3_column_int (stmt, 7) != 0;
      r->residents = sqlite3_column_int64 (stmt, 8);
      r->reported_at = column_text (stmt, 9);
      r->responsible_uuid = column_text (stmt, 10);
      r->distance_m = NAN;
      g_ptr_array_add (list, r);
    }
  if (rc != SQLITE_DONE)
    {
      _cm_store_set_sqlite_error (store, error, _("read the reports"));
      g_clear_pointer (&list, g_ptr_array_unref);
    }
  sqlite3_finalize (stmt);
  return list;
}

GPtrArray *
cm_reports_list (CmStore *store, gboolean open_only, GError **error)
{
  return list_reports (store, open_only ? OPEN_SQL : "1", NULL, NULL, error);
}

gboolean
cm_reports_set_compounds (CmStore *store, GPtrArray *reports, GError **error)
{
  /* each report's point put in a compound as a building's is */
  g_autoptr (CmCoverage) places = cm_coverage_new ();
  for (guint i = 0; i < reports->len; i++)
    {
      const CmReportInfo *r = reports->pdata[i];
      cm_coverage_add_building (places, "", NULL, r->lon, r->lat, -1, -1);
    }
  if (!cm_compounds_assign (places, store, error))
    return FALSE;
  for (guint i = 0; i < reports->len; i++)
    {
      CmReportInfo *r = reports->pdata[i];
      int c = g_array_index (places->buildings, CmCoverageBuilding, i).compound;
      g_free (r->compound);
      r->compound = c >= 0 ? g_strdup (((CmCompound *) places->compounds->pdata[c])->name) : NULL;
    }
  return TRUE;
}

static int
by_distance (gconstpointer a, gconstpointer b)
{
  const CmReportInfo *x = *(CmReportInfo *const *) a, *y = *(CmReportInfo *const *) b;
  return x->distance_m < y->distance_m ? -1 : x->distance_m > y->distance_m ? 1
                                                                           : g_strcmp0 (x->uuid, y->uuid);
}

GPtrArray *
cm_reports_find_nearby (CmStore *store, double lon, double lat, const char *category,
                        double radius_m, const char *except_uuid, GError **error)
{
  /* a box a little wider than the radius, through the layer's spatial index */
  double kx, ky;
  cm_geodesic_scale (lat, &kx, &ky);
  double dx = radius_m * 1.01 / kx + 1e-7, dy = radius_m * 1.01 / ky + 1e-7;
  double box[4] = { lon + dx, lon - dx, lat + dy, lat - dy };
  GPtrArray *all = list_reports (store,
                                 OPEN_SQL " AND r.category = ?5 AND r.id IN (SELECT pkid FROM"
                                          " idx_reports_geom WHERE xmin <= ?1 AND xmax >= ?2 AND"
                                          " ymin <= ?3 AND ymax >= ?4)",
                                 box, category ? category : "", error);
  if (all == NULL)
    return NULL;
  GPtrArray *near = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_report_info_free);
  for (guint i = 0; i < all->len; i++)
    {
      CmReportInfo *r = all->pdata[i];
      if (except_uuid && g_strcmp0 (r->uuid, except_uuid) == 0)
        continue;
      r->distance_m = cm_geodesic_distance (lon, lat, r->lon, r->lat);
      if (r->distance_m <= radius_m)
        g_ptr_array_add (near, g_steal_pointer (&all->pdata[i]));
    }
  g_ptr_array_unref (all);
  g_ptr_array_sort (near, by_distance);
  return near;
}

/* ---- routing ----------------------------------------------------------------------------- */

/* The stations loaded once, and a statement for the teams around a point. */
typedef struct
{
  CmStore *store;
  CmCoverage *stations; /* its sources */
  const CmNetwork *network;
  double walk_m;
  sqlite3_stmt *teams;
  sqlite3_stmt *names;
} Routing;

static void
routing_clear (Routing *r)
{
  g_clear_pointer (&r->stations, cm_coverage_free);
  g_clear_pointer (&r->teams, sqlite3_finalize);
  g_clear_pointer (&r->names, sqlite3_finalize);
}

static gboolean
routing_init (Routing *r, CmStore *store, const CmNetwork *network, double walk_m, GError **error)
{
  *r = (Routing) { store, cm_coverage_new (), network, walk_m, NULL, NULL };
  if (!cm_coverage_load_sources (r->stations, store, "stations", 0, error))
    return FALSE;
  /* the teams whose area holds the point: self-governance teams first (they take the
   * neighbourhood's own affairs), then specialty, then culture and sports, then other kinds;
   * of one kind the smallest area, the most local team */
  r->teams = _cm_store_prepare (
      store,
      "SELECT uuid FROM teams WHERE deleted = 0 AND id IN (SELECT pkid FROM idx_teams_geom"
      " WHERE xmin <= ?1 AND xmax >= ?1 AND ymin <= ?2 AND ymax >= ?2)"
      " AND ST_Contains (CmGeom (geom), MakePoint (?1, ?2, 4326)) = 1"
      " ORDER BY CASE kind WHEN 'self_governance' THEN 0 WHEN 'specialty' THEN 1"
      " WHEN 'culture_sports' THEN 2 ELSE 3 END, ST_Area (CmGeom (geom)), uuid LIMIT 1",
      error);
  return r->teams != NULL;
}

/* The station for a point: by walking, the nearest on foot when within walk_m; else, of the
 * stations whose radius holds it, the nearest. -1 for none. */
static int
routing_station (Routing *r, double lon, double lat)
{
  GArray *sources = r->stations->sources;
  if (r->network)
    {
      g_array_set_size (r->stations->buildings, 0);
      cm_coverage_add_building (r->stations, "", NULL, lon, lat, -1, -1);
      cm_coverage_compute_walk (r->stations, r->network, r->walk_m);
      const CmCoverageBuilding *b = &g_array_index (r->stations->buildings, CmCoverageBuilding, 0);
      return b->covered ? b->nearest : -1;
    }
  int best = -1;
  double best_m = INFINITY;
  for (guint i = 0; i < sources->len; i++)
    {
      const CmCoverageSource *s = &g_array_index (sources, CmCoverageSource, i);
      if (isnan (s->radius_m))
        continue;
      double d = cm_geodesic_distance (lon, lat, s->lon, s->lat);
      if (d <= s->radius_m && d < best_m)
        best = (int) i, best_m = d;
    }
  return best;
}

static char *
routing_team (Routing *r, double lon, double lat)
{
  sqlite3_reset (r->teams);
  sqlite3_bind_double (r->teams, 1, lon);
  sqlite3_bind_double (r->teams, 2, lat);
  return sqlite3_step (r->teams) == SQLITE_ROW ? column_text (r->teams, 0) : NULL;
}

gboolean
cm_reports_suggest_responsible (CmStore *store, const CmNetwork *network, double walk_m,
                                double lon, double lat, char **station_uuid, char **team_uuid,
                                GError **error)
{
  Routing r;
  gboolean ok = routing_init (&r, store, network, walk_m, error);
  if (ok)
    {
      int s = routing_station (&r, lon, lat);
      if (station_uuid)
        *station_uuid =
            s >= 0 ? g_strdup (g_array_index (r.stations->sources, CmCoverageSource, s).uuid)
                   : NULL;
      if (team_uuid)
        *team_uuid = routing_team (&r, lon, lat);
    }
  routing_clear (&r);
  return ok;
}

/* The name of the station or team @uuid (its kind's label when it has none), or NULL. */
static char *
responsible_name (Routing *r, const char *uuid)
{
  if (r->names == NULL)
    r->names = _cm_store_prepare (
        r->store,
        "SELECT coalesce (nullif (trim (s.name), ''), k.label_zh, k.label_en, s.kind)"
        " , k.label_en, nullif (trim (s.name), '') FROM (SELECT 'stations' AS layer, name, kind"
        " FROM stations WHERE uuid = ?1 UNION ALL SELECT 'teams', name, kind FROM teams"
        " WHERE uuid = ?1) s LEFT JOIN kinds k ON k.layer = s.layer AND k.key = s.kind LIMIT 1",
        NULL);
  if (r->names == NULL)
    return NULL;
  sqlite3_reset (r->names);
  sqlite3_bind_text (r->names, 1, uuid, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (r->names) != SQLITE_ROW)
    return NULL;
  if (sqlite3_column_type (r->names, 2) != SQLITE_NULL)
    return column_text (r->names, 2);
  return g_strdup (cm_i18n_pick ((const char *) sqlite3_column_text (r->names, 0),
                                 (const char *) sqlite3_column_text (r->names, 1)));
}

char *
cm_reports_responsible_name (CmStore *store, const char *uuid)
{
  Routing r = { .store = store };
  char *name = responsible_name (&r, uuid);
  routing_clear (&r);
  return name;
}

/* ---- the agenda -------------------------------------------------------------------------- */

/* Days from @from (a day or a time) to @today (a day). */
static gint64
days_between (const char *from, const char *today)
{
  int y1, m1, d1, y2, m2, d2;
  if (from == NULL || sscanf (from, "%4d-%2d-%2d", &y1, &m1, &d1) != 3 ||
      sscanf (today, "%4d-%2d-%2d", &y2, &m2, &d2) != 3 || !g_date_valid_dmy (d1, m1, y1) ||
      !g_date_valid_dmy (d2, m2, y2))
    return 0;
  GDate a, b;
  g_date_clear (&a, 1);
  g_date_clear (&b, 1);
  g_date_set_dmy (&a, d1, m1, y1);
  g_date_set_dmy (&b, d2, m2, y2);
  return MAX (g_date_days_between (&a, &b), 0);
}

gint64
cm_report_days_since (const char *reported_at, const char *today)
{
  g_autofree char *now = NULL;
  if (today == NULL)
    {
      g_autoptr (GDateTime) t = g_date_time_new_now_utc ();
      today = now = g_date_time_format (t, "%Y-%m-%d");
    }
  return days_between (reported_at, today);
}

/* Items' first reports in cells of about CM_REPORT_DUPLICATE_M, per category: a report is
 * compared with the first reports in its cell and the eight around it. */
typedef struct
{
  double cell_lon, cell_lat; /* degrees */
  GHashTable *cells;         /* "category x y" → GPtrArray of CmAgendaItem (not owned) */
} SeedGrid;

static char *
cell_key (const SeedGrid *g, const char *category, double lon, double lat, int dx, int dy)
{
  return g_strdup_printf ("%s %" G_GINT64_FORMAT " %" G_GINT64_FORMAT, category,
                          (gint64) floor (lon / g->cell_lon) + dx,
                          (gint64) floor (lat / g->cell_lat) + dy);
}

/* The item whose first report is nearest to @r within CM_REPORT_DUPLICATE_M, of its category. */
static CmAgendaItem *
find_item (const SeedGrid *g, const CmReportInfo *r)
{
  CmAgendaItem *best = NULL;
  double best_m = INFINITY;
  for (int dy = -1; dy <= 1; dy++)
    for (int dx = -1; dx <= 1; dx++)
      {
        g_autofree char *key = cell_key (g, r->category, r->lon, r->lat, dx, dy);
        GPtrArray *items = g_hash_table_lookup (g->cells, key);
        for (guint i = 0; items && i < items->len; i++)
          {
            CmAgendaItem *item = items->pdata[i];
            double d = cm_geodesic_distance (r->lon, r->lat, item->lon, item->lat);
            if (d <= CM_REPORT_DUPLICATE_M && d < best_m)
              best = item, best_m = d;
          }
      }
  return best;
}

static int
agenda_order (gconstpointer a, gconstpointer b)
{
  const CmAgendaItem *x = *(CmAgendaItem *const *) a, *y = *(CmAgendaItem *const *) b;
  if (x->urgent != y->urgent)
    return x->urgent ? -1 : 1;
  if (x->residents != y->residents)
    return x->residents > y->residents ? -1 : 1;
  const CmReportInfo *fx = x->reports->pdata[0], *fy = y->reports->pdata[0];
  int age = g_strcmp0 (fx->reported_at, fy->reported_at); /* older first */
  return age ? age : g_strcmp0 (fx->uuid, fy->uuid);
}

/* The nearest named building or path within about 200 m of @lon, @lat: the candidates in a
 * box through the spatial index, each footprint decoded and measured in C (SpatiaLite's
 * geodesic ST_Distance on every candidate was 1.2 s of an agenda of 1,425 items). */
static char *
nearest_place (CmStore *store, sqlite3_stmt **stmts, double lon, double lat, double *metres)
{
  static const char *const tables[] = { "buildings", "paths" };
  char *best = NULL;
  *metres = INFINITY;
  double kx, ky;
  cm_geodesic_scale (lat, &kx, &ky);
  for (int t = 0; t < 2; t++)
    {
      if (stmts[t] == NULL)
        {
          g_autofree char *sql = g_strdup_printf (
              "SELECT name, CmGeom (geom) FROM %s WHERE deleted = 0 AND trim (coalesce (name,"
              " '')) <> '' AND id IN (SELECT pkid FROM idx_%s_geom WHERE xmin <= ?1 + ?3 AND"
              " xmax >= ?1 - ?3 AND ymin <= ?2 + ?4 AND ymax >= ?2 - ?4)",
              tables[t], tables[t]);
          stmts[t] = _cm_store_prepare (store, sql, NULL);
          if (stmts[t] == NULL)
            continue;
        }
      sqlite3_reset (stmts[t]);
      sqlite3_bind_double (stmts[t], 1, lon);
      sqlite3_bind_double (stmts[t], 2, lat);
      sqlite3_bind_double (stmts[t], 3, 200.0 / kx);
      sqlite3_bind_double (stmts[t], 4, 200.0 / ky);
      sqlite3_stmt *fallback = NULL;
      while (sqlite3_step (stmts[t]) == SQLITE_ROW)
        {
          g_autoptr (CmGeom) g = _cm_store_decode_geom (store, &fallback,
                                                        sqlite3_column_blob (stmts[t], 1),
                                                        sqlite3_column_bytes (stmts[t], 1));
          if (g == NULL)
            continue;
          double d = cm_geom_distance_m (g, lon, lat);
          if (d < *metres)
            {
              g_free (best);
              best = g_strstrip (column_text (stmts[t], 0));
              *metres = d;
            }
        }
      if (fallback)
        sqlite3_finalize (fallback);
    }
  if (best == NULL)
    *metres = NAN;
  return best;
}

static char *
category_label (CmStore *store, sqlite3_stmt **stmt, const char *key)
{
  if (*stmt == NULL)
    *stmt = _cm_store_prepare (store, "SELECT label_zh, label_en FROM categories WHERE key = ?",
                               NULL);
  if (*stmt)
    {
      sqlite3_reset (*stmt);
      sqlite3_bind_text (*stmt, 1, key, -1, SQLITE_TRANSIENT);
      if (sqlite3_step (*stmt) == SQLITE_ROW)
        return g_strdup (cm_i18n_pick ((const char *) sqlite3_column_text (*stmt, 0),
                                       (const char *) sqlite3_column_text (*stmt, 1)));
    }
  return g_strdup (key);
}

GPtrArray *
cm_reports_agenda (CmStore *store, const CmAgendaOptions *options, GError **error)
{
  CmAgendaOptions none = { 0 };
  const CmAgendaOptions *o = options ? options : &none;
  g_autofree char *since = NULL, *today = NULL;
  if (o->since && (since = cm_layer_parse_date (o->since)) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("--since takes a date such as 2026-12-01, not “%s”"), o->since);
      return NULL;
    }
  if (o->today)
    today = cm_layer_parse_date (o->today);
  if (today == NULL)
    {
      g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
      today = g_date_time_format (now, "%Y-%m-%d");
    }

  gint64 t_start = g_get_monotonic_time ();
  g_autoptr (GPtrArray) open = list_reports (
      store,
      OPEN_SQL " AND (?5 IS NULL OR substr (coalesce (r.reported_at, r.created_at), 1, 10) >= ?5)",
      NULL, since, error);
  if (open == NULL)
    return NULL;

  /* each report, the oldest first, joins the nearest item of its category within 30 m of that
   * item's first report, or starts one */
  SeedGrid grid = { 0 };
  grid.cells = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) g_ptr_array_unref);
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_agenda_item_free);
  for (guint i = 0; i < open->len; i++)
    {
      CmReportInfo *r = open->pdata[i];
      if (grid.cell_lon == 0)
        {
          double kx, ky;
          cm_geodesic_scale (r->lat, &kx, &ky);
          /* cells a little wider than 30 m anywhere on the map (degrees of longitude shrink
           * towards the poles: measured where the first report is, with room to spare) */
          grid.cell_lon = CM_REPORT_DUPLICATE_M * 1.5 / kx;
          grid.cell_lat = CM_REPORT_DUPLICATE_M * 1.5 / ky;
        }
      CmAgendaItem *item = find_item (&grid, r);
      if (item == NULL)
        {
          item = g_new0 (CmAgendaItem, 1);
          item->category = g_strdup (r->category);
          item->reports = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_report_info_free);
          item->lon = r->lon, item->lat = r->lat;
          item->place_m = NAN;
          g_ptr_array_add (items, item);
          g_autofree char *key = cell_key (&grid, r->category, r->lon, r->lat, 0, 0);
          GPtrArray *cell = g_hash_table_lookup (grid.cells, key);
          if (cell == NULL)
            {
              cell = g_ptr_array_new ();
              g_hash_table_insert (grid.cells, g_steal_pointer (&key), cell);
            }
          g_ptr_array_add (cell, item);
        }
      item->urgent |= r->urgent;
      item->residents += r->residents;
      g_ptr_array_add (item->reports, g_steal_pointer (&open->pdata[i]));
    }
  g_hash_table_unref (grid.cells);
  gint64 t_grouped = g_get_monotonic_time ();

  /* the items' compounds: their first reports put in compounds as buildings are */
  g_autoptr (CmCoverage) places = cm_coverage_new ();
  for (guint i = 0; i < items->len; i++)
    {
      CmAgendaItem *item = items->pdata[i];
      cm_coverage_add_building (places, "", NULL, item->lon, item->lat, -1, -1);
    }
  gboolean ok = cm_compounds_assign (places, store, error);
  if (ok && o->compound)
    {
      gboolean known = FALSE;
      for (guint c = 0; places->compounds && c < places->compounds->len; c++)
        known |= g_strcmp0 (((CmCompound *) places->compounds->pdata[c])->name, o->compound) == 0;
      if (!known)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("the map has no compound named “%s”: `cmap info` lists the compounds"),
                       o->compound);
          ok = FALSE;
        }
    }
  Routing routing = { 0 };
  ok = ok && routing_init (&routing, store, NULL, 0, error);
  if (!ok)
    {
      routing_clear (&routing);
      g_ptr_array_unref (items);
      return NULL;
    }
  gint64 t_compounds = g_get_monotonic_time ();
  gint64 t_route = 0, t_place = 0;
  sqlite3_stmt *place_stmts[2] = { NULL, NULL }, *label_stmt = NULL;
  GPtrArray *agenda = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_agenda_item_free);
  for (guint i = 0; i < items->len; i++)
    {
      CmAgendaItem *item = items->pdata[i];
      int c = g_array_index (places->buildings, CmCoverageBuilding, i).compound;
      const CmCompound *compound = c >= 0 ? places->compounds->pdata[c] : NULL;
      if (o->compound && (compound == NULL || g_strcmp0 (compound->name, o->compound) != 0))
        continue;
      item->compound = compound ? g_strdup (compound->name) : NULL;
      const CmReportInfo *first = item->reports->pdata[0];
      item->days_open = days_between (first->reported_at, today);
      for (guint k = 0; k < item->reports->len && !item->responsible_uuid; k++)
        item->responsible_uuid =
            g_strdup (((CmReportInfo *) item->reports->pdata[k])->responsible_uuid);
      gint64 t0 = g_get_monotonic_time ();
      if (item->responsible_uuid == NULL)
        {
          int s = routing_station (&routing, item->lon, item->lat);
          item->responsible_uuid =
              s >= 0 ? g_strdup (g_array_index (routing.stations->sources, CmCoverageSource, s).uuid)
                     : routing_team (&routing, item->lon, item->lat);
          item->suggested = item->responsible_uuid != NULL;
        }
      if (item->responsible_uuid)
        item->responsible = responsible_name (&routing, item->responsible_uuid);
      gint64 t1 = g_get_monotonic_time ();
      item->place = nearest_place (store, place_stmts, item->lon, item->lat, &item->place_m);
      gint64 t2 = g_get_monotonic_time ();
      t_route += t1 - t0, t_place += t2 - t1;
      item->category_label = category_label (store, &label_stmt, item->category);
      g_ptr_array_add (agenda, g_steal_pointer (&items->pdata[i]));
    }
  g_clear_pointer (&place_stmts[0], sqlite3_finalize);
  g_clear_pointer (&place_stmts[1], sqlite3_finalize);
  g_clear_pointer (&label_stmt, sqlite3_finalize);
  routing_clear (&routing);
  g_ptr_array_unref (items);
  g_ptr_array_sort (agenda, agenda_order);
  /* where the time goes (docs/reports.md) */
  if (g_getenv ("CM_AGENDA_TIMING"))
    g_printerr ("agenda: reports read and grouped %.0f ms, compounds %.0f ms, responsible %.0f ms,"
                " places %.0f ms, all %.0f ms\n",
                (t_grouped - t_start) / 1e3, (t_compounds - t_grouped) / 1e3, t_route / 1e3,
                t_place / 1e3, (g_get_monotonic_time () - t_start) / 1e3);
  return agenda;
}

static void
append_member_string (GString *out, const char *key, const char *value)
{
  cm_json_append_string (out, key, strlen (key));
  g_string_append_c (out, ':');
  if (value)
    cm_json_append_string (out, value, strlen (value));
  else
    g_string_append (out, "null");
}

char *
cm_reports_agenda_to_json (GPtrArray *items, GPtrArray *counts)
{
  GString *out = g_string_new ("{\"items\": [");
  for (guint i = 0; i < items->len; i++)
    {
      const CmAgendaItem *item = items->pdata[i];
      g_string_append (out, i ? ",\n  {" : "\n  {");
      g_string_append_printf (out, "\"number\":%u,", i + 1);
      append_member_string (out, "category", item->category);
      g_string_append_c (out, ',');
      append_member_string (out, "category_label", item->category_label);
      g_string_append_c (out, ',');
      append_member_string (out, "compound", item->compound);
      g_string_append_printf (out, ",\"urgent\":%s,\"residents\":%" G_GINT64_FORMAT
                                   ",\"reports\":[",
                              item->urgent ? "true" : "false", item->residents);
      for (guint k = 0; k < item->reports->len; k++)
        {
          const CmReportInfo *r = item->reports->pdata[k];
          if (k)
            g_string_append_c (out, ',');
          cm_json_append_string (out, r->uuid, strlen (r->uuid));
        }
      g_string_append (out, "],\"lon\":");
      cm_json_append_double (out, item->lon);
      g_string_append (out, ",\"lat\":");
      cm_json_append_double (out, item->lat);
      g_string_append_c (out, ',');
      append_member_string (out, "place", item->place);
      g_string_append_c (out, ',');
      append_member_string (out, "responsible", item->responsible);
      g_string_append_c (out, ',');
      append_member_string (out, "responsible_uuid", item->responsible_uuid);
      g_string_append_printf (out, ",\"responsible_suggested\":%s,\"days_open\":%" G_GINT64_FORMAT
                                   "}",
                              item->suggested ? "true" : "false", item->days_open);
    }
  g_string_append (out, items->len ? "\n]" : "]");
  if (counts)
    {
      g_string_append (out, ",\n\"by_responsible\": [");
      for (guint i = 0; i < counts->len; i++)
        {
          const CmResponsibleCounts *c = counts->pdata[i];
          g_string_append (out, i ? ",\n  {" : "\n  {");
          append_member_string (out, "uuid", c->uuid);
          g_string_append_c (out, ',');
          append_member_string (out, "name", c->name);
          g_string_append_printf (out, ",\"open\":%u,\"resolved\":%u,\"median_days\":", c->open,
                                  c->done);
          if (isnan (c->median_days))
            g_string_append (out, "null");
          else
            cm_json_append_double (out, c->median_days);
          g_string_append_c (out, '}');
        }
      g_string_append (out, counts->len ? "\n]" : "]");
    }
  g_string_append (out, "}\n");
  return g_string_free (out, FALSE);
}

/* ---- the timeline in GeoJSON ------------------------------------------------------------- */

gboolean
_cm_reports_timeline_is_valid (const char *json)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, json, -1, NULL))
    return FALSE;
  JsonNode *root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    return FALSE;
  JsonArray *a = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonNode *n = json_array_get_element (a, i);
      if (!JSON_NODE_HOLDS_OBJECT (n))
        return FALSE;
      JsonObject *o = json_node_get_object (n);
      JsonNode *at = json_object_get_member (o, "at");
      if (at == NULL || json_node_get_value_type (at) != G_TYPE_STRING)
        return FALSE;
      g_autofree char *when = cm_layer_parse_date (json_node_get_string (at));
      if (when == NULL)
        return FALSE;
      JsonNode *status = json_object_get_member (o, "status");
      if (status && !JSON_NODE_HOLDS_NULL (status) &&
          (json_node_get_value_type (status) != G_TYPE_STRING ||
           cm_report_status_from_string (json_node_get_string (status)) == CM_REPORT_NO_STATUS))
        return FALSE;
    }
  return TRUE;
}

static const char *
member_text (JsonObject *o, const char *name)
{
  JsonNode *n = json_object_get_member (o, name);
  return n && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING
             ? json_node_get_string (n)
             : NULL;
}

gboolean
_cm_reports_add_timeline (CmStore *store, const char *report_uuid, const char *json,
                          gboolean *added, GError **error)
{
  *added = FALSE;
  g_autoptr (JsonParser) parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, json, -1, NULL))
    return TRUE; /* checked before: cannot happen */
  JsonArray *a = json_node_get_array (json_parser_get_root (parser));
  sqlite3_stmt *stmt = _cm_store_prepare (
      store,
      "INSERT OR IGNORE INTO report_followups (uuid, created_at, updated_at, report_uuid, at,"
      " who, what, kind, status, status_before) VALUES (?1, coalesce (?2, ?9), ?9, ?3, ?4, ?5,"
      " ?6, ?7, ?8, ?10)",
      error);
  if (stmt == NULL)
    return FALSE;
  g_autofree char *now = _cm_now_utc ();
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < json_array_get_length (a); i++)
    {
      JsonObject *o = json_array_get_object_element (a, i);
      const char *uuid = member_text (o, "uuid");
      g_autofree char *fresh = NULL;
      if (uuid == NULL || !g_uuid_string_is_valid (uuid))
        uuid = fresh = g_uuid_string_random ();
      g_autofree char *lower = g_ascii_strdown (uuid, -1);
      g_autofree char *at = cm_layer_parse_date (member_text (o, "at"));
      g_autofree char *created = cm_layer_parse_date (member_text (o, "created_at"));
      const char *kind = g_strcmp0 (member_text (o, "kind"), "raised") == 0 ? "raised" : "followup";
      const char *status = member_text (o, "status"), *before = member_text (o, "status_before");
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      sqlite3_bind_text (stmt, 1, lower, -1, SQLITE_STATIC);
      if (created && strchr (created, 'T'))
        sqlite3_bind_text (stmt, 2, created, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, report_uuid, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, at, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 5, member_text (o, "who"), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 6, member_text (o, "what"), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 7, kind, -1, SQLITE_STATIC);
      if (status && cm_report_status_from_string (status) != CM_REPORT_NO_STATUS)
        sqlite3_bind_text (stmt, 8, status, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 9, now, -1, SQLITE_STATIC);
      if (before && cm_report_status_from_string (before) != CM_REPORT_NO_STATUS)
        sqlite3_bind_text (stmt, 10, before, -1, SQLITE_TRANSIENT);
      if (!(ok = sqlite3_step (stmt) == SQLITE_DONE))
        _cm_store_set_sqlite_error (store, error, _("add the report's timeline"));
      else if (sqlite3_changes (_cm_store_get_db (store)) > 0)
        *added = TRUE;
    }
  sqlite3_finalize (stmt);
  return ok;
}

void
_cm_reports_append_timeline_json (CmStore *store, const char *report_uuid, GString *out)
{
  g_autoptr (GPtrArray) timeline = cm_reports_get_timeline (store, report_uuid, FALSE, NULL);
  if (timeline == NULL || timeline->len == 0)
    return;
  g_string_append_c (out, '[');
  for (guint i = 0; i < timeline->len; i++)
    {
      const CmFollowup *f = timeline->pdata[i];
      g_string_append (out, i ? ",{" : "{");
      append_member_string (out, "uuid", f->uuid);
      g_string_append_c (out, ',');
      append_member_string (out, "at", f->at);
      if (f->who)
        {
          g_string_append_c (out, ',');
          append_member_string (out, "who", f->who);
        }
      if (f->what)
        {
          g_string_append_c (out, ',');
          append_member_string (out, "what", f->what);
        }
      g_string_append_c (out, ',');
      append_member_string (out, "kind", f->raised ? "raised" : "followup");
      if (f->status != CM_REPORT_NO_STATUS)
        {
          g_string_append_c (out, ',');
          append_member_string (out, "status", cm_report_status_to_string (f->status));
          if (f->status_before != CM_REPORT_NO_STATUS)
            {
              g_string_append_c (out, ',');
              append_member_string (out, "status_before",
                                    cm_report_status_to_string (f->status_before));
            }
        }
      g_string_append_c (out, ',');
      append_member_string (out, "created_at", f->created_at);
      g_string_append_c (out, '}');
    }
  g_string_append_c (out, ']');
}

/* ---- per responsible -------------------------------------------------------------------- */

void
cm_responsible_counts_free (CmResponsibleCounts *counts)
{
  if (counts == NULL)
    return;
  g_free (counts->uuid);
  g_free (counts->name);
  g_free (counts);
}

static int
by_open (gconstpointer a, gconstpointer b)
{
  const CmResponsibleCounts *x = *(CmResponsibleCounts *const *) a;
  const CmResponsibleCounts *y = *(CmResponsibleCounts *const *) b;
  if ((x->uuid == NULL) != (y->uuid == NULL))
    return x->uuid == NULL ? 1 : -1; /* no one responsible: last */
  if (x->open != y->open)
    return x->open > y->open ? -1 : 1;
  return g_strcmp0 (x->name, y->name) ? g_strcmp0 (x->name, y->name) : g_strcmp0 (x->uuid, y->uuid);
}

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

GPtrArray *
cm_reports_count_by_responsible (CmStore *store, GError **error)
{
  /* each live report: its responsible, whether open, and when the first live follow-up that
   * resolved or closed it happened */
  sqlite3_stmt *stmt = _cm_store_prepare (
      store,
      "SELECT r.responsible_uuid, " OPEN_SQL ", coalesce (r.reported_at, r.created_at),"
      " (SELECT min (f.at) FROM report_followups f WHERE f.report_uuid = r.uuid AND"
      " f.deleted = 0 AND f.status IN ('resolved', 'closed'))"
      " FROM reports r WHERE r.deleted = 0",
      error);
  if (stmt == NULL)
    return NULL;
  g_autoptr (GHashTable) rows = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) days = g_hash_table_new_full (NULL, NULL, NULL,
                                                       (GDestroyNotify) g_array_unref);
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_responsible_counts_free);
  int rc;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *uuid = (const char *) sqlite3_column_text (stmt, 0);
      const char *key = uuid ? uuid : "";
      CmResponsibleCounts *c = g_hash_table_lookup (rows, key);
      if (c == NULL)
        {
          c = g_new0 (CmResponsibleCounts, 1);
          c->uuid = g_strdup (uuid);
          c->median_days = NAN;
          g_ptr_array_add (out, c);
          g_hash_table_insert (rows, c->uuid ? c->uuid : (char *) "", c);
          g_hash_table_insert (days, c, g_array_new (FALSE, FALSE, sizeof (double)));
        }
      if (sqlite3_column_int (stmt, 1))
        c->open++;
      else
        {
          c->done++;
          const char *done_at = (const char *) sqlite3_column_text (stmt, 3);
          if (done_at)
            {
              double d = (double) days_between ((const char *) sqlite3_column_text (stmt, 2),
                                                done_at);
              g_array_append_val ((GArray *) g_hash_table_lookup (days, c), d);
            }
        }
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _cm_store_set_sqlite_error (store, error, _("read the reports"));
      g_ptr_array_unref (out);
      return NULL;
    }
  Routing names = { .store = store };
  for (guint i = 0; i < out->len; i++)
    {
      CmResponsibleCounts *c = out->pdata[i];
      GArray *d = g_hash_table_lookup (days, c);
      if (d->len > 0)
        {
          g_array_sort (d, compare_doubles);
          const double *v = (const double *) d->data;
          c->median_days = d->len % 2 ? v[d->len / 2] : (v[d->len / 2 - 1] + v[d->len / 2]) / 2;
        }
      if (c->uuid)
        c->name = responsible_name (&names, c->uuid);
    }
  routing_clear (&names);
  g_ptr_array_sort (out, by_open);
  return out;
}

/* ---- Open311 ----------------------------------------------------------------------------- */

/* A stored day or time as a W3C date-time in UTC, as GeoReport v2 writes them:
 * 2026-11-20T00:00:00Z (a day: its midnight, UTC). */
static char *
w3c_time (const char *stored)
{
  if (stored == NULL || strlen (stored) < 10)
    return NULL;
  if (strlen (stored) == 10)
    return g_strdup_printf ("%sT00:00:00Z", stored);
  return g_strdup_printf ("%.19sZ", stored); /* 2026-11-20T08:30:00.000Z, without the ms */
}

gint64
cm_reports_write_open311 (CmStore *store, GOutputStream *out, GError **error)
{
  g_autoptr (GPtrArray) reports = list_reports (store, "1", NULL, NULL, error);
  if (reports == NULL)
    return -1;
  /* per report: the latest live follow-up's words and time, its updated_at, its category's
   * Chinese label */
  sqlite3_stmt *more = _cm_store_prepare (
      store,
      "SELECT r.updated_at, (SELECT max (f.created_at) FROM report_followups f WHERE"
      " f.report_uuid = r.uuid AND f.deleted = 0), (SELECT f.what FROM report_followups f WHERE"
      " f.report_uuid = r.uuid AND f.deleted = 0 AND f.what IS NOT NULL ORDER BY f.at DESC,"
      " f.created_at DESC LIMIT 1), c.label_zh FROM reports r LEFT JOIN categories c ON"
      " c.key = r.category WHERE r.uuid = ?",
      error);
  if (more == NULL)
    return -1;
  Routing names = { .store = store };
  sqlite3_stmt *place_stmts[2] = { NULL, NULL };
  GString *buf = g_string_new ("[");
  for (guint i = 0; i < reports->len; i++)
    {
      const CmReportInfo *r = reports->pdata[i];
      sqlite3_reset (more);
      sqlite3_bind_text (more, 1, r->uuid, -1, SQLITE_STATIC);
      if (sqlite3_step (more) != SQLITE_ROW)
        continue;
      const char *updated = (const char *) sqlite3_column_text (more, 0);
      const char *followed = (const char *) sqlite3_column_text (more, 1);
      if (followed && g_strcmp0 (followed, updated) > 0)
        updated = followed;
      const char *notes = (const char *) sqlite3_column_text (more, 2);
      const char *label = (const char *) sqlite3_column_text (more, 3);
      g_string_append (buf, i ? ",\n{" : "\n{");
      append_member_string (buf, "service_request_id", r->uuid);
      g_string_append_c (buf, ',');
      append_member_string (buf, "status", cm_report_status_is_open (r->status) ? "open" : "closed");
      if (notes)
        {
          g_string_append_c (buf, ',');
          append_member_string (buf, "status_notes", notes);
        }
      g_string_append_c (buf, ',');
      append_member_string (buf, "service_code", r->category);
      g_string_append_c (buf, ',');
      append_member_string (buf, "service_name", label ? label : r->category);
      g_string_append_c (buf, ',');
      append_member_string (buf, "description",
                            r->description ? r->description : r->name ? r->name : "");
      g_autofree char *agency = r->responsible_uuid ? responsible_name (&names, r->responsible_uuid)
                                                    : NULL;
      if (agency)
        {
          g_string_append_c (buf, ',');
          append_member_string (buf, "agency_responsible", agency);
        }
      g_autofree char *requested = w3c_time (r->reported_at);
      g_autofree char *changed = w3c_time (updated);
      g_string_append_c (buf, ',');
      append_member_string (buf, "requested_datetime", requested);
      g_string_append_c (buf, ',');
      append_member_string (buf, "updated_datetime", changed);
      double place_m;
      g_autofree char *place = nearest_place (store, place_stmts, r->lon, r->lat, &place_m);
      if (place)
        {
          g_string_append_c (buf, ',');
          append_member_string (buf, "address", place);
        }
      g_string_append (buf, ",\"lat\":");
      cm_json_append_double (buf, r->lat);
      g_string_append (buf, ",\"long\":");
      cm_json_append_double (buf, r->lon);
      g_string_append_c (buf, '}');
    }
  g_string_append (buf, reports->len ? "\n]\n" : "]\n");
  sqlite3_finalize (more);
  g_clear_pointer (&place_stmts[0], sqlite3_finalize);
  g_clear_pointer (&place_stmts[1], sqlite3_finalize);
  routing_clear (&names);
  gboolean ok = g_output_stream_write_all (out, buf->str, buf->len, NULL, NULL, error);
  g_string_free (buf, TRUE);
  return ok ? (gint64) reports->len : -1;
}
