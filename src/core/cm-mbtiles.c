/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-mbtiles.c: raster MBTiles, read-only. */
#include "config.h"

#include "cm-mbtiles.h"

#include <glib/gi18n-lib.h>

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

G_DEFINE_QUARK (cm-mbtiles-error-quark, cm_mbtiles_error)

struct _CmMbtiles
{
  sqlite3 *db;
  sqlite3_stmt *tile;
  char *name;
  char *attribution;
  int min_zoom, max_zoom;
};

void
cm_mbtiles_free (CmMbtiles *self)
{
  if (self == NULL)
    return;
  sqlite3_finalize (self->tile);
  sqlite3_close_v2 (self->db);
  g_free (self->name);
  g_free (self->attribution);
  g_free (self);
}

static char *
metadata (sqlite3 *db, const char *key)
{
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;
  if (sqlite3_prepare_v2 (db, "SELECT value FROM metadata WHERE name = ?1", -1, &stmt, NULL) ==
      SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_text (stmt, 0))
        value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
    }
  sqlite3_finalize (stmt);
  return value;
}

CmMbtiles *
cm_mbtiles_open (const char *path, GError **error)
{
  g_autofree char *dn = g_filename_display_name (path);
  CmMbtiles *self = g_new0 (CmMbtiles, 1);
  self->min_zoom = -1;
  self->max_zoom = -1;

  char header[16] = { 0 };
  FILE *f = fopen (path, "rb");
  if (f)
    {
      if (fread (header, 1, sizeof header, f) != sizeof header)
        memset (header, 0, sizeof header);
      fclose (f);
    }
  if (memcmp (header, "SQLite format 3", 16) != 0 ||
      sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) !=
          SQLITE_OK)
    {
      g_set_error (error, CM_MBTILES_ERROR, CM_MBTILES_ERROR_NOT_MBTILES,
                   _("“%s” is not an MBTiles file (it is not a SQLite database)"), dn);
      cm_mbtiles_free (self);
      return NULL;
    }
  sqlite3_db_config (self->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
  sqlite3_db_config (self->db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
  if (sqlite3_prepare_v2 (self->db,
                          "SELECT tile_data FROM tiles WHERE zoom_level = ?1 AND"
                          " tile_column = ?2 AND tile_row = ?3",
                          -1, &self->tile, NULL) != SQLITE_OK)
    {
      g_set_error (error, CM_MBTILES_ERROR, CM_MBTILES_ERROR_NOT_MBTILES,
                   _("“%s” is not an MBTiles file: %s"), dn, sqlite3_errmsg (self->db));
      cm_mbtiles_free (self);
      return NULL;
    }
  self->name = metadata (self->db, "name");
  self->attribution = metadata (self->db, "attribution");
  g_autofree char *minz = metadata (self->db, "minzoom");
  g_autofree char *maxz = metadata (self->db, "maxzoom");
  if (minz && maxz)
    {
      self->min_zoom = (int) g_ascii_strtoll (minz, NULL, 10);
      self->max_zoom = (int) g_ascii_strtoll (maxz, NULL, 10);
    }
  else
    {
      /* older files have no zoom range in their metadata: ask the tiles */
      sqlite3_stmt *stmt = NULL;
      if (sqlite3_prepare_v2 (self->db, "SELECT min(zoom_level), max(zoom_level) FROM tiles", -1,
                              &stmt, NULL) == SQLITE_OK &&
          sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
        {
          self->min_zoom = sqlite3_column_int (stmt, 0);
          self->max_zoom = sqlite3_column_int (stmt, 1);
        }
      sqlite3_finalize (stmt);
    }
  if (self->min_zoom < 0 || self->max_zoom < self->min_zoom || self->max_zoom > 30)
    {
      g_set_error (error, CM_MBTILES_ERROR, CM_MBTILES_ERROR_NOT_MBTILES,
                   _("“%s” holds no tiles"), dn);
      cm_mbtiles_free (self);
      return NULL;
    }
  return self;
}

const char *
cm_mbtiles_get_name (CmMbtiles *self)
{
  return self->name;
}

const char *
cm_mbtiles_get_attribution (CmMbtiles *self)
{
  return self->attribution;
}

int
cm_mbtiles_get_min_zoom (CmMbtiles *self)
{
  return self->min_zoom;
}

int
cm_mbtiles_get_max_zoom (CmMbtiles *self)
{
  return self->max_zoom;
}

GBytes *
cm_mbtiles_get_tile (CmMbtiles *self, int z, int x, int y, GError **error)
{
  if (z < 0 || z > 30 || x < 0 || y < 0 || x >= (1 << z) || y >= (1 << z))
    {
      g_set_error (error, CM_MBTILES_ERROR, CM_MBTILES_ERROR_NO_TILE, _("no tile %d/%d/%d"), z, x, y);
      return NULL;
    }
  sqlite3_bind_int (self->tile, 1, z);
  sqlite3_bind_int (self->tile, 2, x);
  sqlite3_bind_int (self->tile, 3, (1 << z) - 1 - y); /* TMS: rows from the south */
  GBytes *bytes = NULL;
  int rc = sqlite3_step (self->tile);
  if (rc == SQLITE_ROW && sqlite3_column_bytes (self->tile, 0) > 0)
    bytes = g_bytes_new (sqlite3_column_blob (self->tile, 0), sqlite3_column_bytes (self->tile, 0));
  else if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    g_set_error (error, CM_MBTILES_ERROR, CM_MBTILES_ERROR_NO_TILE, _("no tile %d/%d/%d"), z, x, y);
  else
    g_set_error (error, CM_MBTILES_ERROR, CM_MBTILES_ERROR_FAILED, _("could not read tile %d/%d/%d: %s"),
                 z, x, y, sqlite3_errmsg (self->db));
  sqlite3_reset (self->tile);
  return bytes;
}
