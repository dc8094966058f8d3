/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-export.c: GeoJSON out of a community map, streamed feature by feature. */
#include "config.h"

#include "cm-export.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "cm-geom.h"
#include "cm-json-writer.h"
#include "cm-reports.h"
#include "cm-photos.h"
#include "cm-store-private.h"

/* The uuids of features that have photos (few): the others need no photo query. */
static GHashTable *
features_with_photos (CmStore *store)
{
  GHashTable *set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (cm_store_get_schema_version (store) < 2)
    return set;
  sqlite3_stmt *stmt = _cm_store_prepare (
      store, "SELECT DISTINCT feature_uuid FROM photos WHERE deleted = 0", NULL);
  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    g_hash_table_add (set, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_finalize (stmt);
  return set;
}

static gboolean
write_all (GOutputStream *out, const char *s, gsize len, GCancellable *cancellable,
           GError **error)
{
  return g_output_stream_write_all (out, s, len, NULL, cancellable, error);
}

/* Appends ,"key":"text" (nothing when @text is NULL). */
static void
append_text (GString *buf, const char *key, const char *text)
{
  if (text == NULL)
    return;
  g_string_append_printf (buf, ",\"%s\":", key);
  cm_json_append_string (buf, text, strlen (text));
}

/* Column @col as a JSON number member (nothing when NULL). */
static void
append_number (GString *buf, const char *key, sqlite3_stmt *stmt, int col)
{
  switch (sqlite3_column_type (stmt, col))
    {
    case SQLITE_INTEGER:
      g_string_append_printf (buf, ",\"%s\":%" G_GINT64_FORMAT, key,
                              (gint64) sqlite3_column_int64 (stmt, col));
      break;
    case SQLITE_FLOAT:
      g_string_append_printf (buf, ",\"%s\":", key);
      cm_json_append_double (buf, sqlite3_column_double (stmt, col));
      break;
    default:
      break;
    }
}

static const char *
column_text (sqlite3_stmt *stmt, int col)
{
  return (const char *) sqlite3_column_text (stmt, col);
}

/* The feature's photos: each its uuid, when it was added, and the image as a data: URI. */
static void
append_photos (GString *buf, CmStore *store, const char *uuid)
{
  g_autoptr (GPtrArray) photos = cm_store_list_photos (store, uuid, NULL);
  if (photos == NULL || photos->len == 0)
    return;
  g_string_append (buf, ",\"photos\":[");
  for (guint i = 0; i < photos->len; i++)
    {
      CmPhoto *p = g_ptr_array_index (photos, i);
      g_autofree char *b64 = g_base64_encode (g_bytes_get_data (p->data, NULL),
                                              g_bytes_get_size (p->data));
      g_string_append_printf (buf, "%s{\"uuid\":\"%s\",\"created_at\":\"%s\","
                              "\"data\":\"data:%s;base64,%s\"}",
                              i ? "," : "", p->uuid, p->created_at, p->mime, b64);
    }
  g_string_append_c (buf, ']');
}

/* The columns the query below reads, in order. */
enum
{
  COL_WKB,
  COL_SOURCE_ID,
  COL_UUID,
  COL_CATEGORY,
  COL_NAME,
  COL_DESCRIPTION,
  COL_CREATED,
  COL_UPDATED,
  COL_TAGS,
  COL_CONTRIBUTOR_UUID,
  COL_CONTRIBUTOR_NAME,
  COL_CONTRIBUTOR_ANON,
  COL_WORKSHOP_UUID,
  COL_WORKSHOP_NAME,
  COL_WORKSHOP_DATE,
  COL_WORKSHOP_PLACE,
  COL_EXTRAS, /* the layer's own columns follow */
};

static gboolean
export_layer (CmStore *store, CmLayer layer, GString *buf, GOutputStream *out, gint64 *n,
              GHashTable *with_photos, GCancellable *cancellable, GError **error)
{
  const CmLayerInfo *info = cm_layer_get_info (layer);
  /* the tags without the members written from columns (older maps kept some of them there) */
  GString *remove = g_string_new ("'$.uuid', '$.map_layer', '$.category', '$.name', '$.description',"
                                  " '$.contributor', '$.workshop', '$.created_at',"
                                  " '$.updated_at', '$.photos'");
  if (layer == CM_LAYER_REPORTS)
    g_string_append (remove, ", '$.timeline'");
  GString *extras = g_string_new (NULL);
  for (guint i = 0; i < info->n_fields; i++)
    {
      g_string_append_printf (remove, ", '$.%s'", info->fields[i].name);
      g_string_append_printf (extras, ", t.%s", info->fields[i].name);
    }
  g_autofree char *sql = g_strdup_printf (
      "SELECT AsBinary(CmGeom(t.geom)), t.source_id, t.uuid, t.category, t.name, t.description,"
      " t.created_at, t.updated_at, json_remove(t.tags, %s),"
      " t.contributor_uuid, c.name, json_extract(c.tags, '$.anonymous'),"
      " t.workshop_uuid, w.name, w.date, w.place%s"
      " FROM %s AS t LEFT JOIN contributors AS c ON c.uuid = t.contributor_uuid"
      " LEFT JOIN workshops AS w ON w.uuid = t.workshop_uuid"
      " WHERE t.deleted = 0 ORDER BY t.id",
      remove->str, extras->str, info->table);
  g_string_free (remove, TRUE);
  g_string_free (extras, TRUE);
  sqlite3_stmt *stmt = _cm_store_prepare (store, sql, error);
  if (stmt == NULL)
    return FALSE;

  int rc;
  gboolean ok = TRUE;
  while (ok && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *source_id = column_text (stmt, COL_SOURCE_ID);
      const char *uuid = column_text (stmt, COL_UUID);
      if (*n > 0)
        g_string_append (buf, ",\n");
      g_string_append (buf, "{\"type\":\"Feature\",");
      /* the source's own feature id, when it was one (not an OSM @type/@id pair) */
      if (source_id && !strchr (source_id, '/') && !strchr (source_id, '#'))
        {
          g_string_append (buf, "\"id\":");
          gboolean numeric = source_id[0] != '\0' &&
                             strspn (source_id, "0123456789") == strlen (source_id) &&
                             (source_id[0] != '0' || source_id[1] == '\0') &&
                             strlen (source_id) < 16;
          if (numeric)
            g_string_append (buf, source_id);
          else
            cm_json_append_string (buf, source_id, strlen (source_id));
          g_string_append_c (buf, ',');
        }
      g_string_append (buf, "\"geometry\":");
      g_autoptr (CmGeom) geom = sqlite3_column_type (stmt, COL_WKB) == SQLITE_BLOB
                                    ? cm_geom_from_wkb (sqlite3_column_blob (stmt, COL_WKB),
                                                        sqlite3_column_bytes (stmt, COL_WKB))
                                    : NULL;
      if (geom)
        cm_geom_append_geojson_exact (buf, geom);
      else
        g_string_append (buf, "null");

      /* our fields first, then the source's tags, then the photos */
      g_string_append (buf, ",\"properties\":{\"uuid\":");
      cm_json_append_string (buf, uuid, strlen (uuid));
      append_text (buf, "map_layer", info->table);
      append_text (buf, "category", column_text (stmt, COL_CATEGORY));
      append_text (buf, "name", column_text (stmt, COL_NAME));
      append_text (buf, "description", column_text (stmt, COL_DESCRIPTION));
      for (guint i = 0; i < info->n_fields; i++)
        {
          int col = COL_EXTRAS + (int) i;
          const char *e = info->fields[i].name;
          if (sqlite3_column_type (stmt, col) == SQLITE_TEXT)
            append_text (buf, e, column_text (stmt, col));
          else if (info->fields[i].type == CM_VALUE_FLAG &&
                   sqlite3_column_type (stmt, col) == SQLITE_INTEGER)
            g_string_append_printf (buf, ",\"%s\":%s", e,
                                    sqlite3_column_int (stmt, col) ? "true" : "false");
          else
            append_number (buf, e, stmt, col);
        }
      if (column_text (stmt, COL_CONTRIBUTOR_UUID))
        {
          g_string_append (buf, ",\"contributor\":{\"uuid\":");
          const char *cu = column_text (stmt, COL_CONTRIBUTOR_UUID);
          cm_json_append_string (buf, cu, strlen (cu));
          append_text (buf, "name", column_text (stmt, COL_CONTRIBUTOR_NAME));
          append_number (buf, "anonymous", stmt, COL_CONTRIBUTOR_ANON);
          g_string_append_c (buf, '}');
        }
      if (column_text (stmt, COL_WORKSHOP_UUID))
        {
          g_string_append (buf, ",\"workshop\":{\"uuid\":");
          const char *wu = column_text (stmt, COL_WORKSHOP_UUID);
          cm_json_append_string (buf, wu, strlen (wu));
          append_text (buf, "name", column_text (stmt, COL_WORKSHOP_NAME));
          append_text (buf, "date", column_text (stmt, COL_WORKSHOP_DATE));
          append_text (buf, "place", column_text (stmt, COL_WORKSHOP_PLACE));
          g_string_append_c (buf, '}');
        }
      append_text (buf, "created_at", column_text (stmt, COL_CREATED));
      append_text (buf, "updated_at", column_text (stmt, COL_UPDATED));
      if (layer == CM_LAYER_REPORTS)
        {
          gsize before = buf->len;
          g_string_append (buf, ",\"timeline\":");
          gsize start = buf->len;
          _cm_reports_append_timeline_json (store, uuid, buf);
          if (buf->len == start)
            g_string_truncate (buf, before);
        }
      const char *tags = column_text (stmt, COL_TAGS);
      if (tags && tags[0] == '{' && tags[1] != '}')
        {
          g_string_append_c (buf, ',');
          g_string_append_len (buf, tags + 1, strlen (tags) - 2); /* the members, no braces */
        }
      if (g_hash_table_contains (with_photos, uuid))
        append_photos (buf, store, uuid);
      g_string_append (buf, "}}");
      (*n)++;

      if (buf->len > 64 * 1024)
        {
          ok = write_all (out, buf->str, buf->len, cancellable, error);
          g_string_truncate (buf, 0);
        }
    }
  sqlite3_finalize (stmt);
  if (ok && rc != SQLITE_DONE)
    {
      _cm_store_set_sqlite_error (store, error, _("read features"));
      ok = FALSE;
    }
  return ok;
}

gint64
cm_export_geojson (CmStore *store, CmLayer layer, GOutputStream *out, GCancellable *cancellable,
                   GError **error)
{
  g_autoptr (GHashTable) with_photos = features_with_photos (store);
  GString *buf = g_string_new (NULL);
  const char *name = layer == CM_LAYER_NONE ? "community-map" : cm_layer_to_string (layer);
  g_string_append (buf, "{\"type\":\"FeatureCollection\",\"name\":");
  cm_json_append_string (buf, name, strlen (name));
  g_string_append (buf, ",\"features\":[\n");

  gint64 n = 0;
  gboolean ok = TRUE;
  for (int l = 0; ok && l < CM_N_LAYERS; l++)
    if (layer == CM_LAYER_NONE || layer == (CmLayer) l)
      ok = export_layer (store, l, buf, out, &n, with_photos, cancellable, error);
  if (ok)
    {
      g_string_append (buf, "\n]}\n");
      ok = write_all (out, buf->str, buf->len, cancellable, error);
    }
  g_string_free (buf, TRUE);
  return ok ? n : -1;
}
