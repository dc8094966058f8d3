/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-store-pool.h: read-only connections to one map, lent to worker threads (drawing tiles).
 *
 * A map's -wal and -shm files go away only when its last connection closes, so whoever opens
 * a map must be able to close every connection to it: cm_store_pool_close() closes the idle
 * ones, waits for the lent ones to come back, and lends no more.
 */
#pragma once

#include "cm-store.h"

G_BEGIN_DECLS

typedef struct _CmStorePool CmStorePool;

/* A pool for the map at @path, which this process has opened (and so checked) already. */
CmStorePool *cm_store_pool_new (const char *path);
CmStorePool *cm_store_pool_ref (CmStorePool *self);
void cm_store_pool_unref (CmStorePool *self);

/* A connection for this thread: an idle one, or a new one. Fails once the pool is closed. */
CmStore *cm_store_pool_acquire (CmStorePool *self, GError **error);
/* Gives @store back (closed at once when the pool was closed meanwhile). */
void cm_store_pool_release (CmStorePool *self, CmStore *store);
/* Closes every connection: the idle ones now, the lent ones as they come back, which this
 * waits for. Later acquires fail. */
void cm_store_pool_close (CmStorePool *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CmStorePool, cm_store_pool_unref)

G_END_DECLS
