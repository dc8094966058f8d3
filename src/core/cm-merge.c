/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-merge.c: another copy merged into this one, field by field (docs/merge.md). */
#include "config.h"

#include "cm-merge.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "cm-layer.h"
#include "cm-store-private.h"
#include "cm-versions.h"

/* ---- versions and values ---------------------------------------------------------------------- */

static gboolean
covered (GHashTable *clock, const CmVersion *v)
{
  const gint64 *n = g_hash_table_lookup (clock, v->site);
  return n != NULL && *n >= v->counter;
}

/* The fixed order that picks the live value of a conflict, the same on every laptop: the higher
 * counter, then the greater session id. */
static int
version_compare (const CmVersion *a, const CmVersion *b)
{
  if (a->counter != b->counter)
    return a->counter < b->counter ? -1 : 1;
  return strcmp (a->site, b->site);
}

static gboolean
version_equal (const CmVersion *a, const CmVersion *b)
{
  return a->counter == b->counter && g_strcmp0 (a->site, b->site) == 0;
}

static gboolean
value_equal (sqlite3_value *a, sqlite3_value *b)
{
  int ta = a ? sqlite3_value_type (a) : SQLITE_NULL, tb = b ? sqlite3_value_type (b) : SQLITE_NULL;
  if (ta == SQLITE_NULL || tb == SQLITE_NULL)
    return ta == tb;
  if ((ta == SQLITE_INTEGER || ta == SQLITE_FLOAT) && (tb == SQLITE_INTEGER || tb == SQLITE_FLOAT))
    return ta == SQLITE_INTEGER && tb == SQLITE_INTEGER
               ? sqlite3_value_int64 (a) == sqlite3_value_int64 (b)
               : sqlite3_value_double (a) == sqlite3_value_double (b);
  if (ta != tb)
    return FALSE;
  int na = sqlite3_value_bytes (a), nb = sqlite3_value_bytes (b);
  const void *pa = ta == SQLITE_TEXT ? (const void *) sqlite3_value_text (a) : sqlite3_value_blob (a);
  const void *pb = tb == SQLITE_TEXT ? (const void *) sqlite3_value_text (b) : sqlite3_value_blob (b);
  return na == nb && (na == 0 || memcmp (pa, pb, na) == 0);
}

/* A fixed order of values, for the one tie the versions cannot break (see merge_row). */
static int
value_order (sqlite3_value *a, sqlite3_value *b)
{
  int ta = sqlite3_value_type (a), tb = sqlite3_value_type (b);
  if (ta != tb)
    return ta < tb ? -1 : 1;
  if (ta == SQLITE_NULL)
    return 0;
  if (ta == SQLITE_INTEGER || ta == SQLITE_FLOAT)
    {
      double x = sqlite3_value_double (a), y = sqlite3_value_double (b);
      return x < y ? -1 : x > y;
    }
  int na = sqlite3_value_bytes (a), nb = sqlite3_value_bytes (b);
  const void *pa = ta == SQLITE_TEXT ? (const void *) sqlite3_value_text (a) : sqlite3_value_blob (a);
  const void *pb = tb == SQLITE_TEXT ? (const void *) sqlite3_value_text (b) : sqlite3_value_blob (b);
  int c = memcmp (pa, pb, MIN (na, nb));
  return c != 0 ? c : (na < nb ? -1 : na > nb);
}

/* A value of a field with its version. */
typedef struct
{
  sqlite3_value *value; /* owned (sqlite3_value_dup) */
  CmVersion version;
  gboolean from_other;
} Pair;

static void
pair_clear (gpointer p)
{
  Pair *pair = p;
  sqlite3_value_free (pair->value);
  cm_version_clear (&pair->version);
}

/* ---- one copy's side of a row ----------------------------------------------------------------- */

typedef struct
{
  sqlite3_stmt *row;       /* the versioned columns, then created_at, updated_at, by uuid */
  sqlite3_stmt *versions;  /* field, site, counter by uuid */
  sqlite3_stmt *conflicts; /* field, site, counter, value by uuid */
} SideStatements;

typedef struct
{
  gboolean exists;
  sqlite3_value **values; /* n_columns + 2 (created_at, updated_at) */
  CmVersion whole;        /* the '' version: the row as it was made */
  GHashTable *versions;   /* field → CmVersion* of its own */
  GArray *conflicts;      /* Pair, with their field in conflict_fields */
  GPtrArray *conflict_fields;
} Side;

typedef struct
{
  const char *table;
  GPtrArray *columns; /* char*: the versioned columns */
  SideStatements target, other;
} TableMerge;

static void
version_free (gpointer v)
{
  cm_version_clear (v);
  g_free (v);
}

static void
side_clear (Side *s, guint n_values)
{
  if (s->values)
    for (guint i = 0; i < n_values; i++)
      sqlite3_value_free (s->values[i]);
  g_clear_pointer (&s->values, g_free);
  cm_version_clear (&s->whole);
  g_clear_pointer (&s->versions, g_hash_table_unref);
  g_clear_pointer (&s->conflicts, g_array_unref);
  g_clear_pointer (&s->conflict_fields, g_ptr_array_unref);
}

static void
side_read (Side *s, SideStatements *st, const char *table, const char *uuid, guint n_columns)
{
  memset (s, 0, sizeof *s);
  s->values = g_new0 (sqlite3_value *, n_columns + 2);
  s->versions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, version_free);
  s->conflicts = g_array_new (FALSE, TRUE, sizeof (Pair));
  g_array_set_clear_func (s->conflicts, pair_clear);
  s->conflict_fields = g_ptr_array_new_with_free_func (g_free);

  sqlite3_bind_text (st->row, 1, uuid, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (st->row) == SQLITE_ROW)
    {
      s->exists = TRUE;
      for (guint i = 0; i < n_columns + 2; i++)
        s->values[i] = sqlite3_value_dup (sqlite3_column_value (st->row, (int) i));
    }
  sqlite3_reset (st->row);

  sqlite3_bind_text (st->versions, 1, table, -1, SQLITE_STATIC);
  sqlite3_bind_text (st->versions, 2, uuid, -1, SQLITE_TRANSIENT);
  while (sqlite3_step (st->versions) == SQLITE_ROW)
    {
      const char *field = (const char *) sqlite3_column_text (st->versions, 0);
      CmVersion v = { g_strdup ((const char *) sqlite3_column_text (st->versions, 1)),
                      sqlite3_column_int64 (st->versions, 2) };
      if (field == NULL || *field == '\0')
        {
          cm_version_clear (&s->whole);
          s->whole = v;
        }
      else
        g_hash_table_insert (s->versions, g_strdup (field), g_memdup2 (&v, sizeof v));
    }
  sqlite3_reset (st->versions);

  sqlite3_bind_text (st->conflicts, 1, table, -1, SQLITE_STATIC);
  sqlite3_bind_text (st->conflicts, 2, uuid, -1, SQLITE_TRANSIENT);
  while (sqlite3_step (st->conflicts) == SQLITE_ROW)
    {
      Pair p = { sqlite3_value_dup (sqlite3_column_value (st->conflicts, 3)),
                 { g_strdup ((const char *) sqlite3_column_text (st->conflicts, 1)),
                   sqlite3_column_int64 (st->conflicts, 2) } };
      g_array_append_val (s->conflicts, p);
      g_ptr_array_add (s->conflict_fields,
                       g_strdup ((const char *) sqlite3_column_text (st->conflicts, 0)));
    }
  sqlite3_reset (st->conflicts);
}

/* The version of @field on this side: its own, else the row's; NULL when it has none. */
static const CmVersion *
side_version (const Side *s, const char *field)
{
  const CmVersion *v = g_hash_table_lookup (s->versions, field);
  return v ? v : s->whole.site ? &s->whole : NULL;
}

/* This side's values of @field (column @c) with their versions, into @out. A row deleted by
 * another program is known only by its `deleted` field's version: its value there is 1. */
static void
side_pairs (const Side *s, const char *field, guint c, gboolean from_other, sqlite3_value *one,
            GArray *out)
{
  const CmVersion *v = side_version (s, field);
  if (v && (s->exists || g_str_equal (field, "deleted")))
    {
      Pair p = { sqlite3_value_dup (s->exists ? s->values[c] : one),
                 { g_strdup (v->site), v->counter }, from_other };
      g_array_append_val (out, p);
    }
  for (guint i = 0; i < s->conflicts->len; i++)
    if (g_str_equal (s->conflict_fields->pdata[i], field))
      {
        const Pair *k = &g_array_index (s->conflicts, Pair, i);
        Pair p = { sqlite3_value_dup (k->value), { g_strdup (k->version.site), k->version.counter },
                   from_other };
        g_array_append_val (out, p);
      }
}

/* ---- the merge --------------------------------------------------------------------------------- */

typedef struct
{
  CmStore *target, *other;
  GHashTable *target_clock, *other_clock;
  sqlite3_value *one; /* the integer 1 */
  CmMergeReport *report;
  GHashTable *statements; /* SQL → sqlite3_stmt* on the target, prepared once per merge */
} Merge;

static gboolean
prepare_side (CmStore *store, TableMerge *t, SideStatements *st, GError **error)
{
  GString *cols = g_string_new (NULL);
  for (guint i = 0; i < t->columns->len; i++)
    g_string_append_printf (cols, "\"%s\", ", (const char *) t->columns->pdata[i]);
  g_autofree char *row = g_strdup_printf ("SELECT %s created_at, updated_at FROM %s WHERE uuid = ?1",
                                          cols->str, t->table);
  g_string_free (cols, TRUE);
  st->row = _cm_store_prepare (store, row, error);
  st->versions = st->row ? _cm_store_prepare (store,
                                              "SELECT field, site, counter FROM cm_versions"
                                              " WHERE layer = ?1 AND uuid = ?2",
                                              error)
                         : NULL;
  st->conflicts = st->versions ? _cm_store_prepare (store,
                                                    "SELECT field, site, counter, value FROM"
                                                    " cm_conflicts WHERE layer = ?1 AND uuid = ?2",
                                                    error)
                               : NULL;
  return st->conflicts != NULL;
}

static void
finalize_side (SideStatements *st)
{
  sqlite3_finalize (st->row);
  sqlite3_finalize (st->versions);
  sqlite3_finalize (st->conflicts);
}

/* The versioned columns of @table in the target (the other copy has the same schema by now). */
static GPtrArray *
versioned_columns (CmStore *store, const char *table, GError **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT name FROM pragma_table_info('%s')", table);
  sqlite3_stmt *stmt = _cm_store_prepare (store, sql, error);
  if (stmt == NULL)
    return NULL;
  GPtrArray *columns = g_ptr_array_new_with_free_func (g_free);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *c = (const char *) sqlite3_column_text (stmt, 0);
      if (!g_str_equal (c, "id") && !g_str_equal (c, "uuid") && !g_str_equal (c, "created_at") &&
          !g_str_equal (c, "updated_at"))
        g_ptr_array_add (columns, g_strdup (c));
    }
  sqlite3_finalize (stmt);
  return columns;
}

/* Binds the arguments (type, value pairs: SQLITE_TEXT and a string, SQLITE_INTEGER and a
 * gint64, -1 and an sqlite3_value; 0 ends them) and runs @stmt once. */
static gboolean
run_bound (CmStore *store, sqlite3_stmt *stmt, GError **error, va_list args)
{
  for (int i = 1;; i++)
    {
      int type = va_arg (args, int);
      if (type == 0)
        break;
      if (type == SQLITE_TEXT)
        sqlite3_bind_text (stmt, i, va_arg (args, const char *), -1, SQLITE_TRANSIENT);
      else if (type == SQLITE_INTEGER)
        sqlite3_bind_int64 (stmt, i, va_arg (args, gint64));
      else
        sqlite3_bind_value (stmt, i, va_arg (args, sqlite3_value *));
    }
  gboolean ok = sqlite3_step (stmt) == SQLITE_DONE;
  if (!ok)
    _cm_store_set_sqlite_error (store, error, _("write the merged map"));
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  return ok;
}

static gboolean
bind_exec (CmStore *store, const char *sql, GError **error, ...)
{
  sqlite3_stmt *stmt = _cm_store_prepare (store, sql, error);
  if (stmt == NULL)
    return FALSE;
  va_list args;
  va_start (args, error);
  gboolean ok = run_bound (store, stmt, error, args);
  va_end (args);
  sqlite3_finalize (stmt);
  return ok;
}

/* Like bind_exec, on the target, with the statement prepared once per merge. */
static gboolean
merge_exec (Merge *m, const char *sql, GError **error, ...)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (m->statements, sql);
  if (stmt == NULL)
    {
      stmt = _cm_store_prepare (m->target, sql, error);
      if (stmt == NULL)
        return FALSE;
      g_hash_table_insert (m->statements, g_strdup (sql), stmt);
    }
  va_list args;
  va_start (args, error);
  gboolean ok = run_bound (m->target, stmt, error, args);
  va_end (args);
  return ok;
}

/* One row: each field's surviving values (rule 2), the live one by the fixed order (rule 3),
 * written to the target with their versions; the rest as conflicts. */
static gboolean
merge_row (Merge *m, TableMerge *t, CmMergeCounts *counts, const char *uuid, GError **error)
{
  guint n = t->columns->len;
  Side mine, theirs;
  side_read (&mine, &t->target, t->table, uuid, n);
  side_read (&theirs, &t->other, t->table, uuid, n);
  gboolean ok = TRUE;

  g_autoptr (GPtrArray) live = g_ptr_array_new_with_free_func (g_free); /* Pair* per column */
  g_autoptr (GArray) conflicts = g_array_new (FALSE, TRUE, sizeof (Pair));
  g_array_set_clear_func (conflicts, pair_clear);
  g_autoptr (GPtrArray) conflict_fields = g_ptr_array_new ();
  gboolean changed = FALSE, was_deleted = TRUE, now_deleted = FALSE;
  /* a conflict for people: a field with another value than the live one */
  gboolean differing_before = FALSE, differing_after = FALSE;
  for (guint i = 0; mine.exists && i < mine.conflicts->len; i++)
    for (guint c = 0; c < n; c++)
      if (g_str_equal (mine.conflict_fields->pdata[i], t->columns->pdata[c]) &&
          !value_equal (g_array_index (mine.conflicts, Pair, i).value, mine.values[c]))
        differing_before = TRUE;

  /* A row the target never held (no row, no version: it holds part of a server's map,
   * docs/postgis.md) cannot have overwritten anything of it, whatever its clock says. */
  gboolean never_held = !mine.exists && mine.whole.site == NULL &&
                        g_hash_table_size (mine.versions) == 0 && mine.conflicts->len == 0;
  g_autoptr (GHashTable) no_clock = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint c = 0; c < n; c++)
    {
      const char *field = t->columns->pdata[c];
      g_autoptr (GArray) pairs = g_array_new (FALSE, TRUE, sizeof (Pair));
      g_array_set_clear_func (pairs, pair_clear);
      side_pairs (&mine, field, c, FALSE, m->one, pairs);
      guint n_mine = pairs->len;
      side_pairs (&theirs, field, c, TRUE, m->one, pairs);
      /* a value survives unless the other side has seen its version and no longer has it */
      g_autoptr (GArray) kept = g_array_new (FALSE, TRUE, sizeof (Pair));
      for (guint i = 0; i < pairs->len; i++)
        {
          Pair *p = &g_array_index (pairs, Pair, i);
          gboolean mine_side = i < n_mine;
          GHashTable *other_clock = mine_side    ? m->other_clock
                                    : never_held ? no_clock
                                                 : m->target_clock;
          gboolean held_there = FALSE;
          for (guint j = mine_side ? n_mine : 0; j < (mine_side ? pairs->len : n_mine); j++)
            held_there = held_there ||
                         version_equal (&g_array_index (pairs, Pair, j).version, &p->version);
          /* the same value under the same version on both sides is one; the same version with
           * two values (two copies of a map edited before it had versions) is a conflict */
          gboolean duplicate = FALSE;
          for (guint j = 0; j < kept->len; j++)
            duplicate = duplicate ||
                        (version_equal (&g_array_index (kept, Pair, j).version, &p->version) &&
                         value_equal (g_array_index (kept, Pair, j).value, p->value));
          if (!duplicate && (held_there || !covered (other_clock, &p->version)))
            g_array_append_val (kept, *p);
        }
      /* the live one: the greatest version; for `deleted`, a copy that kept the feature
       * (0) before one that deleted it (rule 4: an edit stays live until a person decides) */
      gboolean is_deleted = g_str_equal (field, "deleted");
      Pair *best = NULL;
      for (guint i = 0; i < kept->len; i++)
        {
          Pair *p = &g_array_index (kept, Pair, i);
          int order = best ? version_compare (&p->version, &best->version) : 1;
          if (best && is_deleted && !value_equal (p->value, best->value))
            order = sqlite3_value_int (p->value) == 0 ? 1 : -1;
          if (order > 0 || (order == 0 && value_order (p->value, best->value) > 0))
            best = p;
        }
      Pair *chosen = g_new0 (Pair, 1);
      if (best)
        {
          chosen->value = sqlite3_value_dup (best->value);
          chosen->version = (CmVersion) { g_strdup (best->version.site), best->version.counter };
          chosen->from_other = best->from_other;
          /* every other surviving value is kept with its version — one equal to the live one
           * too (two copies that wrote the same): a merge keeps every version not overwritten,
           * which is what makes any order of merges end the same */
          for (guint i = 0; i < kept->len; i++)
            {
              Pair *p = &g_array_index (kept, Pair, i);
              if (p == best)
                continue;
              if (!value_equal (p->value, best->value))
                differing_after = TRUE;
              Pair copy = { sqlite3_value_dup (p->value),
                            { g_strdup (p->version.site), p->version.counter }, p->from_other };
              g_array_append_val (conflicts, copy);
              g_ptr_array_add (conflict_fields, (gpointer) field);
            }
        }
      g_array_set_size (kept, 0); /* the pairs own the values */
      g_ptr_array_add (live, chosen);
      if (g_str_equal (field, "deleted"))
        {
          was_deleted = !mine.exists || (mine.values[c] && sqlite3_value_int (mine.values[c]) == 1);
          now_deleted = chosen->value && sqlite3_value_int (chosen->value) == 1;
        }
      if (mine.exists && chosen->value && !value_equal (chosen->value, mine.values[c]))
        changed = TRUE;
    }

  /* the row in the target */
  if (!mine.exists && theirs.exists)
    {
      GString *cols = g_string_new ("uuid, created_at, updated_at");
      GString *params = g_string_new ("?1, ?2, ?3");
      for (guint c = 0; c < n; c++)
        {
          g_string_append_printf (cols, ", \"%s\"", (const char *) t->columns->pdata[c]);
          g_string_append_printf (params, ", ?%u", c + 4);
        }
      g_autofree char *sql = g_strdup_printf ("INSERT INTO %s (%s) VALUES (%s)", t->table,
                                              cols->str, params->str);
      g_string_free (cols, TRUE);
      g_string_free (params, TRUE);
      sqlite3_stmt *stmt = g_hash_table_lookup (m->statements, sql);
      if (stmt == NULL && (stmt = _cm_store_prepare (m->target, sql, error)) != NULL)
        g_hash_table_insert (m->statements, g_strdup (sql), stmt);
      ok = stmt != NULL;
      if (ok)
        {
          sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
          sqlite3_bind_value (stmt, 2, theirs.values[n]);
          sqlite3_bind_value (stmt, 3, theirs.values[n + 1]);
          for (guint c = 0; c < n; c++)
            {
              Pair *p = live->pdata[c];
              sqlite3_bind_value (stmt, (int) c + 4, p->value ? p->value : theirs.values[c]);
            }
          ok = sqlite3_step (stmt) == SQLITE_DONE;
          if (!ok)
            _cm_store_set_sqlite_error (m->target, error, _("write the merged map"));
          sqlite3_reset (stmt);
          sqlite3_clear_bindings (stmt);
        }
      if (now_deleted)
        counts->deleted += 0; /* a row that arrives deleted is no news */
      else
        counts->added++;
    }
  else if (mine.exists && changed)
    {
      for (guint c = 0; ok && c < n; c++)
        {
          Pair *p = live->pdata[c];
          if (p->value == NULL || value_equal (p->value, mine.values[c]))
            continue;
          g_autofree char *sql = g_strdup_printf ("UPDATE %s SET \"%s\" = ?1 WHERE uuid = ?2",
                                                  t->table, (const char *) t->columns->pdata[c]);
          ok = merge_exec (m, sql, error, -1, p->value, SQLITE_TEXT, uuid, 0);
        }
      if (ok)
        {
          g_autofree char *now = _cm_now_utc ();
          g_autofree char *sql = g_strdup_printf ("UPDATE %s SET updated_at = ?1 WHERE uuid = ?2",
                                                  t->table);
          ok = merge_exec (m, sql, error, SQLITE_TEXT, now, SQLITE_TEXT, uuid, 0);
        }
      if (!was_deleted && now_deleted)
        counts->deleted++;
      else
        counts->changed++;
    }

  /* a row whose live values stay but that gains a conflict is changed too: undoing the merge
   * must end that conflict (cm_history) */
  if (cm_layer_from_string (t->table) != CM_LAYER_NONE &&
      ((!mine.exists && theirs.exists) || (mine.exists && changed) || conflicts->len > 0))
    g_ptr_array_add (m->report->rows, g_strdup_printf ("%s\t%s", t->table, uuid));

  /* its versions and conflicts, as merged (the writes above noted nothing to stamp: the
   * pending notes are cleared at the end) */
  if (ok)
    ok = merge_exec (m, "DELETE FROM cm_versions WHERE layer = ?1 AND uuid = ?2", error,
                    SQLITE_TEXT, t->table, SQLITE_TEXT, uuid, 0) &&
         merge_exec (m, "DELETE FROM cm_conflicts WHERE layer = ?1 AND uuid = ?2", error,
                    SQLITE_TEXT, t->table, SQLITE_TEXT, uuid, 0);
  /* the row's version: the one most of its fields have; the others a row each */
  const CmVersion *whole = NULL;
  guint best_count = 0;
  for (guint c = 0; c < n; c++)
    {
      const CmVersion *v = &((Pair *) live->pdata[c])->version;
      if (v->site == NULL)
        continue;
      guint count = 0;
      for (guint d = 0; d < n; d++)
        count += version_equal (v, &((Pair *) live->pdata[d])->version);
      if (count > best_count)
        best_count = count, whole = v;
    }
  if (ok && whole)
    ok = merge_exec (m, "INSERT INTO cm_versions VALUES (?1, ?2, '', ?3, ?4)", error,
                    SQLITE_TEXT, t->table, SQLITE_TEXT, uuid, SQLITE_TEXT, whole->site,
                    SQLITE_INTEGER, whole->counter, 0);
  for (guint c = 0; ok && c < n; c++)
    {
      const CmVersion *v = &((Pair *) live->pdata[c])->version;
      if (v->site == NULL || version_equal (v, whole))
        continue;
      ok = merge_exec (m, "INSERT INTO cm_versions VALUES (?1, ?2, ?3, ?4, ?5)", error,
                      SQLITE_TEXT, t->table, SQLITE_TEXT, uuid, SQLITE_TEXT,
                      (const char *) t->columns->pdata[c], SQLITE_TEXT, v->site, SQLITE_INTEGER,
                      v->counter, 0);
    }
  for (guint i = 0; ok && i < conflicts->len; i++)
    {
      Pair *p = &g_array_index (conflicts, Pair, i);
      ok = merge_exec (m, "INSERT OR IGNORE INTO cm_conflicts VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                      error, SQLITE_TEXT, t->table, SQLITE_TEXT, uuid, SQLITE_TEXT,
                      (const char *) conflict_fields->pdata[i], SQLITE_TEXT, p->version.site,
                      SQLITE_INTEGER, p->version.counter, -1, p->value, 0);
    }
  if (differing_after && !differing_before)
    counts->conflicts++;

  for (guint c = 0; c < n; c++)
    pair_clear (live->pdata[c]);
  side_clear (&mine, n + 2);
  side_clear (&theirs, n + 2);
  return ok;
}

/* ---- which rows, and the other copy ------------------------------------------------------------ */

/* A digest of each row of @table that has a field still at the origin's version (a map made
 * before versions): its uuid → the SHA-1 of its versioned columns' values. */
static GHashTable *
origin_digests (CmStore *store, const char *table, GPtrArray *columns, GError **error)
{
  GString *sql = g_string_new ("SELECT uuid");
  for (guint i = 0; i < columns->len; i++)
    g_string_append_printf (sql, ", \"%s\"", (const char *) columns->pdata[i]);
  g_string_append_printf (sql, " FROM \"%s\" t WHERE EXISTS (SELECT 1 FROM cm_versions v WHERE"
                               " v.layer = '%s' AND v.uuid = t.uuid AND v.site = '"
                               CM_VERSIONS_ORIGIN "')", table, table);
  sqlite3_stmt *stmt = _cm_store_prepare (store, sql->str, error);
  g_string_free (sql, TRUE);
  if (stmt == NULL)
    return NULL;
  GHashTable *digests = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA1);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_checksum_reset (sum);
      for (guint i = 0; i < columns->len; i++)
        {
          guchar type = (guchar) sqlite3_column_type (stmt, 1 + i);
          const void *bytes = sqlite3_column_blob (stmt, 1 + i);
          gint32 len = sqlite3_column_bytes (stmt, 1 + i);
          g_checksum_update (sum, &type, 1);
          g_checksum_update (sum, (const guchar *) &len, sizeof len);
          if (len > 0)
            g_checksum_update (sum, bytes, len);
        }
      g_hash_table_insert (digests, g_strdup ((const char *) sqlite3_column_text (stmt, 0)),
                           g_strdup (g_checksum_get_string (sum)));
    }
  sqlite3_finalize (stmt);
  return digests;
}

/* Two copies of a map made before versions, edited before they were upgraded, have one version,
 * the origin's, for values that may differ: the rows of @table that both hold at the origin and
 * whose values differ are added to @rows (merge_row then finds the conflict). */
static gboolean
origin_candidates (Merge *m, const char *table, GHashTable *rows, GError **error)
{
  g_autoptr (GPtrArray) columns = versioned_columns (m->target, table, error);
  if (columns == NULL)
    return FALSE;
  g_autoptr (GHashTable) mine = origin_digests (m->target, table, columns, error);
  g_autoptr (GHashTable) theirs = mine ? origin_digests (m->other, table, columns, error) : NULL;
  if (theirs == NULL)
    return FALSE;
  GHashTableIter it;
  gpointer uuid, digest;
  g_hash_table_iter_init (&it, theirs);
  while (g_hash_table_iter_next (&it, &uuid, &digest))
    {
      const char *my_digest = g_hash_table_lookup (mine, uuid);
      if (my_digest && !g_str_equal (my_digest, digest))
        g_hash_table_add (rows, g_strdup_printf ("%s\t%s", table, (const char *) uuid));
    }
  return TRUE;
}

/* "table\tuuid" of every row the other copy holds a version or conflict of that the target has
 * not seen: only those can change; and, when both copies were made before versions, the rows
 * both still hold at the origin's version whose values differ. */
static GHashTable *
candidates (Merge *m, GError **error)
{
  GHashTable *rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (g_hash_table_contains (m->target_clock, CM_VERSIONS_ORIGIN) &&
      g_hash_table_contains (m->other_clock, CM_VERSIONS_ORIGIN))
    for (const char *const *table = cm_versions_tables (); *table; table++)
      if (!origin_candidates (m, *table, rows, error))
        {
          g_hash_table_unref (rows);
          return NULL;
        }
  GHashTableIter it;
  gpointer site, counter;
  g_hash_table_iter_init (&it, m->other_clock);
  while (g_hash_table_iter_next (&it, &site, &counter))
    {
      const gint64 *seen = g_hash_table_lookup (m->target_clock, site);
      if (seen && *seen >= *(gint64 *) counter)
        continue;
      const char *queries[] = { "SELECT DISTINCT layer, uuid FROM cm_versions WHERE site = ?1"
                                " AND counter > ?2",
                                "SELECT DISTINCT layer, uuid FROM cm_conflicts WHERE site = ?1"
                                " AND counter > ?2" };
      for (int q = 0; q < 2; q++)
        {
          sqlite3_stmt *stmt = _cm_store_prepare (m->other, queries[q], error);
          if (stmt == NULL)
            {
              g_hash_table_unref (rows);
              return NULL;
            }
          sqlite3_bind_text (stmt, 1, site, -1, SQLITE_STATIC);
          sqlite3_bind_int64 (stmt, 2, seen ? *seen : -1);
          while (sqlite3_step (stmt) == SQLITE_ROW)
            g_hash_table_add (rows, g_strdup_printf ("%s\t%s", sqlite3_column_text (stmt, 0),
                                                      sqlite3_column_text (stmt, 1)));
          sqlite3_finalize (stmt);
        }
    }
  return rows;
}

/* The other copy, checked as a map from elsewhere and never written. An older map, or one with
 * edits of other programs not versioned yet, is brought up to date in a temporary copy (*@tmp,
 * removed by the caller). @only (may be NULL): the features the merge will read of it, when the
 * caller knows them. */
static CmStore *
open_other (const char *path, GHashTable *only, char **tmp, GError **error)
{
  g_autoptr (CmStore) other = cm_store_open_to_read (path, error);
  if (other == NULL)
    return NULL;
  /* its geometries are copied as they are, and SpatiaLite's triggers parse them on the way in:
   * a damaged one (CmGeom) is refused before anything is written. Of those the merge reads:
   * a push sends the others itself, and checks them as it does (a district's first push read
   * its 731,689 geometries here for nothing) */
  gint64 damaged = _cm_store_count_damaged (other, only, error);
  if (damaged < 0)
    return NULL;
  if (damaged > 0)
    {
      g_autofree char *dn = g_filename_display_basename (path);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("“%s” holds damaged geometries (their bytes do not hold what they claim), "
                     "so it is not merged and this map is unchanged. “cmap check” lists them; "
                     "merge another copy of it"),
                   dn);
      return NULL;
    }
  gint64 pending = cm_store_get_schema_version (other) < CM_SCHEMA_VERSION
                       ? 1
                       : cm_versions_count_pending (other, error);
  if (pending < 0)
    return NULL;
  if (pending == 0)
    return g_steal_pointer (&other);

  g_autofree char *dir = g_dir_make_tmp ("cm-merge-XXXXXX", error);
  if (dir == NULL)
    return NULL;
  *tmp = g_build_filename (dir, "other.sqlite", NULL);
  sqlite3 *copy = NULL;
  int rc = sqlite3_open (*tmp, &copy);
  sqlite3_backup *b = rc == SQLITE_OK ? sqlite3_backup_init (copy, "main",
                                                             _cm_store_get_db (other), "main")
                                      : NULL;
  if (b)
    {
      sqlite3_backup_step (b, -1);
      rc = sqlite3_backup_finish (b);
    }
  else
    rc = SQLITE_ERROR;
  if (rc != SQLITE_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("could not copy the other map to bring it up to date: %s"),
                   sqlite3_errmsg (copy));
      sqlite3_close (copy);
      return NULL;
    }
  sqlite3_close (copy);
  g_clear_object (&other);
  /* cm_store_open versions what other programs wrote, under an id made from the map's content:
   * merging the same file twice gives them the same versions (nothing new) */
  CmStore *up = cm_store_open (*tmp, error);
  if (up == NULL && error && *error)
    {
      g_autofree char *dn = g_filename_display_basename (path);
      g_prefix_error (error, _("“%s” could not be brought up to date in a temporary copy: "), dn);
    }
  if (up == NULL)
    {
      g_clear_object (&up);
      return NULL;
    }
  return up;
}

static void
remove_tmp (char *tmp)
{
  if (tmp == NULL)
    return;
  cm_store_remove_file (tmp);
  g_autofree char *dir = g_path_get_dirname (tmp);
  g_rmdir (dir);
  g_free (tmp);
}

void
cm_merge_report_free (CmMergeReport *report)
{
  if (report == NULL)
    return;
  g_array_unref (report->tables);
  g_ptr_array_unref (report->rows);
  g_free (report);
}

static gboolean
merge_tables (Merge *m, GHashTable *rows, GError **error)
{
  gboolean ok = TRUE;
  for (const char *const *table = cm_versions_tables (); ok && *table; table++)
    {
      CmMergeCounts counts = { *table };
      TableMerge t = { *table };
      /* its rows among the candidates */
      g_autoptr (GPtrArray) uuids = g_ptr_array_new ();
      g_autofree char *prefix = g_strconcat (t.table, "\t", NULL);
      GHashTableIter it;
      gpointer key;
      g_hash_table_iter_init (&it, rows);
      while (g_hash_table_iter_next (&it, &key, NULL))
        if (g_str_has_prefix (key, prefix))
          g_ptr_array_add (uuids, (char *) key + strlen (prefix));
      if (uuids->len > 0)
        {
          t.columns = versioned_columns (m->target, t.table, error);
          ok = t.columns && prepare_side (m->target, &t, &t.target, error) &&
               prepare_side (m->other, &t, &t.other, error);
          g_ptr_array_sort (uuids, (GCompareFunc) g_strcmp0); /* a fixed order of writes */
          for (guint u = 0; ok && u < uuids->len; u++)
            ok = merge_row (m, &t, &counts, uuids->pdata[u], error);
          finalize_side (&t.target);
          finalize_side (&t.other);
          g_clear_pointer (&t.columns, g_ptr_array_unref);
          m->report->rows_compared += uuids->len;
        }
      g_array_append_val (m->report->tables, counts);
    }
  return ok;
}

static void
statement_free (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

/* The kinds and categories a copy added (docs/merge.md rule 6): a union by key. A kind both
 * copies have keeps the target's labels. */
static gboolean
merge_keyed (Merge *m, const char *table, const char *columns, guint n_columns, GError **error)
{
  g_autofree char *select = g_strdup_printf ("SELECT %s FROM %s", columns, table);
  GString *params = g_string_new (NULL);
  for (guint i = 0; i < n_columns; i++)
    g_string_append_printf (params, "%s?%u", i ? ", " : "", i + 1);
  g_autofree char *insert = g_strdup_printf ("INSERT OR IGNORE INTO %s (%s) VALUES (%s)", table,
                                             columns, params->str);
  g_string_free (params, TRUE);
  sqlite3_stmt *from = _cm_store_prepare (m->other, select, error);
  if (from == NULL)
    return FALSE;
  sqlite3_stmt *to = _cm_store_prepare (m->target, insert, error);
  CmMergeCounts counts = { table };
  gboolean ok = to != NULL;
  while (ok && sqlite3_step (from) == SQLITE_ROW)
    {
      for (guint i = 0; i < n_columns; i++)
        sqlite3_bind_value (to, (int) i + 1, sqlite3_column_value (from, (int) i));
      ok = sqlite3_step (to) == SQLITE_DONE;
      if (!ok)
        _cm_store_set_sqlite_error (m->target, error, _("write the merged map"));
      counts.added += sqlite3_changes (_cm_store_get_db (m->target)) > 0 && ok;
      sqlite3_reset (to);
    }
  sqlite3_finalize (from);
  sqlite3_finalize (to);
  if (counts.added > 0)
    m->report->nothing_new = FALSE;
  g_array_append_val (m->report->tables, counts);
  return ok;
}

/* The part of a server's map a map holds, when it holds part of it (cm_meta `server_part`,
 * docs/postgis.md); NULL when it holds all it has seen. */
static char *
server_part (CmStore *store)
{
  sqlite3_stmt *stmt = _cm_store_prepare (store, "SELECT value FROM cm_meta WHERE key ="
                                                 " 'server_part'", NULL);
  char *part = NULL;
  if (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    part = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return part;
}

/* A map that holds part of a server's map has seen the server's versions of features it does
 * not hold: merged with a copy, that copy would take those for seen too and never receive
 * them. Such maps meet other copies through the server. */
static gboolean
refuse_part (CmStore *store, const char *path, GError **error)
{
  g_autofree char *part = server_part (store);
  if (part == NULL)
    return TRUE;
  g_autofree char *dn = g_filename_display_basename (path);
  g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_INVALID,
               _("“%s” holds only part of a server's map (%s): merging it with another copy "
                 "could hide the server's other features from that copy. Nothing was merged; "
                 "bring the copies together through the server: “cmap push” each, then "
                 "“cmap pull”"),
               dn, part);
  return FALSE;
}

static CmMergeReport *merge_file (CmStore *target, const char *other_path, gboolean dry_run,
                                  gboolean from_server, GHashTable *only, CmMergeHook hook,
                                  gpointer hook_data, GError **error);

CmMergeReport *
cm_merge (CmStore *target, const char *other_path, gboolean dry_run, GError **error)
{
  return merge_file (target, other_path, dry_run, FALSE, NULL, NULL, NULL, error);
}

CmMergeReport *
_cm_merge_server_copy (CmStore *target, const char *server_copy, GHashTable *only,
                       CmMergeHook hook, gpointer hook_data, GError **error)
{
  return merge_file (target, server_copy, FALSE, TRUE, only, hook, hook_data, error);
}

static CmMergeReport *
merge_file (CmStore *target, const char *other_path, gboolean dry_run, gboolean from_server,
            GHashTable *only, CmMergeHook hook, gpointer hook_data, GError **error)
{
  g_autofree char *dn = g_filename_display_basename (other_path);
  if (!from_server && !refuse_part (target, cm_store_get_path (target), error))
    return NULL;
  if (g_strcmp0 (cm_store_get_path (target), other_path) == 0)
    {
      /* a map merged into itself has nothing new */
      CmMergeReport *same = g_new0 (CmMergeReport, 1);
      same->tables = g_array_new (FALSE, TRUE, sizeof (CmMergeCounts));
      same->rows = g_ptr_array_new_with_free_func (g_free);
      same->nothing_new = TRUE;
      return same;
    }
  char *tmp = NULL;
  g_autoptr (CmStore) other = open_other (other_path, only, &tmp, error);
  if (other == NULL || (!from_server && !refuse_part (other, other_path, error)))
    {
      g_clear_object (&other);
      remove_tmp (tmp);
      return NULL;
    }
  Merge m = { target, other };
  m.statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, statement_free);
  m.report = g_new0 (CmMergeReport, 1);
  m.report->tables = g_array_new (FALSE, TRUE, sizeof (CmMergeCounts));
  m.report->rows = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *one = _cm_store_prepare (target, "SELECT 1", error);
  gboolean ok = one != NULL && _cm_store_begin_write (target, error);
  if (ok)
    {
      sqlite3_step (one);
      m.one = sqlite3_value_dup (sqlite3_column_value (one, 0));
      /* another program's edits to the target since it was opened are versioned first */
      ok = _cm_versions_stamp_outside (target, error);
    }
  sqlite3_finalize (one);
  g_autoptr (GHashTable) rows = NULL;
  if (ok)
    {
      m.target_clock = cm_versions_get_clock (target, error);
      m.other_clock = m.target_clock ? cm_versions_get_clock (other, error) : NULL;
      ok = m.other_clock != NULL;
    }
  if (ok)
    {
      if (only)
        {
          /* the caller knows them (a push: the features the server holds that the map has
           * versions of the server has not seen; the others it writes itself) */
          rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
          GHashTableIter it_only;
          gpointer key;
          for (g_hash_table_iter_init (&it_only, only); g_hash_table_iter_next (&it_only, &key, NULL);)
            g_hash_table_add (rows, g_strdup (key));
        }
      else
        rows = candidates (&m, error);
      ok = rows != NULL;
    }
  if (ok)
    {
      m.report->nothing_new = g_hash_table_size (rows) == 0;
      ok = merge_tables (&m, rows, error) &&
           merge_keyed (&m, "kinds", "layer, key, label_zh, label_en, service_radius_m, category,"
                                     " sort_order", 7, error) &&
           merge_keyed (&m, "categories", "key, label_zh, label_en, geometry, icon, color, osm,"
                                          " sort_order", 8, error) &&
           (hook == NULL || hook (target, m.report, hook_data, error));
    }
  /* what the merge wrote has the versions it brought, not this session's; the clock has seen
   * what the other had */
  if (ok)
    ok = _cm_store_exec (target, "DELETE FROM cm_pending", error);
  GHashTableIter it;
  gpointer site, counter;
  if (ok)
    g_hash_table_iter_init (&it, m.other_clock);
  while (ok && g_hash_table_iter_next (&it, &site, &counter))
    ok = bind_exec (target,
                    "INSERT INTO cm_clock VALUES (?1, ?2) ON CONFLICT (site) DO UPDATE SET"
                    " counter = max (counter, excluded.counter)",
                    error, SQLITE_TEXT, (const char *) site, SQLITE_INTEGER, *(gint64 *) counter, 0);
  if (ok && !dry_run)
    ok = _cm_store_exec (target, "COMMIT", error);
  else
    sqlite3_exec (_cm_store_get_db (target), "ROLLBACK", NULL, NULL, NULL);
  m.report->applied = ok && !dry_run;

  sqlite3_value_free (m.one);
  g_hash_table_unref (m.statements);
  g_clear_pointer (&m.target_clock, g_hash_table_unref);
  g_clear_pointer (&m.other_clock, g_hash_table_unref);
  g_clear_object (&other);
  remove_tmp (tmp);
  if (!ok)
    {
      if (error && *error)
        g_prefix_error (error, _("merging “%s”: "), dn);
      cm_merge_report_free (m.report);
      return NULL;
    }
  return m.report;
}

/* ---- conflicts, listed and resolved ------------------------------------------------------------ */

static gboolean
known_column (GPtrArray *columns, const char *field)
{
  for (guint i = 0; i < columns->len; i++)
    if (g_strcmp0 (columns->pdata[i], field) == 0)
      return TRUE;
  return FALSE;
}

/* A value for people: text as it is, a geometry as WKT. */
static char *
value_text (CmStore *store, sqlite3_value *v)
{
  if (v == NULL || sqlite3_value_type (v) == SQLITE_NULL)
    return g_strdup ("");
  if (sqlite3_value_type (v) != SQLITE_BLOB)
    return g_strdup ((const char *) sqlite3_value_text (v));
  sqlite3_stmt *stmt = _cm_store_prepare (store, "SELECT AsText(?1)", NULL);
  char *text = NULL;
  if (stmt)
    {
      sqlite3_bind_value (stmt, 1, v);
      if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_text (stmt, 0))
        text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      sqlite3_finalize (stmt);
    }
  return text ? text : g_strdup_printf ("(%d bytes)", sqlite3_value_bytes (v));
}

/* A SpatiaLite geometry as WKB (NULL when it is none). */
static GBytes *
geometry_wkb (CmStore *store, sqlite3_value *v)
{
  sqlite3_stmt *stmt = _cm_store_prepare (store, "SELECT AsBinary(CmGeom(?1))", NULL);
  GBytes *wkb = NULL;
  if (stmt)
    {
      sqlite3_bind_value (stmt, 1, v);
      if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) == SQLITE_BLOB)
        wkb = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
      sqlite3_finalize (stmt);
    }
  return wkb;
}

void
cm_conflict_free (CmConflict *c)
{
  g_free (c->table);
  g_free (c->uuid);
  g_free (c->name);
  g_ptr_array_unref (c->fields);
  g_ptr_array_unref (c->mine);
  g_ptr_array_unref (c->theirs);
  g_clear_pointer (&c->theirs_wkb, g_bytes_unref);
  g_free (c);
}

/* The conflict of one row: for each field with another value than its live one, the live value
 * and the other (the latest other, when several); their raw values into @theirs_values. */
static CmConflict *
read_conflict (CmStore *store, const char *table, const char *uuid, GPtrArray *theirs_values,
               GError **error)
{
  g_autoptr (GPtrArray) columns = versioned_columns (store, table, error);
  if (columns == NULL)
    return NULL;
  sqlite3_stmt *c = _cm_store_prepare (store,
                                       "SELECT field, value FROM cm_conflicts WHERE layer = ?1"
                                       " AND uuid = ?2 ORDER BY field, counter DESC, site DESC",
                                       error);
  if (c == NULL)
    return NULL;
  sqlite3_bind_text (c, 1, table, -1, SQLITE_STATIC);
  sqlite3_bind_text (c, 2, uuid, -1, SQLITE_STATIC);
  CmConflict *out = g_new0 (CmConflict, 1);
  out->table = g_strdup (table);
  out->uuid = g_strdup (uuid);
  out->fields = g_ptr_array_new_with_free_func (g_free);
  out->mine = g_ptr_array_new_with_free_func (g_free);
  out->theirs = g_ptr_array_new_with_free_func (g_free);
  while (sqlite3_step (c) == SQLITE_ROW)
    {
      const char *field = (const char *) sqlite3_column_text (c, 0);
      if (!known_column (columns, field))
        continue; /* not a column of ours: left alone */
      gboolean seen = FALSE;
      for (guint i = 0; i < out->fields->len; i++)
        seen = seen || g_str_equal (out->fields->pdata[i], field);
      if (seen)
        continue; /* the latest other value of the field is the one offered */
      g_autofree char *sql = g_strdup_printf ("SELECT \"%s\", name FROM %s WHERE uuid = ?1",
                                              field, table);
      sqlite3_stmt *live = _cm_store_prepare (store, sql, NULL);
      if (live == NULL)
        continue;
      sqlite3_bind_text (live, 1, uuid, -1, SQLITE_STATIC);
      if (sqlite3_step (live) == SQLITE_ROW &&
          !value_equal (sqlite3_column_value (live, 0), sqlite3_column_value (c, 1)))
        {
          g_ptr_array_add (out->fields, g_strdup (field));
          g_ptr_array_add (out->mine, value_text (store, sqlite3_column_value (live, 0)));
          g_ptr_array_add (out->theirs, value_text (store, sqlite3_column_value (c, 1)));
          if (g_str_equal (field, "geom"))
            out->theirs_wkb = geometry_wkb (store, sqlite3_column_value (c, 1));
          if (theirs_values)
            g_ptr_array_add (theirs_values, sqlite3_value_dup (sqlite3_column_value (c, 1)));
          if (out->name == NULL && sqlite3_column_text (live, 1))
            out->name = g_strdup ((const char *) sqlite3_column_text (live, 1));
        }
      sqlite3_finalize (live);
    }
  sqlite3_finalize (c);
  if (out->fields->len == 0)
    {
      cm_conflict_free (out);
      return NULL; /* only versions of equal values: nothing for a person to decide */
    }
  return out;
}

GPtrArray *
cm_merge_list_conflicts (CmStore *store, GError **error)
{
  sqlite3_stmt *stmt = _cm_store_prepare (store,
                                          "SELECT DISTINCT layer, uuid FROM cm_conflicts"
                                          " ORDER BY layer, uuid",
                                          error);
  if (stmt == NULL)
    return NULL;
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_conflict_free);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *table = (const char *) sqlite3_column_text (stmt, 0);
      if (!cm_versions_is_versioned_table (table))
        continue;
      CmConflict *c = read_conflict (store, table, (const char *) sqlite3_column_text (stmt, 1),
                                     NULL, NULL);
      if (c)
        g_ptr_array_add (list, c);
    }
  sqlite3_finalize (stmt);
  return list;
}

gboolean
cm_merge_resolve (CmStore *store, const char *uuid, CmResolve keep, char **new_uuid,
                  GError **error)
{
  sqlite3_stmt *stmt = _cm_store_prepare (store,
                                          "SELECT layer FROM cm_conflicts WHERE uuid = ?1 LIMIT 1",
                                          error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  g_autofree char *table = sqlite3_step (stmt) == SQLITE_ROW
                               ? g_strdup ((const char *) sqlite3_column_text (stmt, 0))
                               : NULL;
  sqlite3_finalize (stmt);
  g_autoptr (GPtrArray) theirs = g_ptr_array_new_with_free_func ((GDestroyNotify) sqlite3_value_free);
  CmConflict *c = table && cm_versions_is_versioned_table (table) ? read_conflict (store, table, uuid, theirs, error)
                                               : NULL;
  if (c == NULL)
    {
      if (error && *error == NULL)
        g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_NOT_FOUND,
                     _("the feature %s has no conflict to resolve (see “cmap conflicts”)"), uuid);
      return FALSE;
    }
  if (!_cm_store_begin_write (store, error))
    {
      cm_conflict_free (c);
      return FALSE;
    }
  gboolean ok = TRUE;
  if (keep == CM_RESOLVE_BOTH)
    {
      /* the other version as a feature of its own: the row copied under a new uuid */
      g_autoptr (GPtrArray) columns = versioned_columns (store, table, error);
      ok = columns != NULL;
      GString *cols = g_string_new (NULL);
      for (guint i = 0; ok && i < columns->len; i++)
        g_string_append_printf (cols, "%s\"%s\"", i ? ", " : "", (const char *) columns->pdata[i]);
      g_autofree char *fresh = g_uuid_string_random ();
      g_autofree char *sql = g_strdup_printf ("INSERT INTO %s (uuid, %s) SELECT ?1, %s FROM %s"
                                              " WHERE uuid = ?2",
                                              table, cols->str, cols->str, table);
      g_string_free (cols, TRUE);
      ok = ok && bind_exec (store, sql, error, SQLITE_TEXT, fresh, SQLITE_TEXT, uuid, 0);
      for (guint i = 0; ok && i < c->fields->len; i++)
        {
          if (g_str_equal (c->fields->pdata[i], "deleted"))
            continue; /* the copy is live */
          g_autofree char *set = g_strdup_printf ("UPDATE %s SET \"%s\" = ?1 WHERE uuid = ?2",
                                                  table, (const char *) c->fields->pdata[i]);
          ok = bind_exec (store, set, error, -1, theirs->pdata[i], SQLITE_TEXT, fresh, 0);
        }
      if (ok && new_uuid)
        *new_uuid = g_strdup (fresh);
    }
  for (guint i = 0; ok && i < c->fields->len; i++)
    {
      if (keep == CM_RESOLVE_THEIRS)
        {
          g_autofree char *set = g_strdup_printf ("UPDATE %s SET \"%s\" = ?1 WHERE uuid = ?2",
                                                  table, (const char *) c->fields->pdata[i]);
          ok = bind_exec (store, set, error, -1, theirs->pdata[i], SQLITE_TEXT, uuid, 0);
        }
      /* a write of the field, even where its value stays: it has seen both values */
      ok = ok && bind_exec (store, "INSERT OR IGNORE INTO cm_pending VALUES (?1, ?2, ?3)", error,
                            SQLITE_TEXT, table, SQLITE_TEXT, uuid, SQLITE_TEXT,
                            (const char *) c->fields->pdata[i], 0);
    }
  /* the versions of equal values the field had, too: all are seen */
  ok = ok && bind_exec (store,
                        "INSERT OR IGNORE INTO cm_pending SELECT layer, uuid, field FROM"
                        " cm_conflicts WHERE layer = ?1 AND uuid = ?2",
                        error, SQLITE_TEXT, table, SQLITE_TEXT, uuid, 0);
  ok = ok && _cm_versions_stamp (store, error) && _cm_store_exec (store, "COMMIT", error);
  if (!ok)
    sqlite3_exec (_cm_store_get_db (store), "ROLLBACK", NULL, NULL, NULL);
  cm_conflict_free (c);
  return ok;
}

/* ---- the area a map covers ---------------------------------------------------------------------- */

static gboolean
map_box (CmStore *store, double box[4], gboolean *any, GError **error)
{
  *any = FALSE;
  for (int i = 0; i < CM_N_LAYERS; i++)
    {
      CmLayerStats stats;
      if (!cm_store_get_layer_stats (store, i, &stats, error))
        return FALSE;
      if (stats.count == 0)
        continue;
      if (!*any)
        memcpy (box, stats.bbox, sizeof stats.bbox);
      box[0] = MIN (box[0], stats.bbox[0]), box[1] = MIN (box[1], stats.bbox[1]);
      box[2] = MAX (box[2], stats.bbox[2]), box[3] = MAX (box[3], stats.bbox[3]);
      *any = TRUE;
    }
  return TRUE;
}

gboolean
cm_merge_areas_meet (CmStore *target, const char *other_path, gboolean *meet, GError **error)
{
  g_autoptr (CmStore) other = cm_store_open_to_read (other_path, error);
  if (other == NULL)
    return FALSE;
  double a[4], b[4];
  gboolean any_a, any_b;
  if (!map_box (target, a, &any_a, error) || !map_box (other, b, &any_b, error))
    return FALSE;
  const double margin = 0.01; /* degrees: about 1 km */
  *meet = !any_a || !any_b ||
          (a[0] - margin <= b[2] && b[0] - margin <= a[2] && a[1] - margin <= b[3] &&
           b[1] - margin <= a[3]);
  return TRUE;
}
