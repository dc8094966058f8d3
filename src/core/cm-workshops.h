/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-workshops.h: workshops and the contributors who draw in them — who drew what, when.
 *
 * Features point at them by uuid (contributor_uuid, workshop_uuid), so that maps merged from
 * several laptops keep them apart. Each call is one transaction. */
#pragma once

#include "cm-store.h"

G_BEGIN_DECLS

typedef struct
{
  char *uuid;
  char *name;
  char *date;          /* workshops: YYYY-MM-DD or NULL */
  char *place;         /* workshops: or NULL */
  char *workshop_uuid; /* contributors: the workshop they joined, or NULL */
} CmRecord;

void cm_record_free (CmRecord *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CmRecord, cm_record_free)

/* Adds a workshop; @name must not be empty. Returns its uuid. */
char *cm_store_add_workshop (CmStore *self, const char *name, const char *date, const char *place,
                             GError **error);
/* Adds a contributor to @workshop_uuid (or to none); @name must not be empty. Returns its uuid. */
char *cm_store_add_contributor (CmStore *self, const char *name, const char *workshop_uuid,
                                GError **error);
/* Adds “anonymous resident N” (in the user's language), N one more than any before. */
char *cm_store_add_anonymous_contributor (CmStore *self, const char *workshop_uuid,
                                          GError **error);

/* Live workshops, newest first; contributors of @workshop_uuid (NULL: all), by name. Arrays of
 * CmRecord. */
GPtrArray *cm_store_list_workshops (CmStore *self, GError **error);
GPtrArray *cm_store_list_contributors (CmStore *self, const char *workshop_uuid, GError **error);
/* One workshop or contributor by uuid, or NULL (and no error) if there is none. */
CmRecord *cm_store_get_workshop (CmStore *self, const char *uuid, GError **error);
CmRecord *cm_store_get_contributor (CmStore *self, const char *uuid, GError **error);

typedef struct
{
  char *contributor; /* the name, or NULL for features with no contributor */
  char *category;
  guint count;
} CmSummaryRow;

void cm_summary_row_free (CmSummaryRow *row);

/* Who drew what in @workshop_uuid: live features of every layer counted per contributor and
 * category, most first. An array of CmSummaryRow. */
GPtrArray *cm_store_workshop_summary (CmStore *self, const char *workshop_uuid, GError **error);

G_END_DECLS
