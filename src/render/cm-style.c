/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-style.c: colours and widths. */
#include "cm-style.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cm-categories.h"

const CmColor cm_style_background = { 0.961, 0.953, 0.929 };       /* #f5f3ed paper */
const CmColor cm_style_building_outline = { 0.612, 0.573, 0.529 }; /* #9c9287 */
const CmColor cm_style_station = { 0.839, 0.153, 0.157 };          /* #d62728 */
const CmColor cm_style_boundary = { 0.459, 0.169, 0.612 };         /* #752b9c */
const CmColor cm_style_barrier = { 0.2, 0.2, 0.2 };
const CmColor cm_style_label = { 0.13, 0.13, 0.13 };

static CmColor
hex (const char *s)
{
  unsigned r = 0x88, g = 0x88, b = 0x88;
  if (s && s[0] == '#')
    sscanf (s + 1, "%02x%02x%02x", &r, &g, &b);
  return (CmColor) { r / 255.0, g / 255.0, b / 255.0 };
}

gboolean
cm_style_tag (const char *tags, const char *key, char *value, gsize size)
{
  if (tags == NULL)
    return FALSE;
  char needle[64];
  int n = g_snprintf (needle, sizeof needle, "\"%s\":\"", key);
  if (n >= (int) sizeof needle)
    return FALSE;
  const char *p = strstr (tags, needle);
  if (p == NULL)
    return FALSE;
  p += n;
  const char *end = strchr (p, '"');
  if (end == NULL || (gsize) (end - p) >= size)
    return FALSE;
  memcpy (value, p, end - p);
  value[end - p] = '\0';
  return TRUE;
}

static gboolean
is_one_of (const char *v, const char *const *list)
{
  for (; *list; list++)
    if (strcmp (v, *list) == 0)
      return TRUE;
  return FALSE;
}

static const CmColor building_colors[CM_STYLE_BUILDING_CLASSES] = {
  { 0.851, 0.824, 0.792 }, /* #d9d2ca other */
  { 0.894, 0.839, 0.776 }, /* #e4d6c6 homes */
  { 0.949, 0.812, 0.769 }, /* #f2cfc4 trade */
  { 0.847, 0.812, 0.941 }, /* #d8cff0 learning */
  { 0.965, 0.788, 0.816 }, /* #f6c9d0 care */
  { 0.800, 0.878, 0.835 }, /* #cce0d5 public */
};

guint
cm_style_building_class (const char *tags)
{
  static const char *const homes[] = { "residential", "apartments", "house", "detached",
                                       "terrace", "dormitory", "semidetached_house", NULL };
  static const char *const trade[] = { "commercial", "retail", "office", "supermarket",
                                       "kiosk", "hotel", NULL };
  static const char *const learning[] = { "school", "university", "kindergarten", "college",
                                          NULL };
  static const char *const care[] = { "hospital", "clinic", NULL };
  static const char *const public[] = { "civic", "public", "government", "church", "temple",
                                        "community_centre", NULL };
  char use[48];
  if (!cm_style_tag (tags, "building", use, sizeof use))
    return 0;
  if (is_one_of (use, homes))
    return 1;
  if (is_one_of (use, trade))
    return 2;
  if (is_one_of (use, learning))
    return 3;
  if (is_one_of (use, care))
    return 4;
  if (is_one_of (use, public))
    return 5;
  return 0;
}

CmColor
cm_style_building_class_color (guint building_class)
{
  return building_colors[MIN (building_class, CM_STYLE_BUILDING_CLASSES - 1)];
}

guint
cm_style_path_class (const char *tags)
{
  static const char *const major[] = { "motorway", "trunk", "primary", "motorway_link",
                                        "trunk_link", "primary_link", NULL };
  static const char *const medium[] = { "secondary", "tertiary", "secondary_link",
                                         "tertiary_link", NULL };
  static const char *const minor[] = { "residential", "unclassified", "living_street",
                                        "service", "road", NULL };
  char cls[48];
  if (!cm_style_tag (tags, "highway", cls, sizeof cls))
    return 3;
  return is_one_of (cls, major) ? 0 : is_one_of (cls, medium) ? 1 : is_one_of (cls, minor) ? 2 : 3;
}

CmLineStyle
cm_style_path_of_class (guint path_class, double zoom)
{
  /* widths grow with zoom: at zoom 17 a residential street is 6 px; further out than a street
   * office (zoom 13) every street is a thin line, so that the buildings show between them */
  double k = zoom < 13 ? 0.125 : CLAMP (exp2 (zoom - 17.0), 0.25, 2.5);
  CmLineStyle s = { 0 };
  s.casing_color = (CmColor) { 0.70, 0.68, 0.65 };
  s.path_class = MIN (path_class, 3);
  switch (s.path_class)
    {
    case 0: /* motorway, trunk, primary */
      s.width = 9 * k;
      s.color = (CmColor) { 0.988, 0.839, 0.643 }; /* #fcd6a4 */
      s.casing = 1;
      s.casing_color = (CmColor) { 0.78, 0.55, 0.32 };
      break;
    case 1: /* secondary, tertiary */
      s.width = 7.5 * k;
      s.color = (CmColor) { 0.969, 0.980, 0.749 }; /* #f7fabf */
      s.casing = 1;
      break;
    case 2: /* residential, service, … */
      s.width = 6 * k;
      s.color = (CmColor) { 1, 1, 1 };
      s.casing = 1;
      break;
    default: /* footway, path, steps, cycleway */
      s.width = MAX (2.0 * k, 1.0);
      s.color = (CmColor) { 0.85, 0.42, 0.36 };
      s.dashed = TRUE;
      break;
    }
  s.width = MAX (s.width, 1.0);
  /* zoomed out (a whole district on screen): no casings, no footways; thin lines read better
   * there and cost a fraction to draw */
  if (zoom < 14)
    {
      s.casing = 0;
      if (s.path_class == 3)
        s.width = 0;
    }
  else if (zoom < 15 && s.path_class >= 2)
    s.casing = 0;
  return s;
}

CmLineStyle
cm_style_path (const char *tags, double zoom)
{
  return cm_style_path_of_class (cm_style_path_class (tags), zoom);
}

CmColor
cm_style_category (const char *category)
{
  const CmCategory *c = cm_categories_lookup (cm_categories_get_default (), category);
  return hex (c ? c->color : NULL);
}

CmColor
cm_style_report_status (const char *status)
{
  static const struct
  {
    const char *key, *color;
  } colors[] = {
    { "reported", "#d62728" }, { "acknowledged", "#ff7f0e" }, { "in_hand", "#1f77b4" },
    { "resolved", "#2ca02c" }, { "closed", "#8c8c8c" },       { "reopened", "#9467bd" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (colors); i++)
    if (g_strcmp0 (status, colors[i].key) == 0)
      return hex (colors[i].color);
  return hex (colors[0].color);
}

CmColor
cm_style_team (guint n)
{
  static const char *const palette[] = { "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#17becf",
                                         "#e377c2", "#8c564b", "#bcbd22" };
  return hex (palette[n % G_N_ELEMENTS (palette)]);
}
