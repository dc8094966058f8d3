/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-labels.h: map labels placed without overlap, by priority (shared by cm_render_draw and the
 * window's label layer, which draws names above the tiles so they are never cut at tile edges). */
#pragma once

#include <cairo.h>

#include "cm-render-view.h"

G_BEGIN_DECLS

typedef struct _CmLabels CmLabels;

CmLabels *cm_labels_new (void);
void cm_labels_free (CmLabels *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CmLabels, cm_labels_free)

/* A name at @lon, @lat, drawn @dy pixels below it, with font size @size px. Lower @priority is
 * placed first; a label from @min_zoom upwards only. */
void cm_labels_add (CmLabels *self, const char *text, double lon, double lat, double dy,
                    int priority, double size, double min_zoom);
guint cm_labels_get_n (CmLabels *self);
void cm_labels_clear (CmLabels *self);

/* Draws the labels that fit in @view, skipping any that would overlap one already placed. */
void cm_labels_draw (CmLabels *self, cairo_t *cr, const CmRenderView *view);

G_END_DECLS
