/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-store-private.h: what import, export and tests inside core use of the store. */
#pragma once

#include <sqlite3.h>

#include "cm-geom.h"
#include "cm-store.h"

G_BEGIN_DECLS

sqlite3 *_cm_store_get_db (CmStore *self);
gboolean _cm_store_exec (CmStore *self, const char *sql, GError **error);
/* BEGIN IMMEDIATE of a write: refused, saying why, when the map is read-only or its file is no
 * longer where it was opened (a USB stick taken out). */
gboolean _cm_store_begin_write (CmStore *self, GError **error);
sqlite3_stmt *_cm_store_prepare (CmStore *self, const char *sql, GError **error);
/* Ends a write begun with _cm_store_begin_write: what it wrote gets its version, then COMMIT;
 * on a failure everything is rolled back. */
gboolean _cm_store_commit (CmStore *self, GError **error);
void _cm_store_rollback (CmStore *self);
void _cm_store_set_sqlite_error (CmStore *self, GError **error, const char *doing);
/* A UTC timestamp as stored in created_at / updated_at: 2026-11-23T18:50:09.123Z */
char *_cm_now_utc (void);

/* How many connections to the map at @path this process has open (tests: none after a
 * window closed its map). */
guint _cm_store_count_connections (const char *path);
/* Runs @stmt (a write, its parameters bound) as one transaction of the store's: on a read-only
 * map it is refused, and the COMMIT first gives what it wrote its version (docs/merge.md), so a
 * photo or a workshop is versioned at once, as a feature is. Finalizes @stmt; @doing names the
 * write in the error ("store the photo"). */
gboolean _cm_store_step_alone (CmStore *self, sqlite3_stmt *stmt, const char *doing,
                               GError **error);

/* Reads the first @len bytes of @path (zeros past its end) and its size through SQLite's own
 * file layer; FALSE with errno set when it cannot be opened. Never fopen() a map: closing any
 * descriptor of a file drops every POSIX lock this process holds on it, SQLite's included, and
 * another program (cmap, QGIS) would then take the map for unused and remove its -wal and -shm
 * while the window still writes to them. SQLite's layer keeps such a descriptor open until
 * its locks are gone. */
gboolean _cm_store_read_file_start (const char *path, guint8 *buf, int len, gint64 *size);

/* Prepares the process for libspatialite: unsets SPATIALITE_SECURITY (docs/architecture.md, "Files are untrusted input"). */
void _cm_spatialite_prepare (void);
/* Adds the SQL function CmGeom(g) to @db: @g when its counts fit in it (a damaged or hostile
 * geometry crashes SpatiaLite's parser: cm_geom_spatialite_blob_is_safe), else NULL. Every
 * query passes stored geometries through it before any SpatiaLite function reads them. */
void _cm_spatialite_add_guard (sqlite3 *db);
/* A stored geometry from its SpatiaLite BLOB as a query read it (the column CmGeom(geom), NULL
 * when damaged): decoded in C (cm_geom_from_spatialite), or what that does not read (compressed,
 * a collection) through SpatiaLite's AsBinary on *@fallback, prepared on first use (finalize it
 * when done). NULL when neither reads it. For whole-layer reads: AsBinary() in the query costs
 * SpatiaLite's parse and a copy of every geometry. */
CmGeom *_cm_store_decode_geom (CmStore *self, sqlite3_stmt **fallback, const void *blob, int len);
/* A map cm_store_create just made, that no other connection has open, written whole by one
 * bulk load (a pull into a new map): @on TRUE puts it under a rollback journal, so that each
 * page is written once instead of into the -wal and again at the checkpoint (a district's pull
 * writes 550 MB); FALSE when it cannot, and nothing changed. @on FALSE, after the load's
 * commit: back to WAL, as every map is. A crash in between leaves the journal that SQLite rolls
 * back at the next open: the new map as it was made. */
gboolean _cm_store_bulk_journal (CmStore *self, gboolean on);
/* How many stored geometries of all layers CmGeom() refuses (damaged), of every feature or of
 * those in @among ("layer\tuuid" keys) when not NULL; -1 on an error. */
gint64 _cm_store_count_damaged (CmStore *self, GHashTable *among, GError **error);

/* How many times this process has read a map whole to check it at open (cm-verified.c). */
guint _cm_store_get_whole_checks (void);

/* cm-compounds.c: frees a CmCompound */
void _cm_compound_free (gpointer compound);

/* cm-kinds.c */
/* After an import (inside its transaction): every kind the map's stations, teams and compounds
 * use joins the list, so that the forms offer a kind a file brought. */
gboolean _cm_kinds_adopt (CmStore *store, GError **error);
/* For the schema: the `kinds` table with the common kinds, inside the caller's transaction. */
gboolean _cm_kinds_create (sqlite3 *db, GError **error);

/* cm-bulk-layer.c: many rows written to a layer inside the caller's transaction (an import, a
 * pull's new features): SpatiaLite's per-row triggers and our insert trigger suspended, the
 * spatial index kept by the writer (packed at the end when the layer started empty). */
typedef struct _CmBulkLayer CmBulkLayer;
CmBulkLayer *_cm_bulk_layer_begin (CmStore *store, CmLayer layer, GError **error);
/* Row @id was written with a geometry whose box is @bbox; @replace: it had one before. The
 * writer's geometries must be of the column's type and SRID (no trigger checks them). */
gboolean _cm_bulk_layer_index (CmBulkLayer *b, gint64 id, const double bbox[4], gboolean replace,
                               GError **error);
/* Whether the layer had no rows at all when @b began (then no row written before can match). */
gboolean _cm_bulk_layer_started_empty (CmBulkLayer *b);
/* The index packed, the triggers back, the new rows noted for their version; frees @b. */
gboolean _cm_bulk_layer_end (CmBulkLayer *b, GError **error);
/* Frees @b without ending it: the caller rolls its transaction back. */
void _cm_bulk_layer_free (CmBulkLayer *b);

/* cm-merge.c */
/* Merges a copy of a server's map (cm-postgis.c) into @target: the copy holds only the features
 * the exchange needs, and either may hold part of a server's map (cm_merge refuses those). */
struct _CmMergeReport;
/* Called inside the merge's transaction, after the merge and before the clock is raised: rows
 * the target never held, written straight into it (a pull's new features). */
typedef gboolean (*CmMergeHook) (CmStore *target, struct _CmMergeReport *report, gpointer data,
                                 GError **error);
/* @only (may be NULL): "layer\tuuid" of the rows to merge, when the caller knows them; NULL: the
 * rows the other copy has versions of the target has not seen, as cm_merge finds them. With
 * @only, only its rows' geometries are checked for damage: the caller checks what else it
 * takes from @server_copy. */
struct _CmMergeReport *_cm_merge_server_copy (CmStore *target, const char *server_copy,
                                              GHashTable *only, CmMergeHook hook,
                                              gpointer hook_data, GError **error);

/* cm-versions.c (docs/merge.md) */
/* For the schema: the versions' tables and every versioned table's triggers, inside the
 * caller's transaction; @origin: give the rows already there the origin's version (a map made
 * before versions). */
gboolean _cm_versions_create (sqlite3 *db, gboolean origin, GError **error);
/* For a migration: the triggers of @table, a versioned table new in this schema version (its
 * rows, none yet, need no versions). */
gboolean _cm_versions_add_table (sqlite3 *db, const char *table, GError **error);
/* Before a COMMIT: the fields written in the transaction (and any written by other programs
 * since) get this store's next version. Takes no version when nothing is pending. */
gboolean _cm_versions_stamp (CmStore *store, GError **error);
/* The same for edits of other programs found pending, under the id made from the map's content
 * (cm_versions_stamp_outside_now). */
gboolean _cm_versions_stamp_outside (CmStore *store, GError **error);
/* The conflict records (cm_conflicts) of @features (CmFeature; NULLs skipped) as they are now:
 * what undo and redo put back. An empty array when the map has none. */
GPtrArray *_cm_versions_save_conflicts (CmStore *store, GPtrArray *features, GError **error);
/* Inside the caller's transaction, after it wrote @features back and before its COMMIT: their
 * conflicts become @records (from _cm_versions_save_conflicts). A field whose conflicts differ
 * is written again (a new version, which ends the ones it has) and the records wanted come back
 * under versions of this session just below that one: so they travel to the other copies as
 * conflicts, with the same live value (docs/merge.md, "Undo"). */
gboolean _cm_versions_put_back_conflicts (CmStore *store, GPtrArray *features, GPtrArray *records,
                                          GError **error);
/* cm_store_restore_features with the features' conflicts put back as @conflicts (NULL: left as
 * they are), one transaction. */
gboolean _cm_store_restore_features_and_conflicts (CmStore *self, GPtrArray *snapshots,
                                                   GPtrArray *conflicts, GError **error);
/* The store's session: its id (drawn at random the first time) and its next counter. */
gint64 _cm_store_next_version (CmStore *self, const char **site);
const char *_cm_store_get_session (CmStore *self);


G_END_DECLS
