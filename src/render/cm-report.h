/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-report.h: printable reports drawn with cairo and pango (no display needed). */
#pragma once

#include "cm-core.h"

G_BEGIN_DECLS

/* Writes the life-circle report of a run @report (cm_life_report_run) as an A4 PDF in
 * Chinese: the summary table per circle and facility, a map per circle with the buildings that
 * have every facility and those that lack one, and the failing buildings in a compact table
 * grouped by what they lack (how many buildings and residents, a few by name); with @details
 * also every failing building with what it lacks and how far. Written to a temporary file and
 * renamed into place. */
gboolean cm_report_write_life_circle_pdf (CmLifeReport *report, CmStore *store,
                                          const char *path, gboolean details, GError **error);

/* Writes the deliberation meeting's agenda (cm_reports_agenda's @items, and
 * cm_reports_count_by_responsible's @counts, may be NULL) as an A4 PDF in Chinese: the title,
 * the meeting's day, an overview map with every item's number, then each item with a small
 * map of its place, its category, residents, reports and days open, where it is, who is
 * responsible and its history; last, the reports per station or team. */
gboolean cm_report_write_agenda_pdf (GPtrArray *items, GPtrArray *counts, CmStore *store,
                                     const char *meeting_day, const char *path, GError **error);

G_END_DECLS
