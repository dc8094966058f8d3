/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-zip.c: the members of a ZIP archive, read. The layout is PKWARE's APPNOTE: an "end of
 * central directory" record at the end points at the central directory, which lists each member
 * with its sizes, CRC-32 and where its local header is; the data follows the local header. */
#include "config.h"

#include "cm-zip.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <string.h>
#include <zlib.h>

#define SIG_END 0x06054b50u
#define SIG_CENTRAL 0x02014b50u
#define SIG_LOCAL 0x04034b50u
#define END_SIZE 22
#define CENTRAL_SIZE 46
#define LOCAL_SIZE 30

typedef struct
{
  guint16 flags;
  guint16 method;
  guint32 crc;
  guint32 compressed;
  guint32 size;
  guint32 local_offset;
} Member;

struct _CmZip
{
  GMappedFile *file;
  const guint8 *data;
  gsize len;
  char *display_name;
  GHashTable *members; /* name → Member* */
};

static guint16
u16 (const guint8 *p)
{
  return (guint16) (p[0] | p[1] << 8);
}

static guint32
u32 (const guint8 *p)
{
  return (guint32) p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16 | (guint32) p[3] << 24;
}

static gboolean
damaged (CmZip *zip, GError **error, const char *what)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               _("“%s” is damaged (%s). Open it in the spreadsheet and save it again"),
               zip->display_name, what);
  return FALSE;
}

void
cm_zip_free (CmZip *zip)
{
  if (zip == NULL)
    return;
  g_clear_pointer (&zip->members, g_hash_table_unref);
  g_clear_pointer (&zip->file, g_mapped_file_unref);
  g_free (zip->display_name);
  g_free (zip);
}

/* The end record: the last 22 bytes unless the archive has a comment (up to 64 KiB) after it. */
static const guint8 *
find_end (CmZip *zip)
{
  if (zip->len < END_SIZE)
    return NULL;
  gsize lowest = zip->len > END_SIZE + 0xffff ? zip->len - END_SIZE - 0xffff : 0;
  for (gsize at = zip->len - END_SIZE + 1; at-- > lowest;)
    {
      const guint8 *p = zip->data + at;
      if (u32 (p) == SIG_END && at + END_SIZE + u16 (p + 20) == zip->len)
        return p;
    }
  return NULL;
}

static gboolean
read_central_directory (CmZip *zip, GError **error)
{
  const guint8 *end = find_end (zip);
  if (end == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("“%s” is not a ZIP archive, or its end is missing (was it copied in full?)"),
                   zip->display_name);
      return FALSE;
    }
  guint entries = u16 (end + 10);
  guint32 size = u32 (end + 12), offset = u32 (end + 16);
  if (u16 (end + 4) != 0 || u16 (end + 6) != 0 || u16 (end + 8) != entries)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("“%s” is one part of an archive split over several files; join the parts "
                     "into one file first"),
                   zip->display_name);
      return FALSE;
    }
  if (entries == 0xffff || size == 0xffffffffu || offset == 0xffffffffu)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("“%s” is a ZIP64 archive (over 4 GB or 65,535 files), which cannot be read "
                     "here; save the spreadsheet with fewer rows in each file"),
                   zip->display_name);
      return FALSE;
    }
  gsize end_at = (gsize) (end - zip->data);
  if ((guint64) offset + size > end_at)
    return damaged (zip, error, _("its list of contents points outside the file"));

  const guint8 *p = zip->data + offset, *stop = zip->data + offset + size;
  for (guint i = 0; i < entries; i++)
    {
      if (stop - p < CENTRAL_SIZE || u32 (p) != SIG_CENTRAL)
        return damaged (zip, error, _("its list of contents is cut short"));
      guint name_len = u16 (p + 28), extra_len = u16 (p + 30), comment_len = u16 (p + 32);
      if ((gsize) (stop - p) < (gsize) CENTRAL_SIZE + name_len + extra_len + comment_len)
        return damaged (zip, error, _("its list of contents is cut short"));
      Member *m = g_new (Member, 1);
      m->flags = u16 (p + 8);
      m->method = u16 (p + 10);
      m->crc = u32 (p + 16);
      m->compressed = u32 (p + 20);
      m->size = u32 (p + 24);
      m->local_offset = u32 (p + 42);
      char *name = g_strndup ((const char *) p + CENTRAL_SIZE, name_len);
      g_strdelimit (name, "\\", '/');
      if (g_hash_table_contains (zip->members, name))
        g_free (name), g_free (m); /* the first of two members of one name is read */
      else
        g_hash_table_insert (zip->members, name, m);
      p += CENTRAL_SIZE + name_len + extra_len + comment_len;
    }
  return TRUE;
}

CmZip *
cm_zip_open (const char *path, GError **error)
{
  GMappedFile *file = g_mapped_file_new (path, FALSE, error);
  if (file == NULL)
    return NULL;
  CmZip *zip = g_new0 (CmZip, 1);
  zip->file = file;
  zip->data = (const guint8 *) g_mapped_file_get_contents (file);
  zip->len = g_mapped_file_get_length (file);
  zip->display_name = g_filename_display_basename (path);
  zip->members = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (!read_central_directory (zip, error))
    {
      cm_zip_free (zip);
      return NULL;
    }
  return zip;
}

gboolean
cm_zip_has (CmZip *zip, const char *name)
{
  return g_hash_table_contains (zip->members, name);
}

GBytes *
cm_zip_read (CmZip *zip, const char *name, gsize max_size, GError **error)
{
  const Member *m = g_hash_table_lookup (zip->members, name);
  if (m == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("“%s” has no part “%s”"),
                   zip->display_name, name);
      return NULL;
    }
  if (m->flags & 1)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("“%s” is protected by a password; save a copy without the password and "
                     "use that"),
                   zip->display_name);
      return NULL;
    }
  if (m->method != 0 && m->method != Z_DEFLATED)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("“%s” is compressed in a way this reader does not know (method %u); save it "
                     "again from the spreadsheet"),
                   zip->display_name, m->method);
      return NULL;
    }
  if (m->size > max_size)
    {
      g_autofree char *size = g_format_size (m->size), *most = g_format_size (max_size);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                   _("“%s” is too large: its part “%s” holds %s, more than the %s a table may "
                     "have here; split it into smaller files"),
                   zip->display_name, name, size, most);
      return NULL;
    }
  const guint8 *local = zip->data + m->local_offset;
  if ((guint64) m->local_offset + LOCAL_SIZE > zip->len || u32 (local) != SIG_LOCAL)
    {
      damaged (zip, error, _("a part is not where its list of contents says"));
      return NULL;
    }
  guint64 start = (guint64) m->local_offset + LOCAL_SIZE + u16 (local + 26) + u16 (local + 28);
  if (start + m->compressed > zip->len)
    {
      damaged (zip, error, _("a part runs past the end of the file"));
      return NULL;
    }

  guint8 *out = g_malloc ((gsize) m->size + 1);
  if (m->method == 0)
    {
      if (m->compressed != m->size)
        {
          g_free (out);
          damaged (zip, error, _("a stored part has two sizes"));
          return NULL;
        }
      memcpy (out, zip->data + start, m->size);
    }
  else
    {
      z_stream z = { 0 };
      if (inflateInit2 (&z, -MAX_WBITS) != Z_OK) /* raw deflate: ZIP has no zlib header */
        g_error ("zlib could not start");
      z.next_in = (Bytef *) zip->data + start;
      z.avail_in = m->compressed;
      z.next_out = out;
      z.avail_out = m->size;
      int status = inflate (&z, Z_FINISH);
      gboolean whole = status == Z_STREAM_END && z.total_out == m->size;
      inflateEnd (&z);
      if (!whole)
        {
          g_free (out);
          damaged (zip, error, _("a compressed part does not inflate to its size"));
          return NULL;
        }
    }
  if (crc32 (0, out, m->size) != m->crc)
    {
      g_free (out);
      damaged (zip, error, _("a part's checksum is wrong"));
      return NULL;
    }
  out[m->size] = '\0';
  return g_bytes_new_take (out, m->size);
}
