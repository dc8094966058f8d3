/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-merge.h: another copy of the map merged into this one (docs/merge.md).
 *
 * Rows are matched by uuid; each field merges on its own by its versions and the two copies'
 * clocks: a change made on one side only is taken, a field changed on both sides since they last
 * met is a conflict — one value live by a fixed rule, the others kept in cm_conflicts. All in
 * one transaction of the target; the other file is only read, checked as any map from
 * elsewhere, and brought up to date (an older map, or edits of other programs not versioned
 * yet) in a temporary copy, never in place. */
#pragma once

#include "cm-store.h"

G_BEGIN_DECLS

typedef struct
{
  const char *table; /* "buildings", "photos" … */
  guint added;       /* rows new to the target */
  guint changed;     /* rows of the target with a field taken from the other */
  guint deleted;     /* rows the other deleted */
  guint conflicts;   /* rows with a field changed on both sides, new conflicts */
} CmMergeCounts;

typedef struct _CmMergeReport
{
  GArray *tables;       /* CmMergeCounts, one per versioned table, in a fixed order */
  guint rows_compared;  /* rows the other copy has versions the target has not seen */
  gboolean nothing_new; /* the target had seen everything the other holds */
  GPtrArray *rows;      /* char* "layer\tuuid": the layers' rows the merge changes in the target
                         * (their values, or their conflicts) */
  gboolean applied;     /* FALSE for a dry run */
} CmMergeReport;

void cm_merge_report_free (CmMergeReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CmMergeReport, cm_merge_report_free)

/* Whether the features of @target and of the map at @other_path lie in one area (their boxes
 * meet, 1 km apart at most), or either has none: two maps far apart are probably not copies of
 * one map, and a person is asked before merging them. */
gboolean cm_merge_areas_meet (CmStore *target, const char *other_path, gboolean *meet,
                              GError **error);

/* Merges the map at @other_path into @target (nothing written when @dry_run). */
CmMergeReport *cm_merge (CmStore *target, const char *other_path, gboolean dry_run,
                         GError **error);

/* A feature changed on two copies: the value it has and the other's, field by field. */
typedef struct
{
  char *table;
  char *uuid;
  char *name;          /* the live name, for people */
  GPtrArray *fields;   /* char*: the fields whose values differ */
  GPtrArray *mine;     /* char*: each of those fields' live value, as text (geometry as WKT) */
  GPtrArray *theirs;   /* char*: its other value (the latest of several) */
  GBytes *theirs_wkb;  /* the other geometry as WKB when the geometry differs, else NULL */
} CmConflict;

void cm_conflict_free (CmConflict *conflict);

/* The map's conflicts (CmConflict*), by table and uuid. */
GPtrArray *cm_merge_list_conflicts (CmStore *store, GError **error);

typedef enum
{
  CM_RESOLVE_MINE,   /* keep the live values */
  CM_RESOLVE_THEIRS, /* take the other values */
  CM_RESOLVE_BOTH,   /* keep the live values, and the other as a new feature */
} CmResolve;

/* Ends the conflicts of the feature @uuid (of any versioned table): an edit of the conflicting
 * fields with a new version, which has seen both values (docs/merge.md rule 8). One transaction.
 * @new_uuid (may be NULL): the new feature's uuid when keeping both. */
gboolean cm_merge_resolve (CmStore *store, const char *uuid, CmResolve keep, char **new_uuid,
                           GError **error);

G_END_DECLS
