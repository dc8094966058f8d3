/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-report.c: the life-circle report as a PDF.
 *
 * The report is for Chinese residents' committees and planners, so its text is Chinese
 * whatever the locale (the issue asks for a report in Chinese); names of circles and
 * facilities come from the table's zh_CN fields. */
#include "config.h"

#include "cm-report.h"

#include <cairo-pdf.h>
#include <glib/gstdio.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <errno.h>

#include "cm-analysis-style.h"
#include "cm-render.h"

#include "cm-report-private.h"

#define PAGE_W CM_REPORT_PAGE_W
#define PAGE_H CM_REPORT_PAGE_H
#define MARGIN CM_REPORT_MARGIN
#define FONT "Noto Sans CJK SC"

/* the window's colours for a building that has every facility of the circle, and one that
 * lacks one (cm-analysis-style.c), opaque on paper */
static void
set_meets_colour (cairo_t *cr, gboolean meets)
{
  const double *c = cm_analysis_colour (meets ? CM_ANALYSIS_COLOUR_NEAR : CM_ANALYSIS_COLOUR_NONE);
  cairo_set_source_rgb (cr, c[0], c[1], c[2]);
}

typedef CmReportPage Page;

/* Draws @markup at @x, @y within @width (when @draw); returns its height. */
static double
text_full (cairo_t *cr, double x, double y, double width, double size, gboolean bold,
           const char *markup, gboolean draw)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  g_autofree char *font = g_strdup_printf ("%s %s %.1f", FONT, bold ? "Bold" : "", size);
  PangoFontDescription *desc = pango_font_description_from_string (font);
  pango_layout_set_font_description (layout, desc);
  pango_font_description_free (desc);
  if (width > 0)
    {
      pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
    }
  pango_layout_set_markup (layout, markup, -1);
  if (draw)
    {
      cairo_move_to (cr, x, y);
      pango_cairo_show_layout (cr, layout);
    }
  int w, h;
  pango_layout_get_size (layout, &w, &h);
  g_object_unref (layout);
  return (double) h / PANGO_SCALE;
}

static double
text (cairo_t *cr, double x, double y, double width, double size, gboolean bold,
      const char *markup)
{
  return text_full (cr, x, y, width, size, bold, markup, TRUE);
}

double
_cm_report_text (cairo_t *cr, double x, double y, double width, double size, gboolean bold,
                 const char *markup)
{
  return text_full (cr, x, y, width, size, bold, markup, TRUE);
}

double
_cm_report_text_height (cairo_t *cr, double width, double size, gboolean bold,
                        const char *markup)
{
  return text_full (cr, 0, 0, width, size, bold, markup, FALSE);
}

static void
footer (Page *p)
{
  cairo_set_source_rgb (p->cr, 0.4, 0.4, 0.4);
  g_autofree char *s = g_strdup_printf ("社区资源图 · %s · 第 %u 页 · 地图数据 © "
                                        "OpenStreetMap contributors (ODbL)",
                                        p->title, p->page);
  text (p->cr, MARGIN, PAGE_H - MARGIN + 14, PAGE_W - 2 * MARGIN, 7.5, FALSE, s);
  cairo_set_source_rgb (p->cr, 0, 0, 0);
}

static void
new_page (Page *p)
{
  footer (p);
  cairo_show_page (p->cr);
  p->page++;
  p->y = MARGIN;
}

void
_cm_report_new_page (CmReportPage *p)
{
  new_page (p);
}

static double
percent (gint64 part, gint64 whole)
{
  return whole > 0 ? 100.0 * (double) part / (double) whole : 0.0;
}

/* one row of the summary table */
static void
summary_row (Page *p, gboolean bold, double indent, const char *name, const char *metres,
             const char *found, const char *buildings, const char *residents)
{
  const double cols[] = { MARGIN, 300, 360, 410, 480 };
  double h = text (p->cr, cols[0] + indent, p->y, cols[1] - cols[0] - indent - 6, 8.5, bold, name);
  text (p->cr, cols[1], p->y, 0, 8.5, bold, metres);
  text (p->cr, cols[2], p->y, 0, 8.5, bold, found);
  text (p->cr, cols[3], p->y, 0, 8.5, bold, buildings);
  text (p->cr, cols[4], p->y, 0, 8.5, bold, residents);
  p->y += MAX (h, 11) + 1;
}

/* A circle's row (bold, no count of facilities: @found < 0) or a facility's (indented). */
static void
summary_line (Page *p, CmLifeReport *r, gboolean circle, const char *name, double metres,
              int found, guint buildings, gint64 population)
{
  guint nb = r->buildings->buildings->len;
  g_autofree char *escaped = g_markup_escape_text (name, -1);
  g_autofree char *m = g_strdup_printf ("%.0f", metres);
  g_autofree char *n = found >= 0 ? g_strdup_printf ("%d", found) : g_strdup ("");
  g_autofree char *b = g_strdup_printf ("%.1f%%", percent (buildings, nb));
  g_autofree char *res = r->population_known > 0
                             ? g_strdup_printf ("%.1f%%", percent (population, r->population_known))
                             : g_strdup ("—");
  summary_row (p, circle, circle ? 0 : 12, escaped, m, n, b, res);
}

static void
summary_page (Page *p, CmLifeReport *r, const char *map_name)
{
  guint nb = r->buildings->buildings->len;
  p->y += text (p->cr, MARGIN, p->y, 0, 20, TRUE, "社区生活圈评估报告") + 6;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *name = g_markup_escape_text (map_name ? map_name : "", -1);
  g_autofree char *sub = g_strdup_printf ("%s · %s · 依据 GB 50180-2018《城市居住区规划设计标准》",
                                          name, date);
  p->y += text (p->cr, MARGIN, p->y, PAGE_W - 2 * MARGIN, 10, FALSE, sub) + 10;
  g_autofree char *method = g_strdup_printf (
      "方法：每栋建筑从其面内点沿步行网络（%.1f 公里道路，不含机动车专用道等不可步行的道路）"
      "走到最近的某类设施，步行距离含建筑和设施两端到道路的接入段；在表中距离以内即为达标。"
      "一栋建筑具备某生活圈的全部设施，才算该生活圈“设施齐全”；各级生活圈不能互相替代。"
      "共 %u 栋建筑，其中 %u 栋已知人口（%lld 人），居民占比按已知人口计算。"
      "距离阈值和设施分级见 data/lifecircle.json，可由规划人员修订；其中标为“未核实”的条目"
      "来自对标准附录的回忆，使用前请核对原文。",
      r->network.length_m / 1000, nb, r->buildings_with_population,
      (long long) r->population_known);
  p->y += text (p->cr, MARGIN, p->y, PAGE_W - 2 * MARGIN, 9, FALSE, method) + 12;

  summary_row (p, TRUE, 0, "生活圈 / 设施", "距离(米)", "现有", "建筑达标", "居民达标");
  cairo_move_to (p->cr, MARGIN, p->y - 1);
  cairo_line_to (p->cr, PAGE_W - MARGIN, p->y - 1);
  cairo_set_line_width (p->cr, 0.5);
  cairo_stroke (p->cr);
  p->y += 2;
  for (guint c = 0; c < r->circles->len; c++)
    {
      const CmLifeCircle *ci = &g_array_index (r->circles, CmLifeCircle, c);
      if (p->y > PAGE_H - MARGIN - 40)
        new_page (p);
      p->y += 3;
      summary_line (p, r, TRUE, ci->name_zh ? ci->name_zh : ci->key, ci->walk_m, -1,
                    ci->buildings_met, ci->population_met);
      for (guint f = 0; f < r->facilities->len; f++)
        {
          const CmLifeFacility *fa = &g_array_index (r->facilities, CmLifeFacility, f);
          if (fa->circle != c)
            continue;
          if (p->y > PAGE_H - MARGIN - 20)
            new_page (p);
          summary_line (p, r, FALSE, fa->name_zh ? fa->name_zh : fa->key, fa->max_m,
                        (int) fa->sources, fa->buildings_pass, fa->population_pass);
        }
    }
}

/* buildings coloured by whether they meet @circle */
typedef struct
{
  cairo_t *cr;
  const CmRenderView *view;
  GHashTable *index; /* uuid → building index + 1 */
  CmLifeReport *report;
  guint circle;
} PaintBuildings;

static gboolean
paint_building (const CmFeatureRow *row, gpointer user_data)
{
  PaintBuildings *pb = user_data;
  guint b = GPOINTER_TO_UINT (g_hash_table_lookup (pb->index, row->uuid));
  if (b == 0 || row->wkb == NULL)
    return TRUE;
  g_autoptr (CmGeom) geom = cm_geom_from_wkb (row->wkb, row->wkb_len);
  if (geom == NULL)
    return TRUE;
  set_meets_colour (pb->cr, cm_life_report_meets (pb->report, pb->circle, b - 1));
  cm_render_add_geom_path (pb->cr, geom, pb->view);
  cairo_fill (pb->cr);
  return TRUE;
}

static gboolean
circle_page (Page *p, CmLifeReport *r, CmStore *store, guint c, GHashTable *index,
             GError **error)
{
  const CmLifeCircle *ci = &g_array_index (r->circles, CmLifeCircle, c);
  guint nb = r->buildings->buildings->len;
  g_autofree char *title = g_markup_printf_escaped (
      "%s（步行 %.0f 米）", ci->name_zh ? ci->name_zh : ci->key, ci->walk_m);
  p->y += text (p->cr, MARGIN, p->y, 0, 16, TRUE, title) + 4;
  g_autofree char *line = g_strdup_printf (
      "%u 栋建筑中 %u 栋设施齐全（%.1f%%）%s", nb, ci->buildings_met,
      percent (ci->buildings_met, nb), r->population_known > 0 ? "" : "；人口未知");
  p->y += text (p->cr, MARGIN, p->y, 0, 10, FALSE, line) + 8;

  CmLayerStats stats;
  if (!cm_store_get_layer_stats (store, CM_LAYER_BUILDINGS, &stats, error))
    return FALSE;
  double box_w = PAGE_W - 2 * MARGIN, box_h = PAGE_H - MARGIN - p->y - 110;
  CmRenderView view;
  /* drawn at twice the points so lines stay fine, then scaled down */
  cm_render_view_init_fit (&view, stats.bbox, (int) (box_w * 2), (int) (box_h * 2), 24);
  /* the map inside its box (a clip would not keep the renderer's batches in) */
  cairo_t *map = cm_render_box_context (p->cr, MARGIN, p->y, box_w, box_h);
  cairo_scale (map, 0.5, 0.5);
  CmRenderOptions options;
  cm_render_options_init (&options);
  options.background = TRUE;
  options.attribution = TRUE;
  options.hidden = 1u << CM_LAYER_TEAMS; /* teams would hide the colours */
  if (!cm_render_draw (store, map, &view, &options, error))
    {
      cairo_destroy (map);
      return FALSE;
    }
  PaintBuildings pb = { map, &view, index, r, c };
  double bbox[4];
  cm_render_view_get_bbox (&view, bbox);
  gboolean ok = cm_store_foreach_in_bbox (store, CM_LAYER_BUILDINGS, bbox, paint_building, &pb,
                                          error);
  cairo_destroy (map);
  if (!ok)
    return FALSE;
  cairo_rectangle (p->cr, MARGIN, p->y, box_w, box_h);
  cairo_set_source_rgb (p->cr, 0.5, 0.5, 0.5);
  cairo_set_line_width (p->cr, 0.5);
  cairo_stroke (p->cr);
  p->y += box_h + 8;

  /* legend */
  set_meets_colour (p->cr, TRUE);
  cairo_rectangle (p->cr, MARGIN, p->y + 2, 10, 8);
  cairo_fill (p->cr);
  set_meets_colour (p->cr, FALSE);
  cairo_rectangle (p->cr, MARGIN + 110, p->y + 2, 10, 8);
  cairo_fill (p->cr);
  cairo_set_source_rgb (p->cr, 0, 0, 0);
  text (p->cr, MARGIN + 14, p->y, 0, 9, FALSE, "设施齐全");
  text (p->cr, MARGIN + 124, p->y, 0, 9, FALSE, "缺少设施");
  p->y += 18;

  /* what is missing most */
  GString *lacks = g_string_new ("本圈设施（达标建筑占比）：");
  gboolean first = TRUE;
  for (guint f = 0; f < r->facilities->len; f++)
    {
      const CmLifeFacility *fa = &g_array_index (r->facilities, CmLifeFacility, f);
      if (fa->circle != c)
        continue;
      g_autofree char *n = g_markup_escape_text (fa->name_zh ? fa->name_zh : fa->key, -1);
      g_string_append_printf (lacks, "%s%s %.0f%%", first ? "" : "；", n,
                              percent (fa->buildings_pass, nb));
      first = FALSE;
    }
  p->y += text (p->cr, MARGIN, p->y, PAGE_W - 2 * MARGIN, 9, FALSE, lacks->str) + 6;
  g_string_free (lacks, TRUE);
  return TRUE;
}

/* The facilities the whole community has none of: said once, not for every building. */
static gboolean *
absent_facilities (CmLifeReport *r, GString *names)
{
  GArray *bs = r->buildings->buildings;
  gboolean *absent = g_new0 (gboolean, MAX (r->facilities->len, 1));
  for (guint f = 0; f < r->facilities->len; f++)
    {
      const CmLifeFacility *fa = &g_array_index (r->facilities, CmLifeFacility, f);
      if (fa->sources > 0 || bs->len == 0)
        continue;
      absent[f] = TRUE;
      g_autofree char *fname = g_markup_escape_text (fa->name_zh ? fa->name_zh : fa->key, -1);
      g_string_append_printf (names, "%s%s", names->len ? "、" : "", fname);
    }
  return absent;
}

static char *
building_label (const CmCoverageBuilding *bd)
{
  return bd->name ? g_markup_escape_text (bd->name, -1)
                  : g_strdup_printf ("建筑 %.8s", bd->uuid);
}

/* Buildings that lack the same facilities (besides those the community has none of). */
typedef struct
{
  char *lacks;     /* the facilities' names, for the table */
  guint buildings;
  gint64 residents; /* where known */
  GString *examples;
  guint shown;
} LackGroup;

static void
lack_group_free (LackGroup *g)
{
  g_free (g->lacks);
  g_string_free (g->examples, TRUE);
  g_free (g);
}

static int
compare_groups (gconstpointer a, gconstpointer b)
{
  const LackGroup *x = *(LackGroup *const *) a, *y = *(LackGroup *const *) b;
  if (x->buildings != y->buildings)
    return x->buildings < y->buildings ? 1 : -1;
  return g_strcmp0 (x->lacks, y->lacks);
}

static void
table_row (Page *p, gboolean bold, const char *lacks, const char *count, const char *residents,
           const char *examples)
{
  const double cols[] = { MARGIN, 300, 345, 395 };
  double w0 = cols[1] - cols[0] - 6, w3 = PAGE_W - MARGIN - cols[3];
  double h = MAX (text_full (p->cr, 0, 0, w0, 8, bold, lacks, FALSE),
                  text_full (p->cr, 0, 0, w3, 7.5, bold, examples, FALSE));
  if (p->y + h > PAGE_H - MARGIN)
    new_page (p);
  text (p->cr, cols[0], p->y, w0, 8, bold, lacks);
  text (p->cr, cols[1], p->y, 0, 8, bold, count);
  text (p->cr, cols[2], p->y, 0, 8, bold, residents);
  text (p->cr, cols[3], p->y, w3, 7.5, bold, examples);
  p->y += MAX (h, 10) + 3;
}

/* The failing buildings in compact tables, one per circle: a row per set of the circle's
 * facilities lacked, with how many buildings (and residents) lack exactly that set and a few of
 * them by name. Porto's 11,404 buildings make 144 rows. */
static void
failing_table (Page *p, CmLifeReport *r, const gboolean *absent)
{
  GArray *bs = r->buildings->buildings;
  p->y += text (p->cr, MARGIN, p->y, PAGE_W - 2 * MARGIN, 9, FALSE,
                "每个生活圈一张表：所缺设施相同的建筑合为一行，按建筑数排列。每栋建筑的清单"
                "（含到最近一处的步行距离）见详细版（cmap lifecircle --pdf … --details）。")
          + 6;
  for (guint c = 0; c < r->circles->len; c++)
    {
      const CmLifeCircle *ci = &g_array_index (r->circles, CmLifeCircle, c);
      g_autoptr (GHashTable) groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                             NULL);
      g_autoptr (GPtrArray) order = g_ptr_array_new_with_free_func (
          (GDestroyNotify) lack_group_free);
      guint failing = 0;
      for (guint b = 0; b < bs->len; b++)
        {
          if (cm_life_report_meets (r, c, b))
            continue;
          failing++;
          GString *key = g_string_new (NULL);
          for (guint f = 0; f < r->facilities->len; f++)
            {
              const CmLifeFacility *fa = &g_array_index (r->facilities, CmLifeFacility, f);
              if (fa->circle != c || absent[f] || cm_life_report_passes (r, f, b))
                continue;
              g_autofree char *fname = g_markup_escape_text (fa->name_zh ? fa->name_zh
                                                                         : fa->key, -1);
              g_string_append_printf (key, "%s%s", key->len ? "、" : "", fname);
            }
          if (key->len == 0)
            g_string_assign (key, "（只缺社区内没有的设施）");
          LackGroup *g = g_hash_table_lookup (groups, key->str);
          if (g == NULL)
            {
              g = g_new0 (LackGroup, 1);
              g->lacks = g_strdup (key->str);
              g->examples = g_string_new (NULL);
              g_hash_table_insert (groups, g_strdup (key->str), g);
              g_ptr_array_add (order, g);
            }
          g_string_free (key, TRUE);
          const CmCoverageBuilding *bd = &g_array_index (bs, CmCoverageBuilding, b);
          g->buildings++;
          if (bd->population >= 0)
            g->residents += bd->population;
          if (g->shown < 3)
            {
              g_autofree char *who = building_label (bd);
              g_string_append_printf (g->examples, "%s%s", g->shown ? "、" : "", who);
              g->shown++;
            }
        }
      g_autofree char *cname = g_markup_escape_text (ci->name_zh ? ci->name_zh : ci->key, -1);
      g_autofree char *heading = failing
          ? g_strdup_printf ("<b>%s（%.0f 米）：%u 栋建筑未达标</b>", cname, ci->walk_m, failing)
          : g_strdup_printf ("<b>%s（%.0f 米）：所有建筑均达标</b>", cname, ci->walk_m);
      if (p->y + 40 > PAGE_H - MARGIN)
        new_page (p);
      p->y += text (p->cr, MARGIN, p->y, PAGE_W - 2 * MARGIN, 10, FALSE, heading) + 4;
      if (failing == 0)
        continue;
      g_ptr_array_sort (order, compare_groups);
      table_row (p, TRUE, "所缺设施", "建筑数", "居民", "例如");
      for (guint i = 0; i < order->len; i++)
        {
          LackGroup *g = g_ptr_array_index (order, i);
          g_autofree char *count = g_strdup_printf ("%u", g->buildings);
          g_autofree char *residents = r->population_known > 0
                                           ? g_strdup_printf ("%" G_GINT64_FORMAT, g->residents)
                                           : g_strdup ("—");
          g_autofree char *examples = g->buildings > g->shown
                                          ? g_strdup_printf ("%s 等", g->examples->str)
                                          : g_strdup (g->examples->str);
          table_row (p, FALSE, g->lacks, count, residents, examples);
        }
      p->y += 8;
    }
}

/* Every failing building, each with what it lacks and how far the nearest one is. */
static void
failing_list (Page *p, CmLifeReport *r, const gboolean *absent)
{
  GArray *bs = r->buildings->buildings;
  guint n = 0;
  for (guint b = 0; b < bs->len; b++)
    {
      GString *line = g_string_new (NULL);
      gboolean fails = FALSE;
      for (guint f = 0; f < r->facilities->len; f++)
        {
          if (cm_life_report_passes (r, f, b))
            continue;
          fails = TRUE;
          if (absent[f])
            continue;
          const CmLifeFacility *fa = &g_array_index (r->facilities, CmLifeFacility, f);
          g_autofree char *fname = g_markup_escape_text (fa->name_zh ? fa->name_zh : fa->key, -1);
          float m = fa->walk_m[b];
          if (isfinite (m))
            g_string_append_printf (line, "%s%s %.0f 米", line->len ? "、" : "", fname, m);
          else
            g_string_append_printf (line, "%s%s 不可达", line->len ? "、" : "", fname);
        }
      if (!fails)
        {
          g_string_free (line, TRUE);
          continue;
        }
      const CmCoverageBuilding *bd = &g_array_index (bs, CmCoverageBuilding, b);
      g_autofree char *who = building_label (bd);
      g_autofree char *row = g_strdup_printf ("<b>%u. %s</b>　%s", ++n, who,
                                              line->len ? line->str : "（只缺社区内没有的设施）");
      g_string_free (line, TRUE);
      double width = PAGE_W - 2 * MARGIN;
      double h = text_full (p->cr, MARGIN, p->y, width, 7.5, FALSE, row, FALSE);
      if (p->y + h > PAGE_H - MARGIN)
        new_page (p);
      p->y += text (p->cr, MARGIN, p->y, width, 7.5, FALSE, row) + 2;
    }
}

static void
failing_pages (Page *p, CmLifeReport *r, gboolean details)
{
  p->y += text (p->cr, MARGIN, p->y, 0, 16, TRUE, "未达标建筑") + 4;
  g_autoptr (GString) none = g_string_new (NULL);
  g_autofree gboolean *absent = absent_facilities (r, none);
  if (none->len)
    {
      g_autofree char *line = g_strdup_printf ("<b>社区内没有的设施（所有建筑都缺）：</b>%s",
                                               none->str);
      p->y += text (p->cr, MARGIN, p->y, PAGE_W - 2 * MARGIN, 9, FALSE, line) + 8;
    }
  failing_table (p, r, absent);
  if (!details)
    return;
  new_page (p);
  p->y += text (p->cr, MARGIN, p->y, 0, 16, TRUE, "未达标建筑清单") + 4;
  p->y += text (p->cr, MARGIN, p->y, PAGE_W - 2 * MARGIN, 9, FALSE,
                "每栋至少缺少一类设施的建筑，列出所缺设施和到最近一处的步行距离"
                "（“不可达”：步行网络上到不了任何一处，或附近没有道路）。")
          + 6;
  failing_list (p, r, absent);
}

typedef struct
{
  CmLifeReport *r;
  CmStore *store;
  gboolean details;
} LifeCircle;

static gboolean
draw_life_circle (CmReportPage *p, gpointer data, GError **error)
{
  LifeCircle *l = data;
  g_autofree char *map_name = cm_store_dup_name (l->store);
  g_autoptr (GHashTable) index = g_hash_table_new (g_str_hash, g_str_equal);
  GArray *bs = l->r->buildings->buildings;
  for (guint b = 0; b < bs->len; b++)
    g_hash_table_insert (index, g_array_index (bs, CmCoverageBuilding, b).uuid,
                         GUINT_TO_POINTER (b + 1));
  summary_page (p, l->r, map_name);
  for (guint c = 0; c < l->r->circles->len; c++)
    {
      new_page (p);
      if (!circle_page (p, l->r, l->store, c, index, error))
        return FALSE;
    }
  new_page (p);
  failing_pages (p, l->r, l->details);
  return TRUE;
}

gboolean
cm_report_write_life_circle_pdf (CmLifeReport *r, CmStore *store, const char *path,
                                 gboolean details, GError **error)
{
  LifeCircle l = { r, store, details };
  return _cm_report_write_pdf (path, "社区生活圈评估报告", "生活圈评估报告", draw_life_circle, &l,
                               error);
}

gboolean
_cm_report_write_pdf (const char *path, const char *title, const char *footer_title,
                      CmReportDrawFunc draw, gpointer data, GError **error)
{
  g_autofree char *tmp = g_strconcat (path, ".partial", NULL);
  cairo_surface_t *surface = cairo_pdf_surface_create (tmp, PAGE_W, PAGE_H);
  cairo_t *cr = cairo_create (surface);
  Page p = { cr, MARGIN, 1, footer_title };
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Community Map (cmap)");
  gboolean ok = draw (&p, data, error);
  if (ok)
    footer (&p);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  cairo_status_t status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (ok && status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", path,
                   cairo_status_to_string (status));
      ok = FALSE;
    }
  if (ok && g_rename (tmp, path) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", path,
                   g_strerror (saved));
      ok = FALSE;
    }
  if (!ok)
    g_unlink (tmp);
  return ok;
}
