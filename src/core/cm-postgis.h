/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-postgis.h: a map pushed to and pulled from a PostgreSQL + PostGIS server (docs/postgis.md).
 *
 * The server holds one map for many communities (data/postgis/001-schema.sql): the layers as
 * PostGIS tables, and the versions, clock and conflicts of a map file. A push merges the map
 * into the server's copy, a pull merges the server's copy into the map, by the rules of merging
 * two maps (cm-merge.c, docs/merge.md): each time the features concerned are brought into a
 * temporary map file, merged by cm_merge's rules, and what changed is written back. A push is
 * one transaction of the server, under a lock that makes pushes take turns. */
#pragma once

#include <gio/gio.h>

#include "cm-geojson-reader.h"
#include "cm-merge.h"
#include "cm-store.h"

G_BEGIN_DECLS

/* Which part of the server's map a pull brings: the features of some communities and/or in a
 * box; with neither, all of it. The features the map already holds always come up to date. */
typedef struct
{
  const char *const *communities; /* NULL-terminated; NULL: any */
  gboolean has_bbox;
  double bbox[4]; /* min lon, min lat, max lon, max lat */
} CmPostgisScope;

typedef struct
{
  char *server;          /* user@host:port/database, for people: never a password */
  CmMergeReport *merge;  /* what changed where the features went (the server on a push) */
  guint rows_exchanged;  /* features and records sent (a push) or received (a pull) */
  gboolean created_schema; /* a push that made the server's community_map schema */
} CmPostgisReport;

void cm_postgis_report_free (CmPostgisReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CmPostgisReport, cm_postgis_report_free)

/* Pushes @map to @server (a postgresql:// address, key=value connection words, or a service
 * name of ~/.pg_service.conf; the password from libpq's own places: ~/.pgpass, the service
 * file, PGPASSWORD — one in @server is refused). Features new to the server belong to
 * @community (NULL: the map's name). @progress (may be NULL) is told the steps done of all;
 * @cancellable stops it before the commit, leaving the server as it was. */
CmPostgisReport *cm_postgis_push (CmStore *map, const char *server, const char *community,
                                  CmProgressFunc progress, gpointer progress_data,
                                  GCancellable *cancellable, GError **error);

/* Called once before a pull changes the map, with the "layer\tuuid" of the features it holds
 * that the pull may change (what an undo step keeps as they were); the features new to the map
 * come in report->merge->rows too. */
typedef void (*CmPostgisBeforeFunc) (CmStore *map, GPtrArray *keys, gpointer user_data);

/* Pulls @scope (NULL: everything) of the map on @server into @map. A map that then holds only
 * part of the server's map remembers it, and is merged with other copies only through the
 * server (cm_merge refuses it, saying why). @before (may be NULL): see CmPostgisBeforeFunc. */
CmPostgisReport *cm_postgis_pull (CmStore *map, const char *server, const CmPostgisScope *scope,
                                  CmProgressFunc progress, gpointer progress_data,
                                  CmPostgisBeforeFunc before, gpointer before_data,
                                  GCancellable *cancellable, GError **error);

G_END_DECLS
