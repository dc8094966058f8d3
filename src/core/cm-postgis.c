/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-postgis.c: push and pull to a PostgreSQL + PostGIS server through libpq (docs/postgis.md).
 *
 * Both directions go through a temporary map file, the server's copy of the features concerned
 * (their rows, versions and conflicts, with the server's whole clock), so that one set of merge
 * rules decides everything (cm-merge.c):
 *  - push: in one transaction of the server, holding a lock that makes pushes take turns: the
 *    server's rows the map has unseen versions of are read into the copy, the map is merged
 *    into the copy, and the rows whose versions or conflicts changed are written back, with the
 *    clock; a dropped connection or a killed server leaves nothing, and the next push does it;
 *  - pull: in one snapshot of the server: its rows with versions the map has not seen (of the
 *    scope asked, and of features the map holds) are read into the copy, which is merged into
 *    the map.
 * Bulk data crosses as binary COPY. */
#include "config.h"

#include "cm-postgis.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <libpq-fe.h>
#include <string.h>

#include "cm-categories.h"
#include "cm-geom.h"
#include "cm-layer.h"
#include "cm-store-private.h"
#include "cm-versions.h"

/* The server's schema: each version's SQL, applied in order (data/postgis/) */
#define SCHEMA_VERSION 3
static const char *const schema_resources[SCHEMA_VERSION] = {
  "/io/github/communitymap/core/postgis/001-schema.sql",
  "/io/github/communitymap/core/postgis/002-reports.sql",
  "/io/github/communitymap/core/postgis/003-keys.sql",
};
/* The oldest schema a pull reads as it is: 3 changed only how keys compare */
#define SCHEMA_PULLABLE 2
/* pg_advisory_xact_lock's key for pushes: "cmap" */
#define PUSH_LOCK "SELECT pg_advisory_xact_lock(1668112752)"

/* ---- the connection ------------------------------------------------------------------------- */

typedef struct
{
  PGconn *conn;
  char *who; /* user@host:port/database */
} Server;

static void
server_close (Server *s)
{
  g_clear_pointer (&s->conn, PQfinish);
  g_clear_pointer (&s->who, g_free);
}

/* libpq's message for people: its first line, without the "ERROR: " it starts with. */
static char *
pg_message (PGconn *conn, PGresult *res)
{
  const char *m = res ? PQresultErrorMessage (res) : NULL;
  if (m == NULL || *m == '\0')
    m = PQerrorMessage (conn);
  if (g_str_has_prefix (m, "ERROR:  "))
    m += 8;
  g_autofree char *copy = g_strdup (m);
  char *nl = strchr (copy, '\n');
  if (nl)
    *nl = '\0';
  return g_strdup (g_strstrip (copy));
}

static gboolean
set_pg_error (Server *s, PGresult *res, const char *doing, GError **error)
{
  g_autofree char *m = pg_message (s->conn, res);
  if (PQstatus (s->conn) != CONNECTION_OK)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                 _("the connection to the server %s was lost while %s (%s): the server keeps "
                   "nothing of this exchange and the map is unchanged; try again"),
                 s->who, doing, m);
  else
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("the server %s refused to %s: %s"),
                 s->who, doing, m);
  return FALSE;
}

/* A service name (a word of ~/.pg_service.conf) as connection words. */
static char *
service_conninfo (const char *name)
{
  GString *s = g_string_new ("service='");
  for (const char *p = name; *p; p++)
    {
      if (*p == '\'' || *p == '\\')
        g_string_append_c (s, '\\');
      g_string_append_c (s, *p);
    }
  g_string_append_c (s, '\'');
  return g_string_free (s, FALSE);
}

static void
ignore_notice (void *data, const char *message)
{
}

static gboolean
server_connect (Server *s, const char *address, GError **error)
{
  memset (s, 0, sizeof *s);
  gboolean words = g_str_has_prefix (address, "postgresql://") ||
                   g_str_has_prefix (address, "postgres://") || strchr (address, '=') != NULL;
  g_autofree char *conninfo = words ? g_strdup (address) : service_conninfo (address);
  char *parse_error = NULL;
  PQconninfoOption *options = PQconninfoParse (conninfo, &parse_error);
  if (options == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("the server's address is not one PostgreSQL understands (%s). Give "
                     "postgresql://USER@HOST:PORT/DATABASE or the name of a service of "
                     "~/.pg_service.conf"),
                   parse_error ? g_strstrip (parse_error) : "?");
      PQfreemem (parse_error);
      return FALSE;
    }
  g_autoptr (GPtrArray) keys = g_ptr_array_new ();
  g_autoptr (GPtrArray) values = g_ptr_array_new ();
  gboolean has_password = FALSE;
  for (PQconninfoOption *o = options; o->keyword; o++)
    {
      if (o->val == NULL)
        continue;
      if (g_str_equal (o->keyword, "password") && *o->val)
        has_password = TRUE;
      g_ptr_array_add (keys, o->keyword);
      g_ptr_array_add (values, o->val);
    }
  if (has_password)
    {
      PQconninfoFree (options);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("the server's address holds a password: on a command line every user of "
                     "this computer can read it, and the shell keeps it in its history. Nothing "
                     "was sent. Put the password in ~/.pgpass (readable only by you), in the "
                     "service file, or in PGPASSWORD"));
      return FALSE;
    }
  g_ptr_array_add (keys, (gpointer) "fallback_application_name");
  g_ptr_array_add (values, (gpointer) "community-map");
  g_ptr_array_add (keys, NULL);
  g_ptr_array_add (values, NULL);
  s->conn = PQconnectdbParams ((const char *const *) keys->pdata,
                               (const char *const *) values->pdata, 0);
  PQconninfoFree (options);
  if (PQstatus (s->conn) != CONNECTION_OK)
    {
      g_autofree char *m = pg_message (s->conn, NULL);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED,
                   _("could not connect to the server: %s. Check the address or service name; "
                     "a password comes from ~/.pgpass, the service file or PGPASSWORD"),
                   m);
      server_close (s);
      return FALSE;
    }
  PQsetClientEncoding (s->conn, "UTF8");
  /* the server's notices ("extension already exists") are not for people */
  PQsetNoticeProcessor (s->conn, ignore_notice, NULL);
  const char *host = PQhost (s->conn);
  s->who = g_strdup_printf ("%s@%s:%s/%s", PQuser (s->conn),
                            host && host[0] == '/' ? "localhost" : host, PQport (s->conn),
                            PQdb (s->conn));
  return TRUE;
}

/* A command or query; its result on success (PQclear it), else NULL and @error. */
static PGresult *
pg_run (Server *s, const char *sql, int n_params, const char *const *params, const char *doing,
        GError **error)
{
  PGresult *res = n_params ? PQexecParams (s->conn, sql, n_params, NULL, params, NULL, NULL, 0)
                           : PQexec (s->conn, sql);
  ExecStatusType st = PQresultStatus (res);
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
    return res;
  set_pg_error (s, res, doing, error);
  PQclear (res);
  return NULL;
}

static gboolean
pg_exec (Server *s, const char *sql, const char *doing, GError **error)
{
  PGresult *res = pg_run (s, sql, 0, NULL, doing, error);
  PQclear (res);
  return res != NULL;
}

/* ---- binary COPY ------------------------------------------------------------------------------ */

static const char copy_signature[11] = "PGCOPY\n\377\r\n";

typedef struct
{
  Server *s;
  GByteArray *buf;
  guint rows;
} CopyIn;

static void
put_be (GByteArray *b, guint64 v, int bytes)
{
  guint8 x[8];
  for (int i = 0; i < bytes; i++)
    x[i] = (guint8) (v >> (8 * (bytes - 1 - i)));
  g_byte_array_append (b, x, bytes);
}

static gboolean
copy_in_begin (CopyIn *c, Server *s, const char *sql, GError **error)
{
  c->s = s;
  c->rows = 0;
  PGresult *res = PQexec (s->conn, sql);
  gboolean ok = PQresultStatus (res) == PGRES_COPY_IN;
  if (!ok)
    set_pg_error (s, res, _("take the map's rows"), error);
  PQclear (res);
  if (!ok)
    return FALSE;
  c->buf = g_byte_array_sized_new (1 << 20);
  g_byte_array_append (c->buf, (const guint8 *) copy_signature, sizeof copy_signature);
  put_be (c->buf, 0, 4); /* flags */
  put_be (c->buf, 0, 4); /* header extension */
  return TRUE;
}

static void
copy_in_row (CopyIn *c, int n_fields)
{
  put_be (c->buf, (guint16) n_fields, 2);
  c->rows++;
}

static void
copy_in_field (CopyIn *c, const void *data, int len)
{
  if (data == NULL && len <= 0)
    {
      put_be (c->buf, 0xffffffffu, 4); /* NULL */
      return;
    }
  put_be (c->buf, (guint32) len, 4);
  g_byte_array_append (c->buf, data, len);
}

static void
copy_in_text (CopyIn *c, const char *text)
{
  copy_in_field (c, text, text ? (int) strlen (text) : -1);
}

static gboolean
copy_in_flush (CopyIn *c, gboolean all, GError **error)
{
  if (c->buf->len < (all ? 1u : 1u << 20))
    return TRUE;
  if (PQputCopyData (c->s->conn, (const char *) c->buf->data, (int) c->buf->len) != 1)
    return set_pg_error (c->s, NULL, _("send the map's rows"), error);
  g_byte_array_set_size (c->buf, 0);
  return TRUE;
}

/* Ends the COPY: @ok FALSE abandons it (the server's transaction then fails). */
static gboolean
copy_in_end (CopyIn *c, gboolean ok, GError **error)
{
  if (ok)
    {
      put_be (c->buf, 0xffff, 2); /* the trailer */
      ok = copy_in_flush (c, TRUE, error);
    }
  g_clear_pointer (&c->buf, g_byte_array_unref);
  if (PQputCopyEnd (c->s->conn, ok ? NULL : "cancelled") != 1 && ok)
    ok = set_pg_error (c->s, NULL, _("send the map's rows"), error);
  PGresult *res;
  while ((res = PQgetResult (c->s->conn)) != NULL)
    {
      if (ok && PQresultStatus (res) != PGRES_COMMAND_OK)
        ok = set_pg_error (c->s, res, _("store the map's rows"), error);
      PQclear (res);
    }
  return ok;
}

/* One row of a COPY out: each field's bytes and length (-1: NULL). */
typedef gboolean (*CopyRowFunc) (const char *const *fields, const int *lengths, int n,
                                 gpointer data, GError **error);

#define MAX_FIELDS 64

static guint32
get_be32 (const char *p)
{
  const guint8 *u = (const guint8 *) p;
  return ((guint32) u[0] << 24) | ((guint32) u[1] << 16) | ((guint32) u[2] << 8) | u[3];
}

static guint64
get_be64 (const char *p)
{
  return ((guint64) get_be32 (p) << 32) | get_be32 (p + 4);
}

/* Runs @sql, a COPY … TO STDOUT (FORMAT binary), calling @func for each row. */
static gboolean
copy_out (Server *s, const char *sql, CopyRowFunc func, gpointer data, guint *rows,
          GError **error)
{
  PGresult *res = PQexec (s->conn, sql);
  gboolean ok = PQresultStatus (res) == PGRES_COPY_OUT;
  if (!ok)
    set_pg_error (s, res, _("read the server's map"), error);
  PQclear (res);
  if (!ok)
    return FALSE;
  gboolean header = FALSE;
  char *buf = NULL;
  int len;
  while ((len = PQgetCopyData (s->conn, &buf, 0)) > 0)
    {
      const char *p = buf, *end = buf + len;
      if (!header)
        {
          /* signature, flags, then a header extension of the length given */
          if (len < 19 || memcmp (p, copy_signature, sizeof copy_signature) != 0)
            {
              ok = ok && (g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                       _("the server sent rows in a form this program does "
                                         "not read")),
                          FALSE);
              PQfreemem (buf);
              continue;
            }
          p += 19 + get_be32 (p + 15);
          header = TRUE;
        }
      while (ok && p + 2 <= end)
        {
          gint16 n = (gint16) ((guint8) p[0] << 8 | (guint8) p[1]);
          p += 2;
          if (n < 0)
            break; /* the trailer */
          const char *fields[MAX_FIELDS];
          int lengths[MAX_FIELDS];
          for (int i = 0; i < n && i < MAX_FIELDS && p + 4 <= end; i++)
            {
              gint32 l = (gint32) get_be32 (p);
              p += 4;
              fields[i] = l >= 0 ? p : NULL;
              lengths[i] = l;
              if (l > 0)
                p += l;
            }
          if (p > end || n > MAX_FIELDS)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("the server sent a row this program cannot read"));
              ok = FALSE;
              break;
            }
          ok = func (fields, lengths, n, data, error);
          if (rows)
            (*rows)++;
        }
      PQfreemem (buf);
    }
  if (len == -2 && ok)
    ok = set_pg_error (s, NULL, _("read the server's map"), error);
  while ((res = PQgetResult (s->conn)) != NULL)
    {
      if (ok && PQresultStatus (res) != PGRES_COMMAND_OK)
        ok = set_pg_error (s, res, _("read the server's map"), error);
      PQclear (res);
    }
  return ok;
}

/* ---- the columns a map and the server share -------------------------------------------------- */

typedef enum
{
  PG_TEXT,
  PG_INT8,
  PG_FLOAT8,
  PG_BYTEA,
  PG_GEOMETRY, /* crosses as WKB */
} PgType;

typedef struct
{
  char *name;
  PgType type;
} Column;

static void
column_clear (gpointer p)
{
  g_free (((Column *) p)->name);
}

/* The columns of @table in a map (but its row id), as the server has them; an error when the
 * server lacks one (a schema older than this program's). */
static GArray *
table_columns (Server *s, CmStore *map, const char *table, GError **error)
{
  const char *params[] = { table };
  PGresult *res = pg_run (s,
                          "SELECT column_name, data_type, udt_name FROM information_schema.columns"
                          " WHERE table_schema = 'community_map' AND table_name = $1",
                          1, params, _("describe its tables"), error);
  if (res == NULL)
    return NULL;
  g_autoptr (GHashTable) types = g_hash_table_new (g_str_hash, g_str_equal);
  for (int r = 0; r < PQntuples (res); r++)
    {
      const char *t = PQgetvalue (res, r, 1);
      PgType type = g_str_equal (t, "bigint")             ? PG_INT8
                    : g_str_equal (t, "double precision") ? PG_FLOAT8
                    : g_str_equal (t, "bytea")            ? PG_BYTEA
                    : g_str_equal (PQgetvalue (res, r, 2), "geometry") ? PG_GEOMETRY
                                                                      : PG_TEXT;
      g_hash_table_insert (types, PQgetvalue (res, r, 0), GINT_TO_POINTER (type + 1));
    }
  g_autofree char *pragma = g_strdup_printf ("PRAGMA table_info(\"%s\")", table);
  sqlite3_stmt *stmt = _cm_store_prepare (map, pragma, error);
  GArray *columns = g_array_new (FALSE, TRUE, sizeof (Column));
  g_array_set_clear_func (columns, column_clear);
  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (stmt, 1);
      if (g_str_equal (name, "id"))
        continue;
      gpointer type = g_hash_table_lookup (types, name);
      if (type == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       _("the server %s has no column %s in its table %s: its community_map "
                         "schema is older than this program's. Nothing was exchanged"),
                       s->who, name, table);
          g_clear_pointer (&columns, g_array_unref);
          break;
        }
      Column c = { g_strdup (name), GPOINTER_TO_INT (type) - 1 };
      g_array_append_val (columns, c);
    }
  sqlite3_finalize (stmt);
  PQclear (res);
  if (stmt == NULL)
    g_clear_pointer (&columns, g_array_unref);
  return columns;
}

/* "a, b, ST_AsBinary(geom)" (on the server) or "a, b, AsBinary(CmGeom(geom))" (in a map). */
static char *
select_list (GArray *columns, gboolean server)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < columns->len; i++)
    {
      const Column *c = &g_array_index (columns, Column, i);
      if (i)
        g_string_append (s, ", ");
      if (c->type == PG_GEOMETRY)
        g_string_append_printf (s, server ? "ST_AsBinary(t.\"%s\")" : "AsBinary(CmGeom(\"%s\"))",
                                c->name);
      else
        g_string_append_printf (s, server ? "t.\"%s\"" : "\"%s\"", c->name);
    }
  return g_string_free (s, FALSE);
}

/* A map's value of column @i of @stmt into the COPY, as the server's type wants it. */
static void
copy_in_value (CopyIn *c, sqlite3_stmt *stmt, int i, PgType type)
{
  if (sqlite3_column_type (stmt, i) == SQLITE_NULL)
    {
      copy_in_field (c, NULL, -1);
      return;
    }
  switch (type)
    {
    case PG_INT8:
      put_be (c->buf, 8, 4);
      put_be (c->buf, (guint64) sqlite3_column_int64 (stmt, i), 8);
      break;
    case PG_FLOAT8:
      {
        double d = sqlite3_column_double (stmt, i);
        guint64 bits;
        memcpy (&bits, &d, 8);
        put_be (c->buf, 8, 4);
        put_be (c->buf, bits, 8);
      }
      break;
    case PG_BYTEA:
    case PG_GEOMETRY:
      {
        const void *blob = sqlite3_column_blob (stmt, i);
        copy_in_field (c, blob ? blob : "", sqlite3_column_bytes (stmt, i));
      }
      break;
    default:
      {
        const char *text = (const char *) sqlite3_column_text (stmt, i);
        copy_in_field (c, text ? text : "", sqlite3_column_bytes (stmt, i));
      }
    }
}

/* A server's value into parameter @i of @stmt, not copied: the COPY's row it points into lives
 * until the caller has stepped the statement, which each does at once. */
static void
bind_pg_value (sqlite3_stmt *stmt, int i, const char *v, int len, PgType type)
{
  if (v == NULL)
    sqlite3_bind_null (stmt, i);
  else if (type == PG_INT8 && len == 8)
    sqlite3_bind_int64 (stmt, i, (gint64) get_be64 (v));
  else if (type == PG_FLOAT8 && len == 8)
    {
      guint64 bits = get_be64 (v);
      double d;
      memcpy (&d, &bits, 8);
      sqlite3_bind_double (stmt, i, d);
    }
  else if (type == PG_BYTEA || type == PG_GEOMETRY)
    sqlite3_bind_blob (stmt, i, len > 0 ? v : "", len, SQLITE_STATIC);
  else
    sqlite3_bind_text (stmt, i, v, len, SQLITE_STATIC);
}

/* ---- the server's copy: a temporary map file ------------------------------------------------- */

typedef struct
{
  char *dir, *path;
  CmStore *store;
} ServerCopy;

static void
server_copy_remove (ServerCopy *c)
{
  g_clear_object (&c->store);
  if (c->path)
    cm_store_remove_file (c->path);
  if (c->dir)
    g_rmdir (c->dir);
  g_clear_pointer (&c->path, g_free);
  g_clear_pointer (&c->dir, g_free);
}

typedef struct
{
  CmStore *store;
  sqlite3_stmt *insert;
  GArray *columns;  /* Column, or NULL: every field is text or a number as sent */
  const PgType *types;
  /* the layers' rows that arrive live: counted, and their "layer\tuuid" noted */
  int uuid_col, deleted_col; /* -1: none */
  const char *table;
  guint live;
  GPtrArray *arrived;
  /* into a map's layer: written in bulk (cm-bulk-layer.c), the geometry (column geom_col)
   * encoded here */
  CmBulkLayer *bulk;
  int geom_col;
} FillRows;

static gboolean
fill_row (const char *const *fields, const int *lengths, int n, gpointer data, GError **error)
{
  FillRows *f = data;
  g_autoptr (CmGeom) geom = NULL;
  double bbox[4];
  for (int i = 0; i < n; i++)
    {
      if (f->bulk && i == f->geom_col && fields[i])
        {
          geom = cm_geom_from_wkb ((const guint8 *) fields[i], lengths[i]);
          if (geom == NULL)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("the server sent a geometry this program cannot read"));
              return FALSE;
            }
          gsize size;
          guint8 *blob = cm_geom_to_spatialite (geom, FALSE, &size);
          sqlite3_bind_blob (f->insert, i + 1, blob, (int) size, g_free);
          cm_geom_get_bbox (geom, bbox);
          continue;
        }
      bind_pg_value (f->insert, i + 1, fields[i], lengths[i],
                     f->columns ? g_array_index (f->columns, Column, i).type : f->types[i]);
    }
  gboolean ok = sqlite3_step (f->insert) == SQLITE_DONE;
  if (!ok)
    _cm_store_set_sqlite_error (f->store, error, _("write the server's rows"));
  sqlite3_reset (f->insert);
  if (ok && f->bulk && geom)
    ok = _cm_bulk_layer_index (f->bulk, sqlite3_last_insert_rowid (_cm_store_get_db (f->store)),
                               bbox, FALSE, error);
  if (ok && f->deleted_col >= 0 && fields[f->deleted_col] && lengths[f->deleted_col] == 8 &&
      get_be64 (fields[f->deleted_col]) == 0)
    f->live++;
  if (ok && f->arrived && f->uuid_col >= 0 && fields[f->uuid_col])
    g_ptr_array_add (f->arrived, g_strdup_printf ("%s\t%.*s", f->table, lengths[f->uuid_col],
                                                  fields[f->uuid_col]));
  return ok;
}

/* A conflict's value as the server keeps it: its SQLite type, and its bytes (numbers as text). */
static gboolean
fill_conflict (const char *const *fields, const int *lengths, int n, gpointer data,
               GError **error)
{
  FillRows *f = data;
  for (int i = 0; i < 5; i++)
    bind_pg_value (f->insert, i + 1, fields[i], lengths[i], i == 4 ? PG_INT8 : PG_TEXT);
  g_autofree char *type = fields[5] ? g_strndup (fields[5], lengths[5]) : g_strdup ("null");
  g_autofree char *text = fields[6] ? g_strndup (fields[6], lengths[6]) : NULL;
  if (fields[6] == NULL || g_str_equal (type, "null"))
    sqlite3_bind_null (f->insert, 6);
  else if (g_str_equal (type, "integer"))
    sqlite3_bind_int64 (f->insert, 6, g_ascii_strtoll (text, NULL, 10));
  else if (g_str_equal (type, "real"))
    sqlite3_bind_double (f->insert, 6, g_ascii_strtod (text, NULL));
  else if (g_str_equal (type, "text"))
    sqlite3_bind_text (f->insert, 6, fields[6], lengths[6], SQLITE_TRANSIENT);
  else
    sqlite3_bind_blob (f->insert, 6, lengths[6] > 0 ? fields[6] : "", lengths[6],
                       SQLITE_TRANSIENT);
  gboolean ok = sqlite3_step (f->insert) == SQLITE_DONE;
  if (!ok)
    _cm_store_set_sqlite_error (f->store, error, _("write the server's rows"));
  sqlite3_reset (f->insert);
  return ok;
}

/* COPY @server_sql into @store through @insert (its parameters as the fields). */
static gboolean
fill (Server *s, CmStore *store, const char *server_sql, const char *insert, GArray *columns,
      const PgType *types, CopyRowFunc func, guint *rows, GError **error)
{
  FillRows f = { store, _cm_store_prepare (store, insert, error), columns, types, -1, -1 };
  if (f.insert == NULL)
    return FALSE;
  g_autofree char *copy = g_strdup_printf ("COPY (%s) TO STDOUT (FORMAT binary)", server_sql);
  gboolean ok = copy_out (s, copy, func ? func : fill_row, &f, rows, error);
  sqlite3_finalize (f.insert);
  return ok;
}

typedef struct
{
  CmProgressFunc func;
  gpointer data;
  goffset done, total;
  GCancellable *cancellable;
} Steps;

static gboolean
step (Steps *st, GError **error)
{
  st->done++;
  if (g_getenv ("CM_POSTGIS_TIMING"))
    g_printerr ("step %d: %.3f s\n", (int) st->done, g_get_monotonic_time () / 1e6);
  if (st->func)
    st->func (MIN (st->done, st->total), st->total, st->data);
  return !g_cancellable_set_error_if_cancelled (st->cancellable, error);
}

/* The server's rows of the features listed in the temporary table @keys (layer, uuid), or of
 * every feature when @keys is NULL, with their versions and conflicts, into @store (inside its
 * transaction). @report (may be NULL): the live rows that arrived are counted as added, and
 * noted. */
static gboolean
fill_rows (Server *s, CmStore *store, const char *keys, CmMergeReport *report, guint *rows,
           Steps *st, GError **error)
{
  for (const char *const *table = cm_versions_tables (); *table; table++)
    {
      g_autoptr (GArray) columns = table_columns (s, store, *table, error);
      if (columns == NULL)
        return FALSE;
      g_autofree char *server_cols = select_list (columns, TRUE);
      GString *names = g_string_new (NULL), *params = g_string_new (NULL);
      FillRows f = { store, NULL, columns, NULL, -1, -1, *table };
      f.geom_col = -1;
      /* the features new to a map (a pull): written in bulk; the server's copy as SpatiaLite's
       * functions write it */
      CmLayer layer = cm_layer_from_string (*table);
      gboolean bulk = report != NULL && layer != CM_LAYER_NONE;
      for (guint i = 0; i < columns->len; i++)
        {
          const Column *col = &g_array_index (columns, Column, i);
          g_string_append_printf (names, "%s\"%s\"", i ? ", " : "", col->name);
          g_string_append_printf (params, col->type == PG_GEOMETRY && !bulk
                                              ? "%sGeomFromWKB(?, 4326)"
                                              : "%s?",
                                  i ? ", " : "");
          if (col->type == PG_GEOMETRY)
            f.geom_col = (int) i;
          if (g_str_equal (col->name, "uuid"))
            f.uuid_col = (int) i;
          if (g_str_equal (col->name, "deleted") && col->type == PG_INT8)
            f.deleted_col = (int) i;
        }
      g_autofree char *join = keys ? g_strdup_printf (" JOIN %s s ON s.layer = '%s' AND s.uuid ="
                                                      " t.uuid", keys, *table)
                                   : g_strdup ("");
      g_autofree char *select = g_strdup_printf (
          "COPY (SELECT %s FROM community_map.\"%s\" t%s) TO STDOUT (FORMAT binary)",
          server_cols, *table, join);
      g_autofree char *insert = g_strdup_printf ("INSERT INTO \"%s\" (%s) VALUES (%s)", *table,
                                                 names->str, params->str);
      g_string_free (names, TRUE);
      g_string_free (params, TRUE);
      f.insert = _cm_store_prepare (store, insert, error);
      if (f.insert == NULL)
        return FALSE;
      if (bulk && !(f.bulk = _cm_bulk_layer_begin (store, layer, error)))
        {
          sqlite3_finalize (f.insert);
          return FALSE;
        }
      if (bulk)
        f.arrived = report->rows;
      gboolean ok = copy_out (s, select, fill_row, &f, rows, error);
      sqlite3_finalize (f.insert);
      if (f.bulk)
        {
          if (ok)
            ok = _cm_bulk_layer_end (g_steal_pointer (&f.bulk), error);
          else
            g_clear_pointer (&f.bulk, _cm_bulk_layer_free);
        }
      if (!ok || !step (st, error))
        return FALSE;
      for (guint i = 0; report && i < report->tables->len; i++)
        {
          CmMergeCounts *c = &g_array_index (report->tables, CmMergeCounts, i);
          if (g_str_equal (c->table, *table) && f.live > 0)
            {
              c->added += f.live;
              report->nothing_new = FALSE;
            }
        }
    }
  static const PgType version_types[] = { PG_TEXT, PG_TEXT, PG_TEXT, PG_TEXT, PG_INT8 };
  /* the versions in the order of the map's key: each written next to the last */
  g_autofree char *join = keys ? g_strdup_printf (" JOIN %s s USING (layer, uuid)", keys)
                               : g_strdup ("");
  g_autofree char *versions = g_strdup_printf (
      "SELECT v.layer, v.uuid, v.field, v.site, v.counter FROM community_map.cm_versions v%s"
      " ORDER BY v.layer COLLATE \"C\", v.uuid COLLATE \"C\", v.field COLLATE \"C\"",
      join);
  g_autofree char *conflicts = g_strdup_printf (
      "SELECT k.layer, k.uuid, k.field, k.site, k.counter, k.value_type, k.value FROM"
      " community_map.cm_conflicts k%s",
      join);
  return fill (s, store, versions, "INSERT INTO cm_versions VALUES (?, ?, ?, ?, ?)", NULL,
               version_types, NULL, NULL, error) &&
         fill (s, store, conflicts, "INSERT INTO cm_conflicts VALUES (?, ?, ?, ?, ?, ?)", NULL,
               NULL, fill_conflict, NULL, error);
}

/* The server's rows of the features in the temporary table cm_selected (layer, uuid), with
 * their versions and conflicts, the server's whole clock, its kinds and categories: a new map
 * file. */
static gboolean
server_copy_make (Server *s, ServerCopy *c, guint *rows, Steps *st, GError **error)
{
  c->dir = g_dir_make_tmp ("cm-server-XXXXXX", error);
  if (c->dir == NULL)
    return FALSE;
  c->path = g_build_filename (c->dir, "server.sqlite", NULL);
  c->store = cm_store_create (c->path, "server", error);
  /* a temporary file, made again if lost: never waited for on the disk */
  if (c->store == NULL || !_cm_store_exec (c->store, "PRAGMA synchronous = OFF", error) ||
      !_cm_store_exec (c->store, "BEGIN", error))
    return FALSE;
  static const PgType clock_types[] = { PG_TEXT, PG_INT8 };
  static const PgType kind_types[] = { PG_TEXT, PG_TEXT, PG_TEXT, PG_TEXT,
                                       PG_FLOAT8, PG_TEXT, PG_INT8 };
  static const PgType category_types[] = { PG_TEXT, PG_TEXT, PG_TEXT, PG_TEXT,
                                           PG_TEXT, PG_TEXT, PG_TEXT, PG_INT8 };
  gboolean ok =
      fill_rows (s, c->store, "cm_selected", NULL, rows, st, error) &&
      fill (s, c->store, "SELECT site, counter FROM community_map.cm_clock",
            "INSERT INTO cm_clock VALUES (?, ?)", NULL, clock_types, NULL, NULL, error) &&
      fill (s, c->store,
            "SELECT layer, key, label_zh, label_en, service_radius_m, category, sort_order FROM"
            " community_map.kinds",
            "INSERT OR REPLACE INTO kinds (layer, key, label_zh, label_en, service_radius_m,"
            " category, sort_order) VALUES (?, ?, ?, ?, ?, ?, ?)",
            NULL, kind_types, NULL, NULL, error) &&
      fill (s, c->store,
            "SELECT key, label_zh, label_en, geometry, icon, color, osm, sort_order FROM"
            " community_map.categories",
            "INSERT OR REPLACE INTO categories (key, label_zh, label_en, geometry, icon, color,"
            " osm, sort_order) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            NULL, category_types, NULL, NULL, error) &&
      /* what was written here has the server's versions, not a session's */
      _cm_store_exec (c->store, "DELETE FROM cm_pending", error) &&
      _cm_store_exec (c->store, "COMMIT", error) && step (st, error);
  if (!ok)
    sqlite3_exec (_cm_store_get_db (c->store), "ROLLBACK", NULL, NULL, NULL);
  return ok;
}

/* ---- what to exchange ------------------------------------------------------------------------ */

/* Sends the (layer, uuid) pairs of @keys ("layer\tuuid") to a temporary table @table of the
 * server's transaction. */
static gboolean
send_keys (Server *s, const char *table, GHashTable *keys, GError **error)
{
  g_autofree char *create = g_strdup_printf ("CREATE TEMP TABLE %s (layer text, uuid text)"
                                             " ON COMMIT DROP", table);
  g_autofree char *copy = g_strdup_printf ("COPY %s FROM STDIN (FORMAT binary)", table);
  CopyIn c;
  if (!pg_exec (s, create, _("prepare the exchange"), error) || !copy_in_begin (&c, s, copy, error))
    return FALSE;
  gboolean ok = TRUE;
  GHashTableIter it;
  gpointer key;
  g_hash_table_iter_init (&it, keys);
  while (ok && g_hash_table_iter_next (&it, &key, NULL))
    {
      const char *tab = strchr (key, '\t');
      copy_in_row (&c, 2);
      copy_in_field (&c, key, (int) (tab - (const char *) key));
      copy_in_text (&c, tab + 1);
      ok = copy_in_flush (&c, FALSE, error);
    }
  ok = copy_in_end (&c, ok, error);
  if (ok)
    {
      g_autofree char *analyze = g_strdup_printf ("ANALYZE %s", table);
      ok = pg_exec (s, analyze, _("prepare the exchange"), error);
    }
  return ok;
}

/* "layer\tuuid" of the map's features (and records) with a version or a conflict that @clock
 * has not seen; every one the map holds when @clock is NULL. */
static GHashTable *
map_keys (CmStore *map, GHashTable *clock, GError **error)
{
  sqlite3_stmt *stmt = _cm_store_prepare (map,
                                          "SELECT layer, uuid, site, counter FROM cm_versions"
                                          " UNION ALL SELECT layer, uuid, site, counter FROM"
                                          " cm_conflicts",
                                          error);
  if (stmt == NULL)
    return NULL;
  GHashTable *keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      if (clock)
        {
          const gint64 *seen = g_hash_table_lookup (clock, sqlite3_column_text (stmt, 2));
          if (seen && *seen >= sqlite3_column_int64 (stmt, 3))
            continue;
        }
      g_hash_table_add (keys, g_strdup_printf ("%s\t%s", sqlite3_column_text (stmt, 0),
                                               sqlite3_column_text (stmt, 1)));
    }
  sqlite3_finalize (stmt);
  return keys;
}

static GHashTable *
server_clock (Server *s, GError **error)
{
  PGresult *res = pg_run (s, "SELECT site, counter FROM community_map.cm_clock", 0, NULL,
                          _("read what it has seen"), error);
  if (res == NULL)
    return NULL;
  GHashTable *clock = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (int r = 0; r < PQntuples (res); r++)
    {
      gint64 n = g_ascii_strtoll (PQgetvalue (res, r, 1), NULL, 10);
      g_hash_table_insert (clock, g_strdup (PQgetvalue (res, r, 0)), g_memdup2 (&n, sizeof n));
    }
  PQclear (res);
  return clock;
}

/* Whether the server has a community_map schema this program can use (*@exists), and its
 * version (*@version, 0 when none). */
static gboolean
check_schema (Server *s, gboolean *exists, int *version_out, GError **error)
{
  int ignored;
  int *version_p = version_out ? version_out : &ignored;
  *version_p = 0;
  PGresult *res = pg_run (s, "SELECT to_regclass('community_map.cm_schema') IS NOT NULL", 0,
                          NULL, _("say whether it holds a community map"), error);
  if (res == NULL)
    return FALSE;
  *exists = g_str_equal (PQgetvalue (res, 0, 0), "t");
  PQclear (res);
  if (!*exists)
    return TRUE;
  res = pg_run (s, "SELECT max(version) FROM community_map.cm_schema", 0, NULL,
                _("say whether it holds a community map"), error);
  if (res == NULL)
    return FALSE;
  int version = atoi (PQgetvalue (res, 0, 0));
  *version_p = version;
  PQclear (res);
  if (version > SCHEMA_VERSION)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("the map on the server %s was made by a newer Community Map (its schema "
                     "%d; this program knows %d). Nothing was exchanged: update Community Map"),
                   s->who, version, SCHEMA_VERSION);
      return FALSE;
    }
  return TRUE;
}

/* ---- push -------------------------------------------------------------------------------------- */

/* The rows of the copy whose versions or conflicts the merge changed, into its table
 * cm_changed (layer, uuid). Called with cm_before_* taken before the merge. */
static const char changed_sql[] =
  "CREATE TABLE cm_changed AS SELECT DISTINCT layer, uuid FROM ("
  " SELECT * FROM (SELECT layer, uuid, field, site, counter FROM cm_versions"
  "  EXCEPT SELECT * FROM cm_before_versions)"
  " UNION ALL SELECT * FROM (SELECT * FROM cm_before_versions"
  "  EXCEPT SELECT layer, uuid, field, site, counter FROM cm_versions)"
  " UNION ALL SELECT layer, uuid, field, site, counter FROM (SELECT layer, uuid, field, site,"
  "  counter, quote(value) FROM cm_conflicts EXCEPT SELECT * FROM cm_before_conflicts)"
  " UNION ALL SELECT layer, uuid, field, site, counter FROM (SELECT * FROM cm_before_conflicts"
  "  EXCEPT SELECT layer, uuid, field, site, counter, quote(value) FROM cm_conflicts))";

/* What send_rows sent: its rows, and those of them not deleted (when @deleted_col, the
 * column `deleted` among those sent, is not -1). */
typedef struct
{
  int deleted_col;
  guint rows, live;
} Tally;

/* Sends @select's rows of the copy (the map's values, @columns' types) into a COPY @copy.
 * @damaged_in (may be NULL): the map's name, when @select's column after the @n sent says
 * whether the row has a stored geometry: one that has but whose geometry column came out NULL
 * (AsBinary(CmGeom()): damaged) refuses the push. @tally (may be NULL): adds what was sent. */
static gboolean
send_rows (Server *s, CmStore *copy, const char *select, const char *copy_sql,
           const char *first_text, GArray *columns, const PgType *types, int n,
           gboolean conflicts, const char *damaged_in, Tally *tally, GError **error)
{
  sqlite3_stmt *stmt = _cm_store_prepare (copy, select, error);
  CopyIn c;
  if (stmt == NULL || !copy_in_begin (&c, s, copy_sql, error))
    {
      sqlite3_finalize (stmt);
      return FALSE;
    }
  int geom_col = -1;
  for (int i = 0; damaged_in && columns && i < n; i++)
    if (g_array_index (columns, Column, i).type == PG_GEOMETRY)
      geom_col = i;
  gboolean ok = TRUE;
  while (ok && sqlite3_step (stmt) == SQLITE_ROW)
    {
      if (geom_col >= 0 && sqlite3_column_int (stmt, n) &&
          sqlite3_column_type (stmt, geom_col) == SQLITE_NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("“%s” holds damaged geometries (their bytes do not hold what they "
                         "claim), so nothing was pushed. “cmap check” lists them: delete or "
                         "draw those features again, then push"),
                       damaged_in);
          ok = FALSE;
          break;
        }
      if (tally && tally->deleted_col >= 0 && sqlite3_column_int (stmt, tally->deleted_col) == 0)
        tally->live++;
      copy_in_row (&c, n + (first_text ? 1 : 0) + (conflicts ? 1 : 0));
      if (first_text)
        copy_in_text (&c, first_text);
      for (int i = 0; i < n; i++)
        {
          PgType type = columns ? g_array_index (columns, Column, i).type : types[i];
          if (conflicts && i == 5)
            {
              /* the value's SQLite type, then its bytes */
              static const char *const names[] = { "", "integer", "real", "text", "blob",
                                                    "null" };
              int sqlite_type = sqlite3_column_type (stmt, i);
              copy_in_text (&c, names[sqlite_type]);
              if (sqlite_type == SQLITE_FLOAT)
                {
                  /* every digit: SQLite's own text of a real keeps 15 */
                  char text[G_ASCII_DTOSTR_BUF_SIZE];
                  g_ascii_formatd (text, sizeof text, "%.17g", sqlite3_column_double (stmt, i));
                  copy_in_text (&c, text);
                }
              else
                copy_in_value (&c, stmt, i, PG_BYTEA);
              continue;
            }
          copy_in_value (&c, stmt, i, type);
        }
      ok = copy_in_flush (&c, FALSE, error);
    }
  sqlite3_finalize (stmt);
  if (ok && tally)
    tally->rows += c.rows;
  return copy_in_end (&c, ok, error);
}

/* Before rows are copied into community_map.@table when it holds none: its indexes, primary
 * key too, are dropped, to be built again after the copy (restore_indexes) in one sorted pass
 * instead of row by row (a district's first push: the buildings' keys and GiST index, the
 * versions' 736,785 keys). Returns the statements that make them again, empty when the table
 * has rows or no index; NULL and @error on a failure. Inside the push's transaction: a failure
 * rolls the drop back too. */
static GPtrArray *
defer_indexes (Server *s, const char *table, GError **error)
{
  g_autoptr (GPtrArray) defs = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *sql = g_strdup_printf (
      "SELECT i.indexname, i.indexdef, c.contype, pg_get_constraintdef(c.oid) FROM pg_indexes i"
      " LEFT JOIN pg_constraint c ON c.conname = i.indexname AND c.connamespace ="
      " 'community_map'::regnamespace WHERE i.schemaname = 'community_map' AND i.tablename = $1"
      " AND (c.contype IS NULL OR c.contype IN ('p', 'u'))"
      " AND NOT EXISTS (SELECT 1 FROM community_map.\"%s\")", table);
  const char *params[] = { table };
  PGresult *res = pg_run (s, sql, 1, params, _("prepare the exchange"), error);
  if (res == NULL)
    return NULL;
  GString *drop = g_string_new (NULL);
  char *tab = PQescapeIdentifier (s->conn, table, strlen (table));
  for (int i = 0; i < PQntuples (res); i++)
    {
      char *name = PQescapeIdentifier (s->conn, PQgetvalue (res, i, 0),
                                       strlen (PQgetvalue (res, i, 0)));
      if (PQgetisnull (res, i, 2))
        {
          g_ptr_array_add (defs, g_strdup (PQgetvalue (res, i, 1)));
          g_string_append_printf (drop, "DROP INDEX community_map.%s;", name);
        }
      else
        {
          /* a key: its constraint, which owns the index */
          g_ptr_array_add (defs, g_strdup_printf ("ALTER TABLE community_map.%s ADD CONSTRAINT"
                                                  " %s %s", tab, name, PQgetvalue (res, i, 3)));
          g_string_append_printf (drop, "ALTER TABLE community_map.%s DROP CONSTRAINT %s;", tab,
                                  name);
        }
      PQfreemem (name);
    }
  PQfreemem (tab);
  PQclear (res);
  gboolean ok = drop->len == 0 || pg_exec (s, drop->str, _("prepare the exchange"), error);
  g_string_free (drop, TRUE);
  return ok ? g_steal_pointer (&defs) : NULL;
}

static gboolean
restore_indexes (Server *s, GPtrArray *defs, GError **error)
{
  for (guint i = 0; i < defs->len; i++)
    if (!pg_exec (s, g_ptr_array_index (defs, i), _("index the server's features"), error))
      return FALSE;
  return TRUE;
}

/* The WHERE clause of the rows new to the server, of @table or of the versions' tables (@table
 * NULL): all the map holds when @all_new, else those in the map's temporary table
 * cm_new_rows. */
static char *
new_rows_where (const char *table, gboolean all_new)
{
  if (all_new)
    return g_strdup ("");
  if (table == NULL)
    return g_strdup (" WHERE (layer, uuid) IN (SELECT layer, uuid FROM temp.cm_new_rows)");
  return g_strdup_printf (" WHERE uuid IN (SELECT uuid FROM temp.cm_new_rows WHERE layer ="
                          " '%s')", table);
}

/* Writes the copy's rows the merge changed (cm_changed) and the map's features new to the
 * server back to it (@all_new: every feature of the map is), with their versions and
 * conflicts, the clock, kinds and categories. *@added: the new rows sent; @live_added: each
 * table's new rows sent not deleted (table → count). */
static gboolean
write_back (Server *s, ServerCopy *copy, CmStore *map, const char *community, gboolean all_new,
            guint *added, GHashTable *live_added, Steps *st, GError **error)
{
  g_autofree char *map_name = g_filename_display_basename (cm_store_get_path (map));
  static const PgType key_types[] = { PG_TEXT, PG_TEXT };
  gboolean ok = pg_exec (s, "CREATE TEMP TABLE cm_changed (layer text, uuid text) ON COMMIT DROP",
                         _("prepare the exchange"), error) &&
                send_rows (s, copy->store, "SELECT layer, uuid FROM cm_changed",
                           "COPY cm_changed FROM STDIN (FORMAT binary)", NULL, NULL, key_types, 2,
                           FALSE, NULL, NULL, error);
  for (const char *const *table = cm_versions_tables (); ok && *table; table++)
    {
      g_autoptr (GArray) columns = table_columns (s, copy->store, *table, error);
      if (columns == NULL)
        return FALSE;
      GString *names = g_string_new ("community"), *updates = g_string_new (NULL);
      g_autofree char *has_geom = NULL;
      Tally tally = { -1 };
      for (guint i = 0; i < columns->len; i++)
        {
          const char *name = g_array_index (columns, Column, i).name;
          if (g_str_equal (name, "deleted") && g_array_index (columns, Column, i).type == PG_INT8)
            tally.deleted_col = (int) i;
          if (g_array_index (columns, Column, i).type == PG_GEOMETRY)
            has_geom = g_strdup_printf (", \"%s\" IS NOT NULL", name);
          g_string_append_printf (names, ", \"%s\"", name);
          if (!g_str_equal (name, "uuid"))
            g_string_append_printf (updates, "%s\"%s\" = EXCLUDED.\"%s\"", updates->len ? ", " : "",
                                    name, name);
        }
      g_autofree char *cols = select_list (columns, FALSE);
      g_autofree char *select = g_strdup_printf (
          "SELECT %s FROM \"%s\" WHERE uuid IN (SELECT uuid FROM cm_changed WHERE layer = '%s')",
          cols, *table, *table);
      g_autofree char *stage = g_strdup_printf (
          "CREATE TEMP TABLE \"s_%s\" (LIKE community_map.\"%s\") ON COMMIT DROP", *table,
          *table);
      g_autofree char *copy_sql = g_strdup_printf ("COPY \"s_%s\" (%s) FROM STDIN (FORMAT binary)",
                                                   *table, names->str);
      g_autofree char *copy_new = g_strdup_printf (
          "COPY community_map.\"%s\" (%s) FROM STDIN (FORMAT binary)", *table, names->str);
      /* checked for damage as they go: the merge checked only the rows it read */
      g_autofree char *where_new = new_rows_where (*table, all_new);
      g_autofree char *select_new = g_strdup_printf ("SELECT %s%s FROM \"%s\"%s", cols,
                                                     has_geom ? has_geom : "", *table, where_new);
      g_autofree char *upsert = g_strdup_printf (
          "INSERT INTO community_map.\"%s\" SELECT * FROM \"s_%s\" ON CONFLICT (uuid) DO UPDATE"
          " SET %s",
          *table, *table, updates->str);
      g_string_free (names, TRUE);
      g_string_free (updates, TRUE);
      g_autoptr (GPtrArray) deferred = NULL;
      ok = pg_exec (s, stage, _("prepare the exchange"), error) &&
           send_rows (s, copy->store, select, copy_sql, community, columns, NULL,
                      (int) columns->len, FALSE, NULL, NULL, error) &&
           pg_exec (s, upsert, _("store the map's features"), error) &&
           (deferred = defer_indexes (s, *table, error)) != NULL &&
           /* the features new to the server straight into its table: no row to update */
           send_rows (s, map, select_new, copy_new, community, columns, NULL,
                      (int) columns->len, FALSE, has_geom ? map_name : NULL, &tally, error) &&
           restore_indexes (s, deferred, error) && step (st, error);
      *added += tally.rows;
      g_hash_table_insert (live_added, (gpointer) *table, GUINT_TO_POINTER (tally.live));
    }
  static const PgType version_types[] = { PG_TEXT, PG_TEXT, PG_TEXT, PG_TEXT, PG_INT8 };
  static const PgType conflict_types[] = { PG_TEXT, PG_TEXT, PG_TEXT, PG_TEXT, PG_INT8, PG_BYTEA };
  g_autoptr (GPtrArray) versions_deferred = NULL;
  static const PgType clock_types[] = { PG_TEXT, PG_INT8 };
  static const PgType kind_types[] = { PG_TEXT, PG_TEXT, PG_TEXT, PG_TEXT,
                                       PG_FLOAT8, PG_TEXT, PG_INT8 };
  static const PgType category_types[] = { PG_TEXT, PG_TEXT, PG_TEXT, PG_TEXT,
                                           PG_TEXT, PG_TEXT, PG_TEXT, PG_INT8 };
  g_autofree char *where_new = new_rows_where (NULL, all_new);
  g_autofree char *new_versions = g_strdup_printf (
      "SELECT layer, uuid, field, site, counter FROM cm_versions%s", where_new);
  g_autofree char *new_conflicts = g_strdup_printf (
      "SELECT layer, uuid, field, site, counter, value FROM cm_conflicts%s", where_new);
  ok = ok &&
       pg_exec (s,
                "DELETE FROM community_map.cm_versions v USING cm_changed c WHERE v.layer ="
                " c.layer AND v.uuid = c.uuid;"
                "DELETE FROM community_map.cm_conflicts k USING cm_changed c WHERE k.layer ="
                " c.layer AND k.uuid = c.uuid;"
                "CREATE TEMP TABLE s_clock (LIKE community_map.cm_clock) ON COMMIT DROP;"
                "CREATE TEMP TABLE s_kinds (LIKE community_map.kinds) ON COMMIT DROP;"
                "CREATE TEMP TABLE s_categories (LIKE community_map.categories) ON COMMIT DROP",
                _("store the versions"), error) &&
       (versions_deferred = defer_indexes (s, "cm_versions", error)) != NULL &&
       send_rows (s, copy->store,
                  "SELECT layer, uuid, field, site, counter FROM cm_versions WHERE (layer, uuid)"
                  " IN (SELECT layer, uuid FROM cm_changed)",
                  "COPY community_map.cm_versions FROM STDIN (FORMAT binary)", NULL, NULL,
                  version_types, 5, FALSE, NULL, NULL, error) &&
       send_rows (s, copy->store,
                  "SELECT layer, uuid, field, site, counter, value FROM cm_conflicts WHERE"
                  " (layer, uuid) IN (SELECT layer, uuid FROM cm_changed)",
                  "COPY community_map.cm_conflicts (layer, uuid, field, site, counter,"
                  " value_type, value) FROM STDIN (FORMAT binary)",
                  NULL, NULL, conflict_types, 6, TRUE, NULL, NULL, error) &&
       /* the features new to the server, as the map holds them */
       send_rows (s, map, new_versions,
                  "COPY community_map.cm_versions FROM STDIN (FORMAT binary)", NULL, NULL,
                  version_types, 5, FALSE, NULL, NULL, error) &&
       send_rows (s, map, new_conflicts,
                  "COPY community_map.cm_conflicts (layer, uuid, field, site, counter,"
                  " value_type, value) FROM STDIN (FORMAT binary)",
                  NULL, NULL, conflict_types, 6, TRUE, NULL, NULL, error) &&
       restore_indexes (s, versions_deferred, error) &&
       send_rows (s, copy->store, "SELECT site, counter FROM cm_clock",
                  "COPY s_clock FROM STDIN (FORMAT binary)", NULL, NULL, clock_types, 2, FALSE,
                  NULL, NULL, error) &&
       send_rows (s, copy->store,
                  "SELECT layer, key, label_zh, label_en, service_radius_m, category, sort_order"
                  " FROM kinds",
                  "COPY s_kinds FROM STDIN (FORMAT binary)", NULL, NULL, kind_types, 7, FALSE,
                  NULL, NULL, error) &&
       send_rows (s, copy->store,
                  "SELECT key, label_zh, label_en, geometry, icon, color, osm, sort_order FROM"
                  " categories",
                  "COPY s_categories FROM STDIN (FORMAT binary)", NULL, NULL, category_types, 8,
                  FALSE, NULL, NULL, error) &&
       pg_exec (s,
                "INSERT INTO community_map.cm_clock SELECT * FROM s_clock ON CONFLICT (site) DO"
                " UPDATE SET counter = GREATEST(community_map.cm_clock.counter,"
                " EXCLUDED.counter);"
                "INSERT INTO community_map.kinds SELECT * FROM s_kinds ON CONFLICT DO NOTHING;"
                "INSERT INTO community_map.categories SELECT * FROM s_categories ON CONFLICT DO"
                " NOTHING",
                _("store what it has seen"), error);
  return ok;
}

/* The map's temporary table cm_new_rows (layer, uuid) of the features new to the server, made
 * empty, then filled by @fill (may be NULL). In memory: one row per feature, 731,689 for a
 * district's first push. */
static gboolean
new_rows_table (CmStore *map, const char *fill, GError **error)
{
  g_autofree char *sql = g_strdup_printf ("PRAGMA temp_store = MEMORY;"
                                          "DROP TABLE IF EXISTS temp.cm_new_rows;"
                                          "CREATE TEMP TABLE cm_new_rows (layer TEXT, uuid TEXT,"
                                          " PRIMARY KEY (layer, uuid)) WITHOUT ROWID;%s",
                                          fill ? fill : "");
  if (sqlite3_exec (_cm_store_get_db (map), sql, NULL, NULL, NULL) == SQLITE_OK)
    return TRUE;
  _cm_store_set_sqlite_error (map, error, _("note the new features"));
  return FALSE;
}

typedef struct
{
  sqlite3_stmt *insert;
  GHashTable *keys;
} NewRows;

static gboolean
new_row (const char *const *fields, const int *lengths, int n, gpointer data, GError **error)
{
  NewRows *r = data;
  sqlite3_bind_text (r->insert, 1, fields[0], lengths[0], SQLITE_TRANSIENT);
  sqlite3_bind_text (r->insert, 2, fields[1], lengths[1], SQLITE_TRANSIENT);
  gboolean ok = sqlite3_step (r->insert) == SQLITE_DONE;
  sqlite3_reset (r->insert);
  if (!ok)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("could not note the new features"));
  g_autofree char *key = g_strdup_printf ("%.*s\t%.*s", lengths[0], fields[0], lengths[1],
                                          fields[1]);
  g_hash_table_remove (r->keys, key);
  return ok;
}

/* Of the features in cm_selected, those the server has never held need no merge: they go to it
 * as the map holds them (the merge would keep every value and version of theirs). Moves them
 * from cm_selected into the map's temporary table cm_new_rows, and out of @keys. */
static gboolean
split_new (Server *s, CmStore *map, GHashTable *keys, GError **error)
{
  if (!new_rows_table (map, NULL, error))
    return FALSE;
  sqlite3_stmt *insert = _cm_store_prepare (map, "INSERT INTO temp.cm_new_rows VALUES (?, ?)",
                                            error);
  /* one transaction of the temporary table's, not one per row */
  gboolean ok = insert != NULL && _cm_store_exec (map, "SAVEPOINT cm_new_rows", error) &&
                pg_exec (s,
                         "CREATE TEMP TABLE cm_new ON COMMIT DROP AS SELECT layer, uuid FROM"
                         " cm_selected s WHERE NOT EXISTS (SELECT 1 FROM"
                         " community_map.cm_versions v WHERE v.layer = s.layer AND v.uuid ="
                         " s.uuid) AND NOT EXISTS (SELECT 1 FROM community_map.cm_conflicts k"
                         " WHERE k.layer = s.layer AND k.uuid = s.uuid);"
                         "DELETE FROM cm_selected s USING cm_new n WHERE s.layer = n.layer AND"
                         " s.uuid = n.uuid",
                         _("choose the features"), error) &&
                copy_out (s, "COPY cm_new TO STDOUT (FORMAT binary)", new_row,
                          &(NewRows) { insert, keys }, NULL, error);
  sqlite3_finalize (insert);
  sqlite3_exec (_cm_store_get_db (map), "RELEASE cm_new_rows", NULL, NULL, NULL);
  return ok;
}

/* Whether the server (@clock) has seen none of the sessions this map has (*@strangers): then it
 * holds none of the map's features — a feature the map holds, the map has seen every version of
 * (its clock covers them), and the server would have one of those. */
static gboolean
met_none (CmStore *map, GHashTable *clock, gboolean *strangers, GError **error)
{
  g_autoptr (GHashTable) mine = cm_versions_get_clock (map, error);
  if (mine == NULL)
    return FALSE;
  *strangers = TRUE;
  GHashTableIter it;
  gpointer site;
  g_hash_table_iter_init (&it, mine);
  while (*strangers && g_hash_table_iter_next (&it, &site, NULL))
    *strangers = !g_hash_table_contains (clock, site);
  return TRUE;
}

/* How many rows the merge changed in the server's copy (cm_changed). */
static gboolean
count_changed (ServerCopy *copy, guint *changed, GError **error)
{
  sqlite3_stmt *stmt = _cm_store_prepare (copy->store, "SELECT count(*) FROM cm_changed", error);
  if (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    *changed = (guint) sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return stmt != NULL;
}

/* The features new to the server counted as added (the live ones sent, @live_added), for
 * the report. */
static void
count_new (CmMergeReport *merge, GHashTable *live_added)
{
  for (guint i = 0; i < merge->tables->len; i++)
    {
      CmMergeCounts *c = &g_array_index (merge->tables, CmMergeCounts, i);
      guint live = GPOINTER_TO_UINT (g_hash_table_lookup (live_added, c->table));
      if (live > 0)
        {
          c->added += live;
          merge->nothing_new = FALSE;
        }
    }
}

/* Edits other programs made on the server's tables (QGIS on the PostGIS layers), noted by its
 * triggers in cm_pending, get a version of a session of their own, as a map file's outside
 * edits do (cm-versions.c's stamp_with, the same statements): inside the caller's transaction,
 * which holds the push lock. */
static gboolean
stamp_server_edits (Server *s, GError **error)
{
  PGresult *res = pg_run (s, "SELECT EXISTS (SELECT 1 FROM community_map.cm_pending)", 0, NULL,
                          _("read the edits of other programs"), error);
  if (res == NULL)
    return FALSE;
  gboolean any = g_str_equal (PQgetvalue (res, 0, 0), "t");
  PQclear (res);
  if (!any)
    return TRUE;
  g_autofree char *site = g_uuid_string_random ();
  g_autofree char *sql = g_strdup_printf (
      "INSERT INTO community_map.cm_pending SELECT DISTINCT layer, uuid, 'deleted' FROM"
      " community_map.cm_pending WHERE field NOT IN ('', 'deleted') ON CONFLICT DO NOTHING;"
      "DELETE FROM community_map.cm_versions v USING community_map.cm_pending p WHERE p.field ="
      " '' AND p.layer = v.layer AND p.uuid = v.uuid;"
      "INSERT INTO community_map.cm_versions SELECT layer, uuid, field, '%s', 1 FROM"
      " community_map.cm_pending ON CONFLICT (layer, uuid, field) DO UPDATE SET site ="
      " EXCLUDED.site, counter = EXCLUDED.counter;"
      "DELETE FROM community_map.cm_conflicts k USING community_map.cm_pending p WHERE p.layer ="
      " k.layer AND p.uuid = k.uuid AND p.field IN (k.field, '');"
      "DELETE FROM community_map.cm_pending;"
      "INSERT INTO community_map.cm_clock VALUES ('%s', 1);",
      site, site);
  return pg_exec (s, sql, _("version the edits of other programs"), error);
}

/* Applies the schema's steps after @from (0: none yet) inside the caller's transaction. */
static gboolean
apply_schema (Server *s, int from, const char *doing, GError **error)
{
  cm_categories_get_default (); /* registers the core resources */
  for (int v = from; v < SCHEMA_VERSION; v++)
    {
      g_autoptr (GBytes) sql = g_resources_lookup_data (schema_resources[v], 0, error);
      if (sql == NULL)
        return FALSE;
      g_autofree char *text = g_strndup (g_bytes_get_data (sql, NULL), g_bytes_get_size (sql));
      if (!pg_exec (s, text, doing, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
create_schema (Server *s, GError **error)
{
  if (apply_schema (s, 0, _("create its community_map schema"), error))
    return TRUE;
  g_prefix_error (error, _("the server has no community map yet, and making one failed (it "
                           "needs the postgis extension and the right to create a schema): "));
  return FALSE;
}

/* A server's map of an older schema brought up to this program's (its tables for residents'
 * reports), inside the caller's transaction. */
static gboolean
upgrade_schema (Server *s, int version, GError **error)
{
  if (version >= SCHEMA_VERSION)
    return TRUE;
  if (apply_schema (s, version, _("bring its community_map schema up to date"), error))
    return TRUE;
  g_prefix_error (error, _("the map on the server %s is of an older schema (%d), and bringing "
                           "it up to date failed (it needs a role that may create tables in "
                           "the schema community_map): "),
                  s->who, version);
  return FALSE;
}

#define MAY_WRITE_SQL                                                                          \
  "SELECT has_table_privilege('community_map.cm_clock', 'INSERT, UPDATE')"                     \
  " AND has_table_privilege('community_map.buildings', 'INSERT, UPDATE')"                      \
  " AND has_table_privilege('community_map.cm_versions', 'INSERT, DELETE')"                    \
  " AND has_table_privilege('community_map.cm_pending', 'DELETE')"

/* Whether this role may change the map on the server. */
static gboolean
may_write (Server *s)
{
  PGresult *res = PQexec (s->conn, MAY_WRITE_SQL);
  gboolean may = PQresultStatus (res) == PGRES_TUPLES_OK && g_str_equal (PQgetvalue (res, 0, 0), "t");
  PQclear (res);
  return may;
}

static gboolean
check_can_write (Server *s, GError **error)
{
  PGresult *res = pg_run (s, MAY_WRITE_SQL, 0, NULL, _("say what this role may do"), error);
  if (res == NULL)
    return FALSE;
  gboolean may = g_str_equal (PQgetvalue (res, 0, 0), "t");
  PQclear (res);
  if (!may)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                 _("the role %s may read the map on the server but not change it, so nothing "
                   "was pushed. Pulling works; to push, ask the server's administrator to grant "
                   "it INSERT, UPDATE and DELETE on the tables of the schema community_map"),
                 PQuser (s->conn));
  return may;
}

void
cm_postgis_report_free (CmPostgisReport *report)
{
  if (report == NULL)
    return;
  g_free (report->server);
  cm_merge_report_free (report->merge);
  g_free (report);
}

/* What a push and a pull begin with: the connection, the report naming the server, the count of
 * steps (one per table each way and five more). NULL and @error when there is no connection. */
static CmPostgisReport *
exchange_begin (Server *s, Steps *st, const char *server, GError **error)
{
  st->total = 2 * (goffset) g_strv_length ((char **) cm_versions_tables ()) + 5;
  if (!server_connect (s, server, error))
    return NULL;
  CmPostgisReport *report = g_new0 (CmPostgisReport, 1);
  report->server = g_strdup (s->who);
  return report;
}

CmPostgisReport *
cm_postgis_push (CmStore *map, const char *server, const char *community,
                 CmProgressFunc progress, gpointer progress_data, GCancellable *cancellable,
                 GError **error)
{
  g_autofree char *name = community ? g_strdup (community) : cm_store_dup_name (map);
  if (name == NULL || *name == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("this map has no name, and on a server every feature belongs to a "
                     "community: give its name (cmap push --community NAME)"));
      return NULL;
    }
  Steps st = { progress, progress_data, 0, 0, cancellable };
  Server s;
  CmPostgisReport *report = exchange_begin (&s, &st, server, error);
  if (report == NULL)
    return NULL;
  ServerCopy copy = { 0 };
  int version = 0;
  gboolean exists = FALSE, ok = step (&st, error) &&
                               pg_exec (&s, "BEGIN", _("begin the push"), error) &&
                               pg_exec (&s, PUSH_LOCK, _("let this push take its turn"), error) &&
                               check_schema (&s, &exists, &version, error);
  if (ok && !exists)
    ok = report->created_schema = create_schema (&s, error);
  ok = ok && check_can_write (&s, error) && (!exists || upgrade_schema (&s, version, error)) &&
       pg_exec (&s, "SET LOCAL community_map.syncing = 'on'", _("begin the push"), error) &&
       stamp_server_edits (&s, error);
  g_autoptr (GHashTable) clock = ok ? server_clock (&s, error) : NULL;
  gboolean strangers = FALSE;
  ok = clock != NULL && met_none (map, clock, &strangers, error);
  g_autoptr (GHashTable) keys = NULL;
  if (ok && strangers)
    {
      /* the server has seen no session this map has: it holds none of the map's features,
       * all of them go as they are, and the merge has none to read */
      keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      ok = pg_exec (&s, "CREATE TEMP TABLE cm_selected (layer text, uuid text) ON COMMIT DROP",
                    _("prepare the exchange"), error);
    }
  else if (ok)
    {
      keys = map_keys (map, clock, error);
      ok = keys != NULL && send_keys (&s, "cm_selected", keys, error) &&
           split_new (&s, map, keys, error);
    }
  ok = ok && step (&st, error) &&
       server_copy_make (&s, &copy, NULL, &st, error) &&
       _cm_store_exec (copy.store,
                       "CREATE TABLE cm_before_versions AS SELECT * FROM cm_versions;"
                       "CREATE TABLE cm_before_conflicts AS SELECT layer, uuid, field, site,"
                       " counter, quote(value) FROM cm_conflicts",
                       error);
  if (ok)
    {
      /* @keys is what the server holds of them now (split_new took the new ones out) */
      report->merge = _cm_merge_server_copy (copy.store, cm_store_get_path (map), keys, NULL,
                                             NULL, error);
      ok = report->merge != NULL && _cm_store_exec (copy.store, changed_sql, error) &&
           step (&st, error);
    }
  guint changed = 0, added = 0;
  g_autoptr (GHashTable) live_added = g_hash_table_new (g_str_hash, g_str_equal);
  ok = ok && write_back (&s, &copy, map, name, strangers, &added, live_added, &st, error) &&
       count_changed (&copy, &changed, error) && step (&st, error) &&
       pg_exec (&s, "COMMIT", _("commit the push"), error) && step (&st, error);
  if (ok)
    {
      report->rows_exchanged = changed + added;
      count_new (report->merge, live_added);
    }
  if (!ok && s.conn && PQstatus (s.conn) == CONNECTION_OK)
    PQclear (PQexec (s.conn, "ROLLBACK"));
  server_copy_remove (&copy);
  server_close (&s);
  sqlite3_exec (_cm_store_get_db (map), "DROP TABLE IF EXISTS temp.cm_new_rows;"
                                        " PRAGMA temp_store = DEFAULT", NULL, NULL, NULL);
  if (!ok)
    {
      g_clear_pointer (&report, cm_postgis_report_free);
      if (g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_prefix_error (error, _("Push cancelled: nothing was written to the server. "));
    }
  return report;
}

/* ---- pull -------------------------------------------------------------------------------------- */

/* The SQL that lists in cm_in_scope_features (layer, uuid) the server's features in @scope,
 * and the SQL that lists in cm_in_scope those, the photos of those, the timelines of the
 * reports among them, every workshop and
 * contributor, and what the map holds (cm_held). */
static void
scope_sql (Server *s, const CmPostgisScope *scope, char **features, char **all)
{
  GString *where = g_string_new (NULL);
  if (scope->communities && scope->communities[0])
    {
      g_string_append (where, "community IN (");
      for (guint i = 0; scope->communities[i]; i++)
        {
          char *lit = PQescapeLiteral (s->conn, scope->communities[i],
                                       strlen (scope->communities[i]));
          g_string_append_printf (where, "%s%s", i ? ", " : "", lit);
          PQfreemem (lit);
        }
      g_string_append (where, ")");
    }
  if (scope->has_bbox)
    g_string_append_printf (where,
                            "%sgeom && ST_MakeEnvelope(%.10f, %.10f, %.10f, %.10f, 4326)",
                            where->len ? " AND " : "", scope->bbox[0], scope->bbox[1],
                            scope->bbox[2], scope->bbox[3]);
  GString *sql = g_string_new ("CREATE TEMP TABLE cm_in_scope_features ON COMMIT DROP AS ");
  for (int i = 0; i < CM_N_LAYERS; i++)
    {
      const char *t = cm_layer_get_info (i)->table;
      g_string_append_printf (sql, "%sSELECT '%s'::text AS layer, uuid FROM community_map.\"%s\""
                                   " WHERE %s",
                              i ? " UNION ALL " : "", t, t, where->str);
    }
  g_string_free (where, TRUE);
  *features = g_string_free (sql, FALSE);
  *all = g_strdup ("CREATE TEMP TABLE cm_in_scope ON COMMIT DROP AS"
                   " SELECT layer, uuid FROM cm_in_scope_features UNION ALL"
                   " SELECT 'photos', uuid FROM community_map.photos WHERE feature_uuid IN"
                   " (SELECT uuid FROM cm_in_scope_features) UNION ALL"
                   /* the timelines of the reports */
                   " SELECT 'report_followups', uuid FROM community_map.report_followups WHERE"
                   " report_uuid IN (SELECT uuid FROM cm_in_scope_features WHERE layer ="
                   " 'reports') UNION ALL"
                   " SELECT 'workshops', uuid FROM community_map.workshops UNION ALL"
                   " SELECT 'contributors', uuid FROM community_map.contributors UNION ALL"
                   " SELECT layer, uuid FROM cm_held");
}

static gboolean
send_clock (Server *s, CmStore *map, GError **error)
{
  static const PgType clock_types[] = { PG_TEXT, PG_INT8 };
  return pg_exec (s, "CREATE TEMP TABLE cm_map_clock (site text PRIMARY KEY, counter bigint)"
                     " ON COMMIT DROP",
                  _("prepare the exchange"), error) &&
         send_rows (s, map, "SELECT site, counter FROM cm_clock",
                    "COPY cm_map_clock FROM STDIN (FORMAT binary)", NULL, NULL, clock_types, 2,
                    FALSE, NULL, NULL, error);
}

static char *
scope_text (const char *who, const CmPostgisScope *scope)
{
  GString *s = g_string_new (NULL);
  if (scope->communities && scope->communities[0])
    {
      g_autofree char *names = g_strjoinv (", ", (char **) scope->communities);
      /* TRANSLATORS: the communities a map pulled from a server holds */
      g_string_append_printf (s, _("the communities %s"), names);
    }
  if (scope->has_bbox)
    g_string_append_printf (s, _("%sthe box %.6f,%.6f,%.6f,%.6f"), s->len ? _(" in ") : "",
                            scope->bbox[0], scope->bbox[1], scope->bbox[2], scope->bbox[3]);
  /* TRANSLATORS: "the communities A, B of planner@host:5432/city" */
  g_string_append_printf (s, _(" of %s"), who);
  return g_string_free (s, FALSE);
}

/* Remembers in @map which part of a server's map it holds (cm_meta `server_part`), or that
 * it holds all (@part NULL, after a pull of everything). Inside the caller's transaction. */
static gboolean
set_server_part (CmStore *map, const char *part, GError **error)
{
  sqlite3_stmt *stmt = _cm_store_prepare (map,
                                          part ? "INSERT INTO cm_meta VALUES ('server_part', ?1)"
                                                 " ON CONFLICT (key) DO UPDATE SET value ="
                                                 " CASE WHEN instr(value, ?1) > 0 THEN value"
                                                 " ELSE value || '; ' || ?1 END"
                                               : "DELETE FROM cm_meta WHERE key = 'server_part'",
                                          error);
  if (stmt == NULL)
    return FALSE;
  if (part)
    sqlite3_bind_text (stmt, 1, part, -1, SQLITE_TRANSIENT);
  gboolean ok = sqlite3_step (stmt) == SQLITE_DONE;
  if (!ok)
    _cm_store_set_sqlite_error (map, error, _("note which part of the server's map it holds"));
  sqlite3_finalize (stmt);
  return ok;
}

typedef struct
{
  Server *s;
  Steps *st;
  guint *rows;
  const char *part;
  gboolean all_new; /* every feature of the server is new to the map */
} PullHook;

/* Inside the merge's transaction: the features the map never held, straight from the server;
 * and which part of the server's map the map now holds. */
static gboolean
pull_new_rows (CmStore *map, CmMergeReport *report, gpointer data, GError **error)
{
  PullHook *h = data;
  return fill_rows (h->s, map, h->all_new ? NULL : "cm_new", report, h->rows, h->st, error) &&
         set_server_part (map, h->part, error);
}

static gboolean
note_key (const char *const *fields, const int *lengths, int n, gpointer data, GError **error)
{
  GPtrArray *keys = data;
  g_ptr_array_add (keys, g_strdup_printf ("%.*s\t%.*s", lengths[0], fields[0], lengths[1],
                                          fields[1]));
  return TRUE;
}

/* Whether @map holds any feature or record (*@any): a new one holds none. */
static gboolean
map_holds_any (CmStore *map, gboolean *any, GError **error)
{
  sqlite3_stmt *holds = _cm_store_prepare (map,
                                           "SELECT EXISTS (SELECT 1 FROM cm_versions) OR EXISTS"
                                           " (SELECT 1 FROM cm_conflicts)",
                                           error);
  if (holds == NULL)
    return FALSE;
  *any = sqlite3_step (holds) == SQLITE_ROW && sqlite3_column_int (holds, 0);
  sqlite3_finalize (holds);
  return TRUE;
}

/* Of the features in cm_selected, those the map has never held need no merge: they come as
 * the server holds them. Moves them from cm_selected into cm_new. @holds_any: whether the map
 * holds any feature (map_holds_any). */
static gboolean
split_new_for_map (Server *s, CmStore *map, gboolean holds_any, GPtrArray *held_keys,
                   GError **error)
{
  if (!holds_any)
    /* a map that holds nothing (a new one): every feature selected is new to it */
    return pg_exec (s,
                    "ALTER TABLE cm_selected RENAME TO cm_new;"
                    "CREATE TEMP TABLE cm_selected (layer text, uuid text) ON COMMIT DROP",
                    _("choose the features"), error);
  g_autoptr (GPtrArray) selected = g_ptr_array_new_with_free_func (g_free);
  if (!copy_out (s, "COPY cm_selected TO STDOUT (FORMAT binary)", note_key, selected, NULL,
                 error))
    return FALSE;
  sqlite3_stmt *held = _cm_store_prepare (map,
                                          "SELECT 1 FROM cm_versions WHERE layer = ?1 AND uuid ="
                                          " ?2 UNION ALL SELECT 1 FROM cm_conflicts WHERE layer ="
                                          " ?1 AND uuid = ?2 LIMIT 1",
                                          error);
  if (held == NULL)
    return FALSE;
  g_autoptr (GHashTable) keys = g_hash_table_new (g_str_hash, g_str_equal);
  /* one read transaction for all the lookups, not one (a lock and a stat) per feature */
  sqlite3_exec (_cm_store_get_db (map), "SAVEPOINT cm_held", NULL, NULL, NULL);
  for (guint i = 0; i < selected->len; i++)
    {
      char *key = selected->pdata[i], *tab = strchr (key, '\t');
      sqlite3_bind_text (held, 1, key, (int) (tab - key), SQLITE_STATIC);
      sqlite3_bind_text (held, 2, tab + 1, -1, SQLITE_STATIC);
      if (sqlite3_step (held) == SQLITE_ROW)
        {
          g_hash_table_add (keys, key);
          g_ptr_array_add (held_keys, g_strdup (key));
        }
      sqlite3_reset (held);
    }
  sqlite3_finalize (held);
  sqlite3_exec (_cm_store_get_db (map), "RELEASE cm_held", NULL, NULL, NULL);
  return send_keys (s, "cm_pull_held", keys, error) &&
         pg_exec (s,
                  "CREATE TEMP TABLE cm_new ON COMMIT DROP AS SELECT layer, uuid FROM cm_selected"
                  " EXCEPT SELECT layer, uuid FROM cm_pull_held;"
                  "DELETE FROM cm_selected s USING cm_new n WHERE s.layer = n.layer AND s.uuid ="
                  " n.uuid;"
                  "ANALYZE cm_new",
                  _("choose the features"), error);
}

CmPostgisReport *
cm_postgis_pull (CmStore *map, const char *server, const CmPostgisScope *scope,
                 CmProgressFunc progress, gpointer progress_data, CmPostgisBeforeFunc before,
                 gpointer before_data, GCancellable *cancellable, GError **error)
{
  static const CmPostgisScope everything = { 0 };
  if (scope == NULL)
    scope = &everything;
  gboolean part = (scope->communities && scope->communities[0]) || scope->has_bbox;
  Steps st = { progress, progress_data, 0, 0, cancellable };
  Server s;
  CmPostgisReport *report = exchange_begin (&s, &st, server, error);
  if (report == NULL)
    return NULL;
  ServerCopy copy = { 0 };
  gboolean exists = FALSE;
  g_autoptr (GPtrArray) held_keys = g_ptr_array_new_with_free_func (g_free);
  /* edits other programs made on the server get their versions first, when this role may
   * write them (a read-only role's pull leaves them for the next push) */
  int version = 0;
  gboolean ok = step (&st, error) && check_schema (&s, &exists, &version, error);
  if (ok && exists && may_write (&s))
    {
      ok = pg_exec (&s, "BEGIN", _("begin the pull"), error) &&
           pg_exec (&s, PUSH_LOCK, _("let this pull take its turn"), error) &&
           upgrade_schema (&s, version, error) && stamp_server_edits (&s, error) &&
           pg_exec (&s, "COMMIT", _("begin the pull"), error);
      if (!ok && PQstatus (s.conn) == CONNECTION_OK)
        PQclear (PQexec (s.conn, "ROLLBACK"));
    }
  /* one snapshot of the server for the whole pull */
  ok = ok && pg_exec (&s, "BEGIN ISOLATION LEVEL REPEATABLE READ", _("begin the pull"), error) &&
       check_schema (&s, &exists, &version, error);
  if (ok && exists && version < SCHEMA_PULLABLE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("the map on the server %s is of an older schema (%d; this program needs "
                     "%d) and this role may not bring it up to date: a push, or a pull by a "
                     "role that may write, does. Nothing was exchanged"),
                   s.who, version, SCHEMA_PULLABLE);
      ok = FALSE;
    }
  if (ok && !exists)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("there is no community map on the server %s yet (its database has no "
                     "schema community_map): push a map to it first"),
                   s.who);
      ok = FALSE;
    }
  const char *unseen = "SELECT v.layer, v.uuid FROM community_map.cm_versions v LEFT JOIN"
                       " cm_map_clock c USING (site) WHERE c.counter IS NULL OR v.counter >"
                       " c.counter UNION SELECT k.layer, k.uuid FROM community_map.cm_conflicts k"
                       " LEFT JOIN cm_map_clock c USING (site) WHERE c.counter IS NULL OR"
                       " k.counter > c.counter";
  g_autofree char *select = NULL;
  /* a map that holds nothing (a new one) pulling the whole map: every feature is new to it,
   * nothing to choose or merge */
  gboolean holds_any = TRUE;
  ok = ok && map_holds_any (map, &holds_any, error);
  gboolean all_new = !part && !holds_any;
  if (all_new)
    select = g_strdup ("CREATE TEMP TABLE cm_selected (layer text, uuid text) ON COMMIT DROP");
  else if (part)
    {
      g_autoptr (GHashTable) held = ok ? map_keys (map, NULL, error) : NULL;
      g_autofree char *features = NULL, *in_scope = NULL;
      scope_sql (&s, scope, &features, &in_scope);
      ok = held != NULL && send_keys (&s, "cm_held", held, error) &&
           pg_exec (&s, features, _("choose the features"), error) &&
           pg_exec (&s, in_scope, _("choose the features"), error);
      select = g_strdup_printf ("CREATE TEMP TABLE cm_selected ON COMMIT DROP AS SELECT layer,"
                                " uuid FROM (%s) u WHERE (layer, uuid) IN (SELECT layer, uuid"
                                " FROM cm_in_scope)",
                                unseen);
    }
  else
    select = g_strdup_printf ("CREATE TEMP TABLE cm_selected ON COMMIT DROP AS %s", unseen);
  ok = ok && send_clock (&s, map, error) && pg_exec (&s, select, _("choose the features"), error) &&
       pg_exec (&s, "ANALYZE cm_selected", _("choose the features"), error) &&
       (all_new || split_new_for_map (&s, map, holds_any, held_keys, error)) && step (&st, error) &&
       server_copy_make (&s, &copy, &report->rows_exchanged, &st, error);
  if (ok && before)
    before (map, held_keys, before_data);
  if (ok)
    {
      /* the copy is read by the merge from its file: close ours first */
      g_autofree char *path = g_strdup (copy.path);
      g_autofree char *text = part ? scope_text (s.who, scope) : NULL;
      g_clear_object (&copy.store);
      PullHook hook = { &s, &st, &report->rows_exchanged, text, all_new };
      /* each INSERT with SpatiaLite's triggers keeps a statement journal: in memory, not one
       * write to a temporary file per page (1.4 million of them for 57,000 buildings) */
      sqlite3 *db = _cm_store_get_db (map);
      sqlite3_exec (db, "PRAGMA temp_store = MEMORY", NULL, NULL, NULL);
      gboolean bulk = _cm_store_bulk_journal (map, TRUE);
      report->merge = _cm_merge_server_copy (map, path, NULL, pull_new_rows, &hook, error);
      if (bulk)
        _cm_store_bulk_journal (map, FALSE);
      sqlite3_exec (db, "PRAGMA temp_store = DEFAULT", NULL, NULL, NULL);
      ok = report->merge != NULL && step (&st, error);
    }
  /* nothing was written on the server: the snapshot ends */
  if (s.conn && PQstatus (s.conn) == CONNECTION_OK)
    PQclear (PQexec (s.conn, "ROLLBACK"));
  server_copy_remove (&copy);
  server_close (&s);
  if (!ok)
    {
      g_clear_pointer (&report, cm_postgis_report_free);
      if (g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_prefix_error (error, _("Pull cancelled: the map is as it was. "));
    }
  return report;
}
