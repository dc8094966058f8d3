/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-categories.h: community-resource categories and the OSM tags that map to them. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CM_CATEGORY_OTHER "other"

typedef struct
{
  char *key;       /* stable id stored in the map, e.g. "kindergarten" */
  char *label_zh;  /* zh_CN label */
  char *label_en;  /* English label */
  char *icon;      /* symbolic icon name */
  char *color;     /* "#rrggbb" */
  char **geometry; /* "point", "line", "area" */
  char **osm;      /* "key=value" or "key=*" */
  gboolean serves; /* a place that serves people: offered as a coverage analysis's source */
} CmCategory;

typedef struct _CmCategories CmCategories;

/* The built-in set from data/categories.json (compiled into the library). */
CmCategories *cm_categories_get_default (void);
CmCategories *cm_categories_new_from_data (const char *json, gssize len, GError **error);
void cm_categories_free (CmCategories *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CmCategories, cm_categories_free)

guint cm_categories_get_n (CmCategories *self);
const CmCategory *cm_categories_get (CmCategories *self, guint index);
const CmCategory *cm_categories_lookup (CmCategories *self, const char *key);

/* The category for a feature's OSM tags, given as key, value, key, value …; the category
 * listed first wins; CM_CATEGORY_OTHER when nothing matches. */
const char *cm_categories_match_tags (CmCategories *self, const GPtrArray *string_tags);

G_END_DECLS
