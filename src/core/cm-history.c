/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-history.c: undo and redo as snapshots written back through the store. */
#include "cm-history.h"

#include "cm-reports.h"
#include "cm-store-private.h"

/* One undoable step: the features it changed, as they were and as they became (same order);
 * one feature for a drawing's add, update or delete, many for a join or a table's cells. */
typedef struct
{
  GPtrArray *before; /* CmFeature; an add's "before" is the feature as a tombstone */
  GPtrArray *after;
  /* their conflict records then (_cm_versions_save_conflicts), put back with them; NULL: not
   * taken (an add: a new feature has none) */
  GPtrArray *conflicts_before, *conflicts_after;
  /* a follow-up added to a report's timeline (or a resident joining it): undo withdraws the
   * entry, redo restores it (cm-reports.h); before and after are then the report, for the box
   * to redraw, not written back */
  char *followup_uuid;
} Step;

struct _CmHistory
{
  GObject parent_instance;
  CmStore *store;
  GPtrArray *undo; /* Step*, oldest first */
  GPtrArray *redo; /* Step*, the next to redo last */
};

G_DEFINE_FINAL_TYPE (CmHistory, cm_history, G_TYPE_OBJECT)

enum
{
  CHANGED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static void
step_free (Step *step)
{
  g_ptr_array_unref (step->before);
  g_ptr_array_unref (step->after);
  g_clear_pointer (&step->conflicts_before, g_ptr_array_unref);
  g_clear_pointer (&step->conflicts_after, g_ptr_array_unref);
  g_free (step->followup_uuid);
  g_free (step);
}

static void
cm_history_finalize (GObject *object)
{
  CmHistory *self = CM_HISTORY (object);
  g_clear_object (&self->store);
  g_ptr_array_unref (self->undo);
  g_ptr_array_unref (self->redo);
  G_OBJECT_CLASS (cm_history_parent_class)->finalize (object);
}

static void
cm_history_class_init (CmHistoryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cm_history_finalize;
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
cm_history_init (CmHistory *self)
{
  self->undo = g_ptr_array_new_with_free_func ((GDestroyNotify) step_free);
  self->redo = g_ptr_array_new_with_free_func ((GDestroyNotify) step_free);
}

CmHistory *
cm_history_new (CmStore *store)
{
  CmHistory *self = g_object_new (CM_TYPE_HISTORY, NULL);
  self->store = g_object_ref (store);
  return self;
}

/* A new change: it is the one to undo next, and what was undone can no longer be redone. Takes
 * @before, @after and @conflicts_before (may be NULL); reads the conflicts after it, when
 * @conflicts_before were taken. */
static void
remember_step (CmHistory *self, GPtrArray *before, GPtrArray *after, GPtrArray *conflicts_before)
{
  Step *step = g_new0 (Step, 1);
  step->before = before;
  step->after = after;
  step->conflicts_before = conflicts_before;
  if (conflicts_before)
    step->conflicts_after = _cm_versions_save_conflicts (self->store, after, NULL);
  g_ptr_array_add (self->undo, step);
  g_ptr_array_set_size (self->redo, 0);
  g_signal_emit (self, signals[CHANGED], 0);
}

/* The same for one feature: takes @before, @after and @conflicts_before. */
static void
remember (CmHistory *self, CmFeature *before, CmFeature *after, GPtrArray *conflicts_before)
{
  GPtrArray *b = g_ptr_array_new_with_free_func (g_object_unref);
  GPtrArray *a = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (b, before);
  g_ptr_array_add (a, after);
  remember_step (self, b, a, conflicts_before);
}

/* The conflict records of one feature, before a change. */
static GPtrArray *
conflicts_of (CmHistory *self, CmFeature *feature)
{
  g_autoptr (GPtrArray) one = g_ptr_array_new ();
  g_ptr_array_add (one, feature);
  return _cm_versions_save_conflicts (self->store, one, NULL);
}

GPtrArray *
cm_history_save_conflicts (CmHistory *self, GPtrArray *features)
{
  return _cm_versions_save_conflicts (self->store, features, NULL);
}

gboolean
cm_history_add (CmHistory *self, CmFeature *feature, GError **error)
{
  /* a new report starts reported, raised today (cm_reports_add) */
  gboolean stored = cm_feature_get_layer (feature) == CM_LAYER_REPORTS
                        ? cm_reports_add (self->store, feature, error)
                        : cm_store_add_feature (self->store, feature, error);
  if (!stored)
    return FALSE;
  CmFeature *before = cm_feature_copy (feature);
  _cm_feature_set_deleted (before, TRUE);
  remember (self, before, cm_feature_copy (feature), NULL);
  return TRUE;
}

gboolean
cm_history_update (CmHistory *self, CmFeature *before, CmFeature *feature, GError **error)
{
  GPtrArray *conflicts = conflicts_of (self, before);
  if (!cm_store_update_feature (self->store, feature, error))
    {
      g_clear_pointer (&conflicts, g_ptr_array_unref);
      return FALSE;
    }
  remember (self, cm_feature_copy (before), cm_feature_copy (feature), conflicts);
  return TRUE;
}

gboolean
cm_history_update_many (CmHistory *self, GPtrArray *before, GPtrArray *features, GError **error)
{
  g_return_val_if_fail (before->len == features->len, FALSE);
  if (features->len == 0)
    return TRUE;
  GPtrArray *conflicts = _cm_versions_save_conflicts (self->store, before, NULL);
  if (!cm_store_update_features (self->store, features, error))
    {
      g_clear_pointer (&conflicts, g_ptr_array_unref);
      return FALSE;
    }
  GPtrArray *b = g_ptr_array_new_full (before->len, g_object_unref);
  GPtrArray *a = g_ptr_array_new_full (features->len, g_object_unref);
  for (guint i = 0; i < features->len; i++)
    {
      g_ptr_array_add (b, cm_feature_copy (before->pdata[i]));
      g_ptr_array_add (a, cm_feature_copy (features->pdata[i]));
    }
  remember_step (self, b, a, conflicts);
  return TRUE;
}

gboolean
cm_history_delete (CmHistory *self, CmFeature *feature, GError **error)
{
  CmFeature *before = cm_feature_copy (feature);
  GPtrArray *conflicts = conflicts_of (self, before);
  if (!cm_store_delete_feature (self->store, feature, error))
    {
      g_object_unref (before);
      g_clear_pointer (&conflicts, g_ptr_array_unref);
      return FALSE;
    }
  remember (self, before, cm_feature_copy (feature), conflicts);
  return TRUE;
}

void
cm_history_record (CmHistory *self, GPtrArray *before, GPtrArray *after,
                   GPtrArray *conflicts_before)
{
  g_return_if_fail (before->len == after->len);
  if (after->len == 0)
    {
      g_ptr_array_unref (before);
      g_ptr_array_unref (after);
      g_clear_pointer (&conflicts_before, g_ptr_array_unref);
      return;
    }
  remember_step (self, before, after, conflicts_before);
}

/* Remembers the follow-up @followup_uuid just added to @report_uuid as one step. */
static gboolean
remember_followup (CmHistory *self, const char *report_uuid, char *followup_uuid, GError **error)
{
  CmFeature *report = cm_store_get_feature (self->store, CM_LAYER_REPORTS, report_uuid, error);
  if (report == NULL)
    {
      g_free (followup_uuid);
      return FALSE;
    }
  GPtrArray *b = g_ptr_array_new_with_free_func (g_object_unref);
  GPtrArray *a = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (b, cm_feature_copy (report));
  g_ptr_array_add (a, report);
  remember_step (self, b, a, NULL);
  Step *step = g_ptr_array_index (self->undo, self->undo->len - 1);
  step->followup_uuid = followup_uuid;
  return TRUE;
}

char *
cm_history_add_followup (CmHistory *self, const char *report_uuid, const char *who,
                         const char *what, CmReportStatus status, GError **error)
{
  char *uuid = cm_reports_add_followup (self->store, report_uuid, NULL, who, what, status, error);
  if (uuid == NULL || !remember_followup (self, report_uuid, g_strdup (uuid), error))
    g_clear_pointer (&uuid, g_free);
  return uuid;
}

char *
cm_history_add_resident (CmHistory *self, const char *report_uuid, const char *who,
                         const char *what, GError **error)
{
  char *uuid = cm_reports_add_resident (self->store, report_uuid, NULL, who, what, error);
  if (uuid == NULL || !remember_followup (self, report_uuid, g_strdup (uuid), error))
    g_clear_pointer (&uuid, g_free);
  return uuid;
}

gboolean
cm_history_can_undo (CmHistory *self)
{
  return self->undo->len > 0;
}

gboolean
cm_history_can_redo (CmHistory *self)
{
  return self->redo->len > 0;
}

/* The box of every version of every feature of @step: what the map must redraw. */
static void
step_bbox (const Step *step, double touched[4])
{
  touched[0] = touched[1] = G_MAXDOUBLE;
  touched[2] = touched[3] = -G_MAXDOUBLE;
  for (int side = 0; side < 2; side++)
    {
      GPtrArray *features = side ? step->after : step->before;
      for (guint i = 0; i < features->len; i++)
        {
          double b[4];
          cm_feature_get_bbox (features->pdata[i], b);
          touched[0] = MIN (touched[0], b[0]);
          touched[1] = MIN (touched[1], b[1]);
          touched[2] = MAX (touched[2], b[2]);
          touched[3] = MAX (touched[3], b[3]);
        }
    }
}

/* Moves the last step of @from to @to, writing its @undo ? before : after. */
static gboolean
replay (CmHistory *self, GPtrArray *from, GPtrArray *to, gboolean undo, double touched[4],
        CmFeature **now, GError **error)
{
  if (from->len == 0)
    return FALSE;
  Step *step = g_ptr_array_index (from, from->len - 1);
  GPtrArray *targets = undo ? step->before : step->after;
  GPtrArray *conflicts = undo ? step->conflicts_before : step->conflicts_after;
  if (step->followup_uuid)
    {
      gboolean ok = undo ? cm_reports_withdraw_followup (self->store, step->followup_uuid, error)
                         : cm_reports_restore_followup (self->store, step->followup_uuid, error);
      if (!ok)
        return FALSE;
    }
  else if (!_cm_store_restore_features_and_conflicts (self->store, targets, conflicts, error))
    return FALSE;
  if (touched)
    step_bbox (step, touched);
  if (now && step->followup_uuid)
    /* the report as the withdrawal or restoring left its status */
    *now = cm_store_get_feature (self->store, CM_LAYER_REPORTS,
                                 cm_feature_get_uuid (targets->pdata[0]), NULL);
  else if (now)
    *now = targets->len == 1 ? cm_feature_copy (targets->pdata[0]) : NULL;
  g_ptr_array_add (to, g_ptr_array_steal_index (from, from->len - 1));
  g_signal_emit (self, signals[CHANGED], 0);
  return TRUE;
}

gboolean
cm_history_undo (CmHistory *self, double touched[4], CmFeature **now, GError **error)
{
  return replay (self, self->undo, self->redo, TRUE, touched, now, error);
}

gboolean
cm_history_redo (CmHistory *self, double touched[4], CmFeature **now, GError **error)
{
  return replay (self, self->redo, self->undo, FALSE, touched, now, error);
}
