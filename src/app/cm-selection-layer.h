/* cm-selection-layer.h: draws the selected feature on top of the map tiles. */
#pragma once

#include <shumate/shumate.h>

#include "cm-feature.h"

G_BEGIN_DECLS

#define CM_TYPE_SELECTION_LAYER (cm_selection_layer_get_type ())
G_DECLARE_FINAL_TYPE (CmSelectionLayer, cm_selection_layer, CM, SELECTION_LAYER, ShumateLayer)

CmSelectionLayer *cm_selection_layer_new (ShumateViewport *viewport);
void cm_selection_layer_set_feature (CmSelectionLayer *self, CmFeature *feature);

G_END_DECLS
