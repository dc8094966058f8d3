/* cm-export.c: GeoJSON out of a community map, streamed feature by feature. */
#include "config.h"

#include "cm-export.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "cm-geojson-reader.h"
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

/* Appends the feature's properties with its photos as data: URIs in "photos". */
static void
append_properties (GString *buf, CmStore *store, const char *props, const char *uuid,
                   GHashTable *with_photos)
{
  if (!g_hash_table_contains (with_photos, uuid))
    {
      g_string_append (buf, props);
      return;
    }
  g_autoptr (GPtrArray) photos = cm_store_list_photos (store, uuid, NULL);
  /* props is an object: its closing brace makes way for one more member */
  g_string_append_len (buf, props, strlen (props) - 1);
  g_string_append (buf, ",\"photos\":[");
  for (guint i = 0; photos && i < photos->len; i++)
    {
      CmPhoto *p = g_ptr_array_index (photos, i);
      g_autofree char *b64 = g_base64_encode (g_bytes_get_data (p->data, NULL),
                                              g_bytes_get_size (p->data));
      g_string_append_printf (buf, "%s\"data:%s;base64,%s\"", i ? "," : "", p->mime, b64);
    }
  g_string_append (buf, "]}");
}

static gboolean
write_all (GOutputStream *out, const char *s, gsize len, GCancellable *cancellable,
           GError **error)
{
  return g_output_stream_write_all (out, s, len, NULL, cancellable, error);
}

gint64
cm_export_geojson (CmStore *store, CmLayer layer, GOutputStream *out, GCancellable *cancellable,
                   GError **error)
{
  const char *table = cm_layer_to_string (layer);
  /* SpatiaLite writes the coordinates (7 decimals, trailing zeros trimmed); SQLite's JSON
   * functions merge our fields into the tags, keeping the tags' own text as it was. */
  g_autofree char *sql = g_strdup_printf (
      "SELECT CASE WHEN NumGeometries(geom) = 1 AND GeometryType(geom) LIKE 'MULTI%%'"
      "  THEN AsGeoJSON(GeometryN(geom, 1), 7, 0) ELSE AsGeoJSON(geom, 7, 0) END,"
      " CASE WHEN name IS NULL THEN json_set(tags, '$.uuid', uuid, '$.category', category)"
      "  ELSE json_set(tags, '$.uuid', uuid, '$.category', category, '$.name', name) END,"
      " source_id, uuid"
      " FROM %s WHERE deleted = 0 ORDER BY id",
      table);
  sqlite3_stmt *stmt = _cm_store_prepare (store, sql, error);
  if (stmt == NULL)
    return -1;

  g_autoptr (GHashTable) with_photos = features_with_photos (store);
  GString *buf = g_string_new (NULL);
  g_string_append (buf, "{\"type\":\"FeatureCollection\",\"name\":");
  cm_json_append_string (buf, table, strlen (table));
  g_string_append (buf, ",\"features\":[\n");

  gint64 n = 0;
  int rc;
  gboolean ok = TRUE;
  while (ok && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *geometry = (const char *) sqlite3_column_text (stmt, 0);
      const char *props = (const char *) sqlite3_column_text (stmt, 1);
      const char *source_id = (const char *) sqlite3_column_text (stmt, 2);
      const char *uuid = (const char *) sqlite3_column_text (stmt, 3);

      if (n > 0)
        g_string_append (buf, ",\n");
      g_string_append (buf, "{\"type\":\"Feature\",");
      /* the source's own feature id, when it was one (not an OSM @type/@id pair) */
      if (source_id && !strchr (source_id, '/') && !strchr (source_id, '#'))
        {
          g_string_append (buf, "\"id\":");
          gboolean numeric = source_id[0] != '\0' &&
                             strspn (source_id, "0123456789") == strlen (source_id) &&
                             (source_id[0] != '0' || source_id[1] == '\0');
          if (numeric)
            g_string_append (buf, source_id);
          else
            cm_json_append_string (buf, source_id, strlen (source_id));
          g_string_append_c (buf, ',');
        }
      g_string_append (buf, "\"geometry\":");
      g_string_append (buf, geometry ? geometry : "null");
      g_string_append (buf, ",\"properties\":");
      append_properties (buf, store, props, uuid, with_photos);
      g_string_append_c (buf, '}');
      n++;

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
  if (ok)
    {
      g_string_append (buf, "\n]}\n");
      ok = write_all (out, buf->str, buf->len, cancellable, error);
    }
  g_string_free (buf, TRUE);
  return ok ? n : -1;
}
