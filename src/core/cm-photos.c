/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-photos.c: photos scaled and stored in the map. */
#include "config.h"

#include "cm-photos.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gi18n-lib.h>

#include "cm-store-private.h"

#include <string.h>

G_DEFINE_QUARK (cm-photo-error-quark, cm_photo_error)

void
cm_photo_free (CmPhoto *photo)
{
  if (photo == NULL)
    return;
  g_free (photo->uuid);
  g_free (photo->feature_uuid);
  g_free (photo->mime);
  g_clear_pointer (&photo->data, g_bytes_unref);
  g_free (photo->created_at);
  g_free (photo);
}

/* @raw upright, at most CM_PHOTO_MAX_SIZE px, encoded again (@name for messages). */
static GBytes *
encode (GdkPixbuf *raw, const char *name, const char **mime, int *width, int *height,
        GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autoptr (GdkPixbuf) upright = gdk_pixbuf_apply_embedded_orientation (raw);
  int w = gdk_pixbuf_get_width (upright), h = gdk_pixbuf_get_height (upright);
  double scale = MIN (1.0, (double) CM_PHOTO_MAX_SIZE / MAX (w, h));
  int sw = MAX (1, (int) (w * scale + 0.5)), sh = MAX (1, (int) (h * scale + 0.5));
  g_autoptr (GdkPixbuf) scaled = scale < 1.0
      ? gdk_pixbuf_scale_simple (upright, sw, sh, GDK_INTERP_HYPER)
      : g_object_ref (upright);
  gboolean alpha = gdk_pixbuf_get_has_alpha (scaled);
  char *buffer = NULL;
  gsize size = 0;
  gboolean ok = alpha ? gdk_pixbuf_save_to_buffer (scaled, &buffer, &size, "png", &local, NULL)
                      : gdk_pixbuf_save_to_buffer (scaled, &buffer, &size, "jpeg", &local,
                                                   "quality", "90", NULL);
  if (!ok)
    {
      g_set_error (error, CM_PHOTO_ERROR, CM_PHOTO_ERROR_NOT_AN_IMAGE,
                   _("could not encode “%s” again: %s"), name, local->message);
      return NULL;
    }
  *mime = alpha ? "image/png" : "image/jpeg";
  *width = sw;
  *height = sh;
  return g_bytes_new_take (buffer, size);
}

/* What a JPEG's segments before its scan say: its frame marker (0xC0 … 0xCF but 0xC4, 0xC8,
 * 0xCC: the coding; 0 when none), whether it carries metadata (APP1…APP15: EXIF, XMP, IPTC — a
 * phone's GPS position), and whether the segments led to the scan as they should (no stray
 * bytes between them). */
typedef struct
{
  guint8 frame;
  gboolean metadata, complete;
} JpegHeader;

/* The next marker at or after @i, found the way libjpeg finds it (jdmarker.c next_marker): bytes
 * up to an 0xFF are skipped as garbage, then any 0xFF fill bytes; 0xFF 0x00 is no marker. Sets
 * *@strays when bytes were skipped. The offset after the marker byte; @n when there is none. */
static gsize
jpeg_next_marker (const guint8 *d, gsize n, gsize i, guint8 *marker, gboolean *strays)
{
  for (;;)
    {
      for (; i < n && d[i] != 0xFF; i++)
        *strays = TRUE;
      while (i < n && d[i] == 0xFF)
        i++;
      if (i >= n)
        return n;
      if (d[i] != 0x00)
        {
          *marker = d[i];
          return i + 1;
        }
      *strays = TRUE;
      i++;
    }
}

static JpegHeader
jpeg_header (const guint8 *d, gsize n)
{
  /* libjpeg reads past stray and fill bytes to the next marker; so must this walk, or a frame
   * marker behind a few 0xFF bytes escapes it (fuzzing found one) */
  JpegHeader h = { 0 };
  gboolean strays = FALSE;
  guint8 marker = 0;
  for (gsize i = 2; (i = jpeg_next_marker (d, n, i, &marker, &strays)) < n;)
    {
      if (marker == 0xDA) /* start of scan: the picture itself follows */
        {
          h.complete = !strays;
          break;
        }
      if (marker == 0xD9) /* end of image */
        break;
      if ((marker >= 0xD0 && marker <= 0xD8) || marker == 0x01) /* markers without a length */
        continue;
      if (marker >= 0xE1 && marker <= 0xEF)
        h.metadata = TRUE;
      else if (h.frame == 0 && marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 &&
               marker != 0xC8 && marker != 0xCC)
        h.frame = marker;
      if (i + 2 > n)
        break;
      i += (gsize) d[i] << 8 | d[i + 1];
    }
  return h;
}

/* Stops a decode whose picture claims more pixels than CM_PHOTO_MAX_PIXELS: a damaged or
 * hostile file of a few bytes can claim 30,000 × 30,000, and gdk-pixbuf would allocate gigabytes
 * for it. A size of 0 tells the loader's module to stop (GdkPixbufModuleSizeFunc). */
static void
size_prepared_cb (GdkPixbufLoader *loader, int width, int height, gint64 *pixels)
{
  *pixels = (gint64) width * height;
  if (*pixels > CM_PHOTO_MAX_PIXELS)
    gdk_pixbuf_loader_set_size (loader, 0, 0);
}

/* Decodes @n bytes of a picture (@type: a gdk-pixbuf format, NULL: any it knows; @display: the
 * file's name, NULL for bytes from elsewhere), refusing one larger than CM_PHOTO_MAX_PIXELS.
 * The pixbuf, owned by the caller; NULL with @error set. */
static GdkPixbuf *
decode (const guint8 *d, gsize n, const char *type, const char *display, GError **error)
{
  /* arithmetic coding (SOF9–SOF11, SOF13–SOF15): no camera or phone writes it, and a damaged
   * one of 121 bytes kept libjpeg-turbo 2.1's sequential decoder busy for minutes (fuzzing) */
  guint8 frame = n > 2 && d[0] == 0xFF && d[1] == 0xD8 ? jpeg_header (d, n).frame : 0;
  if (frame >= 0xC9 && frame != 0xCC)
    {
      g_set_error (error, CM_PHOTO_ERROR, CM_PHOTO_ERROR_NOT_AN_IMAGE,
                   _("not a photo this map can hold: the JPEG uses arithmetic coding, which "
                     "cameras do not make. Save it again as an ordinary JPEG and add that"));
      return NULL;
    }
  g_autoptr (GError) local = NULL;
  g_autoptr (GdkPixbufLoader) loader = type ? gdk_pixbuf_loader_new_with_type (type, &local)
                                            : gdk_pixbuf_loader_new ();
  gint64 pixels = 0;
  GdkPixbuf *raw = NULL;
  if (loader)
    {
      g_signal_connect (loader, "size-prepared", G_CALLBACK (size_prepared_cb), &pixels);
      if (gdk_pixbuf_loader_write (loader, d, n, &local) && gdk_pixbuf_loader_close (loader, &local))
        raw = gdk_pixbuf_loader_get_pixbuf (loader);
      else
        gdk_pixbuf_loader_close (loader, NULL);
    }
  if (pixels > CM_PHOTO_MAX_PIXELS)
    {
      g_autofree char *name = display ? g_strdup_printf ("“%s”", display) : g_strdup (_("the photo"));
      g_set_error (error, CM_PHOTO_ERROR, CM_PHOTO_ERROR_TOO_LARGE,
                   _("%s claims %.0f megapixels, more than any camera makes (%d at most): it is "
                     "probably damaged. Open it in an image viewer; if it shows, save a smaller "
                     "copy and add that"),
                   name, pixels / 1e6, CM_PHOTO_MAX_PIXELS / 1000000);
      return NULL;
    }
  if (raw == NULL && display)
    g_set_error (error, CM_PHOTO_ERROR, CM_PHOTO_ERROR_NOT_AN_IMAGE,
                 _("“%s” is not a photo this map can hold (JPEG or PNG): %s"), display,
                 local ? local->message : "");
  else if (raw == NULL)
    g_set_error (error, CM_PHOTO_ERROR, CM_PHOTO_ERROR_NOT_AN_IMAGE,
                 _("not a photo this map can hold (JPEG or PNG)%s%s"), local ? ": " : "",
                 local ? local->message : "");
  return raw ? g_object_ref (raw) : NULL;
}

/* Decodes @path, upright, at most CM_PHOTO_MAX_SIZE px, encoded again. */
static GBytes *
prepare (const char *path, const char **mime, int *width, int *height, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autofree char *display = g_filename_display_basename (path);
  g_autofree char *bytes = NULL;
  gsize n = 0;
  if (!g_file_get_contents (path, &bytes, &n, &local))
    {
      g_set_error (error, CM_PHOTO_ERROR, CM_PHOTO_ERROR_NOT_AN_IMAGE,
                   _("“%s” is not a photo this map can hold (JPEG or PNG): %s"), display,
                   local->message);
      return NULL;
    }
  g_autoptr (GdkPixbuf) raw = decode ((const guint8 *) bytes, n, NULL, display, error);
  if (raw == NULL)
    return NULL;
  return encode (raw, display, mime, width, height, error);
}

/* Whether a JPEG or PNG carries metadata beyond the picture: JPEG APP1…APP15 segments (EXIF,
 * XMP, IPTC: a phone's GPS position), PNG text and eXIf chunks. What the map writes has none. */
static gboolean
has_metadata (const guint8 *d, gsize n, gboolean jpeg)
{
  if (jpeg)
    {
      JpegHeader h = jpeg_header (d, n);
      return h.metadata || !h.complete; /* not laid out as expected: encode it again to be sure */
    }
  for (gsize i = 8; i + 8 <= n;)
    {
      gsize len = (gsize) d[i] << 24 | (gsize) d[i + 1] << 16 | (gsize) d[i + 2] << 8 | d[i + 3];
      const char *type = (const char *) d + i + 4;
      if (memcmp (type, "tEXt", 4) == 0 || memcmp (type, "iTXt", 4) == 0 ||
          memcmp (type, "zTXt", 4) == 0 || memcmp (type, "eXIf", 4) == 0)
        return TRUE;
      if (memcmp (type, "IEND", 4) == 0)
        return FALSE;
      if (len > n)
        return TRUE;
      i += 12 + len;
    }
  return TRUE;
}

CmPhoto *
cm_photo_from_bytes (GBytes *bytes, GError **error)
{
  gsize n;
  const guint8 *d = g_bytes_get_data (bytes, &n);
  gboolean jpeg = n > 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF;
  gboolean png = n > 8 && memcmp (d, "\x89PNG\r\n\x1a\n", 8) == 0;
  if (!jpeg && !png)
    {
      g_set_error (error, CM_PHOTO_ERROR, CM_PHOTO_ERROR_NOT_AN_IMAGE,
                   _("not a photo this map can hold (JPEG or PNG)%s%s"), "", "");
      return NULL;
    }
  g_autoptr (GdkPixbuf) raw = decode (d, n, jpeg ? "jpeg" : "png", NULL, error);
  if (raw == NULL)
    return NULL;
  CmPhoto *photo = g_new0 (CmPhoto, 1);
  int w = gdk_pixbuf_get_width (raw), h = gdk_pixbuf_get_height (raw);
  if (MAX (w, h) <= CM_PHOTO_MAX_SIZE && !has_metadata (d, n, jpeg))
    {
      /* as the map itself wrote it: kept byte for byte */
      photo->mime = g_strdup (jpeg ? "image/jpeg" : "image/png");
      photo->width = w;
      photo->height = h;
      photo->data = g_bytes_ref (bytes);
      return photo;
    }
  const char *mime;
  photo->data = encode (raw, _("the photo"), &mime, &photo->width, &photo->height, error);
  if (photo->data == NULL)
    {
      cm_photo_free (photo);
      return NULL;
    }
  photo->mime = g_strdup (mime);
  return photo;
}

gboolean
_cm_store_add_photo_data (CmStore *self, const char *feature_uuid, const CmPhoto *photo,
                          gboolean *added, GError **error)
{
  *added = FALSE;
  gsize size;
  const void *data = g_bytes_get_data (photo->data, &size);
  sqlite3_stmt *stmt = _cm_store_prepare (
      self,
      "SELECT 1 FROM photos WHERE (feature_uuid = ?1 AND deleted = 0 AND data = ?2) OR uuid = ?3",
      error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_text (stmt, 1, feature_uuid, -1, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 2, data, (int) size, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, photo->uuid, -1, SQLITE_STATIC);
  gboolean there = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_finalize (stmt);
  if (there)
    return TRUE;
  stmt = _cm_store_prepare (
      self,
      "INSERT INTO photos (uuid, created_at, updated_at, feature_uuid, mime, width, height, data)"
      " VALUES (?1, ?2, ?2, ?3, ?4, ?5, ?6, ?7)",
      error);
  if (!stmt)
    return FALSE;
  g_autofree char *uuid = photo->uuid ? g_strdup (photo->uuid) : g_uuid_string_random ();
  g_autofree char *now = photo->created_at ? g_strdup (photo->created_at) : _cm_now_utc ();
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, now, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, feature_uuid, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, photo->mime, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 5, photo->width);
  sqlite3_bind_int (stmt, 6, photo->height);
  sqlite3_bind_blob (stmt, 7, data, (int) size, SQLITE_STATIC);
  gboolean ok = sqlite3_step (stmt) == SQLITE_DONE;
  if (!ok)
    _cm_store_set_sqlite_error (self, error, _("store the photo"));
  sqlite3_finalize (stmt);
  *added = ok;
  return ok;
}

char *
cm_store_add_photo (CmStore *self, CmFeature *feature, const char *path, GError **error)
{
  const char *mime;
  int width, height;
  g_autoptr (GBytes) data = prepare (path, &mime, &width, &height, error);
  if (data == NULL)
    return NULL;
  sqlite3_stmt *stmt = _cm_store_prepare (
      self,
      "INSERT INTO photos (uuid, created_at, updated_at, feature_uuid, mime, width, height, data)"
      " VALUES (?1, ?2, ?2, ?3, ?4, ?5, ?6, ?7)",
      error);
  if (!stmt)
    return NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *now = _cm_now_utc ();
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, now, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, cm_feature_get_uuid (feature), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, mime, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 5, width);
  sqlite3_bind_int (stmt, 6, height);
  sqlite3_bind_blob (stmt, 7, g_bytes_get_data (data, NULL), (int) g_bytes_get_size (data),
                     SQLITE_STATIC);
  return _cm_store_step_alone (self, stmt, _("store the photo"), error) ? g_steal_pointer (&uuid)
                                                                         : NULL;
}

GPtrArray *
cm_store_list_photos (CmStore *self, const char *feature_uuid, GError **error)
{
  GPtrArray *photos = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_photo_free);
  if (cm_store_get_schema_version (self) < 2)
    return photos; /* a read-only map of version 1: it has none */
  sqlite3_stmt *stmt = _cm_store_prepare (
      self,
      "SELECT uuid, feature_uuid, mime, width, height, data, created_at FROM photos"
      " WHERE feature_uuid = ?1 AND deleted = 0 ORDER BY created_at, id",
      error);
  if (!stmt)
    {
      g_ptr_array_unref (photos);
      return NULL;
    }
  sqlite3_bind_text (stmt, 1, feature_uuid, -1, SQLITE_STATIC);
  int rc;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CmPhoto *p = g_new0 (CmPhoto, 1);
      p->uuid = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      p->feature_uuid = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      p->mime = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      p->width = sqlite3_column_int (stmt, 3);
      p->height = sqlite3_column_int (stmt, 4);
      p->data = g_bytes_new (sqlite3_column_blob (stmt, 5), sqlite3_column_bytes (stmt, 5));
      p->created_at = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
      g_ptr_array_add (photos, p);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _cm_store_set_sqlite_error (self, error, _("read the photos"));
      g_ptr_array_unref (photos);
      return NULL;
    }
  return photos;
}

gboolean
cm_store_delete_photo (CmStore *self, const char *uuid, GError **error)
{
  sqlite3_stmt *stmt = _cm_store_prepare (
      self, "UPDATE photos SET deleted = 1, updated_at = ?2 WHERE uuid = ?1", error);
  if (!stmt)
    return FALSE;
  g_autofree char *now = _cm_now_utc ();
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, now, -1, SQLITE_STATIC);
  return _cm_store_step_alone (self, stmt, _("delete the photo"), error);
}
