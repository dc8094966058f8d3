/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-store-pool.c: read-only connections to one map, lent to worker threads. */
#include "config.h"

#include "cm-store-pool.h"

#include <glib/gi18n-lib.h>

struct _CmStorePool
{
  gatomicrefcount ref;
  char *path;
  GMutex lock;
  GCond returned;
  GPtrArray *idle; /* CmStore* */
  guint lent;
  gboolean closed;
};

CmStorePool *
cm_store_pool_new (const char *path)
{
  CmStorePool *self = g_new0 (CmStorePool, 1);
  g_atomic_ref_count_init (&self->ref);
  self->path = g_strdup (path);
  g_mutex_init (&self->lock);
  g_cond_init (&self->returned);
  self->idle = g_ptr_array_new_with_free_func (g_object_unref);
  return self;
}

CmStorePool *
cm_store_pool_ref (CmStorePool *self)
{
  g_atomic_ref_count_inc (&self->ref);
  return self;
}

void
cm_store_pool_unref (CmStorePool *self)
{
  if (!g_atomic_ref_count_dec (&self->ref))
    return;
  cm_store_pool_close (self);
  g_ptr_array_unref (self->idle);
  g_cond_clear (&self->returned);
  g_mutex_clear (&self->lock);
  g_free (self->path);
  g_free (self);
}

CmStore *
cm_store_pool_acquire (CmStorePool *self, GError **error)
{
  g_mutex_lock (&self->lock);
  if (self->closed)
    {
      g_mutex_unlock (&self->lock);
      g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_FAILED, _("the map was closed"));
      return NULL;
    }
  CmStore *store = self->idle->len ? g_ptr_array_steal_index_fast (self->idle, self->idle->len - 1)
                                   : NULL;
  self->lent++; /* counted before opening, so that close waits for this one too */
  g_mutex_unlock (&self->lock);
  if (store == NULL)
    store = cm_store_open_reader (self->path, error);
  if (store == NULL)
    {
      g_mutex_lock (&self->lock);
      self->lent--;
      g_cond_broadcast (&self->returned);
      g_mutex_unlock (&self->lock);
    }
  return store;
}

void
cm_store_pool_release (CmStorePool *self, CmStore *store)
{
  g_mutex_lock (&self->lock);
  self->lent--;
  gboolean keep = !self->closed;
  if (keep)
    g_ptr_array_add (self->idle, store);
  g_cond_broadcast (&self->returned);
  g_mutex_unlock (&self->lock);
  if (!keep)
    g_object_unref (store);
}

void
cm_store_pool_close (CmStorePool *self)
{
  g_mutex_lock (&self->lock);
  self->closed = TRUE;
  GPtrArray *idle = g_steal_pointer (&self->idle);
  self->idle = g_ptr_array_new_with_free_func (g_object_unref);
  while (self->lent > 0)
    g_cond_wait (&self->returned, &self->lock);
  g_mutex_unlock (&self->lock);
  g_ptr_array_unref (idle); /* the connections close */
}
