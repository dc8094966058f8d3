/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-overlay.h: what the window's overlay layers (labels, selection, sketch) share — the view
 * they project with, and redrawing when the map moves. */
#pragma once

#include <shumate/shumate.h>

#include "cm-render-view.h"

G_BEGIN_DECLS

/* The layer's current view, as the tiles are drawn (src/render): projecting each vertex
 * through libshumate's viewport would recompute the view centre for every call. */
void cm_overlay_get_view (ShumateLayer *layer, CmRenderView *view);
/* Redraws @layer whenever its viewport changes (libshumate 1.0 has no "changed" signal, so on
 * any property notification). Call from constructed. */
void cm_overlay_follow_viewport (ShumateLayer *layer);

/* A cairo node only as large as @box (x0, y0, x1, y1 in the layer's pixels) grown by @margin
 * and cut to the layer, drawn in the layer's coordinates: a change then makes GTK redraw that
 * much of the window, not the whole map. NULL when nothing of it is inside the layer. */
cairo_t *cm_overlay_append_cairo (ShumateLayer *layer, GtkSnapshot *snapshot,
                                  const double box[4], double margin);

G_END_DECLS
