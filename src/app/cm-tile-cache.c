/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-tile-cache.c: rendered tiles by z/x/y and variant, least recently used first out. */
#include "cm-tile-cache.h"

#include <math.h>

#include "cm-render-view.h"

typedef struct
{
  int z, x, y;
  guint variant;
} Key;

typedef struct
{
  Key key;
  GdkTexture *texture;
  guint64 used;
} Entry;

struct _CmTileCache
{
  gatomicrefcount ref;
  GMutex lock;
  GHashTable *entries; /* Key* → Entry* (the key lives in the entry) */
  guint capacity;
  guint64 clock;
};

static guint
key_hash (gconstpointer p)
{
  const Key *k = p;
  return (guint) (k->z * 73856093u) ^ (guint) (k->x * 19349663u) ^ (guint) (k->y * 83492791u) ^
         k->variant;
}

static gboolean
key_equal (gconstpointer a, gconstpointer b)
{
  const Key *x = a, *y = b;
  return x->z == y->z && x->x == y->x && x->y == y->y && x->variant == y->variant;
}

static void
entry_free (Entry *e)
{
  g_object_unref (e->texture);
  g_free (e);
}

CmTileCache *
cm_tile_cache_new (guint capacity)
{
  CmTileCache *self = g_new0 (CmTileCache, 1);
  g_atomic_ref_count_init (&self->ref);
  g_mutex_init (&self->lock);
  self->entries = g_hash_table_new_full (key_hash, key_equal, NULL, (GDestroyNotify) entry_free);
  self->capacity = MAX (capacity, 16);
  return self;
}

CmTileCache *
cm_tile_cache_ref (CmTileCache *self)
{
  g_atomic_ref_count_inc (&self->ref);
  return self;
}

void
cm_tile_cache_unref (CmTileCache *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->ref))
    return;
  g_hash_table_unref (self->entries);
  g_mutex_clear (&self->lock);
  g_free (self);
}

GdkTexture *
cm_tile_cache_lookup (CmTileCache *self, int z, int x, int y, guint variant)
{
  Key k = { z, x, y, variant };
  g_mutex_lock (&self->lock);
  Entry *e = g_hash_table_lookup (self->entries, &k);
  GdkTexture *t = NULL;
  if (e)
    {
      e->used = ++self->clock;
      t = g_object_ref (e->texture);
    }
  g_mutex_unlock (&self->lock);
  return t;
}

/* When full, drops the least recently used quarter of the cache's use-clock range (a scan of
 * the entries: it happens once per capacity/4 inserts). */
static void
evict (CmTileCache *self)
{
  if (g_hash_table_size (self->entries) < self->capacity)
    return;
  guint64 oldest = G_MAXUINT64, newest = 0;
  GHashTableIter iter;
  gpointer value;
  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      oldest = MIN (oldest, ((Entry *) value)->used);
      newest = MAX (newest, ((Entry *) value)->used);
    }
  guint64 cut = oldest + (newest - oldest) / 4;
  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((Entry *) value)->used <= cut)
      g_hash_table_iter_remove (&iter);
}

void
cm_tile_cache_insert (CmTileCache *self, int z, int x, int y, guint variant, GdkTexture *texture)
{
  Entry *e = g_new0 (Entry, 1);
  e->key = (Key) { z, x, y, variant };
  e->texture = g_object_ref (texture);
  g_mutex_lock (&self->lock);
  evict (self);
  e->used = ++self->clock;
  g_hash_table_replace (self->entries, &e->key, e);
  g_mutex_unlock (&self->lock);
}

guint
cm_tile_cache_invalidate (CmTileCache *self, const double bbox[4], double margin)
{
  guint dropped = 0;
  g_mutex_lock (&self->lock);
  GHashTableIter iter;
  gpointer value;
  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Entry *e = value;
      CmRenderView v;
      cm_render_view_init_tile (&v, e->key.z, e->key.x, e->key.y);
      double x0, y0, x1, y1;
      cm_render_view_project (&v, bbox[0], bbox[3], &x0, &y0); /* north-west */
      cm_render_view_project (&v, bbox[2], bbox[1], &x1, &y1); /* south-east */
      if (x1 >= -margin && x0 <= CM_TILE_SIZE + margin && y1 >= -margin &&
          y0 <= CM_TILE_SIZE + margin)
        {
          g_hash_table_iter_remove (&iter);
          dropped++;
        }
    }
  g_mutex_unlock (&self->lock);
  return dropped;
}
