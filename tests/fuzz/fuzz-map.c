/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-map.c: a map file from elsewhere (a USB stick), damaged anywhere: opened as the window and
 * cmap open it (a damaged map must be refused, never crash), and when it opens, what cmap info,
 * check, render, export and merge do with it: every layer's counts and extent, the check, one
 * tile of its whole extent drawn, its buildings read for an analysis, every layer exported as
 * GeoJSON, and the map merged into a
 * good one (read only, as merging reads the other copy). */
#include "fuzz-harness.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "cm-core.h"
#include "cm-render.h"

static GBytes *good; /* a small good map, the target of each merge */

static void
use_map (CmStore *store, const char *path)
{
  g_autoptr (GError) error = NULL;
  double bbox[4] = { 0 };
  gboolean any = FALSE;
  for (int l = 0; l < CM_N_LAYERS; l++)
    {
      CmLayerStats stats;
      if (cm_store_get_layer_stats (store, l, &stats, NULL) && stats.count > 0 && !any)
        {
          any = TRUE;
          memcpy (bbox, stats.bbox, sizeof bbox);
        }
    }
  g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  cm_store_check (store, problems, NULL);

  /* one tile of what it holds */
  CmRenderView view;
  cm_render_view_init_fit (&view, any ? bbox : (double[4]) { 0, 0, 1, 1 }, 256, 256, 19);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 256, 256);
  cairo_t *cr = cairo_create (surface);
  cm_render_draw (store, cr, &view, NULL, NULL);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);

  /* its buildings as the analyses read them: each footprint decoded, its point found */
  g_autoptr (CmCoverage) coverage = cm_coverage_new ();
  coverage->keep_shapes = TRUE;
  cm_coverage_load_buildings (coverage, store, NULL);

  for (int l = 0; l < CM_N_LAYERS; l++)
    {
      g_autoptr (GOutputStream) out = g_memory_output_stream_new_resizable ();
      cm_export_geojson (store, l, out, NULL, NULL);
    }

  /* merged into a good map, as Merge Another Map… does */
  gsize len;
  const guint8 *bytes = g_bytes_get_data (good, &len);
  g_autofree char *target_path = fuzz_write_file ("target.sqlite", bytes, len);
  g_autoptr (CmStore) target = cm_store_open (target_path, &error);
  if (target == NULL)
    g_error ("the good map does not open: %s", error->message);
  g_autoptr (CmMergeReport) report = cm_merge (target, path, FALSE, NULL);
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  /* the good map: made once, a station and a building on it */
  g_autoptr (GError) error = NULL;
  g_autofree char *path = fuzz_write_file ("good.sqlite", (const uint8_t *) "", 0);
  g_unlink (path);
  {
    g_autoptr (CmStore) store = cm_store_create (path, "good", &error);
    if (store == NULL)
      g_error ("%s", error->message);
  }
  g_autofree char *data = NULL;
  gsize len;
  if (!g_file_get_contents (path, &data, &len, &error))
    g_error ("%s", error->message);
  good = g_bytes_new_take (g_steal_pointer (&data), len);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *path = fuzz_write_file ("map.sqlite", data, size);
  g_autoptr (GError) error = NULL;
  g_autoptr (CmStore) store = cm_store_open (path, &error);
  if (store)
    use_map (store, path);
  return 0;
}
