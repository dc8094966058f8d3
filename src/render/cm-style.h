/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-style.h: how each kind of feature looks. One place for colours and widths, chosen to read
 * well on a projector: strong category colours, pale buildings, white roads with a casing. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  double r, g, b;
} CmColor;

typedef struct
{
  double width;    /* pixels */
  CmColor color;
  double casing;   /* extra pixels of casing each side; 0 for none */
  CmColor casing_color;
  gboolean dashed;
  guint path_class; /* 0 major, 1 medium, 2 minor, 3 footway: one style per class and zoom */
} CmLineStyle;

#define CM_STYLE_PATH_CLASSES 4

extern const CmColor cm_style_background;
extern const CmColor cm_style_building_outline;
extern const CmColor cm_style_station;
extern const CmColor cm_style_boundary;
extern const CmColor cm_style_barrier;
extern const CmColor cm_style_label;

/* Building fill by its `building` tag (residential, commercial, school, …): one of
 * CM_STYLE_BUILDING_CLASSES classes, each with its colour. */
#define CM_STYLE_BUILDING_CLASSES 6
guint cm_style_building_class (const char *tags_json);
CmColor cm_style_building_class_color (guint building_class);
/* Path look by its `highway` tag, at @zoom. A width of 0: not drawn at this zoom. */
CmLineStyle cm_style_path (const char *tags_json, double zoom);
/* The same in two steps: the path's class by its tags, the class's look at @zoom. */
guint cm_style_path_class (const char *tags_json);
CmLineStyle cm_style_path_of_class (guint path_class, double zoom);
/* A category's colour from the categories table; grey for unknown ones. */
CmColor cm_style_category (const char *category);
/* A residents' report's colour by its status key (reported red, acknowledged orange, in hand
 * blue, resolved green, closed grey, reopened purple; NULL is reported). */
CmColor cm_style_report_status (const char *status);
/* The n-th volunteer team's colour. */
CmColor cm_style_team (guint n);

/* The string value of @key in a flat JSON object's text, or FALSE. Fast and good enough for
 * style decisions: no escapes are decoded. */
gboolean cm_style_tag (const char *tags_json, const char *key, char *value, gsize size);

G_END_DECLS
