/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-overview.c: what low zooms draw from, in memory: see cm-overview.h. */
#include "cm-overview.h"

#include <math.h>

#include "cm-geom.h"
#include "cm-style.h"

#define CELL_ZOOM 13
#define CELLS_PER_SIDE 8192.0 /* 2^CELL_ZOOM */
/* changes told while nothing zoomed out was drawn: past this many, reading everything again
 * costs less than reading each box */
#define MAX_PENDING 512
#define SHAPE_LAT 55.0 /* degrees: north of every city in China (Mohe, 53.5°) */

typedef struct
{
  GArray *items;   /* CmOverviewItem */
  GArray *rings;   /* guint32: points per ring */
  GArray *ring_at; /* guint32: where each ring begins in xy (points) */
  GArray *xy;      /* float: x, y in the cell's units */
} Cell;

/* One layer's features by cell. */
typedef struct
{
  GHashTable *cells; /* gint64 key (cx * 2^CELL_ZOOM + cy) → Cell */
  /* the widest and highest feature, in cells: a feature is kept in the cell of its north-west
   * corner, so a walk looks that far west and north of what it shows */
  double max_w, max_h;
  guint count;
} Index;

struct _CmOverview
{
  gint ref_count;
  GRWLock lock;        /* the indexes: walks read, updates write */
  Index index[CM_OVERVIEW_N_LAYERS];
  GMutex update_lock;  /* one thread brings the index up to date at a time */
  gboolean loaded;     /* under update_lock */
  GMutex pending_lock; /* what changed since, told by the window */
  GArray *pending;     /* double[4] boxes, lon/lat */
  gboolean reload;     /* everything changed */
};


/* @bbox (lon/lat) as a box in world units: x0, y0 (north-west), x1, y1. */
static void
box_to_unit (const double bbox[4], double u[4])
{
  cm_render_view_to_unit (bbox[0], bbox[3], &u[0], &u[1]);
  cm_render_view_to_unit (bbox[2], bbox[1], &u[2], &u[3]);
}

static gint64
cell_key (gint64 cx, gint64 cy)
{
  return cx * (gint64) CELLS_PER_SIDE + cy;
}

static void
cell_free (gpointer data)
{
  Cell *cell = data;
  g_array_unref (cell->items);
  g_array_unref (cell->rings);
  g_array_unref (cell->ring_at);
  g_array_unref (cell->xy);
  g_free (cell);
}

static Cell *
cell_new (void)
{
  Cell *cell = g_new0 (Cell, 1);
  cell->items = g_array_new (FALSE, FALSE, sizeof (CmOverviewItem));
  cell->rings = g_array_new (FALSE, FALSE, sizeof (guint32));
  cell->ring_at = g_array_new (FALSE, FALSE, sizeof (guint32));
  cell->xy = g_array_new (FALSE, FALSE, sizeof (float));
  return cell;
}

static void
index_init (Index *index)
{
  *index = (Index) { 0 };
  index->cells = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, cell_free);
}

static void
index_clear (Index *index)
{
  g_clear_pointer (&index->cells, g_hash_table_unref);
}

static Cell *
index_cell (Index *index, gint64 cx, gint64 cy)
{
  gint64 key = cell_key (cx, cy);
  Cell *cell = g_hash_table_lookup (index->cells, &key);
  if (cell == NULL)
    {
      cell = cell_new ();
      g_hash_table_insert (index->cells, g_memdup2 (&key, sizeof key), cell);
    }
  return cell;
}

/* ---- adding features ------------------------------------------------------------------------ */

typedef struct
{
  Index *index;
  CmOverviewLayer layer;
  const double *only; /* when set: only features whose box in world units meets this one */
} Adding;

/* Appends @geom's lines and rings (points have no shape here) to @cell, in its units. */
static guint
add_rings (Cell *cell, const CmGeom *geom, double cx, double cy)
{
  if (geom->type == CM_GEOM_COLLECTION)
    {
      guint n = 0;
      for (guint i = 0; i < geom->children->len; i++)
        n += add_rings (cell, g_ptr_array_index (geom->children, i), cx, cy);
      return n;
    }
  if (cm_geom_type_single (geom->type) == CM_GEOM_POINT)
    return 0;
  const double *xy = (const double *) geom->xy->data;
  guint pos = 0;
  for (guint r = 0; r < geom->ring_len->len; r++)
    {
      guint32 n = g_array_index (geom->ring_len, guint, r);
      guint32 at = cell->xy->len / 2;
      g_array_append_val (cell->rings, n);
      g_array_append_val (cell->ring_at, at);
      for (guint i = 0; i < n; i++)
        {
          double ux, uy;
          cm_render_view_to_unit (xy[2 * (pos + i)], xy[2 * (pos + i) + 1], &ux, &uy);
          float p[2] = { (float) (ux * CELLS_PER_SIDE - cx), (float) (uy * CELLS_PER_SIDE - cy) };
          g_array_append_vals (cell->xy, p, 2);
        }
      pos += n;
    }
  return geom->ring_len->len;
}

static gboolean
boxes_meet (const double a[4], const double b[4])
{
  return a[0] <= b[2] && a[2] >= b[0] && a[1] <= b[3] && a[3] >= b[1];
}

static gboolean
add_row (const CmFeatureRow *row, gpointer data)
{
  Adding *a = data;
  double u[4];
  box_to_unit (row->bbox, u);
  if (a->only && !boxes_meet (u, a->only))
    return TRUE;
  guint cls;
  gboolean shape;
  if (a->layer == CM_OVERVIEW_PATHS)
    {
      cls = cm_style_path_class (row->tags);
      if (cm_style_path_of_class (cls, CM_OVERVIEW_PATHS_BELOW - 1).width <= 0)
        return TRUE; /* not drawn at these zooms (footways) */
      shape = TRUE;
    }
  else
    {
      cls = cm_style_building_class (row->tags);
      /* pixels at the closest zoom the overview draws buildings at */
      double px = CM_TILE_SIZE * exp2 (CM_OVERVIEW_BUILDINGS_UP_TO);
      shape = (u[2] - u[0]) * px >= CM_OVERVIEW_SHAPE_PX || (u[3] - u[1]) * px >= CM_OVERVIEW_SHAPE_PX;
    }
  gint64 cx = (gint64) floor (u[0] * CELLS_PER_SIDE), cy = (gint64) floor (u[1] * CELLS_PER_SIDE);
  Cell *cell = index_cell (a->index, cx, cy);
  CmOverviewItem item = {
    (float) (u[0] * CELLS_PER_SIDE - cx), (float) (u[1] * CELLS_PER_SIDE - cy),
    (float) (u[2] * CELLS_PER_SIDE - cx), (float) (u[3] * CELLS_PER_SIDE - cy),
    row->id, cell->rings->len, 0, (guint8) cls,
  };
  if (shape && row->wkb)
    {
      g_autoptr (CmGeom) g = cm_geom_from_wkb (row->wkb, row->wkb_len);
      if (g)
        item.n_rings = (guint16) MIN (add_rings (cell, g, (double) cx, (double) cy), G_MAXUINT16);
    }
  g_array_append_val (cell->items, item);
  Index *index = a->index;
  index->max_w = MAX (index->max_w, item.x1 - item.x0);
  index->max_h = MAX (index->max_h, item.y1 - item.y0);
  index->count++;
  return TRUE;
}

static const CmLayer store_layer[CM_OVERVIEW_N_LAYERS] = { CM_LAYER_BUILDINGS, CM_LAYER_PATHS };

/* Buildings smaller than CM_OVERVIEW_SHAPE_PX at the closest zoom drawn from the overview
 * come without their geometry: in degrees, a pixel is narrower in latitude than in longitude
 * by cos(latitude), taken at SHAPE_LAT (more shapes than needed come south of it, a few boxes
 * too many north). Paths all come with theirs. */
static void
shape_threshold (CmOverviewLayer layer, double *min_w, double *min_h)
{
  *min_w = *min_h = 0;
  if (layer != CM_OVERVIEW_BUILDINGS)
    return;
  *min_w = CM_OVERVIEW_SHAPE_PX * 360.0 / (CM_TILE_SIZE * exp2 (CM_OVERVIEW_BUILDINGS_UP_TO));
  *min_h = *min_w * cos (SHAPE_LAT * G_PI / 180.0);
}

/* Moves every feature of @from into @into (both of one layer); @from is left empty. */
static void
index_merge (Index *into, Index *from)
{
  GHashTableIter iter;
  gpointer key, value;
  g_hash_table_iter_init (&iter, from->cells);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Cell *src = value;
      gint64 k = *(gint64 *) key;
      Cell *dst = g_hash_table_lookup (into->cells, &k);
      if (dst == NULL)
        {
          g_hash_table_iter_steal (&iter);
          g_hash_table_insert (into->cells, key, src);
          continue;
        }
      guint32 ring0 = dst->rings->len, point0 = dst->xy->len / 2;
      for (guint i = 0; i < src->items->len; i++)
        {
          CmOverviewItem it = g_array_index (src->items, CmOverviewItem, i);
          it.first_ring += ring0;
          g_array_append_val (dst->items, it);
        }
      g_array_append_vals (dst->rings, src->rings->data, src->rings->len);
      for (guint r = 0; r < src->ring_at->len; r++)
        {
          guint32 at = g_array_index (src->ring_at, guint32, r) + point0;
          g_array_append_val (dst->ring_at, at);
        }
      g_array_append_vals (dst->xy, src->xy->data, src->xy->len);
    }
  into->max_w = MAX (into->max_w, from->max_w);
  into->max_h = MAX (into->max_h, from->max_h);
  into->count += from->count;
  g_hash_table_remove_all (from->cells);
  from->count = 0;
}

/* ---- reading the map whole, on several threads ------------------------------------------- */

#define PARTS_PER_LAYER 4 /* id ranges per layer, read by whichever thread is free */

typedef struct
{
  const char *path;
  CmStore *store;           /* the caller's connection: its thread's */
  double last_id[CM_OVERVIEW_N_LAYERS];
  Index parts[CM_OVERVIEW_N_LAYERS][PARTS_PER_LAYER];
  gint next;                /* the next part to read (atomic) */
  gint failed;              /* atomic */
  GMutex error_lock;
  GError *error;
} Load;

static gboolean
load_parts (Load *load, CmStore *store)
{
  for (;;)
    {
      int job = g_atomic_int_add (&load->next, 1);
      if (job >= CM_OVERVIEW_N_LAYERS * PARTS_PER_LAYER || g_atomic_int_get (&load->failed))
        return TRUE;
      CmOverviewLayer layer = job / PARTS_PER_LAYER;
      int part = job % PARTS_PER_LAYER;
      double span = load->last_id[layer] / PARTS_PER_LAYER;
      gint64 first = part == 0 ? G_MININT64 : (gint64) floor (span * part) + 1;
      gint64 last = part == PARTS_PER_LAYER - 1 ? G_MAXINT64 : (gint64) floor (span * (part + 1));
      double min_w, min_h;
      shape_threshold (layer, &min_w, &min_h);
      Adding a = { &load->parts[layer][part], layer, NULL };
      GError *error = NULL;
      if (!cm_store_foreach_lod_in_ids (store, store_layer[layer], first, last, min_w, min_h,
                                        add_row, &a, &error))
        {
          g_atomic_int_set (&load->failed, 1);
          g_mutex_lock (&load->error_lock);
          if (load->error == NULL)
            load->error = error;
          else
            g_error_free (error);
          g_mutex_unlock (&load->error_lock);
          return FALSE;
        }
    }
}

static gpointer
load_thread (gpointer data)
{
  Load *load = data;
  GError *error = NULL;
  g_autoptr (CmStore) store = cm_store_open_reader (load->path, &error);
  if (store == NULL)
    {
      g_error_free (error); /* the calling thread reads what this one would have */
      return NULL;
    }
  load_parts (load, store);
  return NULL;
}

/* Reads both layers whole from @store into @index, on as many threads as there are cores
 * (each with a connection of its own), each reading parts of a layer by id. */
static gboolean
load_all (Index index[CM_OVERVIEW_N_LAYERS], CmStore *store, GError **error)
{
  Load load = { cm_store_get_path (store), store };
  g_mutex_init (&load.error_lock);
  gboolean ok = TRUE;
  for (int l = 0; ok && l < CM_OVERVIEW_N_LAYERS; l++)
    {
      gint64 last = cm_store_get_last_id (store, store_layer[l], error);
      ok = last >= 0;
      load.last_id[l] = (double) last;
    }
  for (int l = 0; l < CM_OVERVIEW_N_LAYERS; l++)
    for (int p = 0; p < PARTS_PER_LAYER; p++)
      index_init (&load.parts[l][p]);
  if (ok)
    {
      guint helpers = CLAMP (g_get_num_processors (), 1, 4) - 1;
      GThread *threads[4] = { NULL };
      for (guint t = 0; t < helpers; t++)
        threads[t] = g_thread_new ("cm-overview", load_thread, &load);
      load_parts (&load, store);
      for (guint t = 0; t < helpers; t++)
        g_thread_join (threads[t]);
      if (load.error)
        {
          g_propagate_error (error, load.error);
          ok = FALSE;
        }
    }
  for (int l = 0; l < CM_OVERVIEW_N_LAYERS; l++)
    for (int p = 0; p < PARTS_PER_LAYER; p++)
      {
        if (ok)
          index_merge (&index[l], &load.parts[l][p]);
        index_clear (&load.parts[l][p]);
      }
  g_mutex_clear (&load.error_lock);
  return ok;
}

/* ---- keeping it current ------------------------------------------------------------------------ */

/* Copies the shapes of @cell's features into fresh arrays, leaving behind those of the
 * features removed. */
static void
compact_cell (Cell *cell)
{
  GArray *rings = g_array_new (FALSE, FALSE, sizeof (guint32));
  GArray *ring_at = g_array_new (FALSE, FALSE, sizeof (guint32));
  GArray *xy = g_array_new (FALSE, FALSE, sizeof (float));
  for (guint i = 0; i < cell->items->len; i++)
    {
      CmOverviewItem *it = &g_array_index (cell->items, CmOverviewItem, i);
      guint32 first = rings->len;
      for (guint r = it->first_ring; r < it->first_ring + it->n_rings; r++)
        {
          guint32 n = g_array_index (cell->rings, guint32, r);
          guint32 at = xy->len / 2;
          g_array_append_val (rings, n);
          g_array_append_val (ring_at, at);
          g_array_append_vals (
              xy, &g_array_index (cell->xy, float, 2 * g_array_index (cell->ring_at, guint32, r)),
              2 * n);
        }
      it->first_ring = first;
    }
  g_array_unref (cell->rings);
  g_array_unref (cell->ring_at);
  g_array_unref (cell->xy);
  cell->rings = rings;
  cell->ring_at = ring_at;
  cell->xy = xy;
}

/* Drops from @index every feature whose box in world units meets @u. */
static void
remove_features (Index *index, const double u[4])
{
  gint64 cx0 = (gint64) floor (u[0] * CELLS_PER_SIDE - index->max_w) - 1;
  gint64 cy0 = (gint64) floor (u[1] * CELLS_PER_SIDE - index->max_h) - 1;
  gint64 cx1 = (gint64) floor (u[2] * CELLS_PER_SIDE), cy1 = (gint64) floor (u[3] * CELLS_PER_SIDE);
  for (gint64 cx = cx0; cx <= cx1; cx++)
    for (gint64 cy = cy0; cy <= cy1; cy++)
      {
        gint64 key = cell_key (cx, cy);
        Cell *cell = g_hash_table_lookup (index->cells, &key);
        if (cell == NULL)
          continue;
        GArray *items = cell->items;
        guint kept = 0;
        gboolean shapes_left_behind = FALSE;
        for (guint i = 0; i < items->len; i++)
          {
            CmOverviewItem *it = &g_array_index (items, CmOverviewItem, i);
            double b[4] = { (cx + (double) it->x0) / CELLS_PER_SIDE,
                            (cy + (double) it->y0) / CELLS_PER_SIDE,
                            (cx + (double) it->x1) / CELLS_PER_SIDE,
                            (cy + (double) it->y1) / CELLS_PER_SIDE };
            if (boxes_meet (b, u))
              {
                index->count--;
                shapes_left_behind |= it->n_rings > 0;
              }
            else
              g_array_index (items, CmOverviewItem, kept++) = *it;
          }
        g_array_set_size (items, kept);
        if (shapes_left_behind)
          compact_cell (cell);
      }
}

/* ---- the overview ---------------------------------------------------------------------------- */

CmOverview *
cm_overview_new (void)
{
  CmOverview *self = g_new0 (CmOverview, 1);
  self->ref_count = 1;
  g_rw_lock_init (&self->lock);
  g_mutex_init (&self->update_lock);
  g_mutex_init (&self->pending_lock);
  for (int l = 0; l < CM_OVERVIEW_N_LAYERS; l++)
    index_init (&self->index[l]);
  self->pending = g_array_new (FALSE, FALSE, sizeof (double[4]));
  return self;
}

CmOverview *
cm_overview_ref (CmOverview *self)
{
  g_atomic_int_inc (&self->ref_count);
  return self;
}

void
cm_overview_unref (CmOverview *self)
{
  if (!g_atomic_int_dec_and_test (&self->ref_count))
    return;
  for (int l = 0; l < CM_OVERVIEW_N_LAYERS; l++)
    index_clear (&self->index[l]);
  g_array_unref (self->pending);
  g_rw_lock_clear (&self->lock);
  g_mutex_clear (&self->update_lock);
  g_mutex_clear (&self->pending_lock);
  g_free (self);
}

void
cm_overview_invalidate (CmOverview *self, const double bbox[4])
{
  g_mutex_lock (&self->pending_lock);
  if (bbox == NULL || self->pending->len >= MAX_PENDING)
    {
      self->reload = TRUE;
      g_array_set_size (self->pending, 0);
    }
  else if (bbox[0] <= bbox[2] && bbox[1] <= bbox[3])
    g_array_append_vals (self->pending, bbox, 1);
  g_mutex_unlock (&self->pending_lock);
}

/* Every feature meeting the changed box @bbox goes, and what the map holds there now comes
 * back: the map is read a little beyond the box, and only what meets it is kept, so that the
 * rounding of the boxes to floats can neither lose nor double a feature. Under the write lock. */
static gboolean
update_box (CmOverview *self, CmStore *store, const double bbox[4], GError **error)
{
  double u[4];
  box_to_unit (bbox, u);
  double eps = 1e-9; /* world units: 4 cm */
  u[0] -= eps, u[1] -= eps, u[2] += eps, u[3] += eps;
  double pad = 1e-6; /* degrees: more than eps */
  double read[4] = { bbox[0] - pad, bbox[1] - pad, bbox[2] + pad, bbox[3] + pad };
  for (int l = 0; l < CM_OVERVIEW_N_LAYERS; l++)
    {
      remove_features (&self->index[l], u);
      double min_w, min_h;
      shape_threshold (l, &min_w, &min_h);
      Adding a = { &self->index[l], l, u };
      if (!cm_store_foreach_in_bbox_lod (store, store_layer[l], read, min_w, min_h, add_row, &a,
                                         error))
        return FALSE;
    }
  return TRUE;
}

gboolean
cm_overview_ensure (CmOverview *self, CmStore *store, GError **error)
{
  g_mutex_lock (&self->update_lock);
  g_mutex_lock (&self->pending_lock);
  gboolean reload = self->reload || !self->loaded;
  GArray *pending = self->pending;
  self->pending = g_array_new (FALSE, FALSE, sizeof (double[4]));
  self->reload = FALSE;
  g_mutex_unlock (&self->pending_lock);

  gboolean ok = TRUE;
  if (reload)
    {
      /* read whole beside the old indexes (tiles go on drawing from them), then swapped in */
      Index fresh[CM_OVERVIEW_N_LAYERS];
      for (int l = 0; l < CM_OVERVIEW_N_LAYERS; l++)
        index_init (&fresh[l]);
      ok = load_all (fresh, store, error);
      if (ok)
        {
          g_rw_lock_writer_lock (&self->lock);
          for (int l = 0; l < CM_OVERVIEW_N_LAYERS; l++)
            {
              Index old = self->index[l];
              self->index[l] = fresh[l];
              fresh[l] = old;
            }
          g_rw_lock_writer_unlock (&self->lock);
        }
      for (int l = 0; l < CM_OVERVIEW_N_LAYERS; l++)
        index_clear (&fresh[l]);
      self->loaded = ok;
    }
  else if (pending->len > 0)
    {
      g_rw_lock_writer_lock (&self->lock);
      for (guint i = 0; ok && i < pending->len; i++)
        ok = update_box (self, store, &g_array_index (pending, double, 4 * i), error);
      g_rw_lock_writer_unlock (&self->lock);
      if (!ok)
        self->loaded = FALSE; /* half updated: read whole next time */
    }
  g_array_unref (pending);
  g_mutex_unlock (&self->update_lock);
  return ok;
}

void
cm_overview_foreach (CmOverview *self, CmOverviewLayer layer, const CmRenderView *view,
                     double margin, CmOverviewFunc func, gpointer user_data)
{
  double world = CM_TILE_SIZE * exp2 (view->zoom);
  /* in cells: what the view shows, and as far west and north as the largest feature reaches */
  double c[4] = { (view->x - margin) / world * CELLS_PER_SIDE,
                  (view->y - margin) / world * CELLS_PER_SIDE,
                  (view->x + view->width + margin) / world * CELLS_PER_SIDE,
                  (view->y + view->height + margin) / world * CELLS_PER_SIDE };
  g_rw_lock_reader_lock (&self->lock);
  Index *index = &self->index[layer];
  gint64 cx0 = (gint64) floor (c[0] - index->max_w) - 1;
  gint64 cy0 = (gint64) floor (c[1] - index->max_h) - 1;
  gint64 cx1 = (gint64) floor (c[2]), cy1 = (gint64) floor (c[3]);
  for (gint64 cx = cx0; cx <= cx1; cx++)
    for (gint64 cy = cy0; cy <= cy1; cy++)
      {
        gint64 key = cell_key (cx, cy);
        Cell *cell = g_hash_table_lookup (index->cells, &key);
        if (cell == NULL || cell->items->len == 0)
          continue;
        CmOverviewCell at = { cx / CELLS_PER_SIDE, cy / CELLS_PER_SIDE, 1 / CELLS_PER_SIDE,
                              (const guint32 *) cell->rings->data,
                              (const guint32 *) cell->ring_at->data,
                              (const float *) cell->xy->data };
        /* the view in this cell's units */
        float v0 = (float) (c[0] - cx), w0 = (float) (c[1] - cy);
        float v1 = (float) (c[2] - cx), w1 = (float) (c[3] - cy);
        const CmOverviewItem *items = (const CmOverviewItem *) cell->items->data;
        for (guint i = 0; i < cell->items->len; i++)
          {
            const CmOverviewItem *it = &items[i];
            if (it->x0 <= v1 && it->x1 >= v0 && it->y0 <= w1 && it->y1 >= w0)
              func (&at, it, user_data);
          }
      }
  g_rw_lock_reader_unlock (&self->lock);
}

guint
cm_overview_get_count (CmOverview *self, CmOverviewLayer layer)
{
  g_rw_lock_reader_lock (&self->lock);
  guint n = self->index[layer].count;
  g_rw_lock_reader_unlock (&self->lock);
  return n;
}
