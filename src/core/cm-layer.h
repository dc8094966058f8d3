/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-layer.h: the feature tables of a community map and what each one holds.
 *
 * The table names are part of the file format (docs/architecture.md): other tools and tests rely
 * on them.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  CM_LAYER_RESOURCES,
  CM_LAYER_STATIONS,
  CM_LAYER_TEAMS,
  CM_LAYER_BUILDINGS,
  CM_LAYER_PATHS,
  CM_LAYER_BARRIERS,
  CM_LAYER_BOUNDARY,
  CM_N_LAYERS,
  CM_LAYER_NONE = -1
} CmLayer;

/* Which geometries a layer accepts. */
typedef enum
{
  CM_GEOMETRY_KIND_ANY,     /* resources: points, lines or areas */
  CM_GEOMETRY_KIND_POINT,   /* one point */
  CM_GEOMETRY_KIND_LINES,   /* (multi)linestring, stored as MULTILINESTRING */
  CM_GEOMETRY_KIND_AREAS,   /* (multi)polygon, stored as MULTIPOLYGON */
} CmGeometryKind;

typedef struct
{
  CmLayer layer;
  const char *table;          /* SQL table name */
  const char *spatialite_type; /* the type given to AddGeometryColumn */
  CmGeometryKind kind;
  const char *extra_columns;  /* layer-specific column definitions, SQL */
  const char *const *extra_names; /* their names: an imported property of that name fills one */
} CmLayerInfo;

const CmLayerInfo *cm_layer_get_info (CmLayer layer);
const char *cm_layer_to_string (CmLayer layer);
CmLayer cm_layer_from_string (const char *name);
/* "resources, stations, …" for messages. */
const char *cm_layer_names (void);

G_END_DECLS
