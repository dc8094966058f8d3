/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-merge.c: merging copies (issue #14) on the 57,020-building map bench-render builds:
 * two copies with 1,000 edits each (renames, households, moves, deletions, a few on the same
 * buildings) merged, in-process and as a whole `cmap merge`; then the same two merged again
 * (they have met: nothing new); peak RSS. Medians of 5, each on fresh copies. No desktop tool
 * merges two map files to compare with (QGIS has no merge: its issue 23146); geodiff's
 * rebase needs a server workflow, and its changesets are keyed by row id. */
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "cm-core.h"
#include "cm-store-private.h"

#define RUNS 5
#define EDITS 1000

static int
compare_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static double
median (double *v, int n)
{
  qsort (v, n, sizeof (double), compare_double);
  return v[n / 2];
}

static void
copy_file (const char *from, const char *to)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GFile) a = g_file_new_for_path (from);
  g_autoptr (GFile) b = g_file_new_for_path (to);
  if (!g_file_copy (a, b, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error))
    g_error ("%s", error->message);
}

/* @EDITS edits on the copy at @path, through the store as the window makes them, one
 * transaction each: every third a rename, a households count, a move; every 50th a deletion.
 * @offset picks which buildings (the two copies overlap on a few, for conflicts). */
static void
edit_copy (const char *path, int offset)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CmStore) store = cm_store_open (path, &error);
  if (store == NULL)
    g_error ("%s", error->message);
  sqlite3_stmt *ids = _cm_store_prepare (store, "SELECT id FROM buildings WHERE deleted = 0"
                                                " ORDER BY id", &error);
  g_autoptr (GArray) all = g_array_new (FALSE, FALSE, sizeof (gint64));
  while (sqlite3_step (ids) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (ids, 0);
      g_array_append_val (all, id);
    }
  sqlite3_finalize (ids);
  for (int e = 0; e < EDITS; e++)
    {
      gint64 id = g_array_index (all, gint64, (guint) ((e * 53 + offset) % all->len));
      g_autoptr (CmFeature) f = cm_store_get_feature_by_id (store, CM_LAYER_BUILDINGS, id, &error);
      if (e % 50 == 49)
        {
          if (!cm_store_delete_feature (store, f, &error))
            g_error ("%s", error->message);
          continue;
        }
      if (e % 3 == 0)
        {
          g_autofree char *name = g_strdup_printf ("楼 %d-%d", offset, e);
          cm_feature_set_name (f, name);
        }
      else if (e % 3 == 1)
        cm_feature_set_field (f, "households", g_variant_new_int64 (10 + e % 90));
      else
        cm_feature_set_category (f, e % 2 ? "market" : "other");
      if (!cm_store_update_feature (store, f, &error))
        g_error ("%s", error->message);
    }
}

static double
ms_since (gint64 t0)
{
  return (g_get_monotonic_time () - t0) / 1000.0;
}

int
main (int argc, char **argv)
{
  if (argc < 3)
    {
      g_printerr ("usage: bench-merge BENCH-50K.sqlite CMAP\n");
      return 2;
    }
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("cm-bench-merge-XXXXXX", &error);
  g_autofree char *base = g_build_filename (dir, "base.sqlite", NULL);
  g_autofree char *a0 = g_build_filename (dir, "a0.sqlite", NULL);
  g_autofree char *b0 = g_build_filename (dir, "b0.sqlite", NULL);
  copy_file (argv[1], base);
  {
    /* brought to this version once (an old bench map is migrated here, not in each run) */
    g_autoptr (CmStore) s = cm_store_open (base, &error);
    if (s == NULL)
      g_error ("%s", error->message);
  }
  copy_file (base, a0);
  copy_file (base, b0);
  gint64 t0 = g_get_monotonic_time ();
  edit_copy (a0, 0);
  edit_copy (b0, 7);
  g_print ("bench/merge: %s; two copies, %d edits each (one transaction each): %.0f ms\n",
           argv[1], EDITS, ms_since (t0));

  double merge_ms[RUNS], again_ms[RUNS], process_ms[RUNS], met_process_ms[RUNS];
  guint compared = 0, conflicts = 0, changed = 0, deleted = 0;
  for (int r = 0; r < RUNS; r++)
    {
      g_autofree char *a = g_build_filename (dir, "a.sqlite", NULL);
      g_autofree char *b = g_build_filename (dir, "b.sqlite", NULL);
      copy_file (a0, a);
      copy_file (b0, b);
      g_autoptr (CmStore) store = cm_store_open (a, &error);
      t0 = g_get_monotonic_time ();
      g_autoptr (CmMergeReport) report = cm_merge (store, b, FALSE, &error);
      merge_ms[r] = ms_since (t0);
      if (report == NULL)
        g_error ("%s", error->message);
      compared = report->rows_compared;
      const CmMergeCounts *c = &g_array_index (report->tables, CmMergeCounts, CM_LAYER_BUILDINGS);
      conflicts = c->conflicts, changed = c->changed, deleted = c->deleted;
      t0 = g_get_monotonic_time ();
      g_autoptr (CmMergeReport) again = cm_merge (store, b, FALSE, &error);
      again_ms[r] = ms_since (t0);
      if (again == NULL || !again->nothing_new)
        g_error ("merging again brought something new");
      g_clear_object (&store);

      /* whole processes: cmap merge on fresh copies, then again */
      copy_file (a0, a);
      const char *args[] = { argv[2], "merge", a, b, NULL };
      int status;
      for (int k = 0; k < 2; k++)
        {
          t0 = g_get_monotonic_time ();
          if (!g_spawn_sync (NULL, (char **) args, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                             NULL, NULL, &status, &error) ||
              !g_spawn_check_wait_status (status, &error))
            g_error ("cmap merge: %s", error->message);
          (k ? met_process_ms : process_ms)[r] = ms_since (t0);
        }
    }
  g_print ("merge, in-process (%u buildings compared: %u changed, %u deleted, %u conflicts),"
           " median of %d: %.0f ms (goal < 1 s)\n",
           compared, changed, deleted, conflicts, RUNS, median (merge_ms, RUNS));
  g_print ("  the same two merged again (they have met: nothing new), in-process: %.1f ms"
           " (goal < 100 ms)\n", median (again_ms, RUNS));
  g_print ("  whole processes, cmap merge: %.0f ms; again: %.0f ms\n",
           median (process_ms, RUNS), median (met_process_ms, RUNS));
  struct rusage usage;
  getrusage (RUSAGE_SELF, &usage);
  g_print ("peak RSS: %.0f MB (goal < 200 MB)\n", usage.ru_maxrss / 1024.0);
  const char *names[] = { "base", "a0", "b0", "a", "b" };
  const char *suffixes[] = { "", "-wal", "-shm" };
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    for (gsize k = 0; k < G_N_ELEMENTS (suffixes); k++)
      {
        g_autofree char *f = g_strdup_printf ("%s/%s.sqlite%s", dir, names[i], suffixes[k]);
        g_remove (f);
      }
  g_rmdir (dir);
  return 0;
}
