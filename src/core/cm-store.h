/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-store.h: a community map file (a SpatiaLite database) and the features in it.
 *
 * Every connection loads libspatialite; every change is one transaction; the journal is WAL.
 * Files are untrusted input: opening one runs nothing that reaches the file system or the
 * network, and a file that is not a community map is refused and left byte-for-byte unchanged.
 */
#pragma once

#include <gio/gio.h>

#include "cm-feature.h"
#include "cm-layer.h"

G_BEGIN_DECLS

#define CM_SCHEMA_VERSION 5 /* 2: photos; 3: the planner's fields, compounds, kinds; 4: versions;
                              5: residents' reports */

#define CM_STORE_ERROR (cm_store_error_quark ())
GQuark cm_store_error_quark (void);

typedef enum
{
  CM_STORE_ERROR_NOT_FOUND,     /* no such file, or no such feature */
  CM_STORE_ERROR_EXISTS,        /* creating a map where a file already is */
  CM_STORE_ERROR_NOT_SQLITE,    /* not a SQLite database at all (the caller says what to do:
                                 * import it, in its own words) */
  CM_STORE_ERROR_NOT_A_MAP,     /* SQLite, but not a community map (import one of its tables) */
  CM_STORE_ERROR_NEWER_SCHEMA,  /* written by a newer Community Map */
  CM_STORE_ERROR_CORRUPT,       /* truncated or damaged */
  CM_STORE_ERROR_READ_ONLY,     /* the file or its folder cannot be written */
  CM_STORE_ERROR_INVALID,       /* a feature that cannot be stored as given */
  CM_STORE_ERROR_DISK_FULL,     /* no room left on the disk (or the stick) for the write */
  CM_STORE_ERROR_BUSY,          /* another window or command kept writing to the map too long */
  CM_STORE_ERROR_GONE,          /* the file is no longer where it was opened (a stick pulled out) */
  CM_STORE_ERROR_FAILED,        /* anything else SQLite reports */
} CmStoreError;

/* Adds what to do to @error's message: ". " and @advice. For errors whose remedy depends on
 * where the user is (cmap or the window). */
void cm_store_error_add_advice (GError *error, const char *advice);

#define CM_TYPE_STORE (cm_store_get_type ())
G_DECLARE_FINAL_TYPE (CmStore, cm_store, CM, STORE, GObject)

/* Creates a new, empty community map at @path (which must not exist). */
CmStore *cm_store_create (const char *path, const char *name, GError **error);
/* Deletes the map file at @path and the -journal, -wal and -shm SQLite keeps beside it: a
 * temporary map, or one made for a pull that failed. Close its connections first. */
void cm_store_remove_file (const char *path);
/* Opens an existing community map, migrating an older schema. */
CmStore *cm_store_open (const char *path, GError **error);
/* Opens a map only to read it, checked as cm_store_open checks it (a map, not from a newer
 * version, not damaged), and never changed: an older map is not brought up to date
 * (cm_store_get_schema_version says which it is). For a map from elsewhere: merging. */
CmStore *cm_store_open_to_read (const char *path, GError **error);
/* A further read-only connection to a map this process already opened with cm_store_open (and
 * so checked): for drawing threads. Skips the integrity check, which reads the whole file. */
CmStore *cm_store_open_reader (const char *path, GError **error);

const char *cm_store_get_path (CmStore *self);

/* Copies what is committed from the -wal into the map file itself, without waiting for
 * readers: *@complete (may be NULL) says whether everything got there (FALSE while a reader
 * still needs an older state: try again later). So a copy of the .sqlite file alone, taken at
 * a quiet moment, holds every saved change. */
gboolean cm_store_checkpoint (CmStore *self, gboolean *complete, GError **error);

/* Called on the thread that commits, right before each commit of this connection, which it
 * must not use: to schedule a checkpoint, say. NULL to stop. */
typedef void (*CmStoreCommitFunc) (CmStore *store, gpointer user_data);
void cm_store_set_commit_func (CmStore *self, CmStoreCommitFunc func, gpointer user_data);
char *cm_store_dup_name (CmStore *self);
int cm_store_get_schema_version (CmStore *self);

/* Features. Each call is one transaction. */
gboolean cm_store_add_feature (CmStore *self, CmFeature *feature, GError **error);
gboolean cm_store_update_feature (CmStore *self, CmFeature *feature, GError **error);
gboolean cm_store_delete_feature (CmStore *self, CmFeature *feature, GError **error);
/* Writes @snapshot (a cm_feature_copy taken earlier) back over the feature with its uuid,
 * tombstone included: undo and redo. The feature must be in the file, live or deleted. */
gboolean cm_store_restore_feature (CmStore *self, CmFeature *snapshot, GError **error);
/* The same for many (CmFeature), in one transaction: all are written or none. A table's
 * cells set at once, a spreadsheet joined, and their undo. */
gboolean cm_store_update_features (CmStore *self, GPtrArray *features, GError **error);
gboolean cm_store_restore_features (CmStore *self, GPtrArray *snapshots, GError **error);
CmFeature *cm_store_get_feature (CmStore *self, CmLayer layer, const char *uuid, GError **error);
/* The same by row id (the attribute table's rows), live or not. */
CmFeature *cm_store_get_feature_by_id (CmStore *self, CmLayer layer, gint64 id, GError **error);
/* The live features of @layer whose bounding box meets @bbox (minx, miny, maxx, maxy), through
 * the spatial index. A GListModel of CmFeature. */
GListModel *cm_store_query_bbox (CmStore *self, CmLayer layer, const double bbox[4],
                                 GError **error);

/* One live feature as a cursor sees it: valid only during the callback. For drawing and
 * analysis, where a GObject per feature would cost too much. */
typedef struct
{
  CmLayer layer;
  gint64 id;
  const char *uuid;
  const char *category;
  const char *name;
  const char *tags;      /* JSON object text */
  const guint8 *wkb;     /* OGC WKB, 2-D */
  gsize wkb_len;
  double bbox[4];        /* through the index: its box (float, rounded outward) */
  double number;         /* stations: service_radius_m (NAN when unset); reports: urgent (0, 1,
                          * NAN); else NAN */
  const char *kind;      /* stations, teams, compounds: kind; reports: status; else NULL */
} CmFeatureRow;

/* Return FALSE to stop. @func must not start another walk over the same layer of the store. */
typedef gboolean (*CmFeatureRowFunc) (const CmFeatureRow *row, gpointer user_data);

/* Calls @func for each live feature of @layer whose bounding box meets @bbox (NULL: all), in
 * id order, through the spatial index. */
gboolean cm_store_foreach_in_bbox (CmStore *self, CmLayer layer, const double bbox[4],
                                   CmFeatureRowFunc func, gpointer user_data, GError **error);
/* The same, but in the spatial index's order, not by id, and features whose box is under
 * @min_width × @min_height degrees come without their geometry (wkb NULL): level of detail
 * for drawing, where they are dots anyway. */
gboolean cm_store_foreach_in_bbox_lod (CmStore *self, CmLayer layer, const double bbox[4],
                                       double min_width, double min_height,
                                       CmFeatureRowFunc func, gpointer user_data,
                                       GError **error);

/* The same over the whole layer, only the features whose id is within @first_id…@last_id: a
 * part of the layer, for reading it on several threads (the render overview). Only the rows'
 * id, tags, box and geometry are set. */
gboolean cm_store_foreach_lod_in_ids (CmStore *self, CmLayer layer, gint64 first_id,
                                      gint64 last_id, double min_width, double min_height,
                                      CmFeatureRowFunc func, gpointer user_data, GError **error);
/* The largest service radius of the live stations, in metres (0 when none has one; -1 and
 * @error when it cannot be read). */
double cm_store_get_max_service_radius (CmStore *self, GError **error);
/* The highest id @layer has used (0 when none; -1 and @error when it cannot be read). */
gint64 cm_store_get_last_id (CmStore *self, CmLayer layer, GError **error);

/* The feature at @lon, @lat, within @tolerance degrees, on the layers not in @hidden (a bit
 * per CmLayer): points win over lines, lines over areas, and nearer over farther. NULL (and no
 * error) when nothing is there. Goes through the spatial indexes. */
CmFeature *cm_store_feature_at (CmStore *self, double lon, double lat, double tolerance,
                                guint hidden, GError **error);

/* Live features whose name contains @text, ignoring case and (for Latin script) accents, at
 * most @limit, ordered by name. A GListModel of CmFeature. */
GListModel *cm_store_search (CmStore *self, const char *text, guint limit, GError **error);

/* Live features of @layer per category: category key → count (GUINT_TO_POINTER). */
GHashTable *cm_store_count_by_category (CmStore *self, CmLayer layer, GError **error);

/* @text folded for search: lower case, accents removed (NFD, combining marks dropped). */
char *cm_fold_for_search (const char *text);

typedef struct
{
  gint64 count;   /* live features (tombstones not counted) */
  double bbox[4]; /* minx, miny, maxx, maxy; all 0 when the layer is empty */
} CmLayerStats;

gboolean cm_store_get_layer_stats (CmStore *self, CmLayer layer, CmLayerStats *stats,
                                   GError **error);

/* Runs SQLite's integrity check, checks every spatial index against its table and counts
 * invalid geometries. Adds one line per problem to @problems (empty when all is well). */
gboolean cm_store_check (CmStore *self, GPtrArray *problems, GError **error);

G_END_DECLS
