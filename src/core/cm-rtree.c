/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-rtree.c: bulk-loading an empty SQLite R*Tree.
 *
 * SQLite's rtree module keeps its tree in three shadow tables: %_node (nodeno, data), %_rowid
 * (rowid → leaf nodeno) and %_parent (nodeno → parent nodeno). Node 1 is the root. Every node
 * blob has the size of the root's; it starts with a 16-bit depth (the root's: 0 when the root
 * is a leaf) and a 16-bit cell count, then the cells: a 64-bit rowid (or child nodeno) and, per
 * dimension, a min and a max as 32-bit floats, all big-endian (see SQLite's ext/rtree/rtree.c).
 * Coordinates are rounded outward to float the way rtree's own inserts round them.
 */
#include "config.h"

#include "cm-rtree.h"

#include <glib/gi18n-lib.h>

#include <math.h>
#include <string.h>

#include "cm-store.h"

#define CELL_SIZE (8 + 4 * 4)
#define ROUND_TOWARDS (1.0 - 1.0 / 8388608.0)
#define ROUND_AWAY (1.0 + 1.0 / 8388608.0)

typedef struct
{
  gint64 id;
  float box[4]; /* xmin, xmax, ymin, ymax: rtree's column order */
} Cell;

static float
value_down (double d)
{
  float f = (float) d;
  if (f > d)
    f = (float) (d * (d < 0 ? ROUND_AWAY : ROUND_TOWARDS));
  return f;
}

static float
value_up (double d)
{
  float f = (float) d;
  if (f < d)
    f = (float) (d * (d < 0 ? ROUND_TOWARDS : ROUND_AWAY));
  return f;
}

static void
put_u16 (guint8 *p, guint v)
{
  p[0] = (v >> 8) & 0xff;
  p[1] = v & 0xff;
}

static void
put_i64 (guint8 *p, gint64 v)
{
  guint64 u = (guint64) v;
  for (int i = 7; i >= 0; i--, u >>= 8)
    p[i] = u & 0xff;
}

static void
put_float (guint8 *p, float f)
{
  guint32 u;
  memcpy (&u, &f, 4);
  p[0] = u >> 24;
  p[1] = (u >> 16) & 0xff;
  p[2] = (u >> 8) & 0xff;
  p[3] = u & 0xff;
}

static int
by_x (gconstpointer a, gconstpointer b)
{
  const Cell *x = a, *y = b;
  float cx = x->box[0] + x->box[1], cy = y->box[0] + y->box[1];
  return (cx > cy) - (cx < cy);
}

static int
by_y (gconstpointer a, gconstpointer b)
{
  const Cell *x = a, *y = b;
  float cx = x->box[2] + x->box[3], cy = y->box[2] + y->box[3];
  return (cx > cy) - (cx < cy);
}

/* Sort-Tile-Recursive: orders @cells so that runs of @per_node cells are compact tiles. */
static void
str_order (Cell *cells, gsize n, gsize per_node)
{
  gsize nodes = (n + per_node - 1) / per_node;
  gsize slices = (gsize) ceil (sqrt ((double) nodes));
  gsize per_slice = slices * per_node;
  qsort (cells, n, sizeof (Cell), by_x);
  for (gsize start = 0; start < n; start += per_slice)
    qsort (cells + start, MIN (per_slice, n - start), sizeof (Cell), by_y);
}

typedef struct
{
  sqlite3 *db;
  sqlite3_stmt *node, *root, *rowid, *parent;
  gsize node_size;
  gint64 next_nodeno;
  GError **error;
} Loader;

static gboolean
step (Loader *l, sqlite3_stmt *stmt)
{
  int rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;
  g_set_error (l->error, CM_STORE_ERROR, CM_STORE_ERROR_FAILED,
               _("could not build the spatial index: %s"), sqlite3_errmsg (l->db));
  return FALSE;
}

/* Writes one node holding @cells; @leaf nodes also fill %_rowid. */
static gboolean
write_node (Loader *l, gint64 nodeno, int depth, const Cell *cells, gsize n, gboolean leaf)
{
  g_autofree guint8 *blob = g_malloc0 (l->node_size);
  put_u16 (blob, nodeno == 1 ? depth : 0);
  put_u16 (blob + 2, n);
  for (gsize i = 0; i < n; i++)
    {
      guint8 *c = blob + 4 + i * CELL_SIZE;
      put_i64 (c, cells[i].id);
      for (int k = 0; k < 4; k++)
        put_float (c + 8 + 4 * k, cells[i].box[k]);
      sqlite3_stmt *link = leaf ? l->rowid : l->parent;
      sqlite3_bind_int64 (link, 1, cells[i].id);
      sqlite3_bind_int64 (link, 2, nodeno);
      if (!step (l, link))
        return FALSE;
    }
  sqlite3_stmt *stmt = nodeno == 1 ? l->root : l->node;
  sqlite3_bind_blob (stmt, 1, blob, (int) l->node_size, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, nodeno);
  return step (l, stmt);
}

static gboolean
prepare (Loader *l, sqlite3_stmt **stmt, char *sql)
{
  g_autofree char *owned = sql;
  if (sqlite3_prepare_v2 (l->db, owned, -1, stmt, NULL) == SQLITE_OK)
    return TRUE;
  g_set_error (l->error, CM_STORE_ERROR, CM_STORE_ERROR_FAILED,
               _("could not build the spatial index: %s"), sqlite3_errmsg (l->db));
  return FALSE;
}

gboolean
_cm_rtree_is_empty (sqlite3 *db, const char *index, GError **error)
{
  g_autofree char *sql = g_strdup_printf (
      "SELECT (SELECT count(*) FROM \"%s_rowid\") = 0 AND"
      " (SELECT substr(data, 3, 2) = x'0000' FROM \"%s_node\" WHERE nodeno = 1) AND"
      " NOT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN"
      " ('%s_node', '%s_rowid', '%s_parent'))", index, index, index, index, index);
  sqlite3_stmt *stmt = NULL;
  gboolean empty = FALSE;
  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    empty = sqlite3_column_int (stmt, 0) == 1;
  sqlite3_finalize (stmt);
  return empty;
}

gboolean
_cm_rtree_bulk_load (sqlite3 *db, const char *index, GArray *entries, GError **error)
{
  Loader l = { .db = db, .error = error, .next_nodeno = 2 };
  gboolean ok = FALSE;

  /* the node size is the root's, as rtree itself reads it */
  g_autofree char *size_sql = g_strdup_printf ("SELECT length(data) FROM \"%s_node\" WHERE "
                                               "nodeno = 1", index);
  sqlite3_stmt *stmt = NULL;
  if (sqlite3_prepare_v2 (db, size_sql, -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    l.node_size = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  gsize per_node = l.node_size > 4 ? (l.node_size - 4) / CELL_SIZE : 0;
  if (per_node < 4 || !_cm_rtree_is_empty (db, index, NULL))
    {
      g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_FAILED,
                   _("the spatial index %s is not an empty R*Tree"), index);
      return FALSE;
    }

  /* SQLITE_DBCONFIG_DEFENSIVE makes shadow tables read-only to SQL (checked when a statement
   * is prepared). Lift it for the four statements prepared here, which are ours alone (the
   * index was checked to carry no triggers), and put it back when they are done. */
  sqlite3_db_config (db, SQLITE_DBCONFIG_DEFENSIVE, 0, NULL);
  if (!prepare (&l, &l.node, g_strdup_printf ("INSERT INTO \"%s_node\" (data, nodeno) VALUES (?1, ?2)", index)) ||
      !prepare (&l, &l.root, g_strdup_printf ("UPDATE \"%s_node\" SET data = ?1 WHERE nodeno = ?2", index)) ||
      !prepare (&l, &l.rowid, g_strdup_printf ("INSERT INTO \"%s_rowid\" (rowid, nodeno) VALUES (?1, ?2)", index)) ||
      !prepare (&l, &l.parent, g_strdup_printf ("INSERT INTO \"%s_parent\" (nodeno, parentnode) VALUES (?1, ?2)", index)))
    goto out;

  gsize n = entries->len;
  Cell *cells = g_new (Cell, MAX (n, 1));
  for (gsize i = 0; i < n; i++)
    {
      const CmRtreeEntry *e = &g_array_index (entries, CmRtreeEntry, i);
      cells[i].id = e->id;
      cells[i].box[0] = value_down (e->bbox[0]);
      cells[i].box[1] = value_up (e->bbox[2]);
      cells[i].box[2] = value_down (e->bbox[1]);
      cells[i].box[3] = value_up (e->bbox[3]);
    }

  /* pack level by level until one node's worth of cells is left: those go into the root */
  int depth = 0;
  gboolean leaf = TRUE;
  while (n > per_node)
    {
      str_order (cells, n, per_node);
      gsize n_nodes = (n + per_node - 1) / per_node;
      Cell *parents = g_new (Cell, n_nodes);
      for (gsize k = 0; k < n_nodes; k++)
        {
          const Cell *run = cells + k * per_node;
          gsize len = MIN (per_node, n - k * per_node);
          Cell *p = &parents[k];
          p->id = l.next_nodeno++;
          memcpy (p->box, run[0].box, sizeof p->box);
          for (gsize i = 1; i < len; i++)
            {
              p->box[0] = MIN (p->box[0], run[i].box[0]);
              p->box[1] = MAX (p->box[1], run[i].box[1]);
              p->box[2] = MIN (p->box[2], run[i].box[2]);
              p->box[3] = MAX (p->box[3], run[i].box[3]);
            }
          if (!write_node (&l, p->id, 0, run, len, leaf))
            {
              g_free (parents);
              g_free (cells);
              goto out;
            }
        }
      g_free (cells);
      cells = parents;
      n = n_nodes;
      leaf = FALSE;
      depth++;
    }
  ok = write_node (&l, 1, depth, cells, n, leaf);
  g_free (cells);

out:
  sqlite3_db_config (db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
  sqlite3_finalize (l.node);
  sqlite3_finalize (l.root);
  sqlite3_finalize (l.rowid);
  sqlite3_finalize (l.parent);
  return ok;
}
