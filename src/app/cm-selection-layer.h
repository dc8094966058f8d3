/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-selection-layer.h: draws the selected feature on top of the map tiles, with its edit
 * handles. */
#pragma once

#include <shumate/shumate.h>

#include "cm-feature.h"
#include "cm-geom.h"

/* Handle sizes in pixels, drawn and hit-tested alike */
#define CM_SELECTION_VERTEX_RADIUS 7
#define CM_SELECTION_MID_RADIUS 4.5

G_BEGIN_DECLS

#define CM_TYPE_SELECTION_LAYER (cm_selection_layer_get_type ())
G_DECLARE_FINAL_TYPE (CmSelectionLayer, cm_selection_layer, CM, SELECTION_LAYER, ShumateLayer)

CmSelectionLayer *cm_selection_layer_new (ShumateViewport *viewport);
void cm_selection_layer_set_feature (CmSelectionLayer *self, CmFeature *feature);
/* The shape shown (a copy of @geom), while it is being edited; NULL: nothing. */
void cm_selection_layer_set_geom (CmSelectionLayer *self, const CmGeom *geom);
const CmGeom *cm_selection_layer_get_geom (CmSelectionLayer *self);
/* Edit handles on the vertices and segments; @active: the chosen vertex, or G_MAXUINT. */
/* Handle size: 1, larger for fingers (workshop mode). */
void cm_selection_layer_set_scale (CmSelectionLayer *self, double scale);
/* A station's service radius drawn around it (set from the feature; changed while its form is
 * typed in); NAN or 0: none. */
void cm_selection_layer_set_ring (CmSelectionLayer *self, double metres);
/* Other features chosen at once (the attribute table's rows), outlined more lightly, without
 * handles; NULL: none. */
void cm_selection_layer_set_others (CmSelectionLayer *self, GPtrArray *features);
/* The other copy's shape (WKB) of the selected feature, in conflict after a merge (NULL: none),
 * drawn dashed in orange beside this map's. */
void cm_selection_layer_set_theirs (CmSelectionLayer *self, GBytes *wkb);
/* A box being dragged out, from @x0, @y0 to @x1, @y1 in the layer's pixels; NAN: none. */
void cm_selection_layer_set_box (CmSelectionLayer *self, double x0, double y0, double x1,
                                 double y1);
void cm_selection_layer_set_handles (CmSelectionLayer *self, gboolean handles, guint active);

G_END_DECLS
