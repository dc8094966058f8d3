/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-online-source.c: online tiles that say when they cannot be had. */
#include "config.h"

#include "cm-online-source.h"

struct _CmOnlineSource
{
  ShumateMapSource parent_instance;
  ShumateMapSource *tiles; /* libshumate's own downloader and decoder */
  gboolean told;           /* "unreachable" is emitted once */
};

G_DEFINE_FINAL_TYPE (CmOnlineSource, cm_online_source, SHUMATE_TYPE_MAP_SOURCE)

enum
{
  UNREACHABLE,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static void
tile_filled_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  GTask *task = data;
  CmOnlineSource *self = g_task_get_source_object (task);
  GError *error = NULL;
  if (shumate_map_source_fill_tile_finish (SHUMATE_MAP_SOURCE (source), result, &error))
    g_task_return_boolean (task, TRUE);
  else
    {
      if (!self->told && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          self->told = TRUE;
          g_signal_emit (self, signals[UNREACHABLE], 0, error->message);
        }
      g_task_return_error (task, error);
    }
  g_object_unref (task);
}

static void
fill_tile_async (ShumateMapSource *source, ShumateTile *tile, GCancellable *cancellable,
                 GAsyncReadyCallback callback, gpointer user_data)
{
  CmOnlineSource *self = CM_ONLINE_SOURCE (source);
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  shumate_map_source_fill_tile_async (self->tiles, tile, cancellable, tile_filled_cb, task);
}

static gboolean
fill_tile_finish (ShumateMapSource *source, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
cm_online_source_finalize (GObject *object)
{
  g_clear_object (&CM_ONLINE_SOURCE (object)->tiles);
  G_OBJECT_CLASS (cm_online_source_parent_class)->finalize (object);
}

static void
cm_online_source_class_init (CmOnlineSourceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cm_online_source_finalize;
  SHUMATE_MAP_SOURCE_CLASS (klass)->fill_tile_async = fill_tile_async;
  SHUMATE_MAP_SOURCE_CLASS (klass)->fill_tile_finish = fill_tile_finish;
  /* (const char *message): why the first tile could not be had */
  signals[UNREACHABLE] = g_signal_new ("unreachable", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
cm_online_source_init (CmOnlineSource *self)
{
}

CmOnlineSource *
cm_online_source_new (void)
{
  const char *url = g_getenv ("CM_ONLINE_TILES_URL");
  CmOnlineSource *self = g_object_new (CM_TYPE_ONLINE_SOURCE, NULL);
  self->tiles = SHUMATE_MAP_SOURCE (shumate_raster_renderer_new_full_from_url (
      "osm-mapnik", "OpenStreetMap", "© OpenStreetMap contributors",
      "https://www.openstreetmap.org/copyright", 0, 19, 256, SHUMATE_MAP_PROJECTION_MERCATOR,
      url && *url ? url : "https://tile.openstreetmap.org/{z}/{x}/{y}.png"));
  ShumateMapSource *s = SHUMATE_MAP_SOURCE (self);
  shumate_map_source_set_id (s, "community-map-online-osm");
  shumate_map_source_set_name (s, "OpenStreetMap");
  shumate_map_source_set_license (s, "© OpenStreetMap contributors");
  shumate_map_source_set_license_uri (s, "https://www.openstreetmap.org/copyright");
  shumate_map_source_set_min_zoom_level (s, 0);
  shumate_map_source_set_max_zoom_level (s, 19);
  shumate_map_source_set_tile_size (s, 256);
  shumate_map_source_set_projection (s, SHUMATE_MAP_PROJECTION_MERCATOR);
  return self;
}
