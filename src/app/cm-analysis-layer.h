/* cm-analysis-layer.h: an analysis result on the map — buildings coloured by walking distance
 * or coverage, the ground reached on foot, team gaps and overlaps hatched — and the legend
 * that explains the colours. */
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

typedef struct
{
  double rgba[4];
  int hatch;         /* 0: a plain swatch; 1, 2: hatched one way or the other */
  gboolean outline;  /* drawn as an outline (uncovered buildings) */
  const char *label; /* translated */
} CmAnalysisLegendItem;

/* The legend of what cm_analysis_layer draws for @result, in drawing order. */
GArray *cm_analysis_legend (const CmAnalysisResult *result);

G_END_DECLS
