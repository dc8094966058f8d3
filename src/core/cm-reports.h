/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-reports.h: residents' reports of problems (issue #18) — a broken street light, rubbish
 * behind a building, a gate locked at night — with a status, who is responsible, a timeline of
 * follow-ups, duplicates found nearby, and the deliberation meeting's agenda made from them.
 *
 * A report is a feature of the `reports` layer (cm-layer.c: status, urgent, residents,
 * responsible_uuid, reported_at, raised_by). Its timeline is the table `report_followups`,
 * append-only: a follow-up is never rewritten or removed, only undo withdraws one (a tombstone),
 * so copies merged from several laptops keep every entry (docs/merge.md). What follows from the
 * timeline:
 *  - a follow-up may change the status, only along the allowed transitions
 *    (cm_report_status_can_change); the report's `status` field is set with it, in the same
 *    transaction (two laptops changing one report's status: a conflict to review);
 *  - "another resident raised it" is an entry of its own (kind "raised"): the residents who
 *    raised a report are its `residents` field (1 when empty) plus those entries, so voices
 *    added on two laptops both count after a merge.
 * Every call that writes is one transaction and one undoable step. */
#pragma once

#include <gio/gio.h>

#include "cm-feature.h"
#include "cm-network.h"
#include "cm-store.h"

G_BEGIN_DECLS

typedef enum
{
  CM_REPORT_REPORTED,     /* 已上报 */
  CM_REPORT_ACKNOWLEDGED, /* 已受理 */
  CM_REPORT_IN_HAND,      /* 处理中 */
  CM_REPORT_RESOLVED,     /* 已解决 */
  CM_REPORT_CLOSED,       /* 已关闭 */
  CM_REPORT_REOPENED,     /* 重新打开 */
  CM_N_REPORT_STATUSES,
  CM_REPORT_NO_STATUS = -1
} CmReportStatus;

/* The kinds of problem residents raise (categories.json), NULL-terminated: offered first when a
 * report is placed; any other category may be a report's too. */
extern const char *const cm_report_problem_categories[];

/* Duplicates: a report within this many metres of an open one of the same category. */
#define CM_REPORT_DUPLICATE_M 30.0

const char *cm_report_status_to_string (CmReportStatus status); /* "in_hand" */
/* The status a key names; NULL or empty: reported (a row another program added); an unknown
 * key: CM_REPORT_NO_STATUS. */
CmReportStatus cm_report_status_from_string (const char *key);
const char *cm_report_status_label (CmReportStatus status); /* translated: 处理中 */
const char *cm_report_status_label_zh (CmReportStatus status); /* in Chinese, always */
/* Reported, acknowledged, in hand and reopened are open; resolved and closed are not. */
gboolean cm_report_status_is_open (CmReportStatus status);
/* Whether a follow-up may take a report from @from to @to: forward through acknowledged and in
 * hand to resolved or closed, resolved to closed, and back only by reopening a resolved or
 * closed one. Not to the status it has. */
gboolean cm_report_status_can_change (CmReportStatus from, CmReportStatus to);

/* The status of @report (a feature of the reports layer). */
CmReportStatus cm_report_get_status (CmFeature *report);

/* One entry of a report's timeline. */
typedef struct
{
  char *uuid;
  char *report_uuid;
  char *at;             /* when it happened: a day or a UTC time (cm_layer_parse_date) */
  char *who;            /* may be NULL */
  char *what;           /* may be NULL */
  gboolean raised;      /* another resident raised the report (kind "raised") */
  CmReportStatus status; /* the status it set, or CM_REPORT_NO_STATUS */
  CmReportStatus status_before; /* when it set one: the status before, for undo */
  char *created_at;
  gboolean withdrawn;   /* undone */
} CmFollowup;

void cm_followup_free (CmFollowup *followup);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CmFollowup, cm_followup_free)

/* Stores @report (a new feature of the reports layer) as cm_store_add_feature does, with what
 * a new report starts with where it is unset: status reported, reported on today (UTC). */
gboolean cm_reports_add (CmStore *store, CmFeature *report, GError **error);

/* Adds a follow-up to the report @report_uuid: @at (NULL: now), @who and @what (either may be
 * NULL, not both empty unless @status changes), @status the status it changes to or
 * CM_REPORT_NO_STATUS. Refuses a change the report's status does not allow, saying which ones it
 * does. One transaction: the entry and the report's status. Returns the entry's uuid. */
char *cm_reports_add_followup (CmStore *store, const char *report_uuid, const char *at,
                               const char *who, const char *what, CmReportStatus status,
                               GError **error);
/* Another resident raised the report @report_uuid (joining a duplicate instead of a new report):
 * an entry of kind "raised". Returns its uuid. */
char *cm_reports_add_resident (CmStore *store, const char *report_uuid, const char *at,
                               const char *who, const char *what, GError **error);
/* Undo of cm_reports_add_followup or _add_resident: the entry is withdrawn (kept, marked), and
 * a status it set goes back to the one before, unless the status has changed since. */
gboolean cm_reports_withdraw_followup (CmStore *store, const char *followup_uuid, GError **error);
/* Redo: the entry withdrawn comes back, and its status with it when the report still has the
 * status the entry changed. */
gboolean cm_reports_restore_followup (CmStore *store, const char *followup_uuid, GError **error);

/* The timeline of @report_uuid, oldest first (by `at`, then when written); withdrawn entries
 * only when @withdrawn_too. An array of CmFollowup. */
GPtrArray *cm_reports_get_timeline (CmStore *store, const char *report_uuid,
                                    gboolean withdrawn_too, GError **error);
/* How many residents raised @report_uuid: its `residents` (1 when empty) and the live "raised"
 * entries. -1 on an error. */
gint64 cm_reports_count_residents (CmStore *store, const char *report_uuid, GError **error);

/* A report as the lists, duplicates and the agenda see it. */
typedef struct
{
  char *uuid;
  char *category;
  char *name;
  char *description;
  double lon, lat;            /* its point (a line's or area's point on it) */
  CmReportStatus status;
  gboolean urgent;
  gint64 residents;           /* residents who raised it (cm_reports_count_residents) */
  char *reported_at;          /* as stored; NULL: its created_at */
  char *responsible_uuid;     /* may be NULL */
  double distance_m;          /* cm_reports_find_nearby: metres from the point asked about */
  char *compound;             /* cm_reports_set_compounds: the compound's name, or NULL */
} CmReportInfo;

void cm_report_info_free (CmReportInfo *info);

/* Live reports, oldest first; @open_only: only open ones. An array of CmReportInfo. */
GPtrArray *cm_reports_list (CmStore *store, gboolean open_only, GError **error);
/* Days from @reported_at (a day or a time) to @today (YYYY-MM-DD; NULL: today, UTC); 0 when
 * either is not a day. */
gint64 cm_report_days_since (const char *reported_at, const char *today);
/* Sets each report's compound: the one its point stands in, as buildings are put in compounds
 * (cm-compounds.h); NULL when in none (or the compound has no name). */
gboolean cm_reports_set_compounds (CmStore *store, GPtrArray *reports, GError **error);
/* Open reports of @category within @radius_m metres (geodesic) of @lon, @lat, nearest first,
 * leaving out @except_uuid (may be NULL): what a new report may be a duplicate of. */
GPtrArray *cm_reports_find_nearby (CmStore *store, double lon, double lat, const char *category,
                                   double radius_m, const char *except_uuid, GError **error);

/* Who should take a report at @lon, @lat: the station whose service area holds it — by walking
 * when @network is given (cm_coverage_compute_walk at @walk_m), else by each station's
 * service_radius_m; of several, the nearest — and the team whose area holds it (a
 * self-governance team before a specialty team before a culture and sports team; of the same
 * kind, the smallest area). Either may be NULL (none holds it). */
gboolean cm_reports_suggest_responsible (CmStore *store, const CmNetwork *network, double walk_m,
                                         double lon, double lat, char **station_uuid,
                                         char **team_uuid, GError **error);

/* The name of the station or team @uuid (its kind's label when it has no name), or NULL. */
char *cm_reports_responsible_name (CmStore *store, const char *uuid);

/* One item of a deliberation meeting's agenda: open reports of one category near each other. */
typedef struct
{
  char *category;          /* key */
  char *category_label;    /* in the user's language */
  char *compound;          /* the name of the compound its first report is in, or NULL */
  gboolean urgent;         /* any of its reports is */
  gint64 residents;        /* residents who raised them, summed */
  GPtrArray *reports;      /* CmReportInfo, the first (oldest) first */
  double lon, lat;         /* the first report's point */
  char *place;             /* the nearest named building or path, or NULL */
  double place_m;          /* metres to it */
  char *responsible_uuid;  /* the first report's, else the suggested station's; may be NULL */
  char *responsible;       /* its name (or its kind when it has none), or NULL */
  gboolean suggested;      /* responsible is suggested (no report of the item names one) */
  gint64 days_open;        /* days since the first report was raised */
} CmAgendaItem;

void cm_agenda_item_free (CmAgendaItem *item);

typedef struct
{
  const char *since;    /* reports raised on or after this day (YYYY-MM-DD), or NULL */
  const char *compound; /* only items in the compound of this name, or NULL */
  const char *today;    /* the day days_open count to (YYYY-MM-DD); NULL: today (UTC) */
} CmAgendaOptions;

/* The agenda: the open reports grouped into items — each report, the oldest first, starts an
 * item unless it is within CM_REPORT_DUPLICATE_M of an earlier item's first report of the
 * same category — urgent items first, then by residents, then by age (the oldest first).
 * An array of CmAgendaItem in that order; refuses an unknown compound or a bad date. */
GPtrArray *cm_reports_agenda (CmStore *store, const CmAgendaOptions *options, GError **error);
/* The agenda as JSON: {"items": [{"category", "compound", "urgent", "residents",
 * "reports": [uuid, …], "lon", "lat", "responsible", "days_open", …}, …]}, and with @counts
 * (cm_reports_count_by_responsible; may be NULL) "by_responsible": [{"uuid", "name", "open",
 * "resolved", "median_days"}, …]. */
char *cm_reports_agenda_to_json (GPtrArray *items, GPtrArray *counts);

/* Reports per responsible station or team: how many are open, how many resolved or closed,
 * and the median days from raised to the first follow-up that resolved or closed it — the
 * planner sees which station is overloaded. */
typedef struct
{
  char *uuid;        /* the station or team; NULL: reports no one is responsible for */
  char *name;        /* its name (or its kind's), or NULL */
  guint open, done;  /* done: resolved or closed */
  double median_days; /* of the done ones with a resolving follow-up; NAN when none */
} CmResponsibleCounts;

void cm_responsible_counts_free (CmResponsibleCounts *counts);
/* One row per station or team that any live report names, most open first, then the reports
 * no one is responsible for (when there are any). An array of CmResponsibleCounts. */
GPtrArray *cm_reports_count_by_responsible (CmStore *store, GError **error);

/* Every live report as Open311 GeoReport v2 service requests (the JSON array a city platform's
 * GET requests.json returns): service_request_id (the uuid), status (open or closed),
 * status_notes (the latest follow-up's words), service_code and service_name (the category's
 * key and Chinese label), description, agency_responsible (the responsible station's or team's
 * name), requested_datetime (reported_at) and updated_datetime as W3C times in UTC, address
 * (the nearest named building or path), lat and long; no media_url: the photos are inside the
 * map. Returns how many, or -1. */
gint64 cm_reports_write_open311 (CmStore *store, GOutputStream *out, GError **error);

/* For import: whether @json is a timeline as export writes it (an array of objects, each with
 * an "at"); and its entries added to @report_uuid's timeline, those not there yet (by uuid),
 * inside the caller's transaction; *@added says whether any was. */
gboolean _cm_reports_timeline_is_valid (const char *json);
gboolean _cm_reports_add_timeline (CmStore *store, const char *report_uuid, const char *json,
                                   gboolean *added, GError **error);
/* For export: @report_uuid's live timeline as a JSON array (without the report's uuid in each
 * entry), appended to @out; nothing when it has none. */
void _cm_reports_append_timeline_json (CmStore *store, const char *report_uuid, GString *out);

G_END_DECLS
