/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-report-private.h: what the printable reports share (cm-report.c): A4 pages in points, text
 * in the CJK font, a footer with the page's number and the credits, a PDF written to a
 * temporary file and renamed into place. */
#pragma once

#include <cairo.h>
#include <gio/gio.h>

G_BEGIN_DECLS

#define CM_REPORT_PAGE_W 595.0 /* A4 in points */
#define CM_REPORT_PAGE_H 842.0
#define CM_REPORT_MARGIN 42.0

typedef struct
{
  cairo_t *cr;
  double y;          /* where the next line goes */
  guint page;
  const char *title; /* in the footer: 生活圈评估报告 */
} CmReportPage;

/* Draws Pango @markup at @x, @y within @width (0: one line) in the report's font; returns its
 * height. */
double _cm_report_text (cairo_t *cr, double x, double y, double width, double size,
                        gboolean bold, const char *markup);
/* The height @markup would take. */
double _cm_report_text_height (cairo_t *cr, double width, double size, gboolean bold,
                               const char *markup);
/* The footer, then a new page. */
void _cm_report_new_page (CmReportPage *p);

typedef gboolean (*CmReportDrawFunc) (CmReportPage *p, gpointer data, GError **error);
/* An A4 PDF at @path drawn by @draw (its last page's footer after it), with @title in its
 * metadata: written to @path.partial and renamed, so never half written. */
gboolean _cm_report_write_pdf (const char *path, const char *title, const char *footer_title,
                               CmReportDrawFunc draw, gpointer data, GError **error);

G_END_DECLS
