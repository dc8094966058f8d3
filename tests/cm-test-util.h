/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-test-util.h: helpers shared by the tests. */
#pragma once

#include <gio/gio.h>

/* ../shared/data (from CM_SHARED_DATA, set by meson) joined with @rel. */
char *cm_test_data (const char *rel);
/* A new empty folder for one test, removed at exit unless CM_TEST_KEEP is set. */
char *cm_test_tmpdir (void);
/* A copy of the demo map (DEMO_MAP, set by meson) named @name in a new test folder: for tests
 * that write to it. */
char *cm_test_demo_copy (const char *name);
/* The same without the demo's own residents' reports (deleted, as a person would): for tests
 * that count their own. */
char *cm_test_demo_copy_without_reports (const char *name);
/* A new map named @name in a new test folder, with each of @files (NULL-terminated, relative to
 * ../shared/data) imported into it: a CmStore*. */
gpointer cm_test_new_map (const char *name, const char *const *files);
/* SHA-256 of a file's bytes, or NULL when it cannot be read. */
char *cm_test_sha256 (const char *path);
/* The number of rows @sql (one integer column) returns in its first row, via the store. */
gint64 cm_test_query_int (gpointer store, const char *sql);
/* Turns the new map at @path back into one of schema @version as an older Community Map wrote
 * it (tables and columns removed, the version set): for the migration tests. */
void cm_test_make_old_map (const char *path, int version);
/* A point at @lon, @lat as WKB (SpatiaLite's MakePoint, through @store). */
GBytes *cm_test_point_wkb (gpointer store, double lon, double lat);
/* Metres between two longitude/latitude points by PROJ's geod_inverse on WGS 84: the
 * reference the analysis tests measure against. */
double cm_test_geod_distance (double lon1, double lat1, double lon2, double lat2);
