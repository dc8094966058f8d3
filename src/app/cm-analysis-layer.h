/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-analysis-layer.h: an analysis result on the map — buildings coloured by walking distance
 * or coverage, the ground reached on foot, team gaps and overlaps hatched (drawn by
 * cm-analysis-style.c, which also gives the legend). */
#pragma once

#include <shumate/shumate.h>

#include "cm-analysis.h"

G_BEGIN_DECLS

#define CM_TYPE_ANALYSIS_LAYER (cm_analysis_layer_get_type ())
G_DECLARE_FINAL_TYPE (CmAnalysisLayer, cm_analysis_layer, CM, ANALYSIS_LAYER, ShumateLayer)

CmAnalysisLayer *cm_analysis_layer_new (ShumateViewport *viewport);
/* Shows @result (borrowed: keep it alive while it is shown; NULL shows nothing). @circle: the
 * life circle whose buildings are coloured. */
void cm_analysis_layer_set_result (CmAnalysisLayer *self, const CmAnalysisResult *result,
                                   guint circle);

/* The buildings newly covered since the baseline (their uuids), outlined over the result;
 * NULL: none. Kept until the next result or NULL. */
void cm_analysis_layer_set_gained (CmAnalysisLayer *self, GHashTable *gained);

G_END_DECLS
