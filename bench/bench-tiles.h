/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-tiles.h: drawing a view the way the window does — 256 px tiles rendered on worker
 * threads from a pool of read-only connections, kept in a cache, composed into the frame — for
 * the render and district benchmarks. */
#pragma once

#include "cm-core.h"
#include "cm-render.h"

#define BENCH_TILE_THREADS 2

typedef struct
{
  CmStorePool *readers;
  guint hidden;
  CmOverview *overview; /* as the window's tiles have it; NULL: every tile reads the map */
} Pool;

/* A cache for draw_frame: tile key → cairo surface. */
GHashTable *tile_cache_new (void);

/* Draws the view into @frame from @cache, rendering the missing tiles on BENCH_TILE_THREADS
 * threads first. Returns how many tiles had to be rendered. */
guint draw_frame (Pool *pool, GHashTable *cache, cairo_surface_t *frame, const CmRenderView *v);
