/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-history.c: what drawing needs of core — undo and redo through the store, vertex edits,
 * snapping, workshops and contributors, photos, and the WKB that drawing hands to the store. */
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <sys/resource.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <string.h>

#include "cm-core.h"
#include "cm-store-private.h"
#include "cm-test-util.h"

static CmStore *
new_map (const char *name)
{
  g_autofree char *dir = cm_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;
  CmStore *store = cm_store_create (path, NULL, &error);
  g_assert_no_error (error);
  return store;
}

/* A polygon of @n positions (closed by the writer's caller) as CmGeom. */
static CmGeom *
ring_geom (CmGeomType type, const double *xy, guint n)
{
  CmGeom *g = cm_geom_new (type);
  g_array_append_vals (g->xy, xy, 2 * n);
  g_array_append_val (g->ring_len, n);
  guint one = 1;
  g_array_append_val (g->part_len, one);
  return g;
}

/* A feature of @layer whose geometry is ring_geom (@type, @xy, @n). */
static CmFeature *
new_feature (CmLayer layer, CmGeomType type, const double *xy, guint n)
{
  g_autoptr (CmGeom) g = ring_geom (type, xy, n);
  g_autoptr (GBytes) wkb = cm_geom_to_wkb (g);
  CmFeature *f = cm_feature_new (layer);
  cm_feature_set_wkb (f, wkb);
  return f;
}

static char *
text_of (CmStore *store, const char *sql)
{
  sqlite3_stmt *stmt = _cm_store_prepare (store, sql, NULL);
  g_assert_nonnull (stmt);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  char *s = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return s;
}

/* cm_geom_to_wkb writes what SpatiaLite reads back to the same coordinates. */
static void
test_wkb_writer (void)
{
  g_autoptr (CmStore) store = new_map ("wkb.sqlite");
  const double area[] = { 116.3, 40.0, 116.31, 40.0, 116.31, 40.01, 116.3, 40.01, 116.3, 40.0 };
  g_autoptr (CmFeature) f = new_feature (CM_LAYER_RESOURCES, CM_GEOM_POLYGON, area, 5);
  g_autoptr (GError) error = NULL;
  g_assert_true (cm_store_add_feature (store, f, &error));
  g_assert_no_error (error);
  g_autofree char *wkt = text_of (store, "SELECT AsText(geom) FROM resources");
  g_assert_cmpstr (wkt, ==,
                   "POLYGON((116.3 40, 116.31 40, 116.31 40.01, 116.3 40.01, 116.3 40))");

  const double line[] = { 116.3, 40.0, 116.305, 40.002, 116.31, 40.0 };
  g_autoptr (CmGeom) ls = ring_geom (CM_GEOM_LINESTRING, line, 3);
  g_autoptr (GBytes) lwkb = cm_geom_to_wkb (ls);
  g_autoptr (CmGeom) back = cm_geom_from_wkb (g_bytes_get_data (lwkb, NULL),
                                              g_bytes_get_size (lwkb));
  g_assert_cmpint (back->type, ==, CM_GEOM_LINESTRING);
  g_assert_cmpmem (back->xy->data, back->xy->len * sizeof (double), line, sizeof line);

  const double pt[] = { 116.3, 40.0 };
  g_autoptr (CmGeom) point = ring_geom (CM_GEOM_POINT, pt, 1);
  g_autoptr (GBytes) pwkb = cm_geom_to_wkb (point);
  g_assert_cmpint (g_bytes_get_size (pwkb), ==, 21); /* 1 + 4 + 2 × 8 */
}


/* Vertex edits keep a ring closed and refuse to leave too few corners. */
static void
test_geom_edits (void)
{
  const double sq[] = { 0, 0, 2, 0, 2, 2, 0, 2, 0, 0 };
  g_autoptr (CmGeom) g = ring_geom (CM_GEOM_POLYGON, sq, 5);
  g_assert_cmpint (cm_geom_n_positions (g), ==, 5);
  g_assert_true (cm_geom_is_closing (g, 4));
  g_assert_false (cm_geom_is_closing (g, 0));
  g_assert_cmpint (cm_geom_next_in_ring (g, 3), ==, 4);
  g_assert_cmpint (cm_geom_next_in_ring (g, 4), ==, 0);

  /* moving the first corner moves the closing copy */
  cm_geom_move_position (g, 0, -1, -1);
  const double *xy = (const double *) g->xy->data;
  g_assert_cmpfloat (xy[8], ==, -1);
  g_assert_cmpfloat (xy[9], ==, -1);

  /* a corner in the middle of the first side */
  guint at = cm_geom_insert_after (g, 0, 1, -0.5);
  g_assert_cmpint (at, ==, 1);
  g_assert_cmpint (g_array_index (g->ring_len, guint, 0), ==, 6);
  xy = (const double *) g->xy->data;
  g_assert_cmpfloat (xy[2], ==, 1);
  g_assert_cmpfloat (xy[4], ==, 2);

  /* removing the first corner: the next one starts and closes the ring */
  const char *reason = NULL;
  g_assert_true (cm_geom_remove_position (g, 0, &reason));
  xy = (const double *) g->xy->data;
  guint n = g_array_index (g->ring_len, guint, 0);
  g_assert_cmpint (n, ==, 5);
  g_assert_cmpfloat (xy[0], ==, 1);
  g_assert_cmpfloat (xy[2 * (n - 1)], ==, 1);
  g_assert_cmpfloat (xy[2 * (n - 1) + 1], ==, -0.5);
  g_assert_true (cm_geom_remove_position (g, 1, &reason));
  g_assert_false (cm_geom_remove_position (g, 1, &reason)); /* three corners left */
  g_assert_nonnull (reason);
  g_assert_cmpint (g_array_index (g->ring_len, guint, 0), ==, 4);

  /* a line keeps two points; translate moves everything */
  const double ln[] = { 0, 0, 1, 1, 2, 0 };
  g_autoptr (CmGeom) l = ring_geom (CM_GEOM_LINESTRING, ln, 3);
  g_assert_cmpint (cm_geom_next_in_ring (l, 2), ==, G_MAXUINT);
  g_assert_true (cm_geom_remove_position (l, 1, &reason));
  g_assert_false (cm_geom_remove_position (l, 1, &reason));
  g_autoptr (CmGeom) moved = cm_geom_copy (l);
  cm_geom_translate (moved, 0.5, -0.25);
  g_assert_cmpfloat (g_array_index (moved->xy, double, 2), ==, 2.5);
  g_assert_cmpfloat (g_array_index (moved->xy, double, 3), ==, -0.25);
  g_assert_cmpfloat (g_array_index (l->xy, double, 2), ==, 2); /* the copy is its own */
}

/* Snapping: a corner within the tolerance wins, else the nearest point of an edge. */
static void
test_snap (void)
{
  g_autoptr (CmStore) store = new_map ("snap.sqlite");
  const double sq[] = { 116.3, 40.0, 116.301, 40.0, 116.301, 40.001, 116.3, 40.001, 116.3, 40.0 };
  g_autoptr (CmFeature) f = new_feature (CM_LAYER_BUILDINGS, CM_GEOM_POLYGON, sq, 5);
  g_autoptr (GError) error = NULL;
  g_assert_true (cm_store_add_feature (store, f, &error));
  double out[2];
  const double tol = 0.00005; /* about 5.5 m */
  g_assert_true (cm_store_snap (store, 116.30102, 40.00098, tol, NULL, 0, out));
  g_assert_cmpfloat (out[0], ==, 116.301);
  g_assert_cmpfloat (out[1], ==, 40.001);
  g_assert_true (cm_store_snap (store, 116.3005, 40.00002, tol, NULL, 0, out));
  g_assert_cmpfloat_with_epsilon (out[0], 116.3005, 1e-12);
  g_assert_cmpfloat_with_epsilon (out[1], 40.0, 1e-12);
  g_assert_false (cm_store_snap (store, 116.3005, 40.0005, tol, NULL, 0, out));
  g_assert_false (cm_store_snap (store, 116.30102, 40.00098, tol, cm_feature_get_uuid (f), 0,
                                 out));
  g_assert_false (cm_store_snap (store, 116.30102, 40.00098, tol, NULL,
                                 1u << CM_LAYER_BUILDINGS, out));
}


/* CRC-32 of PNG chunks (ISO 3309), to give a patched header a valid checksum. */
static guint32
png_crc (const guint8 *d, gsize n)
{
  guint32 c = 0xFFFFFFFFu;
  for (gsize i = 0; i < n; i++)
    {
      c ^= d[i];
      for (int k = 0; k < 8; k++)
        c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    }
  return c ^ 0xFFFFFFFFu;
}

static glong
peak_rss_kb (void)
{
  struct rusage u;
  getrusage (RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

/* A photo of a few hundred bytes whose header claims 30,000 × 30,000 pixels (a PNG with a
 * valid checksum) or 65,000 × 60,000 (a JPEG): refused as too large before it is decoded —
 * the process does not grow by the gigabytes decoding would take — from bytes and from a file;
 * one claiming 4,000 × 3,000 (a phone's) is decoded and scaled as any. */
static void
test_photo_claims_too_many_pixels (void)
{
  g_autoptr (GdkPixbuf) small = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 4, 4);
  gdk_pixbuf_fill (small, 0x336699ff);
  char *png = NULL, *jpeg = NULL;
  gsize png_len = 0, jpeg_len = 0;
  g_assert_true (gdk_pixbuf_save_to_buffer (small, &png, &png_len, "png", NULL, NULL));
  g_assert_true (gdk_pixbuf_save_to_buffer (small, &jpeg, &jpeg_len, "jpeg", NULL, NULL));
  /* the PNG's IHDR: length (4), "IHDR" (4), width, height … at bytes 8–28, its CRC after */
  guint8 *p = (guint8 *) png;
  g_assert_cmpint (memcmp (p + 12, "IHDR", 4), ==, 0);
  const guint32 sizes[][2] = { { 30000, 30000 }, { 4000, 3000 } };
  for (gsize k = 0; k < G_N_ELEMENTS (sizes); k++)
    {
      guint32 w = GUINT32_TO_BE (sizes[k][0]), h = GUINT32_TO_BE (sizes[k][1]);
      memcpy (p + 16, &w, 4);
      memcpy (p + 20, &h, 4);
      guint32 crc = GUINT32_TO_BE (png_crc (p + 12, 17));
      memcpy (p + 29, &crc, 4);
      g_autoptr (GBytes) bytes = g_bytes_new (png, png_len);
      g_autoptr (GError) error = NULL;
      glong before = peak_rss_kb ();
      CmPhoto *photo = cm_photo_from_bytes (bytes, &error);
      g_test_message ("%u × %u: %s (peak RSS +%ld MB)", sizes[k][0], sizes[k][1],
                      error ? error->message : "taken", (peak_rss_kb () - before) / 1024);
      if (k == 0)
        {
          g_assert_null (photo);
          g_assert_error (error, CM_PHOTO_ERROR, CM_PHOTO_ERROR_TOO_LARGE);
          g_assert_nonnull (strstr (error->message, "900 megapixels"));
          g_assert_cmpint (peak_rss_kb () - before, <, 100 * 1024);
        }
      else /* 12 megapixels, as a phone's: decoded (what its data lacks is left blank) */
        {
          g_assert_no_error (error);
          g_assert_nonnull (photo);
          g_assert_cmpint (MAX (photo->width, photo->height), ==, CM_PHOTO_MAX_SIZE);
          cm_photo_free (photo);
        }
    }

  /* the JPEG's frame header (SOF0, 0xFFC0): precision, then height and width */
  guint8 *j = (guint8 *) jpeg;
  gsize sof = 0;
  for (gsize i = 2; i + 9 < jpeg_len; i++)
    if (j[i] == 0xFF && j[i + 1] == 0xC0)
      {
        sof = i;
        break;
      }
  g_assert_cmpuint (sof, >, 0);
  j[sof + 5] = 60000 >> 8, j[sof + 6] = 60000 & 0xFF;
  j[sof + 7] = 65000 >> 8, j[sof + 8] = 65000 & 0xFF;
  g_autofree char *dir = cm_test_tmpdir ();
  g_autofree char *file = g_build_filename (dir, "huge.jpg", NULL);
  g_assert_true (g_file_set_contents (file, jpeg, (gssize) jpeg_len, NULL));
  g_autofree char *map = g_build_filename (dir, "photos-huge.sqlite", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (CmStore) store = cm_store_create (map, "huge", &error);
  g_assert_no_error (error);
  double gate[] = { 116.3265, 40.0035 };
  g_autoptr (CmFeature) f = new_feature (CM_LAYER_RESOURCES, CM_GEOM_POINT, gate, 1);
  g_assert_true (cm_store_add_feature (store, f, &error));
  glong before = peak_rss_kb ();
  g_autofree char *added = cm_store_add_photo (store, f, file, &error);
  g_assert_null (added);
  g_test_message ("%s (peak RSS +%ld MB)", error->message, (peak_rss_kb () - before) / 1024);
  g_assert_error (error, CM_PHOTO_ERROR, CM_PHOTO_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "“huge.jpg” claims 3900 megapixels"));
  g_assert_cmpint (peak_rss_kb () - before, <, 100 * 1024);
  g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM photos"), ==, 0);

  /* an arithmetic-coded JPEG (SOF9): refused, from bytes and as a file, before libjpeg's
   * decoder sees it (fuzzing found a damaged one of 121 bytes that kept it busy for minutes) */
  char *plain = NULL;
  gsize plain_len = 0;
  g_assert_true (gdk_pixbuf_save_to_buffer (small, &plain, &plain_len, "jpeg", NULL, NULL));
  guint8 *a = (guint8 *) plain;
  for (gsize i = 2; i + 1 < plain_len; i++)
    if (a[i] == 0xFF && a[i + 1] == 0xC0)
      {
        a[i + 1] = 0xC9;
        break;
      }
  g_autoptr (GBytes) arith = g_bytes_new (plain, plain_len);
  g_clear_error (&error);
  g_assert_null (cm_photo_from_bytes (arith, &error));
  g_assert_error (error, CM_PHOTO_ERROR, CM_PHOTO_ERROR_NOT_AN_IMAGE);
  g_assert_nonnull (strstr (error->message, "arithmetic coding"));
  g_clear_error (&error);
  /* the same with 0xFF fill bytes and a stray byte before its frame marker, which libjpeg
   * skips: still refused (fuzzing found one hidden so) */
  gsize at = 0;
  for (gsize i = 2; i + 1 < plain_len && at == 0; i++)
    if (a[i] == 0xFF && a[i + 1] == 0xC9)
      at = i;
  g_assert_cmpuint (at, >, 0);
  GByteArray *hidden = g_byte_array_new ();
  g_byte_array_append (hidden, a, (guint) at);
  g_byte_array_append (hidden, (const guint8 *) "\x00\xFF\xFF\xFF", 4);
  g_byte_array_append (hidden, a + at, (guint) (plain_len - at));
  g_autoptr (GBytes) hidden_bytes = g_byte_array_free_to_bytes (hidden);
  g_assert_null (cm_photo_from_bytes (hidden_bytes, &error));
  g_assert_nonnull (strstr (error->message, "arithmetic coding"));
  g_clear_error (&error);
  g_autofree char *arith_file = g_build_filename (dir, "arith.jpg", NULL);
  g_assert_true (g_file_set_contents (arith_file, plain, (gssize) plain_len, NULL));
  g_autofree char *none = cm_store_add_photo (store, f, arith_file, &error);
  g_assert_null (none);
  g_assert_nonnull (strstr (error->message, "arithmetic coding"));
  g_free (plain);
  g_free (png);
  g_free (jpeg);
}

/* A photo is scaled to 2048 px, stored inside the map, and decodes after the map is reopened;
 * what is not an image is refused and nothing is stored. */
static void
test_photos (void)
{
  g_autofree char *dir = cm_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "photos.sqlite", NULL);
  g_autofree char *jpeg = g_build_filename (dir, "big.jpg", NULL);
  g_autoptr (GError) error = NULL;
  /* a 3000 × 2000 photo: red left half, blue right half */
  g_autoptr (GdkPixbuf) big = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 3000, 2000);
  gdk_pixbuf_fill (big, 0x0000ffff);
  g_autoptr (GdkPixbuf) left = gdk_pixbuf_new_subpixbuf (big, 0, 0, 1500, 2000);
  gdk_pixbuf_fill (left, 0xff0000ff);
  g_assert_true (gdk_pixbuf_save (big, jpeg, "jpeg", &error, "quality", "95", NULL));
  char *uuid = NULL;
  {
    g_autoptr (CmStore) store = cm_store_create (path, NULL, &error);
    const double pt[] = { 116.3, 40.0 };
    g_autoptr (CmFeature) f = new_feature (CM_LAYER_RESOURCES, CM_GEOM_POINT, pt, 1);
    g_assert_true (cm_store_add_feature (store, f, &error));
    uuid = g_strdup (cm_feature_get_uuid (f));
    g_autofree char *photo = cm_store_add_photo (store, f, jpeg, &error);
    g_assert_no_error (error);
    g_assert_nonnull (photo);
    /* not an image: refused, with the file's name */
    g_autofree char *text = g_build_filename (dir, "notes.jpg", NULL);
    g_assert_true (g_file_set_contents (text, "just words", -1, NULL));
    g_autofree char *none = cm_store_add_photo (store, f, text, &error);
    g_assert_null (none);
    g_assert_error (error, CM_PHOTO_ERROR, CM_PHOTO_ERROR_NOT_AN_IMAGE);
    g_assert_nonnull (strstr (error->message, "notes.jpg"));
    g_clear_error (&error);
    g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM photos"), ==, 1);
  }
  g_autoptr (CmStore) store = cm_store_open (path, &error);
  g_assert_no_error (error);
  g_autoptr (GPtrArray) photos = cm_store_list_photos (store, uuid, &error);
  g_free (uuid);
  g_assert_cmpint (photos->len, ==, 1);
  CmPhoto *p = g_ptr_array_index (photos, 0);
  g_assert_cmpstr (p->mime, ==, "image/jpeg");
  g_assert_cmpint (p->width, ==, 2048);
  g_assert_cmpint (p->height, ==, 1365);
  g_autoptr (GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();
  g_assert_true (gdk_pixbuf_loader_write_bytes (loader, p->data, &error));
  g_assert_true (gdk_pixbuf_loader_close (loader, &error));
  GdkPixbuf *decoded = gdk_pixbuf_loader_get_pixbuf (loader);
  g_assert_cmpint (gdk_pixbuf_get_width (decoded), ==, 2048);
  g_assert_cmpint (gdk_pixbuf_get_height (decoded), ==, 1365);
  /* still red on the left and blue on the right */
  const guint8 *px = gdk_pixbuf_read_pixels (decoded);
  int stride = gdk_pixbuf_get_rowstride (decoded);
  const guint8 *l = px + 600 * stride + 300 * 3, *r = px + 600 * stride + 1700 * 3;
  g_assert_cmpint (l[0], >, 230);
  g_assert_cmpint (l[2], <, 25);
  g_assert_cmpint (r[2], >, 230);
  g_assert_cmpint (r[0], <, 25);

  /* exported with the feature: its uuid and a data: URI in its properties */
  g_autoptr (GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_assert_cmpint (cm_export_geojson (store, CM_LAYER_RESOURCES, out, NULL, &error), ==, 1);
  g_output_stream_close (out, NULL, NULL);
  g_autoptr (GBytes) json = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (json, NULL),
                                             g_bytes_get_size (json), &error));
  JsonObject *feature = json_array_get_object_element (
      json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                    "features"), 0);
  JsonArray *urls = json_object_get_array_member (
      json_object_get_object_member (feature, "properties"), "photos");
  g_assert_cmpint (json_array_get_length (urls), ==, 1);
  JsonObject *photo = json_array_get_object_element (urls, 0);
  g_assert_cmpstr (json_object_get_string_member (photo, "uuid"), ==, p->uuid);
  const char *url = json_object_get_string_member (photo, "data");
  g_assert_true (g_str_has_prefix (url, "data:image/jpeg;base64,"));
  gsize len;
  g_autofree guchar *bytes = g_base64_decode (url + strlen ("data:image/jpeg;base64,"), &len);
  g_assert_cmpint (len, ==, g_bytes_get_size (p->data));
  g_assert_cmpint (bytes[0], ==, 0xff);
  g_assert_cmpint (bytes[1], ==, 0xd8);
}

/* A map of schema version 1 (no photos), 2 (none of the planner's fields, no compounds, no
 * kinds) or 3 (no versions) is brought up to date when opened for writing; what it held is
 * kept, and every row has the origin's version, the same in every copy of the old map. */
static void
test_migrate (void)
{
  for (int version = 1; version <= 4; version++)
    {
      g_autofree char *dir = cm_test_tmpdir ();
      g_autofree char *path = g_build_filename (dir, "old.sqlite", NULL);
      g_autoptr (GError) error = NULL;
      {
        g_autoptr (CmStore) store = cm_store_create (path, NULL, &error);
        g_assert_true (_cm_store_exec (
            store,
            "INSERT INTO stations (name, service_radius_m, geom) VALUES ('站', 350,"
            " MakePoint(116.3, 40.0, 4326));"
            "INSERT INTO teams (name, kind, members, geom) VALUES ('队', 'specialty', 12,"
            " CastToMulti(BuildMbr(116.3, 40.0, 116.31, 40.01, 4326)))",
            &error));
      }
      cm_test_make_old_map (path, version);
      {
        g_autoptr (CmStore) old = cm_store_open_reader (path, &error);
        if (version < 3)
          g_assert_cmpint (cm_test_query_int (old, "SELECT count(*) FROM pragma_table_info"
                                                   "('stations') WHERE name = 'phone'"), ==, 0);
        if (version < 3)
          g_assert_cmpint (cm_test_query_int (old, "SELECT count(*) FROM sqlite_master WHERE"
                                                   " name IN ('kinds', 'compounds')"), ==, 0);
        if (version < 4)
          g_assert_cmpint (cm_test_query_int (old, "SELECT count(*) FROM sqlite_master WHERE"
                                                   " name LIKE 'cm_versions%' OR name IN"
                                                   " ('cm_clock', 'cm_pending')"), ==, 0);
        g_assert_cmpint (cm_test_query_int (old, "SELECT count(*) FROM sqlite_master WHERE"
                                                 " name LIKE '%report%'"), ==, 0);
      }
      g_autoptr (CmStore) store = cm_store_open (path, &error);
      g_assert_no_error (error);
      g_assert_cmpint (cm_store_get_schema_version (store), ==, CM_SCHEMA_VERSION);
      g_assert_cmpint (cm_test_query_int (store, "SELECT value FROM cm_meta WHERE"
                                                 " key = 'schema_version'"), ==, CM_SCHEMA_VERSION);
      /* the station and the team: the origin's (a version 4 map had versions of its own), and
       * nothing pending */
      if (version < 4)
        g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM cm_versions WHERE site"
                                                   " = '" CM_VERSIONS_ORIGIN "' AND counter = 0"
                                                   " AND field = '' AND layer IN ('stations',"
                                                   " 'teams')"),
                         ==, 2);
      if (version < 4)
        g_assert_cmpint (cm_test_query_int (store, "SELECT counter FROM cm_clock WHERE site = '"
                                                   CM_VERSIONS_ORIGIN "'"), ==, 0);
      /* 4 → 5: the reports layer and its timeline, with their spatial index and the versions'
       * triggers (three each) */
      g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM sqlite_master WHERE"
                                                 " name IN ('reports', 'report_followups',"
                                                 " 'idx_reports_geom')"), ==, 3);
      g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM geometry_columns WHERE"
                                                 " f_table_name = 'reports'"), ==, 1);
      g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM sqlite_master WHERE"
                                                 " type = 'trigger' AND (name LIKE"
                                                 " 'cm_versions_reports_%' OR name LIKE"
                                                 " 'cm_versions_report_followups_%')"), ==, 6);
      g_assert_cmpint (cm_versions_count_pending (store, NULL), ==, 0);
      g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM sqlite_master WHERE"
                                                 " name IN ('photos', 'kinds', 'compounds',"
                                                 " 'idx_compounds_geom')"), ==, 4);
      g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM geometry_columns WHERE"
                                                 " f_table_name = 'compounds'"), ==, 1);
      g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM kinds WHERE"
                                                 " layer = 'stations'"), ==, 6);
      /* the new columns are there, what the map held is kept */
      g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM stations WHERE"
                                                 " service_radius_m = 350 AND phone IS NULL"
                                                 " AND kind IS NULL"), ==, 1);
      g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM buildings WHERE"
                                                 " compound_uuid IS NULL"), ==, 0);
      g_assert_cmpint (cm_test_query_int (store, "SELECT members FROM teams"), ==, 12);
      g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
      g_assert_true (cm_store_check (store, problems, &error));
      g_assert_cmpint (problems->len, ==, 0);
    }
}

/* Add, update and delete, each undone and redone: the file follows exactly. */
static void
test_undo_redo (void)
{
  g_autoptr (CmStore) store = new_map ("undo.sqlite");
  g_autoptr (CmHistory) history = cm_history_new (store);
  g_autoptr (GError) error = NULL;
  const double area[] = { 116.3, 40.0, 116.31, 40.0, 116.31, 40.01, 116.3, 40.01, 116.3, 40.0 };
  g_autoptr (CmGeom) g = ring_geom (CM_GEOM_POLYGON, area, 5);
  g_autoptr (GBytes) wkb = cm_geom_to_wkb (g);
  g_autoptr (CmFeature) f = cm_feature_new (CM_LAYER_RESOURCES);
  cm_feature_set_wkb (f, wkb);
  cm_feature_set_name (f, "文化小院");
  cm_feature_set_category (f, "culture_room");

  g_assert_false (cm_history_can_undo (history));
  g_assert_true (cm_history_add (history, f, &error));
  g_assert_no_error (error);
  g_assert_true (cm_history_can_undo (history));
  const char *live = "SELECT count(*) FROM resources WHERE deleted = 0";
  g_assert_cmpint (cm_test_query_int (store, live), ==, 1);

  /* undo the add: a tombstone; redo: live again, same uuid */
  double touched[4];
  g_assert_true (cm_history_undo (history, touched, NULL, &error));
  g_assert_cmpint (cm_test_query_int (store, live), ==, 0);
  g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM resources"), ==, 1);
  g_assert_cmpfloat_with_epsilon (touched[0], 116.3, 1e-9);
  g_assert_cmpfloat_with_epsilon (touched[3], 40.01, 1e-9);
  g_assert_true (cm_history_can_redo (history));
  g_assert_true (cm_history_redo (history, NULL, NULL, &error));
  g_assert_cmpint (cm_test_query_int (store, live), ==, 1);
  g_autofree char *uuid = text_of (store, "SELECT uuid FROM resources");
  g_assert_cmpstr (uuid, ==, cm_feature_get_uuid (f));

  /* move a vertex; undo gives back the very same bytes */
  g_autofree char *original = text_of (store, "SELECT hex(geom) FROM resources");
  g_autoptr (CmFeature) before = cm_feature_copy (f);
  double moved[G_N_ELEMENTS (area)];
  memcpy (moved, area, sizeof area);
  moved[4] = 116.3123456789012, moved[5] = 40.0111111111111;
  g_autoptr (CmGeom) mg = ring_geom (CM_GEOM_POLYGON, moved, 5);
  g_autoptr (GBytes) mwkb = cm_geom_to_wkb (mg);
  cm_feature_set_wkb (f, mwkb);
  g_assert_true (cm_history_update (history, before, f, &error));
  g_assert_no_error (error);
  g_autofree char *changed = text_of (store, "SELECT hex(geom) FROM resources");
  g_assert_cmpstr (changed, !=, original);
  g_assert_true (cm_history_undo (history, NULL, NULL, &error));
  g_autofree char *undone = text_of (store, "SELECT hex(geom) FROM resources");
  g_assert_cmpstr (undone, ==, original);

  /* a new change after an undo: nothing left to redo */
  g_autoptr (CmFeature) before_name = cm_feature_copy (f);
  cm_feature_set_wkb (f, wkb);
  cm_feature_set_name (f, "文化小院（北）");
  g_assert_true (cm_history_update (history, before_name, f, &error));
  g_assert_false (cm_history_can_redo (history));
  g_autofree char *name = text_of (store, "SELECT name FROM resources");
  g_assert_cmpstr (name, ==, "文化小院（北）");
  g_assert_true (cm_history_undo (history, NULL, NULL, &error));
  g_autofree char *old_name = text_of (store, "SELECT name FROM resources");
  g_assert_cmpstr (old_name, ==, "文化小院");

  /* delete, undo, redo */
  g_autoptr (CmFeature) now = cm_store_get_feature (store, CM_LAYER_RESOURCES, uuid, &error);
  g_assert_true (cm_history_delete (history, now, &error));
  g_assert_cmpint (cm_test_query_int (store, live), ==, 0);
  g_assert_true (cm_history_undo (history, NULL, NULL, &error));
  g_assert_cmpint (cm_test_query_int (store, live), ==, 1);
  g_assert_true (cm_history_redo (history, NULL, NULL, &error));
  g_assert_cmpint (cm_test_query_int (store, live), ==, 0);
  g_assert_no_error (error);

  /* an invalid shape is refused and not remembered */
  const double bow[] = { 0, 0, 1, 1, 1, 0, 0, 1, 0, 0 };
  g_autoptr (CmFeature) bad = new_feature (CM_LAYER_RESOURCES, CM_GEOM_POLYGON, bow, 5);
  g_assert_false (cm_history_add (history, bad, &error));
  g_assert_error (error, CM_STORE_ERROR, CM_STORE_ERROR_INVALID);
  g_assert_cmpint (cm_test_query_int (store, "SELECT count(*) FROM resources"), ==, 1);
}

/* Every write moves updated_at forward — add, update, delete (a tombstone), undo, redo — and
 * created_at never changes: merging maps will tell what changed by it. */
static void
test_dates_move_forward (void)
{
  g_autoptr (CmStore) store = new_map ("dates.sqlite");
  g_autoptr (CmHistory) history = cm_history_new (store);
  g_autoptr (GError) error = NULL;
  const double at[] = { 116.3, 40.0 };
  g_autoptr (CmFeature) f = new_feature (CM_LAYER_RESOURCES, CM_GEOM_POINT, at, 1);
  cm_feature_set_name (f, "长椅");
  g_assert_true (cm_history_add (history, f, &error));
  g_autofree char *created = text_of (store, "SELECT created_at FROM resources");
  g_autofree char *last = text_of (store, "SELECT updated_at FROM resources");
  g_assert_cmpstr (created, ==, last);
  const char *steps[] = { "update", "delete", "undo", "redo", "undo", "update again" };
  for (gsize i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_usleep (3000); /* the timestamps have milliseconds */
      if (g_str_has_prefix (steps[i], "update"))
        {
          g_autoptr (CmFeature) now = cm_store_get_feature (store, CM_LAYER_RESOURCES,
                                                            cm_feature_get_uuid (f), &error);
          g_autoptr (CmFeature) before = cm_feature_copy (now);
          cm_feature_set_description (now, steps[i]);
          g_assert_true (cm_history_update (history, before, now, &error));
        }
      else if (g_str_equal (steps[i], "delete"))
        {
          g_autoptr (CmFeature) now = cm_store_get_feature (store, CM_LAYER_RESOURCES,
                                                            cm_feature_get_uuid (f), &error);
          g_assert_true (cm_history_delete (history, now, &error));
        }
      else if (g_str_equal (steps[i], "undo"))
        g_assert_true (cm_history_undo (history, NULL, NULL, &error));
      else
        g_assert_true (cm_history_redo (history, NULL, NULL, &error));
      g_assert_no_error (error);
      g_autofree char *updated = text_of (store, "SELECT updated_at FROM resources");
      g_autofree char *still = text_of (store, "SELECT created_at FROM resources");
      g_test_message ("%s: updated_at %s", steps[i], updated);
      g_assert_cmpstr (updated, >, last);
      g_assert_cmpstr (still, ==, created);
      g_free (last);
      last = g_steal_pointer (&updated);
    }
}

/* Workshops, contributors, anonymous residents, and who drew what. */
static void
test_workshops (void)
{
  g_autoptr (CmStore) store = new_map ("workshop.sqlite");
  g_autoptr (GError) error = NULL;
  g_autofree char *w = cm_store_add_workshop (store, " 资源图工作坊 ", "2026-11-21", "文化小院",
                                              &error);
  g_assert_no_error (error);
  g_autofree char *none = cm_store_add_workshop (store, "  ", NULL, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, CM_STORE_ERROR, CM_STORE_ERROR_INVALID);
  g_clear_error (&error);

  g_autofree char *li = cm_store_add_contributor (store, "李阿姨", w, &error);
  g_autofree char *a1 = cm_store_add_anonymous_contributor (store, w, &error);
  g_autofree char *a2 = cm_store_add_anonymous_contributor (store, w, &error);
  g_assert_no_error (error);
  g_autoptr (CmRecord) anon2 = cm_store_get_contributor (store, a2, &error);
  g_assert_cmpstr (anon2->name, ==, "anonymous resident 2");
  g_autoptr (CmRecord) ws = cm_store_get_workshop (store, w, &error);
  g_assert_cmpstr (ws->name, ==, "资源图工作坊"); /* trimmed */
  g_assert_cmpstr (ws->date, ==, "2026-11-21");
  g_assert_cmpstr (ws->place, ==, "文化小院");
  g_autoptr (GPtrArray) people = cm_store_list_contributors (store, w, &error);
  g_assert_cmpint (people->len, ==, 3);

  /* three drawn by 李阿姨 (two clinics, one culture room), one by anonymous 1 */
  const char *who[] = { li, li, li, a1 };
  const char *what[] = { "health_station", "health_station", "culture_room", "health_station" };
  for (int i = 0; i < 4; i++)
    {
      const double pt[] = { 116.3 + i * 0.001, 40.0 };
      g_autoptr (CmFeature) f = new_feature (CM_LAYER_RESOURCES, CM_GEOM_POINT, pt, 1);
      cm_feature_set_category (f, what[i]);
      cm_feature_set_contributor_uuid (f, who[i]);
      cm_feature_set_workshop_uuid (f, w);
      g_assert_true (cm_store_add_feature (store, f, &error));
      g_assert_no_error (error);
      g_autoptr (CmFeature) back = cm_store_get_feature (store, CM_LAYER_RESOURCES,
                                                         cm_feature_get_uuid (f), &error);
      g_assert_cmpstr (cm_feature_get_contributor_uuid (back), ==, who[i]);
      g_assert_cmpstr (cm_feature_get_workshop_uuid (back), ==, w);
    }
  g_autoptr (GPtrArray) rows = cm_store_workshop_summary (store, w, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rows->len, ==, 3);
  CmSummaryRow *top = g_ptr_array_index (rows, 0);
  g_assert_cmpstr (top->contributor, ==, "李阿姨");
  g_assert_cmpstr (top->category, ==, "health_station");
  g_assert_cmpint (top->count, ==, 2);
  guint total = 0;
  for (guint i = 0; i < rows->len; i++)
    total += ((CmSummaryRow *) g_ptr_array_index (rows, i))->count;
  g_assert_cmpint (total, ==, 4);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/history/wkb-writer", test_wkb_writer);
  g_test_add_func ("/history/geom-edits", test_geom_edits);
  g_test_add_func ("/history/snap", test_snap);
  g_test_add_func ("/history/undo-redo", test_undo_redo);
  g_test_add_func ("/history/dates-move-forward", test_dates_move_forward);
  g_test_add_func ("/history/workshops", test_workshops);
  g_test_add_func ("/history/photos", test_photos);
  g_test_add_func ("/history/photo-claims-too-many-pixels", test_photo_claims_too_many_pixels);
  g_test_add_func ("/history/migrate", test_migrate);
  return g_test_run ();
}
