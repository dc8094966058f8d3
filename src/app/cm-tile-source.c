/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-tile-source.c: drawing map tiles off the main thread. */
#include "cm-tile-source.h"

#include "cm-render.h"
#include "cm-store-pool.h"

struct _CmTileSource
{
  ShumateMapSource parent_instance;
  CmStorePool *readers;   /* the map's connections, shared with the window's other sources */
  guint hidden;
  gboolean background;
  GThreadPool *workers;   /* one thread per core: tiles are pure CPU work */
  CmTileCache *cache;
  CmOverview *overview;   /* what low zooms draw from (the window's, kept current by it) */
  guint pending;          /* main thread only */
  guint rendered;
  guint served;           /* from the cache */
};

G_DEFINE_FINAL_TYPE (CmTileSource, cm_tile_source, SHUMATE_TYPE_MAP_SOURCE)

typedef struct
{
  int z, x, y;
} TileJob;

static guint
variant (CmTileSource *self)
{
  return self->hidden << 1 | (self->background ? 1 : 0);
}

static void
render_tile_thread (gpointer data, gpointer user_data)
{
  GTask *task = data;
  CmTileSource *self = user_data;
  TileJob *job = g_task_get_task_data (task);
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
  CmStore *store = cm_store_pool_acquire (self->readers, &error);
  if (store == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, CM_TILE_SIZE,
                                                         CM_TILE_SIZE);
  cairo_t *cr = cairo_create (surface);
  CmRenderView view;
  cm_render_view_init_tile (&view, job->z, job->x, job->y);
  CmRenderOptions options;
  cm_render_options_init (&options);
  options.labels = FALSE; /* labels would be cut at tile edges */
  options.hidden = self->hidden;
  options.background = self->background;
  options.overview = self->overview;
  gboolean ok = cm_render_draw (store, cr, &view, &options, &error);
  cairo_destroy (cr);
  cm_store_pool_release (self->readers, store);
  if (!ok)
    {
      cairo_surface_destroy (surface);
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  cairo_surface_flush (surface);
  /* cairo's ARGB32 is premultiplied BGRA in memory on little-endian machines */
  int stride = cairo_image_surface_get_stride (surface);
  GBytes *bytes = g_bytes_new (cairo_image_surface_get_data (surface),
                               (gsize) stride * CM_TILE_SIZE);
  cairo_surface_destroy (surface);
  GdkTexture *texture = gdk_memory_texture_new (CM_TILE_SIZE, CM_TILE_SIZE,
                                                GDK_MEMORY_DEFAULT, bytes, stride);
  g_bytes_unref (bytes);
  if (self->cache)
    cm_tile_cache_insert (self->cache, job->z, job->x, job->y, variant (self), texture);
  g_task_return_pointer (task, texture, g_object_unref);
  g_object_unref (task);
}

/* Back on the main thread: hand the texture to the tile, then finish libshumate's request. */
static void
tile_rendered_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *outer = user_data;
  CmTileSource *self = CM_TILE_SOURCE (source);
  ShumateTile *tile = g_task_get_task_data (outer);
  self->pending--;
  self->rendered++;
  GError *error = NULL;
  GdkTexture *texture = g_task_propagate_pointer (G_TASK (result), &error);
  if (texture)
    {
      shumate_tile_set_paintable (tile, GDK_PAINTABLE (texture));
      shumate_tile_set_state (tile, SHUMATE_STATE_DONE);
      g_object_unref (texture);
      g_task_return_boolean (outer, TRUE);
    }
  else
    {
      g_task_return_error (outer, error);
    }
  g_object_unref (outer);
}

static void
cm_tile_source_fill_tile_async (ShumateMapSource *source, ShumateTile *tile,
                                GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data)
{
  CmTileSource *self = CM_TILE_SOURCE (source);
  GTask *outer = g_task_new (source, cancellable, callback, user_data);
  /* a tile the window drew before, untouched since: no drawing at all */
  GdkTexture *cached = self->cache ? cm_tile_cache_lookup (self->cache,
                                                           shumate_tile_get_zoom_level (tile),
                                                           shumate_tile_get_x (tile),
                                                           shumate_tile_get_y (tile),
                                                           variant (self))
                                   : NULL;
  if (cached)
    {
      shumate_tile_set_paintable (tile, GDK_PAINTABLE (cached));
      shumate_tile_set_state (tile, SHUMATE_STATE_DONE);
      g_object_unref (cached);
      g_task_return_boolean (outer, TRUE);
      g_object_unref (outer);
      self->served++;
      return;
    }
  self->pending++;
  g_task_set_source_tag (outer, cm_tile_source_fill_tile_async);
  g_task_set_task_data (outer, g_object_ref (tile), g_object_unref);

  TileJob *job = g_new (TileJob, 1);
  job->z = shumate_tile_get_zoom_level (tile);
  job->x = shumate_tile_get_x (tile);
  job->y = shumate_tile_get_y (tile);
  GTask *inner = g_task_new (source, cancellable, tile_rendered_cb, outer);
  g_task_set_task_data (inner, job, g_free);
  g_thread_pool_push (CM_TILE_SOURCE (source)->workers, inner, NULL); /* the pool unrefs it */
}

static gboolean
cm_tile_source_fill_tile_finish (ShumateMapSource *source, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
cm_tile_source_finalize (GObject *object)
{
  CmTileSource *self = CM_TILE_SOURCE (object);
  g_thread_pool_free (self->workers, TRUE, TRUE);
  g_clear_pointer (&self->cache, cm_tile_cache_unref);
  g_clear_pointer (&self->overview, cm_overview_unref);
  g_clear_pointer (&self->readers, cm_store_pool_unref);
  G_OBJECT_CLASS (cm_tile_source_parent_class)->finalize (object);
}

static void
cm_tile_source_class_init (CmTileSourceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cm_tile_source_finalize;
  SHUMATE_MAP_SOURCE_CLASS (klass)->fill_tile_async = cm_tile_source_fill_tile_async;
  SHUMATE_MAP_SOURCE_CLASS (klass)->fill_tile_finish = cm_tile_source_fill_tile_finish;
}

static void
cm_tile_source_init (CmTileSource *self)
{
  self->workers = g_thread_pool_new (render_tile_thread, self,
                                     (int) MAX (g_get_num_processors (), 1), FALSE, NULL);
}

CmTileSource *
cm_tile_source_new (CmStorePool *readers, guint hidden, gboolean background, CmTileCache *cache,
                    CmOverview *overview)
{
  static guint serial;
  g_autofree char *id = g_strdup_printf ("community-map-%u", ++serial);
  CmTileSource *self = g_object_new (CM_TYPE_TILE_SOURCE, NULL);
  self->readers = cm_store_pool_ref (readers);
  self->hidden = hidden;
  self->background = background;
  self->cache = cache ? cm_tile_cache_ref (cache) : NULL;
  self->overview = overview ? cm_overview_ref (overview) : NULL;
  shumate_map_source_set_id (SHUMATE_MAP_SOURCE (self), id);
  shumate_map_source_set_name (SHUMATE_MAP_SOURCE (self), "Community Map");
  shumate_map_source_set_license (SHUMATE_MAP_SOURCE (self), "© OpenStreetMap contributors");
  shumate_map_source_set_license_uri (SHUMATE_MAP_SOURCE (self),
                                      "https://www.openstreetmap.org/copyright");
  shumate_map_source_set_min_zoom_level (SHUMATE_MAP_SOURCE (self), 3);
  shumate_map_source_set_max_zoom_level (SHUMATE_MAP_SOURCE (self), 20);
  shumate_map_source_set_tile_size (SHUMATE_MAP_SOURCE (self), CM_TILE_SIZE);
  shumate_map_source_set_projection (SHUMATE_MAP_SOURCE (self), SHUMATE_MAP_PROJECTION_MERCATOR);
  return self;
}

guint
cm_tile_source_get_pending (CmTileSource *self)
{
  return self->pending;
}

guint
cm_tile_source_get_rendered (CmTileSource *self)
{
  return self->rendered;
}

void
cm_tile_source_reset_counts (CmTileSource *self)
{
  self->rendered = self->served = 0;
}

guint
cm_tile_source_get_served (CmTileSource *self)
{
  return self->served;
}
