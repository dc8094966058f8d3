/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-agenda-report.c: the deliberation meeting's agenda as a PDF (issue #18).
 *
 * For the residents' committee's meeting (议事会), so in Chinese whatever the locale: a first page
 * with the overview map and every item's number on it, then each item with a small map of its
 * place, what it is, how many residents raised it, where, who is responsible, how long it has
 * been open and its history; last, the reports per responsible station or team. */
#include "config.h"

#include "cm-report.h"

#include <math.h>
#include <pango/pangocairo.h>
#include <string.h>

#include "cm-render.h"
#include "cm-report-private.h"
#include "cm-style.h"

#define PAGE_W CM_REPORT_PAGE_W
#define PAGE_H CM_REPORT_PAGE_H
#define MARGIN CM_REPORT_MARGIN
#define BOTTOM (PAGE_H - MARGIN - 16) /* the footer below */

typedef struct
{
  GPtrArray *items; /* CmAgendaItem */
  GPtrArray *counts; /* CmResponsibleCounts */
  CmStore *store;
  const char *meeting_day;
} Agenda;

/* @text in white bold, centred on @x, @y. */
static void
centred_text (cairo_t *cr, double x, double y, double size, const char *text)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  g_autofree char *font = g_strdup_printf ("Noto Sans CJK SC Bold %.1f", size);
  PangoFontDescription *desc = pango_font_description_from_string (font);
  pango_layout_set_font_description (layout, desc);
  pango_font_description_free (desc);
  pango_layout_set_text (layout, text, -1);
  PangoRectangle ink, logical;
  pango_layout_get_pixel_extents (layout, &ink, &logical);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_move_to (cr, x - ink.x - ink.width / 2.0, y - ink.y - ink.height / 2.0);
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);
}

/* The map of @bbox drawn into the box at (@x, @y), @w × @h points, with every item's number at
 * its place (only @only's when >= 0). */
static gboolean
draw_map (CmReportPage *p, Agenda *a, const double bbox[4], double x, double y, double w,
          double h, int only, GError **error)
{
  CmRenderView view;
  /* drawn at twice the points so lines stay fine, then scaled down, inside the box */
  cm_render_view_init_fit (&view, bbox, (int) (w * 2), (int) (h * 2), 12);
  cairo_t *cr = cm_render_box_context (p->cr, x, y, w, h);
  cairo_scale (cr, 0.5, 0.5);
  CmRenderOptions options;
  cm_render_options_init (&options);
  options.background = TRUE;
  options.attribution = FALSE; /* in the footer of every page */
  options.hidden = 1u << CM_LAYER_TEAMS;
  gboolean ok = cm_render_draw (a->store, cr, &view, &options, error);
  for (guint i = 0; ok && i < a->items->len; i++)
    {
      if (only >= 0 && (guint) only != i)
        continue;
      const CmAgendaItem *item = a->items->pdata[i];
      double px, py;
      cm_render_view_project (&view, item->lon, item->lat, &px, &py);
      if (px < -20 || py < -20 || px > w * 2 + 20 || py > h * 2 + 20)
        continue;
      /* a numbered disc in the colour of the first report's status, above the symbol */
      double r = only >= 0 ? 16 : a->items->len > 40 ? 10 : 13;
      py -= r + 6;
      CmColor c = cm_style_report_status (
          cm_report_status_to_string (((CmReportInfo *) item->reports->pdata[0])->status));
      cairo_new_path (cr);
      cairo_arc (cr, px, py, r, 0, 2 * G_PI);
      cairo_set_source_rgb (cr, c.r, c.g, c.b);
      cairo_fill_preserve (cr);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_set_line_width (cr, 2.5);
      cairo_stroke (cr);
      g_autofree char *n = g_strdup_printf ("%u", i + 1);
      centred_text (cr, px, py, r * (i + 1 >= 100 ? 0.75 : 1.0), n);
    }
  cairo_destroy (cr);
  cairo_rectangle (p->cr, x, y, w, h);
  cairo_set_source_rgb (p->cr, 0.5, 0.5, 0.5);
  cairo_set_line_width (p->cr, 0.5);
  cairo_stroke (p->cr);
  cairo_set_source_rgb (p->cr, 0, 0, 0);
  return ok;
}

static void
status_date (GString *out, const char *when)
{
  g_string_append_len (out, when ? when : "", when ? MIN (strlen (when), 10) : 0);
}

/* One item: the small map on the left, the text on the right, its history under it. */
static gboolean
draw_item (CmReportPage *p, Agenda *a, guint i, GError **error)
{
  const CmAgendaItem *item = a->items->pdata[i];
  const double map_w = 150, map_h = 112, text_x = MARGIN + map_w + 12;
  const double text_w = PAGE_W - MARGIN - text_x;

  GString *head = g_string_new (NULL);
  g_string_append_printf (head, "%u. ", i + 1);
  if (item->urgent)
    g_string_append (head, "<span foreground='#d62728'>【紧急】</span>");
  const CmCategory *known = cm_categories_lookup (cm_categories_get_default (), item->category);
  g_autofree char *category = g_markup_escape_text (known ? known->label_zh : item->category_label,
                                                    -1);
  g_string_append (head, category);

  GString *body = g_string_new (NULL);
  g_string_append_printf (body, "%" G_GINT64_FORMAT " 位居民反映 · %u 条反映 · 已 %" G_GINT64_FORMAT
                                " 天\n",
                          item->residents, item->reports->len, item->days_open);
  g_autofree char *place = item->place ? g_markup_printf_escaped ("%s 附近（%.0f 米）",
                                                                  item->place, item->place_m)
                                       : g_strdup_printf ("%.6f, %.6f", item->lon, item->lat);
  g_autofree char *compound = item->compound ? g_markup_printf_escaped ("，%s", item->compound)
                                             : g_strdup ("");
  g_string_append_printf (body, "位置：%s%s\n", place, compound);
  if (item->responsible)
    {
      g_autofree char *who = g_markup_escape_text (item->responsible, -1);
      g_string_append_printf (body, "负责：%s%s", who,
                              item->suggested ? "（建议：该处在其服务范围内）" : "");
    }
  else
    g_string_append (body, "负责：该处不在任何站点或服务队的范围内");

  /* the history: each report and its follow-ups, oldest first */
  GString *history = g_string_new (NULL);
  for (guint k = 0; k < item->reports->len; k++)
    {
      const CmReportInfo *r = item->reports->pdata[k];
      const char *words = r->description ? r->description : r->name;
      g_string_append (history, k ? "\n" : "");
      status_date (history, r->reported_at);
      g_autofree char *w = words ? g_markup_escape_text (words, -1) : NULL;
      g_string_append_printf (history, " 居民反映%s%s（%s）", w ? "：" : "", w ? w : "",
                              cm_report_status_label_zh (r->status));
      g_autoptr (GPtrArray) timeline = cm_reports_get_timeline (a->store, r->uuid, FALSE, NULL);
      for (guint f = 0; timeline && f < timeline->len; f++)
        {
          const CmFollowup *fu = timeline->pdata[f];
          g_string_append (history, "\n    ");
          status_date (history, fu->at);
          g_autofree char *who = fu->who ? g_markup_escape_text (fu->who, -1) : NULL;
          g_autofree char *what = fu->what ? g_markup_escape_text (fu->what, -1) : NULL;
          g_string_append_printf (history, " %s%s%s", who ? who : "", who && what ? "：" : "",
                                  what ? what : fu->raised ? "又一位居民反映" : "");
          if (fu->status != CM_REPORT_NO_STATUS)
            g_string_append_printf (history, " → %s", cm_report_status_label_zh (fu->status));
        }
    }

  double text_h = _cm_report_text_height (p->cr, text_w, 12, TRUE, head->str) + 4 +
                  _cm_report_text_height (p->cr, text_w, 9, FALSE, body->str) + 6 +
                  _cm_report_text_height (p->cr, text_w, 8, FALSE, history->str);
  double block_h = MAX (map_h, text_h) + 14;
  if (p->y + MIN (block_h, BOTTOM - MARGIN) > BOTTOM)
    _cm_report_new_page (p);

  /* about 80 m around the item, more when its reports spread wider */
  double bbox[4] = { item->lon, item->lat, item->lon, item->lat };
  for (guint k = 0; k < item->reports->len; k++)
    {
      const CmReportInfo *r = item->reports->pdata[k];
      bbox[0] = MIN (bbox[0], r->lon), bbox[1] = MIN (bbox[1], r->lat);
      bbox[2] = MAX (bbox[2], r->lon), bbox[3] = MAX (bbox[3], r->lat);
    }
  double kx, ky;
  cm_geodesic_scale (item->lat, &kx, &ky);
  bbox[0] -= 80 / kx, bbox[2] += 80 / kx, bbox[1] -= 60 / ky, bbox[3] += 60 / ky;
  double top = p->y;
  if (!draw_map (p, a, bbox, MARGIN, top, map_w, map_h, (int) i, error))
    return FALSE;
  double y = top;
  y += _cm_report_text (p->cr, text_x, y, text_w, 12, TRUE, head->str) + 4;
  y += _cm_report_text (p->cr, text_x, y, text_w, 9, FALSE, body->str) + 6;
  cairo_set_source_rgb (p->cr, 0.3, 0.3, 0.3);
  y += _cm_report_text (p->cr, text_x, y, text_w, 8, FALSE, history->str);
  cairo_set_source_rgb (p->cr, 0, 0, 0);
  p->y = MAX (top + map_h, y) + 14;
  g_string_free (head, TRUE);
  g_string_free (body, TRUE);
  g_string_free (history, TRUE);
  return TRUE;
}

static void
draw_counts (CmReportPage *p, Agenda *a)
{
  if (a->counts == NULL || a->counts->len == 0)
    return;
  if (p->y + 60 > BOTTOM)
    _cm_report_new_page (p);
  p->y += _cm_report_text (p->cr, MARGIN, p->y, 0, 13, TRUE, "各站点、服务队的居民反映") + 6;
  const double cols[] = { MARGIN, 330, 400, 470 };
  const char *heads[] = { "负责", "未解决", "已解决", "解决天数（中位）" };
  for (int c = 0; c < 4; c++)
    _cm_report_text (p->cr, cols[c], p->y, 0, 9, TRUE, heads[c]);
  p->y += 14;
  for (guint i = 0; i < a->counts->len; i++)
    {
      const CmResponsibleCounts *c = a->counts->pdata[i];
      if (p->y + 12 > BOTTOM)
        _cm_report_new_page (p);
      g_autofree char *name = g_markup_escape_text (
          c->uuid ? (c->name ? c->name : c->uuid) : "（无人负责）", -1);
      g_autofree char *open = g_strdup_printf ("%u", c->open);
      g_autofree char *done = g_strdup_printf ("%u", c->done);
      g_autofree char *median = isnan (c->median_days) ? g_strdup ("—")
                                                       : g_strdup_printf ("%.1f", c->median_days);
      _cm_report_text (p->cr, cols[0], p->y, cols[1] - cols[0] - 8, 9, FALSE, name);
      _cm_report_text (p->cr, cols[1], p->y, 0, 9, FALSE, open);
      _cm_report_text (p->cr, cols[2], p->y, 0, 9, FALSE, done);
      _cm_report_text (p->cr, cols[3], p->y, 0, 9, FALSE, median);
      p->y += 13;
    }
}

static gboolean
draw_agenda (CmReportPage *p, gpointer data, GError **error)
{
  Agenda *a = data;
  g_autofree char *map_name = cm_store_dup_name (a->store);
  g_autofree char *title = g_markup_printf_escaped ("%s议事会议程", map_name ? map_name : "");
  p->y += _cm_report_text (p->cr, MARGIN, p->y, PAGE_W - 2 * MARGIN, 20, TRUE, title) + 6;
  guint reports = 0;
  gint64 residents = 0;
  guint urgent = 0;
  for (guint i = 0; i < a->items->len; i++)
    {
      const CmAgendaItem *item = a->items->pdata[i];
      reports += item->reports->len;
      residents += item->residents;
      urgent += item->urgent;
    }
  g_autofree char *line = g_strdup_printf (
      "会议日期 %s · 共 %u 个议题（紧急 %u 个），来自 %u 条未解决的居民反映、%" G_GINT64_FORMAT
      " 位居民。同一类别、相距 30 米以内的反映合为一个议题；紧急的在前，其次按反映人数，再按时间先后。",
      a->meeting_day, a->items->len, urgent, reports, residents);
  p->y += _cm_report_text (p->cr, MARGIN, p->y, PAGE_W - 2 * MARGIN, 9.5, FALSE, line) + 10;
  if (a->items->len == 0)
    {
      p->y += _cm_report_text (p->cr, MARGIN, p->y, 0, 12, FALSE, "没有未解决的居民反映。") + 10;
      draw_counts (p, a);
      return TRUE;
    }

  /* the overview: the items' extent, a little wider */
  double bbox[4] = { G_MAXDOUBLE, G_MAXDOUBLE, -G_MAXDOUBLE, -G_MAXDOUBLE };
  for (guint i = 0; i < a->items->len; i++)
    {
      const CmAgendaItem *item = a->items->pdata[i];
      bbox[0] = MIN (bbox[0], item->lon), bbox[1] = MIN (bbox[1], item->lat);
      bbox[2] = MAX (bbox[2], item->lon), bbox[3] = MAX (bbox[3], item->lat);
    }
  double kx, ky;
  cm_geodesic_scale (bbox[1], &kx, &ky);
  bbox[0] -= 100 / kx, bbox[2] += 100 / kx, bbox[1] -= 100 / ky, bbox[3] += 100 / ky;
  double map_w = PAGE_W - 2 * MARGIN, map_h = MIN (480.0, BOTTOM - p->y - 20);
  if (!draw_map (p, a, bbox, MARGIN, p->y, map_w, map_h, -1, error))
    return FALSE;
  p->y += map_h + 16;
  for (guint i = 0; i < a->items->len; i++)
    if (!draw_item (p, a, i, error))
      return FALSE;
  p->y += 6;
  draw_counts (p, a);
  return TRUE;
}

gboolean
cm_report_write_agenda_pdf (GPtrArray *items, GPtrArray *counts, CmStore *store,
                            const char *meeting_day, const char *path, GError **error)
{
  Agenda a = { items, counts, store, meeting_day };
  return _cm_report_write_pdf (path, "议事会议程", "议事会议程", draw_agenda, &a, error);
}
