/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-report-form.h: the form after placing a resident's report with the Report tool (issue
 * #18, docs/reports.md) — its kind (the problem kinds first), urgent or not, a few words, who
 * raised it, and who is responsible (the station, else the team, whose area holds the place,
 * suggested; the planner confirms or changes it).
 *
 * When open reports of the kind chosen lie within 30 m, it says so ("2 open reports of 路灯损坏
 * nearby") and offers to add this resident's voice to one of them instead of a new report:
 * Join. It stores nothing itself: it emits "finished" with a CmReportFormResponse and the
 * window stores. */
#pragma once

#include <adwaita.h>

#include "cm-store.h"

G_BEGIN_DECLS

typedef enum
{
  CM_REPORT_FORM_DISCARD,
  CM_REPORT_FORM_SAVE, /* a new report */
  CM_REPORT_FORM_JOIN, /* this resident's voice added to cm_report_form_get_joined_uuid */
} CmReportFormResponse;

#define CM_TYPE_REPORT_FORM (cm_report_form_get_type ())
G_DECLARE_FINAL_TYPE (CmReportForm, cm_report_form, CM, REPORT_FORM, AdwWindow)

/* A report at @lon, @lat; @category (may be NULL: none chosen) the kind to start with. */
CmReportForm *cm_report_form_new (GtkWindow *parent, CmStore *store, double lon, double lat,
                                  const char *category);

const char *cm_report_form_get_category (CmReportForm *self); /* NULL while none is chosen */
const char *cm_report_form_get_description (CmReportForm *self);
const char *cm_report_form_get_raised_by (CmReportForm *self);
gboolean cm_report_form_get_urgent (CmReportForm *self);
/* The station or team chosen as responsible, or NULL (no one yet). */
const char *cm_report_form_get_responsible_uuid (CmReportForm *self);
/* After CM_REPORT_FORM_JOIN: the report joined. */
const char *cm_report_form_get_joined_uuid (CmReportForm *self);
/* What the duplicates' line says ("2 open reports of 路灯损坏 nearby"), or NULL when none. */
const char *cm_report_form_get_duplicates_text (CmReportForm *self);
guint cm_report_form_get_n_duplicates (CmReportForm *self);

/* As a person would: choose, type, press Join, Save or Discard. */
gboolean cm_report_form_select_category (CmReportForm *self, const char *key);
void cm_report_form_set_description (CmReportForm *self, const char *text);
void cm_report_form_set_raised_by (CmReportForm *self, const char *text);
void cm_report_form_set_urgent (CmReportForm *self, gboolean urgent);
gboolean cm_report_form_select_responsible (CmReportForm *self, const char *uuid);
void cm_report_form_join (CmReportForm *self, guint duplicate);
/* Save does nothing but ask for a kind while none is chosen. */
void cm_report_form_finish (CmReportForm *self, gboolean save);

/* A form's heading over @for_widget, its mnemonic focusing it (the follow-up dialog's too). */
GtkWidget *cm_report_form_heading (const char *mnemonic, GtkWidget *for_widget);

G_END_DECLS
