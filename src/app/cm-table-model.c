/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-table-model.c: row ids in memory, features read when shown. */
#include "config.h"

#include "cm-table-model.h"

#define CACHE_SIZE 512 /* features kept: several screens of rows */

struct _CmTableModel
{
  GObject parent_instance;
  CmStore *store;
  CmLayer layer;
  GArray *ids;        /* gint64 */
  GHashTable *cache;  /* position → CmFeature */
  GQueue *order;      /* positions in the cache, oldest first */
  gint64 work_us;     /* time spent reading rows and (cm_table_model_add_work) showing them */
};

static void cm_table_model_list_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CmTableModel, cm_table_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      cm_table_model_list_init))

static GType
get_item_type (GListModel *list)
{
  return CM_TYPE_FEATURE;
}

static guint
get_n_items (GListModel *list)
{
  return CM_TABLE_MODEL (list)->ids->len;
}

static gpointer
get_item (GListModel *list, guint position)
{
  CmTableModel *self = CM_TABLE_MODEL (list);
  if (position >= self->ids->len)
    return NULL;
  CmFeature *f = g_hash_table_lookup (self->cache, GUINT_TO_POINTER (position + 1));
  if (f)
    return g_object_ref (f);
  gint64 t0 = g_get_monotonic_time ();
  f = cm_store_get_feature_by_id (self->store, self->layer,
                                  g_array_index (self->ids, gint64, position), NULL);
  if (f == NULL)
    f = cm_feature_new (self->layer); /* deleted by another program meanwhile: an empty row */
  if (g_queue_get_length (self->order) >= CACHE_SIZE)
    g_hash_table_remove (self->cache, g_queue_pop_head (self->order));
  g_hash_table_insert (self->cache, GUINT_TO_POINTER (position + 1), g_object_ref (f));
  g_queue_push_tail (self->order, GUINT_TO_POINTER (position + 1));
  self->work_us += g_get_monotonic_time () - t0;
  return f;
}

void
cm_table_model_add_work (CmTableModel *self, gint64 us)
{
  self->work_us += us;
}

gint64
cm_table_model_get_work_us (CmTableModel *self)
{
  return self->work_us;
}

static void
cm_table_model_list_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static void
cm_table_model_finalize (GObject *object)
{
  CmTableModel *self = CM_TABLE_MODEL (object);
  g_clear_object (&self->store);
  g_array_unref (self->ids);
  g_hash_table_unref (self->cache);
  g_queue_free (self->order);
  G_OBJECT_CLASS (cm_table_model_parent_class)->finalize (object);
}

static void
cm_table_model_class_init (CmTableModelClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cm_table_model_finalize;
}

static void
cm_table_model_init (CmTableModel *self)
{
  self->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->cache = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  self->order = g_queue_new ();
}

CmTableModel *
cm_table_model_new (CmStore *store, CmLayer layer)
{
  CmTableModel *self = g_object_new (CM_TYPE_TABLE_MODEL, NULL);
  self->store = g_object_ref (store);
  self->layer = layer;
  return self;
}

GArray *
cm_table_model_get_ids (CmTableModel *self)
{
  return self->ids;
}

CmLayer
cm_table_model_get_layer (CmTableModel *self)
{
  return self->layer;
}

static void
clear_cache (CmTableModel *self)
{
  g_hash_table_remove_all (self->cache);
  g_queue_clear (self->order);
}

gboolean
cm_table_model_reload (CmTableModel *self, const char *filter, const char *column,
                       gboolean descending, GError **error)
{
  GArray *ids = cm_table_ids (self->store, self->layer, filter, column, descending, error);
  if (ids == NULL)
    return FALSE;
  guint before = self->ids->len;
  g_array_unref (self->ids);
  self->ids = ids;
  clear_cache (self);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, before, ids->len);
  return TRUE;
}

void
cm_table_model_features_changed (CmTableModel *self)
{
  /* the rows read so far are read again when they show: one change over their span (a
   * change per row would have the view rebind its rows hundreds of times) */
  guint first = G_MAXUINT, last = 0;
  GHashTableIter it;
  gpointer key;
  g_hash_table_iter_init (&it, self->cache);
  while (g_hash_table_iter_next (&it, &key, NULL))
    {
      guint position = GPOINTER_TO_UINT (key) - 1;
      first = MIN (first, position);
      last = MAX (last, position);
    }
  clear_cache (self);
  if (first <= last)
    g_list_model_items_changed (G_LIST_MODEL (self), first, last - first + 1, last - first + 1);
}

guint
cm_table_model_find (CmTableModel *self, gint64 id)
{
  for (guint i = 0; i < self->ids->len; i++)
    if (g_array_index (self->ids, gint64, i) == id)
      return i;
  return G_MAXUINT;
}
