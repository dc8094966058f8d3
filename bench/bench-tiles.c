/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-tiles.c: see bench-tiles.h. */
#include "bench-tiles.h"

#include <math.h>

typedef struct
{
  int z, x, y;
  cairo_surface_t *surface;
  Pool *pool;
} Job;

static void
render_job (gpointer data, gpointer user_data)
{
  Job *job = data;
  Pool *pool = job->pool;
  CmStore *store = cm_store_pool_acquire (pool->readers, NULL);
  job->surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, CM_TILE_SIZE, CM_TILE_SIZE);
  cairo_t *cr = cairo_create (job->surface);
  CmRenderView view;
  cm_render_view_init_tile (&view, job->z, job->x, job->y);
  CmRenderOptions options;
  cm_render_options_init (&options);
  options.labels = FALSE;
  options.hidden = pool->hidden;
  options.overview = pool->overview;
  cm_render_draw (store, cr, &view, &options, NULL);
  cairo_destroy (cr);
  cm_store_pool_release (pool->readers, store);
}

static char *
tile_key (int z, int x, int y)
{
  return g_strdup_printf ("%d/%d/%d", z, x, y);
}

guint
draw_frame (Pool *pool, GHashTable *cache, cairo_surface_t *frame, const CmRenderView *v)
{
  int z = (int) v->zoom;
  int x0 = (int) floor (v->x / CM_TILE_SIZE), y0 = (int) floor (v->y / CM_TILE_SIZE);
  int x1 = (int) floor ((v->x + v->width) / CM_TILE_SIZE);
  int y1 = (int) floor ((v->y + v->height) / CM_TILE_SIZE);
  GPtrArray *jobs = g_ptr_array_new_with_free_func (g_free);
  GThreadPool *threads = NULL;
  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++)
      {
        g_autofree char *key = tile_key (z, x, y);
        if (g_hash_table_contains (cache, key))
          continue;
        if (threads == NULL)
          threads = g_thread_pool_new (render_job, NULL, BENCH_TILE_THREADS, TRUE, NULL);
        Job *job = g_new0 (Job, 1);
        *job = (Job) { z, x, y, NULL, pool };
        g_ptr_array_add (jobs, job);
        g_thread_pool_push (threads, job, NULL);
      }
  if (threads)
    g_thread_pool_free (threads, FALSE, TRUE);
  for (guint i = 0; i < jobs->len; i++)
    {
      Job *job = g_ptr_array_index (jobs, i);
      g_hash_table_insert (cache, tile_key (job->z, job->x, job->y), job->surface);
    }
  guint rendered = jobs->len;
  g_ptr_array_unref (jobs);

  cairo_t *cr = cairo_create (frame);
  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++)
      {
        g_autofree char *key = tile_key (z, x, y);
        cairo_set_source_surface (cr, g_hash_table_lookup (cache, key),
                                  x * CM_TILE_SIZE - v->x, y * CM_TILE_SIZE - v->y);
        cairo_paint (cr);
      }
  cairo_destroy (cr);
  cairo_surface_flush (frame);
  return rendered;
}

GHashTable *
tile_cache_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                (GDestroyNotify) cairo_surface_destroy);
}
