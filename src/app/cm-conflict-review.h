/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-conflict-review.h: the features a merge found changed on two copies (docs/merge.md), one
 * row each: the fields that differ, this map's value beside the other copy's, and Keep This,
 * Keep Other, Keep Both — each one undoable step. Choosing a row emits "show-conflict" so the window
 * shows the feature with the other copy's shape dashed; each decision emits "resolved". */
#pragma once

#include <adwaita.h>

#include "cm-core.h"

G_BEGIN_DECLS

#define CM_TYPE_CONFLICT_REVIEW (cm_conflict_review_get_type ())
G_DECLARE_FINAL_TYPE (CmConflictReview, cm_conflict_review, CM, CONFLICT_REVIEW, AdwWindow)

CmConflictReview *cm_conflict_review_new (GtkWindow *parent, CmStore *store, CmHistory *history);
/* Reads the conflicts again (after an undo, a merge). */
void cm_conflict_review_refresh (CmConflictReview *self);
guint cm_conflict_review_get_n_conflicts (CmConflictReview *self);

G_END_DECLS
