/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-poster.c: an A0 poster (PDF, vector) of the 57,020-building map bench-render builds
 * (issue #15: < 3 s, peak RSS < 400 MB), in-process (`cm_poster_write`) and as a whole
 * `cmap poster`, beside QGIS 3.22's print layout exporting the same layers on the same paper
 * (PyQGIS `QgsLayoutExporter.exportToPdf`, bench/qgis-poster.py): in-process against
 * in-process, whole process against whole process, medians of RUNS each after a warm-up. Also
 * an A1 PNG at 150 dpi as a whole process, for scale. Prints its figures; asserts no time. */
#include <fcntl.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "cm-core.h"
#include "cm-poster.h"

#define RUNS 5

extern char **environ;

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

static double
ms_since (gint64 t0)
{
  return (g_get_monotonic_time () - t0) / 1000.0;
}

/* Runs @argv as a whole process (its output thrown away) RUNS times after one warm-up; the
 * median wall time (ms) and the largest peak RSS (MB) of the timed runs. FALSE if one failed. */
static gboolean
time_process (const char *const *argv, double *median_ms, double *rss_mb)
{
  double times[RUNS];
  *rss_mb = 0;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init (&actions);
  posix_spawn_file_actions_addopen (&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen (&actions, 2, "/dev/null", O_WRONLY, 0);
  gboolean ok = TRUE;
  for (int run = -1; ok && run < RUNS; run++)
    {
      gint64 t0 = g_get_monotonic_time ();
      pid_t pid;
      int status;
      struct rusage usage;
      ok = posix_spawn (&pid, argv[0], &actions, NULL, (char *const *) argv, environ) == 0 &&
           wait4 (pid, &status, 0, &usage) == pid && WIFEXITED (status) &&
           WEXITSTATUS (status) == 0;
      if (ok && run >= 0)
        {
          times[run] = ms_since (t0);
          *rss_mb = MAX (*rss_mb, usage.ru_maxrss / 1024.0);
        }
    }
  posix_spawn_file_actions_destroy (&actions);
  if (ok)
    *median_ms = median (times, RUNS);
  else
    g_print ("  %s failed\n", argv[0]);
  return ok;
}

/* QGIS in-process: bench/qgis-poster.py's own timing of RUNS exports; -1 without QGIS. */
static double
qgis_in_process (const char *script, const char *map, const CmPosterOptions *o, const char *pdf,
                 double *features)
{
  g_autofree char *w = g_strdup_printf ("%g", o->width_mm), *h = g_strdup_printf ("%g", o->height_mm);
  g_autofree char *runs = g_strdup_printf ("%d", RUNS);
  const char *argv[] = { "/usr/bin/python3", script, map, w, h, runs, pdf, NULL };
  g_autofree char *out = NULL, *err = NULL;
  int status = 0;
  g_autoptr (GError) error = NULL;
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
                     &error) || !g_spawn_check_wait_status (status, NULL))
    {
      g_print ("QGIS: PyQGIS could not export the layout (make bench-deps installs qgis): %s\n",
               error ? error->message : err);
      return -1;
    }
  g_autoptr (JsonParser) parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, out, -1, NULL))
    return -1;
  JsonObject *o2 = json_node_get_object (json_parser_get_root (parser));
  *features = json_object_get_double_member (o2, "features");
  return json_object_get_double_member (o2, "median_ms");
}

static goffset
file_size (const char *path)
{
  GStatBuf st;
  return g_stat (path, &st) == 0 ? st.st_size : -1;
}

int
main (int argc, char **argv)
{
  if (argc < 4)
    {
      g_printerr ("usage: bench-poster BENCH-50K.sqlite CMAP BENCH-SOURCE-DIR\n");
      return 2;
    }
  const char *map = argv[1], *cmap = argv[2];
  if (!g_file_test (map, G_FILE_TEST_EXISTS))
    {
      g_print ("%s is made by the render benchmark: run it first (make bench runs both)\n", map);
      return 0;
    }
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("cm-bench-poster-XXXXXX", &error);
  g_autofree char *ours_pdf = g_build_filename (dir, "ours-a0.pdf", NULL);
  g_autofree char *cmap_pdf = g_build_filename (dir, "cmap-a0.pdf", NULL);
  g_autofree char *cmap_png = g_build_filename (dir, "cmap-a1.png", NULL);
  g_autofree char *qgis_pdf = g_build_filename (dir, "qgis-a0.pdf", NULL);

  CmPosterOptions options;
  cm_poster_options_init (&options);
  cm_poster_parse_paper ("A0", FALSE, &options.width_mm, &options.height_mm);
  g_autoptr (CmStore) store = cm_store_open (map, &error);
  if (store == NULL)
    g_error ("%s", error->message);
  CmLayerStats stats;
  cm_store_get_layer_stats (store, CM_LAYER_BUILDINGS, &stats, NULL);

  /* ours in-process: the store open, a warm-up, then RUNS posters */
  double times[RUNS];
  CmPosterLayout layout;
  for (int run = -1; run < RUNS; run++)
    {
      gint64 t0 = g_get_monotonic_time ();
      if (!cm_poster_write (store, &options, ours_pdf, 150, &layout, &error))
        g_error ("%s", error->message);
      if (run >= 0)
        times[run] = ms_since (t0);
    }
  double ours_ms = median (times, RUNS);
  struct rusage usage;
  getrusage (RUSAGE_SELF, &usage);
  g_autofree char *scale = cm_format_count (layout.scale);
  g_print ("A0 PDF poster of %" G_GINT64_FORMAT " buildings at 1:%s, %d legend entries, "
           "%u index entries: in-process %.0f ms (median of %d), %.1f MB of PDF; this process's "
           "peak RSS %.0f MB\n",
           stats.count, scale, layout.legend_shown, layout.index_shown, ours_ms, RUNS,
           file_size (ours_pdf) / 1e6, usage.ru_maxrss / 1024.0);

  /* ours as whole processes */
  double cmap_ms = -1, cmap_rss = 0, png_ms = -1, png_rss = 0;
  const char *poster_argv[] = { cmap, "poster", map, "-o", cmap_pdf, "--paper", "A0", NULL };
  const char *png_argv[] = { cmap, "poster", map, "-o", cmap_png, "--paper", "A1", "--dpi", "150",
                             NULL };
  if (time_process (poster_argv, &cmap_ms, &cmap_rss))
    g_print ("cmap poster --paper A0 (PDF), whole process: %.0f ms (median of %d), peak RSS %.0f MB "
             "(goal < 3 s, < 400 MB)\n", cmap_ms, RUNS, cmap_rss);
  if (time_process (png_argv, &png_ms, &png_rss))
    g_print ("cmap poster --paper A1 --dpi 150 (PNG, 3508x4967), whole process: %.0f ms, peak RSS "
             "%.0f MB\n", png_ms, png_rss);

  /* QGIS's print layout: in-process, then whole processes */
  g_autofree char *script = g_build_filename (argv[3], "qgis-poster.py", NULL);
  double features = 0;
  double qgis_ms = qgis_in_process (script, map, &options, qgis_pdf, &features);
  if (qgis_ms > 0)
    {
      g_print ("QGIS 3.22 print layout (QgsLayoutExporter.exportToPdf; title, map of paths, "
               "buildings and resources, legend, scale bar), %.0f features on A0, in-process: "
               "%.0f ms (median of %d), %.1f MB of PDF: ours %.1fx faster\n",
               features, qgis_ms, RUNS, file_size (qgis_pdf) / 1e6, qgis_ms / ours_ms);
      g_autofree char *w = g_strdup_printf ("%g", options.width_mm);
      g_autofree char *h = g_strdup_printf ("%g", options.height_mm);
      const char *qgis_argv[] = { "/usr/bin/python3", script, map, w, h, "0", qgis_pdf, NULL };
      double whole_ms = -1, whole_rss = 0;
      if (time_process (qgis_argv, &whole_ms, &whole_rss) && cmap_ms > 0)
        g_print ("QGIS 3.22, the same script exporting once, whole process: %.0f ms (median of "
                 "%d), peak RSS %.0f MB: cmap poster %.1fx faster, %.1fx less memory\n",
                 whole_ms, RUNS, whole_rss, whole_ms / cmap_ms, whole_rss / cmap_rss);
    }
  g_unlink (ours_pdf);
  g_unlink (cmap_pdf);
  g_unlink (cmap_png);
  g_unlink (qgis_pdf);
  g_rmdir (dir);
  return 0;
}
