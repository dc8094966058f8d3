/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-import-private.h: what the import's source readers share with cm-import.c, which checks
 * and writes each feature they read (GeoJSON in cm-import.c itself, SpatiaLite tables in
 * cm-import-sqlite.c). */
#pragma once

#include <geos_c.h>

#include "cm-geojson-reader.h"
#include "cm-import.h"

G_BEGIN_DECLS

typedef struct _CmImport CmImport;

/* The GEOS context of the import (each import has its own). */
GEOSContextHandle_t _cm_import_get_geos (CmImport *imp);
GCancellable *_cm_import_get_cancellable (CmImport *imp);
/* Checks, repairs or skips (with a note in the report) and writes one feature read from the
 * source; FALSE only when the map could not be written. */
gboolean _cm_import_feature (CmImport *imp, CmGeoJsonFeature *feature, GError **error);

/* cm-import-sqlite.c: every row of @table of the SpatiaLite file at @path. */
gboolean _cm_import_sqlite_table (CmImport *imp, const char *path, const char *table,
                                  CmProgressFunc progress, gpointer progress_data,
                                  GError **error);

G_END_DECLS
