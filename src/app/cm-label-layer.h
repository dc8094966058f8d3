/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-label-layer.h: the names of stations, teams and resources, drawn above the map tiles
 * (tiles carry no labels: a name would be cut at a tile's edge). */
#pragma once

#include <shumate/shumate.h>

#include "cm-store.h"

G_BEGIN_DECLS

#define CM_TYPE_LABEL_LAYER (cm_label_layer_get_type ())
G_DECLARE_FINAL_TYPE (CmLabelLayer, cm_label_layer, CM, LABEL_LAYER, ShumateLayer)

CmLabelLayer *cm_label_layer_new (ShumateViewport *viewport);
/* Reads the names from @store (NULL: none), without the layers in @hidden. */
void cm_label_layer_load (CmLabelLayer *self, CmStore *store, guint hidden);

G_END_DECLS
