/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-history.h: undo and redo of every change to a map's features, for one session.
 *
 * Each change is stored at once (one transaction) and remembered as two snapshots of the
 * feature, before and after, with its conflicts of a merge then; undo writes the one before
 * back, redo the one after, conflicts included (a decision undone is to review again). Undoing
 * an add leaves a tombstone, as Delete does, so a copy of the map carried away meanwhile learns
 * of it when merged. */
#pragma once

#include "cm-reports.h"
#include "cm-store.h"

G_BEGIN_DECLS

#define CM_TYPE_HISTORY (cm_history_get_type ())
G_DECLARE_FINAL_TYPE (CmHistory, cm_history, CM, HISTORY, GObject)

/* Emits "changed" whenever what can be undone or redone changes. */
CmHistory *cm_history_new (CmStore *store);

/* Store a change and remember it. On error nothing is stored or remembered. */
gboolean cm_history_add (CmHistory *self, CmFeature *feature, GError **error);
/* @before: a cm_feature_copy of @feature as it was stored before the caller changed it. */
gboolean cm_history_update (CmHistory *self, CmFeature *before, CmFeature *feature,
                            GError **error);
/* Many features changed as one step (one transaction; one undo): @before[i] as feature @i was
 * stored before the caller changed it. Nothing is done for none. */
gboolean cm_history_update_many (CmHistory *self, GPtrArray *before, GPtrArray *features,
                                 GError **error);
gboolean cm_history_delete (CmHistory *self, CmFeature *feature, GError **error);
/* A change already stored by the caller (a merge, a decision on a conflict) as one step:
 * @before[i] and @after[i] the snapshots of one feature (an added feature's "before" is it as a
 * tombstone); @conflicts_before (may be NULL) their conflicts before the change, from
 * cm_history_save_conflicts, so that undo brings them back to review. Takes all three. */
void cm_history_record (CmHistory *self, GPtrArray *before, GPtrArray *after,
                        GPtrArray *conflicts_before);
/* The conflict records of @features (CmFeature; NULLs skipped) as they are now, for
 * cm_history_record; NULL when they cannot be read. */
GPtrArray *cm_history_save_conflicts (CmHistory *self, GPtrArray *features);

/* A follow-up to the report @report_uuid, now, as cm_reports_add_followup (and a resident
 * joining it, as cm_reports_add_resident) as one step: undo withdraws it, redo restores it.
 * Returns the entry's uuid. (cm_history_add of a report starts it as cm_reports_add does.) */
char *cm_history_add_followup (CmHistory *self, const char *report_uuid, const char *who,
                               const char *what, CmReportStatus status, GError **error);
char *cm_history_add_resident (CmHistory *self, const char *report_uuid, const char *who,
                               const char *what, GError **error);

gboolean cm_history_can_undo (CmHistory *self);
gboolean cm_history_can_redo (CmHistory *self);
/* Undo or redo the last step. @touched (may be NULL) gets the box of both versions, what the
 * map must redraw; @now (may be NULL) the feature as it now is in the file (NULL for a step
 * of many features). */
gboolean cm_history_undo (CmHistory *self, double touched[4], CmFeature **now, GError **error);
gboolean cm_history_redo (CmHistory *self, double touched[4], CmFeature **now, GError **error);

G_END_DECLS
