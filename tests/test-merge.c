/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-merge.c: copies of a map merged (docs/merge.md): the rules case by case, and 200 seeded
 * runs of random edits on 3–5 byte-identical copies merged in random orders — every copy that
 * has seen the others ends with the same features and the same conflicts, and no edit is lost. */
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "cm-core.h"
#include "cm-store-private.h"
#include "cm-test-util.h"

static const char *const categories[] = { "health_station", "kindergarten", "market", "other" };

static void
copy_file (const char *from, const char *to)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *bytes = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (from, &bytes, &len, &error));
  g_assert_true (g_file_set_contents (to, bytes, len, &error));
}

static char *
add_point (CmStore *store, const char *name, double lon, double lat)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CmFeature) f = cm_feature_new (CM_LAYER_RESOURCES);
  g_autoptr (GBytes) p = cm_test_point_wkb (store, lon, lat);
  cm_feature_set_wkb (f, p);
  cm_feature_set_name (f, name);
  cm_feature_set_category (f, "other");
  g_assert_true (cm_store_add_feature (store, f, &error));
  g_assert_no_error (error);
  return g_strdup (cm_feature_get_uuid (f));
}

static CmFeature *
get (CmStore *store, const char *uuid)
{
  g_autoptr (GError) error = NULL;
  CmFeature *f = cm_store_get_feature (store, CM_LAYER_RESOURCES, uuid, &error);
  g_assert_no_error (error);
  return f;
}

static void
rename_feature (CmStore *store, const char *uuid, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CmFeature) f = get (store, uuid);
  cm_feature_set_name (f, name);
  g_assert_true (cm_store_update_feature (store, f, &error));
}

static void
move_feature (CmStore *store, const char *uuid, double lon, double lat)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CmFeature) f = get (store, uuid);
  g_autoptr (GBytes) p = cm_test_point_wkb (store, lon, lat);
  cm_feature_set_wkb (f, p);
  g_assert_true (cm_store_update_feature (store, f, &error));
}

static void
delete_feature (CmStore *store, const char *uuid)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CmFeature) f = get (store, uuid);
  g_assert_true (cm_store_delete_feature (store, f, &error));
}

static char *
query_text (CmStore *store, const char *sql)
{
  sqlite3_stmt *stmt = _cm_store_prepare (store, sql, NULL);
  g_assert_nonnull (stmt);
  GString *out = g_string_new (NULL);
  int n = sqlite3_column_count (stmt);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      for (int i = 0; i < n; i++)
        g_string_append_printf (out, "%s%s", i ? "|" : "",
                                sqlite3_column_text (stmt, i) ? (const char *) sqlite3_column_text (stmt, i) : "∅");
      g_string_append_c (out, '\n');
    }
  sqlite3_finalize (stmt);
  return g_string_free (out, FALSE);
}

/* What must be the same on copies that have seen each other: the features, the photos and the
 * conflicts. */
static char *
state_of (CmStore *store)
{
  g_autofree char *rows = query_text (store, "SELECT uuid, name, category, hex(geom), deleted"
                                             " FROM resources ORDER BY uuid");
  g_autofree char *photos = query_text (store, "SELECT uuid, feature_uuid, deleted FROM photos"
                                               " ORDER BY uuid");
  g_autofree char *conflicts = query_text (store, "SELECT layer, uuid, field, site, counter,"
                                                  " hex(value) FROM cm_conflicts ORDER BY 1, 2, 3,"
                                                  " 4, 5");
  return g_strconcat (rows, "--\n", photos, "--\n", conflicts, NULL);
}

static CmMergeReport *
merge (CmStore *target, const char *other)
{
  g_autoptr (GError) error = NULL;
  CmMergeReport *r = cm_merge (target, other, FALSE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (r);
  return r;
}

static guint
conflicts_in (const CmMergeReport *r)
{
  guint n = 0;
  for (guint i = 0; i < r->tables->len; i++)
    n += g_array_index (r->tables, CmMergeCounts, i).conflicts;
  return n;
}

/* Two copies of a map with three features, opened. */
typedef struct
{
  char *dir, *a, *b;
  CmStore *sa, *sb;
  char *f[3];
} Pair;

static void
pair_setup (Pair *p)
{
  g_autoptr (GError) error = NULL;
  p->dir = cm_test_tmpdir ();
  p->a = g_build_filename (p->dir, "a.sqlite", NULL);
  p->b = g_build_filename (p->dir, "b.sqlite", NULL);
  {
    g_autoptr (CmStore) s = cm_store_create (p->a, "m", &error);
    for (int i = 0; i < 3; i++)
      {
        g_autofree char *name = g_strdup_printf ("点%d", i);
        p->f[i] = add_point (s, name, 116.30 + 0.001 * i, 40.0);
      }
  }
  copy_file (p->a, p->b);
  p->sa = cm_store_open (p->a, &error);
  p->sb = cm_store_open (p->b, &error);
  g_assert_no_error (error);
}

static void
pair_teardown (Pair *p)
{
  g_clear_object (&p->sa);
  g_clear_object (&p->sb);
  for (int i = 0; i < 3; i++)
    g_free (p->f[i]);
  g_free (p->a);
  g_free (p->b);
  g_free (p->dir);
}

/* Name changed on one copy, place on the other: both, no conflict, either way round; merging
 * again changes nothing (not a byte); the copies end the same. */
static void
test_different_fields (void)
{
  Pair p;
  pair_setup (&p);
  rename_feature (p.sa, p.f[0], "社区卫生服务中心");
  move_feature (p.sb, p.f[0], 116.31, 40.01);
  g_autoptr (CmMergeReport) r = merge (p.sa, p.b);
  g_assert_cmpint (conflicts_in (r), ==, 0);
  g_assert_cmpint (g_array_index (r->tables, CmMergeCounts, CM_LAYER_RESOURCES).changed, ==, 1);
  g_autofree char *where = query_text (p.sa, "SELECT name, X(geom), Y(geom) FROM resources"
                                             " ORDER BY id LIMIT 1");
  g_assert_cmpstr (where, ==, "社区卫生服务中心|116.31|40.01\n");
  g_autofree char *sha = cm_test_sha256 (p.a);
  g_autoptr (CmMergeReport) again = merge (p.sa, p.b);
  g_assert_true (again->nothing_new);
  g_autofree char *sha_again = cm_test_sha256 (p.a);
  g_assert_cmpstr (sha, ==, sha_again);
  g_autoptr (CmMergeReport) back = merge (p.sb, p.a);
  g_autofree char *state_a = state_of (p.sa), *state_b = state_of (p.sb);
  g_assert_cmpstr (state_a, ==, state_b);
  pair_teardown (&p);
}

/* Renamed on both: a conflict; the live name is the same whichever way the copies merge, and
 * the other name is kept with its version. */
static void
test_conflict (void)
{
  Pair p;
  pair_setup (&p);
  rename_feature (p.sa, p.f[1], "甲");
  rename_feature (p.sb, p.f[1], "乙");
  g_autoptr (CmMergeReport) r = merge (p.sa, p.b);
  g_assert_cmpint (conflicts_in (r), ==, 1);
  g_autoptr (CmMergeReport) r2 = merge (p.sb, p.a);
  g_autofree char *state_a = state_of (p.sa), *state_b = state_of (p.sb);
  g_assert_cmpstr (state_a, ==, state_b);
  g_autofree char *names = query_text (p.sa, "SELECT r.name || ' / ' || c.value FROM resources r"
                                             " JOIN cm_conflicts c ON c.uuid = r.uuid WHERE"
                                             " c.field = 'name'");
  g_assert_true (g_str_equal (names, "甲 / 乙\n") || g_str_equal (names, "乙 / 甲\n"));
  pair_teardown (&p);
}

/* Deleted on one copy, untouched on the other: deleted. Deleted on one, renamed on the other: a
 * conflict on `deleted`, the renamed feature live. A feature added on each arrives. */
static void
test_delete_and_add (void)
{
  Pair p;
  pair_setup (&p);
  delete_feature (p.sa, p.f[0]);
  delete_feature (p.sa, p.f[2]);
  rename_feature (p.sb, p.f[2], "还在");
  g_autofree char *na = add_point (p.sa, "甲加的", 116.2, 40.1);
  g_autofree char *nb = add_point (p.sb, "乙加的", 116.2, 40.2);
  g_autoptr (CmMergeReport) r = merge (p.sb, p.a);
  g_autoptr (CmMergeReport) r2 = merge (p.sa, p.b);
  for (int k = 0; k < 2; k++)
    {
      CmStore *s = k ? p.sb : p.sa;
      g_autofree char *live = query_text (s, "SELECT name FROM resources WHERE deleted = 0"
                                             " ORDER BY name");
      g_assert_cmpstr (live, ==, "乙加的\n点1\n甲加的\n还在\n");
      g_autofree char *conflict = g_strdup_printf ("SELECT count(*) FROM cm_conflicts WHERE"
                                                   " uuid = '%s' AND field = 'deleted' AND"
                                                   " value = 1", p.f[2]);
      g_assert_cmpint (cm_test_query_int (s, conflict), ==, 1);
    }
  g_autofree char *state_a = state_of (p.sa), *state_b = state_of (p.sb);
  g_assert_cmpstr (state_a, ==, state_b);
  pair_teardown (&p);
}

/* A conflict resolved on one copy (theirs, mine, both) is an edit that travels: the other copy
 * takes it and its conflict ends too; updated_at a year behind on one copy (a laptop whose
 * clock was wrong) changes nothing of it. */
static void
test_resolve (void)
{
  const CmResolve ways[] = { CM_RESOLVE_THEIRS, CM_RESOLVE_MINE, CM_RESOLVE_BOTH };
  for (gsize k = 0; k < G_N_ELEMENTS (ways); k++)
    {
      Pair p;
      pair_setup (&p);
      rename_feature (p.sa, p.f[1], "甲");
      rename_feature (p.sb, p.f[1], "乙");
      g_assert_true (_cm_store_exec (p.sb, "UPDATE resources SET updated_at ="
                                           " '2025-11-27T08:00:00.000Z'", NULL));
      cm_merge_report_free (merge (p.sa, p.b));
      g_autoptr (GPtrArray) list = cm_merge_list_conflicts (p.sa, NULL);
      g_assert_cmpint (list->len, ==, 1);
      const CmConflict *c = list->pdata[0];
      g_assert_cmpstr (c->uuid, ==, p.f[1]);
      g_assert_cmpint (c->fields->len, ==, 1);
      g_assert_cmpstr (c->fields->pdata[0], ==, "name");
      g_autofree char *live = g_strdup (c->mine->pdata[0]), *other = g_strdup (c->theirs->pdata[0]);
      g_autoptr (GError) error = NULL;
      g_autofree char *fresh = NULL;
      g_assert_true (cm_merge_resolve (p.sa, p.f[1], ways[k], &fresh, &error));
      g_assert_no_error (error);
      g_autoptr (GPtrArray) none = cm_merge_list_conflicts (p.sa, NULL);
      g_assert_cmpint (none->len, ==, 0);
      g_autofree char *sql = g_strdup_printf ("SELECT name FROM resources WHERE uuid = '%s'",
                                              p.f[1]);
      g_autofree char *name = query_text (p.sa, sql);
      g_autofree char *want = g_strconcat (ways[k] == CM_RESOLVE_THEIRS ? other : live, "\n", NULL);
      g_assert_cmpstr (name, ==, want);
      if (ways[k] == CM_RESOLVE_BOTH)
        {
          g_assert_nonnull (fresh);
          g_autofree char *copy = g_strdup_printf ("SELECT name FROM resources WHERE uuid = '%s'",
                                                   fresh);
          g_autofree char *copy_name = query_text (p.sa, copy);
          g_autofree char *want_copy = g_strconcat (other, "\n", NULL);
          g_assert_cmpstr (copy_name, ==, want_copy);
        }
      /* the other copy takes the decision */
      cm_merge_report_free (merge (p.sb, p.a));
      g_autoptr (GPtrArray) none_b = cm_merge_list_conflicts (p.sb, NULL);
      g_assert_cmpint (none_b->len, ==, 0);
      g_autofree char *state_a = state_of (p.sa), *state_b = state_of (p.sb);
      g_assert_cmpstr (state_a, ==, state_b);
      pair_teardown (&p);
    }
}

/* Photos, workshops and contributors merge as features do: a photo added on one copy and a
 * workshop on the other arrive in both; a photo deleted on one copy and untouched on the
 * other is deleted. Each has its session's version the moment it is stored, as a feature has:
 * a merge straight after it carries it. */
static void
test_records (void)
{
  Pair p;
  pair_setup (&p);
  g_autoptr (GError) error = NULL;
  g_autofree char *jpeg = g_build_filename (p.dir, "photo.jpg", NULL);
  g_autoptr (GdkPixbuf) pixels = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 64, 48);
  gdk_pixbuf_fill (pixels, 0xff0000ff);
  g_assert_true (gdk_pixbuf_save (pixels, jpeg, "jpeg", &error, NULL));
  g_autoptr (CmFeature) f = get (p.sb, p.f[0]);
  g_autofree char *photo = cm_store_add_photo (p.sb, f, jpeg, &error);
  g_assert_no_error (error);
  g_autofree char *kept = cm_store_add_photo (p.sb, f, jpeg, &error);
  g_autofree char *workshop = cm_store_add_workshop (p.sa, "第一次工作坊", "2026-11-20", "社区中心",
                                                     &error);
  g_assert_no_error (error);
  for (int k = 0; k < 2; k++)
    {
      CmStore *s = k ? p.sb : p.sa;
      g_autofree char *sql = g_strdup_printf (
          "SELECT count(*) FROM cm_versions WHERE layer IN ('photos', 'workshops') AND"
          " field = '' AND site = '%s'", _cm_store_get_session (s));
      g_assert_cmpint (cm_test_query_int (s, sql), ==, k ? 2 : 1);
      g_assert_cmpint (cm_test_query_int (s, "SELECT count(*) FROM cm_pending"), ==, 0);
    }
  cm_merge_report_free (merge (p.sa, p.b));
  cm_merge_report_free (merge (p.sb, p.a));
  for (int k = 0; k < 2; k++)
    {
      CmStore *s = k ? p.sb : p.sa;
      g_assert_cmpint (cm_test_query_int (s, "SELECT count(*) FROM photos WHERE deleted = 0"), ==, 2);
      g_assert_cmpint (cm_test_query_int (s, "SELECT count(*) FROM workshops WHERE"
                                             " name = '第一次工作坊'"), ==, 1);
    }
  g_assert_true (cm_store_delete_photo (p.sa, photo, &error));
  cm_merge_report_free (merge (p.sb, p.a));
  g_autofree char *sql = g_strdup_printf ("SELECT deleted FROM photos WHERE uuid = '%s'", photo);
  g_assert_cmpint (cm_test_query_int (p.sb, sql), ==, 1);
  g_autofree char *state_a = state_of (p.sa), *state_b = state_of (p.sb);
  g_assert_cmpstr (state_a, ==, state_b);
  pair_teardown (&p);
}

/* A station kind one copy added arrives in the other (a union by key); merging again brings
 * nothing new. */
static void
test_kinds (void)
{
  Pair p;
  pair_setup (&p);
  g_autoptr (GError) error = NULL;
  g_autofree char *key = cm_store_add_kind (p.sb, CM_LAYER_STATIONS, "楼门服务点", 200, &error);
  g_assert_no_error (error);
  g_autoptr (CmMergeReport) r = merge (p.sa, p.b);
  g_assert_false (r->nothing_new);
  g_autoptr (CmKind) kind = cm_store_get_kind (p.sa, CM_LAYER_STATIONS, key, &error);
  g_assert_nonnull (kind);
  g_autoptr (CmMergeReport) again = merge (p.sa, p.b);
  g_assert_true (again->nothing_new);
  pair_teardown (&p);
}

/* Files that are not a map to merge (text, cut, missing, a folder, from a newer version, one
 * with a trigger that would write a file) are refused with the reason, the target unchanged and
 * no file written; a map merged into itself has nothing new. */
static void
test_refused (void)
{
  Pair p;
  pair_setup (&p);
  g_autofree char *sha = cm_test_sha256 (p.a);
  g_autofree char *text = g_build_filename (p.dir, "notes.sqlite", NULL);
  g_assert_true (g_file_set_contents (text, "not a map", -1, NULL));
  g_autofree char *cut = g_build_filename (p.dir, "cut.sqlite", NULL);
  {
    g_autofree char *bytes = NULL;
    gsize len;
    g_assert_true (g_file_get_contents (p.b, &bytes, &len, NULL));
    g_assert_true (g_file_set_contents (cut, bytes, len / 2, NULL));
  }
  g_autofree char *missing = g_build_filename (p.dir, "missing.sqlite", NULL);
  /* from a newer Community Map */
  g_autofree char *newer = g_build_filename (p.dir, "newer.sqlite", NULL);
  copy_file (p.b, newer);
  {
    sqlite3 *db = NULL;
    g_assert_cmpint (sqlite3_open (newer, &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db, "UPDATE cm_meta SET value = '99' WHERE key ="
                                       " 'schema_version'", NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close (db);
  }
  /* hostile: a trigger that would write a file when the copy made to version another
   * program's edit writes its clock (SpatiaLite's file functions are not there to call) */
  g_autofree char *hostile = g_build_filename (p.dir, "hostile.sqlite", NULL);
  g_autofree char *pwned = g_build_filename (p.dir, "pwned.txt", NULL);
  copy_file (p.b, hostile);
  {
    sqlite3 *db = NULL;
    g_assert_cmpint (sqlite3_open (hostile, &db), ==, SQLITE_OK);
    g_autofree char *sql = g_strdup_printf (
        "CREATE TRIGGER evil AFTER INSERT ON cm_clock BEGIN SELECT BlobToFile(x'41', '%s'); END;"
        "UPDATE resources SET name = '改' WHERE id = 1;",
        pwned);
    g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close (db);
  }
  g_setenv ("SPATIALITE_SECURITY", "relaxed", TRUE);
  const char *bad[] = { text, cut, missing, p.dir, newer, hostile };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (CmMergeReport) r = cm_merge (p.sa, bad[i], FALSE, &error);
      g_assert_null (r);
      g_assert_nonnull (error);
      g_test_message ("%s", error->message);
      g_autofree char *now = cm_test_sha256 (p.a);
      g_assert_cmpstr (now, ==, sha);
    }
  g_assert_false (g_file_test (pwned, G_FILE_TEST_EXISTS));
  g_unsetenv ("SPATIALITE_SECURITY");
  g_autoptr (CmMergeReport) self = merge (p.sa, p.a);
  g_assert_true (self->nothing_new);
  pair_teardown (&p);
}

/* The other copy is of an older version (3: no versions) or holds another program's edits not
 * versioned yet: it is brought up to date in a temporary copy, never in place (its bytes stay). */
static void
test_other_brought_up_to_date (void)
{
  Pair p;
  pair_setup (&p);
  g_clear_object (&p.sb);
  sqlite3 *db = NULL;
  g_assert_cmpint (sqlite3_open (p.b, &db), ==, SQLITE_OK);
  g_autofree char *sql = g_strdup_printf ("UPDATE resources SET name = '别的程序改的' WHERE"
                                          " uuid = '%s'", p.f[1]);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  g_autofree char *sha_b = cm_test_sha256 (p.b);
  g_autoptr (CmMergeReport) r = merge (p.sa, p.b);
  g_assert_cmpint (g_array_index (r->tables, CmMergeCounts, CM_LAYER_RESOURCES).changed, ==, 1);
  g_autofree char *sql_name = g_strdup_printf ("SELECT name FROM resources WHERE uuid = '%s'",
                                               p.f[1]);
  g_autofree char *name = query_text (p.sa, sql_name);
  g_assert_cmpstr (name, ==, "别的程序改的\n");
  g_autofree char *sha_after = cm_test_sha256 (p.b);
  g_assert_cmpstr (sha_b, ==, sha_after);

  /* an older map: the same copy, made schema 3 (its rows then get the origin's version) */
  g_autofree char *old = g_build_filename (p.dir, "old.sqlite", NULL);
  copy_file (p.b, old);
  cm_test_make_old_map (old, 3);
  g_autofree char *sha_old = cm_test_sha256 (old);
  g_autoptr (CmMergeReport) r3 = merge (p.sa, old);
  g_autofree char *sha_old_after = cm_test_sha256 (old);
  g_assert_cmpstr (sha_old, ==, sha_old_after);
  pair_teardown (&p);
}

/* A merge, a decision (keep theirs) and a rename that ends a conflict, each a step of a history
 * as the window records them: the decision or the rename undone brings the conflict back to
 * review, with the live name it had, and redone ends it again. The conflict brought back
 * travels: the other copy, merged, holds the same live name and the same conflict, and merging
 * again is nothing new. The merge undone leaves nothing to review; redone, its conflict is back. */
static void
undo_brings_conflicts_back (gboolean mine_live)
{
  Pair p;
  pair_setup (&p);
  /* two writes on one copy: its version is the greater, its name the live one */
  rename_feature (p.sa, p.f[1], mine_live ? "甲0" : "甲");
  if (mine_live)
    rename_feature (p.sa, p.f[1], "甲");
  rename_feature (p.sb, p.f[1], mine_live ? "乙" : "乙0");
  if (!mine_live)
    rename_feature (p.sb, p.f[1], "乙");
  g_autoptr (CmHistory) history = cm_history_new (p.sa);
  g_autoptr (GError) error = NULL;
  /* the merge, as the window records it: one step of the rows its dry run says it changes */
  {
    g_autoptr (CmMergeReport) dry = cm_merge (p.sa, p.b, TRUE, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (dry->rows->len, ==, 1); /* the renamed feature, whichever name is live */
    GPtrArray *before = g_ptr_array_new_with_free_func (g_object_unref);
    g_ptr_array_add (before, get (p.sa, strchr (dry->rows->pdata[0], '\t') + 1));
    GPtrArray *conflicts = cm_history_save_conflicts (history, before);
    cm_merge_report_free (merge (p.sa, p.b));
    GPtrArray *after = g_ptr_array_new_with_free_func (g_object_unref);
    g_ptr_array_add (after, get (p.sa, p.f[1]));
    cm_history_record (history, before, after, conflicts);
  }
  g_autofree char *sql = g_strdup_printf ("SELECT name FROM resources WHERE uuid = '%s'", p.f[1]);
  g_autofree char *live = query_text (p.sa, sql);
  g_assert_cmpstr (live, ==, mine_live ? "甲\n" : "乙\n");
  const char *other = mine_live ? "乙" : "甲";
  /* the decision, as the review records it */
  {
    GPtrArray *before = g_ptr_array_new_with_free_func (g_object_unref);
    g_ptr_array_add (before, get (p.sa, p.f[1]));
    GPtrArray *conflicts = cm_history_save_conflicts (history, before);
    g_assert_cmpint (conflicts->len, >, 0); /* name's, and `deleted`'s of equal value (rule 3) */
    g_assert_true (cm_merge_resolve (p.sa, p.f[1], CM_RESOLVE_THEIRS, NULL, &error));
    GPtrArray *after = g_ptr_array_new_with_free_func (g_object_unref);
    g_ptr_array_add (after, get (p.sa, p.f[1]));
    cm_history_record (history, before, after, conflicts);
  }
  g_autofree char *want_other = g_strconcat (other, "\n", NULL);
  g_autofree char *name = query_text (p.sa, sql);
  g_assert_cmpstr (name, ==, want_other);
  g_assert_cmpint (cm_test_query_int (p.sa, "SELECT count(*) FROM cm_conflicts"), ==, 0);
  for (int round = 0; round < 2; round++)
    {
      g_assert_true (cm_history_undo (history, NULL, NULL, &error));
      g_assert_no_error (error);
      g_autofree char *undone = query_text (p.sa, sql);
      g_assert_cmpstr (undone, ==, live);
      g_autoptr (GPtrArray) list = cm_merge_list_conflicts (p.sa, NULL);
      g_assert_cmpint (list->len, ==, 1);
      const CmConflict *c = list->pdata[0];
      g_assert_cmpstr (c->uuid, ==, p.f[1]);
      g_assert_cmpstr (c->theirs->pdata[0], ==, other);
      if (round == 0)
        {
          g_assert_true (cm_history_redo (history, NULL, NULL, &error));
          g_autofree char *redone = query_text (p.sa, sql);
          g_assert_cmpstr (redone, ==, want_other);
          g_assert_cmpint (cm_test_query_int (p.sa, "SELECT count(*) FROM cm_conflicts"), ==, 0);
        }
    }
  /* a rename ends the conflict; undone, it is back */
  {
    g_autoptr (CmFeature) f = get (p.sa, p.f[1]);
    g_autoptr (CmFeature) before = cm_feature_copy (f);
    cm_feature_set_name (f, "丙");
    g_assert_true (cm_history_update (history, before, f, &error));
    g_assert_cmpint (cm_test_query_int (p.sa, "SELECT count(*) FROM cm_conflicts"), ==, 0);
    g_assert_true (cm_history_undo (history, NULL, NULL, &error));
    g_autoptr (GPtrArray) list = cm_merge_list_conflicts (p.sa, NULL);
    g_assert_cmpint (list->len, ==, 1);
    g_autofree char *undone = query_text (p.sa, sql);
    g_assert_cmpstr (undone, ==, live);
  }
  /* it travels: the other copy takes the same live name and the same conflict */
  cm_merge_report_free (merge (p.sb, p.a));
  g_autofree char *name_b = query_text (p.sb, sql);
  g_assert_cmpstr (name_b, ==, live);
  g_autoptr (GPtrArray) list_b = cm_merge_list_conflicts (p.sb, NULL);
  g_assert_cmpint (list_b->len, ==, 1);
  cm_merge_report_free (merge (p.sa, p.b));
  g_autofree char *state_a = state_of (p.sa), *state_b = state_of (p.sb);
  g_assert_cmpstr (state_a, ==, state_b);
  g_autoptr (CmMergeReport) again = merge (p.sa, p.b);
  g_assert_true (again->nothing_new);
  /* the merge undone: this copy's name, nothing to review; redone: the conflict is back */
  g_assert_true (cm_history_undo (history, NULL, NULL, &error));
  g_autofree char *mine = query_text (p.sa, sql);
  g_assert_cmpstr (mine, ==, "甲\n");
  g_assert_cmpint (cm_test_query_int (p.sa, "SELECT count(*) FROM cm_conflicts"), ==, 0);
  g_assert_true (cm_history_redo (history, NULL, NULL, &error));
  g_autoptr (GPtrArray) back = cm_merge_list_conflicts (p.sa, NULL);
  g_assert_cmpint (back->len, ==, 1);
  g_autofree char *redone = query_text (p.sa, sql);
  g_assert_cmpstr (redone, ==, live);
  pair_teardown (&p);
}

static void
test_undo_brings_conflicts_back (void)
{
  undo_brings_conflicts_back (TRUE);  /* this copy's name stays live */
  undo_brings_conflicts_back (FALSE); /* the other's comes in */
}

/* Two copies of a map of schema 3 (before versions), edited before they were upgraded: every
 * row has the origin's version in both, so where their values differ the merge cannot tell which
 * is newer and reports a conflict, both names kept, the live one the same whichever way the
 * copies merge; a row they agree on merges with none. */
static void
test_edited_before_versions (void)
{
  Pair p;
  pair_setup (&p);
  g_clear_object (&p.sa);
  g_clear_object (&p.sb);
  cm_test_make_old_map (p.a, 3);
  copy_file (p.a, p.b);
  const char *names[] = { "甲在升级前改的", "乙在升级前改的" };
  for (int k = 0; k < 2; k++)
    {
      sqlite3 *db = NULL;
      g_assert_cmpint (sqlite3_open (k ? p.b : p.a, &db), ==, SQLITE_OK);
      g_autofree char *sql = g_strdup_printf ("UPDATE resources SET name = '%s' WHERE uuid = '%s'",
                                              names[k], p.f[0]);
      g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
      sqlite3_close (db);
    }
  g_autoptr (GError) error = NULL;
  p.sa = cm_store_open (p.a, &error);
  g_assert_no_error (error);
  p.sb = cm_store_open (p.b, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cm_store_get_schema_version (p.sa), >=, 4);
  g_autoptr (CmMergeReport) r = merge (p.sa, p.b);
  g_assert_cmpint (conflicts_in (r), ==, 1);
  g_autoptr (CmMergeReport) back = merge (p.sb, p.a);
  g_autofree char *state_a = state_of (p.sa), *state_b = state_of (p.sb);
  g_assert_cmpstr (state_a, ==, state_b);
  g_autofree char *sql = g_strdup_printf ("SELECT r.name || ' / ' || c.value FROM resources r JOIN"
                                          " cm_conflicts c ON c.uuid = r.uuid AND c.field ="
                                          " 'name' WHERE r.uuid = '%s'", p.f[0]);
  g_autofree char *both = query_text (p.sa, sql);
  g_autofree char *one_way = g_strdup_printf ("%s / %s\n", names[0], names[1]);
  g_autofree char *other_way = g_strdup_printf ("%s / %s\n", names[1], names[0]);
  g_assert_true (g_str_equal (both, one_way) || g_str_equal (both, other_way));
  g_assert_cmpint (cm_test_query_int (p.sa, "SELECT count(DISTINCT uuid) FROM cm_conflicts"), ==, 1);
  /* they have met: merging again is nothing new, not a byte written */
  g_autofree char *sha = cm_test_sha256 (p.a);
  g_autoptr (CmMergeReport) again = merge (p.sa, p.b);
  g_assert_true (again->nothing_new);
  g_autofree char *sha_again = cm_test_sha256 (p.a);
  g_assert_cmpstr (sha, ==, sha_again);
  pair_teardown (&p);
}

/* ---- the property test -------------------------------------------------------------------- */

typedef struct
{
  char *table, *uuid, *field, *value;
  CmVersion version;
  GHashTable *clock; /* the writer's clock just after: what it had seen */
} Write;

static void
write_free (gpointer data)
{
  Write *w = data;
  g_free (w->table);
  g_free (w->uuid);
  g_free (w->field);
  g_free (w->value);
  cm_version_clear (&w->version);
  g_hash_table_unref (w->clock);
  g_free (w);
}

static void
record_in (GPtrArray *writes, CmStore *store, const char *table, const char *uuid,
           const char *field)
{
  Write *w = g_new0 (Write, 1);
  w->table = g_strdup (table);
  w->uuid = g_strdup (uuid);
  w->field = g_strdup (field);
  g_autofree char *sql = g_strdup_printf ("SELECT hex(\"%s\") FROM %s WHERE uuid = '%s'", field,
                                          table, uuid);
  w->value = query_text (store, sql);
  g_assert_true (cm_versions_get (store, table, uuid, field, &w->version, NULL));
  w->clock = cm_versions_get_clock (store, NULL);
  g_ptr_array_add (writes, w);
}

static void
record (GPtrArray *writes, CmStore *store, const char *uuid, const char *field)
{
  record_in (writes, store, "resources", uuid, field);
}

/* A random live row of @table (resources or photos), or NULL. */
static char *
random_live (GRand *rand, CmStore *store, const char *table)
{
  g_autofree char *sql = g_strdup_printf ("SELECT uuid FROM %s WHERE deleted = 0 ORDER BY uuid",
                                          table);
  g_autofree char *all = query_text (store, sql);
  g_auto (GStrv) uuids = g_strsplit (all, "\n", -1);
  guint n = g_strv_length (uuids);
  if (n > 0 && *uuids[n - 1] == '\0')
    n--; /* after the last newline */
  return n ? g_strdup (uuids[g_rand_int_range (rand, 0, (gint32) n)]) : NULL;
}

static GBytes *
wkt_wkb (CmStore *store, const char *wkt)
{
  g_autofree char *sql = g_strdup_printf ("SELECT AsBinary(GeomFromText('%s', 4326))", wkt);
  sqlite3_stmt *stmt = _cm_store_prepare (store, sql, NULL);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  GBytes *b = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
  sqlite3_finalize (stmt);
  return b;
}

/* A new resource, drawn through the copy's history: a point, a line of four points or a
 * triangle (whose corners can go anywhere and leave it valid). */
static char *
draw (GRand *rand, CmHistory *history, CmStore *store, const char *name)
{
  g_autoptr (GError) error = NULL;
  double x = 116.3 + g_rand_double (rand) * 0.01, y = 40.0 + g_rand_double (rand) * 0.01;
  g_autofree char *wkt = NULL;
  switch (g_rand_int_range (rand, 0, 3))
    {
    case 0:
      wkt = g_strdup_printf ("POINT(%.6f %.6f)", x, y);
      break;
    case 1:
      wkt = g_strdup_printf ("LINESTRING(%.6f %.6f, %.6f %.6f, %.6f %.6f, %.6f %.6f)", x, y,
                             x + 0.001, y, x + 0.001, y + 0.001, x + 0.002, y + 0.001);
      break;
    default:
      wkt = g_strdup_printf ("POLYGON((%.6f %.6f, %.6f %.6f, %.6f %.6f, %.6f %.6f))", x, y,
                             x + 0.001, y, x, y + 0.001, x, y);
    }
  g_autoptr (CmFeature) f = cm_feature_new (CM_LAYER_RESOURCES);
  g_autoptr (GBytes) wkb = wkt_wkb (store, wkt);
  cm_feature_set_wkb (f, wkb);
  cm_feature_set_name (f, name);
  cm_feature_set_category (f, "other");
  g_assert_true (cm_history_add (history, f, &error));
  g_assert_no_error (error);
  return g_strdup (cm_feature_get_uuid (f));
}

/* Moves one vertex of a line or an area (a point moves whole) to a random place nearby. */
static void
move_a_vertex (GRand *rand, CmFeature *f)
{
  GBytes *wkb = cm_feature_get_wkb (f); /* the feature's */
  g_autoptr (CmGeom) g = cm_geom_from_wkb (g_bytes_get_data (wkb, NULL), g_bytes_get_size (wkb));
  g_assert_nonnull (g);
  guint n = cm_geom_n_positions (g), at;
  do
    at = (guint) g_rand_int_range (rand, 0, (gint32) n);
  while (cm_geom_is_closing (g, at));
  cm_geom_move_position (g, at, 116.3 + g_rand_double (rand) * 0.01,
                         40.0 + g_rand_double (rand) * 0.01);
  g_autoptr (GBytes) moved = cm_geom_to_wkb (g);
  cm_feature_set_wkb (f, moved);
}

/* One copy in the property test: its file, its store and its history of edits (undo). */
typedef struct
{
  char *path;
  CmStore *store;
  CmHistory *history;
} Copy;

static void
copy_free (gpointer data)
{
  Copy *c = data;
  g_object_unref (c->history);
  g_object_unref (c->store);
  g_free (c->path);
  g_free (c);
}

/* The fields undo or redo may have written back: all that the property test edits. */
static void
record_whole (GPtrArray *writes, CmStore *store, const char *uuid)
{
  const char *fields[] = { "name", "category", "geom", "deleted" };
  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    record (writes, store, uuid, fields[i]);
}

/* How many of each kind of edit the runs made, to show they made them all. */
enum { ADD, RENAME, RECATEGORISE, MOVE_VERTEX, DELETE, RESOLVE, UNDO, PHOTO, N_OPS };
static guint ops_done[N_OPS];
static const char *const op_names[N_OPS] = { "adds", "renames", "recategorisations",
                                             "vertex moves", "deletions", "resolutions", "undos",
                                             "photos added or deleted" };

static void
random_edit (GRand *rand, Copy *copy, int n_copy, int step, GPtrArray *writes, const char *jpeg)
{
  g_autoptr (GError) error = NULL;
  CmStore *store = copy->store;
  int op = g_rand_int_range (rand, 0, N_OPS);
  if (op == RESOLVE)
    {
      /* a person resolves a conflict, if there is one: mine, theirs or both */
      g_autoptr (GPtrArray) list = cm_merge_list_conflicts (store, NULL);
      if (list->len == 0)
        return;
      const CmConflict *c = list->pdata[g_rand_int_range (rand, 0, (gint32) list->len)];
      g_autofree char *fresh = NULL;
      g_autofree char *uuid = g_strdup (c->uuid);
      g_autoptr (GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; i < c->fields->len; i++)
        g_ptr_array_add (fields, g_strdup (c->fields->pdata[i]));
      g_assert_true (cm_merge_resolve (store, uuid, g_rand_int_range (rand, 0, 3), &fresh, &error));
      g_assert_no_error (error);
      ops_done[op]++;
      for (guint i = 0; i < fields->len; i++)
        record (writes, store, uuid, fields->pdata[i]);
      if (fresh)
        record (writes, store, fresh, "name");
      return;
    }
  if (op == UNDO)
    {
      /* undo the copy's last edit (and, now and then, redo it): an edit of its own */
      if (!cm_history_can_undo (copy->history))
        return;
      g_autoptr (CmFeature) now = NULL;
      g_assert_true (cm_history_undo (copy->history, NULL, &now, &error));
      g_assert_no_error (error);
      if (g_rand_int_range (rand, 0, 3) == 0)
        {
          g_clear_object (&now);
          g_assert_true (cm_history_redo (copy->history, NULL, &now, &error));
          g_assert_no_error (error);
        }
      record_whole (writes, store, cm_feature_get_uuid (now));
      ops_done[op]++;
      return;
    }
  if (op == PHOTO)
    {
      /* a photo added to a live feature, or a live photo deleted */
      g_autofree char *photo = g_rand_int_range (rand, 0, 3) ? NULL
                                                             : random_live (rand, store, "photos");
      if (photo)
        {
          g_assert_true (cm_store_delete_photo (store, photo, &error));
          record_in (writes, store, "photos", photo, "deleted");
          ops_done[op]++;
          return;
        }
      g_autofree char *to = random_live (rand, store, "resources");
      if (to == NULL)
        return;
      g_autoptr (CmFeature) f = get (store, to);
      g_autofree char *made = cm_store_add_photo (store, f, jpeg, &error);
      g_assert_no_error (error);
      record_in (writes, store, "photos", made, "feature_uuid");
      ops_done[op]++;
      return;
    }
  g_autofree char *uuid = op == ADD ? NULL : random_live (rand, store, "resources");
  g_autofree char *label = g_strdup_printf ("c%d-%d", n_copy, step);
  if (op == ADD || uuid == NULL)
    {
      g_autofree char *made = draw (rand, copy->history, store, label);
      record (writes, store, made, "name");
      ops_done[ADD]++;
      return;
    }
  g_autoptr (CmFeature) f = get (store, uuid);
  g_autoptr (CmFeature) before = cm_feature_copy (f);
  const char *field = NULL;
  if (op == RENAME)
    cm_feature_set_name (f, label), field = "name";
  else if (op == RECATEGORISE)
    cm_feature_set_category (f, categories[g_rand_int_range (rand, 0, 4)]), field = "category";
  else if (op == MOVE_VERTEX)
    move_a_vertex (rand, f), field = "geom";
  if (op == DELETE)
    {
      g_assert_true (cm_history_delete (copy->history, f, &error));
      field = "deleted";
    }
  else
    g_assert_true (cm_history_update (copy->history, before, f, &error));
  g_assert_no_error (error);
  record (writes, store, uuid, field);
  ops_done[op]++;
}

/* Whether @w's value is still there (live or a conflict) in @store, or a later write on its own
 * field by a copy that had seen it overwrote it. */
static gboolean
kept_or_overwritten (CmStore *store, GPtrArray *writes, Write *w)
{
  g_autofree char *sql = g_strdup_printf (
      "SELECT (SELECT count(*) FROM cm_versions WHERE layer = '%s' AND uuid = '%s' AND"
      " site = '%s' AND counter = %" G_GINT64_FORMAT " AND (field = '%s' OR (field = '' AND NOT"
      " EXISTS (SELECT 1 FROM cm_versions WHERE layer = '%s' AND uuid = '%s' AND field ="
      " '%s')))) + (SELECT count(*) FROM cm_conflicts WHERE uuid = '%s' AND field = '%s' AND"
      " site = '%s' AND counter = %" G_GINT64_FORMAT ")",
      w->table, w->uuid, w->version.site, w->version.counter, w->field, w->table, w->uuid,
      w->field, w->uuid, w->field, w->version.site, w->version.counter);
  if (cm_test_query_int (store, sql) > 0)
    return TRUE;
  /* two copies that wrote the same value: one value, under one of their versions (rule 3) */
  g_autofree char *same = g_strdup_printf (
      "SELECT (SELECT hex(\"%s\") FROM %s WHERE uuid = '%s') || char(10) = '%s' OR"
      " EXISTS (SELECT 1 FROM cm_conflicts WHERE uuid = '%s' AND field = '%s' AND"
      " hex(value) || char(10) = '%s')",
      w->field, w->table, w->uuid, w->value, w->uuid, w->field, w->value);
  if (cm_test_query_int (store, same) > 0)
    return TRUE;
  for (guint i = 0; i < writes->len; i++)
    {
      Write *later = writes->pdata[i];
      if (later == w || g_strcmp0 (later->uuid, w->uuid) != 0)
        continue;
      /* every write of a feature is a write of its `deleted` too (docs/merge.md rule 4) */
      if (g_strcmp0 (later->field, w->field) != 0 && !g_str_equal (w->field, "deleted"))
        continue;
      const gint64 *seen = g_hash_table_lookup (later->clock, w->version.site);
      if (seen && *seen >= w->version.counter &&
          !(later->version.counter == w->version.counter &&
            g_strcmp0 (later->version.site, w->version.site) == 0))
        return TRUE;
    }
  return FALSE;
}

static void
one_run (guint32 seed, const char *jpeg, guint *conflicts_seen)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = cm_test_tmpdir ();
  int n = g_rand_int_range (rand, 3, 6);
  g_autoptr (GPtrArray) copies = g_ptr_array_new_with_free_func (copy_free);
  g_autoptr (GPtrArray) writes = g_ptr_array_new_with_free_func (write_free);
  g_autofree char *first_path = g_build_filename (dir, "c0.sqlite", NULL);
  {
    /* the map the copies start from: points, lines and triangles */
    g_autoptr (CmStore) s = cm_store_create (first_path, "p", &error);
    g_autoptr (CmHistory) h = cm_history_new (s);
    for (int i = 0; i < 6; i++)
      {
        g_autofree char *u = draw (rand, h, s, "起点");
        record (writes, s, u, "name");
      }
  }
  for (int c = 0; c < n; c++)
    {
      Copy *copy = g_new0 (Copy, 1);
      copy->path = g_strdup_printf ("%s/c%d.sqlite", dir, c);
      if (c > 0)
        copy_file (first_path, copy->path);
      copy->store = cm_store_open (copy->path, &error);
      g_assert_no_error (error);
      _cm_store_exec (copy->store, "PRAGMA synchronous = OFF", NULL); /* a test: no need to wait for the disk */
      copy->history = cm_history_new (copy->store);
      g_ptr_array_add (copies, copy);
    }
  /* rounds of edits and random merges (a copy into itself, the same copy twice, included) */
  int rounds = g_rand_int_range (rand, 2, 5);
  for (int round = 0; round < rounds; round++)
    {
      for (int c = 0; c < n; c++)
        for (int e = g_rand_int_range (rand, 0, 5); e > 0; e--)
          random_edit (rand, copies->pdata[c], c, round * 10 + e, writes, jpeg);
      for (int m = g_rand_int_range (rand, 1, n + 2); m > 0; m--)
        {
          Copy *to = copies->pdata[g_rand_int_range (rand, 0, n)];
          Copy *from = copies->pdata[g_rand_int_range (rand, 0, n)];
          g_autoptr (CmMergeReport) r = merge (to->store, from->path);
          *conflicts_seen += conflicts_in (r);
          if (g_rand_boolean (rand))
            {
              g_autoptr (CmMergeReport) twice = merge (to->store, from->path);
              g_assert_true (twice->nothing_new);
            }
        }
    }
  /* everyone meets everyone: all into copy 0, then copy 0 into all */
  Copy *zero = copies->pdata[0];
  for (int c = 1; c < n; c++)
    cm_merge_report_free (merge (zero->store, ((Copy *) copies->pdata[c])->path));
  for (int c = 1; c < n; c++)
    cm_merge_report_free (merge (((Copy *) copies->pdata[c])->store, zero->path));
  g_autofree char *first = state_of (zero->store);
  for (int c = 1; c < n; c++)
    {
      g_autofree char *other = state_of (((Copy *) copies->pdata[c])->store);
      if (g_strcmp0 (first, other) != 0)
        g_error ("seed %u: copies 0 and %d differ after meeting:\n%s\n≠\n%s", seed, c, first,
                 other);
    }
  for (guint i = 0; i < writes->len; i++)
    if (!kept_or_overwritten (zero->store, writes, writes->pdata[i]))
      {
        Write *w = writes->pdata[i];
        g_error ("seed %u: the write of %s's %s (%s:%" G_GINT64_FORMAT ") is lost", seed, w->uuid,
                 w->field, w->version.site, w->version.counter);
      }
  for (int c = 0; c < n; c++)
    {
      g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
      g_assert_true (cm_store_check (((Copy *) copies->pdata[c])->store, problems, NULL));
      g_assert_cmpint (problems->len, ==, 0);
    }
}

static void
test_property (void)
{
  const char *env = g_getenv ("CM_MERGE_RUNS");
  guint runs = env ? (guint) atoi (env) : 200, conflicts = 0;
  g_autofree char *dir = cm_test_tmpdir ();
  g_autofree char *jpeg = g_build_filename (dir, "photo.jpg", NULL);
  g_autoptr (GdkPixbuf) pixels = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 32, 24);
  gdk_pixbuf_fill (pixels, 0x2080c0ff);
  g_assert_true (gdk_pixbuf_save (pixels, jpeg, "jpeg", NULL, NULL));
  for (guint32 seed = 1; seed <= runs; seed++)
    one_run (seed, jpeg, &conflicts);
  g_test_message ("%u runs, %u conflicts met", runs, conflicts);
  g_assert_cmpint (conflicts, >, runs / 4); /* the runs do meet conflicts */
  for (int op = 0; op < N_OPS; op++)
    {
      g_test_message ("%u %s", ops_done[op], op_names[op]);
      if (runs >= 100) /* the full test (not the few runs under valgrind) */
        g_assert_cmpint (ops_done[op], >, runs / 10); /* makes every kind of edit */
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/merge/different-fields", test_different_fields);
  g_test_add_func ("/merge/conflict", test_conflict);
  g_test_add_func ("/merge/delete-and-add", test_delete_and_add);
  g_test_add_func ("/merge/resolve", test_resolve);
  g_test_add_func ("/merge/records", test_records);
  g_test_add_func ("/merge/kinds", test_kinds);
  g_test_add_func ("/merge/refused", test_refused);
  g_test_add_func ("/merge/other-brought-up-to-date", test_other_brought_up_to_date);
  g_test_add_func ("/merge/undo-brings-conflicts-back", test_undo_brings_conflicts_back);
  g_test_add_func ("/merge/edited-before-versions", test_edited_before_versions);
  g_test_add_func ("/merge/property", test_property);
  return g_test_run ();
}
