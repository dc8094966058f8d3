/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-poster.c: the poster's layout, from the top: title and subtitle, the map in its frame, and
 * a band under it with the legend on the left and the scale, the north arrow and the credits on
 * the right. Every size follows the paper's shorter side, so an A4 and an A0 look alike. */
#include "config.h"

#include "cm-poster.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <string.h>

#include "cm-analysis-style.h"
#include "cm-categories.h"
#include "cm-geodesic.h"
#include "cm-icons.h"
#include "cm-i18n.h"
#include "cm-kinds.h"
#include "cm-render.h"
#include "cm-style.h"
#include "cm-workshops.h"

#define POSTER_FONT "Noto Sans CJK SC, Noto Sans, sans-serif"

void
cm_poster_options_init (CmPosterOptions *options)
{
  memset (options, 0, sizeof *options);
  options->width_mm = 594; /* A1, portrait */
  options->height_mm = 841;
}

gboolean
cm_poster_parse_paper (const char *text, gboolean landscape, double *width_mm, double *height_mm)
{
  /* ISO 216: A0 is 841 × 1189 mm, each next size half of it */
  static const double a_sizes[][2] = {
    { 841, 1189 }, { 594, 841 }, { 420, 594 }, { 297, 420 }, { 210, 297 },
  };
  double w, h;
  if (text == NULL)
    return FALSE;
  if ((text[0] == 'A' || text[0] == 'a') && text[1] >= '0' && text[1] <= '4' && text[2] == '\0')
    {
      w = a_sizes[text[1] - '0'][0]; /* portrait */
      h = a_sizes[text[1] - '0'][1];
    }
  else
    {
      /* a size in millimetres, taken as written */
      char *end = NULL;
      w = g_ascii_strtod (text, &end);
      if (end == text || (*end != 'x' && *end != 'X'))
        return FALSE;
      const char *second = end + 1;
      h = g_ascii_strtod (second, &end);
      if (end == second || *end != '\0' || !(w >= 50 && w <= 5000 && h >= 50 && h <= 5000))
        return FALSE;
    }
  *width_mm = landscape ? MAX (w, h) : w;
  *height_mm = landscape ? MIN (w, h) : h;
  return TRUE;
}

const double *
cm_poster_scales (guint *n)
{
  static const double scales[] = { 500,   1000,   1500,   2000,   2500,   3000,   4000,
                                   5000,  7500,   10000,  15000,  20000,  25000,  50000,
                                   75000, 100000, 150000, 200000, 250000, 500000 };
  *n = G_N_ELEMENTS (scales);
  return scales;
}

/* ---- text ------------------------------------------------------------------------------------ */

/* A layout of @text at @size points, at most @width wide (ellipsized; 0: no limit). */
static PangoLayout *
text_layout (cairo_t *cr, const char *text, double size, gboolean bold, double width)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *desc = pango_font_description_from_string (POSTER_FONT);
  pango_font_description_set_absolute_size (desc, size * PANGO_SCALE);
  if (bold)
    pango_font_description_set_weight (desc, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description (layout, desc);
  pango_font_description_free (desc);
  pango_layout_set_text (layout, text, -1);
  if (width > 0)
    {
      pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
    }
  return layout;
}

static double
text_width (PangoLayout *layout)
{
  PangoRectangle ink, logical;
  pango_layout_get_extents (layout, &ink, &logical);
  return (double) logical.width / PANGO_SCALE;
}

/* Shows @text with its top-left at @x, @y (@align: 0 left, 0.5 centred, 1 right of @x). */
static double
show_text (cairo_t *cr, const char *text, double x, double y, double size, gboolean bold,
           double width, double align)
{
  PangoLayout *layout = text_layout (cr, text, size, bold, width);
  double w = text_width (layout);
  cairo_move_to (cr, x - align * w, y);
  pango_cairo_show_layout (cr, layout);
  int ph;
  pango_layout_get_size (layout, NULL, &ph);
  g_object_unref (layout);
  return (double) ph / PANGO_SCALE;
}

/* @text wrapped at @width, its top-left at @x, @y; drawn when @draw. Returns its height. */
static double
paragraph (cairo_t *cr, const char *text, double x, double y, double size, gboolean bold,
           double width, gboolean draw)
{
  PangoLayout *layout = text_layout (cr, text, size, bold, 0);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  if (draw)
    {
      cairo_move_to (cr, x, y);
      pango_cairo_show_layout (cr, layout);
    }
  int ph;
  pango_layout_get_size (layout, NULL, &ph);
  g_object_unref (layout);
  return (double) ph / PANGO_SCALE;
}

/* ---- what is shown: the legend ----------------------------------------------------------------- */

typedef enum
{
  SWATCH_POINT,    /* a resource's dot in its category's colour */
  SWATCH_STATION,  /* a station's symbol in its ring */
  SWATCH_REPORT,   /* a residents' report's diamond */
  SWATCH_AREA,     /* a filled area with its outline */
  SWATCH_LINE,     /* a path */
  SWATCH_DASHED,   /* the boundary */
  SWATCH_DOTTED,   /* a compound */
  SWATCH_ANALYSIS, /* an analysis's colour (cm_analysis_draw_swatch) */
} Swatch;

typedef struct
{
  Swatch swatch;
  CmColor colour;
  char *label;
  char *sort_key;
  char *category; /* a resource category's key, or NULL */
  CmAnalysisLegendItem analysis; /* SWATCH_ANALYSIS: its colour and hatching */
} LegendItem;

static void
legend_item_free (gpointer p)
{
  LegendItem *item = p;
  g_free (item->label);
  g_free (item->sort_key);
  g_free (item->category);
  g_free (item);
}

typedef struct
{
  GHashTable *categories; /* resource categories shown: key → count */
  GHashTable *teams;      /* team id → "name\tkind" */
  gboolean layer_shown[CM_N_LAYERS];
  gboolean osm;
} Shown;

static gboolean
note_shown (const CmFeatureRow *row, gpointer data)
{
  Shown *s = data;
  s->layer_shown[row->layer] = TRUE;
  /* data that came from OpenStreetMap keeps its element id in the tags (@id) */
  if (!s->osm && row->tags && strstr (row->tags, "\"@id\""))
    s->osm = TRUE;
  if (row->layer == CM_LAYER_RESOURCES)
    {
      const char *key = row->category ? row->category : CM_CATEGORY_OTHER;
      gpointer n = g_hash_table_lookup (s->categories, key);
      g_hash_table_insert (s->categories, g_strdup (key), GUINT_TO_POINTER (GPOINTER_TO_UINT (n) + 1));
    }
  else if (row->layer == CM_LAYER_TEAMS)
    g_hash_table_insert (s->teams, g_memdup2 (&row->id, sizeof row->id),
                         g_strdup_printf ("%s\t%s", row->name ? row->name : "",
                                          row->kind ? row->kind : ""));
  return TRUE;
}

static int
compare_items (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 ((*(LegendItem *const *) a)->sort_key, (*(LegendItem *const *) b)->sort_key);
}

static int
compare_ids (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return x < y ? -1 : x > y;
}

static LegendItem *
legend_item (Swatch swatch, CmColor colour, const char *label, const char *sort_key)
{
  LegendItem *item = g_new0 (LegendItem, 1);
  item->swatch = swatch;
  item->colour = colour;
  item->label = g_strdup (label);
  item->sort_key = g_strdup (sort_key);
  return item;
}

/* The analysis's entries (cm_analysis_legend) put first in @legend. */
static guint
prepend_analysis_legend (GPtrArray *legend, const CmAnalysisResult *analysis)
{
  g_autoptr (GArray) items = cm_analysis_legend (analysis);
  for (guint i = 0; i < items->len; i++)
    {
      const CmAnalysisLegendItem *a = &g_array_index (items, CmAnalysisLegendItem, i);
      LegendItem *item = legend_item (SWATCH_ANALYSIS, cm_style_background, a->label, "");
      item->analysis = *a;
      g_ptr_array_insert (legend, i, item);
    }
  return items->len;
}

/* The analysis's summary box over the legend: its name, then what it found (the sentences the
 * window's panel says). Drawn when @draw; returns its height with the space under it. */
static double
summary_box (cairo_t *cr, const CmPosterOptions *options, double x, double y, double width,
             double size, gboolean draw)
{
  const CmAnalysisResult *r = options->analysis;
  g_autoptr (GString) text = g_string_new (NULL);
  cm_analysis_append_summary (text, r, options->circle);
  double pad = size * 0.6;
  if (draw)
    cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
  double h = paragraph (cr, _(cm_analysis_kind_info (r->request.kind)->name), x + pad, y + pad,
                        size * 1.15, TRUE, width - 2 * pad, draw);
  h += size * 0.3;
  h += paragraph (cr, text->str, x + pad, y + pad + h, size, FALSE, width - 2 * pad, draw);
  h += 2 * pad;
  if (draw)
    {
      cairo_rectangle (cr, x, y, width, h);
      cairo_set_line_width (cr, size * 0.08);
      cairo_set_source_rgb (cr, 0.4, 0.4, 0.4);
      cairo_stroke (cr);
    }
  return h + size;
}

/* The legend of what @view shows, in a fixed order: stations, teams, buildings, paths,
 * compounds, the boundary, then the resources' categories, the most shown first. */
static GPtrArray *
collect_legend (CmStore *store, const double bbox[4], guint hidden, gboolean *osm,
                GError **error)
{
  Shown s = { 0 };
  s.categories = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  s.teams = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  GPtrArray *items = NULL;
  gboolean ok = TRUE;
  for (int l = 0; ok && l < CM_N_LAYERS; l++)
    ok = (hidden & (1u << l)) ||
         cm_store_foreach_in_bbox (store, l, l == CM_LAYER_STATIONS ? NULL : bbox, note_shown,
                                   &s, error);
  if (ok)
    {
      items = g_ptr_array_new_with_free_func (legend_item_free);
      CmCategories *categories = cm_categories_get_default ();
      GHashTableIter it;
      gpointer key, value;
      g_autoptr (GPtrArray) resources = g_ptr_array_new_with_free_func (legend_item_free);
      g_hash_table_iter_init (&it, s.categories);
      while (g_hash_table_iter_next (&it, &key, &value))
        {
          const CmCategory *c = cm_categories_lookup (categories, key);
          const char *label = c ? cm_i18n_pick (c->label_zh, c->label_en) : key;
          /* most shown first, then by name */
          g_autofree char *sort = g_strdup_printf ("%08u %s", G_MAXINT32 - GPOINTER_TO_UINT (value),
                                                   label);
          LegendItem *item = legend_item (SWATCH_POINT, cm_style_category (key), label, sort);
          item->category = g_strdup (key);
          g_ptr_array_add (resources, item);
        }
      if (s.layer_shown[CM_LAYER_STATIONS])
        g_ptr_array_add (items, legend_item (SWATCH_STATION, cm_style_station,
                                             _("Service station (ring: its service radius)"), ""));
      g_autoptr (GList) ids = g_hash_table_get_keys (s.teams);
      ids = g_list_sort (ids, compare_ids);
      for (GList *i = ids; i; i = i->next)
        {
          gint64 id = *(gint64 *) i->data;
          g_auto (GStrv) name_kind = g_strsplit (g_hash_table_lookup (s.teams, i->data), "\t", 2);
          g_autoptr (CmKind) kind = *name_kind[1] ? cm_store_get_kind (store, CM_LAYER_TEAMS,
                                                                       name_kind[1], NULL)
                                                  : NULL;
          /* TRANSLATORS: a team in the poster's legend: its name and its type */
          g_autofree char *label = kind ? g_strdup_printf (_("%s (%s)"), name_kind[0],
                                                           cm_kind_label (kind))
                                        : g_strdup (name_kind[0]);
          g_ptr_array_add (items, legend_item (SWATCH_AREA, cm_style_team ((guint) id), label, ""));
        }
      if (s.layer_shown[CM_LAYER_BUILDINGS])
        g_ptr_array_add (items, legend_item (SWATCH_AREA, cm_style_building_class_color (0),
                                             _("Buildings"), ""));
      if (s.layer_shown[CM_LAYER_PATHS])
        g_ptr_array_add (items, legend_item (SWATCH_LINE, cm_style_background, _("Paths"), ""));
      if (s.layer_shown[CM_LAYER_COMPOUNDS])
        g_ptr_array_add (items, legend_item (SWATCH_DOTTED, cm_style_boundary,
                                             _("Compounds and grid cells"), ""));
      if (s.layer_shown[CM_LAYER_BOUNDARY])
        g_ptr_array_add (items, legend_item (SWATCH_DASHED, cm_style_boundary,
                                             _("Community boundary"), ""));
      if (s.layer_shown[CM_LAYER_REPORTS])
        g_ptr_array_add (items, legend_item (SWATCH_REPORT, cm_style_report_status ("reported"),
                                             _("Residents' report (its colour: the status)"),
                                             ""));
      g_ptr_array_sort (resources, compare_items);
      g_ptr_array_set_free_func (resources, NULL); /* they move to @items */
      for (guint i = 0; i < resources->len; i++)
        g_ptr_array_add (items, resources->pdata[i]);
    }
  *osm = s.osm;
  g_hash_table_unref (s.categories);
  g_hash_table_unref (s.teams);
  return items;
}

static void
draw_swatch (cairo_t *cr, const LegendItem *item, double x, double y, double size)
{
  const CmColor *c = &item->colour;
  double cx = x + size / 2, cy = y + size / 2;
  cairo_save (cr);
  cairo_new_path (cr);
  switch (item->swatch)
    {
    case SWATCH_ANALYSIS:
      cm_analysis_draw_swatch (cr, &item->analysis, x, y, size);
      break;
    case SWATCH_POINT:
      /* the category's icon, as the map draws it zoomed in (with a grey edge: on white paper) */
      cairo_arc (cr, cx, cy, size * 0.42, 0, 2 * G_PI);
      cairo_set_source_rgb (cr, 0.75, 0.75, 0.75);
      cairo_fill (cr);
      cm_icons_draw_symbol (cr, item->category, cx, cy, size * 0.34);
      break;
    case SWATCH_REPORT:
      cairo_move_to (cr, cx, cy - size * 0.4);
      cairo_line_to (cr, cx + size * 0.4, cy);
      cairo_line_to (cr, cx, cy + size * 0.4);
      cairo_line_to (cr, cx - size * 0.4, cy);
      cairo_close_path (cr);
      cairo_set_source_rgb (cr, c->r, c->g, c->b);
      cairo_fill (cr);
      break;
    case SWATCH_STATION:
      cairo_arc (cr, cx, cy, size * 0.48, 0, 2 * G_PI);
      cairo_set_source_rgba (cr, c->r, c->g, c->b, 0.12);
      cairo_fill_preserve (cr);
      cairo_set_source_rgba (cr, c->r, c->g, c->b, 0.8);
      cairo_set_line_width (cr, size * 0.05);
      cairo_stroke (cr);
      cairo_rectangle (cr, cx - size * 0.2, cy - size * 0.2, size * 0.4, size * 0.4);
      cairo_set_source_rgb (cr, c->r, c->g, c->b);
      cairo_fill (cr);
      break;
    case SWATCH_AREA:
      cairo_rectangle (cr, x + size * 0.1, y + size * 0.2, size * 0.8, size * 0.6);
      cairo_set_source_rgba (cr, c->r, c->g, c->b, 0.5);
      cairo_fill_preserve (cr);
      cairo_set_source_rgb (cr, c->r * 0.7, c->g * 0.7, c->b * 0.7);
      cairo_set_line_width (cr, size * 0.06);
      cairo_stroke (cr);
      break;
    case SWATCH_LINE:
      cairo_move_to (cr, x, cy);
      cairo_line_to (cr, x + size, cy);
      cairo_set_source_rgb (cr, 0.6, 0.6, 0.6);
      cairo_set_line_width (cr, size * 0.35);
      cairo_stroke_preserve (cr);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_set_line_width (cr, size * 0.22);
      cairo_stroke (cr);
      break;
    case SWATCH_DASHED:
    case SWATCH_DOTTED:
      {
        double dash[] = { size * (item->swatch == SWATCH_DASHED ? 0.3 : 0.06), size * 0.15 };
        cairo_set_dash (cr, dash, 2, 0);
        cairo_set_line_cap (cr, item->swatch == SWATCH_DASHED ? CAIRO_LINE_CAP_BUTT
                                                             : CAIRO_LINE_CAP_ROUND);
        cairo_move_to (cr, x, cy);
        cairo_line_to (cr, x + size, cy);
        cairo_set_source_rgb (cr, c->r, c->g, c->b);
        cairo_set_line_width (cr, size * 0.12);
        cairo_stroke (cr);
        break;
      }
    }
  cairo_restore (cr);
}

#define LEGEND_ROW 1.55    /* a row's height, in text sizes */
#define LEGEND_SWATCH 1.3  /* a swatch's size */
#define LEGEND_HEADING 2.2 /* the heading and the space under it */

/* The legend's columns in @width: as wide as the longest label needs, as many as fit. */
static guint
legend_columns (cairo_t *cr, GPtrArray *items, double width, double size, double *column_width)
{
  double longest = size * 6;
  for (guint i = 0; i < items->len; i++)
    {
      PangoLayout *l = text_layout (cr, ((LegendItem *) items->pdata[i])->label, size, FALSE, 0);
      longest = MAX (longest, text_width (l));
      g_object_unref (l);
    }
  *column_width = MIN (width, longest + size * (LEGEND_SWATCH + 2));
  return (guint) MAX (1.0, floor (width / *column_width));
}

/* The height the whole legend needs in @width. */
static double
legend_height (cairo_t *cr, GPtrArray *items, double width, double size)
{
  double column_width;
  guint columns = legend_columns (cr, items, width, size, &column_width);
  guint rows = (items->len + columns - 1) / columns;
  return size * (LEGEND_HEADING + rows * LEGEND_ROW);
}

/* The legend in columns within @box (x, y, width, height): as many rows and columns as fit at
 * a readable size; what does not fit is counted in a last line, never made smaller. */
static void
draw_legend (cairo_t *cr, GPtrArray *items, const double box[4], double size,
             CmPosterLayout *layout)
{
  double row = size * LEGEND_ROW, swatch = size * LEGEND_SWATCH;
  show_text (cr, _("Legend"), box[0], box[1], size * 1.15, TRUE, 0, 0);
  double top = box[1] + size * LEGEND_HEADING;
  guint rows = (guint) MAX (1.0, floor ((box[1] + box[3] - top) / row));
  double column_width;
  guint columns = legend_columns (cr, items, box[2], size, &column_width);
  guint room = rows * columns, shown = items->len;
  if (shown > room)
    shown = room - 1; /* the last place says how many are left out */
  for (guint i = 0; i < shown; i++)
    {
      const LegendItem *item = items->pdata[i];
      double x = box[0] + (i / rows) * column_width, y = top + (i % rows) * row;
      draw_swatch (cr, item, x, y + (row - swatch) / 2 - size * 0.25, swatch);
      cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
      show_text (cr, item->label, x + swatch + size * 0.5, y, size, FALSE,
                 column_width - swatch - size * 1.2, 0);
    }
  if (shown < items->len)
    {
      guint left = items->len - shown;
      g_autofree char *more = g_strdup_printf (ngettext ("… and %u more kind", "… and %u more kinds",
                                                         left),
                                               left);
      double x = box[0] + (shown / rows) * column_width, y = top + (shown % rows) * row;
      cairo_set_source_rgb (cr, 0.3, 0.3, 0.3);
      show_text (cr, more, x, y, size, FALSE, column_width, 0);
    }
  layout->legend_shown = shown;
  layout->legend_left_out = items->len - shown;
}

/* ---- scale bar and north arrow ----------------------------------------------------------------- */

/* The largest of 1, 2, 5 × 10^k at most @metres. */
static double
round_down_125 (double metres)
{
  double p = pow (10, floor (log10 (metres)));
  double m = metres / p;
  return (m >= 5 ? 5 : m >= 2 ? 2 : 1) * p;
}

static char *
format_metres (double metres)
{
  if (metres >= 1000)
    return g_strdup_printf (_("%g km"), metres / 1000);
  return g_strdup_printf (_("%g m"), metres);
}

/* A bar of four segments, black and white, with 0, the middle and its length under it; the
 * length in points comes from the view itself: the bar is as long as @metres on the ground at
 * the map's centre, measured on the ellipsoid. */
static void
draw_scale_bar (cairo_t *cr, const CmRenderView *view, double px, double x, double y,
                double max_points, double size, double scale, CmPosterLayout *layout)
{
  double lon, lat;
  cm_render_view_unproject (view, view->width / 2.0, view->height / 2.0, &lon, &lat);
  double kx, ky;
  cm_geodesic_scale (lat, &kx, &ky);
  /* points per metre along the parallel through the centre */
  double x0, y0, x1, y1;
  cm_render_view_project (view, lon, lat, &x0, &y0);
  cm_render_view_project (view, lon + 1000.0 / kx, lat, &x1, &y1);
  double points_per_metre = (x1 - x0) * px / 1000.0;
  double metres = round_down_125 (max_points / points_per_metre);
  double length = metres * points_per_metre, height = size * 0.6;
  g_autofree char *scale_text = cm_format_count (scale);
  g_autofree char *title = g_strdup_printf (_("Scale 1:%s"), scale_text);
  cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
  double h = show_text (cr, title, x, y, size * 1.15, TRUE, 0, 0);
  double bar_y = y + h + size * 0.4;
  cairo_set_line_width (cr, size * 0.08);
  for (int i = 0; i < 4; i++)
    {
      cairo_rectangle (cr, x + i * length / 4, bar_y, length / 4, height);
      cairo_set_source_rgb (cr, i % 2 ? 1 : 0, i % 2 ? 1 : 0, i % 2 ? 1 : 0);
      cairo_fill_preserve (cr);
      cairo_set_source_rgb (cr, 0, 0, 0);
      cairo_stroke (cr);
    }
  g_autofree char *half = format_metres (metres / 2), *whole = format_metres (metres);
  show_text (cr, "0", x, bar_y + height + size * 0.2, size, FALSE, 0, 0.5);
  show_text (cr, half, x + length / 2, bar_y + height + size * 0.2, size, FALSE, 0, 0.5);
  show_text (cr, whole, x + length, bar_y + height + size * 0.2, size, FALSE, 0, 0.5);
  layout->bar_metres = metres;
  layout->bar_points = length;
  layout->bar_origin[0] = x;
  layout->bar_origin[1] = bar_y;
}

/* An arrow pointing up (north is up on this map) with N over it. */
static void
draw_north_arrow (cairo_t *cr, double cx, double top, double size)
{
  double h = show_text (cr, C_("compass point", "N"), cx, top, size * 1.4, TRUE, 0, 0.5);
  double y = top + h, len = size * 3.2, half = size * 0.9;
  cairo_new_path (cr);
  cairo_move_to (cr, cx, y);
  cairo_line_to (cr, cx + half, y + len);
  cairo_line_to (cr, cx, y + len * 0.72);
  cairo_close_path (cr);
  cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
  cairo_fill (cr);
  cairo_move_to (cr, cx, y);
  cairo_line_to (cr, cx - half, y + len);
  cairo_line_to (cr, cx, y + len * 0.72);
  cairo_close_path (cr);
  cairo_set_line_width (cr, size * 0.08);
  cairo_stroke (cr);
}

/* ---- the credits and the subtitle -------------------------------------------------------------- */

static char *
today (void)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  /* TRANSLATORS: a date on the poster, as strftime writes it; zh_CN: %Y年%-m月%-d日 */
  return g_date_time_format (now, _("%-d %B %Y"));
}

static char *
default_subtitle (CmStore *store)
{
  g_autofree char *date = today ();
  g_autoptr (GPtrArray) workshops = cm_store_list_workshops (store, NULL);
  if (workshops == NULL || workshops->len == 0)
    return g_steal_pointer (&date);
  GString *names = g_string_new (NULL);
  for (guint i = workshops->len; i > 0; i--) /* oldest first */
    {
      const CmRecord *w = workshops->pdata[i - 1];
      if (names->len)
        /* TRANSLATORS: between the names of workshops; zh_CN: 、 */
        g_string_append (names, _(", "));
      g_string_append (names, w->name);
    }
  g_autofree char *list = g_string_free (names, FALSE);
  /* TRANSLATORS: the poster's subtitle: the date, then the workshops the map came from */
  return g_strdup_printf (_("%s · from %s"), date, list);
}

static GPtrArray *
credit_lines (CmStore *store, const CmPosterOptions *options, gboolean osm)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) people = cm_store_list_contributors (store, NULL, NULL);
  g_autoptr (GPtrArray) workshops = cm_store_list_workshops (store, NULL);
  guint n_people = people ? people->len : 0, n_workshops = workshops ? workshops->len : 0;
  if (n_people > 0 && n_workshops > 1)
    g_ptr_array_add (lines, g_strdup_printf (ngettext ("Drawn by %u resident in %u workshops",
                                                       "Drawn by %u residents in %u workshops",
                                                       n_people),
                                             n_people, n_workshops));
  else if (n_people > 0)
    g_ptr_array_add (lines, g_strdup_printf (ngettext ("Drawn by %u resident in a workshop",
                                                       "Drawn by %u residents in a workshop",
                                                       n_people),
                                             n_people));
  if (options->organisation && *options->organisation)
    g_ptr_array_add (lines, g_strdup_printf (_("Made by %s"), options->organisation));
  if (osm)
    g_ptr_array_add (lines, g_strdup (_("Map data © OpenStreetMap contributors")));
  g_autofree char *date = today ();
  g_ptr_array_add (lines, g_strdup_printf (_("Made with Community Map, %s"), date));
  return lines;
}

/* ---- the poster ---------------------------------------------------------------------------------- */

/* What the poster shows: the caller's box, else the boundary's, else the whole map's. */
static gboolean
poster_area (CmStore *store, const CmPosterOptions *options, double bbox[4], GError **error)
{
  if (options->has_bbox)
    {
      memcpy (bbox, options->bbox, sizeof options->bbox);
      return TRUE;
    }
  CmLayerStats boundary;
  if (!cm_store_get_layer_stats (store, CM_LAYER_BOUNDARY, &boundary, error))
    return FALSE;
  if (boundary.count > 0)
    {
      memcpy (bbox, boundary.bbox, sizeof boundary.bbox);
      return TRUE;
    }
  if (cm_render_get_extent (store, bbox, error))
    return TRUE;
  if (error && *error == NULL)
    g_set_error_literal (error, CM_STORE_ERROR, CM_STORE_ERROR_INVALID,
                         _("the map is empty: there is nothing to put on a poster; import or draw"
                           " something first"));
  return FALSE;
}

/* ---- the reference grid and its index -------------------------------------------------------- */

/* A column's letters: A … Z, then AA, AB … */
static char *
grid_column_name (guint column)
{
  char name[8];
  int n = 0;
  column++;
  while (column > 0 && n < 7)
    {
      name[n++] = (char) ('A' + (column - 1) % 26);
      column = (column - 1) / 26;
    }
  name[n] = '\0';
  g_strreverse (name);
  return g_strdup (name);
}

/* The grid's cell of a point of the frame (frame points), e.g. "C4"; NULL outside it. */
static char *
grid_cell (const CmPosterLayout *layout, double x, double y)
{
  if (x < 0 || y < 0 || x >= layout->frame[2] || y >= layout->frame[3])
    return NULL;
  guint column = (guint) (x / (layout->frame[2] / layout->grid_columns));
  guint row = (guint) (y / (layout->frame[3] / layout->grid_rows));
  g_autofree char *letters = grid_column_name (MIN (column, layout->grid_columns - 1));
  return g_strdup_printf ("%s%u", letters, MIN (row, layout->grid_rows - 1) + 1);
}

/* Thin lines over the map, the letters above it and the numbers left of it. */
static void
draw_grid (cairo_t *cr, const CmPosterLayout *layout, double size)
{
  const double *f = layout->frame;
  double cw = f[2] / layout->grid_columns, ch = f[3] / layout->grid_rows;
  cairo_save (cr);
  cairo_set_source_rgba (cr, 0.25, 0.25, 0.35, 0.55);
  cairo_set_line_width (cr, size * 0.06);
  for (guint i = 1; i < layout->grid_columns; i++)
    {
      cairo_move_to (cr, f[0] + i * cw, f[1]);
      cairo_line_to (cr, f[0] + i * cw, f[1] + f[3]);
    }
  for (guint j = 1; j < layout->grid_rows; j++)
    {
      cairo_move_to (cr, f[0], f[1] + j * ch);
      cairo_line_to (cr, f[0] + f[2], f[1] + j * ch);
    }
  cairo_stroke (cr);
  cairo_set_source_rgb (cr, 0.2, 0.2, 0.3);
  for (guint i = 0; i < layout->grid_columns; i++)
    {
      g_autofree char *letters = grid_column_name (i);
      show_text (cr, letters, f[0] + (i + 0.5) * cw, f[1] - size * 1.45, size, TRUE, 0, 0.5);
    }
  for (guint j = 0; j < layout->grid_rows; j++)
    {
      g_autofree char *number = g_strdup_printf ("%u", j + 1);
      show_text (cr, number, f[0] - size * 0.4, f[1] + (j + 0.5) * ch - size * 0.7, size, TRUE,
                 0, 1);
    }
  cairo_restore (cr);
}

typedef struct
{
  char *group; /* the category's label, or the stations' heading */
  int group_order;
  char *name, *cell;
} IndexEntry;

static void
index_entry_free (gpointer p)
{
  IndexEntry *e = p;
  g_free (e->group);
  g_free (e->name);
  g_free (e->cell);
  g_free (e);
}

typedef struct
{
  const CmPosterLayout *layout;
  GPtrArray *entries;
  GHashTable *order; /* category key → its place in the legend */
} IndexWalk;

static gboolean
note_named (const CmFeatureRow *row, gpointer data)
{
  IndexWalk *w = data;
  if (row->name == NULL || *row->name == '\0')
    return TRUE;
  double x, y;
  cm_render_view_project (&w->layout->view, (row->bbox[0] + row->bbox[2]) / 2,
                          (row->bbox[1] + row->bbox[3]) / 2, &x, &y);
  char *cell = grid_cell (w->layout, x * w->layout->pixel, y * w->layout->pixel);
  if (cell == NULL)
    return TRUE;
  IndexEntry *e = g_new0 (IndexEntry, 1);
  e->name = g_strdup (row->name);
  e->cell = cell;
  if (row->layer == CM_LAYER_STATIONS)
    {
      e->group = g_strdup (_("Service stations"));
      e->group_order = -1;
    }
  else
    {
      const char *key = row->category ? row->category : CM_CATEGORY_OTHER;
      const CmCategory *c = cm_categories_lookup (cm_categories_get_default (), key);
      e->group = g_strdup (c ? cm_i18n_pick (c->label_zh, c->label_en) : key);
      e->group_order = GPOINTER_TO_INT (g_hash_table_lookup (w->order, key));
    }
  g_ptr_array_add (w->entries, e);
  return TRUE;
}

static int
compare_entries (gconstpointer a, gconstpointer b)
{
  const IndexEntry *x = *(IndexEntry *const *) a, *y = *(IndexEntry *const *) b;
  if (x->group_order != y->group_order)
    return x->group_order < y->group_order ? -1 : 1;
  int by_group = g_strcmp0 (x->group, y->group);
  return by_group ? by_group : g_utf8_collate (x->name, y->name);
}

/* Every named station and resource the map shows with its grid cell, grouped as the legend
 * orders the categories, in @box (x, y, width, height); what does not fit is counted. */
static gboolean
draw_index (cairo_t *cr, CmStore *store, GPtrArray *legend, guint hidden, CmPosterLayout *layout,
            const double box[4], double size, GError **error)
{
  IndexWalk w = { layout, g_ptr_array_new_with_free_func (index_entry_free),
                  g_hash_table_new (g_str_hash, g_str_equal) };
  /* the categories in the legend's order: most shown first */
  for (guint i = 0; i < legend->len; i++)
    {
      const LegendItem *item = legend->pdata[i];
      if (item->category)
        g_hash_table_insert (w.order, item->category, GINT_TO_POINTER (i + 1));
    }
  double shown[4];
  cm_render_view_get_bbox (&layout->view, shown);
  gboolean ok = ((hidden & (1u << CM_LAYER_STATIONS)) ||
                 cm_store_foreach_in_bbox (store, CM_LAYER_STATIONS, shown, note_named, &w, error)) &&
                ((hidden & (1u << CM_LAYER_RESOURCES)) ||
                 cm_store_foreach_in_bbox (store, CM_LAYER_RESOURCES, shown, note_named, &w, error));
  g_hash_table_unref (w.order);
  if (!ok)
    {
      g_ptr_array_unref (w.entries);
      return FALSE;
    }
  g_ptr_array_sort (w.entries, compare_entries);
  double row = size * 1.4, y = box[1], heading_row = row + size * 0.3;
  cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
  y += show_text (cr, _("Index"), box[0], y, size * 1.15, TRUE, 0, 0) + size * 0.4;
  /* the groups (runs of one group in the sorted entries) and what each may show: when not all
   * fit, every group gets a place in turn, so that each kind of place keeps some */
  GArray *starts = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; i < w.entries->len; i++)
    if (i == 0 || g_strcmp0 (((IndexEntry *) w.entries->pdata[i - 1])->group,
                             ((IndexEntry *) w.entries->pdata[i])->group) != 0)
      g_array_append_val (starts, i);
  guint groups = starts->len;
  g_autofree guint *quota = g_new0 (guint, groups + 1);
  double room = box[1] + box[3] - y - row * 1.5; /* the last line for what is left out */
  if (groups > 0 && ((IndexEntry *) w.entries->pdata[0])->group_order < 0)
    {
      /* the service stations first, all of them that fit */
      guint count = groups > 1 ? g_array_index (starts, guint, 1) : w.entries->len;
      while (quota[0] < count && room >= row + (quota[0] == 0 ? heading_row : 0))
        room -= row + (quota[0]++ == 0 ? heading_row : 0);
    }
  for (gboolean grew = TRUE; grew;)
    {
      grew = FALSE;
      for (guint g = 0; g < groups; g++)
        {
          guint end = g + 1 < groups ? g_array_index (starts, guint, g + 1) : w.entries->len;
          guint count = end - g_array_index (starts, guint, g);
          double cost = row + (quota[g] == 0 ? heading_row : 0);
          if (quota[g] < count && room >= cost)
            {
              quota[g]++;
              room -= cost;
              grew = TRUE;
            }
        }
    }
  guint shown_n = 0;
  for (guint g = 0; g < groups; g++)
    {
      guint first = g_array_index (starts, guint, g);
      for (guint k = 0; k < quota[g]; k++)
        {
          const IndexEntry *e = w.entries->pdata[first + k];
          if (k == 0)
            {
              y += size * 0.3;
              cairo_set_source_rgb (cr, 0.25, 0.25, 0.25);
              show_text (cr, e->group, box[0], y, size * 0.95, TRUE, box[2], 0);
              y += row;
            }
          cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
          show_text (cr, e->name, box[0] + size * 0.6, y, size, FALSE, box[2] - size * 4, 0);
          show_text (cr, e->cell, box[0] + box[2], y, size, TRUE, 0, 1);
          y += row;
          shown_n++;
        }
    }
  g_array_unref (starts);
  layout->index_shown = shown_n;
  layout->index_left_out = w.entries->len - shown_n;
  if (layout->index_left_out > 0)
    {
      g_autofree char *more = g_strdup_printf (ngettext ("… and %u more place",
                                                         "… and %u more places",
                                                         layout->index_left_out),
                                               layout->index_left_out);
      cairo_set_source_rgb (cr, 0.3, 0.3, 0.3);
      show_text (cr, more, box[0], y + size * 0.3, size, FALSE, box[2], 0);
    }
  g_ptr_array_unref (w.entries);
  return TRUE;
}

static void
set_progress (const CmPosterOptions *options, double fraction)
{
  if (options->progress)
    g_atomic_int_set (options->progress, (gint) (fraction * 1000));
}

/* The roundest scale that shows the whole of @area in @frame (its width and height, points), and
 * the view of the map at that scale centred on it, whose pixel is @px points (the map's labels
 * and symbols, sized in pixels, grow with the paper); @frame takes the view's whole pixels. */
static void
fit_map (const double area[4], double frame[4], double px, double *scale, CmRenderView *view)
{
  double lon = (area[0] + area[2]) / 2, lat = (area[1] + area[3]) / 2, kx, ky;
  cm_geodesic_scale (lat, &kx, &ky);
  double metres_per_point = CM_POSTER_MM_PER_PT / 1000.0;
  double needed = MAX ((area[2] - area[0]) * kx / (frame[2] * metres_per_point),
                       (area[3] - area[1]) * ky / (frame[3] * metres_per_point)) * 1.04;
  guint n_scales;
  const double *scales = cm_poster_scales (&n_scales);
  *scale = scales[n_scales - 1];
  for (guint i = 0; i < n_scales; i++)
    if (scales[i] >= needed)
      {
        *scale = scales[i];
        break;
      }
  /* a point on paper is scale × its length on the ground; one world pixel at zoom z is
   * 360 / (256 · 2^z) degrees of longitude, kx metres each */
  double zoom = log2 (kx * 360.0 / (CM_TILE_SIZE * *scale * metres_per_point * px));
  cm_render_view_init_centre (view, lon, lat, zoom, (int) floor (frame[2] / px),
                              (int) floor (frame[3] / px));
  frame[2] = view->width * px, frame[3] = view->height * px;
}

gboolean
cm_poster_draw (CmStore *store, cairo_t *cr, const CmPosterOptions *options,
                CmPosterLayout *layout, GError **error)
{
  CmPosterLayout scratch;
  if (layout == NULL)
    layout = &scratch;
  memset (layout, 0, sizeof *layout);
  double area[4];
  if (!poster_area (store, options, area, error))
    return FALSE;

  double W = options->width_mm / CM_POSTER_MM_PER_PT, H = options->height_mm / CM_POSTER_MM_PER_PT;
  double unit = MIN (W, H); /* every size follows the shorter side */
  double margin = unit * 0.035, title_size = unit / 24, text_size = unit / 84;
  /* a pixel of the map is a point on A3, about 0.7 on A4, 2 on A1 */
  double px = unit / 842;
  gboolean landscape = W > H;

  cairo_save (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);

  /* the title and the subtitle */
  g_autofree char *name = options->title ? g_strdup (options->title) : cm_store_dup_name (store);
  g_autofree char *subtitle = options->subtitle ? g_strdup (options->subtitle)
                                                : default_subtitle (store);
  cairo_set_source_rgb (cr, 0.08, 0.08, 0.08);
  double y = margin;
  y += show_text (cr, name && *name ? name : _("Community map"), W / 2, y, title_size, TRUE,
                  W - 2 * margin, 0.5);
  cairo_set_source_rgb (cr, 0.35, 0.35, 0.35);
  if (*subtitle)
    y += show_text (cr, subtitle, W / 2, y + title_size * 0.15, title_size * 0.45, FALSE,
                    W - 2 * margin, 0.5) + title_size * 0.15;
  y += margin * 0.5;

  /* portrait: a band under the map, a fifth of the page, more (up to a third) when the legend
   * of what the map shows needs it; the legend on its left, the scale and credits on its right.
   * Landscape: a column right of the map, the legend above, the scale and credits below. */
  double band = H * 0.2;
  double info_width = MIN (W * (landscape ? 0.26 : 0.3), unit * 0.42);
  double info_height = text_size * 14; /* the scale bar, the arrow and four lines of credits */
  double legend_width = landscape ? info_width : W - 3 * margin - info_width;
  /* the reference grid and its index, right of the map: from A2 up unless asked */
  gboolean grid = options->grid == CM_POSTER_GRID_ON ||
                  (options->grid == CM_POSTER_GRID_AUTO && MIN (options->width_mm, options->height_mm) >= 419);
  double index_width = grid ? MIN (W * 0.22, unit * 0.3) : 0;
  if (grid)
    y += text_size * 1.8; /* the grid's letters above the map */
  double frame[4], scale;
  CmRenderView view;
  g_autoptr (GPtrArray) legend = NULL;
  for (int pass = 0; pass < 2; pass++)
    {
      frame[0] = margin, frame[1] = y;
      frame[2] = (landscape ? W - 3 * margin - info_width : W - 2 * margin) -
                 (grid ? index_width + margin : 0);
      frame[3] = landscape ? H - margin - y : H - margin - band - y;
      fit_map (area, frame, px, &scale, &view);
      double shown[4];
      cm_render_view_get_bbox (&view, shown);
      g_clear_pointer (&legend, g_ptr_array_unref);
      legend = collect_legend (store, shown, options->hidden, &layout->osm, error);
      if (legend == NULL)
        {
          cairo_restore (cr);
          return FALSE;
        }
      if (options->analysis)
        layout->analysis_legend = prepend_analysis_legend (legend, options->analysis);
      double wanted = legend_height (cr, legend, legend_width, text_size) + margin * 1.6;
      if (options->analysis)
        wanted += summary_box (cr, options, 0, 0, legend_width, text_size, FALSE);
      if (landscape || wanted <= band || band >= H / 3)
        break;
      band = MIN (wanted, H / 3);
    }

  set_progress (options, 0.1);
  if (g_cancellable_set_error_if_cancelled (options->cancellable, error))
    {
      cairo_restore (cr);
      return FALSE;
    }
  /* the map inside its frame (a clip would not keep the renderer's batches in) */
  cairo_t *page = cr;
  cr = cm_render_box_context (page, frame[0], frame[1], frame[2], frame[3]);
  cairo_scale (cr, px, px);
  CmRenderOptions render;
  cm_render_options_init (&render);
  render.hidden = options->hidden;
  render.icon_zoom = 15; /* a pixel is a point or more: icons stay legible a zoom further out */
  /* an analysis goes over the map and under its names */
  render.labels = options->analysis == NULL;
  gboolean ok = cm_render_draw (store, cr, &view, &render, error);
  if (ok && options->analysis)
    {
      cm_analysis_draw (cr, options->analysis, options->circle, &view, view.width, view.height);
      g_autoptr (CmLabels) labels = cm_labels_new ();
      ok = cm_render_collect_labels (store, labels, options->hidden, error);
      if (ok)
        cm_labels_draw (labels, cr, &view);
    }
  cairo_destroy (cr);
  cr = page;
  cairo_rectangle (cr, frame[0], frame[1], frame[2], frame[3]);
  cairo_set_source_rgb (cr, 0.2, 0.2, 0.2);
  cairo_set_line_width (cr, unit * 0.0015);
  cairo_stroke (cr);
  set_progress (options, 0.8);
  ok = ok && !g_cancellable_set_error_if_cancelled (options->cancellable, error);
  layout->scale = scale;
  layout->view = view;
  layout->pixel = px;
  memcpy (layout->frame, frame, sizeof frame);
  if (ok && grid)
    {
      /* cells of about a seventh of the paper's shorter side, as near square as whole cells allow */
      layout->grid_columns = MAX (2, (guint) round (frame[2] / (unit / 7)));
      layout->grid_rows = MAX (2, (guint) round (frame[3] / (unit / 7)));
      draw_grid (cr, layout, text_size);
      double box[4] = { frame[0] + frame[2] + margin, frame[1], index_width, frame[3] };
      ok = draw_index (cr, store, legend, options->hidden, layout, box, text_size * 0.9, error);
    }

  if (ok)
    {
      double rx = W - margin - info_width;
      double top = landscape ? H - margin - info_height : frame[1] + frame[3] + margin * 0.6;
      double legend_box[4] = { margin, top, legend_width, H - margin - top };
      if (landscape)
        legend_box[0] = rx, legend_box[1] = y, legend_box[3] = top - margin * 0.5 - y;
      if (options->analysis)
        {
          double h = summary_box (cr, options, legend_box[0], legend_box[1], legend_box[2],
                                  text_size, TRUE);
          legend_box[1] += h, legend_box[3] -= h;
        }
      draw_legend (cr, legend, legend_box, text_size, layout);
      draw_scale_bar (cr, &view, px, rx, top, info_width * 0.62, text_size, scale, layout);
      draw_north_arrow (cr, W - margin - text_size * 2, top, text_size);
      g_autoptr (GPtrArray) credits = credit_lines (store, options, layout->osm);
      double cy = top + text_size * 6.5;
      cairo_set_source_rgb (cr, 0.25, 0.25, 0.25);
      for (guint i = 0; i < credits->len && cy + text_size * 1.4 < H - margin * 0.5; i++)
        cy += show_text (cr, credits->pdata[i], rx, cy, text_size * 0.9, FALSE, info_width, 0) +
              text_size * 0.2;
    }
  cairo_restore (cr);
  if (ok)
    set_progress (options, 1);
  return ok;
}

typedef struct
{
  CmStore *store;
  const CmPosterOptions *options;
  CmPosterLayout *layout;
} PageJob;

static gboolean
draw_page (cairo_t *cr, gpointer data, GError **error)
{
  PageJob *job = data;
  return cm_poster_draw (job->store, cr, job->options, job->layout, error);
}

gboolean
cm_poster_write (CmStore *store, const CmPosterOptions *options, const char *path, double dpi,
                 CmPosterLayout *layout, GError **error)
{
  PageJob job = { store, options, layout };
  return cm_render_page_to_file (path, options->width_mm / CM_POSTER_MM_PER_PT,
                                 options->height_mm / CM_POSTER_MM_PER_PT, dpi / 72.0, draw_page,
                                 &job, error);
}
