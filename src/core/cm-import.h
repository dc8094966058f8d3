/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-import.h: bringing GeoJSON files and other SpatiaLite databases into a community map.
 *
 * An import is one transaction: it stores every valid feature or, when the input is refused
 * or the import cancelled, nothing. Features whose geometry is invalid are repaired (GEOS
 * MakeValid) or skipped, and every one is listed in the report, whose counts add up to the
 * input's features. A feature already in the map — the same uuid (an export coming back), else
 * the same source id (@type/@id, @id, id) — is updated, or left alone when nothing changed.
 */
#pragma once

#include <gio/gio.h>

#include "cm-geojson-reader.h"
#include "cm-layer.h"
#include "cm-store.h"

G_BEGIN_DECLS

#define CM_IMPORT_ERROR (cm_import_error_quark ())
GQuark cm_import_error_quark (void);

typedef enum
{
  CM_IMPORT_ERROR_NO_TABLE,  /* a SpatiaLite source without --table, or with a wrong one */
  CM_IMPORT_ERROR_SOURCE,    /* a source database that cannot be read */
} CmImportError;

typedef enum
{
  CM_IMPORT_REPAIRED,
  CM_IMPORT_SKIPPED,
} CmImportAction;

typedef struct
{
  guint index;  /* 0-based feature index in the input */
  guint line;   /* 1-based line (GeoJSON), 0 when unknown */
  CmImportAction action;
  char *reason;
} CmImportNote;

typedef struct
{
  guint read;     /* features in the input */
  guint created;  /* new features */
  guint updated;  /* features already in the map (same uuid, else same source id), changed */
  guint unchanged; /* features already in the map exactly as the file has them: not written */
  guint repaired; /* of created + updated + unchanged, those whose geometry was repaired */
  guint skipped;  /* read = created + updated + unchanged + skipped */
  guint dropped_z; /* features whose Z / M values were dropped */
  guint per_layer[CM_N_LAYERS]; /* created + updated per layer */
  double bbox[4]; /* where the stored features are (minx, miny, maxx, maxy); empty: min > max */
  GPtrArray *notes; /* CmImportNote*, in input order */
} CmImportReport;

CmImportReport *cm_import_report_new (void);
void cm_import_report_free (CmImportReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CmImportReport, cm_import_report_free)
char *cm_import_report_to_json (const CmImportReport *report);

/* Imports @path into @store. @layer is the target layer, or CM_LAYER_NONE to infer it per
 * feature (building areas → buildings, highway lines → paths, the rest → resources). A
 * SQLite / SpatiaLite source needs @table. Error messages name the file. */
gboolean cm_import_file (CmStore *store, const char *path, CmLayer layer, const char *table,
                         CmImportReport *report, CmProgressFunc progress, gpointer progress_data,
                         GCancellable *cancellable, GError **error);

/* The tables with a registered geometry column in the SQLite / SpatiaLite file at @path (what
 * QGIS or ogr2ogr wrote), by name; *@is_map says whether the file is a community map itself.
 * Nothing in the file runs. */
GPtrArray *cm_import_list_tables (const char *path, gboolean *is_map, GError **error);
/* Whether @path is a SQLite file (its table is then to be chosen), read through SQLite's own
 * file layer: the file may be the open map itself. */
gboolean cm_import_is_sqlite (const char *path);

/* Where the features of the GeoJSON file at @path are (minx, miny, maxx, maxy), read without
 * writing anything. FALSE with no error when it has no geometry. */
gboolean cm_import_scan_extent (const char *path, double bbox[4], GCancellable *cancellable,
                                GError **error);
/* The box of the features already in @store; FALSE when it has none (then no file is far from
 * it, and the file need not be read twice to know). */
gboolean cm_import_map_extent (CmStore *store, double bbox[4]);
/* Metres between two boxes (0 when they meet, or either is empty: min > max). A file meant for
 * a community lies within a few kilometres of its features; one thousands of kilometres away is
 * probably the wrong file (CM_IMPORT_FAR_M). */
double cm_import_distance_between (const double map[4], const double bbox[4]);
#define CM_IMPORT_FAR_M 50000.0

G_END_DECLS
