/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-crash.c: kill -9 during an import or a merge never breaks the map: each time it opens,
 * its check passes, and it holds all of that import's (or merge's) features or none. */
#include <signal.h>
#include <sys/wait.h>

#include "cm-core.h"
#include "cm-test-util.h"

#define RUNS 16
#define BUILDINGS 11404

static void
test_kill_during_import (void)
{
  const char *cmap = g_getenv ("CMAP");
  g_autofree char *dir = cm_test_tmpdir ();
  g_autofree char *buildings = cm_test_data ("porto-centro/buildings.geojson");
  g_autoptr (GRand) rand = g_rand_new_with_seed (g_test_rand_int ());
  guint killed = 0, complete = 0, empty = 0, finished = 0;
  g_autoptr (GError) error = NULL;

  /* how long one import takes here, to spread the kills over it */
  g_autofree char *probe = g_build_filename (dir, "probe.sqlite", NULL);
  {
    g_autoptr (CmStore) store = cm_store_create (probe, "probe", &error);
    g_assert_no_error (error);
  }
  gint64 t0 = g_get_monotonic_time ();
  const char *probe_argv[] = { cmap, "import", probe, buildings, NULL };
  int status;
  g_spawn_sync (NULL, (char **) probe_argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                NULL, &status, &error);
  g_assert_no_error (error);
  gint64 duration = g_get_monotonic_time () - t0;
  g_test_message ("one import takes %" G_GINT64_FORMAT " ms", duration / 1000);

  /* Attempts until RUNS imports have really been killed: an import that finishes before its
   * kill (the machine got faster than the probe said) still gets checked, and makes the next
   * kills come sooner. */
  for (int run = 0; killed < RUNS; run++)
    {
      g_assert_cmpint (run, <, 6 * RUNS);
      g_autofree char *name = g_strdup_printf ("crash-%d.sqlite", run);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      {
        g_autoptr (CmStore) store = cm_store_create (path, "crash", &error);
        g_assert_no_error (error);
        /* half the runs start from a map that already holds other data */
        if (run % 2)
          {
            g_autoptr (CmImportReport) report = cm_import_report_new ();
            g_autofree char *pois = cm_test_data ("porto-centro/pois.geojson");
            g_assert_true (cm_import_file (store, pois, CM_LAYER_NONE, NULL, report, NULL, NULL,
                                           NULL, &error));
          }
      }

      const char *argv[] = { cmap, "import", path, buildings, NULL };
      GPid pid;
      g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD |
                     G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &pid,
                     &error);
      g_assert_no_error (error);
      /* half the runs anywhere from the start to a little past the usual end, half in the
       * last fifth: the commit and the checkpoint into the main file (a kill there once found
       * a map wrongly refused as truncated) */
      gint64 from = run % 2 ? (gint64) (duration * 0.8) : 0;
      g_usleep (g_rand_int_range (rand, (gint32) from, (gint32) (duration * 1.1) + 1));
      kill (pid, SIGKILL);
      waitpid (pid, &status, 0);
      if (WIFSIGNALED (status))
        killed++;
      else
        {
          finished++;
          duration = (gint64) (duration * 0.8);
        }

      /* the file opens, the check passes, and the import is all there or not at all */
      g_autoptr (CmStore) store = cm_store_open (path, &error);
      g_assert_no_error (error);
      g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
      g_assert_true (cm_store_check (store, problems, &error));
      for (guint i = 0; i < problems->len; i++)
        g_test_message ("run %d: %s", run, (char *) g_ptr_array_index (problems, i));
      g_assert_cmpint (problems->len, ==, 0);
      CmLayerStats stats;
      g_assert_true (cm_store_get_layer_stats (store, CM_LAYER_BUILDINGS, &stats, &error));
      g_assert_true (stats.count == 0 || stats.count == BUILDINGS);
      g_test_message ("run %d: %s, %" G_GINT64_FORMAT " buildings", run,
                      WIFSIGNALED (status) ? "killed" : "finished", stats.count);
      if (stats.count == 0)
        empty++;
      else
        complete++;
      g_assert_true (cm_store_get_layer_stats (store, CM_LAYER_RESOURCES, &stats, &error));
      g_assert_cmpint (stats.count, ==, run % 2 ? 5096 : 0);
    }
  g_test_message ("%u runs killed, %u finished first; %u left no buildings, %u all of them",
                  killed, finished, empty, complete);
  g_assert_cmpint (killed, ==, RUNS);
}

static void
copy_file (const char *from, const char *to)
{
  g_autofree char *bytes = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (from, &bytes, &len, NULL));
  g_assert_true (g_file_set_contents (to, bytes, len, NULL));
}

/* kill -9 during `cmap merge` (docs/merge.md): the target opens, its check passes, and it holds
 * the other copy's 11,404 buildings and their versions and clock — all or none; the other file
 * is never changed. */
static void
test_kill_during_merge (void)
{
  const char *cmap = g_getenv ("CMAP");
  g_autofree char *dir = cm_test_tmpdir ();
  g_autofree char *target = g_build_filename (dir, "target.sqlite", NULL);
  g_autofree char *other = g_build_filename (dir, "other.sqlite", NULL);
  g_autoptr (GError) error = NULL;
  {
    g_autoptr (CmStore) store = cm_store_create (target, "t", &error);
    g_autoptr (CmImportReport) report = cm_import_report_new ();
    g_autofree char *pois = cm_test_data ("porto-centro/pois.geojson");
    g_assert_true (cm_import_file (store, pois, CM_LAYER_NONE, NULL, report, NULL, NULL, NULL,
                                   &error));
  }
  copy_file (target, other);
  {
    g_autoptr (CmStore) store = cm_store_open (other, &error);
    g_autoptr (CmImportReport) report = cm_import_report_new ();
    g_autofree char *buildings = cm_test_data ("porto-centro/buildings.geojson");
    g_assert_true (cm_import_file (store, buildings, CM_LAYER_NONE, NULL, report, NULL, NULL,
                                   NULL, &error));
  }
  g_autofree char *other_sha = cm_test_sha256 (other);
  g_autofree char *probe = g_build_filename (dir, "probe.sqlite", NULL);
  copy_file (target, probe);
  gint64 t0 = g_get_monotonic_time ();
  const char *probe_argv[] = { cmap, "merge", probe, other, NULL };
  int status;
  g_spawn_sync (NULL, (char **) probe_argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                NULL, &status, &error);
  g_assert_no_error (error);
  gint64 duration = g_get_monotonic_time () - t0;
  g_test_message ("one merge takes %" G_GINT64_FORMAT " ms", duration / 1000);

  g_autoptr (GRand) rand = g_rand_new_with_seed (g_test_rand_int ());
  guint killed = 0, none = 0, all = 0;
  for (int run = 0; killed < RUNS; run++)
    {
      g_assert_cmpint (run, <, 6 * RUNS);
      g_autofree char *name = g_strdup_printf ("merge-%d.sqlite", run);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      copy_file (target, path);
      const char *argv[] = { cmap, "merge", path, other, NULL };
      GPid pid;
      g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD |
                     G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &pid,
                     &error);
      g_assert_no_error (error);
      gint64 from = run % 2 ? (gint64) (duration * 0.8) : 0;
      g_usleep (g_rand_int_range (rand, (gint32) from, (gint32) (duration * 1.1) + 1));
      kill (pid, SIGKILL);
      waitpid (pid, &status, 0);
      if (WIFSIGNALED (status))
        killed++;
      else
        duration = (gint64) (duration * 0.8);

      g_autoptr (CmStore) store = cm_store_open (path, &error);
      g_assert_no_error (error);
      g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
      g_assert_true (cm_store_check (store, problems, &error));
      g_assert_cmpint (problems->len, ==, 0);
      CmLayerStats stats;
      g_assert_true (cm_store_get_layer_stats (store, CM_LAYER_BUILDINGS, &stats, &error));
      gint64 versions = cm_test_query_int (store, "SELECT count(*) FROM cm_versions WHERE"
                                                  " layer = 'buildings'");
      g_autoptr (GHashTable) clock = cm_versions_get_clock (store, NULL);
      g_test_message ("merge run %d: %s, %" G_GINT64_FORMAT " buildings", run,
                      WIFSIGNALED (status) ? "killed" : "finished", stats.count);
      if (stats.count == 0)
        {
          none++;
          g_assert_cmpint (versions, ==, 0);
        }
      else
        {
          all++;
          g_assert_cmpint (stats.count, ==, BUILDINGS);
          g_assert_cmpint (versions, ==, BUILDINGS);
          g_assert_cmpint (g_hash_table_size (clock), ==, 2); /* the pois' import and the buildings' */
        }
      g_assert_true (cm_store_get_layer_stats (store, CM_LAYER_RESOURCES, &stats, &error));
      g_assert_cmpint (stats.count, ==, 5096);
      g_autofree char *sha = cm_test_sha256 (other);
      g_assert_cmpstr (sha, ==, other_sha);
    }
  g_test_message ("%u merges killed: %u left none of it, %u all of it", killed, none, all);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/crash/kill-during-import", test_kill_during_import);
  g_test_add_func ("/crash/kill-during-merge", test_kill_during_merge);
  return g_test_run ();
}
