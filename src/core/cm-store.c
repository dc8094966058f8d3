/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-store.c: opening, creating, checking a community map, and its features. */
#include "config.h"

#include <unistd.h>

#include "cm-store-private.h"
#include "cm-verified.h"

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <math.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <spatialite.h>
#include <string.h>

#include "cm-geom.h"
#include "cm-kinds.h"
#include "cm-schema.h"
#include "cm-versions.h"

G_DEFINE_QUARK (cm-store-error-quark, cm_store_error)

void
cm_store_error_add_advice (GError *error, const char *advice)
{
  /* TRANSLATORS: a message, then what to do about it */
  char *message = g_strdup_printf (C_("message and advice", "%s. %s"), error->message, advice);
  g_free (error->message);
  error->message = message;
}

struct _CmStore
{
  GObject parent_instance;
  char *path;
  sqlite3 *db;
  void *spatialite_cache;
  int schema_version;
  gboolean read_only;
  dev_t device;      /* the map file when it was opened: a write first checks it is still there */
  ino_t inode;
  GHashTable *statements; /* SQL → sqlite3_stmt*, for the queries each drawn tile repeats */
  char *counted_path;     /* the key this connection is counted under (see count_connection) */
  CmStoreCommitFunc commit_func;
  gpointer commit_data;
  /* this connection's writing session (docs/merge.md): never read from the file, so that two
   * copies of one file write under two ids */
  char *session;
  gint64 session_counter;
  /* found sound at open (checked whole, or as this machine last saw it sound): what this
   * connection leaves behind is recorded sound too (cm-verified.c) */
  gboolean sound;
  /* made by cm_store_create: no one else has seen anything in it */
  gboolean just_created;
};

/* How many times this process has read a map whole to check it (for the tests). */
static guint whole_checks;

guint
_cm_store_get_whole_checks (void)
{
  return g_atomic_int_get (&whole_checks);
}

G_DEFINE_FINAL_TYPE (CmStore, cm_store, G_TYPE_OBJECT)

/* How many connections this process has open per map (its absolute path): a map's -wal and
 * -shm go away only when the last one closes, and the tests check that none is left. */
static GMutex connections_lock;
static GHashTable *connections; /* path → count */

static void
count_connection (CmStore *self, int delta)
{
  g_mutex_lock (&connections_lock);
  if (connections == NULL)
    connections = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (delta > 0)
    self->counted_path = g_canonicalize_filename (self->path, NULL);
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (connections, self->counted_path)) + delta;
  if (n == 0)
    g_hash_table_remove (connections, self->counted_path);
  else
    g_hash_table_insert (connections, g_strdup (self->counted_path), GUINT_TO_POINTER (n));
  if (delta < 0)
    g_clear_pointer (&self->counted_path, g_free);
  g_mutex_unlock (&connections_lock);
}

guint
_cm_store_count_connections (const char *path)
{
  g_autofree char *key = g_canonicalize_filename (path, NULL);
  g_mutex_lock (&connections_lock);
  guint n = connections ? GPOINTER_TO_UINT (g_hash_table_lookup (connections, key)) : 0;
  g_mutex_unlock (&connections_lock);
  return n;
}

static void
close_connection (CmStore *self)
{
  g_clear_pointer (&self->statements, g_hash_table_unref); /* before the connection closes */
  if (self->db == NULL)
    return;
  /* Whatever this connection wrote goes into the map file itself now, even while other
   * connections keep the -wal open: a copy of the .sqlite alone then holds it. (The last
   * connection's close checkpoints everything and removes the -wal anyway.) */
  if (!self->read_only)
    sqlite3_wal_checkpoint_v2 (self->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
  sqlite3_close_v2 (g_steal_pointer (&self->db));
  count_connection (self, -1);
  /* what SQLite wrote is sound: the file as it is now needs no whole check at the next open */
  if (!self->read_only && self->sound)
    _cm_verified_remember (self->path);
}

static void
cm_store_finalize (GObject *object)
{
  CmStore *self = CM_STORE (object);
  close_connection (self);
  if (self->spatialite_cache)
    spatialite_cleanup_ex (self->spatialite_cache);
  g_free (self->path);
  g_free (self->session);
  G_OBJECT_CLASS (cm_store_parent_class)->finalize (object);
}

static void
cm_store_class_init (CmStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cm_store_finalize;
}

static void
cm_store_init (CmStore *self)
{
}

/* ---- helpers ------------------------------------------------------------------------------- */

/* CmGeom(g): @g when it is a SpatiaLite geometry whose counts fit in it, else NULL. */
static void
sql_geom_guard (sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
  if (sqlite3_value_type (argv[0]) == SQLITE_BLOB &&
      cm_geom_spatialite_blob_is_safe (sqlite3_value_blob (argv[0]),
                                       (gsize) sqlite3_value_bytes (argv[0])))
    sqlite3_result_value (ctx, argv[0]);
  else
    sqlite3_result_null (ctx);
}

void
_cm_spatialite_add_guard (sqlite3 *db)
{
  sqlite3_create_function (db, "CmGeom", 1,
                           SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
                           sql_geom_guard, NULL, NULL);
}

void
_cm_spatialite_prepare (void)
{
  /* With SPATIALITE_SECURITY=relaxed libspatialite registers BlobToFile, ExportGeoJSON2 and
   * friends, and a trigger in a hostile file could write anywhere. Files are untrusted, so the
   * variable goes before every connection (it is read when a connection is initialised). */
  if (g_getenv ("SPATIALITE_SECURITY") != NULL)
    g_unsetenv ("SPATIALITE_SECURITY");
}

char *
_cm_now_utc (void)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *base = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S");
  return g_strdup_printf ("%s.%03dZ", base, g_date_time_get_microsecond (now) / 1000);
}

static char *
display_name (const char *path)
{
  return g_filename_display_name (path);
}

sqlite3 *
_cm_store_get_db (CmStore *self)
{
  return self->db;
}

static CmStoreError
error_code_for (int rc)
{
  switch (rc & 0xff)
    {
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CANTOPEN:
      return CM_STORE_ERROR_READ_ONLY;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return CM_STORE_ERROR_CORRUPT;
    case SQLITE_CONSTRAINT:
      return CM_STORE_ERROR_INVALID;
    case SQLITE_FULL:
      return CM_STORE_ERROR_DISK_FULL;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return CM_STORE_ERROR_BUSY;
    default:
      return CM_STORE_ERROR_FAILED;
    }
}

void
_cm_store_set_sqlite_error (CmStore *self, GError **error, const char *doing)
{
  int rc = sqlite3_extended_errcode (self->db);
  g_autofree char *name = display_name (self->path);
  CmStoreError code = error_code_for (rc);
  if (code == CM_STORE_ERROR_READ_ONLY)
    g_set_error (error, CM_STORE_ERROR, code,
                 _("could not %s in “%s”: the file or its folder cannot be written (%s). "
                 "Copy the map to a folder you can write to, or check its permissions"),
                 doing, name, sqlite3_errmsg (self->db));
  else if (code == CM_STORE_ERROR_BUSY)
    g_set_error (error, CM_STORE_ERROR, code,
                 _("could not %s in “%s”: the map is busy — another window or cmap command is "
                   "writing to it. Nothing of this change was saved; try again when the other has "
                   "finished"),
                 doing, name);
  else if (code == CM_STORE_ERROR_DISK_FULL)
    g_set_error (error, CM_STORE_ERROR, code,
                 _("could not %s in “%s”: the disk is full. Nothing of this change was saved; "
                   "everything saved before is safe. Free some space on the disk (or copy the "
                   "map to another one) and try again"),
                 doing, name);
  else if (code == CM_STORE_ERROR_CORRUPT)
    {
      /* damage the open did not see (the file looked as it did when last found sound): the
       * next open reads it whole, and this connection's close does not record it sound */
      self->sound = FALSE;
      _cm_verified_forget (self->path);
      g_set_error (error, CM_STORE_ERROR, code,
                   _("could not %s in “%s”: the file is damaged (%s). “cmap check” lists where; "
                     "copy it again from the original, or open a backup"),
                   doing, name, sqlite3_errmsg (self->db));
    }
  else
    g_set_error (error, CM_STORE_ERROR, code, _("could not %s in “%s”: %s"), doing, name,
                 sqlite3_errmsg (self->db));
}

gboolean
_cm_store_exec (CmStore *self, const char *sql, GError **error)
{
  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) == SQLITE_OK)
    return TRUE;
  _cm_store_set_sqlite_error (self, error, _("write"));
  return FALSE;
}

sqlite3_stmt *
_cm_store_prepare (CmStore *self, const char *sql, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      _cm_store_set_sqlite_error (self, error, _("read"));
      return NULL;
    }
  return stmt;
}

static void
finalize_statement (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

/* A statement prepared once per connection and kept: reset it after use, never finalize it. */
static sqlite3_stmt *
prepare_cached (CmStore *self, const char *sql, GError **error)
{
  if (self->statements == NULL)
    self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              finalize_statement);
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);
  if (stmt)
    return stmt;
  if (sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    {
      _cm_store_set_sqlite_error (self, error, _("read"));
      return NULL;
    }
  g_hash_table_insert (self->statements, g_strdup (sql), stmt);
  return stmt;
}

static gboolean
begin (CmStore *self, GError **error)
{
  if (self->read_only)
    {
      g_autofree char *name = display_name (self->path);
      g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_READ_ONLY,
                   _("“%s” is read-only: copy it to a folder you can write to and open the copy"),
                   name);
      return FALSE;
    }
  /* the stick pulled out, the file moved or deleted: SQLite would go on writing to a file no
   * one will see again (or fail on each page); say so before anything is written */
  GStatBuf st;
  if (g_stat (self->path, &st) != 0 || st.st_dev != self->device || st.st_ino != self->inode)
    {
      g_autofree char *name = display_name (self->path);
      g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_GONE,
                   _("“%s” is no longer where it was opened (the USB stick was taken out, or the "
                     "file was moved or deleted): nothing of this change was saved. Put it back "
                     "and open the map again; everything saved before is in it"),
                   name);
      return FALSE;
    }
  return _cm_store_exec (self, "BEGIN IMMEDIATE", error);
}

gboolean
_cm_store_begin_write (CmStore *self, GError **error)
{
  return begin (self, error);
}

gint64
_cm_store_next_version (CmStore *self, const char **site)
{
  if (self->session == NULL)
    self->session = g_uuid_string_random ();
  *site = self->session;
  return ++self->session_counter;
}

const char *
_cm_store_get_session (CmStore *self)
{
  return self->session;
}

static gboolean
commit (CmStore *self, GError **error)
{
  if (_cm_versions_stamp (self, error) && _cm_store_exec (self, "COMMIT", error))
    return TRUE;
  sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

static void
rollback (CmStore *self)
{
  sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

gboolean
_cm_store_commit (CmStore *self, GError **error)
{
  return commit (self, error);
}

void
_cm_store_rollback (CmStore *self)
{
  rollback (self);
}

gboolean
_cm_store_step_alone (CmStore *self, sqlite3_stmt *stmt, const char *doing, GError **error)
{
  gboolean ok = begin (self, error);
  if (ok && !(ok = sqlite3_step (stmt) == SQLITE_DONE))
    _cm_store_set_sqlite_error (self, error, doing);
  sqlite3_finalize (stmt);
  if (ok)
    return commit (self, error);
  rollback (self);
  return FALSE;
}

/* Opens a connection with libspatialite loaded and the hardening of docs/architecture.md. */
static gboolean
connect (CmStore *self, int flags, GError **error)
{
  _cm_spatialite_prepare ();
  int rc = sqlite3_open_v2 (self->path, &self->db, flags | SQLITE_OPEN_NOMUTEX, NULL);
  if (self->db)
    count_connection (self, +1);
  if (rc != SQLITE_OK)
    {
      g_autofree char *name = display_name (self->path);
      g_set_error (error, CM_STORE_ERROR, error_code_for (rc), _("could not open “%s”: %s"), name,
                   self->db ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      return FALSE;
    }
  GStatBuf st;
  if (g_stat (self->path, &st) == 0)
    self->device = st.st_dev, self->inode = st.st_ino;
  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_db_config (self->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
  sqlite3_db_config (self->db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
  sqlite3_busy_timeout (self->db, 5000);
  self->spatialite_cache = spatialite_alloc_connection ();
  /* no "GEOS warning: …" lines on stderr: we report invalid shapes ourselves */
  spatialite_set_silent_mode (self->spatialite_cache);
  spatialite_init_ex (self->db, self->spatialite_cache, 0);
  _cm_spatialite_add_guard (self->db);
  return TRUE;
}

static gboolean
configure_for_writing (CmStore *self, GError **error)
{
  /* WAL: readers never block the writer and a crash never leaves a half-written change.
   * synchronous=FULL: a commit survives a pulled USB stick, not only a crashed program. */
  return _cm_store_exec (self,
                         "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                         " PRAGMA cache_size = -65536;",
                         error);
}

/* ---- create and open ----------------------------------------------------------------------- */

void
cm_store_remove_file (const char *path)
{
  const char *suffixes[] = { "", "-wal", "-shm", "-journal" };
  for (gsize i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *f = g_strconcat (path, suffixes[i], NULL);
      g_remove (f);
    }
}

CmStore *
cm_store_create (const char *path, const char *name, GError **error)
{
  g_autoptr (CmStore) self = g_object_new (CM_TYPE_STORE, NULL);
  self->path = g_strdup (path);

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *dn = display_name (path);
      g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_EXISTS,
                   _("“%s” already exists: choose another name, or delete the file first"), dn);
      return NULL;
    }

  /* Build the map under a temporary name and rename it into place, so that a crash while
   * creating never leaves a half-made map under the chosen name. */
  g_autofree char *tmp = g_strdup_printf ("%s.partial-%u", path, g_random_int ());
  g_free (self->path);
  self->path = g_strdup (tmp);
  if (!connect (self, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, error))
    {
      g_unlink (tmp);
      return NULL;
    }
  if (!_cm_store_exec (self, "PRAGMA journal_mode = DELETE", error) ||
      !_cm_schema_create (self->db, name, error))
    {
      close_connection (self);
      g_unlink (tmp);
      return NULL;
    }
  close_connection (self);
  spatialite_cleanup_ex (g_steal_pointer (&self->spatialite_cache));

  if (g_rename (tmp, path) != 0)
    {
      int saved = errno;
      g_autofree char *dn = display_name (path);
      g_unlink (tmp);
      g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_FAILED, _("could not create “%s”: %s"),
                   dn, g_strerror (saved));
      return NULL;
    }
  _cm_verified_remember (path); /* made here, just now */
  CmStore *made = cm_store_open (path, error);
  if (made)
    made->just_created = TRUE;
  return made;
}

gboolean
_cm_store_bulk_journal (CmStore *self, gboolean on)
{
  if (!on)
    return _cm_store_exec (self, "PRAGMA journal_mode = WAL", NULL);
  if (!self->just_created || self->read_only || _cm_store_count_connections (self->path) != 1)
    return FALSE;
  sqlite3_stmt *stmt = _cm_store_prepare (self, "PRAGMA journal_mode = DELETE", NULL);
  gboolean switched = stmt && sqlite3_step (stmt) == SQLITE_ROW &&
                      g_ascii_strcasecmp ((const char *) sqlite3_column_text (stmt, 0),
                                          "delete") == 0;
  sqlite3_finalize (stmt);
  return switched;
}

/* SQLite keeps a map's journal (-wal) and shared index (-shm) beside it, so the folder must let
 * us create files: a folder on a read-only medium, one we have no right to write in, or the
 * document portal's folder of a single exported file (Flatpak) do not. Found by trying, as
 * access() is wrong under root, ACLs and FUSE. */
static gboolean
check_folder_writable (const char *path, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *probe = g_build_filename (dir, ".community-map-XXXXXX", NULL);
  int fd = g_mkstemp (probe);
  if (fd >= 0)
    {
      close (fd);
      g_unlink (probe);
      return TRUE;
    }
  int saved = errno;
  g_autofree char *dn = display_name (dir);
  g_autofree char *file = g_path_get_basename (path);
  g_autofree char *fdn = g_filename_display_name (file);
  g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_READ_ONLY,
               _("Cannot open “%s”: its folder “%s” does not let Community Map create files "
                 "(%s), and a map keeps its journal beside it while it is open. Copy the map to "
                 "a folder you can write to, such as Documents, and open the copy; the original "
                 "is unchanged"),
               fdn, dn, g_strerror (saved));
  return FALSE;
}

gboolean
_cm_store_read_file_start (const char *path, guint8 *buf, int len, gint64 *size)
{
  sqlite3_vfs *vfs = sqlite3_vfs_find (NULL);
  sqlite3_file *file = g_malloc0 (vfs->szOsFile);
  int flags = 0;
  int rc = vfs->xOpen (vfs, path, file, SQLITE_OPEN_READONLY | SQLITE_OPEN_MAIN_DB, &flags);
  if (rc != SQLITE_OK)
    {
      /* SQLite's error codes lose errno: ask the file system what is wrong */
      GStatBuf st;
      if (g_stat (path, &st) == 0 && g_access (path, R_OK) == 0)
        errno = EIO;
      if (file->pMethods)
        file->pMethods->xClose (file);
      g_free (file);
      return FALSE;
    }
  memset (buf, 0, len);
  sqlite3_int64 n = 0;
  rc = file->pMethods->xFileSize (file, &n);
  if (rc == SQLITE_OK && n > 0)
    rc = file->pMethods->xRead (file, buf, (int) MIN (n, (sqlite3_int64) len), 0);
  file->pMethods->xClose (file);
  g_free (file);
  *size = n;
  if (rc != SQLITE_OK)
    errno = EIO;
  return rc == SQLITE_OK;
}

/* Refuses files that are not SQLite at all, or are shorter than their header says, before
 * SQLite sees them: SQLite would treat an empty file as a new database. */
static gboolean
check_header (const char *path, GError **error)
{
  g_autofree char *dn = display_name (path);
  guint8 header[100];
  gint64 size = 0;
  if (!_cm_store_read_file_start (path, header, sizeof header, &size))
    {
      int saved = errno;
      g_set_error (error, CM_STORE_ERROR,
                   saved == ENOENT ? CM_STORE_ERROR_NOT_FOUND : CM_STORE_ERROR_READ_ONLY,
                   _("could not open “%s”: %s"), dn, g_strerror (saved));
      return FALSE;
    }
  gsize n = MIN ((gint64) sizeof header, size);

  if (n < sizeof header || memcmp (header, "SQLite format 3", 16) != 0)
    {
      g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_NOT_SQLITE,
                   _("“%s” is not a community map: it is not a SQLite database%s"),
                   dn, size == 0 ? _(" (the file is empty)") : "");
      return FALSE;
    }
  guint32 page_size = (header[16] << 8) | header[17];
  if (page_size == 1)
    page_size = 65536;
  guint32 n_pages = ((guint32) header[28] << 24) | (header[29] << 16) | (header[30] << 8) |
                    header[31];
  gboolean count_valid = memcmp (header + 24, header + 92, 4) == 0; /* change counters agree */
  /* With a -wal (or hot -journal) file beside it, a file may legitimately be shorter than its
   * header says: a crash in the middle of a checkpoint leaves page 1 written and later pages
   * still in the WAL, and SQLite completes them when it opens the file. Then SQLite decides. */
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *journal = g_strconcat (path, "-journal", NULL);
  GStatBuf st;
  gboolean recoverable = (g_stat (wal, &st) == 0 && st.st_size > 0) ||
                         (g_stat (journal, &st) == 0 && st.st_size > 0);
  if (page_size < 512 || (page_size & (page_size - 1)) != 0 ||
      (count_valid && !recoverable && n_pages > 0 &&
       (guint64) size < (guint64) page_size * n_pages))
    {
      g_autofree char *expected = g_strdup_printf ("%" G_GUINT64_FORMAT,
                                                   (guint64) page_size * n_pages);
      g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_CORRUPT,
                   _("“%s” is damaged: it is shorter than its header says (%ld of %s bytes), so "
                     "it was probably cut off while being copied. Copy it again from the original"),
                   dn, (long) size, expected);
      return FALSE;
    }
  return TRUE;
}

static char *
query_text (CmStore *self, const char *sql, const char *arg, int *rc_out)
{
  sqlite3_stmt *stmt = NULL;
  char *result = NULL;
  int rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      if (arg)
        sqlite3_bind_text (stmt, 1, arg, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          result = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
          rc = SQLITE_OK;
        }
      else if (rc == SQLITE_DONE)
        rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);
  if (rc_out)
    *rc_out = rc;
  return result;
}

/* Checks, without writing anything, that the open file is a community map we can read. */
/* SQLite's integrity report can run to dozens of lines ("*** in database main ***", then a
 * line per damaged page): the first finding and how many more, for a message a person reads. */
static char *
first_finding (const char *report)
{
  g_auto (GStrv) lines = g_strsplit (report, "\n", -1);
  const char *first = NULL;
  guint n = 0;
  for (guint i = 0; lines[i]; i++)
    if (lines[i][0] != '\0' && !g_str_has_prefix (lines[i], "***"))
      {
        if (!first)
          first = lines[i];
        n++;
      }
  if (!first)
    return g_strdup (report);
  if (n == 1)
    return g_strdup (first);
  return g_strdup_printf (ngettext ("%s, and %u more place",
                                     "%s, and %u more places", n - 1),
                          first, n - 1);
}

static gboolean
validate (CmStore *self, GError **error)
{
  g_autofree char *dn = display_name (self->path);
  int rc;

  g_autofree char *meta_type =
      query_text (self, "SELECT type FROM sqlite_master WHERE name = 'cm_meta'", NULL, &rc);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_CORRUPT,
                   _("“%s” is damaged and cannot be read (%s). Copy it again from the original, "
                   "or open a backup"), dn, sqlite3_errstr (rc));
      return FALSE;
    }
  g_autofree char *app = NULL;
  if (g_strcmp0 (meta_type, "table") == 0)
    app = query_text (self, "SELECT value FROM cm_meta WHERE key = 'application'", NULL, &rc);
  if (g_strcmp0 (app, "community-map") != 0)
    {
      g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_NOT_A_MAP,
                   _("“%s” is a SQLite database but not a community map"), dn);
      return FALSE;
    }
  g_autofree char *version =
      query_text (self, "SELECT value FROM cm_meta WHERE key = 'schema_version'", NULL, &rc);
  gint64 v = version ? g_ascii_strtoll (version, NULL, 10) : 0;
  if (v < 1)
    {
      g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_CORRUPT,
                   _("“%s” is damaged: it has no valid schema version"), dn);
      return FALSE;
    }
  if (v > CM_SCHEMA_VERSION)
    {
      g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_NEWER_SCHEMA,
                   _("“%s” was made by a newer Community Map (file format %d; this version "
                     "reads up to %d). Update Community Map to open it"),
                   dn, (int) MIN (v, G_MAXINT), CM_SCHEMA_VERSION);
      return FALSE;
    }
  self->schema_version = (int) v;

  /* The whole file is read (PRAGMA quick_check: 0.8 s at 500,000 buildings) only when this
   * machine has not seen it sound as it is now: a copy that arrived, a file changed by
   * something other than SQLite, one a crash left behind. Its size against its header was
   * checked before. */
  self->sound = _cm_verified_matches (self->path);
  if (!self->sound)
    {
      g_atomic_int_inc (&whole_checks);
      g_autofree char *check = query_text (self, "PRAGMA quick_check", NULL, &rc);
      if (rc != SQLITE_OK || g_strcmp0 (check, "ok") != 0)
        {
          _cm_verified_forget (self->path);
          g_autofree char *what = check ? first_finding (check) : g_strdup (sqlite3_errstr (rc));
          g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_CORRUPT,
                       _("“%s” is damaged (%s). Copy it again from the original, or open a backup"),
                       dn, what);
          return FALSE;
        }
      _cm_verified_remember (self->path);
      self->sound = TRUE;
    }

  for (int i = 0; i < CM_N_LAYERS; i++)
    {
      const char *table = cm_layer_get_info (i)->table;
      if (cm_layer_get_info (i)->since > v)
        continue; /* the migration adds it */
      g_autofree char *type =
          query_text (self, "SELECT type FROM sqlite_master WHERE name = ?", table, &rc);
      g_autofree char *registered = query_text (
          self, "SELECT f_geometry_column FROM geometry_columns WHERE f_table_name = ?", table,
          &rc);
      if (g_strcmp0 (type, "table") != 0 || g_strcmp0 (registered, "geom") != 0)
        {
          g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_NOT_A_MAP,
                       _("“%s” is not a complete community map: its “%s” table is missing or "
                       "has no registered geometry"), dn, table);
          return FALSE;
        }
    }
  return TRUE;
}

CmStore *
cm_store_open (const char *path, GError **error)
{
  g_autoptr (CmStore) self = g_object_new (CM_TYPE_STORE, NULL);
  self->path = g_strdup (path);

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autofree char *dn = display_name (path);
      g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_NOT_SQLITE,
                   _("“%s” is a folder, not a community map file"), dn);
      return NULL;
    }
  if (!check_header (path, error) || !check_folder_writable (path, error))
    return NULL;

  self->read_only = g_access (path, W_OK) != 0;
  if (!connect (self, self->read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE, error))
    return NULL;
  if (!validate (self, error))
    return NULL;
  if (self->read_only && self->schema_version < CM_SCHEMA_VERSION)
    {
      g_autofree char *dn = display_name (path);
      g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_READ_ONLY,
                   _("“%s” was made by an older Community Map and must be brought up to date, "
                     "but it cannot be written. Copy it to a folder you can write to and open "
                     "the copy"), dn);
      return NULL;
    }
  if (!self->read_only)
    {
      if (!configure_for_writing (self, error))
        return NULL;
      if (!_cm_schema_migrate (self->db, self->schema_version, error))
        return NULL;
      self->schema_version = CM_SCHEMA_VERSION;
      /* what other programs wrote since Community Map last did gets its version now, apart
       * from this session's own edits */
      if (!cm_versions_stamp_outside_now (self, error))
        return NULL;
    }
  return g_steal_pointer (&self);
}

CmStore *
cm_store_open_to_read (const char *path, GError **error)
{
  g_autoptr (CmStore) self = g_object_new (CM_TYPE_STORE, NULL);
  self->path = g_strdup (path);
  self->read_only = TRUE;
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autofree char *dn = display_name (path);
      g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_NOT_SQLITE,
                   _("“%s” is a folder, not a community map file"), dn);
      return NULL;
    }
  if (!check_header (path, error) || !connect (self, SQLITE_OPEN_READONLY, error) ||
      !validate (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

CmStore *
cm_store_open_reader (const char *path, GError **error)
{
  g_autoptr (CmStore) self = g_object_new (CM_TYPE_STORE, NULL);
  self->path = g_strdup (path);
  self->read_only = TRUE;
  if (!check_header (path, error) || !connect (self, SQLITE_OPEN_READONLY, error) ||
      !_cm_store_exec (self, "PRAGMA cache_size = -8192", error))
    return NULL;
  self->schema_version = CM_SCHEMA_VERSION;
  return g_steal_pointer (&self);
}

const char *
cm_store_get_path (CmStore *self)
{
  return self->path;
}

gboolean
cm_store_checkpoint (CmStore *self, gboolean *complete, GError **error)
{
  int log = 0, done = 0;
  if (complete)
    *complete = TRUE;
  if (self->read_only)
    return TRUE;
  int rc = sqlite3_wal_checkpoint_v2 (self->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
  if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
    {
      if (complete)
        *complete = FALSE;
      return TRUE;
    }
  if (rc != SQLITE_OK)
    {
      _cm_store_set_sqlite_error (self, error, _("write the map file"));
      return FALSE;
    }
  if (complete)
    *complete = done >= log; /* -1, -1 when the map is not in WAL mode */
  return TRUE;
}

static int
commit_hook (void *data)
{
  CmStore *self = data;
  self->commit_func (self, self->commit_data);
  return 0; /* 0: let the commit go on */
}

void
cm_store_set_commit_func (CmStore *self, CmStoreCommitFunc func, gpointer user_data)
{
  self->commit_func = func;
  self->commit_data = user_data;
  sqlite3_commit_hook (self->db, func ? commit_hook : NULL, self);
}

char *
cm_store_dup_name (CmStore *self)
{
  return query_text (self, "SELECT value FROM cm_meta WHERE key = 'name'", NULL, NULL);
}

int
cm_store_get_schema_version (CmStore *self)
{
  return self->schema_version;
}

/* ---- features ------------------------------------------------------------------------------ */

#define FEATURE_COLUMNS                                                                        \
  "SELECT id, uuid, category, name, description, tags, created_at, updated_at, deleted,"       \
  " AsBinary(CmGeom(geom)), MbrMinX(geom), MbrMinY(geom), MbrMaxX(geom), MbrMaxY(geom),"              \
  " contributor_uuid, workshop_uuid"
#define FEATURE_EXTRAS 16 /* the column where the layer's own ones begin */
#define FIELD_PARAM 10    /* the parameter of the first of them in INSERT and UPDATE */

/* "SELECT <what feature_from_row reads> FROM <the layer's table>" */
static char *
feature_select (CmLayer layer)
{
  GString *sql = g_string_new (FEATURE_COLUMNS);
  const CmLayerInfo *info = cm_layer_get_info (layer);
  for (guint i = 0; i < info->n_fields; i++)
    g_string_append_printf (sql, ", %s", info->fields[i].name);
  g_string_append_printf (sql, " FROM %s", cm_layer_to_string (layer));
  return g_string_free (sql, FALSE);
}

static CmFeature *
feature_from_row (CmLayer layer, sqlite3_stmt *stmt)
{
  CmFeature *f = cm_feature_new (layer);
  double bbox[4];
  for (int i = 0; i < 4; i++)
    bbox[i] = sqlite3_column_double (stmt, 10 + i);
  cm_feature_set_category (f, (const char *) sqlite3_column_text (stmt, 2));
  cm_feature_set_name (f, (const char *) sqlite3_column_text (stmt, 3));
  cm_feature_set_description (f, (const char *) sqlite3_column_text (stmt, 4));
  cm_feature_set_tags (f, (const char *) sqlite3_column_text (stmt, 5));
  cm_feature_set_contributor_uuid (f, (const char *) sqlite3_column_text (stmt, 14));
  cm_feature_set_workshop_uuid (f, (const char *) sqlite3_column_text (stmt, 15));
  if (sqlite3_column_type (stmt, 9) == SQLITE_BLOB)
    {
      g_autoptr (GBytes) wkb = g_bytes_new (sqlite3_column_blob (stmt, 9),
                                            sqlite3_column_bytes (stmt, 9));
      cm_feature_set_wkb (f, wkb);
    }
  _cm_feature_set_stored (f, sqlite3_column_int64 (stmt, 0),
                          (const char *) sqlite3_column_text (stmt, 1),
                          (const char *) sqlite3_column_text (stmt, 6),
                          (const char *) sqlite3_column_text (stmt, 7),
                          sqlite3_column_int (stmt, 8) != 0, bbox);
  const CmLayerInfo *info = cm_layer_get_info (layer);
  for (guint i = 0; i < info->n_fields; i++)
    {
      int col = FEATURE_EXTRAS + (int) i;
      const char *name = info->fields[i].name;
      switch (sqlite3_column_type (stmt, col))
        {
        case SQLITE_INTEGER:
          cm_feature_set_field (f, name, g_variant_new_int64 (sqlite3_column_int64 (stmt, col)));
          break;
        case SQLITE_FLOAT:
          cm_feature_set_field (f, name, g_variant_new_double (sqlite3_column_double (stmt, col)));
          break;
        case SQLITE_TEXT:
          cm_feature_set_field (f, name, g_variant_new_string (
                                             (const char *) sqlite3_column_text (stmt, col)));
          break;
        default:
          break;
        }
    }
  return f;
}

static const char *
geometry_sql (CmLayer layer)
{
  switch (cm_layer_get_info (layer)->kind)
    {
    case CM_GEOMETRY_KIND_LINES:
    case CM_GEOMETRY_KIND_AREAS:
      return "CastToMulti(GeomFromWKB(?, 4326))";
    default:
      return "GeomFromWKB(?, 4326)";
    }
}

/* The geometry expression with its WKB at parameter ?@n. */
static char *
geometry_sql_at (CmLayer layer, int n)
{
  g_autofree char *expr = g_strdup (geometry_sql (layer));
  g_autofree char *param = g_strdup_printf ("?%d", n);
  char *q = strchr (expr, '?');
  return g_strdup_printf ("%.*s%s%s", (int) (q - expr), expr, param, q + 1);
}

/* Binds what add and update both write: ?1 category, ?2 name, ?3 description, ?4 tags,
 * ?5 the time, ?6 the geometry (WKB), ?8 the contributor, ?9 the workshop. */
static void
bind_feature (sqlite3_stmt *stmt, CmFeature *feature, const char *now)
{
  gsize size;
  const void *wkb = g_bytes_get_data (cm_feature_get_wkb (feature), &size);
  const char *category = cm_feature_get_category (feature);
  sqlite3_bind_text (stmt, 1, category ? category : "other", -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, cm_feature_get_name (feature), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, cm_feature_get_description (feature), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, cm_feature_get_tags (feature), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, now, -1, SQLITE_TRANSIENT);
  sqlite3_bind_blob (stmt, 6, wkb, (int) size, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 8, cm_feature_get_contributor_uuid (feature), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 9, cm_feature_get_workshop_uuid (feature), -1, SQLITE_TRANSIENT);
  const CmLayerInfo *info = cm_layer_get_info (cm_feature_get_layer (feature));
  for (guint i = 0; i < info->n_fields; i++)
    {
      GVariant *v = cm_feature_get_field (feature, info->fields[i].name);
      int param = FIELD_PARAM + (int) i;
      if (v == NULL)
        sqlite3_bind_null (stmt, param);
      else if (g_variant_is_of_type (v, G_VARIANT_TYPE_INT64))
        sqlite3_bind_int64 (stmt, param, g_variant_get_int64 (v));
      else if (g_variant_is_of_type (v, G_VARIANT_TYPE_DOUBLE))
        sqlite3_bind_double (stmt, param, g_variant_get_double (v));
      else if (g_variant_is_of_type (v, G_VARIANT_TYPE_STRING))
        sqlite3_bind_text (stmt, param, g_variant_get_string (v, NULL), -1, SQLITE_TRANSIENT);
      else
        sqlite3_bind_null (stmt, param);
    }
}

/* The layer's fields as SQL: ", a, b" (@assign FALSE) or ", a = ?10, b = ?11" (TRUE), and
 * their parameters ", ?10, ?11" in @params (may be NULL). */
static char *
fields_sql (CmLayer layer, gboolean assign, char **params)
{
  const CmLayerInfo *info = cm_layer_get_info (layer);
  GString *sql = g_string_new (NULL), *p = g_string_new (NULL);
  for (guint i = 0; i < info->n_fields; i++)
    {
      if (assign)
        g_string_append_printf (sql, ", %s = ?%d", info->fields[i].name, FIELD_PARAM + (int) i);
      else
        g_string_append_printf (sql, ", %s", info->fields[i].name);
      g_string_append_printf (p, ", ?%d", FIELD_PARAM + (int) i);
    }
  if (params)
    *params = g_string_free (p, FALSE);
  else
    g_string_free (p, TRUE);
  return g_string_free (sql, FALSE);
}

/* Refuses a field value the layer's field does not accept (docs/file-format.md): a count that
 * is not a whole number, a radius beyond 5 km, a compound that is no uuid. A kind the map
 * does not list yet joins the list, so a kind a file brought stays usable. */
static gboolean
check_fields (CmStore *self, CmFeature *feature, GError **error)
{
  CmLayer layer = cm_feature_get_layer (feature);
  const CmLayerInfo *info = cm_layer_get_info (layer);
  for (guint i = 0; i < info->n_fields; i++)
    {
      const CmLayerField *field = &info->fields[i];
      GVariant *v = cm_feature_get_field (feature, field->name);
      g_autoptr (GError) local = NULL;
      if (v == NULL)
        continue;
      if (!cm_layer_field_check (field, v, &local) ||
          (field->type == CM_VALUE_UUID &&
           !g_uuid_string_is_valid (g_variant_get_string (v, NULL))))
        {
          if (local)
            g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_INVALID, "%s", local->message);
          else
            /* TRANSLATORS: "Compound: “x” is not a feature of the map" */
            g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_INVALID,
                         _("%s: “%s” is not a feature of the map"),
                         g_dgettext (GETTEXT_PACKAGE, field->label),
                         g_variant_get_string (v, NULL));
          return FALSE;
        }
      if (field->type == CM_VALUE_KIND)
        {
          g_autoptr (CmKind) known = cm_store_get_kind (self, layer, g_variant_get_string (v, NULL),
                                                        NULL);
          g_autofree char *key = known ? NULL
                                       : cm_store_add_kind (self, layer,
                                                            g_variant_get_string (v, NULL), NAN,
                                                            error);
          if (known == NULL && key == NULL)
            return FALSE;
        }
    }
  return TRUE;
}

/* Refuses a geometry the layer cannot hold, or an invalid one, with a reason a person reads. */
static gboolean
check_geometry (CmStore *self, CmFeature *feature, GError **error)
{
  GBytes *wkb = cm_feature_get_wkb (feature);
  CmLayer layer = cm_feature_get_layer (feature);
  if (wkb == NULL)
    {
      g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_INVALID, _("the feature has no geometry"));
      return FALSE;
    }
  g_autofree char *sql = g_strdup_printf (
      "SELECT GeometryType(g), ST_IsValid(g), ST_IsValidReason(g) FROM (SELECT %s AS g)",
      geometry_sql (layer));
  sqlite3_stmt *stmt = _cm_store_prepare (self, sql, error);
  if (!stmt)
    return FALSE;
  gsize size;
  const void *data = g_bytes_get_data (wkb, &size);
  sqlite3_bind_blob (stmt, 1, data, (int) size, SQLITE_STATIC);
  gboolean ok = FALSE;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *type = (const char *) sqlite3_column_text (stmt, 0);
      const char *want = cm_layer_get_info (layer)->spatialite_type;
      if (type == NULL)
        g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_INVALID,
                     _("the feature's geometry is not valid WKB"));
      else if (strcmp (want, "GEOMETRY") != 0 && strcmp (type, want) != 0)
        g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_INVALID,
                     _("the %s layer holds %s geometries, not %s"), cm_layer_to_string (layer),
                     want, type);
      else if (sqlite3_column_int (stmt, 1) != 1)
        g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_INVALID,
                     _("the feature's shape is not valid: %s"),
                     (const char *) sqlite3_column_text (stmt, 2));
      else
        ok = TRUE;
    }
  else
    _cm_store_set_sqlite_error (self, error, _("check a geometry"));
  sqlite3_finalize (stmt);
  return ok;
}

static gboolean
reload (CmStore *self, CmFeature *feature, gint64 id, GError **error)
{
  CmLayer layer = cm_feature_get_layer (feature);
  g_autofree char *select = feature_select (layer);
  g_autofree char *sql = g_strdup_printf ("%s WHERE id = ?", select);
  sqlite3_stmt *stmt = _cm_store_prepare (self, sql, error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  gboolean ok = sqlite3_step (stmt) == SQLITE_ROW;
  if (ok)
    {
      g_autoptr (CmFeature) stored = feature_from_row (layer, stmt);
      double bbox[4];
      cm_feature_get_bbox (stored, bbox);
      _cm_feature_set_stored (feature, id, cm_feature_get_uuid (stored),
                              cm_feature_get_created_at (stored),
                              cm_feature_get_updated_at (stored),
                              cm_feature_get_deleted (stored), bbox);
    }
  else
    _cm_store_set_sqlite_error (self, error, _("read back a feature"));
  sqlite3_finalize (stmt);
  return ok;
}

gboolean
cm_store_add_feature (CmStore *self, CmFeature *feature, GError **error)
{
  g_return_val_if_fail (CM_IS_STORE (self), FALSE);
  CmLayer layer = cm_feature_get_layer (feature);
  if (!begin (self, error))
    return FALSE;
  if (!check_geometry (self, feature, error) || !check_fields (self, feature, error))
    {
      rollback (self);
      return FALSE;
    }
  g_autofree char *now = _cm_now_utc ();
  g_autofree char *uuid = cm_feature_get_uuid (feature) ? g_strdup (cm_feature_get_uuid (feature))
                                                         : g_uuid_string_random ();
  g_autofree char *geom = geometry_sql_at (layer, 6);
  g_autofree char *params = NULL;
  g_autofree char *fields = fields_sql (layer, FALSE, &params);
  g_autofree char *sql = g_strdup_printf (
      "INSERT INTO %s (category, name, description, tags, updated_at, geom, uuid, created_at,"
      " contributor_uuid, workshop_uuid%s) VALUES (?1, ?2, ?3, ?4, ?5, %s, ?7, ?5, ?8, ?9%s)",
      cm_layer_to_string (layer), fields, geom, params);
  sqlite3_stmt *stmt = _cm_store_prepare (self, sql, error);
  if (!stmt)
    {
      rollback (self);
      return FALSE;
    }
  bind_feature (stmt, feature, now);
  sqlite3_bind_text (stmt, 7, uuid, -1, SQLITE_STATIC);
  gboolean ok = sqlite3_step (stmt) == SQLITE_DONE;
  if (!ok)
    _cm_store_set_sqlite_error (self, error, _("add the feature"));
  sqlite3_finalize (stmt);
  ok = ok && reload (self, feature, sqlite3_last_insert_rowid (self->db), error);
  ok = ok && commit (self, error);
  if (!ok)
    rollback (self);
  return ok;
}

/* The row id of @feature (by uuid): live rows only, or tombstones too. 0 and an error when
 * there is none. */
static gint64
feature_id (CmStore *self, CmFeature *feature, gboolean live_only, GError **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT id FROM %s WHERE uuid = ?%s",
                                          cm_layer_to_string (cm_feature_get_layer (feature)),
                                          live_only ? " AND deleted = 0" : "");
  sqlite3_stmt *stmt = _cm_store_prepare (self, sql, error);
  if (!stmt)
    return 0;
  const char *uuid = cm_feature_get_uuid (feature);
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  gint64 id = sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  sqlite3_finalize (stmt);
  if (id == 0 && live_only)
    g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_NOT_FOUND,
                 _("the feature %s is not in the map (it may have been deleted)"),
                 uuid ? uuid : "(new)");
  else if (id == 0)
    g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_NOT_FOUND,
                 _("the feature %s is no longer in the map"), uuid ? uuid : "(new)");
  return id;
}


/* Writes every field of @feature over row @id of its layer (and clears a tombstone when
 * @undelete), inside the caller's transaction. */
static gboolean
write_fields (CmStore *self, CmFeature *feature, gint64 id, gboolean undelete,
              const char *doing, GError **error)
{
  CmLayer layer = cm_feature_get_layer (feature);
  g_autofree char *now = _cm_now_utc ();
  g_autofree char *geom = geometry_sql_at (layer, 6);
  g_autofree char *fields = fields_sql (layer, TRUE, NULL);
  g_autofree char *sql = g_strdup_printf (
      "UPDATE %s SET category = ?1, name = ?2, description = ?3, tags = ?4, updated_at = ?5,"
      " geom = %s, contributor_uuid = ?8, workshop_uuid = ?9%s%s WHERE id = ?7",
      cm_layer_to_string (layer), geom, fields, undelete ? ", deleted = 0" : "");
  sqlite3_stmt *stmt = _cm_store_prepare (self, sql, error);
  if (!stmt)
    return FALSE;
  bind_feature (stmt, feature, now);
  sqlite3_bind_int64 (stmt, 7, id);
  gboolean ok = sqlite3_step (stmt) == SQLITE_DONE;
  if (!ok)
    _cm_store_set_sqlite_error (self, error, doing);
  sqlite3_finalize (stmt);
  return ok;
}

/* Checks @feature and writes it over the live row with its uuid, inside the caller's
 * transaction. */
static gboolean
update_one (CmStore *self, CmFeature *feature, GError **error)
{
  gint64 id = feature_id (self, feature, TRUE, error);
  return id != 0 && check_geometry (self, feature, error) && check_fields (self, feature, error) &&
         write_fields (self, feature, id, FALSE, _("change the feature"), error) &&
         reload (self, feature, id, error);
}

gboolean
cm_store_update_feature (CmStore *self, CmFeature *feature, GError **error)
{
  if (!begin (self, error))
    return FALSE;
  gboolean ok = update_one (self, feature, error) && commit (self, error);
  if (!ok)
    rollback (self);
  return ok;
}

gboolean
cm_store_update_features (CmStore *self, GPtrArray *features, GError **error)
{
  if (!begin (self, error))
    return FALSE;
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < features->len; i++)
    ok = update_one (self, features->pdata[i], error);
  ok = ok && commit (self, error);
  if (!ok)
    rollback (self);
  return ok;
}

/* Marks row @id of @layer deleted (a tombstone), inside the caller's transaction. */
static gboolean
write_tombstone (CmStore *self, CmLayer layer, gint64 id, const char *doing, GError **error)
{
  g_autofree char *now = _cm_now_utc ();
  g_autofree char *sql = g_strdup_printf ("UPDATE %s SET deleted = 1, updated_at = ? WHERE id = ?",
                                          cm_layer_to_string (layer));
  sqlite3_stmt *stmt = _cm_store_prepare (self, sql, error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_text (stmt, 1, now, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, id);
  gboolean ok = sqlite3_step (stmt) == SQLITE_DONE;
  if (!ok)
    _cm_store_set_sqlite_error (self, error, doing);
  sqlite3_finalize (stmt);
  return ok;
}

gboolean
cm_store_delete_feature (CmStore *self, CmFeature *feature, GError **error)
{
  if (!begin (self, error))
    return FALSE;
  gint64 id = feature_id (self, feature, TRUE, error);
  gboolean ok = id != 0 &&
                write_tombstone (self, cm_feature_get_layer (feature), id,
                                 _("delete the feature"), error) &&
                reload (self, feature, id, error) && commit (self, error);
  if (!ok)
    rollback (self);
  return ok;
}

/* Writes @snapshot back over its row, tombstone included, inside the caller's transaction. */
static gboolean
restore_one (CmStore *self, CmFeature *snapshot, GError **error)
{
  gint64 id = feature_id (self, snapshot, FALSE, error);
  if (id == 0)
    return FALSE;
  /* a tombstone (the snapshot from before an add, or after a delete), or every field back */
  if (cm_feature_get_deleted (snapshot))
    return write_tombstone (self, cm_feature_get_layer (snapshot), id, _("restore the feature"),
                            error);
  return check_geometry (self, snapshot, error) && check_fields (self, snapshot, error) &&
         write_fields (self, snapshot, id, TRUE, _("restore the feature"), error);
}

gboolean
cm_store_restore_feature (CmStore *self, CmFeature *snapshot, GError **error)
{
  g_autoptr (GPtrArray) one = g_ptr_array_new ();
  g_ptr_array_add (one, snapshot);
  return cm_store_restore_features (self, one, error);
}

gboolean
cm_store_restore_features (CmStore *self, GPtrArray *snapshots, GError **error)
{
  return _cm_store_restore_features_and_conflicts (self, snapshots, NULL, error);
}

gboolean
_cm_store_restore_features_and_conflicts (CmStore *self, GPtrArray *snapshots,
                                          GPtrArray *conflicts, GError **error)
{
  if (!begin (self, error))
    return FALSE;
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < snapshots->len; i++)
    ok = restore_one (self, snapshots->pdata[i], error);
  if (conflicts)
    ok = ok && _cm_versions_put_back_conflicts (self, snapshots, conflicts, error);
  ok = ok && commit (self, error);
  if (!ok)
    rollback (self);
  return ok;
}

CmFeature *
cm_store_get_feature (CmStore *self, CmLayer layer, const char *uuid, GError **error)
{
  g_autofree char *select = feature_select (layer);
  g_autofree char *sql = g_strdup_printf ("%s WHERE uuid = ?", select);
  sqlite3_stmt *stmt = _cm_store_prepare (self, sql, error);
  if (!stmt)
    return NULL;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  CmFeature *f = NULL;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    f = feature_from_row (layer, stmt);
  else
    g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_NOT_FOUND,
                 _("there is no feature %s in the %s layer"), uuid, cm_layer_to_string (layer));
  sqlite3_finalize (stmt);
  return f;
}

CmFeature *
cm_store_get_feature_by_id (CmStore *self, CmLayer layer, gint64 id, GError **error)
{
  g_autofree char *select = feature_select (layer);
  g_autofree char *sql = g_strdup_printf ("%s WHERE id = ?", select);
  sqlite3_stmt *stmt = prepare_cached (self, sql, error);
  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  CmFeature *f = NULL;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    f = feature_from_row (layer, stmt);
  else
    {
      g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, id);
      g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_NOT_FOUND,
                   _("there is no feature %s in the %s layer"), number,
                   cm_layer_to_string (layer));
    }
  sqlite3_reset (stmt);
  return f;
}

GListModel *
cm_store_query_bbox (CmStore *self, CmLayer layer, const double bbox[4], GError **error)
{
  const char *table = cm_layer_to_string (layer);
  g_autofree char *select = feature_select (layer);
  g_autofree char *sql = g_strdup_printf (
      "%s WHERE deleted = 0 AND id IN (SELECT pkid FROM idx_%s_geom"
                     " WHERE xmin <= ?3 AND xmax >= ?1 AND ymin <= ?4 AND ymax >= ?2)"
                     /* the index holds float boxes rounded outward: compare exactly too */
                     " AND MbrMinX(geom) <= ?3 AND MbrMaxX(geom) >= ?1"
                     " AND MbrMinY(geom) <= ?4 AND MbrMaxY(geom) >= ?2 ORDER BY id",
      select, table);
  sqlite3_stmt *stmt = _cm_store_prepare (self, sql, error);
  if (!stmt)
    return NULL;
  for (int i = 0; i < 4; i++)
    sqlite3_bind_double (stmt, i + 1, bbox[i]);
  GListStore *store = g_list_store_new (CM_TYPE_FEATURE);
  int rc;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr (CmFeature) f = feature_from_row (layer, stmt);
      g_list_store_append (store, f);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _cm_store_set_sqlite_error (self, error, _("read features"));
      g_object_unref (store);
      return NULL;
    }
  return G_LIST_MODEL (store);
}

static gboolean
foreach_in_bbox (CmStore *self, CmLayer layer, const double bbox[4], double min_width,
                 double min_height, gboolean in_id_order, gint64 first_id, gint64 last_id,
                 gboolean lean, CmFeatureRowFunc func, gpointer user_data, GError **error)
{
  const char *table = cm_layer_to_string (layer);
  const char *extra = layer == CM_LAYER_STATIONS  ? "service_radius_m, kind"
                      : layer == CM_LAYER_REPORTS ? "urgent, coalesce (status, 'reported')"
                      : cm_layer_find_field (layer, "kind") ? "NULL, kind"
                                                              : "NULL, NULL";
  /* Through the spatial index, the box comes from the R*Tree itself (float, rounded outward:
   * within a few centimetres), so SQLite does not parse each geometry again for it. */
  g_autofree char *sql = bbox == NULL
      ? g_strdup_printf (
            "SELECT id, %s, tags,"
            " CASE WHEN MbrMaxX(geom) - MbrMinX(geom) < ?5 AND MbrMaxY(geom) - MbrMinY(geom) < ?6"
            "  THEN NULL ELSE AsBinary(CmGeom(geom)) END,"
            " geom, NULL, NULL, NULL, %s" /* the box: read from the geometry's header below */
            " FROM %s WHERE deleted = 0 AND geom IS NOT NULL AND id BETWEEN ?7 AND ?8%s",
            lean ? "NULL, NULL, NULL" : "uuid, category, name", lean ? "NULL, NULL" : extra, table,
            in_id_order ? " ORDER BY id" : "")
      : g_strdup_printf (
            "SELECT t.id, uuid, category, name, tags,"
            " CASE WHEN i.xmax - i.xmin < ?5 AND i.ymax - i.ymin < ?6 THEN NULL"
            "  ELSE AsBinary(CmGeom(geom)) END,"
            " i.xmin, i.ymin, i.xmax, i.ymax, %s"
            " FROM idx_%s_geom AS i JOIN %s AS t ON t.id = i.pkid"
            " WHERE i.xmin <= ?3 AND i.xmax >= ?1 AND i.ymin <= ?4 AND i.ymax >= ?2"
            " AND t.deleted = 0 AND t.geom IS NOT NULL%s", extra, table, table,
            in_id_order ? " ORDER BY t.id" : "");
  sqlite3_stmt *stmt = prepare_cached (self, sql, error);
  if (!stmt)
    return FALSE;
  if (bbox)
    for (int i = 0; i < 4; i++)
      sqlite3_bind_double (stmt, i + 1, bbox[i]);
  sqlite3_bind_double (stmt, 5, min_width);
  sqlite3_bind_double (stmt, 6, min_height);
  if (bbox == NULL)
    {
      sqlite3_bind_int64 (stmt, 7, first_id);
      sqlite3_bind_int64 (stmt, 8, last_id);
    }
  int rc;
  CmFeatureRow row = { .layer = layer };
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      row.id = sqlite3_column_int64 (stmt, 0);
      row.uuid = (const char *) sqlite3_column_text (stmt, 1);
      row.category = (const char *) sqlite3_column_text (stmt, 2);
      row.name = (const char *) sqlite3_column_text (stmt, 3);
      row.tags = (const char *) sqlite3_column_text (stmt, 4);
      row.wkb = sqlite3_column_blob (stmt, 5);
      row.wkb_len = sqlite3_column_bytes (stmt, 5);
      if (bbox != NULL)
        for (int i = 0; i < 4; i++)
          row.bbox[i] = sqlite3_column_double (stmt, 6 + i);
      else if (!cm_geom_spatialite_blob_mbr (sqlite3_column_blob (stmt, 6), sqlite3_column_bytes (stmt, 6), row.bbox))
        continue; /* not a SpatiaLite geometry: nothing to draw */
      row.number = sqlite3_column_type (stmt, 10) == SQLITE_NULL ? NAN
                                                                 : sqlite3_column_double (stmt, 10);
      row.kind = (const char *) sqlite3_column_text (stmt, 11);
      if (!func (&row, user_data))
        {
          rc = SQLITE_DONE;
          break;
        }
    }
  if (rc != SQLITE_DONE)
    _cm_store_set_sqlite_error (self, error, _("read features"));
  sqlite3_reset (stmt);
  return rc == SQLITE_DONE;
}

gboolean
cm_store_foreach_in_bbox (CmStore *self, CmLayer layer, const double bbox[4],
                          CmFeatureRowFunc func, gpointer user_data, GError **error)
{
  return foreach_in_bbox (self, layer, bbox, 0, 0, TRUE, 0, G_MAXINT64, FALSE, func, user_data,
                          error);
}

gboolean
cm_store_foreach_in_bbox_lod (CmStore *self, CmLayer layer, const double bbox[4],
                              double min_width, double min_height, CmFeatureRowFunc func,
                              gpointer user_data, GError **error)
{
  /* sorting costs a fifth of a cold frame of buildings, and what is drawn in batches by
   * colour does not need it */
  return foreach_in_bbox (self, layer, bbox, min_width, min_height, FALSE, 0, G_MAXINT64, FALSE,
                          func, user_data, error);
}

gboolean
cm_store_foreach_lod_in_ids (CmStore *self, CmLayer layer, gint64 first_id, gint64 last_id,
                             double min_width, double min_height, CmFeatureRowFunc func,
                             gpointer user_data, GError **error)
{
  return foreach_in_bbox (self, layer, NULL, min_width, min_height, FALSE, first_id, last_id,
                          TRUE, func, user_data, error);
}

/* The one number @sql returns (a cached statement), or -1 and @error. */
static double
query_one_number (CmStore *self, const char *sql, GError **error)
{
  sqlite3_stmt *stmt = prepare_cached (self, sql, error);
  if (!stmt)
    return -1;
  double v = -1;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    v = sqlite3_column_double (stmt, 0);
  else
    _cm_store_set_sqlite_error (self, error, _("read features"));
  sqlite3_reset (stmt);
  return v;
}

double
cm_store_get_max_service_radius (CmStore *self, GError **error)
{
  return query_one_number (
      self, "SELECT coalesce(max(service_radius_m), 0) FROM stations WHERE deleted = 0", error);
}

gint64
cm_store_get_last_id (CmStore *self, CmLayer layer, GError **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT coalesce(max(id), 0) FROM %s",
                                          cm_layer_to_string (layer));
  return (gint64) query_one_number (self, sql, error);
}

/* ---- hit-testing and search --------------------------------------------------------------- */

CmFeature *
cm_store_feature_at (CmStore *self, double lon, double lat, double tolerance, guint hidden,
                     GError **error)
{
  /* stations first among points, then resources, then the rest */
  static const CmLayer order[] = { CM_LAYER_STATIONS, CM_LAYER_RESOURCES, CM_LAYER_BARRIERS,
                                   CM_LAYER_PATHS, CM_LAYER_BUILDINGS, CM_LAYER_TEAMS,
                                   CM_LAYER_COMPOUNDS, CM_LAYER_BOUNDARY };
  int best_dim = G_MAXINT;
  double best_dist = G_MAXDOUBLE;
  CmLayer best_layer = CM_LAYER_NONE;
  g_autofree char *best_uuid = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (order); i++)
    {
      CmLayer layer = order[i];
      if (hidden & (1u << layer))
        continue;
      const char *t = cm_layer_to_string (layer);
      gboolean by_edge = layer == CM_LAYER_BOUNDARY || layer == CM_LAYER_TEAMS ||
                         layer == CM_LAYER_COMPOUNDS;
      /* ST_Distance is 0 inside an area; the boundary, compounds and team areas are picked by their
       * edge only, so that a click inside the community still reaches what is in it */
      g_autofree char *sql = g_strdup_printf (
          "SELECT uuid, ST_Dimension(CmGeom(geom)) AS dim, %s AS d FROM %s"
          " WHERE deleted = 0 AND id IN (SELECT pkid FROM idx_%s_geom WHERE xmin <= ?1 + ?3"
          " AND xmax >= ?1 - ?3 AND ymin <= ?2 + ?3 AND ymax >= ?2 - ?3) AND d <= ?3"
          " ORDER BY dim, d LIMIT 1",
          by_edge
              ? "ST_Distance(ST_Boundary(CmGeom(geom)), MakePoint(?1, ?2, 4326))"
              : "ST_Distance(CmGeom(geom), MakePoint(?1, ?2, 4326))",
          t, t);
      sqlite3_stmt *stmt = _cm_store_prepare (self, sql, error);
      if (!stmt)
        return NULL;
      sqlite3_bind_double (stmt, 1, lon);
      sqlite3_bind_double (stmt, 2, lat);
      sqlite3_bind_double (stmt, 3, tolerance);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        {
          int dim = sqlite3_column_int (stmt, 1);
          double d = sqlite3_column_double (stmt, 2);
          if (by_edge)
            dim = 1; /* picked by their edge, like a line */
          if (dim < best_dim || (dim == best_dim && d < best_dist))
            {
              best_dim = dim;
              best_dist = d;
              best_layer = layer;
              g_free (best_uuid);
              best_uuid = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
            }
        }
      sqlite3_finalize (stmt);
    }
  if (best_uuid == NULL)
    return NULL;
  return cm_store_get_feature (self, best_layer, best_uuid, error);
}

GHashTable *
cm_store_count_by_category (CmStore *self, CmLayer layer, GError **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT category, count(*) FROM %s WHERE deleted = 0"
                                          " GROUP BY category", cm_layer_to_string (layer));
  sqlite3_stmt *stmt = _cm_store_prepare (self, sql, error);
  if (!stmt)
    return NULL;
  GHashTable *counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_hash_table_insert (counts, g_strdup ((const char *) sqlite3_column_text (stmt, 0)),
                         GUINT_TO_POINTER ((guint) sqlite3_column_int64 (stmt, 1)));
  sqlite3_finalize (stmt);
  return counts;
}

char *
cm_fold_for_search (const char *text)
{
  if (text == NULL)
    return NULL;
  g_autofree char *lower = g_utf8_casefold (text, -1);
  g_autofree char *nfd = g_utf8_normalize (lower, -1, G_NORMALIZE_NFD);
  GString *out = g_string_new (NULL);
  for (const char *p = nfd; p && *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      GUnicodeType type = g_unichar_type (c);
      if (type == G_UNICODE_NON_SPACING_MARK || type == G_UNICODE_SPACING_MARK ||
          type == G_UNICODE_ENCLOSING_MARK)
        continue;
      g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

static void
sql_fold (sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
  const char *text = (const char *) sqlite3_value_text (argv[0]);
  if (text == NULL)
    {
      sqlite3_result_null (ctx);
      return;
    }
  sqlite3_result_text (ctx, cm_fold_for_search (text), -1, g_free);
}

GListModel *
cm_store_search (CmStore *self, const char *text, guint limit, GError **error)
{
  GListStore *found = g_list_store_new (CM_TYPE_FEATURE);
  g_autofree char *folded = cm_fold_for_search (text);
  if (folded == NULL || *folded == '\0')
    return G_LIST_MODEL (found);
  sqlite3_create_function (self->db, "cm_fold", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                           sql_fold, NULL, NULL);
  GString *sql = g_string_new ("SELECT layer, uuid FROM (");
  for (int i = 0; i < CM_N_LAYERS; i++)
    g_string_append_printf (sql, "%sSELECT %d AS layer, uuid, name FROM %s WHERE deleted = 0"
                            " AND name IS NOT NULL AND instr(cm_fold(name), ?1) > 0",
                            i ? " UNION ALL " : "", i, cm_layer_to_string (i));
  g_string_append (sql, ") ORDER BY length(name), name LIMIT ?2");
  sqlite3_stmt *stmt = _cm_store_prepare (self, sql->str, error);
  g_string_free (sql, TRUE);
  if (!stmt)
    {
      g_object_unref (found);
      return NULL;
    }
  sqlite3_bind_text (stmt, 1, folded, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 2, (int) limit);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr (CmFeature) f = cm_store_get_feature (
          self, sqlite3_column_int (stmt, 0), (const char *) sqlite3_column_text (stmt, 1), NULL);
      if (f)
        g_list_store_append (found, f);
    }
  sqlite3_finalize (stmt);
  return G_LIST_MODEL (found);
}

/* ---- info and check ------------------------------------------------------------------------ */

gboolean
cm_store_get_layer_stats (CmStore *self, CmLayer layer, CmLayerStats *stats, GError **error)
{
  /* the boxes from the geometries' headers: a third of the time of SQL's
   * min(MbrMinX(geom)), … at 500,000 buildings, where every open of the window asks */
  g_autofree char *sql = g_strdup_printf ("SELECT geom FROM %s WHERE deleted = 0",
                                          cm_layer_to_string (layer));
  sqlite3_stmt *stmt = _cm_store_prepare (self, sql, error);
  if (!stmt)
    return FALSE;
  stats->count = 0;
  double ext[4] = { G_MAXDOUBLE, G_MAXDOUBLE, -G_MAXDOUBLE, -G_MAXDOUBLE };
  int rc;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      double b[4];
      stats->count++;
      if (!cm_geom_spatialite_blob_mbr (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0), b))
        continue;
      ext[0] = MIN (ext[0], b[0]), ext[1] = MIN (ext[1], b[1]);
      ext[2] = MAX (ext[2], b[2]), ext[3] = MAX (ext[3], b[3]);
    }
  gboolean ok = rc == SQLITE_DONE;
  if (!ok)
    _cm_store_set_sqlite_error (self, error, _("count features"));
  /* none with a box: zeros, as SQL's min() of nothing read as a double */
  for (int i = 0; i < 4; i++)
    stats->bbox[i] = ext[0] <= ext[2] ? ext[i] : 0;
  sqlite3_finalize (stmt);
  return ok;
}

CmGeom *
_cm_store_decode_geom (CmStore *self, sqlite3_stmt **fallback, const void *blob, int len)
{
  if (blob == NULL)
    return NULL;
  CmGeom *geom = cm_geom_from_spatialite (blob, (gsize) len);
  if (geom)
    return geom;
  if (*fallback == NULL)
    *fallback = _cm_store_prepare (self, "SELECT AsBinary(CmGeom(?1))", NULL);
  if (*fallback == NULL)
    return NULL;
  sqlite3_bind_blob (*fallback, 1, blob, len, SQLITE_STATIC);
  if (sqlite3_step (*fallback) == SQLITE_ROW)
    geom = cm_geom_from_wkb (sqlite3_column_blob (*fallback, 0),
                             (gsize) sqlite3_column_bytes (*fallback, 0));
  sqlite3_reset (*fallback);
  return geom;
}

/* How many of the features @among names ("layer\tuuid") in @table @damaged_sql counts. */
static gint64
count_damaged_named (CmStore *self, const char *table, const char *damaged_sql,
                     GHashTable *among, GError **error)
{
  g_autofree char *sql = g_strconcat (damaged_sql, " AND uuid = ?1", NULL);
  sqlite3_stmt *stmt = _cm_store_prepare (self, sql, error);
  if (stmt == NULL)
    return -1;
  gint64 damaged = 0;
  gsize len = strlen (table);
  GHashTableIter it;
  gpointer key;
  g_hash_table_iter_init (&it, among);
  while (g_hash_table_iter_next (&it, &key, NULL))
    {
      const char *k = key;
      if (strncmp (k, table, len) != 0 || k[len] != '\t')
        continue;
      sqlite3_bind_text (stmt, 1, k + len + 1, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        damaged += sqlite3_column_int64 (stmt, 0);
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);
  return damaged;
}

gint64
_cm_store_count_damaged (CmStore *self, GHashTable *among, GError **error)
{
  gint64 damaged = 0;
  for (int l = 0; l < CM_N_LAYERS; l++)
    {
      if (cm_layer_get_info (l)->since > self->schema_version)
        continue; /* an older map read as it is: the layer came later */
      const char *table = cm_layer_to_string (l);
      g_autofree char *sql = g_strdup_printf (
          "SELECT count(*) FROM %s WHERE geom IS NOT NULL AND CmGeom(geom) IS NULL", table);
      gint64 n = among ? count_damaged_named (self, table, sql, among, error)
                       : (gint64) query_one_number (self, sql, error);
      if (n < 0)
        return -1;
      damaged += n;
    }
  return damaged;
}

/* SQLite's codes for a file whose bytes are not what it wrote. */
static gboolean
is_damage (int rc)
{
  return (rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB;
}

gboolean
cm_store_check (CmStore *self, GPtrArray *problems, GError **error)
{
  sqlite3_stmt *stmt = _cm_store_prepare (self, "PRAGMA integrity_check", error);
  if (!stmt)
    return FALSE;
  int rc;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *text = (const char *) sqlite3_column_text (stmt, 0);
      if (g_strcmp0 (text, "ok") == 0)
        continue;
      /* a row can hold many findings, one per line, under "*** in database main ***" */
      g_auto (GStrv) lines = g_strsplit (text ? text : "", "\n", -1);
      for (guint i = 0; lines[i]; i++)
        if (lines[i][0] != '\0' && !g_str_has_prefix (lines[i], "***"))
          g_ptr_array_add (problems, g_strdup_printf (_("integrity: %s"), lines[i]));
    }
  sqlite3_finalize (stmt);
  /* pages so damaged that SQLite stops reading them are a finding, not a failure to check */
  if (is_damage (rc))
    g_ptr_array_add (problems, g_strdup_printf (_("integrity: %s"), sqlite3_errstr (rc)));
  else if (rc != SQLITE_DONE)
    {
      _cm_store_set_sqlite_error (self, error, _("check the map"));
      return FALSE;
    }
  if (problems->len > 0)
    {
      /* the next open reads it whole again (and refuses it), and this connection's close
       * must not record it sound */
      self->sound = FALSE;
      _cm_verified_forget (self->path);
    }

  for (int i = 0; i < CM_N_LAYERS; i++)
    {
      const char *table = cm_layer_to_string (i);
      /* CheckSpatialIndex reads every geometry with SpatiaLite's own parser: only when none
       * is damaged (CmGeom) — SQLite's CASE does not evaluate what it does not choose */
      g_autofree char *sql = g_strdup_printf (
          "SELECT (SELECT spatial_index_enabled FROM geometry_columns WHERE f_table_name = '%s'"
          " AND f_geometry_column = 'geom'),"
          " CASE WHEN d.n = 0 THEN CheckSpatialIndex('%s', 'geom') END,"
          " rtreecheck('idx_%s_geom'),"
          " (SELECT count(*) FROM %s WHERE deleted = 0 AND CmGeom(geom) IS NOT NULL"
          "  AND ST_IsValid(CmGeom(geom)) IS NOT 1),"
          " (SELECT count(*) FROM %s WHERE deleted = 0 AND geom IS NULL), d.n"
          " FROM (SELECT count(*) AS n FROM %s WHERE geom IS NOT NULL AND CmGeom(geom) IS NULL) AS d",
          table, table, table, table, table, table);
      stmt = _cm_store_prepare (self, sql, error);
      if (!stmt)
        return FALSE;
      rc = sqlite3_step (stmt);
      if (is_damage (rc))
        {
          g_ptr_array_add (problems, g_strdup_printf (_("%s: its pages are damaged (%s)"), table,
                                                      sqlite3_errstr (rc)));
          sqlite3_finalize (stmt);
          continue;
        }
      if (rc != SQLITE_ROW)
        {
          _cm_store_set_sqlite_error (self, error, _("check the map"));
          sqlite3_finalize (stmt);
          return FALSE;
        }
      gint64 damaged = sqlite3_column_int64 (stmt, 5);
      if (damaged > 0)
        g_ptr_array_add (problems,
                         g_strdup_printf (_("%s: %d damaged geometries (their bytes do not hold "
                                            "what they claim; they are left out when the map is "
                                            "read, and the spatial index was not checked)"),
                                          table, (int) MIN (damaged, G_MAXINT)));
      if (sqlite3_column_int (stmt, 0) != 1)
        g_ptr_array_add (problems, g_strdup_printf (_("%s: the spatial index is not enabled"), table));
      else if (damaged == 0 &&
               (sqlite3_column_type (stmt, 1) == SQLITE_NULL || sqlite3_column_int (stmt, 1) != 1))
        g_ptr_array_add (problems,
                         g_strdup_printf (_("%s: the spatial index does not match the table "
                                            "(repair it with “SELECT RecoverSpatialIndex('%s', "
                                            "'geom')” in spatialite)"), table, table));
      const char *tree = (const char *) sqlite3_column_text (stmt, 2);
      if (g_strcmp0 (tree, "ok") != 0)
        g_ptr_array_add (problems, g_strdup_printf (_("%s: the spatial index's tree is damaged: %s"),
                                                    table, tree ? tree : _("unreadable")));
      gint64 invalid = sqlite3_column_int64 (stmt, 3);
      if (invalid > 0)
        g_ptr_array_add (problems, g_strdup_printf (_("%s: %d invalid geometries"), table,
                                                    (int) MIN (invalid, G_MAXINT)));
      gint64 empty = sqlite3_column_int64 (stmt, 4);
      if (empty > 0)
        g_ptr_array_add (problems, g_strdup_printf (_("%s: %d features without geometry"),
                                                    table, (int) MIN (empty, G_MAXINT)));
      sqlite3_finalize (stmt);
    }
  return TRUE;
}
