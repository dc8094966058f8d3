/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-layer.c: the feature tables of a community map. */
#include "cm-layer.h"

#include <string.h>

static const char *const station_extras[] = { "service_radius_m", NULL };
static const char *const team_extras[] = { "kind", "members", NULL };
static const char *const building_extras[] = { "households", "population", NULL };
static const char *const no_extras[] = { NULL };

static const CmLayerInfo layers[CM_N_LAYERS] = {
  { CM_LAYER_RESOURCES, "resources", "GEOMETRY", CM_GEOMETRY_KIND_ANY, "", no_extras },
  { CM_LAYER_STATIONS, "stations", "POINT", CM_GEOMETRY_KIND_POINT,
    ", service_radius_m REAL CHECK (service_radius_m IS NULL OR service_radius_m >= 0)",
    station_extras },
  { CM_LAYER_TEAMS, "teams", "MULTIPOLYGON", CM_GEOMETRY_KIND_AREAS,
    ", kind TEXT, members INTEGER", team_extras },
  { CM_LAYER_BUILDINGS, "buildings", "MULTIPOLYGON", CM_GEOMETRY_KIND_AREAS,
    ", households INTEGER, population INTEGER", building_extras },
  { CM_LAYER_PATHS, "paths", "MULTILINESTRING", CM_GEOMETRY_KIND_LINES, "", no_extras },
  { CM_LAYER_BARRIERS, "barriers", "MULTILINESTRING", CM_GEOMETRY_KIND_LINES, "", no_extras },
  { CM_LAYER_BOUNDARY, "boundary", "MULTIPOLYGON", CM_GEOMETRY_KIND_AREAS, "", no_extras },
};

const CmLayerInfo *
cm_layer_get_info (CmLayer layer)
{
  g_return_val_if_fail (layer >= 0 && layer < CM_N_LAYERS, NULL);
  return &layers[layer];
}

const char *
cm_layer_to_string (CmLayer layer)
{
  if (layer < 0 || layer >= CM_N_LAYERS)
    return "none";
  return layers[layer].table;
}

CmLayer
cm_layer_from_string (const char *name)
{
  if (name == NULL)
    return CM_LAYER_NONE;
  for (int i = 0; i < CM_N_LAYERS; i++)
    if (strcmp (layers[i].table, name) == 0)
      return (CmLayer) i;
  return CM_LAYER_NONE;
}

const char *
cm_layer_names (void)
{
  return "resources, stations, teams, buildings, paths, barriers, boundary";
}
