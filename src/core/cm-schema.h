/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-schema.h: creating and migrating the tables of a community map. */
#pragma once

#include <gio/gio.h>
#include <sqlite3.h>

G_BEGIN_DECLS

gboolean _cm_schema_create (sqlite3 *db, const char *name, GError **error);
gboolean _cm_schema_migrate (sqlite3 *db, int from_version, GError **error);

G_END_DECLS
