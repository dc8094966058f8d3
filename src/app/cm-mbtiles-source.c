/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-mbtiles-source.c: MBTiles tiles, read and decoded on worker threads. */
#include "cm-mbtiles-source.h"

#include "cm-mbtiles.h"

struct _CmMbtilesSource
{
  ShumateMapSource parent_instance;
  char *path;
  int native_max_zoom; /* deeper tiles are cut from this zoom's, scaled up */
  GMutex lock;
  GPtrArray *idle; /* CmMbtiles*, one per worker thread at most */
};

G_DEFINE_FINAL_TYPE (CmMbtilesSource, cm_mbtiles_source, SHUMATE_TYPE_MAP_SOURCE)

typedef struct
{
  int z, x, y;
} TileJob;

static void
read_tile_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  CmMbtilesSource *self = source;
  TileJob *job = data;
  GError *error = NULL;
  g_mutex_lock (&self->lock);
  CmMbtiles *mb = self->idle->len ? g_ptr_array_steal_index_fast (self->idle, self->idle->len - 1)
                                  : NULL;
  g_mutex_unlock (&self->lock);
  if (mb == NULL && !(mb = cm_mbtiles_open (self->path, &error)))
    {
      g_task_return_error (task, error);
      return;
    }
  int dz = MAX (job->z - self->native_max_zoom, 0);
  GBytes *bytes = cm_mbtiles_get_tile (mb, job->z - dz, job->x >> dz, job->y >> dz, &error);
  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->idle, mb);
  g_mutex_unlock (&self->lock);
  GdkTexture *texture = bytes ? gdk_texture_new_from_bytes (bytes, &error) : NULL;
  if (bytes)
    g_bytes_unref (bytes);
  if (texture && dz > 0)
    {
      /* over-zoom: the part of the ancestor tile under this one, scaled up */
      int w = gdk_texture_get_width (texture), h = gdk_texture_get_height (texture);
      cairo_surface_t *src = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
      cairo_surface_flush (src);
      gdk_texture_download (texture, cairo_image_surface_get_data (src),
                            cairo_image_surface_get_stride (src));
      cairo_surface_mark_dirty (src);
      g_object_unref (texture);
      cairo_surface_t *dst = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 256, 256);
      cairo_t *cr = cairo_create (dst);
      double scale = 256.0 * (1 << dz) / w;
      int sub = (1 << dz) - 1;
      cairo_scale (cr, scale, scale);
      cairo_translate (cr, -(double) (job->x & sub) * w / (1 << dz),
                       -(double) (job->y & sub) * h / (1 << dz));
      cairo_set_source_surface (cr, src, 0, 0);
      cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
      cairo_paint (cr);
      cairo_destroy (cr);
      cairo_surface_destroy (src);
      cairo_surface_flush (dst);
      GBytes *pixels = g_bytes_new (cairo_image_surface_get_data (dst),
                                    cairo_image_surface_get_stride (dst) * 256);
      texture = gdk_memory_texture_new (256, 256, GDK_MEMORY_DEFAULT, pixels,
                                        cairo_image_surface_get_stride (dst));
      g_bytes_unref (pixels);
      cairo_surface_destroy (dst);
    }
  if (texture)
    g_task_return_pointer (task, texture, g_object_unref);
  else
    g_task_return_error (task, error);
}

static void
tile_read_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *outer = user_data;
  ShumateTile *tile = g_task_get_task_data (outer);
  GError *error = NULL;
  GdkTexture *texture = g_task_propagate_pointer (G_TASK (result), &error);
  if (texture)
    {
      shumate_tile_set_paintable (tile, GDK_PAINTABLE (texture));
      g_object_unref (texture);
    }
  /* a missing tile is an empty one, not an error: the basemap may not cover everything */
  shumate_tile_set_state (tile, SHUMATE_STATE_DONE);
  g_clear_error (&error);
  g_task_return_boolean (outer, TRUE);
  g_object_unref (outer);
}

static void
cm_mbtiles_source_fill_tile_async (ShumateMapSource *source, ShumateTile *tile,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  GTask *outer = g_task_new (source, cancellable, callback, user_data);
  g_task_set_task_data (outer, g_object_ref (tile), g_object_unref);
  TileJob *job = g_new (TileJob, 1);
  job->z = shumate_tile_get_zoom_level (tile);
  job->x = shumate_tile_get_x (tile);
  job->y = shumate_tile_get_y (tile);
  GTask *inner = g_task_new (source, cancellable, tile_read_cb, outer);
  g_task_set_task_data (inner, job, g_free);
  g_task_run_in_thread (inner, read_tile_thread);
  g_object_unref (inner);
}

static gboolean
cm_mbtiles_source_fill_tile_finish (ShumateMapSource *source, GAsyncResult *result,
                                    GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
cm_mbtiles_source_finalize (GObject *object)
{
  CmMbtilesSource *self = CM_MBTILES_SOURCE (object);
  g_ptr_array_unref (self->idle);
  g_mutex_clear (&self->lock);
  g_free (self->path);
  G_OBJECT_CLASS (cm_mbtiles_source_parent_class)->finalize (object);
}

static void
cm_mbtiles_source_class_init (CmMbtilesSourceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cm_mbtiles_source_finalize;
  SHUMATE_MAP_SOURCE_CLASS (klass)->fill_tile_async = cm_mbtiles_source_fill_tile_async;
  SHUMATE_MAP_SOURCE_CLASS (klass)->fill_tile_finish = cm_mbtiles_source_fill_tile_finish;
}

static void
cm_mbtiles_source_init (CmMbtilesSource *self)
{
  g_mutex_init (&self->lock);
  self->idle = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_mbtiles_free);
}

CmMbtilesSource *
cm_mbtiles_source_new (const char *path, GError **error)
{
  CmMbtiles *mb = cm_mbtiles_open (path, error);
  if (mb == NULL)
    return NULL;
  static guint serial;
  g_autofree char *id = g_strdup_printf ("mbtiles-%u", ++serial);
  CmMbtilesSource *self = g_object_new (CM_TYPE_MBTILES_SOURCE, NULL);
  self->path = g_strdup (path);
  ShumateMapSource *s = SHUMATE_MAP_SOURCE (self);
  shumate_map_source_set_id (s, id);
  shumate_map_source_set_name (s, cm_mbtiles_get_name (mb) ? cm_mbtiles_get_name (mb) : path);
  const char *attribution = cm_mbtiles_get_attribution (mb);
  shumate_map_source_set_license (s, attribution && *attribution ? attribution : NULL);
  shumate_map_source_set_min_zoom_level (s, cm_mbtiles_get_min_zoom (mb));
  /* the map must still reach street level: deeper tiles are cut from the deepest ones */
  self->native_max_zoom = cm_mbtiles_get_max_zoom (mb);
  shumate_map_source_set_max_zoom_level (s, 20);
  shumate_map_source_set_tile_size (s, 256);
  shumate_map_source_set_projection (s, SHUMATE_MAP_PROJECTION_MERCATOR);
  g_ptr_array_add (self->idle, mb);
  return self;
}
