/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-reports.c: residents' reports (issue #18) — status transitions, the append-only
 * timeline and its undo, duplicates at 29.9 m and 30.1 m, routing against the coverage
 * analysis and a brute force with PROJ's distances, the agenda's order, the GeoJSON round trip. */
#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "cm-core.h"
#include "cm-store-private.h"
#include "cm-test-util.h"

static CmStore *
new_map (const char *name)
{
  static const char *const none[] = { NULL };
  return cm_test_new_map (name, none);
}

/* A new report at @lon, @lat; returns its uuid. */
static char *
add_report (CmStore *store, double lon, double lat, const char *category, gboolean urgent,
            const char *reported_at)
{
  g_autoptr (CmFeature) f = cm_feature_new (CM_LAYER_REPORTS);
  g_autoptr (GBytes) wkb = cm_test_point_wkb (store, lon, lat);
  cm_feature_set_wkb (f, wkb);
  cm_feature_set_category (f, category);
  cm_feature_set_field (f, "urgent", g_variant_new_int64 (urgent));
  if (reported_at)
    cm_feature_set_field (f, "reported_at", g_variant_new_string (reported_at));
  g_autoptr (GError) error = NULL;
  g_assert_true (cm_reports_add (store, f, &error));
  g_assert_no_error (error);
  return g_strdup (cm_feature_get_uuid (f));
}

static CmReportStatus
status_of (CmStore *store, const char *uuid)
{
  g_autoptr (CmFeature) f = cm_store_get_feature (store, CM_LAYER_REPORTS, uuid, NULL);
  g_assert_nonnull (f);
  return cm_report_get_status (f);
}

/* The longitude @metres east of @lon at @lat, by PROJ's geodesic (bisection). */
static double
east_of (double lon, double lat, double metres)
{
  double lo = 0, hi = 0.01;
  for (int i = 0; i < 200; i++)
    {
      double mid = (lo + hi) / 2;
      if (cm_test_geod_distance (lon, lat, lon + mid, lat) < metres)
        lo = mid;
      else
        hi = mid;
    }
  return lon + (lo + hi) / 2;
}

/* Every pair of statuses against the table the workflow gives. */
static void
test_transitions (void)
{
  const CmReportStatus R = CM_REPORT_REPORTED, A = CM_REPORT_ACKNOWLEDGED, H = CM_REPORT_IN_HAND,
                       S = CM_REPORT_RESOLVED, C = CM_REPORT_CLOSED, O = CM_REPORT_REOPENED;
  /* allowed[from] lists the statuses a report may go to */
  static const char *const allowed[CM_N_REPORT_STATUSES] = {
    [CM_REPORT_REPORTED] = "AHSC", [CM_REPORT_ACKNOWLEDGED] = "HSC", [CM_REPORT_IN_HAND] = "SC",
    [CM_REPORT_RESOLVED] = "CO",   [CM_REPORT_CLOSED] = "O",         [CM_REPORT_REOPENED] = "AHSC",
  };
  const char letters[] = "RAHSCO";
  for (int from = 0; from < CM_N_REPORT_STATUSES; from++)
    for (int to = 0; to < CM_N_REPORT_STATUSES; to++)
      {
        gboolean want = strchr (allowed[from], letters[to]) != NULL;
        if (cm_report_status_can_change (from, to) != want)
          g_error ("%s → %s: %s", cm_report_status_to_string (from),
                   cm_report_status_to_string (to), want ? "refused" : "allowed");
      }
  g_assert_true (cm_report_status_is_open (R) && cm_report_status_is_open (A) &&
                 cm_report_status_is_open (H) && cm_report_status_is_open (O));
  g_assert_false (cm_report_status_is_open (S) || cm_report_status_is_open (C));
  g_assert_cmpint (cm_report_status_from_string (NULL), ==, R);
  g_assert_cmpint (cm_report_status_from_string ("done"), ==, CM_REPORT_NO_STATUS);

  /* through the store: a refused change writes nothing; reopening keeps the history */
  g_autoptr (CmStore) store = new_map ("transitions.sqlite");
  g_autofree char *uuid = add_report (store, 116.3, 40.0, "broken_street_light", FALSE, NULL);
  g_assert_cmpint (status_of (store, uuid), ==, R);
  g_autoptr (GError) error = NULL;
  g_autofree char *f1 = cm_reports_add_followup (store, uuid, "2026-12-01", "王社工", "已上门查看",
                                                 CM_REPORT_IN_HAND, &error);
  g_assert_no_error (error);
  g_assert_cmpint (status_of (store, uuid), ==, H);
  gint64 versions = cm_test_query_int (store, "SELECT count(*) FROM cm_versions");
  char *refused = cm_reports_add_followup (store, uuid, NULL, NULL, "再次打开",
                                           CM_REPORT_REOPENED, &error);
  g_assert_null (refused);
  g_assert_error (error, CM_STORE_ERROR, CM_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "In hand"));
  g_assert_nonnull (strstr (error->message, "Resolved or Closed"));
  g_clear_error (&error);
  g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM report_followups"), ==, 1);
  g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM cm_versions"), ==, versions);
  g_assert_cmpint (status_of (store, uuid), ==, H);
  /* an empty follow-up that changes nothing is refused too */
  g_assert_null (cm_reports_add_followup (store, uuid, NULL, "王社工", "  ", CM_REPORT_NO_STATUS,
                                          &error));
  g_assert_error (error, CM_STORE_ERROR, CM_STORE_ERROR_INVALID);
  g_clear_error (&error);
  /* a bad date */
  g_assert_null (cm_reports_add_followup (store, uuid, "2026-13-40", NULL, "x",
                                          CM_REPORT_NO_STATUS, &error));
  g_assert_error (error, CM_STORE_ERROR, CM_STORE_ERROR_INVALID);
  g_clear_error (&error);

  g_autofree char *f2 = cm_reports_add_followup (store, uuid, "2026-12-03", "物业", "换了灯泡",
                                                 CM_REPORT_RESOLVED, &error);
  g_autofree char *f3 = cm_reports_add_followup (store, uuid, "2026-12-05", "居民", "又不亮了",
                                                 CM_REPORT_REOPENED, &error);
  g_assert_no_error (error);
  g_assert_cmpint (status_of (store, uuid), ==, O);
  g_autoptr (GPtrArray) timeline = cm_reports_get_timeline (store, uuid, FALSE, &error);
  g_assert_cmpuint (timeline->len, ==, 3);
  const CmFollowup *first = timeline->pdata[0], *last = timeline->pdata[2];
  g_assert_cmpstr (first->uuid, ==, f1);
  g_assert_cmpstr (first->what, ==, "已上门查看");
  g_assert_cmpint (first->status, ==, H);
  g_assert_cmpstr (last->uuid, ==, f3);
  g_assert_cmpint (last->status, ==, O);
  /* an unknown report */
  g_assert_null (cm_reports_add_followup (store, "00000000-0000-4000-8000-000000000000", NULL,
                                          NULL, "x", CM_REPORT_NO_STATUS, &error));
  g_assert_error (error, CM_STORE_ERROR, CM_STORE_ERROR_NOT_FOUND);
}

/* The timeline cannot be rewritten or removed, by us or by SQL; undo withdraws an entry and
 * puts its status back, redo brings both back. */
static void
test_timeline_append_only (void)
{
  g_autoptr (CmStore) store = new_map ("timeline.sqlite");
  g_autofree char *uuid = add_report (store, 116.3, 40.0, "unsafe_spot", TRUE, "2026-11-30");
  g_autoptr (GError) error = NULL;
  g_autofree char *ack = cm_reports_add_followup (store, uuid, NULL, "站长", "已受理",
                                                  CM_REPORT_ACKNOWLEDGED, &error);
  g_assert_no_error (error);
  g_assert_false (_cm_store_exec (store, "UPDATE report_followups SET what = '改写'", &error));
  g_assert_nonnull (strstr (error->message, "never rewritten"));
  g_clear_error (&error);
  g_assert_false (_cm_store_exec (store, "DELETE FROM report_followups", &error));
  g_assert_nonnull (strstr (error->message, "never removed"));
  g_clear_error (&error);
  g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM report_followups WHERE"
                                             " what = '已受理'"), ==, 1);

  /* undo: the entry stays in the file, withdrawn; the report is reported again */
  g_assert_true (cm_reports_withdraw_followup (store, ack, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status_of (store, uuid), ==, CM_REPORT_REPORTED);
  g_autoptr (GPtrArray) live = cm_reports_get_timeline (store, uuid, FALSE, &error);
  g_autoptr (GPtrArray) all = cm_reports_get_timeline (store, uuid, TRUE, &error);
  g_assert_cmpuint (live->len, ==, 0);
  g_assert_cmpuint (all->len, ==, 1);
  g_assert_true (((CmFollowup *) all->pdata[0])->withdrawn);
  /* redo */
  g_assert_true (cm_reports_restore_followup (store, ack, &error));
  g_assert_cmpint (status_of (store, uuid), ==, CM_REPORT_ACKNOWLEDGED);

  /* a withdrawn entry whose status has been changed since leaves the newer status */
  g_autofree char *hand = cm_reports_add_followup (store, uuid, NULL, NULL, NULL,
                                                   CM_REPORT_IN_HAND, &error);
  g_assert_no_error (error);
  g_assert_true (cm_reports_withdraw_followup (store, ack, &error));
  g_assert_cmpint (status_of (store, uuid), ==, CM_REPORT_IN_HAND);

  /* residents: its own count and each "raised" entry; a withdrawn one no longer counts */
  g_assert_cmpint (cm_reports_count_residents (store, uuid, &error), ==, 1);
  g_autofree char *r1 = cm_reports_add_resident (store, uuid, NULL, "5号楼居民", NULL, &error);
  g_autofree char *r2 = cm_reports_add_resident (store, uuid, NULL, NULL, "晚上很危险", &error);
  g_assert_no_error (error);
  g_assert_cmpint (cm_reports_count_residents (store, uuid, &error), ==, 3);
  g_assert_true (cm_reports_withdraw_followup (store, r2, &error));
  g_assert_cmpint (cm_reports_count_residents (store, uuid, &error), ==, 2);
  /* every entry was versioned as it was written, so a copy merged elsewhere gets it */
  g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM cm_versions WHERE layer ="
                                             " 'report_followups' AND field = ''"), ==, 4);
  g_assert_cmpint (cm_versions_count_pending (store, NULL), ==, 0);
}

/* The window's undo and redo (CmHistory): a report added starts reported today; a follow-up and
 * a resident joining are a step each, undone in turn, then redone, with the other steps. */
static void
test_history_steps (void)
{
  g_autoptr (CmStore) store = new_map ("history-steps.sqlite");
  g_autoptr (CmHistory) history = cm_history_new (store);
  g_autoptr (GError) error = NULL;
  g_autoptr (CmFeature) f = cm_feature_new (CM_LAYER_REPORTS);
  g_autoptr (GBytes) wkb = cm_test_point_wkb (store, 116.3, 40.0);
  cm_feature_set_wkb (f, wkb);
  cm_feature_set_category (f, "broken_street_light");
  g_assert_true (cm_history_add (history, f, &error));
  g_assert_no_error (error);
  const char *uuid = cm_feature_get_uuid (f);
  g_assert_cmpint (status_of (store, uuid), ==, CM_REPORT_REPORTED);
  g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM reports WHERE reported_at ="
                                             " strftime('%Y-%m-%d', 'now')"), ==, 1);
  g_autofree char *voice = cm_history_add_resident (history, uuid, "李", NULL, &error);
  g_autofree char *hand = cm_history_add_followup (history, uuid, "王", "联系物业",
                                                   CM_REPORT_IN_HAND, &error);
  g_assert_no_error (error);
  g_assert_nonnull (voice);
  g_assert_nonnull (hand);
  g_assert_cmpint (cm_reports_count_residents (store, uuid, NULL), ==, 2);
  /* a refused change is no step */
  g_assert_null (cm_history_add_followup (history, uuid, NULL, NULL, CM_REPORT_REPORTED, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  double touched[4];
  g_autoptr (CmFeature) now = NULL;
  g_assert_true (cm_history_undo (history, touched, &now, &error));
  g_assert_no_error (error);
  /* the report as the undo left it, and the box to redraw around its point */
  g_assert_cmpint (cm_report_get_status (now), ==, CM_REPORT_REPORTED);
  g_assert_cmpfloat (fabs (touched[0] - 116.3), <, 1e-9);
  g_assert_cmpfloat (fabs (touched[1] - 40.0), <, 1e-9);
  g_assert_cmpint (cm_reports_count_residents (store, uuid, NULL), ==, 2);
  g_assert_true (cm_history_undo (history, NULL, NULL, &error));
  g_assert_cmpint (cm_reports_count_residents (store, uuid, NULL), ==, 1);
  g_assert_true (cm_history_undo (history, NULL, NULL, &error)); /* the report itself */
  g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM reports WHERE deleted = 0"),
                   ==, 0);
  g_assert_false (cm_history_can_undo (history));
  for (int i = 0; i < 3; i++)
    g_assert_true (cm_history_redo (history, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status_of (store, uuid), ==, CM_REPORT_IN_HAND);
  g_assert_cmpint (cm_reports_count_residents (store, uuid, NULL), ==, 2);
  g_autoptr (GPtrArray) timeline = cm_reports_get_timeline (store, uuid, TRUE, &error);
  g_assert_cmpuint (timeline->len, ==, 2); /* written once each, never twice */
}

/* A report's compound: the first compound (in the order drawn) its point stands in, as a
 * building's — checked against SpatiaLite's Contains — and none outside them. */
static void
test_compounds (void)
{
  g_autofree char *path = cm_test_demo_copy ("report-compounds.sqlite");
  g_autoptr (GError) error = NULL;
  g_autoptr (CmStore) store = cm_store_open (path, &error);
  g_assert_no_error (error);
  /* a point inside each compound (SpatiaLite's PointOnSurface), and one far away */
  sqlite3_stmt *stmt = _cm_store_prepare (store, "SELECT X(PointOnSurface(geom)),"
                                                 " Y(PointOnSurface(geom)) FROM compounds"
                                                 " WHERE deleted = 0 ORDER BY id", &error);
  g_assert_no_error (error);
  g_autoptr (GHashTable) expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                           g_free);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      double lon = sqlite3_column_double (stmt, 0), lat = sqlite3_column_double (stmt, 1);
      char *uuid = add_report (store, lon, lat, "unsafe_spot", FALSE, NULL);
      g_autofree char *sql = g_strdup_printf (
          "SELECT name FROM compounds WHERE deleted = 0 AND"
          " Contains(geom, MakePoint(%.12f, %.12f, 4326)) ORDER BY id LIMIT 1", lon, lat);
      sqlite3_stmt *inside = _cm_store_prepare (store, sql, &error);
      g_assert_no_error (error);
      g_assert_cmpint (sqlite3_step (inside), ==, SQLITE_ROW);
      g_hash_table_insert (expected, uuid, g_strdup ((const char *) sqlite3_column_text (inside, 0)));
      sqlite3_finalize (inside);
    }
  sqlite3_finalize (stmt);
  g_assert_cmpuint (g_hash_table_size (expected), ==, 4);
  g_hash_table_insert (expected, add_report (store, 117.5, 40.0, "unsafe_spot", FALSE, NULL),
                       NULL);
  g_autoptr (GPtrArray) reports = cm_reports_list (store, FALSE, &error);
  g_assert_true (cm_reports_set_compounds (store, reports, &error));
  guint named = 0, ours = 0;
  for (guint i = 0; i < reports->len; i++)
    {
      const CmReportInfo *r = reports->pdata[i];
      if (!g_hash_table_contains (expected, r->uuid))
        continue; /* the demo's own */
      ours++;
      g_assert_cmpstr (r->compound, ==, g_hash_table_lookup (expected, r->uuid));
      named += r->compound != NULL;
    }
  g_assert_cmpuint (ours, ==, 5);
  g_assert_cmpuint (named, ==, 4);
}

/* Duplicates within 30 m of an open report of the same category, and no others. */
static void
test_duplicates (void)
{
  g_autoptr (CmStore) store = new_map ("duplicates.sqlite");
  const double lon = 116.3265, lat = 40.0033;
  g_autofree char *a = add_report (store, lon, lat, "broken_street_light", FALSE, "2026-11-01");
  g_autofree char *near = add_report (store, east_of (lon, lat, 29.9), lat, "broken_street_light",
                                      FALSE, "2026-11-02");
  g_autofree char *far = add_report (store, east_of (lon, lat, 30.1), lat, "broken_street_light",
                                     FALSE, "2026-11-03");
  g_autofree char *other = add_report (store, lon, lat, "locked_gate", FALSE, "2026-11-04");
  g_autofree char *done = add_report (store, east_of (lon, lat, 10), lat, "broken_street_light",
                                      FALSE, "2026-11-05");
  g_autoptr (GError) error = NULL;
  g_autofree char *f = cm_reports_add_followup (store, done, NULL, NULL, "修好了",
                                                CM_REPORT_RESOLVED, &error);
  g_assert_no_error (error);

  g_autoptr (GPtrArray) found = cm_reports_find_nearby (store, lon, lat, "broken_street_light",
                                                        CM_REPORT_DUPLICATE_M, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 2);
  const CmReportInfo *first = found->pdata[0], *second = found->pdata[1];
  g_assert_cmpstr (first->uuid, ==, a);
  g_assert_cmpfloat (first->distance_m, <, 0.001);
  g_assert_cmpstr (second->uuid, ==, near);
  g_assert_cmpfloat (fabs (second->distance_m - 29.9), <, 0.01);
  /* leaving out the report asked about */
  g_autoptr (GPtrArray) others = cm_reports_find_nearby (store, lon, lat, "broken_street_light",
                                                         CM_REPORT_DUPLICATE_M, a, &error);
  g_assert_cmpuint (others->len, ==, 1);

  /* the agenda: a and near one item of two reports, far its own, the gate its own; the
   * resolved one in none */
  CmAgendaOptions o = { .today = "2026-12-01" };
  g_autoptr (GPtrArray) agenda = cm_reports_agenda (store, &o, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (agenda->len, ==, 3);
  guint with_two = 0;
  for (guint i = 0; i < agenda->len; i++)
    {
      const CmAgendaItem *item = agenda->pdata[i];
      for (guint k = 0; k < item->reports->len; k++)
        g_assert_cmpstr (((CmReportInfo *) item->reports->pdata[k])->uuid, !=, done);
      if (item->reports->len == 2)
        {
          with_two++;
          g_assert_cmpstr (((CmReportInfo *) item->reports->pdata[0])->uuid, ==, a);
          g_assert_cmpstr (((CmReportInfo *) item->reports->pdata[1])->uuid, ==, near);
          g_assert_cmpint (item->residents, ==, 2);
          g_assert_cmpint (item->days_open, ==, 30);
        }
      else
        g_assert_cmpuint (item->reports->len, ==, 1);
    }
  g_assert_cmpuint (with_two, ==, 1);

  /* reopened, the resolved one is open again: a duplicate, and in the agenda */
  g_autofree char *again = cm_reports_add_followup (store, done, NULL, NULL, "又坏了",
                                                    CM_REPORT_REOPENED, &error);
  g_assert_no_error (error);
  g_autoptr (GPtrArray) reopened = cm_reports_find_nearby (store, lon, lat, "broken_street_light",
                                                           CM_REPORT_DUPLICATE_M, NULL, &error);
  g_assert_cmpuint (reopened->len, ==, 3);
  g_autoptr (GPtrArray) agenda2 = cm_reports_agenda (store, &o, &error);
  guint reports = 0;
  for (guint i = 0; i < agenda2->len; i++)
    reports += ((CmAgendaItem *) agenda2->pdata[i])->reports->len;
  g_assert_cmpuint (reports, ==, 5);
}

/* Routing on the demo map: the station whose radius holds a report is the one the coverage
 * analysis finds holds the building there (covered or not), checked also against a brute force
 * with PROJ's distances; by walking, the station the walking coverage finds nearest on foot. */
static void
test_routing (void)
{
  g_autofree char *path = cm_test_demo_copy ("routing.sqlite");
  g_autoptr (GError) error = NULL;
  g_autoptr (CmStore) store = cm_store_open (path, &error);
  g_assert_no_error (error);
  g_autoptr (CmCoverage) c = cm_coverage_load (store, "stations", 0, &error);
  g_assert_no_error (error);
  cm_coverage_compute_radius (c);
  g_assert_cmpuint (c->buildings->len, >, 500);
  guint covered = 0, uncovered = 0;
  for (guint i = 0; i < c->buildings->len; i++)
    {
      const CmCoverageBuilding *b = &g_array_index (c->buildings, CmCoverageBuilding, i);
      g_autofree char *station = NULL, *team = NULL;
      g_assert_true (cm_reports_suggest_responsible (store, NULL, 0, b->lon, b->lat, &station,
                                                     NULL, &error));
      g_assert_cmpint (station != NULL, ==, b->covered);
      /* brute force: the nearest of the stations whose radius holds the point */
      const char *best = NULL;
      double best_m = INFINITY;
      for (guint s = 0; s < c->sources->len; s++)
        {
          const CmCoverageSource *src = &g_array_index (c->sources, CmCoverageSource, s);
          double d = cm_test_geod_distance (b->lon, b->lat, src->lon, src->lat);
          if (!isnan (src->radius_m) && d <= src->radius_m && d < best_m)
            best = src->uuid, best_m = d;
        }
      g_assert_cmpstr (station, ==, best);
      if (station)
        covered++;
      else
        uncovered++;
    }
  g_test_message ("%u buildings routed to a station, %u outside every station's radius", covered,
                  uncovered);
  g_assert_cmpuint (covered, >, 100);
  g_assert_cmpuint (uncovered, >, 10);

  /* walking at 500 m, a sample of buildings */
  g_autoptr (CmNetwork) network = cm_network_load (store, CM_NETWORK_WALKABLE, &error);
  g_assert_no_error (error);
  cm_coverage_compute_walk (c, network, 500);
  guint walked = 0, sampled = 0;
  for (guint i = 0; i < c->buildings->len; i += 20, sampled++)
    {
      const CmCoverageBuilding *b = &g_array_index (c->buildings, CmCoverageBuilding, i);
      g_autofree char *station = NULL;
      g_assert_true (cm_reports_suggest_responsible (store, network, 500, b->lon, b->lat,
                                                     &station, NULL, &error));
      const char *want =
          b->covered ? g_array_index (c->sources, CmCoverageSource, b->nearest).uuid : NULL;
      g_assert_cmpstr (station, ==, want);
      walked += station != NULL;
    }
  g_test_message ("%u of %u buildings sampled routed on foot", walked, sampled);
  g_assert_cmpuint (walked, >=, 3);
  g_assert_cmpuint (walked, <, sampled);

  /* teams: a point in two teams' areas goes to the self-governance team, then the smaller */
  g_assert_true (_cm_store_exec (
      store,
      "INSERT INTO teams (uuid, name, kind, geom) VALUES"
      " ('11111111-1111-4111-8111-111111111111', '文体队', 'culture_sports',"
      "  CastToMulti (BuildMbr (10.0, 10.0, 10.01, 10.01, 4326))),"
      " ('22222222-2222-4222-8222-222222222222', '大自治队', 'self_governance',"
      "  CastToMulti (BuildMbr (9.99, 9.99, 10.02, 10.02, 4326))),"
      " ('33333333-3333-4333-8333-333333333333', '小自治队', 'self_governance',"
      "  CastToMulti (BuildMbr (10.0, 10.0, 10.005, 10.005, 4326)))",
      &error));
  g_assert_no_error (error);
  struct { double lon, lat; const char *team; } cases[] = {
    { 10.002, 10.002, "33333333-3333-4333-8333-333333333333" },
    { 10.008, 10.008, "22222222-2222-4222-8222-222222222222" },
    { 10.03, 10.03, NULL },
  };
  for (gsize k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      g_autofree char *team = NULL, *station = NULL;
      g_assert_true (cm_reports_suggest_responsible (store, NULL, 0, cases[k].lon, cases[k].lat,
                                                     &station, &team, &error));
      g_assert_cmpstr (team, ==, cases[k].team);
      g_assert_null (station);
    }
}

/* Urgent items first, then by residents, then the oldest; --since and --compound. */
static void
test_agenda_order (void)
{
  g_autofree char *path = cm_test_demo_copy_without_reports ("agenda.sqlite");
  g_autoptr (GError) error = NULL;
  g_autoptr (CmStore) store = cm_store_open (path, &error);
  g_assert_no_error (error);
  /* four places far apart (0.001° of latitude, 111 m) in the demo's campus */
  const double lon = 116.3265, lat = 40.0033;
  g_autofree char *newer = add_report (store, lon, lat, "unsafe_spot", FALSE, "2026-11-20");
  g_autofree char *older = add_report (store, lon, lat + 0.001, "unsafe_spot", FALSE, "2026-11-10");
  g_autofree char *many = add_report (store, lon, lat + 0.002, "unsafe_spot", FALSE, "2026-11-25");
  g_autofree char *urgent = add_report (store, lon, lat + 0.003, "unsafe_spot", TRUE, "2026-11-28");
  for (int i = 0; i < 2; i++)
    {
      g_autofree char *r = cm_reports_add_resident (store, many, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
    }
  CmAgendaOptions o = { .today = "2026-12-10" };
  g_autoptr (GPtrArray) agenda = cm_reports_agenda (store, &o, &error);
  g_assert_no_error (error);
  const char *order[] = { urgent, many, older, newer };
  const gint64 days[] = { 12, 15, 30, 20 };
  g_assert_cmpuint (agenda->len, ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      const CmAgendaItem *item = agenda->pdata[i];
      g_assert_cmpstr (((CmReportInfo *) item->reports->pdata[0])->uuid, ==, order[i]);
      g_assert_cmpint (item->days_open, ==, days[i]);
      g_assert_cmpint (item->residents, ==, i == 1 ? 3 : 1);
      g_assert_true (item->urgent == (i == 0));
    }

  /* JSON, parsed back */
  g_autofree char *json = cm_reports_agenda_to_json (agenda, NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  JsonArray *items = json_object_get_array_member (
      json_node_get_object (json_parser_get_root (parser)), "items");
  g_assert_cmpuint (json_array_get_length (items), ==, 4);
  JsonObject *top = json_array_get_object_element (items, 0);
  g_assert_cmpstr (json_object_get_string_member (top, "category"), ==, "unsafe_spot");
  g_assert_true (json_object_get_boolean_member (top, "urgent"));
  g_assert_cmpint (json_object_get_int_member (top, "residents"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (top, "days_open"), ==, 12);
  g_assert_cmpfloat (json_object_get_double_member (top, "lat"), ==, lat + 0.003);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (top, "reports"),
                                                  0),
                   ==, urgent);

  /* --since leaves out the reports raised before it */
  CmAgendaOptions since = { .since = "2026-11-21", .today = "2026-12-10" };
  g_autoptr (GPtrArray) recent = cm_reports_agenda (store, &since, &error);
  g_assert_cmpuint (recent->len, ==, 2);
  /* an unknown compound and a bad date are refused, saying what to do */
  CmAgendaOptions bad = { .compound = "没有这个小区" };
  g_assert_null (cm_reports_agenda (store, &bad, &error));
  g_assert_nonnull (strstr (error->message, "cmap info"));
  g_clear_error (&error);
  CmAgendaOptions bad_date = { .since = "yesterday" };
  g_assert_null (cm_reports_agenda (store, &bad_date, &error));
  g_assert_nonnull (strstr (error->message, "2026-12-01"));
  g_clear_error (&error);
}

/* Export → import into a new map: statuses, flags, counts and every timeline entry come back;
 * into the same map nothing changes. */
static void
test_geojson_round_trip (void)
{
  g_autoptr (CmStore) store = new_map ("round.sqlite");
  g_autoptr (GError) error = NULL;
  g_autofree char *a = add_report (store, 116.3, 40.0, "locked_gate", TRUE, "2026-11-02");
  g_autofree char *b = add_report (store, 116.31, 40.0, "broken_street_light", FALSE, NULL);
  g_autofree char *f1 = cm_reports_add_followup (store, a, "2026-11-03", "李站长", "已联系物业",
                                                 CM_REPORT_ACKNOWLEDGED, &error);
  g_autofree char *f2 = cm_reports_add_resident (store, a, "2026-11-04", "8号楼楼长", NULL, &error);
  g_autofree char *f3 = cm_reports_add_followup (store, a, "2026-11-05T09:30:00+08:00", NULL,
                                                 "门已改为夜间开放", CM_REPORT_RESOLVED, &error);
  g_assert_no_error (error);
  g_autofree char *dir = cm_test_tmpdir ();
  g_autofree char *out_path = g_build_filename (dir, "reports.geojson", NULL);
  {
    g_autoptr (GFile) file = g_file_new_for_path (out_path);
    g_autoptr (GFileOutputStream) out = g_file_replace (file, NULL, FALSE, 0, NULL, &error);
    g_assert_cmpint (cm_export_geojson (store, CM_LAYER_REPORTS, G_OUTPUT_STREAM (out), NULL,
                                        &error), ==, 2);
    g_assert_no_error (error);
  }
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (out_path, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "\"status\":\"resolved\""));
  g_assert_nonnull (strstr (text, "\"urgent\":true"));
  g_assert_nonnull (strstr (text, "\"at\":\"2026-11-05T01:30:00.000Z\""));

  g_autoptr (CmStore) copy = new_map ("copy.sqlite");
  g_autoptr (CmImportReport) report = cm_import_report_new ();
  g_assert_true (cm_import_file (copy, out_path, CM_LAYER_NONE, NULL, report, NULL, NULL, NULL,
                                 &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report->created, ==, 2);
  g_assert_cmpint (status_of (copy, a), ==, CM_REPORT_RESOLVED);
  g_assert_cmpint (status_of (copy, b), ==, CM_REPORT_REPORTED);
  g_assert_cmpint (cm_reports_count_residents (copy, a, &error), ==, 2);
  g_autoptr (GPtrArray) before = cm_reports_get_timeline (store, a, TRUE, &error);
  g_autoptr (GPtrArray) after = cm_reports_get_timeline (copy, a, TRUE, &error);
  g_assert_cmpuint (after->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      const CmFollowup *x = before->pdata[i], *y = after->pdata[i];
      g_assert_cmpstr (x->uuid, ==, y->uuid);
      g_assert_cmpstr (x->at, ==, y->at);
      g_assert_cmpstr (x->who, ==, y->who);
      g_assert_cmpstr (x->what, ==, y->what);
      g_assert_cmpint (x->status, ==, y->status);
      g_assert_cmpint (x->raised, ==, y->raised);
      g_assert_cmpstr (x->created_at, ==, y->created_at);
    }
  g_autoptr (CmFeature) fa = cm_store_get_feature (copy, CM_LAYER_REPORTS, a, NULL);
  g_assert_cmpint (g_variant_get_int64 (cm_feature_get_field (fa, "urgent")), ==, 1);
  g_assert_cmpstr (g_variant_get_string (cm_feature_get_field (fa, "reported_at"), NULL), ==,
                   "2026-11-02");
  /* undo of the resolution in the copy still puts the status back: status_before came along */
  g_assert_true (cm_reports_withdraw_followup (copy, f3, &error));
  g_assert_cmpint (status_of (copy, a), ==, CM_REPORT_ACKNOWLEDGED);

  /* the same file again into the original: nothing new */
  g_autoptr (CmImportReport) again = cm_import_report_new ();
  g_assert_true (cm_import_file (store, out_path, CM_LAYER_NONE, NULL, again, NULL, NULL, NULL,
                                 &error));
  g_assert_no_error (error);
  g_assert_cmpuint (again->unchanged, ==, 2);
  g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM report_followups"), ==, 3);
}

/* Two copies of a map, a report followed up on both: both follow-ups arrive; two status changes
 * are a conflict to review; merging again is nothing new. */
static void
test_merge (void)
{
  g_autofree char *dir = cm_test_tmpdir ();
  g_autofree char *a_path = g_build_filename (dir, "a.sqlite", NULL);
  g_autofree char *b_path = g_build_filename (dir, "b.sqlite", NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *uuid = NULL;
  {
    g_autoptr (CmStore) a = cm_store_create (a_path, NULL, &error);
    g_assert_no_error (error);
    uuid = add_report (a, 116.3, 40.0, "broken_street_light", FALSE, "2026-11-20");
  }
  g_autofree char *bytes = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (a_path, &bytes, &len, NULL));
  g_assert_true (g_file_set_contents (b_path, bytes, len, NULL));
  g_autofree char *on_b = NULL, *voice_b = NULL;
  {
    g_autoptr (CmStore) b = cm_store_open (b_path, &error);
    on_b = cm_reports_add_followup (b, uuid, "2026-11-21", "B站", "已派人", CM_REPORT_IN_HAND,
                                    &error);
    voice_b = cm_reports_add_resident (b, uuid, NULL, "7号楼", NULL, &error);
    g_assert_no_error (error);
  }
  g_autoptr (CmStore) a = cm_store_open (a_path, &error);
  g_autofree char *on_a = cm_reports_add_followup (a, uuid, "2026-11-21", "A站", "已受理",
                                                   CM_REPORT_ACKNOWLEDGED, &error);
  g_autofree char *voice_a = cm_reports_add_resident (a, uuid, NULL, "3号楼", NULL, &error);
  g_assert_no_error (error);
  g_autoptr (CmMergeReport) r = cm_merge (a, b_path, FALSE, &error);
  g_assert_no_error (error);
  guint conflicts = 0, followups_added = 0;
  for (guint i = 0; i < r->tables->len; i++)
    {
      const CmMergeCounts *c = &g_array_index (r->tables, CmMergeCounts, i);
      conflicts += c->conflicts;
      if (g_str_equal (c->table, "report_followups"))
        followups_added = c->added;
    }
  g_assert_cmpuint (followups_added, ==, 2);
  g_assert_cmpuint (conflicts, ==, 1);
  g_autoptr (GPtrArray) timeline = cm_reports_get_timeline (a, uuid, FALSE, &error);
  g_assert_cmpuint (timeline->len, ==, 4);
  /* both voices count: 1 + 2 */
  g_assert_cmpint (cm_reports_count_residents (a, uuid, &error), ==, 3);
  /* the status is the one conflict, on the report's status field */
  g_autoptr (GPtrArray) listed = cm_merge_list_conflicts (a, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, 1);
  /* the other value of the status kept for the review (a row changed on both sides also
   * conflicts on `deleted`, docs/merge.md rule 4, here 0 on both); no other field */
  g_autofree char *live = NULL;
  {
    g_autoptr (CmFeature) f = cm_store_get_feature (a, CM_LAYER_REPORTS, uuid, NULL);
    live = g_strdup (cm_report_status_to_string (cm_report_get_status (f)));
  }
  g_assert_true (g_str_equal (live, "acknowledged") || g_str_equal (live, "in_hand"));
  g_autofree char *other_sql = g_strdup_printf (
      "SELECT count(*) FROM cm_conflicts WHERE layer = 'reports' AND field = 'status' AND"
      " value = '%s'", g_str_equal (live, "acknowledged") ? "in_hand" : "acknowledged");
  g_assert_cmpint (cm_test_query_int (a, other_sql), ==, 1);
  g_assert_cmpint (cm_test_query_int (a, "SELECT count(*) FROM cm_conflicts WHERE"
                                         " field NOT IN ('status', 'deleted')"), ==, 0);
  g_autoptr (CmMergeReport) again = cm_merge (a, b_path, FALSE, &error);
  g_assert_true (again->nothing_new);
}

/* The distance to "the nearest named building or path" (cm_geom_distance_m): for the demo's
 * named buildings and paths and points around them, equal to a brute force over each outline
 * cut every 5 cm and measured with PROJ's geod_inverse (within 0.05% + 3 cm), 0 inside an area
 * exactly where SpatiaLite's ST_Contains says so. */
static void
test_place_distance (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CmStore) store = cm_store_open (g_getenv ("DEMO_MAP"), &error);
  g_assert_no_error (error);
  sqlite3_stmt *stmt = _cm_store_prepare (
      store,
      "SELECT AsBinary (geom), X (c), Y (c), 'b' FROM (SELECT geom, ST_Centroid (geom) AS c FROM"
      " buildings WHERE name IS NOT NULL AND id % 7 = 0 LIMIT 12) UNION ALL SELECT AsBinary"
      " (geom), X (c), Y (c), 'p' FROM (SELECT geom, ST_Centroid (geom) AS c FROM paths WHERE"
      " name IS NOT NULL LIMIT 12)",
      &error);
  g_assert_no_error (error);
  sqlite3_stmt *contains = _cm_store_prepare (
      store, "SELECT ST_Contains (GeomFromWKB (?1, 4326), MakePoint (?2, ?3, 4326))", &error);
  GRand *rand = g_rand_new_with_seed (7);
  guint compared = 0, inside = 0;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr (CmGeom) g = cm_geom_from_wkb (sqlite3_column_blob (stmt, 0),
                                               sqlite3_column_bytes (stmt, 0));
      double cx = sqlite3_column_double (stmt, 1), cy = sqlite3_column_double (stmt, 2);
      for (int k = 0; k < 8; k++)
        {
          double lon = cx + g_rand_double_range (rand, -0.0006, 0.0006);
          double lat = cy + g_rand_double_range (rand, -0.0004, 0.0004);
          double ours = cm_geom_distance_m (g, lon, lat);
          sqlite3_reset (contains);
          sqlite3_bind_blob (contains, 1, sqlite3_column_blob (stmt, 0),
                             sqlite3_column_bytes (stmt, 0), SQLITE_STATIC);
          sqlite3_bind_double (contains, 2, lon);
          sqlite3_bind_double (contains, 3, lat);
          g_assert_cmpint (sqlite3_step (contains), ==, SQLITE_ROW);
          if (sqlite3_column_int (contains, 0) == 1)
            {
              g_assert_cmpfloat (ours, ==, 0);
              inside++;
              continue;
            }
          /* brute force: every ring's or line's segments cut every 5 cm */
          const double *xy = (const double *) g->xy->data;
          double best = INFINITY;
          guint pos = 0;
          for (guint r = 0; r < g->ring_len->len; r++)
            {
              guint n = g_array_index (g->ring_len, guint, r);
              for (guint i = 0; i + 1 < n; i++)
                {
                  const double *a = xy + 2 * (pos + i), *b = a + 2;
                  double len = cm_test_geod_distance (a[0], a[1], b[0], b[1]);
                  int steps = MAX (1, (int) ceil (len / 0.05));
                  for (int j = 0; j <= steps; j++)
                    {
                      double t = (double) j / steps;
                      best = MIN (best, cm_test_geod_distance (lon, lat, a[0] + t * (b[0] - a[0]),
                                                               a[1] + t * (b[1] - a[1])));
                    }
                }
              pos += n;
            }
          if (fabs (ours - best) > best * 5e-4 + 0.03)
            g_error ("distance %.3f m, brute force %.3f m", ours, best);
          compared++;
        }
    }
  sqlite3_finalize (stmt);
  sqlite3_finalize (contains);
  g_rand_free (rand);
  g_test_message ("%u distances compared, %u points inside an area", compared, inside);
  g_assert_cmpuint (compared, >, 50);
  g_assert_cmpuint (inside, >, 3);
}

/* Per responsible station: open, resolved, the median days to resolve; no one's last. */
static void
test_by_responsible (void)
{
  g_autofree char *path = cm_test_demo_copy_without_reports ("by-station.sqlite");
  g_autoptr (GError) error = NULL;
  g_autoptr (CmStore) store = cm_store_open (path, &error);
  g_assert_no_error (error);
  g_autoptr (CmCoverage) c = cm_coverage_load (store, "stations", 0, &error);
  const char *a = g_array_index (c->sources, CmCoverageSource, 0).uuid;
  const char *b = g_array_index (c->sources, CmCoverageSource, 1).uuid;
  /* a: 2 open, 3 resolved after 2, 4 and 10 days (median 4); b: 1 open; and one no one is
   * responsible for */
  const struct { const char *who; const char *done_at; } reports[] = {
    { a, NULL }, { a, NULL }, { a, "2026-11-03" }, { a, "2026-11-05" }, { a, "2026-11-11" },
    { b, NULL }, { NULL, NULL },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (reports); i++)
    {
      g_autofree char *uuid = add_report (store, 116.32, 40.0, "unsafe_spot", FALSE, "2026-11-01");
      g_autoptr (CmFeature) f = cm_store_get_feature (store, CM_LAYER_REPORTS, uuid, NULL);
      if (reports[i].who)
        {
          cm_feature_set_field (f, "responsible_uuid", g_variant_new_string (reports[i].who));
          g_assert_true (cm_store_update_feature (store, f, &error));
        }
      if (reports[i].done_at)
        {
          g_autofree char *fu = cm_reports_add_followup (store, uuid, reports[i].done_at, NULL,
                                                         "done", CM_REPORT_RESOLVED, &error);
          g_assert_no_error (error);
        }
    }
  g_autoptr (GPtrArray) counts = cm_reports_count_by_responsible (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (counts->len, ==, 3);
  const CmResponsibleCounts *first = counts->pdata[0], *second = counts->pdata[1],
                            *none = counts->pdata[2];
  g_assert_cmpstr (first->uuid, ==, a);
  g_assert_cmpuint (first->open, ==, 2);
  g_assert_cmpuint (first->done, ==, 3);
  g_assert_cmpfloat (first->median_days, ==, 4);
  g_assert_nonnull (first->name);
  g_assert_cmpstr (second->uuid, ==, b);
  g_assert_cmpuint (second->open, ==, 1);
  g_assert_true (isnan (second->median_days));
  g_assert_null (none->uuid);
  g_assert_cmpuint (none->open, ==, 1);
}

/* Values people type or files give for the reports' fields. */
static void
test_fields (void)
{
  const CmLayerField *status = cm_layer_find_field (CM_LAYER_REPORTS, "status");
  const CmLayerField *urgent = cm_layer_find_field (CM_LAYER_REPORTS, "urgent");
  const CmLayerField *day = cm_layer_find_field (CM_LAYER_REPORTS, "reported_at");
  struct { const CmLayerField *field; const char *text, *want; } ok[] = {
    { status, "处理中", "'in_hand'" },   { status, " In hand ", "'in_hand'" },
    { status, "RESOLVED", "'resolved'" }, { urgent, "是", "int64 1" },
    { urgent, "否", "int64 0" },          { urgent, "true", "int64 1" },
    { day, "2026/12/5", "'2026-12-05'" }, { day, "2026年12月5日", "'2026-12-05'" },
    { day, "2026-12-05T08:00:00+08:00", "'2026-12-05T00:00:00.000Z'" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (ok); i++)
    {
      g_autoptr (GVariant) v = NULL;
      g_autoptr (GError) error = NULL;
      g_assert_true (cm_layer_field_parse (ok[i].field, ok[i].text, &v, &error));
      g_autofree char *shown = g_variant_print (v, TRUE);
      g_assert_cmpstr (shown, ==, ok[i].want);
      g_assert_true (cm_layer_field_check (ok[i].field, v, NULL));
    }
  struct { const CmLayerField *field; const char *text, *says; } bad[] = {
    { status, "done", "Reported, Acknowledged" },
    { urgent, "maybe", "yes or no" },
    { day, "2026-02-30", "2026-12-05" },
    { day, "soon", "2026-12-05" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GVariant) v = NULL;
      g_autoptr (GError) error = NULL;
      g_assert_false (cm_layer_field_parse (bad[i].field, bad[i].text, &v, &error));
      g_assert_nonnull (strstr (error->message, bad[i].says));
    }
  /* the store refuses a status that is not a key */
  g_autoptr (CmStore) store = new_map ("fields.sqlite");
  g_autoptr (CmFeature) f = cm_feature_new (CM_LAYER_REPORTS);
  g_autoptr (GBytes) wkb = cm_test_point_wkb (store, 116.3, 40.0);
  cm_feature_set_wkb (f, wkb);
  cm_feature_set_field (f, "status", g_variant_new_string ("done"));
  g_autoptr (GError) error = NULL;
  g_assert_false (cm_store_add_feature (store, f, &error));
  g_assert_error (error, CM_STORE_ERROR, CM_STORE_ERROR_INVALID);
  g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM reports"), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/reports/transitions", test_transitions);
  g_test_add_func ("/reports/timeline-append-only", test_timeline_append_only);
  g_test_add_func ("/reports/history-steps", test_history_steps);
  g_test_add_func ("/reports/compounds", test_compounds);
  g_test_add_func ("/reports/duplicates", test_duplicates);
  g_test_add_func ("/reports/routing", test_routing);
  g_test_add_func ("/reports/agenda-order", test_agenda_order);
  g_test_add_func ("/reports/geojson-round-trip", test_geojson_round_trip);
  g_test_add_func ("/reports/merge", test_merge);
  g_test_add_func ("/reports/by-responsible", test_by_responsible);
  g_test_add_func ("/reports/place-distance", test_place_distance);
  g_test_add_func ("/reports/fields", test_fields);
  return g_test_run ();
}
