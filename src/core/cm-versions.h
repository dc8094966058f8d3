/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-versions.h: the version every edit gets, what merging copies of a map stands on
 * (docs/merge.md, "Versions in the file").
 *
 * A session — one time Community Map writes to a map — draws a random id at its first write and
 * counts its write transactions: each takes the version (session id, n). Triggers in the file
 * note every field any program writes (cm_pending); before each COMMIT the store gives the noted
 * fields its session's next version (cm_versions) and records in the map's clock (cm_clock) the
 * highest version of each session the map holds. Nothing here reads a wall clock. */
#pragma once

#include "cm-store.h"

G_BEGIN_DECLS

/* The session every feature of a map made before versions (schema 3 or older) belongs to. */
#define CM_VERSIONS_ORIGIN "00000000-0000-0000-0000-000000000000"

/* Every versioned table, NULL-terminated: the layers' (in CmLayer order), then photos,
 * workshops and contributors, whose rows are keyed by uuid too. */
const char *const *cm_versions_tables (void);

/* Whether @table is a layer's table or one of those: names read from a file (cm_pending,
 * cm_conflicts) are checked with it before any SQL uses them. */
gboolean cm_versions_is_versioned_table (const char *table);

typedef struct
{
  char *site;      /* the session's id */
  gint64 counter;  /* its write, from 1 (0: the origin) */
} CmVersion;

void cm_version_clear (CmVersion *version);

/* The map's clock: session id → the highest counter of that session the map holds. */
GHashTable *cm_versions_get_clock (CmStore *store, GError **error);
/* The version of @field of the row @uuid of @table ("buildings", "photos" …): the field's own
 * when it was changed since the row was made, else the row's. FALSE (nothing set) when the row
 * has no version. */
gboolean cm_versions_get (CmStore *store, const char *table, const char *uuid, const char *field,
                          CmVersion *version, GError **error);
/* How many fields were written (by another program, or outside a transaction of the store) and
 * have no version yet. */
gint64 cm_versions_count_pending (CmStore *store, GError **error);
/* Gives the fields other programs wrote a version, in a transaction of its own (none when
 * nothing is pending). Their session id is made from what the map holds, not drawn: the same map
 * versions them the same wherever it is done (docs/merge.md). Opening a map for writing does it. */
gboolean cm_versions_stamp_outside_now (CmStore *store, GError **error);
/* This store's session id, once it has written (else NULL). */
const char *cm_versions_session (CmStore *store);

G_END_DECLS
