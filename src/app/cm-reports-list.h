/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-reports-list.h: the Reports window (issue #18, docs/reports.md) — every report of the map,
 * filtered by status, kind, who is responsible, compound and urgency, sorted by age; and above
 * them, per station or team, how many are open, how many resolved and the median days to
 * resolve, so the planner sees at a glance which station is overloaded. Activating a report
 * emits "report-activated" with its uuid (the window selects it on the map). */
#pragma once

#include <adwaita.h>

#include "cm-store.h"

G_BEGIN_DECLS

#define CM_TYPE_REPORTS_LIST (cm_reports_list_get_type ())
G_DECLARE_FINAL_TYPE (CmReportsList, cm_reports_list, CM, REPORTS_LIST, AdwWindow)

/* At most this many reports are listed; the rest are counted ("and 120 more"). */
#define CM_REPORTS_LIST_MAX_ROWS 500

CmReportsList *cm_reports_list_new (GtkWindow *parent, CmStore *store);
/* Reads the map's reports again (after an edit), keeping the filters. */
void cm_reports_list_reload (CmReportsList *self);

/* The filters, as a person chooses them: @status a status key, "open", or NULL (any);
 * @category a category key or NULL; @responsible a station's or team's uuid, "" (no one) or
 * NULL; @compound a compound's name, "" (in none) or NULL. FALSE when the choice is not offered
 * (no report has it). */
gboolean cm_reports_list_filter_status (CmReportsList *self, const char *status);
gboolean cm_reports_list_filter_category (CmReportsList *self, const char *category);
gboolean cm_reports_list_filter_responsible (CmReportsList *self, const char *responsible);
gboolean cm_reports_list_filter_compound (CmReportsList *self, const char *compound);
void cm_reports_list_filter_urgent (CmReportsList *self, gboolean urgent_only);
/* Oldest first (TRUE, as it opens) or newest first. */
void cm_reports_list_sort_oldest_first (CmReportsList *self, gboolean oldest_first);

/* The reports shown now, in order: their uuids (borrowed), and how many match. */
guint cm_reports_list_get_n_shown (CmReportsList *self);
const char *cm_reports_list_get_shown_uuid (CmReportsList *self, guint i);
/* The per-station table as text, a line per row: "name\topen\tresolved\tmedian days". */
char *cm_reports_list_get_counts_text (CmReportsList *self);
/* Activates the @i-th report shown, as a click on it. */
void cm_reports_list_activate (CmReportsList *self, guint i);

G_END_DECLS
