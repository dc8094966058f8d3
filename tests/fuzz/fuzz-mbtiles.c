/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-mbtiles.c: an MBTiles basemap from elsewhere, damaged anywhere: opened as the window opens
 * a basemap, its name, attribution and zooms read, and the tiles the window asks for first (the
 * whole world at its smallest zoom, and the tile over Beijing at its largest). */
#include "fuzz-harness.h"

#include "cm-core.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *path = fuzz_write_file ("basemap.mbtiles", data, size);
  g_autoptr (GError) error = NULL;
  g_autoptr (CmMbtiles) tiles = cm_mbtiles_open (path, &error);
  if (tiles == NULL)
    return 0;
  (void) cm_mbtiles_get_name (tiles);
  (void) cm_mbtiles_get_attribution (tiles);
  int min = cm_mbtiles_get_min_zoom (tiles), max = cm_mbtiles_get_max_zoom (tiles);
  g_autoptr (GBytes) world = cm_mbtiles_get_tile (tiles, min, 0, 0, NULL);
  int z = CLAMP (max, 0, 22);
  int n = 1 << z;
  g_autoptr (GBytes) beijing = cm_mbtiles_get_tile (tiles, z, (int) (n * (116.3 + 180) / 360),
                                                    (int) (n * 0.37), NULL);
  return 0;
}
