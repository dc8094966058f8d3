/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-render.c: drawing the layers of a community map with cairo and pango. */
#include "config.h"

#include "cm-render.h"

#include <cairo-pdf.h>
#include <errno.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <string.h>

#include "cm-geom.h"
#include "cm-icons.h"
#include "cm-labels.h"
#include "cm-overview.h"
#include "cm-style.h"

#define LABEL_FONT "Noto Sans CJK SC, Noto Sans, sans-serif" /* the attribution's */

void
cm_render_options_init (CmRenderOptions *options)
{
  options->background = TRUE;
  options->labels = TRUE;
  options->attribution = FALSE;
  options->hidden = 0;
  options->icon_zoom = 16;
  options->overview = NULL;
}

typedef struct
{
  cairo_t *cr;
  const CmRenderView *view;
  const CmRenderOptions *options;
  CmLabels *labels;
  /* buildings are batched: one path per fill colour and one for outlines, filled once each
   * (thousands of small fills cost more in cairo's per-call overhead than in pixels) */
  cairo_t *building_fill[CM_STYLE_BUILDING_CLASSES];
  cairo_t *building_dot[CM_STYLE_BUILDING_CLASSES]; /* when not written to the pixels */
  cairo_t *building_outline;
  guint32 *pixels; /* the target's pixels, when dots can be written directly */
  int stride;      /* in pixels */
  /* what is written to the pixels at the end, class by class, boxes before dots: where many
   * share a pixel, the same one shows whatever order they came in (the spatial index's, the
   * overview's) */
  GArray *boxes[CM_STYLE_BUILDING_CLASSES]; /* int[4]: x0, y0, x1, y1 */
  GArray *dots[CM_STYLE_BUILDING_CLASSES];  /* int[2]: x, y */
  /* paths are batched the same way: per class a casing path and a road path */
  cairo_t *path_casing[CM_STYLE_PATH_CLASSES];
  cairo_t *path_main[CM_STYLE_PATH_CLASSES];
  CmLineStyle path_style[CM_STYLE_PATH_CLASSES];
  /* resource points: a path per category colour, one outline path for all */
  GHashTable *point_fill; /* category key → cairo_t* */
  cairo_t *point_outline;
  double world; /* the world's width in pixels at the view's zoom: for the overview's units */
} Draw;

/* A cairo context on the same target, for one batch of same-styled shapes. */
static cairo_t *
batch_new (Draw *d)
{
  cairo_matrix_t m;
  cairo_t *cr = cairo_create (cairo_get_target (d->cr));
  cairo_get_matrix (d->cr, &m);
  cairo_set_matrix (cr, &m);
  /* zoomed out, shapes are a few pixels wide: antialiasing them costs much and shows little */
  if (d->view->zoom < 15)
    cairo_set_antialias (cr, CAIRO_ANTIALIAS_NONE);
  return cr;
}

cairo_t *
cm_render_box_context (cairo_t *cr, double x, double y, double w, double h)
{
  double x0 = x, y0 = y, x1 = x + w, y1 = y + h;
  cairo_user_to_device (cr, &x0, &y0);
  cairo_user_to_device (cr, &x1, &y1);
  cairo_surface_t *box = cairo_surface_create_for_rectangle (
      cairo_get_target (cr), MIN (x0, x1), MIN (y0, y1), fabs (x1 - x0), fabs (y1 - y0));
  cairo_t *inside = cairo_create (box);
  cairo_surface_destroy (box); /* the context keeps it */
  cairo_matrix_t m;
  cairo_get_matrix (cr, &m);
  cairo_scale (inside, m.xx, m.yy); /* pages are never rotated */
  return inside;
}

static void
set_color (cairo_t *cr, CmColor c, double alpha)
{
  cairo_set_source_rgba (cr, c.r, c.g, c.b, alpha);
}

/* Vertices nearer than this many pixels to the last one drawn are left out: zoomed out, a
 * district's lines have many within a pixel; they change nothing drawn (below zoom 15 nothing
 * is antialiased) and cost cairo's stroker and rasteriser as much as any. */
static double
skip_within (const CmRenderView *view)
{
  return view->zoom < 15 ? 1.0 : 0.25;
}

void
cm_render_add_geom_path (cairo_t *cr, const CmGeom *geom, const CmRenderView *view)
{
  if (geom->type == CM_GEOM_COLLECTION)
    {
      for (guint i = 0; i < geom->children->len; i++)
        cm_render_add_geom_path (cr, g_ptr_array_index (geom->children, i), view);
      return;
    }
  CmGeomType single = cm_geom_type_single (geom->type);
  if (single == CM_GEOM_POINT)
    return;
  const double *xy = (const double *) geom->xy->data;
  double near = skip_within (view);
  guint pos = 0;
  for (guint r = 0; r < geom->ring_len->len; r++)
    {
      guint n = g_array_index (geom->ring_len, guint, r);
      double lx = 0, ly = 0;
      for (guint i = 0; i < n; i++)
        {
          double px, py;
          cm_render_view_project (view, xy[2 * (pos + i)], xy[2 * (pos + i) + 1], &px, &py);
          if (i == 0)
            cairo_move_to (cr, px, py);
          else if (i == n - 1 || fabs (px - lx) >= near || fabs (py - ly) >= near)
            cairo_line_to (cr, px, py);
          else
            continue;
          lx = px, ly = py;
        }
      if (single == CM_GEOM_POLYGON)
        cairo_close_path (cr);
      pos += n;
    }
}

static void
add_path_to (Draw *d, cairo_t *cr, const CmGeom *geom)
{
  cm_render_add_geom_path (cr, geom, d->view);
}

/* Label anchors and sizes, shared with the window's label layer (cm_render_collect_labels). */
#define STATION_LABEL_DY 21
#define RESOURCE_LABEL_DY -13
#define RESOURCE_LABEL_ZOOM 16.5
/* stations' and teams' names from this zoom: further out a street office's or a district's
 * hundreds of names would bury the map (the symbols stay) */
#define AREA_LABEL_ZOOM 13
/* further out than this a view shows a district (hundreds of stations and teams): their
 * symbols and edges are drawn small and thin, so that the buildings show between them */
#define DISTRICT_ZOOM 13

static void
add_path (Draw *d, const CmGeom *geom)
{
  add_path_to (d, d->cr, geom);
}

static void
add_label (Draw *d, const char *text, const double bbox[4], double dy, int priority,
           double size, double min_zoom)
{
  if (d->options->labels)
    cm_labels_add (d->labels, text, (bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2, dy,
                   priority, size, min_zoom);
}

/* The pixel centre of a feature's bounding box. */
static void
bbox_centre (Draw *d, const double bbox[4], double *x, double *y)
{
  cm_render_view_project (d->view, (bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2, x, y);
}

/* Whether the feature's projected box is under @min pixels wide and high. */
static gboolean
tiny (Draw *d, const double bbox[4], double min)
{
  double x0, y0, x1, y1;
  cm_render_view_project (d->view, bbox[0], bbox[1], &x0, &y0);
  cm_render_view_project (d->view, bbox[2], bbox[3], &x1, &y1);
  return fabs (x1 - x0) < min && fabs (y1 - y0) < min;
}

/* ---- one callback per layer ---------------------------------------------------------------- */

/* @row's outline, dashed (@on px drawn, @off px left), in the boundary's colour. */
static void
stroke_dashed_outline (Draw *d, const CmFeatureRow *row, double on, double off, double width,
                       cairo_line_cap_t cap, double alpha)
{
  g_autoptr (CmGeom) g = cm_geom_from_wkb (row->wkb, row->wkb_len);
  if (!g)
    return;
  const double dash[] = { on, off };
  cairo_new_path (d->cr);
  add_path (d, g);
  cairo_set_dash (d->cr, dash, 2, 0);
  cairo_set_line_width (d->cr, width);
  cairo_set_line_cap (d->cr, cap);
  set_color (d->cr, cm_style_boundary, alpha);
  cairo_stroke (d->cr);
  cairo_set_line_cap (d->cr, CAIRO_LINE_CAP_BUTT);
  cairo_set_dash (d->cr, NULL, 0, 0);
}

static gboolean
draw_boundary (const CmFeatureRow *row, gpointer data)
{
  stroke_dashed_outline (data, row, 10, 5, 3, CAIRO_LINE_CAP_BUTT, 0.85);
  return TRUE;
}

/* A compound or grid cell: a thin dotted line in the boundary's colour, named in its middle. */
static gboolean
draw_compound (const CmFeatureRow *row, gpointer data)
{
  Draw *d = data;
  stroke_dashed_outline (d, row, 2, 4, g_strcmp0 (row->kind, "grid") == 0 ? 1.5 : 2.5,
                         CAIRO_LINE_CAP_ROUND, 0.7);
  add_label (d, row->name, row->bbox, 0, 2, 15, 0);
  return TRUE;
}

static gboolean
draw_team (const CmFeatureRow *row, gpointer data)
{
  Draw *d = data;
  g_autoptr (CmGeom) g = cm_geom_from_wkb (row->wkb, row->wkb_len);
  if (!g)
    return TRUE;
  CmColor c = cm_style_team ((guint) row->id);
  cairo_save (d->cr);
  /* zoomed out, as buildings and paths: not antialiased (a third of the cost of a district's
   * whole-extent frame was hundreds of small antialiased team areas) */
  if (d->view->zoom < 15)
    cairo_set_antialias (d->cr, CAIRO_ANTIALIAS_NONE);
  cairo_new_path (d->cr);
  add_path (d, g);
  cairo_set_fill_rule (d->cr, CAIRO_FILL_RULE_EVEN_ODD);
  set_color (d->cr, c, 0.16);
  cairo_fill_preserve (d->cr);
  gboolean district = d->view->zoom < DISTRICT_ZOOM; /* hundreds of areas: thin edges */
  set_color (d->cr, c, district ? 0.5 : 0.8);
  cairo_set_line_width (d->cr, district ? 1 : 2);
  cairo_stroke (d->cr);
  cairo_restore (d->cr);
  add_label (d, row->name, row->bbox, 0, 2, 15, AREA_LABEL_ZOOM);
  return TRUE;
}

/* Fills the pixel box [x0, x1) × [y0, y1) with an opaque colour, clipped to the view. */
static void
fill_pixels (Draw *d, int x0, int y0, int x1, int y1, CmColor c)
{
  guint32 v = 0xff000000u | (guint32) (c.r * 255 + 0.5) << 16 | (guint32) (c.g * 255 + 0.5) << 8 |
              (guint32) (c.b * 255 + 0.5);
  x0 = MAX (x0, 0);
  y0 = MAX (y0, 0);
  x1 = MIN (x1, d->view->width);
  y1 = MIN (y1, d->view->height);
  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      d->pixels[y * d->stride + x] = v;
}

/* Halfway from the class's colour to the outlines'. */
static CmColor
building_dot_color (guint cls)
{
  CmColor c = cm_style_building_class_color (cls), o = cm_style_building_outline;
  return (CmColor) { (c.r + o.r) / 2, (c.g + o.g) / 2, (c.b + o.b) / 2 };
}

/* Level of detail: a building of a few pixels is its box (@x0, @y0 north-west, @x1, @y1
 * south-east, in pixels); under two pixels, a dot at its centre. */
static void
draw_building_box (Draw *d, guint cls, double x0, double y0, double x1, double y1)
{
  int px0 = (int) floor (x0), py0 = (int) floor (y0);
  int px1 = MAX ((int) floor (x1 + 0.5), px0 + 1), py1 = MAX ((int) floor (y1 + 0.5), py0 + 1);
  if (x1 - x0 < 1.5 && y1 - y0 < 1.5)
    {
      /* a dot stands for more ground than the building covers, so it would read paler than
       * the area it stands for: dots are a darker tone of the class's colour, and where a
       * district's buildings are, its built-up blocks show */
      px0 = (int) floor ((x0 + x1) / 2), py0 = (int) floor ((y0 + y1) / 2);
      if (d->pixels)
        {
          int dot[2] = { px0, py0 };
          g_array_append_vals (d->dots[cls], dot, 1);
        }
      else
        {
          if (d->building_dot[cls] == NULL)
            d->building_dot[cls] = batch_new (d);
          cairo_rectangle (d->building_dot[cls], px0, py0, 1, 1);
        }
      return;
    }
  if (d->pixels)
    {
      int box[4] = { px0, py0, px1, py1 };
      g_array_append_vals (d->boxes[cls], box, 1);
    }
  else
    cairo_rectangle (d->building_fill[cls], px0, py0, px1 - px0, py1 - py0);
}

static gboolean
draw_building (const CmFeatureRow *row, gpointer data)
{
  Draw *d = data;
  guint cls = cm_style_building_class (row->tags);
  /* below zoom 15 (not antialiased) under CM_OVERVIEW_SHAPE_PX, else under two pixels: the
   * same rule as the overview's, so that both draw the same pixels */
  double box_under = d->view->zoom < 15 ? CM_OVERVIEW_SHAPE_PX : 1.5;
  if (row->wkb == NULL || tiny (d, row->bbox, box_under))
    {
      double x0, y0, x1, y1;
      cm_render_view_project (d->view, row->bbox[0], row->bbox[3], &x0, &y0);
      cm_render_view_project (d->view, row->bbox[2], row->bbox[1], &x1, &y1);
      draw_building_box (d, cls, x0, y0, x1, y1);
      return TRUE;
    }
  g_autoptr (CmGeom) g = cm_geom_from_wkb (row->wkb, row->wkb_len);
  if (!g)
    return TRUE;
  add_path_to (d, d->building_fill[cls], g);
  if (!tiny (d, row->bbox, 6))
    add_path_to (d, d->building_outline, g);
  return TRUE;
}

static void
buildings_begin (Draw *d)
{
  cairo_surface_t *target = cairo_get_target (d->cr);
  cairo_matrix_t m;
  cairo_get_matrix (d->cr, &m);
  gboolean identity = m.xx == 1 && m.yy == 1 && m.xy == 0 && m.yx == 0 && m.x0 == 0 && m.y0 == 0;
  if (identity && cairo_surface_get_type (target) == CAIRO_SURFACE_TYPE_IMAGE &&
      (cairo_image_surface_get_format (target) == CAIRO_FORMAT_ARGB32 ||
       cairo_image_surface_get_format (target) == CAIRO_FORMAT_RGB24) &&
      cairo_image_surface_get_width (target) >= d->view->width &&
      cairo_image_surface_get_height (target) >= d->view->height)
    {
      cairo_surface_flush (target);
      d->pixels = (guint32 *) cairo_image_surface_get_data (target);
      d->stride = cairo_image_surface_get_stride (target) / 4;
      for (int i = 0; i < CM_STYLE_BUILDING_CLASSES; i++)
        {
          d->boxes[i] = g_array_new (FALSE, FALSE, sizeof (int[4]));
          d->dots[i] = g_array_new (FALSE, FALSE, sizeof (int[2]));
        }
    }
  for (int i = 0; i < CM_STYLE_BUILDING_CLASSES; i++)
    d->building_fill[i] = batch_new (d);
  d->building_outline = batch_new (d);
}

/* Boxes and dots first (into the pixels), then the fills by colour, then every outline. */
static void
buildings_end (Draw *d)
{
  if (d->pixels)
    {
      for (int i = 0; i < CM_STYLE_BUILDING_CLASSES; i++)
        {
          CmColor c = cm_style_building_class_color (i);
          for (guint k = 0; k < d->boxes[i]->len; k++)
            {
              const int *b = &g_array_index (d->boxes[i], int, 4 * k);
              fill_pixels (d, b[0], b[1], b[2], b[3], c);
            }
          g_array_unref (d->boxes[i]);
        }
      for (int i = 0; i < CM_STYLE_BUILDING_CLASSES; i++)
        {
          CmColor c = building_dot_color (i);
          for (guint k = 0; k < d->dots[i]->len; k++)
            {
              const int *p = &g_array_index (d->dots[i], int, 2 * k);
              fill_pixels (d, p[0], p[1], p[0] + 1, p[1] + 1, c);
            }
          g_array_unref (d->dots[i]);
        }
      cairo_surface_mark_dirty (cairo_get_target (d->cr));
      d->pixels = NULL;
    }
  for (int i = 0; i < CM_STYLE_BUILDING_CLASSES; i++)
    {
      cairo_t *cr = d->building_fill[i];
      cairo_set_fill_rule (cr, CAIRO_FILL_RULE_EVEN_ODD);
      set_color (cr, cm_style_building_class_color (i), 1);
      cairo_fill (cr);
      cairo_destroy (cr);
      d->building_fill[i] = NULL;
      if (d->building_dot[i])
        {
          set_color (d->building_dot[i], building_dot_color (i), 1);
          cairo_fill (d->building_dot[i]);
          cairo_destroy (d->building_dot[i]);
          d->building_dot[i] = NULL;
        }
    }
  set_color (d->building_outline, cm_style_building_outline, 1);
  cairo_set_line_width (d->building_outline, 0.7);
  cairo_stroke (d->building_outline);
  cairo_destroy (d->building_outline);
  d->building_outline = NULL;
}

static gboolean
draw_path (const CmFeatureRow *row, gpointer data)
{
  Draw *d = data;
  CmLineStyle s = cm_style_path (row->tags, d->view->zoom);
  if (s.width <= 0)
    return TRUE;
  g_autoptr (CmGeom) g = cm_geom_from_wkb (row->wkb, row->wkb_len);
  if (!g)
    return TRUE;
  guint k = s.path_class;
  d->path_style[k] = s;
  if (s.casing > 0)
    {
      if (d->path_casing[k] == NULL)
        d->path_casing[k] = batch_new (d);
      add_path_to (d, d->path_casing[k], g);
    }
  if (d->path_main[k] == NULL)
    d->path_main[k] = batch_new (d);
  add_path_to (d, d->path_main[k], g);
  return TRUE;
}

/* Every casing under every road; wider classes under narrower ones. */
static void
paths_end (Draw *d)
{
  static const double dash[] = { 4, 3 };
  for (int pass = 0; pass < 2; pass++)
    for (int k = CM_STYLE_PATH_CLASSES - 1; k >= 0; k--)
      {
        cairo_t **slot = pass == 0 ? &d->path_casing[k] : &d->path_main[k];
        if (*slot == NULL)
          continue;
        const CmLineStyle *s = &d->path_style[k];
        cairo_t *cr = *slot;
        /* round ends only where lines are wide enough to show them */
        gboolean wide = s->width + 2 * s->casing >= 4;
        cairo_set_line_cap (cr, wide ? CAIRO_LINE_CAP_ROUND : CAIRO_LINE_CAP_BUTT);
        cairo_set_line_join (cr, wide ? CAIRO_LINE_JOIN_ROUND : CAIRO_LINE_JOIN_BEVEL);
        if (pass == 0)
          {
            cairo_set_line_width (cr, s->width + 2 * s->casing);
            set_color (cr, s->casing_color, 1);
          }
        else
          {
            cairo_set_dash (cr, dash, s->dashed ? 2 : 0, 0);
            cairo_set_line_width (cr, s->width);
            set_color (cr, s->color, 1);
          }
        cairo_stroke (cr);
        cairo_destroy (cr);
        *slot = NULL;
      }
}

/* ---- from the overview (cm-overview.c): low zooms ------------------------------------------ */

/* @item's rings, projected, added to @cr's path (closed for areas). */
static void
add_overview_rings (Draw *d, cairo_t *cr, const CmOverviewCell *cell, const CmOverviewItem *item,
                    gboolean close)
{
  double scale = cell->size * d->world;
  double ox = cell->ux * d->world - d->view->x, oy = cell->uy * d->world - d->view->y;
  double near = skip_within (d->view);
  for (guint r = item->first_ring; r < item->first_ring + item->n_rings; r++)
    {
      const float *xy = cell->xy + 2 * cell->ring_at[r];
      guint n = cell->rings[r];
      double lx = 0, ly = 0;
      for (guint i = 0; i < n; i++)
        {
          double x = ox + xy[2 * i] * scale, y = oy + xy[2 * i + 1] * scale;
          if (i == 0)
            cairo_move_to (cr, x, y);
          else if (i == n - 1 || fabs (x - lx) >= near || fabs (y - ly) >= near)
            cairo_line_to (cr, x, y);
          else
            continue;
          lx = x, ly = y;
        }
      if (close)
        cairo_close_path (cr);
    }
}

/* As draw_building: a box or dot under CM_OVERVIEW_SHAPE_PX, else the shape with its outline. */
static void
draw_overview_building (const CmOverviewCell *cell, const CmOverviewItem *item, gpointer data)
{
  Draw *d = data;
  double scale = cell->size * d->world;
  double ox = cell->ux * d->world - d->view->x, oy = cell->uy * d->world - d->view->y;
  double x0 = ox + item->x0 * scale, y0 = oy + item->y0 * scale;
  double x1 = ox + item->x1 * scale, y1 = oy + item->y1 * scale;
  guint cls = MIN (item->cls, CM_STYLE_BUILDING_CLASSES - 1);
  if (item->n_rings == 0 || (x1 - x0 < CM_OVERVIEW_SHAPE_PX && y1 - y0 < CM_OVERVIEW_SHAPE_PX))
    {
      draw_building_box (d, cls, x0, y0, x1, y1);
      return;
    }
  add_overview_rings (d, d->building_fill[cls], cell, item, TRUE);
  add_overview_rings (d, d->building_outline, cell, item, TRUE);
}

/* As draw_path. */
static void
draw_overview_path (const CmOverviewCell *cell, const CmOverviewItem *item, gpointer data)
{
  Draw *d = data;
  CmLineStyle s = cm_style_path_of_class (item->cls, d->view->zoom);
  if (s.width <= 0 || item->n_rings == 0)
    return;
  guint k = s.path_class;
  d->path_style[k] = s;
  if (s.casing > 0)
    {
      if (d->path_casing[k] == NULL)
        d->path_casing[k] = batch_new (d);
      add_overview_rings (d, d->path_casing[k], cell, item, FALSE);
    }
  if (d->path_main[k] == NULL)
    d->path_main[k] = batch_new (d);
  add_overview_rings (d, d->path_main[k], cell, item, FALSE);
}

static gboolean
draw_barrier (const CmFeatureRow *row, gpointer data)
{
  Draw *d = data;
  g_autoptr (CmGeom) g = cm_geom_from_wkb (row->wkb, row->wkb_len);
  if (!g)
    return TRUE;
  cairo_new_path (d->cr);
  add_path (d, g);
  cairo_set_line_width (d->cr, 3);
  set_color (d->cr, cm_style_barrier, 1);
  cairo_stroke (d->cr);
  return TRUE;
}

static void
draw_point_symbol (Draw *d, const char *category, double x, double y, double r)
{
  cairo_t *fill = g_hash_table_lookup (d->point_fill, category ? category : "other");
  if (fill == NULL)
    {
      fill = batch_new (d);
      g_hash_table_insert (d->point_fill, g_strdup (category ? category : "other"), fill);
    }
  cairo_new_sub_path (fill);
  cairo_arc (fill, x, y, r, 0, 2 * G_PI);
  if (r < 3)
    return; /* a dot: no edge */
  /* the white edge is a slightly larger white disc below: a fill costs less than a stroke */
  if (d->point_outline == NULL)
    d->point_outline = batch_new (d);
  cairo_new_sub_path (d->point_outline);
  cairo_arc (d->point_outline, x, y, r + 1.5, 0, 2 * G_PI);
}

/* White rings first, then the coloured discs over them: each point a disc with a white edge. */
static void
points_end (Draw *d)
{
  if (d->point_outline)
    {
      cairo_set_source_rgb (d->point_outline, 1, 1, 1);
      cairo_fill (d->point_outline);
      cairo_destroy (d->point_outline);
      d->point_outline = NULL;
    }
  GHashTableIter iter;
  gpointer key, value;
  g_hash_table_iter_init (&iter, d->point_fill);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      set_color (value, cm_style_category (key), 1);
      cairo_fill (value);
    }
  g_hash_table_remove_all (d->point_fill);
}

static gboolean
draw_resource (const CmFeatureRow *row, gpointer data)
{
  Draw *d = data;
  g_autoptr (CmGeom) g = cm_geom_from_wkb (row->wkb, row->wkb_len);
  if (!g)
    return TRUE;
  CmColor c = cm_style_category (row->category);
  /* points grow with zoom: zoomed out, thousands of them must not bury the streets; from
   * the options' icon_zoom they are symbols with the category's icon, areas and lines too (at
   * their centre) */
  double zoom = d->view->zoom;
  gboolean icons = zoom >= d->options->icon_zoom;
  double r = zoom >= 17 ? 8 : zoom >= 16 ? 6.5 : icons ? 4.5 : zoom >= 14 ? 3 : 1.5;
  if (cm_geom_has_areas (g))
    {
      cairo_new_path (d->cr);
      add_path (d, g);
      set_color (d->cr, c, 0.35);
      cairo_fill_preserve (d->cr);
      set_color (d->cr, c, 0.9);
      cairo_set_line_width (d->cr, 1.5);
      cairo_stroke (d->cr);
    }
  if (cm_geom_has_lines (g))
    {
      cairo_new_path (d->cr);
      add_path (d, g);
      set_color (d->cr, c, 1);
      cairo_set_line_width (d->cr, 3);
      cairo_stroke (d->cr);
    }
  if (cm_geom_has_points (g))
    {
      const double *xy = (const double *) g->xy->data;
      if (g->type == CM_GEOM_COLLECTION)
        xy = NULL; /* a collection's points: drawn at its centre below */
      for (guint i = 0; xy && i < g->xy->len / 2; i++)
        {
          double x, y;
          cm_render_view_project (d->view, xy[2 * i], xy[2 * i + 1], &x, &y);
          if (icons)
            cm_icons_draw_symbol (d->cr, row->category, x, y, r);
          else
            draw_point_symbol (d, row->category, x, y, r);
        }
      if (xy == NULL && icons)
        {
          double x, y;
          bbox_centre (d, row->bbox, &x, &y);
          cm_icons_draw_symbol (d->cr, row->category, x, y, r);
        }
    }
  else if (icons)
    {
      double x, y;
      bbox_centre (d, row->bbox, &x, &y);
      cm_icons_draw_symbol (d->cr, row->category, x, y, r);
    }
  add_label (d, row->name, row->bbox, RESOURCE_LABEL_DY, 3, 12, RESOURCE_LABEL_ZOOM);
  return TRUE;
}

static gboolean
draw_station_radius (const CmFeatureRow *row, gpointer data)
{
  Draw *d = data;
  if (isnan (row->number) || row->number <= 0)
    return TRUE;
  double x, y;
  bbox_centre (d, row->bbox, &x, &y);
  double radius = row->number / cm_render_view_metres_per_pixel (d->view, row->bbox[1]);
  static const double dash[] = { 8, 4 };
  cairo_new_path (d->cr);
  cairo_arc (d->cr, x, y, radius, 0, 2 * G_PI);
  set_color (d->cr, cm_style_station, 0.07);
  cairo_fill_preserve (d->cr);
  if (d->view->zoom < DISTRICT_ZOOM)
    {
      /* a district's hundreds of circles: a thin line, so that the buildings under them show */
      cairo_set_line_width (d->cr, 1);
      set_color (d->cr, cm_style_station, 0.3);
      cairo_stroke (d->cr);
      return TRUE;
    }
  cairo_set_dash (d->cr, dash, 2, 0);
  cairo_set_line_width (d->cr, 2);
  set_color (d->cr, cm_style_station, 0.6);
  cairo_stroke (d->cr);
  cairo_set_dash (d->cr, NULL, 0, 0);
  return TRUE;
}

static gboolean
draw_station (const CmFeatureRow *row, gpointer data)
{
  Draw *d = data;
  double x, y;
  bbox_centre (d, row->bbox, &x, &y);
  double half = d->view->zoom >= 15 ? 9 : 7; /* large enough to find on a projector */
  if (d->view->zoom < DISTRICT_ZOOM)
    {
      /* a district: hundreds of stations, each a small red square with a white edge that
       * leaves the buildings around it seen */
      half = d->view->zoom < 12 ? 2.5 : 3.5;
      cairo_new_path (d->cr);
      cairo_rectangle (d->cr, round (x) - half, round (y) - half, 2 * half, 2 * half);
      set_color (d->cr, cm_style_station, 1);
      cairo_fill_preserve (d->cr);
      cairo_set_source_rgb (d->cr, 1, 1, 1);
      cairo_set_line_width (d->cr, 1);
      cairo_stroke (d->cr);
      add_label (d, row->name, row->bbox, STATION_LABEL_DY, 1, 14, AREA_LABEL_ZOOM);
      return TRUE;
    }
  /* a red square with a white border and a white cross: a service station */
  cairo_new_path (d->cr);
  cairo_rectangle (d->cr, x - half, y - half, 2 * half, 2 * half);
  set_color (d->cr, cm_style_station, 1);
  cairo_fill_preserve (d->cr);
  cairo_set_source_rgb (d->cr, 1, 1, 1);
  cairo_set_line_width (d->cr, 2);
  cairo_stroke (d->cr);
  cairo_move_to (d->cr, x - half * 0.55, y);
  cairo_line_to (d->cr, x + half * 0.55, y);
  cairo_move_to (d->cr, x, y - half * 0.55);
  cairo_line_to (d->cr, x, y + half * 0.55);
  cairo_set_line_width (d->cr, half * 0.35);
  cairo_stroke (d->cr);
  add_label (d, row->name, row->bbox, STATION_LABEL_DY, 1, 14, AREA_LABEL_ZOOM);
  return TRUE;
}

/* A residents' report (issue #18): a diamond in its status's colour with a white edge — "!"
 * while open, a tick once resolved or closed — and a red ring when urgent; a line or an area
 * also dashed in that colour. */
static gboolean
draw_report (const CmFeatureRow *row, gpointer data)
{
  Draw *d = data;
  CmColor c = cm_style_report_status (row->kind);
  gboolean open = g_strcmp0 (row->kind, "resolved") != 0 && g_strcmp0 (row->kind, "closed") != 0;
  gboolean urgent = row->number == 1;
  g_autoptr (CmGeom) g = row->wkb ? cm_geom_from_wkb (row->wkb, row->wkb_len) : NULL;
  if (g && (cm_geom_has_areas (g) || cm_geom_has_lines (g)))
    {
      static const double dash[] = { 6, 4 };
      cairo_new_path (d->cr);
      add_path (d, g);
      set_color (d->cr, c, 0.9);
      cairo_set_line_width (d->cr, 2.5);
      cairo_set_dash (d->cr, dash, 2, 0);
      cairo_stroke (d->cr);
      cairo_set_dash (d->cr, NULL, 0, 0);
    }
  double x, y;
  if (g && g->type == CM_GEOM_POINT && g->xy->len >= 2)
    cm_render_view_project (d->view, ((double *) g->xy->data)[0], ((double *) g->xy->data)[1],
                            &x, &y);
  else
    bbox_centre (d, row->bbox, &x, &y);
  double zoom = d->view->zoom, half = zoom >= 16 ? 9 : zoom >= 14 ? 7 : 4;
  if (urgent)
    {
      cairo_new_path (d->cr);
      cairo_arc (d->cr, x, y, half * 1.45, 0, 2 * G_PI);
      cairo_set_source_rgb (d->cr, 0.84, 0.1, 0.1);
      cairo_set_line_width (d->cr, 2.5);
      cairo_stroke (d->cr);
    }
  cairo_new_path (d->cr);
  cairo_move_to (d->cr, x, y - half);
  cairo_line_to (d->cr, x + half, y);
  cairo_line_to (d->cr, x, y + half);
  cairo_line_to (d->cr, x - half, y);
  cairo_close_path (d->cr);
  set_color (d->cr, c, 1);
  cairo_fill_preserve (d->cr);
  cairo_set_source_rgb (d->cr, 1, 1, 1);
  cairo_set_line_width (d->cr, 1.5);
  cairo_stroke (d->cr);
  if (half >= 6)
    {
      cairo_set_line_width (d->cr, half * 0.22);
      cairo_set_line_cap (d->cr, CAIRO_LINE_CAP_ROUND);
      cairo_new_path (d->cr);
      if (open)
        {
          cairo_move_to (d->cr, x, y - half * 0.5);
          cairo_line_to (d->cr, x, y + half * 0.1);
          cairo_stroke (d->cr);
          cairo_arc (d->cr, x, y + half * 0.4, half * 0.11, 0, 2 * G_PI);
          cairo_fill (d->cr);
        }
      else
        {
          cairo_move_to (d->cr, x - half * 0.4, y);
          cairo_line_to (d->cr, x - half * 0.1, y + half * 0.3);
          cairo_line_to (d->cr, x + half * 0.4, y - half * 0.3);
          cairo_stroke (d->cr);
        }
      cairo_set_line_cap (d->cr, CAIRO_LINE_CAP_BUTT);
    }
  return TRUE;
}

static void
draw_attribution (Draw *d)
{
  PangoLayout *layout = pango_cairo_create_layout (d->cr);
  PangoFontDescription *desc = pango_font_description_from_string (LABEL_FONT " 11px");
  pango_layout_set_font_description (layout, desc);
  pango_font_description_free (desc);
  pango_layout_set_text (layout, "© OpenStreetMap contributors", -1);
  int w, h;
  pango_layout_get_pixel_size (layout, &w, &h);
  double x = d->view->width - w - 6, y = d->view->height - h - 4;
  cairo_rectangle (d->cr, x - 4, y - 2, w + 8, h + 4);
  cairo_set_source_rgba (d->cr, 1, 1, 1, 0.75);
  cairo_fill (d->cr);
  cairo_move_to (d->cr, x, y);
  set_color (d->cr, cm_style_label, 1);
  pango_cairo_show_layout (d->cr, layout);
  g_object_unref (layout);
}

gboolean
cm_render_draw (CmStore *store, cairo_t *cr, const CmRenderView *view,
                const CmRenderOptions *options, GError **error)
{
  CmRenderOptions defaults;
  if (options == NULL)
    {
      cm_render_options_init (&defaults);
      options = &defaults;
    }
  Draw d = { cr, view, options, cm_labels_new () };
  d.world = CM_TILE_SIZE * exp2 (view->zoom);
  d.point_fill = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) cairo_destroy);
  double bbox[4];
  cm_render_view_get_bbox (view, bbox);
  /* symbols and line widths reach beyond a feature's box: query each layer with a margin of
   * as many pixels as its widest drawing reaches (as degrees of longitude per pixel) */
  double deg_per_px = 360.0 / (CM_TILE_SIZE * exp2 (view->zoom));
  gboolean ok;

  cairo_save (cr);
  if (options->background)
    {
      set_color (cr, cm_style_background, 1);
      cairo_paint (cr);
    }
  /* bottom to top; radius circles reach far, so every station's circle is considered */
  static const struct
  {
    CmLayer layer;
    gboolean everywhere; /* reaching beyond the features' boxes by the service radius */
    CmFeatureRowFunc func;
    double margin; /* pixels */
  } steps[] = {
    { CM_LAYER_TEAMS, FALSE, draw_team, 2 },
    { CM_LAYER_BUILDINGS, FALSE, draw_building, 2 },
    { CM_LAYER_PATHS, FALSE, draw_path, 12 },
    { CM_LAYER_BARRIERS, FALSE, draw_barrier, 3 },
    { CM_LAYER_COMPOUNDS, FALSE, draw_compound, 3 },
    { CM_LAYER_BOUNDARY, FALSE, draw_boundary, 3 },
    { CM_LAYER_STATIONS, TRUE, draw_station_radius, 0 },
    { CM_LAYER_RESOURCES, FALSE, draw_resource, 8 },
    { CM_LAYER_STATIONS, FALSE, draw_station, 12 },
    { CM_LAYER_REPORTS, FALSE, draw_report, 16 },
  };
  ok = TRUE;
  for (gsize i = 0; ok && i < G_N_ELEMENTS (steps); i++)
    {
      if (options->hidden & (1u << steps[i].layer))
        continue;
      gpointer data = &d;
      /* buildings drawn from their box (dots under 1.5 px; below zoom 15, where shapes are
       * not antialiased, boxes under 6 px too) need no geometry */
      double lod_w = 0, lod_h = 0;
      if (steps[i].layer == CM_LAYER_BUILDINGS)
        {
          double px = view->zoom < 15 ? 6 : 1.5;
          lod_w = px * 360.0 / (CM_TILE_SIZE * exp2 (view->zoom));
          lod_h = lod_w * cos (bbox[3] * G_PI / 180.0);
        }
      if (steps[i].layer == CM_LAYER_BUILDINGS)
        buildings_begin (&d);
      /* zoomed out, buildings and paths come from the overview in memory when there is one */
      CmOverviewLayer from = steps[i].layer == CM_LAYER_BUILDINGS &&
                                     view->zoom <= CM_OVERVIEW_BUILDINGS_UP_TO
                                 ? CM_OVERVIEW_BUILDINGS
                             : steps[i].layer == CM_LAYER_PATHS && view->zoom < CM_OVERVIEW_PATHS_BELOW
                                 ? CM_OVERVIEW_PATHS
                                 : CM_OVERVIEW_N_LAYERS;
      if (from != CM_OVERVIEW_N_LAYERS && options->overview &&
          cm_overview_ensure (options->overview, store, NULL))
        {
          cm_overview_foreach (options->overview, from, view, steps[i].margin,
                               from == CM_OVERVIEW_BUILDINGS ? draw_overview_building
                                                             : draw_overview_path,
                               &d);
          if (from == CM_OVERVIEW_BUILDINGS)
            buildings_end (&d);
          else
            paths_end (&d);
          continue;
        }
      double pad = steps[i].margin * deg_per_px;
      if (steps[i].everywhere)
        {
          /* a circle reaches as far as the largest radius: in degrees of longitude (wider
           * than of latitude) at the view's edge nearest a pole, and a little more */
          double r = cm_store_get_max_service_radius (store, error);
          if (r < 0)
            {
              ok = FALSE;
              break;
            }
          double lat = MIN (MAX (fabs (bbox[1]), fabs (bbox[3])), 85.0);
          pad = r / (111320.0 * cos (lat * G_PI / 180.0)) * 1.01 + 4 * deg_per_px;
        }
      double padded[4] = { bbox[0] - pad, bbox[1] - pad, bbox[2] + pad, bbox[3] + pad };
      const double *where = padded;
      /* buildings and paths are drawn in batches by colour, so in any order; the rest in id
       * order, so that overlaps look the same on every tile */
      if (steps[i].layer == CM_LAYER_BUILDINGS || steps[i].layer == CM_LAYER_PATHS)
        ok = cm_store_foreach_in_bbox_lod (store, steps[i].layer, where, lod_w, lod_h,
                                           steps[i].func, data, error);
      else
        ok = cm_store_foreach_in_bbox (store, steps[i].layer, where, steps[i].func, data,
                                       error);
      if (steps[i].layer == CM_LAYER_BUILDINGS)
        buildings_end (&d);
      else if (steps[i].layer == CM_LAYER_PATHS)
        paths_end (&d);
      else if (steps[i].layer == CM_LAYER_RESOURCES)
        points_end (&d);
    }
  if (ok)
    {
      cm_labels_draw (d.labels, cr, view);
      if (options->attribution)
        draw_attribution (&d);
    }
  cairo_restore (cr);
  cm_labels_free (d.labels);
  g_hash_table_unref (d.point_fill);
  return ok;
}

/* Where cairo's bytes go: our own stream, so that a write that fails (a full disk, a stick
 * pulled out) is known with its reason; cairo's own file output drops such errors. */
typedef struct
{
  GOutputStream *out;
  GError *error; /* the first failure */
} Sink;

static cairo_status_t
sink_write (void *closure, const unsigned char *data, unsigned int length)
{
  Sink *sink = closure;
  if (sink->error == NULL)
    g_output_stream_write_all (sink->out, data, length, NULL, NULL, &sink->error);
  return sink->error ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

gboolean
cm_render_page_to_file (const char *path, double width, double height, double png_scale,
                        CmRenderPageFunc draw, gpointer data, GError **error)
{
  gboolean pdf = g_str_has_suffix (path, ".pdf");
  g_autofree char *tmp = g_strdup_printf ("%s.partial", path);
  g_autoptr (GFile) file = g_file_new_for_path (tmp);
  Sink sink = { NULL, NULL };
  sink.out = G_OUTPUT_STREAM (g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL,
                                              &sink.error));
  gboolean ok = FALSE;
  if (sink.out)
    {
      cairo_surface_t *surface =
          pdf ? cairo_pdf_surface_create_for_stream (sink_write, &sink, width, height)
              : cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) (width * png_scale + 0.5),
                                            (int) (height * png_scale + 0.5));
      cairo_t *cr = cairo_create (surface);
      if (!pdf)
        cairo_scale (cr, png_scale, png_scale);
      ok = cairo_status (cr) == CAIRO_STATUS_SUCCESS && draw (cr, data, error);
      cairo_destroy (cr);
      if (ok && !pdf)
        cairo_surface_write_to_png_stream (surface, sink_write, &sink);
      cairo_surface_finish (surface);
      if (ok && sink.error == NULL && cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
        g_set_error_literal (&sink.error, G_IO_ERROR, G_IO_ERROR_FAILED,
                             cairo_status_to_string (cairo_surface_status (surface)));
      cairo_surface_destroy (surface);
      /* the last bytes reach the disk on closing: a full disk may say so only now */
      if (sink.error == NULL)
        g_output_stream_close (sink.out, NULL, &sink.error);
      g_object_unref (sink.out);
    }
  if (ok && sink.error == NULL && g_rename (tmp, path) != 0)
    g_set_error (&sink.error, G_IO_ERROR, g_io_error_from_errno (errno), "%s", g_strerror (errno));
  if (ok && sink.error == NULL)
    return TRUE;
  g_unlink (tmp);
  if (ok || (sink.error && error && *error == NULL))
    {
      g_autofree char *name = g_filename_display_name (path);
      if (g_error_matches (sink.error, G_IO_ERROR, G_IO_ERROR_NO_SPACE))
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                     _("could not write %s: the disk is full. Free some space on it, or write the "
                       "file to another disk"),
                     name);
      else
        g_set_error (error, G_IO_ERROR, sink.error ? sink.error->code : G_IO_ERROR_FAILED,
                     _("could not write %s: %s"), name,
                     sink.error ? sink.error->message : "?");
    }
  g_clear_error (&sink.error);
  return FALSE;
}

gboolean
cm_render_get_extent (CmStore *store, double bbox[4], GError **error)
{
  gboolean any = FALSE;
  bbox[0] = bbox[1] = G_MAXDOUBLE;
  bbox[2] = bbox[3] = -G_MAXDOUBLE;
  for (int i = 0; i < CM_N_LAYERS; i++)
    {
      CmLayerStats s;
      if (!cm_store_get_layer_stats (store, i, &s, error))
        return FALSE;
      if (s.count == 0)
        continue;
      any = TRUE;
      bbox[0] = MIN (bbox[0], s.bbox[0]);
      bbox[1] = MIN (bbox[1], s.bbox[1]);
      bbox[2] = MAX (bbox[2], s.bbox[2]);
      bbox[3] = MAX (bbox[3], s.bbox[3]);
    }
  return any;
}

typedef struct
{
  CmLabels *labels;
  double dy, size, min_zoom;
  int priority;
} Collect;

static gboolean
collect_label (const CmFeatureRow *row, gpointer data)
{
  Collect *c = data;
  cm_labels_add (c->labels, row->name, (row->bbox[0] + row->bbox[2]) / 2,
                 (row->bbox[1] + row->bbox[3]) / 2, c->dy, c->priority, c->size, c->min_zoom);
  return TRUE;
}

gboolean
cm_render_collect_labels (CmStore *store, CmLabels *labels, guint hidden, GError **error)
{
  Collect stations = { labels, STATION_LABEL_DY, 14, AREA_LABEL_ZOOM, 1 };
  Collect teams = { labels, 0, 15, AREA_LABEL_ZOOM, 2 };
  Collect compounds = { labels, 0, 15, 0, 2 };
  Collect resources = { labels, RESOURCE_LABEL_DY, 12, RESOURCE_LABEL_ZOOM, 3 };
  return ((hidden & (1u << CM_LAYER_STATIONS)) ||
          cm_store_foreach_in_bbox (store, CM_LAYER_STATIONS, NULL, collect_label, &stations,
                                    error)) &&
         ((hidden & (1u << CM_LAYER_TEAMS)) ||
          cm_store_foreach_in_bbox (store, CM_LAYER_TEAMS, NULL, collect_label, &teams, error)) &&
         ((hidden & (1u << CM_LAYER_COMPOUNDS)) ||
          cm_store_foreach_in_bbox (store, CM_LAYER_COMPOUNDS, NULL, collect_label, &compounds,
                                    error)) &&
         ((hidden & (1u << CM_LAYER_RESOURCES)) ||
          cm_store_foreach_in_bbox (store, CM_LAYER_RESOURCES, NULL, collect_label, &resources,
                                    error));
}
