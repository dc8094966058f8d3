/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-sketch-layer.h: the shape being drawn — its vertices, the line to the pointer, and where
 * it went wrong — on top of the map. It only draws; the window decides what a click does. */
#pragma once

#include <shumate/shumate.h>

#include "cm-geom.h"

G_BEGIN_DECLS

typedef enum
{
  CM_SKETCH_NONE,
  CM_SKETCH_POINT,
  CM_SKETCH_LINE,
  CM_SKETCH_AREA,
} CmSketchKind;

#define CM_TYPE_SKETCH_LAYER (cm_sketch_layer_get_type ())
G_DECLARE_FINAL_TYPE (CmSketchLayer, cm_sketch_layer, CM, SKETCH_LAYER, ShumateLayer)

CmSketchLayer *cm_sketch_layer_new (ShumateViewport *viewport);

/* Line and vertex size: 1, larger on a projector (workshop mode). */
void cm_sketch_layer_set_scale (CmSketchLayer *self, double scale);
/* Starts an empty sketch of @kind (NONE: nothing is drawn). */
void cm_sketch_layer_start (CmSketchLayer *self, CmSketchKind kind);
CmSketchKind cm_sketch_layer_get_kind (CmSketchLayer *self);
void cm_sketch_layer_add_vertex (CmSketchLayer *self, double lon, double lat);
/* FALSE when there was none to remove. */
gboolean cm_sketch_layer_remove_last (CmSketchLayer *self);
guint cm_sketch_layer_get_n_vertices (CmSketchLayer *self);
void cm_sketch_layer_get_vertex (CmSketchLayer *self, guint i, double *lon, double *lat);
/* The pointer, for the line from the last vertex to it; NAN, NAN: none. */
void cm_sketch_layer_set_pointer (CmSketchLayer *self, double lon, double lat);
/* Marks a problem at @lon, @lat (a crossing) with a short message drawn beside it; NULL
 * message: none. */
void cm_sketch_layer_set_problem (CmSketchLayer *self, double lon, double lat,
                                  const char *message);
/* A point's service radius in metres, drawn as a ring around the point placed, or around the
 * pointer before it is: the station tool. NAN: none. */
void cm_sketch_layer_set_ring (CmSketchLayer *self, double metres);
/* The parts of an area finished before the one being drawn (a polygon or multipolygon), drawn
 * under it; NULL: none. The layer keeps a copy. cm_sketch_layer_start does not clear them. */
void cm_sketch_layer_set_parts (CmSketchLayer *self, const CmGeom *parts);
/* The sketch as a geometry (an area's ring closed), or NULL while it has too few vertices. */
CmGeom *cm_sketch_layer_to_geom (CmSketchLayer *self);

G_END_DECLS
