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

G_END_DECLS
